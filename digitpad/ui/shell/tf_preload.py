"""Import TensorFlow in the background while the user is not drawing.

The window opens and predicts without TensorFlow (numpy does the live reading). Keras
is needed only to train or evaluate, and importing it holds Python's lock for a few
hundred milliseconds: done at the Train click, that freezes the window just as the
audience watches it. So it is imported once the pad has been idle for a moment, and
not while the pointer rests on the pad: the import holds the lock for up to ~0.35 s at a
time (loading TensorFlow's libraries; 0.6-0.95 s on a busy 2-core machine), which stalls
a stroke begun meanwhile. Such a stroke is late, never thinned: Qt's merging of the moves
that queue meanwhile is off (``app.keep_every_pointer_move``). After the import, the
bundled pen digits are drawn once per machine (``ml.pipeline.warm_pen_cache``; ~1.5 s the
first time, a file read after), so the first Train click does not wait for them.
"""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QObject, QTimer, Signal

from digitpad.ui.jobs import Job

log = logging.getLogger(__name__)

IDLE_MS = 1500  # no stroke for this long: the user is looking, not drawing
ENV_SWITCH = "DIGITPAD_PRELOAD_TF"  # "0" turns it off (start-up benchmarks, tests)


class TensorFlowPreloader(QObject):
    loaded = Signal()  # the import (and the pen digits' drawing) ended, well or not

    def __init__(self, parent: QObject | None = None, busy=None) -> None:
        """``busy()`` is True while the user is about to draw or drawing (the pointer on
        the pad): the import waits for another idle moment."""
        super().__init__(parent)
        self._busy = busy
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(IDLE_MS)
        self._timer.timeout.connect(self._start_import)
        self._job = Job("tensorflow-preload", self)
        self._job.done.connect(self.loaded)
        self._started = False

    def enabled(self) -> bool:
        return os.environ.get(ENV_SWITCH, "1") != "0" and "keras" not in sys.modules

    def poke(self) -> None:
        """(Re)start the idle countdown; call on start-up and on every stroke. (Whether
        the import is wanted at all is asked when the countdown ends, not on every pen
        move: reading the environment is four Python calls.)"""
        if not self._started:
            self._timer.start()

    def _start_import(self) -> None:
        if self._started or not self.enabled():
            return
        if self._busy is not None and self._busy():
            self._timer.start()  # ask again after another idle moment
            return
        self._started = True
        self._job.start(_import)

    def is_running(self) -> bool:
        return self._job.is_running()

    def wait(self, timeout: float = 60.0) -> None:
        """Let a running import finish: one cut off by interpreter exit fails or crashes."""
        self._timer.stop()
        self._job.wait(timeout)


def _import(_context) -> None:
    from digitpad.ml.model import import_keras

    try:
        import_keras()
    except Exception:  # training will report the real error when it needs Keras
        log.warning("background TensorFlow import failed", exc_info=True)
    try:  # the pen digits the augmented presets train on, drawn once per machine
        from digitpad.ml.pipeline import warm_pen_cache

        warm_pen_cache()
    except Exception:  # the Train click draws them itself
        log.warning("drawing the pen digits in the background failed", exc_info=True)
