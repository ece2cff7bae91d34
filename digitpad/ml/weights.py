"""Read a Keras ``.keras`` file's layers and weights with numpy and h5py alone.

The live canvas must predict before TensorFlow has even been imported; a ``.keras``
file is a zip of ``config.json`` and ``model.weights.h5``, which is all we need.

Nothing is unpacked before it is sized up: the config (small) is read first, the
parameters its layers declare bound how large the weights may be, and every weight
array's shape is checked against its layer's config before it is read.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.ml import archive as A
from digitpad.ml import errors as E
from digitpad.ml.errors import ModelError
from digitpad.ml.resources import resource_path

# Keras names each layer's weight group after its class in snake_case, numbered in order
# (dense, dense_1, ...), independent of the layer's own name.
_GROUP_PREFIX = {"Dense": "dense", "Conv2D": "conv2d"}
SUPPORTED = {"Dense", "Conv2D", "MaxPooling2D", "Flatten", "Reshape", "Dropout", "InputLayer"}
SUPPORTED |= {"RandomRotation", "RandomTranslation", "RandomZoom"}  # identity at inference

# -- limits (see RELIABILITY.md, "Round two additions") ------------------------------
MAX_CONFIG_BYTES = 4 * A.MB  # a model's description: a few KB, even for big networks
MAX_OTHER_BYTES = 16 * A.MB  # metadata.json and any assets beside the model
MAX_WEIGHTS_BYTES = 512 * A.MB  # when the layers cannot be sized from the config
# 2**26 parameters (256 MB as float32): the largest `digitpad train --hidden-units`
# (65,536 units, 52 M parameters) fits; a digit model needs well under 2 M.
MAX_PARAMETERS = 1 << 26
# Per declared parameter the weights file may hold: a float64 value and up to three
# optimizer slots (Adam keeps two, RMSprop one), plus 1 MB for HDF5's own structure.
BYTES_PER_PARAMETER = 8 * 4
WEIGHTS_SLACK = 1 * A.MB

# Layers that change no shape and hold no weights.
_IDENTITY = {
    "Dropout",
    "SpatialDropout2D",
    "GaussianNoise",
    "GaussianDropout",
    "Activation",
    "ReLU",
    "LeakyReLU",
    "Softmax",
    "Rescaling",
    "ActivityRegularization",
    "RandomRotation",
    "RandomTranslation",
    "RandomZoom",
    "RandomFlip",
    "RandomContrast",
}


@dataclass(frozen=True)
class LayerSpec:
    kind: str
    config: dict
    weights: tuple[np.ndarray, ...] = ()


# -- activations -----------------------------------------------------------------------
def activation_name(value) -> str | None:
    """The activation a layer config names: a string, ``None`` (linear) or Keras'
    serialized forms. Anything else (``42``, a list, ``{"weird": 1}``) raises
    :class:`ModelError` with code ``damaged``; the caller adds the file name."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict) and isinstance(value.get("class_name"), str):
        inner = value.get("config")
        if value["class_name"] == "function" and isinstance(inner, str):
            return inner  # a plain function: {"class_name": "function", "config": "relu"}
        if isinstance(inner, dict):  # a layer used as the activation, e.g. ReLU()
            name = inner.get("name")
            return name if isinstance(name, str) else value["class_name"]
    shown = repr(value)
    shown = shown if len(shown) <= 40 else shown[:37] + "..."
    raise ModelError(
        f"damaged activation entry {shown}", code=E.DAMAGED, detail=f"activation {shown}"
    )


# -- sizing a Sequential config -----------------------------------------------------------
class _Unsized(Exception):
    """This layer's weights or output cannot be worked out from its config."""


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise _Unsized(f"not a positive whole number: {value!r}")
    return value


def _pair(value) -> tuple[int, int]:
    if isinstance(value, list | tuple) and len(value) == 2:
        return _count(value[0]), _count(value[1])
    return _count(value), _count(value)


def _shape(value) -> tuple[int | None, ...]:
    """A shape from a config (``[null, 784]`` without its batch axis)."""
    if not isinstance(value, list | tuple) or not value:
        raise _Unsized(f"not a shape: {value!r}")
    return tuple(None if d is None else _count(d) for d in value[1:])


