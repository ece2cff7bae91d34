"""Workshop ML: drawn digits from strokes, presets, evaluation (no Qt)."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.ml.evaluation import evaluate_predictor
from digitpad.ml.model import bundled_model_path, load_model, save_model
from digitpad.ml.predictor import Predictor
from digitpad.ml.preprocess import to_mnist
from digitpad.ml.presets import (
    PRESETS,
    Augment,
    augment_images,
    build_preset_model,
    get_preset,
    train_preset,
)
from digitpad.ml.render import draw_digit, render
from digitpad.ml.strokes import mnist_to_strokes, place, trace, zhang_suen


@pytest.fixture(scope="module")
def bundled() -> Predictor:
    return Predictor.from_file(bundled_model_path())


# -- strokes and rendering ---------------------------------------------------------------


def test_thinning_turns_a_thick_bar_into_a_one_pixel_line():
    mask = np.zeros((20, 30), bool)
    mask[8:13, 3:27] = True
    skel = zhang_suen(mask)
    assert skel.sum() >= 15
    assert (skel.sum(axis=0) <= 1).all()  # one pixel thick
    lines = trace(skel)
    assert len(lines) == 1 and len(lines[0]) == skel.sum()


def test_a_ring_traces_into_one_closed_stroke():
    yy, xx = np.mgrid[:40, :40]
    r = np.hypot(yy - 20, xx - 20)
    lines = trace(zhang_suen((r > 10) & (r < 15)))
    assert len(lines) == 1
    assert np.abs(lines[0][0] - lines[0][-1]).max() <= 1.5  # ends where it started


def test_place_scales_to_height_and_centre():
    lines = place([np.array([[0, 0], [2, 10]], np.float32)], 200, (100, 150))
    points = lines[0]
    assert points[:, 1].max() - points[:, 1].min() == pytest.approx(200)
    assert points.mean(axis=0) == pytest.approx([100, 150])


def test_render_draws_round_brush_of_given_width():
    image = render([np.array([[20, 50], [80, 50]], np.float32)], (100, 100), 10)
    assert image.dtype == np.uint8 and image.shape == (100, 100)
    column = image[:, 50] > 127
    assert 9 <= column.sum() <= 11
    assert image[50, 15] > 127 and image[50, 85] > 127  # round caps reach past the ends
    assert image[0].max() == 0
    dot = render([np.array([[50, 50]], np.float32)], (100, 100), 20)
    assert 250 < (dot > 127).sum() < 380  # a disc of diameter 20 (pi * 100 = 314)


def test_redrawn_test_digits_are_still_read_correctly(mnist, bundled):
    """Strokes keep the digit's shape: the tutorial model reads most re-drawings."""
    hits = 0
    for i in range(100):
        assert mnist_to_strokes(mnist.x_test[i])
        drawing = draw_digit(mnist.x_test[i], (280, 280), height=200, width=16)
        hits += int(bundled.predict(to_mnist(drawing)).argmax() == mnist.y_test[i])
    assert hits >= 85


# -- presets -----------------------------------------------------------------------------


def test_tutorial_preset_is_exactly_the_recipe():
    preset = get_preset("tutorial")
    assert preset.augment is None and preset.recipe.epochs == 5
    assert preset.recipe.batch_size == 128 and preset.recipe.optimizer == "rmsprop"
    model = build_preset_model(preset)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dense"]
    assert model.count_params() == 407_050
    with pytest.raises(ValueError, match="unknown preset"):
        get_preset("nope")


def test_augmentation_keeps_digits_recognisable(mnist, bundled):
    rng = np.random.default_rng(0)
    x = augment_images(mnist.x_test[:500], rng, Augment())
    assert x.shape == (500, 784) and x.dtype == np.float32
    assert 0 <= x.min() and x.max() <= 1
    assert not np.allclose(x, mnist.x_test[:500].reshape(500, -1) / 255)
    accuracy = float((bundled.predict(x).argmax(1) == mnist.y_test[:500]).mean())
    # Changed, yet still the same digits; the plain dense net is thrown by shifts and
    # thicker strokes (why the augmented presets exist), so it reads fewer than usual.
    assert 0.6 < accuracy < 0.97


@pytest.mark.parametrize("key", sorted(PRESETS))
def test_preset_saves_loads_and_numpy_agrees_with_keras(mnist, tmp_path, key):
    model, result = train_preset(PRESETS[key], mnist, seed=3, epochs=1, train_limit=512)
    assert result.epochs_completed == 1 and result.test_acc is not None
    path = save_model(model, tmp_path / f"{key}.keras")
    again = load_model(path)  # safe mode: no Lambda layers
    x = mnist.x_test[:300].reshape(300, -1).astype(np.float32) / 255
    ours = Predictor.from_file(path).predict(x)
    theirs = again.predict(x, verbose=0)
    assert float(np.abs(ours - theirs).max()) < 1e-5


# -- evaluation --------------------------------------------------------------------------


@pytest.mark.mnist
def test_confusion_matrix_matches_the_test_set(full_mnist, bundled):
    evaluation = evaluate_predictor(bundled, full_mnist.x_test, full_mnist.y_test)
    matrix = evaluation.confusion()
    assert matrix.shape == (10, 10)
    assert (matrix.sum(axis=1) == np.bincount(full_mnist.y_test, minlength=10)).all()
    assert evaluation.accuracy == pytest.approx(np.trace(matrix) / 10000)
    assert evaluation.accuracy >= 0.978
    assert int(evaluation.predicted[0]) == 7  # the tutorial's predictions[0]
    true, predicted = np.unravel_index(np.argmax(matrix - np.diag(np.diag(matrix))), matrix.shape)
    cell = evaluation.cell(int(true), int(predicted))
    assert len(cell) == matrix[true, predicted] > 0
    assert (full_mnist.y_test[cell] == true).all()
    assert (evaluation.predicted[cell] == predicted).all()


def test_naive_resize_of_the_pads_8_bit_pixels_matches_the_float_path():
    """The Preprocessing view squashes the pad's uint8 pixels on every drawing change:
    averaged in 8 bits, every cell is within 1/255 of the float average, whichever way
    round the ink is."""
    from digitpad.ml.preprocess import naive_resize

    rng = np.random.default_rng(3)
    pad = np.zeros((471, 471), np.uint8)
    pad[90:380, 200:245] = 255
    pad[90:130, 110:370] = rng.integers(0, 256, (40, 260), dtype=np.uint8)
    for pixels in (pad, 255 - pad):  # white on black (the pad), dark on light (a scan)
        fast = naive_resize(pixels)
        exact = naive_resize(pixels.astype(np.float32) / 255)
        assert fast.dtype == np.float32 and fast.shape == (28, 28)
        assert np.abs(fast - exact).max() <= 1 / 255 + 1e-6
        assert fast.max() == 1.0 and fast[0, 0] == 0.0
    assert not naive_resize(np.zeros((50, 50), np.uint8)).any()


def test_evaluation_runs_in_small_batches_with_the_same_result(bundled):
    # A batch of 2,000 unfolded the CNN's second convolution into 450 MB.
    sizes = []

    class Spy:
        def predict(self, x):
            sizes.append(len(x))
            return bundled.predict(x)

    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, (700, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, 700)
    evaluation = evaluate_predictor(Spy(), images, labels)
    assert max(sizes) <= 256 and sum(sizes) == 700
    whole = bundled.predict(images.reshape(700, -1).astype(np.float32) / 255)
    np.testing.assert_allclose(evaluation.probabilities, whole, rtol=1e-5, atol=1e-6)
