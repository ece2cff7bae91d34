"""The Keras callback that reports progress and honours cancel (imports Keras)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable

from digitpad.ml.model import import_keras

keras = import_keras()  # quietly (see import_keras)

# Chance level for 10 classes is ln(10) = 2.3 and a learning model only goes down from
# there. A running loss this large means rmsprop has blown the weights up (a learning
# rate of 1 or 10 gets here within a few batches and never comes back): stop, as for NaN.
DIVERGED_LOSS = 1e4

BatchFn = Callable[[int, int, dict], None]  # (step, steps, logs)
EpochFn = Callable[[int, dict], None]  # (1-based epoch, logs)


class ProgressCallback(keras.callbacks.Callback):
    """Plain callables in, no Qt: the GUI wraps these in signals, the CLI prints.

    Cancel is checked after every batch (Keras stops the fit there), and a loss that
    is no longer finite (or above ``DIVERGED_LOSS``) stops the fit too: rmsprop has
    diverged, nothing good follows.
    """

    def __init__(
        self,
        steps: int,
        cancel: threading.Event | None = None,
        on_batch: BatchFn | None = None,
        on_epoch: EpochFn | None = None,
        batch_every: int = 1,
        *,
        validate: Callable[[], dict] | None = None,
    ) -> None:
        super().__init__()
        self.validate = validate  # after each epoch: more figures for its logs
        self.steps = steps
        self.cancel = cancel or threading.Event()
        self.on_batch = on_batch
        self.on_epoch = on_epoch
        self.batch_every = max(1, batch_every)
        self.diverged = False
        self.cancelled = False
        self.epoch_started = 0.0
        self.completed_epochs = 0

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch_started = time.perf_counter()

    def on_train_batch_end(self, batch, logs=None):
        logs = logs or {}
        loss = logs.get("loss")
        if loss is not None and not (math.isfinite(float(loss)) and float(loss) < DIVERGED_LOSS):
            self.diverged = True
            self.model.stop_training = True
            return
        if self.cancel.is_set():
            self.cancelled = True
            self.model.stop_training = True
        # With steps_per_execution > 1 Keras reports the window's nominal last step,
        # which overshoots the epoch's end in the last, partial window.
        step = min(batch + 1, self.steps)
        if self.on_batch and (step % self.batch_every == 0 or step == self.steps):
            self.on_batch(step, self.steps, {k: float(v) for k, v in logs.items()})

    def on_epoch_end(self, epoch, logs=None):
        if self.cancelled or self.diverged:
            return  # a partial epoch is not reported as a finished one
        self.completed_epochs = epoch + 1
        if self.validate is not None and logs is not None:
            logs.update(self.validate())  # the same dict Keras' history records next
        if self.on_epoch:
            logs = {k: float(v) for k, v in (logs or {}).items()}
            logs["seconds"] = time.perf_counter() - self.epoch_started
            self.on_epoch(epoch + 1, logs)

    def on_test_batch_end(self, batch, logs=None):
        if self.cancel.is_set():
            self.cancelled = True
            self.model.stop_evaluating = True


class OneCycle(keras.callbacks.Callback):
    """Sets the optimizer's learning rate before every batch (``recipe.one_cycle``):
    up from a tenth of ``peak`` over the first fifth of the run, then down to zero."""

    def __init__(self, steps: int, peak: float) -> None:
        super().__init__()
        self.steps = steps
        self.peak = peak
        self.step = 0

    def on_train_batch_begin(self, batch, logs=None):
        from digitpad.ml.recipe import one_cycle

        self.model.optimizer.learning_rate.assign(one_cycle(self.step, self.steps, self.peak))
        self.step += 1
