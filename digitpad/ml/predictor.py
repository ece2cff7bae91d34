"""Fast, thread-safe inference for the live canvas: a numpy forward pass.

``model.predict`` on one image costs ~100 ms (graph setup per call); the same maths in
numpy costs ~0.1 ms and needs no TensorFlow, so the window can predict at once.
A :class:`Predictor` is immutable: swapping in new weights is one reference assignment,
so the GUI thread and a training thread never see half-updated weights.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from digitpad.ml import errors as E
from digitpad.ml.errors import ModelError
from digitpad.ml.preprocess import to_mnist
from digitpad.ml.recipe import CLASSES, INPUT_SIZE
from digitpad.ml.weights import (
    LayerSpec,
    activation_name,
    next_shape,
    read_layers,
    sidecar_arrays,
    weight_mismatch,
)


def _relu(x: np.ndarray) -> np.ndarray:
    return np.maximum(x, 0, out=x)


def _softmax(x: np.ndarray) -> np.ndarray:
    # The reductions called directly: x.max() and x.sum() are the same reductions behind
    # a Python wrapper each, and this runs on every pen move.
    x = x - np.maximum.reduce(x, axis=-1, keepdims=True)
    np.exp(x, out=x)
    x /= np.add.reduce(x, axis=-1, keepdims=True)
    return x


_ACTIVATIONS = {
    "linear": lambda x: x,
    None: lambda x: x,
    "relu": _relu,
    "softmax": _softmax,
    "sigmoid": lambda x: 0.5 * (1.0 + np.tanh(0.5 * x)),  # no overflow for large |x|
    "tanh": np.tanh,
}


def _activation(config: dict):
    """The function a layer's ``activation`` entry names; :class:`ModelError` for a name
    this predictor lacks ("unsupported") or an entry no Keras writes ("damaged")."""
    name = activation_name(config.get("activation", "linear"))
    if name not in _ACTIVATIONS:
        raise ModelError(
            f"activation {name!r} is not supported by the fast predictor",
            code=E.UNSUPPORTED_LAYER,
            detail=str(name),
        )
    return _ACTIVATIONS[name]


def _conv2d(x: np.ndarray, kernel: np.ndarray, bias: np.ndarray | None, padding: str):
    """Stride-1 2-D convolution, NHWC: the kh*kw shifted copies side by side (im2col),
    then one matrix product. ~3x faster than an einsum over a sliding-window view."""
    kh, kw, channels, filters = kernel.shape
    if padding == "same":
        ph, pw = kh - 1, kw - 1
        x = np.pad(x, ((0, 0), (ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    n, h, w, _ = x.shape
    oh, ow = h - kh + 1, w - kw + 1
    columns = np.empty((n, oh, ow, kh, kw, channels), np.float32)
    for i in range(kh):
        for j in range(kw):
            columns[:, :, :, i, j, :] = x[:, i : i + oh, j : j + ow, :]
    out = columns.reshape(n * oh * ow, kh * kw * channels) @ kernel.reshape(-1, filters)
    if bias is not None:
        out += bias
    return out.reshape(n, oh, ow, filters).astype(np.float32, copy=False)


def _max_pool(x: np.ndarray, size: Sequence[int]) -> np.ndarray:
    """Non-overlapping max pooling as an element-wise maximum of strided slices: a
    reduction over a reshaped, non-contiguous view was 3-10x slower for one image."""
    ph, pw = size
    h, w = x.shape[1:3]
    h2, w2 = h // ph, w // pw
    out = x[:, 0 : h2 * ph : ph, 0 : w2 * pw : pw, :].copy()
    for i in range(ph):
        for j in range(pw):
            if i or j:
                np.maximum(out, x[:, i : h2 * ph : ph, j : w2 * pw : pw, :], out=out)
    return out


class Predictor:
    """Forward pass of a Sequential digit model; ``predict`` returns probabilities."""

    def __init__(self, layers: list[LayerSpec], name: str = "model") -> None:
        self._layers = tuple(layers)
        self.name = name
        self._input_shape = self._find_input_shape()
        self._output_kind = "softmax"
        self._check()
        self._output_kind = self._output_kind_of()
        # Shown with the model: what digitpad did to make its outputs probabilities.
        self.note = {
            "logits": "its outputs are scores (no softmax): shown after a softmax",
            "sigmoid": "its outputs are independent sigmoids: shown normalised to sum to 1",
        }.get(self._output_kind, "")

    # -- construction ----------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | os.PathLike) -> Predictor:
        from digitpad.ml.model import check_model_file

        # A bundled model read from its sidecar: its weights file is not read, so its
        # CRC need not be checked (the config's and the sidecar's are, as they are read).
        stored = sidecar_arrays(path)
        target = check_model_file(path, crc=stored is None)
        return cls(read_layers(target, stored=stored), name=os.path.basename(target))

    @classmethod
    def from_keras(cls, model, name: str = "model") -> Predictor:
        """Snapshot a live Keras model's weights (call from the thread that trains it)."""
        specs = []
        input_shape = tuple(model.input_shape[1:])
        specs.append(LayerSpec("InputLayer", {"batch_shape": [None, *input_shape]}))
        for layer in model.layers:
            weights = tuple(np.asarray(w, dtype=np.float32) for w in layer.get_weights())
            specs.append(LayerSpec(type(layer).__name__, layer.get_config(), weights))
        return cls(specs, name=name)

    # -- properties ------------------------------------------------------------------
    @property
    def layers(self) -> tuple[LayerSpec, ...]:
        return self._layers

    def dense_layers(self) -> list[LayerSpec]:
        return [layer for layer in self._layers if layer.kind == "Dense"]

    # -- inference -------------------------------------------------------------------
    def predict(self, images: np.ndarray) -> np.ndarray:
        """(28, 28), (n, 28, 28) or (n, 784) in [0, 1] -> (10,) or (n, 10) probabilities."""
        if isinstance(images, np.ndarray):  # (np.ndim and np.shape are Python calls)
            single = images.shape == (28, 28)
        else:
            single = np.ndim(images) == 2 and np.shape(images) == (28, 28)
        out = self._probabilities(self.forward(images)[-1])
        return out[0] if single else out

    def predict_layers(self, image: np.ndarray) -> tuple[np.ndarray, list[np.ndarray]]:
        """One (28, 28) image -> (its 10 probabilities, every layer's output as
        ``forward`` computed it, batch of one): the same single pass as ``predict``, for
        a caller that also shows the layers (the window's *Inside the network*)."""
        outputs = self.forward(image)
        return self._probabilities(outputs[-1])[0], outputs

    def probabilities(self, out: np.ndarray) -> np.ndarray:
        """The last layer's output (batch first) as the probabilities shown for it: as
        they are (softmax), softmaxed (scores) or shared out (sigmoids)."""
        return self._probabilities(out)

    def _probabilities(self, out: np.ndarray) -> np.ndarray:
        if self._output_kind == "logits":  # scores, not probabilities: softmax them
            return _softmax(np.array(out, np.float64)).astype(np.float32)
        if self._output_kind == "sigmoid":  # ten independent yes/no: share them out
            return out / np.maximum(out.sum(axis=-1, keepdims=True), 1e-12)
        return out

    def predict_drawing(self, drawing: np.ndarray) -> np.ndarray | None:
        """Raw drawing -> probabilities, or ``None`` if nothing is drawn."""
        image = to_mnist(drawing)
        if not image.any():
            return None
        return self.predict(image)

    def forward(self, images: np.ndarray) -> list[np.ndarray]:
        """Every layer's output in order (the last is the probabilities)."""
        x = np.asarray(images, dtype=np.float32)
        return self.forward_from(0, x.reshape((-1, *self._input_shape)))

    def forward_from(self, start: int, x: np.ndarray) -> list[np.ndarray]:
        """Layers ``start`` onward fed ``x`` (what layer ``start`` reads, batch first):
        their outputs in order, computed as ``forward`` computes them (``forward`` is
        this from layer 0). For a pass with one layer's output changed, e.g. one
        feature map set to 0 (:mod:`digitpad.ml.influence`). ``x`` is not modified."""
        outputs = []
        for layer, activation in self._steps[start:]:
            x = self._apply(layer, x, activation)
            outputs.append(x)
        return outputs

    def scores(self, fed_last: np.ndarray) -> np.ndarray | None:
        """The last layer's values before its activation (the scores a softmax turns
        into probabilities), fed ``fed_last`` (what the last layer reads, batch first);
        ``None`` when the last layer is not a Dense layer."""
        layer = self._layers[-1]
        if layer.kind != "Dense":
            return None
        return self._apply(layer, np.asarray(fed_last, np.float32), _ACTIVATIONS["linear"])

    def _apply(self, layer: LayerSpec, x: np.ndarray, activation) -> np.ndarray:
        kind, config = layer.kind, layer.config
        if kind == "Dense":
            kernel = layer.weights[0]
            out = x @ kernel
            if len(layer.weights) > 1:
                out += layer.weights[1]
            return activation(out)
        if kind == "Conv2D":
            bias = layer.weights[1] if len(layer.weights) > 1 else None
            out = _conv2d(x, layer.weights[0], bias, config.get("padding", "valid"))
            return activation(out)
        if kind == "MaxPooling2D":
            return _max_pool(x, config.get("pool_size", (2, 2)))
        if kind == "Flatten":
            return x.reshape((x.shape[0], -1))
        if kind == "Reshape":
            return x.reshape((x.shape[0], *config["target_shape"]))
        return x  # InputLayer, Dropout, random augmentation: identity at inference

    # -- validation ------------------------------------------------------------------
    def _find_input_shape(self) -> tuple[int, ...]:
        for layer in self._layers:
            if layer.kind == "InputLayer":
                shape = layer.config.get("batch_shape") or layer.config.get("batch_input_shape")
                if shape:
                    return tuple(int(d) for d in shape[1:])
        return (INPUT_SIZE,)

    def _output_kind_of(self) -> str:
        """ "softmax" (probabilities), "logits" (linear scores) or "sigmoid"."""
        weighted = [layer for layer in self._layers if layer.kind in ("Dense", "Conv2D")]
        last = weighted[-1] if weighted else None
        name = activation_name(last.config.get("activation", "linear")) if last else "softmax"
        if name in ("linear", None):
            return "logits"
        return "sigmoid" if name == "sigmoid" else "softmax"

    def _check_layers_against_configs(self) -> None:
        """Each activation entry readable, each layer's weights shaped as its own config
        says (Keras refuses a file whose kernel contradicts ``units``; so does this)."""
        in_shape = None
        for layer in self._layers:
            try:
                if "activation" in layer.config:
                    activation_name(layer.config["activation"])
            except ModelError as exc:
                name = layer.config.get("name", layer.kind)
                raise ModelError(
                    f"{self.name}: layer {name!r} has a {exc}",
                    code=exc.code,
                    path=self.name,
                    detail=f"{name}: {exc.detail}",
                ) from None
            problem = weight_mismatch(
                layer.kind, layer.config, [w.shape for w in layer.weights], in_shape
            )
            if problem:
                raise ModelError(
                    f"{self.name}: weights do not match the model's layers ({problem})",
                    code=E.DAMAGED,
                    path=self.name,
                    detail=problem,
                )
            in_shape = next_shape(layer.kind, layer.config, in_shape)

    def _check(self) -> None:
        for layer in self._layers:  # valid Keras, but not maths this predictor does
            config = layer.config
            if layer.kind == "Conv2D" and (
                tuple(config.get("strides", (1, 1))) != (1, 1)
                or tuple(config.get("dilation_rate", (1, 1))) != (1, 1)
                or config.get("groups", 1) != 1
            ):
                raise ModelError(
                    f"{self.name}: strided, dilated or grouped convolutions are not supported "
                    "by the fast predictor (the file is fine; digitpad cannot show it live)",
                    code=E.UNSUPPORTED_LAYER,
                    path=self.name,
                    detail="Conv2D strides/dilation/groups",
                )
            if layer.kind == "MaxPooling2D" and tuple(
                config.get("strides") or config.get("pool_size", (2, 2))
            ) != tuple(config.get("pool_size", (2, 2))):
                raise ModelError(
                    f"{self.name}: overlapping max pooling is not supported by the fast predictor",
                    code=E.UNSUPPORTED_LAYER,
                    path=self.name,
                    detail="MaxPooling2D strides",
                )
        if self._input_shape not in ((INPUT_SIZE,), (28, 28), (28, 28, 1)):
            raise ModelError(
                f"{self.name}: expects input shape {self._input_shape}, "
                "digitpad needs 28x28 pixels",
                code=E.WRONG_INPUT_SHAPE,
                path=self.name,
                detail=str(self._input_shape),
            )
        self._check_layers_against_configs()
        for layer in self._layers:
            if any(not np.isfinite(w).all() for w in layer.weights):
                raise ModelError(
                    f"{self.name}: its weights hold NaN or infinity (a diverged training?)",
                    code=E.DAMAGED,
                    path=self.name,
                    detail="non-finite weights",
                )
        if not any(layer.kind == "Dense" for layer in self._layers):
            raise ModelError(f"{self.name}: has no Dense layer to classify with")
        try:
            # Each layer with its activation function, looked up once (every pen move
            # runs forward); an unsupported activation is refused here.
            self._steps = tuple(
                (layer, _activation(layer.config) if layer.kind in ("Dense", "Conv2D") else None)
                for layer in self._layers
            )
            out = self.forward(np.zeros((1, INPUT_SIZE), np.float32))[-1]
        except ModelError as exc:  # e.g. an unsupported activation: say which file
            raise ModelError(
                f"{self.name}: {exc}", code=exc.code, path=self.name, detail=exc.detail
            ) from None
        except (ValueError, IndexError, KeyError, TypeError) as exc:
            raise ModelError(
                f"{self.name}: weights do not fit the layers ({exc})",
                code=E.DAMAGED,
                path=self.name,
                detail=str(exc),
            ) from None
        if out.shape != (1, CLASSES):
            raise ModelError(
                f"{self.name}: gives {out.shape[1:]} outputs, digitpad needs 10 classes",
                code=E.WRONG_OUTPUT_SHAPE,
                path=self.name,
                detail=str(out.shape[1:]),
            )
