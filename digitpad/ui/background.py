"""Run one plain function off the GUI thread and get its result back as a signal.

For short jobs (loading MNIST, evaluating 10,000 test images): a daemon
``threading.Thread`` runs the function; the result or the exception reaches the GUI
thread through a ``QObject`` that lives there (queued signal delivery).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)


class BackgroundJob(QObject):
    """``start(fn)`` once at a time; ``finished(result)`` or ``failed(exception)``."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._name = name
        self._thread: threading.Thread | None = None

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self, fn: Callable[[], object]) -> bool:
        if self.is_running():
            return False
        self._thread = threading.Thread(target=self._run, args=(fn,), name=self._name, daemon=True)
        self._thread.start()
        return True

    def _run(self, fn) -> None:
        try:
            result = fn()
        except Exception as exc:
            log.debug("%s failed", self._name, exc_info=True)
            self.failed.emit(exc)
            return
        self.finished.emit(result)

    def wait(self, timeout: float = 30.0) -> None:
        if self._thread is not None:
            self._thread.join(timeout)
