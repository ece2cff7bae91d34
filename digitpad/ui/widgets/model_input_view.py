""" "What the model sees": the 28x28 input, enlarged, with every pixel's edge visible.

The audience sees that the network gets 784 grey numbers, not a drawing.
It follows every pen move, so a paint is one scaled blit of a 28x28 grey QImage (no
smoothing: pixels stay square) plus a grid cached per size, and a move that leaves the
784 grey levels unchanged does not repaint at all.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QLineF, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.ui.i18n import Retranslatable

SIZE = 28
GRID = QColor(70, 70, 70)
_GREY = np.arange(256, dtype=np.uint32)
GREYS = 0xFF000000 | (_GREY << 16) | (_GREY << 8) | _GREY  # level -> opaque 0xffRRGGBB


class ModelInputView(Retranslatable, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("modelInputView")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel
        self.retranslate_ui()
        self.setMinimumSize(84, 84)  # 3 px a cell: still the 28x28 grid
        # Its square is centred in whatever it gets (see _fit): no height-for-width, so a
        # crowded column (large type, "Why this digit?" open) shrinks it, not the texts.
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setSizePolicy(policy)
        self._image = np.zeros((SIZE, SIZE), np.float32)
        self._levels = np.zeros((SIZE, SIZE), np.uint8)
        self._qimage = self._wrap(self._levels)
        self._square = self._fit()
        self._grid: tuple[tuple, QPixmap] | None = None  # (size key, transparent overlay)
        self._explained: QImage | None = None  # "why this digit?" colours, when shown

    def retranslate_ui(self) -> None:
        self.setAccessibleName(self.tr("What the model sees"))
        self.setToolTip(
            self.tr(
                "Your drawing as the network receives it: cropped, scaled to 20 pixels, "
                "centred in 28 by 28 pixels, 784 numbers between 0 and 1."
            )
        )

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._grid = None
        super().changeEvent(event)  # Retranslatable: a language change retranslates

    def set_image(self, image: np.ndarray | None) -> None:
        """A (28, 28) array in [0, 1], or ``None`` for an empty input."""
        if image is None:
            self._image = np.zeros((SIZE, SIZE), np.float32)
        else:
            self._image = np.clip(np.asarray(image, np.float32).reshape(SIZE, SIZE), 0, 1)
        levels = (self._image * 255 + 0.5).astype(np.uint8)
        if levels.tobytes() == self._levels.tobytes():
            return  # the same 784 grey levels: nothing on screen changes
        self._levels = levels
        self._qimage = self._wrap(levels)
        self.update(self._square)

    def image(self) -> np.ndarray:
        return self._image.copy()

    def set_explanation(self, picture: QImage | None) -> None:
        """Show a 28x28 picture of what each pixel contributed instead of the grey
        input (``widgets.explanation.view_image``), or go back to the input."""
        if picture is None and self._explained is None:
            return
        self._explained = picture
        self.update(self._square)

    def displayed_image(self) -> QImage:
        """The 28x28 image that is painted (a copy that owns its pixels, for checks)."""
        return (self._qimage if self._explained is None else self._explained).copy()

    def sizeHint(self) -> QSize:
        return QSize(196, 196)

    # -- painting --------------------------------------------------------------------
    def _wrap(self, levels: np.ndarray) -> QImage:
        # 32-bit grey pixels: Qt scales those ~10x faster than Format_Grayscale8. No copy:
        # the QImage reads self._pixels, which is replaced, never mutated.
        self._pixels = GREYS[levels]
        return QImage(self._pixels.data, SIZE, SIZE, 4 * SIZE, QImage.Format.Format_RGB32)

    def resizeEvent(self, event) -> None:
        self._square = self._fit()
        super().resizeEvent(event)

    def _fit(self) -> QRect:
        """Where the pixels go: centred, and a whole number of screen pixels per cell
        when there is room, so every cell is the same square size."""
        side = min(self.width(), self.height())
        if side >= SIZE:
            side -= side % SIZE
        return QRect((self.width() - side) // 2, (self.height() - side) // 2, side, side)

    def _grid_overlay(self, square: QRect) -> QPixmap:
        """Grid lines and frame, drawn once per size on a transparent pixmap."""
        dpr = self.devicePixelRatioF()
        key = (square.width(), dpr)
        if self._grid is not None and self._grid[0] == key:
            return self._grid[1]
        side = square.width()
        pixmap = QPixmap(QSize(side, side) * dpr)
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        cell = side / SIZE
        if cell >= 3:  # a grid finer than that is a grey blur, not a help
            painter.setPen(QPen(GRID, 0))
            lines = []
            for i in range(1, SIZE):
                offset = i * cell
                lines += [QLineF(offset, 0, offset, side), QLineF(0, offset, side, offset)]
            painter.drawLines(lines)
        painter.setPen(QPen(self.palette().mid().color(), 1))
        painter.drawRect(0, 0, side - 1, side - 1)
        painter.end()
        self._grid = (key, pixmap)
        return pixmap

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        square = self._square
        if not square.contains(event.rect()):
            painter.fillRect(event.rect(), self.palette().window())
        shown = self._qimage if self._explained is None else self._explained
        painter.drawImage(square, shown)  # scaled without smoothing: crisp cells
        painter.drawPixmap(square.topLeft(), self._grid_overlay(square))
        painter.end()
