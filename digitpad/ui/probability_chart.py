"""Ten bars, one per digit, like the tutorial's ``PROBABILITY | NUMBER`` table.

The most probable digit is highlighted and repeated large on the left, readable from
the back of a room. With nothing drawn the chart says so instead of inventing a guess.
Custom-painted: ten rectangles are simpler and faster than a QtCharts bar series.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

HIGHLIGHT = QColor(230, 120, 20)
BAR = QColor(70, 120, 190)
TRACK = QColor(128, 128, 128, 40)


class ProbabilityChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probabilityChart")
        self.setMinimumSize(420, 170)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._probabilities: np.ndarray | None = None
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Names and descriptions; the painted captions are translated on every paint."""
        self.setAccessibleName(self.tr("Probability of each digit"))
        self.set_probabilities(self._probabilities)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    def set_probabilities(self, probabilities: np.ndarray | None) -> None:
        self._probabilities = None if probabilities is None else np.asarray(probabilities, float)
        if self._probabilities is None:
            self.setAccessibleDescription(self.tr("Nothing drawn yet."))
        else:
            digit = int(self._probabilities.argmax())
            self.setAccessibleDescription(
                self.tr("The model reads {0} ({1}% sure).").format(
                    digit, round(100 * self._probabilities[digit])
                )
            )
        self.update()

    def probabilities(self) -> np.ndarray | None:
        return None if self._probabilities is None else self._probabilities.copy()

    def predicted_digit(self) -> int | None:
        return None if self._probabilities is None else int(self._probabilities.argmax())

    def sizeHint(self) -> QSize:
        return QSize(640, 220)

    # -- painting --------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        rect = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        answer_width = min(170.0, rect.width() * 0.26)
        self._paint_answer(painter, QRectF(rect.left(), rect.top(), answer_width, rect.height()))
        bars = QRectF(
            rect.left() + answer_width + 12,
            rect.top(),
            rect.width() - answer_width - 12,
            rect.height(),
        )
        self._paint_bars(painter, bars)
        painter.end()

    def _paint_answer(self, painter: QPainter, rect: QRectF) -> None:
        text_color = self.palette().windowText().color()
        caption = QFont(self.font())
        caption.setPointSizeF(self.font().pointSizeF() * 1.0)
        painter.setFont(caption)
        painter.setPen(text_color)
        top = QRectF(rect.left(), rect.top(), rect.width(), rect.height() * 0.18)
        if self._probabilities is None:
            painter.drawText(top, Qt.AlignmentFlag.AlignCenter, self.tr("Prediction"))
            hint = QFont(self.font())
            hint.setPointSizeF(self.font().pointSizeF() * 1.3)
            painter.setFont(hint)
            painter.setPen(QColor(140, 140, 140))
            painter.drawText(
                rect,
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.tr("Draw a digit"),
            )
            return
        digit = int(self._probabilities.argmax())
        percent = 100 * float(self._probabilities[digit])
        painter.drawText(top, Qt.AlignmentFlag.AlignCenter, self.tr("Prediction"))
        big = QFont(self.font())
        big.setBold(True)
        big.setPixelSize(max(24, int(rect.height() * 0.58)))
        painter.setFont(big)
        painter.setPen(HIGHLIGHT)
        middle = QRectF(rect.left(), top.bottom(), rect.width(), rect.height() * 0.62)
        painter.drawText(middle, Qt.AlignmentFlag.AlignCenter, str(digit))
        painter.setFont(caption)
        painter.setPen(text_color)
        bottom = QRectF(rect.left(), middle.bottom(), rect.width(), rect.bottom() - middle.bottom())
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignCenter,
            self.tr("{0}% sure").format(_percent_text(percent)),
        )

    def _paint_bars(self, painter: QPainter, rect: QRectF) -> None:
        metrics = painter.fontMetrics()
        label_height = metrics.height() + 4
        slot = rect.width() / 10
        font = _fitted(QFont(self.font()), "100%", slot - 2)  # labels never overlap
        painter.setFont(font)
        digit_font = QFont(self.font())
        digit_font.setBold(True)
        digit_font.setPointSizeF(self.font().pointSizeF() * 1.3)
        bar_width = slot * 0.62
        plot_top = rect.top() + label_height
        plot_bottom = rect.bottom() - label_height * 1.35
        plot_height = max(1.0, plot_bottom - plot_top)
        winner = None if self._probabilities is None else int(self._probabilities.argmax())
        text_color = self.palette().windowText().color()
        for digit in range(10):
            x = rect.left() + slot * digit + (slot - bar_width) / 2
            painter.fillRect(QRectF(x, plot_top, bar_width, plot_height), TRACK)
            if self._probabilities is not None:
                value = float(self._probabilities[digit])
                height = plot_height * value
                color = HIGHLIGHT if digit == winner else BAR
                painter.fillRect(QRectF(x, plot_bottom - height, bar_width, height), color)
                painter.setFont(font)
                painter.setPen(text_color)
                painter.drawText(
                    QRectF(rect.left() + slot * digit, rect.top(), slot, label_height),
                    Qt.AlignmentFlag.AlignCenter,
                    f"{_percent_text(100 * value)}%",
                )
            painter.setFont(digit_font)
            painter.setPen(HIGHLIGHT if digit == winner else text_color)
            painter.drawText(
                QRectF(
                    rect.left() + slot * digit,
                    plot_bottom + 2,
                    slot,
                    rect.bottom() - plot_bottom - 2,
                ),
                Qt.AlignmentFlag.AlignCenter,
                str(digit),
            )


def _fitted(font: QFont, widest: str, width: float) -> QFont:
    """``font``, shrunk (not below 6 pt) until ``widest`` fits in ``width`` pixels."""
    advance = QFontMetricsF(font).horizontalAdvance(widest)
    if advance > width > 0:
        font.setPointSizeF(max(6.0, font.pointSizeF() * width / advance))
    return font


def _percent_text(percent: float) -> str:
    """Whole percents like the tutorial's table; '<1' rather than a misleading '0'."""
    if 0 < percent < 0.5:
        return "<1"
    return f"{percent:.0f}"
