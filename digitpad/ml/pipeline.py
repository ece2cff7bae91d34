"""The augmented presets' training batches, made by TensorFlow while the model trains.

An epoch is the MNIST training images plus every training writer's pen digit
``pen_repeat`` times, shuffled. Each batch is augmented as it is needed, by a
``tf.data`` pipeline that runs beside ``fit`` (prefetch), in one pass of vectorised
TensorFlow ops: a random rotation, slant, zoom, aspect, shift and a slight perspective
(one side of the digit a little larger: a hand that wobbles) composed into one bilinear
resampling (``ImageProjectiveTransformV3``), and thicker or thinner strokes for some MNIST
digits; only the images picked to change are computed. Nothing is prepared before the
first step and no epoch waits for its data (the numpy version it replaces took ~0.5 ms an
image, ~20-40 s an epoch on two cores, before each epoch).

The pen digits are drawn once from their strokes exactly as the pad prepares a drawing
(``strokes_to_mnist``) and kept for the process (:func:`pen_images`): the next Train
click renders nothing. The held-out writers are rendered the same way for the per-epoch
"real handwriting" figure (:func:`pen_validation`); they never enter a batch.

TensorFlow is imported only when a pipeline is built (the window's start-up never is).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from digitpad.ml.pendigits import PenDigits


@dataclass(frozen=True)
class Strength:
    """How strongly one source's images are changed (each a uniform range +-value)."""

    share: float  # of the images changed at all (the others pass unchanged)
    rotation_deg: float
    zoom: float  # scale in [1 - zoom, 1 + zoom]
    aspect: float  # width scaled by exp(+-aspect)
    slant: float  # x shifted by up to this share of y
    shift_px: float
    wobble: float  # a random perspective of up to ~4 % across the digit, times this
    thicken: float  # share of the changed images whose strokes are dilated (3x3)
    thin: float  # share eroded (a cross; kept only if 40 % of the ink survives)

    def row(self) -> list[float]:
        return [
            self.share,
            np.deg2rad(self.rotation_deg),
            self.zoom,
            self.aspect,
            self.slant,
            self.shift_px,
            self.wobble,
            self.thicken,
            self.thin,
        ]


MNIST = 0
PEN = 1


# -- the pen digits, drawn once --------------------------------------------------------

_rendered: dict[bytes, np.ndarray] = {}
_rendered_lock = threading.Lock()


def _fingerprint(digits: PenDigits) -> bytes:
    firsts = np.array([s[0][0] for s in digits.strokes], np.float32)
    counts = np.array([len(s) for s in digits.strokes], np.int32)
    h = hashlib.sha1()
    for part in (digits.labels, digits.writers, firsts, counts):
        h.update(np.ascontiguousarray(part).tobytes())
    return h.digest()


def pen_images(digits: PenDigits) -> np.ndarray:
    """uint8 (n, 28, 28): every digit prepared from its strokes as the pad does.

    Kept for the process (a few sets of ~6,000 digits, 4.7 MB each): the strokes never
    change between Train clicks, so only the first click draws them (~1 s for 6,000)."""
    from digitpad.ml.pendigits import prepare_strokes

    key = _fingerprint(digits)
    with _rendered_lock:
        found = _rendered.get(key)
    if found is not None:
        return found
    images = np.round(prepare_strokes(digits) * 255).astype(np.uint8)
    images.setflags(write=False)
    with _rendered_lock:
        if len(_rendered) >= 4:
            _rendered.pop(next(iter(_rendered)))
        _rendered[key] = images
    return images


def pen_validation(digits: PenDigits | None) -> tuple[np.ndarray, np.ndarray] | None:
    """(float32 (n, 784) in [0, 1], labels) of held-out digits, for the per-epoch figure."""
    if digits is None or not len(digits):
        return None
    return pen_images(digits).reshape(len(digits), -1) / np.float32(255), digits.labels


def accuracy_on(model, images: np.ndarray, labels: np.ndarray, chunk: int = 512) -> float:
    """The model's accuracy on ``images`` (n, 784): a plain forward pass, no tracing."""
    from digitpad.ml.training import shaped_for

    right = 0
    for start in range(0, len(images), chunk):
        part = shaped_for(model, images[start : start + chunk])
        scores = np.asarray(model(part, training=False))
        right += int((scores.argmax(axis=1) == labels[start : start + chunk]).sum())
    return right / max(len(images), 1)


# -- the batches ------------------------------------------------------------------------


@dataclass
class Batches:
    """A ``tf.data.Dataset`` of ``(x (b, 784) float32, y)`` batches for one ``fit``, and
    how many images and steps an epoch has."""

    dataset: object
    samples: int
    steps: int


