"""What each layer of a network is and does, for the views that show it: its facts
(name, output shape, activation, weights) and a convolution's arithmetic at one point.

Plain numpy over a :class:`~digitpad.ml.predictor.Predictor`'s layers; no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.ml.predictor import Predictor, _activation
from digitpad.ml.weights import activation_name


@dataclass(frozen=True)
class LayerFacts:
    index: int  # in ``predictor.layers`` (and in ``forward``'s outputs)
    name: str
    kind: str  # "Conv2D", "MaxPooling2D", "Dense", "Flatten", ...
    shape: tuple[int, ...]  # its output for one image
    activation: str | None  # None: a layer without one (pooling, flatten...)
    weights: int  # how many numbers it learns

    @property
    def shape_text(self) -> str:
        return "×".join(str(d) for d in self.shape)


def layer_facts(predictor: Predictor) -> list[LayerFacts]:
    """Every layer after the input, in order (shapes from one pass over a blank image)."""
    outputs = predictor.forward(np.zeros((28, 28), np.float32))
    facts = []
    for index, (layer, out) in enumerate(zip(predictor.layers, outputs, strict=True)):
        if layer.kind == "InputLayer":
            continue
        activation = None
        if layer.kind in ("Dense", "Conv2D"):
            activation = activation_name(layer.config.get("activation", "linear")) or "linear"
        facts.append(
            LayerFacts(
                index,
                str(layer.config.get("name", layer.kind)),
                layer.kind,
                tuple(int(d) for d in out.shape[1:]),
                activation,
                int(sum(w.size for w in layer.weights)),
            )
        )
    return facts


def layer_input(predictor: Predictor, outputs: list[np.ndarray], index: int) -> np.ndarray:
    """What layer ``index`` was fed in that pass (one image, no batch axis)."""
    return outputs[index - 1][0] if index > 0 else outputs[0][0]


@dataclass(frozen=True)
class ConvStep:
    """One output value of a Conv2D: the input patch under its kernel, times the kernel,
    summed over the input maps, plus the bias, through the activation."""

    row: int
    column: int
    channel: int
    patch: np.ndarray  # (kh, kw, input maps)
    kernel: np.ndarray  # (kh, kw, input maps)
    bias: float
    per_input: np.ndarray  # (input maps,) each input map's share of the sum
    weighted: float  # sum(patch * kernel)
    total: float  # weighted + bias
    value: float  # activation(total): the map's value there

    @property
    def strongest_input(self) -> int:
        """The input map whose patch × kernel adds most (in size) to the sum."""
        return int(np.argmax(np.abs(self.per_input)))


def conv_step(layer, fed: np.ndarray, row: int, column: int, channel: int) -> ConvStep:
    """The arithmetic behind ``output[row, column, channel]`` of Conv2D ``layer`` fed
    ``fed`` (height, width, input maps), stride 1, as the predictor computes it."""
    kernel = np.asarray(layer.weights[0][:, :, :, channel], np.float64)
    bias = float(layer.weights[1][channel]) if len(layer.weights) > 1 else 0.0
    kh, kw = kernel.shape[:2]
    x = np.asarray(fed, np.float64)
    if x.ndim == 2:
        x = x[:, :, None]
    if layer.config.get("padding", "valid") == "same":
        ph, pw = kh - 1, kw - 1
        x = np.pad(x, ((ph // 2, ph - ph // 2), (pw // 2, pw - pw // 2), (0, 0)))
    patch = x[row : row + kh, column : column + kw, :]
    per_input = (patch * kernel).sum(axis=(0, 1))
    weighted = float(per_input.sum())
    total = weighted + bias
    value = float(_activation(layer.config)(np.array([total], np.float64))[0])
    return ConvStep(row, column, channel, patch, kernel, bias, per_input, weighted, total, value)


@dataclass(frozen=True)
class Pushes:
    """How one output of a Dense layer is made from what it was fed: each input unit j
    pushes the output's score by ``fed[j] * kernel[j, output]``; the score (the output
    before its activation: a logit, for softmax) is the sum of the pushes plus the bias."""

    output: int
    pushes: np.ndarray  # (input units,) float64
    total: float  # the sum of the pushes
    bias: float
    score: float  # total + bias
    scores: np.ndarray  # (outputs,) every output's score, made the same way

    @property
    def probability(self) -> float:
        """What a softmax over the scores makes of this output's."""
        shifted = np.exp(self.scores - self.scores.max())
        return float(shifted[self.output] / shifted.sum())


def dense_pushes(layer, fed: np.ndarray, output: int | None = None) -> Pushes:
    """The pushes behind output ``output`` (``None``: the one with the highest score,
    the digit read) of Dense ``layer`` fed ``fed`` (one image's input to the layer, any
    shape with the kernel's rows): the predictor's own sum, in float64."""
    kernel = layer.weights[0]
    every = np.asarray(fed, np.float64).reshape(-1, 1) * kernel  # (units, outputs)
    totals = np.add.reduce(every, axis=0)
    if len(layer.weights) > 1:
        biases = np.asarray(layer.weights[1], np.float64)
    else:
        biases = np.zeros(kernel.shape[1])
    scores = totals + biases
    if output is None:
        output = int(np.argmax(scores))
    return Pushes(
        output,
        every[:, output],
        float(totals[output]),
        float(biases[output]),
        float(scores[output]),
        scores,
    )


def output_connections(predictor: Predictor) -> tuple[int, int] | None:
    """(hidden, output): where in ``predictor.layers`` a network's last layer is, when
    it is a Dense 10 whose scores a softmax turns into the probabilities (its activation
    softmax, or none: the predictor applies one), and where the hidden Dense layer that
    feeds it is (only Dropout, the identity when reading, between them). ``None`` for any
    other network: a convolution or another layer before the output, an output of
    another size or activation."""
    layers = predictor.layers
    if not layers or layers[-1].kind != "Dense" or layers[-1].weights[0].shape[1] != 10:
        return None
    if activation_name(layers[-1].config.get("activation", "linear")) not in (
        "softmax",
        "linear",
        None,
    ):
        return None
    index = len(layers) - 2
    while index >= 0 and layers[index].kind == "Dropout":
        index -= 1
    if index < 0 or layers[index].kind != "Dense":
        return None
    return index, len(layers) - 1
