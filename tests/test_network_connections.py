"""Inside the network, hidden → output: which hidden units push which digit's score for
the drawing. The pushes add up to the live model's own scores; the panel follows the pen,
a digit can be picked, a unit opened close up; it is shown only where it applies."""

from __future__ import annotations

import re

import numpy as np
import pytest
from PySide6.QtCore import Qt

from digitpad.ml.layers import dense_pushes, output_connections
from digitpad.ml.model import bundled_model_path, bundled_variant_path
from digitpad.ml.predictor import Predictor
from digitpad.ml.weights import LayerSpec
from digitpad.ui._testing import draw_strokes, strokes_from_image


@pytest.fixture(scope="module")
def tutorial() -> Predictor:
    return Predictor.from_file(bundled_model_path())


def _scores_predictor(predictor: Predictor) -> Predictor:
    """The same network without its last softmax: its last output is the scores."""
    *rest, last = predictor.layers
    linear = LayerSpec(last.kind, {**last.config, "activation": "linear"}, last.weights)
    return Predictor([*rest, linear])


def _number(value: float, signed: bool = False) -> str:
    return f"{value:{'+' if signed else ''}.2f}".replace("-", "−")


def test_the_pushes_add_up_to_the_models_own_scores(tutorial, mnist):
    hidden_index, output_index = output_connections(tutorial)
    layers = tutorial.layers
    assert layers[hidden_index].weights[0].shape == (784, 512)
    assert layers[output_index].weights[0].shape == (512, 10)
    scores_net = _scores_predictor(tutorial)
    for image in mnist.x_test[:25] / 255.0:
        outputs = tutorial.forward(image)
        fed = outputs[output_index - 1][0]  # the hidden units' outputs
        scores = scores_net.forward(image)[-1][0]  # the predictor's own logits
        probabilities = tutorial.predict(image)
        read = dense_pushes(layers[output_index], fed)
        assert read.output == int(np.argmax(probabilities))
        for digit in range(10):
            pushes = dense_pushes(layers[output_index], fed, digit)
            kernel = layers[output_index].weights[0]
            np.testing.assert_allclose(pushes.pushes, fed * kernel[:, digit], rtol=1e-6)
            assert pushes.total == pytest.approx(float(pushes.pushes.sum()), abs=1e-9)
            assert pushes.score == pytest.approx(pushes.total + pushes.bias, abs=1e-9)
            assert abs(pushes.score - float(scores[digit])) < 1e-5
            assert abs(pushes.probability - float(probabilities[digit])) < 1e-5
    # The convolutional network's output is fed by a Flatten-Dense chain after its
    # convolutions: its hidden units have no 784 weights, but it still has the links;
    # a network whose output is not a softmax over ten scores has none.
    robust = Predictor.from_file(bundled_variant_path("robust"))
    links = output_connections(robust)
    assert links is None or robust.layers[links[0]].weights[0].shape[0] != 784
    sigmoid = _with_output(tutorial, "sigmoid")
    assert output_connections(sigmoid) is None


def _with_output(predictor: Predictor, activation: str) -> Predictor:
    *rest, last = predictor.layers
    return Predictor(
        [*rest, LayerSpec(last.kind, {**last.config, "activation": activation}, last.weights)]
    )


def _expected(window, digit: int):
    """The pushes for ``digit`` from the window's own forward pass, sorted."""
    last = window.models.last_pass()
    predictor = window.models.predictor
    output_index = output_connections(predictor)[1]
    fed = last.outputs[output_index - 1][0].astype(np.float64)
    pushes = fed * predictor.layers[output_index].weights[0][:, digit]
    return pushes, np.argsort(-pushes, kind="stable"), np.argsort(pushes, kind="stable")


def _assert_percent(text: str, probability: float) -> None:
    """The softmax's percentage in ``text`` is ``probability``, to the places it gives,
    and never 100.0% for a probability short of 1."""
    shown = re.search(r"→ ([0-9.]+)%", text).group(1)
    places = len(shown.partition(".")[2])
    assert abs(float(shown) - 100 * probability) <= 0.5 * 10**-places + 1e-4, shown
    assert probability >= 1 or float(shown) < 100


