"""Canvas fuzzing: seeded random strokes, clicks, resizes, undo/redo, clear and eraser,
strokes that leave the pad, zero-length strokes, tiny and huge windows, device pixel
ratios 1, 1.5 and 2. Never an exception; the prediction is always finite and sums to 1,
or is ``None`` for an empty pad.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from digitpad.ui import MainWindow
from digitpad.ui._testing import drag
from digitpad.ui.widgets.canvas import Canvas

OPERATIONS = 1000


@pytest.fixture(params=[1.0, 1.5, 2.0], ids=["dpr1", "dpr1.5", "dpr2"])
def window(request, qtbot, monkeypatch):
    """The canvas sizes its off-screen image by ``devicePixelRatioF()``: pretend a screen."""
    dpr = request.param
    monkeypatch.setattr(Canvas, "devicePixelRatioF", lambda self: dpr)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.dpr = dpr
    return win


def _check(win) -> None:
    win.refresh_prediction()
    p = win.current_probabilities()
    canvas = win.canvas
    image = canvas._image
    assert image.devicePixelRatio() == win.dpr
    assert image.width() == image.height() == round(canvas._logical_side() * win.dpr)
    if canvas.is_empty():
        assert p is None
    else:
        assert p is not None and p.shape == (10,)
        assert np.all(np.isfinite(p)) and abs(float(p.sum()) - 1) < 1e-4


def _press_release(canvas, x, y, button=Qt.MouseButton.LeftButton):
    pos = QPointF(x, y)
    for kind, buttons in (
        (QEvent.Type.MouseButtonPress, button),
        (QEvent.Type.MouseButtonRelease, Qt.MouseButton.NoButton),
    ):
        event = QMouseEvent(
            kind,
            pos,
            QPointF(canvas.mapToGlobal(pos.toPoint())),
            button,
            buttons,
            Qt.KeyboardModifier.NoModifier,
        )
        QApplication.sendEvent(canvas, event)


def _point(rng, canvas, outside: bool):
    w, h = max(1, canvas.width()), max(1, canvas.height())
    if outside:
        return (float(rng.uniform(-2 * w, 3 * w)), float(rng.uniform(-2 * h, 3 * h)))
    return (float(rng.uniform(0, w)), float(rng.uniform(0, h)))


def test_random_operations(qtbot, window):
    rng = np.random.default_rng(int(window.dpr * 1000))
    canvas = window.canvas
    ops = ["stroke"] * 6 + [
        "outside",
        "click",
        "zero",
        "right",
        "resize",
        "undo",
        "redo",
        "clear",
        "eraser",
        "brush",
        "check",
    ]
    counts: dict[str, int] = {}
    for index in range(OPERATIONS):
        op = ops[int(rng.integers(len(ops)))]
        counts[op] = counts.get(op, 0) + 1
        if op in ("stroke", "outside"):
            n = int(rng.integers(2, 12))
            drag(canvas, [_point(rng, canvas, op == "outside") for _ in range(n)])
        elif op == "click":
            drag(canvas, [_point(rng, canvas, False)])
        elif op == "zero":  # press and release on the very same point, several times
            point = _point(rng, canvas, False)
            drag(canvas, [point, point, point])
        elif op == "right":  # other buttons do not draw
            _press_release(canvas, *_point(rng, canvas, False), Qt.MouseButton.RightButton)
        elif op == "resize":
            window.resize(int(rng.integers(1, 2400)), int(rng.integers(1, 1600)))
            QApplication.processEvents()
        elif op == "undo":
            window.undo_action.trigger() if rng.random() < 0.5 else canvas.undo()
        elif op == "redo":
            canvas.redo()
        elif op == "clear":
            canvas.clear()
        elif op == "eraser":
            window.eraser_action.toggle()
        elif op == "brush":
            window.brush.setValue(int(rng.integers(-5, 40)))  # clamped by the spin box
            canvas.set_brush_size(int(rng.integers(-100, 100)))  # and by the canvas
        if op == "check" or index % 50 == 0:
            _check(window)
    _check(window)
    assert counts["stroke"] > 300 and counts["resize"] > 30


@pytest.mark.parametrize("size", [(1, 1), (200, 150), (3840, 2160), (7000, 300), (300, 7000)])
def test_extreme_window_sizes(qtbot, window, size):
    canvas = window.canvas
    area = canvas.drawing_rect()
    drag(canvas, [(area.left() + 20, area.top() + 20), (area.right() - 20, area.bottom() - 20)])
    window.resize(*size)
    QApplication.processEvents()
    assert canvas.drawing_rect().width() == canvas.drawing_rect().height() > 0
    _check(window)
    assert not canvas.is_empty()  # the drawing survives the resize
    area = canvas.drawing_rect()
    drag(canvas, [(area.left() - 50, area.center().y()), (area.right() + 50, area.center().y())])
    _check(window)
    canvas.undo()
    canvas.undo()
    _check(window)
    canvas.redo()
    _check(window)


def test_strokes_entirely_outside_draw_nothing_and_corners_draw(qtbot, window):
    canvas = window.canvas
    w, h = canvas.width(), canvas.height()
    drag(canvas, [(-500, -500), (-10, -400), (-1000, -1)])
    drag(canvas, [(w + 100, h + 100), (w + 900, h + 50)])
    _check(window)
    assert canvas.is_empty()
    area = canvas.drawing_rect()
    drag(canvas, [(area.left(), area.top())])  # a dot on the very corner
    _check(window)
    assert not canvas.is_empty()


def test_standalone_canvas_shrunk_to_nothing(qtbot, monkeypatch):
    """Outside a layout a canvas can be given any size, even zero."""
    canvas = Canvas()
    qtbot.addWidget(canvas)
    canvas.setMinimumSize(0, 0)
    for size in [(0, 0), (1, 1), (0, 500), (3, 3), (500, 500)]:
        canvas.resize(*size)
        canvas.show()
        QApplication.processEvents()
        drag(canvas, [(0, 0), (1, 1), (-5, 10)])
        canvas.undo()
        canvas.redo()
        image = canvas.image_array()
        assert image.ndim == 2 and image.shape[0] == image.shape[1] >= 1
