"""The Qt user interface: widgets only; the ML lives in :mod:`digitpad.ml`."""

from __future__ import annotations

# The window's numpy and Pillow side is loaded before PySide6, on purpose: once PySide6
# is imported, its import hook reads the source of every module loaded after it (to see
# whether the module selects a PySide "__feature__"), Pillow's and json's included;
# loaded first, they are not read (~8 ms of start-up here, BENCHMARKS.md section 1).
from digitpad.ml import keras_log, model, model_card, predictor, preprocess  # noqa: F401
from digitpad.ui.shell.main_window import MainWindow

__all__ = ["MainWindow"]
