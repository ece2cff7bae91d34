"""Time to accuracy of a Train click (issue 28): where the seconds go, and what it reads.

    python3 benchmarks/train_click.py window --preset robust [--clicks 2] [--epochs N]
    python3 benchmarks/train_click.py job --preset robust [--epochs N] [--batch B] ...
    python3 benchmarks/train_click.py bare [--epochs 5]

``window``: the real window (offscreen Qt, private settings), Keras preloaded in the
background as the app does, then Train clicked with the preset's defaults: click ->
first batch -> each epoch -> the new network live (``trainingFinished``), each click in
turn. ``job``: the click's own function (``ui.training.job.run_training``) without Qt,
with the preset's recipe changed by the options (for trying variants quickly).
``bare``: the tutorial's script, ``model.fit`` + ``model.evaluate``, the reference of
the Tutorial preset's cost. Every mode reads the trained network on the held-out pen
writers drawn on the pad six ways (``benchmarks/handwriting.py``'s "pen (all)", the
*pad* row) and on MNIST test. Prints one JSON object. Not a test; run one at a time.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

PAD_SETS = Path(tempfile.gettempdir()) / "digitpad-heldout-pad-sets.npz"


def pad_sets() -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The held-out writers drawn on the pad in handwriting.py's six ways, prepared from
    the whole-pixel strokes as the window does (cached in /tmp between runs)."""
    from benchmarks.handwriting import CONDITIONS, PAD
    from digitpad.ml import pendigits
    from digitpad.ml.preprocess import strokes_to_mnist
    from digitpad.ml.strokes import place

    _, held_out = pendigits.load_pendigits().split()
    if PAD_SETS.is_file():
        with np.load(PAD_SETS) as found:
            return {k: found[k] for k in CONDITIONS}, held_out.labels
    sets = {}
    for name, c in CONDITIONS.items():
        images = []
        for strokes in held_out.strokes:
            placed = place(
                list(strokes), c["height"] * PAD, (c["centre"][0] * PAD, c["centre"][1] * PAD)
            )
            images.append(strokes_to_mnist([np.round(line) for line in placed]))
        sets[name] = np.stack(images).reshape(len(images), -1)
    np.savez_compressed(PAD_SETS, **sets)
    return sets, held_out.labels


def reads(predictor, mnist) -> dict:
    sets, labels = pad_sets()
    per = {
        name: float((predictor.predict(x).argmax(1) == labels).mean()) for name, x in sets.items()
    }
    x_test = mnist.x_test.reshape(-1, 784).astype(np.float32) / 255
    return {
        "pen_all": float(np.mean(list(per.values()))),
        "pen": per,
        "mnist_test_numpy": float((predictor.predict(x_test).argmax(1) == mnist.y_test).mean()),
    }


def forward_flops(model) -> int:
    """Multiply-adds x 2 of one image's forward pass through the Dense and Conv2D layers."""
    total = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Dense":
            total += 2 * int(layer.kernel.shape[0]) * int(layer.kernel.shape[1])
        elif kind == "Conv2D":
            kh, kw, cin, cout = (int(v) for v in layer.kernel.shape)
            _, oh, ow, _ = layer.output.shape
            total += 2 * oh * ow * kh * kw * cin * cout
    return total


def mode_matmul(args) -> dict:
    """The machine's float32 matrix-multiply throughput (numpy and TensorFlow), 2048^3."""
    n = 2048
    a = np.random.default_rng(0).random((n, n), np.float32)
    best = min(_timed(lambda: a @ a) for _ in range(5))
    from digitpad.ml.model import import_keras

    import_keras()
    import tensorflow as tf

    t = tf.constant(a)
    best_tf = min(_timed(lambda: tf.linalg.matmul(t, t).numpy()) for _ in range(5))
    return {
        "mode": "matmul",
        "numpy_gflops": 2 * n**3 / best / 1e9,
        "tensorflow_gflops": 2 * n**3 / best_tf / 1e9,
    }


def _timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def machine() -> dict:
    return {"load": os.getloadavg(), "cores": os.cpu_count()}


# -- the real window ---------------------------------------------------------------------


