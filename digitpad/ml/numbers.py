"""Read a whole number written in one go on a wide pad: which strokes make which digit.

Strokes arrive in pad coordinates (x right, y down, any units) and in any order: a number
is a left-to-right thing on the pad, whatever order the pen took. Every length below is a
ratio of the typical digit height ``H`` (the median height of the groups of strokes whose
x-extents chain together), so nothing depends on the pad's size or the writer's.

1. **Clean.** Points that are not finite are left out; coordinates too large or too small
   for squared distances are scaled by a power of two (exactly), boxes are given back in
   the input's units.
2. **Clusters.** Strokes whose x-extents overlap or come within ``CLUSTER_GAP`` of each
   other, directly or through others, are decided together. Marks smaller than ``SPECK``
   both ways (or, when the pad's height is known, than ``MIN_MARK`` of it) are stray
   marks: never digits, whatever else is written.
3. **Runs on the pad.** Inside a cluster the strokes are put in the order of their
   x-centres, and a digit is a run of at most ``MAX_RUN`` consecutive strokes in that
   order. Every way of cutting a cluster into runs is scored by dynamic programming
   (vectorised over the runs ending at each stroke). A run scores the network's
   log-probability of its reading (with a predictor), less penalties for shapes no digit
   has (shorter than ``FRAGMENT_HEIGHT``: a crossbar; wider than ``WIDE``; an empty column
   inside) and a constant per digit. Between two neighbouring runs goes the evidence that
   they are two digits: the right one reaching further right, overlapping the left one
   little, not touching it, and neither being a fragment (a logistic fit, see
   ``B_BIAS``).
4. **Cutting one stroke.** A stroke wider than ``CUT_WIDTH`` that does not end near where
   it began (not a loop) may hold digits written without lifting the pen. It is also
   tried cut where a single line of ink crosses from one digit to the next, in the middle
   of that line or with the whole line left out, and the strokes clipped (at most
   ``MAX_CUT_STROKES`` strokes per cluster, the widest).
5. **What is not a digit.** A run flatter than ``MAX_ASPECT`` (a dash, a line along the
   pad) or a straight line flatter than 45 degrees is no digit: it is left out of the
   number (``NumberReading.ignored``), as stray marks are.

Digits are flagged ``unsure`` when a cut went through ink or the digits touch
(``CUT_REASON``), when a reading with another number of digits scored nearly as well
(``MARGIN_REASON``), when the run holds more than one digit's ink or two whole digits
drawn on one spot (``OVERDRAWN_REASON``), when it is far smaller than the others
(``SMALL_REASON``), or when the network's best probability is under
``UNSURE_PROBABILITY`` (``LOW_REASON``).

**Cost.** A :class:`NumberReader` remembers what the network read for every candidate
(keyed by the strokes' content, not their order), the distances between strokes and each
cluster's result, so a pen-up reads only the runs holding the new stroke and decides only
its cluster again; an undo finds everything already worked out. One pass is bounded by
the number of strokes times ``MAX_RUN`` (never all subsets); caches are bounded too.
Measured in BENCHMARKS.md ("Explaining and reading numbers", "Number mode: pen-up to
number shown").
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from digitpad.ml.preprocess import PEN_WIDTH, strokes_to_mnist

# -- geometry, in units of the typical digit height H ----------------------------------
FRAGMENT_HEIGHT = 0.6  # a run shorter than this is part of a digit (a bar, a dot)
WIDE = 1.2  # a run wider than this is hardly one digit
CUT_WIDTH = 0.9  # a stroke wider than this may hold several digits: try cutting it ...
LOOP = 0.4  # ... unless it ends closer than this to where it began
MIN_PIECE = 0.15  # narrowest piece a cut may leave (a "1") ...
CUT_HEIGHT = 0.7  # ... and the shortest
CLUSTER_GAP = 0.1  # strokes this close in x may belong to one digit
SPECK = 0.2  # a cluster smaller than this both ways is a stray mark, not a digit
MIN_MARK = 0.04  # ... and, when the pad's height is known, smaller than this of it
MAX_GAP = 0.05  # widest empty column inside one digit
WIDTH_FLOOR = 0.1  # widths below this count as this much when comparing overlaps
TOUCH = 0.04  # ink closer than this touches
STEP = 0.02  # resampling step for the ink profile
MAX_CUTS = 2  # single-line stretches tried per stroke (up to three digits)
ACROSS = 2.5  # ink in a column crossed "across": at most this many column widths
BOTTOM = 0.15  # a ligature crosses above the lowest BOTTOM of the ink
MAX_RUN = 16  # most strokes one digit is made of (pen digits: 3; MNIST thinned: 99.8 % <= 16)
RUN_WIDTH = 4.0  # a run wider than this is never one digit (past HOPELESS anyway)
MAX_CUT_STROKES = 6  # strokes per cluster tried cut (the widest): a fixed budget
MAX_SAMPLES = 4000  # points per stroke when resampling: a bounded cost for any stroke

# -- what is no digit, or more than one ------------------------------------------------
MAX_ASPECT = 2.2  # wider than tall by more than this: a dash, no digit (pen digits: <= 2)
STRAIGHT = 0.06  # ink within this share of its length from one line is a straight line
MAX_INK = 5.5  # ink longer than this times the run's larger side: more than one digit
OVER_TALL = 0.75  # two parts each this tall (of the run) ...
OVER_OVERLAP = 0.5  # ... overlapping this much in x (of the narrower) ...
OVER_SURE = 0.8  # ... read as different digits, one this surely ...
OVER_READ = 0.3  # ... the other at least this: two digits drawn on one spot

# -- scores, in units of log-probability -----------------------------------------------
K_FRAGMENT = 8.0  # per H of height missing below FRAGMENT_HEIGHT
K_WIDE = 4.0  # per H of width above WIDE
K_GAP = 20.0  # per H of empty column inside a run
K_DIGIT = 1.0  # every digit
K_BREAK = 2.0  # per time the pen left a run's strokes for another's and came back
K_INK = 4.0  # per run-size of ink above MAX_INK (scribbles, hatching: never read)
HOPELESS = 10.0  # a candidate penalised this much is not read by the network at all
K_CUT = -1.5  # every cut through ink (a bonus: single-line stretches are rare in one digit)

# Evidence that two neighbouring runs of strokes, one left of the other on the pad, are
# two digits (log-odds), fitted by logistic regression on numbers composed from the pen
# data's training writers and MNIST training digits (never the benchmark's): a new digit
# extends the number to the right, overlaps the last one little, does not touch it and
# is not a fragment. Both reach and height are capped so that a run holding two digits is
# no stronger evidence than one holding one: the dynamic programme sums one term per
# boundary.
B_BIAS = -10.0
B_EXTENDS = 9.8  # per H the right run reaches further right, up to EXTENDS_CAP
EXTENDS_CAP = 0.4
B_OVERLAP = 7.6  # per H of x-overlap
B_TOUCH = 3.6  # their ink touches
B_HEIGHT = 16.2  # per H of height of the shorter run, up to HEIGHT_CAP
HEIGHT_CAP = 0.8

UNSURE_PROBABILITY = 0.6  # below this the reading itself is doubtful
UNSURE_MARGIN = 1.0  # a reading with another digit count this close is doubtful

CUT_REASON = "touching digits split by a guess"
MARGIN_REASON = "digits close together: split by a guess"
LOW_REASON = "low confidence"
OVERDRAWN_REASON = "more than one digit drawn in one place"
SMALL_REASON = "far smaller than the other digits"
REASONS = (CUT_REASON, MARGIN_REASON, LOW_REASON, OVERDRAWN_REASON, SMALL_REASON)

_READS_KEPT = 20_000  # network readings remembered (each 10 floats and a key)
_DISTANCES_KEPT = 50_000
_CLUSTERS_KEPT = 256
_FINALS_KEPT = 1500  # digits kept with their 28x28 image
_STATES_KEPT = 2  # clusters' tables kept for the next pen-up (~8 MB each at 300 strokes)
_SCALE_RANGE = 2.0**60  # coordinates beyond 2^+-60 are scaled by a power of two


class ReadCancelled(Exception):
    """Raised by :meth:`NumberReader.read` when ``cancelled()`` said so."""


@dataclass(frozen=True)
class DigitReading:
    strokes: tuple[int, ...]  # indices of the input strokes with ink in this digit
    box: tuple[float, float, float, float]  # x0, y0, x1, y1 in input units
    image: np.ndarray  # (28, 28) float32: the network input
    probabilities: np.ndarray  # (10,)
    digit: int
    unsure: bool  # segmentation or reading is doubtful
    why: str  # '' or a short English reason


@dataclass(frozen=True)
class NumberReading:
    digits: tuple[DigitReading, ...]
    ignored: tuple[int, ...] = ()  # input strokes that are no digit (a dot, a dash)

    @property
    def text(self) -> str:
        return "".join(str(d.digit) for d in self.digits)

    @property
    def unsure(self) -> bool:
        return any(d.unsure for d in self.digits)


# -- one candidate digit: some strokes, maybe clipped to a range of x -------------------


@dataclass(frozen=True)
class _Piece:
    members: tuple[int, ...]  # indices into the cleaned strokes, ascending
    lo: float = -math.inf  # x range kept (a cut clips the strokes)
    hi: float = math.inf
    cut: bool = False


@dataclass
class _Option:
    pieces: list[_Piece]
    score: float


Reader = Callable[[list[np.ndarray]], np.ndarray]  # images (n, 28, 28) -> (n, 10)

_MISSING = object()


class _Memo:
    """A bounded cache: two generations, the older dropped whole when the newer fills."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._new: dict = {}
        self._old: dict = {}

    def get(self, key, default=None):
        value = self._new.get(key, _MISSING)
        if value is _MISSING:
            value = self._old.get(key, _MISSING)
            if value is _MISSING:
                return default
            self.put(key, value)
        return value

    def put(self, key, value) -> None:
        self._new[key] = value
        if len(self._new) >= self.limit:
            self._old, self._new = self._new, {}


