"""The drawing pad and live prediction, driven by real mouse events."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from digitpad.ui import MainWindow
from digitpad.ui._testing import drag, draw_strokes, seven
from digitpad.ui.settings import Settings
from digitpad.ui.widgets.canvas import DEFAULT_BRUSH


def draw(qtbot, win, strokes):
    """Draw, then wait for the reading of the finished drawing (not a partial one)."""
    seen = []
    win.predictionChanged.connect(seen.append)
    draw_strokes(win.canvas, strokes)
    qtbot.waitUntil(lambda: bool(seen) and not win.prediction_pending(), timeout=5000)
    win.predictionChanged.disconnect(seen.append)
    return seen[-1]


def test_opens_with_bundled_model_and_empty_prediction(window):
    assert window.models.predictor is not None
    assert "bundled" in window.model_label.text()
    assert window.current_probabilities() is None
    assert window.chart.predicted_digit() is None


def test_drag_gives_probabilities(qtbot, window):
    probabilities = draw(qtbot, window, seven())
    assert probabilities is not None
    assert probabilities.shape == (10,)
    assert probabilities.sum() == pytest.approx(1.0, abs=1e-5)
    assert np.array_equal(probabilities, window.current_probabilities())
    assert int(probabilities.argmax()) == 7
    assert window.input_view.image().max() == pytest.approx(1.0)


def test_image_array_is_white_on_black(qtbot, window):
    area = window.canvas.drawing_rect()
    drag(window.canvas, [(area.left() + 20, area.top() + 20), (area.right() - 20, area.top() + 20)])
    image = window.canvas.image_array()
    assert image.dtype == np.uint8 and image.ndim == 2
    assert image.shape[0] == image.shape[1]
    assert image.max() == 255 and np.median(image) == 0
    assert area.width() == area.height()


def test_clear_gives_none(qtbot, window):
    draw(qtbot, window, seven())
    with qtbot.waitSignal(window.predictionChanged, timeout=5000) as blocker:
        window.canvas.clear()
    assert blocker.args[0] is None
    assert window.current_probabilities() is None
    assert window.canvas.is_empty()


def test_clear_shortcut_action(qtbot, window):
    draw(qtbot, window, seven())
    window.clear_action.trigger()
    qtbot.waitUntil(lambda: window.current_probabilities() is None, timeout=5000)


def test_undo_restores_previous_prediction_and_redo(qtbot, window):
    first = draw(qtbot, window, seven())
    second = draw(qtbot, window, [[(6, 16), (22, 16)]])  # a crossbar changes the reading
    assert not np.allclose(first, second)
    with qtbot.waitSignal(window.predictionChanged, timeout=5000) as blocker:
        window.undo_action.trigger()
    np.testing.assert_allclose(blocker.args[0], first)
    with qtbot.waitSignal(window.predictionChanged, timeout=5000) as blocker:
        window.redo_action.trigger()
    np.testing.assert_allclose(blocker.args[0], second)
    window.canvas.clear()
    window.canvas.undo()
    window.refresh_prediction()
    np.testing.assert_allclose(window.current_probabilities(), second)


def test_eraser_removes_ink(qtbot, window):
    draw(qtbot, window, [[(14, 4), (14, 24)]])
    window.eraser_action.setChecked(True)
    draw(qtbot, window, [[(14, 2), (14, 26)]])
    assert window.canvas.is_empty()
    assert window.current_probabilities() is None


def test_the_pad_knows_when_it_is_blank_after_every_kind_of_change(qtbot, window):
    # Whether the pad is blank (its hint shows) is worked out again only when its pixels
    # change: every kind of change must count as one.
    canvas = window.canvas
    assert canvas.is_empty()
    draw(qtbot, window, [[(14, 4), (14, 24)]])
    assert not canvas.is_empty()
    assert not canvas.is_empty()  # asked again, nothing changed
    window.eraser_action.setChecked(True)
    draw(qtbot, window, [[(14, 2), (14, 26)]])
    assert canvas.is_empty()  # all of it rubbed out
    window.eraser_action.setChecked(False)
    canvas.undo()
    assert not canvas.is_empty()
    canvas.redo()
    assert canvas.is_empty()
    canvas.undo()
    window.resize(window.width() - 60, window.height() - 60)
    qtbot.wait(50)
    assert not canvas.is_empty()  # the drawing scaled with the pad
    canvas.clear()
    assert canvas.is_empty()
    draw(qtbot, window, [[(3, 3), (4, 4)]])
    assert not canvas.is_empty()


def test_only_a_left_button_stroke_draws(qtbot, window):
    # A right-button drag, and moves after the left button's release, leave no ink.
    from PySide6.QtCore import QEvent, QPointF, Qt

    from digitpad.ui._testing import _send

    canvas = window.canvas
    area = canvas.drawing_rect()
    right, none = Qt.MouseButton.RightButton, Qt.MouseButton.NoButton
    points = [QPointF(area.left() + 40 + 8 * i, area.top() + 60 + 5 * i) for i in range(20)]
    _send(canvas, QEvent.Type.MouseButtonPress, points[0], right, right)
    for point in points[1:]:
        _send(canvas, QEvent.Type.MouseMove, point, none, right)
    _send(canvas, QEvent.Type.MouseButtonRelease, points[-1], right, none)
    assert canvas.is_empty() and canvas.strokes() == ([], [])
    drag(canvas, [(p.x(), p.y()) for p in points[:5]])
    ink = canvas.image_array().sum()
    for point in points[5:]:  # the release came: these draw nothing
        _send(canvas, QEvent.Type.MouseMove, point, none, right)
    assert canvas.image_array().sum() == ink and len(canvas.strokes()[0]) == 1


def test_a_finger_draws_and_is_read(qtbot, window):
    # A touch screen: one finger draws a stroke as the mouse does, and it is read.
    from PySide6.QtCore import QPoint
    from PySide6.QtTest import QTest

    canvas = window.canvas
    area = canvas.drawing_rect()
    finger = QTest.createTouchDevice()
    start = QPoint(area.left() + area.width() // 4, area.top() + area.height() // 5)
    QTest.touchEvent(canvas, finger).press(0, start, canvas).commit()
    for step in range(1, 15):
        point = start + QPoint(step * area.width() // 30, step * area.height() // 22)
        QTest.touchEvent(canvas, finger).move(0, point, canvas).commit()
    QTest.touchEvent(canvas, finger).release(0, point, canvas).commit()
    qtbot.wait(20)
    ink, _ = canvas.strokes()
    assert len(ink) == 1 and len(ink[0]) == 15
    assert not canvas.is_drawing() and not canvas.is_empty()
    window.refresh_prediction()
    assert window.current_probabilities() is not None


def test_canvas_stays_square_when_resized(qtbot, window):
    draw(qtbot, window, seven())
    window.resize(900, 700)
    qtbot.wait(50)
    area = window.canvas.drawing_rect()
    assert area.width() == area.height()
    assert not window.canvas.is_empty()
    window.refresh_prediction()
    assert int(window.current_probabilities().argmax()) == 7


def test_corrupt_settings_fall_back_to_defaults(qtbot):
    q = QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, "digitpad", "digitpad")
    q.setValue("canvas/brush_size", "fat")
    q.setValue("train/epochs", -3)
    q.setValue("train/batch_size", 10**9)
    q.setValue("window/geometry", "not bytes")
    q.sync()
    win = MainWindow(settings=Settings(q))
    qtbot.addWidget(win)
    assert win.canvas.brush_size() == DEFAULT_BRUSH
    assert win.train_panel.epochs.value() == 5
    assert win.train_panel.batch_size.value() == 128


def test_settings_round_trip(qtbot):
    win = MainWindow()
    qtbot.addWidget(win)
    win.brush.setValue(12)
    win.train_panel.epochs.setValue(3)
    win.close()
    again = MainWindow()
    qtbot.addWidget(again)
    assert again.canvas.brush_size() == 12
    assert again.train_panel.epochs.value() == 3


def test_bad_model_file_keeps_current_model(qtbot, window, tmp_path, monkeypatch):
    bad = tmp_path / "broken.keras"
    bad.write_bytes(b"not a zip")
    shown = []
    monkeypatch.setattr(
        "digitpad.ui.shell.main_window.QFileDialog.getOpenFileName", lambda *a, **k: (str(bad), "")
    )
    monkeypatch.setattr(
        "digitpad.ui.shell.main_window.QMessageBox.warning", lambda *a: shown.append(a[2])
    )
    before = window.models.predictor
    window.open_action.trigger()
    assert shown and "broken.keras" in shown[0]
    assert window.models.predictor is before


def test_save_bundled_model_copies_file(qtbot, window, tmp_path, monkeypatch):
    target = tmp_path / "copy.keras"
    monkeypatch.setattr(
        "digitpad.ui.shell.main_window.QFileDialog.getSaveFileName",
        lambda *a, **k: (str(target), ""),
    )
    window.save_action.trigger()
    assert target.is_file()
    window.models.load_file(target)
    assert window.models.test_acc is not None  # the model card came along


def test_undo_history_is_bounded_by_bytes_on_a_huge_pad(qtbot, monkeypatch):
    from digitpad.ui.widgets import canvas as canvas_module

    pad = canvas_module.Canvas()
    qtbot.addWidget(pad)
    pad.resize(1000, 1000)
    pad.show()
    qtbot.waitExposed(pad)
    step = pad._image.sizeInBytes()
    monkeypatch.setattr(canvas_module, "UNDO_BYTES", 5 * step)
    for i in range(20):
        drag(pad, [(100 + i * 10, 100), (100 + i * 10, 400)])
    assert 1 <= len(pad._undo) <= 5  # not 20 copies of a 4 MB image
    pad.undo()
    assert len(pad._redo) == 1


@pytest.mark.parametrize("then", ["replaced", "deleted"])
def test_save_as_writes_the_model_on_screen_not_the_file_now_on_disk(
    qtbot, window, tmp_path, monkeypatch, then
):
    import shutil

    from digitpad.ml.model import bundled_model_path, bundled_variant_path

    opened = tmp_path / "mine.keras"
    shutil.copyfile(bundled_model_path(), opened)
    window.models.load_file(opened)
    on_screen = opened.read_bytes()
    probabilities = window.models.predictor.predict(np.eye(28, dtype=np.float32))
    if then == "replaced":  # another program overwrites it with a different network
        shutil.copyfile(bundled_variant_path("robust"), opened)
    else:
        opened.unlink()
    target = tmp_path / "copy.keras"
    monkeypatch.setattr(
        "digitpad.ui.shell.main_window.QFileDialog.getSaveFileName",
        lambda *a, **k: (str(target), ""),
    )
    warnings = []
    monkeypatch.setattr(
        "digitpad.ui.shell.main_window.QMessageBox.warning", lambda *a: warnings.append(a[2])
    )
    window.save_action.trigger()
    assert not warnings
    assert target.read_bytes() == on_screen
    window.models.load_file(target)
    np.testing.assert_array_equal(
        window.models.predictor.predict(np.eye(28, dtype=np.float32)), probabilities
    )


def test_strokes_follow_undo_redo_and_clear(qtbot, window):
    """Finished strokes are converted once and kept; undo, redo and clear replace them."""
    canvas = window.canvas

    def lines():
        ink, _erase = canvas.strokes()
        return [line.round(4).tolist() for line in ink]

    draw_strokes(canvas, [[(6, 6), (22, 6)], [(14, 6), (14, 24)]])
    both = lines()
    assert len(both) == 2 and lines() == both  # asked twice: the same answer
    draw_strokes(canvas, [[(6, 20), (22, 20)]])
    assert len(lines()) == 3 and lines()[:2] == both
    canvas.undo()
    assert lines() == both
    canvas.redo()
    assert len(lines()) == 3
    canvas.clear()
    assert lines() == []
    draw_strokes(canvas, [[(10, 10), (20, 20)]])
    assert len(lines()) == 1 and lines()[0] != both[0]
    canvas.undo()
    assert lines() == []  # back to the cleared pad
    canvas.undo()
    restored = lines()
    assert len(restored) == 3 and restored[:2] == both  # and to before the clear


def test_a_stroke_read_while_drawn_counts_only_its_part_on_the_pad(qtbot, window):
    """The pen leaves the pad and comes back mid-stroke: every reading along the way
    (not only the one at pen-up) sees the stroke clipped to the pad."""
    from digitpad.ml.preprocess import clip_polylines

    canvas = window.canvas
    area = canvas.drawing_rect()
    side = area.width()
    grid = [(0.3, 0.3), (0.6, 0.3), (1.4, 0.5), (0.6, 0.7), (0.3, 0.7)]  # out to the right
    seen = []
    canvas.drawingChanged.connect(lambda: seen.append(canvas.strokes()[0]))
    drag(canvas, [(area.left() + x * side, area.top() + y * side) for x, y in grid])
    assert len(seen) >= len(grid)
    for ink in seen:
        points = np.concatenate(ink)
        assert points.min() >= 0 and points.max() <= 1.0
    raw = np.array(canvas._strokes[-1][0])
    expected = clip_polylines([raw], high=(1.0, 1.0))
    assert len(seen[-1]) == len(expected) == 2  # it left the pad once: two pieces
    for got, want in zip(seen[-1], expected, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-6)
