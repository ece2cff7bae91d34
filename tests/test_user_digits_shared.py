"""Two windows or two processes sharing "My digits": nobody's digits are lost, and
adding a digit costs the same however many are saved."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np

from digitpad.ml import user_digits as ud
from digitpad.ml.user_digits import FILE_NAME, JOURNAL_NAME, UserDigits


def _digit(seed: int) -> np.ndarray:
    image = np.zeros((28, 28), np.uint8)
    image[4 + seed % 10 : 20 + seed % 7, 6 + seed % 13 : 10 + seed % 11] = 255
    image[0, seed % 28] = 1 + seed % 250  # every sample different
    return image


def test_two_windows_adding_keep_each_others_digits(tmp_path):
    a, b = UserDigits(tmp_path), UserDigits(tmp_path)
    for i in range(5):
        a.add(_digit(i), i)
    b.add(_digit(99), 9)
    assert len(b) == 6  # b took in a's five before adding its own
    assert sorted(UserDigits(tmp_path).labels.tolist()) == [0, 1, 2, 3, 4, 9]
    a.add(_digit(50), 5)
    assert len(a) == 7 and a.labels.tolist()[-2:] == [9, 5]


def test_a_delete_in_one_window_keeps_what_another_added(tmp_path):
    a = UserDigits(tmp_path)
    a.add(_digit(1), 1)
    a.add(_digit(2), 2)
    b = UserDigits(tmp_path)
    b.add(_digit(3), 3)
    c = UserDigits(tmp_path)  # shows [1, 2, 3]
    a.delete(0)  # a still shows [1, 2]; its 1 goes, b's 3 stays
    assert UserDigits(tmp_path).labels.tolist() == [2, 3]
    c.delete(0)  # c's 1 is gone already (a deleted it): nothing else is touched
    assert UserDigits(tmp_path).labels.tolist() == [2, 3] and c.labels.tolist() == [2, 3]
    b.delete(2)  # b shows [1, 2, 3]: deleting its 3 finds it at its new place
    assert UserDigits(tmp_path).labels.tolist() == [2]


def test_two_processes_adding_at_once_lose_nothing(tmp_path):
    code = textwrap.dedent(
        f"""
        import os, sys, time, numpy as np
        import digitpad.ml.user_digits as ud
        ud.COMPACT_EVERY = 7  # folds happen while the other process appends
        offset = int(sys.argv[1])
        folder = {str(tmp_path)!r}
        open(os.path.join(folder, f"ready{{offset}}"), "w").close()
        while not all(os.path.exists(os.path.join(folder, f"ready{{n}}")) for n in (1, 2)):
            time.sleep(0.001)  # start together, so the adds interleave
        store = ud.UserDigits(folder)
        for i in range(100):
            image = np.zeros((28, 28), np.uint8)
            image[5:20, 10:14] = 255
            image[0, 0], image[0, 1] = offset, i
            store.add(image, (offset + i) % 10)
        """
    )
    runs = [
        subprocess.Popen([sys.executable, "-c", code, str(n)], stderr=subprocess.PIPE)
        for n in (1, 2)
    ]
    for run in runs:
        _, err = run.communicate(timeout=120)
        assert run.returncode == 0, err.decode()[-2000:]
    store = UserDigits(tmp_path)
    assert len(store) == 200  # without the lock about 160 survive
    seen = {(int(img[0, 0]), int(img[0, 1])) for img in store.images}
    assert seen == {(n, i) for n in (1, 2) for i in range(100)}


def test_adding_appends_instead_of_rewriting_the_collection(tmp_path):
    store = UserDigits(tmp_path)
    store.images = np.repeat(_digit(3)[None], 2000, axis=0)
    store.labels = np.full(2000, 3, np.uint8)
    store.save()  # 2,000 digits in the .npz
    npz = tmp_path / FILE_NAME
    before = (npz.stat().st_ino, npz.stat().st_mtime_ns, npz.read_bytes())
    for i in range(20):
        store.add(_digit(i), i % 10)
    assert (npz.stat().st_ino, npz.stat().st_mtime_ns, npz.read_bytes()) == before
    journal = (tmp_path / JOURNAL_NAME).stat().st_size
    assert journal == ud._HEADER.size + 20 * ud._RECORD  # 20 records of 786 bytes
    assert len(UserDigits(tmp_path)) == 2020


def test_the_journal_is_folded_in_every_so_often(tmp_path, monkeypatch):
    monkeypatch.setattr(ud, "COMPACT_EVERY", 4)
    store = UserDigits(tmp_path)
    for i in range(9):
        store.add(_digit(i), i)
    assert (tmp_path / FILE_NAME).is_file()
    records = ((tmp_path / JOURNAL_NAME).stat().st_size - ud._HEADER.size) // ud._RECORD
    assert records == 1
    assert UserDigits(tmp_path).labels.tolist() == list(range(9))


def test_a_damaged_journal_is_set_aside_and_the_collection_kept(tmp_path):
    store = UserDigits(tmp_path)
    store.add(_digit(1), 1)
    store.save()
    store.add(_digit(2), 2)
    with open(tmp_path / JOURNAL_NAME, "ab") as handle:
        handle.write(b"\x00" * ud._RECORD)  # a record that is not one
    again = UserDigits(tmp_path)
    assert again.labels.tolist() == [1, 2]  # the good record before it is kept
    assert "kept as" in again.warning and "\n" not in again.warning
    assert len(list(tmp_path.glob("my_digits.broken-*.journal"))) == 1
    again.add(_digit(3), 3)
    assert UserDigits(tmp_path).labels.tolist() == [1, 2, 3]


def test_a_journal_left_by_a_fold_cut_short_is_not_counted_twice(tmp_path):
    store = UserDigits(tmp_path)
    store.add(_digit(1), 1)
    stale = (tmp_path / JOURNAL_NAME).read_bytes()
    store.save()  # folded: the .npz holds the 1, the journal is gone
    (tmp_path / JOURNAL_NAME).write_bytes(stale)  # as if the unlink never happened
    again = UserDigits(tmp_path)
    assert again.labels.tolist() == [1]
    again.add(_digit(2), 2)
    assert UserDigits(tmp_path).labels.tolist() == [1, 2]
