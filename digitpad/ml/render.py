"""Draw polylines with a round brush into a white-on-black uint8 image (Pillow, no Qt).

The app's canvas paints with a round pen and round joins; this reproduces that so
thousands of drawn digits can be evaluated in seconds, without a window.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLE = 2  # draw at 2x and shrink: anti-aliased edges like the Qt canvas


def render(
    polylines: list[np.ndarray],
    size: tuple[int, int],
    width: float,
    supersample: int = SUPERSAMPLE,
) -> np.ndarray:
    """(H, W) uint8 image, ink 255 on 0, each polyline drawn with a round brush."""
    height, breadth = size
    s = max(1, int(supersample))
    image = Image.new("L", (breadth * s, height * s), 0)
    draw = ImageDraw.Draw(image)
    pen = max(1.0, width * s)
    radius = pen / 2
    for line in polylines:
        points = [(float(x) * s + s / 2, float(y) * s + s / 2) for x, y in np.asarray(line)]
        if len(points) > 1:
            draw.line(points, fill=255, width=round(pen))
        for x, y in points:  # round caps and joins
            draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=255)
    if s > 1:
        image = image.resize((breadth, height), Image.Resampling.BOX)
    return np.asarray(image, dtype=np.uint8)


def draw_digit(
    image28: np.ndarray,
    canvas: tuple[int, int] = (280, 280),
    height: float = 200,
    centre: tuple[float, float] | None = None,
    width: float = 16,
) -> np.ndarray:
    """An MNIST digit re-drawn as strokes on a canvas: what a person at the pad makes."""
    from digitpad.ml.strokes import mnist_to_strokes, place

    if centre is None:
        centre = (canvas[1] / 2, canvas[0] / 2)
    return render(place(mnist_to_strokes(image28), height, centre), canvas, width)
