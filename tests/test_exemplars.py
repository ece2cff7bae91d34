"""What a map or unit has learnt (issue #27): the test digits that excite it most.

The chunked search with its running top-k equals a brute-force argmax over every
activation; a map's receptive field is the input its point depends on; cancel stops it
within a chunk; the finder cancels a search when the model changes and the strip then
shows the new model's digits; the strip paints in presenter mode's large type."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
import pytest

from digitpad.ml import exemplars as ex
from digitpad.ml import model as ml_model
from digitpad.ml.errors import DatasetError
from digitpad.ml.predictor import Predictor
from digitpad.ml.weights import LayerSpec

IMAGES = 300


def _predictor(name: str) -> Predictor:
    path = (
        ml_model.bundled_model_path() if name == "tutorial" else ml_model.bundled_variant_path(name)
    )
    return Predictor.from_file(path)


@pytest.fixture(autouse=True)
def fresh_cache(monkeypatch):
    """Each test searches for itself: nothing found by another test is reused."""
    monkeypatch.setattr(ex, "_cache", OrderedDict())


def _brute_force(values: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(n,) per-image values -> the k best images (ties: the earlier image), values."""
    order = np.lexsort((np.arange(len(values)), -values))[:k]
    return order, values[order]


def _assert_same_top(found_images, found_values, images, values) -> None:
    np.testing.assert_allclose(found_values, values, rtol=1e-5, atol=1e-6)
    for got, want, value in zip(found_images, images, values, strict=True):
        # Only a near-tie may swap two digits (chunked products can round differently).
        if got != want:
            assert abs(value - values[list(images).index(want)]) < 1e-5


