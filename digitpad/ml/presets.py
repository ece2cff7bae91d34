"""Model presets: the tutorial's exact recipe, and stronger ones for real drawings.

Every preset takes 784 inputs and gives 10 probabilities, saves with
:func:`digitpad.ml.model.save_model` (no Lambda layers) and is readable by the numpy
:class:`~digitpad.ml.predictor.Predictor`. Augmentation lives in the data pipeline
(``ml.pipeline``), so the saved model holds only layers the predictor understands.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import numpy as np

from digitpad.ml.data import Mnist, flatten
from digitpad.ml.pipeline import Strength
from digitpad.ml.recipe import CLASSES, INPUT_SIZE, TUTORIAL, Recipe

if TYPE_CHECKING:  # loaded when a preset trains: the window's start-up needs only the list
    from digitpad.ml.pendigits import PenDigits
    from digitpad.ml.training import TrainResult


@dataclass(frozen=True)
class Augment:
    """Random changes a person's drawing shows and MNIST mostly does not."""

    rotation_deg: float = 12.0
    zoom: float = 0.12  # scale in [1 - zoom, 1 + zoom]
    shift_px: float = 2.5
    thicken: float = 0.35  # share of images whose strokes are dilated (3x3)
    thin: float = 0.15  # share of images whose strokes are eroded (cross)
    slant: float = 0.2  # x shifted by up to this share of y: italic either way
    elastic_px: float = 1.0  # spread of the smooth random warp, in pixels


@dataclass(frozen=True)
class Preset:
    key: str
    title: str
    description: str
    architecture: str  # "dense" or "cnn"
    recipe: Recipe
    augment: Strength | None = None  # how MNIST images are changed (None: not at all)
    pen_repeat: int = 0  # times each training writer's pen digit is shown per epoch
    pen_augment: Strength | None = None  # how the pen digits are changed
    filters: tuple[int, int] = (32, 64)  # "cnn": the two convolutions' filters (3x3)
    dense_units: int = 128  # "cnn": the hidden dense layer
    eval_batch_size: int = 32  # the MNIST test set's batches (the tutorial's: 32)
    # The window compiles the training step with XLA: ~35 % faster epochs for the dense
    # networks; slower for the CNN on a CPU (its convolutions lose oneDNN's kernels).
    xla: bool = True


# Half the MNIST images pass unchanged each epoch, so the network still sees real MNIST;
# the other half are warped, slanted, rotated, zoomed, shifted, thicker or thinner.
MNIST_STRENGTH = Strength(
    share=0.5,
    rotation_deg=12.0,
    zoom=0.12,
    aspect=0.0,
    slant=0.2,
    shift_px=2.5,
    wobble=1.0,
    thicken=0.35,
    thin=0.15,
)
# Every pen digit is shown with a random hand: what varies between people drawing the
# same digit (rotation, slant, how wide or narrow) and a small wobble. Its strokes are
# drawn at the pad's own pen width, as the pad prepares a drawing: no thicker or thinner.
PEN_STRENGTH = Strength(
    share=1.0,
    rotation_deg=12.0,
    zoom=0.08,
    aspect=0.15,
    slant=0.3,
    shift_px=1.5,
    wobble=1.0,
    thicken=0.0,
    thin=0.0,
)

