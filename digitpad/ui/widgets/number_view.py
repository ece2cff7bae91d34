"""A whole number read from the wide pad: the number large, then one small bar chart
per digit (what that digit's 28x28 input looked like, and the network's ten
probabilities for it). A digit the reading is unsure of is orange, with a "?".

Repainted only when the reading changes (at most once per pen-up, number mode only). Its
cost is bounded whatever was written: with many digits each cell shows only its 28x28
input (no bars too narrow to read), and cells narrower than a few pixels are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.ui.i18n import Retranslatable
from digitpad.ui.widgets.model_input_view import GREYS

BAR = QColor(70, 120, 190)
SURE = QColor(70, 150, 240)
UNSURE = QColor(240, 150, 30)
TRACK = QColor(128, 128, 128, 50)
HINT = QColor(140, 140, 140)
MIN_BARS = 56  # px a digit's cell needs for ten readable bars; narrower: its input only
MIN_CELL = 6  # px: narrower cells (hundreds of digits) are not drawn at all


@dataclass(frozen=True)
class ShownDigit:
    digit: int
    probabilities: np.ndarray  # (10,)
    image: np.ndarray  # (28, 28) in [0, 1]
    unsure: bool
    why: str  # translated, or ""


class NumberView(Retranslatable, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("numberView")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._digits: tuple[ShownDigit, ...] = ()
        self._marks = False  # something is written, but none of it reads as a digit
        self._thumbs: list[QImage] = []
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setAccessibleName(self.tr("The number read"))
        self._update_description()
        self.update()

    def set_digits(self, digits, *, marks: bool = False) -> None:
        """A sequence of :class:`ShownDigit` (empty: nothing written, or with ``marks``
        only marks that are no digit: a dot, a dash)."""
        digits = tuple(digits)
        marks = marks and not digits
        if _same(digits, self._digits) and marks == self._marks:
            return
        # A digit whose input is the very same array as before keeps its picture (the
        # reader hands the unchanged digits of a long number back as they were).
        known = {id(d.image): t for d, t in zip(self._digits, self._thumbs, strict=True)}
        self._thumbs = [known.get(id(d.image)) or _thumb(d.image) for d in digits]
        self._digits = digits
        self._marks = marks
        self._update_description()
        self.update()

    def text(self) -> str:
        return "".join(str(d.digit) for d in self._digits)

    def no_digit(self) -> bool:
        """Something is written, but none of it reads as a digit."""
        return self._marks

    def _empty_text(self) -> str:
        if self._marks:
            return self.tr("No digit here: a dot or a line alone is not a digit")
        return self.tr("Write a number on the wide pad: each digit is read on its own")

    def unsure_note(self) -> str:
        """ "? 2: touching digits split by a guess" for the first unsure digit, or ""."""
        for i, shown in enumerate(self._digits):
            if shown.unsure:
                return f"? {i + 1}: {shown.why}" if shown.why else f"? {i + 1}"
        return ""

    def sizeHint(self) -> QSize:
        return QSize(480, 220)

    def minimumSizeHint(self) -> QSize:
        return QSize(240, 140)

    def _update_description(self) -> None:
        if not self._digits:
            self.setAccessibleDescription(
                self._empty_text() if self._marks else self.tr("Nothing written yet")
            )
            return
        unsure = [str(i + 1) for i, d in enumerate(self._digits) if d.unsure]
        text = self.tr("Reads {0}").format(self.text())
        if unsure:
            text += " — " + self.tr("unsure of digit {0}").format(", ".join(unsure))
        self.setAccessibleDescription(text)

    # -- painting --------------------------------------------------------------------
    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(self.rect(), self.palette().window())
        width, height = self.width(), self.height()
        if not self._digits:
            painter.setPen(HINT)
            font = QFont(self.font())
            font.setPixelSize(max(12, round(height * 0.09)))
            painter.setFont(font)
            painter.drawText(
                QRectF(0, 0, width, height),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self._empty_text(),
            )
            painter.end()
            return
        n = len(self._digits)
        number_h = height * 0.38
        note = self.unsure_note()
        note_h = 0.0
        if note:  # why a digit is orange, in one line under the number
            font = QFont(self.font())
            font.setPixelSize(max(10, min(16, round(height * 0.06))))
            note_h = QFontMetricsF(font).height() + 2
            painter.setFont(font)
            painter.setPen(UNSURE)
            metrics = QFontMetricsF(font)
            elided = metrics.elidedText(note, Qt.TextElideMode.ElideRight, width - 8)
            painter.drawText(
                QRectF(4, number_h - note_h, width - 8, note_h),
                Qt.AlignmentFlag.AlignCenter,
                elided,
            )
        self._paint_number(painter, QRectF(0, 0, width, number_h - note_h))
        cell_w = min(width / n, height * 0.9)
        left = (width - cell_w * n) / 2
        if cell_w < MIN_CELL:
            painter.end()
            return
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)  # bars: whole pixels
        for i, (shown, thumb) in enumerate(zip(self._digits, self._thumbs, strict=True)):
            cell = QRectF(left + i * cell_w, number_h, cell_w, height - number_h)
            self._paint_cell(painter, cell.adjusted(4, 4, -4, -2), shown, thumb)
        painter.end()

    def _paint_number(self, painter: QPainter, area: QRectF) -> None:
        font = QFont(self.font())
        font.setBold(True)
        font.setPixelSize(max(14, round(area.height() * 0.8)))
        metrics = QFontMetricsF(font)
        advance = metrics.horizontalAdvance("0") * 1.15
        question = metrics.horizontalAdvance("?") * 0.5
        total = advance * len(self._digits)
        if total > area.width() * 0.95:  # many digits: smaller type, never clipped
            font.setPixelSize(max(10, int(font.pixelSize() * area.width() * 0.95 / total)))
            metrics = QFontMetricsF(font)
            advance = metrics.horizontalAdvance("0") * 1.15
            question = metrics.horizontalAdvance("?") * 0.5
            total = advance * len(self._digits)
        painter.setFont(font)
        x = area.left() + (area.width() - total) / 2
        for shown in self._digits:
            box = QRectF(x, area.top(), advance, area.height())
            painter.setPen(UNSURE if shown.unsure else self.palette().windowText().color())
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, str(shown.digit))
            if shown.unsure:
                small = QFont(font)
                small.setPixelSize(max(8, font.pixelSize() // 2))
                painter.setFont(small)
                mark = QRectF(box.right() - question, area.top(), question * 2, area.height() / 2)
                painter.drawText(mark, Qt.AlignmentFlag.AlignCenter, "?")
                painter.setFont(font)
            x += advance

    def _paint_cell(self, painter: QPainter, cell: QRectF, shown: ShownDigit, thumb: QImage):
        if cell.width() < MIN_BARS:  # many digits: the input only, framed as the bars are
            side = min(cell.width(), cell.height() * 0.55)
            picture = QRectF(cell.left() + (cell.width() - side) / 2, cell.top(), side, side)
            painter.drawImage(picture, thumb)
            painter.setPen(UNSURE if shown.unsure else self.palette().mid().color())
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(picture)
            return
        side = min(cell.width() * 0.45, cell.height() * 0.55)
        picture = QRectF(cell.left() + (cell.width() - side) / 2, cell.top(), side, side)
        painter.drawImage(picture, thumb)
        painter.setPen(UNSURE if shown.unsure else self.palette().mid().color())
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(picture)
        bars = QRectF(cell.left(), picture.bottom() + 4, cell.width(), 0)
        bars.setBottom(cell.bottom() - 2)
        font = QFont(self.font())
        font.setPixelSize(max(9, min(14, round(bars.height() * 0.22))))
        painter.setFont(font)
        label_h = QFontMetricsF(font).height()
        track_h = bars.height() - label_h
        column = bars.width() / 10
        for digit, p in enumerate(np.asarray(shown.probabilities, np.float32)):
            x = bars.left() + digit * column + column * 0.15
            w = column * 0.7
            painter.fillRect(QRectF(x, bars.top(), w, track_h), TRACK)
            h = track_h * float(p)
            colour = (UNSURE if shown.unsure else SURE) if digit == shown.digit else BAR
            painter.fillRect(QRectF(x, bars.top() + track_h - h, w, h), colour)
            painter.setPen(self.palette().windowText().color())
            label = QRectF(bars.left() + digit * column, bars.top() + track_h, column, label_h)
            painter.drawText(label, Qt.AlignmentFlag.AlignCenter, str(digit))


def _thumb(image: np.ndarray) -> QImage:
    levels = (np.clip(np.asarray(image, np.float32).reshape(28, 28), 0, 1) * 255 + 0.5).astype(
        np.uint8
    )
    pixels = np.ascontiguousarray(GREYS[levels])
    return QImage(pixels.data, 28, 28, 4 * 28, QImage.Format.Format_RGB32).copy()


def _same(a: tuple[ShownDigit, ...], b: tuple[ShownDigit, ...]) -> bool:
    return len(a) == len(b) and all(
        x.digit == y.digit
        and x.unsure == y.unsure
        and x.why == y.why
        and np.array_equal(x.probabilities, y.probabilities)
        and np.array_equal(x.image, y.image)
        for x, y in zip(a, b, strict=True)
    )
