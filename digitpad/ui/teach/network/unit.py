"""One hidden unit close up: its weights as a large picture and its numbers."""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QLabel, QToolButton, QVBoxLayout, QWidget

from digitpad.ui.i18n import Retranslatable
from digitpad.ui.teach.network.pixels import argb, wrap
from digitpad.ui.teach.network.text import TextStableRow, number_text, set_text
from digitpad.ui.teach.network.tiles import weight_colours


class UnitView(Retranslatable, QWidget):
    """One hidden unit close up: its 784 weights as a large 28x28 picture, how strongly
    it fires for the drawing, and what it passes on to the ten outputs. The grid's tiles
    are ~12-20 px on a projector, a texture from the back of a room; a clicked tile is
    shown here large enough to be read."""

    closed = Signal()
    stepped = Signal(int)  # -1 / +1: the previous / next tile in the grid's order

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.unit: int | None = None
        self._units = 0
        self._weights: np.ndarray | None = None  # (784,) the unit's input weights
        self._outputs: np.ndarray | None = None  # (10,) its weights to the outputs
        self._state: tuple = (None, None, None, None, True)  # see set_state
        self.picture = QLabel()
        self.picture.setObjectName("unitPicture")
        self.picture.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text = QLabel()
        self.text.setObjectName("unitText")
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.text.setMinimumWidth(120)
        self.close_button = QToolButton()
        self.close_button.setObjectName("unitClose")
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.closed)
        self.previous_button, self.next_button = QToolButton(), QToolButton()
        buttons = QVBoxLayout()  # one button wide: the close-up stays narrow
        buttons.addWidget(self.close_button)
        for button, text, step in ((self.previous_button, "◀", -1), (self.next_button, "▶", 1)):
            button.setText(text)
            button.setAutoRaise(True)
            button.clicked.connect(lambda _checked=False, step=step: self.stepped.emit(step))
            buttons.addWidget(button)
        buttons.addStretch(1)
        layout = self._layout = TextStableRow(self)  # new numbers: no new layout
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.close_button.setToolTip(self.tr("Close the close-up"))
        self.previous_button.setToolTip(self.tr("The tile before it in the grid (←)"))
        self.next_button.setToolTip(self.tr("The tile after it in the grid (→)"))
        self._show_text()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode's large type
            self._show_picture()

    def set_unit(self, unit: int | None, weights=None, outputs=None, units: int = 0) -> None:
        """Show ``unit`` (of ``units``) with its input ``weights`` (784,) and its weights
        to the ten outputs (``None`` when the next layer is not a plain Dense 10)."""
        self.unit = unit
        self._units = units
        self._weights = None if weights is None else np.asarray(weights, np.float32)
        self._outputs = None if outputs is None else np.asarray(outputs, np.float32)
        self._show_picture()
        self._show_text()

    def set_state(self, activations, probabilities, order, weighted_sum=None, relu=True) -> None:
        """The drawing's hidden activations and output probabilities (``None``: no drawing),
        the grid's order (for the unit's rank), the unit's weighted sum before its
        activation, and whether that activation is relu (what "fires" means here)."""
        self._state = (activations, probabilities, order, weighted_sum, relu)
        self._show_text()

    def picture_side(self) -> int:
        """The picture's side: about six lines of text, so it grows with the type (up to
        160 px: with its text beside it, the close-up stays narrower than the tiles'
        own least width, so opening it never takes width from the pad)."""
        return int(min(160, max(112, 6 * self.fontMetrics().height())))

    def _show_picture(self) -> None:
        if self._weights is None:
            self.picture.clear()
            return
        peak = float(np.abs(self._weights).max()) or 1.0
        rgb = np.rint(weight_colours(self._weights.reshape(28, 28) / peak))
        pixels = np.ascontiguousarray(argb(rgb))
        side = self.picture_side()
        image = wrap(pixels, 1.0).scaled(
            side,
            side,
            Qt.AspectRatioMode.IgnoreAspectRatio,
            Qt.TransformationMode.FastTransformation,
        )  # scaled() copies: ``pixels`` need not outlive it
        self.picture.setPixmap(QPixmap.fromImage(image))

    def _show_text(self) -> None:
        if self.unit is None or self._weights is None:
            self.text.setText("")
            return
        activations, probabilities, order, weighted_sum, relu = self._state
        title = self.tr("Unit {0} of {1}").format(str(self.unit + 1), str(self._units))
        lines = [
            f"<b>{html.escape(title)}</b>",
            self.tr("Red: ink there raises its sum; blue: ink there lowers it."),
        ]
        if activations is None:
            lines.append(self.tr("Draw a digit to see how strongly it fires."))
        elif not relu:  # sigmoid, tanh, softmax...: no "silent" to speak of
            lines.append(
                self.tr("Its output for your drawing: {0}.").format(
                    number_text(float(activations[self.unit]))
                )
            )
        else:
            value = float(activations[self.unit])
            if value > 0:
                rank = int(np.flatnonzero(np.asarray(order) == self.unit)[0]) + 1
                lines.append(
                    self.tr("Fires {0} for your drawing: number {1} of the {2} that fire.").format(
                        f"{value:.2f}", str(rank), str(int((activations > 0).sum()))
                    )
                )
            elif weighted_sum is not None:
                lines.append(
                    self.tr("Silent for your drawing: its sum is {0}, and relu makes it 0.").format(
                        number_text(weighted_sum)
                    )
                )
            else:
                lines.append(self.tr("Silent for your drawing: relu makes it 0."))
        if self._outputs is not None and len(self._outputs) == 10:
            ranked = np.argsort(-self._outputs, kind="stable")
            most = ", ".join(
                f"{d} ({number_text(self._outputs[d], signed=True)})" for d in ranked[:2]
            )
            least = f"{ranked[-1]} ({number_text(self._outputs[ranked[-1]], signed=True)})"
            lines.append(
                self.tr("What it passes on: most to {0}; least to {1}.").format(most, least)
            )
            firing = activations is not None and activations[self.unit] != 0
            if firing and probabilities is not None:  # a silent unit passes nothing on
                digit = int(np.argmax(probabilities))
                push = float(activations[self.unit]) * float(self._outputs[digit])
                lines.append(
                    self.tr("Now it adds {0} to the score of {1}.").format(
                        number_text(push, signed=True), str(digit)
                    )
                )
        set_text(self._layout, self.text, "<br>".join(lines), may_be_taller=True)

    def text_shown(self) -> str:
        return self.text.text()