TUTORIAL_PRESET = Preset(
    "tutorial",
    "Tutorial",
    "Dense 512 relu -> Dense 10 softmax, rmsprop, 5 epochs of plain MNIST (the tutorial).",
    "dense",
    TUTORIAL,
)
DENSE_AUGMENTED = Preset(
    "dense-augmented",
    "Tutorial + augmentation",
    "The tutorial's network and optimizer (rmsprop), trained on MNIST plus real "
    "pen-written digits, changed each epoch: warped, slanted, rotated, zoomed, thicker "
    "and thinner; 5 epochs, the learning rate rising to 0.002 and falling to zero.",
    "dense",
    TUTORIAL.with_(epochs=5, learning_rate=0.002, schedule="one-cycle"),
    MNIST_STRENGTH,
    pen_repeat=3,
    pen_augment=PEN_STRENGTH,
    eval_batch_size=500,
)
# Time to accuracy (BENCHMARKS.md, "Training to read handwriting"): a CNN whose FLOPs go
# where its accuracy comes from (16 and 32 filters; 64 cost twice the time for +0.1 %),
# Adam with a one-cycle learning rate, batches of 256, two epochs; a quarter of the
# MNIST images changed (enough with the pen digits: reads unseen writers as well).
ROBUST = Preset(
    "robust",
    "Robust (small CNN)",
    "Conv 16 -> pool -> Conv 32 -> pool -> Dense 256 -> Dense 10, trained on MNIST plus "
    "real pen-written digits with augmentation: Adam, the learning rate rising to 0.005 "
    "and falling to zero over 2 epochs of batches of 256.",
    "cnn",
    TUTORIAL.with_(
        epochs=2, batch_size=256, learning_rate=0.005, optimizer="adam", schedule="one-cycle"
    ),
    replace(MNIST_STRENGTH, share=0.25),
    pen_repeat=3,
    pen_augment=PEN_STRENGTH,
    filters=(16, 32),
    dense_units=256,
    eval_batch_size=500,
    xla=False,
)
PRESETS: dict[str, Preset] = {p.key: p for p in (TUTORIAL_PRESET, DENSE_AUGMENTED, ROBUST)}


def get_preset(key: str) -> Preset:
    try:
        return PRESETS[key]
    except KeyError:
        raise ValueError(f"unknown preset {key!r}; choose from {', '.join(PRESETS)}") from None


# One compiled model per process, handed out again (weights and optimizer state made new)
# to the next Train click with the same preset and recipe: TensorFlow keeps every traced
# and XLA-compiled training function of a process, so a fresh model per click grew the
# window by ~13 MB a click (RELIABILITY.md, "Known limits"). Callers that keep a trained
# model beyond the next click keep a copy (:func:`detached_copy`).
_reusable: dict[tuple, object] = {}
_reusable_lock = threading.Lock()


_turn = threading.Lock()  # one training at a time in a process: a click or a warm-up


@contextmanager
def training_turn(cancel: threading.Event | None = None, wait: bool = True):
    """Yield ``True`` once this thread may train (``reusable_preset_model`` and
    ``train_preset``): a Train click waits here while a warm-up finishes (a few seconds;
    ``cancel`` gives up, yielding ``False``); a warm-up (``wait=False``) does not wait."""
    acquired = _turn.acquire(blocking=False)
    while wait and not acquired and not (cancel is not None and cancel.is_set()):
        acquired = _turn.acquire(timeout=0.1)
    try:
        yield acquired
    finally:
        if acquired:
            _turn.release()


def _reusable_key(preset: Preset, jit_compile) -> tuple:
    """What a compiled model depends on: not the seed, epochs or learning rate (a click
    sets those on the re-used model), so a click with 1 epoch re-uses a warmed model."""
    recipe = replace(preset.recipe, seed=None, epochs=1, learning_rate=0.0)
    return (
        preset.key,
        preset.architecture,
        preset.filters,
        preset.dense_units,
        recipe,
        jit_compile,
    )


def warm_up(key: str, cancel: threading.Event | None = None) -> bool:
    """Trace what a Train click of preset ``key`` (its default recipe) runs — the
    training step, the augmentation, the evaluation — on two batches of blank images,
    so the first click starts at once (its model is then re-used with new weights, as
    a second click's is). Returns ``False`` if there was nothing to do: a click or
    another warm-up is training, or this preset's model is already traced.

    The first click of a session spent ~2-3 s tracing before its first batch and ~1 s
    before its evaluation (BENCHMARKS.md, "Training to read handwriting").
    """
    from digitpad.ml.pendigits import held_out_writers, training_writers

    preset = get_preset(key)
    with training_turn(wait=False) as mine:
        if not mine:
            return False
        with _reusable_lock:
            if _reusable_key(preset, preset.xla) in _reusable:
                return False
        model = reusable_preset_model(preset, 0, jit_compile=preset.xla)
        batch, test = preset.recipe.batch_size, preset.eval_batch_size
        blank = Mnist(
            np.zeros((2 * batch, 28, 28), np.uint8),
            np.arange(2 * batch, dtype=np.uint8) % CLASSES,
            np.zeros((test, 28, 28), np.uint8),
            np.arange(test, dtype=np.uint8) % CLASSES,
            "warm-up (blank images)",
        )
        pen = training_writers() if preset.pen_repeat else None
        if pen is not None and len(pen):  # the batches' pen source, as a click has it
            pen = pen.subset(np.arange(len(pen)) < batch)
        held_out = held_out_writers()
        if held_out is not None and len(held_out):
            held_out = held_out.subset(np.arange(len(held_out)) < 64)
        train_preset(
            preset,
            blank,
            seed=0,
            epochs=1,
            model=model,
            pen=pen,
            held_out=held_out,
            cancel=cancel,
        )
        return True


