"""Explaining a reading: gradient x input, checked against the network's own numbers."""

from __future__ import annotations

import numpy as np
import pytest

from digitpad.ml.explain import GRADIENT, OCCLUSION, Explanation, explain
from digitpad.ml.model import bundled_variant_path
from digitpad.ml.predictor import Predictor
from digitpad.ml.weights import LayerSpec


@pytest.fixture(scope="module", params=["tutorial", "robust"])
def bundled(request) -> Predictor:
    path = bundled_variant_path(request.param)
    if path is None:
        pytest.skip(f"bundled {request.param} model missing")
    return Predictor.from_file(path)


@pytest.fixture(scope="module")
def images(mnist) -> np.ndarray:
    return mnist.x_test[:6].astype(np.float32) / 255


def _scores(predictor: Predictor, image: np.ndarray) -> np.ndarray:
    """Pre-activation scores of the last layer, recovered from the probabilities."""
    return np.log(predictor.predict(image).astype(np.float64))  # softmax outputs: up to a constant


def _dense(activation: str, seed: int = 0, bias: bool = True) -> Predictor:
    rng = np.random.default_rng(seed)
    hidden = rng.normal(0, 0.1, (784, 16)).astype(np.float32)
    out = rng.normal(0, 0.5, (16, 10)).astype(np.float32)
    b1 = rng.normal(0, 0.1, 16).astype(np.float32) * bias
    b2 = rng.normal(0, 0.1, 10).astype(np.float32) * bias
    return Predictor(
        [
            LayerSpec("InputLayer", {"batch_shape": [None, 784]}),
            LayerSpec("Dense", {"activation": activation}, (hidden, b1)),
            LayerSpec("Dense", {"activation": "softmax"}, (out, b2)),
        ]
    )


def _cnn(
    activation: str, seed: int = 0, bias: bool = True, output: str = "linear", pool: bool = True
) -> Predictor:
    """Conv 'same' -> pool 2 -> conv 'valid' -> pool 3 -> flatten -> dense: every kind of
    layer the backward pass knows (``pool=False``: the same without the pooling)."""
    rng = np.random.default_rng(seed)
    side = 4 if pool else 26
    k1 = rng.normal(0, 0.4, (3, 3, 1, 4)).astype(np.float32)
    k2 = rng.normal(0, 0.3, (3, 3, 4, 5)).astype(np.float32)
    dense = rng.normal(0, 0.3 if pool else 0.03, (side * side * 5, 10)).astype(np.float32)

    def b(n):
        return rng.normal(0, 0.1, n).astype(np.float32) * bias

    layers = [
        LayerSpec("InputLayer", {"batch_shape": [None, 784]}),
        LayerSpec("Reshape", {"target_shape": [28, 28, 1]}),
        LayerSpec("Conv2D", {"activation": activation, "padding": "same"}, (k1, b(4))),
        LayerSpec("MaxPooling2D", {"pool_size": [2, 2]}),
        LayerSpec("Conv2D", {"activation": activation, "padding": "valid"}, (k2, b(5))),
        LayerSpec("MaxPooling2D", {"pool_size": [3, 3]}),
        LayerSpec("Flatten", {}),
        LayerSpec("Dropout", {}),
        LayerSpec("Dense", {"activation": output}, (dense, b(10))),
    ]
    return Predictor([layer for layer in layers if pool or layer.kind != "MaxPooling2D"])


def _logit(predictor: Predictor, image: np.ndarray, target: int) -> float:
    found = explain(predictor, image, target)
    assert found is not None
    return found.logit


# -- the bundled networks ------------------------------------------------------------------


def test_contributions_and_rest_add_up_to_the_score_explained(bundled, images):
    for image in images:
        found = explain(bundled, image)
        assert isinstance(found, Explanation) and found.method == GRADIENT
        assert found.contributions.shape == (28, 28)
        assert found.contributions.dtype == np.float32
        assert found.target == int(bundled.predict(image).argmax()) and found.versus is None
        total = float(found.contributions.sum(dtype=np.float64)) + found.rest
        assert total == pytest.approx(found.logit, rel=1e-3, abs=1e-4)
        # Nothing is attributed to pixels without ink: the input is zero there.
        assert not found.contributions[image == 0].any()


def test_rest_is_the_bias_part_of_the_linear_piece(bundled, images):
    """ReLU and max pooling make the score exactly linear around a drawing: scaling the
    image by (1 - e) changes the score by e times the summed contributions, so ``rest``
    is what the biases give, not a fudge."""
    eps = 1e-3
    for image in images[:4]:
        found = explain(bundled, image)
        shrunk = _logit(bundled, image * (1 - eps), found.target)
        slope = (found.logit - shrunk) / eps
        assert slope == pytest.approx(float(found.contributions.sum()), rel=2e-2, abs=2e-2)


def test_logit_is_the_score_before_the_softmax(bundled, images):
    for image in images[:3]:
        scores = _scores(bundled, image)
        order = np.argsort(scores)
        target, versus = int(order[-1]), int(order[-2])
        found = explain(bundled, image, target, versus)
        assert found.logit == pytest.approx(scores[target] - scores[versus], rel=1e-3, abs=1e-3)


def test_versus_is_the_difference_of_the_two_explanations(bundled, images):
    image = images[0]
    one, other = explain(bundled, image, 7), explain(bundled, image, 1)
    both = explain(bundled, image, 7, versus=1)
    assert (both.target, both.versus) == (7, 1)
    assert np.allclose(both.contributions, one.contributions - other.contributions, atol=1e-5)
    assert both.logit == pytest.approx(one.logit - other.logit, abs=1e-4)
    assert both.rest == pytest.approx(one.rest - other.rest, abs=1e-3)


