"""Fit and evaluate with progress and cancel as plain callables (no Qt here).

The GUI's worker thread and the CLI both call :func:`train`; only how they show
progress differs.
"""

from __future__ import annotations

import logging
import math
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from digitpad.ml.data import Mnist, flatten
from digitpad.ml.recipe import TUTORIAL, Recipe, steps_per_epoch

log = logging.getLogger(__name__)


@dataclass
class TrainResult:
    """What a Train click produced; ``stopped`` means cancelled or diverged."""

    stopped: bool = False
    diverged: bool = False
    epochs_completed: int = 0
    history: dict[str, list[float]] = field(default_factory=dict)
    test_loss: float | None = None
    test_acc: float | None = None

    def as_dict(self) -> dict:
        out = {
            "stopped": self.stopped,
            "diverged": self.diverged,
            "epochs_completed": self.epochs_completed,
            "history": self.history,
        }
        if self.test_acc is not None:
            out["test_loss"] = self.test_loss
            out["test_acc"] = self.test_acc
        return out


@dataclass
class TrainData:
    """Recipe-ready arrays: images flattened to float32 in [0, 1] once, not per fit."""

    x_train: np.ndarray | None
    y_train: np.ndarray | None
    x_test: np.ndarray | None = None
    y_test: np.ndarray | None = None
    # Instead of the arrays: batches made while training (``ml.pipeline.Batches``).
    batches: object | None = None
    # After each epoch: (float32 (n, 784), labels) the logs' ``val_accuracy`` is read on
    # (the held-out pen writers: never trained on).
    validation: tuple[np.ndarray, np.ndarray] | None = None
    eval_batch_size: int = 32  # the tutorial's model.evaluate: 313 steps of 32

    @classmethod
    def from_mnist(cls, mnist: Mnist, train_limit: int | None = None) -> TrainData:
        n = train_limit or len(mnist.x_train)
        return cls(
            flatten(mnist.x_train[:n]),
            mnist.y_train[:n].astype(np.int64),
            mnist.flat_test(),
            mnist.y_test.astype(np.int64),
        )


def train(
    model,
    data: TrainData,
    recipe: Recipe = TUTORIAL,
    *,
    cancel: threading.Event | None = None,
    on_batch: Callable[[int, int, dict], None] | None = None,
    on_epoch: Callable[[int, dict], None] | None = None,
    evaluate: bool = True,
    verbose: int | str = 0,
    batch_every: int = 1,
) -> TrainResult:
    """Run the recipe's ``model.fit`` (then ``evaluate``) on ``model`` in place.

    If the loss diverges (NaN/inf) the weights are put back as they were before the
    call, so a bad learning rate never leaves a broken model behind.

    ``batch_every=N`` reports every N-th batch and also runs N batches per call into
    TensorFlow (Keras' ``steps_per_execution``): the per-step Python dispatch is most of
    an epoch's overhead for a model this small (BENCHMARKS.md, "Training knobs").
    Cancel and the divergence check then act every N batches. The maths, batches and
    reported steps are the same as with ``steps_per_execution=1``.
    """
    from digitpad.ml.callbacks import OneCycle, ProgressCallback

    recipe.validate()
    cancel = cancel or threading.Event()
    if data.batches is not None:
        steps = data.batches.steps
    else:
        steps = steps_per_epoch(len(data.x_train), recipe.batch_size)
    validate = None
    if data.validation is not None:
        from digitpad.ml.pipeline import accuracy_on

        images, labels = data.validation
        validate = lambda: {"val_accuracy": accuracy_on(model, images, labels)}  # noqa: E731
    callback = ProgressCallback(steps, cancel, on_batch, on_epoch, batch_every, validate=validate)
    callbacks = [callback]
    if recipe.schedule == "one-cycle":
        callbacks.insert(0, OneCycle(steps * recipe.epochs, recipe.learning_rate))
    before = model.get_weights()
    result = TrainResult()
    if cancel.is_set():
        result.stopped = True
        return result
    if data.batches is not None:
        inputs = {"x": data.batches.dataset, "shuffle": False}  # shuffled by the pipeline
    else:
        inputs = {
            "x": shaped_for(model, data.x_train),
            "y": data.y_train,
            "batch_size": recipe.batch_size,
        }
    with _steps_per_execution(model, callback.batch_every):
        history = model.fit(
            **inputs,
            epochs=recipe.epochs,
            callbacks=callbacks,
            verbose=verbose,
        )
    # Keras records an interrupted epoch in history too; keep only the finished ones.
    done = callback.completed_epochs
    result.history = {key: [float(v) for v in vals[:done]] for key, vals in history.history.items()}
    result.epochs_completed = done
    if callback.diverged or not all(math.isfinite(v) for v in history.history.get("loss", [])):
        log.warning("training diverged; previous weights restored")
        model.set_weights(before)
        result.diverged = True
        result.stopped = True
        result.epochs_completed = 0
        return result
    # A Stop that lands after the last batch but before the evaluation is still a Stop.
    if callback.cancelled or cancel.is_set():
        result.stopped = True
        return result
    if evaluate and data.x_test is not None:
        test_loss, test_acc = model.evaluate(
            shaped_for(model, data.x_test),
            data.y_test,
            batch_size=data.eval_batch_size,
            callbacks=[callback],
            verbose=verbose,
        )
        if callback.cancelled:
            result.stopped = True
            return result
        result.test_loss, result.test_acc = float(test_loss), float(test_acc)
    return result


@contextmanager
def _steps_per_execution(model, steps: int):
    """Run ``steps`` batches per TensorFlow call inside the block, then put it back.

    Keras bakes the value into the traced train/test functions, so those are dropped
    whenever it changes (they are traced again on the next fit/evaluate).
    """
    previous = getattr(model, "steps_per_execution", 1)
    if steps == previous:
        yield
        return
    model.steps_per_execution = steps
    _drop_traced_functions(model)
    try:
        yield
    finally:
        model.steps_per_execution = previous
        _drop_traced_functions(model)


def _drop_traced_functions(model) -> None:
    for name in ("train_function", "test_function", "predict_function"):
        if hasattr(model, name):
            setattr(model, name, None)


def evaluate(model, data: TrainData, verbose: int | str = 0) -> tuple[float, float]:
    """The tutorial's ``model.evaluate(test_images, test_labels)``: 313 steps of 32."""
    test_loss, test_acc = model.evaluate(
        shaped_for(model, data.x_test), data.y_test, batch_size=32, verbose=verbose
    )
    return float(test_loss), float(test_acc)


def shaped_for(model, images: np.ndarray) -> np.ndarray:
    """``images`` as the model takes them: the recipe's (n, 784) rows reshaped (a view,
    no copy) to a model built on (28, 28) or (28, 28, 1), which ``check_shapes`` accepts.
    """
    try:
        shape = tuple(model.input_shape[1:])
    except (AttributeError, TypeError, ValueError):
        return images
    if shape == images.shape[1:] or None in shape:
        return images
    if math.prod(shape) != math.prod(images.shape[1:]):
        return images  # not ours to fix: Keras says what it expected
    return images.reshape((len(images), *shape))
