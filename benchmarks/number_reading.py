"""Whole numbers written on a wide pad, and the cost of explaining a reading.

Numbers of 2 to 6 digits are composed from real pen-written digits by the held-out
writers of ``digitpad.ml.pendigits`` (never trained on) and from MNIST test digits
thinned to strokes (``strokes.mnist_to_strokes``), the way a person writes a number:
every digit scaled to a common height (100 px) times a random size (+-15 %), its
baseline jittered (+-8 % of the height), and the gap to the previous digit drawn from
U(-0.1, 0.5) x the height, so one gap in five overlaps the previous digit in x.
Points are rounded to whole pixels, as mouse events are; each digit's strokes are
written in their own order, one digit after the other. ``read_number`` reads them with
each bundled network. A last set joins two single-stroke pen digits into one stroke (a
ligature from the end of the first to the start of the second), as cursive writing does.
The pen 4-digit numbers are read again written right to left and with their digits in a
random order (each digit's strokes still one after the other): a number is a
left-to-right thing on the pad, whatever order the pen took. Last, marks that are no
digit (a click, a tap, a dash, a line, a flat slanted line, alone on the wide pad) and
two different pen digits drawn on one spot: how often each reads as a sure digit.

    DIGITPAD_PENDIGITS=... DIGITPAD_MNIST=... python benchmarks/number_reading.py [--numbers N]

Figures go to BENCHMARKS.md under "## Explaining and reading numbers". Not a test.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import itertools  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from benchmarks import _report  # noqa: E402
from digitpad.ml import pendigits  # noqa: E402
from digitpad.ml.data import load_mnist  # noqa: E402
from digitpad.ml.explain import explain  # noqa: E402
from digitpad.ml.model import BUNDLED_VARIANTS, bundled_variant_path  # noqa: E402
from digitpad.ml.numbers import read_number  # noqa: E402
from digitpad.ml.predictor import Predictor  # noqa: E402
from digitpad.ml.strokes import mnist_to_strokes  # noqa: E402

HEADING = "## Explaining and reading numbers"
HEIGHT = 100.0  # px: the common digit height
SIZE = 0.15  # +- relative size
BASELINE = 0.08  # +- baseline jitter, in heights
GAP = (-0.1, 0.5)  # gap to the previous digit, in heights
LIGATURE_GAP = (0.05, 0.3)  # the joined pairs: a real gap, bridged by the pen
SEED = 15


def compose(digits, rng: np.random.Generator) -> list[np.ndarray]:
    """One number: each digit's strokes placed after the previous digit's, in order."""
    strokes: list[np.ndarray] = []
    right = 20.0
    for k, lines in enumerate(digits):
        points = np.concatenate(lines)
        low, high = points.min(axis=0), points.max(axis=0)
        size = HEIGHT * rng.uniform(1 - SIZE, 1 + SIZE)
        scale = size / max(float(high[1] - low[1]), 1e-6)
        left = right + (rng.uniform(*GAP) * HEIGHT if k else 0.0)
        bottom = 150.0 + rng.uniform(-BASELINE, BASELINE) * HEIGHT
        placed = [
            np.round((np.asarray(line, np.float64) - low) * scale + [left, bottom - size])
            for line in lines
        ]
        strokes.extend(placed)
        right = max(float(line[:, 0].max()) for line in placed)
    return strokes


def joined_pair(first, second, rng: np.random.Generator) -> list[np.ndarray]:
    """Two single-stroke digits written as one stroke, a short ligature between them."""
    a, b = compose([first, second], rng)
    shift = a[:, 0].max() + rng.uniform(*LIGATURE_GAP) * HEIGHT - b[:, 0].min()
    b = b + np.array([shift, 0.0])
    return [np.vstack([a, b])]


def numbers_from(pool, labels, rng, count: int, lengths, *, counts=None) -> list[tuple[list, str]]:
    """``count`` numbers; ``counts``, when given, gets each number's strokes per digit."""
    out = []
    for _ in range(count):
        picks = rng.integers(len(pool), size=int(rng.choice(lengths)))
        text = "".join(str(int(labels[i])) for i in picks)
        out.append((compose([pool[i] for i in picks], rng), text))
        if counts is not None:
            counts.append([len(pool[i]) for i in picks])
    return out


def reordered(numbers, counts, how: str, rng: np.random.Generator) -> list[tuple[list, str]]:
    """The same numbers with their digits drawn in another order (``"right to left"`` or
    ``"any order"``), each digit's strokes still one after the other."""
    out = []
    for (strokes, text), sizes in zip(numbers, counts, strict=True):
        ends = np.cumsum([0, *sizes])
        digits = [strokes[a:b] for a, b in itertools.pairwise(ends)]
        order = range(len(digits))[::-1] if how == "right to left" else rng.permutation(len(digits))
        out.append(([s for k in order for s in digits[k]], text))
    return out


