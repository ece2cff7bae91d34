"""Train the tutorial's model from scratch and watch it learn: settings, Train/Stop,
progress, a Keras-style log and live curves.

The panel owns one training run at a time (a :class:`~digitpad.ui.jobs.Job` running
:func:`~digitpad.ui.training.job.run_training`)
and reports through signals; it never touches the canvas or the current model itself.

What happens to the weights:

* a finished run becomes the current model (``modelReady``);
* after Stop, the partially trained weights become the current model too (the canvas
  reads with them, Save saves them), and the panel offers "Keep partially trained
  weights" (dismiss) or "Restore previous model" (``restoreRequested``) as buttons in
  the panel, never a blocking dialog;
* a run that fails, diverges or stops before a single batch drops its per-epoch
  previews and leaves the previous model in place (``previewDiscarded``).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from digitpad.ml import errors as E
from digitpad.ml import keras_log
from digitpad.ml.errors import DatasetError, DigitpadError
from digitpad.ml.recipe import TUTORIAL
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.jobs import Job
from digitpad.ui.messages import error_text
from digitpad.ui.training.get_mnist import GetMnist
from digitpad.ui.widgets.preset_chooser import PresetChooser
from digitpad.ui.widgets.training_curves import TrainingCurves

if TYPE_CHECKING:  # the job's module is loaded with the first training, not at start-up
    from digitpad.ui.training import job as tj

log = logging.getLogger(__name__)

MAX_EPOCHS = 100
MAX_BATCH = 60000
MIN_LEARNING_RATE, MAX_LEARNING_RATE = 0.00001, 100.0  # 10 diverges: allowed, and handled
LOG_LINES = 5000
PROGRESS_BAR = "━"  # in Keras' progress lines, which keep one line each
# The widest line the log must show without wrapping, before any longer one arrives.
KERAS_LINE = "469/469 ━━━━━━━━━━━━━━━━━━━━ 12s 25ms/step - accuracy: 0.9244 - loss: 0.2629"
MIN_LOG_POINTS = 6.5


class TrainPanel(Retranslatable, QWidget):
    trainingStarted = Signal()
    stageChanged = Signal(str)  # training_job.STAGE_*: data, tensorflow, training, evaluating
    runningChanged = Signal(bool)
    batchEnded = Signal(int, int, dict)  # step, steps, running logs (throttled to ~20/s)
    epochEnded = Signal(int, dict)  # 1-based epoch, Keras logs (+ "seconds")
    trainingFinished = Signal(dict)  # stopped, history, test_loss/test_acc, or error
    trainingFailed = Signal(str)
    previewReady = Signal(object)  # Predictor snapshot after an epoch or a stop
    modelReady = Signal(object, object, dict)  # Keras model, Predictor, model card
    restoreRequested = Signal()  # the user wants the model from before the run back
    previewDiscarded = Signal()  # the run produced nothing to keep
    statusMessage = Signal(str)
    openDatasetRequested = Signal()  # "no MNIST": the person chose Open dataset…

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainPanel")
        self._data_path: str | None = None
        self._job = Job("digitpad-training", self)
        self._job.progress.connect(self._on_progress)
        self._job.finished.connect(self._on_outcome)
        self._job.failed.connect(self._on_error)
        self._started_once = False
        self._blocked = None  # a callable: True while another run (fine-tuning) goes
        self._busy = False
        self._epochs = TUTORIAL.epochs
        self._epoch = 1
        self._steps = 0
        self._recipe = TUTORIAL
        self._offering = False  # Keep/Restore buttons shown after a Stop
        self._preset_key = "tutorial"
        self._starting = False  # start_training is choosing the preset: no warm-up
        # Traces the chosen preset's training in the background once Keras is loaded
        # (``presets.warm_up``): the first click then starts as fast as a second one.
        self._warm = Job("train-warm-up", self)
        self._warm_ups = False
        self._warm_ups_stopped = False
        self._warm_key: str | None = None
        self._warm.done.connect(self._after_warm_up)
        self._build()

    # -- layout ----------------------------------------------------------------------
    def _build_controls(self) -> QGridLayout:
        self.epochs = QSpinBox()
        self.epochs.setRange(1, MAX_EPOCHS)
        self.epochs.setValue(TUTORIAL.epochs)
        self.batch_size = QSpinBox()
        self.batch_size.setRange(1, MAX_BATCH)
        self.batch_size.setValue(TUTORIAL.batch_size)
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setDecimals(5)
        self.learning_rate.setRange(MIN_LEARNING_RATE, MAX_LEARNING_RATE)
        self.learning_rate.setStepType(QAbstractSpinBox.StepType.AdaptiveDecimalStepType)
        self.learning_rate.setValue(TUTORIAL.learning_rate)
        self.train_button = QPushButton()
        self.train_button.setDefault(True)
        self.stop_button = QPushButton()
        self.stop_button.setEnabled(False)
        # A lambda, not the method itself: clicked(bool) would arrive as ``epochs``.
        self.train_button.clicked.connect(lambda: self.start_training())  # noqa: PLW0108
        self.stop_button.clicked.connect(self.stop_training)
        return self._controls_row()

    def _build(self) -> None:
        self.preset = PresetChooser()
        self.preset.presetChanged.connect(self._on_preset_changed)
        controls = self._build_controls()
        self._build_status()
        self._build_log()
        self.curves = TrainingCurves()  # its minimum height: a long status squeezes the log
        box = self._box = QGroupBox()
        inner = QVBoxLayout(box)
        inner.addWidget(self.preset)
        self._controls = QWidget()
        controls.setContentsMargins(0, 0, 0, 0)
        self._controls.setLayout(controls)
        inner.addWidget(self._controls)
        inner.addWidget(self.progress)
        inner.addWidget(self.status)
        inner.addWidget(self.get_mnist)
        inner.addWidget(self.choice)
        inner.addWidget(self.log, 2)
        inner.addWidget(self.curves, 3)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(box)
        self._compact = False
        self.retranslate_ui()

    def set_compact(self, compact: bool) -> None:
        """Progress and status only: the panel's one-line form while a teaching view has
        the column. Train and Stop keep working (Ctrl+T, Ctrl+.)."""
        self._compact = bool(compact)
        for widget in (self.preset, self._controls, self.log, self.curves):
            widget.setVisible(not compact)
        self.choice.setVisible(self._offering and not compact)
        self.status.setWordWrap(not compact)
        policy = QSizePolicy.Policy.Maximum if compact else QSizePolicy.Policy.Preferred
        self.setSizePolicy(QSizePolicy.Policy.Preferred, policy)

    def is_compact(self) -> bool:
        return self._compact

    def set_blocker(self, blocked) -> None:
        """``blocked()`` is True while another run uses the model (one run at a time)."""
        self._blocked = blocked

    def settings_widgets(self) -> list[QWidget]:
        """What presenter mode hides: the choices and the log (progress and curves stay)."""
        return [self.preset, self._controls, self.log]

    def retranslate_ui(self) -> None:
        """The panel's fixed texts. Status and log lines already shown stay as written."""
        self._box.setTitle(self.tr("Train the network"))
        self._epochs_label.setText(self.tr("Epochs"))
        self.epochs.setAccessibleName(self.tr("Epochs"))
        self.epochs.setToolTip(self.tr("How many times the network sees all training images."))
        self._batch_label.setText(self.tr("Batch size"))
        self.batch_size.setAccessibleName(self.tr("Batch size"))
        self.batch_size.setToolTip(self.tr("How many images the network sees per weight update."))
        self._rate_label.setText(self.tr("Learning rate"))
        self.learning_rate.setAccessibleName(self.tr("Learning rate"))
        self.learning_rate.setToolTip(
            self.tr("How big each weight update is (the tutorial's rmsprop uses 0.001).")
        )
        self.train_button.setText(self.tr("Train"))
        self.train_button.setAccessibleName(self.tr("Train"))
        self.train_button.setToolTip(self.tr("Train a new network from scratch (Ctrl+T)."))
        self.stop_button.setText(self.tr("Stop"))
        self.stop_button.setAccessibleName(self.tr("Stop training"))
        self.stop_button.setToolTip(self.tr("Stop after the current batch (Ctrl+.)."))
        self.progress.setAccessibleName(self.tr("Training progress"))
        self.status.setAccessibleName(self.tr("Training status"))
        if not self._started_once:  # nothing has run yet: the opening prompt
            self.progress.setFormat(self.tr("Not training"))
            self.status.setText(self.tr("Click Train to train a new network on MNIST."))
        self.choice.setToolTip(
            self.tr(
                "Training was stopped early. The canvas already uses the partially trained "
                "weights: keep them, or go back to the model you had before training."
            )
        )
        self.keep_button.setText(self.tr("Keep partially trained weights"))
        self.restore_button.setText(self.tr("Restore previous model"))
        self.log.setAccessibleName(self.tr("Training log"))
        self.log.setPlaceholderText(self.tr("The training log appears here, as Keras prints it."))

    def _controls_row(self) -> QGridLayout:
        # Two rows, so the panel stays narrow enough to share the window with the dock.
        controls = QGridLayout()
        self._epochs_label = QLabel()
        self._batch_label = QLabel()
        self._rate_label = QLabel()
        controls.addWidget(self._epochs_label, 0, 0)
        controls.addWidget(self.epochs, 0, 1)
        controls.addWidget(self._batch_label, 0, 2)
        controls.addWidget(self.batch_size, 0, 3)
        controls.addWidget(self._rate_label, 1, 0)
        controls.addWidget(self.learning_rate, 1, 1)
        controls.setColumnStretch(4, 1)
        controls.addWidget(self.train_button, 0, 5)
        controls.addWidget(self.stop_button, 1, 5)
        return controls

    def _build_status(self) -> None:
        self.progress = QProgressBar()
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setTextVisible(True)
        self.status = QLabel()
        self.status.setObjectName("trainStatus")
        self.status.setWordWrap(True)

        self.choice = QWidget()
        self.keep_button = QPushButton()
        self.restore_button = QPushButton()
        self.keep_button.clicked.connect(self.keep_partial)
        self.restore_button.clicked.connect(self.restore_previous)
        choice_layout = QHBoxLayout(self.choice)
        choice_layout.setContentsMargins(0, 0, 0, 0)
        choice_layout.addWidget(self.keep_button)
        choice_layout.addWidget(self.restore_button)
        choice_layout.addStretch(1)
        self.choice.hide()

        self.get_mnist = GetMnist()  # offered when Train finds no MNIST
        self.get_mnist.hide()
        self.get_mnist.openRequested.connect(self.openDatasetRequested)
        self.get_mnist.progress.connect(self._on_download_progress)
        self.get_mnist.runningChanged.connect(self._set_busy)
        self.get_mnist.downloaded.connect(self._on_downloaded)
        self.get_mnist.failed.connect(self._on_download_failed)

    def _build_log(self) -> None:
        self.log = QPlainTextEdit()
        self.log.setObjectName("trainLog")
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(LOG_LINES)
        # Keras' progress lines are never broken mid-line: the font shrinks until the
        # widest fits. Other lines (an error, a note) wrap at word boundaries instead of
        # shrinking the font or scrolling sideways (see _fit_log_font).
        self.log.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.log.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._log_font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._log_font.setPointSizeF(max(9.5, self.font().pointSizeF() * 0.8))
        self.log.setFont(self._log_font)
        # Four lines at least: on a 720 px projector a failed start's explanation and its
        # buttons take the room, and the curves keep what their labels need.
        lines = QFontMetricsF(self._log_font).lineSpacing() * 4
        self.log.setMinimumHeight(int(lines + 2 * self.log.frameWidth() + 8))
        self._widest_line = KERAS_LINE
        self._log_fitted = False
        self.log.installEventFilter(self)

    # -- public API ------------------------------------------------------------------
    def set_data_path(self, path: str | None) -> None:
        self._data_path = path or None
        if path and not self.get_mnist.is_running():
            self.get_mnist.hide()  # a dataset was chosen: nothing to get any more

    def data_path(self) -> str | None:
        return self._data_path

    def is_running(self) -> bool:
        return self._busy

    def log_text(self) -> str:
        return self.log.toPlainText()

    def start_training(
        self,
        epochs: int | None = None,
        batch_size: int | None = None,
        train_limit: int | None = None,
        evaluate: bool = True,
        *,
        preset: str | None = None,
        learning_rate: float | None = None,
    ) -> bool:
        """Train a fresh model with the chosen preset (default: the tutorial's recipe);
        ``False`` if one is running.

        ``train_limit`` uses only the first N training images (quick tests and demos).
        ``preset`` (a key of ``digitpad.ml.presets.PRESETS``) also selects it in the combo.
        """
        if self._busy:
            self._set_status(self.tr("Training is already running; press Stop first."))
            return False
        if self._blocked is not None and self._blocked():
            self._set_status(self.tr("Fine-tuning on your digits is running; wait for it."))
            return False
        if preset is not None:
            self._starting = True
            try:
                self.preset.set_key(preset)
            finally:
                self._starting = False
        if epochs is not None:
            self.epochs.setValue(int(epochs))
        if batch_size is not None:
            self.batch_size.setValue(int(batch_size))
        if learning_rate is not None:
            self.learning_rate.setValue(float(learning_rate))
        self._offering = False
        self.choice.hide()
        self.get_mnist.hide()
        from digitpad.ml.presets import get_preset

        recipe = get_preset(self.preset.key()).recipe.with_(
            epochs=self.epochs.value(),
            batch_size=self.batch_size.value(),
            learning_rate=self.learning_rate.value(),
        )
        self._epochs, self._epoch, self._steps = recipe.epochs, 1, 0
        self._recipe = recipe
        self.log.clear()
        self.curves.reset(recipe.epochs)
        self.progress.setRange(0, 0)
        self.progress.setFormat(self.tr("Preparing…"))

        self._preset_key = self.preset.key()
        if self._warm.is_running() and self._warm_key != self._preset_key:
            self._warm.cancel()  # another preset's warm-up: this click need not wait
        from digitpad.ui.training import job as tj

        job = tj.TrainingJob(recipe, self._data_path, train_limit, evaluate, self._preset_key)
        self._started_once = True
        self._set_busy(True)
        self._job.start(lambda context: tj.run_training(job, context))
        self.trainingStarted.emit()
        return True

    @Slot()
    def stop_training(self) -> None:
        """Ask the run to stop; it does so after the current batch."""
        if self.get_mnist.is_running():
            self.get_mnist.cancel()
            self.stop_button.setEnabled(False)
            return
        if self._busy:
            self._job.cancel()
            self.stop_button.setEnabled(False)
            self._set_status(self.tr("Stopping after the current batch…"))

    def shutdown(self, timeout_ms: int = 120_000) -> bool:
        """Cancel any run and wait for it (the window's own shutdown covers this too)."""
        self._job.cancel()
        finished = self._job.wait(timeout_ms / 1000)
        if not finished:
            log.error("training did not stop within %d ms", timeout_ms)
        return finished

    def is_offering_choice(self) -> bool:
        return self._offering

    @Slot()
    def keep_partial(self) -> None:
        if self._offering:
            self._set_status(self.tr("Kept the partially trained weights."))
        self._offering = False
        self.choice.hide()

    @Slot()
    def restore_previous(self) -> None:
        if self._offering:
            self.restoreRequested.emit()
            self._set_status(self.tr("Restored the model you had before training."))
        self._offering = False
        self.choice.hide()

    # -- the job's reports (GUI thread) -------------------------------------------------
    @Slot(object)
    def _on_progress(self, report: tuple) -> None:
        kind, *values = report
        if kind == "stage":
            self._on_stage(*values)
        elif kind == "batch":
            self._on_batch(*values)
        elif kind == "epoch":
            self._on_epoch(*values)

    @Slot(object)
    def _on_outcome(self, outcome: tj.TrainingOutcome) -> None:
        self._on_finished(outcome.result, outcome.model, outcome.predictor, outcome.card)

    @Slot(object)
    def _on_error(self, exc: BaseException) -> None:
        if isinstance(exc, DigitpadError):
            self._on_failed(error_text(exc))
            if isinstance(exc, DatasetError) and exc.code == E.MNIST_MISSING:
                self.get_mnist.offer(offline=exc.detail == "offline")
            return
        log.error("training failed", exc_info=exc)
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        name = type(exc).__name__
        self._on_failed(
            self.tr("Training failed: {0}").format(f"{name}: {reason}" if reason else name)
        )

    def _on_stage(self, stage: str) -> None:
        from digitpad.ui.training import job as tj

        self.stageChanged.emit(stage)
        if stage == tj.STAGE_DATA:
            self._set_status(self.tr("Loading MNIST…"))
        elif stage == tj.STAGE_TENSORFLOW:
            self._set_status(self.tr("Starting TensorFlow (a few seconds the first time)…"))
        elif stage == tj.STAGE_TRAINING:
            self._set_status(self.tr("Training…"))
            self._append(keras_log.epoch_header(1, self._epochs))
        elif stage == tj.STAGE_EVALUATING:
            self._set_status(self.tr("Evaluating on the 10,000 test images…"))
            self.progress.setRange(0, 0)
            self.progress.setFormat(self.tr("Evaluating…"))

    def _on_batch(self, step: int, steps: int, logs: dict) -> None:
        if self.progress.maximum() != steps:
            self.progress.setRange(0, steps)
        self.progress.setValue(step)
        self.progress.setFormat(
            self.tr("Epoch {0}/{1} — step {2}/{3}").format(self._epoch, self._epochs, step, steps)
        )
        self._steps = steps
        self.curves.add_batch(self._epoch, step, steps, logs)
        self.batchEnded.emit(step, steps, logs)

    def _on_epoch(self, epoch: int, logs: dict, predictor) -> None:
        metrics = {k: v for k, v in logs.items() if k != "seconds"}
        steps = self._steps
        self._append(keras_log.progress_line(steps, steps, logs.get("seconds", 0.0), metrics))
        self.curves.add_epoch(epoch, metrics)
        self._epoch = epoch + 1
        if epoch < self._epochs:
            self._append(keras_log.epoch_header(epoch + 1, self._epochs))
        self.previewReady.emit(predictor)
        self.epochEnded.emit(epoch, dict(logs))

    def _on_finished(self, result: dict, model, predictor, card: dict) -> None:
        if result.get("diverged"):
            self._append(self.tr("The loss stopped being a number; the previous model is back."))
            self._set_status(self.tr("Training diverged; the previous model is back."))
            self.previewDiscarded.emit()
        elif result.get("stopped"):
            done = result.get("epochs_completed", 0)
            self._append(self.tr("Stopped after {0} complete epoch(s).").format(done))
            if model is not None and predictor is not None and self._steps:
                self.modelReady.emit(model, predictor, card)
                self._offering = True
                self.choice.show()
                self._set_status(
                    self.tr("Stopped. The canvas now uses the partially trained weights.")
                )
            else:
                self.previewDiscarded.emit()
                self._set_status(self.tr("Stopped before training began."))
        else:
            if result.get("test_acc") is not None:
                self._append(keras_log.test_summary(result["test_loss"], result["test_acc"]))
                self._set_status(self.tr("Done: test accuracy {0:.2%}.").format(result["test_acc"]))
            else:
                self._set_status(self.tr("Done."))
            self.modelReady.emit(model, predictor, card)
        self._finish(result)

    def _on_failed(self, message: str) -> None:
        self._append(message)
        self._set_status(message)
        self.previewDiscarded.emit()
        self.trainingFailed.emit(message)
        self._finish({"stopped": True, "history": {}, "error": message})

    # -- helpers ---------------------------------------------------------------------
    def _finish(self, result: dict) -> None:
        self._set_busy(False)
        self.progress.setRange(0, 1)
        self.progress.setValue(0 if result.get("stopped") else 1)
        self.progress.setFormat(self.tr("Stopped") if result.get("stopped") else self.tr("Done"))
        self.trainingFinished.emit(result)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.train_button.setEnabled(not busy)
        self.stop_button.setEnabled(busy)
        self.epochs.setEnabled(not busy)
        self.batch_size.setEnabled(not busy)
        self.learning_rate.setEnabled(not busy)
        self.preset.setEnabled(not busy)
        self.runningChanged.emit(busy)

    @Slot(str)
    def _on_preset_changed(self, key: str) -> None:
        """Each preset comes with its own epochs, batch size and learning rate (the
        tutorial: 5, 128, 0.001)."""
        from digitpad.ml.presets import get_preset

        if not self._busy:
            recipe = get_preset(key).recipe
            self.epochs.setValue(recipe.epochs)
            self.batch_size.setValue(recipe.batch_size)
            self.learning_rate.setValue(recipe.learning_rate)
            if not self._starting:
                self.warm_up()

    def warm_up(self) -> bool:
        """Prepare the chosen preset's Train click in the background (its training step,
        augmentation and evaluation traced on blank images: ``presets.warm_up``), once
        the window's background preload has loaded Keras (:meth:`enable_warm_ups`).
        ``False`` if not started (off, busy, or already running); a click meanwhile
        waits for it to finish (a few seconds)."""
        import sys

        if (
            not self._warm_ups
            or self._busy
            or self._warm.is_running()
            or "keras" not in sys.modules
        ):
            return False
        key = self._warm_key = self.preset.key()
        return self._warm.start(lambda context: _warm_up(key, context))

    def _after_warm_up(self) -> None:
        if self.preset.key() != self._warm_key:  # chosen meanwhile: prepare that one too
            self.warm_up()

    def enable_warm_ups(self) -> None:
        """From now on, choosing a preset prepares its training (see :meth:`warm_up`);
        the chosen one is prepared now. The shell calls it when its preload is done."""
        if self._warm_ups_stopped:
            return
        self._warm_ups = True
        self.warm_up()

    def stop_warm_ups(self) -> None:
        """No more warm-ups, ever (the window is closing); a running one is cancelled."""
        self._warm_ups, self._warm_ups_stopped = False, True
        self._warm.cancel()

    def is_warming_up(self) -> bool:
        return self._warm.is_running()

    @Slot(int, int)
    def _on_download_progress(self, done: int, total: int) -> None:
        mb = 2**20
        if self.progress.maximum() != total // 1024:
            self.progress.setRange(0, total // 1024)
        self.progress.setValue(done // 1024)
        self.progress.setFormat(
            self.tr("Downloading MNIST… {0:.1f} / {1:.1f} MB").format(done / mb, total / mb)
        )

    @Slot(str)
    def _on_downloaded(self, path: str) -> None:
        self._set_status(self.tr("MNIST downloaded to {0}; training starts.").format(path))
        QTimer.singleShot(0, self, self.start_training)  # once the job is done

    @Slot(str)
    def _on_download_failed(self, message: str) -> None:
        self._set_status(message)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.progress.setFormat(self.tr("Stopped"))

    def _set_status(self, text: str) -> None:
        self.status.setText(text)
        self.statusMessage.emit(text)

    def eventFilter(self, watched, event) -> bool:
        if watched is self.log and event.type() == QEvent.Type.Resize:
            # An empty log has no line to fit: fitted when its first line comes. (Measuring
            # Keras' progress bar looks up a fallback font for its box-drawing characters,
            # ~6 ms the window's first paint need not wait for.)
            if self.log.document().isEmpty():
                self._log_fitted = False
            else:  # the log's new width: its viewport is resized only after this event
                self._fit_log_font(event.size().width())
        return super().eventFilter(watched, event)

    def _fit_log_font(self, width: int | None = None) -> None:
        """The largest font (up to the normal one) in which the widest line fits the
        log, ``width`` pixels wide (its current width if ``None``)."""
        self._log_fitted = True
        font = QFont(self._log_font)
        log = self.log
        bar = log.verticalScrollBar()
        room = (
            (log.width() if width is None else width)
            - 2 * log.frameWidth()
            - (bar.sizeHint().width() if bar.isVisible() else 0)
            - 2 * log.document().documentMargin()
            - 4
        )
        advance = QFontMetricsF(font).horizontalAdvance(self._widest_line)
        if room > 0 and advance > room:
            font.setPointSizeF(max(MIN_LOG_POINTS, font.pointSizeF() * room / advance))
            # Glyph widths do not scale exactly with the size: step down until it fits.
            while (
                font.pointSizeF() > MIN_LOG_POINTS
                and QFontMetricsF(font).horizontalAdvance(self._widest_line) > room
            ):
                font.setPointSizeF(max(MIN_LOG_POINTS, font.pointSizeF() - 0.25))
        if font != self.log.font():
            self.log.setFont(font)
        # Narrower than any projector, even the smallest legible font may not fit: then
        # the line can be scrolled to, rather than cut off.
        fits = room <= 0 or QFontMetricsF(font).horizontalAdvance(self._widest_line) <= room
        self.log.setHorizontalScrollBarPolicy(
            Qt.ScrollBarPolicy.ScrollBarAlwaysOff if fits else Qt.ScrollBarPolicy.ScrollBarAsNeeded
        )
        wrap = (
            QPlainTextEdit.LineWrapMode.WidgetWidth if fits else QPlainTextEdit.LineWrapMode.NoWrap
        )
        if self.log.lineWrapMode() != wrap:
            self.log.setLineWrapMode(wrap)

    def _append(self, line: str) -> None:
        metrics = QFontMetricsF(self._log_font)
        progress = PROGRESS_BAR in line  # Keras' "469/469 ━━━━ 2s 5ms/step - ..." lines
        if progress and metrics.horizontalAdvance(line) > metrics.horizontalAdvance(
            self._widest_line
        ):
            self._widest_line = line
            self._fit_log_font()
        elif not self._log_fitted:
            self._fit_log_font()
        self.log.appendPlainText(line)
        bar = self.log.verticalScrollBar()
        bar.setValue(bar.maximum())


def _warm_up(key: str, context) -> bool:
    from digitpad.ml.presets import warm_up

    try:
        return warm_up(key, cancel=context.cancel)
    except Exception:  # the click traces for itself, and reports any real error
        log.warning(
            "preparing the %s preset's training in the background failed", key, exc_info=True
        )
        return False
