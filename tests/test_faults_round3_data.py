"""Round three: datasets that are not what they claim, and the Evaluate tab across datasets.

- A "dataset" that is not an npz at all (text, a web page, random bytes, ...) is said for
  what it is, never "it holds Python objects".
- The pen-digits loader refuses a file far larger than the pen data by its size, in one
  line, without reading it.
- Evaluate after Open dataset…: every image, label and reading it shows comes from one
  dataset, swapped at once; browsing and the matrix never index past the new test set.
"""

from __future__ import annotations

import gzip
import pickle
import tracemalloc

import numpy as np
import pytest
from helpers_data import write_mnist_npz

from digitpad.ml import errors as E
from digitpad.ml import pendigits
from digitpad.ml.data import load_mnist
from digitpad.ml.errors import DatasetError

# -- (d) not an npz at all ------------------------------------------------------------------

NOT_NPZ = {
    "text": (b"x_train, y_train\n1, 2\n3, 4\n", "text"),
    "html error page": (
        b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>"
        b"<body><h1>Not Found</h1></body></html>\n",
        "web page",
    ),
    "random bytes": (np.random.default_rng(29).bytes(4096), "binary data"),
    "json": (b'{"x_train": [[0, 0]], "y_train": [1]}\n', "text"),
    "korean text": ("손글씨 숫자 데이터\n".encode() * 20, "text"),
    "gzip": (gzip.compress(b"\x00\x00\x08\x03" + b"\0" * 100), "gzip"),
    "idx": (b"\x00\x00\x08\x03\x00\x00\xea\x60" + b"\0" * 100, "IDX"),
    "git lfs pointer": (
        b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 11490434\n",
        "Git LFS",
    ),
}


@pytest.mark.parametrize("name", list(NOT_NPZ))
def test_a_file_that_is_not_an_npz_is_said_for_what_it_is(tmp_path, name, qapp):
    from digitpad.ui.messages import error_text

    content, says = NOT_NPZ[name]
    path = tmp_path / "mnist.npz"
    path.write_bytes(content)
    with pytest.raises(DatasetError) as caught:
        load_mnist(path)
    text = str(caught.value)
    assert "\n" not in text and str(path) in text and "not a readable .npz" in text, text
    assert says in text, text
    assert "Python objects" not in text and "pickle" not in text.lower(), text
    assert caught.value.code == E.NOT_NPZ and says in caught.value.detail
    assert says in error_text(caught.value)  # the window's Details line says it too


def test_a_single_npy_array_is_said_for_what_it_is_not_a_type_error(tmp_path):
    path = tmp_path / "mnist.npz"
    with open(path, "wb") as handle:
        np.save(handle, np.zeros((3, 28, 28), np.uint8))
    with pytest.raises(DatasetError, match=r"single numpy array \(\.npy\)") as caught:
        load_mnist(path)
    assert caught.value.code == E.NOT_NPZ


def test_an_empty_file_and_a_pickle_are_still_named(tmp_path):
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    with pytest.raises(DatasetError, match="empty") as caught:
        load_mnist(empty)
    assert caught.value.code == E.EMPTY_FILE
    pickled = tmp_path / "p.npz"
    pickled.write_bytes(pickle.dumps({"x_train": [1, 2, 3]}))
    with pytest.raises(DatasetError, match="Python objects") as caught:
        load_mnist(pickled)
    assert "allow_pickle" not in str(caught.value)


def test_a_real_npz_is_still_read(tmp_path):
    path = write_mnist_npz(tmp_path / "good.npz")
    assert len(load_mnist(path).y_test) == 10000


# -- (e) pen digits: refused by size, before reading ------------------------------------------