def _spatial(size, kernel, stride, dilation, padding) -> int | None:
    if size is None:
        return None
    if padding == "same":
        return -(-size // stride)
    span = dilation * (kernel - 1) + 1
    if size < span:
        raise _Unsized("the window is larger than its input")
    return (size - span) // stride + 1


def layer_shapes(kind: str, config: dict, in_shape):
    """(weight shapes, output shape) of one layer fed ``in_shape`` (no batch axis).

    Dimensions that cannot be known are ``None``; raises :class:`_Unsized` for a layer
    whose size cannot be bounded at all (an unknown kind, a malformed entry).
    """
    if not isinstance(config, dict):
        raise _Unsized("layer config is not a mapping")
    if kind == "InputLayer":
        shape = config.get("batch_shape") or config.get("batch_input_shape")
        return [], _shape(shape)
    if in_shape is None:
        raise _Unsized("input shape unknown")
    last = in_shape[-1] if in_shape else None
    bias = config.get("use_bias", True) is not False
    if kind == "Dense":
        units = _count(config.get("units"))
        weights = [(last, units)] + ([(units,)] if bias else [])
        return weights, (*in_shape[:-1], units)
    if kind == "Conv2D":
        if config.get("data_format", "channels_last") != "channels_last" or len(in_shape) != 3:
            raise _Unsized("Conv2D other than channels_last on (h, w, c)")
        filters, groups = _count(config.get("filters")), _count(config.get("groups", 1))
        kh, kw = _pair(config.get("kernel_size"))
        sh, sw = _pair(config.get("strides", 1))
        dh, dw = _pair(config.get("dilation_rate", 1))
        padding = config.get("padding", "valid")
        channels = None if last is None else last // groups
        weights = [(kh, kw, channels, filters)] + ([(filters,)] if bias else [])
        h = _spatial(in_shape[0], kh, sh, dh, padding)
        w = _spatial(in_shape[1], kw, sw, dw, padding)
        return weights, (h, w, filters)
    if kind in ("MaxPooling2D", "AveragePooling2D"):
        if len(in_shape) != 3:
            raise _Unsized("pooling needs (h, w, c)")
        ph, pw = _pair(config.get("pool_size", 2))
        sh, sw = _pair(config.get("strides") or (ph, pw))
        padding = config.get("padding", "valid")
        h = _spatial(in_shape[0], ph, sh, 1, padding)
        w = _spatial(in_shape[1], pw, sw, 1, padding)
        return [], (h, w, last)
    if kind == "Flatten":
        known = None not in in_shape
        return [], (math.prod(in_shape) if known else None,)
    if kind == "Reshape":
        target = config.get("target_shape")
        if not isinstance(target, list | tuple) or not target:
            raise _Unsized("Reshape without a target shape")
        dims = [d for d in target if d != -1]
        out = tuple(_count(d) for d in dims)
        if -1 in target:
            total = math.prod(in_shape) if None not in in_shape else None
            fill = None if total is None else total // max(math.prod(out), 1)
            out = tuple(fill if d == -1 else d for d in target)
        return [], out
    if kind in ("BatchNormalization", "LayerNormalization"):
        count = 4 if kind == "BatchNormalization" else 2
        return [(last,)] * count, in_shape
    if kind in _IDENTITY:
        return [], in_shape
    raise _Unsized(f"layer {kind} is not sized here")


def next_shape(kind: str, config: dict, in_shape):
    """The output shape of one layer fed ``in_shape``, or ``None`` when unknown."""
    try:
        return layer_shapes(kind, config, in_shape)[1]
    except (_Unsized, TypeError, ValueError):
        return None


def _size(shapes) -> int:
    if any(d is None for shape in shapes for d in shape):
        raise _Unsized("a weight dimension is unknown")
    return sum(math.prod(shape) for shape in shapes)


def declared_parameters(config) -> int | None:
    """How many weights a Sequential config's layers hold, or ``None`` when unknown.

    Keras builds each layer from its own ``build_config`` as well as from the layer
    before it; the larger of the two counts, so a config cannot hide a giant layer.
    """
    try:
        if not isinstance(config, dict) or config.get("class_name") != "Sequential":
            return None
        inner = config["config"]
        layers = inner["layers"]
        if not isinstance(layers, list):
            return None
        shape = None
        if inner.get("build_input_shape"):
            shape = _shape(inner["build_input_shape"])
        total = 0
        for layer in layers:
            kind, layer_config = layer["class_name"], layer.get("config", {})
            candidates = [shape]
            build = layer.get("build_config")
            if isinstance(build, dict) and build.get("input_shape"):
                candidates.append(_shape(build["input_shape"]))
            best, out_shape = None, None
            for candidate in candidates:
                if candidate is None and kind != "InputLayer":
                    continue
                weights, out = layer_shapes(kind, layer_config, candidate)
                size = _size(weights)
                if best is None or size > best:
                    best = size
                if out_shape is None or candidate is shape:
                    out_shape = out
            if best is None:
                return None
            total += best
            shape = out_shape
        return total
    except (_Unsized, KeyError, TypeError, AttributeError, ValueError):
        return None


def weights_limit(config, path) -> tuple[int, str]:
    """(bytes, why) the weights member may unpack to, from the layers ``config`` declares.

    Raises :class:`ModelError` (``too_large``) for layers too large to hold at all.
    """
    params = declared_parameters(config)
    if params is None:
        return MAX_WEIGHTS_BYTES, f"digitpad opens ({A.human(MAX_WEIGHTS_BYTES)})"
    if params > MAX_PARAMETERS:
        detail = (
            f"its layers declare {params:,} weights ({A.human(params * 4)}), more than "
            f"digitpad opens ({MAX_PARAMETERS:,})"
        )
        raise ModelError(
            f"{path}: {detail}; not loaded", code=E.TOO_LARGE, path=path, detail=detail
        )
    limit = min(params * BYTES_PER_PARAMETER + WEIGHTS_SLACK, MAX_WEIGHTS_BYTES)
    return limit, f"its layers need ({A.human(limit)})"


def check_activations(config, path) -> None:
    """Every layer's ``activation`` entry must be one Keras could have written."""
    try:
        layers = config["config"]["layers"]
        entries = [(layer["config"], layer["class_name"]) for layer in layers]
    except (KeyError, TypeError, IndexError):
        return  # the config's own shape is judged where it is used
    for layer_config, kind in entries:
        if isinstance(layer_config, dict) and "activation" in layer_config:
            try:
                activation_name(layer_config["activation"])
            except ModelError as exc:
                name = layer_config.get("name", kind)
                raise ModelError(
                    f"{path}: layer {name!r} has a {exc}; not loaded",
                    code=E.DAMAGED,
                    path=path,
                    detail=f"{name}: {exc}",
                ) from None


def check_archive(archive: zipfile.ZipFile, path) -> dict | None:
    """Size up a ``.keras`` zip from its directory before unpacking anything large.

    Returns the parsed config (``None`` if it does not parse: Keras and the reader say
    why later). Raises :class:`ModelError` (``too_large`` or ``damaged``).
    """
    infos = {info.filename: info for info in archive.infolist()}
    config_info = infos.get("config.json")
    for name, info in infos.items():
        if name not in ("config.json", "model.weights.h5"):
            A.check_member(
                path,
                info,
                limit=MAX_OTHER_BYTES,
                need=f"digitpad reads beside a model ({A.human(MAX_OTHER_BYTES)})",
                error=ModelError,
                code=E.TOO_LARGE,
            )
    config = None
    if config_info is not None:
        A.check_member(
            path,
            config_info,
            limit=MAX_CONFIG_BYTES,
            need=f"a model's description needs ({A.human(MAX_CONFIG_BYTES)})",
            error=ModelError,
            code=E.TOO_LARGE,
            what="its config.json",
        )
        try:
            config = json.loads(archive.read(config_info))
        except (ValueError, zipfile.BadZipFile, OSError, EOFError, RecursionError):
            config = None
    if isinstance(config, dict):
        check_activations(config, path)
    weights_info = infos.get("model.weights.h5")
    if weights_info is not None:
        limit, need = weights_limit(config, path)
        A.check_member(
            path,
            weights_info,
            limit=limit,
            need=need,
            error=ModelError,
            code=E.TOO_LARGE,
            what="its weights",
        )
    return config if isinstance(config, dict) else None


# -- weights against their layers -------------------------------------------------------
def weight_mismatch(kind: str, config: dict, shapes, in_shape=None) -> str | None:
    """Why ``shapes`` contradict the layer's own config (``None`` when they agree).

    Only what the config states is checked: a spec built by hand may omit ``units``.
    ``in_shape`` (without the batch axis) checks the kernel's input side too.
    """
    if kind not in ("Dense", "Conv2D"):
        return None
    shapes = [tuple(int(d) for d in s) for s in shapes]
    name = config.get("name", kind) if isinstance(config, dict) else kind
    if not shapes:
        return f"{name} has no weights"
    kernel = shapes[0]
    use_bias = config.get("use_bias")
    expected_count = (2 if use_bias else 1) if isinstance(use_bias, bool) else None
    if len(shapes) > 2 or (expected_count is not None and len(shapes) != expected_count):
        return f"{name} has {len(shapes)} weight arrays, its config says use_bias={use_bias}"
    try:
        probe = dict(config)
        if kind == "Dense" and "units" not in probe:
            probe["units"] = kernel[-1] if kernel else 1
        if kind == "Conv2D":
            probe.setdefault("filters", kernel[-1] if kernel else 1)
            probe.setdefault("kernel_size", list(kernel[:2]) if len(kernel) == 4 else 1)
            probe.setdefault("data_format", "channels_last")
        probe["use_bias"] = len(shapes) == 2
        if kind == "Conv2D":  # only the channels matter to the kernel, not the image size
            channels = in_shape[-1] if in_shape and len(in_shape) == 3 else None
            fake_in = (None, None, channels)
        else:
            fake_in = tuple(in_shape) if in_shape else (None,)
        expected, _ = layer_shapes(kind, probe, fake_in)
    except _Unsized as exc:
        return f"{name} has a damaged config ({exc})"
    for what, got, want in zip(("kernel", "bias"), shapes, expected, strict=False):
        if len(got) != len(want) or any(
            w is not None and g != w for g, w in zip(got, want, strict=True)
        ):
            said = ", ".join(
                f"{key}={config[key]}"
                for key in ("units", "filters", "kernel_size")
                if key in config
            )
            fed = f" fed {tuple(in_shape)}" if in_shape and None not in in_shape else ""
            return f"{name}: {what} {got}, but its config{fed} needs {_shown(want)}" + (
                f" ({said})" if said else ""
            )
    return None


def _shown(shape) -> str:
    return (
        "("
        + ", ".join("?" if d is None else str(d) for d in shape)
        + (",)" if len(shape) == 1 else ")")
    )


def read_layers(
    path: str | os.PathLike, *, sidecar: bool = True, stored: dict | None = None
) -> list[LayerSpec]:
    """Layer kinds, configs and float32 weights, in order. Raises :class:`ModelError`.

    A bundled model's weights come from its ``.weights.npz`` beside it when that was
    made from this very weights file (see :func:`write_weights_sidecar`): reading them
    with h5py costs the window's start 40-100 ms, most of it importing h5py. ``stored``:
    that sidecar's arrays, if the caller has read them already (:func:`sidecar_arrays`).
    """
    if stored is None and sidecar:
        stored = sidecar_arrays(path)
    if stored is not None:
        layer_configs, _blob = _read_archive(path, weights=False)
        try:
            return _layers_from_arrays(path, layer_configs, stored)
        except (ModelError, ValueError, KeyError, TypeError):
            pass  # arrays that do not fit the layers: the model file says what it holds
    layer_configs, weights_blob = _read_archive(path)
    import h5py

    layers: list[LayerSpec] = []
    counters: dict[str, int] = {}
    in_shape = None
    budget = [MAX_PARAMETERS]  # values read in all, whatever the config could not say
    try:
        with h5py.File(io.BytesIO(weights_blob), "r") as h5:
            for layer in layer_configs:
                kind, layer_config = layer["class_name"], layer.get("config", {})
                if kind not in SUPPORTED:
                    _unsupported(path, kind)
                arrays: tuple[np.ndarray, ...] = ()
                prefix = _GROUP_PREFIX.get(kind)
                if prefix:
                    index = counters.get(prefix, 0)
                    counters[prefix] = index + 1
                    group = prefix if index == 0 else f"{prefix}_{index}"
                    datasets = _datasets(h5, group)
                    _check_datasets(
                        path, kind, layer_config, datasets, in_shape=in_shape, budget=budget
                    )
                    arrays = tuple(np.asarray(d, dtype=np.float32) for d in datasets)
                in_shape = next_shape(kind, layer_config, in_shape)
                layers.append(LayerSpec(kind, layer_config, arrays))
    except ModelError:
        raise
    except (KeyError, OSError, ValueError, TypeError, AttributeError) as exc:
        raise ModelError(
            f"{path}: weights do not match the model's layers ({exc})",
            code=E.DAMAGED,
            path=path,
            detail=str(exc),
        ) from None
    return layers


SIDECAR_SUFFIX = ".weights.npz"
SIDECAR_FORMAT = 2
_MANIFEST = "manifest.npy"
_MAX_MANIFEST_BYTES = 64 * A.KB
_MAX_NPY_HEADER = 64 * A.KB


def sidecar_path(path: str | os.PathLike) -> Path:
    """Where a model's weights sidecar goes: ``x.keras`` -> ``x.weights.npz``."""
    path = Path(path)
    return path.with_name(path.stem + SIDECAR_SUFFIX)


def write_weights_sidecar(path: str | os.PathLike) -> Path:
    """Save ``path``'s weights, as read from its HDF5 file, in a numpy archive beside it.

    Besides the arrays (``l{layer}_{index}.npy``, float32) it holds ``manifest.npy``: the
    size and CRC-32 of the weights file they came from, and the size and CRC-32 of every
    other member of the archive as written here. :func:`sidecar_arrays` uses the sidecar
    only while all of these hold. For the bundled models: ``scripts/bundled_weights.py``.
    """
    from digitpad.ml.atomic import atomic_path

    layers = read_layers(path, sidecar=False)
    _configs, blob = _read_archive(path)
    arrays = {
        f"l{i}_{j}": np.ascontiguousarray(weights, np.float32)
        for i, layer in enumerate(layers)
        for j, weights in enumerate(layer.weights)
    }
    arrays["source_size"] = np.array(len(blob), np.int64)
    arrays["source_crc32"] = np.array(zlib.crc32(blob), np.int64)
    members = {}
    for key, array in arrays.items():
        buffer = io.BytesIO()
        np.lib.format.write_array(buffer, array, allow_pickle=False)
        members[f"{key}.npy"] = buffer.getvalue()
    manifest = {
        "format": SIDECAR_FORMAT,
        "source_size": len(blob),
        "source_crc32": zlib.crc32(blob),
        "members": {name: [len(data), zlib.crc32(data)] for name, data in sorted(members.items())},
    }
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, np.array(json.dumps(manifest)), allow_pickle=False)
    members[_MANIFEST] = buffer.getvalue()
    target = sidecar_path(path)
    with atomic_path(target) as temp, zipfile.ZipFile(temp, "w", zipfile.ZIP_STORED) as out:
        for name, data in members.items():
            out.writestr(name, data)
    return target


