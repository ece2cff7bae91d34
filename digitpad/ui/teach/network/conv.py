"""A convolution's feature maps as a grid of small images; a click opens one."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize

from digitpad.ui.teach.network.card import LayerCard
from digitpad.ui.teach.network.pixels import GAP, TABLE, grid_index, levels

MAP_SIDE = 28  # about this many pixels a map, whatever its size in cells
SPACING = 2


class MapGridCard(LayerCard):
    """(height, width, maps) outputs: one small picture per map, all on one scale (the
    layer's strongest value), so the maps can be compared."""

    selectable = True

    def __init__(self, facts) -> None:
        super().__init__(facts)
        self._h, self._w, self._maps = facts.shape
        self._scale, self._columns = 1, 1
        self._index: np.ndarray | None = None

    def maps(self) -> int:
        return self._maps

    def _fit(self, room: int) -> tuple[int, int]:
        """(scale, columns): maps about MAP_SIDE pixels, at most 16 (8 for 32 or fewer)
        in a row, as large as ``room`` allows."""
        wanted = min(self._maps, 8 if self._maps <= 32 else 16)
        scale = max(1, MAP_SIDE // max(self._h, self._w))
        while scale > 1 and wanted * (self._w * scale + SPACING) - SPACING > room:
            scale -= 1
        columns = max(1, min(wanted, (room + SPACING) // (self._w * scale + SPACING)))
        return scale, columns

    def picture_size(self, room: int) -> QSize:
        scale, columns = self._fit(room)
        rows = -(-self._maps // columns)
        return QSize(
            columns * (self._w * scale + SPACING) - SPACING,
            rows * (self._h * scale + SPACING) - SPACING,
        )

    def _layout(self, size: QSize) -> None:
        for scale in range(max(1, MAP_SIDE // max(self._h, self._w)), 0, -1):
            for columns in range(1, self._maps + 1):
                if self._size(scale, columns) == size:
                    self._scale, self._columns = scale, columns
                    self._index = None
                    return

    def _size(self, scale: int, columns: int) -> QSize:
        rows = -(-self._maps // columns)
        return QSize(
            columns * (self._w * scale + SPACING) - SPACING,
            rows * (self._h * scale + SPACING) - SPACING,
        )

    def _render(self) -> np.ndarray:
        if self._index is None:
            self._index = grid_index(
                self._maps, self._h, self._w, scale=self._scale, columns=self._columns, gap=SPACING
            )
        flat = np.empty(self._maps * self._h * self._w + 1, np.uint16)
        flat[-1] = GAP
        if self._output is None:
            flat[:-1] = 128
        else:
            out = np.asarray(self._output)
            flat[:-1] = levels(out.transpose(2, 0, 1)).reshape(-1)
        return TABLE[flat[self._index]]

    def map_at(self, x: int, y: int) -> int | None:
        """The map at (x, y) in the stack's coordinates, or ``None``."""
        if not self.picture.contains(x, y):
            return None
        cell_w = self._w * self._scale + SPACING
        cell_h = self._h * self._scale + SPACING
        column = (x - self.picture.left()) // cell_w
        row = (y - self.picture.top()) // cell_h
        channel = row * self._columns + column
        return int(channel) if column < self._columns and channel < self._maps else None

    def map_rect(self, channel: int) -> QRect | None:
        if not 0 <= channel < self._maps or self.picture.width() == 0:
            return None
        row, column = divmod(channel, self._columns)
        cell_w = self._w * self._scale + SPACING
        cell_h = self._h * self._scale + SPACING
        return QRect(
            self.picture.left() + column * cell_w,
            self.picture.top() + row * cell_h,
            self._w * self._scale,
            self._h * self._scale,
        )