def mode_window(args) -> dict:  # noqa: PLR0915
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    home = Path(tempfile.mkdtemp(prefix="digitpad-bench-"))
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["DIGITPAD_DATA_HOME"] = str(home / "data")
    from PySide6.QtCore import QEventLoop, QTimer

    from benchmarks._gui_child import SignalWaiter, draw_stroke, make_window, pad_points
    from digitpad.ml.data import load_mnist_cached

    app, window = make_window((1366, 768))
    draw_stroke(window, SignalWaiter(window), pad_points(window.canvas, 30))

    def wait(condition, timeout):
        loop = QEventLoop()
        check = QTimer()
        check.setInterval(20)
        check.timeout.connect(lambda: loop.quit() if condition() else None)
        check.start()
        QTimer.singleShot(int(timeout * 1000), loop.quit)
        if not condition():
            loop.exec()
        check.stop()

    t = time.perf_counter()
    wait(lambda: "keras" in sys.modules and not window.preloader.is_running(), 120)
    preload = time.perf_counter() - t
    panel = window.train_panel
    # As a teacher does: the preset chosen, a moment's talk, then Train (choosing it
    # prepares its training in the background: presets.warm_up). --cold clicks at once.
    t = time.perf_counter()
    if not args.cold:
        panel.preset.set_key(args.preset)
        wait(lambda: not panel.is_warming_up(), 120)
    warm = time.perf_counter() - t
    marks: dict = {}
    panel.batchEnded.connect(lambda *a: marks.setdefault("first_batch", time.perf_counter()))
    panel.epochEnded.connect(
        lambda e, logs: marks["epochs"].append((e, time.perf_counter(), dict(logs)))
    )
    panel.trainingFinished.connect(lambda r: marks["finished"].append((time.perf_counter(), r)))
    panel.modelReady.connect(lambda *a: marks["ready"].append((time.perf_counter(), a)))
    clicks = []
    for _ in range(args.clicks):
        marks.clear()
        marks.update(epochs=[], finished=[], ready=[])
        cpu0 = time.process_time()
        click = time.perf_counter()
        panel.start_training(preset=args.preset, epochs=args.epochs, train_limit=args.limit)
        wait(lambda: bool(marks["finished"]), 1800)
        cpu = time.process_time() - cpu0
        end, result = marks["finished"][0]
        ready = marks["ready"]
        live = ready[0][0] if ready else end
        predictor = ready[0][1][1] if ready else None
        out = {
            "click_to_live_s": live - click,
            "click_to_first_batch_s": marks.get("first_batch", end) - click,
            "epochs": [{"epoch": e, "at_s": t - click, **logs} for e, t, logs in marks["epochs"]],
            "last_epoch_to_live_s": live - (marks["epochs"][-1][1] if marks["epochs"] else click),
            "test_acc": result.get("test_acc"),
            "stopped": result.get("stopped"),
            "process_cpu_s": cpu,
            "load_after": os.getloadavg(),
        }
        if predictor is not None:
            out.update(reads(predictor, load_mnist_cached(None)))
        clicks.append(out)
        for _ in range(20):
            app.processEvents()
    window.close()
    return {
        "mode": "window",
        "preset": args.preset,
        "preload_wait_s": preload,
        "warm_up_wait_s": warm,
        "cold": bool(args.cold),
        "clicks": clicks,
    }


# -- the click's function without Qt -----------------------------------------------------


class _Context:
    def __init__(self, marks):
        self.cancel = threading.Event()
        self.marks = marks

    def progress(self, value):
        now = time.perf_counter()
        kind = value[0]
        if kind == "stage":
            self.marks["stages"].append((value[1], now))
        elif kind == "batch":
            self.marks.setdefault("first_batch", now)
        elif kind == "epoch":
            self.marks["epochs"].append((value[1], now, value[2]))

    def cancelled(self):
        return self.cancel.is_set()


def variant(args):
    from digitpad.ml import presets

    preset = presets.get_preset(args.preset)
    recipe = preset.recipe.with_(
        epochs=args.epochs,
        batch_size=args.batch,
        learning_rate=args.lr,
        optimizer=args.optimizer,
        schedule=args.schedule,
    )
    changes = {"recipe": recipe}
    if args.filters:
        changes["filters"] = tuple(int(v) for v in args.filters.split(","))
    if args.dense:
        changes["dense_units"] = args.dense
    if args.pen_width:
        changes["pen_augment"] = replace(preset.pen_augment, thicken=0.25, thin=0.15)
    if args.eval_batch:
        changes["eval_batch_size"] = args.eval_batch
    if args.pen_repeat is not None:
        changes["pen_repeat"] = args.pen_repeat
    if args.share is not None and preset.augment is not None:
        changes["augment"] = replace(preset.augment, share=args.share)
    return replace(preset, **changes)


