"""Which digits one feature map pushes toward, for one drawing: found by taking the map
away. The layers after the map's convolution are run again, by the predictor's own
:meth:`~digitpad.ml.predictor.Predictor.forward_from`, with that one map set to 0; the
ten outputs without it, against the real ones, say what it did through every layer
above it. A digit whose probability (or score) falls without the map is one the map
pushes toward; one that rises is pushed away.

No linear picture, no gradient: the real layers above (max pooling, the next
convolutions, relu, the dense layers) on the real drawing, with one map missing.
Plain numpy; no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.ml.predictor import Predictor

# Layers that carry a convolution's maps on, map by map: a map set to 0 before them is
# 0 after them (a max over zeros; Dropout is the identity when reading).
_MAP_BY_MAP = ("MaxPooling2D", "Dropout")


def conv_behind(predictor: Predictor, layer_index: int) -> int | None:
    """The Conv2D whose maps layer ``layer_index`` holds: itself, or the convolution a
    max pooling (or Dropout) after it shrinks; ``None`` for any other layer."""
    layers = predictor.layers
    while 0 <= layer_index < len(layers):
        kind = layers[layer_index].kind
        if kind == "Conv2D":
            return layer_index
        if kind not in _MAP_BY_MAP:
            return None
        layer_index -= 1
    return None


def without_maps(
    predictor: Predictor, outputs: list[np.ndarray], conv: int, channels=()
) -> tuple[np.ndarray, np.ndarray | None]:
    """The pass ``outputs`` (``Predictor.forward``'s, batch of one) again from layer
    ``conv``'s output on, with its maps ``channels`` set to 0: (the ten probabilities,
    the last layer's scores before its activation, or ``None`` when it has none).
    With no channels it is the live pass's own numbers, bit for bit."""
    x = outputs[conv]
    if len(channels):
        x = x.copy()
        x[..., list(channels)] = 0
    after = predictor.forward_from(conv + 1, x)
    probabilities = predictor.probabilities(after[-1])[0]
    fed_last = after[-2] if len(after) > 1 else x
    scores = predictor.scores(fed_last)
    return probabilities, None if scores is None else scores[0]


@dataclass(frozen=True)
class MapPushes:
    """What map ``channel`` of Conv2D ``conv`` does to the ten outputs for one drawing."""

    conv: int  # the Conv2D's index in ``predictor.layers``
    channel: int
    probabilities: np.ndarray  # (10,) the live ones
    probabilities_without: np.ndarray  # (10,) with the map set to 0
    scores: np.ndarray | None  # (10,) the live scores before the last activation
    scores_without: np.ndarray | None

    @property
    def change(self) -> np.ndarray:
        """(10,) how much each probability moves when the map is taken away (float64;
        negative: the map was holding it up)."""
        return self.probabilities_without.astype(np.float64) - self.probabilities

    @property
    def added(self) -> np.ndarray | None:
        """(10,) what the map adds to each digit's score through the layers above (the
        live score minus the score without it), or ``None`` without scores."""
        if self.scores is None or self.scores_without is None:
            return None
        return self.scores.astype(np.float64) - self.scores_without

    def falls_most(self) -> int:
        """The digit whose probability falls most without the map: pushed toward."""
        return int(np.argmin(self.change))

    def rises_most(self) -> int:
        """The digit whose probability rises most without the map: pushed away."""
        return int(np.argmax(self.change))

    def by_score(self) -> np.ndarray | None:
        """The digits from the one whose score the map raises most to the one it lowers
        most (``None`` without scores)."""
        added = self.added
        return None if added is None else np.argsort(-added, kind="stable")


def map_pushes(
    predictor: Predictor, outputs: list[np.ndarray], layer_index: int, channel: int
) -> MapPushes:
    """Map ``channel`` of layer ``layer_index`` (a Conv2D, or the max pooling that
    shrinks one: the same map) taken away from the pass ``outputs``: the ten outputs
    with and without it. ``ValueError`` for a layer that holds no convolution's maps or
    a map it does not have."""
    conv = conv_behind(predictor, layer_index)
    if conv is None:
        raise ValueError(f"layer {layer_index} holds no convolution's feature maps")
    maps = outputs[conv].shape[-1]
    if not 0 <= channel < maps:
        raise ValueError(f"layer {layer_index} has {maps} maps, not a map {channel}")
    live = predictor.probabilities(outputs[-1])[0]  # the live pass's own numbers
    live_scores = predictor.scores(outputs[-2] if len(outputs) > 1 else outputs[-1])
    gone, gone_scores = without_maps(predictor, outputs, conv, (channel,))
    scores = None if live_scores is None else live_scores[0]
    return MapPushes(conv, channel, live, gone, scores, gone_scores)
