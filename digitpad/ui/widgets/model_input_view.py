""" "What the model sees": the 28x28 input, enlarged, with every pixel's edge visible.

The audience sees that the network gets 784 grey numbers, not a drawing.
It follows every pen move, so a paint is one plain copy of a picture made at the
square's size: each of the 28x28 grey levels repeated over its cell and the grid lines
set, by numpy into a buffer kept from paint to paint (Qt's scaled blit of the 28x28
image and a transparent grid drawn over it cost ~0.5 M machine instructions a move, more
than a tenth of a move's work). A move that leaves the 784 grey levels unchanged does
not repaint at all.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.ui.i18n import Retranslatable

SIZE = 28
GRID = QColor(70, 70, 70)
GRID_RGB = GRID.rgba() & 0xFFFFFFFF
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
        self._pixels = GREYS[self._levels]  # (28, 28) 0xffRRGGBB, replaced, never mutated
        self._square = self._fit()
        self._explained: QImage | None = None  # "why this digit?" colours, when shown
        self._explained_pixels: np.ndarray | None = None  # the same, (28, 28) 0xffRRGGBB
        self._picture: _Picture | None = None  # what the square shows, at its size
        self._picture_stale = True  # the 784 pixels changed since it was made

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
            self._picture = None  # the frame's colour
        super().changeEvent(event)  # Retranslatable: a language change retranslates

    def set_image(self, image: np.ndarray | None) -> None:
        """A (28, 28) array in [0, 1], or ``None`` for an empty input."""
        # On every pen move: ufuncs called directly (np.clip is three Python calls deep).
        if image is None:
            self._image = np.zeros((SIZE, SIZE), np.float32)
        else:
            image = np.asarray(image, np.float32).reshape(SIZE, SIZE)
            self._image = np.minimum(np.maximum(image, 0.0), 1.0)
        levels = (self._image * 255 + 0.5).astype(np.uint8)
        if levels.tobytes() == self._levels.tobytes():
            return  # the same 784 grey levels: nothing on screen changes
        self._levels = levels
        self._pixels = GREYS[levels]
        self._picture_stale = True
        self.update(self._square)

    def image(self) -> np.ndarray:
        return self._image.copy()

    def set_explanation(self, picture: QImage | None) -> None:
        """Show a 28x28 picture of what each pixel contributed instead of the grey
        input (``widgets.explanation.view_image``), or go back to the input."""
        if picture is None and self._explained is None:
            return
        self._explained = picture
        self._explained_pixels = None if picture is None else _pixels_of(picture)
        self._picture_stale = True
        self.update(self._square)

    def displayed_image(self) -> QImage:
        """The 28x28 image that is painted (a copy that owns its pixels, for checks)."""
        if self._explained is not None:
            return self._explained.copy()
        pixels = self._pixels
        return QImage(pixels.data, SIZE, SIZE, 4 * SIZE, QImage.Format.Format_RGB32).copy()

    def sizeHint(self) -> QSize:
        return QSize(196, 196)

    # -- painting --------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        self._square = self._fit()
        super().resizeEvent(event)

    def _fit(self) -> QRect:
        return cell_square(self.width(), self.height())

    def _current_picture(self, square: QRect) -> QImage:
        """The square's picture, made again only when the pixels, size or palette changed."""
        dpr = self.devicePixelRatioF()
        key = (square.width(), dpr)
        picture = self._picture
        if picture is None or picture.key != key:
            frame = self.palette().mid().color().rgba()
            picture = self._picture = _Picture(key, frame)
            self._picture_stale = True
        if self._picture_stale:
            shown = self._pixels if self._explained_pixels is None else self._explained_pixels
            picture.show(shown)
            self._picture_stale = False
        return picture.image

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        square = self._square
        if not square.contains(event.rect()):
            painter.fillRect(event.rect(), self.palette().window())
        image = self._current_picture(square)
        if image.width() == round(square.width() * image.devicePixelRatio()):
            painter.drawImage(square.topLeft(), image)  # a plain copy
        else:  # a fractional scale, or a square smaller than 28 px: Qt scales it
            painter.drawImage(square, image)
        painter.end()


def cell_square(width: int, height: int) -> QRect:
    """Where 28x28 pixels go in a ``width`` x ``height`` widget: centred on whole pixels,
    and a whole number of screen pixels a cell when there is room, so every cell is the
    same square size."""
    side = min(width, height)
    if side >= SIZE:
        side -= side % SIZE
    return QRect((width - side) // 2, (height - side) // 2, side, side)


class _Picture:
    """The 28x28 pixels at the square's size, with grid and frame, in a buffer that is
    written again in place for each new drawing (no allocation on a pen move)."""

    def __init__(self, key: tuple[int, float], frame: int) -> None:
        side, dpr = key
        self.key = key
        device = round(side * dpr)
        self.cell = cell = max(1, device // SIZE)  # device pixels a cell
        edge = SIZE * cell
        self._rows = np.empty((SIZE, edge), np.uint32)  # each row's cells widened
        self._pixels = np.empty((edge, edge), np.uint32)
        self._frame = frame & 0xFFFFFFFF
        self._thick = t = max(1, round(dpr))  # the frame: one logical pixel
        self._grid_row = np.full(edge, GRID_RGB, np.uint32)
        self._grid_row[:t] = self._grid_row[-t:] = self._frame
        self.image = QImage(self._pixels.data, edge, edge, 4 * edge, QImage.Format.Format_RGB32)
        if device == edge:
            self.image.setDevicePixelRatio(dpr)

    def show(self, pixels: np.ndarray) -> None:
        """Lay out ``pixels`` ((28, 28) 0xffRRGGBB) cell by cell, grid and frame over."""
        cell, rows, out, t = self.cell, self._rows, self._pixels, self._thick
        rows.reshape(SIZE, SIZE, cell)[...] = pixels[:, :, None]
        # The upright lines are set in the 28 widened rows, then copied down with them.
        if cell >= 3:  # a grid finer than that is a grey blur, not a help
            rows[:, cell::cell] = GRID_RGB
        rows[:, :t] = rows[:, -t:] = self._frame
        out.reshape(SIZE, cell, SIZE * cell)[...] = rows[:, None, :]
        if cell >= 3:
            out[cell::cell] = self._grid_row  # the frame kept at both ends
        out[:t] = out[-t:] = self._frame


def _pixels_of(picture: QImage) -> np.ndarray:
    """A 28x28 QImage's pixels as (28, 28) 0xffRRGGBB (a copy)."""
    image = picture.convertToFormat(QImage.Format.Format_RGB32)
    if (image.width(), image.height()) != (SIZE, SIZE):
        image = image.scaled(SIZE, SIZE)
    raw = np.frombuffer(image.constBits(), np.uint8, image.sizeInBytes())
    rows = raw.reshape(SIZE, image.bytesPerLine())[:, : 4 * SIZE]
    return np.ascontiguousarray(rows).view(np.uint32).copy()
