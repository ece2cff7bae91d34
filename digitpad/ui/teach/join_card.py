"""The join card: what the room needs to reach the session, big enough for the back row.

A QR code of the session's address (``segno``; drawn with whole screen pixels per module,
dark on white whatever the palette, so a phone reads it off a projector), the address
itself as selectable text, the room code large, and what to do when the computer has no
address the room can reach: a one-line note and a "Local demo" button.

Wiring: ``set_address(url, room_code, note)``; ``set_interfaces([(label, address), ...],
current)`` when the computer has several networks (the chooser shows from two on and
emits ``interfaceChosen(address)``); ``localDemoRequested()`` when the presenter asks
for a session this computer alone can join.
"""

from __future__ import annotations

import numpy as np
import segno
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from digitpad.ui.i18n import Retranslatable
from digitpad.ui.teach.common import grey_qimage

QUIET_ZONE = 4  # modules of white around the code, as the standard asks


class QrCode(QWidget):
    """A QR code as large as the width allows (and ``max_side``), square modules."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None  # one pixel per module, quiet zone included
        self._text = ""
        self._max_side = 100_000
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def set_text(self, text: str | None) -> None:
        self._text = text or ""
        self._image = None
        if self._text:
            code = segno.make(self._text, error="m")
            modules = np.array([list(row) for row in code.matrix], bool)
            modules = np.pad(modules, QUIET_ZONE, constant_values=False)
            self._image = grey_qimage(np.where(modules, 0, 255).astype(np.uint8))
        self.updateGeometry()
        self.update()

    def text(self) -> str:
        return self._text

    def image(self) -> QImage | None:
        """The code at one pixel per module (quiet zone included)."""
        return self._image

    def modules(self) -> int:
        return 0 if self._image is None else self._image.width()

    def set_max_side(self, side: int) -> None:
        """No taller than this: the card keeps its address and room code in view."""
        side = max(self.minimumSizeHint().height(), int(side))
        if side != self._max_side:
            self._max_side = side
            self.updateGeometry()

    def side(self) -> int:
        """The drawn code's side in pixels: a whole number of pixels per module."""
        n = self.modules()
        if n == 0:
            return 0
        room = min(self.width(), self.height(), self._max_side)
        return max(1, room // n) * n

    def pixmap(self) -> QPixmap | None:
        """The code as drawn now (nearest-neighbour scaled)."""
        if self._image is None:
            return None
        side = max(self.side(), self.modules())
        return QPixmap.fromImage(self._image.scaled(side, side))  # no smoothing: crisp

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self.minimumSizeHint().height(), min(width, self._max_side))

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    def minimumSizeHint(self) -> QSize:
        side = 2 * (self.modules() or 41)  # two pixels a module: still scannable up close
        return QSize(side, side)

    def paintEvent(self, _event) -> None:
        if self._image is None:
            return
        side = self.side()
        target = QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side)
        painter = QPainter(self)
        painter.fillRect(target, QColor(255, 255, 255))
        painter.drawImage(target, self._image)  # no SmoothPixmapTransform: nearest


class FitLabel(QLabel):
    """Plain, selectable text on one line, ``scale`` times the surrounding type or as
    large as fits the width (an address has no spaces to wrap at, and a label as wide
    as its text would make the whole column scroll sideways)."""

    MIN_POINTS = 7.0

    def __init__(self, scale: float, bold: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._scale, self._bold = scale, bold
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height())

    def setText(self, text: str) -> None:
        super().setText(text)
        self.fit()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.fit()

    def fit(self) -> None:
        parent = self.parentWidget()
        font = QFont(parent.font() if parent is not None else QApplication.font())
        font.setBold(self._bold)
        points = font.pointSizeF() * self._scale
        width = self.contentsRect().width() - 2 * self.margin() - 4
        font.setPointSizeF(points)
        advance = QFontMetricsF(font).horizontalAdvance(self.text())
        if advance > width > 0:
            points = max(self.MIN_POINTS, points * width / advance)
            font.setPointSizeF(points)
            while points > self.MIN_POINTS and (
                QFontMetricsF(font).horizontalAdvance(self.text()) > width
            ):
                points = max(self.MIN_POINTS, points - 0.5)
                font.setPointSizeF(points)
        if font != self.font():
            self.setFont(font)


class JoinCard(Retranslatable, QWidget):
    interfaceChosen = Signal(str)  # the address of the network the presenter picked
    localDemoRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._url: str | None = None
        self._room_code: str | None = None
        self._note = ""
        self.qr = QrCode()
        self.address_label = FitLabel(1.5, bold=True)
        self.room_label = FitLabel(2.2, bold=True)
        self.interfaces = QComboBox()
        self.interfaces.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.interfaces.setMinimumContentsLength(12)
        self.interfaces.activated.connect(self._interface_activated)
        self.interfaces.hide()
        self.note_label = QLabel()
        self.note_label.setWordWrap(True)
        self.note_label.setTextFormat(Qt.TextFormat.PlainText)
        self.local_demo_button = QPushButton()
        self.local_demo_button.clicked.connect(self.localDemoRequested)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.qr)
        layout.addWidget(self.address_label)
        layout.addWidget(self.room_label)
        layout.addWidget(self.interfaces)
        layout.addWidget(self.note_label)
        layout.addWidget(self.local_demo_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.local_demo_button.setText(self.tr("Local demo (this computer only)"))
        self.qr.setAccessibleName(self.tr("QR code of the session's address"))
        self._show()

    # -- wiring ---------------------------------------------------------------------------
    def set_address(self, url: str | None, room_code: str | None, note: str = "") -> None:
        """The session's address (``None``: none the room can reach), its room code and
        a one-line note under them (what to do when there is no address)."""
        self._url, self._room_code, self._note = url or None, room_code, note
        self.qr.set_text(self._url)
        self._show()

    def set_interfaces(self, interfaces: list[tuple[str, str]], current: str | None) -> None:
        """The computer's networks as ``(label, address)``; a chooser shows from two on."""
        box = self.interfaces
        box.blockSignals(True)
        box.clear()
        for label, address in interfaces:
            box.addItem(label, address)
        index = box.findData(current)
        box.setCurrentIndex(max(0, index) if box.count() else -1)
        box.blockSignals(False)
        box.setVisible(box.count() > 1)

    def url(self) -> str | None:
        return self._url

    def fit(self) -> None:
        """Size the large lines again (after a change of type: presenter mode)."""
        self.address_label.fit()
        self.room_label.fit()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == event.Type.FontChange:
            self.fit()

    # -- internals ------------------------------------------------------------------------
    def _show(self) -> None:
        url = self._url
        self.qr.setVisible(url is not None)
        self.address_label.setText(url or "")
        self.address_label.setVisible(url is not None)
        code = self._room_code
        self.room_label.setText(self.tr("Room {0}").format(code) if code else "")
        self.room_label.setVisible(bool(code))
        note = self._note
        if not note and url is None:
            note = self.tr("No network address found: phones cannot reach this computer.")
        self.note_label.setText(note)
        self.note_label.setVisible(bool(note))
        self.local_demo_button.setVisible(url is None)

    def _interface_activated(self, index: int) -> None:
        address = self.interfaces.itemData(index)
        if address:
            self.interfaceChosen.emit(str(address))