def mode_job(args) -> dict:
    from digitpad.ml import presets
    from digitpad.ml.data import load_mnist_cached
    from digitpad.ml.model import import_keras
    from digitpad.ui.training import job as tj

    keras = import_keras()  # the background preload
    if args.bf16:
        keras.mixed_precision.set_global_policy("mixed_bfloat16")
    if args.jit is not None:
        original = presets.reusable_preset_model
        presets.reusable_preset_model = lambda p, seed=None, jit_compile=True: original(
            p, seed, jit_compile=bool(args.jit)
        )
    preset = variant(args)
    presets.PRESETS[preset.key] = preset  # the job looks its preset up by key
    runs = []
    for _ in range(args.clicks):
        marks = {"stages": [], "epochs": []}
        cpu0 = time.process_time()
        click = time.perf_counter()
        outcome = tj.run_training(
            tj.TrainingJob(preset.recipe, None, args.limit, True, preset.key), _Context(marks)
        )
        end = time.perf_counter()
        cpu = time.process_time() - cpu0
        runs.append(
            {
                "click_to_live_s": end - click,
                "stages_s": {name: t - click for name, t in marks["stages"]},
                "click_to_first_batch_s": marks.get("first_batch", end) - click,
                "epochs": [
                    {"epoch": e, "at_s": t - click, **logs} for e, t, logs in marks["epochs"]
                ],
                "last_epoch_to_live_s": end
                - (marks["epochs"][-1][1] if marks["epochs"] else click),
                "test_acc": outcome.result.get("test_acc"),
                "samples": _samples(preset, args.limit),
                "process_cpu_s": cpu,
                "load_after": os.getloadavg(),
                **reads(outcome.predictor, load_mnist_cached(None)),
            }
        )
    from digitpad.ml.presets import _reusable

    (model,) = _reusable.values()
    flops = forward_flops(model)
    return {
        "mode": "job",
        "forward_flops_per_image": flops,
        "train_flops_per_epoch": 3 * flops * runs[0].get("samples", 0),
        "preset": preset.key,
        "recipe": preset.recipe.as_dict(),
        "filters": getattr(preset, "filters", None),
        "dense_units": getattr(preset, "dense_units", None),
        "pen_repeat": preset.pen_repeat,
        "share": getattr(preset.augment, "share", None),
        "runs": runs,
    }


def _samples(preset, limit) -> int:
    n = min(limit or 60_000, 60_000)
    pen = round(5995 * n / 60_000) if preset.pen_repeat else 0
    return n + pen * preset.pen_repeat if preset.augment is not None else n


# -- the tutorial's own script -----------------------------------------------------------


def mode_bare(args) -> dict:
    from digitpad.ml.data import load_mnist
    from digitpad.ml.model import import_keras
    from digitpad.ml.predictor import Predictor

    keras = import_keras()
    from keras import layers

    mnist = load_mnist()
    runs = []
    for _ in range(args.clicks):
        t0 = time.perf_counter()
        train_images = mnist.x_train.reshape((60000, 28 * 28)).astype("float32") / 255
        test_images = mnist.x_test.reshape((10000, 28 * 28)).astype("float32") / 255
        model = keras.Sequential(
            [layers.Dense(512, activation="relu"), layers.Dense(10, activation="softmax")]
        )
        model.compile(
            optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        model.fit(train_images, mnist.y_train, epochs=args.epochs or 5, batch_size=128, verbose=0)
        _loss, acc = model.evaluate(test_images, mnist.y_test, verbose=0)
        runs.append({"fit_evaluate_s": time.perf_counter() - t0, "test_acc": float(acc)})
        runs[-1].update(reads(Predictor.from_keras(model), mnist))
        runs[-1]["load_after"] = os.getloadavg()
    return {"mode": "bare", "runs": runs}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("mode", choices=["window", "job", "bare", "matmul"])
    parser.add_argument("--preset", default="robust")
    parser.add_argument("--clicks", type=int, default=1)
    parser.add_argument(
        "--cold", action="store_true", help="window: click at once, no warm-up of the preset"
    )
    parser.add_argument("--epochs", type=int)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--batch", type=int)
    parser.add_argument("--lr", type=float)
    parser.add_argument("--optimizer")
    parser.add_argument("--schedule")
    parser.add_argument("--filters", help="e.g. 16,32")
    parser.add_argument("--dense", type=int)
    parser.add_argument("--pen-repeat", type=int)
    parser.add_argument("--share", type=float, help="share of MNIST images changed")
    parser.add_argument("--jit", type=int, help="job: 0 = no XLA for the model")
    parser.add_argument("--eval-batch", type=int)
    parser.add_argument("--pen-width", action="store_true", help="pen digits thicker/thinner too")
    parser.add_argument("--bf16", action="store_true", help="job: mixed bfloat16")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    modes = {"window": mode_window, "job": mode_job, "bare": mode_bare, "matmul": mode_matmul}
    out = modes[args.mode](args)
    out["wall_s"] = time.perf_counter() - started
    out["machine"] = machine()
    print(json.dumps(out, default=float))
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    raise SystemExit(main())
