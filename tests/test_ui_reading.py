"""'Why this digit?' and 'Write a number', driven by real mouse events on the window."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.ml.explain import explain
from digitpad.ui._testing import drag, draw_strokes, seven


def _one(canvas, x: float) -> None:
    """A "1" at ``x`` (in pad heights from the left edge)."""
    area = canvas.drawing_rect()
    h = area.height()
    left, top = area.left() + x * h, area.top()
    drag(canvas, [(left, top + 0.2 * h), (left + 0.02 * h, top + 0.5 * h), (left, top + 0.8 * h)])


def _seven(canvas, x: float) -> None:
    area = canvas.drawing_rect()
    h = area.height()
    left, top = area.left() + x * h, area.top()
    drag(
        canvas,
        [
            (left, top + 0.2 * h),
            (left + 0.2 * h, top + 0.2 * h),
            (left + 0.4 * h, top + 0.2 * h),
            (left + 0.25 * h, top + 0.5 * h),
            (left + 0.15 * h, top + 0.8 * h),
        ],
    )


# -- why this digit ---------------------------------------------------------------------
def test_the_explanation_is_what_the_network_computes(window):
    assert window.current_explanation() is None  # nothing drawn
    draw_strokes(window.canvas, seven())
    probabilities = window.current_probabilities()
    assert int(np.argmax(probabilities)) == 7
    found = window.current_explanation()
    assert found.shape == (28, 28) and found.dtype == np.float32
    expected = explain(window.models.predictor, window.input_view.image())
    np.testing.assert_allclose(found, expected.contributions, rtol=1e-5, atol=1e-6)
    # The dense network's contributions add up to its score for 7, but for the bias paths.
    assert found.sum() + expected.rest == pytest.approx(expected.logit, rel=1e-4)
    assert (found[window.input_view.image() == 0] == 0).all()  # no ink, no push


def test_the_switch_colours_the_28x28_view_and_the_pad(window, qtbot):
    draw_strokes(window.canvas, seven())
    grey = window.input_view.displayed_image()
    assert not window.reading.explain_panel.isVisible()
    window.reading.explain_action.trigger()  # the button / W
    assert window.reading.explain_panel.isVisible()
    coloured = window.input_view.displayed_image()
    pixels = np.array(
        [[coloured.pixelColor(x, y).getRgb()[:3] for x in range(28)] for y in range(28)]
    )
    assert coloured != grey
    assert (pixels[..., 2] > pixels[..., 0] + 40).any()  # blue: pushed towards 7
    assert window.reading.legend.texts() == ("against 7", "for 7")
    assert window.canvas._overlay is not None  # laid over the drawing (pen is up)
    window.canvas.clear()
    assert window.current_explanation() is None
    assert window.canvas._overlay is None
    window.reading.explain_action.trigger()
    draw_strokes(window.canvas, seven())
    assert window.input_view.displayed_image() == grey  # off: the grey input again


def test_why_seven_and_not_the_runner_up(window):
    window.reading.explain_action.setChecked(True)
    draw_strokes(window.canvas, seven())
    probabilities = window.current_probabilities()
    runner_up = int(np.argsort(probabilities)[-2])
    window.reading.versus.setCurrentIndex(window.reading.versus.findData(-1))
    shown = window.reading.explanation()  # what the view colours now
    assert (shown.target, shown.versus) == (7, runner_up)
    image, predictor = window.input_view.image(), window.models.predictor
    both = (
        explain(predictor, image, 7).contributions
        - explain(predictor, image, runner_up).contributions
    )
    np.testing.assert_allclose(shown.contributions, both, atol=1e-4)
    # The public surface is always the winner's own contributions.
    np.testing.assert_allclose(
        window.current_explanation(), explain(predictor, image, 7).contributions, atol=1e-6
    )
    assert window.reading.legend.texts() == (f"for {runner_up}", "for 7")


# -- write a number ---------------------------------------------------------------------
def test_a_number_written_with_the_mouse_is_read_digit_by_digit(window):
    with pytest.raises(ValueError, match="reading mode"):
        window.set_reading_mode("letters")
    window.set_reading_mode("number")
    assert window.reading_mode() == "number" and window.reading.number_action.isChecked()
    pad = window.canvas.drawing_rect()
    assert pad.width() > 2 * pad.height()  # a wide pad
    assert window.current_number() is None  # empty
    assert not window.chart.isVisible() and window.reading.number_view.isVisible()
    _one(window.canvas, 0.3)
    _seven(window.canvas, 0.8)
    _one(window.canvas, 1.6)
    _seven(window.canvas, 2.0)
    assert window.current_number() == "1717"
    assert window.reading.number_view.text() == "1717"
    assert [label for _box, label, _unsure in window.canvas._boxes] == ["1", "2", "3", "4"]
    assert window.current_probabilities() is None  # no single digit is read
    assert window.current_explanation() is None
    assert not window.eraser_action.isEnabled()
    window.canvas.undo()  # the last 7 goes
    assert window.current_number() == "171"
    window.set_reading_mode("digit")
    assert window.current_number() is None and window.canvas.is_empty()
    pad = window.canvas.drawing_rect()
    assert pad.width() == pad.height() and window.chart.isVisible()
    assert window.eraser_action.isEnabled()


def test_strokes_off_the_wide_pad_do_not_count(window):
    window.set_reading_mode("number")
    area = window.canvas.drawing_rect()
    # A stroke that starts on the pad's right part and runs off to the right.
    right = area.right()
    drag(window.canvas, [(right - 10, area.top() + 20), (right + 200, area.top() + 40)])
    strokes, _erase = window.canvas.strokes()
    aspect = window.canvas.aspect()
    assert all((s[:, 0] <= aspect + 1e-6).all() and (s >= 0).all() for s in strokes)


def test_number_mode_in_korean_and_in_presenter_mode(window, qtbot):
    window.set_language("ko")
    qtbot.wait(20)  # LanguageChange is delivered as an event
    try:
        window.set_reading_mode("number")
        assert window.reading.number_action.text() != "Write a &number"
        _one(window.canvas, 0.4)
        _seven(window.canvas, 0.9)
        assert window.current_number() == "17"
        window.teach.presenter.action.trigger()
        qtbot.wait(50)
        assert window.reading.number_view.isVisible() and window.canvas.isVisible()
        assert window.canvas.drawing_rect().width() > 2 * window.canvas.drawing_rect().height()
        window.teach.presenter.action.trigger()
    finally:
        window.set_language("en")
        qtbot.wait(20)


def test_export_writes_the_number_and_the_overlay_as_png(window, tmp_path):
    from PySide6.QtGui import QImage

    exporter = window.teach.exporter
    window.reading.explain_action.setChecked(True)
    draw_strokes(window.canvas, seven())
    explained = exporter.save_drawing(tmp_path / "why.png")
    picture = QImage(str(explained))
    assert picture.width() == 1200
    colours = {
        picture.pixelColor(x, y).getRgb()[:3] for x in range(30, 570, 6) for y in range(30, 570, 6)
    }
    assert any(b > r + 60 for r, _g, b in colours)  # the blue of "pushed towards 7"
    window.set_reading_mode("number")
    _one(window.canvas, 0.4)
    _seven(window.canvas, 0.9)
    written = exporter.save_drawing(tmp_path / "number.png")
    picture = QImage(str(written))
    assert picture.width() == 1200 and picture.height() > 400
    assert window.current_number() == "17"


def test_inside_the_network_links_to_the_explanation(window):
    window.show_teaching_view("network")
    draw_strokes(window.canvas, seven())
    network = window.teach.dock.network
    assert network.explain_button.isVisible() and network.explain_button.text()
    assert not window.reading.explaining
    network.explain_button.click()
    assert window.reading.explaining and window.reading.legend.texts() == ("against 7", "for 7")


def test_the_reasons_shown_are_those_ml_numbers_gives():
    from digitpad.ml import numbers
    from digitpad.ui.shell import reading

    assert set(reading._REASONS) == {
        numbers.CUT_REASON,
        numbers.MARGIN_REASON,
        numbers.LOW_REASON,
    }