def test_the_panel_follows_the_pen_and_opens_a_unit(window, mnist, qtbot):
    window.resize(1366, 768)
    window.show_teaching_view("network")
    view = window.teach.dock.network
    panel = view.connections
    assert panel.isVisible() and panel.digit() is None
    assert "Draw a digit" in panel.text_shown()
    # Real mouse events on the pad: a 7.
    draw_strokes(window.canvas, strokes_from_image(mnist.x_test[0] / 255.0), live=True)
    window.refresh_prediction()
    qtbot.wait(20)
    probabilities = window.current_probabilities()
    read = int(np.argmax(probabilities))
    assert read == 7 and panel.digit() == 7
    assert panel.digits.checkedId() == 7
    pushes, up, down = _expected(window, 7)
    shown_up, shown_down = panel.shown_units()
    assert len(shown_up) >= 2 and len(shown_down) >= 2
    assert shown_up == [int(u) for u in up[: len(shown_up)]]
    assert shown_down == [int(u) for u in down[: len(shown_down)]]
    assert all(pushes[u] > 0 for u in shown_up) and all(pushes[u] < 0 for u in shown_down)
    text = panel.text_shown()
    bias = float(window.models.predictor.layers[-1].weights[1][7])
    assert f"add up to {_number(pushes.sum())}" in text
    assert f"+ bias {_number(bias)} = score {_number(pushes.sum() + bias)} for 7" in text
    _assert_percent(text, probabilities[7])
    # More ink on the pad: the panel follows the pen.
    before = (text, panel.shown_units())
    draw_strokes(window.canvas, [[(4, 14), (24, 14)]], live=True)  # a bar across the 7
    window.refresh_prediction()
    qtbot.wait(20)
    digit = panel.digit()
    assert digit == int(np.argmax(window.current_probabilities()))
    pushes, up, _ = _expected(window, digit)
    assert (panel.text_shown(), panel.shown_units()) != before
    assert panel.shown_units()[0] == [int(u) for u in up[: len(panel.shown_units()[0])]]
    # Another digit picked: its pushes, and which digit is read; a second click: back.
    other = 3 if digit != 3 else 5
    qtbot.mouseClick(panel.digits.button(other), Qt.MouseButton.LeftButton)
    assert panel.digit() == other
    pushes, up, _ = _expected(window, other)
    assert f"for {other}." in panel.text_shown() and f"it reads {digit}" in panel.text_shown()
    assert panel.shown_units()[0] == [int(u) for u in up[: len(panel.shown_units()[0])]]
    qtbot.mouseClick(panel.digits.button(other), Qt.MouseButton.LeftButton)
    assert panel.digit() == digit
    # A unit's tile clicked: the unit close up, its tile framed in the panel too.
    unit = panel.shown_units()[0][0]
    row = panel.row
    qtbot.mouseClick(row, Qt.MouseButton.LeftButton, pos=row.tile_rect(unit).center())
    assert view.unit_view.isVisible() and view.unit_view.unit == unit
    assert f"Unit {unit + 1} of 512" in view.unit_view.text_shown()
    # The pad cleared: nothing to push.
    window.canvas.clear()
    window.refresh_prediction()
    assert panel.digit() is None and not row.isVisible()


def test_the_panels_tiles_work_from_the_keyboard(window, mnist, qtbot):
    """Tab to the row, the arrow keys move along its tiles (the ups, then the downs),
    Enter opens the framed one close up."""
    window.resize(1366, 768)
    window.show_teaching_view("network")
    view = window.teach.dock.network
    panel, row = view.connections, view.connections.row
    draw_strokes(window.canvas, strokes_from_image(mnist.x_test[0] / 255.0), live=True)
    window.refresh_prediction()
    qtbot.wait(20)
    row.setFocus()
    up_units, down_units = panel.shown_units()
    assert up_units and down_units and row.focused_unit() == up_units[0]
    for _ in range(len(up_units)):
        qtbot.keyClick(row, Qt.Key.Key_Right)
    assert row.focused_unit() == down_units[0]
    qtbot.keyClick(row, Qt.Key.Key_Return)
    assert view.unit_view.isVisible() and view.unit_view.unit == down_units[0]
    qtbot.keyClick(row, Qt.Key.Key_Left)
    assert row.focused_unit() == up_units[-1]
    row.grab()  # the dashed frame paints


