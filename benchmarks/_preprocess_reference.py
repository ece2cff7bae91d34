"""digitpad.ml.preprocess.to_mnist as it was before the uint8 fast path (commit e924a17).

Kept only so benchmarks/run.py can show, in the same run, that the current to_mnist
gives the same numbers faster. Not used by the application.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

SIZE = 28
BOX = 20
INK_THRESHOLD = 0.1  # fraction of the brightest pixel that counts as ink when cropping


def as_white_on_black(image: np.ndarray) -> np.ndarray:
    """Grey uint8/float image -> float32 in [0, 255] with bright ink on a dark background.

    The background is taken to be the colour of the border, so both a canvas (white on
    black) and a scanned or photographed digit (dark on light) work.
    """
    array = np.asarray(image, dtype=np.float32)
    if array.ndim == 3:  # colour: luminance; alpha (if any) is ignored
        array = array[..., :3].mean(axis=2) if array.shape[2] >= 3 else array[..., 0]
    if array.ndim != 2:
        raise ValueError(f"expected a 2-D grey image, got shape {np.shape(image)}")
    if array.size and array.max() <= 1.0 and np.issubdtype(np.asarray(image).dtype, np.floating):
        array = array * 255.0
    border = np.concatenate([array[0], array[-1], array[:, 0], array[:, -1]])
    if border.size and np.median(border) > 127:
        array = 255.0 - array
    return array


def ink_box(array: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) bounds of the ink, or ``None`` for an empty image."""
    peak = float(array.max()) if array.size else 0.0
    if peak <= 0:
        return None
    mask = array > peak * INK_THRESHOLD
    rows = np.flatnonzero(mask.any(axis=1))
    cols = np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def to_mnist(image: np.ndarray) -> np.ndarray:
    """Drawing (H x W, white on black or dark on light) -> (28, 28) float32 in [0, 1].

    Crop to the ink, fit the longest side to 20 px with anti-aliasing, paste into a
    28x28 field and shift so the centre of mass sits at the centre. An empty drawing
    gives all zeros.
    """
    array = as_white_on_black(image)
    box = ink_box(array)
    if box is None:
        return np.zeros((SIZE, SIZE), np.float32)
    top, bottom, left, right = box
    crop = array[top:bottom, left:right]
    height, width = crop.shape
    scale = BOX / max(height, width)
    new_h = max(1, round(height * scale))
    new_w = max(1, round(width * scale))
    # BOX filtering averages every source pixel (true anti-aliasing) when shrinking;
    # bilinear avoids blockiness when a tiny drawing is enlarged.
    resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    small = np.asarray(
        Image.fromarray(crop.astype(np.float32), mode="F").resize((new_w, new_h), resample),
        dtype=np.float32,
    )
    field = np.zeros((SIZE, SIZE), np.float32)
    y0 = (SIZE - new_h) // 2
    x0 = (SIZE - new_w) // 2
    field[y0 : y0 + new_h, x0 : x0 + new_w] = small
    field = _centre_of_mass_to_centre(field)
    peak = float(field.max())
    if peak <= 0:
        return np.zeros((SIZE, SIZE), np.float32)
    # Strokes drawn thinly lose brightness when shrunk; MNIST ink peaks at full white.
    return np.clip(field / peak, 0.0, 1.0).astype(np.float32)


def naive_resize(image: np.ndarray) -> np.ndarray:
    """The whole image squashed to 28x28 with no cropping or centring (for comparison)."""
    array = as_white_on_black(image)
    small = np.asarray(
        Image.fromarray(array.astype(np.float32), mode="F").resize(
            (SIZE, SIZE), Image.Resampling.BOX
        ),
        dtype=np.float32,
    )
    peak = float(small.max())
    return (small / peak).astype(np.float32) if peak > 0 else np.zeros((SIZE, SIZE), np.float32)


def _centre_of_mass_to_centre(field: np.ndarray) -> np.ndarray:
    total = float(field.sum())
    if total <= 0:
        return field
    ys, xs = np.indices(field.shape)
    cy = float((ys * field).sum()) / total
    cx = float((xs * field).sum()) / total
    centre = (SIZE - 1) / 2
    dy = round(centre - cy)
    dx = round(centre - cx)
    return _shift(field, dy, dx)


def _shift(field: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """Shift without wrap-around; what leaves the field is dropped."""
    out = np.zeros_like(field)
    h, w = field.shape
    src_y = slice(max(0, -dy), min(h, h - dy))
    dst_y = slice(max(0, dy), min(h, h + dy))
    src_x = slice(max(0, -dx), min(w, w - dx))
    dst_x = slice(max(0, dx), min(w, w + dx))
    out[dst_y, dst_x] = field[src_y, src_x]
    return out
