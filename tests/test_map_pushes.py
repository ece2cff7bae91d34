"""Which digits a feature map pushes toward: the layers above run again without it
(digitpad.ml.influence), checked against the live pass, against Keras with that map's
kernel and bias set to 0, and as the map close-up in Inside the network states it."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from digitpad.ml.influence import conv_behind, map_pushes, without_maps
from digitpad.ml.model import bundled_variant_path
from digitpad.ml.predictor import Predictor
from digitpad.ui._testing import draw_strokes, strokes_from_image


@pytest.fixture(scope="module")
def keras_robust():
    """The same file read by Keras (skipped without TensorFlow)."""
    pytest.importorskip("tensorflow")
    from digitpad.ml.model import load_model

    path = bundled_variant_path("robust")
    if path is None:
        pytest.skip("bundled robust model missing")
    return load_model(path)


@pytest.fixture(scope="module")
def unsure(robust, mnist) -> np.ndarray:
    """The test image the robust network is least sure of (its maps matter most)."""
    images = mnist.x_test.astype(np.float32) / 255
    return images[int(np.argmin(robust.predict(images).max(axis=1)))]


def _keras_without(model, conv_name: str, channel: int | None, image: np.ndarray):
    """Keras' probabilities and scores (the last layer before its softmax) for ``image``
    with map ``channel`` of ``conv_name`` made 0 by a zero kernel and bias (``None``:
    the model as it is)."""
    import keras

    layer = model.get_layer(conv_name)
    kernel, bias = layer.get_weights()
    x = np.asarray(image, np.float32).reshape((1, *model.input_shape[1:]))
    last = model.layers[-1]
    activation = last.activation
    try:
        if channel is not None:
            zeroed_kernel, zeroed_bias = kernel.copy(), bias.copy()
            zeroed_kernel[..., channel] = 0
            zeroed_bias[channel] = 0
            layer.set_weights([zeroed_kernel, zeroed_bias])
        probabilities = np.asarray(model(x, training=False))[0]
        last.activation = keras.activations.linear
        scores = np.asarray(model(x, training=False))[0]
    finally:
        last.activation = activation
        layer.set_weights([kernel, bias])
    return probabilities.astype(np.float64), scores.astype(np.float64)


def _convs(predictor: Predictor) -> list[int]:
    return [i for i, layer in enumerate(predictor.layers) if layer.kind == "Conv2D"]


# -- the maths, without Qt ---------------------------------------------------------------


def test_forward_from_a_layer_is_the_live_pass_bit_for_bit(robust, unsure):
    outputs = robust.forward(unsure)
    again = robust.forward_from(0, unsure.reshape(1, 784))
    assert all(np.array_equal(a, b) for a, b in zip(outputs, again, strict=True))
    for conv in _convs(robust):
        later = robust.forward_from(conv + 1, outputs[conv])
        assert all(np.array_equal(a, b) for a, b in zip(outputs[conv + 1 :], later, strict=True))
        # Zeroing nothing: the live probabilities exactly, and the live pass untouched.
        probabilities, scores = without_maps(robust, outputs, conv)
        live, _ = robust.predict_layers(unsure)
        assert np.array_equal(probabilities, live)
        assert np.array_equal(scores, robust.scores(outputs[-2])[0])
        assert all(
            np.array_equal(a, b) for a, b in zip(outputs, robust.forward(unsure), strict=True)
        )


def test_a_map_taken_away_moves_the_outputs_as_keras_says(robust, keras_robust, unsure):
    outputs = robust.forward(unsure)
    live_keras, live_scores = _keras_without(keras_robust, "conv2d", None, unsure)
    moved = 0.0
    for conv in _convs(robust):
        name = robust.layers[conv].config["name"]
        maps = outputs[conv].shape[-1]
        for channel in (0, maps // 2, maps - 1, *range(1, maps, 7)):
            pushes = map_pushes(robust, outputs, conv, channel)
            assert (pushes.conv, pushes.channel) == (conv, channel)
            probabilities, scores = _keras_without(keras_robust, name, channel, unsure)
            assert np.abs(pushes.probabilities - live_keras).max() < 1e-5
            assert np.abs(pushes.probabilities_without - probabilities).max() < 1e-5
            assert np.abs(pushes.change - (probabilities - live_keras)).max() < 1e-5
            # Scores are ~20 in size: float32 agrees to ~1e-5 of them.
            assert np.abs(pushes.scores_without - scores).max() < 1e-4
            assert np.abs(pushes.added - (live_scores - scores)).max() < 1e-4
            moved = max(moved, float(np.abs(pushes.change).max()))
            # toward: the digit whose probability falls most; away: rises most
            assert pushes.change[pushes.falls_most()] == pushes.change.min()
            assert pushes.change[pushes.rises_most()] == pushes.change.max()
    assert moved > 0.01  # an unsure drawing: some map moves a probability visibly


def test_a_pooled_map_is_its_convolution_s_map(robust, unsure):
    outputs = robust.forward(unsure)
    layers = robust.layers
    for conv in _convs(robust):
        pool = conv + 1
        assert layers[pool].kind == "MaxPooling2D" and conv_behind(robust, pool) == conv
        for channel in (0, 5):
            direct, pooled = (map_pushes(robust, outputs, i, channel) for i in (conv, pool))
            assert pooled.conv == conv
            assert np.array_equal(direct.probabilities_without, pooled.probabilities_without)
            assert np.array_equal(direct.scores_without, pooled.scores_without)
    dense = next(i for i, layer in enumerate(layers) if layer.kind == "Dense")
    with pytest.raises(ValueError):
        map_pushes(robust, outputs, dense, 0)
    with pytest.raises(ValueError):
        map_pushes(robust, outputs, _convs(robust)[0], 10_000)


# -- the close-up in the window ----------------------------------------------------------

_FELL = re.compile(r"(\d) falls from ([\d.]+)% to ([\d.]+)%")
_ROSE = re.compile(r"(\d) rises from ([\d.]+)% to ([\d.]+)%")
_ADDED = re.compile(r"(\d)\s\(([+−][\d.]+)\)")  # \s: the no-break space too


def _decimals(text: str) -> int:
    return len(text.split(".")[1]) if "." in text else 0


def _check_shown(shown: str, live: np.ndarray, without: np.ndarray, added: np.ndarray) -> None:
    """Every number the close-up states against the given (Keras) numbers, to its rounding."""
    found = 0
    for pattern, sign in ((_FELL, -1), (_ROSE, 1)):
        for digit, before, after in pattern.findall(shown):
            d = int(digit)
            for text, value in ((before, live[d]), (after, without[d])):
                assert abs(float(text) - 100 * value) <= 0.5 * 10 ** -_decimals(text) + 1e-3
            assert sign * (without[d] - live[d]) > 0
            found += 1
    scores = shown.rsplit("\n", maxsplit=1)[-1]
    pairs = _ADDED.findall(scores)
    assert len(pairs) == 3  # most to two digits, least to one
    for digit, text in pairs:
        assert abs(float(text.replace("−", "-")) - added[int(digit)]) <= 0.005 + 1e-4
    assert added[int(pairs[0][0])] == pytest.approx(added.max(), abs=1e-4)
    assert added[int(pairs[-1][0])] == pytest.approx(added.min(), abs=1e-4)
    assert found or "no probability moves" in shown


def _mouse(widget, kind: QEvent.Type, x: float, y: float) -> None:
    """A real mouse event on ``widget``, the left button held (released by a release)."""
    left = Qt.MouseButton.LeftButton
    pos = QPointF(x, y)
    held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else left
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else left
    global_pos = QPointF(widget.mapToGlobal(pos.toPoint()))
    event = QMouseEvent(kind, pos, global_pos, button, held, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def _open_strongest_map(window, qtbot, image):
    """The robust network reading ``image`` drawn by pen; the close-up of the first
    convolution's map whose absence moves a probability most. (close-up, conv, map)"""
    window.models.load_bundled("robust")
    window.show_teaching_view("network")
    draw_strokes(window.canvas, strokes_from_image(image), live=True)
    window.refresh_prediction()
    qtbot.wait(20)
    view, predictor = window.teach.dock.network, window.models.predictor
    outputs = window.models.last_pass().outputs
    conv = _convs(predictor)[0]
    channel = max(
        range(outputs[conv].shape[-1]),
        key=lambda c: np.abs(map_pushes(predictor, outputs, conv, c).change).max(),
    )
    view.show_map(conv, channel)  # as a click on it does
    return view.map_view, conv, channel


