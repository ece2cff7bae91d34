"""Typed access to the user's QSettings; a bad or corrupt value falls back to its default.

Settings are a convenience, never a reason to crash: every getter validates the
stored value and returns the default when it is missing, of the wrong type or out
of range. The organisation and application names are set once in :mod:`app`.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QByteArray, QSettings

log = logging.getLogger(__name__)

ORGANIZATION = "digitpad"
APPLICATION = "digitpad"

GEOMETRY = "window/geometry"
STATE = "window/state"
BRUSH = "canvas/brush_size"
EPOCHS = "train/epochs"
BATCH_SIZE = "train/batch_size"
LAST_MODEL = "model/last_path"
BUNDLED = "model/bundled"  # the bundled network chosen last: the window reopens with it
DATA_PATH = "data/mnist_path"  # the dataset chosen with Open dataset…
CLASS_INTERFACE = "class/interface"  # the LAN address the class session served on last
CLASS_APPROVE = "class/approve_first"  # new room drawings wait for approval


class Settings:
    """A thin wrapper over ``QSettings(ORGANIZATION, APPLICATION)``."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        if qsettings is None:
            # defaultFormat() lets tests redirect everything with QSettings.setPath.
            qsettings = QSettings(
                QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
            )
        self._q = qsettings

    def int_value(self, key: str, default: int, low: int, high: int) -> int:
        raw = self._q.value(key, default)
        try:
            value = int(raw)
        except (TypeError, ValueError):
            log.warning("setting %s=%r is not a number; using %s", key, raw, default)
            return default
        if not low <= value <= high:
            log.warning("setting %s=%s is out of range; using %s", key, value, default)
            return default
        return value

    def text_value(self, key: str, default: str = "") -> str:
        raw = self._q.value(key, default)
        return raw if isinstance(raw, str) else default

    def bytes_value(self, key: str) -> QByteArray | None:
        raw = self._q.value(key)
        if isinstance(raw, QByteArray) and not raw.isEmpty():
            return raw
        if isinstance(raw, bytes) and raw:
            return QByteArray(raw)
        return None

    def set_value(self, key: str, value) -> None:
        self._q.setValue(key, value)

    def sync(self) -> None:
        self._q.sync()