def sidecar_is_fresh(path: str | os.PathLike) -> bool:
    """Whether ``read_layers`` reads this (bundled) model's weights from its sidecar:
    every check :func:`sidecar_arrays` makes, every array read."""
    return sidecar_arrays(path) is not None


def sidecar_arrays(path, *, arrays: bool = True) -> dict[str, np.ndarray] | None:
    """The sidecar's weight arrays when it provably holds this bundled model's weights;
    ``None`` otherwise, and then the model file is read (h5py). Only the package's own
    resources folder is trusted this way: a user's model is always read from its file.

    "Provably", without reading the model's 3 MB weights file at start-up:

    - the model's weights file is the one the sidecar was made from: its size and
      CRC-32 as the model's zip directory records them (what zipfile checks against the
      bytes whenever that file is read) equal those in the sidecar's manifest;
    - the sidecar holds exactly what was written from it: every member the manifest
      lists, nothing else, each of the recorded size and CRC-32 (zipfile checks each
      member's bytes against its CRC as it reads it to the end, which happens here);
    - each array is float32, C-ordered, and its header's shape accounts for its bytes,
      all checked before anything is allocated; the arrays are finite.

    A sidecar whose numbers were edited (even with the other fields kept), that lacks an
    array, has one reshaped, holds NaN, is truncated, not a zip or claims terabytes is
    passed over: never an error, never a refused model. (A checksum catches damage and
    edits; whoever can rewrite the package's files can rewrite its code as well.)
    ``arrays=False``: the same checks, ``{}`` instead of the arrays.
    """
    path = Path(path)
    sidecar = sidecar_path(path)
    try:
        if resource_path(path.name).resolve() != path.resolve() or not sidecar.is_file():
            return None  # not one of the package's own files
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("model.weights.h5")
        found = _verified_sidecar(sidecar, info.file_size, info.CRC)
    except Exception:  # noqa: BLE001 - whatever is wrong with a sidecar, the model file is read
        return None
    if found is None:
        return None
    return found if arrays else {}


