"""Your own digits: label the current drawing, browse and delete samples, fine-tune.

Wiring (main window): connect ``labelRequested(int)`` to a slot that calls
``view.add_current(canvas_array, label)``, or call ``set_drawing_source(callable)``
once and the buttons add the canvas drawing themselves. For fine-tuning, call
``set_model_source(callable returning a compiled Keras model)`` and optionally
``set_mnist(mnist)``; ``fineTuned(object result, object model)`` carries the result
and the tuned Keras model for the window to adopt (or ignore).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from digitpad.ml.errors import DigitpadError
from digitpad.ml.user_digits import UserDigits
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.jobs import Job
from digitpad.ui.messages import error_text
from digitpad.ui.teach.common import grey_qimage
from digitpad.ui.teach.fine_tuning import failure_line, fine_tune_work

log = logging.getLogger(__name__)


def breakable_path(path) -> str:
    """The path with a zero-width space after each separator: a label may wrap there
    instead of growing as wide as the whole path (or eliding it)."""
    text = str(path)
    for separator in ("/", "\\", "_", "-", "."):
        text = text.replace(separator, separator + "\u200b")
    # ... and inside a long name with none of those (a folder named by a hash, say).
    return re.sub(r"[^\u200b]{16}(?=[^\u200b])", lambda m: m.group(0) + "\u200b", text)


class UserDigitsView(Retranslatable, QWidget):
    labelRequested = Signal(int)
    fineTuned = Signal(object, object)  # FineTuneResult, tuned keras model

    def __init__(self, store: UserDigits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._drawing_source: Callable[[], np.ndarray | None] | None = None
        self._model_source: Callable[[], object] | None = None
        self._mnist = None
        self._training = False  # the train panel is training: fine-tuning waits
        self._job = Job("digitpad-fine-tune", self)
        self._job.finished.connect(self._fine_tune_done)
        self._job.failed.connect(self._fine_tune_failed)

        intro = self._intro = QLabel()
        intro.setWordWrap(True)
        buttons = QHBoxLayout()
        self.label_buttons = []
        for digit in range(10):
            button = QPushButton(str(digit))
            button.setMinimumWidth(32)
            button.clicked.connect(lambda _=False, d=digit: self._label_clicked(d))
            buttons.addWidget(button)
            self.label_buttons.append(button)

        self.total_label = QLabel()
        self.total_label.setWordWrap(True)  # a long folder path wraps at its slashes

        self.samples = QListWidget()
        self.samples.setViewMode(QListWidget.ViewMode.IconMode)
        self.samples.setIconSize(QSize(48, 48))
        self.samples.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.samples.setMovement(QListWidget.Movement.Static)
        self.samples.setSpacing(4)
        self.samples.itemSelectionChanged.connect(self._update_buttons)
        self.delete_button = QPushButton()
        self.delete_button.clicked.connect(self.delete_selected)

        self.fine_tune_button = QPushButton()
        self.fine_tune_button.clicked.connect(self.start_fine_tune)
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)

        bottom = QHBoxLayout()
        bottom.addWidget(self.delete_button)
        bottom.addStretch(1)
        bottom.addWidget(self.fine_tune_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addLayout(self._counts_row())
        layout.addWidget(self.total_label)
        layout.addWidget(self.samples, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.result_label)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Fixed texts and the totals; the last result line stays as it was written."""
        self._intro.setText(
            self.tr("Draw a digit, then press its number to add it to your digits.")
        )
        for digit, button in enumerate(self.label_buttons):
            button.setToolTip(self.tr("Add the current drawing as a {0}").format(str(digit)))
        self.delete_button.setText(self.tr("Delete selected"))
        self.fine_tune_button.setText(self.tr("Fine-tune on my digits"))
        self.refresh()

    def _counts_row(self) -> QGridLayout:
        counts = QGridLayout()
        self.count_labels = []
        for digit in range(10):
            label = QLabel()
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            counts.addWidget(label, 0, digit)
            self.count_labels.append(label)
        return counts

    # -- wiring -------------------------------------------------------------------------
    def set_drawing_source(self, source: Callable[[], np.ndarray | None] | None) -> None:
        self._drawing_source = source

    def set_model_source(self, source: Callable[[], object] | None) -> None:
        """``source()`` is called on the worker thread and returns a compiled Keras model."""
        self._model_source = source
        self._update_buttons()

    def set_mnist(self, mnist) -> None:
        """Mixed into fine-tuning so the network keeps reading everyone else's digits."""
        self._mnist = mnist

    # -- actions ------------------------------------------------------------------------
    def _label_clicked(self, digit: int) -> None:
        self.labelRequested.emit(digit)
        if self._drawing_source is not None:
            drawing = self._drawing_source()
            if drawing is not None:
                self.add_current(drawing, digit)

    def add_current(self, drawing: np.ndarray, label: int) -> int | None:
        """Add a canvas drawing (or 28x28 image) with its label; returns its index."""
        try:
            index = self.store.add(drawing, label)
        except ValueError as exc:
            self.result_label.setText(self.tr("Not added: {0}").format(str(exc)))
            return None
        except DigitpadError as exc:
            self.result_label.setText(error_text(exc))
            return None
        self.result_label.setText(self.tr("Added a {0}.").format(str(label)))
        if index == self.samples.count():  # nobody else added meanwhile: one new item
            self._append_item(index)
            self._refresh_counts()
        else:
            self.refresh()
        return index

    def delete_selected(self) -> None:
        rows = sorted(
            (self.samples.row(item) for item in self.samples.selectedItems()), reverse=True
        )
        for row in rows:
            index = self.samples.item(row).data(Qt.ItemDataRole.UserRole)
            self.delete(index)

    def delete(self, index: int) -> None:
        try:
            self.store.delete(index)
        except DigitpadError as exc:
            self.result_label.setText(error_text(exc))
            return
        self.refresh()

    def refresh(self) -> None:
        self.samples.clear()
        for index in range(len(self.store)):
            self._append_item(index)
        self._refresh_counts()

    def _append_item(self, index: int) -> None:
        item = QListWidgetItem(
            QIcon(QPixmap.fromImage(grey_qimage(self.store.images[index]))),
            str(int(self.store.labels[index])),
        )
        item.setData(Qt.ItemDataRole.UserRole, index)
        self.samples.addItem(item)

    def _refresh_counts(self) -> None:
        counts = self.store.counts()
        for digit, label in enumerate(self.count_labels):
            label.setText(f"{digit}\n{int(counts[digit])}")
        self.total_label.setText(
            self.tr("{0} digits saved in {1}").format(
                str(len(self.store)), breakable_path(self.store.path)
            )
        )
        self._update_buttons()

    def _update_buttons(self) -> None:
        busy = self._job.is_running()
        self.delete_button.setEnabled(bool(self.samples.selectedItems()) and not busy)
        self.fine_tune_button.setEnabled(
            self._model_source is not None and not busy and not self._training
        )

    def set_training_running(self, running: bool) -> None:
        """One run at a time: no fine-tuning while the train panel trains."""
        self._training = bool(running)
        self._update_buttons()

    def is_fine_tuning(self) -> bool:
        return self._job.is_running()

    # -- fine-tuning ----------------------------------------------------------------------
    def start_fine_tune(self) -> None:
        if self._model_source is None or self._job.is_running() or self._training:
            return
        if len(self.store) == 0:
            self.result_label.setText(self.tr("Add some digits first."))
            return
        model_source, store, mnist = self._model_source, self.store, self._mnist

        self.result_label.setText(self.tr("Fine-tuning…"))
        self._job.start(fine_tune_work(model_source, store, mnist))
        self._update_buttons()

    def _fine_tune_done(self, outcome) -> None:
        result, model = outcome
        self._update_buttons()
        if result.before is None:
            text = self.tr("Fine-tuned on {0} digits. Add at least 4 of a digit to measure it.")
            text = text.format(result.trained_on)
        else:
            text = self.tr(
                "Your held-back drawings: {0} before → {1} after ({2} trained on, {3} held back)."
            ).format(
                f"{result.before:.0%}",
                f"{result.after:.0%}",
                str(result.trained_on),
                str(result.held_back),
            )
        self.result_label.setText(text)
        self.fineTuned.emit(result, model)

    def _fine_tune_failed(self, exc: BaseException) -> None:
        self._update_buttons()
        message = failure_line(exc)
        self.result_label.setText(self.tr("Fine-tuning failed: {0}").format(message))

    def shutdown(self) -> None:
        """Cancel a running fine-tune and wait for it (call before the window closes);
        fold the journal of added digits into ``my_digits.npz``."""
        self._job.cancel()
        self._job.wait(120.0)
        try:
            self.store.save()
        except DigitpadError as exc:  # every digit is in the journal already: nothing lost
            log.warning("%s", exc)
