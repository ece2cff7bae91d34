"""Drawn-digit benchmark: how well each model preset reads digits drawn with a brush.

MNIST test digits are turned into strokes (skeleton -> polylines), re-drawn on a
280x280 canvas at two sizes and three brush widths at random positions, prepared with
``to_mnist`` exactly like the canvas does, and read by the numpy ``Predictor``.

    PYTHONPATH=. python benchmarks/drawn_digits.py [--presets tutorial,robust] [--n 1000]

Trained models are cached in ``build/benchmark_models`` (``--retrain`` to redo them);
the "tutorial" preset uses the bundled model when no cached one exists, since the
bundled model is exactly that recipe with seed 1. Figures go to BENCHMARKS.md under
"## Drawn digits" (``--no-write`` to skip).
"""

from __future__ import annotations

import argparse
import logging
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from digitpad.ml.data import load_mnist  # noqa: E402
from digitpad.ml.model import bundled_model_path, save_model  # noqa: E402
from digitpad.ml.predictor import Predictor  # noqa: E402
from digitpad.ml.preprocess import to_mnist  # noqa: E402
from digitpad.ml.presets import PRESETS, get_preset, train_preset  # noqa: E402
from digitpad.ml.render import render  # noqa: E402
from digitpad.ml.strokes import mnist_to_strokes, place  # noqa: E402

CANVAS = (280, 280)
SIZES = {"small": 90, "large": 240}
BRUSHES = {"thin": 6, "medium": 14, "thick": 26}
HEADING = "## Drawn digits"


def drawn_set(mnist, n: int, seed: int):
    """(images (m, 28, 28) after to_mnist, labels, size names, brush names)."""
    rng = np.random.default_rng(seed)
    images, labels, sizes, brushes = [], [], [], []
    for i in range(n):
        strokes = mnist_to_strokes(mnist.x_test[i])
        if not strokes:
            continue
        for size_name, height in SIZES.items():
            for brush_name, width in BRUSHES.items():
                margin = height / 2 + width
                cx = rng.uniform(margin, CANVAS[1] - margin) if margin < CANVAS[1] / 2 else 140
                cy = rng.uniform(margin, CANVAS[0] - margin) if margin < CANVAS[0] / 2 else 140
                drawing = render(place(strokes, height, (cx, cy)), CANVAS, width)
                images.append(to_mnist(drawing))
                labels.append(int(mnist.y_test[i]))
                sizes.append(size_name)
                brushes.append(brush_name)
    return np.stack(images), np.array(labels), np.array(sizes), np.array(brushes)


def get_predictor(key: str, mnist, *, models: Path, seed: int, retrain: bool, log) -> tuple:
    path = models / f"{key}-seed{seed}.keras"
    if path.exists() and not retrain:
        return Predictor.from_file(path), f"cached {path.name}", None
    if key == "tutorial" and not retrain:
        return Predictor.from_file(bundled_model_path()), "bundled model", None
    preset = get_preset(key)
    started = time.perf_counter()

    def on_epoch(epoch, logs):
        log.info("%s epoch %d: loss %.4f acc %.4f", key, epoch, logs["loss"], logs["accuracy"])

    model, _result = train_preset(preset, mnist, seed=seed, on_epoch=on_epoch)
    seconds = time.perf_counter() - started
    models.mkdir(parents=True, exist_ok=True)
    save_model(model, path)
    predictor = Predictor.from_file(path)
    return predictor, f"trained, seed {seed}, {seconds:.0f} s", model


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", default=",".join(PRESETS))
    parser.add_argument("--n", type=int, default=1000, help="MNIST test digits to draw")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--models", default=str(ROOT / "build" / "benchmark_models"))
    parser.add_argument("--retrain", action="store_true")
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    log = logging.getLogger("drawn_digits")

    mnist = load_mnist()
    started = time.perf_counter()
    images, labels, sizes, brushes = drawn_set(mnist, args.n, args.seed)
    log.info("%d drawn digits in %.1f s", len(images), time.perf_counter() - started)
    x_test = mnist.x_test.reshape(-1, 784).astype(np.float32) / 255

    rows = []
    for key in args.presets.split(","):
        predictor, origin, model = get_predictor(
            key, mnist, models=Path(args.models), seed=args.seed, retrain=args.retrain, log=log
        )
        if model is not None:  # the numpy predictor must agree with Keras
            ref = model.predict(x_test[:1000], batch_size=500, verbose=0)
            gap = float(np.abs(predictor.predict(x_test[:1000]) - ref).max())
            log.info("%s: numpy vs Keras max difference %.2e", key, gap)
        mnist_acc = float((predictor.predict(x_test).argmax(1) == mnist.y_test).mean())
        hits = predictor.predict(images).argmax(1) == labels
        row = {"preset": key, "origin": origin, "mnist": mnist_acc, "drawn": float(hits.mean())}
        for name in BRUSHES:
            row[name] = float(hits[brushes == name].mean())
        for name in SIZES:
            row[name] = float(hits[sizes == name].mean())
        rows.append(row)
        log.info("%s: %s", key, row)

    columns = ["MNIST test", "drawn (all)", *BRUSHES, *SIZES]
    table = ["| preset | model | " + " | ".join(columns) + " |"]
    table.append("|" + "---|" * (len(columns) + 2))
    for r in rows:
        cells = [r["mnist"], r["drawn"], *(r[b] for b in BRUSHES), *(r[s] for s in SIZES)]
        table.append(
            f"| {r['preset']} | {r['origin']} | " + " | ".join(f"{c:.4f}" for c in cells) + " |"
        )
    text = "\n".join(table)
    print(text)
    if not args.no_write:
        write_section(text, len(images), args)
    return 0


def write_section(table: str, count: int, args) -> None:
    brushes = ", ".join(f"{k} {v} px" for k, v in BRUSHES.items())
    sizes = ", ".join(f"{k} {v} px tall" for k, v in SIZES.items())
    body = (
        f"{HEADING}\n\n"
        f"`PYTHONPATH=. python benchmarks/drawn_digits.py --n {args.n} --seed {args.seed}`\n\n"
        f"The first {args.n} MNIST test digits, each thinned to strokes and re-drawn on a "
        f"{CANVAS[1]}x{CANVAS[0]} canvas with a round brush ({brushes}; {sizes}; random "
        f"position), {count} drawings in all, prepared with `to_mnist` and read by the numpy "
        f'Predictor. Columns after "drawn (all)" are accuracy on that subset.\n\n'
        f"{table}\n"
    )
    path = ROOT / "BENCHMARKS.md"
    old = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    pattern = re.compile(rf"^{re.escape(HEADING)}\n.*?(?=^## |\Z)", re.S | re.M)
    if pattern.search(old):
        new = pattern.sub(lambda _m: body + "\n", old).rstrip() + "\n"
    else:
        new = old.rstrip() + "\n\n" + body
    path.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
