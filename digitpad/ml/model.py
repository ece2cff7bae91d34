"""Build, save and load Keras models. TensorFlow is imported only inside functions."""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import zipfile
from pathlib import Path

from digitpad.ml import errors as E
from digitpad.ml.atomic import atomic_path
from digitpad.ml.errors import ModelError
from digitpad.ml.recipe import CLASSES, INPUT_SIZE, TUTORIAL, Recipe
from digitpad.ml.resources import resource_path

log = logging.getLogger(__name__)

# The widest hidden layer `digitpad train --hidden-units` builds: 65,536 units are 52 M
# weights and a 417 MB model file, inside the 512 MB of weights digitpad opens
# (weights.py); training it peaked at 2.8 GB (200 images, 1 epoch, 11 s). A value like
# 10**9 made TensorFlow try to allocate terabytes before failing with a traceback.
MAX_HIDDEN_UNITS = 65536

BUNDLED_NAME = "mnist_dense.keras"
BUNDLED_CARD = "mnist_dense.json"


def bundled_model_path() -> Path:
    """The trained model shipped inside the package (works from a wheel too)."""
    return resource_path(BUNDLED_NAME)


def bundled_card_path() -> Path:
    return resource_path(BUNDLED_CARD)


BUNDLED_VARIANTS = {
    "tutorial": BUNDLED_NAME,
    "dense-augmented": "mnist_dense_augmented.keras",
    "robust": "mnist_robust.keras",
}


def bundled_variant_path(preset: str) -> Path | None:
    """A bundled model trained with ``preset`` (``None`` when this build lacks it)."""
    name = BUNDLED_VARIANTS.get(preset)
    path = resource_path(name) if name else None
    return path if path is not None and path.is_file() else None