def _keras_shown(keras_model, predictor, close_up, image) -> None:
    """The close-up's lines against Keras with its map's kernel and bias set to 0."""
    name = predictor.layers[close_up.layer_index].config["name"]
    live, live_scores = _keras_without(keras_model, name, None, image)
    without, scores = _keras_without(keras_model, name, close_up.channel, image)
    _check_shown(close_up.pushes_shown(), live, without, live_scores - scores)


def test_the_close_up_says_which_digits_a_map_pushes_toward(window, qtbot, unsure, keras_robust):
    close_up, conv, channel = _open_strongest_map(window, qtbot, unsure)
    view, predictor = window.teach.dock.network, window.models.predictor
    last = window.models.last_pass()
    assert close_up.isVisible() and close_up.pushes_text.isVisible()
    pushes = close_up.pushes
    expected = map_pushes(predictor, last.outputs, conv, channel)
    assert np.array_equal(pushes.probabilities_without, expected.probabilities_without)
    assert np.array_equal(pushes.probabilities, window.current_probabilities())
    shown = close_up.pushes_shown()
    fall, rise = expected.falls_most(), expected.rises_most()
    assert shown.startswith(f"Without this map: {fall} falls from ")
    assert f", {rise} rises from " in shown
    assert "before the softmax" in shown
    _keras_shown(keras_robust, predictor, close_up, last.image)
    # Pointing at the map changes the arithmetic, not the pushes: nothing recomputed.
    close_up.set_point(3, 4)
    assert close_up.pushes is pushes and close_up.pushes_shown() == shown
    # The pooling card's map is the same map: the same lines.
    view.show_map(conv + 1, channel)
    assert (close_up.layer_index, close_up.channel) == (conv, channel)
    assert close_up.pushes_shown() == shown
    # A map of the second convolution: its own numbers, checked against Keras too.
    view.show_map(_convs(predictor)[1], 3)
    assert close_up.pushes.conv == _convs(predictor)[1]
    _keras_shown(keras_robust, predictor, close_up, last.image)


