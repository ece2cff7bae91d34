"""Test-set evaluation with the numpy predictor: accuracy and a confusion matrix.

The tutorial ends with ``model.evaluate``; this also says *which* digits are confused
with which, and keeps the test-image indices of every cell so the UI can show them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from digitpad.ml.recipe import CLASSES


@dataclass(frozen=True)
class Evaluation:
    """One test set read by one network: its labels, the readings and (from
    :func:`evaluate_predictor`) the images themselves, so whatever shows an evaluation
    shows the images, labels and readings of one dataset, never one's images under
    another's labels."""

    labels: np.ndarray  # (n,) true digits
    probabilities: np.ndarray  # (n, 10)
    images: np.ndarray | None = None  # (n, 28, 28) or (n, 784): the images read

    def __post_init__(self) -> None:
        n = len(self.labels)
        if len(self.probabilities) != n or (self.images is not None and len(self.images) != n):
            raise ValueError(
                f"an evaluation of {n} labels needs as many readings and images "
                f"(got {len(self.probabilities)} and "
                f"{'none' if self.images is None else len(self.images)})"
            )

    @property
    def predicted(self) -> np.ndarray:
        return self.probabilities.argmax(axis=1)

    @property
    def accuracy(self) -> float:
        return float((self.predicted == self.labels).mean()) if len(self.labels) else 0.0

    def confusion(self) -> np.ndarray:
        """(10, 10) counts; row = true digit, column = predicted digit."""
        matrix = np.zeros((CLASSES, CLASSES), np.int64)
        np.add.at(matrix, (self.labels.astype(np.int64), self.predicted), 1)
        return matrix

    def cell(self, true: int, predicted: int) -> np.ndarray:
        """Indices of the test images with this true digit read as ``predicted``."""
        return np.flatnonzero((self.labels == true) & (self.predicted == predicted))


def evaluate_predictor(predictor, images: np.ndarray, labels: np.ndarray, batch: int = 256):
    """Run ``predictor`` over ``images`` (uint8 (n, 28, 28) or float (n, 784)).

    In batches of 256: the small CNN's second convolution unfolds a batch of 2,000 into
    450 MB and took 3.2 s for the 10,000 test images; 256 at a time, 58 MB and 1.8 s
    (the dense network: 0.1 s either way)."""
    images = np.asarray(images)
    flat = images.reshape(len(images), -1).astype(np.float32)
    if images.dtype == np.uint8:
        flat /= 255
    out = (
        np.concatenate([predictor.predict(flat[i : i + batch]) for i in range(0, len(flat), batch)])
        if len(flat)
        else np.zeros((0, CLASSES), np.float32)
    )
    return Evaluation(np.asarray(labels).astype(np.int64), out, images)
