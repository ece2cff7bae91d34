"""One training-speed measurement in a fresh process (run by benchmarks/run.py).

Usage: python3 benchmarks/_train_child.py VARIANT EPOCHS
Prints one JSON line: {"variant", "epoch_seconds": [...], "fit_seconds", "threads"}.

A fresh process per measurement keeps variants independent: TF thread-pool sizes can
only be set before TensorFlow runs its first op, and every variant pays its own tracing.
"""

from __future__ import annotations

import json
import os
import sys
import time
from itertools import pairwise

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

VARIANTS = {
    # "bare": the tutorial's script (keras only, no digitpad code, verbose=0).
    # "app": digitpad.ml.training.train() with the knobs below, as the Train button calls
    #        it (a per-batch on_batch callable; the GUI worker passes one too).
    "bare": {"path": "bare"},
    "app": {"path": "app"},
    "app_be16": {"path": "app", "batch_every": 16},  # -> steps_per_execution=16
    "app_be32": {"path": "app", "batch_every": 32},  # -> steps_per_execution=32
    "app_jit": {"path": "app", "jit": True},
    "app_be16_jit": {"path": "app", "batch_every": 16, "jit": True},
    "app_intra1": {"path": "app", "intra": 1, "inter": 1},
    "app_intra2": {"path": "app", "intra": 2, "inter": 1},
    "app_nobatch": {"path": "app", "no_on_batch": True},
    "app_tfdata": {"path": "app", "tfdata": True},
    "bare_jit": {"path": "bare", "jit": True},
}


class EpochClock:
    """Wall-clock time of each epoch, measured between fit start and each epoch end."""

    def __init__(self):
        self.marks: list[float] = []

    def callback(self, keras):
        clock = self

        class _Clock(keras.callbacks.Callback):  # only epoch hooks: no per-batch cost
            def on_train_begin(self, logs=None):
                clock.marks.append(time.perf_counter())

            def on_epoch_end(self, epoch, logs=None):
                clock.marks.append(time.perf_counter())

        return _Clock()

    def epochs(self) -> list[float]:
        return [b - a for a, b in pairwise(self.marks)]


def main() -> None:
    name, epochs = sys.argv[1], int(sys.argv[2])
    knobs = VARIANTS[name]
    import numpy as np

    with np.load(os.environ["DIGITPAD_MNIST"]) as npz:
        x = npz["x_train"].reshape((60000, 28 * 28)).astype("float32") / 255
        y = npz["y_train"].astype(np.int64)

    import tensorflow as tf

    if "intra" in knobs:
        tf.config.threading.set_intra_op_parallelism_threads(knobs["intra"])
        tf.config.threading.set_inter_op_parallelism_threads(knobs["inter"])
    import keras
    from keras import layers

    clock = EpochClock()
    start = time.perf_counter()
    cpu = time.process_time()
    if knobs["path"] == "bare":
        model = keras.Sequential(
            [
                keras.Input(shape=(784,)),
                layers.Dense(512, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(
            optimizer="rmsprop",
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
            jit_compile=knobs.get("jit", "auto"),
        )
        start = time.perf_counter()
        cpu = time.process_time()
        model.fit(x, y, epochs=epochs, batch_size=128, verbose=0, callbacks=[clock.callback(keras)])
    else:
        from digitpad.ml import training
        from digitpad.ml.model import build_model
        from digitpad.ml.recipe import TUTORIAL

        recipe = TUTORIAL.with_(epochs=epochs)
        model = build_model(recipe)
        if knobs.get("jit"):
            model.jit_compile = True
        data = training.TrainData(x, y)
        fit = model.fit
        if knobs.get("tfdata"):  # prototype: feed a tf.data pipeline instead of numpy

            def fit(x, y, batch_size=None, **kw):
                ds = (
                    tf.data.Dataset.from_tensor_slices((x, y))
                    .shuffle(len(x), reshuffle_each_iteration=True)
                    .batch(batch_size)
                    .prefetch(tf.data.AUTOTUNE)
                )
                return type(model).fit(model, ds, **kw)

        callbacks_seen = []

        def fit_with_clock(*a, callbacks=(), **kw):
            callbacks_seen.extend(callbacks)
            return fit(*a, callbacks=[*callbacks, clock.callback(keras)], **kw)

        model.fit = fit_with_clock
        on_batch = None if knobs.get("no_on_batch") else (lambda s, n, logs: None)
        start = time.perf_counter()
        cpu = time.process_time()
        training.train(
            model,
            data,
            recipe,
            on_batch=on_batch,
            on_epoch=lambda e, logs: None,
            evaluate=False,
            batch_every=knobs.get("batch_every", 1),
        )
    fit_seconds = time.perf_counter() - start
    cpu_end = time.process_time()
    acc = float(model.evaluate(x[:10000], y[:10000], verbose=0)[1])
    print(
        json.dumps(
            {
                "variant": name,
                "epoch_seconds": clock.epochs(),
                "fit_seconds": fit_seconds,
                "cpu_seconds": cpu_end - cpu,
                "train_acc_check": acc,
                "intra": tf.config.threading.get_intra_op_parallelism_threads(),
                "inter": tf.config.threading.get_inter_op_parallelism_threads(),
                "load1": os.getloadavg()[0],
            }
        )
    )


if __name__ == "__main__":
    main()