def test_the_close_up_follows_the_pen(window, qtbot, unsure, keras_robust):
    close_up, conv, channel = _open_strongest_map(window, qtbot, unsure)
    predictor, shown = window.models.predictor, close_up.pushes_shown()
    area = window.canvas.drawing_rect()
    x, y = area.left() + 0.2 * area.width(), area.top() + 0.5 * area.height()
    _mouse(window.canvas, QEvent.Type.MouseButtonPress, x, y)
    for _ in range(6):  # a crossbar, drawn while the close-up is open
        x += 0.1 * area.width()
        _mouse(window.canvas, QEvent.Type.MouseMove, x, y)
        qtbot.wait(25)  # the teaching views follow at most once a frame (16 ms)
        now = window.models.last_pass()
        expected = map_pushes(predictor, now.outputs, conv, channel)
        assert np.array_equal(close_up.pushes.probabilities, window.current_probabilities())
        assert np.array_equal(close_up.pushes.probabilities_without, expected.probabilities_without)
    _mouse(window.canvas, QEvent.Type.MouseButtonRelease, x, y)
    window.refresh_prediction()
    assert close_up.pushes_shown() != shown
    _keras_shown(keras_robust, predictor, close_up, window.models.last_pass().image)
    # No drawing: nothing said.
    window.canvas.clear()
    window.refresh_prediction()
    assert close_up.pushes is None and not close_up.pushes_text.isVisible()
