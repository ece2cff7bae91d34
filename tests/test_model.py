"""The model is the tutorial's, compiled the tutorial's way."""

from __future__ import annotations

import numpy as np

from digitpad.ml.model import build_model, load_model, save_model
from digitpad.ml.recipe import TUTORIAL, steps_per_epoch


def test_recipe_defaults_are_the_tutorial():
    assert (TUTORIAL.epochs, TUTORIAL.batch_size, TUTORIAL.hidden_units) == (5, 128, 512)
    assert TUTORIAL.optimizer == "rmsprop" and TUTORIAL.loss == "sparse_categorical_crossentropy"
    assert steps_per_epoch(60000, 128) == 469 and steps_per_epoch(10000, 32) == 313


def test_model_shape_and_compile_settings():
    model = build_model(TUTORIAL.with_(seed=0))
    dense = [layer for layer in model.layers]
    assert [type(layer).__name__ for layer in dense] == ["Dense", "Dense"]
    assert [layer.units for layer in dense] == [512, 10]
    assert [layer.activation.__name__ for layer in dense] == ["relu", "softmax"]
    assert model.input_shape == (None, 784) and model.output_shape == (None, 10)
    assert model.count_params() == 784 * 512 + 512 + 512 * 10 + 10
    assert type(model.optimizer).__name__ == "RMSprop"
    assert np.isclose(float(model.optimizer.learning_rate.numpy()), 0.001)
    assert model.loss == "sparse_categorical_crossentropy"
    compiled_metrics = model._compile_config.config["metrics"]
    assert compiled_metrics == ["accuracy"]


def test_changed_settings_reach_the_model():
    model = build_model(TUTORIAL.with_(hidden_units=64, learning_rate=0.01, seed=3))
    assert model.layers[0].units == 64
    assert np.isclose(float(model.optimizer.learning_rate.numpy()), 0.01)


def test_same_seed_same_initial_weights():
    first = build_model(TUTORIAL.with_(seed=7)).get_weights()[0]
    second = build_model(TUTORIAL.with_(seed=7)).get_weights()[0]
    assert np.array_equal(first, second)


def test_save_and_load_round_trip(tmp_path):
    model = build_model(TUTORIAL.with_(seed=1))
    target = save_model(model, tmp_path / "m.keras")
    assert [p.name for p in tmp_path.iterdir()] == ["m.keras"]  # no temp file left behind
    loaded = load_model(target)
    x = np.random.default_rng(0).random((4, 784), dtype=np.float32)
    assert np.allclose(loaded(x).numpy(), model(x).numpy(), atol=1e-6)
