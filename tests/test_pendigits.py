"""Real pen-written digits: the loader on the real file, drawing and preparing them."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.ml import pendigits as pd
from digitpad.ml.errors import DatasetError
from digitpad.ml.model import bundled_model_path
from digitpad.ml.predictor import Predictor
from digitpad.ml.preprocess import BOX, PEN_WIDTH, strokes_to_mnist, to_mnist


@pytest.mark.pendigits
def test_loader_reads_every_digit_writer_and_label(pendigits):
    assert len(pendigits) == 7494
    assert sorted(set(pendigits.writers.tolist())) == list(range(1, 31))
    counts = np.bincount(pendigits.labels, minlength=10)
    assert counts.tolist() == [780, 779, 780, 719, 780, 720, 720, 778, 719, 719]
    # The file's first digit is an "8" by writer 12 starting at (267, 333) with y up.
    assert pendigits.labels[0] == 8 and pendigits.writers[0] == 12
    assert pendigits.strokes[0][0][0].tolist() == [267.0, 500 - 333.0]
    assert all(len(strokes) >= 1 for strokes in pendigits.strokes)


@pytest.mark.pendigits
def test_y_axis_is_flipped_so_digits_stand_upright(pendigits):
    # Read as loaded, the tutorial's network knows these digits; mirrored top to bottom
    # (the tablet's y-up orientation) it mostly does not.
    sample = pendigits.subset(np.arange(len(pendigits)) % 25 == 0)
    images = pd.prepare_strokes(sample)
    predictor = Predictor.from_file(bundled_model_path())
    upright = (predictor.predict(images).argmax(1) == sample.labels).mean()
    mirrored = (predictor.predict(images[:, ::-1]).argmax(1) == sample.labels).mean()
    assert upright > 0.85 and mirrored < 0.5, (upright, mirrored)


@pytest.mark.pendigits
def test_split_holds_whole_writers_out(pendigits):
    train, held_out = pendigits.split()
    assert not set(train.writers.tolist()) & set(held_out.writers.tolist())
    assert set(held_out.writers.tolist()) == set(pd.HELD_OUT_WRITERS)
    assert len(train) + len(held_out) == len(pendigits)


# -- the copy bundled with digitpad (resources/pendigits.npz) ------------------------------


def test_the_bundled_pen_digits_load_with_no_environment_variable(monkeypatch):
    monkeypatch.delenv(pd.ENV_VAR, raising=False)
    digits = pd.load_pendigits()
    assert pd.is_bundled(digits) and digits.source == str(pd.bundled_path())
    assert pd.bundled_path().stat().st_size < 1_000_000  # compact: ~0.8 MB for 7,494 digits
    assert len(digits) == 7494
    assert sorted(set(digits.writers.tolist())) == list(range(1, 31))
    counts = np.bincount(digits.labels, minlength=10)
    assert counts.tolist() == [780, 779, 780, 719, 780, 720, 720, 778, 719, 719]
    # The first digit: an "8" by writer 12 starting at (267, 333) with y up, flipped.
    assert digits.labels[0] == 8 and digits.writers[0] == 12
    assert digits.strokes[0][0][0].tolist() == [267.0, 500 - 333.0]
    assert all(s.dtype == np.float32 and s.shape[1] == 2 for d in digits.strokes for s in d)
    assert sum(len(d) for d in digits.strokes) == 9433
    assert pd.load_pendigits() is digits  # read once: a second Train click reads nothing


def test_the_bundled_held_out_writers_are_the_original_digits_point_for_point(monkeypatch):
    # tests/data holds the six held-out writers cut unchanged out of the UCI text file.
    from conftest import HELD_OUT_PEN

    monkeypatch.delenv(pd.ENV_VAR, raising=False)
    _train, held_out = pd.load_pendigits().split()
    original = pd.load_pendigits(HELD_OUT_PEN)
    assert held_out.labels.tolist() == original.labels.tolist()
    assert held_out.writers.tolist() == original.writers.tolist()
    for ours, theirs in zip(held_out.strokes, original.strokes, strict=True):
        assert len(ours) == len(theirs)
        assert all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))


def test_the_bundled_file_is_the_uci_file_when_that_is_here(pendigits, monkeypatch):
    if pd.is_bundled(pendigits):
        pytest.skip(f"compared with the UCI file when {pd.ENV_VAR} names it")
    monkeypatch.delenv(pd.ENV_VAR, raising=False)
    bundled = pd.load_pendigits()
    assert bundled.labels.tolist() == pendigits.labels.tolist()
    assert bundled.writers.tolist() == pendigits.writers.tolist()
    for ours, theirs in zip(bundled.strokes, pendigits.strokes, strict=True):
        assert all(np.array_equal(a, b) for a, b in zip(ours, theirs, strict=True))


def test_training_and_validation_are_split_by_writer(monkeypatch):
    monkeypatch.delenv(pd.ENV_VAR, raising=False)
    train = pd.training_writers()
    held_out = pd.held_out_writers()
    assert len(train) == 5995 and len(held_out) == 1499
    assert set(train.writers.tolist()) == set(range(1, 31)) - pd.HELD_OUT_WRITERS
    assert set(held_out.writers.tolist()) == set(pd.HELD_OUT_WRITERS)
    assert np.bincount(train.labels, minlength=10).min() > 500  # every digit trained on
    pd.refuse_held_out(train)
    with pytest.raises(ValueError, match="held-out"):
        pd.refuse_held_out(held_out)


def test_no_training_path_accepts_a_held_out_writer(mnist, monkeypatch):
    """``train_preset``, the one way every Train click and ``digitpad train`` train,
    refuses pen digits of a validation writer before building anything."""
    from digitpad.ml.presets import ROBUST, train_preset

    monkeypatch.delenv(pd.ENV_VAR, raising=False)
    everyone = pd.load_pendigits()
    with pytest.raises(ValueError, match="held-out pen writers"):
        train_preset(ROBUST, mnist, epochs=1, train_limit=64, pen=everyone)


def test_an_npz_copy_can_be_named_by_the_environment(tmp_path, monkeypatch):
    import shutil

    shutil.copy(pd.bundled_path(), tmp_path / pd.BUNDLED_NAME)
    monkeypatch.setenv(pd.ENV_VAR, str(tmp_path))  # a folder with an npz in it
    digits = pd.load_pendigits()
    assert not pd.is_bundled(digits) and len(digits) == 7494
    monkeypatch.setenv(pd.ENV_VAR, str(tmp_path / pd.BUNDLED_NAME))  # or the file
    assert len(pd.training_writers()) == 5995


def test_a_damaged_or_foreign_npz_is_one_line(tmp_path):
    arrays = dict(np.load(pd.bundled_path()))
    cases = {
        "missing.npz": {k: v for k, v in arrays.items() if k != "writers"},
        "offsets.npz": {**arrays, "stroke_offsets": arrays["stroke_offsets"][::-1]},
        "labels.npz": {**arrays, "labels": arrays["labels"] + 10},
        "format.npz": {**arrays, "format": np.array(99, np.int32)},
    }
    for name, content in cases.items():
        np.savez(tmp_path / name, **content)
        with pytest.raises(DatasetError) as caught:
            pd.load_pendigits(tmp_path / name)
        assert "\n" not in str(caught.value) and name in str(caught.value)
    cut = tmp_path / "cut.npz"
    cut.write_bytes(pd.bundled_path().read_bytes()[:5000])
    with pytest.raises(DatasetError, match=r"cut\.npz"):
        pd.load_pendigits(cut)


def test_a_missing_bundled_copy_says_how_to_get_one(tmp_path, monkeypatch):
    monkeypatch.delenv(pd.ENV_VAR, raising=False)
    monkeypatch.setattr(pd, "bundled_path", lambda: tmp_path / pd.BUNDLED_NAME)
    with pytest.raises(DatasetError, match=pd.ENV_VAR) as caught:
        pd.load_pendigits()
    assert "\n" not in str(caught.value)
    assert pd.training_writers() is None  # the window trains on MNIST alone then


def test_doctor_reports_the_bundled_pen_digits(monkeypatch):
    from digitpad import doctor

    monkeypatch.delenv(pd.ENV_VAR, raising=False)
    row = doctor.check_pen_digits()
    assert row.status == "ok" and "bundled" in row.detail and "7,494" in row.detail
    assert "24 training writers" in row.detail and "CC BY 4.0" in row.detail


def test_loader_refuses_a_missing_or_foreign_file_in_one_line(tmp_path, monkeypatch):
    monkeypatch.delenv(pd.ENV_VAR, raising=False)
    with pytest.raises(DatasetError, match="not a file"):
        pd.load_pendigits(tmp_path / "nothing.tra")
    junk = tmp_path / "junk.tra"
    junk.write_text('.SEGMENT DIGIT 0 ? "x"\n.PEN_DOWN\n 1 2\n.PEN_UP\n')
    with pytest.raises(DatasetError) as caught:
        pd.load_pendigits(junk)
    assert "\n" not in str(caught.value)


def test_loader_reads_a_small_file_and_a_folder(tmp_path, monkeypatch):
    text = (
        '.SEGMENT DIGIT 0 ? "1"\n.COMMENT 1 7 1\n.PEN_DOWN\n 10 400\n 10 100\n.PEN_UP\n'
        '.SEGMENT DIGIT 1 ? "4"\n.COMMENT 4 9 2\n.PEN_DOWN\n 0 0\n 5 5\n.PEN_UP\n'
        ".PEN_DOWN\n 9 9\n.PEN_UP\n"
    )
    (tmp_path / pd.FILE_NAME).write_text(text)
    monkeypatch.setenv(pd.ENV_VAR, str(tmp_path))
    digits = pd.load_pendigits()
    assert digits.labels.tolist() == [1, 4]
    assert digits.writers.tolist() == [7, 9]
    assert [len(s) for s in digits.strokes] == [1, 2]
    assert digits.strokes[0][0].tolist() == [[10, 100], [10, 400]]


# -- preparation from stroke geometry ---------------------------------------------------


def _zigzag():
    return [np.array([[0, 0], [40, 0], [5, 60], [45, 60]], np.float32)]


def test_strokes_are_prepared_the_same_at_any_size_and_place():
    base = strokes_to_mnist(_zigzag())
    moved = strokes_to_mnist([line * 7.5 + [300, -80] for line in _zigzag()])
    assert base.shape == (28, 28) and base.dtype == np.float32
    assert 0.0 <= base.min() and base.max() == pytest.approx(1.0)
    assert np.abs(base - moved).max() < 0.02


def test_prepared_strokes_fit_the_20_px_box_and_sit_centred():
    image = strokes_to_mnist(_zigzag())
    rows = np.flatnonzero(image.max(axis=1) > 0.05)
    assert rows[-1] - rows[0] + 1 <= BOX + 1
    ys, xs = np.indices(image.shape)
    centre = ((ys * image).sum() / image.sum(), (xs * image).sum() / image.sum())
    assert np.allclose(centre, 13.5, atol=0.6)


def test_pen_width_sets_the_ink_not_the_brush():
    thin = strokes_to_mnist(_zigzag(), width=1.0).sum()
    normal = strokes_to_mnist(_zigzag(), width=PEN_WIDTH).sum()
    thick = strokes_to_mnist(_zigzag(), width=4.0).sum()
    assert thin < normal < thick


def test_nothing_to_prepare_is_all_zeros():
    assert not strokes_to_mnist([]).any()
    assert not strokes_to_mnist([np.array([[np.nan, 1.0]])]).any()
    dot = strokes_to_mnist([np.array([[5.0, 5.0]])])  # a single tap is a dot, not a crash
    assert dot.any()


def test_eraser_strokes_remove_ink():
    ink = _zigzag()
    erased = strokes_to_mnist(ink, erase=[(np.array([[0, 60], [45, 60]], np.float32), 12.0)])
    assert erased.any()
    assert not np.allclose(erased, strokes_to_mnist(ink))


def test_discs_drawn_through_pillows_core_are_the_discs_of_its_public_ellipse(monkeypatch):
    # The strokes' round joints are drawn with the call ImageDraw.ellipse itself makes
    # (a pen move draws 30-120 of them); on a Pillow without that call, with ellipse().
    from PIL import Image, ImageDraw

    from digitpad.ml import preprocess

    rng = np.random.default_rng(3)
    walks = [np.cumsum(rng.normal(0, 4, (n, 2)), axis=0) for n in (1, 2, 40, 120)]
    rubbed = [(np.array([[0, 0], [30, 20]], np.float64), 6.0)]

    def public(draw, fill: int):
        return (lambda xy, _ink, _fill: draw.ellipse(xy, fill=fill)), fill

    for pen in (1.0, PEN_WIDTH, 3.3):
        fast = strokes_to_mnist(walks, width=pen, erase=rubbed), strokes_to_mnist(walks, pen)
        with monkeypatch.context() as patch:
            patch.setattr(preprocess, "_filled_ellipse", public)
            slow = strokes_to_mnist(walks, width=pen, erase=rubbed), strokes_to_mnist(walks, pen)
        assert all(np.array_equal(a, b) for a, b in zip(fast, slow, strict=True))
        assert all(image.any() for image in fast)

    class Bare:  # a drawing object without Pillow's core: the public method is used
        def __init__(self, draw):
            self.ellipse = draw.ellipse

    canvas = Image.new("L", (20, 20), 0)
    ellipse, ink = preprocess._filled_ellipse(Bare(ImageDraw.Draw(canvas)), 200)
    ellipse((4, 4, 12, 12), ink, 1)
    assert np.asarray(canvas).max() == 200


def test_each_drawing_starts_on_a_clean_canvas_in_every_thread():
    # The 112x112 canvas is kept per thread and cleared for each drawing: nothing of one
    # drawing shows in the next, and threads reading at once (the window, a background
    # evaluation) do not draw on each other's.
    import threading

    from digitpad.ml.preprocess import strokes_field_rect

    zig, bar = _zigzag(), [np.array([[0, 0], [0, 50]], np.float32)]
    want = {0: strokes_to_mnist(zig), 1: strokes_to_mnist(bar)}
    assert not np.array_equal(want[0], want[1])
    assert np.array_equal(strokes_to_mnist(zig), want[0])  # after the bar: no bar in it
    assert strokes_field_rect(bar) is not None
    assert np.array_equal(strokes_to_mnist(bar), want[1])
    wrong = []

    def read(which: int) -> None:
        for _ in range(300):
            if not np.array_equal(strokes_to_mnist(zig if which == 0 else bar), want[which]):
                wrong.append(which)

    threads = [threading.Thread(target=read, args=(i % 2,)) for i in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert wrong == []


def test_brush_and_size_change_pixels_but_not_the_geometry_input():
    strokes = _zigzag()
    thin = pd.draw_on_pad(strokes, brush=0.03)
    thick = pd.draw_on_pad(strokes, brush=0.18)
    assert thick.sum() > 3 * thin.sum()  # the pixels differ a lot ...
    small = pd.draw_on_pad(strokes, height=0.25, centre=(0.2, 0.8))
    assert to_mnist(np.pad(small, 1)).any()
    # ... the geometry the pad prepares from does not depend on them at all.
    assert np.array_equal(strokes_to_mnist(strokes), strokes_to_mnist(strokes))
