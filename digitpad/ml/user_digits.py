"""A person's own digits: a small dataset saved as a real ``.npz`` file, and fine-tuning.

Saves are atomic (temporary file beside the target, fsync, ``os.replace``): a crash
mid-save leaves the previous file as it was. A file that cannot be read is renamed
aside (never deleted) and reported with a one-line :class:`UserDigitsError`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.ml import errors as E
from digitpad.ml.atomic import atomic_path
from digitpad.ml.errors import DigitpadError
from digitpad.ml.preprocess import to_mnist
from digitpad.ml.recipe import CLASSES

log = logging.getLogger(__name__)

FILE_NAME = "my_digits.npz"


class UserDigitsError(DigitpadError):
    """The personal digits file could not be read or written."""


def as_image28(drawing: np.ndarray) -> np.ndarray:
    """A 28x28 MNIST-style uint8 image from either a 28x28 image or a raw drawing."""
    array = np.asarray(drawing)
    if array.shape == (28, 28) and array.dtype != np.uint8 and float(array.max(initial=0)) <= 1.0:
        return np.round(array * 255).astype(np.uint8)
    if array.shape == (28, 28) and array.dtype == np.uint8:
        return array.copy()
    return np.round(to_mnist(array) * 255).astype(np.uint8)


class UserDigits:
    """Images (n, 28, 28) uint8 and labels (n,) kept in ``folder/my_digits.npz``."""

    def __init__(self, folder: str | os.PathLike, *, load: bool = True) -> None:
        self.folder = Path(folder).expanduser()
        self.path = self.folder / FILE_NAME
        self.images = np.zeros((0, 28, 28), np.uint8)
        self.labels = np.zeros((0,), np.uint8)
        if load:
            self.load()

    def __len__(self) -> int:
        return len(self.labels)

    # -- persistence --------------------------------------------------------------------
    def load(self) -> None:
        if not self.path.exists():
            return
        try:
            E.refuse_special_file(self.path)  # a pipe would block the window's start
            with open(self.path, "rb") as handle, np.load(handle, allow_pickle=False) as npz:
                images = np.asarray(npz["images"])
                labels = np.asarray(npz["labels"])
        except (
            OSError,
            ValueError,
            KeyError,
            zipfile.BadZipFile,
            EOFError,
            MemoryError,  # a header that claims an enormous array
            DigitpadError,
        ) as exc:
            raise UserDigitsError(
                f"{self.path}: could not be read ({type(exc).__name__}); {self._set_aside()}"
            ) from None
        numeric = np.issubdtype(images.dtype, np.number) and np.issubdtype(labels.dtype, np.integer)
        if (
            not numeric
            or images.ndim != 3
            or images.shape[1:] != (28, 28)
            or labels.shape != (len(images),)
            or (len(labels) and (labels.min() < 0 or labels.max() >= CLASSES))
        ):
            raise UserDigitsError(
                f"{self.path}: does not hold 28x28 digits with labels 0-9; {self._set_aside()}"
            )
        self.images = images.astype(np.uint8)
        self.labels = labels.astype(np.uint8)

    def _set_aside(self) -> str:
        """Rename the unreadable file out of the way; what happened, as a phrase."""
        aside = self.path.with_name(f"{self.path.stem}.broken-{time.strftime('%Y%m%d-%H%M%S')}.npz")
        n = 1
        while aside.exists():
            aside = aside.with_name(f"{aside.stem}-{n}.npz")
            n += 1
        try:
            os.replace(self.path, aside)
        except OSError as exc:  # e.g. a read-only folder: leave it, lose nothing
            log.warning("could not set %s aside: %s", self.path, exc)
            return "left as it is (the folder is read-only); new digits are not saved"
        log.warning("unreadable %s renamed to %s", self.path, aside)
        return f"kept as {aside.name}, starting a new collection"

    def save(self) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with atomic_path(self.path) as temp:
                np.savez_compressed(temp, images=self.images, labels=self.labels)
        except OSError as exc:
            raise UserDigitsError(f"{self.path}: could not save ({exc.strerror or exc})") from None

    # -- editing ------------------------------------------------------------------------
    def add(self, drawing: np.ndarray, label: int) -> int:
        """Add a 28x28 image or a raw canvas drawing; returns its index. Saved at once."""
        if not 0 <= int(label) < CLASSES:
            raise ValueError(f"label must be 0-9, got {label}")
        image = as_image28(drawing)
        if not image.any():
            raise ValueError("the drawing is empty")
        images = np.concatenate([self.images, image[None]])
        labels = np.concatenate([self.labels, np.array([label], np.uint8)])
        old = self.images, self.labels
        self.images, self.labels = images, labels
        try:
            self.save()
        except BaseException:
            self.images, self.labels = old
            raise
        return len(labels) - 1

    def delete(self, index: int) -> None:
        if not 0 <= index < len(self):
            raise IndexError(f"no sample {index} (have {len(self)})")
        old = self.images, self.labels
        self.images = np.delete(self.images, index, axis=0)
        self.labels = np.delete(self.labels, index)
        try:
            self.save()
        except BaseException:
            self.images, self.labels = old
            raise

    def counts(self) -> np.ndarray:
        return np.bincount(self.labels.astype(np.int64), minlength=CLASSES)

    def indices_of(self, label: int) -> np.ndarray:
        return np.flatnonzero(self.labels == label)

    def split(self, every: int = 4) -> tuple[np.ndarray, np.ndarray]:
        """(train, held-back) indices: every ``every``-th sample of each digit is held back.

        Deterministic, so "before" and "after" are measured on the same drawings.
        """
        held = []
        for digit in range(CLASSES):
            idx = self.indices_of(digit)
            held.extend(idx[every - 1 :: every].tolist())
        held_arr = np.array(sorted(held), dtype=np.int64)
        train = np.setdiff1d(np.arange(len(self)), held_arr)
        return train, held_arr


@dataclass
class FineTuneResult:
    before: float | None  # accuracy on the held-back drawings (None when there are none)
    after: float | None
    held_back: int
    trained_on: int
    epochs: int
    stopped: bool = False


def fine_tune(
    model,
    digits: UserDigits,
    mnist=None,
    *,
    epochs: int = 3,
    mnist_samples: int = 6000,
    repeat: int = 20,
    batch_size: int = 64,
    learning_rate: float = 2e-4,
    seed: int = 0,
    cancel: threading.Event | None = None,
    on_epoch: Callable[[int, dict], None] | None = None,
) -> FineTuneResult:
    """Fine-tune ``model`` in place on your digits (repeated) mixed with some MNIST.

    Mixing in MNIST keeps the network from forgetting everyone else's handwriting;
    a low learning rate nudges rather than retrains. Accuracy is measured on your
    held-back drawings (see :meth:`UserDigits.split`) before and after.
    """
    from digitpad.ml.model import import_keras
    from digitpad.ml.recipe import TUTORIAL
    from digitpad.ml.training import TrainData, train

    keras = import_keras()
    train_idx, held_idx = digits.split()
    if len(train_idx) == 0:
        raise ValueError("add some digits first: there is nothing to fine-tune on")
    x_user = digits.images.reshape(len(digits), -1).astype(np.float32) / 255
    y_user = digits.labels.astype(np.int64)

    def held_accuracy() -> float | None:
        if len(held_idx) == 0:
            return None
        probs = model.predict(x_user[held_idx], verbose=0)
        return float((probs.argmax(1) == y_user[held_idx]).mean())

    before = held_accuracy()
    rng = np.random.default_rng(seed)
    xs = [np.repeat(x_user[train_idx], repeat, axis=0)]
    ys = [np.repeat(y_user[train_idx], repeat)]
    if mnist is not None and mnist_samples:
        pick = rng.choice(
            len(mnist.x_train), size=min(mnist_samples, len(mnist.x_train)), replace=False
        )
        xs.append(mnist.x_train[pick].reshape(len(pick), -1).astype(np.float32) / 255)
        ys.append(mnist.y_train[pick].astype(np.int64))
    x, y = np.concatenate(xs), np.concatenate(ys)
    order = rng.permutation(len(x))
    keras.utils.set_random_seed(seed)
    recipe = TUTORIAL.with_(epochs=epochs, batch_size=batch_size, learning_rate=learning_rate)
    rate = model.optimizer.learning_rate
    previous = float(np.asarray(rate))
    rate.assign(learning_rate)
    try:
        result = train(
            model,
            TrainData(x[order], y[order]),
            recipe,
            cancel=cancel,
            on_epoch=on_epoch,
            evaluate=False,
        )
    finally:
        rate.assign(previous)
    return FineTuneResult(
        before,
        held_accuracy(),
        len(held_idx),
        len(train_idx),
        result.epochs_completed,
        result.stopped,
    )
