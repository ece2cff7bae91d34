"""Teaching widgets, offscreen, with real MNIST and the bundled model."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from digitpad.ml.model import bundled_model_path, load_model
from digitpad.ml.predictor import Predictor
from digitpad.ml.preprocess import to_mnist
from digitpad.ml.render import draw_digit
from digitpad.ml.user_digits import UserDigits
from digitpad.ui.teach.evaluation_view import EvaluationView
from digitpad.ui.teach.network_view import NetworkView
from digitpad.ui.teach.preprocess_lesson import PreprocessLesson
from digitpad.ui.teach.user_digits_view import UserDigitsView


@pytest.fixture(scope="module")
def bundled() -> Predictor:
    return Predictor.from_file(bundled_model_path())


# -- evaluation ------------------------------------------------------------------------------


def test_browser_reads_test_image_0_as_7(qtbot, mnist, bundled):
    view = EvaluationView(bundled, mnist)
    qtbot.addWidget(view)
    assert view.index_box.value() == 0
    assert view.browser_prediction() == 7 == int(mnist.y_test[0])  # predictions[0]
    assert "label 7" in view.browser_text.text() and "reads 7" in view.browser_text.text()
    view.index_box.setValue(1)
    assert view.browser_prediction() == int(mnist.y_test[1]) == 2
    accuracy = float((bundled.predict(mnist.x_test / 255.0).argmax(1) == mnist.y_test).mean())
    assert f"{accuracy:.2%}" in view.accuracy_label.text()
    assert f"of {len(mnist.y_test)} test images" in view.accuracy_label.text()


def test_confusion_rows_sum_to_class_counts_and_cells_open(qtbot, mnist, bundled):
    view = EvaluationView(bundled, mnist)
    qtbot.addWidget(view)
    view.resize(900, 520)
    view.show()
    qtbot.waitExposed(view)
    matrix = view.matrix.matrix()
    assert (matrix.sum(axis=1) == np.bincount(mnist.y_test, minlength=10)).all()
    # Click the most frequent mistake's cell with the mouse, as a teacher would.
    errors = matrix - np.diag(np.diag(matrix))
    true, guess = (int(i) for i in np.unravel_index(np.argmax(errors), errors.shape))
    centre = view.matrix.cell_rect(true, guess).center()
    with qtbot.waitSignal(view.cellSelected, timeout=2000) as blocker:
        QTest.mouseClick(view.matrix, Qt.MouseButton.LeftButton, pos=centre.toPoint())
    assert blocker.args == [true, guess]
    shown = view.gallery_indices()
    assert len(shown) == min(matrix[true, guess], 60) > 0
    assert all(int(mnist.y_test[i]) == true for i in shown)
    assert all(int(np.argmax(bundled.predict(mnist.x_test[i] / 255.0))) == guess for i in shown)
    assert f"{matrix[true, guess]} test images" in view.cell_title.text()
    assert view.matrix.cell_at(1, 1) is None  # the axis labels are not a cell


# -- personal digits -------------------------------------------------------------------------


def test_label_buttons_add_the_current_drawing_and_delete_persists(qtbot, tmp_path, mnist):
    store = UserDigits(tmp_path)
    view = UserDigitsView(store)
    qtbot.addWidget(view)
    drawing = draw_digit(mnist.x_test[0], width=18)
    view.set_drawing_source(lambda: drawing)
    with qtbot.waitSignal(view.labelRequested) as blocker:
        qtbot.mouseClick(view.label_buttons[7], Qt.MouseButton.LeftButton)
    assert blocker.args == [7]
    view.add_current(draw_digit(mnist.x_test[1], width=18), 2)
    assert view.count_labels[7].text().split() == ["7", "1"]
    assert view.samples.count() == 2
    assert UserDigits(tmp_path).counts()[7] == 1
    view.samples.item(0).setSelected(True)
    assert view.delete_button.isEnabled()
    qtbot.mouseClick(view.delete_button, Qt.MouseButton.LeftButton)
    assert view.samples.count() == 1 and view.count_labels[7].text().split() == ["7", "0"]
    reloaded = UserDigits(tmp_path)
    assert list(reloaded.labels) == [2]
    view.add_current(np.zeros((280, 280), np.uint8), 3)
    assert "empty" in view.result_label.text() and len(store) == 1


def test_fine_tune_button_reports_before_and_after(qtbot, tmp_path, mnist):
    store = UserDigits(tmp_path)
    for digit in range(10):
        for i in np.flatnonzero(mnist.y_test == digit)[:4]:
            store.add(draw_digit(mnist.x_test[i], height=160, width=34), digit)
    view = UserDigitsView(store)
    qtbot.addWidget(view)
    assert not view.fine_tune_button.isEnabled()  # nothing to tune yet
    view.set_model_source(lambda: load_model(bundled_model_path()))
    view.set_mnist(mnist)
    with qtbot.waitSignal(view.fineTuned, timeout=180_000) as blocker:
        qtbot.mouseClick(view.fine_tune_button, Qt.MouseButton.LeftButton)
        assert not view.fine_tune_button.isEnabled()
    result, model = blocker.args
    assert result.held_back == 10 and result.trained_on == 30
    assert "before" in view.result_label.text() and "after" in view.result_label.text()
    assert model.predict(np.zeros((1, 784), np.float32), verbose=0).shape == (1, 10)
    assert view.fine_tune_button.isEnabled()
    view.shutdown()


# -- inside the network ---------------------------------------------------------------------


def test_network_view_sorts_units_by_firing_and_lists_the_numbers(qtbot, mnist, bundled):
    from digitpad.ml.model import bundled_card_path
    from digitpad.ml.model_card import read_card

    view = NetworkView(bundled)
    qtbot.addWidget(view)
    view.set_card(read_card(bundled_card_path()))  # how it was trained: from its card
    assert list(view.grid.order()[:3]) == [0, 1, 2]  # no drawing: unit order
    text = view.ideas_text()
    for fact in (
        "784×512 + 512 = 401,920",
        "512×10 + 10 = 5,130",
        "407,050",
        "rmsprop",
        "5 epochs × 469 steps",
        "2,345",
    ):
        assert fact in text, fact
    x = mnist.x_test[0] / 255.0
    view.set_input(x)
    hidden = view.hidden_activations()
    assert hidden.shape == (512,)
    order = view.grid.order()
    assert (np.diff(hidden[order]) <= 0).all()  # strongest first
    assert int(order[0]) == int(np.argmax(hidden))
    assert "says 7" in view.ideas_text()
    view.set_input(None)
    assert view.hidden_activations() is None


def test_a_clicked_tile_shows_its_unit_close_up_and_follows_the_drawing(  # noqa: PLR0915
    qtbot, mnist, bundled
):
    """512 tiles of 12-20 px are a texture from the back of a room: a click on one
    shows that unit large, what it fires for the drawing and what it passes on."""
    from digitpad.ml.model import bundled_variant_path
    from digitpad.ui.teach.common import ACCENT

    view = NetworkView(bundled)
    qtbot.addWidget(view)
    view.resize(900, 760)
    view.show()
    qtbot.waitExposed(view)
    grid, close_up = view.grid, view.unit_view
    assert not close_up.isVisible()
    x = mnist.x_test[0] / 255.0  # a 7
    view.set_input(x)
    qtbot.wait(20)
    hidden = view.hidden_activations()
    first, second = bundled.dense_layers()[0], bundled.dense_layers()[1]
    top = int(grid.order()[0])
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.tile_rect(top).center())
    assert close_up.isVisible() and close_up.unit == top
    text = close_up.text_shown()
    firing = int((hidden > 0).sum())
    assert f"Unit {top + 1} of 512" in text
    assert f"Fires {hidden[top]:.2f} for your drawing: number 1 of the {firing}" in text
    outputs = second.weights[0][top]
    best = int(np.argmax(outputs))
    assert f"most to {best} ({outputs[best]:+.2f}".replace("-", "−") in text
    push = hidden[top] * outputs[7]
    assert f"adds {push:+.2f} to the score of 7".replace("-", "−") in text
    # The picture is the unit's own weights: red where they are largest, blue least.
    weights = first.weights[0][:, top].reshape(28, 28)
    picture = close_up.picture.pixmap().toImage()
    cell = picture.width() / 28
    for (row, column), red in (
        (np.unravel_index(weights.argmax(), weights.shape), True),
        (np.unravel_index(weights.argmin(), weights.shape), False),
    ):
        colour = picture.pixelColor(int((column + 0.5) * cell), int((row + 0.5) * cell))
        assert (colour.red() > colour.blue()) == red
    assert picture.width() >= 112
    # Its tile is framed, wherever the sorting puts it.
    frame = grid.grab().toImage()
    corner = grid.tile_rect(top).topLeft()
    assert frame.pixelColor(corner.x() + 1, corner.y() + 4).rgb() == ACCENT.rgb()

    # A new drawing: the same unit, its new numbers (silent: its sum before relu).
    x2 = mnist.x_test[1] / 255.0
    view.set_input(x2)
    hidden2 = view.hidden_activations()
    assert close_up.unit == top
    if hidden2[top] > 0:
        assert f"Fires {hidden2[top]:.2f}" in close_up.text_shown()
    else:
        total = float(x2.reshape(-1) @ first.weights[0][:, top] + first.weights[1][top])
        assert f"its sum is {total:.2f}".replace("-", "−") in close_up.text_shown()
        assert "adds" not in close_up.text_shown()  # a silent unit passes nothing on
    view.set_input(None)
    assert "Draw a digit to see how strongly it fires." in close_up.text_shown()

    # ▶ / ◀ and the arrow keys (after a click on the grid) step through the tiles in
    # their order: from the strongest-firing unit down.
    view.set_input(x)
    order = grid.order()
    qtbot.mouseClick(close_up.next_button, Qt.MouseButton.LeftButton)
    assert close_up.unit == int(order[1]) and "number 2 of the" in close_up.text_shown()
    grid.setFocus()
    QTest.keyClick(grid, Qt.Key.Key_Right)
    assert close_up.unit == int(order[2])
    QTest.keyClick(grid, Qt.Key.Key_Left)
    qtbot.mouseClick(close_up.previous_button, Qt.MouseButton.LeftButton)
    assert close_up.unit == top
    QTest.keyClick(grid, Qt.Key.Key_Up)
    assert close_up.unit == int(order[-1])  # round to the weakest
    view.show_unit(top)

    # From the keyboard alone: Enter on the focused grid opens the strongest unit.
    view.show_unit(None)
    QTest.keyClick(grid, Qt.Key.Key_Return)
    assert close_up.unit == top
    # A second click on its tile closes it; so does its ×.
    qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.tile_rect(top).center())
    assert not close_up.isVisible() and close_up.unit is None
    view.show_unit(5)
    assert close_up.isVisible()
    qtbot.mouseClick(close_up.close_button, Qt.MouseButton.LeftButton)
    assert not close_up.isVisible()
    # New weights (a training epoch) keep the unit; a CNN has no tiles to show.
    view.show_unit(5)
    view.set_predictor(Predictor.from_file(bundled_model_path()))
    assert close_up.isVisible() and close_up.unit == 5
    view.set_predictor(Predictor.from_file(bundled_variant_path("robust")))
    assert not close_up.isVisible() and grid.unit_at(5, 5) is None


# -- preprocessing lesson --------------------------------------------------------------------


def test_lesson_shows_naive_and_mnist_style_predictions(qtbot, mnist, bundled):
    lesson = PreprocessLesson(bundled)
    qtbot.addWidget(lesson)
    assert lesson.predictions() == (None, None)
    # A small 7 in the corner of the canvas: squashing loses it, MNIST-style finds it.
    drawing = draw_digit(mnist.x_test[0], (280, 280), height=110, centre=(80, 190), width=14)
    lesson.set_drawing(drawing)
    naive, proper = lesson.predictions()
    assert int(np.argmax(proper)) == 7
    assert int(np.argmax(naive)) != 7
    assert "reads 7" in lesson.verdicts[1].text()
    np.testing.assert_allclose(proper, bundled.predict(to_mnist(drawing)), atol=1e-6)
    lesson.set_drawing(None)
    assert lesson.predictions() == (None, None)


def test_a_unit_close_up_without_relu_says_its_output(qtbot):
    """ "Fires" and "silent" are relu's words: a tanh unit's close-up gives its output."""
    from digitpad.ml.weights import LayerSpec

    rng = np.random.default_rng(0)

    def dense(n_in, n_out, activation):
        kernel = rng.normal(0, 0.1, (n_in, n_out)).astype(np.float32)
        return LayerSpec(
            "Dense",
            {"units": n_out, "activation": activation},
            (kernel, np.zeros(n_out, np.float32)),
        )

    layers = [
        LayerSpec("InputLayer", {"batch_shape": [None, 784]}),
        dense(784, 16, "tanh"),
        dense(16, 10, "softmax"),
    ]
    view = NetworkView(Predictor(layers))
    qtbot.addWidget(view)
    view.set_input(rng.random((28, 28)).astype(np.float32))
    view.show_unit(3)
    text = view.unit_view.text_shown()
    value = view.hidden_activations()[3]
    assert "Unit 4 of 16" in text
    assert f"Its output for your drawing: {value:.2f}".replace("-", "−") in text
    assert "Fires" not in text and "Silent" not in text
