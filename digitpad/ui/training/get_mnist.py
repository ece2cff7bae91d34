"""What Train offers when there is no MNIST: Open dataset…, or Download (with progress
and a cancel, ``ml.download``). Offline, the download button says so and stays off.

The train panel shows this row under its status after an "MNIST not found" failure,
feeds its progress bar from :attr:`GetMnist.progress` and cancels through
:meth:`GetMnist.cancel` (its Stop button); after a download Train starts again.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QWidget

from digitpad.ml import errors as E
from digitpad.ml.data import keras_cache_path, mnist_url
from digitpad.ml.errors import DigitpadError
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.jobs import Job, JobContext
from digitpad.ui.messages import error_text

log = logging.getLogger(__name__)


class GetMnist(Retranslatable, QWidget):
    openRequested = Signal()  # the person wants to choose a file (Open dataset…)
    progress = Signal(int, int)  # bytes done, bytes in all
    downloaded = Signal(str)  # where MNIST now is
    failed = Signal(str)  # one line; "stopped" included
    runningChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("getMnist")
        self._offline = False
        self._job = Job("digitpad-download-mnist", self)
        self._job.progress.connect(lambda value: self.progress.emit(*value))
        self._job.finished.connect(self._on_downloaded)
        self._job.failed.connect(self._on_failed)
        self._job.done.connect(lambda: self._set_running(False))
        self.open_button = QPushButton()
        self.open_button.clicked.connect(self.openRequested)
        self.download_button = QPushButton()
        self.download_button.clicked.connect(self.start)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.open_button)
        row.addWidget(self.download_button)
        row.addStretch(1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.open_button.setText(self.tr("Open dataset…"))
        self.open_button.setToolTip(self.tr("Choose an mnist.npz file (Keras' layout)."))
        self.download_button.setText(self.tr("Download MNIST (11 MB)"))
        self.download_button.setToolTip(
            self.tr("This machine is offline: copy mnist.npz here and open it.")
            if self._offline
            else self.tr("From {0}, into {1}").format(mnist_url(), str(keras_cache_path()))
        )

    def offer(self, offline: bool) -> None:
        """Show the two ways to get MNIST (the download only when online)."""
        self._offline = bool(offline)
        self.download_button.setEnabled(not offline and not self.is_running())
        self.retranslate_ui()
        self.show()

    def is_running(self) -> bool:
        return self._job.is_running()

    @Slot()
    def start(self) -> bool:
        """Download in the background; ``False`` when one runs already."""
        if not self._job.start(_download):
            return False
        self._set_running(True)
        return True

    def cancel(self) -> None:
        self._job.cancel()

    def shutdown(self) -> None:
        """Stop a download and wait for it: within ``ml.download.POLL`` (0.1 s) of the
        cancel, whatever the server does (the window's close calls this, via
        ``jobs.shutdown``)."""
        self._job.cancel()
        self._job.wait(5.0)

    def _set_running(self, running: bool) -> None:
        self.download_button.setEnabled(not running and not self._offline)
        self.open_button.setEnabled(not running)
        self.runningChanged.emit(running)

    @Slot(object)
    def _on_downloaded(self, path: Path) -> None:
        self.hide()
        self.downloaded.emit(str(path))

    @Slot(object)
    def _on_failed(self, exc: BaseException) -> None:
        lead = self.tr("MNIST was not downloaded.")
        if getattr(exc, "code", "") == E.DOWNLOAD_STOPPED:
            message = self.tr("Download stopped; nothing was kept.")
        elif isinstance(exc, DigitpadError):  # every network fault, said by ml.download
            message = error_text(exc, lead)
        else:  # never expected (a bug): logged in full, said in one line
            log.error("MNIST download failed", exc_info=exc)
            text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            message = f"{lead}\n{type(exc).__name__}: {text}" if text else lead
        self.failed.emit(message)


def _download(context: JobContext) -> Path:
    from digitpad.ml.download import download_mnist  # urllib: kept off start-up

    # The cancel is the job's: Stop and the window's close reach the download within 0.1 s.
    return download_mnist(
        progress=lambda done, total: context.progress((done, total)), cancel=context.cancel
    )
