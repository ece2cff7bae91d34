"""Reliability, round three: number mode (issue 29).

Each test builds its own hostile input: hundreds of clicks, hatching and scribbles on the
wide pad, numbers written right to left, dots and dashes alone, two digits on one spot,
coordinates near the float limits.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from helpers_digits import compose, four, one, seven, zero

from digitpad.ml import numbers
from digitpad.ml.model import bundled_variant_path
from digitpad.ml.numbers import NumberReader, read_number, segment
from digitpad.ml.predictor import Predictor


@pytest.fixture(scope="module")
def tutorial() -> Predictor:
    path = bundled_variant_path("tutorial")
    if path is None:
        pytest.skip("bundled tutorial model missing")
    return Predictor.from_file(path)


class Counting:
    """A predictor that counts the images it is asked to read."""

    def __init__(self, predictor: Predictor) -> None:
        self.predictor = predictor
        self.images = 0

    def predict(self, images):
        self.images += len(images)
        return self.predictor.predict(images)


# -- hostile drawings on the wide pad (x in [0, 2.5], y in [0, 1]: pad heights) ----------
def clicks(count: int, seed: int = 1) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [np.repeat(rng.uniform([0.05, 0.05], [2.45, 0.95])[None], 2, 0) for _ in range(count)]


def hatching(count: int) -> list[np.ndarray]:
    """Short parallel diagonal strokes, left to right, then over the same ground again."""
    out = []
    for k in range(count):
        x = 0.1 + (k % 70) * 0.033
        out.append(np.linspace([x, 0.75], [x + 0.12, 0.25], 6))
    return out


def scribbles(count: int, seed: int = 2) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(count):
        start = rng.uniform([0.2, 0.2], [2.3, 0.8])
        walk = start + np.cumsum(rng.normal(0, 0.03, (30, 2)), axis=0)
        out.append(np.clip(walk, 0.0, [2.5, 1.0]))
    return out


# -- (a) the cost of a pen-up is bounded ---------------------------------------------------
# A pen-up reads the runs holding the new stroke (at most MAX_RUN (MAX_RUN + 1) / 2), the
# cuts of the widest strokes and what the final checks need; never every run again.
PER_PEN_UP = numbers.MAX_RUN * (numbers.MAX_RUN + 1) // 2 + 60


@pytest.mark.parametrize("drawing", [clicks, hatching, scribbles])
def test_each_pen_up_reads_a_bounded_number_of_candidates(tutorial, drawing):
    counting = Counting(tutorial)
    reader = NumberReader(counting, pad_height=1.0)
    strokes = drawing(300)
    most = slowest = 0.0
    for k in range(1, len(strokes) + 1):
        before = counting.images
        started = time.perf_counter()
        reader.read(strokes[:k])
        slowest = max(slowest, time.perf_counter() - started)
        most = max(most, counting.images - before)
    assert most <= PER_PEN_UP, most
    # Generous for a loaded machine: the old search took over 1 s from the 76th click.
    assert slowest < 2.0, slowest


def test_an_undo_reads_nothing_again(tutorial):
    counting = Counting(tutorial)
    reader = NumberReader(counting, pad_height=1.0)
    strokes = scribbles(120)
    for k in range(1, len(strokes) + 1):
        reader.read(strokes[:k])
    before = counting.images
    for k in range(len(strokes) - 1, len(strokes) - 40, -1):  # undo, undo, ...
        assert reader.read(strokes[:k]) is not None
    assert counting.images == before


def test_what_a_reader_remembers_does_not_change_the_reading(robust, held_out_pen):
    rng = np.random.default_rng(8)
    picks = rng.integers(len(held_out_pen), size=6)
    strokes = compose(held_out_pen, picks, rng.uniform(-0.1, 0.5, size=5), rng)
    reader = NumberReader(robust)
    for k in range(1, len(strokes) + 1):  # pen-up by pen-up, as on the pad
        reader.read(strokes[:k])
    incremental = reader.read(strokes)
    fresh = read_number(robust, strokes)
    assert incremental.text == fresh.text
    assert [d.why for d in incremental.digits] == [d.why for d in fresh.digits]
    assert [d.strokes for d in incremental.digits] == [d.strokes for d in fresh.digits]


def test_a_read_can_be_cancelled_between_steps(tutorial):
    with pytest.raises(numbers.ReadCancelled):
        NumberReader(tutorial).read(hatching(50), cancelled=lambda: True)


# -- (b) the order the digits were drawn in does not matter -------------------------------
def _digits(held_out, picks, rng) -> list[list[np.ndarray]]:
    """Each digit's strokes, placed left to right as the benchmark places them."""
    strokes = compose(held_out, picks, rng.uniform(-0.1, 0.5, size=len(picks) - 1), rng)
    out, k = [], 0
    for i in picks:
        n = len(held_out.strokes[i])
        out.append(strokes[k : k + n])
        k += n
    return out