def reusable_preset_model(preset: Preset, seed: int | None = None, *, jit_compile=True):
    """A compiled model for ``preset`` with freshly initialised weights, re-using the
    last one built for the same preset and recipe (see ``_reusable``)."""
    key = _reusable_key(preset, jit_compile)
    with _reusable_lock:
        model = _reusable.pop(key, None)
        _reusable.clear()  # one at a time: another preset's model is let go
    if model is None:
        model = build_preset_model(preset, seed, jit_compile=jit_compile)
    else:
        reinitialise(model, seed, preset.recipe.learning_rate)
    with _reusable_lock:
        _reusable[key] = model
    return model


def reinitialise(model, seed: int | None, learning_rate: float) -> None:
    """New initial weights (each layer's own initializer, new seeds) and a new optimizer
    state (step 0, no accumulated gradients): as good as a freshly built model."""
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        for name in ("kernel", "bias"):
            variable = getattr(layer, name, None)
            initializer = getattr(layer, f"{name}_initializer", None)
            if variable is None or initializer is None:
                continue
            config = initializer.get_config()
            if "seed" in config:  # Keras 3 initializers repeat themselves for one seed
                config["seed"] = int(rng.integers(2**31 - 1))
            fresh = type(initializer).from_config(config)
            variable.assign(fresh(tuple(variable.shape), dtype=variable.dtype))
    optimizer = model.optimizer
    for variable in optimizer.variables:
        if variable.path.endswith("learning_rate"):
            variable.assign(learning_rate)
        else:
            variable.assign(np.zeros(tuple(variable.shape), dtype=variable.dtype))


def detached_copy(model):
    """The same network and weights in new variables (nothing traced, nothing compiled
    until it is used): what a caller keeps when the model itself will be re-used."""
    from digitpad.ml.model import import_keras

    keras = import_keras()
    copy = keras.models.clone_model(model)
    copy.set_weights(model.get_weights())
    return copy


def build_preset_model(
    preset: Preset, seed: int | None = None, *, jit_compile: bool | str = "auto"
):
    """A compiled Keras model for ``preset`` (the tutorial preset is ``build_model``)."""
    from digitpad.ml.model import build_model, compile_model, import_keras

    recipe = preset.recipe.with_(seed=seed)
    if preset.architecture == "dense":
        return build_model(recipe, jit_compile=jit_compile)
    keras = import_keras()
    from keras import layers

    if recipe.seed is not None:
        keras.utils.set_random_seed(recipe.seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(INPUT_SIZE,)),
            layers.Reshape((28, 28, 1)),
            layers.Conv2D(preset.filters[0], 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(preset.filters[1], 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(preset.dense_units, activation="relu"),
            layers.Dropout(0.25),
            layers.Dense(CLASSES, activation="softmax"),
        ]
    )
    compile_model(model, recipe, jit_compile=jit_compile)
    return model


# -- augmentation in numpy, whole batches at once ----------------------------------------
# What the augmented presets used before ``ml.pipeline`` (TensorFlow, beside ``fit``): kept
# for scripts that change a few images without TensorFlow.


def _dilate(images: np.ndarray) -> np.ndarray:
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    h, w = images.shape[1:]
    return np.max([padded[:, dy : dy + h, dx : dx + w] for dy in range(3) for dx in range(3)], 0)


def _erode(images: np.ndarray) -> np.ndarray:
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    h, w = images.shape[1:]
    cross = [(1, 1), (0, 1), (2, 1), (1, 0), (1, 2)]
    return np.min([padded[:, dy : dy + h, dx : dx + w] for dy, dx in cross], 0)


