"""The window's Train re-uses one compiled model per preset (new weights, new optimizer
state each click) so TensorFlow does not keep a new set of traced functions per click."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.ml.presets import (
    build_preset_model,
    detached_copy,
    get_preset,
    reinitialise,
    reusable_preset_model,
    train_preset,
)


@pytest.mark.parametrize("key", ["tutorial", "robust"])
def test_a_reused_model_starts_afresh_and_still_learns(mnist, key):
    preset = get_preset(key)
    first = reusable_preset_model(preset, seed=3)
    train_preset(preset, mnist, seed=3, epochs=1, train_limit=256, model=first, evaluate=False)
    trained = [w.copy() for w in first.get_weights()]
    assert int(first.optimizer.iterations.numpy()) > 0

    again = reusable_preset_model(preset, seed=4)
    assert again is first  # the same compiled model ...
    fresh = again.get_weights()
    assert int(again.optimizer.iterations.numpy()) == 0  # ... with a new optimizer state
    assert float(again.optimizer.learning_rate.numpy()) == pytest.approx(
        preset.recipe.learning_rate
    )
    kernels = [(a, b) for a, b in zip(trained, fresh, strict=True) if a.ndim > 1]
    assert all(not np.allclose(a, b) for a, b in kernels)  # new weights, not the trained ones
    assert all(np.abs(b).max() > 0 for _a, b in kernels)
    biases = [b for b in fresh if b.ndim == 1]
    assert all(not b.any() for b in biases)  # zeros, as a fresh build starts
    if key != "tutorial":
        return  # how well it then learns: measured on the quick dense network below
    _model, result = train_preset(
        preset, mnist, seed=4, epochs=2, train_limit=2000, model=again, evaluate=True
    )
    _model, built = train_preset(
        preset,
        mnist,
        seed=4,
        epochs=2,
        train_limit=2000,
        model=build_preset_model(preset, 4, jit_compile=True),
        evaluate=True,
    )
    print(f"{key}: re-used {result.test_acc:.3f}, freshly built {built.test_acc:.3f}")
    # It learns from the new start as well as a freshly built model does (chance: 0.1).
    assert result.test_acc > 0.5 and result.test_acc > built.test_acc - 0.1


def test_seeds_give_different_starts_and_another_preset_builds_anew():
    tutorial = get_preset("tutorial")
    model = reusable_preset_model(tutorial, seed=1)
    reinitialise(model, 1, tutorial.recipe.learning_rate)
    one = model.get_weights()[0].copy()
    reinitialise(model, 2, tutorial.recipe.learning_rate)
    two = model.get_weights()[0].copy()
    reinitialise(model, 1, tutorial.recipe.learning_rate)
    assert not np.allclose(one, two) and np.allclose(one, model.get_weights()[0])
    other = reusable_preset_model(tutorial.__class__(**{**tutorial.__dict__, "key": "x"}), seed=1)
    assert other is not model


def test_a_detached_copy_keeps_its_weights_when_the_model_is_reused(mnist):
    preset = get_preset("tutorial")
    model = reusable_preset_model(preset, seed=5)
    train_preset(preset, mnist, seed=5, epochs=1, train_limit=256, model=model, evaluate=False)
    kept = detached_copy(model)
    before = [w.copy() for w in kept.get_weights()]
    assert reusable_preset_model(preset, seed=6) is model  # re-initialised in place
    assert all(np.array_equal(a, b) for a, b in zip(before, kept.get_weights(), strict=True))


def test_a_warm_up_traces_what_the_first_click_runs(mnist):
    import threading

    from digitpad.ml import presets
    from digitpad.ml.pendigits import training_writers

    preset = get_preset("robust")
    with presets._reusable_lock:
        presets._reusable.clear()  # as in a new session
    assert presets.warm_up("robust") is True
    assert presets.warm_up("robust") is False  # traced already: nothing to do
    model = reusable_preset_model(preset, jit_compile=preset.xla)  # the click's, afresh
    traced = model.train_function, model.test_function
    assert traced[0] is not None and traced[1] is not None
    assert int(model.optimizer.iterations.numpy()) == 0
    _model, result = train_preset(
        preset,
        mnist,
        seed=7,
        epochs=1,
        train_limit=512,
        model=model,
        evaluate=True,
        pen=presets.limited_pen(training_writers(), 512),
    )
    # The click ran on the warm-up's traced functions: nothing traced again.
    assert (model.train_function, model.test_function) == traced
    assert result.test_acc is not None and result.epochs_completed == 1

    # One training at a time: a warm-up does not wait for a click; a click waits, and
    # gives up when its Stop is pressed.
    held, release = threading.Event(), threading.Event()

    def click():
        with presets.training_turn() as mine:
            assert mine
            held.set()
            release.wait(10)

    worker = threading.Thread(target=click)
    worker.start()
    assert held.wait(10)
    with presets._reusable_lock:
        presets._reusable.clear()
    assert presets.warm_up("robust") is False  # busy: not started, not waiting
    stop = threading.Event()
    stop.set()
    with presets.training_turn(stop) as mine:
        assert mine is False
    release.set()
    worker.join(10)
    with presets.training_turn(threading.Event()) as mine:
        assert mine is True
