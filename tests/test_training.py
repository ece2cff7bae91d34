"""A short real training run on an MNIST slice learns, and reports like Keras."""

from __future__ import annotations

import numpy as np

from digitpad.ml import keras_log
from digitpad.ml.model import build_model
from digitpad.ml.predictor import Predictor
from digitpad.ml.recipe import TUTORIAL
from digitpad.ml.training import TrainData, train


def test_short_training_raises_accuracy(mnist):
    data = TrainData.from_mnist(mnist, train_limit=2000)
    recipe = TUTORIAL.with_(epochs=2, seed=0)
    model = build_model(recipe)
    before = float(
        (Predictor.from_keras(model).predict(data.x_test).argmax(1) == data.y_test).mean()
    )
    epochs, batches = [], []
    result = train(
        model,
        data,
        recipe,
        on_epoch=lambda epoch, logs: epochs.append((epoch, logs)),
        on_batch=lambda step, steps, logs: batches.append((step, steps)),
    )
    assert not result.stopped and result.epochs_completed == 2
    assert [e for e, _ in epochs] == [1, 2]
    assert batches[-1] == (16, 16) and len(batches) == 32  # 2000 / 128 -> 16 steps per epoch
    assert result.history["loss"][1] < result.history["loss"][0]
    assert before < 0.3 and result.test_acc > 0.85 and result.test_acc > before + 0.5
    line = keras_log.progress_line(16, 16, epochs[0][1]["seconds"], epochs[0][1])
    assert line.startswith("16/16 ━") and "accuracy: " in line and " - loss: " in line


def test_log_lines_read_like_keras():
    assert keras_log.epoch_header(1, 5) == "Epoch 1/5"
    line = keras_log.progress_line(469, 469, 6.2, {"loss": 0.2551, "accuracy": 0.9263})
    assert line == "469/469 ━━━━━━━━━━━━━━━━━━━━ 6s 13ms/step - accuracy: 0.9263 - loss: 0.2551"
    assert keras_log.test_summary(0.0635, 0.9811) == "test_acc: 0.9811"
    table = keras_log.probability_table(np.eye(10)[7] * 0.99 + 0.001).splitlines()
    assert table[0] == "PROBABILITY | NUMBER" and table[8].strip() == "99% | [7]"
