"""Why preprocessing matters: the drawing squashed naively vs. prepared like MNIST.

The right-hand column is exactly what the network reads: the pad's strokes re-drawn at
MNIST's pen width, fitted into 20x20 and centred (the window hands it over).
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from digitpad.ml.preprocess import naive_resize, to_mnist
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.teach.common import DigitImage, ProbabilityBars


class PreprocessLesson(Retranslatable, QWidget):
    """``set_drawing(canvas_array or None, prepared)``; ``set_predictor(predictor)``."""

    def __init__(self, predictor=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._predictor = predictor
        self._drawing: np.ndarray | None = None
        self._prepared: np.ndarray | None = None
        self.titles = [QLabel(), QLabel()]
        self.explanations = [QLabel(), QLabel()]
        self.images = [DigitImage(112), DigitImage(112)]  # grow with the room (row stretch)
        self.verdicts = [QLabel(), QLabel()]
        self.bars = [ProbabilityBars(), ProbabilityBars()]
        layout = QGridLayout(self)
        for column in range(2):
            # Bold by markup, not a style sheet: a widget with a sheet keeps the font and
            # colour it had then (small, dark on black in presenter mode).
            self.titles[column].setTextFormat(Qt.TextFormat.RichText)
            self.titles[column].setWordWrap(True)
            self.explanations[column].setWordWrap(True)
            self.verdicts[column].setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.verdicts[column].setWordWrap(True)
            # What happened first (image, reading, bars), then why: in large type on a
            # projector the explanation is what scrolls, not the result.
            layout.addWidget(self.titles[column], 0, column)
            layout.addWidget(self.images[column], 1, column)
            layout.addWidget(self.verdicts[column], 2, column)
            layout.addWidget(self.bars[column], 3, column)
            layout.addWidget(self.explanations[column], 4, column, Qt.AlignmentFlag.AlignTop)
        layout.setRowStretch(1, 3)
        layout.setRowStretch(3, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        for title, text in zip(
            self.titles,
            (self.tr("Whole canvas squashed to 28×28"), self.tr("Prepared like MNIST")),
            strict=True,
        ):
            title.setText(f"<b>{html.escape(text)}</b>")
        self.explanations[0].setText(
            self.tr("No cropping, no centring: the digit ends up small and off-centre.")
        )
        self.explanations[1].setText(
            self.tr(
                "Your strokes redrawn with MNIST's pen width, fitted into 20×20, centred "
                "by their centre of mass: brush and size no longer matter."
            )
        )
        self._refresh()  # the verdicts

    def set_predictor(self, predictor) -> None:
        self._predictor = predictor
        self._refresh()

    def set_drawing(self, drawing: np.ndarray | None, prepared: np.ndarray | None = None) -> None:
        """The pad's pixels and the network's input; without one, it is made from pixels."""
        self._drawing = None if drawing is None else np.asarray(drawing)
        self._prepared = None if prepared is None else np.asarray(prepared)
        self._refresh()

    def predictions(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(naive, MNIST-style) probabilities as currently shown."""
        return self.bars[0].probabilities(), self.bars[1].probabilities()

    def _refresh(self) -> None:
        empty = self._drawing is None or not np.asarray(self._drawing).any()
        prepared = self._prepared if self._prepared is not None else None
        if prepared is None and not empty:
            prepared = to_mnist(self._drawing)
        inputs = [None, None] if empty else [naive_resize(self._drawing), prepared]
        for column, image in enumerate(inputs):
            self.images[column].set_image(image)
            if image is None or self._predictor is None:
                self.bars[column].set_probabilities(None)
                self.verdicts[column].setText(self.tr("Draw a digit to compare."))
                continue
            probabilities = self._predictor.predict(image)
            guess = int(np.argmax(probabilities))
            self.bars[column].set_probabilities(probabilities)
            self.verdicts[column].setText(
                self.tr("The network reads {0} ({1})").format(
                    str(guess), f"{probabilities[guess]:.0%}"
                )
            )
