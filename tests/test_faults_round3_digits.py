"""My digits: the journal's digits are never dropped without a word (issue #29).

The journal (``my_digits.journal``) extends the ``.npz`` of its generation. When the
``.npz`` is deleted, or an older copy restored, the journal extends a file that is no
longer there: its digits were ignored and the next add wrote a new journal over them.
Each test builds that state on disk itself.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from digitpad.ml import user_digits as ud
from digitpad.ml.errors import UserDigitsError
from digitpad.ml.user_digits import FILE_NAME, JOURNAL_NAME, UserDigits


def _digit(seed: int) -> np.ndarray:
    image = np.zeros((28, 28), np.uint8)
    image[4 + seed % 10 : 20 + seed % 7, 6 + seed % 13 : 10 + seed % 11] = 255
    image[0, seed % 28] = 1 + seed % 250  # every sample different
    return image


def _saved_then_journalled(folder, saved, journalled) -> UserDigits:
    """``saved`` folded into the .npz, then ``journalled`` added to its journal."""
    store = UserDigits(folder)
    for label in saved:
        store.add(_digit(10 * label + 1), label)
    store.save()
    for label in journalled:
        store.add(_digit(10 * label + 2), label)
    assert (folder / JOURNAL_NAME).stat().st_size == ud._HEADER.size + len(journalled) * ud._RECORD
    return store


def test_a_deleted_npz_keeps_the_journals_digits_and_says_so(tmp_path):
    _saved_then_journalled(tmp_path, [1, 2], [3, 4, 5])
    (tmp_path / FILE_NAME).unlink()
    again = UserDigits(tmp_path)
    assert again.labels.tolist() == [3, 4, 5]
    assert "not found" in again.warning and "3 digit(s)" in again.warning
    assert "\n" not in again.warning
    again.add(_digit(62), 6)
    assert UserDigits(tmp_path).labels.tolist() == [3, 4, 5, 6]


def test_an_older_copy_restored_keeps_the_journals_digits_and_says_so(tmp_path):
    store = UserDigits(tmp_path)
    store.add(_digit(11), 1)
    store.save()
    shutil.copy2(tmp_path / FILE_NAME, tmp_path / "backup.npz")  # a copy holding the 1
    store.add(_digit(21), 2)
    store.save()
    for label in (3, 4, 5):
        store.add(_digit(10 * label + 2), label)
    shutil.copy2(tmp_path / "backup.npz", tmp_path / FILE_NAME)  # restored
    again = UserDigits(tmp_path)
    assert again.labels.tolist() == [1, 3, 4, 5]  # the 2 is in neither file any more
    assert "older than its journal" in again.warning and "\n" not in again.warning
    again.add(_digit(62), 6)
    assert UserDigits(tmp_path).labels.tolist() == [1, 3, 4, 5, 6]


def test_an_open_window_adding_after_the_npz_went_keeps_the_journals_digits(tmp_path):
    store = _saved_then_journalled(tmp_path, [1, 2], [3, 4, 5])
    (tmp_path / FILE_NAME).unlink()  # e.g. by hand, while the window is open
    store.add(_digit(62), 6)
    assert UserDigits(tmp_path).labels.tolist() == [3, 4, 5, 6]


def test_the_journal_is_never_overwritten_when_its_digits_cannot_be_folded(tmp_path, monkeypatch):
    _saved_then_journalled(tmp_path, [1], [3, 4, 5])
    (tmp_path / FILE_NAME).unlink()
    journal = (tmp_path / JOURNAL_NAME).read_bytes()

    def full(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ud.np, "savez_compressed", full)
    again = UserDigits(tmp_path)
    assert again.labels.tolist() == [3, 4, 5]  # shown, from memory
    assert "not saved" in again.warning and "\n" not in again.warning
    with pytest.raises(UserDigitsError):
        again.add(_digit(62), 6)
    assert (tmp_path / JOURNAL_NAME).read_bytes() == journal
    monkeypatch.undo()
    assert UserDigits(tmp_path).labels.tolist() == [3, 4, 5]  # space again: reconciled


def test_a_journal_behind_the_npz_with_digits_it_lacks_is_kept_aside(tmp_path):
    """An .npz newer than the journal but without its digits (one from elsewhere): the
    journal is kept beside it and reported, never written over."""
    _saved_then_journalled(tmp_path, [1], [3, 4])
    journal = (tmp_path / JOURNAL_NAME).read_bytes()
    other = tmp_path / "other"
    elsewhere = UserDigits(other)
    for label in (7, 8):
        elsewhere.add(_digit(10 * label + 9), label)
        elsewhere.save()  # generations 1 and 2: newer than the journal's 1
    shutil.copy2(other / FILE_NAME, tmp_path / FILE_NAME)
    again = UserDigits(tmp_path)
    assert again.labels.tolist() == [7, 8]
    assert "2 digit(s) not in it" in again.warning and "kept as" in again.warning
    again.add(_digit(62), 6)
    kept = list(tmp_path.glob("my_digits.broken-*.journal"))
    assert len(kept) == 1 and kept[0].read_bytes() == journal


def test_a_journal_left_by_a_fold_cut_short_still_adds_nothing_twice(tmp_path):
    store = _saved_then_journalled(tmp_path, [1], [3, 4])
    stale = (tmp_path / JOURNAL_NAME).read_bytes()
    store.save()  # the .npz now holds 1, 3, 4
    (tmp_path / JOURNAL_NAME).write_bytes(stale)  # as if the unlink never happened
    again = UserDigits(tmp_path)
    assert again.labels.tolist() == [1, 3, 4] and not again.warning
    again.add(_digit(62), 6)
    assert UserDigits(tmp_path).labels.tolist() == [1, 3, 4, 6]


def test_the_my_digits_view_is_handed_the_line(tmp_path):
    from digitpad.ui.teach.dock import open_user_digits

    _saved_then_journalled(tmp_path, [1], [3, 4, 5])
    (tmp_path / FILE_NAME).unlink()
    store, problem = open_user_digits(str(tmp_path))
    assert store.labels.tolist() == [3, 4, 5]
    assert problem.endswith(f"the 3 digit(s) of its journal were kept in a new {FILE_NAME}")
