"""Round three, models: *Why this digit?* true for every activation the predictor accepts
(against TensorFlow's own gradient), and a bundled weights sidecar used only when it
provably holds its model file's weights (otherwise the model file is read)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from digitpad.ml import explain as explain_module
from digitpad.ml import predictor as predictor_module
from digitpad.ml import weights
from digitpad.ml.explain import explain
from digitpad.ml.model import BUNDLED_NAME, BUNDLED_VARIANTS
from digitpad.ml.predictor import Predictor
from digitpad.ml.resources import resource_path
from digitpad.ml.weights import LayerSpec, read_layers, sidecar_path

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


# -- bundled weights sidecars ---------------------------------------------------------------
@pytest.fixture
def own_folder(tmp_path, monkeypatch) -> Path:
    """A copy of the tutorial model and its sidecar, taken for the package's own."""
    model = tmp_path / BUNDLED_NAME
    shutil.copy(resource_path(BUNDLED_NAME), model)
    shutil.copy(sidecar_path(resource_path(BUNDLED_NAME)), sidecar_path(model))
    monkeypatch.setattr(weights, "resource_path", lambda name: tmp_path / name)
    return model


@pytest.fixture(scope="module")
def reference() -> Predictor:
    """The tutorial model as its .keras file holds it (h5py, no sidecar)."""
    return Predictor(read_layers(resource_path(BUNDLED_NAME), sidecar=False), name="reference")


def _used_sidecar(monkeypatch) -> list[bool]:
    used: list[bool] = []
    real = weights._layers_from_arrays
    monkeypatch.setattr(weights, "_layers_from_arrays", lambda *a: used.append(True) or real(*a))
    return used


def _resave(model: Path, change) -> None:
    """The sidecar loaded with numpy, changed, and saved again with every other member
    (the freshness fields, the manifest) kept as it was: what a hand edit does."""
    with np.load(sidecar_path(model)) as data:
        arrays = {key: data[key] for key in data.files}
    change(arrays)
    np.savez(sidecar_path(model), **arrays)


def _replace_member(model: Path, name: str, data: bytes) -> None:
    """One member of the sidecar's zip replaced byte for byte, the others kept."""
    with zipfile.ZipFile(sidecar_path(model)) as archive:
        members = {info.filename: archive.read(info) for info in archive.infolist()}
    members[name] = data
    with zipfile.ZipFile(sidecar_path(model), "w") as archive:
        for member, content in members.items():
            archive.writestr(member, content)


