"""Read a whole number written in one go on a wide pad: which strokes make which digit.

Strokes arrive in drawing order, in pad coordinates (x right, y down, any units). Every
length below is a ratio of the typical digit height ``H`` (the median height of the
groups of strokes whose x-extents chain together), so nothing depends on the pad's size
or the writer's.

1. **Clusters.** Strokes whose x-extents overlap or come within ``CLUSTER_GAP`` of each
   other, directly or through others, form a cluster: one digit, or a few that crowd
   each other (a 7 leaning over the next digit, an open 4 whose stem stands apart).
   Clusters smaller than ``SPECK`` both ways are stray marks, not digits.
2. **Runs in time.** People finish one digit before they start the next, so inside a
   cluster a digit is a run of consecutive strokes (a crossbar added at the very end
   still joins its own digit when that digit stands alone). Every way of cutting a
   cluster's strokes into runs is scored by dynamic programming. A run scores the
   network's log-probability of its reading (with a predictor), less penalties for
   shapes no digit has (shorter than ``FRAGMENT_HEIGHT``: a crossbar; wider than
   ``WIDE``; an empty column inside) and a constant per digit. Between two runs goes
   the evidence that they are two digits: the later one reaching further right,
   overlapping the earlier one little, not touching it, and neither being a fragment
   (a logistic fit, see ``B_BIAS``).
3. **Cutting one stroke.** A stroke wider than ``CUT_WIDTH`` that does not end near
   where it began (not a loop) may hold digits written without lifting the pen. It is
   also tried cut where a single line of ink crosses from one digit to the next, in
   the middle of that line or with the whole line left out, and the strokes clipped.

Digits are flagged ``unsure`` when a cut went through ink or the digits touch
(``CUT_REASON``), when a reading with another number of digits scored nearly as well
(``MARGIN_REASON``), or when the network's best probability is under
``UNSURE_PROBABILITY`` (``LOW_REASON``). Measured in BENCHMARKS.md ("Explaining and
reading numbers").
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
MAX_GAP = 0.05  # widest empty column inside one digit
WIDTH_FLOOR = 0.1  # widths below this count as this much when comparing overlaps
TOUCH = 0.04  # ink closer than this touches
STEP = 0.02  # resampling step for distances and the ink profile
MAX_CUTS = 2  # single-line stretches tried per stroke (up to three digits)
ACROSS = 2.5  # ink in a column crossed "across": at most this many column widths
BOTTOM = 0.15  # a ligature crosses above the lowest BOTTOM of the ink

# -- scores, in units of log-probability -----------------------------------------------
K_FRAGMENT = 8.0  # per H of height missing below FRAGMENT_HEIGHT
K_WIDE = 4.0  # per H of width above WIDE
K_GAP = 20.0  # per H of empty column inside a run
K_DIGIT = 1.0  # every digit
HOPELESS = 10.0  # a candidate penalised this much is not read by the network at all
K_CUT = -1.5  # every cut through ink (a bonus: single-line stretches are rare in one digit)

# Evidence that two runs of strokes, one drawn after the other, are two digits (log-odds),
# fitted by logistic regression on numbers composed from the pen data's training writers
# and MNIST training digits (never the benchmark's): a new digit extends the number to
# the right, overlaps the last one little, does not touch it and is not a fragment.
# Both reach and height are capped so that a run holding two digits is no stronger
# evidence than one holding one: the dynamic programme sums one term per boundary.
B_BIAS = -10.0
B_EXTENDS = 9.8  # per H the later run reaches further right, up to EXTENDS_CAP
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

    @property
    def text(self) -> str:
        return "".join(str(d.digit) for d in self.digits)

    @property
    def unsure(self) -> bool:
        return any(d.unsure for d in self.digits)


# -- one candidate digit: some strokes, maybe clipped to a range of x -------------------


@dataclass(frozen=True)
class _Piece:
    members: tuple[int, ...]  # indices into the cleaned strokes
    lo: float = -math.inf  # x range kept (a cut clips the strokes)
    hi: float = math.inf
    cut: bool = False


@dataclass
class _Option:
    pieces: list[_Piece]
    score: float


Reader = Callable[[list[np.ndarray]], np.ndarray]  # images (n, 28, 28) -> (n, 10)


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
    if length[-1] <= 0:
        return line[:1]
    u = np.linspace(0.0, length[-1], max(2, int(length[-1] / step) + 1))
    return np.stack([np.interp(u, length, line[:, 0]), np.interp(u, length, line[:, 1])], 1)


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


class _Layout:
    """The strokes of one number and what every candidate digit costs."""

    def __init__(self, lines: list[np.ndarray], reader: Reader | None, width: float) -> None:
        self.lines = lines
        self.reader = reader
        self.width = width
        box = np.array([[*line.min(axis=0), *line.max(axis=0)] for line in lines])
        self.x0, self.y0, self.x1, self.y1 = box.T
        clusters = _chains(self.x0, self.x1)
        heights = np.array([self.y1[c].max() - self.y0[c].min() for c in clusters])
        if heights.max() <= 0:  # only horizontal lines: their length stands in
            heights = np.array([self.x1[c].max() - self.x0[c].min() for c in clusters])
        # Specks (a slip of the pen, a stray dot) must not pull the typical height down.
        height = float(np.median(heights[heights >= SPECK * heights.max()]))
        self.h = height if height > 0 else 1.0
        sizes = [
            max(self.x1[c].max() - self.x0[c].min(), self.y1[c].max() - self.y0[c].min())
            for c in clusters
        ]
        kept = [c for c, size in zip(clusters, sizes, strict=True) if size >= SPECK * self.h]
        kept = kept or clusters  # a lone speck is still read
        # Clusters closer than CLUSTER_GAP are decided together (an open 4 whose two
        # strokes do not overlap, a 5 whose bar starts right of its body).
        members = [i for c in kept for i in c]
        near = _chains(self.x0[members], self.x1[members], CLUSTER_GAP * self.h)
        self.clusters = [sorted(members[k] for k in c) for c in near]
        self.points = [_resample(line, STEP * self.h) for line in lines]
        self._scores: dict[_Piece, float] = {}
        self._reads: dict[_Piece, tuple[np.ndarray, np.ndarray]] = {}
        self._distances: dict[tuple[int, int], float] = {}
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
        points = np.concatenate(self.polylines(piece))
        (x0, y0), (x1, y1) = points.min(axis=0), points.max(axis=0)
        return float(x0), float(y0), float(x1), float(y1)

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

    def score(self, pieces: list[_Piece]) -> list[float]:
        """Score of each piece as one digit; read by the network in one batch."""
        todo = [p for p in dict.fromkeys(pieces) if p not in self._scores]
        if todo:
            penalties = [self.shape_penalty(p) for p in todo]
            # No digit has such a shape whatever the network says: save reading it.
            readable = [p for p, k in zip(todo, penalties, strict=True) if k < HOPELESS]
            if self.reader is not None and readable:
                images = [strokes_to_mnist(self.polylines(p), self.width) for p in readable]
                probabilities = self.reader(images)
                for p, image, probs in zip(readable, images, probabilities, strict=True):
                    self._reads[p] = (image, probs)
            for p, penalty in zip(todo, penalties, strict=True):
                fit = 0.0
                if p in self._reads:
                    fit = math.log(max(float(self._reads[p][1].max()), 1e-9))
                self._scores[p] = fit - penalty - K_DIGIT
        return [self._scores[p] for p in pieces]

    def read(self, piece: _Piece) -> tuple[np.ndarray, np.ndarray | None]:
        if piece not in self._reads:
            image = strokes_to_mnist(self.polylines(piece), self.width)
            if self.reader is None:
                return image, None
            self._reads[piece] = (image, self.reader([image])[0])
        return self._reads[piece]

    # -- relations between runs ----------------------------------------------------
    def distance(self, a: int, b: int) -> float:
        key = (a, b) if a < b else (b, a)
        if key not in self._distances:
            self._distances[key] = _min_distance(self.points[a], self.points[b]) / self.h
        return self._distances[key]

    def touch(self, a: tuple[int, ...], b: tuple[int, ...]) -> bool:
        return min(self.distance(i, j) for i in a for j in b) <= TOUCH

    def boundary(self, a: tuple[int, ...], b: tuple[int, ...]) -> float:
        """Evidence (log-odds) that runs ``a`` then ``b`` are two digits, not one."""
        a0, a1 = self.x0[list(a)].min(), self.x1[list(a)].max()
        b0, b1 = self.x0[list(b)].min(), self.x1[list(b)].max()
        floor = WIDTH_FLOOR * self.h
        wa, wb = max(a1 - a0, floor), max(b1 - b0, floor)
        ca, cb = (a0 + a1) / 2, (b0 + b1) / 2
        overlap = max(0.0, min(ca + wa / 2, cb + wb / 2) - max(ca - wa / 2, cb - wb / 2))
        touch = self.touch(a, b)
        lower = min(
            self.y1[list(a)].max() - self.y0[list(a)].min(),
            self.y1[list(b)].max() - self.y0[list(b)].min(),
        )
        return (
            B_BIAS
            + B_EXTENDS * min((b1 - a1) / self.h, EXTENDS_CAP)
            - B_OVERLAP * overlap / self.h
            - B_TOUCH * touch
            + B_HEIGHT * min(lower / self.h, HEIGHT_CAP)
        )

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
        x0 = min(line[:, 0].min() for line in lines)
        x1 = max(line[:, 0].max() for line in lines)
        bins = max(1, math.ceil((x1 - x0) / width))
        passes = np.zeros(bins, int)
        ink = np.zeros(bins, int)
        depth = np.zeros(bins)  # summed y of the ink in each column
        for line in lines:
            column = np.minimum(((line[:, 0] - x0) / width).astype(int), bins - 1)
            enters = np.concatenate(([True], column[1:] != column[:-1]))
            passes += np.bincount(column[enters], minlength=bins)
            ink += np.bincount(column, minlength=bins)
            depth += np.bincount(column, weights=line[:, 1], minlength=bins)
        bottom = max(line[:, 1].max() for line in lines)
        margin = math.ceil(MIN_PIECE / STEP)
        across = (passes == 1) & (ink * (width / 4) <= ACROSS * width)
        # Along the very bottom runs the base of a U-shaped 0 or a 6, not a ligature.
        across &= depth < (bottom - BOTTOM * self.h) * np.maximum(ink, 1)
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
        self.score([piece for pieces in choices for piece in pieces])  # one batch
        totals = [sum(self.score(pieces)) - K_CUT * (len(pieces) - 1) for pieces in choices]
        best = int(np.argmax(totals))
        return _Option(choices[best], totals[best])


def _min_distance(a: np.ndarray, b: np.ndarray) -> float:
    best = math.inf
    for start in range(0, len(a), 256):  # bounded memory for long strokes
        block = a[start : start + 256]
        d = ((block[:, None, :] - b[None, :, :]) ** 2).sum(-1).min()
        best = min(best, float(d))
    return math.sqrt(best)


def _segment_cluster(layout: _Layout, members: list[int]) -> list[tuple[_Piece, str]]:
    """Best split of one cluster into runs of consecutive strokes: (piece, doubt) pairs,
    doubt '' or why the split is a guess."""
    n = len(members)
    runs = {(i, j): tuple(members[i : j + 1]) for i in range(n) for j in range(i, n)}
    whole = {key: _Piece(run) for key, run in runs.items()}
    scores = dict(zip(whole, layout.score(list(whole.values())), strict=True))
    options: dict[tuple[int, int], list[_Option]] = {}
    for key, run in runs.items():
        options[key] = [_Option([whole[key]], scores[key])]
        # Separate strokes are parted by the runs themselves; only one stroke running on
        # from one digit into the next needs cutting.
        if len(run) == 1 and layout.may_hold_several(run[0]):
            cut = layout.cut_option(run)
            if cut is not None:
                options[key].append(cut)
    # best[(i, j)][k]: (score, back-pointer) of the first j+1 strokes, the last run i..j,
    # k digits in all.
    best: dict[tuple[int, int], dict[int, tuple[float, tuple | None, _Option]]] = {}
    for j in range(n):
        for i in range(j + 1):
            table: dict[int, tuple[float, tuple | None, _Option]] = {}
            for option in options[i, j]:
                count = len(option.pieces)
                if i == 0:
                    _keep(table, count, option.score, None, option)
                    continue
                for h in range(i):
                    link = layout.boundary(runs[h, i - 1], runs[i, j])
                    for k, (before, _, _) in best[h, i - 1].items():
                        total = before + option.score + link
                        _keep(table, k + count, total, (h, i - 1, k), option)
            best[i, j] = table
    finals: dict[int, tuple[float, tuple[int, int]]] = {}
    for i in range(n):
        for k, (total, _, _) in best[i, n - 1].items():
            if k not in finals or total > finals[k][0]:
                finals[k] = (total, (i, n - 1))
    count = max(finals, key=lambda k: finals[k][0])
    top = finals[count][0]
    others = [total for k, (total, _) in finals.items() if k != count]
    margin = top - max(others) if others else math.inf
    chosen: list[tuple[tuple[int, ...], _Option]] = []
    state: tuple | None = (*finals[count][1], count)
    while state is not None:
        i, j, k = state
        _, back, option = best[i, j][k]
        chosen.insert(0, (runs[i, j], option))
        state = back
    doubts = [[CUT_REASON if p.cut else "" for p in option.pieces] for _, option in chosen]
    for n, ((before, _), (after, _)) in enumerate(itertools.pairwise(chosen)):
        if layout.touch(before, after):  # split where the ink runs on: a guess
            doubts[n][-1] = doubts[n][-1] or CUT_REASON
            doubts[n + 1][0] = doubts[n + 1][0] or CUT_REASON
    out = []
    for (_, option), reasons in zip(chosen, doubts, strict=True):
        for piece, reason in zip(option.pieces, reasons, strict=True):
            doubtful = not reason and margin < UNSURE_MARGIN
            out.append((piece, MARGIN_REASON if doubtful else reason))
    return out


def _keep(table: dict, k: int, total: float, back, option: _Option) -> None:
    if k not in table or total > table[k][0]:
        table[k] = (total, back, option)


def _clean(strokes) -> tuple[list[np.ndarray], list[int]]:
    lines, index = [], []
    for i, raw in enumerate(strokes or ()):
        line = np.asarray(raw, np.float64).reshape(-1, 2)
        if len(line) and np.isfinite(line).all():
            lines.append(line)
            index.append(i)
    return lines, index


def _pieces(
    strokes, reader: Reader | None, width: float
) -> tuple[_Layout, list[int], list[tuple[_Piece, str]]] | None:
    lines, index = _clean(strokes)
    if not lines:
        return None
    layout = _Layout(lines, reader, width)
    found = [found for cluster in layout.clusters for found in _segment_cluster(layout, cluster)]
    found.sort(key=lambda pm: sum(layout.extent(pm[0])[0::2]))
    return layout, index, found


def segment(
    strokes: Sequence[np.ndarray], predictor=None, width: float = PEN_WIDTH
) -> list[list[int]]:
    """Group strokes into digits, left to right: lists of input stroke indices.

    Geometry alone without ``predictor``; with one, the network's reading of every
    candidate helps choose. A stroke cut between two digits appears in both lists.
    """
    found = _pieces(strokes, _reader(predictor), width)
    if found is None:
        return []
    layout, index, pieces = found
    return [_input_indices(layout, index, piece) for piece, _ in pieces]


def _input_indices(layout: _Layout, index: list[int], piece: _Piece) -> list[int]:
    return [index[m] for m in piece.members if _clip_x(layout.lines[m], piece.lo, piece.hi)]


def _reader(predictor) -> Reader | None:
    if predictor is None:
        return None
    return lambda images: predictor.predict(np.stack(images).reshape(len(images), -1))


def read_number(predictor, strokes, width: float = PEN_WIDTH) -> NumberReading | None:
    """The digits written, left to right; ``None`` when there are no strokes."""
    found = _pieces(strokes, _reader(predictor), width)
    if found is None:
        return None
    layout, index, pieces = found
    digits = []
    for piece, doubt in pieces:
        image, probabilities = layout.read(piece)
        probabilities = np.asarray(probabilities, np.float32)
        low = not doubt and float(probabilities.max()) < UNSURE_PROBABILITY
        why = LOW_REASON if low else doubt
        digits.append(
            DigitReading(
                strokes=tuple(_input_indices(layout, index, piece)),
                box=layout.extent(piece),
                image=image,
                probabilities=probabilities,
                digit=int(probabilities.argmax()),
                unsure=bool(why),
                why=why,
            )
        )
    return NumberReading(tuple(digits))
