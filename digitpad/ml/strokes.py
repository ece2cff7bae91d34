"""Turn an MNIST image into strokes (polylines), the way a person would draw it.

Threshold the digit, thin it to a one-pixel skeleton (Zhang-Suen), trace the skeleton
into polylines, then place them on a canvas. Re-drawing these strokes with a round
brush gives "drawn" digits for benchmarks and tests without a person at the mouse.
"""

from __future__ import annotations

import numpy as np

Polyline = np.ndarray  # (k, 2) float (x, y) points

# 8-neighbours in Zhang-Suen order P2..P9: N, NE, E, SE, S, SW, W, NW as (dy, dx).
_RING = ((-1, 0), (-1, 1), (0, 1), (1, 1), (1, 0), (1, -1), (0, -1), (-1, -1))


def _neighbours(mask: np.ndarray) -> list[np.ndarray]:
    padded = np.pad(mask, 1)
    h, w = mask.shape
    return [padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w] for dy, dx in _RING]


def zhang_suen(mask: np.ndarray) -> np.ndarray:
    """Thin a boolean mask to a one-pixel-wide skeleton (Zhang & Suen, 1984)."""
    image = np.asarray(mask, dtype=bool).copy()
    while True:
        changed = False
        for step in (0, 1):
            p = [n.astype(np.uint8) for n in _neighbours(image)]
            count = sum(p)  # B(P1): black neighbours
            ring = [*p, p[0]]
            transitions = sum(
                ((ring[i] == 0) & (ring[i + 1] == 1)).astype(np.uint8) for i in range(8)
            )
            p2, p4, p6, p8 = p[0], p[2], p[4], p[6]
            if step == 0:
                c1 = (p2 * p4 * p6) == 0
                c2 = (p4 * p6 * p8) == 0
            else:
                c1 = (p2 * p4 * p8) == 0
                c2 = (p2 * p6 * p8) == 0
            remove = image & (count >= 2) & (count <= 6) & (transitions == 1) & c1 & c2
            if remove.any():
                image &= ~remove
                changed = True
        if not changed:
            return image


def skeleton(image: np.ndarray, threshold: float = 0.35) -> np.ndarray:
    """Grey digit (uint8 or float in [0, 1]) -> boolean skeleton."""
    array = np.asarray(image, dtype=np.float32)
    if array.max() > 1.0:
        array = array / 255.0
    return zhang_suen(array > threshold)


def trace(skel: np.ndarray) -> list[Polyline]:
    """Skeleton pixels -> polylines in pixel-centre coordinates (x, y).

    Walks every skeleton edge once: from end points first, then junctions, then
    whatever is left (closed loops such as an ``0``). Single pixels become dots.
    """
    ys, xs = np.nonzero(skel)
    pixels = set(zip(ys.tolist(), xs.tolist(), strict=True))

    def near(p):
        # A diagonal step that an L-shaped pair of 4-neighbours also covers is not an
        # edge: otherwise every staircase corner becomes a tiny triangle of strokes.
        y, x = p
        out = []
        for dy, dx in _RING:
            q = (y + dy, x + dx)
            if q not in pixels:
                continue
            if dy and dx and ((y + dy, x) in pixels or (y, x + dx) in pixels):
                continue
            out.append(q)
        return out

    degree = {p: len(near(p)) for p in pixels}
    used: set[frozenset] = set()
    lines: list[list[tuple[int, int]]] = []

    def walk(start):
        for first in near(start):
            edge = frozenset((start, first))
            if edge in used:
                continue
            used.add(edge)
            path = [start, first]
            current = first
            while degree[current] == 2:
                nxt = [n for n in near(current) if frozenset((current, n)) not in used]
                if not nxt:
                    break
                used.add(frozenset((current, nxt[0])))
                current = nxt[0]
                path.append(current)
                if current == start:
                    break
            lines.append(path)

    order = sorted(pixels, key=lambda p: (degree[p] != 1, degree[p] < 3, p))
    for p in order:
        if degree[p] == 0:
            lines.append([p])
        else:
            walk(p)
    return [np.array([(x, y) for y, x in line], dtype=np.float32) for line in lines]


def mnist_to_strokes(image: np.ndarray, threshold: float = 0.35) -> list[Polyline]:
    """MNIST digit (28x28) -> polylines in its own pixel coordinates."""
    return trace(skeleton(image, threshold))


def bounds(polylines: list[Polyline]) -> tuple[float, float, float, float]:
    """(x0, y0, x1, y1) over all points."""
    points = np.concatenate(polylines)
    return (*points.min(axis=0).tolist(), *points.max(axis=0).tolist())


def place(
    polylines: list[Polyline],
    height: float,
    centre: tuple[float, float],
) -> list[Polyline]:
    """Scale strokes so the digit is ``height`` pixels tall, centred at ``centre`` (x, y).

    Width follows with the same factor, so a ``1`` stays thin. Digits that are wider
    than tall are scaled by their width instead, the way a person fits them to a pad.
    """
    if not polylines:
        return []
    x0, y0, x1, y1 = bounds(polylines)
    extent = max(x1 - x0, y1 - y0, 1.0)
    scale = height / extent
    mid = np.array([(x0 + x1) / 2, (y0 + y1) / 2], np.float32)
    target = np.array(centre, np.float32)
    return [((line - mid) * scale + target).astype(np.float32) for line in polylines]
