"""The Qt user interface: widgets only; the ML lives in :mod:`digitpad.ml`."""

from __future__ import annotations

from digitpad.ui.shell.main_window import MainWindow

__all__ = ["MainWindow"]
