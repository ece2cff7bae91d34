"""Drive the canvas like a person would: real mouse events, for tests and scripts.

``QTest.mouseMove`` cannot hold a button down, so drags are built from ``QMouseEvent``s
and delivered with ``QApplication.sendEvent`` (as pyqtgraph's tests do).
:func:`strokes_from_image` turns a 28x28 MNIST digit into pen strokes (its skeleton
traced into polylines by :mod:`digitpad.ml.strokes`), so tests re-draw real digits by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from digitpad.ml.strokes import mnist_to_strokes

Point = tuple[float, float]


def _send(widget: QWidget, kind: QEvent.Type, pos: QPointF, button, buttons) -> None:
    global_pos = QPointF(widget.mapToGlobal(pos.toPoint()))
    event = QMouseEvent(kind, pos, global_pos, button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, points: Sequence[Point], live: bool = False) -> None:
    """Press at the first point, move through the rest with the left button held, release.

    ``live``: the events are processed after each move, as a person's mouse gives the
    window an event-loop pass between moves (without it the moves arrive as one burst,
    which the window reads once, before its next paint)."""
    if not points:
        return
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    first = QPointF(*points[0])
    _send(widget, QEvent.Type.MouseButtonPress, first, left, left)
    for x, y in points[1:]:
        _send(widget, QEvent.Type.MouseMove, QPointF(x, y), none, left)
        if live:
            QApplication.processEvents()
    last = QPointF(*points[-1])
    _send(widget, QEvent.Type.MouseButtonRelease, last, left, none)


def draw_strokes(
    canvas, strokes: Iterable[Sequence[Point]], grid: int = 28, live: bool = False
) -> None:
    """Draw strokes given in ``grid`` x ``grid`` coordinates, scaled onto the canvas square
    (``live``: as :func:`drag`)."""
    area = canvas.drawing_rect()
    scale = area.width() / grid
    for stroke in strokes:
        points = [(area.left() + x * scale, area.top() + y * scale) for x, y in stroke]
        drag(canvas, points, live=live)


def seven() -> list[list[Point]]:
    """A hand-drawn 7 (grid coordinates), for demos."""
    return [[(7, 6), (12, 6), (17, 6), (21, 6), (18, 11), (15, 16), (13, 20), (12, 23)]]


# -- MNIST digit -> strokes ------------------------------------------------------------
def strokes_from_image(image: np.ndarray, threshold: float = 0.35) -> list[list[Point]]:
    """A digit's skeleton traced into pen strokes, (x, y) in its own pixel grid."""
    return [
        [(float(x) + 0.5, float(y) + 0.5) for x, y in line]
        for line in mnist_to_strokes(image, threshold)
    ]
