"""MNIST resolution and validation: good files load, broken files get one clear line."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from helpers_data import write_mnist_npz

from digitpad.ml.data import ENV_VAR, flatten, load_mnist, resolve_path
from digitpad.ml.errors import DatasetError


@pytest.mark.mnist
def test_real_mnist_loads_with_the_documented_layout(full_mnist):
    assert full_mnist.x_train.shape == (60000, 28, 28) and full_mnist.x_train.dtype == np.uint8
    assert full_mnist.y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert full_mnist.y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(full_mnist.y_test).tolist()[:3] == [980, 1135, 1032]


@pytest.mark.mnist
def test_recipe_reshape_and_scale(full_mnist):
    flat = flatten(full_mnist.x_train)
    assert flat.shape == (60000, 784) and flat.dtype == np.float32
    assert 0.0 <= flat.min() and flat.max() == 1.0
    assert abs(float(flat.mean()) - 0.1307) < 1e-3


def test_explicit_path_wins_over_environment(tmp_path, monkeypatch):
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "env.npz"))
    assert resolve_path(tmp_path / "explicit.npz") == tmp_path / "explicit.npz"
    assert resolve_path(None) == tmp_path / "env.npz"
    monkeypatch.delenv(ENV_VAR)
    assert resolve_path(None) is None


def test_valid_file_loads(tmp_path):
    path = write_mnist_npz(tmp_path / "ok.npz", y_test=np.full(10000, 9, np.uint8))
    loaded = load_mnist(path)
    assert loaded.source == str(path) and int(loaded.y_test.max()) == 9


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"x_test": None}, "missing x_test"),
        ({"x_train": np.zeros((100, 28, 28), np.uint8)}, "x_train has shape (100, 28, 28)"),
        ({"x_train": np.zeros((60000, 28, 28), np.float32)}, "x_train has dtype float32"),
        ({"y_train": np.full(60000, 10, np.uint8)}, "labels 10..10, expected 0..9"),
        ({"y_test": np.full(10000, -1, np.int64)}, "labels -1..-1"),
    ],
)
def test_wrong_files_name_the_file_and_the_problem(tmp_path, overrides, expected):
    path = write_mnist_npz(tmp_path / "bad.npz", **overrides)
    with pytest.raises(DatasetError) as caught:
        load_mnist(path)
    message = str(caught.value)
    assert str(path) in message and expected in message and "\n" not in message


def test_missing_file_says_how_to_get_one(tmp_path):
    with pytest.raises(DatasetError, match=f"no such file.*{ENV_VAR}"):
        load_mnist(tmp_path / "nowhere.npz")


def test_folder_and_garbage_and_truncated_files(tmp_path):
    with pytest.raises(DatasetError, match="is a folder"):
        load_mnist(tmp_path)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"this is not a zip file at all")
    with pytest.raises(DatasetError, match=r"not a readable \.npz file"):
        load_mnist(garbage)
    good = write_mnist_npz(tmp_path / "good.npz")
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(DatasetError, match=r"truncated\.npz"):
        load_mnist(truncated)


def test_offline_without_file_explains_where_to_put_it(monkeypatch, tmp_path):
    """The network looks reachable but Keras' download fails; the message says what to do.
    (Plainly offline is said at once: test_faults_data.py.)"""
    from digitpad.ml import data as ml_data

    monkeypatch.delenv(ENV_VAR, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no cached download
    monkeypatch.setattr(ml_data, "_can_reach", lambda host, timeout=3.0: True)

    def load_data():
        raise OSError("URL fetch failure on https://storage.googleapis.com/mnist.npz")

    fake_datasets = types.ModuleType("keras.datasets")
    fake_datasets.mnist = types.SimpleNamespace(load_data=load_data)
    monkeypatch.setitem(sys.modules, "keras.datasets", fake_datasets)
    with pytest.raises(DatasetError) as caught:
        load_mnist()
    message = str(caught.value)
    assert "URL fetch failure" in message
    assert "mnist.npz" in message and ENV_VAR in message and "\n" not in message
