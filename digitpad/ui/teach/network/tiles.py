"""The first Dense layer's weights as pictures: every hidden unit's 784 weights as a
28x28 tile (red: ink there raises its sum, blue: lowers it), sorted by how strongly the
units fire for the drawing, and the strip of their activations below them."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.ui.teach.common import ACCENT, MUTED
from digitpad.ui.teach.network.pixels import argb, wrap

PAD = 40  # grey between the tiles
OUTLINE = QColor(255, 193, 7)


def weight_colours(tiles: np.ndarray) -> np.ndarray:
    """Weights scaled to [-1, 1] -> RGB: red positive, blue negative, white zero."""
    pos, neg = np.clip(tiles, 0, 1), np.clip(-tiles, 0, 1)
    return np.stack([255 - 200 * neg, 255 - 200 * (pos + neg), 255 - 200 * pos], axis=-1)


def normalised_tiles(kernel: np.ndarray) -> np.ndarray:
    """(784, units) kernel -> (units, 28, 28), each tile scaled to its own peak."""
    tiles = np.asarray(kernel, np.float32).T.reshape(-1, 28, 28)
    scale = np.abs(tiles).max(axis=(1, 2), keepdims=True)
    return tiles / np.where(scale > 0, scale, 1)


def resampler(size: int, source: int = 28) -> np.ndarray:
    """(size, source) matrix averaging each target pixel over the source pixels it covers."""
    edges = np.linspace(0, source, size + 1)
    left, right = edges[:-1, None], edges[1:, None]
    cells = np.arange(source)[None, :]
    overlap = np.clip(np.minimum(right, cells + 1) - np.maximum(left, cells), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def tile_pixels(tiles: np.ndarray, side: int) -> np.ndarray:
    """(units, 28, 28) weights in [-1, 1] -> (units, side, side) 32-bit pixels: each
    tile averaged down to ``side`` and stretched back to its own peak (the grid's tiles
    and the connections' alike)."""
    resample = resampler(side)
    small = np.einsum("ij,ujk,lk->uil", resample, tiles, resample)
    peak = np.abs(small).max(axis=(1, 2), keepdims=True)  # averaging dulls: re-stretch
    small /= np.where(peak > 0, peak, 1)
    return argb(np.rint(weight_colours(small)))


class WeightGrid(QWidget):
    """The first Dense layer's weight vectors as 28x28 images, strongest-firing first.

    The tiles are rendered once per model and tile size (both plain and outlined, as
    32-bit pixels); a new drawing only re-sorts them, one numpy gather into the image
    that is blitted 1:1, so following the pen stays far below a frame.
    """

    COLUMNS = 32
    unitClicked = Signal(int)  # a tile was clicked: its unit (in the layer's own order)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chosen: int | None = None  # the unit shown close up: its tile is framed
        self._kernel: np.ndarray | None = None
        self._tiles: np.ndarray | None = None  # (units, 28, 28) in [-1, 1]
        self._order = np.zeros(0, np.int64)
        self._firing = 0
        self._generation = 0  # bumped whenever the tiles move: the composed image is stale
        self._atlas: tuple[tuple, np.ndarray] | None = None  # (tile key, plain+outlined+blank)
        self._image: tuple[tuple, np.ndarray, QImage] | None = None  # (key, pixels, image)
        self.setMinimumSize(320, 180)
        # As tall as its tiles at the width it is given: what follows (the activation
        # strip) sits right below them, not below an empty band in a tall column.
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return QSize(self.COLUMNS * 29, 16 * 29)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self.minimumHeight(), math.ceil(self._rows() * width / self.COLUMNS))

    def set_chosen(self, unit: int | None) -> None:
        if unit != self._chosen:
            self._chosen = unit
            self.update()

    def tile_rect(self, unit: int) -> QRect | None:
        """Where ``unit``'s tile is now (logical pixels), ``None`` if it has none."""
        places = np.flatnonzero(self._order == unit)
        if self._kernel is None or not places.size:
            return None
        side, dpr = self._tile_key()
        row, column = divmod(int(places[0]), self.COLUMNS)
        step = side / dpr
        return QRect(round(column * step), round(row * step), round(step), round(step))

    def unit_at(self, x: float, y: float) -> int | None:
        """The unit whose tile is at (x, y), or ``None``."""
        if self._kernel is None or x < 0 or y < 0:
            return None
        side, dpr = self._tile_key()
        column, row = int(x * dpr // side), int(y * dpr // side)
        place = row * self.COLUMNS + column
        if column >= self.COLUMNS or place >= len(self._order):
            return None
        return int(self._order[place])

    def mousePressEvent(self, event) -> None:
        unit = self.unit_at(event.position().x(), event.position().y())
        if event.button() == Qt.MouseButton.LeftButton and unit is not None:
            self.unitClicked.emit(unit)
            event.accept()
        else:
            super().mousePressEvent(event)

    def set_kernel(self, kernel: np.ndarray | None) -> None:
        self._kernel = None if kernel is None else np.asarray(kernel, np.float32)
        self._tiles = None if self._kernel is None else normalised_tiles(self._kernel)
        self._atlas = None
        self._generation += 1
        self.update()
        self.set_activations(None)

    def set_activations(self, activations: np.ndarray | None) -> None:
        """Order the tiles by activation, strongest first (unit order when ``None``)."""
        if self._kernel is None:
            order, firing = np.zeros(0, np.int64), 0
        elif activations is None:
            order, firing = np.arange(self._kernel.shape[1]), 0
        else:
            order = np.argsort(-activations, kind="stable")
            firing = int((activations > 0).sum())
        if (
            firing == self._firing
            and order.shape == self._order.shape
            and np.array_equal(order, self._order)
        ):
            return  # the same tiles in the same places: nothing to repaint
        rows = self._rows()
        self._order, self._firing = order, firing
        self._generation += 1
        if self._rows() != rows:  # another network: its tiles need another height
            self.updateGeometry()
        self.update()

    def order(self) -> np.ndarray:
        return self._order

    def _rows(self) -> int:
        return math.ceil(len(self._order) / self.COLUMNS)

    def _tile_key(self) -> tuple[int, float]:
        """(tile side in device pixels including the 1-pixel gap, device pixel ratio)."""
        dpr = self.devicePixelRatioF()
        scale = min(self.width() / (self.COLUMNS * 29), self.height() / (self._rows() * 29))
        return max(3, int(29 * scale * dpr)), dpr

    def _atlas_for(self, key: tuple[int, float]) -> np.ndarray:
        """Every unit's tile at ``key``'s size: plain, then outlined, then one blank."""
        if self._atlas is not None and self._atlas[0] == key:
            return self._atlas[1]
        side = key[0]
        inner = side - 1
        plain = np.full((len(self._tiles), side, side), argb([PAD, PAD, PAD]), np.uint32)
        plain[:, :inner, :inner] = tile_pixels(self._tiles, inner)
        outlined = plain.copy()
        amber = argb([OUTLINE.red(), OUTLINE.green(), OUTLINE.blue()])
        for edge in (
            outlined[:, 0, :inner],
            outlined[:, inner - 1, :inner],
            outlined[:, :inner, 0],
            outlined[:, :inner, inner - 1],
        ):
            edge[...] = amber
        blank = np.full((1, side, side), argb([PAD, PAD, PAD]), np.uint32)
        atlas = np.concatenate([plain, outlined, blank])
        self._atlas = (key, atlas)
        return atlas

    def _composed(self) -> QImage:
        """The tiles in the current order, firing ones outlined, as one image."""
        key = self._tile_key()
        image_key = (key, self._generation)
        if self._image is not None and self._image[0] == image_key:
            return self._image[2]
        atlas = self._atlas_for(key)
        units, side, rows = len(self._order), key[0], self._rows()
        index = np.full(rows * self.COLUMNS, len(atlas) - 1)
        index[:units] = self._order + units * (np.arange(units) < self._firing)
        pixels = np.ascontiguousarray(
            atlas[index]
            .reshape(rows, self.COLUMNS, side, side)
            .transpose(0, 2, 1, 3)
            .reshape(rows * side, self.COLUMNS * side)
        )
        image = wrap(pixels, key[1])
        self._image = (image_key, pixels, image)
        return image

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        if self._kernel is None:
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,  # narrow docks
                self.tr("This model has no 784-input Dense layer to show."),
            )
            return
        painter.drawImage(0, 0, self._composed())  # 1:1, no scaling per paint
        rect = None if self._chosen is None else self.tile_rect(self._chosen)
        if rect is not None:  # the tile shown close up, wherever the sorting put it
            painter.setPen(QPen(ACCENT, 2))  # inside the tile: the grid's edge does not cut it
            painter.drawRect(QRectF(rect).adjusted(1, 1, -1, -1))