def _line(a, b, n: int = 12) -> np.ndarray:
    return np.linspace(a, b, n)


NOT_DIGITS = {  # alone on the wide pad, in pad heights (its height is 1)
    "a click": [np.array([[1.2, 0.5], [1.2, 0.5]])],
    "a tap that wobbled": [np.array([[1.2, 0.5], [1.203, 0.502], [1.201, 0.5]])],
    "a short dash": [_line([1.1, 0.5], [1.25, 0.5])],
    "a dash drawn by hand": [_line([1.1, 0.5], [1.3, 0.515])],
    "a line along the pad": [_line([0.2, 0.5], [2.2, 0.5])],
    "a flat slanted line": [_line([1.0, 0.8], [1.6, 0.45])],
}


def hostile(net: Predictor, pool, labels, rng: np.random.Generator, pairs: int) -> dict:
    """Share of marks that are no digit read as a sure digit, and of two different pen
    digits drawn on one spot read as one sure digit."""
    sure = [
        bool(r is not None and r.digits and not r.unsure)
        for r in (read_number(net, s, pad_height=1.0) for s in NOT_DIGITS.values())
    ]
    one = 0
    done = 0
    while done < pairs:
        i, j = rng.integers(len(pool), size=2)
        if labels[i] == labels[j]:
            continue  # a 3 over a 3 is a 3
        done += 1
        first = compose([pool[i]], rng)
        second = [s + rng.uniform(-8, 8, size=2) for s in compose([pool[j]], rng)]
        reading = read_number(net, first + second)
        one += len(reading.digits) == 1 and not reading.unsure
    return {"marks": sum(sure) / len(sure), "on one spot": one / pairs}


def edit_distance(a: str, b: str) -> int:
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        previous, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            previous, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, previous + (ca != cb))
    return row[-1]


def score(net: Predictor, numbers) -> dict:
    """Digit accuracy (1 - edit distance / digits written), whole numbers right, the
    share flagged unsure, whole numbers right among those not flagged, ms per number."""
    errors = written = right = unsure = sure_right = 0
    started = time.perf_counter()
    for strokes, text in numbers:
        reading = read_number(net, strokes)
        got = reading.text if reading else ""
        errors += edit_distance(got, text)
        written += len(text)
        right += got == text
        flagged = bool(reading and reading.unsure)
        unsure += flagged
        sure_right += (not flagged) and got == text
    n = len(numbers)
    return {
        "digits": 1 - errors / written,
        "numbers": right / n,
        "unsure": unsure / n,
        "sure right": sure_right / max(1, n - unsure),
        "ms": (time.perf_counter() - started) / n * 1e3,
    }


def explain_timing(net: Predictor, images: np.ndarray) -> dict:
    """Median and p99 ms of one ``explain`` call, and of one ``predict`` beside it."""
    explain(net, images[0])  # first call builds the per-network plan
    times: dict[str, list[float]] = {"explain": [], "predict": []}
    for image in images:  # alternate, so both see the same machine load
        for name, call in (("explain", explain), ("predict", Predictor.predict)):
            t = time.perf_counter()
            call(net, image)
            times[name].append((time.perf_counter() - t) * 1e3)
    return {
        f"{name} {q}": float(np.percentile(values, p))
        for name, values in times.items()
        for q, p in (("median", 50), ("p99", 99))
    }


