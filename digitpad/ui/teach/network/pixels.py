"""Numpy -> 32-bit pixels for the layer pictures: one colour table, one gather."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QImage

GAP = 256  # the colour table's entry for the gaps between maps
BACKGROUND = (40, 40, 40)


def argb(rgb) -> np.ndarray:
    """(..., 3) RGB -> uint32 0xffRRGGBB (QImage.Format_RGB32 on any endianness)."""
    rgb = np.asarray(rgb, np.uint32)
    return 0xFF000000 | (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def _table() -> np.ndarray:
    """257 colours: 0-127 negative (blue, strongest at 0), 128 zero (black), 129-255
    positive (grey to white), 256 the gap."""
    levels = np.arange(256)
    rgb = np.zeros((257, 3))
    negative = np.clip((128 - levels) / 128, 0, 1)
    positive = np.clip((levels - 128) / 127, 0, 1)
    rgb[:256, 0] = 255 * positive
    rgb[:256, 1] = 255 * positive + 120 * negative
    rgb[:256, 2] = 255 * np.maximum(positive, negative)
    rgb[GAP] = BACKGROUND
    return argb(np.rint(rgb))


TABLE = _table()


def levels(values: np.ndarray, peak: float | None = None) -> np.ndarray:
    """Signed values -> colour-table indices (uint16), scaled by ``peak`` (default: the
    largest size in ``values``)."""
    values = np.asarray(values, np.float32)
    if peak is None:
        peak = float(np.abs(values).max()) if values.size else 0.0
    scale = 127.0 / peak if peak > 0 else 0.0
    out = np.rint(values * scale)
    out += 128
    return np.clip(out, 0, 255, out=out).astype(np.uint16)


def wrap(pixels: np.ndarray, dpr: float = 1.0) -> QImage:
    """A QImage reading ``pixels`` (uint32 rows) without a copy: keep ``pixels`` alive.
    ``dpr``: device pixels per logical pixel, for an image blitted 1:1 on a HiDPI screen."""
    height, width = pixels.shape
    image = QImage(pixels.data, width, height, 4 * width, QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(dpr)
    return image


def grid_index(maps: int, h: int, w: int, *, scale: int, columns: int, gap: int) -> np.ndarray:
    """For a (rows x columns) grid of ``maps`` maps of h x w, each scaled ``scale`` times
    with ``gap`` pixels between them: the index of every picture pixel into the maps'
    levels flattened map by map, ``maps*h*w`` for a gap (there, one more entry: GAP)."""
    rows = -(-maps // columns)
    cell_h, cell_w = h * scale + gap, w * scale + gap
    ys, xs = np.arange(rows * cell_h - gap), np.arange(columns * cell_w - gap)
    row, in_y = np.divmod(ys, cell_h)
    column, in_x = np.divmod(xs, cell_w)
    channel = row[:, None] * columns + column[None, :]
    inside = (in_y < h * scale)[:, None] & (in_x < w * scale)[None, :] & (channel < maps)
    source = channel * (h * w) + (in_y // scale)[:, None] * w + (in_x // scale)[None, :]
    return np.where(inside, source, maps * h * w).astype(np.intp)
