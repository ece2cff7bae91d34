"""Why did the network say 7? Signed per-pixel contributions to one score.

**Gradient x input** of the score before the output activation (the logit the softmax,
or the sigmoids, turn into probabilities): ``contributions[i, j] = image[i, j] *
d score / d image[i, j]``. For a network made only of ReLU, linear and max-pooling
pieces the score is, around one drawing, an exact linear function ``J @ x + b``: the
contributions add up to ``J @ x`` and ``rest`` is the part that comes from the biases,
so ``contributions.sum() + rest == logit``. With tanh, sigmoid or softmax hidden layers the
contributions are a first-order picture only; ``rest`` is still set to ``logit -
contributions.sum()``, so the identity holds by definition, but ``rest`` then mixes the
biases with the curvature the gradient does not see.

The backward pass is numpy, fed by :meth:`Predictor.forward`'s outputs (no second
forward pass, no TensorFlow): a matrix-vector product per Dense layer (for the
tutorial's network this is the effective weight vector ``W1 @ (relu_mask * W2[:, t])``),
col2im scatter for a convolution and argmax routing for max pooling. It is cheap enough
to run on every stroke while a person draws (BENCHMARKS.md, "Explaining and reading
numbers").

``method="occlusion"`` is a slower, model-agnostic cross-check: each ink pixel's
contribution is how much the score drops when that pixel alone is blanked.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from digitpad.ml.predictor import Predictor
from digitpad.ml.weights import LayerSpec, activation_name

GRADIENT = "gradient x input"
OCCLUSION = "occlusion"
_IDENTITY_KINDS = {"InputLayer", "Dropout", "RandomRotation", "RandomTranslation", "RandomZoom"}


@dataclass(frozen=True)
class Explanation:
    contributions: np.ndarray  # (28, 28) float32, signed contribution of each pixel
    target: int
    versus: int | None
    logit: float  # the pre-activation score explained: z_target, or z_target - z_versus
    rest: float  # logit - contributions.sum(): the bias paths (ReLU networks)
    method: str  # "gradient x input" or "occlusion"


# -- what a predictor's layers need for the backward pass, computed once per predictor --


@dataclass(frozen=True)
class _Plan:
    input_shape: tuple[int, ...]  # what the first layer reads, without the batch axis
    output_index: int  # the last Dense layer: its pre-activation is the score
    kernel_t: dict[int, np.ndarray]  # Conv2D layer index -> (filters, kh*kw*channels)


_plans: weakref.WeakKeyDictionary[Predictor, _Plan] = weakref.WeakKeyDictionary()


def _plan(predictor: Predictor) -> _Plan:
    plan = _plans.get(predictor)
    if plan is None:
        layers = predictor.layers
        output_index = max(i for i, layer in enumerate(layers) if layer.kind == "Dense")
        kernel_t = {
            i: np.ascontiguousarray(layer.weights[0].reshape(-1, layer.weights[0].shape[-1]).T)
            for i, layer in enumerate(layers[:output_index])
            if layer.kind == "Conv2D"
        }
        plan = _Plan(_input_shape(layers), output_index, kernel_t)
        _plans[predictor] = plan
    return plan


def _input_shape(layers: tuple[LayerSpec, ...]) -> tuple[int, ...]:
    for layer in layers:  # as Predictor reads it: the InputLayer's batch shape, else 784
        if layer.kind == "InputLayer":
            shape = layer.config.get("batch_shape") or layer.config.get("batch_input_shape")
            if shape:
                return tuple(int(d) for d in shape[1:])
    return (28 * 28,)


def _relu_slope(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    return grad * (out > 0)


def _tanh_slope(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    return grad * (1.0 - out * out)


def _sigmoid_slope(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    return grad * (out * (1.0 - out))


def _softmax_slope(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Softmax mixes its inputs (over the last axis, as Keras applies it): its Jacobian
    is ``diag(s) - s s^T``, so the pulled-back gradient is ``s * (g - g . s)``."""
    return out * (grad - (grad * out).sum(axis=-1, keepdims=True))


def _linear_slope(grad: np.ndarray, out: np.ndarray) -> np.ndarray:
    return grad


# d out / d pre-activation, expressed through the output the forward pass kept: one entry
# for every activation the predictor accepts (``predictor._ACTIVATIONS``; a test holds the
# two tables equal), so a supported network is never explained as if it were linear.
_SLOPES = {
    None: _linear_slope,
    "linear": _linear_slope,
    "relu": _relu_slope,
    "tanh": _tanh_slope,
    "sigmoid": _sigmoid_slope,
    "softmax": _softmax_slope,
}


def _times_activation_slope(grad: np.ndarray, out: np.ndarray, config: dict) -> np.ndarray:
    """The gradient w.r.t. a layer's output pulled back through its activation. The
    activation's name is read as the predictor reads it (``weights.activation_name``:
    strings and Keras' serialized dict forms alike)."""
    name = activation_name(config.get("activation", "linear"))
    slope = _SLOPES.get(name)
    if slope is None:  # the predictor refuses these; never guess "linear"
        raise ValueError(f"cannot explain through a {name!r} activation")
    return slope(grad, out)


