"""The "Evaluate" tab: loads MNIST lazily (the training loader's cache), evaluates the
current model on the 10,000 test images off the GUI thread, then shows
:class:`EvaluationView`. Without MNIST it says how to get it instead.

The dataset is the train panel's (``data_path()``), which Open dataset… changes. Each
job returns the test images with their evaluation, and the view swaps them together; a
changed dataset is noticed when the tab is shown and, while it is, within a second.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

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
        self._layout = QVBoxLayout(self)
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
        self._show_state()  # every text here says the state: busy, error or nothing

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

        def work(_context):
            mnist = load_mnist_cached(path, download=False)
            # The evaluation carries the test images it read: the view shows those.
            return mnist, predictor, evaluate_predictor(predictor, mnist.x_test, mnist.y_test)

        self._job.start(work)
        self._show_state()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._watch.start()
        self._check_dataset()

    def hideEvent(self, event) -> None:
        super().hideEvent(event)
        self._watch.stop()

    def _check_dataset(self) -> None:
        """Evaluate again when the dataset is no longer the one last asked for (once per
        change: a dataset that fails is not retried every second)."""
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
        if mnist.source != self._source:  # other views (fine-tuning) follow the dataset
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
        elif self._job.is_running():
            self.message.setText(self.tr("Evaluating the model on the 10,000 MNIST test images…"))
        else:
            self.message.setText("")
        self.message.setVisible(bool(self.message.text()))
        if self.view is not None:
            self.view.setVisible(self._error is None)
