"""Inside the network for the convolutional network: every layer shown, live with the
pen; a clicked feature map close up whose arithmetic gives the map's value."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest

from digitpad.ui._testing import draw_strokes, strokes_from_image


def _robust_view(window, mnist, qtbot):
    window.models.load_bundled("robust")
    window.show_teaching_view("network")
    draw_strokes(window.canvas, strokes_from_image(mnist.x_test[0] / 255.0), live=True)
    window.refresh_prediction()
    qtbot.wait(20)
    return window.teach.dock.network


def test_every_layer_follows_the_pen_and_a_clicked_map_shows_its_arithmetic(window, mnist, qtbot):
    view = _robust_view(window, mnist, qtbot)
    stack = view.stack
    names = [card.facts.name for card in stack.cards[1:]]
    assert names == [name for name, _ in window.layer_activations()]
    conv = stack.cards[2]
    assert conv.facts.kind == "Conv2D" and conv.facts.shape == (26, 26, 16)
    assert np.shares_memory(conv.output(), window.models.last_pass().outputs[conv.facts.index])
    assert "160 weights" in conv.header_lines()
    # The ideas quote this network's own card: 8 epochs of 305 steps, not the tutorial's.
    ideas = view.ideas_text()
    assert "8 epochs × 305 steps" in ideas and "5 epochs" not in ideas
    assert "Hidden activations appear" not in ideas + view.caption.text()
    # Click map 5 of the first convolution.
    rect = stack.map_rect(conv.facts.index, 4)
    qtbot.mouseClick(stack, Qt.MouseButton.LeftButton, pos=rect.center())
    close_up = view.map_view
    assert close_up.isVisible() and close_up.channel == 4
    activations = dict(window.layer_activations())
    maps = activations["conv2d"]
    # Point at a place on the large map: the arithmetic there gives the map's value.
    picture = close_up.picture
    for row, column in ((13, 12), (5, 20), (0, 0)):
        point = picture.point_rect(row, column).center()
        QTest.mouseMove(picture, point)
        qtbot.mouseClick(picture, Qt.MouseButton.LeftButton, pos=point)
        step = close_up.step
        assert (step.row, step.column) == (row, column)
        shown_patch, shown_kernel = close_up.patch.values(), close_up.kernel.values()
        total = float((shown_patch * shown_kernel).sum()) + step.bias
        assert abs(total - step.total) < 1e-5
        assert abs(max(total, 0.0) - maps[row, column, 4]) < 1e-5
        value = f"{maps[row, column, 4]:.2f}".replace("-", "−")
        assert f"= {value}, the map's value there" in close_up.text_shown()
    # The second convolution: the sum runs over its 16 input maps.
    second = stack.cards[4]
    view.show_map(second.facts.index, 7)
    step = close_up.step
    fed = activations["max_pooling2d"]
    kernel = window.models.predictor.layers[second.facts.index].weights
    patch = fed[step.row : step.row + 3, step.column : step.column + 3, :]
    expected = float((patch * kernel[0][:, :, :, 7]).sum() + kernel[1][7])
    assert abs(expected - step.total) < 1e-4
    assert abs(step.value - activations["conv2d_1"][step.row, step.column, 7]) < 1e-5
    assert "input maps" in close_up.text_shown()
    # A new drawing: the close-up follows it.
    window.canvas.clear()
    draw_strokes(window.canvas, strokes_from_image(mnist.x_test[1] / 255.0), live=True)
    window.refresh_prediction()
    new = dict(window.layer_activations())["conv2d_1"]
    assert abs(close_up.step.value - new[close_up.step.row, close_up.step.column, 7]) < 1e-5


def test_keyboard_steps_through_maps_and_enter_opens_one(window, mnist, qtbot):
    view = _robust_view(window, mnist, qtbot)
    stack = view.stack
    stack.setFocus()
    QTest.keyClick(stack, Qt.Key.Key_Right)  # selects the first map
    QTest.keyClick(stack, Qt.Key.Key_Right)
    assert stack.selected is not None and stack.selected[1] == 1
    QTest.keyClick(stack, Qt.Key.Key_Return)
    assert view.map_view.isVisible() and view.map_view.channel == 1
    QTest.keyClick(stack, Qt.Key.Key_Right)
    assert view.map_view.channel == 2
    QTest.keyClick(stack, Qt.Key.Key_Left)
    QTest.keyClick(stack, Qt.Key.Key_Left)
    assert view.map_view.channel == 0
    qtbot.mouseClick(view.map_view.close_button, Qt.MouseButton.LeftButton)
    assert not view.map_view.isVisible()


def test_the_tutorial_shows_its_layers_and_keeps_its_tiles(window, mnist, qtbot):
    window.show_teaching_view("network")
    draw_strokes(window.canvas, strokes_from_image(mnist.x_test[0] / 255.0), live=True)
    window.refresh_prediction()
    view = window.teach.dock.network
    kinds = [type(card).__name__ for card in view.stack.cards]
    assert kinds == ["InputCard", "DenseCard", "OutputCard"]
    assert view.grid.isVisible() and view.grid.order().size == 512
    assert "5 epochs × 469 steps" in view.ideas_text()
    assert view.stack.grab().toImage().pixelColor(QPoint(5, 5)).isValid()


@pytest.mark.parametrize("size", [(1280, 720), (1366, 768)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_robust_network_inside_at_the_projector(qtbot, window, mnist, size):
    """With every layer of the CNN and a map close up: the pad keeps >= 45 % of the
    height, no text clipped, no sideways scroll in the view's column."""
    from digitpad.ui._layout_check import clipped_texts

    window.resize(*size)
    qtbot.wait(50)
    view = _robust_view(window, mnist, qtbot)
    view.show_map(view.stack.cards[2].facts.index, 0)
    qtbot.wait(100)
    side = window.canvas.drawing_rect().width()
    assert side >= 0.45 * window.height()
    assert clipped_texts(window) == []
    scroll = window.teach.dock._scrolls["network"]
    assert not scroll.horizontalScrollBar().isVisible()
    assert view.stack.width() <= scroll.viewport().width()