def _conv_input_grad(
    grad: np.ndarray, kernel: np.ndarray, kernel_t: np.ndarray, in_shape, padding: str
) -> np.ndarray:
    """Gradient w.r.t. a stride-1 convolution's input: (oh*ow, F) @ (F, kh*kw*C), then the
    kh*kw column blocks scattered back onto the (padded) input they were read from."""
    kh, kw, channels, _ = kernel.shape
    oh, ow, filters = grad.shape
    columns = (grad.reshape(oh * ow, filters) @ kernel_t).reshape(oh, ow, kh, kw, channels)
    h, w = in_shape[:2]
    top = left = 0
    if padding == "same":
        top, left = (kh - 1) // 2, (kw - 1) // 2
    out = np.zeros((oh + kh - 1, ow + kw - 1, channels), np.float32)
    for i in range(kh):
        for j in range(kw):
            out[i : i + oh, j : j + ow, :] += columns[:, :, i, j, :]
    return out[top : top + h, left : left + w, :]


def _max_pool_input_grad(grad: np.ndarray, x: np.ndarray, pooled: np.ndarray, size) -> np.ndarray:
    """Route each pooled gradient to the first input that held the window's maximum
    (rows and columns a non-overlapping pool dropped get none)."""
    ph, pw = size
    h2, w2 = pooled.shape[:2]
    out = np.zeros_like(x)
    taken = np.zeros(pooled.shape, bool)
    for i in range(ph):
        for j in range(pw):
            window = x[i : h2 * ph : ph, j : w2 * pw : pw, :]
            hit = (window == pooled) & ~taken
            taken |= hit
            out[i : h2 * ph : ph, j : w2 * pw : pw, :] = grad * hit
    return out


def _input_gradient(
    predictor: Predictor, plan: _Plan, x: np.ndarray, outputs: list[np.ndarray], direction
) -> np.ndarray:
    """d (direction . z) / d x for the last Dense layer's pre-activation z, shape of x."""
    layers: tuple[LayerSpec, ...] = predictor.layers
    grad = layers[plan.output_index].weights[0] @ direction
    for index in range(plan.output_index - 1, -1, -1):
        layer = layers[index]
        layer_in = outputs[index - 1][0] if index else x
        out = outputs[index][0]
        kind = layer.kind
        if kind == "Dense":
            grad = layer.weights[0] @ _times_activation_slope(grad, out, layer.config)
        elif kind == "Conv2D":
            grad = _times_activation_slope(grad, out, layer.config)
            padding = layer.config.get("padding", "valid")
            grad = _conv_input_grad(
                grad, layer.weights[0], plan.kernel_t[index], layer_in.shape, padding
            )
        elif kind == "MaxPooling2D":
            size = tuple(layer.config.get("pool_size", (2, 2)))
            grad = _max_pool_input_grad(grad, layer_in, out, size)
        elif kind in ("Flatten", "Reshape"):
            grad = grad.reshape(layer_in.shape)
        elif kind not in _IDENTITY_KINDS:
            raise ValueError(f"cannot explain through a {kind} layer")
    return grad


def _scores(
    predictor: Predictor, plan: _Plan, images: np.ndarray, outputs: list[np.ndarray]
) -> np.ndarray:
    """(n, 10) pre-activation scores of the last Dense layer from a forward pass."""
    layer = predictor.layers[plan.output_index]
    before = outputs[plan.output_index - 1] if plan.output_index else images
    scores = before.reshape(len(before), -1) @ layer.weights[0]
    if len(layer.weights) > 1:
        scores = scores + layer.weights[1]
    return scores


def explain(
    predictor: Predictor,
    image: np.ndarray | None,
    target: int | None = None,
    versus: int | None = None,
    *,
    method: str = GRADIENT,
) -> Explanation | None:
    """Contributions of each pixel of ``image`` ((28, 28) in [0, 1], the network's input)
    to the score of ``target`` (default: the digit read), or to ``z_target - z_versus``.

    ``None`` for a missing or blank image.
    """
    if image is None:
        return None
    x = np.asarray(image, np.float32)
    if x.size != 28 * 28:
        raise ValueError(f"expected a 28x28 image, got shape {x.shape}")
    x = x.reshape(28, 28)
    if not x.any():
        return None
    plan = _plan(predictor)
    outputs = predictor.forward(x)
    scores = _scores(predictor, plan, x.reshape(1, -1), outputs)[0]
    target = int(scores.argmax()) if target is None else int(target)
    if versus is not None:
        versus = int(versus)
    for digit in (target, versus):
        if digit is not None and not 0 <= digit < len(scores):
            raise ValueError(f"no class {digit}: the network has {len(scores)}")
    direction = np.zeros(len(scores), np.float32)
    direction[target] += 1.0
    if versus is not None:
        direction[versus] -= 1.0
    logit = float(scores @ direction)
    if method == GRADIENT:
        network_input = x.reshape(plan.input_shape)
        grad = _input_gradient(predictor, plan, network_input, outputs, direction)
        contributions = (grad.reshape(28, 28) * x).astype(np.float32)
    elif method == OCCLUSION:
        contributions = _occlusion(predictor, plan, x, direction, logit)
    else:
        raise ValueError(f"unknown method {method!r}: {GRADIENT!r} or {OCCLUSION!r}")
    rest = logit - float(contributions.sum(dtype=np.float64))
    return Explanation(contributions, target, versus, logit, rest, method)


def _occlusion(
    predictor: Predictor, plan: _Plan, x: np.ndarray, direction: np.ndarray, logit: float
) -> np.ndarray:
    """Score drop when each ink pixel alone is blanked (one batched forward pass)."""
    ink = np.flatnonzero(x.ravel())
    batch = np.repeat(x.reshape(1, -1), len(ink), axis=0)
    batch[np.arange(len(ink)), ink] = 0.0
    dropped = _scores(predictor, plan, batch, predictor.forward(batch)) @ direction
    contributions = np.zeros(28 * 28, np.float32)
    contributions[ink] = logit - dropped
    return contributions.reshape(28, 28)