class _Geometry:
    """What depends on the strokes alone: distances between them (in their own units)."""

    def __init__(self) -> None:
        self.distances = _Memo(_DISTANCES_KEPT)
        self.strokes = _Memo(_DISTANCES_KEPT)

    def stroke(self, key, line: np.ndarray) -> tuple[float, float, float, float, float]:
        """The stroke's box (x0, y0, x1, y1) and length, in the units ``key`` names."""
        found = self.strokes.get(key)
        if found is None:
            (x0, y0), (x1, y1) = line.min(axis=0).tolist(), line.max(axis=0).tolist()
            found = (x0, y0, x1, y1, _ink_length([line]))
            self.strokes.put(key, found)
        return found


def _clip_x(line: np.ndarray, lo: float, hi: float) -> list[np.ndarray]:
    """The parts of a polyline with lo <= x <= hi (crossings interpolated)."""
    x = line[:, 0]
    if x.min() >= lo and x.max() <= hi:
        return [line]
    if len(line) == 1:
        return []
    a, b = line[:-1], line[1:]
    dx = b[:, 0] - a[:, 0]
    flat = dx == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        ta, tb = (lo - a[:, 0]) / dx, (hi - a[:, 0]) / dx
    t0 = np.where(flat, 0.0, np.clip(np.minimum(ta, tb), 0.0, None))
    t1 = np.where(flat, 1.0, np.clip(np.maximum(ta, tb), None, 1.0))
    keep = np.where(flat, (a[:, 0] >= lo) & (a[:, 0] <= hi), t0 <= t1)
    starts = a + t0[:, None] * (b - a)
    ends = a + t1[:, None] * (b - a)
    # A part goes on through a vertex when both segments keep it.
    joined = np.zeros(len(a), bool)
    joined[1:] = keep[1:] & keep[:-1] & (t1[:-1] == 1.0) & (t0[1:] == 0.0)
    parts: list[np.ndarray] = []
    for k in np.flatnonzero(keep & ~joined):
        stop = k + 1
        while stop < len(a) and joined[stop]:
            stop += 1
        parts.append(np.vstack([starts[k : k + 1], ends[k:stop]]))
    return parts


def _resample(line: np.ndarray, step: float) -> np.ndarray:
    if len(line) < 2:
        return line
    length = np.concatenate(([0.0], np.cumsum(np.hypot(*np.diff(line, axis=0).T))))
    if not length[-1] > 0:
        return line[:1]
    step = max(step, length[-1] / MAX_SAMPLES)  # a long stroke: fewer, not endless, points
    u = np.linspace(0.0, length[-1], max(2, int(length[-1] / step) + 1))
    return np.stack([np.interp(u, length, line[:, 0]), np.interp(u, length, line[:, 1])], 1)


def _ink_length(lines: list[np.ndarray]) -> float:
    return float(sum(np.hypot(*np.diff(line, axis=0).T).sum() for line in lines if len(line) > 1))


def _chains(lo: np.ndarray, hi: np.ndarray, gap: float = 0.0) -> list[list[int]]:
    """Indices grouped by x-extents that overlap or come within ``gap`` (directly or
    through others)."""
    order = np.argsort(lo, kind="stable")
    groups: list[list[int]] = [[int(order[0])]]
    right = hi[order[0]]
    for i in order[1:]:
        if lo[i] <= right + gap:
            groups[-1].append(int(i))
            right = max(right, hi[i])
        else:
            groups.append([int(i)])
            right = hi[i]
    return [sorted(g) for g in groups]


