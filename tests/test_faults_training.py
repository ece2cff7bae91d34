"""Cancel at any point, divergence and failing callbacks, on a tiny real Keras model.

Random data keeps these fast; what is checked is the control flow, not the accuracy.
"""

from __future__ import annotations

import shutil
import threading

import numpy as np
import pytest
from helpers_cli import assert_one_error_line, run_cli

from digitpad.ml.model import build_model
from digitpad.ml.recipe import TUTORIAL
from digitpad.ml.training import TrainData, evaluate, train

RECIPE = TUTORIAL.with_(epochs=2, batch_size=32, hidden_units=32, seed=0)
STEPS = 16  # 512 samples / 32


@pytest.fixture(scope="module")
def data() -> TrainData:
    rng = np.random.default_rng(0)
    x = rng.random((512, 784), dtype=np.float32)
    y = rng.integers(0, 10, 512)
    return TrainData(x, y, x[:320], y[:320])  # 10 evaluation steps of 32


def _same(a, b) -> bool:
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


class Recorder:
    def __init__(self, cancel: threading.Event | None = None, at: tuple[int, int] = (0, 0)):
        self.cancel, self.at = cancel, at
        self.batches: list[tuple[int, int]] = []
        self.epochs: list[int] = []

    def on_batch(self, step, steps, logs):
        self.batches.append((step, steps))
        if self.cancel is not None and (len(self.epochs) + 1, step) >= self.at:
            self.cancel.set()  # set again on every later batch: cancelling twice is harmless

    def on_epoch(self, epoch, logs):
        self.epochs.append(epoch)


def test_cancel_before_the_first_batch(data):
    model = build_model(RECIPE)
    before = model.get_weights()
    cancel = threading.Event()
    cancel.set()
    seen = Recorder()
    result = train(model, data, RECIPE, cancel=cancel, on_batch=seen.on_batch)
    assert result.stopped and not result.diverged and result.epochs_completed == 0
    assert seen.batches == [] and result.test_acc is None
    assert _same(before, model.get_weights())


def test_cancel_mid_epoch_twice_then_train_again(data):
    model = build_model(RECIPE)
    cancel = threading.Event()
    seen = Recorder(cancel, at=(1, 3))
    result = train(
        model, data, RECIPE, cancel=cancel, on_batch=seen.on_batch, on_epoch=seen.on_epoch
    )
    assert result.stopped and not result.diverged
    assert result.epochs_completed == 0 and seen.epochs == []  # the partial epoch is not one
    # Stop pressed while batch 3 was reported: the fit ends at the next batch end
    assert seen.batches == [(1, STEPS), (2, STEPS), (3, STEPS), (4, STEPS)]
    assert result.history == {"accuracy": [], "loss": []} and result.test_acc is None
    cancel.set()  # the user presses Stop again after it stopped
    again = train(model, data, RECIPE, cancel=cancel)
    assert again.stopped and again.epochs_completed == 0
    fresh = train(model, data, RECIPE, cancel=threading.Event(), on_epoch=seen.on_epoch)
    assert not fresh.stopped and fresh.epochs_completed == 2 and seen.epochs == [1, 2]
    assert fresh.test_acc is not None  # the model is not left stuck in a stopped state


def test_cancel_in_the_second_epoch_keeps_the_first(data):
    model = build_model(RECIPE)
    cancel = threading.Event()
    seen = Recorder(cancel, at=(2, 5))
    result = train(
        model, data, RECIPE, cancel=cancel, on_batch=seen.on_batch, on_epoch=seen.on_epoch
    )
    assert result.stopped and result.epochs_completed == 1 and seen.epochs == [1]
    assert len(result.history["loss"]) == 1 and len(seen.batches) == STEPS + 6


class CancelDuringEvaluation(threading.Event):
    """Becomes set at the first evaluation batch (train's own pre-evaluate check passes)."""

    def __init__(self):
        super().__init__()
        self.armed = False
        self.calls_after_arming = 0

    def is_set(self):
        if self.armed:
            self.calls_after_arming += 1
            return self.calls_after_arming >= 2
        return super().is_set()


