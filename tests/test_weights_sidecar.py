"""The bundled models' weights sidecars: fresh, identical to what h5py reads, and used
only for the package's own models while they match (start-up without h5py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from digitpad.ml import weights
from digitpad.ml.model import BUNDLED_NAME, BUNDLED_VARIANTS
from digitpad.ml.resources import resource_path
from digitpad.ml.weights import read_layers, sidecar_path, write_weights_sidecar

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = [BUNDLED_NAME, *BUNDLED_VARIANTS.values()]


def same_arrays(a, b) -> bool:
    return len(a) == len(b) and all(
        u.dtype == v.dtype and np.array_equal(u, v) for u, v in zip(a, b, strict=True)
    )


def same_layers(a, b) -> bool:
    return len(a) == len(b) and all(
        x.kind == y.kind and x.config == y.config and same_arrays(x.weights, y.weights)
        for x, y in zip(a, b, strict=True)
    )


@pytest.mark.parametrize("name", BUNDLED)
def test_each_bundled_model_has_a_fresh_sidecar_with_the_same_weights(name):
    path = resource_path(name)
    assert sidecar_path(path).is_file(), "run python3 scripts/bundled_weights.py"
    assert weights.sidecar_is_fresh(path), "stale: run python3 scripts/bundled_weights.py"
    assert same_layers(read_layers(path), read_layers(path, sidecar=False))


def test_the_check_script_agrees():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bundled_weights.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture
def own_folder(tmp_path, monkeypatch):
    """A copy of the tutorial model and its sidecar, taken for the package's own."""
    model = tmp_path / BUNDLED_NAME
    shutil.copy(resource_path(BUNDLED_NAME), model)
    shutil.copy(sidecar_path(resource_path(BUNDLED_NAME)), sidecar_path(model))
    monkeypatch.setattr(weights, "resource_path", lambda name: tmp_path / name)
    return model


def used_sidecar(monkeypatch) -> list[bool]:
    used: list[bool] = []
    real = weights._layers_from_arrays
    monkeypatch.setattr(weights, "_layers_from_arrays", lambda *a: used.append(True) or real(*a))
    return used


def test_a_matching_sidecar_is_used(own_folder, monkeypatch):
    used = used_sidecar(monkeypatch)
    layers = read_layers(own_folder)
    assert used and same_layers(layers, read_layers(own_folder, sidecar=False))


def test_a_stale_or_broken_sidecar_is_ignored(own_folder, monkeypatch):
    used = used_sidecar(monkeypatch)
    reference = read_layers(own_folder, sidecar=False)
    with np.load(sidecar_path(own_folder)) as data:
        arrays = {key: data[key] for key in data.files}
    arrays["l1_0"] = arrays["l1_0"] * 0  # other weights: as if the model was retrained
    arrays["source_crc32"] = arrays["source_crc32"] + 1
    np.savez(sidecar_path(own_folder), **arrays)
    assert same_layers(read_layers(own_folder), reference) and not used
    sidecar_path(own_folder).write_bytes(b"not a zip")
    assert same_layers(read_layers(own_folder), reference) and not used


def test_a_users_model_never_reads_a_sidecar(tmp_path, monkeypatch):
    """Only the package's own files: beside a user's model, a sidecar is ignored."""
    used = used_sidecar(monkeypatch)
    model = tmp_path / "mine.keras"
    shutil.copy(resource_path(BUNDLED_NAME), model)
    write_weights_sidecar(model)
    assert sidecar_path(model).is_file()
    assert same_layers(read_layers(model), read_layers(model, sidecar=False)) and not used


def test_a_bundled_model_read_from_its_sidecar_leaves_its_weights_file_unread(
    own_folder, monkeypatch
):
    """Start-up reads the config and the sidecar, not the (larger) HDF5 weights file:
    freshness comes from the size and CRC-32 in the model's zip directory."""
    import zipfile

    from digitpad.ml.predictor import Predictor

    read: list[str] = []
    real_open = zipfile.ZipFile.open

    def spy(self, name, *args, **kwargs):
        read.append(getattr(name, "filename", name))
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", spy)
    used = used_sidecar(monkeypatch)
    predictor = Predictor.from_file(own_folder)
    assert used and "config.json" in read
    assert "model.weights.h5" not in read
    assert predictor.predict(np.zeros((28, 28), np.float32)).shape == (10,)
    # A model whose weights file differs from the one the sidecar was made from (here one
    # byte longer) is read from that file, and CRC-checked, as any other.
    with zipfile.ZipFile(own_folder) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["model.weights.h5"] += b"\0"
    with zipfile.ZipFile(own_folder, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    read.clear()
    used.clear()
    Predictor.from_file(own_folder)
    assert not used and "model.weights.h5" in read