def _points_to_segments(points: np.ndarray, line: np.ndarray) -> float:
    """Least squared distance from any of ``points`` to the polyline ``line``."""
    if len(line) == 1:
        return float(((points - line[0]) ** 2).sum(1).min())
    s0 = line[:-1]
    v = line[1:] - s0
    vv = np.einsum("ij,ij->i", v, v)
    vv[vv == 0] = 1.0  # a repeated point: its "segment" is the point
    best = math.inf
    block = max(1, 100_000 // len(s0))  # bounded memory for long strokes
    for start in range(0, len(points), block):
        p = points[start : start + block, None, :] - s0[None]
        t = np.einsum("ijk,jk->ij", p, v) / vv
        np.clip(t, 0.0, 1.0, out=t)
        p -= t[..., None] * v[None]
        best = min(best, float(np.einsum("ijk,ijk->ij", p, p).min()))
    return best


def _segments_cross(a: np.ndarray, b: np.ndarray) -> bool:
    if len(a) < 2 or len(b) < 2:
        return False
    a0, da = a[:-1], np.diff(a, axis=0)
    b0, db = b[:-1], np.diff(b, axis=0)
    block = max(1, 100_000 // len(b0))
    for start in range(0, len(a0), block):
        p, d = a0[start : start + block, None, :], da[start : start + block, None, :]
        w = b0[None] - p
        e = w + db[None]
        o1 = d[..., 0] * w[..., 1] - d[..., 1] * w[..., 0]
        o2 = d[..., 0] * e[..., 1] - d[..., 1] * e[..., 0]
        o3 = db[None, :, 0] * w[..., 1] - db[None, :, 1] * w[..., 0]  # of -w: signs flip
        o4 = db[None, :, 0] * (w[..., 1] - d[..., 1]) - db[None, :, 1] * (w[..., 0] - d[..., 0])
        if ((o1 * o2 < 0) & (o3 * o4 < 0)).any():
            return True
    return False


def _longest_segment(line: np.ndarray) -> float:
    if len(line) < 2:
        return 0.0
    step = np.diff(line, axis=0)
    return math.sqrt(float(np.einsum("ij,ij->i", step, step).max()))


def _polyline_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Exact least distance between two polylines (0 where they cross)."""
    d = math.sqrt(min(_points_to_segments(a, b), _points_to_segments(b, a)))
    # Segments that cross come closer than their own length to the other's ends.
    if 0 < d <= max(_longest_segment(a), _longest_segment(b)) and _segments_cross(a, b):
        return 0.0
    return d


def _stroke_key(line: np.ndarray) -> int:
    return hash((line.shape, line.tobytes()))


def _scale_exponent(lines: list[np.ndarray]) -> int:
    """A power of two that brings the coordinates to a range where squared distances
    neither overflow nor vanish (0 for every ordinary drawing)."""
    top = max(float(np.abs(line).max()) for line in lines)
    if top == 0 or (1 / _SCALE_RANGE) <= top <= _SCALE_RANGE:
        return 0
    return math.frexp(top)[1]


class _Layout:
    """The strokes of one number and what every candidate digit costs."""

    def __init__(
        self,
        lines: list[np.ndarray],
        reader: Reader | None,
        width: float,
        *,
        pad_height: float | None = None,
        reads: _Memo | None = None,
        geometry: _Geometry | None = None,
        keys: list[int] | None = None,
    ) -> None:
        self.keys = keys if keys is not None else [_stroke_key(line) for line in lines]
        self.exp = _scale_exponent(lines)
        if self.exp:
            lines = [np.ldexp(line, -self.exp) for line in lines]
            if pad_height is not None:
                pad_height = math.ldexp(pad_height, -self.exp)
        self.lines = lines
        self.reader = reader
        self.width = width
        self._reads = reads if reads is not None else _Memo(_READS_KEPT)
        self._geometry = geometry if geometry is not None else _Geometry()
        geometry = self._geometry
        box = np.array(
            [geometry.stroke((k, self.exp), line) for k, line in zip(self.keys, lines, strict=True)]
        ).reshape(-1, 5)
        self.x0, self.y0, self.x1, self.y1, self.ink = box.T
        self._boxes = box[:, :4].tolist()  # the same, for pieces of a few strokes
        clusters = _chains(self.x0, self.x1)
        widths = np.array([self.x1[c].max() - self.x0[c].min() for c in clusters])
        heights = np.array([self.y1[c].max() - self.y0[c].min() for c in clusters])
        sizes = np.maximum(widths, heights)
        floor = MIN_MARK * pad_height if pad_height is not None and pad_height > 0 else 0.0
        marks = (sizes > 0) & (sizes >= floor)  # a click (no extent) is never a digit
        self.h = 1.0
        self.clusters: list[list[int]] = []
        if marks.any():
            tall = heights[marks]
            if tall.max() <= 0:  # only horizontal lines: their length stands in
                tall = widths[marks]
            # Specks (a slip of the pen, a stray dot) must not pull the typical height down.
            height = float(np.median(tall[tall >= SPECK * tall.max()]))
            self.h = height if height > 0 else 1.0
            kept = [
                c
                for c, m, s in zip(clusters, marks, sizes, strict=True)
                if m and s >= SPECK * self.h
            ]
            # Clusters closer than CLUSTER_GAP are decided together (an open 4 whose two
            # strokes do not overlap, a 5 whose bar starts right of its body).
            members = [i for c in kept for i in c]
            if members:
                near = _chains(self.x0[members], self.x1[members], CLUSTER_GAP * self.h)
                self.clusters = [sorted(members[k] for k in c) for c in near]
        self._polylines: dict[_Piece, list[np.ndarray]] = {}

    # -- pieces --------------------------------------------------------------------
    def polylines(self, piece: _Piece) -> list[np.ndarray]:
        if piece not in self._polylines:
            out: list[np.ndarray] = []
            for m in piece.members:
                out.extend(_clip_x(self.lines[m], piece.lo, piece.hi))
            self._polylines[piece] = out
        return self._polylines[piece]

    def extent(self, piece: _Piece) -> tuple[float, float, float, float]:
        if piece.lo == -math.inf and piece.hi == math.inf:  # whole strokes: their boxes
            boxes = [self._boxes[m] for m in piece.members]
            return (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
        points = np.concatenate(self.polylines(piece))
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)

    def box(self, piece: _Piece) -> tuple[float, float, float, float]:
        """The piece's extent in the input's own units."""
        if not self.exp:
            return self.extent(piece)
        values = np.ldexp(np.array(self.extent(piece)), self.exp)
        top = np.finfo(np.float64).max
        return tuple(float(v) for v in np.clip(values, -top, top))

    def shape_penalty(self, piece: _Piece) -> float:
        """What the piece's outline says against it being one digit (>= 0)."""
        lines = self.polylines(piece)
        if not lines:
            return math.inf
        points = np.concatenate(lines)
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        height, width = (y1 - y0) / self.h, (x1 - x0) / self.h
        lo = np.array([line[:, 0].min() for line in lines])
        hi = np.array([line[:, 0].max() for line in lines])
        order = np.argsort(lo)
        reach, gap = hi[order[0]], 0.0
        for i in order[1:]:
            gap = max(gap, lo[i] - reach)
            reach = max(reach, hi[i])
        return (
            K_FRAGMENT * max(0.0, FRAGMENT_HEIGHT - height)
            + K_WIDE * max(0.0, width - WIDE)
            + K_GAP * max(0.0, gap / self.h - MAX_GAP)
        )

    def key(self, piece: _Piece):
        members = tuple(sorted(self.keys[m] for m in piece.members))
        if piece.lo == -math.inf and piece.hi == math.inf:
            return members  # whole strokes: the same image at any scale
        return members, piece.lo, piece.hi, self.exp

    def probabilities(self, pieces: list[_Piece]) -> list[np.ndarray | None]:
        """The network's reading of each piece (``None`` without a reader); the ones not
        read before are read in one batch."""
        return self.read_keyed([self.key(p) for p in pieces], pieces.__getitem__)

    def read_keyed(self, keys: list, piece: Callable[[int], _Piece]) -> list[np.ndarray | None]:
        """:meth:`probabilities` of the pieces with these keys; ``piece(i)`` makes the
        i-th when it has to be read (most were read at an earlier pen-up)."""
        if self.reader is None:
            return [None] * len(keys)
        found = [self._reads.get(k) for k in keys]
        todo = {k: i for i, (k, f) in enumerate(zip(keys, found, strict=True)) if f is None}
        if todo:
            images = [strokes_to_mnist(self.polylines(piece(i)), self.width) for i in todo.values()]
            read = np.asarray(self.reader(images), np.float32)
            for k, probs in zip(todo, read, strict=True):
                self._reads.put(k, probs)
            fresh = dict(zip(todo, read, strict=True))
            found = [f if f is not None else fresh[k] for k, f in zip(keys, found, strict=True)]
        return found

    def fit(self, probabilities: np.ndarray | None) -> float:
        if probabilities is None:
            return 0.0
        return math.log(max(float(probabilities.max()), 1e-9))

    def score(self, pieces: list[_Piece]) -> list[float]:
        """Score of each piece as one digit; read by the network in one batch."""
        penalties = [self.shape_penalty(p) for p in pieces]
        # No digit has such a shape whatever the network says: save reading it.
        readable = [p for p, k in zip(pieces, penalties, strict=True) if k < HOPELESS]
        read = dict(zip(readable, self.probabilities(readable), strict=True))
        return [
            self.fit(read.get(p)) - penalty - K_DIGIT
            for p, penalty in zip(pieces, penalties, strict=True)
        ]

    def read(self, piece: _Piece) -> tuple[np.ndarray, np.ndarray | None]:
        image = strokes_to_mnist(self.polylines(piece), self.width)
        return image, self.probabilities([piece])[0]

    # -- relations between strokes ---------------------------------------------------
    def distance(self, a: int, b: int) -> float:
        """Least distance between strokes ``a`` and ``b``, in H."""
        ka, kb = self.keys[a], self.keys[b]
        key = (ka, kb, self.exp) if ka <= kb else (kb, ka, self.exp)
        found = self._geometry.distances.get(key)
        if found is None:
            found = _polyline_distance(self.lines[a], self.lines[b])
            self._geometry.distances.put(key, found)
        return found / self.h

    def distances(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """:meth:`distance` of many pairs of strokes."""
        memo, keys, exp = self._geometry.distances, self.keys, self.exp
        out = np.empty(len(a))
        for j, (i, k) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
            ka, kb = keys[i], keys[k]
            key = (ka, kb, exp) if ka <= kb else (kb, ka, exp)
            found = memo.get(key)
            if found is None:
                found = _polyline_distance(self.lines[i], self.lines[k])
                memo.put(key, found)
            out[j] = found
        return out / self.h

    def touch(self, a: tuple[int, ...], b: tuple[int, ...]) -> bool:
        return any(self.touching(i, j) for i in a for j in b)

    def touching(self, a: int, b: int) -> bool:
        reach = TOUCH * self.h
        dx = max(self.x0[b] - self.x1[a], self.x0[a] - self.x1[b], 0.0)
        dy = max(self.y0[b] - self.y1[a], self.y0[a] - self.y1[b], 0.0)
        if dx > reach or dy > reach:  # their boxes are apart: so is their ink
            return False
        return self.distance(a, b) <= TOUCH

    # -- cutting through ink -------------------------------------------------------
    def cut_stretches(self, run: tuple[int, ...]) -> list[tuple[float, float]]:
        """Up to MAX_CUTS x ranges where a single line of ink crosses from one digit
        into the next.

        The run's ink is swept by columns STEP H wide. Joined digits (cursive, a
        ligature) leave columns the pen crosses once, across, and above the bottom: a
        0, 6 or 8 is crossed at least twice everywhere inside, the one line down the
        side of an open 0 or a 4's stem runs along the column, and the base of a 0 open
        at the top runs along the bottom. Stretches of such columns at least MIN_PIECE
        from either end are the candidates, the longest first.
        """
        width = STEP * self.h
        lines = [_resample(self.lines[i], width / 4) for i in run]
        # Each resampled point stands for its step of ink (width / 4 but for very long
        # strokes, which _resample thins to MAX_SAMPLES points).
        steps = [max(width / 4, _ink_length([self.lines[i]]) / MAX_SAMPLES) for i in run]
        x0 = min(line[:, 0].min() for line in lines)
        x1 = max(line[:, 0].max() for line in lines)
        bins = max(1, min(math.ceil((x1 - x0) / width), MAX_SAMPLES))
        width = max(width, (x1 - x0) / bins)
        passes = np.zeros(bins, int)
        ink = np.zeros(bins)  # ink in each column
        depth = np.zeros(bins)  # summed y of the ink's points in each column ...
        count = np.zeros(bins)  # ... and how many there are
        for line, step in zip(lines, steps, strict=True):
            column = np.minimum(((line[:, 0] - x0) / width).astype(int), bins - 1)
            enters = np.concatenate(([True], column[1:] != column[:-1]))
            passes += np.bincount(column[enters], minlength=bins)
            points = np.bincount(column, minlength=bins)
            ink += points * step
            depth += np.bincount(column, weights=line[:, 1], minlength=bins)
            count += points
        bottom = max(line[:, 1].max() for line in lines)
        margin = math.ceil(MIN_PIECE * self.h / width)
        across = (passes == 1) & (ink <= ACROSS * width)
        # Along the very bottom runs the base of a U-shaped 0 or a 6, not a ligature.
        across &= depth < (bottom - BOTTOM * self.h) * np.maximum(count, 1)
        single = np.zeros(bins + 2, bool)
        single[1 + margin : 1 + bins - margin] = across[margin : bins - margin]
        edges = np.flatnonzero(np.diff(single.astype(int)))
        stretches = sorted(zip(edges[0::2], edges[1::2], strict=True), key=lambda e: e[0] - e[1])
        return sorted(
            (x0 + start * width, x0 + stop * width) for start, stop in stretches[:MAX_CUTS]
        )

    def whole_digit(self, piece: _Piece) -> bool:
        """Big enough to be a digit of its own: a cut must not leave a hook or a tail."""
        if not self.polylines(piece):
            return False
        x0, y0, x1, y1 = self.extent(piece)
        return x1 - x0 >= MIN_PIECE * self.h and y1 - y0 >= CUT_HEIGHT * self.h

    def may_hold_several(self, stroke: int) -> bool:
        """Wide, and not a loop: an open 0 drawn wide has single-line columns too, but
        its pen ends near where it started; joined digits end far from their start."""
        line = self.lines[stroke]
        ends = float(np.hypot(*(line[-1] - line[0])))
        return self.x1[stroke] - self.x0[stroke] > CUT_WIDTH * self.h and ends > LOOP * self.h

    def cut_option(self, run: tuple[int, ...]) -> _Option | None:
        """The best reading of ``run`` as several digits, cut in the middle of a
        single-line stretch or with the whole stretch (the ligature) left out."""
        stretches = self.cut_stretches(run)
        choices = []
        for choice in itertools.product((None, "middle", "ligature"), repeat=len(stretches)):
            edges = []  # (where the piece on the left ends, where the next one starts)
            for (start, stop), how in zip(stretches, choice, strict=True):
                if how == "middle":
                    edges.append(((start + stop) / 2, (start + stop) / 2))
                elif how == "ligature":
                    edges.append((start, stop))
            if edges:
                lows = [-math.inf, *(after for _, after in edges)]
                highs = [*(before for before, _ in edges), math.inf]
                pieces = [_Piece(run, lo, hi, cut=True) for lo, hi in zip(lows, highs, strict=True)]
                if all(self.whole_digit(piece) for piece in pieces):
                    choices.append(pieces)
        if not choices:
            return None
        flat = [piece for pieces in choices for piece in pieces]
        scores = dict(zip(flat, self.score(flat), strict=True))  # one batch
        totals = [sum(scores[p] for p in pieces) - K_CUT * (len(pieces) - 1) for pieces in choices]
        best = int(np.argmax(totals))
        return _Option(choices[best], totals[best])

    # -- what is no digit, or more than one ----------------------------------------
    def no_digit(self, piece: _Piece) -> bool:
        """A dash, or a straight line flatter than 45 degrees: no digit has that shape."""
        lines = self.polylines(piece)
        if not lines:
            return True
        x0, y0, x1, y1 = self.extent(piece)
        width, height = x1 - x0, y1 - y0
        if width > MAX_ASPECT * height:
            return True
        if width <= height:
            return False
        points = np.concatenate(lines)
        centred = points - points.mean(axis=0)
        _, spread, axes = np.linalg.svd(centred, full_matrices=False)
        across = np.abs(centred @ axes[-1]).max() if len(spread) > 1 else 0.0
        return bool(across <= STRAIGHT * max(width, height))

    def overdrawn(self, piece: _Piece) -> bool:
        """More ink than any one digit has, or two whole digits drawn on one spot."""
        lines = self.polylines(piece)
        x0, y0, x1, y1 = self.extent(piece)
        if _ink_length(lines) > MAX_INK * max(x1 - x0, y1 - y0, 1e-300):
            return True
        members = piece.members
        if len(members) < 2 or piece.cut:
            return False
        floor = WIDTH_FLOOR * (y1 - y0)
        if len(members) <= 5:  # every way of sharing the strokes out
            splits = [
                tuple(m for m, side in zip(members, (0, *sides), strict=True) if side)
                for sides in itertools.product((0, 1), repeat=len(members) - 1)
                if any(sides)
            ]
        else:  # one digit drawn after the other
            splits = [members[k:] for k in range(1, len(members))]
        halves = []
        for part in splits:
            other = tuple(m for m in members if m not in part)
            boxes = [
                (
                    self.x0[list(p)].min(),
                    self.y0[list(p)].min(),
                    self.x1[list(p)].max(),
                    self.y1[list(p)].max(),
                )
                for p in (part, other)
            ]
            tall = all(b[3] - b[1] >= OVER_TALL * (y1 - y0) for b in boxes)
            narrow = max(min(b[2] - b[0] for b in boxes), floor)
            overlap = min(b[2] for b in boxes) - max(b[0] for b in boxes)
            if tall and overlap >= OVER_OVERLAP * narrow:
                halves.append((_Piece(tuple(sorted(part))), _Piece(other)))
        if not halves or self.reader is None:
            return False
        flat = [p for pair in halves for p in pair]
        read = dict(zip(flat, self.probabilities(flat), strict=True))
        for a, b in halves:
            pa, pb = read[a], read[b]
            sure, read_too = max(pa.max(), pb.max()), min(pa.max(), pb.max())
            if sure >= OVER_SURE and read_too >= OVER_READ and pa.argmax() != pb.argmax():
                return True
        return False

    def small(self, piece: _Piece) -> bool:
        x0, y0, x1, y1 = self.extent(piece)
        return y1 - y0 < FRAGMENT_HEIGHT * self.h and x1 - x0 < FRAGMENT_HEIGHT * self.h


class _Cluster:
    """One cluster's strokes in the order of their x-centres, and the arrays the dynamic
    programme runs on: entry ``[i, b]`` is the run of ``b`` strokes starting at ``i``."""

    def __init__(self, layout: _Layout, members: list[int], states: Sequence[_State] = ()) -> None:
        self.layout = layout
        # Left to right on the pad; ties by height, then by content (never by time).
        centres = (layout.x0[members] + layout.x1[members]) / 2
        middles = (layout.y0[members] + layout.y1[members]) / 2
        keys = [layout.keys[m] for m in members]
        self.order = [members[k] for k in np.lexsort((keys, middles, centres))]
        self.keys = [layout.keys[m] for m in self.order]
        n = self.n = len(self.order)
        self.L = L = min(MAX_RUN, n)
        o = np.array(self.order)
        ranks = np.argsort(np.argsort(o, kind="stable"), kind="stable")  # in drawing order
        # What an earlier read of these strokes' left part worked out still holds for it.
        self.marks = list(zip(self.keys, ranks.tolist(), strict=True))
        self.before, self.same = _taken_over(states, self.marks, layout.h, layout.exp, L)
        self.rx0, self.rx1, self.height, width, self.penalty = _run_shapes(layout, o, ranks, L)
        i, b = np.indices(self.penalty.shape)
        # A run of several strokes that no digit's shape allows is no candidate at all
        # (a single stroke always is: every reading needs one).
        self.valid = (b >= 1) & (i + b <= n) & ((b == 1) | (self.penalty < HOPELESS))
        self.valid &= (b == 1) | (width <= RUN_WIDTH * layout.h)
        longest = np.where(self.valid, b, 0)
        self.ahead = longest.max(axis=1)  # the longest candidate starting at each stroke
        self.behind = np.zeros(n + 1, int)  # ... and ending before each stroke
        np.maximum.at(self.behind, (i + b)[self.valid], b[self.valid])
        self.pair = np.zeros((n, 2 * L + 1), bool)  # stroke p touches stroke p + d
        self.measured = np.zeros((n, 2 * L + 1), bool)  # ... worked out

    def run(self, i: int, b: int) -> tuple[int, ...]:
        return tuple(sorted(self.order[i : i + b]))

    def scores(self) -> np.ndarray:
        """(n, L + 1): each run's score as one digit (-inf where there is no such run)."""
        layout = self.layout
        i, b = np.indices(self.valid.shape)
        fresh = i + b > self.same  # runs inside the unchanged left part: as before
        readable = np.argwhere(self.valid & (self.penalty < HOPELESS) & fresh)
        keys = self.keys
        found = layout.read_keyed(
            [tuple(sorted(keys[i : i + b])) for i, b in readable.tolist()],
            lambda k: _Piece(self.run(*readable[k].tolist())),
        )
        fits = np.zeros(self.valid.shape)
        if len(readable) and layout.reader is not None:
            best = np.stack(found).max(axis=1)
            fits[readable[:, 0], readable[:, 1]] = np.log(np.maximum(best, 1e-9))
        out = np.where(self.valid, fits - self.penalty - K_DIGIT, -np.inf)
        if self.before is not None and self.same:
            same = self.same
            kept = ~fresh[:same]
            out[:same][kept] = self.before.scores[:same][kept]
        return out

    def touches(self) -> np.ndarray:
        """(n, L + 1, L + 1) bool: the run of ``a`` strokes ending before ``i`` touches
        the run of ``b`` strokes starting at ``i``."""
        n, L, layout = self.n, self.L, self.layout
        pair, measured = self.pair, self.measured
        o = np.array(self.order)
        p, d = np.indices(pair.shape)
        q = np.clip(p + d, 0, n - 1)
        if self.before is not None and self.same:  # the unchanged left part: as before
            same = self.same
            known = (p[:same] + d[:same] < same) & self.before.measured[:same]
            pair[:same][known] = self.before.pair[:same][known]
            measured[:same] = known
        # Only strokes on either side of a boundary between two candidate runs matter.
        needed = np.zeros(pair.shape, bool)
        at = np.arange(1, n)[:, None, None]
        back = np.arange(L)[None, :, None]
        on = np.arange(L)[None, None, :]
        use = (back < self.behind[1:n, None, None]) & (on < self.ahead[1:n, None, None])
        first = np.broadcast_to(at - 1 - back, use.shape)[use]
        needed[first, np.broadcast_to(back + on + 1, use.shape)[use]] = True
        needed &= ~measured
        reach = TOUCH * layout.h
        x0, x1, y0, y1 = layout.x0[o], layout.x1[o], layout.y0[o], layout.y1[o]
        dx = np.maximum(np.maximum(x0[q] - x1[p], x0[p] - x1[q]), 0.0)
        dy = np.maximum(np.maximum(y0[q] - y1[p], y0[p] - y1[q]), 0.0)
        measured |= needed
        # Boxes apart: so is their ink; the others are measured (and remembered).
        near = np.argwhere(needed & (dx <= reach) & (dy <= reach))
        if len(near):
            pair[near[:, 0], near[:, 1]] = layout.distances(o[near[:, 0]], o[near.sum(1)]) <= TOUCH
        i = np.arange(n)[:, None, None]
        a = np.arange(L)[None, :, None]  # a' = a - 1
        b = np.arange(L)[None, None, :]  # b' = b - 1
        p = i - 1 - a
        inside = (p >= 0) & (i + b < n)
        near = np.where(inside, pair[np.clip(p, 0, n - 1), a + b + 1], False)
        near = np.logical_or.accumulate(np.logical_or.accumulate(near, axis=1), axis=2)
        out = np.zeros((n, L + 1, L + 1), bool)
        out[:, 1:, 1:] = near
        self.touching = out
        return out

    def links(self) -> np.ndarray:
        """(n, L + 1, L + 1): evidence (log-odds) that the run of ``a`` strokes ending
        before ``i`` and the run of ``b`` strokes starting at ``i`` are two digits; 0 for
        ``a == 0`` (the first run)."""
        n, L, h = self.n, self.L, self.layout.h
        i = np.arange(n)[:, None, None]
        a = np.arange(L + 1)[None, :, None]
        b = np.arange(L + 1)[None, None, :]
        start = np.clip(i - a, 0, n - 1)
        ok = (a >= 1) & (b >= 1) & (i - a >= 0) & self.valid[start, a] & self.valid[i, b]
        a0, a1, ha = self.rx0[start, a], self.rx1[start, a], self.height[start, a]
        b0, b1, hb = self.rx0[i, b], self.rx1[i, b], self.height[i, b]
        with np.errstate(invalid="ignore", over="ignore"):
            floor = WIDTH_FLOOR * h
            wa, wb = np.maximum(a1 - a0, floor), np.maximum(b1 - b0, floor)
            ca, cb = (a0 + a1) / 2, (b0 + b1) / 2
            overlap = np.maximum(
                0.0, np.minimum(ca + wa / 2, cb + wb / 2) - np.maximum(ca - wa / 2, cb - wb / 2)
            )
            value = (
                B_BIAS
                + B_EXTENDS * np.minimum((b1 - a1) / h, EXTENDS_CAP)
                - B_OVERLAP * overlap / h
                - B_TOUCH * self.touches()
                + B_HEIGHT * np.minimum(np.minimum(ha, hb) / h, HEIGHT_CAP)
            )
        return np.where(ok, value, 0.0)

    def cut_options(self) -> dict[int, _Option]:
        """Position -> the best cut of that single stroke, for the MAX_CUT_STROKES widest
        strokes that may hold several digits."""
        layout = self.layout
        wide = [k for k, s in enumerate(self.order) if layout.may_hold_several(s)]
        wide.sort(key=lambda k: layout.x0[self.order[k]] - layout.x1[self.order[k]])
        found = {}
        for k in sorted(wide[:MAX_CUT_STROKES]):
            option = layout.cut_option((self.order[k],))
            if option is not None:
                found[k] = option
        # Where the earlier read cut differently, its work holds only left of there.
        if self.before is not None:
            cuts = {k: (len(o.pieces), o.score) for k, o in found.items()}
            for k in range(self.same):
                if cuts.get(k) != self.before.cuts.get(k):
                    self.same = k
                    break
        return found


def _run_shapes(layout: _Layout, o: np.ndarray, ranks: np.ndarray, L: int):
    """For every run of 1..L strokes (in the order ``o``): its x-extent, height, width
    and what its shape says against it being one digit (>= 0)."""
    n, h = len(o), layout.h
    sx0, sx1, sy0, sy1 = layout.x0[o], layout.x1[o], layout.y0[o], layout.y1[o]
    shape = (n, L + 1)
    rx0, rx1 = np.full(shape, np.inf), np.full(shape, -np.inf)
    ry0, ry1 = np.full(shape, np.inf), np.full(shape, -np.inf)
    gap = np.zeros(shape)  # the widest empty column inside
    breaks = np.zeros(shape)  # how often the pen left the run's strokes and came back
    ink = np.zeros(shape)
    stroke_ink = layout.ink[o]
    for b in range(1, L + 1):
        m = n - b + 1
        ink[:m, b] = ink[:m, b - 1] + stroke_ink[b - 1 :]
        rx0[:m, b] = np.minimum(rx0[:m, b - 1], sx0[b - 1 :])
        rx1[:m, b] = np.maximum(rx1[:m, b - 1], sx1[b - 1 :])
        ry0[:m, b] = np.minimum(ry0[:m, b - 1], sy0[b - 1 :])
        ry1[:m, b] = np.maximum(ry1[:m, b - 1], sy1[b - 1 :])
        if b > 1:
            index = np.arange(m)[:, None] + np.arange(b)[None]
            lo, hi = sx0[index], sx1[index]
            by = np.argsort(lo, axis=1)
            lo, hi = np.take_along_axis(lo, by, 1), np.take_along_axis(hi, by, 1)
            reach = np.maximum.accumulate(hi, axis=1)
            gap[:m, b] = np.maximum(lo[:, 1:] - reach[:, :-1], 0).max(axis=1)
            drawn = np.sort(ranks[index], axis=1)
            breaks[:m, b] = (np.diff(drawn, axis=1) > 1).sum(axis=1)
    with np.errstate(invalid="ignore"):
        height = np.where(np.isfinite(ry1 - ry0), ry1 - ry0, 0.0)
        width = np.where(np.isfinite(rx1 - rx0), rx1 - rx0, 0.0)
    size = np.maximum(np.maximum(width, height), 1e-300)
    penalty = (
        K_FRAGMENT * np.maximum(0.0, FRAGMENT_HEIGHT - height / h)
        + K_WIDE * np.maximum(0.0, width / h - WIDE)
        + K_GAP * np.maximum(0.0, gap / h - MAX_GAP)
        + K_BREAK * breaks
        + K_INK * np.maximum(0.0, ink / size - MAX_INK)
    )
    return rx0, rx1, height, width, penalty


def _taken_over(states, marks, h: float, exp: int, L: int) -> tuple[_State | None, int]:
    """The earlier read whose strokes, from the left, match these longest; how many."""
    found, most = None, 0
    for state in states:
        if (state.h, state.exp, state.L) != (h, exp, L):
            continue
        same = 0
        for old, new in zip(state.marks, marks, strict=False):
            if old != new:
                break
            same += 1
        if same > most:
            found, most = state, same
    return found, most


@dataclass
class _State:
    """What one read of a cluster worked out, for the next read of the same strokes'
    left part (a pen-up further right, a stroke added inside): the strokes' keys left to
    right, and the arrays that depend only on the strokes up to each place."""

    marks: list[tuple[int, int]]  # (key, rank in drawing order) of each stroke
    h: float
    exp: int
    L: int
    cuts: dict[int, tuple[int, float]]  # position -> (pieces, score) of its cut
    pair: np.ndarray
    measured: np.ndarray
    scores: np.ndarray
    best: np.ndarray
    cut_used: np.ndarray


def _segment_cluster(
    layout: _Layout, members: list[int], cancelled=None, states: Sequence[_State] = ()
) -> tuple[list[tuple[_Piece, str]], _State]:
    """Best split of one cluster into runs of neighbouring strokes: (piece, doubt) pairs
    left to right, doubt '' or why the split is a guess; and what the next read of the
    same strokes' left part may take over."""
    cluster = _Cluster(layout, members, states)
    cuts = cluster.cut_options()  # first: a changed cut shortens the part taken over
    scores = cluster.scores()
    if cancelled is not None and cancelled():
        raise ReadCancelled
    links = cluster.links()
    chosen, margin, best, cut_used = _best_runs(cluster, scores, links, cuts)
    state = _State(
        cluster.marks,
        layout.h,
        layout.exp,
        cluster.L,
        {k: (len(o.pieces), o.score) for k, o in cuts.items()},
        cluster.pair,
        cluster.measured,
        scores,
        best,
        cut_used,
    )
    doubts = [[CUT_REASON if p.cut else "" for p in option.pieces] for _, option in chosen]
    for j, (((_, a), _), ((start, b), _)) in enumerate(itertools.pairwise(chosen)):
        if cluster.touching[start, a, b]:  # split where the ink runs on: a guess
            doubts[j][-1] = doubts[j][-1] or CUT_REASON
            doubts[j + 1][0] = doubts[j + 1][0] or CUT_REASON
    out = []
    for (_, option), reasons in zip(chosen, doubts, strict=True):
        for piece, reason in zip(option.pieces, reasons, strict=True):
            doubtful = not reason and margin < UNSURE_MARGIN
            out.append((piece, MARGIN_REASON if doubtful else reason))
    return out, state


def _best_runs(
    cluster: _Cluster, scores: np.ndarray, links: np.ndarray, cuts: dict[int, _Option]
) -> tuple[list[tuple[tuple[int, int], _Option]], float, np.ndarray, np.ndarray]:
    """The dynamic programme: the best runs, by how much the best reading with another
    number of digits falls short of it, and its tables (for the next read)."""
    n = cluster.n
    K = n + sum(len(o.pieces) - 1 for o in cuts.values()) + 1  # most digits possible
    span = max(1, int(cluster.ahead.max()))  # no candidate run is longer
    # best[e, b, k]: the best score of the first e strokes, the last run b strokes long,
    # k digits in all (b = 0: nothing yet).
    best = np.empty((n + 1, span + 1, K))
    cut_used = np.zeros((n + 1, K), bool)  # state (e, 1, k) came from cutting stroke e - 1
    same = cluster.same if cluster.before is not None else 0
    if same:  # the unchanged left part: as before (no longer runs there, then or now)
        before = cluster.before.best
        runs, known = min(span, before.shape[1] - 1) + 1, min(K, before.shape[2])
        best[: same + 1] = -np.inf
        best[: same + 1, :runs, :known] = before[: same + 1, :runs, :known]
        cut_used[: same + 1, :known] = cluster.before.cut_used[: same + 1, :known]
        best[same + 1 :] = -np.inf
    else:
        best.fill(-np.inf)
        best[0, 0, 0] = 0.0
    links = links[:, : span + 1, : span + 1]
    every = np.arange(span + 1)
    extra = K - n - 1
    for e in range(same + 1, n + 1):
        b = np.arange(1, min(span, e) + 1)
        start = e - b
        # The first e strokes make at most e digits (and the cuts' extra ones).
        top = min(K, e + extra + 1)
        link = links[start[:, None], every[None], b[:, None]][..., None]
        value = (best[start, :, : top - 1] + link).max(1)
        best[e, b, 1:top] = value + scores[start, b][:, None]
        option = cuts.get(e - 1)
        if option is not None:
            c = len(option.pieces)
            tried = np.full(K, -np.inf)
            tried[c:top] = value[0, : top - c] + option.score
            better = tried > best[e, 1]
            best[e, 1, better] = tried[better]
            cut_used[e, better] = True
    chosen, margin = _backtrack(cluster, scores, links, cuts, (best, cut_used))
    return chosen, margin, best, cut_used


def _backtrack(cluster: _Cluster, scores, links, cuts, tables):
    """The runs of the best reading (from the tables, right to left), and by how much
    the best reading with another number of digits falls short of it."""
    n = cluster.n
    best, cut_used = tables
    finals = best[n].max(axis=0)
    count = int(np.argmax(finals))
    others = np.delete(finals, count)
    others = others[np.isfinite(others)]
    margin = float(finals[count] - others.max()) if len(others) else math.inf
    chosen: list[tuple[tuple[int, int], _Option]] = []  # ((first stroke, strokes), how)
    e, k = n, count
    b = int(np.argmax(best[n, :, count]))
    while e > 0:
        start = e - b
        if b == 1 and cut_used[e, k]:
            option = cuts[start]
        else:
            option = _Option([_Piece(cluster.run(start, b))], float(scores[start, b]))
        chosen.insert(0, ((start, b), option))
        k -= len(option.pieces)
        # The run before: the one the best score came through (worked out again here,
        # not kept for every state).
        b = int(np.argmax(best[start, :, k] + links[start, :, b])) if start else 0
        e = start
    return chosen, margin


def _placed(known, members: list[int], keys: list[int]) -> list[tuple[_Piece, str]]:
    """A cluster's remembered pieces (their strokes named by content) given this
    drawing's stroke indices. Identical strokes are handed out in turn; a stroke cut
    into several pieces is the same stroke in each."""
    where: dict[int, list[int]] = {}
    for m in members:
        where.setdefault(keys[m], []).append(m)
    turn = dict.fromkeys(where, 0)
    out = []
    for member_keys, piece, doubt in known:
        now = []
        for k in member_keys:
            same = where[k]
            now.append(same[turn[k] % len(same)])
            turn[k] += 1
        if piece.cut:  # the pieces of one cut stroke share it
            turn[member_keys[0]] -= 1
        out.append((_Piece(tuple(sorted(now)), piece.lo, piece.hi, piece.cut), doubt))
    return out


def _clean(strokes) -> tuple[list[np.ndarray], list[int]]:
    lines, index = [], []
    for i, raw in enumerate(strokes or ()):
        line = np.asarray(raw, np.float64).reshape(-1, 2)
        if len(line) and np.isfinite(line).all():
            lines.append(line)
            index.append(i)
    return lines, index


class NumberReader:
    """Reads numbers with one network, remembering what it worked out before.

    What the network read for each candidate digit is kept by the strokes' content, as
    are the distances between strokes and each cluster's split, so reading a drawing
    one stroke longer (a pen-up) or shorter (an undo) than the last costs only what the
    change brings. Not for two threads at once.
    """

    def __init__(
        self,
        predictor=None,
        width: float = PEN_WIDTH,
        *,
        pad_height: float | None = None,
        geometry: _Geometry | None = None,
    ) -> None:
        self.predictor = predictor
        self.width = width
        self.pad_height = pad_height
        self._reader = _reader(predictor)
        self._reads = _Memo(_READS_KEPT)
        self._clusters = _Memo(_CLUSTERS_KEPT)
        self._finals = _Memo(_FINALS_KEPT)
        self._states: list[_State] = []  # the last clusters decided, newest first
        self._geometry = geometry if geometry is not None else _Geometry()

    def with_predictor(self, predictor) -> NumberReader:
        """A reader for another network that shares what depends on the strokes alone."""
        return NumberReader(
            predictor, self.width, pad_height=self.pad_height, geometry=self._geometry
        )

    def _pieces(self, strokes, cancelled=None):
        lines, index = _clean(strokes)
        if not lines:
            return None
        layout = _Layout(
            lines,
            self._reader,
            self.width,
            pad_height=self.pad_height,
            reads=self._reads,
            geometry=self._geometry,
        )
        found: list[tuple[_Piece, str]] = []
        for members in layout.clusters:
            if cancelled is not None and cancelled():
                raise ReadCancelled
            # By content, and the order they were drawn in (runs prefer strokes drawn
            # one after the other), never by their indices.
            key = (tuple(layout.keys[m] for m in members), layout.h, layout.exp)
            known = self._clusters.get(key)
            if known is None:
                result, state = _segment_cluster(layout, members, cancelled, self._states)
                self._states = [state, *self._states][:_STATES_KEPT]
                # Kept by content: the same strokes may sit at other indices next time.
                known = [
                    (tuple(layout.keys[m] for m in piece.members), piece, doubt)
                    for piece, doubt in result
                ]
                self._clusters.put(key, known)
            found.extend(_placed(known, members, layout.keys))
        found.sort(key=lambda pm: sum(layout.extent(pm[0])[0::2]))
        return layout, index, found

    def read(self, strokes, cancelled: Callable[[], bool] | None = None) -> NumberReading | None:
        """The digits written, left to right; ``None`` when there are no strokes.

        ``cancelled()`` is asked between steps; when it says so, :class:`ReadCancelled`
        is raised."""
        found = self._pieces(strokes, cancelled)
        if found is None:
            return None
        layout, index, pieces = found
        digits = []
        inked: set[int] = set()
        for piece, doubt in pieces:
            image, probabilities, no_digit, overdrawn = self._judged(layout, piece)
            if no_digit:
                continue
            why = doubt
            if not why and overdrawn:
                why = OVERDRAWN_REASON
            if not why and layout.small(piece):
                why = SMALL_REASON
            if not why and float(probabilities.max()) < UNSURE_PROBABILITY:
                why = LOW_REASON
            strokes_in = tuple(_input_indices(layout, index, piece))
            inked.update(strokes_in)
            digits.append(
                DigitReading(
                    strokes=strokes_in,
                    box=layout.box(piece),
                    image=image,
                    probabilities=probabilities,
                    digit=int(probabilities.argmax()),
                    unsure=bool(why),
                    why=why,
                )
            )
        ignored = tuple(i for i in index if i not in inked)
        return NumberReading(tuple(digits), ignored)

    def _judged(self, layout: _Layout, piece: _Piece):
        """(image, probabilities, no digit, overdrawn) of a piece the reading keeps:
        worked out once for the same strokes."""
        key = layout.key(piece)
        found = self._finals.get(key)
        if found is None:
            if layout.no_digit(piece):
                found = (None, None, True, False)
            else:
                image, probabilities = layout.read(piece)
                if probabilities is None:  # no network: geometry alone
                    probabilities = np.full(10, 0.1, np.float32)
                probabilities = np.asarray(probabilities, np.float32)
                found = (image, probabilities, False, layout.overdrawn(piece))
            self._finals.put(key, found)
        return found

    def segment(self, strokes) -> list[list[int]]:
        found = self._pieces(strokes)
        if found is None:
            return []
        layout, index, pieces = found
        return [
            _input_indices(layout, index, piece)
            for piece, _ in pieces
            if not layout.no_digit(piece)
        ]


def segment(
    strokes: Sequence[np.ndarray], predictor=None, width: float = PEN_WIDTH
) -> list[list[int]]:
    """Group strokes into digits, left to right: lists of input stroke indices.

    Geometry alone without ``predictor``; with one, the network's reading of every
    candidate helps choose. A stroke cut between two digits appears in both lists; marks
    that are no digit (a dot, a dash) in none.
    """
    return NumberReader(predictor, width).segment(strokes)


def _input_indices(layout: _Layout, index: list[int], piece: _Piece) -> list[int]:
    if piece.lo == -math.inf and piece.hi == math.inf:
        return [index[m] for m in piece.members]
    return [index[m] for m in piece.members if _clip_x(layout.lines[m], piece.lo, piece.hi)]


def _reader(predictor) -> Reader | None:
    if predictor is None:
        return None
    return lambda images: predictor.predict(np.stack(images).reshape(len(images), -1))


def read_number(
    predictor, strokes, width: float = PEN_WIDTH, *, pad_height: float | None = None
) -> NumberReading | None:
    """The digits written, left to right; ``None`` when there are no strokes.

    ``pad_height``: the writing area's height in the strokes' units, when known: marks
    smaller than ``MIN_MARK`` of it are never digits, even alone."""
    return NumberReader(predictor, width, pad_height=pad_height).read(strokes)