def batches(
    mnist_images: np.ndarray,
    mnist_labels: np.ndarray,
    pen: np.ndarray | None,
    pen_labels: np.ndarray | None,
    *,
    pen_repeat: int,
    batch_size: int,
    seed: int | None,
    mnist_strength: Strength,
    pen_strength: Strength,
) -> Batches:
    """Every epoch: the MNIST images and each pen image ``pen_repeat`` times, shuffled
    anew and augmented batch by batch beside the training (see the module's note)."""
    import tensorflow as tf

    n_mnist = len(mnist_images)
    n_pen = 0 if pen is None or not pen_repeat else len(pen)
    images = mnist_images if not n_pen else np.concatenate([mnist_images, pen])
    labels = mnist_labels if not n_pen else np.concatenate([mnist_labels, pen_labels])
    samples = n_mnist + n_pen * pen_repeat
    x_all = tf.constant(np.ascontiguousarray(images, np.uint8))
    y_all = tf.constant(np.asarray(labels, np.int64))
    table = tf.constant([mnist_strength.row(), pen_strength.row()], tf.float32)
    augment = _augment_function(tf)

    def make(order, pair):
        index = tf.where(order < n_mnist, order, n_mnist + (order - n_mnist) % max(n_pen, 1))
        kinds = tf.cast(index >= n_mnist, tf.int32)
        x = augment(tf.gather(x_all, index), tf.gather(table, kinds), pair)
        return x, tf.gather(y_all, index)

    order = tf.data.Dataset.range(samples).shuffle(
        samples, seed=seed, reshuffle_each_iteration=True
    )
    # Whole batches only (the few left over are others next epoch): one batch shape, so
    # an XLA-compiled step is compiled once, not again for a last, smaller batch.
    whole = samples >= batch_size
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
    dataset = (
        tf.data.Dataset.zip((order.batch(batch_size, drop_remainder=whole), seeds))
        .map(make, num_parallel_calls=1, deterministic=True)
        .prefetch(4)
    )
    steps = samples // batch_size if whole else 1
    return Batches(dataset, samples, steps)


SIZE = 28
_CENTRE = (SIZE - 1) / 2
KEYSTONE = 0.003  # perspective per pixel per unit of ``wobble``: ~4 % across a digit


def _stroke_width(tf, x, pick, strength):
    """Some digits thicker (a 3x3 dilation), some thinner (a cross erosion, kept only
    where 40 % of the ink survives it)."""
    thick = tf.nn.max_pool2d(x[..., None], 3, 1, "SAME")[..., 0]
    p = tf.pad(x, [[0, 0], [1, 1], [1, 1]])
    cross = [p[:, 1:-1, 1:-1], p[:, :-2, 1:-1], p[:, 2:, 1:-1], p[:, 1:-1, :-2], p[:, 1:-1, 2:]]
    eroded = tf.reduce_min(tf.stack(cross), axis=0)
    kept = tf.reduce_sum(eroded, [1, 2]) >= 0.4 * tf.reduce_sum(x, [1, 2])
    thicken, thin = strength[:, 7], strength[:, 8]
    to_thick = pick < thicken
    to_thin = (pick >= thicken) & (pick < thicken + thin) & kept
    return tf.where(to_thick[:, None, None], thick, tf.where(to_thin[:, None, None], eroded, x))


def _transforms(tf, signed, strength):
    """Per image, the 8 numbers of ``ImageProjectiveTransformV3`` mapping an output pixel
    to its source: rotation and zoom about the centre, aspect, slant, shift, and a
    slight random perspective (a hand that wobbles: one side a little larger)."""
    _share, rotation, zoom, aspect, slant, shift, wobble, _thick, _thin = tf.unstack(
        strength, axis=1
    )
    c = _CENTRE
    angle = signed[:, 2] * rotation
    scale = 1.0 + signed[:, 3] * zoom
    stretch = tf.exp(signed[:, 4] * aspect)
    shear = signed[:, 5] * slant
    dy, dx = signed[:, 6] * shift, signed[:, 7] * shift
    cos, sin = tf.cos(angle) / scale, tf.sin(angle) / scale
    # src_y = -sin (x - c - dx) + cos (y - c - dy) + c
    b0, b1, b2 = -sin, cos, sin * (c + dx) - cos * (c + dy)
    # src_x = (cos (x - c - dx) + sin (y - c - dy)) / stretch - shear (src_y - c) + c
    a0 = cos / stretch - shear * b0
    a1 = sin / stretch - shear * b1
    a2 = -(cos * (c + dx) + sin * (c + dy)) / stretch - shear * b2 + c
    b2 = b2 + c
    # the perspective: divide by 1 + p0 (x - c) + p1 (y - c)
    p0 = signed[:, 8] * wobble * KEYSTONE
    p1 = signed[:, 1] * wobble * KEYSTONE
    k = 1.0 - (p0 + p1) * c
    return tf.stack([a0, a1, a2, b0, b1, b2, p0, p1], axis=1) / k[:, None]


def _augment_function(tf) -> Callable:
    """``augment(uint8 (b, 28, 28), strengths (b, 9), seed (2,)) -> float32 (b, 784)``:
    only the images picked to change are computed (half of MNIST's)."""

    @tf.function
    def augment(images_u8, strength, seed):
        x = tf.cast(images_u8, tf.float32) / 255.0
        b = tf.shape(x)[0]
        u = tf.random.stateless_uniform([b, 10], seed=seed)
        which = tf.where(u[:, 0] < strength[:, 0])[:, 0]
        picked = tf.gather(x, which)
        params = tf.gather(strength, which)
        signed = 2.0 * tf.gather(u[:, 1:], which) - 1.0
        picked = _stroke_width(tf, picked, (signed[:, 0] + 1.0) / 2.0, params)
        moved = tf.raw_ops.ImageProjectiveTransformV3(
            images=picked[..., None],
            transforms=_transforms(tf, signed, params),
            output_shape=[SIZE, SIZE],
            fill_value=0.0,
            interpolation="BILINEAR",
            fill_mode="CONSTANT",
        )[..., 0]
        out = tf.tensor_scatter_nd_update(x, which[:, None], moved)
        return tf.reshape(tf.clip_by_value(out, 0.0, 1.0), [b, SIZE * SIZE])

    return augment
