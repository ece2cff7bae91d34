"""Small painted widgets shared by the teaching views: a digit image and probability bars."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.ui.widgets.model_input_view import cell_square

ACCENT = QColor(33, 150, 243)
MUTED = QColor(120, 144, 156)


def to_uint8(image: np.ndarray) -> np.ndarray:
    """28x28 float in [0, 1] or uint8 -> contiguous uint8."""
    array = np.asarray(image)
    if array.dtype != np.uint8:
        array = np.round(np.clip(array, 0, 1) * 255).astype(np.uint8)
    return np.ascontiguousarray(array)


def grey_qimage(image: np.ndarray) -> QImage:
    """A grey numpy image as a QImage that owns its pixels (safe after the array dies)."""
    array = to_uint8(image)
    h, w = array.shape
    return QImage(array.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


class DigitImage(QWidget):
    """A 28x28 image drawn with square pixels, scaled to fit, white on black.

    Kept as 32-bit pixels, which Qt scales about ten times faster than 8-bit grey;
    an unchanged image is not repainted.
    """

    def __init__(self, size: int = 112, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._levels: tuple | None = None  # (shape, bytes) of the grey levels shown
        self._size = size
        self.setMinimumSize(size // 2, size // 2)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)

    def sizeHint(self) -> QSize:
        return QSize(self._size, self._size)

    def set_image(self, image: np.ndarray | None) -> None:
        levels = None if image is None else to_uint8(image)
        key = None if levels is None else (levels.shape, levels.tobytes())
        if key == self._levels:
            return
        self._levels = key
        self._image = (
            None
            if levels is None
            else grey_qimage(levels).convertToFormat(QImage.Format.Format_RGB32)
        )
        self.update()

    def square(self) -> QRect:
        """Where the image goes, as in "what the model sees" (a half-pixel offset here
        once left a black column outside the frame)."""
        return cell_square(self.width(), self.height())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        target = self.square()
        painter.fillRect(target, Qt.GlobalColor.black)
        if self._image is not None:
            painter.drawImage(target, self._image)
        painter.setPen(MUTED)
        painter.drawRect(target.adjusted(0, 0, -1, -1))


class ProbabilityBars(QWidget):
    """Ten vertical bars labelled 0-9; the top guess is highlighted."""

    def __init__(self, compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._probabilities: np.ndarray | None = None
        self._compact = compact
        self.setMinimumSize(*((60, 28) if compact else (160, 80)))

    def sizeHint(self) -> QSize:
        return QSize(70, 34) if self._compact else QSize(240, 110)

    def set_probabilities(self, probabilities: np.ndarray | None) -> None:
        new = None if probabilities is None else np.asarray(probabilities, float)
        old, self._probabilities = self._probabilities, new
        if old is None or new is None or old.shape != new.shape or (old != new).any():
            self.update()

    def probabilities(self) -> np.ndarray | None:
        return self._probabilities

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        label_h = 0 if self._compact else painter.fontMetrics().height()
        value_h = 0 if self._compact else painter.fontMetrics().height()
        width = self.width() / 10
        base = self.height() - label_h
        top = value_h
        best = None if self._probabilities is None else int(np.argmax(self._probabilities))
        heights = []
        for digit in range(10):
            x = digit * width
            p = 0.0 if self._probabilities is None else float(self._probabilities[digit])
            bar_h = max(1.0, p * (base - top))
            heights.append((p, bar_h))
            colour = ACCENT if digit == best else MUTED
            painter.fillRect(QRectF(x + width * 0.15, base - bar_h, width * 0.7, bar_h), colour)
            if not self._compact:
                painter.setPen(self.palette().text().color())
                painter.drawText(
                    QRectF(x, base, width, label_h), Qt.AlignmentFlag.AlignCenter, str(digit)
                )
        if self._compact:
            return
        # Percent labels, the likeliest first, centred over their bars (kept inside the
        # widget, so "100%" is never clipped); one that would overlap a label already
        # drawn is left out (neighbours at 17% and 50% collided in large type).
        drawn: list[QRectF] = []
        for digit in sorted(range(10), key=lambda d: -heights[d][0]):
            p, bar_h = heights[digit]
            if p < 0.01:
                break
            text = f"{p:.0%}"
            text_w = painter.fontMetrics().horizontalAdvance(text) + 2
            centre = digit * width + width / 2
            left = max(0.0, min(self.width() - text_w, centre - text_w / 2))
            rect = QRectF(left, base - bar_h - value_h, text_w, value_h)
            if any(rect.intersects(other) for other in drawn):
                continue
            drawn.append(rect)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
