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
(``strokes_to_mnist``) and kept for the process and on disk (:func:`pen_images`): the
next Train click, and the next session's, renders nothing. The held-out writers are
rendered the same way for the per-epoch "real handwriting" figure (:func:`pen_validation`);
they never enter a batch.

TensorFlow is imported only when a pipeline is built (the window's start-up never is).
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from digitpad.ml.pendigits import PenDigits

log = logging.getLogger(__name__)


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
    """Every point of every stroke, the labels and writers (the key on disk too: another
    copy of the data that differs in one point is drawn afresh)."""
    h = hashlib.sha1()
    for part in (digits.labels, digits.writers):
        h.update(np.ascontiguousarray(part).tobytes())
    for digit in digits.strokes:
        h.update(len(digit).to_bytes(4, "little"))
        for stroke in digit:
            line = np.ascontiguousarray(stroke)
            h.update(str(line.dtype).encode() + len(line).to_bytes(4, "little"))
            h.update(line.tobytes())
    return h.digest()


def pen_images(digits: PenDigits) -> np.ndarray:
    """uint8 (n, 28, 28): every digit prepared from its strokes as the pad does.

    Kept for the process (a few sets of ~6,000 digits, 4.7 MB each) and on disk
    (:func:`cache_dir`): the strokes never change between Train clicks, so only the first
    click on a machine draws them (~1.3 s for the 7,494 training writers' digits); later
    clicks, and the first click of a later session, read them back (~20 ms)."""
    from digitpad.ml.pendigits import prepare_strokes

    key = _fingerprint(digits)
    with _rendered_lock:
        found = _rendered.get(key)
    if found is not None:
        return found
    images = _read_cached(key, len(digits))
    if images is None:
        images = np.round(prepare_strokes(digits) * 255).astype(np.uint8)
        _write_cached(key, images)
    images.setflags(write=False)
    with _rendered_lock:
        if len(_rendered) >= 4:
            _rendered.pop(next(iter(_rendered)))
        _rendered[key] = images
    return images


CACHE_ENV = "DIGITPAD_CACHE_DIR"


def cache_dir() -> Path:
    """Where digitpad keeps what it can compute again: ``$DIGITPAD_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/digitpad``, else ``~/.cache/digitpad``. Deleting it loses nothing."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "digitpad"


@functools.cache
def _renderer_version() -> str:
    """A hash of the code that draws a pen digit (the pad's preparation): a change to
    any of it makes every cached drawing stale."""
    from digitpad.ml import pendigits, preprocess, strokes

    h = hashlib.sha1()
    for module in (pendigits, preprocess, strokes):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()[:12]


def _cache_file(key: bytes) -> Path:
    return cache_dir() / f"pen-{key.hex()[:20]}-{_renderer_version()}.npy"


def _read_cached(key: bytes, count: int) -> np.ndarray | None:
    """The drawings saved by an earlier click, or ``None`` (none, stale or damaged: they
    are drawn again; a damaged file is only logged)."""
    path = _cache_file(key)
    try:
        images = np.load(path, allow_pickle=False)
    except FileNotFoundError:
        return None
    except (OSError, ValueError, EOFError) as exc:
        log.info("cached pen drawings %s not used (%s); drawing them again", path, exc)
        return None
    if images.dtype != np.uint8 or images.shape != (count, 28, 28):
        log.info("cached pen drawings %s have the wrong shape; drawing them again", path)
        return None
    return images


def _write_cached(key: bytes, images: np.ndarray) -> None:
    """Save the drawings for the next session; a read-only or full disk costs only time."""
    from digitpad.ml.atomic import atomic_path

    path = _cache_file(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as temp, open(temp, "wb") as handle:
            np.save(handle, images, allow_pickle=False)
    except OSError as exc:
        log.info("pen drawings not cached in %s: %s", path.parent, exc)


def warm_pen_cache() -> None:
    """Draw the bundled pen digits once, if no earlier session has (the background
    preload calls it after importing Keras, so the first Train click finds them)."""
    from digitpad.ml.pendigits import held_out_writers, training_writers

    for digits in (training_writers(), held_out_writers()):
        if digits is not None and len(digits):
            pen_images(digits)


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
    # No autotuning: the parallelism and the prefetch are fixed above, and the autotuner's
    # own thread, still in an optimisation pass when ``fit`` ended, held the end of the
    # last epoch's iterator (its destructor waits for it) 3-5 s in ~40 % of the clicks.
    options = tf.data.Options()
    options.autotune.enabled = False
    dataset = dataset.with_options(options)
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
