"""What a participant sends, checked before anything else looks at it.

Each check raises :class:`Refused` with a stable code (docs/CLASS_SESSION.md, "Error
codes") and one English line; nothing here trusts a field's type or size.
"""

from __future__ import annotations

import math
import re
import unicodedata

import numpy as np

from digitpad.classroom import limits

_ID = re.compile(rf"[A-Za-z0-9_-]{{{limits.MIN_ID},{limits.MAX_ID}}}")


class Refused(Exception):
    """A message refused: ``code`` for the page, ``str()`` one line for people."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def strokes(value) -> list[np.ndarray]:
    """A list of strokes, each a list of [x, y] in fractions of the pad -> float arrays."""
    if not isinstance(value, list):
        raise Refused("bad-strokes", "strokes must be a list of strokes")
    if len(value) > limits.MAX_STROKES:
        raise Refused("too-many-strokes", f"at most {limits.MAX_STROKES} strokes")
    total = 0
    lines = []
    for stroke in value:
        if not isinstance(stroke, list):
            raise Refused("bad-strokes", "a stroke must be a list of [x, y] points")
        total += len(stroke)
        if total > limits.MAX_POINTS:
            raise Refused("too-many-points", f"at most {limits.MAX_POINTS} points")
        points = []
        for point in stroke:
            if (
                not isinstance(point, list)
                or len(point) != 2
                or not all(_coordinate(c) for c in point)
            ):
                raise Refused("bad-strokes", "a point must be [x, y], numbers from -0.5 to 1.5")
            points.append(point)
        if points:
            lines.append(np.asarray(points, np.float64))
    return lines


def _coordinate(value) -> bool:
    # The range first: JSON allows an integer of hundreds of digits, which compares
    # exactly but makes math.isfinite raise OverflowError.
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and limits.COORD_LOW <= value <= limits.COORD_HIGH
        and math.isfinite(value)
    )


def label(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 9:
        raise Refused("bad-label", "label must be a digit 0-9")
    return value


def drawing_id(value) -> str:
    if not isinstance(value, str) or not _ID.fullmatch(value):
        raise Refused("bad-id", "id must be 8-64 characters of A-Z, a-z, 0-9, _ and -")
    return value


def nickname(value) -> str:
    """Trimmed, control and format characters removed, at most MAX_NICKNAME characters.

    Shown in the window as plain text only; this only keeps it short and printable."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise Refused("bad-nickname", "nickname must be text")
    kept = "".join(c for c in value[:200] if unicodedata.category(c)[0] != "C")
    return " ".join(kept.split())[: limits.MAX_NICKNAME].rstrip()


def seq(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**53:
        raise Refused("bad-seq", "seq must be a whole number")
    return value