def _npy_header(shape, descr: str = "<f4") -> bytes:
    header = repr({"descr": descr, "fortran_order": False, "shape": tuple(shape)}).encode()
    header += b" " * ((-(10 + len(header) + 1)) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + len(header).to_bytes(2, "little") + header


def _reads_like_its_model_file(model: Path, reference: Predictor, digits: np.ndarray) -> None:
    """What the app does with a bundled model (Predictor.from_file): no error, and the
    readings of the weights its .keras file holds."""
    predictor = Predictor.from_file(model)
    assert np.array_equal(predictor.predict(digits), reference.predict(digits))


def _bump(arrays: dict) -> None:  # other numbers, same shapes: a 7 may read as a 1
    arrays["l1_0"] = arrays["l1_0"][:, ::-1].copy()


def _drop(arrays: dict) -> None:
    del arrays["l1_1"]


def _reshape(arrays: dict) -> None:
    arrays["l1_0"] = arrays["l1_0"][:256]


def _nan(arrays: dict) -> None:
    arrays["l1_0"] = arrays["l1_0"].copy()
    arrays["l1_0"][0, 0] = np.nan


def _two_sizes(arrays: dict) -> None:  # was a TypeError traceback: int() of two numbers
    arrays["source_size"] = np.array([arrays["source_size"]] * 2)


def _text(arrays: dict) -> None:  # was a ValueError traceback: text for weights
    arrays["l1_1"] = np.array(["bias"] * 10)


def _int64(arrays: dict) -> None:  # the same numbers, another type: not what was written
    arrays["l1_1"] = arrays["l1_1"].astype(np.float64)


@pytest.mark.parametrize(
    "change",
    [_bump, _drop, _reshape, _nan, _two_sizes, _text, _int64],
    ids=["other-numbers", "missing-array", "wrong-shape", "nan", "two-sizes", "text", "float64"],
)
def test_a_sidecar_that_does_not_hold_the_models_weights_is_passed_over(
    own_folder, reference, digits, monkeypatch, change
):
    """Edited by hand with the freshness fields and everything else kept: the model file
    is read instead, with no error and no refused model."""
    _resave(own_folder, change)
    used = _used_sidecar(monkeypatch)
    _reads_like_its_model_file(own_folder, reference, digits)
    assert not used
    assert not weights.sidecar_is_fresh(own_folder)


def test_an_intact_sidecar_is_still_used_and_says_so(own_folder, reference, digits, monkeypatch):
    used = _used_sidecar(monkeypatch)
    _reads_like_its_model_file(own_folder, reference, digits)
    assert used and weights.sidecar_is_fresh(own_folder)


@pytest.mark.parametrize(
    "damage",
    ["flipped-byte", "truncated", "not-a-zip", "no-manifest", "extra-member", "fortran"],
)
def test_a_damaged_sidecar_is_passed_over(own_folder, reference, digits, monkeypatch, damage):
    sidecar = sidecar_path(own_folder)
    if damage == "flipped-byte":  # the zip's own CRC no longer holds
        raw = bytearray(sidecar.read_bytes())
        raw[len(raw) // 2] ^= 0xFF
        sidecar.write_bytes(bytes(raw))
    elif damage == "truncated":
        sidecar.write_bytes(sidecar.read_bytes()[: sidecar.stat().st_size // 2])
    elif damage == "not-a-zip":
        sidecar.write_bytes(b"<html>404</html>")
    elif damage == "no-manifest":  # an old-format sidecar: nothing proves its content
        _resave(own_folder, lambda arrays: arrays.pop("manifest"))
    elif damage == "extra-member":
        _resave(own_folder, lambda arrays: arrays.update(l9_0=np.zeros(3, np.float32)))
    else:
        _resave(own_folder, lambda arrays: arrays.update(l1_0=np.asfortranarray(arrays["l1_0"])))
    used = _used_sidecar(monkeypatch)
    _reads_like_its_model_file(own_folder, reference, digits)
    assert not used


def test_a_sidecar_header_claiming_terabytes_allocates_nothing(own_folder, tmp_path):
    """An array header may claim any shape: 2**40 float32 values (4 TiB) in a member of
    a few bytes, and 2**20 values (4 MiB) in one that holds 4 bytes. Checked against the
    member's size before anything is allocated: in a process that may not map 2 GiB,
    the model is read from its file (before: MemoryError, a traceback)."""
    sizes = {"huge": _npy_header((1 << 40,)) + b"\0" * 4, "short": _npy_header((1 << 20,))}
    for name, member in sizes.items():
        _replace_member(own_folder, "l1_0.npy", member + b"\0" * 4)
        script = (
            "import resource, sys\n"
            "resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))\n"
            "from pathlib import Path\n"
            "import numpy as np\n"
            "from digitpad.ml import weights\n"
            "from digitpad.ml.predictor import Predictor\n"
            "folder = Path(sys.argv[1])\n"
            "weights.resource_path = lambda name: folder / name\n"
            "p = Predictor.from_file(folder / sys.argv[2])\n"
            "print(p.predict(np.zeros((28, 28), np.float32)).shape)\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", script, str(tmp_path), own_folder.name],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
        )
        assert done.returncode == 0 and done.stdout.strip() == "(10,)", (name, done.stderr)
        assert not weights.sidecar_is_fresh(own_folder)


def test_the_bundled_sidecars_are_in_the_checked_format():
    """Each shipped sidecar carries its manifest and passes every check (regenerated
    with scripts/bundled_weights.py)."""
    for name in (BUNDLED_NAME, *BUNDLED_VARIANTS.values()):
        path = resource_path(name)
        assert weights.sidecar_is_fresh(path), name
        with zipfile.ZipFile(sidecar_path(path)) as archive:
            assert "manifest.npy" in archive.namelist()
