"""Test data written to disk."""

from __future__ import annotations

import numpy as np


def write_mnist_npz(path, **overrides):
    """A file in Keras' mnist.npz layout (zeros), with arrays replaced or removed (None)."""
    arrays = {
        "x_train": np.zeros((60000, 28, 28), np.uint8),
        "y_train": np.zeros(60000, np.uint8),
        "x_test": np.zeros((10000, 28, 28), np.uint8),
        "y_test": np.zeros(10000, np.uint8),
    }
    arrays.update(overrides)
    np.savez(path, **{k: v for k, v in arrays.items() if v is not None})
    return path
