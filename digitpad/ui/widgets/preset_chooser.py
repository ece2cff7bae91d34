"""Which network Train builds: the tutorial's exact recipe (default) or a stronger preset."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from digitpad.ml.presets import PRESETS
from digitpad.ui.i18n import Retranslatable

DEFAULT = "tutorial"


class PresetChooser(Retranslatable, QWidget):
    """A labelled combo of ``digitpad.ml.presets.PRESETS``; ``presetChanged(key)``."""

    presetChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presetChooser")
        self.label = QLabel()
        self.combo = QComboBox()
        self.combo.setObjectName("presetCombo")
        for key in PRESETS:
            self.combo.addItem("", key)
        self.combo.currentIndexChanged.connect(lambda _: self.presetChanged.emit(self.key()))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo, 1)
        self.label.setBuddy(self.combo)
        self.retranslate_ui()

    def _titles(self) -> dict[str, tuple[str, str]]:
        return {
            "tutorial": (
                self.tr("Tutorial"),
                self.tr("Dense 512 relu → Dense 10 softmax on plain MNIST: the tutorial, exactly."),
            ),
            "dense-augmented": (
                self.tr("Tutorial + augmentation"),
                self.tr(
                    "The tutorial's network trained on shifted, rotated, thicker and thinner "
                    "digits: it reads drawings better."
                ),
            ),
            "robust": (
                self.tr("Robust (small CNN)"),
                self.tr("Two convolution layers, trained with augmentation: slower, sturdier."),
            ),
        }

    def retranslate_ui(self) -> None:
        self.label.setText(self.tr("Network"))
        titles = self._titles()
        for index in range(self.combo.count()):
            key = self.combo.itemData(index)
            title, tip = titles.get(key, (PRESETS[key].title, PRESETS[key].description))
            self.combo.setItemText(index, title)
            self.combo.setItemData(index, tip, 3)  # Qt.ToolTipRole
        self.combo.setAccessibleName(self.tr("Network to train"))
        self.combo.setToolTip(titles.get(self.key(), ("", ""))[1])

    def key(self) -> str:
        return self.combo.currentData() or DEFAULT

    def set_key(self, key: str) -> None:
        index = self.combo.findData(key)
        if index < 0:
            raise ValueError(f"unknown preset {key!r}; choose from {', '.join(PRESETS)}")
        self.combo.setCurrentIndex(index)
        self.combo.setToolTip(self._titles().get(key, ("", ""))[1])
