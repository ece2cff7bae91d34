"""What a unit has learnt: the test digits that excite it most. No Qt.

For every Conv2D layer and each of its feature maps, and for every hidden Dense layer
and each of its units, :func:`find_exemplars` runs a :class:`Predictor` over a set of
test digits and keeps the ``k`` digits whose output there is largest: for a map, each
digit's strongest point in it (its row and column, and so the input pixels it sees,
:func:`receptive_fields`); at most one point per digit, so the exemplars are ``k``
different digits. The digits go through in chunks and only a running top-``k`` is
kept (a few numbers per map), never every activation; between chunks the pass reports
its progress and stops when its ``cancel`` event is set.

:func:`exemplars_for` adds where the digits come from (the MNIST test set, or, when this
machine has no MNIST, the held-out pen writers drawn as the pad draws them) and a cache:
the same weights are searched once per process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from digitpad.ml.errors import DatasetError
from digitpad.ml.predictor import Predictor

log = logging.getLogger(__name__)

TOP_K = 8
CHUNK = 250  # digits per forward pass: ~75 MB at the robust CNN's widest, ~0.1 s a chunk
# How many MNIST test digits are searched: all of them. With BLAS on one thread (the
# background jobs' setting) on a busy 2-core machine: the tutorial network 1.0-1.6 s,
# the robust CNN 3.1-5.9 s (its convolutions are nearly all of it); the process peaked
# at ~215 MB with MNIST loaded. The Evaluate tab makes a pass over the same digits too;
# this one is made once per network, and only when a strip asks for it.
MNIST_DIGITS = 10_000
SIZE = 28
_IDENTITY = ("InputLayer", "Reshape", "Dropout")  # no change to where a pixel is


class ExemplarsCancelled(Exception):
    """Raised by :func:`find_exemplars` when its ``cancel`` event was set."""


@dataclass(frozen=True)
class FieldMap:
    """Where a spatial layer's positions look in the 28x28 input, per axis (rows,
    columns): position ``i`` sees input pixels ``start + i*jump`` to
    ``start + i*jump + size - 1`` (before clipping to the image; ``start`` is negative
    where 'same' padding reaches past the edge)."""

    jump: tuple[int, int]
    size: tuple[int, int]
    start: tuple[int, int]

    def field(self, row: int, column: int) -> tuple[int, int, int, int]:
        """(top, left, height, width) in input pixels of position (row, column),
        clipped to the image."""
        top = self.start[0] + row * self.jump[0]
        left = self.start[1] + column * self.jump[1]
        bottom = min(SIZE, top + self.size[0])
        right = min(SIZE, left + self.size[1])
        top, left = max(0, top), max(0, left)
        return top, left, bottom - top, right - left


def receptive_fields(predictor: Predictor) -> dict[int, FieldMap]:
    """For every Conv2D and MaxPooling2D layer (by its index in ``predictor.layers``):
    the input pixels each position of its output sees, from the kernel sizes, the
    'same' paddings and the poolings before it (stride-1 convolutions and
    non-overlapping poolings: the only kinds the predictor runs)."""
    jump, size, start = [1, 1], [1, 1], [0, 0]
    fields: dict[int, FieldMap] = {}
    for index, layer in enumerate(predictor.layers):
        kind = layer.kind
        if kind == "Conv2D":
            kernel = layer.weights[0].shape[:2]
            same = layer.config.get("padding", "valid") == "same"
            for axis in (0, 1):
                if same:
                    start[axis] -= (kernel[axis] - 1) // 2 * jump[axis]
                size[axis] += (kernel[axis] - 1) * jump[axis]
        elif kind == "MaxPooling2D":
            pool = tuple(layer.config.get("pool_size", (2, 2)))
            for axis in (0, 1):
                size[axis] += (pool[axis] - 1) * jump[axis]
                jump[axis] *= pool[axis]
        elif kind not in _IDENTITY:
            break  # Flatten, Dense: every unit after it sees the whole digit
        else:
            continue
        fields[index] = FieldMap(tuple(jump), tuple(size), tuple(start))
    return fields


def searched_layers(predictor: Predictor) -> list[int]:
    """The layers whose units get exemplars: every Conv2D, and every Dense but the
    output layer (indices into ``predictor.layers``)."""
    layers = predictor.layers
    dense = [i for i, layer in enumerate(layers) if layer.kind == "Dense"]
    hidden = set(dense[:-1])
    return [i for i, layer in enumerate(layers) if layer.kind == "Conv2D" or i in hidden]


@dataclass(frozen=True)
class Exemplar:
    image: int  # index into the searched digits
    value: float  # the unit's output for it (for a map: at its strongest point)
    row: int | None  # a map's point (None for a Dense unit)
    column: int | None


@dataclass(frozen=True)
class LayerExemplars:
    """One layer's top-k for each of its units (maps), best first: (units, k) arrays."""

    index: int  # in ``predictor.layers``
    kind: str  # "Conv2D" or "Dense"
    images: np.ndarray  # int64 indices into the searched digits
    values: np.ndarray  # float32
    rows: np.ndarray | None  # int64, a map's strongest point; None for Dense
    columns: np.ndarray | None

    @property
    def units(self) -> int:
        return self.images.shape[0]

    def top(self, unit: int) -> list[Exemplar]:
        rows, columns = self.rows, self.columns
        return [
            Exemplar(
                int(self.images[unit, j]),
                float(self.values[unit, j]),
                None if rows is None else int(rows[unit, j]),
                None if columns is None else int(columns[unit, j]),
            )
            for j in range(self.images.shape[1])
        ]