def test_cancel_during_evaluation_stops_it(data):
    model = build_model(RECIPE)
    cancel = CancelDuringEvaluation()

    def on_epoch(epoch, logs):
        if epoch == RECIPE.epochs:
            cancel.armed = True

    result = train(model, data, RECIPE, cancel=cancel, on_epoch=on_epoch)
    assert result.stopped and result.epochs_completed == 2 and result.test_acc is None
    # 1 check before evaluate + 1 after its first batch: the other 9 batches never ran
    assert cancel.calls_after_arming == 2
    loss, acc = evaluate(model, data)  # a later evaluation is not stopped by the earlier one
    assert np.isfinite(loss) and 0 <= acc <= 1


@pytest.mark.parametrize("learning_rate", [10.0, 1e30])
def test_divergence_restores_the_previous_weights(data, learning_rate):
    """lr=10: the loss explodes (about 1e5) but stays finite; lr=1e30: it becomes NaN."""
    recipe = RECIPE.with_(learning_rate=learning_rate)
    model = build_model(recipe)
    before = model.get_weights()
    seen = Recorder()
    result = train(model, data, recipe, on_epoch=seen.on_epoch)
    assert result.diverged and result.stopped and result.epochs_completed == 0
    assert seen.epochs == [] and result.test_acc is None
    assert _same(before, model.get_weights())


def test_sane_rate_does_not_count_as_divergence(data):
    recipe = RECIPE.with_(learning_rate=0.01, epochs=1)
    result = train(build_model(recipe), data, recipe)
    assert not result.diverged and result.epochs_completed == 1


@pytest.mark.parametrize("where", ["on_batch", "on_epoch"])
def test_an_exception_in_a_callback_reaches_the_caller(data, where):
    """The GUI worker wraps train() in try/except: the error must not vanish inside Keras."""

    def boom(*args):
        raise RuntimeError("bridge failed")

    with pytest.raises(RuntimeError, match="bridge failed"):
        train(build_model(RECIPE), data, RECIPE, **{where: boom})


def test_progress_callback_alone(data):
    from digitpad.ml.callbacks import ProgressCallback

    model = build_model(RECIPE)
    cancel = threading.Event()
    batches, epochs = [], []
    callback = ProgressCallback(
        STEPS,
        cancel,
        lambda s, n, logs: batches.append((s, sorted(logs))),
        lambda e, logs: epochs.append((e, sorted(logs))),
        batch_every=5,
    )
    model.fit(data.x_train, data.y_train, epochs=1, batch_size=32, callbacks=[callback], verbose=0)
    assert [s for s, _ in batches] == [5, 10, 15, 16]  # every 5th and the last
    assert batches[0][1] == ["accuracy", "loss"]
    assert epochs == [(1, ["accuracy", "loss", "seconds"])] and callback.completed_epochs == 1
    callback.on_train_batch_end(0, {"loss": float("nan")})
    assert callback.diverged and model.stop_training
    callback.diverged = model.stop_training = False
    cancel.set()
    callback.on_train_batch_end(0, {"loss": 1.0})
    assert callback.cancelled and model.stop_training
    callback.on_test_batch_end(0, {})
    assert model.stop_evaluating


def test_cli_train_that_diverges_keeps_the_previous_model(mnist, tmp_path):
    from digitpad.ml.model import bundled_model_path

    out = tmp_path / "m.keras"
    shutil.copy(bundled_model_path(), out)
    previous = out.read_bytes()
    result = run_cli(
        "train",
        "--epochs",
        "1",
        "--limit",
        "2000",
        "--learning-rate",
        "10",
        "--data",
        mnist.source,
        "--out",
        out,
        cwd=tmp_path,
    )
    assert_one_error_line(result, "training diverged", "--learning-rate")
    assert out.read_bytes() == previous
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]  # no card, no temp


def test_stop_between_the_last_batch_and_the_evaluation_is_a_stop(data):
    """Found in the window: Stop landing after the last batch skipped the evaluation but
    reported the run as finished (no test accuracy, and not "stopped" either)."""
    model = build_model(RECIPE)
    cancel = threading.Event()

    def on_epoch(epoch, logs):
        if epoch == RECIPE.epochs:
            cancel.set()  # after every batch has run, before evaluate() starts

    result = train(model, data, RECIPE, cancel=cancel, on_epoch=on_epoch)
    assert result.stopped and result.epochs_completed == 2 and result.test_acc is None
