"""Digits as a person at the pad draws them, for the number reader's tests: each a list
of (k, 2) polylines in pad points, y down, the digit ``h`` tall with its top-left at
(x, y)."""

from __future__ import annotations

import itertools

import numpy as np


def polyline(*corners, steps: int = 8) -> np.ndarray:
    corners = np.array(corners, float)
    points = [corners[0]]
    for a, b in itertools.pairwise(corners):
        points.extend(a + t * (b - a) for t in np.linspace(0, 1, steps)[1:])
    return np.array(points)


def one(x: float, y: float, h: float) -> list[np.ndarray]:
    return [polyline((x + 0.1 * h, y + 0.1 * h), (x + 0.2 * h, y), (x + 0.2 * h, y + h))]


def seven(x: float, y: float, h: float) -> list[np.ndarray]:
    """Two strokes: the 7 itself, then its crossbar."""
    return [
        polyline((x, y), (x + 0.6 * h, y), (x + 0.2 * h, y + h)),
        polyline((x + 0.15 * h, y + 0.5 * h), (x + 0.55 * h, y + 0.5 * h)),
    ]


def four(x: float, y: float, h: float) -> list[np.ndarray]:
    """Two strokes whose x-extents overlap: the open angle, then the stem through it."""
    return [
        polyline((x + 0.35 * h, y), (x, y + 0.6 * h), (x + 0.6 * h, y + 0.6 * h)),
        polyline((x + 0.45 * h, y + 0.2 * h), (x + 0.45 * h, y + h)),
    ]


def zero(x: float, y: float, h: float) -> list[np.ndarray]:
    t = np.linspace(0, 2 * np.pi, 40)
    return [np.stack([x + 0.3 * h + 0.3 * h * np.sin(t), y + 0.5 * h - 0.5 * h * np.cos(t)], 1)]


def compose(pen, picks, gaps, rng) -> list[np.ndarray]:
    """Pen digits placed as benchmarks/number_reading.py places them: 100 px tall
    (+-15 %), baselines +-8 px, the given gaps (in heights), whole pixels."""
    strokes: list[np.ndarray] = []
    right = 0.0
    for k, i in enumerate(picks):
        lines = pen.strokes[i]
        points = np.concatenate(lines)
        low, high = points.min(axis=0), points.max(axis=0)
        size = 100 * rng.uniform(0.85, 1.15)
        scale = size / (high[1] - low[1])
        left = right + (gaps[k - 1] * 100 if k else 0.0)
        bottom = 150 + rng.uniform(-8, 8)
        placed = [np.round((line - low) * scale + [left, bottom - size]) for line in lines]
        strokes.extend(placed)
        right = max(line[:, 0].max() for line in placed)
    return strokes
