"""Drive the canvas like a person would: real mouse events, for tests and scripts.

``QTest.mouseMove`` cannot hold a button down, so drags are built from ``QMouseEvent``s
and delivered with ``QApplication.sendEvent`` (as pyqtgraph's tests do).
:func:`strokes_from_image` turns a 28x28 MNIST digit into pen strokes (a crude
skeleton traced into polylines), so tests can re-draw real digits by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from PySide6.QtCore import QEvent, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

Point = tuple[float, float]


def _send(widget: QWidget, kind: QEvent.Type, pos: QPointF, button, buttons) -> None:
    global_pos = QPointF(widget.mapToGlobal(pos.toPoint()))
    event = QMouseEvent(kind, pos, global_pos, button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def drag(widget: QWidget, points: Sequence[Point]) -> None:
    """Press at the first point, move through the rest with the left button held, release."""
    if not points:
        return
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    first = QPointF(*points[0])
    _send(widget, QEvent.Type.MouseButtonPress, first, left, left)
    for x, y in points[1:]:
        _send(widget, QEvent.Type.MouseMove, QPointF(x, y), none, left)
    last = QPointF(*points[-1])
    _send(widget, QEvent.Type.MouseButtonRelease, last, left, none)


def draw_strokes(canvas, strokes: Iterable[Sequence[Point]], grid: int = 28) -> None:
    """Draw strokes given in ``grid`` x ``grid`` coordinates, scaled onto the canvas square."""
    area = canvas.drawing_rect()
    scale = area.width() / grid
    for stroke in strokes:
        drag(canvas, [(area.left() + x * scale, area.top() + y * scale) for x, y in stroke])


def seven() -> list[list[Point]]:
    """A hand-drawn 7 (grid coordinates), for demos."""
    return [[(7, 6), (12, 6), (17, 6), (21, 6), (18, 11), (15, 16), (13, 20), (12, 23)]]


# -- MNIST digit -> strokes ------------------------------------------------------------
_NEIGHBOURS = [(-1, -1), (-1, 0), (-1, 1), (0, -1), (0, 1), (1, -1), (1, 0), (1, 1)]


def thin(mask: np.ndarray) -> np.ndarray:
    """Zhang-Suen thinning: a one-pixel-wide skeleton of a boolean image."""
    image = np.pad(mask.astype(np.uint8), 1)
    changed = True
    while changed:
        changed = False
        for step in (0, 1):
            p = [
                np.roll(np.roll(image, -dy, 0), -dx, 1)
                for dy, dx in [(-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1)]
            ]
            neighbours = sum(p)
            ring = [*p, p[0]]
            transitions = sum(((ring[i] == 0) & (ring[i + 1] == 1)).astype(int) for i in range(8))
            if step == 0:
                a = p[0] * p[2] * p[4]
                b = p[2] * p[4] * p[6]
            else:
                a = p[0] * p[2] * p[6]
                b = p[0] * p[4] * p[6]
            remove = (image == 1) & (neighbours >= 2) & (neighbours <= 6) & (transitions == 1)
            remove &= (a == 0) & (b == 0)
            if remove.any():
                image[remove] = 0
                changed = True
    return image[1:-1, 1:-1].astype(bool)


def strokes_from_image(image: np.ndarray, threshold: float = 0.35) -> list[list[Point]]:
    """Trace a digit's skeleton into polylines in pixel-centre coordinates (x, y)."""
    array = np.asarray(image, np.float32)
    if array.max() > 1:
        array = array / 255.0
    skeleton = thin(array > threshold)
    nodes = {(int(y), int(x)) for y, x in zip(*np.nonzero(skeleton), strict=True)}
    edges: dict[tuple, set] = {node: set() for node in nodes}
    for y, x in nodes:
        for dy, dx in _NEIGHBOURS:
            if (y + dy, x + dx) in nodes:
                edges[(y, x)].add((y + dy, x + dx))
    strokes: list[list[Point]] = []
    while nodes:
        # Prefer ends of lines (one neighbour left) so strokes run end to end.
        start = min(nodes, key=lambda n: (len(edges[n]) != 1, n))
        path = [start]
        current = start
        while edges[current]:
            following = min(edges[current])
            edges[current].discard(following)
            edges[following].discard(current)
            path.append(following)
            current = following
        for node in path:
            if not edges[node]:
                nodes.discard(node)
        strokes.append([(x + 0.5, y + 0.5) for y, x in path])
    return strokes