class ActivationStrip(QWidget):
    """One thin bar per hidden unit, in the grid's order, height = activation.

    Drawn as one image built with numpy (the tallest bar of each pixel column), not
    hundreds of rectangles.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: np.ndarray | None = None
        self._generation = 0  # bumped with every new set of values
        self._image: tuple[tuple, np.ndarray, QImage] | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel
        self.setMinimumHeight(48)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, values: np.ndarray | None) -> None:
        if values is None and self._values is None:
            return
        if values is not None and self._values is not None and np.array_equal(values, self._values):
            return
        self._values = None if values is None else np.array(values, np.float32)
        self._generation += 1
        self.update()

    def _bars(self) -> QImage:
        dpr = self.devicePixelRatioF()
        width, height = max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr))
        key = (self._generation, width, height, self.palette().cacheKey())
        if self._image is not None and self._image[0] == key:
            return self._image[2]
        values = np.maximum(self._values, 0)
        starts = np.arange(width) * len(values) // width
        tallest = np.maximum.reduceat(values, starts)  # of the units in each pixel column
        peak = float(values.max()) or 1.0
        bars = np.rint(height * tallest / peak).astype(np.int64)
        ink = np.arange(height)[:, None] >= height - bars[None, :]
        base = self.palette().base().color()
        pixels = np.where(
            ink,
            argb([ACCENT.red(), ACCENT.green(), ACCENT.blue()]),
            argb([base.red(), base.green(), base.blue()]),
        ).astype(np.uint32)
        image = wrap(pixels, dpr)
        self._image = (key, pixels, image)
        return image

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        if self._values is None or not len(self._values):
            painter.fillRect(self.rect(), self.palette().base())
            painter.setPen(MUTED)
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,  # narrow docks
                self.tr("Hidden activations appear when you draw."),
            )
            return
        painter.drawImage(0, 0, self._bars())
