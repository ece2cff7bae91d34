"""Models whose outputs are not probabilities, or whose weights are not numbers: the app
never shows "670 % sure" or "nan%" — it adapts (with a note) or refuses in one line."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.ml.errors import ModelError
from digitpad.ml.predictor import Predictor
from digitpad.ml.weights import LayerSpec


def _dense_model(activation: str, scale: float = 1.0, poison=None) -> list[LayerSpec]:
    rng = np.random.default_rng(0)
    kernel = (rng.normal(0, 0.5, (784, 10)) * scale).astype(np.float32)
    if poison is not None:
        kernel[3, 4] = poison
    return [
        LayerSpec("InputLayer", {"batch_shape": [None, 784]}),
        LayerSpec("Dense", {"activation": activation}, (kernel, np.zeros(10, np.float32))),
    ]


@pytest.mark.parametrize("activation", ["linear", "sigmoid", "softmax"])
def test_every_output_kind_is_shown_as_probabilities(activation):
    predictor = Predictor(_dense_model(activation, scale=8.0), name=f"{activation}.keras")
    p = predictor.predict(np.random.default_rng(1).random((5, 784)).astype(np.float32))
    assert p.shape == (5, 10) and np.all(p >= 0) and np.allclose(p.sum(axis=1), 1, atol=1e-5)
    assert bool(predictor.note) == (activation != "softmax")


@pytest.mark.parametrize("poison", [np.nan, np.inf, -np.inf])
def test_weights_that_are_not_numbers_are_refused_in_one_line(poison):
    with pytest.raises(ModelError) as caught:
        Predictor(_dense_model("softmax", poison=poison), name="bad.keras")
    assert "NaN or infinity" in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "config", [{"strides": [2, 2]}, {"dilation_rate": [2, 2]}], ids=["strided", "dilated"]
)
def test_convolutions_it_cannot_compute_are_unsupported_not_damaged(config):
    kernel = np.zeros((3, 3, 1, 4), np.float32)
    layers = [
        LayerSpec("InputLayer", {"batch_shape": [None, 28, 28, 1]}),
        LayerSpec("Conv2D", {"activation": "relu", "padding": "valid", **config}, (kernel,)),
        LayerSpec("Flatten", {}),
        LayerSpec("Dense", {"activation": "softmax"}, (np.zeros((2704, 10), np.float32),)),
    ]
    with pytest.raises(ModelError) as caught:
        Predictor(layers, name="conv.keras")
    assert caught.value.code == "unsupported_layer" and "not supported" in str(caught.value)