@pytest.mark.parametrize("name", ["robust", "tutorial"])
def test_the_top_k_equals_a_brute_force_argmax(name, mnist):
    predictor = _predictor(name)
    images = mnist.x_test[:IMAGES]
    reports = []
    # A chunk that does not divide the digits: merges across chunks and a short last one.
    found = ex.find_exemplars(predictor, images, k=8, chunk=64, progress=reports.append)
    assert reports[-1] == 1.0 and len(reports) == -(-IMAGES // 64)
    outputs = predictor.forward(images.reshape(-1, 784) / np.float32(255))
    searched = ex.searched_layers(predictor)
    kinds = [predictor.layers[i].kind for i in searched]
    if name == "robust":
        assert kinds == ["Conv2D", "Conv2D", "Dense"]
    else:
        assert kinds == ["Dense"]  # the 512 hidden units; not the output layer
    assert set(found) == set(searched)
    rng = np.random.default_rng(0)
    for index in searched:
        out, layer = outputs[index], found[index]
        assert layer.images.shape == layer.values.shape == (out.shape[-1], 8)
        for unit in [0, out.shape[-1] - 1, *rng.integers(0, out.shape[-1], 4)]:
            if out.ndim == 4:
                per_image = out[..., unit].reshape(IMAGES, -1)
                best, values = _brute_force(per_image.max(axis=1), 8)
                _assert_same_top(layer.images[unit], layer.values[unit], best, values)
                assert len(set(layer.images[unit].tolist())) == 8  # eight different digits
                for e in layer.top(unit):
                    # The point is where that digit's map is strongest.
                    assert out[e.image, e.row, e.column, unit] == pytest.approx(
                        per_image[e.image].max(), rel=1e-5, abs=1e-6
                    )
            else:
                best, values = _brute_force(out[:, unit], 8)
                _assert_same_top(layer.images[unit], layer.values[unit], best, values)
                assert layer.rows is None and layer.top(unit)[0].row is None


def test_the_receptive_field_is_what_a_point_depends_on(mnist):
    predictor = _predictor("robust")
    fields = ex.receptive_fields(predictor)
    convs = [i for i, layer in enumerate(predictor.layers) if layer.kind == "Conv2D"]
    assert fields[convs[0]] == ex.FieldMap((1, 1), (3, 3), (0, 0))
    assert fields[convs[1]] == ex.FieldMap((2, 2), (8, 8), (0, 0))  # 3, pooled 4, +2×2
    image = mnist.x_test[7] / np.float32(255)
    rng = np.random.default_rng(1)
    base = predictor.forward(image)
    for index in convs:
        h, w = base[index].shape[1:3]
        for row, column in [(0, 0), (h - 1, w - 1), (h // 2, w // 3)]:
            top, left, height, width = fields[index].field(row, column)
            changed = rng.random((28, 28), dtype=np.float32)
            changed[top : top + height, left : left + width] = image[
                top : top + height, left : left + width
            ]
            again = predictor.forward(changed)
            # Every pixel outside the field changed; the point's value did not.
            np.testing.assert_allclose(
                again[index][0, row, column], base[index][0, row, column], rtol=1e-5, atol=1e-6
            )


def test_same_padding_moves_the_field_up_and_left_and_clips_it():
    rng = np.random.default_rng(2)
    layers = [
        LayerSpec("InputLayer", {"batch_shape": [None, 28, 28, 1]}),
        LayerSpec(
            "Conv2D",
            {"padding": "same", "activation": "relu"},
            (rng.normal(size=(5, 5, 1, 2)).astype(np.float32), np.zeros(2, np.float32)),
        ),
        LayerSpec("MaxPooling2D", {"pool_size": [2, 2]}),
        LayerSpec(
            "Conv2D",
            {"padding": "same", "activation": "relu"},
            (rng.normal(size=(3, 3, 2, 2)).astype(np.float32), np.zeros(2, np.float32)),
        ),
        LayerSpec("Flatten", {}),
        LayerSpec(
            "Dense",
            {"activation": "softmax"},
            (rng.normal(size=(392, 10)).astype(np.float32), np.zeros(10, np.float32)),
        ),
    ]
    fields = ex.receptive_fields(Predictor(layers))
    assert fields[1] == ex.FieldMap((1, 1), (5, 5), (-2, -2))
    assert fields[3] == ex.FieldMap((2, 2), (10, 10), (-4, -4))  # 5, pooled 6, +2×2
    assert fields[3].field(0, 0) == (0, 0, 6, 6)  # clipped at the top left
    assert fields[3].field(13, 13) == (22, 22, 6, 6)  # and at the bottom right
    assert fields[3].field(5, 6) == (6, 8, 10, 10)


def test_cancel_stops_within_one_chunk(mnist):
    cancel = threading.Event()
    reports = []

    def progress(fraction):
        reports.append(fraction)
        cancel.set()  # the model changed during the first chunk

    with pytest.raises(ex.ExemplarsCancelled):
        ex.find_exemplars(
            _predictor("robust"), mnist.x_test, chunk=100, cancel=cancel, progress=progress
        )
    assert reports == [0.2]


def test_each_network_is_searched_once_and_a_cancelled_search_keeps_nothing(mnist, monkeypatch):
    calls = []
    real = ex.find_exemplars

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(ex, "find_exemplars", counted)
    cancel = threading.Event()
    cancel.set()
    predictor = _predictor("tutorial")
    with pytest.raises(ex.ExemplarsCancelled):
        ex.exemplars_for(predictor, cancel=cancel)
    assert not ex._cache
    first = ex.exemplars_for(predictor)
    # The same weights read again: another Predictor object, the same network.
    assert ex.exemplars_for(_predictor("tutorial")) is first
    assert len(calls) == 2
    assert first.digits.source == "mnist" and len(first.digits) == len(mnist.x_test)
    assert first.key != ex.model_key(_predictor("robust"))


def test_without_mnist_the_held_out_pen_writers_are_searched(monkeypatch):
    from digitpad.ml import data

    def no_mnist(*_args, **_kwargs):
        raise DatasetError("MNIST not found and this machine is offline")

    monkeypatch.setattr(data, "load_mnist_cached", no_mnist)
    digits = ex.exemplar_digits()
    assert digits.source == "pen"
    assert digits.images.dtype == np.uint8 and digits.images.shape == (len(digits), 28, 28)
    from digitpad.ml.pendigits import HELD_OUT_WRITERS, load_pendigits

    held_out = load_pendigits().split()[1]
    assert len(digits) == len(held_out) > 0
    assert set(held_out.writers.tolist()) <= HELD_OUT_WRITERS
    np.testing.assert_array_equal(digits.labels, held_out.labels)


# -- the finder and the strip -------------------------------------------------------------


def _first_conv(predictor) -> int:
    return next(i for i, layer in enumerate(predictor.layers) if layer.kind == "Conv2D")


def _first_dense(predictor) -> int:
    return next(i for i, layer in enumerate(predictor.layers) if layer.kind == "Dense")


def test_a_model_change_cancels_the_search_and_the_strip_shows_the_new_model(qtbot, monkeypatch):
    import digitpad.ui.teach.network.exemplars as view

    tutorial, robust = _predictor("tutorial"), _predictor("robust")
    real = ex.exemplars_for

    def held(predictor, path, *, cancel, progress):
        def report(fraction):
            progress(fraction)
            if predictor is tutorial:  # the first model's search waits for the change
                cancel.wait(10)

        return real(predictor, path, cancel=cancel, progress=report)

    monkeypatch.setattr(view, "exemplars_for", held)
    finder = view.ExemplarFinder()
    strip = view.ExemplarStrip(finder)
    qtbot.addWidget(strip)
    failures = []
    finder.job.failed.connect(failures.append)
    finder.set_predictor(tutorial)
    assert not finder.job.is_running()  # a model alone starts nothing
    strip.show_unit(_first_dense(tutorial), 3)
    assert finder.job.is_running()
    qtbot.waitUntil(lambda: finder.fraction() > 0, timeout=10_000)
    assert strip.title.text().startswith("Finding the digits that excite it most…")
    assert "%" in strip.title.text() and not strip.title.text().endswith(" 0 %")
    # The model changes while the first search runs (as after a training epoch).
    finder.set_predictor(robust)
    strip.show_unit(_first_conv(robust), 5)
    with qtbot.waitSignal(finder.ready, timeout=30_000) as ready:
        pass
    assert len(failures) == 1 and isinstance(failures[0], ex.ExemplarsCancelled)
    assert ready.args[0].key == ex.model_key(robust)
    assert finder.exemplars() is ready.args[0]
    assert [key[0] for key in ex._cache] == [ex.model_key(robust)]  # tutorial's: nothing
    found = ready.args[0].for_unit(_first_conv(robust), 5)
    assert strip.tiles._tiles and len(strip.tiles._tiles) == len(found)
    np.testing.assert_array_equal(
        strip.tiles._tiles[0][0], ready.args[0].digits.images[found[0].image]
    )
    assert strip.tiles._tiles[0][2] is not None  # the field it sees, outlined
    assert strip.title.text() == "What excites it most in 500 MNIST test digits"
    # A layer without exemplars (a pooling, the output) shows nothing.
    strip.show_unit(_first_conv(robust) + 1, 0)
    assert strip.isHidden()
    strip.show_unit(len(robust.layers) - 1, 0)
    assert strip.isHidden()
    # The first model again: searched anew (its search was cancelled, nothing kept).
    finder.set_predictor(tutorial)
    monkeypatch.setattr(view, "exemplars_for", real)
    strip.show_unit(_first_dense(tutorial), 3)
    with qtbot.waitSignal(finder.ready, timeout=30_000):
        pass
    assert strip.tiles._tiles[0][2] is None  # a dense unit sees the whole digit
    finder.wait()


def test_the_strip_paints_in_presenter_type(qtbot):
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    from digitpad.ui._layout_check import clipped_texts
    from digitpad.ui.shell.presenter import FONT_SCALE
    from digitpad.ui.teach.network.exemplars import ExemplarFinder, ExemplarStrip, _Tiles

    robust = _predictor("robust")
    host = QWidget()
    qtbot.addWidget(host)
    font = host.font()
    font.setPointSizeF(font.pointSizeF() * FONT_SCALE)
    host.setFont(font)
    finder = ExemplarFinder(parent=host)
    finder.set_predictor(robust)
    strip = ExemplarStrip(finder)
    QVBoxLayout(host).addWidget(strip)
    host.resize(600, 400)
    host.show()
    qtbot.waitExposed(host)
    small = _Tiles().side()  # at the application's own type
    with qtbot.waitSignal(finder.ready, timeout=30_000):
        strip.show_unit(_first_conv(robust) + 2, 7)  # the second Conv2D
    assert strip.tiles.side() > small or strip.tiles.side() == 96  # larger type, larger digits
    qtbot.waitUntil(lambda: strip.tiles.height() > 0)
    picture = host.grab()
    assert not picture.isNull() and picture.width() == 600
    assert clipped_texts(host) == []
    # A map that never fires says so instead of eight digits with 0.00 under them.
    found = finder.exemplars().layers[_first_conv(robust) + 2]
    dead = [unit for unit in range(found.units) if found.values[unit, 0] == 0]
    if dead:
        strip.show_unit(_first_conv(robust) + 2, dead[0])
        assert not strip.tiles._tiles and "0" in strip.note.text()
    finder.wait()