class _RunningTop:
    """The k largest values per unit seen so far, with their image (and point);
    ties go to the earlier image."""

    def __init__(self, units: int, k: int, spatial: bool) -> None:
        self.k = k
        self.values = np.zeros((units, 0), np.float32)
        self.images = np.zeros((units, 0), np.int64)
        self.points = np.zeros((units, 0), np.int64) if spatial else None

    def merge(self, values: np.ndarray, first: int, maps: np.ndarray | None = None) -> None:
        """``values`` (n, units) for images ``first`` .. ``first + n - 1``; for a
        Conv2D, ``maps`` (n, positions, units) they are the maxima of: the point of each
        digit that enters the top is looked up there (the first of equal maxima)."""
        n, units = values.shape
        kept = self.values.shape[1]
        images = np.broadcast_to(np.arange(first, first + n, dtype=np.int64)[None, :], (units, n))
        all_values = np.concatenate([self.values, values.T], axis=1)
        # Stable: the kept entries (earlier digits, already in order) stay ahead of an
        # equal new one, and the new ones come in digit order: ties go to the earlier.
        order = np.argsort(-all_values, axis=1, kind="stable")[:, : self.k]
        self.values = np.take_along_axis(all_values, order, axis=1)
        self.images = np.take_along_axis(np.concatenate([self.images, images], axis=1), order, 1)
        if self.points is not None:
            fresh = order >= kept
            points = (
                np.take_along_axis(self.points, np.minimum(order, kept - 1), 1)
                if kept
                else np.empty_like(order)
            )
            unit, _slot = np.nonzero(fresh)
            # Only the few digits that entered: their map's argmax (maps.argmax over
            # every digit and unit costs more than the whole merge).
            points[fresh] = np.argmax(maps[order[fresh] - kept, :, unit], axis=1)
            self.points = points


def find_exemplars(
    predictor: Predictor,
    images: np.ndarray,
    *,
    k: int = TOP_K,
    chunk: int = CHUNK,
    cancel: threading.Event | None = None,
    progress: Callable[[float], None] | None = None,
) -> dict[int, LayerExemplars]:
    """For each layer of :func:`searched_layers`, each unit's ``k`` most exciting digits
    among ``images`` ((n, 28, 28): float in [0, 1], or uint8 0-255), best first.

    Raises :class:`ExemplarsCancelled` at the next chunk once ``cancel`` is set;
    ``progress(fraction)`` after every chunk."""
    images = np.asarray(images)
    n = images.shape[0]
    searched = searched_layers(predictor)
    tops: dict[int, _RunningTop] = {}
    widths: dict[int, int] = {}
    for done in range(0, n, chunk):
        if cancel is not None and cancel.is_set():
            raise ExemplarsCancelled("stopped: another model came")
        batch = images[done : done + chunk]
        batch = batch / np.float32(255) if batch.dtype == np.uint8 else batch.astype(np.float32)
        outputs = predictor.forward(batch.reshape(-1, SIZE * SIZE))
        for index in searched:
            out = outputs[index]
            spatial = out.ndim == 4
            if index not in tops:
                tops[index] = _RunningTop(out.shape[-1], min(k, n), spatial)
            if spatial:
                m, h, w, maps = out.shape
                flat = out.reshape(m, h * w, maps)
                widths[index] = w
                tops[index].merge(np.max(flat, axis=1), done, flat)
            else:
                tops[index].merge(out, done)
        del outputs
        if progress is not None:
            progress(min(n, done + chunk) / n)
    if cancel is not None and cancel.is_set():
        raise ExemplarsCancelled("stopped: another model came")
    found = {}
    for index, top in tops.items():
        rows = columns = None
        if top.points is not None:
            rows, columns = np.divmod(top.points, widths[index])
        found[index] = LayerExemplars(
            index, predictor.layers[index].kind, top.images, top.values, rows, columns
        )
    return found


