"""A Dense layer's units as a strip: one bar per unit, height = its output."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize

from digitpad.ui.teach.network.card import LayerCard
from digitpad.ui.teach.network.pixels import TABLE, argb

STRIP_HEIGHT = 56
BAR = argb([33, 150, 243])  # ACCENT
NEGATIVE = argb([255, 152, 0])


class DenseCard(LayerCard):
    def __init__(self, facts) -> None:
        super().__init__(facts)
        self._units = facts.shape[-1]
        self._rows = None

    def picture_size(self, room: int) -> QSize:
        per_unit = max(1, min(6, 256 // max(1, self._units)))
        return QSize(max(1, min(room, self._units * per_unit)), STRIP_HEIGHT)

    def _render(self) -> np.ndarray:
        width, height = self.picture.width(), self.picture.height()
        background = TABLE[128]
        if self._output is None:
            return np.full((height, width), background, np.uint32)
        values = np.asarray(self._output, np.float32).reshape(-1)
        starts = np.arange(width) * len(values) // width
        tallest = np.maximum.reduceat(values, starts)  # the strongest unit of a column
        lowest = np.minimum.reduceat(values, starts)
        column = np.where(tallest >= -lowest, tallest, lowest)
        peak = float(np.abs(values).max()) or 1.0
        bars = np.rint((height - 1) * np.abs(column) / peak).astype(np.int64)
        ink = np.arange(height)[:, None] >= height - bars[None, :]
        colour = np.where(column >= 0, BAR, NEGATIVE).astype(np.uint32)
        return np.where(ink, colour[None, :], background).astype(np.uint32)