def test_the_panel_repaints_only_on_a_change_and_follows_new_weights(
    qtbot, mnist, tutorial, monkeypatch
):
    from digitpad.ui.teach.network_view import NetworkView

    view = NetworkView(tutorial)
    qtbot.addWidget(view)
    view.resize(700, 900)
    view.show()
    qtbot.waitExposed(view)
    panel, x = view.connections, mnist.x_test[0] / 255.0
    view.set_input(x)
    repaints = []
    monkeypatch.setattr(panel.row, "update", lambda: repaints.append(1))
    view.set_input(x.copy())  # the same drawing again
    assert repaints == []
    # New weights (a training epoch): the panel reads with them.
    *rest, last = tutorial.layers
    kernel, bias = last.weights
    trained = Predictor([*rest, LayerSpec(last.kind, last.config, (kernel * 1.5, bias + 0.25))])
    view.set_predictor(trained)
    view.set_input(x)
    digit = panel.digit()
    scores = _scores_predictor(trained).forward(x)[-1][0]
    assert abs(panel.pushes().score - float(scores[digit])) < 1e-5
    assert f"score {_number(float(scores[digit]))} for {digit}" in panel.text_shown()
    assert repaints  # new pushes: painted again


def test_hidden_where_it_does_not_apply(window, mnist, qtbot, tutorial):
    from digitpad.ui.teach.network_view import NetworkView

    window.models.load_bundled("robust")
    window.show_teaching_view("network")
    draw_strokes(window.canvas, strokes_from_image(mnist.x_test[0] / 255.0), live=True)
    window.refresh_prediction()
    view = window.teach.dock.network
    assert not view.connections.isVisible()
    window.models.load_bundled("tutorial")
    window.refresh_prediction()
    qtbot.wait(20)
    assert view.connections.isVisible() and view.connections.digit() == 7
    # A dense network whose outputs are ten sigmoids, not a softmax over ten scores.
    alone = NetworkView(_with_output(tutorial, "sigmoid"))
    qtbot.addWidget(alone)
    alone.show()
    alone.set_input(mnist.x_test[0] / 255.0)
    assert not alone.connections.isVisible() and alone.grid.isVisible()


@pytest.fixture
def language(request):
    from PySide6.QtWidgets import QApplication

    from digitpad.ui import i18n

    i18n.install(QApplication.instance(), request.param)
    yield request.param
    i18n.install(QApplication.instance(), "en")


def _painted_problems(row) -> list[str]:
    """The row's painted texts (which the widget check cannot see) fit their room."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QFont, QFontMetrics

    count, _ = row._plan(row.width())
    problems = [] if count >= 2 else [f"{count} unit(s) each way"]
    if row._heading_width() > row._group_width(count):
        problems.append(f"headings {row._shown[0]} wider than their group")
    metrics = QFontMetrics(QFont(row.font()))
    for rect, unit, text in row._places():
        label = QRect(rect.left(), rect.bottom() + 3, rect.width(), metrics.height())
        if not row.rect().contains(label):
            problems.append(f"unit {unit} at {rect} outside {row.rect()}")
        if metrics.horizontalAdvance(text) > row._cell():
            problems.append(f"{text!r} wider than its cell")
    return problems


@pytest.mark.parametrize("language", ["en", "ko"], indirect=True)
@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_panel_reads_at_the_projector(qtbot, window, language, size, monkeypatch):
    """In the window and in presenter mode (full screen is the projector): the pad keeps
    >= 45 % of the height, no text clipped, painted or not, no sideways scroll."""
    from digitpad.ui._layout_check import clipped_texts
    from digitpad.ui._testing import seven

    monkeypatch.setattr(window, "showFullScreen", lambda: window.resize(*size))
    window.resize(*size)
    qtbot.wait(50)
    draw_strokes(window.canvas, seven())
    window.show_teaching_view("network")
    view = window.teach.dock.network
    scroll = window.teach.dock._scrolls["network"]
    presenter, problems, sides = window.teach.presenter, [], []
    try:
        for presenting in (False, True):
            presenter.set_active(presenting)
            qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=2000)
            qtbot.wait(50)
            row = view.connections.row
            assert view.connections.isVisible() and row.isVisible()
            sides.append(row._side())
            problems += [f"presenting={presenting}: {p}" for p in _painted_problems(row)]
            problems += [f"presenting={presenting}: {p}" for p in clipped_texts(window)]
            if window.canvas.drawing_rect().width() < 0.45 * size[1]:
                problems.append(f"presenting={presenting}: the pad under 45 %")
            if scroll.horizontalScrollBar().maximum() > 0:
                problems.append(f"presenting={presenting}: the view scrolls sideways")
    finally:
        presenter.set_active(False)
    assert not problems, "\n".join(problems)
    assert sides[1] > sides[0]  # presenter mode's tiles grow with its type
