"""Real pen-written digits (UCI "Pen-Based Recognition of Handwritten Digits"), no Qt.

The original trajectories are UNIPEN text: ``.SEGMENT DIGIT ... "8"`` starts a digit,
``.COMMENT <label> <writer> <sample>`` names its writer, and each ``.PEN_DOWN`` ...
``.PEN_UP`` block is one stroke of ``x y`` points in a 500x500 box with the y axis
pointing up. Loading flips y so the strokes read like screen coordinates, the way the
pad records them. Always split by writer: a model that has seen a person's other digits
reads that person far better than a stranger's.

digitpad ships the whole set compactly (``resources/pendigits.npz``, written by
``scripts/bundle_pendigits.py``: int16 points, stroke and digit offsets, labels and
writers; its licence and attribution in ``resources/pendigits.md``), so the augmented
presets train with it everywhere; ``$DIGITPAD_PENDIGITS`` can point at another copy
(the UNIPEN file, its folder, or an npz of the same layout).

Data: E. Alpaydin and F. Alimoglu (1998), UCI Machine Learning Repository, CC BY 4.0.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.ml import errors as E
from digitpad.ml.archive import check_directory, check_member
from digitpad.ml.errors import DatasetError
from digitpad.ml.preprocess import PEN_WIDTH, strokes_to_mnist, to_mnist
from digitpad.ml.render import render
from digitpad.ml.resources import resource_path
from digitpad.ml.strokes import Polyline, place

log = logging.getLogger(__name__)

ENV_VAR = "DIGITPAD_PENDIGITS"
FILE_NAME = "pendigits-orig.tra"
BUNDLED_NAME = "pendigits.npz"  # in resources/, beside its note pendigits.md
BUNDLED_FORMAT = 1
BOX = 500  # the tablet's coordinate box
ATTRIBUTION = (
    "Pen-Based Recognition of Handwritten Digits, E. Alpaydin and F. Alimoglu, "
    "Bogazici University (1998), UCI Machine Learning Repository, CC BY 4.0"
)
LICENCE = "CC BY 4.0"
SOURCE_URL = "https://archive.ics.uci.edu/dataset/81/pen+based+recognition+of+handwritten+digits"
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


def bundled_path() -> Path:
    """The pen data shipped in the package (``resources/pendigits.npz``)."""
    return resource_path(BUNDLED_NAME)


def resolve_path(explicit: str | os.PathLike | None = None) -> Path:
    """The pen data: explicit path -> ``$DIGITPAD_PENDIGITS`` (file or folder) -> the
    bundled copy. A folder holds ``pendigits-orig.tra`` or ``pendigits.npz``."""
    value = explicit or os.environ.get(ENV_VAR)
    if not value:
        return bundled_path()
    path = Path(value).expanduser()
    E.check_path(path, DatasetError)  # too long to look up: one line, not an OSError
    if path.is_dir():
        npz = path / BUNDLED_NAME
        return npz if npz.is_file() and not (path / FILE_NAME).is_file() else path / FILE_NAME
    return path


def is_bundled(digits: PenDigits) -> bool:
    """Whether ``digits`` came from the copy shipped with digitpad."""
    return Path(digits.source) == bundled_path()


def load_pendigits(path: str | os.PathLike | None = None) -> PenDigits:
    """Read the pen data (UNIPEN text or digitpad's npz); with no path and no
    ``$DIGITPAD_PENDIGITS``, the bundled copy. Raises :class:`DatasetError` with one
    line on any problem. Read once per file: the same file (path, size, modification
    time) gives the same object again, so a second Train click reads nothing."""
    target = resolve_path(path)
    if not target.is_file():
        if target == bundled_path():
            raise DatasetError(
                f"{target}: the bundled pen digits are missing from this installation; "
                f"reinstall digitpad or set {ENV_VAR} to the folder holding {FILE_NAME}",
                code=E.NO_SUCH_FILE,
                path=target,
            )
        raise DatasetError(f"{target}: not a file", code=E.NO_SUCH_FILE, path=target)
    try:
        _refuse_too_large(target, _file_size(target))
        stat = target.stat()
        return _load_once(str(target), stat.st_size, stat.st_mtime_ns)
    except DatasetError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetError(f"{target}: cannot read ({exc})", code=E.DAMAGED, path=target) from None
    except (ValueError, IndexError, KeyError, zipfile.BadZipFile, EOFError) as exc:
        kind = "digitpad's pen digits (npz)" if _is_zip(target) else "UNIPEN pen digits"
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatasetError(
            f"{target}: not {kind} ({reason})", code=E.DAMAGED, path=target
        ) from None


@functools.lru_cache(maxsize=2)
def _load_once(path: str, _size: int, _mtime_ns: int) -> PenDigits:
    target = Path(path)
    if _is_zip(target):
        return _read_npz(target)
    with open(target, "rb") as handle:
        return _parse(_lines(handle, target), path)


def _is_zip(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"PK\x03\x04"


_NPZ_KEYS = ("format", "points", "stroke_offsets", "digit_offsets", "labels", "writers")


def _read_npz(path: Path) -> PenDigits:
    """digitpad's compact layout (``scripts/bundle_pendigits.py``), checked before use."""
    check_directory(path, DatasetError, E.TOO_LARGE)
    with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as npz:
        missing = [key for key in _NPZ_KEYS if key not in npz.files]
        if missing:
            raise ValueError(f"missing {', '.join(missing)}")
        for info in npz.zip.infolist():
            check_member(
                path,
                info,
                limit=MAX_FILE_BYTES,
                need=f"the pen digits need (digitpad reads up to {MAX_FILE_BYTES // 2**20} MB)",
                error=DatasetError,
                code=E.TOO_LARGE,
            )
        arrays = {key: npz[key] for key in _NPZ_KEYS}
    if int(arrays["format"]) != BUNDLED_FORMAT:
        raise ValueError(f"format {int(arrays['format'])}, this digitpad reads {BUNDLED_FORMAT}")
    points, strokes_at, digits_at = (
        arrays["points"],
        arrays["stroke_offsets"].astype(np.int64),
        arrays["digit_offsets"].astype(np.int64),
    )
    labels = arrays["labels"].astype(np.int64)
    writers = arrays["writers"].astype(np.int64)
    if points.ndim != 2 or points.shape[1] != 2 or points.dtype.kind not in "iu":
        raise ValueError("points must be integer (x, y) pairs")
    n = len(labels)
    if not n or writers.shape != (n,) or digits_at.shape != (n + 1,):
        raise ValueError("labels, writers and digit offsets disagree")
    for offsets, end in ((strokes_at, len(points)), (digits_at, len(strokes_at) - 1)):
        if offsets[0] != 0 or offsets[-1] != end or (np.diff(offsets) < 1).any():
            raise ValueError("offsets must rise from 0 to the end, nothing empty")
    if labels.min() < 0 or labels.max() > 9 or writers.min() < 1:
        raise ValueError("labels must be 0-9 and every digit needs a writer")
    lines = np.split(points.astype(np.float32), strokes_at[1:-1])
    strokes = tuple(tuple(lines[a:b]) for a, b in itertools.pairwise(digits_at))
    return PenDigits(strokes, labels, writers, str(path))


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


def training_writers(path: str | os.PathLike | None = None) -> PenDigits | None:
    """The training writers' digits: from ``path``, ``$DIGITPAD_PENDIGITS`` or the
    bundled copy; never a held-out writer's.

    For the window's Train button: augmented presets add them, and train on MNIST alone
    if they cannot be read (logged, never an error).
    """
    try:
        return load_pendigits(path).split()[0]
    except DatasetError as exc:
        log.warning("pen digits not used: %s", exc)
        return None


def held_out_writers(path: str | os.PathLike | None = None) -> PenDigits | None:
    """The held-out writers' digits (:data:`HELD_OUT_WRITERS`): what the figures and the
    training curves' "real handwriting" line are measured on, never trained on."""
    try:
        return load_pendigits(path).split()[1]
    except DatasetError as exc:
        log.warning("held-out pen digits not used: %s", exc)
        return None


def refuse_held_out(digits: PenDigits | None) -> None:
    """Raise ``ValueError`` if ``digits`` hold a held-out writer: training must not."""
    if digits is None or not len(digits):
        return
    seen = HELD_OUT_WRITERS.intersection(digits.writers.tolist())
    if seen:
        raise ValueError(f"held-out pen writers {sorted(seen)} must never be trained on")


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