def _verified_sidecar(sidecar: Path, source_size: int, source_crc32: int):
    A.check_directory(sidecar, ModelError, E.DAMAGED)
    with zipfile.ZipFile(sidecar) as archive:
        infos = {info.filename: info for info in archive.infolist()}
        manifest_info = infos.get(_MANIFEST)
        if manifest_info is None or manifest_info.file_size > _MAX_MANIFEST_BYTES:
            return None  # an older sidecar, or not one at all
        manifest = json.loads(str(_read_npy(archive, manifest_info, kind="U").item()))
        if (
            not isinstance(manifest, dict)
            or manifest.get("format") != SIDECAR_FORMAT
            or manifest.get("source_size") != source_size
            or manifest.get("source_crc32") != source_crc32
        ):
            return None  # made from other weights: a retrained model, say
        listed = manifest.get("members")
        if not isinstance(listed, dict) or set(listed) != set(infos) - {_MANIFEST}:
            return None  # a member missing, or one the writer never wrote
        for name, info in infos.items():
            if name != _MANIFEST and listed[name] != [info.file_size, info.CRC]:
                return None  # edited or replaced since it was written
        if sum(info.file_size for info in infos.values()) > 4 * MAX_PARAMETERS + A.MB:
            return None
        stored = {}
        for name, info in infos.items():
            if name.startswith("l") and name.endswith(".npy"):
                array = _read_npy(archive, info, kind="f")
                if not np.isfinite(array).all():
                    return None
                stored[name[: -len(".npy")]] = array
        return stored  # (source_size and source_crc32: for people, checked by their CRC)


