"""A named pipe (FIFO) given as a model, a dataset, an image or the personal-digits file
is refused at once with one line: opening it would block until someone writes to it."""

from __future__ import annotations

import os

import pytest
from helpers_cli import run_cli

from digitpad.ml.data import load_mnist
from digitpad.ml.errors import NOT_REGULAR_FILE, DatasetError, ImageError, ModelError
from digitpad.ml.images import read_grey
from digitpad.ml.model import check_model_file
from digitpad.ml.user_digits import UserDigits, UserDigitsError

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")


@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.keras"
    os.mkfifo(path)
    return path


def test_the_ml_layer_refuses_a_pipe_before_opening_it(fifo, tmp_path):
    for call, error in ((check_model_file, ModelError), (load_mnist, DatasetError)):
        with pytest.raises(error) as caught:
            call(fifo)
        assert caught.value.code == NOT_REGULAR_FILE and "not a regular file" in str(caught.value)
    with pytest.raises(ImageError, match="not a regular file"):
        read_grey(fifo)


def test_a_pipe_as_the_digits_file_is_set_aside_and_the_collection_starts_afresh(tmp_path):
    os.mkfifo(tmp_path / "my_digits.npz")
    with pytest.raises(UserDigitsError, match="starting a new collection"):
        UserDigits(tmp_path)
    assert len(UserDigits(tmp_path)) == 0  # the pipe was moved aside: the window opens


@pytest.mark.parametrize("command", ["predict", "evaluate", "train"])
def test_the_cli_says_one_line_and_exits_2(fifo, tmp_path, command):
    args = {
        "predict": ["predict", str(fifo)],
        "evaluate": ["evaluate", "--model", str(fifo)],
        "train": ["train", "--data", str(fifo), "--out", str(tmp_path / "m.keras")],
    }[command]
    result = run_cli(*args, cwd=tmp_path, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1 and "not a regular file" in result.stderr


def test_the_window_refuses_a_pipe_as_a_model_or_a_dataset(qtbot, window, fifo, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)  # no modal box
    window.warnings = []
    window.warningShown.connect(lambda title, text: window.warnings.append(text))
    assert window.open_model_file(str(fifo)) is False
    with qtbot.waitSignal(window.datasetChecked, timeout=10_000) as checked:
        window.open_dataset_file(str(fifo))
    assert checked.args == [False]
    assert len(window.warnings) == 2 and all("pipe" in text for text in window.warnings)