def test_a_number_reads_the_same_whatever_order_its_digits_were_drawn_in(held_out_pen, robust):
    rng = np.random.default_rng(29)
    right = {"left to right": 0, "right to left": 0, "any order": 0}
    wrong_and_sure = tipped = 0
    for _ in range(40):
        picks = rng.integers(len(held_out_pen), size=4)
        text = "".join(str(held_out_pen.labels[i]) for i in picks)
        digits = _digits(held_out_pen, picks, rng)
        shuffled = rng.permutation(4)
        orders = {
            "left to right": [s for d in digits for s in d],
            "right to left": [s for d in digits[::-1] for s in d],
            "any order": [s for k in shuffled for s in digits[k]],
        }
        readings = {name: read_number(robust, strokes) for name, strokes in orders.items()}
        texts = {r.text for r in readings.values()}
        flags = {tuple(d.unsure for d in r.digits) for r in readings.values()}
        if len(texts) > 1 or len(flags) > 1:
            # Which strokes the pen drew one after the other is a small part of the
            # evidence (a run the pen left and came back to costs a little), so it may tip
            # a near-tie between two cuts; never a reading that is not marked unsure.
            tipped += 1
            assert all(r.unsure for r in readings.values()), (text, readings)
        for name, reading in readings.items():
            right[name] += reading.text == text
        reading = readings["left to right"]
        wrong_and_sure += reading.text != text and not reading.unsure
    # Before: 37 of 40 left to right, 14 of 40 right to left, most wrong ones sure.
    assert min(right.values()) >= 35, right
    assert wrong_and_sure <= 2, wrong_and_sure
    assert tipped <= 1, tipped  # bundled robust: 1 of 40 (both cuts wrong and unsure)


def test_a_number_written_backwards_with_crossbars_last_reads_left_to_right(robust):
    body, bar = seven(60, 0, 100)
    angle, stem = four(150, 0, 100)
    # 4, 7, 1 drawn from the right, the 4's stem and the 7's bar added at the very end.
    strokes = [angle, body, *one(0, 0, 100), stem, bar]
    reading = read_number(robust, strokes)
    assert reading.text == "174"
    assert [d.strokes for d in reading.digits] == [(2,), (1, 4), (0, 3)]
    assert segment(strokes) == [[2], [1, 4], [0, 3]]


# -- (c) what is not a digit is never a confident digit ------------------------------------
def _line(a, b, n: int = 12) -> np.ndarray:
    return np.linspace(a, b, n)


NOT_DIGITS = {
    "a click": [np.array([[1.2, 0.5], [1.2, 0.5]])],
    "a single point": [np.array([[1.2, 0.5]])],
    "a tap that wobbled": [np.array([[1.2, 0.5], [1.203, 0.502], [1.201, 0.5]])],
    "a short dash": [_line([1.1, 0.5], [1.25, 0.5])],
    "a dash drawn by hand": [_line([1.1, 0.5], [1.3, 0.515])],
    "a line along the pad": [_line([0.2, 0.5], [2.2, 0.5])],
    "a flat slanted line": [_line([1.0, 0.8], [1.6, 0.45])],
    "a few clicks": clicks(5),
}


@pytest.mark.parametrize("name", list(NOT_DIGITS))
@pytest.mark.parametrize("network", ["tutorial", "dense-augmented", "robust"])
def test_a_mark_that_is_no_digit_reads_as_no_digit(name, network):
    path = bundled_variant_path(network)
    if path is None:
        pytest.skip(f"bundled {network} model missing")
    strokes = NOT_DIGITS[name]
    reading = read_number(Predictor.from_file(path), strokes, pad_height=1.0)
    # Before: "4" at 99 % for a dash with the tutorial's network, "5" for a click.
    assert reading is not None and reading.digits == ()
    assert reading.text == "" and not reading.unsure
    assert reading.ignored == tuple(range(len(strokes)))


def test_dots_and_dashes_among_digits_are_left_out(robust):
    strokes = [
        *one(0, 0, 100),
        np.array([[70.0, 95.0], [70.0, 95.0]]),  # a dot after the 1
        *seven(100, 0, 100),
        _line([190.0, 50.0], [225.0, 51.0]),  # a dash
        *zero(250, 0, 100),
    ]
    reading = read_number(robust, strokes)
    assert reading.text == "170" and not reading.unsure
    assert reading.ignored == (1, 4)


def test_a_vertical_line_alone_is_still_a_one(robust):
    reading = read_number(robust, [_line([1.0, 0.2], [1.02, 0.8])], pad_height=1.0)
    assert reading.text == "1" and not reading.unsure


def test_two_digits_drawn_on_one_spot_are_never_one_confident_digit(held_out_pen, robust):
    rng = np.random.default_rng(4)
    confident = []
    tried = 0
    while tried < 40:
        i, j = rng.integers(len(held_out_pen), size=2)
        if held_out_pen.labels[i] == held_out_pen.labels[j]:
            continue  # a 3 over a 3 is a 3
        tried += 1
        first = compose(held_out_pen, [i], [], rng)
        second = compose(held_out_pen, [j], [], rng)
        second = [s + rng.uniform(-8, 8, size=2) for s in second]
        reading = read_number(robust, first + second)
        if len(reading.digits) == 1 and not reading.unsure:
            confident.append((held_out_pen.labels[i], held_out_pen.labels[j], reading.text))
    # Before: about four in five read as one sure digit.
    assert len(confident) <= 1, confident


