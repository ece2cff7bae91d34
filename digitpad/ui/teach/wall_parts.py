"""The wall's small parts: a flowing row of buttons, a button that fits its column, a
plain-text label, the drawing tiles' painter, the counts per digit and the room's matrix.

Split from :mod:`digitpad.ui.teach.class_wall`, which lays them out and wires them.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPalette
from PySide6.QtWidgets import (
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionButton,
    QStylePainter,
    QWidget,
)

from digitpad.ui.teach.evaluation_view import ConfusionMatrix

# Blue and orange, as "Why this digit?" colours: a pair red-green colour-blind people
# tell apart (green and red are not); the ✓ and ✗ say it without colour too.
RIGHT = QColor(33, 140, 230)  # read right: blue, with a ✓
WRONG = QColor(245, 130, 20)  # read wrong: orange, with a ✗
NUMBER_ROLE = Qt.ItemDataRole.UserRole
IMAGE_ROLE = Qt.ItemDataRole.UserRole + 1  # the 28x28 input as a QImage (784 bytes)
STATUS_ROLE = Qt.ItemDataRole.UserRole + 2
RIGHT_ROLE = Qt.ItemDataRole.UserRole + 3
KEPT = ("number", "participant", "label", "reading", "round", "round_kind", "status")
REFRESH_MS = 100


# -- small parts -----------------------------------------------------------------------
class FlowLayout(QLayout):
    """Widgets left to right, wrapping to a new row when the width runs out (buttons
    whose texts, in Korean or presenter mode's type, would not fit in one row)."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items = []
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)

    def addItem(self, item) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int):
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int):
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, row = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            width = min(hint.width(), area.width())
            if x > area.x() and x + width > area.right() + 1:
                x, y, row = area.x(), y + row + self.spacing(), 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), QSize(width, hint.height())))
            x += width + self.spacing()
            row = max(row, hint.height())
        return y + row - rect.y() + margins.bottom()


def flow(*widgets: QWidget) -> FlowLayout:
    layout = FlowLayout()
    for widget in widgets:
        layout.addWidget(widget)
    return layout


class FitButton(QPushButton):
    """A push button that, given less width than its text needs, elides the text (the
    whole text in its tooltip) instead of making the column scroll sideways."""

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        least = self.fontMetrics().horizontalAdvance("M" * 8)
        return QSize(min(hint.width(), least), hint.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.setToolTip(self.text() if self._elided() != self.text() else "")

    def _elided(self) -> str:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        contents = self.style().subElementRect(
            QStyle.SubElement.SE_PushButtonContents, option, self
        )
        room = contents.width() - self.fontMetrics().horizontalAdvance(" ")
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, room)

    def paintEvent(self, _event) -> None:
        option = QStyleOptionButton()
        self.initStyleOption(option)
        if self.width() < self.sizeHint().width():
            option.text = self._elided()
        QStylePainter(self).drawControl(QStyle.ControlElement.CE_PushButton, option)


def plain_label(word_wrap: bool = True) -> QLabel:
    """A label that never reads its text as HTML (Qt's labels guess, by default)."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(word_wrap)
    return label


class TileDelegate(QStyledItemDelegate):
    """One drawing: the 28x28 image in a blue or orange frame, "meant → read ✓/✗", who."""

    def tile_size(self, font: QFont) -> QSize:
        metrics = QFontMetrics(font)
        side = self.image_side(font)
        bold = QFont(font)
        bold.setBold(True)
        width = max(side + 14, QFontMetrics(bold).horizontalAdvance("0→0 ✓") + 10)
        return QSize(width, side + 2 * metrics.height() + 12)

    @staticmethod
    def image_side(font: QFont) -> int:
        return max(56, int(QFontMetrics(font).height() * 2.4))

    def sizeHint(self, option, _index) -> QSize:
        return self.tile_size(option.font)

    def paint(self, painter: QPainter, option, index) -> None:
        painter.save()
        rect = option.rect.adjusted(2, 2, -2, -2)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        hidden = index.data(STATUS_ROLE) == "hidden"
        right = index.data(RIGHT_ROLE)
        colour = RIGHT if right else WRONG
        side = self.image_side(option.font)
        square = QRect(rect.x() + (rect.width() - side) // 2, rect.y() + 4, side, side)
        painter.fillRect(square, Qt.GlobalColor.black)
        image = index.data(IMAGE_ROLE)
        if isinstance(image, QImage):
            painter.drawImage(square, image)  # no smoothing: square pixels
        painter.setPen(QColor(colour).darker(110))
        for inset in range(3):
            painter.drawRect(square.adjusted(inset, inset, -1 - inset, -1 - inset))
        lines = (index.data(Qt.ItemDataRole.DisplayRole) or "").split("\n")
        metrics = QFontMetrics(option.font)
        text_rect = QRect(rect.x() + 2, square.bottom() + 3, rect.width() - 4, metrics.height())
        bold = QFont(option.font)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText) if selected else colour)
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignCenter, lines[0])
        if len(lines) > 1:
            painter.setFont(option.font)
            painter.setPen(
                palette.color(
                    QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
                )
            )
            name = metrics.elidedText(lines[1], Qt.TextElideMode.ElideRight, text_rect.width())
            painter.drawText(
                text_rect.translated(0, metrics.height()), Qt.AlignmentFlag.AlignCenter, name
            )
        if hidden:  # shown only with "Show hidden drawings" on: dimmed
            dim = QColor(palette.color(QPalette.ColorRole.Base))
            dim.setAlpha(170)
            painter.fillRect(rect, dim)
        painter.restore()


class DigitCounts(QWidget):
    """Ten small counts in a row, one per digit; as wide as it is given."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._counts = [0] * 10
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)

    def set_counts(self, counts) -> None:
        counts = [int(c) for c in counts]
        if counts != self._counts:
            self._counts = counts
            self.update()

    def counts(self) -> list[int]:
        return list(self._counts)

    def sizeHint(self) -> QSize:
        return QSize(300, self.fontMetrics().height() * 2 + 8)

    def minimumSizeHint(self) -> QSize:
        return QSize(100, self.sizeHint().height())

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        width = self.width() / 10
        line = self.fontMetrics().height()
        text = self.palette().color(QPalette.ColorRole.WindowText)
        muted = QColor(text)
        muted.setAlpha(150)
        bold = QFont(self.font())
        bold.setBold(True)
        widest = max(self._counts)
        if widest and QFontMetrics(bold).horizontalAdvance(str(widest)) > width - 2:
            bold.setPointSizeF(max(6.0, bold.pointSizeF() * 0.75))
        for digit, count in enumerate(self._counts):
            cell = QRectF(digit * width, 0, width, line)
            painter.setPen(muted)
            painter.setFont(self.font())
            painter.drawText(cell, Qt.AlignmentFlag.AlignCenter, str(digit))
            painter.setPen(text)
            painter.setFont(bold)
            painter.drawText(cell.translated(0, line + 2), Qt.AlignmentFlag.AlignCenter, str(count))


class SquareMatrix(ConfusionMatrix):
    """The evaluation view's matrix, as tall as the column is wide."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumSize(220, 220)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(220, min(width, 520))

    def sizeHint(self) -> QSize:
        return QSize(320, 320)


# -- the wall ----------------------------------------------------------------------------