def stroke_width(images: np.ndarray, rng: np.random.Generator, aug: Augment) -> np.ndarray:
    """Dilate some digits, erode some (unless that would wipe most of the ink)."""
    out = images.copy()
    pick = rng.random(len(images))
    thick = pick < aug.thicken
    thin = (pick >= aug.thicken) & (pick < aug.thicken + aug.thin)
    if thick.any():
        out[thick] = _dilate(images[thick])
    if thin.any():
        eroded = _erode(images[thin])
        kept = eroded.sum(axis=(1, 2)) >= 0.4 * images[thin].sum(axis=(1, 2))
        idx = np.flatnonzero(thin)[kept]
        out[idx] = eroded[kept]
    return out


def affine(images: np.ndarray, rng: np.random.Generator, aug: Augment) -> np.ndarray:
    """Random rotation, slant, zoom and shift about the centre, bilinear, zeros outside."""
    n, h, w = images.shape
    angle = np.deg2rad(rng.uniform(-aug.rotation_deg, aug.rotation_deg, n))
    scale = rng.uniform(1 - aug.zoom, 1 + aug.zoom, n)
    shear = rng.uniform(-aug.slant, aug.slant, n)[:, None, None]
    shift = rng.uniform(-aug.shift_px, aug.shift_px, (n, 2))
    cy, cx = (h - 1) / 2, (w - 1) / 2
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ys = ys[None] - cy - shift[:, 0, None, None]
    xs = xs[None] - cx - shift[:, 1, None, None]
    cos = (np.cos(angle) / scale)[:, None, None]
    sin = (np.sin(angle) / scale)[:, None, None]
    # inverse map: output pixel -> source pixel (rotation and zoom, then the slant)
    src_x = cos * xs + sin * ys
    src_y = -sin * xs + cos * ys
    src_x = src_x - shear * src_y + cx
    src_y = src_y + cy
    return _bilinear(images, src_y, src_x)


def elastic(images: np.ndarray, rng: np.random.Generator, aug: Augment) -> np.ndarray:
    """Smooth random warps (Simard et al., 2003): a hand that wobbles differently.

    Displacements drawn on a coarse 4x4 grid and interpolated bilinearly to 28x28 are
    smooth over ~7 px, like the Gaussian-filtered fields of the paper, at a tiny cost.
    """
    n, h, w = images.shape
    if aug.elastic_px <= 0:
        return images.astype(np.float32)
    coarse = rng.normal(0.0, aug.elastic_px, (2 * n, 4, 4)).astype(np.float32)
    grid_y = np.linspace(0, 3, h, dtype=np.float32)
    grid_x = np.linspace(0, 3, w, dtype=np.float32)
    fine = _bilinear(coarse, *np.meshgrid(grid_y, grid_x, indexing="ij"), clamp=True)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    return _bilinear(images, ys[None] + fine[:n], xs[None] + fine[n:])


def _bilinear(images: np.ndarray, src_y, src_x, clamp: bool = False) -> np.ndarray:
    """Sample (n, h, w) images at float source coordinates; zeros outside unless ``clamp``."""
    n, h, w = images.shape
    src_y = np.broadcast_to(src_y, (n, *np.shape(src_y)[-2:]))
    src_x = np.broadcast_to(src_x, (n, *np.shape(src_x)[-2:]))
    if clamp:
        src_y = np.clip(src_y, 0, h - 1)
        src_x = np.clip(src_x, 0, w - 1)
    x0 = np.floor(src_x).astype(np.int64)
    y0 = np.floor(src_y).astype(np.int64)
    fx = (src_x - x0).astype(np.float32)
    fy = (src_y - y0).astype(np.float32)
    flat = np.pad(images.astype(np.float32), ((0, 0), (1, 1), (1, 1))).ravel()
    base = (np.arange(n, dtype=np.int64) * ((h + 2) * (w + 2)))[:, None, None]

    def at(yy, xx):
        yy = np.clip(yy + 1, 0, h + 1)
        xx = np.clip(xx + 1, 0, w + 1)
        return flat.take(base + yy * (w + 2) + xx)

    out = (
        at(y0, x0) * (1 - fx) * (1 - fy)
        + at(y0, x0 + 1) * fx * (1 - fy)
        + at(y0 + 1, x0) * (1 - fx) * fy
        + at(y0 + 1, x0 + 1) * fx * fy
    )
    outside = (src_x < -1) | (src_x > w) | (src_y < -1) | (src_y > h)
    out[outside] = 0
    return out


