"""Broken or foreign model files: one line naming the file, never a traceback, no code run.

Every fault is checked three ways: ``load_model`` (Keras, for training/evaluation),
``Predictor.from_file`` (numpy, for the live canvas) and the CLI as a subprocess.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from helpers_cli import assert_one_error_line, run_cli
from PIL import Image

from digitpad.ml.errors import ModelError
from digitpad.ml.model import bundled_model_path, check_model_file, import_keras, load_model
from digitpad.ml.predictor import Predictor


def _keras_model(input_size: int = 784, classes: int = 10, activation: str = "softmax"):
    keras = import_keras()
    return keras.Sequential(
        [keras.Input((input_size,)), keras.layers.Dense(classes, activation=activation)]
    )


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, Path]:
    """One file per fault (plus a marker path the Lambda model would write when run)."""
    folder = tmp_path_factory.mktemp("models")
    good = bundled_model_path().read_bytes()
    out: dict[str, Path] = {}

    def write(name: str, data: bytes) -> None:
        out[name] = folder / name
        out[name].write_bytes(data)

    write("not_a_zip.keras", b"this is not a model, just text\n" * 10)
    write("truncated.keras", good[: len(good) // 2])
    write("tail_cut.keras", good[:-100])
    write("empty.keras", b"")
    out["missing.keras"] = folder / "missing.keras"
    out["folder.keras"] = folder / "folder.keras"
    out["folder.keras"].mkdir()
    (folder / "a_file").write_text("x")
    out["under_a_file.keras"] = folder / "a_file" / "m.keras"  # ENOTDIR on every open
    with zipfile.ZipFile(folder / "other.keras", "w") as archive:
        archive.writestr("readme.txt", "a zip, but no model in it")
    out["other.keras"] = folder / "other.keras"
    with (
        zipfile.ZipFile(bundled_model_path()) as src,
        zipfile.ZipFile(folder / "bad_config.keras", "w") as dst,
    ):
        for name in src.namelist():
            dst.writestr(name, b"{not json" if name == "config.json" else src.read(name))
    out["bad_config.keras"] = folder / "bad_config.keras"

    _keras_model().save(folder / "legacy.h5")
    out["legacy.h5"] = folder / "legacy.h5"
    shutil.copy(folder / "legacy.h5", folder / "h5_renamed.keras")
    out["h5_renamed.keras"] = folder / "h5_renamed.keras"
    _keras_model(input_size=100).save(folder / "input100.keras")
    out["input100.keras"] = folder / "input100.keras"
    _keras_model(classes=5).save(folder / "output5.keras")
    out["output5.keras"] = folder / "output5.keras"

    # A Lambda whose code leaves a trace: if digitpad ever runs it, the marker appears.
    keras = import_keras()
    marker = folder / "LAMBDA_RAN"
    side_effect = eval(  # builds the hostile model under test
        f"lambda x: (__import__('pathlib').Path({str(marker)!r}).touch(), x)[1]"
    )
    model = keras.Sequential(
        [
            keras.Input((784,)),
            keras.layers.Lambda(side_effect),
            keras.layers.Dense(10, activation="softmax"),
        ]
    )
    model.save(folder / "lambda.keras")
    marker.unlink(missing_ok=True)  # building the model ran it once; from now on, never
    out["lambda.keras"] = folder / "lambda.keras"
    out["LAMBDA_RAN"] = marker
    return out


# name -> text the one-line message must contain (besides the file's name)
FILE_FAULTS = {
    "not_a_zip.keras": "not a Keras model",
    "truncated.keras": "damaged or truncated",
    "tail_cut.keras": "damaged or truncated",
    "empty.keras": "the file is empty",
    "missing.keras": "no such file",
    "folder.keras": "is a folder",
    "under_a_file.keras": "no such file",
    "other.keras": "config.json or weights missing",
    "legacy.h5": "legacy HDF5",
    "h5_renamed.keras": "not a Keras model",
}
KERAS_FAULTS = {
    "bad_config.keras": "",
    "input100.keras": "input shape (100,)",
    "output5.keras": "10 classes",
    "lambda.keras": "Lambda",
}


def _one_line(error: ModelError, path: Path, expected: str) -> None:
    message = str(error)
    assert "\n" not in message and path.name in message and expected in message, message


@pytest.mark.parametrize("name", [*FILE_FAULTS, *KERAS_FAULTS])
def test_load_model_and_predictor_raise_one_line_model_error(files, name):
    expected = FILE_FAULTS.get(name) or KERAS_FAULTS[name]
    with pytest.raises(ModelError) as caught:
        load_model(files[name])
    _one_line(caught.value, files[name], expected)
    with pytest.raises(ModelError) as caught:
        Predictor.from_file(files[name])
    # the fast predictor words shape and Lambda problems its own way; it still names the file
    _one_line(caught.value, files[name], FILE_FAULTS.get(name, ""))
    assert not files["LAMBDA_RAN"].exists()


def test_lambda_never_runs_but_would_if_safe_mode_were_off(files):
    """Proves the marker test above can fail: without safe mode Keras runs the lambda."""
    for load in (load_model, Predictor.from_file, check_model_file):
        with pytest.raises(ModelError) if load is not check_model_file else _nothing():
            load(files["lambda.keras"])
    assert not files["LAMBDA_RAN"].exists()
    keras = import_keras()
    unsafe = keras.saving.load_model(files["lambda.keras"], safe_mode=False)
    unsafe(np.zeros((1, 784), np.float32))
    assert files["LAMBDA_RAN"].exists()
    files["LAMBDA_RAN"].unlink()


class _nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_uncompiled_and_unsupported_activation_models(tmp_path):
    """Found here: load_model crashed (AttributeError) on a model saved before compile()."""
    _keras_model().save(tmp_path / "uncompiled.keras")
    model = load_model(tmp_path / "uncompiled.keras")
    assert model.optimizer is not None
    _keras_model(activation="gelu").save(tmp_path / "gelu.keras")
    with pytest.raises(ModelError) as caught:  # the message used to lack the file name
        Predictor.from_file(tmp_path / "gelu.keras")
    _one_line(caught.value, tmp_path / "gelu.keras", "gelu")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file; see the monkeypatched test")
def test_unreadable_file_chmod_000(tmp_path):
    target = tmp_path / "secret.keras"
    shutil.copy(bundled_model_path(), target)
    target.chmod(0)
    for load in (load_model, Predictor.from_file):
        with pytest.raises(ModelError, match="permission denied"):
            load(target)


def test_unreadable_file_permission_error(tmp_path, monkeypatch):
    """As root chmod 000 changes nothing, so make open() refuse the file as the OS would."""
    target = tmp_path / "secret.keras"
    shutil.copy(bundled_model_path(), target)
    real_open = open

    def refusing_open(file, *args, **kwargs):
        if Path(os.fsdecode(file)) == target:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", refusing_open)
    for load in (load_model, Predictor.from_file):
        with pytest.raises(ModelError) as caught:
            load(target)
        _one_line(caught.value, target, "permission denied")


@pytest.fixture(scope="module")
def digit_png(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("img") / "digit.png"
    image = np.zeros((28, 28), np.uint8)
    image[4:24, 12:16] = 255  # a "1"
    Image.fromarray(image).save(path)
    return path


@pytest.mark.parametrize("name", list(FILE_FAULTS))
def test_cli_predict_and_evaluate_with_a_broken_file(files, digit_png, tmp_path, name):
    """These are caught before TensorFlow is imported: fast, and exit 2 with one line."""
    expected = FILE_FAULTS[name]
    result = run_cli("predict", digit_png, "--model", files[name], cwd=tmp_path)
    assert_one_error_line(result, files[name].name, expected)
    assert result.stdout == ""
    result = run_cli("evaluate", "--model", files[name], "--data", "unused.npz", cwd=tmp_path)
    assert_one_error_line(result, files[name].name, expected)


@pytest.mark.parametrize("name", ["output5.keras", "lambda.keras"])
def test_cli_evaluate_with_a_foreign_model(files, digit_png, tmp_path, mnist, name):
    """Keras itself refuses these (TensorFlow loaded): still one line, and the lambda never ran."""
    expected = KERAS_FAULTS[name]
    result = run_cli("evaluate", "--model", files[name], "--data", mnist.source, cwd=tmp_path)
    assert_one_error_line(result, files[name].name, expected)
    result = run_cli("predict", digit_png, "--model", files[name], cwd=tmp_path)
    assert_one_error_line(result, files[name].name)
    assert not files["LAMBDA_RAN"].exists()
