"""A damaged "My digits" file never stops the window from opening: it is set aside (or,
in a read-only folder, left alone) with a message, and nothing else is lost."""

from __future__ import annotations

import os
import zipfile

import numpy as np
import pytest

from digitpad.ml import user_digits as ud
from digitpad.ml.user_digits import FILE_NAME, UserDigits, UserDigitsError


def _string_labels(path):
    np.savez(path, images=np.zeros((3, 28, 28), np.uint8), labels=np.array(["a", "b", "c"]))


def _huge_header(path):
    np.savez(path, images=np.zeros((1, 28, 28), np.uint8), labels=np.zeros(1, np.uint8))
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    header = members["images.npy"]
    members["images.npy"] = header.replace(b"(1, 28, 28)", b"(99999999999, 28, 28)")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


@pytest.mark.parametrize("damage", [_string_labels, _huge_header], ids=["strings", "huge"])
def test_a_damaged_file_is_set_aside_in_one_line(tmp_path, damage):
    damage(tmp_path / FILE_NAME)
    with pytest.raises(UserDigitsError) as caught:
        UserDigits(tmp_path)
    assert "kept as" in str(caught.value) and "\n" not in str(caught.value)
    assert not (tmp_path / FILE_NAME).exists()
    assert len(list(tmp_path.glob("my_digits.broken-*.npz"))) == 1


def test_a_read_only_folder_leaves_the_file_and_still_opens(tmp_path, monkeypatch):
    _string_labels(tmp_path / FILE_NAME)

    def refuse(*_args):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(ud.os, "replace", refuse)
    with pytest.raises(UserDigitsError, match="read-only"):
        UserDigits(tmp_path)
    assert (tmp_path / FILE_NAME).exists()  # nothing lost


@pytest.mark.parametrize("damage", [_string_labels, _huge_header], ids=["strings", "huge"])
def test_the_window_opens_with_a_damaged_digits_file(qtbot, tmp_path, damage):
    from digitpad.ui import MainWindow

    folder = os.environ["DIGITPAD_DATA_HOME"]
    os.makedirs(folder, exist_ok=True)
    damage(os.path.join(folder, FILE_NAME))
    window = MainWindow()
    qtbot.addWidget(window)
    window.show()
    digits = window.teach.dock.my_digits
    assert len(digits.store) == 0 and "kept as" in digits.result_label.text()
