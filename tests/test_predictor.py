"""The fast numpy predictor: agrees with Keras, needs no TensorFlow, ships accurate."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from digitpad.ml.data import flatten
from digitpad.ml.model import bundled_card_path, bundled_model_path, load_model
from digitpad.ml.predictor import Predictor


@pytest.fixture(scope="module")
def bundled() -> Predictor:
    return Predictor.from_file(bundled_model_path())


@pytest.mark.mnist
def test_agrees_with_keras_on_the_whole_test_set(full_mnist, bundled):
    x = flatten(full_mnist.x_test)
    ours = bundled.predict(x)
    theirs = load_model(bundled_model_path()).predict(x, batch_size=1000, verbose=0)
    assert ours.shape == theirs.shape == (10000, 10)
    assert float(np.abs(ours - theirs).max()) < 1e-5


@pytest.mark.mnist
def test_bundled_model_reads_the_test_set_like_the_tutorial(full_mnist, bundled):
    probabilities = bundled.predict(flatten(full_mnist.x_test))
    accuracy = float((probabilities.argmax(axis=1) == full_mnist.y_test).mean())
    assert accuracy >= 0.978
    assert int(probabilities[0].argmax()) == 7 == int(full_mnist.y_test[0])  # predictions[0]
    card = json.loads(bundled_card_path().read_text())
    assert abs(card["test_acc"] - accuracy) < 2e-3  # card tells the truth


def test_bundled_model_card_describes_the_recipe():
    card = json.loads(bundled_card_path().read_text())
    assert card["epochs"] == 5 and card["recipe"]["batch_size"] == 128
    assert card["recipe"]["optimizer"] == "rmsprop" and card["seed"] is not None
    assert card["test_acc"] >= 0.978 and 0 < card["test_loss"] < 0.1
    assert card["mnist_sha256"] == (
        "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
    )
    assert card["digitpad_version"] and card["date"][:4].isdigit()


def test_single_image_and_batch_shapes(bundled):
    image = np.zeros((28, 28), np.float32)
    image[4:24, 13:15] = 1.0  # a vertical bar: a "1"
    single = bundled.predict(image)
    assert single.shape == (10,) and np.isclose(single.sum(), 1.0, atol=1e-5)
    assert int(single.argmax()) == 1
    batch = bundled.predict(np.stack([image.ravel()] * 3))
    assert batch.shape == (3, 10) and np.allclose(batch[0], single)


def test_empty_drawing_gives_no_prediction(bundled):
    assert bundled.predict_drawing(np.zeros((280, 280), np.uint8)) is None


def test_predicting_does_not_import_tensorflow():
    code = (
        "import sys, numpy as np\n"
        "from digitpad.ml.model import bundled_model_path\n"
        "from digitpad.ml.predictor import Predictor\n"
        "p = Predictor.from_file(bundled_model_path())\n"
        "img = np.zeros((280, 280), np.uint8); img[40:240, 130:150] = 255\n"
        "print(int(p.predict_drawing(img).argmax()))\n"
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "1"
