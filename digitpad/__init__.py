"""digitpad: draw a digit, watch a neural network read it, retrain it live."""

from __future__ import annotations

__version__ = "0.1.0"
