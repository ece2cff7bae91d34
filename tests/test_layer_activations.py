"""Every layer of the live network, as the window read the drawing: ``current_input()``
and ``layer_activations()`` (docs/SCRIPTING.md) equal Keras' own intermediate
outputs, for every bundled network, and follow real pen strokes on the pad."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from digitpad.ml import model as ml_model
from digitpad.ml.predictor import Predictor
from digitpad.ui._testing import draw_strokes, seven, strokes_from_image

NETWORKS = ("tutorial", "dense-augmented", "robust")


def _path(name: str):
    return (
        ml_model.bundled_model_path() if name == "tutorial" else ml_model.bundled_variant_path(name)
    )


_KERAS: dict[str, object] = {}


def _keras_layers(name: str):
    """A keras.Model giving every layer's output of bundled network ``name``."""
    if name not in _KERAS:
        keras = ml_model.import_keras()
        model = ml_model.load_model(_path(name))
        _KERAS[name] = (
            keras.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers]),
            [layer.name for layer in model.layers],
        )
    return _KERAS[name]


def _assert_as_keras(name: str, image: np.ndarray, activations) -> None:
    intermediate, names = _keras_layers(name)
    expected = intermediate(image.reshape(1, 784).astype(np.float32), training=False)
    assert [n for n, _ in activations] == names
    for (layer, ours), output in zip(activations, expected, strict=True):
        theirs = np.asarray(output)[0]
        assert ours.shape == theirs.shape, layer
        np.testing.assert_allclose(ours, theirs, atol=1e-5, rtol=0, err_msg=layer)


@pytest.mark.parametrize("name", NETWORKS)
def test_the_numpy_pass_equals_keras_layer_by_layer_on_mnist(name, mnist):
    predictor = Predictor.from_file(_path(name))
    for image in mnist.x_test[:12] / np.float32(255):
        probabilities, outputs = predictor.predict_layers(image)
        np.testing.assert_array_equal(probabilities, predictor.predict(image))
        activations = [
            (layer.config["name"], out[0])
            for layer, out in zip(predictor.layers, outputs, strict=True)
            if layer.kind != "InputLayer"
        ]
        _assert_as_keras(name, image, activations)


@pytest.mark.parametrize("name", NETWORKS)
def test_the_window_shows_every_layer_of_the_pass_that_read_the_pad(name, window, mnist, qtbot):
    window.models.load_bundled(name)
    assert window.current_input() is None and window.layer_activations() == []
    for index in (0, 1):  # MNIST test digits re-drawn with real mouse events
        window.canvas.clear()
        draw_strokes(window.canvas, strokes_from_image(mnist.x_test[index] / 255.0), live=True)
        image = window.current_input()
        assert image.shape == (28, 28) and image.dtype == np.float32
        assert 0 <= image.min() and image.max() <= 1 and image.any()
        activations = window.layer_activations()
        _assert_as_keras(name, image, activations)
        # The same pass that gave the chart its bars: the last layer is what it shows.
        np.testing.assert_array_equal(activations[-1][1], window.current_probabilities())
    shapes = {layer: out.shape for layer, out in window.layer_activations()}
    if name == "robust":
        assert shapes["conv2d"] == (26, 26, 16) and shapes["max_pooling2d_1"] == (5, 5, 32)
    else:
        assert shapes["dense"] == (512,)
    window.canvas.clear()
    assert window.current_input() is None and window.layer_activations() == []


def test_the_layers_are_kept_not_computed_again(window, monkeypatch):
    """One forward pass per read: the window's API and the shown view add none."""
    window.models.load_bundled("robust")
    window.show_teaching_view("network")
    calls = []
    forward = Predictor.forward

    def counted(self, x):
        # The GUI thread's passes only: the Evaluate tab's test-set pass runs in a
        # background job (its own forward passes, under CI load sometimes mid-test).
        if threading.current_thread() is threading.main_thread():
            calls.append(1)
        return forward(self, x)

    monkeypatch.setattr(Predictor, "forward", counted)
    draw_strokes(window.canvas, seven())
    window.refresh_prediction()
    reads = len(calls)
    activations = window.layer_activations()
    window.current_input()
    window.teach.dock.network.grab()
    assert len(calls) == reads and len(activations) == 9
    # The view shows the window's own arrays (references, not a second computation).
    assert window.teach.dock.network.forward_pass() is window.models.last_pass()
