""" "What the model sees": the 28x28 input, enlarged, with every pixel's edge visible.

The audience sees that the network gets 784 grey numbers, not a drawing.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

SIZE = 28


class ModelInputView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelInputView")
        self.retranslate_ui()
        self.setMinimumSize(112, 112)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._image = np.zeros((SIZE, SIZE), np.float32)

    def retranslate_ui(self) -> None:
        self.setAccessibleName(self.tr("What the model sees"))
        self.setToolTip(
            self.tr(
                "Your drawing as the network receives it: cropped, scaled to 20 pixels, "
                "centred in 28 by 28 pixels, 784 numbers between 0 and 1."
            )
        )

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def set_image(self, image: np.ndarray | None) -> None:
        """A (28, 28) array in [0, 1], or ``None`` for an empty input."""
        if image is None:
            self._image = np.zeros((SIZE, SIZE), np.float32)
        else:
            self._image = np.clip(np.asarray(image, np.float32).reshape(SIZE, SIZE), 0, 1)
        self.update()

    def image(self) -> np.ndarray:
        return self._image.copy()

    def sizeHint(self) -> QSize:
        return QSize(196, 196)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return width

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().window())
        side = min(self.width(), self.height())
        cell = side / SIZE
        left = (self.width() - side) / 2
        top = (self.height() - side) / 2
        levels = (self._image * 255).astype(np.uint8)
        for row in range(SIZE):
            for col in range(SIZE):
                value = int(levels[row, col])
                painter.fillRect(
                    QRectF(left + col * cell, top + row * cell, cell + 0.5, cell + 0.5),
                    QColor(value, value, value),
                )
        if cell >= 3:  # a grid finer than that is a grey blur, not a help
            painter.setPen(QPen(QColor(70, 70, 70), 0))
            for i in range(SIZE + 1):
                offset = i * cell
                painter.drawLine(QLineF(left + offset, top, left + offset, top + side))
                painter.drawLine(QLineF(left, top + offset, left + side, top + offset))
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(QRectF(left, top, side - 1, side - 1))
        painter.end()
