"""Errors the ML layer raises with a one-line, user-facing message."""

from __future__ import annotations


class DigitpadError(Exception):
    """Base class: ``str(error)`` is a complete sentence fit to show a user."""


class DatasetError(DigitpadError):
    """MNIST could not be found or is not a valid ``mnist.npz``."""


class ModelError(DigitpadError):
    """A model file could not be read, or is not a digit model digitpad can use."""


class ImageError(DigitpadError):
    """An image file could not be read."""
