"""Personal digits: a real file that survives crashes, and fine-tuning on it."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pytest

from digitpad.ml.model import bundled_model_path, load_model
from digitpad.ml.render import render
from digitpad.ml.strokes import mnist_to_strokes, place
from digitpad.ml.user_digits import (
    FILE_NAME,
    JOURNAL_NAME,
    UserDigits,
    UserDigitsError,
    fine_tune,
)


def _digit(value: int) -> np.ndarray:
    image = np.zeros((28, 28), np.uint8)
    image[6:22, 10 + value % 5 : 14 + value % 5] = 255
    return image


def test_add_and_delete_persist_across_reload(tmp_path):
    store = UserDigits(tmp_path)
    assert len(store) == 0 and not (tmp_path / FILE_NAME).exists()
    for label in (3, 3, 7):
        store.add(_digit(label), label)
    assert store.counts()[3] == 2 and store.counts()[7] == 1
    assert (tmp_path / JOURNAL_NAME).is_file()  # adds go to the journal
    assert list(UserDigits(tmp_path).labels) == [3, 3, 7]
    store.delete(0)
    assert (tmp_path / FILE_NAME).is_file() and not (tmp_path / JOURNAL_NAME).exists()
    again = UserDigits(tmp_path)
    assert again.counts()[3] == 1 and again.counts()[7] == 1 and len(again) == 2
    assert list(again.labels) == [3, 7]
    assert (again.images[1] == _digit(7)).all()


def test_raw_canvas_drawing_is_prepared_like_mnist(tmp_path):
    canvas = np.zeros((280, 280), np.uint8)
    canvas[40:240, 120:150] = 255
    store = UserDigits(tmp_path)
    index = store.add(canvas, 1)
    image = store.images[index]
    assert image.shape == (28, 28) and image.dtype == np.uint8 and image.max() == 255
    with pytest.raises(ValueError, match="empty"):
        store.add(np.zeros((280, 280), np.uint8), 1)
    with pytest.raises(ValueError, match="0-9"):
        store.add(canvas, 10)
    assert len(UserDigits(tmp_path)) == 1


def test_failed_fold_keeps_previous_file(tmp_path, monkeypatch):
    store = UserDigits(tmp_path)
    store.add(_digit(1), 1)
    store.add(_digit(2), 2)
    store.save()
    before = (tmp_path / FILE_NAME).read_bytes()

    def broken(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("digitpad.ml.atomic.os.replace", broken)
    with pytest.raises(UserDigitsError, match="could not save"):
        store.delete(0)
    monkeypatch.undo()
    assert (tmp_path / FILE_NAME).read_bytes() == before
    assert list(store.labels) == [1, 2]  # memory matches the disk
    names = sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".my_digits.lock"))
    assert names == [FILE_NAME]  # no temp file left
    assert list(UserDigits(tmp_path).labels) == [1, 2]


def test_failed_journal_write_adds_nothing(tmp_path, monkeypatch):
    store = UserDigits(tmp_path)
    store.add(_digit(1), 1)

    def full(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("digitpad.ml.user_digits.os.fsync", full)
    with pytest.raises(UserDigitsError, match="could not save"):
        store.add(_digit(2), 2)
    monkeypatch.undo()
    assert list(store.labels) == [1]
    store.add(_digit(3), 3)  # the next add replaces what the failed one left
    assert list(UserDigits(tmp_path).labels) == [1, 3]


@pytest.mark.parametrize("where", ["journal", "fold"])
def test_process_killed_mid_save_leaves_previous_digits(tmp_path, where):
    store = UserDigits(tmp_path)
    store.add(_digit(4), 4)
    store.save()
    store.add(_digit(6), 6)
    if where == "journal":  # the power goes out half-way through a record
        die = """
        real = ud.os.fsync
        def dying(fd):
            os.ftruncate(fd, os.fstat(fd).st_size - 300)
            os._exit(9)
        ud.os.fsync = dying
        store.add(np.full((28, 28), 255, np.uint8), 5)
        """
    else:  # ... or half-way through writing the .npz
        die = """
        def dying(target, **arrays):
            handle = open(target, "wb") if isinstance(target, str) else target
            handle.write(b"PK half a zip")
            handle.flush()
            os._exit(9)
        ud.np.savez_compressed = dying
        store.delete(0)
        """
    code = textwrap.dedent(
        f"""
        import os, numpy as np
        import digitpad.ml.user_digits as ud
        store = ud.UserDigits({str(tmp_path)!r})
        """
    ) + textwrap.dedent(die)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert done.returncode == 9, done.stderr.decode()[-2000:]
    again = UserDigits(tmp_path)
    assert list(again.labels) == [4, 6]
    again.add(_digit(7), 7)
    assert list(UserDigits(tmp_path).labels) == [4, 6, 7]


def test_corrupt_file_is_reported_and_kept_aside(tmp_path):
    (tmp_path / FILE_NAME).write_bytes(b"not a zip at all")
    with pytest.raises(UserDigitsError, match="could not be read") as info:
        UserDigits(tmp_path)
    assert "kept as" in str(info.value)
    kept = [p for p in tmp_path.iterdir() if "broken" in p.name]
    assert len(kept) == 1 and kept[0].read_bytes() == b"not a zip at all"
    store = UserDigits(tmp_path)  # a fresh start now works
    store.add(_digit(0), 0)
    assert len(UserDigits(tmp_path)) == 1


def test_fine_tune_reports_held_back_accuracy_before_and_after(tmp_path, mnist):
    """A "person" who writes steeply slanted with a thick pen, which MNIST rarely shows."""
    store = UserDigits(tmp_path)
    turn = np.deg2rad(40)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]], np.float32)
    for digit in range(10):
        for i in np.flatnonzero(mnist.y_test == digit)[:12]:
            strokes = [(line - 14) @ rotation.T + 14 for line in mnist_to_strokes(mnist.x_test[i])]
            store.add(render(place(strokes, 180, (140, 140)), (280, 280), 30), digit)
    model = load_model(bundled_model_path())
    epochs_seen = []
    result = fine_tune(
        model,
        store,
        mnist,
        epochs=2,
        mnist_samples=2000,
        on_epoch=lambda e, _l: epochs_seen.append(e),
    )
    assert result.held_back == 30 and result.trained_on == 90
    assert epochs_seen == [1, 2] and result.epochs == 2
    assert 0 <= result.before <= 1 and 0 <= result.after <= 1
    assert result.after > result.before, result
    assert float(np.asarray(model.optimizer.learning_rate)) == pytest.approx(0.001)
