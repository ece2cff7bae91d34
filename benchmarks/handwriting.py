"""Real-handwriting benchmark: how well each bundled network reads digits people drew.

Real pen-written digits from writers no model was trained on (the held-out writers of
``digitpad.ml.pendigits``), and MNIST test digits thinned to strokes, are placed on the
pad (336 px, the canvas' default) the way a person would draw them: thin / medium /
thick brush, small / large digits, small in a corner. Points are rounded to whole
pixels, as mouse events are. Each drawing is then prepared two ways:

- **pad**: what the window does, from the strokes' geometry (``strokes_to_mnist``);
- **pixels**: the brush's pixels through ``to_mnist``, as for an image file (and as the
  pad did before): kept to show what the geometry buys.

    DIGITPAD_PENDIGITS=... DIGITPAD_MNIST=... python benchmarks/handwriting.py [--no-write]

Figures go to BENCHMARKS.md under "## Real handwriting". Not a test; plain script.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks import _report  # noqa: E402
from digitpad.ml import pendigits  # noqa: E402
from digitpad.ml.data import load_mnist  # noqa: E402
from digitpad.ml.model import BUNDLED_VARIANTS, bundled_variant_path  # noqa: E402
from digitpad.ml.predictor import Predictor  # noqa: E402
from digitpad.ml.preprocess import strokes_to_mnist, to_mnist  # noqa: E402
from digitpad.ml.render import render  # noqa: E402
from digitpad.ml.strokes import mnist_to_strokes, place  # noqa: E402

HEADING = "## Real handwriting"
PAD = pendigits.PAD
MEDIUM = dict(brush=0.09, height=0.6, centre=(0.5, 0.5))  # the default brush, a usual size
CONDITIONS = {
    "thin": dict(MEDIUM, brush=0.04),
    "medium": MEDIUM,
    "thick": dict(MEDIUM, brush=0.16),
    "small": dict(MEDIUM, height=0.3),
    "large": dict(MEDIUM, height=0.85),
    "off-centre": dict(MEDIUM, height=0.35, centre=(0.25, 0.75)),
}


def on_pad(strokes, brush: float, height: float, centre) -> tuple[list, np.ndarray]:
    """(whole-pixel strokes, the brush's pixels) for one digit drawn on the pad."""
    placed = place(list(strokes), height * PAD, (centre[0] * PAD, centre[1] * PAD))
    mouse = [np.round(line) for line in placed]
    return mouse, render(mouse, (PAD, PAD), brush * PAD)


def prepared(all_strokes, condition: dict) -> tuple[np.ndarray, np.ndarray]:
    """(pad inputs, pixel inputs), each (n, 28, 28)."""
    pad, pixels = [], []
    for strokes in all_strokes:
        mouse, image = on_pad(strokes, **condition)
        pad.append(strokes_to_mnist(mouse))
        pixels.append(to_mnist(np.pad(image, 1)))
    return np.stack(pad), np.stack(pixels)


def networks() -> dict[str, Predictor]:
    found = {}
    for key in BUNDLED_VARIANTS:
        path = bundled_variant_path(key)
        if path is not None:
            found[key] = Predictor.from_file(path)
    return found


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist-digits", type=int, default=1000, help="MNIST test digits")
    parser.add_argument("--pen-digits", type=int, default=0, help="0: every held-out digit")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    _, held_out = pendigits.load_pendigits().split()
    if args.pen_digits:
        held_out = held_out.subset(np.arange(len(held_out)) < args.pen_digits)
    mnist = load_mnist()
    mnist_strokes = [mnist_to_strokes(x) for x in mnist.x_test[: args.mnist_digits]]
    keep = [i for i, s in enumerate(mnist_strokes) if s]
    mnist_strokes = [mnist_strokes[i] for i in keep]
    mnist_labels = mnist.y_test[: args.mnist_digits][keep]
    pen_sets = {name: prepared(held_out.strokes, c) for name, c in CONDITIONS.items()}
    mnist_pad, mnist_pixels = prepared(mnist_strokes, MEDIUM)
    x_test = mnist.x_test.reshape(-1, 784).astype(np.float32) / 255
    nets = networks()

    rows = []
    for key, net in nets.items():
        for way, index in (("pad", 0), ("pixels", 1)):
            row = {"network": key, "way": way}
            for name, images in pen_sets.items():
                guesses = net.predict(images[index]).argmax(1)
                row[name] = float((guesses == held_out.labels).mean())
            row["pen (all)"] = float(np.mean([row[name] for name in CONDITIONS]))
            redrawn = (mnist_pad, mnist_pixels)[index]
            row["redrawn MNIST"] = float((net.predict(redrawn).argmax(1) == mnist_labels).mean())
            row["MNIST test"] = float((net.predict(x_test).argmax(1) == mnist.y_test).mean())
            row["spread"] = max(row[n] for n in CONDITIONS) - min(row[n] for n in CONDITIONS)
            rows.append(row)
    columns = ["pen (all)", *CONDITIONS, "spread", "redrawn MNIST", "MNIST test"]
    table = ["| network | prepared from | " + " | ".join(columns) + " |"]
    table.append("|" + "---|" * (len(columns) + 2))
    for r in rows:
        way = "**strokes (the pad)**" if r["way"] == "pad" else "pixels (`to_mnist`)"
        cells = " | ".join(f"{r[c]:.4f}" for c in columns)
        table.append(f"| {r['network']} | {way} | {cells} |")
    text = "\n".join(table)
    seconds = time.perf_counter() - started
    print(text)
    if not args.no_write:
        write_section(text, len(held_out), len(mnist_labels), held_out, seconds)
    return 0


def write_section(table: str, pen_count: int, mnist_count: int, held_out, seconds) -> None:
    writers = ", ".join(str(w) for w in sorted(set(held_out.writers.tolist())))
    conditions = "; ".join(
        f"{name}: brush {c['brush']:.0%}, {c['height']:.0%} tall at "
        f"({c['centre'][0]:.0%}, {c['centre'][1]:.0%})"
        for name, c in CONDITIONS.items()
    )
    load = _report.load_average()
    measured_at = _report.commit(ROOT, "digitpad", "resources")
    body = (
        f"{HEADING}\n\n"
        "`DIGITPAD_PENDIGITS=../shared/datasets/pendigits DIGITPAD_MNIST=... "
        "python3 benchmarks/handwriting.py`\n\n"
        f"{pen_count} real pen-written digits by the held-out writers ({writers}) of the "
        "pen data, whom no bundled network was trained on, each drawn on a "
        f"{PAD} px pad in six ways ({conditions}; points rounded to whole pixels like "
        f"mouse events). *redrawn MNIST*: the first {mnist_count} MNIST test digits "
        "thinned to strokes and drawn at the medium setting. *spread*: best minus worst "
        "of the six pen columns. *pad* rows are what the window reads; *pixels* rows "
        "prepare the brush's pixels instead (images, and the pad before).\n\n"
        f"{table}\n\n"
        f"_(commit {measured_at}; {seconds:.0f} s; load average {load} at the end)_\n"
    )
    _report.replace_section(ROOT / "BENCHMARKS.md", HEADING, body, first=True)


if __name__ == "__main__":
    raise SystemExit(main())
