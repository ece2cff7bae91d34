"""The 28x28 input the network reads."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QSize

from digitpad.ui.teach.network.card import LayerCard
from digitpad.ui.teach.network.pixels import GAP, TABLE, levels


class InputCard(LayerCard):
    def header_lines(self) -> list[str]:
        return [
            QCoreApplication.translate("LayerStack", "input"),
            "28×28",
            QCoreApplication.translate("LayerStack", "784 pixels"),
        ]

    def picture_size(self, room: int) -> QSize:
        side = 28 * max(1, min(3, room // 28))
        return QSize(side, side)

    def _render(self) -> np.ndarray:
        side = self.picture.width()
        scale = max(1, side // 28)
        if self._output is None:
            return np.full((side, side), TABLE[GAP], np.uint32)
        image = np.asarray(self._output, np.float32).reshape(28, 28)
        big = np.repeat(np.repeat(levels(image, 1.0), scale, 0), scale, 1)
        return np.ascontiguousarray(TABLE[big])
