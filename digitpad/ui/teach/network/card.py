"""A layer's card: its header (name, shape, activation, weights) above its picture.

Not a widget: the stack lays the cards out left to right and paints them, so a new
drawing repaints only the pictures that changed."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QCoreApplication, QRect, QSize
from PySide6.QtGui import QImage, QPainter

from digitpad.ml.layers import LayerFacts


def tr(text: str) -> str:
    return QCoreApplication.translate("LayerStack", text)


class LayerCard:
    """Base card: the header and no picture (Reshape, Flatten, Dropout: no numbers of
    their own to show)."""

    selectable = False  # holds maps a click can open
    text_height = 16  # the stack's line height (large type in presenter mode)

    def __init__(self, facts: LayerFacts) -> None:
        self.facts = facts
        self.picture = QRect()  # where the stack put the picture (its coordinates)
        self.header = QRect()
        self._output: np.ndarray | None = None
        self._image: QImage | None = None
        self._pixels: np.ndarray | None = None  # what _image reads

    # -- texts ------------------------------------------------------------------------
    def header_lines(self) -> list[str]:
        facts = self.facts
        line = facts.shape_text
        if facts.activation:
            line += " · " + facts.activation
        lines = [facts.name, line]
        if facts.weights:
            lines.append(
                QCoreApplication.translate("LayerStack", "{0} weights").format(f"{facts.weights:,}")
            )
        elif self.facts.kind in ("Dropout",):
            lines.append(QCoreApplication.translate("LayerStack", "passes all at reading"))
        return lines

    # -- layout -----------------------------------------------------------------------
    def picture_size(self, room: int) -> QSize:
        """The picture's size for at most ``room`` pixels of width."""
        return QSize(0, 0)

    def place(self, picture: QRect) -> None:
        """The stack's layout: the picture's rect; the picture is built again."""
        if picture.size() != self.picture.size():
            self._layout(picture.size())
        self.picture = picture
        self._image = None

    def _layout(self, size: QSize) -> None:
        pass

    # -- the drawing ------------------------------------------------------------------
    def set_output(self, output: np.ndarray | None) -> bool:
        """This layer's output for the drawing (one image), ``None``: no drawing.
        True if the picture changes."""
        if output is None and self._output is None:
            return False
        if output is not None and self._output is output:
            return False
        self._output = output
        self._image = None
        return self.picture.width() > 0

    def output(self) -> np.ndarray | None:
        return self._output

    def image(self) -> QImage | None:
        if self._image is None and self.picture.width() > 0:
            self._pixels = self._render()
            if self._pixels is not None:
                from digitpad.ui.teach.network.pixels import wrap

                self._image = wrap(self._pixels)
        return self._image

    def _render(self) -> np.ndarray | None:
        return None

    def paint(self, painter: QPainter) -> None:
        image = self.image()
        if image is not None:
            painter.drawImage(self.picture.topLeft(), image)

    # -- maps -------------------------------------------------------------------------
    def maps(self) -> int:
        return 0

    def map_at(self, x: int, y: int) -> int | None:
        return None

    def map_rect(self, channel: int) -> QRect | None:
        return None
