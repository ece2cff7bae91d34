"""The ten outputs: one bar per digit, the winner in the accent colour."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QPainter

from digitpad.ui.teach.common import ACCENT
from digitpad.ui.teach.network.card import LayerCard
from digitpad.ui.teach.network.dense import STRIP_HEIGHT

BAR_WIDTH = 18


class OutputCard(LayerCard):
    def picture_size(self, room: int) -> QSize:
        units = self.facts.shape[-1]
        return QSize(min(room, units * (BAR_WIDTH + 4)), STRIP_HEIGHT + self.text_height + 2)

    def image(self):
        return None  # painted directly: ten bars and ten digits

    def paint(self, painter: QPainter) -> None:
        rect, units = self.picture, self.facts.shape[-1]
        step = rect.width() / units
        label_h = self.text_height + 2
        bottom = rect.bottom() - label_h
        painter.fillRect(rect.adjusted(0, 0, 0, -label_h), QColor(40, 40, 40))
        values = None if self._output is None else np.asarray(self._output).reshape(-1)
        best = None if values is None else int(np.argmax(values))
        for digit in range(units):
            left = int(rect.left() + digit * step)
            if values is not None:
                height = round((rect.height() - label_h) * float(values[digit]))
                colour = ACCENT if digit == best else QColor(158, 158, 158)
                painter.fillRect(
                    QRect(left + 2, bottom - height + 1, int(step) - 4, height), colour
                )
            painter.drawText(
                QRect(left, bottom + 1, int(step), label_h),
                Qt.AlignmentFlag.AlignCenter,
                str(digit),
            )