def import_keras():
    """Import Keras (and TensorFlow) quietly; ~6 s the first time on a small machine."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # no C++ info/GPU-probe noise
    if "keras" not in sys.modules and os.environ["TF_CPP_MIN_LOG_LEVEL"] == "3":
        # TF 2.21 logs oneDNN/CUDA notes through absl before it reads TF_CPP_MIN_LOG_LEVEL,
        # straight to file descriptor 2, so a CLI error line drowned in them. Hide fd 2
        # during the import only; a Python exception is printed after it is restored.
        with _stderr_fd_silenced():
            import keras
    import keras

    return keras


@contextlib.contextmanager
def _stderr_fd_silenced():
    try:
        sys.stderr.flush()
        saved = os.dup(2)
        devnull = os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):  # no real fd 2 (pythonw): nothing to hide
        yield
        return
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def build_model(recipe: Recipe = TUTORIAL, *, jit_compile: bool | str = "auto"):
    """The tutorial's model, compiled exactly as the tutorial compiles it.

    ``jit_compile=True`` (XLA) changes how, not what, it computes: epochs after the first
    run ~20 % faster on a CPU, for ~0.3 s more tracing in the first (BENCHMARKS.md). The
    window uses it; the CLI keeps Keras' default so a seeded run repeats bit for bit.
    """
    recipe.validate()
    if recipe.hidden_units > MAX_HIDDEN_UNITS:
        raise ValueError(
            f"hidden units must be at most {MAX_HIDDEN_UNITS}, got {recipe.hidden_units}"
        )
    keras = import_keras()
    from keras import layers

    if recipe.seed is not None:
        keras.utils.set_random_seed(recipe.seed)
    model = keras.Sequential(
        [
            keras.Input(shape=(INPUT_SIZE,)),
            layers.Dense(recipe.hidden_units, activation="relu"),
            layers.Dense(CLASSES, activation="softmax"),
        ]
    )
    compile_model(model, recipe, jit_compile=jit_compile)
    return model


def compile_model(model, recipe: Recipe = TUTORIAL, *, jit_compile: bool | str = "auto") -> None:
    keras = import_keras()
    if recipe.optimizer == "adam":
        optimizer = keras.optimizers.Adam(learning_rate=recipe.learning_rate)
    else:
        optimizer = keras.optimizers.RMSprop(learning_rate=recipe.learning_rate)
    model.compile(
        optimizer=optimizer, loss=recipe.loss, metrics=["accuracy"], jit_compile=jit_compile
    )


def check_output_path(path: str | os.PathLike) -> Path:
    """Where a model may be saved: ``.keras``, an existing folder, not a folder itself."""
    target = Path(path).expanduser()
    if target.suffix != ".keras":
        raise ModelError(f"{target}: model files must end in .keras")
    if target.is_dir():
        raise ModelError(f"{target}: is a folder")
    folder = target.parent
    if not folder.is_dir():
        raise ModelError(f"{target}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise ModelError(f"{target}: folder {folder} is not writable")
    return target


def save_model(model, path: str | os.PathLike) -> Path:
    """Save atomically: write a temporary file beside the target, then replace it.

    A crash or a full disk mid-save leaves the previous file untouched.
    """
    target = check_output_path(path)
    try:
        with atomic_path(target) as temp:
            model.save(temp)
    except PermissionError:
        raise ModelError(f"{target}: permission denied") from None
    except OSError as exc:
        raise ModelError(f"{target}: could not save ({exc.strerror or exc})") from None
    log.info("model saved to %s", target)
    return target


def check_model_file(path: str | os.PathLike, *, crc: bool = True) -> Path:
    """Cheap checks that need no TensorFlow; raise :class:`ModelError` with one line.

    ``crc=False`` skips checking every member's CRC: for a bundled model read from its
    weights sidecar, whose weights file is never read (``weights.sidecar_is_fresh``)."""
    target = Path(path).expanduser()
    E.check_path(target, ModelError)  # too long to look up: one line, not an OSError
    if not target.exists():
        raise ModelError(f"{target}: no such file", code=E.NO_SUCH_FILE, path=target)
    if target.is_dir():
        raise ModelError(
            f"{target}: is a folder, expected a .keras file", code=E.IS_FOLDER, path=target
        )
    E.refuse_special_file(target, ModelError)
    if target.suffix in (".h5", ".hdf5"):
        raise ModelError(
            f"{target}: legacy HDF5 models are not supported; save it as .keras",
            code=E.LEGACY_HDF5,
            path=target,
        )
    try:
        with open(target, "rb"):
            pass
    except PermissionError:
        raise ModelError(
            f"{target}: permission denied", code=E.PERMISSION_DENIED, path=target
        ) from None
    except OSError as exc:
        reason = str(exc.strerror or exc)
        raise ModelError(
            f"{target}: cannot be read ({reason})", code=E.UNREADABLE, path=target, detail=reason
        ) from None
    if target.stat().st_size == 0:
        raise ModelError(f"{target}: the file is empty", code=E.EMPTY_FILE, path=target)
    if not zipfile.is_zipfile(target):
        with open(target, "rb") as handle:
            starts_like_zip = handle.read(4) == b"PK\x03\x04"
        if starts_like_zip:  # a zip whose end (the central directory) is cut off
            raise ModelError(
                f"{target}: damaged or truncated (the zip archive is incomplete)",
                code=E.DAMAGED,
                path=target,
            )
        raise ModelError(
            f"{target}: not a Keras model (.keras files are zip archives)",
            code=E.NOT_KERAS_MODEL,
            path=target,
        )
    # Sized up from the zip's directory before anything is unpacked: a 2 MB file can
    # hold 2 GB of zeros (weights.check_archive). Only then is every member's CRC
    # checked, which now costs at most what the file can legitimately hold.
    from digitpad.ml.archive import check_directory
    from digitpad.ml.weights import check_archive

    check_directory(target, ModelError, E.TOO_LARGE)
    try:
        with zipfile.ZipFile(target) as archive:
            names = set(archive.namelist())
            if "config.json" in names and "model.weights.h5" in names:
                check_archive(archive, target)
                bad = archive.testzip() if crc else None
            else:
                bad = None
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise ModelError(
            f"{target}: damaged or truncated ({exc})", code=E.DAMAGED, path=target, detail=str(exc)
        ) from None
    if bad is not None:
        raise ModelError(
            f"{target}: damaged or truncated ({bad} is corrupt)",
            code=E.DAMAGED,
            path=target,
            detail=f"{bad} is corrupt",
        )
    if "config.json" not in names or "model.weights.h5" not in names:
        raise ModelError(
            f"{target}: not a Keras model (config.json or weights missing)",
            code=E.NOT_KERAS_MODEL,
            path=target,
        )
    return target


def load_model(path: str | os.PathLike):
    """Load a ``.keras`` file in safe mode and check it reads 784 pixels into 10 classes."""
    target = check_model_file(path)
    keras = import_keras()
    try:
        model = keras.saving.load_model(target, safe_mode=True, compile=True)
    except Exception as exc:  # noqa: BLE001 - Keras raises many types; all mean "unusable"
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        code = E.CANNOT_LOAD
        if "safe_mode" in str(exc) or "Lambda" in str(exc):
            reason = "it contains code (a Lambda layer) that safe mode refuses to run"
            code = E.UNSAFE_CODE
        raise ModelError(
            f"{target}: cannot be loaded ({reason})", code=code, path=target, detail=reason
        ) from None
    check_shapes(model, target)
    # A model saved before compile() has no ``optimizer`` attribute at all.
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", True):
        compile_model(model)
    return model


def check_shapes(model, where: object = "model") -> None:
    try:
        in_shape = tuple(model.input_shape)
        out_shape = tuple(model.output_shape)
    except (AttributeError, ValueError):
        raise ModelError(f"{where}: the model has no defined input/output shape") from None
    if in_shape[1:] not in ((INPUT_SIZE,), (28, 28), (28, 28, 1)):
        raise ModelError(
            f"{where}: expects input shape {in_shape[1:]}, digitpad needs 784 pixels (28x28)",
            code=E.WRONG_INPUT_SHAPE,
            path=where,
            detail=str(in_shape[1:]),
        )
    if out_shape[1:] != (CLASSES,):
        raise ModelError(
            f"{where}: has output shape {out_shape[1:]}, digitpad needs 10 classes",
            code=E.WRONG_OUTPUT_SHAPE,
            path=where,
            detail=str(out_shape[1:]),
        )