# -- the digits searched, and the cache ------------------------------------------------------


@dataclass(frozen=True)
class Digits:
    """The digits searched: uint8 (n, 28, 28) images, their labels, and where from."""

    images: np.ndarray
    labels: np.ndarray
    source: str  # "mnist" or "pen"
    origin: str  # the file (MNIST) or the pen data's source, for the cache key

    def __len__(self) -> int:
        return len(self.labels)


def exemplar_digits(
    data_path: str | os.PathLike | None = None, limit: int = MNIST_DIGITS
) -> Digits:
    """The first ``limit`` MNIST test digits (``data_path``, ``$DIGITPAD_MNIST`` or Keras'
    cache, never a download); without MNIST, the held-out pen writers' digits drawn as
    the pad draws them (the training pipeline's own rendering). :class:`DatasetError`
    when neither is here."""
    from digitpad.ml.data import load_mnist_cached

    try:
        mnist = load_mnist_cached(data_path, download=False)
    except DatasetError as exc:
        log.info("exemplars from the held-out pen writers: %s", exc)
    else:
        return Digits(mnist.x_test[:limit], mnist.y_test[:limit], "mnist", mnist.source)
    from digitpad.ml.pendigits import load_pendigits
    from digitpad.ml.pipeline import pen_images

    held_out = load_pendigits().split()[1]  # DatasetError if unreadable: said as it is
    if not len(held_out):
        raise DatasetError("neither MNIST nor the held-out pen writers' digits are here")
    return Digits(pen_images(held_out)[:limit], held_out.labels[:limit], "pen", held_out.source)


def model_key(predictor: Predictor) -> str:
    """A digest of the layers and their weights: equal for the same network."""
    digest = hashlib.blake2b(digest_size=16)
    for layer in predictor.layers:
        digest.update(layer.kind.encode())
        config = {key: value for key, value in layer.config.items() if key != "name"}
        digest.update(json.dumps(config, sort_keys=True, default=str).encode())
        for weights in layer.weights:
            digest.update(str(weights.shape).encode())
            digest.update(np.ascontiguousarray(weights, np.float32).tobytes())
    return digest.hexdigest()


@dataclass(frozen=True)
class Exemplars:
    """A network's exemplars over a set of digits, with what is needed to show them."""

    layers: dict[int, LayerExemplars]
    fields: dict[int, FieldMap]
    digits: Digits
    key: str  # model_key of the network

    def for_unit(self, layer_index: int, unit: int) -> list[Exemplar] | None:
        """The exemplars of ``unit`` (a map of a Conv2D, a unit of a Dense), best first;
        ``None`` for a layer without them or a unit it does not have."""
        found = self.layers.get(layer_index)
        if found is None or not 0 <= unit < found.units:
            return None
        return found.top(unit)

    def field(self, layer_index: int, row: int | None, column: int | None):
        """(top, left, height, width) of what a map's point sees; ``None`` for a Dense
        unit (it sees the whole digit)."""
        fields = self.fields.get(layer_index)
        if fields is None or row is None or column is None:
            return None
        return fields.field(row, column)

    def field_size(self, layer_index: int) -> tuple[int, int] | None:
        """(height, width) in input pixels of what one point of a map sees (less at the
        image's edges); ``None`` for a Dense layer."""
        fields = self.fields.get(layer_index)
        if fields is None:
            return None
        return min(SIZE, fields.size[0]), min(SIZE, fields.size[1])


_CACHE_SIZE = 8  # networks kept: a training run makes a new one per epoch
_cache: OrderedDict[tuple, Exemplars] = OrderedDict()
_cache_lock = threading.Lock()


def exemplars_for(
    predictor: Predictor,
    data_path: str | os.PathLike | None = None,
    *,
    cancel: threading.Event | None = None,
    progress: Callable[[float], None] | None = None,
    limit: int = MNIST_DIGITS,
) -> Exemplars:
    """:func:`find_exemplars` over :func:`exemplar_digits`, once per network (weights)
    and digits in this process; a cancelled search keeps nothing."""
    digits = exemplar_digits(data_path, limit)
    key = model_key(predictor)
    cache_key = (key, digits.source, digits.origin, len(digits))
    with _cache_lock:
        if cache_key in _cache:
            _cache.move_to_end(cache_key)
            return _cache[cache_key]
    layers = find_exemplars(predictor, digits.images, cancel=cancel, progress=progress)
    found = Exemplars(layers, receptive_fields(predictor), digits, key)
    with _cache_lock:
        _cache[cache_key] = found
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return found
