"""Showing "why this digit?": per-pixel contributions as colours, and their legend.

Blue pixels pushed the network towards the digit it read, orange ones pushed against
it (or, comparing two digits, towards the other one); the stronger the push, the more
saturated the colour. Blue and orange are the pair of a diverging palette that stays
apart for the common colour-blindnesses (red-green) and on a washed-out projector.
The colours are scaled to the largest push in this drawing, so the legend says
"stronger" and "weaker", never a number that would mean nothing on its own.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.ui.i18n import Retranslatable

TOWARDS = np.array([33, 140, 230], np.float32)  # blue
AGAINST = np.array([245, 130, 20], np.float32)  # orange
BASE_DIM = 0.35  # the ink under the colours, dimmed so the colours lead


def _strength(contributions: np.ndarray) -> np.ndarray:
    """Signed strength in [-1, 1], scaled to this drawing's largest push."""
    c = np.asarray(contributions, np.float32).reshape(28, 28)
    peak = float(np.abs(c).max())
    return np.clip(c / peak, -1, 1) if peak > 0 else np.zeros_like(c)


def _pack(rgb: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    r, g, b = (np.clip(rgb[..., i] + 0.5, 0, 255).astype(np.uint32) for i in range(3))
    a = np.full(r.shape, 255, np.uint32) if alpha is None else alpha.astype(np.uint32)
    return np.ascontiguousarray((a << 24) | (r << 16) | (g << 8) | b)


def _qimage(pixels: np.ndarray, fmt: QImage.Format) -> QImage:
    h, w = pixels.shape
    return QImage(pixels.data, w, h, 4 * w, fmt).copy()  # owns its pixels


def _colours(t: np.ndarray) -> np.ndarray:
    return np.where(t[..., None] >= 0, TOWARDS, AGAINST)


def view_image(image: np.ndarray, contributions: np.ndarray) -> QImage:
    """The 28x28 input, dimmed, with each pixel coloured by its contribution."""
    t = _strength(contributions)
    base = np.asarray(image, np.float32).reshape(28, 28)[..., None] * (255 * BASE_DIM)
    a = np.abs(t)[..., None]
    rgb = base * (1 - a) + _colours(t) * a
    return _qimage(_pack(rgb), QImage.Format.Format_RGB32)


def overlay_image(contributions: np.ndarray) -> QImage:
    """The contributions alone, with alpha (transparent where a pixel did nothing), to
    lay over the drawing on the pad."""
    t = _strength(contributions)
    alpha = np.abs(t) ** 0.7 * 220  # faint pushes still show
    return _qimage(_pack(_colours(t), alpha), QImage.Format.Format_ARGB32)


class ExplanationLegend(Retranslatable, QWidget):
    """An orange-to-blue bar: "against 7" on the left, "for 7" on the right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("explanationLegend")
        self._target: int | None = None
        self._versus: int | None = None
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setAccessibleName(self.tr("Colour legend"))
        self.updateGeometry()
        self.update()

    def set_digits(self, target: int | None, versus: int | None) -> None:
        if (target, versus) != (self._target, self._versus):
            self._target, self._versus = target, versus
            self.update()

    def texts(self) -> tuple[str, str]:
        """(left, right) captions as painted."""
        if self._target is None:
            return "", ""
        if self._versus is None:
            return (
                self.tr("against {0}").format(self._target),
                self.tr("for {0}").format(self._target),
            )
        return (
            self.tr("for {0}").format(self._versus),
            self.tr("for {0}").format(self._target),
        )

    def sizeHint(self) -> QSize:
        line = QFontMetrics(self.font()).height()
        return QSize(160, 2 * line + 12)

    def minimumSizeHint(self) -> QSize:
        return QSize(100, self.sizeHint().height())

    def paintEvent(self, _event) -> None:
        # Imported here: PySide builds QGradient's ~180 presets with the class (~1.5 ms of
        # start-up), and the legend is painted only once "Why this digit?" is on.
        from PySide6.QtGui import QLinearGradient

        painter = QPainter(self)
        line = QFontMetrics(self.font()).height()
        bar = QRectF(2, 2, self.width() - 4, line)
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        gradient.setColorAt(0.0, QColor(*AGAINST.astype(int)))
        gradient.setColorAt(0.5, QColor(20, 20, 20))
        gradient.setColorAt(1.0, QColor(*TOWARDS.astype(int)))
        painter.fillRect(bar, gradient)
        left, right = self.texts()
        text = QRectF(2, bar.bottom() + 4, self.width() - 4, line + 4)
        painter.setPen(self.palette().windowText().color())
        painter.drawText(text, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, left)
        painter.drawText(text, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right)
        painter.end()
