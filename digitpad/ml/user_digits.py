"""A person's own digits: a small dataset saved as a real ``.npz`` file, and fine-tuning.

The collection is ``my_digits.npz`` plus a journal beside it (``my_digits.journal``):
adding a digit appends one fixed-size record to the journal (constant time, however
many digits are saved), and the journal is folded into the ``.npz`` every
:data:`COMPACT_EVERY` digits, on every delete and when the window closes. Every change
happens under a lock file, after reading what other windows or processes added since,
so two windows adding at once never lose each other's digits. The ``.npz`` is written
atomically (temporary file, fsync, ``os.replace``); a record cut off by a crash is
ignored. A file that cannot be read is renamed aside (never deleted) and reported with
a one-line :class:`UserDigitsError`.

The lock is :mod:`filelock` (a small, well-kept cross-platform library) rather than
``fcntl`` by hand, which would leave Windows out.
"""

from __future__ import annotations

import contextlib
import logging
import os
import struct
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.ml import errors as E
from digitpad.ml.atomic import atomic_path
from digitpad.ml.errors import DigitpadError, UserDigitsError
from digitpad.ml.preprocess import to_mnist
from digitpad.ml.recipe import CLASSES

log = logging.getLogger(__name__)

FILE_NAME = "my_digits.npz"
JOURNAL_NAME = "my_digits.journal"
LOCK_NAME = ".my_digits.lock"
COMPACT_EVERY = 512  # journal records folded into the .npz at once
LOCK_WAIT = 10.0  # seconds: another window holds the lock only for a write

_HEADER = struct.Struct("<4sQ")  # magic, generation of the .npz the journal extends
_MAGIC = b"DPJ1"
_RECORD_MARK = 0xD7
_RECORD = 2 + 28 * 28  # mark, label, pixels


def as_image28(drawing: np.ndarray) -> np.ndarray:
    """A 28x28 MNIST-style uint8 image from either a 28x28 image or a raw drawing."""
    array = np.asarray(drawing)
    if array.shape == (28, 28) and array.dtype != np.uint8 and float(array.max(initial=0)) <= 1.0:
        return np.round(array * 255).astype(np.uint8)
    if array.shape == (28, 28) and array.dtype == np.uint8:
        return array.copy()
    return np.round(to_mnist(array) * 255).astype(np.uint8)


