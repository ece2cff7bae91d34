"""Two networks side by side, and a reading that ignores brush, size and place, driven
by real mouse events on the real window."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.ml.model import bundled_variant_path
from digitpad.ml.predictor import Predictor
from digitpad.ui._testing import drag, draw_strokes, seven


def _draw_in_pad(canvas, strokes, height: float, centre: tuple[float, float]) -> None:
    """Strokes (any units) drawn ``height`` of the pad tall around ``centre`` (fractions)."""
    points = np.concatenate(strokes)
    low, high = points.min(0), points.max(0)
    scale = height / max(float((high - low).max()), 1e-6)
    middle = (low + high) / 2
    area = canvas.drawing_rect()
    side = area.width()
    for line in strokes:
        xy = ((line - middle) * scale + centre) * side + [area.left(), area.top()]
        drag(canvas, [tuple(p) for p in xy.tolist()])


def test_second_network_reads_the_same_drawing_live(window):
    assert window.comparison_probabilities() is None
    window.set_comparison("dense-augmented")
    assert window.comparison.view.isVisible()
    assert window.comparison_probabilities() is None  # nothing drawn yet
    seen = []
    window.predictionChanged.connect(lambda p: seen.append(window.comparison_probabilities()))
    draw_strokes(window.canvas, seven(), live=True)
    # Every move updated both networks, the second from the same 28x28 input.
    assert len(seen) > 3 and all(p is not None for p in seen)
    second = window.comparison_probabilities()
    assert second.shape == (10,) and second.sum() == pytest.approx(1.0, abs=1e-5)
    expected = Predictor.from_file(bundled_variant_path("dense-augmented"))
    assert np.allclose(second, expected.predict(window.input_view.image()), atol=1e-6)
    window.canvas.clear()
    assert window.comparison_probabilities() is None


def test_comparison_switches_off_and_refuses_unknown_names(window):
    window.set_comparison("tutorial")
    draw_strokes(window.canvas, seven())
    assert np.allclose(window.comparison_probabilities(), window.current_probabilities())
    with pytest.raises(ValueError):
        window.set_comparison("no-such-network")
    assert window.comparison.key() == "tutorial"  # the comparison shown before stays
    window.set_comparison(None)
    assert window.comparison_probabilities() is None
    assert not window.comparison.view.isVisible()


def test_the_teach_menu_switch_turns_the_comparison_on(window):
    action = window.comparison.toggle_action
    assert action.text() and not action.isChecked()
    action.trigger()
    assert window.comparison.key() is not None
    assert window.comparison.view.isVisible()
    action.trigger()
    assert window.comparison.key() is None


def test_turned_on_after_drawing_it_reads_the_drawing_at_once(window):
    """Ctrl+K or a "Compare with" choice on a pad that already holds a digit: the second
    chart reads it then (it said "Draw a digit" beside a 7 until the next stroke)."""
    draw_strokes(window.canvas, seven())
    image = window.input_view.image()
    window.comparison.toggle_action.trigger()  # Ctrl+K
    key = window.comparison.key()
    expected = Predictor.from_file(bundled_variant_path(key)).predict(image)
    assert np.allclose(window.comparison_probabilities(), expected, atol=1e-6)
    other = next(k for k in window.comparison.choice_actions if k != key)
    window.comparison.choice_actions[other].trigger()  # the menu's other network
    expected = Predictor.from_file(bundled_variant_path(other)).predict(image)
    assert np.allclose(window.comparison_probabilities(), expected, atol=1e-6)


def test_brush_size_and_place_do_not_change_the_reading(window, held_out_pen):
    """The same real pen digits, drawn thin and large in the middle, then thick and small
    in a corner: the network gets (almost) the same input and reads the same digit."""
    canvas = window.canvas
    agree = 0
    sample = held_out_pen.subset(np.arange(len(held_out_pen)) % 50 == 0)
    for strokes in sample.strokes:
        readings, inputs = [], []
        for brush, height, centre in ((4, 0.8, (0.5, 0.5)), (18, 0.25, (0.2, 0.78))):
            canvas.clear()
            window.brush.setValue(brush)
            _draw_in_pad(canvas, strokes, height, np.array(centre))
            inputs.append(window.input_view.image())
            readings.append(int(window.current_probabilities().argmax()))
        assert np.abs(inputs[0] - inputs[1]).mean() < 0.03
        agree += readings[0] == readings[1]
    assert agree >= len(sample) - 1, f"{agree}/{len(sample)}"


def test_robust_model_loads_in_one_click_and_is_remembered(qtbot, window):
    from digitpad.ui import MainWindow

    assert window.models.bundled_key == "tutorial"  # the lesson starts with the tutorial
    window.teach.bundled_actions["robust"].trigger()
    assert window.models.bundled_key == "robust"
    assert any(layer.kind == "Conv2D" for layer in window.models.predictor.layers)
    draw_strokes(window.canvas, seven())
    assert int(window.current_probabilities().argmax()) == 7
    window.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.models.bundled_key == "robust"
    again.models.load_bundled("tutorial")
    again.close()
    third = MainWindow()
    qtbot.addWidget(third)
    assert third.models.bundled_key == "tutorial"
