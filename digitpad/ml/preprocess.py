"""Turn a drawing into a 28x28 MNIST-style input, the way MNIST itself was made.

MNIST digits were size-normalised to fit a 20x20 box (anti-aliased, aspect kept)
and then centred in a 28x28 field by their centre of mass. A model trained on
MNIST reads a drawing well only if the drawing is prepared the same way.

Two ways in: :func:`to_mnist` prepares any image (a photo, a file, the pad's pixels);
:func:`strokes_to_mnist` prepares the pad's strokes from their geometry, re-drawn at
MNIST's own pen width. Measured on real pen-written digits (BENCHMARKS.md, "Real
handwriting"), the geometry reads the same digit the same way whatever brush, size or
place it was drawn with, while pixels carry the brush along: a thick brush or a small
digit closes loops that no later step can reopen.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw

SIZE = 28
BOX = 20
INK_THRESHOLD = 0.1  # fraction of the brightest pixel that counts as ink when cropping
# Pen width, in pixels of the 28x28 field, at which strokes are re-drawn. MNIST's strokes
# are 2-4 px wide (median ~3 by a distance-transform estimate); 2.0 read real pen digits
# best of 2.0 / 2.5 / 3.0 / 3.5 for the tutorial's model and the augmented one.
PEN_WIDTH = 2.0
_SUPER = 4  # strokes are drawn at 4x and box-filtered down: anti-aliased like MNIST


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


def _white_on_black_uint8(array: np.ndarray) -> np.ndarray:
    """:func:`as_white_on_black` for a 2-D uint8 image, staying in uint8."""
    border = np.concatenate([array[0], array[-1], array[:, 0], array[:, -1]])
    if border.size and np.median(border) > 127:
        return 255 - array
    return array


def _border_level(array: np.ndarray) -> float:
    """The page's own level: the median of the border (0 for the pad's black)."""
    if array.size == 0:
        return 0.0
    border = np.concatenate([array[0], array[-1], array[:, 0], array[:, -1]])
    return float(np.median(border))


def ink_box(array: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) bounds of the ink, or ``None`` for an empty image."""
    peak = float(array.max()) if array.size else 0.0
    if peak <= 0:
        return None
    # A float32 threshold, so uint8 and float32 images are cut at exactly the same value.
    threshold = np.float32(peak * INK_THRESHOLD)
    rows = np.flatnonzero(array.max(axis=1) > threshold)
    cols = np.flatnonzero(array.max(axis=0) > threshold)
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def to_mnist(image: np.ndarray) -> np.ndarray:
    """Drawing (H x W, white on black or dark on light) -> (28, 28) float32 in [0, 1].

    Crop to the ink, fit the longest side to 20 px with anti-aliasing, paste into a
    28x28 field and shift so the centre of mass sits at the centre. An empty drawing
    gives all zeros.
    """
    raw = np.asarray(image)
    if raw.dtype == np.uint8 and raw.ndim == 2:
        # The canvas' case. Find the ink on the uint8 pixels and convert only the crop:
        # a float32 copy of a large (HiDPI, maximised) canvas was most of the time spent.
        # Same numbers as the float path below: the values are the same integers.
        array = _white_on_black_uint8(raw)
    else:
        array = as_white_on_black(image)
    # Ink is what stands out from the page: a grey or tinted background is subtracted,
    # so a blank page reads as "no digit", not as a box filled with ink.
    background = _border_level(array)
    if background > 0:
        array = np.clip(array.astype(np.float32) - background, 0, None)
    box = ink_box(array)
    if box is None:
        return np.zeros((SIZE, SIZE), np.float32)
    top, bottom, left, right = box
    crop = np.ascontiguousarray(array[top:bottom, left:right], dtype=np.float32)
    height, width = crop.shape
    scale = BOX / max(height, width)
    new_h = max(1, round(height * scale))
    new_w = max(1, round(width * scale))
    # BOX filtering averages every source pixel (true anti-aliasing) when shrinking;
    # bilinear avoids blockiness when a tiny drawing is enlarged.
    resample = Image.Resampling.BOX if scale < 1 else Image.Resampling.BILINEAR
    small = np.asarray(
        Image.fromarray(crop, mode="F").resize((new_w, new_h), resample),
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


def strokes_to_mnist(
    strokes, width: float = PEN_WIDTH, erase: Sequence[tuple[np.ndarray, float]] = ()
) -> np.ndarray:
    """Polylines ((k, 2) x, y points, any units) -> (28, 28) float32 in [0, 1].

    The digit's strokes are scaled so that, drawn with a round pen ``width`` pixels wide,
    the ink fits the 20 px box (longest side, aspect kept); then centre of mass to the
    centre, as for :func:`to_mnist`. ``erase`` holds eraser strokes (points, pen width in
    the strokes' own units) painted black on the same scale. No strokes: all zeros.
    """
    # On every pen move: few numpy calls (each one's code comes cold to a move), no
    # array made that is not needed.
    drawn = _draw_strokes(strokes, width, erase)
    if drawn is None:
        return np.zeros((SIZE, SIZE), np.float32)
    canvas, _scale, _middle = drawn
    if erase:  # what is left of the ink may be smaller: crop and fit it again
        return to_mnist(np.asarray(canvas))
    field = np.asarray(canvas.resize((SIZE, SIZE), Image.Resampling.BOX), np.float32)
    peak = float(np.maximum.reduce(field, axis=None))
    if peak <= 0:
        return np.zeros((SIZE, SIZE), np.float32)
    dy, dx = _centre_of_mass_shift(field)
    if dy or dx:
        field = _shift(field, dy, dx)
    np.divide(field, peak, out=field)
    return np.clip(field, 0.0, 1.0, out=field)


def strokes_field_rect(strokes, width: float = PEN_WIDTH) -> tuple[float, float, float] | None:
    """Where :func:`strokes_to_mnist` (without eraser strokes) puts its 28x28 field, in
    the strokes' own units: ``(x, y, side)`` of the field's square, or ``None``. Lets a
    view lay the 28 x 28 pixels, or what each one contributed, back over the drawing."""
    drawn = _draw_strokes(strokes, width, ())
    if drawn is None or drawn[1] <= 0:
        return None
    canvas, scale, middle = drawn
    field = np.asarray(canvas.resize((SIZE, SIZE), Image.Resampling.BOX), np.float32)
    dy, dx = _centre_of_mass_shift(field)
    # Field pixel q came from stroke point p at q = (p - middle) * scale + 14 + shift.
    x = middle[0] - (SIZE / 2 + dx) / scale
    y = middle[1] - (SIZE / 2 + dy) / scale
    return float(x), float(y), float(SIZE / scale)


def _draw_strokes(strokes, width: float, erase):
    """The strokes drawn at 4x on the 28x28 field's scale: (PIL image, scale, middle).

    The image is this thread's own canvas, drawn over again by the next call."""
    lines = [np.asarray(line, np.float64).reshape(-1, 2) for line in strokes]
    lines = [line for line in lines if len(line)]
    if not lines:
        return None
    points = lines[0] if len(lines) == 1 else np.concatenate(lines)
    if not np.logical_and.reduce(np.isfinite(points), axis=None):  # NaN or infinity: left out
        lines = [line for line in lines if np.isfinite(line).all()]
        if not lines:
            return None
        points = np.concatenate(lines)
    low, high = np.minimum.reduce(points, axis=0), np.maximum.reduce(points, axis=0)
    (left, top), (right, bottom) = low.tolist(), high.tolist()
    extent = max(right - left, bottom - top)
    width = float(min(max(width, 0.5), BOX / 2))
    scale = (BOX - width) / extent if extent > 0 else 0.0
    middle = ((left + right) / 2, (top + bottom) / 2)
    centre = SIZE * _SUPER / 2

    def placed(line: np.ndarray) -> list[float]:
        xy = (line - middle) * (scale * _SUPER) + centre
        if len(xy) > 2:  # a slow mouse leaves points far closer than the pen matters: thin them
            step = xy[1:] - xy[:-1]
            length = np.concatenate(([0.0], np.cumsum(np.hypot(step[:, 0], step[:, 1]))))
            bucket = np.floor(length / 2)  # half a pixel of the 28x28 field
            keep = np.concatenate(([True], bucket[1:] != bucket[:-1]))
            keep[-1] = True
            xy = xy[keep]
        return xy.ravel().tolist()  # flat [x0, y0, x1, y1, ...]: Pillow takes it as is

    canvas, draw = _cleared_canvas()
    _polylines(draw, [placed(line) for line in lines], width * _SUPER, 255)
    for rubbed, pen in erase:
        path = np.asarray(rubbed, np.float64).reshape(-1, 2)
        if len(path) and np.isfinite(path).all() and pen > 0:
            _polylines(draw, [placed(path)], pen * scale * _SUPER, 0)
    return canvas, scale, middle


_CANVAS = threading.local()  # each thread's canvas for _draw_strokes


def _cleared_canvas():
    """This thread's black (112, 112) canvas and its ImageDraw: made once, cleared for
    each drawing (making them anew took ~10x as long on a pen move)."""
    held = getattr(_CANVAS, "held", None)
    side = SIZE * _SUPER
    if held is None:
        canvas = Image.new("L", (side, side), 0)
        held = _CANVAS.held = (canvas, ImageDraw.Draw(canvas))
    else:
        held[0].paste(0, (0, 0, side, side))
    return held


def clip_polylines(lines, low: float = 0.0, high: float | tuple[float, float] = 1.0):
    """The parts of polylines inside the square [low, high]^2, or the rectangle
    [low, high_x] x [low, high_y] when ``high`` is a pair (Liang-Barsky per segment).

    The pad paints only inside itself; strokes that wander off it must not count either.
    A polyline leaving and re-entering becomes several.
    """
    high_x, high_y = (high, high) if np.ndim(high) == 0 else (float(high[0]), float(high[1]))
    top = np.array([high_x, high_y])
    out: list[np.ndarray] = []
    for raw in lines:
        line = np.asarray(raw, np.float64).reshape(-1, 2)
        if not len(line):
            continue
        if ((line >= low) & (line <= top)).all():
            out.append(line)
            continue
        if len(line) == 1:
            continue  # a dot off the pad
        current: list[np.ndarray] = []
        for a, b in itertools.pairwise(line):
            piece = _clip_segment(a, b, low, high_x, high_y)
            if piece is None:
                if len(current) > 1:
                    out.append(np.array(current))
                current = []
                continue
            start, end = piece
            if current and np.allclose(current[-1], start):
                current.append(end)
            else:
                if len(current) > 1:
                    out.append(np.array(current))
                current = [start, end]
        if len(current) > 1:
            out.append(np.array(current))
    return out


def _clip_segment(a: np.ndarray, b: np.ndarray, low: float, high_x: float, high_y: float):
    d = b - a
    t0, t1 = 0.0, 1.0
    for p, q in (
        (-d[0], a[0] - low),
        (d[0], high_x - a[0]),
        (-d[1], a[1] - low),
        (d[1], high_y - a[1]),
    ):
        if p == 0:
            if q < 0:
                return None
            continue
        t = q / p
        if p < 0:
            t0 = max(t0, t)
        else:
            t1 = min(t1, t)
        if t0 > t1:
            return None
    return a + t0 * d, a + t1 * d


def _polylines(draw, lines, pen: float, fill: int) -> None:
    """Round-capped, round-joined polylines (Pillow's own joints are not round), each
    a flat list [x0, y0, x1, y1, ...]. A disc on every point: Pillow's wide segments
    leave notches even where two of them meet in a straight line."""
    radius = pen / 2
    width = max(1, round(pen))
    ellipse, ink = _filled_ellipse(draw, fill)
    for flat in lines:
        if len(flat) > 2:
            draw.line(flat, fill=fill, width=width)
        for i in range(0, len(flat), 2):
            x, y = flat[i], flat[i + 1]
            ellipse((x - radius, y - radius, x + radius, y + radius), ink, 1)


def _filled_ellipse(draw, fill: int):
    """``(ellipse, ink)``: ``ellipse(xy, ink, 1)`` draws what ``draw.ellipse(xy,
    fill=fill)`` draws, without working the colour out again for each disc: a digit's
    strokes are 30-120 discs, drawn again on every pen move, and that lookup was a third
    of the Python calls a move makes. It is the call ``ImageDraw.ellipse`` makes for a
    filled ellipse (the drawing core's ``draw_ellipse``, ink from ``draw_ink``); on a
    Pillow without them, ``draw.ellipse`` itself (tests check both draw the same)."""
    core = getattr(draw, "draw", None)
    ellipse, ink_of = getattr(core, "draw_ellipse", None), getattr(core, "draw_ink", None)
    if ellipse is None or ink_of is None:
        return (lambda xy, _ink, _fill: draw.ellipse(xy, fill=fill)), fill
    return ellipse, ink_of(fill)


def naive_resize(image: np.ndarray) -> np.ndarray:
    """The whole image squashed to 28x28 with no cropping or centring (for comparison)."""
    raw = np.asarray(image)
    if raw.dtype == np.uint8 and raw.ndim == 2:
        # The pad's pixels, as the Preprocessing view shows them on every drawing change:
        # averaged in 8 bits (each cell within 1/255 of the float average), ~6x faster.
        mode, array = "L", _white_on_black_uint8(raw)
    else:
        mode, array = "F", as_white_on_black(image).astype(np.float32)
    small = np.asarray(
        Image.fromarray(array, mode=mode).resize((SIZE, SIZE), Image.Resampling.BOX),
        dtype=np.float32,
    )
    peak = float(small.max())
    return (small / peak).astype(np.float32) if peak > 0 else np.zeros((SIZE, SIZE), np.float32)


def _centre_of_mass_to_centre(field: np.ndarray) -> np.ndarray:
    return _shift(field, *_centre_of_mass_shift(field))


_ROWS = np.arange(SIZE, dtype=np.float64)  # row (or column) numbers


def _centre_of_mass_shift(field: np.ndarray) -> tuple[int, int]:
    add = np.add.reduce  # what field.sum() calls, without its Python wrapper (every move)
    total = float(add(field, axis=None))
    if total <= 0:
        return 0, 0
    cy = float(add(field, axis=1) @ _ROWS) / total
    cx = float(add(field, axis=0) @ _ROWS) / total
    centre = (SIZE - 1) / 2
    return round(centre - cy), round(centre - cx)


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
