"""The "Evaluate" tab: loads MNIST lazily (the training loader's cache), evaluates the
current model on the 10,000 test images off the GUI thread, then shows
:class:`EvaluationView`. Without MNIST it says how to get it instead.

The dataset is the train panel's (``data_path()``), which Open dataset… changes. Each
job returns the test images with their evaluation, and the view swaps them together; a
changed dataset is noticed when the tab is shown and, while it is, within a second.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from digitpad.ml.data import load_mnist_cached
from digitpad.ml.evaluation import evaluate_predictor
from digitpad.ui import messages
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.jobs import Job
from digitpad.ui.teach.evaluation_view import EvaluationView

_NEVER = object()  # no job started yet: nothing to compare the dataset with


class EvaluationPage(Retranslatable, QWidget):
    mnistLoaded = Signal(object)  # the Mnist, for other views (fine-tuning mixes it in)

    def __init__(self, data_path: Callable[[], str | None], parent: QWidget | None = None):
        super().__init__(parent)
        self._data_path = data_path
        self._predictor = None
        self._pending = False  # the model changed while a job ran
        self._error: BaseException | None = None
        self.view: EvaluationView | None = None
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        # The test set: MNIST's, or the class session's room (its shown, labelled digits).
        self._room_source: Callable[[], tuple[np.ndarray, np.ndarray] | None] | None = None
        self.test_set = QComboBox()
        self.test_set.addItem("", "mnist")
        self.test_set.addItem("", "room")
        self.test_set.hide()
        self.test_set.currentIndexChanged.connect(lambda _index: self.refresh())
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.test_set)
        self._layout.addWidget(self.message)
        self._job = Job("digitpad-evaluate", self)
        self._job.finished.connect(self._on_done)
        self._job.failed.connect(self._on_failed)
        self._asked_path: object = _NEVER  # the dataset of the last job started
        self._source = ""  # the dataset the view shows (Mnist.source)
        self._watch = QTimer(self)  # while shown: has Open dataset… chosen another?
        self._watch.setInterval(1000)
        self._watch.timeout.connect(self._check_dataset)
        self._show_state()

    def retranslate_ui(self) -> None:
        self.test_set.setItemText(0, self.tr("Test set: MNIST"))
        self.test_set.setItemText(1, self.tr("Test set: this room's digits"))
        self._show_state()  # every text here says the state: busy, error or nothing

    def set_room_source(
        self, source: Callable[[], tuple[np.ndarray, np.ndarray] | None] | None
    ) -> None:
        """Where the room's digits come from (``None``: no class session): offered as the
        test set, (n, 28, 28) uint8 images and their labels."""
        self._room_source = source
        self.test_set.setVisible(source is not None)
        if source is None and self.test_set.currentData() == "room":
            self.test_set.setCurrentIndex(0)

    def testing_on_room(self) -> bool:
        return self._room_source is not None and self.test_set.currentData() == "room"

    def set_predictor(self, predictor) -> None:
        self._predictor = predictor

    def is_busy(self) -> bool:
        return self._job.is_running()

    def refresh(self) -> None:
        """Evaluate the current predictor (again); cheap to call: jobs are coalesced."""
        if self._predictor is None:
            return
        if self._job.is_running():
            self._pending = True
            return
        self._pending = False
        predictor, path = self._predictor, self._data_path()
        self._asked_path = path
        if self.testing_on_room():
            room = self._room_source()
            if room is None or not len(room[1]):
                self._error = None
                self.message.setText(self.tr("The room has sent no labelled digits yet."))
                self.message.show()
                if self.view is not None:
                    self.view.hide()
                return
            images, labels = room

            def work(_context):
                digits = SimpleNamespace(x_test=images, y_test=labels, source="room")
                return digits, predictor, evaluate_predictor(predictor, images, labels)

            self._job.start(work)
            self._show_state()
            return

        def work(_context):
            mnist = load_mnist_cached(path, download=False)
            # The evaluation carries the test images it read: the view shows those.
            return mnist, predictor, evaluate_predictor(predictor, mnist.x_test, mnist.y_test)

        self._job.start(work)
        self._show_state()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._watch.start()
        if self.testing_on_room():
            self.refresh()  # the room has sent more since
        self._check_dataset()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._watch.stop()

    def _check_dataset(self) -> None:
        """Evaluate again when the dataset is no longer the one last asked for (once per
        change: a dataset that fails is not retried every second)."""
        if self.testing_on_room():
            return  # the room's digits: no dataset file to watch
        if self._asked_path is not _NEVER and self._data_path() != self._asked_path:
            self.refresh()

    def wait(self, timeout: float = 30.0) -> None:
        self._job.wait(timeout)

    def _on_done(self, result) -> None:
        mnist, predictor, evaluation = result
        self._error = None
        if self.view is None:
            self.view = EvaluationView(
                predictor, images=mnist.x_test, labels=mnist.y_test, evaluation=evaluation
            )
            self._layout.addWidget(self.view, 1)
        else:  # images, labels and readings of this dataset, swapped together
            self.view.set_evaluation(evaluation)
        if mnist.source not in ("room", self._source):  # MNIST itself: fine-tuning mixes it in
            self._source = mnist.source
            self.mnistLoaded.emit(mnist)
        self._show_state()
        if (
            self._pending
            or predictor is not self._predictor
            or self._data_path() != self._asked_path
        ):
            self.refresh()

    def _on_failed(self, exc) -> None:
        self._error = exc
        self._pending = False
        self._show_state()

    def _show_state(self) -> None:
        if self._error is not None:
            need = self.tr("Evaluating needs the MNIST test set.")
            self.message.setText(f"{need}\n{messages.error_text(self._error)}")
        elif self._job.is_running() and self.testing_on_room():
            self.message.setText(self.tr("Evaluating the model on the room's digits…"))
        elif self._job.is_running():
            self.message.setText(self.tr("Evaluating the model on the 10,000 MNIST test images…"))
        else:
            self.message.setText("")
        self.message.setVisible(bool(self.message.text()))
        if self.view is not None:
            self.view.setVisible(self._error is None)
