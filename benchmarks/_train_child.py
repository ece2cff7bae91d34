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

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

VARIANTS = {
    # name: knobs. "path": bare = the tutorial's script (keras only, no digitpad code);
    #                     app  = digitpad.ml.training.train() as the Train button calls it.
    "bare": {"path": "bare"},
    "app": {"path": "app"},
    "app_be10": {"path": "app", "batch_every": 10},
    "app_nobatch": {"path": "app", "no_on_batch": True},
    "app_jit": {"path": "app", "jit": True},
    "app_spe8": {"path": "app", "spe": 8},
    "app_spe32": {"path": "app", "spe": 32},
    "app_intra1": {"path": "app", "intra": 1, "inter": 1},
    "app_intra2": {"path": "app", "intra": 2, "inter": 1},
    "app_tfdata": {"path": "app", "tfdata": True},
    "bare_jit": {"path": "bare", "jit": True},
    "bare_spe8": {"path": "bare", "spe": 8},
    "bare_tfdata": {"path": "bare", "tfdata": True},
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
        return [b - a for a, b in zip(self.marks, self.marks[1:])]


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
        steps_per_execution=knobs.get("spe", 1),
    )
    clock = EpochClock()
    fit_x, fit_y, batch_size = x, y, 128
    if knobs.get("tfdata"):
        fit_x = (
            tf.data.Dataset.from_tensor_slices((x, y))
            .shuffle(len(x), reshuffle_each_iteration=True)
            .batch(128)
            .prefetch(tf.data.AUTOTUNE)
        )
        fit_y, batch_size = None, None
    start = time.perf_counter()
    if knobs["path"] == "bare":
        model.fit(fit_x, fit_y, epochs=epochs, batch_size=batch_size, verbose=0,
                  callbacks=[clock.callback(keras)])
    else:
        from digitpad.ml.callbacks import ProgressCallback

        steps = -(-len(x) // 128)
        on_batch = None if knobs.get("no_on_batch") else (lambda s, n, logs: None)
        progress = ProgressCallback(steps, None, on_batch, lambda e, logs: None,
                                    knobs.get("batch_every", 1))
        model.fit(fit_x, fit_y, epochs=epochs, batch_size=batch_size, verbose=0,
                  callbacks=[progress, clock.callback(keras)])
    fit_seconds = time.perf_counter() - start
    acc = float(model.evaluate(x[:10000], y[:10000], verbose=0)[1])
    print(json.dumps({
        "variant": name,
        "epoch_seconds": clock.epochs(),
        "fit_seconds": fit_seconds,
        "train_acc_check": acc,
        "intra": tf.config.threading.get_intra_op_parallelism_threads(),
        "inter": tf.config.threading.get_inter_op_parallelism_threads(),
        "load1": os.getloadavg()[0],
    }))


if __name__ == "__main__":
    main()