def test_blank_or_missing_image_has_no_explanation(bundled):
    assert explain(bundled, None) is None
    assert explain(bundled, np.zeros((28, 28), np.float32)) is None
    with pytest.raises(ValueError):
        explain(bundled, np.ones((10, 10), np.float32))
    with pytest.raises(ValueError):
        explain(bundled, np.ones((28, 28), np.float32), target=10)


def test_blanking_the_most_positive_pixels_costs_the_score_most(bundled, images):
    """The pixels the explanation credits matter more than as many other ink pixels."""
    rng = np.random.default_rng(0)
    for image in images:
        found = explain(bundled, image)
        ink = np.flatnonzero(image.ravel())
        k = len(ink) // 5
        top = np.argsort(found.contributions.ravel())[::-1][:k]
        blanked = image.ravel().copy()
        blanked[top] = 0
        drop_top = found.logit - _logit(bundled, blanked.reshape(28, 28), found.target)
        drops = []
        for _ in range(5):
            other = image.ravel().copy()
            other[rng.choice(ink, k, replace=False)] = 0
            drops.append(found.logit - _logit(bundled, other.reshape(28, 28), found.target))
        assert drop_top > max(drops), (drop_top, drops)


def test_occlusion_agrees_in_sign_with_the_gradient(bundled, images):
    image = images[1]
    gradient = explain(bundled, image)
    occlusion = explain(bundled, image, method=OCCLUSION)
    assert occlusion.method == OCCLUSION and occlusion.target == gradient.target
    assert occlusion.logit == pytest.approx(gradient.logit, abs=1e-4)
    assert not occlusion.contributions[image == 0].any()
    r = np.corrcoef(gradient.contributions.ravel(), occlusion.contributions.ravel())[0, 1]
    assert r > 0.5
    with pytest.raises(ValueError):
        explain(bundled, image, method="magic")


# -- the maths on tiny networks --------------------------------------------------------------


def _finite_difference_errors(predictor: Predictor, h: float, count: int = 40) -> np.ndarray:
    """|numeric - analytic| gradient at random pixels, relative to the largest gradient."""
    rng = np.random.default_rng(3)
    image = rng.uniform(0.2, 1.0, (28, 28)).astype(np.float32)  # no zero pixel
    found = explain(predictor, image, target=4)
    gradient = (found.contributions / image).ravel()
    errors = []
    for p in rng.choice(784, count, replace=False):
        up, down = image.ravel().copy(), image.ravel().copy()
        up[p] += h
        down[p] -= h
        rise = _logit(predictor, up.reshape(28, 28), 4) - _logit(predictor, down.reshape(28, 28), 4)
        errors.append(abs(rise / (2 * h) - gradient[p]))
    return np.array(errors) / float(np.abs(gradient).max())


@pytest.mark.parametrize(
    "make",
    [
        lambda: _dense("tanh"),
        lambda: _dense("sigmoid", seed=1),
        lambda: _cnn("tanh", pool=False),
        lambda: _cnn("sigmoid", seed=2, output="sigmoid", pool=False),
    ],
    ids=["dense-tanh", "dense-sigmoid", "conv-tanh", "conv-sigmoid-out"],
)
def test_gradient_matches_finite_differences(make):
    assert _finite_difference_errors(make(), h=1e-2).max() < 1e-3


def test_gradient_through_max_pooling_matches_finite_differences():
    """Pooling is not differentiable where a window's two largest values swap; a step of
    1e-3 crosses such a kink at a few pixels, so most (not all) must agree."""
    errors = _finite_difference_errors(_cnn("tanh"), h=1e-3, count=60)
    assert np.median(errors) < 1e-3 and (errors < 3e-3).mean() >= 0.9, errors


@pytest.mark.parametrize(
    "make", [lambda: _dense("relu", bias=False), lambda: _cnn("relu", bias=False)]
)
def test_without_biases_a_relu_network_is_all_pixels(make):
    """No bias, no rest: the contributions alone add up to the score (Euler's theorem for
    positively homogeneous functions), a check independent of how ``rest`` is set."""
    predictor = make()
    rng = np.random.default_rng(5)
    image = (rng.uniform(0, 1, (28, 28)) * (rng.uniform(0, 1, (28, 28)) < 0.3)).astype(np.float32)
    for target in (0, 3, 9):
        found = explain(predictor, image, target)
        assert found.rest == pytest.approx(0.0, abs=1e-4 * max(1.0, abs(found.logit)))


def test_a_model_read_from_a_keras_snapshot_is_explained_like_keras(images):
    """The CNN's gradient against TensorFlow's own (skipped without TensorFlow)."""
    tf = pytest.importorskip("tensorflow")
    from digitpad.ml.model import load_model

    path = bundled_variant_path("robust")
    if path is None:
        pytest.skip("bundled robust model missing")
    model = load_model(path)
    model.layers[-1].activation = tf.keras.activations.linear  # its logits
    predictor = Predictor.from_file(path)
    x = tf.constant(images.reshape(len(images), 784))
    with tf.GradientTape() as tape:
        tape.watch(x)
        scores = model(x)
        chosen = tf.reduce_sum(scores * tf.one_hot(tf.argmax(scores, axis=1), 10))
    theirs = (tape.gradient(chosen, x).numpy() * images.reshape(len(images), 784)).reshape(
        -1, 28, 28
    )
    for image, expected in zip(images, theirs, strict=True):
        assert np.allclose(explain(predictor, image).contributions, expected, atol=1e-5)