def test_a_huge_pen_digits_file_is_refused_by_its_size_without_reading_it(tmp_path):
    path = tmp_path / pendigits.FILE_NAME
    with open(path, "wb") as handle:  # sparse: takes no disk, reads as zeros
        handle.truncate(pendigits.MAX_FILE_BYTES + 1)
    tracemalloc.start()
    try:
        with pytest.raises(DatasetError) as caught:
            pendigits.load_pendigits(path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    text = str(caught.value)
    assert "\n" not in text and str(path) in text and "MB" in text, text
    assert caught.value.code == E.TOO_LARGE
    assert peak < 1 << 20, f"{peak:,} bytes allocated to refuse it"


def test_a_1_gib_pen_digits_file_is_refused_at_once(tmp_path):
    """The issue's case: 1 GiB given as the pen data (doctor peaked at 2.1 GB)."""
    import time

    path = tmp_path / "pen.tra"
    with open(path, "wb") as handle:
        handle.truncate(1 << 30)
    started = time.perf_counter()
    with pytest.raises(DatasetError, match="MB"):
        pendigits.load_pendigits(path)
    assert time.perf_counter() - started < 0.5


def test_the_pen_digits_limit_leaves_room_for_the_real_file():
    assert pendigits.MAX_FILE_BYTES >= 8 * 3_641_673  # the UCI file, several times over


def test_a_pen_file_that_grows_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    """Streamed with a cap: a file that is larger than its size said stops at the cap."""
    real = tmp_path / "pen.tra"
    digit = '.SEGMENT DIGIT ? ? "1"\n.COMMENT 1 1 1\n.PEN_DOWN\n10 10\n20 20\n.PEN_UP\n'
    real.write_text(digit * 2000, encoding="ascii")
    size = real.stat().st_size
    monkeypatch.setattr(pendigits, "MAX_FILE_BYTES", size // 2)
    monkeypatch.setattr(pendigits, "_file_size", lambda _path: 0)  # a size that lies
    with pytest.raises(DatasetError) as caught:
        pendigits.load_pendigits(real)
    assert caught.value.code == E.TOO_LARGE and "\n" not in str(caught.value)


def test_pen_digits_are_still_read_line_by_line(tmp_path):
    path = tmp_path / "pen.tra"
    digit = '.SEGMENT DIGIT ? ? "{0}"\n.COMMENT {0} 3 1\n.PEN_DOWN\n10 10\n20 480\n.PEN_UP\n'
    path.write_text("".join(digit.format(d) for d in range(10)), encoding="ascii")
    loaded = pendigits.load_pendigits(path)
    assert list(loaded.labels) == list(range(10)) and set(loaded.writers.tolist()) == {3}
    assert loaded.strokes[0][0][1, 1] == pendigits.BOX - 480  # y flipped as before


# -- (c) Evaluate after Open dataset…: one dataset, swapped at once ------------------------


@pytest.fixture(scope="module")
def bundled():
    from digitpad.ml.model import bundled_model_path
    from digitpad.ml.predictor import Predictor

    return Predictor.from_file(bundled_model_path())


@pytest.fixture
def second_dataset(tmp_path, mnist):
    """A smaller dataset (50 test images) whose test images are not the first's."""
    path = tmp_path / "second.npz"
    np.savez(
        path,
        x_train=mnist.x_train[:200],
        y_train=mnist.y_train[:200],
        x_test=mnist.x_train[1000:1050],  # images the first dataset's test set lacks
        y_test=mnist.y_train[1000:1050],
    )
    return path, load_mnist(path)


def _shown_image(view) -> bytes:
    return view.browser_image._levels[1]


def _assert_everything_from(view, second, bundled):
    from digitpad.ui.teach.common import to_uint8

    n = len(second.y_test)
    assert view.test_set_size() == n and view.index_box.maximum() == n - 1
    assert len(view.evaluation.labels) == n and view.matrix.matrix().sum() == n
    for index in (0, n // 2, n - 1):
        view.index_box.setValue(index)
        label = int(second.y_test[index])
        guess = int(np.argmax(bundled.predict(second.x_test[index] / 255.0)))
        assert f"label {label} " in view.browser_text.text()
        assert f"reads {guess} " in view.browser_text.text()
        assert _shown_image(view) == to_uint8(second.x_test[index]).tobytes()
    matrix = view.matrix.matrix()
    for true, predicted in zip(*np.nonzero(matrix), strict=True):
        view.show_cell(int(true), int(predicted))  # as a click on the cell does
        shown = view.gallery_indices()
        assert len(shown) == min(int(matrix[true, predicted]), 60)
        assert all(i < n and int(second.y_test[i]) == true for i in shown)


def test_a_new_evaluation_brings_its_own_images_and_bounds(qtbot, mnist, bundled, second_dataset):
    from digitpad.ml.evaluation import evaluate_predictor
    from digitpad.ui.teach.evaluation_view import EvaluationView

    _path, second = second_dataset
    view = EvaluationView(bundled, mnist)
    qtbot.addWidget(view)
    view.index_box.setValue(400)  # past the second dataset's 50 test images
    errors = view.matrix.matrix() - np.diag(np.diag(view.matrix.matrix()))
    view.show_cell(*(int(i) for i in np.unravel_index(np.argmax(errors), errors.shape)))
    view.set_evaluation(evaluate_predictor(bundled, second.x_test, second.y_test))
    assert view.index_box.value() == len(second.y_test) - 1  # kept inside the new set
    assert all(i < len(second.y_test) for i in view.gallery_indices())
    _assert_everything_from(view, second, bundled)


def test_an_evaluation_without_images_of_another_size_is_refused(qtbot, mnist, bundled):
    from digitpad.ml.evaluation import Evaluation
    from digitpad.ui.teach.evaluation_view import EvaluationView

    view = EvaluationView(bundled, mnist)
    qtbot.addWidget(view)
    with pytest.raises(ValueError, match="another dataset"):
        view.set_evaluation(Evaluation(np.zeros(50, np.int64), np.full((50, 10), 0.1)))


def test_evaluate_follows_open_dataset_at_once(window, qtbot, bundled, second_dataset):
    path, second = second_dataset
    dock = window.teach.dock
    dock.show_tab("evaluate")
    page = dock.evaluation
    qtbot.waitUntil(lambda: page.view is not None and not page.is_busy(), timeout=60_000)
    assert len(page.view.evaluation.labels) == 500
    page.view.index_box.setValue(499)
    window.train_panel.set_data_path(str(path))  # what Open dataset… does once checked
    n = len(second.y_test)
    qtbot.waitUntil(lambda: len(page.view.evaluation.labels) == n, timeout=10_000)
    qtbot.waitUntil(lambda: not page.is_busy(), timeout=10_000)
    _assert_everything_from(page.view, second, window.models.predictor)
