"""Saving is atomic: a kill, a full disk or a refused write never damages the old model."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from helpers_cli import cli_env

from digitpad.ml import model_card
from digitpad.ml.errors import ModelError
from digitpad.ml.model import (
    build_model,
    bundled_model_path,
    check_model_file,
    save_model,
)
from digitpad.ml.predictor import Predictor
from digitpad.ml.recipe import TUTORIAL

# Saves a ~60 MB model over and over; announces each save so the parent kills mid-write.
SAVER = """
import sys
from digitpad.ml.model import build_model, save_model
from digitpad.ml.recipe import TUTORIAL
model = build_model(TUTORIAL.with_(hidden_units=20000, seed=0))
while True:
    print("saving", flush=True)
    save_model(model, sys.argv[1])
"""


def _hidden(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@pytest.fixture
def previous(tmp_path):
    target = tmp_path / "m.keras"
    shutil.copy(bundled_model_path(), target)
    return target


def kill_mid_save(target, delay: float) -> None:
    """Start a process saving over ``target`` again and again; SIGKILL it after ``delay``."""
    proc = subprocess.Popen(
        [sys.executable, "-c", SAVER, str(target)],
        env=cli_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline() == "saving\n"
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdout.close()


def test_sigkill_mid_save_leaves_a_loadable_model(tmp_path, previous):
    interrupted = 0
    for delay in (0.0, 0.15, 0.4, 1.0):
        kill_mid_save(previous, delay)
        # The target is the old model or a complete new one, never a half-written file.
        check_model_file(previous)
        predictor = Predictor.from_file(previous)
        assert predictor.predict(np.zeros((28, 28), np.float32)).shape == (10,)
        leftovers = _hidden(tmp_path)
        interrupted += bool(leftovers)  # a killed save leaves its hidden temp file behind
        for name in leftovers:
            (tmp_path / name).unlink()
    assert interrupted >= 2, "the kills never landed mid-save; make the model bigger"


def test_the_next_save_removes_what_a_killed_save_left(tmp_path, previous):
    """A save killed mid-write leaves its hidden temp file; the next save of that file
    removes such leftovers once they are an hour old (younger: maybe another save's)."""
    for attempt in range(6):  # kill until a kill lands mid-save and leaves its temp file
        kill_mid_save(previous, 0.15 + 0.2 * attempt)
        if _hidden(tmp_path):
            break
    killed = _hidden(tmp_path)
    assert killed, "no kill landed mid-save"
    old = time.time() - 2 * 3600
    for name in killed:
        os.utime(tmp_path / name, (old, old))
    fresh = tmp_path / ".m-abcd1234.keras"  # as another save's, still being written
    fresh.write_bytes(b"in progress")
    unrelated = tmp_path / ".other-abcd1234.keras"
    unrelated.write_bytes(b"not ours")
    os.utime(unrelated, (old, old))
    save_model(build_model(TUTORIAL.with_(hidden_units=16, seed=0)), previous)
    assert _hidden(tmp_path) == sorted([fresh.name, unrelated.name])
    assert Predictor.from_file(previous).dense_layers()[0].weights[0].shape == (784, 16)


def test_normal_save_over_an_existing_file_leaves_no_temp(tmp_path, previous):
    save_model(build_model(TUTORIAL.with_(hidden_units=16, seed=0)), previous)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]
    assert Predictor.from_file(previous).dense_layers()[0].weights[0].shape == (784, 16)


@pytest.mark.parametrize(
    "fault",
    [
        ("os.replace", OSError(errno.ENOSPC, "No space left on device"), "No space left"),
        ("save", OSError(errno.ENOSPC, "No space left on device"), "No space left"),
        ("save", PermissionError(errno.EACCES, "Permission denied"), "permission denied"),
        ("os.fsync", OSError(errno.EIO, "Input/output error"), "Input/output error"),
    ],
)
def test_failed_save_is_a_model_error_and_changes_nothing(tmp_path, previous, monkeypatch, fault):
    where, error, expected = fault
    model = build_model(TUTORIAL.with_(hidden_units=16, seed=0))
    before = previous.read_bytes()
    if where == "save":
        real_save = model.save

        def half_save(path, *args, **kwargs):
            real_save(path, *args, **kwargs)
            with open(path, "r+b") as handle:  # the disk fills up halfway through
                handle.truncate(os.path.getsize(path) // 2)
            raise error

        monkeypatch.setattr(model, "save", half_save)
    else:

        def fail(*args, **kwargs):
            raise error

        monkeypatch.setattr(where, fail)
    with pytest.raises(ModelError) as caught:
        save_model(model, previous)
    message = str(caught.value)
    assert "\n" not in message and "m.keras" in message and expected in message
    monkeypatch.undo()
    assert previous.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]  # temp file removed


def test_unexpected_error_during_save_still_removes_the_temp(tmp_path, previous, monkeypatch):
    model = build_model(TUTORIAL.with_(hidden_units=16, seed=0))

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(model, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        save_model(model, previous)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("m.h5", "must end in .keras"),
        ("missing_folder/m.keras", "does not exist"),
        ("a_file/m.keras", "does not exist"),
        ("folder.keras", "is a folder"),
    ],
)
def test_impossible_targets(tmp_path, name, expected):
    (tmp_path / "a_file").write_text("x")
    (tmp_path / "folder.keras").mkdir()
    with pytest.raises(ModelError, match=expected):
        save_model(build_model(TUTORIAL.with_(hidden_units=4)), tmp_path / name)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_read_only_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(ModelError, match="not writable"):
            save_model(build_model(TUTORIAL.with_(hidden_units=4)), folder / "m.keras")
    finally:
        folder.chmod(0o755)


def test_model_card_write_failure_is_a_model_error(tmp_path, monkeypatch):
    """Found here: an OSError writing the card escaped as a traceback and left a temp file."""
    target = tmp_path / "m.json"
    target.write_text("{}")

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "replace", no_space)
    with pytest.raises(ModelError, match=r"m\.json: could not save the model card"):
        model_card.write_card({"name": "x"}, target)
    monkeypatch.undo()
    assert target.read_text() == "{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.json"]
