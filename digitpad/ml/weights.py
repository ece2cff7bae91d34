"""Read a Keras ``.keras`` file's layers and weights with numpy and h5py alone.

The live canvas must predict before TensorFlow has even been imported; a ``.keras``
file is a zip of ``config.json`` and ``model.weights.h5``, which is all we need.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from dataclasses import dataclass

import numpy as np

from digitpad.ml import errors as E
from digitpad.ml.errors import ModelError

# Keras names each layer's weight group after its class in snake_case, numbered in order
# (dense, dense_1, ...), independent of the layer's own name.
_GROUP_PREFIX = {"Dense": "dense", "Conv2D": "conv2d"}
SUPPORTED = {"Dense", "Conv2D", "MaxPooling2D", "Flatten", "Reshape", "Dropout", "InputLayer"}
SUPPORTED |= {"RandomRotation", "RandomTranslation", "RandomZoom"}  # identity at inference


@dataclass(frozen=True)
class LayerSpec:
    kind: str
    config: dict
    weights: tuple[np.ndarray, ...] = ()


def read_layers(path: str | os.PathLike) -> list[LayerSpec]:
    """Layer kinds, configs and float32 weights, in order. Raises :class:`ModelError`."""
    try:
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
            weights_blob = archive.read("model.weights.h5")
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
    import h5py

    layers: list[LayerSpec] = []
    counters: dict[str, int] = {}
    try:
        with h5py.File(io.BytesIO(weights_blob), "r") as h5:
            for layer in config["config"]["layers"]:
                kind = layer["class_name"]
                if kind not in SUPPORTED:
                    raise ModelError(
                        f"{path}: layer {kind} is not supported by the fast predictor",
                        code=E.UNSAFE_CODE if kind == "Lambda" else E.UNSUPPORTED_LAYER,
                        path=path,
                        detail=kind,
                    )
                arrays: tuple[np.ndarray, ...] = ()
                prefix = _GROUP_PREFIX.get(kind)
                if prefix:
                    index = counters.get(prefix, 0)
                    counters[prefix] = index + 1
                    group = prefix if index == 0 else f"{prefix}_{index}"
                    vars_group = h5["layers"][group]["vars"]
                    arrays = tuple(
                        np.asarray(vars_group[str(i)], dtype=np.float32)
                        for i in range(len(vars_group))
                    )
                layers.append(LayerSpec(kind, layer.get("config", {}), arrays))
    except ModelError:
        raise
    except (KeyError, OSError, ValueError, TypeError) as exc:
        raise ModelError(
            f"{path}: weights do not match the model's layers ({exc})",
            code=E.DAMAGED,
            path=path,
            detail=str(exc),
        ) from None
    return layers
