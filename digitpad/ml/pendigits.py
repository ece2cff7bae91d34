"""Real pen-written digits (UCI "Pen-Based Recognition of Handwritten Digits"), no Qt.

The original trajectories are UNIPEN text: ``.SEGMENT DIGIT ... "8"`` starts a digit,
``.COMMENT <label> <writer> <sample>`` names its writer, and each ``.PEN_DOWN`` ...
``.PEN_UP`` block is one stroke of ``x y`` points in a 500x500 box with the y axis
pointing up. Loading flips y so the strokes read like screen coordinates, the way the
pad records them. Always split by writer: a model that has seen a person's other digits
reads that person far better than a stranger's.

Data: E. Alpaydin and F. Alimoglu (1998), UCI Machine Learning Repository, CC BY 4.0.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.ml import errors as E
from digitpad.ml.errors import DatasetError
from digitpad.ml.preprocess import PEN_WIDTH, strokes_to_mnist, to_mnist
from digitpad.ml.render import render
from digitpad.ml.strokes import Polyline, place

log = logging.getLogger(__name__)

ENV_VAR = "DIGITPAD_PENDIGITS"
FILE_NAME = "pendigits-orig.tra"
BOX = 500  # the tablet's coordinate box
ATTRIBUTION = (
    "Pen-Based Recognition of Handwritten Digits, E. Alpaydin and F. Alimoglu, "
    "Bogazici University (1998), UCI Machine Learning Repository, CC BY 4.0"
)
# The UCI file is 3.6 MB (7,494 digits); 32 MB takes it with its test half several times
# over. Parsed line by line, what stays in memory is the points as float32 arrays, about
# as large as the text: a 1 GiB file given as the pen data once peaked at 2.1 GB.
MAX_FILE_BYTES = 32 * 2**20
# Writers whose digits are never trained on: the held-out set every figure is read from.
# Chosen before any model was trained (every fifth writer), fixed so figures compare.
HELD_OUT_WRITERS = frozenset({5, 10, 15, 20, 25, 30})


@dataclass(frozen=True)
class PenDigits:
    strokes: tuple[tuple[Polyline, ...], ...]  # per digit, (k, 2) float32 (x, y), y down
    labels: np.ndarray  # int64 (n,)
    writers: np.ndarray  # int64 (n,), 1-based writer ids
    source: str

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, mask: np.ndarray) -> PenDigits:
        index = np.flatnonzero(mask)
        return PenDigits(
            tuple(self.strokes[i] for i in index),
            self.labels[index],
            self.writers[index],
            self.source,
        )

    def split(self, held_out: frozenset[int] = HELD_OUT_WRITERS) -> tuple[PenDigits, PenDigits]:
        """(training writers, held-out writers): whole writers, never shared."""
        test = np.isin(self.writers, sorted(held_out))
        return self.subset(~test), self.subset(test)


def resolve_path(explicit: str | os.PathLike | None = None) -> Path | None:
    """The trajectory file: explicit path -> ``$DIGITPAD_PENDIGITS`` (file or folder)."""
    value = explicit or os.environ.get(ENV_VAR)
    if not value:
        return None
    path = Path(value).expanduser()
    return path / FILE_NAME if path.is_dir() else path


def load_pendigits(path: str | os.PathLike | None = None) -> PenDigits:
    """Parse the UNIPEN file; raises :class:`DatasetError` with one line on any problem."""
    target = resolve_path(path)
    if target is None:
        raise DatasetError(f"no pen digits: set {ENV_VAR} to the folder holding {FILE_NAME}")
    if not target.is_file():
        raise DatasetError(f"{target}: not a file", code=E.NO_SUCH_FILE, path=target)
    try:
        _refuse_too_large(target, _file_size(target))
        with open(target, "rb") as handle:
            return _parse(_lines(handle, target), str(target))
    except DatasetError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{target}: cannot read ({exc})", code=E.DAMAGED, path=target) from None
    except (ValueError, IndexError) as exc:
        raise DatasetError(
            f"{target}: not UNIPEN pen digits ({exc})", code=E.DAMAGED, path=target
        ) from None


def _file_size(path: Path) -> int:
    return path.stat().st_size


def _refuse_too_large(path: Path, size: int, *, streamed: bool = False) -> None:
    if size > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // 2**20
        shown = f"more than {limit} MB" if streamed else f"{size / 2**20:,.0f} MB"
        detail = f"{shown}, far more than the pen digits (3.6 MB; digitpad reads up to {limit} MB)"
        raise DatasetError(
            f"{path}: {detail}; not read", code=E.TOO_LARGE, path=path, detail=detail
        )


def _lines(handle, path: Path):
    """The file's lines as text, one at a time, refusing it once more than
    :data:`MAX_FILE_BYTES` have been read (a file larger than its size said)."""
    read = 0
    while line := handle.readline(MAX_FILE_BYTES + 1 - read):
        read += len(line)
        if read > MAX_FILE_BYTES:
            _refuse_too_large(path, read, streamed=True)
        yield line.decode("ascii")


def _parse(lines, source: str) -> PenDigits:
    digits: list[tuple[Polyline, ...]] = []
    labels: list[int] = []
    writers: list[int] = []
    strokes: list[Polyline] | None = None
    points: list[tuple[float, float]] | None = None
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if line.startswith(".SEGMENT"):
            if strokes is not None:
                digits.append(tuple(strokes))
            strokes = []
            labels.append(int(line.rsplit('"', 2)[-2]))
            writers.append(0)
        elif line.startswith(".COMMENT") and strokes is not None:
            writers[-1] = int(line.split()[2])
        elif line.startswith(".PEN_DOWN"):
            points = []
        elif line.startswith(".PEN_UP"):
            if strokes is None or points is None:
                raise ValueError("PEN_UP outside a digit")
            if points:
                xy = np.array(points, np.float32)
                xy[:, 1] = BOX - xy[:, 1]  # y up on the tablet, down on a screen
                strokes.append(xy)
            points = None
        elif points is not None:
            x, y = line.split()
            points.append((float(x), float(y)))
    if strokes is not None:
        digits.append(tuple(strokes))
    if not digits or len(digits) != len(labels):
        raise ValueError("no digits found")
    label_array = np.array(labels, np.int64)
    writer_array = np.array(writers, np.int64)
    if label_array.min() < 0 or label_array.max() > 9 or writer_array.min() < 1:
        raise ValueError("labels must be 0-9 and every digit needs a writer")
    return PenDigits(tuple(digits), label_array, writer_array, source)


def training_writers() -> PenDigits | None:
    """The training writers' digits when ``$DIGITPAD_PENDIGITS`` is set and readable.

    For the window's Train button: augmented presets add them when present and train on
    MNIST alone otherwise (logged, never an error: the pen data is optional).
    """
    if resolve_path() is None:
        return None
    try:
        return load_pendigits().split()[0]
    except DatasetError as exc:
        log.warning("pen digits not used: %s", exc)
        return None


# -- drawing them on a pad ----------------------------------------------------------------

PAD = 336  # the canvas' default side in logical pixels


def draw_on_pad(
    strokes: tuple[Polyline, ...] | list[Polyline],
    *,
    pad: int = PAD,
    height: float = 0.6,
    centre: tuple[float, float] = (0.5, 0.5),
    brush: float = 0.09,
) -> np.ndarray:
    """The strokes as a person at the pad would leave them: uint8 (pad, pad) image.

    ``height`` is the digit's larger side, ``centre`` its middle and ``brush`` the pen
    width, all as fractions of the pad (the canvas' brush is a percentage of its side).
    """
    placed = place(list(strokes), height * pad, (centre[0] * pad, centre[1] * pad))
    return render(placed, (pad, pad), brush * pad)


def prepare(strokes, **draw) -> np.ndarray:
    """Draw on the pad, then the app's own input preparation: (28, 28) float32."""
    return to_mnist(np.pad(draw_on_pad(strokes, **draw), 1))


def prepare_all(digits: PenDigits, **draw) -> np.ndarray:
    """(n, 28, 28) float32 for every digit, drawn the same way."""
    return np.stack([prepare(s, **draw) for s in digits.strokes])


# -- training images ------------------------------------------------------------------


def prepare_strokes(digits: PenDigits, width: float = PEN_WIDTH) -> np.ndarray:
    """(n, 28, 28) float32: each digit prepared from its geometry, as the pad does."""
    if not len(digits):
        return np.zeros((0, 28, 28), np.float32)
    return np.stack([strokes_to_mnist(s, width) for s in digits.strokes])


def jittered(
    digits: PenDigits,
    rng: np.random.Generator,
    *,
    rotation_deg: float = 10.0,
    slant: float = 0.3,
    aspect: float = 0.15,
    width: tuple[float, float] = (1.3, 3.2),
) -> np.ndarray:
    """uint8 (n, 28, 28): every digit re-drawn once with a random hand.

    What varies between people drawing the same digit: rotation, slant (a shear of x
    by y), how wide or narrow, and how thick the line ends up after preparation.
    """
    out = np.empty((len(digits), 28, 28), np.uint8)
    for i, strokes in enumerate(digits.strokes):
        angle = np.deg2rad(rng.uniform(-rotation_deg, rotation_deg))
        shear = rng.uniform(-slant, slant)
        stretch = np.exp(rng.uniform(-aspect, aspect))
        cos, sin = np.cos(angle), np.sin(angle)
        matrix = np.array([[cos, -sin], [sin, cos]]) @ np.array([[stretch, shear], [0, 1]])
        moved = [line @ matrix.T.astype(np.float32) for line in strokes]
        image = strokes_to_mnist(moved, rng.uniform(*width))
        out[i] = np.round(image * 255).astype(np.uint8)
    return out