def test_a_clicked_map_or_unit_shows_the_test_digits_that_excite_it_most(window, mnist, qtbot):
    """Issue 27, "what it has learnt": searched once per network in the background when a
    close-up first asks; held while a training runs (each epoch is a new network)."""
    from digitpad.ml import exemplars as ex

    view = _robust_view(window, mnist, qtbot)
    finder, strip = view.exemplars, view.map_exemplars
    assert not finder.job.is_running() and strip.isHidden()  # nothing until asked
    conv = view.stack.cards[2]
    qtbot.mouseClick(
        view.stack, Qt.MouseButton.LeftButton, pos=view.stack.map_rect(conv.facts.index, 4).center()
    )
    assert strip.isVisible()
    with qtbot.waitSignal(finder.ready, timeout=60_000) as ready:
        pass
    found = ready.args[0].for_unit(conv.facts.index, 4)
    assert ready.args[0].key == ex.model_key(window.models.predictor)
    assert len(strip.tiles._tiles) == len(found) and strip.title.text().startswith("What excites")
    # The tutorial network: a unit's close-up has its own strip.
    window.models.load_bundled("tutorial")
    qtbot.wait(20)
    assert strip.isHidden()  # the map close-up closed with the network that had it
    window.train_panel.runningChanged.emit(True)  # a Train click: no search meanwhile
    assert view.exemplars.is_held()
    view.show_unit(7)
    assert view.unit_exemplars.isVisible() and not finder.job.is_running()
    assert "when the training ends" in view.unit_exemplars.title.text()
    with qtbot.waitSignal(finder.ready, timeout=60_000):
        window.train_panel.runningChanged.emit(False)
    dense = next(i for i, layer in enumerate(finder.predictor.layers) if layer.kind == "Dense")
    shown = finder.exemplars().for_unit(dense, 7)
    assert len(view.unit_exemplars.tiles._tiles) == len(shown)
    finder.wait()


def test_presenter_mode_turned_on_with_a_map_open_enlarges_it_whole(window, mnist, qtbot):
    """Seen in a screenshot: a close-up opened before F11 kept its small fixed size while
    painting at the presenter's, so the map and the number grids were cut off."""
    view = _robust_view(window, mnist, qtbot)
    conv = view.stack.cards[2]
    view.show_map(conv.facts.index, 3)
    close_up = view.map_view
    small = close_up.picture.size()
    window.teach.presenter.set_active(True)
    qtbot.wait(50)
    try:
        for widget in (close_up.picture, close_up.patch, close_up.kernel):
            assert widget.size() == widget.sizeHint(), widget
        assert close_up.picture.width() > small.width()
    finally:
        window.teach.presenter.set_active(False)
    qtbot.wait(20)
    assert close_up.picture.size() == small


def test_the_ideas_say_how_the_live_network_was_trained(window, mnist, qtbot):
    """The robust card's recipe: Adam with a one-cycle rate (up to 0.005), not the
    tutorial's constant rmsprop 0.001."""
    view = _robust_view(window, mnist, qtbot)
    ideas = view.ideas_text()
    assert "adam, the learning rate rising to 0.005 and falling to zero" in ideas
    assert "rmsprop" not in ideas
    window.models.load_bundled("tutorial")
    qtbot.wait(20)
    assert "rmsprop, learning rate 0.001:" in view.ideas_text()