def augment_images(
    images: np.ndarray, rng: np.random.Generator, aug: Augment | None = None
) -> np.ndarray:
    """uint8 (n, 28, 28) -> augmented float32 (n, 784) in [0, 1], ready for ``fit``."""
    aug = aug or Augment()
    images = np.asarray(images, np.uint8)
    out = np.empty((len(images), INPUT_SIZE), np.float32)
    for start in range(0, len(images), 4096):  # chunks stay in cache: ~5x faster
        chunk = stroke_width(images[start : start + 4096], rng, aug)
        chunk = affine(elastic(chunk, rng, aug), rng, aug)
        out[start : start + len(chunk)] = np.clip(chunk / 255.0, 0, 1).reshape(len(chunk), -1)
    return out


# -- training -------------------------------------------------------------------------


MNIST_TRAIN_SIZE = 60_000  # the pen digits' share of a run is theirs to 60,000 MNIST images


def limited_pen(pen: PenDigits | None, n: int) -> PenDigits | None:
    """The pen digits for a run on ``n`` MNIST images: all of them for the whole set;
    for fewer (``train_limit``, a subset), the same share, evenly spread over them (every
    writer and digit), so a small trial run mixes them in without drawing them all."""
    if pen is None or not len(pen) or n >= MNIST_TRAIN_SIZE:
        return pen
    keep = max(1, round(len(pen) * n / MNIST_TRAIN_SIZE))
    index = np.unique(np.linspace(0, len(pen) - 1, keep).round().astype(np.int64))
    mask = np.zeros(len(pen), bool)
    mask[index] = True
    return pen.subset(mask)


def train(*args, **kwargs) -> TrainResult:
    """:func:`digitpad.ml.training.train` (imported with the first training)."""
    from digitpad.ml.training import train as run

    return run(*args, **kwargs)


def train_preset(
    preset: Preset,
    mnist: Mnist,
    *,
    seed: int | None = 1,
    epochs: int | None = None,
    train_limit: int | None = None,
    cancel: threading.Event | None = None,
    on_epoch: Callable[[int, dict], None] | None = None,
    on_batch: Callable[[int, int, dict], None] | None = None,
    model=None,
    verbose: int | str = 0,
    evaluate: bool = True,
    pen: PenDigits | None = None,
    held_out: PenDigits | None = None,
) -> tuple[object, TrainResult]:
    """Build (or continue) and train a preset's model; evaluate on the MNIST test set.

    Augmented presets train on batches augmented as they are needed, beside ``fit``
    (``ml.pipeline``): each epoch a fresh random variant of half the MNIST images and
    ``preset.pen_repeat`` of every pen digit in ``pen`` (training writers only: a
    held-out writer is refused). ``held_out`` (the held-out writers) adds their accuracy
    to every epoch's logs as ``val_accuracy``; it is never trained on.
    """
    from digitpad.ml import pendigits, pipeline
    from digitpad.ml.training import TrainData

    pendigits.refuse_held_out(pen)  # the validation writers are never trained on
    recipe = preset.recipe.with_(seed=seed, epochs=epochs)
    model = model if model is not None else build_preset_model(preset, seed)
    n = train_limit or len(mnist.x_train)
    x_raw, y = mnist.x_train[:n], mnist.y_train[:n].astype(np.int64)
    pen = limited_pen(pen, n)
    validation = pipeline.pen_validation(held_out)
    test = (mnist.flat_test(), mnist.y_test.astype(np.int64)) if evaluate else (None, None)
    if preset.augment is None:
        data = TrainData(flatten(x_raw), y, *test, validation=validation)
        data.eval_batch_size = preset.eval_batch_size
    else:
        use_pen = pen is not None and len(pen) and preset.pen_repeat
        feed = pipeline.batches(
            x_raw,
            y,
            pipeline.pen_images(pen) if use_pen else None,
            pen.labels if use_pen else None,
            pen_repeat=preset.pen_repeat if use_pen else 0,
            batch_size=recipe.batch_size,
            seed=seed,
            mnist_strength=preset.augment,
            pen_strength=preset.pen_augment or preset.augment,
        )
        data = TrainData(None, None, *test, batches=feed, validation=validation)
        data.eval_batch_size = preset.eval_batch_size
    return model, train(
        model,
        data,
        recipe,
        cancel=cancel,
        on_epoch=on_epoch,
        on_batch=on_batch,
        verbose=verbose,
        evaluate=evaluate,
    )
