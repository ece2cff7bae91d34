"""Round three, models: *Why this digit?* true for every activation the predictor accepts
(against TensorFlow's own gradient), and a bundled weights sidecar used only when it
provably holds its model file's weights (otherwise the model file is read)."""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from digitpad.ml import explain as explain_module
from digitpad.ml import predictor as predictor_module
from digitpad.ml.explain import explain
from digitpad.ml.predictor import Predictor
from digitpad.ml.weights import LayerSpec

# Every activation the fast predictor runs: a network made of any of them is "supported",
# so *Why this digit?* must be right for it.
ACTIVATIONS = sorted(name for name in predictor_module._ACTIVATIONS if name is not None)


def _dict_form(name: str) -> dict:
    """How Keras 3 serializes an activation given as a function object."""
    return {
        "module": "keras.activations",
        "class_name": "function",
        "config": name,
        "registered_name": name,
    }


# -- Why this digit? against TensorFlow ---------------------------------------------------
def test_explain_knows_exactly_the_activations_the_predictor_runs():
    """A new activation in the predictor without its slope here would be explained as if
    it were linear (how a softmax hidden layer was off by up to 68x)."""
    assert set(explain_module._SLOPES) == set(predictor_module._ACTIVATIONS)


@pytest.fixture(scope="module")
def tf():
    return pytest.importorskip("tensorflow")


@pytest.fixture(scope="module")
def digits(mnist) -> np.ndarray:
    return mnist.x_test[:4].astype(np.float32) / 255


def _keras_model(tf, kind: str, activation: str, seed: int):
    keras = tf.keras
    keras.utils.set_random_seed(seed)
    if kind == "dense":
        layers = [
            keras.layers.Dense(12, activation=activation),
            keras.layers.Dense(10, activation="softmax"),
        ]
    else:  # every kind of layer the backward pass routes through, the activation twice
        layers = [
            keras.layers.Reshape((28, 28, 1)),
            keras.layers.Conv2D(3, 3, padding="same", activation=activation),
            keras.layers.MaxPooling2D(2),
            keras.layers.Conv2D(4, 3, activation=activation),
            keras.layers.Flatten(),
            keras.layers.Dense(8, activation=activation),
            keras.layers.Dense(10, activation="softmax"),
        ]
    model = keras.Sequential([keras.Input((784,)), *layers])
    rng = np.random.default_rng(seed)  # weights large enough for curvature to matter
    model.set_weights(
        [
            rng.normal(0, 0.6 if w.ndim > 1 else 0.3, w.shape).astype(np.float32)
            for w in model.get_weights()
        ]
    )
    return model


def _tensorflow_contributions(tf, model, images: np.ndarray, target: int) -> np.ndarray:
    """Gradient x input of the last layer's pre-activation score, by TensorFlow."""
    *body, last = model.layers
    x = tf.constant(images.reshape(len(images), 784))
    with tf.GradientTape() as tape:
        tape.watch(x)
        h = x
        for layer in body:
            h = layer(h)
        kernel, bias = last.weights
        score = tf.reduce_sum((tf.matmul(h, kernel) + bias)[:, target])
    return (tape.gradient(score, x).numpy() * images.reshape(len(images), 784)).reshape(-1, 28, 28)


def _with_dict_activations(predictor: Predictor) -> Predictor:
    layers = [
        LayerSpec(
            layer.kind,
            {**layer.config, "activation": _dict_form(layer.config["activation"])},
            layer.weights,
        )
        if "activation" in layer.config
        else layer
        for layer in predictor.layers
    ]
    return Predictor(layers, name=predictor.name)


@pytest.mark.parametrize("kind", ["dense", "cnn"])
@pytest.mark.parametrize("activation", ACTIVATIONS)
def test_why_this_digit_matches_tensorflows_gradient_for_every_activation(
    tf, digits, kind, activation
):
    """Each supported activation as a hidden layer (and in the convolutions), its name
    as a string and in Keras' dict form: contributions equal TensorFlow's gradient x
    input of the same score, to float32 precision. (Before: a softmax hidden layer was
    pulled back as if linear, off by up to 68x the largest true contribution; the dict
    form raised AttributeError.)"""
    model = _keras_model(tf, kind, activation, seed=ACTIVATIONS.index(activation))
    plain = Predictor.from_keras(model)
    as_dicts = _with_dict_activations(plain)
    for target in (3, 7):
        theirs = _tensorflow_contributions(tf, model, digits, target)
        for image, expected in zip(digits, theirs, strict=True):
            scale = float(np.abs(expected).max())
            assert scale > 0
            for predictor in (plain, as_dicts):
                found = explain(predictor, image, target)
                assert found is not None and found.target == target
                error = float(np.abs(found.contributions - expected).max()) / scale
                assert error < 1e-3, (activation, kind, error)


def test_a_keras_file_with_dict_form_activations_is_read_and_explained(tmp_path, tf, digits):
    """The same through a real .keras file whose config stores every activation as a
    dict (what Keras writes for an activation given as a function object)."""
    model = _keras_model(tf, "dense", "softmax", seed=5)
    path = tmp_path / "dicts.keras"
    model.save(path)
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(members["config.json"])
    for layer in config["config"]["layers"]:
        if "activation" in layer.get("config", {}):
            layer["config"]["activation"] = _dict_form(layer["config"]["activation"])
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    predictor = Predictor.from_file(path)
    expected = _tensorflow_contributions(tf, model, digits[:1], 7)[0]
    found = explain(predictor, digits[0], 7)
    assert found is not None
    assert np.abs(found.contributions - expected).max() < 1e-3 * np.abs(expected).max()


def test_an_activation_explain_does_not_know_is_refused_not_treated_as_linear():
    """Defence in depth: were the predictor ever to run an activation explain lacks, the
    explanation says so instead of being silently wrong."""
    rng = np.random.default_rng(0)
    predictor = Predictor(
        [
            LayerSpec("InputLayer", {"batch_shape": [None, 784]}),
            LayerSpec(
                "Dense",
                {"activation": "relu"},
                (rng.normal(0, 0.1, (784, 8)).astype(np.float32), np.zeros(8, np.float32)),
            ),
            LayerSpec(
                "Dense",
                {"activation": "softmax"},
                (rng.normal(0, 0.1, (8, 10)).astype(np.float32), np.zeros(10, np.float32)),
            ),
        ]
    )
    odd = object.__new__(Predictor)
    odd.__dict__.update(predictor.__dict__)
    layers = list(predictor.layers)
    layers[1] = LayerSpec("Dense", {"activation": "swish"}, layers[1].weights)
    odd._layers = tuple(layers)
    with pytest.raises(ValueError, match="swish"):
        explain(odd, np.ones((28, 28), np.float32))
