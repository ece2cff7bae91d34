"""Model configs that lie or are malformed, models shaped 28x28, and training flags too
large for memory: each gives one line (or just works), never a traceback.

- a malformed ``activation`` entry (``42``, ``{"weird": 1}``, a list): "damaged", in the
  fast predictor and before Keras is asked (``evaluate``), while a valid name the
  predictor lacks stays "unsupported";
- weights that contradict their layer's own config (``units``, ``filters``,
  ``kernel_size``): "weights do not match the model's layers", as Keras refuses them too,
  checked before an array is read (HDF5 compresses: a tiny file can declare 6 GB);
- a model whose input is (28, 28) or (28, 28, 1): ``evaluate`` (CLI and Keras) and the
  numpy evaluation reshape the test images to it (it crashed ``model.evaluate``);
- ``train --hidden-units 1000000000``: one line, exit 2, before TensorFlow is imported.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import h5py
import numpy as np
import pytest
from helpers_cli import REPO, assert_one_error_line, cli_env, run_cli

from digitpad.ml import errors as E
from digitpad.ml.errors import ModelError
from digitpad.ml.evaluation import evaluate_predictor
from digitpad.ml.model import MAX_HIDDEN_UNITS, bundled_model_path, check_model_file
from digitpad.ml.predictor import Predictor
from digitpad.ml.weights import LayerSpec, read_layers

ROBUST = bundled_model_path().with_name("mnist_robust.keras")


def rewrite(src, dst, *, config=None, arrays=None):
    """A copy of the ``.keras`` file ``src`` with its config changed by ``config(dict)``
    and weight arrays replaced (``{"layers/dense/vars/0": array}``)."""
    with zipfile.ZipFile(src) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    if config is not None:
        parsed = json.loads(members["config.json"])
        config(parsed)
        members["config.json"] = json.dumps(parsed).encode()
    if arrays:
        buffer = io.BytesIO(members["model.weights.h5"])
        with h5py.File(buffer, "r+") as h5:
            for name, value in arrays.items():
                del h5[name]
                if callable(value):
                    value(h5, name)
                else:
                    h5[name] = value
        members["model.weights.h5"] = buffer.getvalue()
    with zipfile.ZipFile(dst, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return dst


def _set_activation(value, layer=1):
    def change(config):
        config["config"]["layers"][layer]["config"]["activation"] = value

    return change


# -- malformed activation entries --------------------------------------------------------

MALFORMED = {
    "int": 42,
    "float": 1.5,
    "bool": True,
    "list": ["relu"],
    "dict_unknown": {"weird": 1},
    "dict_bad_config": {"class_name": "relu", "config": 5},
    "dict_class_not_text": {"class_name": 7, "config": {}},
}


@pytest.fixture(scope="module")
def malformed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("activations")
    out = {}
    for name, value in MALFORMED.items():
        for layer in (1, 2):  # the hidden layer, and the output layer (its kind is judged)
            out[name, layer] = rewrite(
                bundled_model_path(),
                folder / f"{name}_{layer}.keras",
                config=_set_activation(value, layer),
            )
    return out


@pytest.mark.parametrize("name", list(MALFORMED))
@pytest.mark.parametrize("layer", [1, 2], ids=["hidden", "output"])
def test_a_malformed_activation_is_damaged_in_one_line(malformed, name, layer):
    path = malformed[name, layer]
    for call in (check_model_file, Predictor.from_file):
        with pytest.raises(ModelError) as caught:
            call(path)
        message = str(caught.value)
        assert "\n" not in message and caught.value.code == E.DAMAGED, message
        which = "dense" if layer == 1 else "dense_1"
        assert f"layer '{which}' has a damaged activation entry" in message, message
        assert str(path.name) in message


@pytest.mark.parametrize("value", [42, {"weird": 1}, ["relu"], None, "gelu"])
def test_hand_built_layers_with_odd_activations_never_raise_a_type_error(value):
    kernel = np.zeros((784, 10), np.float32)
    spec = [
        LayerSpec("InputLayer", {"batch_shape": [None, 784]}),
        LayerSpec(
            "Dense", {"name": "out", "activation": value}, (kernel, np.zeros(10, np.float32))
        ),
    ]
    if value is None:  # linear: shown as a softmax over its scores
        assert Predictor(spec, "x.keras").note
        return
    with pytest.raises(ModelError) as caught:
        Predictor(spec, "x.keras")
    expected = "is not supported" if value == "gelu" else "damaged activation entry"
    assert expected in str(caught.value) and "\n" not in str(caught.value)


def test_keras_own_serialized_activations_still_read(tmp_path):
    function = {
        "module": "builtins",
        "class_name": "function",
        "config": "softmax",
        "registered_name": "function",
    }
    path = rewrite(bundled_model_path(), tmp_path / "f.keras", config=_set_activation(function, 2))
    reference = Predictor.from_file(bundled_model_path())
    predictor = Predictor.from_file(path)
    images = np.random.default_rng(0).random((4, 784)).astype(np.float32)
    assert np.allclose(predictor.predict(images), reference.predict(images))
    unknown = {"module": "builtins", "class_name": "function", "config": "gelu"}
    path = rewrite(bundled_model_path(), tmp_path / "g.keras", config=_set_activation(unknown))
    with pytest.raises(ModelError, match="activation 'gelu' is not supported") as caught:
        Predictor.from_file(path)
    assert caught.value.code == E.UNSUPPORTED_LAYER


@pytest.mark.parametrize("command", ["predict", "evaluate"])
def test_the_cli_says_damaged_in_one_line(malformed, tmp_path, command):
    from PIL import Image

    image = tmp_path / "seven.png"
    Image.fromarray(np.zeros((28, 28), np.uint8)).save(image)
    for name in ("int", "dict_unknown", "list"):
        path = malformed[name, 1]
        args = (
            ["predict", "--model", path, image]
            if command == "predict"
            else ["evaluate", "--model", path]
        )
        result = run_cli(*args, cwd=tmp_path, timeout=120)
        assert_one_error_line(result, path.name, "has a damaged activation entry")


# -- weights that contradict the config ----------------------------------------------------


@pytest.fixture(scope="module")
def contradicting(tmp_path_factory):
    folder = tmp_path_factory.mktemp("contradicting")
    rng = np.random.default_rng(0)
    out = {}
    # config: Dense(512) -> Dense(10); weights: Dense(12) -> Dense(10). The old predictor
    # multiplied them happily (784x12 then 12x10 gives 10 outputs); Keras refuses.
    out["units"] = rewrite(
        bundled_model_path(),
        folder / "units.keras",
        arrays={
            "layers/dense/vars/0": rng.normal(0, 0.1, (784, 12)).astype(np.float32),
            "layers/dense/vars/1": np.zeros(12, np.float32),
            "layers/dense_1/vars/0": rng.normal(0, 0.1, (12, 10)).astype(np.float32),
        },
    )
    # a 5x5 kernel where the config says 3x3 (the output still happens to be 10 wide)
    out["kernel_size"] = rewrite(
        ROBUST,
        folder / "kernel.keras",
        arrays={"layers/conv2d/vars/0": np.zeros((5, 5, 1, 32), np.float32)},
    )
    # the output layer's bias has 11 entries
    out["bias"] = rewrite(
        bundled_model_path(), folder / "bias.keras", arrays={"layers/dense_1/vars/1": np.zeros(11)}
    )

    # an HDF5 bomb: a compressed, never-written 784x2,000,000 kernel (6 GB once read),
    # in a file of a few KB
    def huge(h5, name):
        h5.create_dataset(
            name, shape=(784, 2_000_000), dtype="f4", chunks=(784, 1000), compression="gzip"
        )

    out["hdf5_bomb"] = rewrite(
        bundled_model_path(), folder / "hdf5_bomb.keras", arrays={"layers/dense/vars/0": huge}
    )
    return out


CONTRADICTIONS = {
    "units": "dense: kernel (784, 12), but its config fed (784,) needs (784, 512) (units=512)",
    "kernel_size": "conv2d: kernel (5, 5, 1, 32), but its config fed (28, 28, 1) needs "
    "(3, 3, 1, 16) (filters=16, kernel_size=[3, 3])",
    "bias": "dense_1: bias (11,), but its config",
    "hdf5_bomb": "dense: kernel (784, 2000000), but its config fed (784,) needs (784, 512)",
}


@pytest.mark.parametrize("name", list(CONTRADICTIONS))
def test_weights_that_contradict_their_config_are_refused(contradicting, name):
    with pytest.raises(ModelError) as caught:
        Predictor.from_file(contradicting[name])
    message = str(caught.value)
    assert "\n" not in message and caught.value.code == E.DAMAGED, message
    assert "weights do not match the model's layers" in message, message
    assert CONTRADICTIONS[name] in message, message


def test_keras_refuses_the_same_contradictions(contradicting):
    """Positive control: these files really are inconsistent, not just unusual."""
    from digitpad.ml.model import load_model

    for name in ("units", "kernel_size"):
        with pytest.raises(ModelError, match="cannot be loaded"):
            load_model(contradicting[name])


def test_the_same_check_covers_models_snapshotted_from_keras_and_built_by_hand():
    kernel = np.zeros((784, 12), np.float32)
    spec = [
        LayerSpec("InputLayer", {"batch_shape": [None, 784]}),
        LayerSpec(
            "Dense",
            {"name": "d", "units": 10, "activation": "softmax"},
            (kernel, np.zeros(12, np.float32)),
        ),
    ]
    with pytest.raises(ModelError, match=r"d: kernel \(784, 12\), but its config"):
        Predictor(spec, "hand.keras")
    spec[1] = LayerSpec(
        "Dense",
        {"name": "d", "units": 12, "use_bias": False, "activation": "softmax"},
        (kernel, np.zeros(12, np.float32)),
    )
    with pytest.raises(ModelError, match="d has 2 weight arrays, its config says use_bias=False"):
        Predictor(spec, "hand.keras")
    # and a consistent model (every bundled one) is untouched by it
    for name in ("mnist_dense.keras", "mnist_robust.keras"):
        assert Predictor.from_file(bundled_model_path().with_name(name)).predict(
            np.zeros((1, 784), np.float32)
        ).shape == (1, 10)


def test_an_hdf5_bomb_is_refused_before_its_arrays_are_read(contradicting):
    code = (
        "import sys\n"
        "from digitpad.ml.weights import read_layers\n"
        "from digitpad.ml.errors import ModelError\n"
        "try:\n    read_layers(sys.argv[1])\nexcept ModelError as e:\n    print(e.code)\n"
        "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))\n"
    )
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc/self/status")
    done = subprocess.run(
        [sys.executable, "-c", code, str(contradicting["hdf5_bomb"])],
        cwd=REPO,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    verdict, peak_kb = done.stdout.split()
    assert verdict == E.DAMAGED and int(peak_kb) < 200 * 1024, done.stdout  # not 6 GB


def test_weights_without_a_config_to_bound_them_have_an_absolute_budget(tmp_path):
    """No input shape anywhere: the kernel's input side is unknown, so the total read is
    capped instead (2**26 values)."""

    def drop_input(config):
        layers = config["config"]["layers"]
        config["config"]["layers"] = layers[1:]
        config["config"].pop("build_input_shape", None)
        for layer in config["config"]["layers"]:
            layer.pop("build_config", None)

    def huge(h5, name):
        h5.create_dataset(
            name, shape=(200_000, 512), dtype="f4", chunks=(1000, 512), compression="gzip"
        )

    path = rewrite(
        bundled_model_path(),
        tmp_path / "no_input.keras",
        config=drop_input,
        arrays={"layers/dense/vars/0": huge},
    )
    with pytest.raises(ModelError) as caught:
        read_layers(path)
    assert caught.value.code == E.TOO_LARGE
    assert "its weights hold more than 67,108,864 values" in str(caught.value)


# -- models that read 28x28 ---------------------------------------------------------------


@pytest.fixture(scope="module")
def square_models(tmp_path_factory, mnist):
    from digitpad.ml.model import import_keras

    keras = import_keras()
    folder = tmp_path_factory.mktemp("square")
    out = {}
    for shape in ((28, 28), (28, 28, 1)):
        keras.utils.set_random_seed(0)
        model = keras.Sequential(
            [keras.Input(shape), keras.layers.Flatten(), keras.layers.Dense(10, "softmax")]
        )
        model.compile(
            optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"]
        )
        x = mnist.x_train[:1000].reshape(-1, *shape) / 255
        model.fit(x, mnist.y_train[:1000], epochs=2, batch_size=100, verbose=0)
        out[shape] = folder / f"square_{len(shape)}.keras"
        model.save(out[shape])
    return out


@pytest.mark.parametrize("shape", [(28, 28), (28, 28, 1)], ids=["28x28", "28x28x1"])
def test_a_square_input_model_evaluates_in_keras_and_numpy_alike(square_models, mnist, shape):
    from digitpad.ml.model import load_model
    from digitpad.ml.recipe import TUTORIAL
    from digitpad.ml.training import TrainData, evaluate, train

    path = square_models[shape]
    model = load_model(path)
    data = TrainData.from_mnist(mnist, train_limit=256)
    _, test_acc = evaluate(model, data)  # was: "Invalid input shape ... (None, 784)"
    predictor = Predictor.from_file(path)
    numpy_acc = evaluate_predictor(predictor, mnist.x_test, mnist.y_test).accuracy
    assert 0.5 < test_acc and abs(numpy_acc - test_acc) < 0.005, (test_acc, numpy_acc)
    # fine-tuning such a model (the window's "My digits") fits the same flat rows
    result = train(model, data, TUTORIAL.with_(epochs=1), evaluate=True)
    assert result.epochs_completed == 1 and result.test_acc is not None


def test_the_cli_evaluates_a_square_input_model(square_models, tmp_path):
    result = run_cli("evaluate", "--model", square_models[28, 28], cwd=tmp_path, timeout=180)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "test_acc: 0." in result.stdout


# -- --hidden-units too large for memory ---------------------------------------------------


def test_hidden_units_beyond_the_limit_is_one_line_before_tensorflow(tmp_path):
    code = (
        "import sys\nfrom digitpad.cli import main\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit as e:\n    print('exit', e.code)\n"
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)\n"
    )
    for units in ("1000000000", str(MAX_HIDDEN_UNITS + 1)):
        done = subprocess.run(
            [
                sys.executable,
                "-c",
                code,
                "train",
                "--hidden-units",
                units,
                "--out",
                str(tmp_path / "m.keras"),
            ],
            cwd=REPO,
            env=cli_env(),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert done.stdout.split() == ["exit", "2", "False", "False"], done.stdout + done.stderr
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1, done.stderr
        assert f"argument --hidden-units: must be between 1 and {MAX_HIDDEN_UNITS}" in lines[0]
        assert f"got {units}" in lines[0]
    assert not (tmp_path / "m.keras").exists()


def test_the_largest_allowed_hidden_layer_parses_and_build_model_refuses_beyond(tmp_path):
    from digitpad.cli import build_parser
    from digitpad.ml.model import build_model
    from digitpad.ml.recipe import TUTORIAL

    args = build_parser().parse_args(["train", "--hidden-units", str(MAX_HIDDEN_UNITS)])
    assert args.hidden_units == MAX_HIDDEN_UNITS
    with pytest.raises(ValueError, match=f"at most {MAX_HIDDEN_UNITS}"):
        build_model(TUTORIAL.with_(hidden_units=MAX_HIDDEN_UNITS + 1))
    result = run_cli("train", "--hidden-units", "10**9", cwd=tmp_path, timeout=60)
    assert result.returncode == 2 and "expected a whole number" in result.stderr


def test_a_model_keras_loads_but_cannot_evaluate_is_one_line(tmp_path, capsys):
    """Compiled with a nonsense ``loss_weights`` (a string): Keras loads it and fails
    only inside ``evaluate``, with a traceback (now one line)."""
    from digitpad import cli
    from digitpad.ml.model import import_keras

    keras = import_keras()
    model = keras.Sequential([keras.Input((784,)), keras.layers.Dense(10, "softmax")])
    model.compile(
        optimizer="rmsprop", loss="sparse_categorical_crossentropy", loss_weights=["accuracy"]
    )
    path = tmp_path / "odd.keras"
    model.save(path)
    assert cli.main(["evaluate", "--model", str(path)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines[-1].startswith(f"digitpad: error: {path}: cannot be evaluated ("), lines