def networks() -> dict[str, Predictor]:
    found = {}
    for key in BUNDLED_VARIANTS:
        path = bundled_variant_path(key)
        if path is not None:
            found[key] = Predictor.from_file(path)
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--numbers", type=int, default=200, help="numbers per set")
    parser.add_argument("--mnist-digits", type=int, default=2000, help="MNIST test digits")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rng = np.random.default_rng(SEED)
    _, held_out = pendigits.load_pendigits().split()
    pen_pool = list(held_out.strokes)
    mnist = load_mnist()
    traced = [mnist_to_strokes(x) for x in mnist.x_test[: args.mnist_digits]]
    keep = [i for i, lines in enumerate(traced) if lines]
    mnist_pool = [traced[i] for i in keep]
    mnist_labels = mnist.y_test[: args.mnist_digits][keep]
    single = [i for i, lines in enumerate(pen_pool) if len(lines) == 1]
    n = args.numbers
    counts: list[list[int]] = []
    sets = {
        "pen, 4 digits": numbers_from(pen_pool, held_out.labels, rng, n, [4], counts=counts),
        "pen, 2-6 digits": numbers_from(pen_pool, held_out.labels, rng, n, range(2, 7)),
        "MNIST, 4 digits": numbers_from(mnist_pool, mnist_labels, rng, n, [4]),
        "MNIST, 2-6 digits": numbers_from(mnist_pool, mnist_labels, rng, n, range(2, 7)),
    }
    pairs = [rng.choice(single, 2) for _ in range(max(1, n // 2))]
    sets["pen, 2 digits joined in one stroke"] = [
        (
            joined_pair(pen_pool[i], pen_pool[j], rng),
            f"{held_out.labels[i]}{held_out.labels[j]}",
        )
        for i, j in pairs
    ]
    other = np.random.default_rng(SEED + 1)  # the main stream's numbers stay as they were
    pen4 = sets["pen, 4 digits"]
    sets["pen, 4 digits, written right to left"] = reordered(pen4, counts, "right to left", other)
    sets["pen, 4 digits, digits in any order"] = reordered(pen4, counts, "any order", other)
    nets = networks()
    marks = {
        key: hostile(net, pen_pool, held_out.labels, np.random.default_rng(SEED + 2), n)
        for key, net in nets.items()
    }
    rows = [
        (key, name, score(net, numbers))
        for key, net in nets.items()
        for name, numbers in sets.items()
    ]
    timing_images = mnist.x_test[:500].astype(np.float32) / 255
    timings = {key: explain_timing(net, timing_images) for key, net in nets.items()}
    reading = _reading_table(rows) + "\n\n" + _hostile_table(marks, n)
    costs = _timing_table(timings)
    seconds = time.perf_counter() - started
    print(reading + "\n\n" + costs)
    if not args.no_write:
        write_section(
            reading,
            costs,
            sets,
            pen_count=len(held_out),
            mnist_count=len(mnist_pool),
            seconds=seconds,
        )
    return 0


def _reading_table(rows) -> str:
    columns = ["digits", "numbers", "unsure", "sure right", "ms"]
    lines = [
        "| network | numbers written | digits right | whole numbers right | flagged unsure "
        "| right when not flagged | ms per number |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, name, result in rows:
        cells = " | ".join(f"{result[c]:.1f}" if c == "ms" else f"{result[c]:.1%}" for c in columns)
        lines.append(f"| {key} | {name} | {cells} |")
    return "\n".join(lines)


def _hostile_table(marks: dict, pairs: int) -> str:
    lines = [
        f"| network | a mark that is no digit ({len(NOT_DIGITS)} kinds, alone) read as a sure "
        f"digit | two different pen digits on one spot ({pairs}) read as one sure digit |",
        "|---|---|---|",
    ]
    for key, m in marks.items():
        lines.append(f"| {key} | {m['marks']:.0%} | {m['on one spot']:.1%} |")
    return "\n".join(lines)


def _timing_table(timings) -> str:
    lines = [
        "| network | `explain` median ms | p99 ms | `predict` median ms | p99 ms |",
        "|---|---|---|---|---|",
    ]
    for key, t in timings.items():
        lines.append(
            f"| {key} | **{t['explain median']:.3f}** | {t['explain p99']:.3f} | "
            f"{t['predict median']:.3f} | {t['predict p99']:.3f} |"
        )
    return "\n".join(lines)


def write_section(reading: str, costs: str, sets, *, pen_count, mnist_count, seconds) -> None:
    load = _report.load_average()
    measured_at = _report.commit(ROOT, "digitpad", "benchmarks")
    counts = ", ".join(f"{len(numbers)} *{name}*" for name, numbers in sets.items())
    body = (
        f"{HEADING}\n\n"
        "`DIGITPAD_PENDIGITS=../shared/datasets/pendigits DIGITPAD_MNIST=... "
        "python3 benchmarks/number_reading.py`\n\n"
        f"Numbers composed (seed {SEED}) from the {pen_count} digits of the held-out pen "
        f"writers and {mnist_count} MNIST test digits thinned to strokes: {counts}. Each "
        f"digit is {HEIGHT:.0f} px tall x U({1 - SIZE:.2f}, {1 + SIZE:.2f}), its baseline "
        f"moved by up to {BASELINE:.0%} of the height, the gap to the previous digit "
        f"U({GAP[0]}, {GAP[1]}) x the height (one in five overlaps in x); joined pairs "
        f"are two single-stroke pen digits U{LIGATURE_GAP} heights apart, written as one "
        "stroke. *digits right*: 1 - (edit distance / digits written), so a missing or "
        "an extra digit counts as one error. *flagged unsure*: `NumberReading.unsure`.\n\n"
        f"{reading}\n\n"
        "Explaining a reading (`explain`, gradient x input of the winning score), per call "
        "on one 28x28 input, the first 500 MNIST test digits, alternating with `predict` "
        "on the same image:\n\n"
        f"{costs}\n\n"
        f"_(commit {measured_at}; {seconds:.0f} s; load average {load} at the end)_\n"
    )
    _report.replace_section(ROOT / "BENCHMARKS.md", HEADING, body)


if __name__ == "__main__":
    raise SystemExit(main())
