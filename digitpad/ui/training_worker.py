"""Training off the GUI thread: a worker ``QObject`` moved to a ``QThread``.

``ml.training.train`` takes plain callables and a ``threading.Event``; this module
turns those callables into signals on a small bridge ``QObject`` that lives in the GUI
thread, so every connected slot runs there (queued). TensorFlow is imported here, in
the worker thread, the first time a model is built, never on the way to the window.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from digitpad.ml.data import Mnist, load_mnist, resolve_path
from digitpad.ml.errors import DigitpadError
from digitpad.ml.predictor import Predictor
from digitpad.ml.recipe import TUTORIAL, Recipe
from digitpad.ui.messages import error_text

log = logging.getLogger(__name__)

BATCH_INTERVAL = 0.05  # seconds between progress signals: <= 20 per second reach the GUI

STAGE_DATA = "data"
STAGE_TENSORFLOW = "tensorflow"
STAGE_TRAINING = "training"
STAGE_EVALUATING = "evaluating"

_mnist_cache: dict[str, Mnist] = {}
_mnist_lock = threading.Lock()


@dataclass(frozen=True)
class TrainingJob:
    """What one Train click asks for. A fresh model is built from ``recipe``."""

    recipe: Recipe = TUTORIAL
    data_path: str | None = None
    train_limit: int | None = None
    evaluate: bool = True
    preset: str = "tutorial"  # a key of digitpad.ml.presets.PRESETS


class TrainingBridge(QObject):
    """Signals only; created in the GUI thread so its receivers run there."""

    stageChanged = Signal(str)  # one of the STAGE_* names
    batchEnded = Signal(int, int, dict)  # step, steps, running logs
    epochEnded = Signal(int, dict, object)  # 1-based epoch, logs (+ seconds), Predictor
    finished = Signal(dict, object, object)  # TrainResult.as_dict(), Keras model, Predictor
    failed = Signal(str)  # a user-facing sentence
    done = Signal()  # always last, after finished or failed


class TrainingWorker(QObject):
    def __init__(self, job: TrainingJob) -> None:
        super().__init__()
        self.job = job
        self.bridge = TrainingBridge()
        self.cancel = threading.Event()
        self._last_batch_signal = 0.0

    @Slot()
    def run(self) -> None:
        try:
            self._run()
        except DigitpadError as exc:
            self.bridge.failed.emit(error_text(exc))  # translate() is thread-safe
        except Exception as exc:  # any failure must reach the user, not end the thread silently
            log.exception("training failed")
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            name = type(exc).__name__
            failed = QCoreApplication.translate("TrainingWorker", "Training failed: {0}")
            self.bridge.failed.emit(failed.format(f"{name}: {reason}" if reason else name))
        finally:
            self.bridge.done.emit()

    def _run(self) -> None:
        job = self.job
        self.bridge.stageChanged.emit(STAGE_DATA)
        mnist = load_cached_mnist(job.data_path)
        if self.cancel.is_set():
            self.bridge.finished.emit({"stopped": True, "history": {}}, None, None)
            return
        if job.preset != "tutorial":
            self._run_preset(mnist)
            return
        from digitpad.ml.training import TrainData, train

        data = TrainData.from_mnist(mnist, job.train_limit)
        self.bridge.stageChanged.emit(STAGE_TENSORFLOW)
        from digitpad.ml.model import build_model

        model = build_model(job.recipe, jit_compile=True)  # XLA: faster epochs, same recipe
        self.bridge.stageChanged.emit(STAGE_TRAINING)
        result = train(
            model,
            data,
            job.recipe,
            cancel=self.cancel,
            on_batch=self._on_batch,
            on_epoch=lambda epoch, logs: self._on_epoch(model, epoch, logs),
            evaluate=job.evaluate,
        )
        snapshot = None if result.diverged else Predictor.from_keras(model, "trained")
        self.bridge.finished.emit(result.as_dict(), model, snapshot)

    def _run_preset(self, mnist) -> None:
        """A non-tutorial preset (augmentation, CNN): ``train_preset`` does the fitting."""
        from digitpad.ml.pendigits import training_writers
        from digitpad.ml.presets import build_preset_model, get_preset, train_preset

        job = self.job
        preset = get_preset(job.preset)
        pen = training_writers() if preset.pen_repeat else None
        self.bridge.stageChanged.emit(STAGE_TENSORFLOW)
        model = build_preset_model(preset, job.recipe.seed)
        self.bridge.stageChanged.emit(STAGE_TRAINING)
        model, result = train_preset(
            preset,
            mnist,
            seed=job.recipe.seed if job.recipe.seed is not None else 1,
            epochs=job.recipe.epochs,
            train_limit=job.train_limit,
            cancel=self.cancel,
            on_epoch=lambda epoch, logs: self._on_epoch(model, epoch, logs),
            on_batch=self._on_batch,
            evaluate=job.evaluate,
            model=model,
            pen=pen,
        )
        snapshot = None if result.diverged else Predictor.from_keras(model, "trained")
        self.bridge.finished.emit(result.as_dict(), model, snapshot)

    def _on_batch(self, step: int, steps: int, logs: dict) -> None:
        now = time.monotonic()
        if step in (1, steps) or now - self._last_batch_signal >= BATCH_INTERVAL:
            self._last_batch_signal = now
            self.bridge.batchEnded.emit(step, steps, dict(logs))

    def _on_epoch(self, model, epoch: int, logs: dict) -> None:
        # Snapshot here, in the thread that trains, so the GUI never reads moving weights.
        snapshot = Predictor.from_keras(model, f"epoch {epoch}")
        self.bridge.epochEnded.emit(epoch, dict(logs), snapshot)
        if epoch == self.job.recipe.epochs and self.job.evaluate and not self.cancel.is_set():
            self.bridge.stageChanged.emit(STAGE_EVALUATING)


def load_cached_mnist(path: str | None) -> Mnist:
    """Load MNIST once per session (reading 55 MB each click would be a visible pause)."""
    resolved = resolve_path(path)
    key = str(resolved) if resolved is not None else "keras"
    with _mnist_lock:
        if key not in _mnist_cache:
            _mnist_cache[key] = load_mnist(path)
        return _mnist_cache[key]