def _read_npy(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, kind: str) -> np.ndarray:
    """One ``.npy`` member, its header checked against the member's size before the
    array is allocated (a header may claim any shape), read to its end so that zipfile
    checks its CRC-32. ``kind``: "f" float32, "U" a string."""
    with archive.open(info) as member:
        version = np.lib.format.read_magic(member)
        if version == (1, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_1_0(
                member, max_header_size=_MAX_NPY_HEADER
            )
        elif version == (2, 0):
            shape, fortran, dtype = np.lib.format.read_array_header_2_0(
                member, max_header_size=_MAX_NPY_HEADER
            )
        else:
            raise ValueError(f"npy format {version}")
        header = member.tell()
        if fortran or dtype.hasobject:
            raise ValueError("not a plain C-ordered array")
        if kind == "f" and dtype != np.dtype("<f4"):
            raise ValueError(f"{dtype} weights")
        if kind == "U" and (dtype.kind != "U" or shape != ()):
            raise ValueError(f"{dtype}{shape}, expected a string")
        count = math.prod(shape)
        if count > MAX_PARAMETERS:
            raise ValueError(f"{count} values claimed")
        nbytes = count * dtype.itemsize
        if header + nbytes != info.file_size:
            raise ValueError("the header's shape does not account for the member's size")
        data = bytearray(nbytes)  # bounded now: by the member's size, hence the budget
        if member.readinto(data) != nbytes or member.read(1):
            raise ValueError("the array's bytes are cut short or run on")
    return np.frombuffer(data, dtype).reshape(shape)


def _layers_from_arrays(path, layer_configs, stored: dict[str, np.ndarray]) -> list[LayerSpec]:
    """What the HDF5 loop of :func:`read_layers` builds, from the sidecar's arrays (with
    the same checks against each layer's config)."""
    layers: list[LayerSpec] = []
    in_shape = None
    budget = [MAX_PARAMETERS]
    for i, layer in enumerate(layer_configs):
        kind, layer_config = layer["class_name"], layer.get("config", {})
        if kind not in SUPPORTED:
            return _unsupported(path, kind)
        count = sum(1 for key in stored if key.startswith(f"l{i}_"))
        arrays = tuple(np.asarray(stored[f"l{i}_{j}"], np.float32) for j in range(count))
        if arrays or _GROUP_PREFIX.get(kind):
            _check_datasets(path, kind, layer_config, arrays, in_shape=in_shape, budget=budget)
        in_shape = next_shape(kind, layer_config, in_shape)
        layers.append(LayerSpec(kind, layer_config, arrays))
    return layers


def _read_archive(path, *, weights: bool = True) -> tuple[list[dict], bytes | None]:
    """The config's layer list and the weights file's bytes (``None`` without
    ``weights``), each sized up first."""
    try:
        A.check_directory(path, ModelError, E.TOO_LARGE)
        with zipfile.ZipFile(path) as archive:
            if "config.json" not in archive.namelist():
                raise KeyError("config.json")
            config = check_archive(archive, path)
            if config is None:
                raise ValueError("config.json is not a JSON object")
            if "model.weights.h5" not in archive.namelist():
                raise KeyError("model.weights.h5")
            weights_blob = archive.read("model.weights.h5") if weights else None
    except KeyError:
        raise ModelError(
            f"{path}: not a Keras model (config.json or weights missing)",
            code=E.NOT_KERAS_MODEL,
            path=path,
        ) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise ModelError(
            f"{path}: damaged or not a Keras model ({exc})",
            code=E.DAMAGED,
            path=path,
            detail=str(exc),
        ) from None
    if config.get("class_name") != "Sequential":
        raise ModelError(
            f"{path}: only Sequential models can be read without TensorFlow",
            code=E.UNSUPPORTED_LAYER,
            path=path,
            detail=str(config.get("class_name")),
        )
    inner = config.get("config")
    layer_configs = inner.get("layers") if isinstance(inner, dict) else None
    if not isinstance(layer_configs, list) or not all(
        isinstance(layer, dict)
        and isinstance(layer.get("class_name"), str)
        and isinstance(layer.get("config", {}), dict)
        for layer in layer_configs
    ):
        raise ModelError(
            f"{path}: damaged (its config.json does not list layers)",
            code=E.DAMAGED,
            path=path,
            detail="config.json does not list layers",
        )
    return layer_configs, weights_blob


def _unsupported(path, kind: str):
    raise ModelError(
        f"{path}: layer {kind} is not supported by the fast predictor",
        code=E.UNSAFE_CODE if kind == "Lambda" else E.UNSUPPORTED_LAYER,
        path=path,
        detail=kind,
    )


def _datasets(h5, group: str) -> list:
    import h5py

    vars_group = h5["layers"][group]["vars"]
    if not isinstance(vars_group, h5py.Group):
        raise ValueError(f"{group} has no weight arrays")
    datasets = [vars_group[str(i)] for i in range(len(vars_group))]
    if not all(isinstance(d, h5py.Dataset) for d in datasets):
        raise ValueError(f"{group} holds something other than arrays")
    return datasets


def _check_datasets(path, kind, layer_config, datasets, *, in_shape, budget: list[int]) -> None:
    """Shapes against the layer's config, and sizes against the budget, before reading:
    HDF5 compresses too, so a small file can declare an enormous array."""
    problem = weight_mismatch(kind, layer_config, [d.shape for d in datasets], in_shape)
    if problem:
        raise ModelError(
            f"{path}: weights do not match the model's layers ({problem})",
            code=E.DAMAGED,
            path=path,
            detail=problem,
        )
    for dataset in datasets:
        if dataset.dtype.kind not in "fiu":
            raise ValueError(f"a weight array holds {dataset.dtype} values")
        budget[0] -= math.prod(dataset.shape)
    if budget[0] < 0:
        detail = f"its weights hold more than {MAX_PARAMETERS:,} values, more than digitpad opens"
        raise ModelError(
            f"{path}: {detail}; not loaded", code=E.TOO_LARGE, path=path, detail=detail
        )