def _signature(path: Path) -> tuple[int, int, int] | None:
    """Changes whenever the file is replaced or rewritten (inode, size, mtime)."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


class UserDigits:
    """Images (n, 28, 28) uint8 and labels (n,) kept in ``folder/my_digits.npz``."""

    def __init__(self, folder: str | os.PathLike, *, load: bool = True) -> None:
        self.folder = Path(folder).expanduser()
        self.path = self.folder / FILE_NAME
        self.journal = self.folder / JOURNAL_NAME
        self.images = np.zeros((0, 28, 28), np.uint8)
        self.labels = np.zeros((0,), np.uint8)
        self.warning = ""  # a journal that had to be set aside, said once
        self._generation = 0  # of the .npz in memory
        self._npz_signature: tuple[int, int, int] | None = None
        self._journal_offset = 0  # bytes of the journal already in memory
        self._writable = True
        self._lock = None  # a filelock.FileLock, made on first use (kept off start-up)
        if load:
            self.load()

    def __len__(self) -> int:
        return len(self.labels)

    # -- persistence --------------------------------------------------------------------
    @contextlib.contextmanager
    def _locked(self, *, for_writing: bool) -> Iterator[None]:
        """The lock file, held for one read or write; a read-only folder reads unlocked."""
        from filelock import FileLock, Timeout

        if self._lock is None:
            self._lock = FileLock(self.folder / LOCK_NAME, timeout=LOCK_WAIT)
        try:
            if for_writing:
                self.folder.mkdir(parents=True, exist_ok=True)
            self._lock.acquire()
        except Timeout:
            raise UserDigitsError(
                f"{self.path}: another digitpad has held it for {LOCK_WAIT:.0f} s; try again"
            ) from None
        except OSError as exc:
            if for_writing:
                raise UserDigitsError(
                    f"{self.path}: could not save ({exc.strerror or exc})"
                ) from None
            yield  # nowhere to put a lock (read-only or missing folder): just read
            return
        try:
            yield
        finally:
            self._lock.release()

    def load(self) -> None:
        """Read the ``.npz`` and the journal (raises :class:`UserDigitsError`)."""
        if not self.path.exists() and not self.journal.exists():
            return
        with self._locked(for_writing=False):
            self._reload()

    def _reload(self) -> None:
        self.images = np.zeros((0, 28, 28), np.uint8)
        self.labels = np.zeros((0,), np.uint8)
        self._generation, self._journal_offset = 0, 0
        self._npz_signature = _signature(self.path)
        if self._npz_signature is not None:
            self._read_npz()
        self._read_journal()

    def _read_npz(self) -> None:
        try:
            E.refuse_special_file(self.path)  # a pipe would block the window's start
            with open(self.path, "rb") as handle, np.load(handle, allow_pickle=False) as npz:
                images = np.asarray(npz["images"])
                labels = np.asarray(npz["labels"])
                generation = int(npz["generation"]) if "generation" in npz.files else 0
        except (
            OSError,
            ValueError,
            KeyError,
            TypeError,
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
        self._generation = generation

    def _read_journal(self) -> None:
        """Append the journal's records after ``_journal_offset`` to memory.

        A journal extends the ``.npz`` of its generation. One of another generation is
        reconciled (:meth:`_reconcile`), never dropped: its digits may be nowhere else.
        """
        other_generation = None
        try:
            if self.journal.exists():
                E.refuse_special_file(self.journal)
            with open(self.journal, "rb") as handle:
                if self._journal_offset == 0:
                    head = handle.read(_HEADER.size)
                    if len(head) < _HEADER.size:
                        return  # created, never written: nothing in it
                    magic, generation = _HEADER.unpack(head)
                    if magic != _MAGIC:
                        self._set_journal_aside("it is not a digitpad journal")
                        return
                    if generation != self._generation:
                        other_generation = generation
                    else:
                        self._journal_offset = _HEADER.size
                handle.seek(max(self._journal_offset, _HEADER.size))
                data = handle.read()
        except FileNotFoundError:
            return
        except (OSError, DigitpadError) as exc:
            self._set_journal_aside(str(getattr(exc, "strerror", None) or exc))
            return
        count = len(data) // _RECORD  # a record cut off by a crash is not counted
        if not count:
            return
        records = np.frombuffer(data[: count * _RECORD], np.uint8).reshape(count, _RECORD)
        valid = (records[:, 0] == _RECORD_MARK) & (records[:, 1] < CLASSES)
        damaged = not valid.all()
        if damaged:  # keep what came before the first damaged record
            count = int(np.argmin(valid))
            records = records[:count]
        if other_generation is not None:
            self._reconcile(other_generation, records, damaged)
            return
        self.images = np.concatenate([self.images, records[:, 2:].reshape(-1, 28, 28)])
        self.labels = np.concatenate([self.labels, records[:, 1]])
        self._journal_offset += count * _RECORD
        if damaged:
            self._set_journal_aside("a damaged record")
            if self._writable and count:  # the good records live on in the .npz
                with contextlib.suppress(UserDigitsError):
                    self._fold()

    def _reconcile(self, generation: int, records: np.ndarray, damaged: bool) -> None:
        """A journal that extends another ``.npz`` than the one read.

        Older than the ``.npz`` (a fold cut short before it removed the journal): its
        digits are in the ``.npz`` already, and the next add starts a new journal. If
        some are not there (a deleted digit, or a ``.npz`` from elsewhere), the journal
        is set aside, kept and reported. Newer than the ``.npz`` (the file was deleted,
        or an older copy restored): its digits are in no ``.npz``, so they are added to
        what was read, folded into a new ``.npz`` and reported. If that cannot be
        written, nothing more is saved, so the journal is never overwritten.
        """
        images, labels = records[:, 2:].reshape(-1, 28, 28), records[:, 1]
        if generation < self._generation:
            stored = {
                (int(label), image.tobytes())
                for image, label in zip(self.images, self.labels, strict=True)
            }
            missing = sum(
                (int(label), image.tobytes()) not in stored
                for image, label in zip(images, labels, strict=True)
            )
            if missing:
                self._set_journal_aside(
                    "", f"it follows an older {self.path.name}, {missing} digit(s) not in it"
                )
            elif damaged:
                self._set_journal_aside("a damaged record")
            return
        aside = self._set_journal_aside("a damaged record") if damaged else ""
        if not len(labels):
            return  # nothing before the damage, or a header alone: nothing to add
        found = "not found" if self._npz_signature is None else "older than its journal"
        self.images = np.concatenate([self.images, images])
        self.labels = np.concatenate([self.labels, labels])
        self._generation = max(self._generation, generation)
        self._journal_offset = 0
        kept = f"{self.path}: {found}; the {len(labels)} digit(s) of its journal were kept"
        if aside:
            kept += f" (a damaged record after them; the journal {aside})"
        if not self._writable:
            self.warning = kept + ", in memory only: new digits are not saved"
            log.warning("%s", self.warning)
            return
        try:
            self._fold()  # the journal's digits are now in the .npz; the journal goes
        except UserDigitsError as exc:
            self._writable = False  # the next add would start the journal afresh
            self.warning = f"{kept}, in memory only: new digits are not saved ({exc})"
        else:
            self.warning = f"{kept} in a new {self.path.name}"
        log.warning("%s", self.warning)

    def _set_journal_aside(self, why: str, problem: str = "") -> str:
        """Rename the journal out of the way (never delete it); what happened, as a phrase.

        ``problem`` says what is wrong with it (by default: unreadable, ``why``)."""
        problem = problem or f"unreadable ({why})"
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = self.journal.with_name(f"my_digits.broken-{stamp}.journal")
        n = 1
        while aside.exists():  # two in one second: the first is not replaced
            aside = self.journal.with_name(f"my_digits.broken-{stamp}-{n}.journal")
            n += 1
        try:
            os.replace(self.journal, aside)
        except OSError as exc:
            log.warning("could not set %s aside: %s", self.journal, exc)
            self._writable = False
            done = "left as it is, new digits are not saved"
            self.warning = f"{self.journal}: {problem}; {done}"
            return done
        self.warning = f"{self.journal}: {problem}; kept as {aside.name}"
        log.warning("%s", self.warning)
        self._journal_offset = 0
        return f"kept as {aside.name}"

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
            self._writable = False
            return "left as it is (the folder is read-only); new digits are not saved"
        log.warning("unreadable %s renamed to %s", self.path, aside)
        with contextlib.suppress(OSError):  # its journal extends a file that is gone
            if self.journal.exists():
                os.replace(self.journal, aside.with_suffix(".journal"))
        return f"kept as {aside.name}, starting a new collection"

    def _catch_up(self) -> None:
        """Under the lock: take in what other windows or processes wrote since."""
        if _signature(self.path) != self._npz_signature:  # folded or deleted elsewhere
            self._reload()
        else:
            self._read_journal()

    def _refuse_if_read_only(self) -> None:
        if not self._writable:
            raise UserDigitsError(f"{self.path}: could not save (the file was left as it is)")

    def _fold(self) -> None:
        """Under the lock: write everything in memory as the next .npz, drop the journal."""
        try:
            with atomic_path(self.path) as temp:
                np.savez_compressed(
                    temp,
                    images=self.images,
                    labels=self.labels,
                    generation=np.int64(self._generation + 1),
                )
        except OSError as exc:
            raise UserDigitsError(f"{self.path}: could not save ({exc.strerror or exc})") from None
        self._generation += 1
        self._npz_signature = _signature(self.path)
        self._journal_offset = 0
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.journal)  # a crash before this leaves a journal of the old generation

    def save(self) -> None:
        """Fold the journal into the ``.npz`` (e.g. when the window closes)."""
        self._refuse_if_read_only()
        with self._locked(for_writing=True):
            self._catch_up()
            self._refuse_if_read_only()
            if self._journal_offset or _signature(self.path) is None:
                self._fold()

    # -- editing ------------------------------------------------------------------------
    def add(self, drawing: np.ndarray, label: int) -> int:
        """Add a 28x28 image or a raw canvas drawing; returns its index. Saved at once."""
        if not 0 <= int(label) < CLASSES:
            raise ValueError(f"label must be 0-9, got {label}")
        image = as_image28(drawing)
        if not image.any():
            raise ValueError("the drawing is empty")
        self._refuse_if_read_only()
        record = bytes([_RECORD_MARK, int(label)]) + image.tobytes()
        with self._locked(for_writing=True):
            self._catch_up()
            self._refuse_if_read_only()  # e.g. a journal it could neither fold nor set aside
            before = self._journal_offset
            try:
                fresh = before == 0  # none yet, or one a cut-short fold left
                with open(self.journal, "wb" if fresh else "r+b") as handle:
                    if fresh:
                        handle.write(_HEADER.pack(_MAGIC, self._generation))
                    else:  # after the last whole record (a torn one is cut off)
                        handle.seek(self._journal_offset)
                        handle.truncate()
                    handle.write(record)
                    handle.flush()
                    os.fsync(handle.fileno())
                    self._journal_offset = handle.tell()
            except OSError as exc:
                with contextlib.suppress(OSError):  # said "not saved": leave no record either
                    os.truncate(self.journal, before)
                self._journal_offset = before
                raise UserDigitsError(
                    f"{self.path}: could not save ({exc.strerror or exc})"
                ) from None
            self.images = np.concatenate([self.images, image[None]])
            self.labels = np.concatenate([self.labels, np.array([label], np.uint8)])
            if (self._journal_offset - _HEADER.size) // _RECORD >= COMPACT_EVERY:
                with contextlib.suppress(UserDigitsError):  # the digit is saved already
                    self._fold()
        return len(self.labels) - 1

    def delete(self, index: int) -> None:
        """Delete sample ``index`` as shown now (found again if others added since)."""
        if not 0 <= index < len(self):
            raise IndexError(f"no sample {index} (have {len(self)})")
        self._refuse_if_read_only()
        image, label = self.images[index].copy(), self.labels[index]
        with self._locked(for_writing=True):
            self._catch_up()
            self._refuse_if_read_only()
            same = np.flatnonzero((self.labels == label) & (self.images == image).all(axis=(1, 2)))
            if not len(same):
                return  # another window deleted it already
            at = index if index in same else int(same[0])
            self.images = np.delete(self.images, at, axis=0)
            self.labels = np.delete(self.labels, at)
            try:
                self._fold()
            except UserDigitsError:
                with contextlib.suppress(UserDigitsError):
                    self._reload()  # memory shows what the disk holds
                raise

    def counts(self) -> np.ndarray:
        return np.bincount(self.labels.astype(np.int64), minlength=CLASSES)

    def indices_of(self, label: int) -> np.ndarray:
        return np.flatnonzero(self.labels == label)

    def split(self, every: int = 4) -> tuple[np.ndarray, np.ndarray]:
        """(train, held-back) indices: every ``every``-th sample of each digit is held back.

        Deterministic, so "before" and "after" are measured on the same drawings.
        """
        return held_back_split(self.labels, every)


def held_back_split(labels: np.ndarray, every: int = 4) -> tuple[np.ndarray, np.ndarray]:
    """(train, held-back) indices of ``labels``: every ``every``-th of each digit held back."""
    labels = np.asarray(labels)
    held = []
    for digit in range(CLASSES):
        idx = np.flatnonzero(labels == digit)
        held.extend(idx[every - 1 :: every].tolist())
    held_arr = np.array(sorted(held), dtype=np.int64)
    train = np.setdiff1d(np.arange(len(labels)), held_arr)
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
