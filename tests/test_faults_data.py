"""Broken or absent MNIST at the command line: exit 2, one clear line, no traceback.

tests/test_data.py covers the loader itself; here the user runs ``digitpad train`` and
``digitpad evaluate`` as subprocesses.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from helpers_cli import assert_one_error_line, cli_env, run_cli
from helpers_data import write_mnist_npz

from digitpad.ml.data import ENV_VAR

BAD_FILES = {
    "missing": ("no such file", "mnist.npz"),
    "folder": ("is a folder",),
    "garbage": ("not a readable .npz file",),
    "truncated": ("not a readable .npz file",),
    "no_x_test": ("missing x_test",),
    "shape": ("x_train has shape (100, 28, 28)",),
    "dtype": ("x_train has dtype float32",),
    "labels": ("labels 0..10, expected 0..9",),
}


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    (folder / "folder.npz").mkdir()
    (folder / "garbage.npz").write_bytes(b"not a zip\n" * 50)
    good = write_mnist_npz(folder / "good.npz").read_bytes()
    (folder / "truncated.npz").write_bytes(good[: len(good) // 2])
    write_mnist_npz(folder / "no_x_test.npz", x_test=None)
    write_mnist_npz(folder / "shape.npz", x_train=np.zeros((100, 28, 28), np.uint8))
    write_mnist_npz(folder / "dtype.npz", x_train=np.zeros((60000, 28, 28), np.float32))
    labels = np.zeros(10000, np.uint8)
    labels[-1] = 10
    write_mnist_npz(folder / "labels.npz", y_test=labels)
    return {name: folder / f"{name}.npz" for name in BAD_FILES}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_train_and_evaluate_with_a_bad_dataset(bad_files, tmp_path, name):
    path = bad_files[name]
    out = tmp_path / "m.keras"
    result = run_cli("train", "--data", path, "--out", out, cwd=tmp_path)
    assert_one_error_line(result, path.name, *BAD_FILES[name])
    assert list(tmp_path.iterdir()) == []  # nothing written
    result = run_cli("evaluate", "--data", path, cwd=tmp_path)
    assert_one_error_line(result, path.name, *BAD_FILES[name])


def test_bad_dataset_from_the_environment_variable(bad_files, tmp_path):
    env = cli_env(**{ENV_VAR: str(bad_files["labels"])})
    result = run_cli("evaluate", cwd=tmp_path, env=env)
    assert_one_error_line(result, "labels.npz", "expected 0..9")


def test_no_mnist_anywhere_says_how_to_get_it(tmp_path):
    """Empty HOME and KERAS_HOME, no $DIGITPAD_MNIST, and no network (a dead proxy)."""
    home = tmp_path / "home"
    home.mkdir()
    dead = "http://127.0.0.1:9"
    env = cli_env(
        HOME=str(home),
        KERAS_HOME=str(home / ".keras"),
        **{ENV_VAR: None, "NO_PROXY": None, "no_proxy": None},
        HTTP_PROXY=dead,
        HTTPS_PROXY=dead,
        http_proxy=dead,
        https_proxy=dead,
    )
    # train and evaluate both import TensorFlow (~6 s): run them side by side
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "digitpad", *args],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in (["train", "--out", str(tmp_path / "m.keras")], ["evaluate"])
    ]
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=180)
        result = subprocess.CompletedProcess(proc.args, proc.returncode, stdout, stderr)
        line = assert_one_error_line(result, "MNIST not found", "mnist.npz", "--data", ENV_VAR)
        assert "download" in line
    assert not (tmp_path / "m.keras").exists()
    assert not list((home / ".keras").rglob("mnist.npz"))  # no half download left as real


def test_a_pickled_file_never_gets_advice_to_load_it_unsafely(tmp_path):
    import pickle

    from digitpad.ml.data import load_mnist
    from digitpad.ml.errors import DatasetError

    path = tmp_path / "p.npz"
    path.write_bytes(pickle.dumps({"x_train": [1, 2, 3]}))
    with pytest.raises(DatasetError) as caught:
        load_mnist(path)
    text = str(caught.value)
    assert (
        "not a readable .npz" in text and "allow_pickle" not in text and "pickle.load" not in text
    )


def test_offline_without_mnist_says_so_at_once_without_tensorflow(tmp_path, monkeypatch):
    import sys
    import time

    from digitpad.ml import data as ml_data
    from digitpad.ml.errors import MNIST_MISSING, DatasetError

    monkeypatch.delenv("DIGITPAD_MNIST", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))  # no cached download
    monkeypatch.setattr(ml_data, "_can_reach", lambda host, timeout=3.0: False)
    started = time.perf_counter()
    with pytest.raises(DatasetError) as caught:
        ml_data.load_mnist()
    assert caught.value.code == MNIST_MISSING and "offline" in str(caught.value)
    assert "DIGITPAD_MNIST" in str(caught.value) and time.perf_counter() - started < 1.0
    if "tensorflow" not in sys.modules:  # (another test may have imported it already)
        assert "tensorflow" not in sys.modules


def test_keras_own_cached_download_is_read_without_tensorflow(tmp_path, monkeypatch):
    import shutil

    from conftest import SMALL_MNIST

    from digitpad.ml import data as ml_data

    monkeypatch.delenv("DIGITPAD_MNIST", raising=False)
    cached = tmp_path / "keras" / "datasets" / "mnist.npz"
    cached.parent.mkdir(parents=True)
    shutil.copyfile(SMALL_MNIST, cached)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    mnist = ml_data.load_mnist()
    assert mnist.source == str(cached) and len(mnist.x_test) == 500