def test_one_digit_drawn_over_itself_still_reads(robust):
    strokes = [*one(0, 0, 100), *one(1, 1, 100)]  # a 1 gone over again
    assert read_number(robust, strokes).text == "1"


# -- (d) coordinates near the float limits --------------------------------------------------
@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e150, 1e250, 1e300])
def test_a_number_reads_the_same_at_any_finite_scale(robust, scale):
    strokes = [*one(0, 0, 100), *seven(45, 6, 94), *four(130, -4, 108)]
    reading = read_number(robust, [s * (scale / 100) for s in strokes])
    assert reading.text == "174" and not reading.unsure
    boxes = np.array([d.box for d in reading.digits])
    assert np.isfinite(boxes).all()
    expected = np.array(
        [
            (*np.concatenate(d).min(axis=0), *np.concatenate(d).max(axis=0))
            for d in (one(0, 0, 100), seven(45, 6, 94), four(130, -4, 108))
        ]
    ) * (scale / 100)
    np.testing.assert_allclose(boxes, expected, rtol=1e-9)


@pytest.mark.parametrize(
    "strokes",
    [
        [np.array([[1e308, 1e308], [-1e308, -1e308]])],
        [np.array([[-1.7e308, 0.0], [1.7e308, 1.0]]), *one(0, 0, 100)],
        [np.array([[1e300, 5.0], [1e300, 900.0]]), *zero(0, 0, 100)],
        [np.array([[5e-324, 0.0], [0.0, 5e-324]])],
        [np.array([[np.finfo(float).max, -np.finfo(float).max]]), *seven(0, 0, 1e-300)],
    ],
)
def test_huge_or_tiny_finite_coordinates_never_raise(robust, strokes):
    reading = read_number(robust, strokes)  # before: ValueError
    assert reading is not None
    for digit in reading.digits:
        assert np.isfinite(digit.box).all() and 0 <= digit.digit <= 9
    assert segment(strokes, robust) is not None


# -- in the window: off the GUI thread, the latest drawing wins -----------------------------
def _stroke(canvas, points) -> None:
    from digitpad.ui._testing import drag

    area = canvas.drawing_rect()
    h = area.height()
    drag(canvas, [(area.left() + x * h, area.top() + y * h) for x, y in points])


def _one(canvas, x: float) -> None:
    _stroke(canvas, [(x, 0.2), (x + 0.02, 0.5), (x, 0.8)])


def _seven(canvas, x: float) -> None:
    _stroke(canvas, [(x, 0.2), (x + 0.2, 0.2), (x + 0.4, 0.2), (x + 0.25, 0.5), (x + 0.15, 0.8)])


def test_the_number_is_read_off_the_gui_thread_and_the_latest_drawing_wins(
    window, qtbot, monkeypatch
):
    window.set_reading_mode("number")
    original = NumberReader.read
    gate = threading.Event()
    threads, read_counts = [], []

    def slow_first(self, strokes, cancelled=None):
        threads.append(threading.current_thread())
        read_counts.append(len(strokes))
        if len(read_counts) == 1:
            gate.wait(10)  # the first pen-up's read is slow
        return original(self, strokes)  # and ignores being cancelled

    monkeypatch.setattr(NumberReader, "read", slow_first)
    shown: list[str] = []
    window.reading.numberShown.connect(lambda: shown.append(window.reading.number_view.text()))
    started = time.perf_counter()
    _one(window.canvas, 0.4)  # pen-up: the read starts and hangs
    _seven(window.canvas, 0.9)  # the next stroke is drawn meanwhile
    drawing = time.perf_counter() - started
    assert drawing < 5, drawing  # the window was never waiting for the read
    assert window.reading.number_pending()
    gate.set()
    assert window.current_number() == "17"  # waits for the current drawing's reading
    assert all(t is not threading.main_thread() for t in threads)
    assert read_counts[0] == 1 and read_counts[-1] == 2
    assert shown and "1" not in shown  # the first drawing's reading was never shown
    assert window.reading.number_view.text() == "17"


def test_a_dot_on_the_wide_pad_reads_as_no_digit(window):
    window.set_reading_mode("number")
    area = window.canvas.drawing_rect()
    h = area.height()
    _stroke(window.canvas, [(1.2, 0.5), (1.2, 0.5)])  # a click
    _stroke(window.canvas, [(1.6, 0.5), (1.75, 0.51)])  # a dash
    assert window.current_number() is None
    assert window.canvas._boxes == []
    assert window.reading.number_view.no_digit()
    assert "dot" in window.reading.number_view.accessibleDescription()
    _one(window.canvas, 0.4)
    assert window.current_number() == "1"
    assert not window.reading.number_view.no_digit()
    assert h > 0


def test_the_shape_reasons_are_translated_in_the_window():
    from digitpad.ui.shell import reading

    assert set(reading._REASONS) | set(reading._SHAPE_REASONS) == set(numbers.REASONS)
