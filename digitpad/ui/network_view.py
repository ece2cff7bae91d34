"""Inside the network: first-layer weights as images, hidden activations, the tutorial's ideas.

``set_predictor(predictor)`` after loading or training; ``set_input(x28 or None)``
with the preprocessed drawing (``to_mnist`` output) whenever the canvas changes.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from digitpad.ml.recipe import TUTORIAL, steps_per_epoch
from digitpad.ui.teach_common import ACCENT, MUTED, rgb_qimage

TRAIN_SAMPLES = 60000


def weight_mosaic(kernel: np.ndarray, order: np.ndarray, columns: int) -> np.ndarray:
    """(784, units) kernel -> RGB mosaic of 28x28 tiles: red positive, blue negative."""
    units = len(order)
    rows = math.ceil(units / columns)
    tiles = kernel[:, order].T.reshape(units, 28, 28)
    scale = np.abs(tiles).max(axis=(1, 2), keepdims=True)
    tiles = tiles / np.where(scale > 0, scale, 1)
    pad = 1
    mosaic = np.full((rows * (28 + pad), columns * (28 + pad), 3), 40, np.uint8)
    pos, neg = np.clip(tiles, 0, 1), np.clip(-tiles, 0, 1)
    rgb = np.stack([255 - 200 * neg, 255 - 200 * (pos + neg), 255 - 200 * pos], axis=-1).astype(
        np.uint8
    )
    for i in range(units):
        r, c = divmod(i, columns)
        mosaic[r * 29 : r * 29 + 28, c * 29 : c * 29 + 28] = rgb[i]
    return mosaic


class WeightGrid(QWidget):
    """The first Dense layer's weight vectors as 28x28 images, strongest-firing first."""

    COLUMNS = 32

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kernel: np.ndarray | None = None
        self._order = np.zeros(0, np.int64)
        self._activations: np.ndarray | None = None
        self._image: QImage | None = None
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(self.COLUMNS * 29, 16 * 29)

    def set_kernel(self, kernel: np.ndarray | None) -> None:
        self._kernel = None if kernel is None else np.asarray(kernel, np.float32)
        self.set_activations(None)

    def set_activations(self, activations: np.ndarray | None) -> None:
        """Order the tiles by activation, strongest first (unit order when ``None``)."""
        self._activations = activations
        if self._kernel is None:
            self._order, self._image = np.zeros(0, np.int64), None
        else:
            units = self._kernel.shape[1]
            order = (
                np.arange(units) if activations is None else np.argsort(-activations, kind="stable")
            )
            self._order = order
            self._image = rgb_qimage(weight_mosaic(self._kernel, order, self.COLUMNS))
        self.update()

    def order(self) -> np.ndarray:
        return self._order

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        if self._image is None:
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,  # narrow docks
                self.tr("This model has no 784-input Dense layer to show."),
            )
            return
        w, h = self._image.width(), self._image.height()
        scale = min(self.width() / w, self.height() / h)
        target = QRectF(0, 0, w * scale, h * scale)
        painter.drawImage(target, self._image)
        if self._activations is not None:  # outline the units that fire at all
            tile = 29 * scale
            painter.setPen(QColor(255, 193, 7))
            firing = int((self._activations > 0).sum())
            for i in range(min(firing, len(self._order))):
                r, c = divmod(i, self.COLUMNS)
                painter.drawRect(QRectF(c * tile, r * tile, tile - scale, tile - scale))


class ActivationStrip(QWidget):
    """One thin bar per hidden unit, in the grid's order, height = activation."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: np.ndarray | None = None
        self.setMinimumHeight(48)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, values: np.ndarray | None) -> None:
        self._values = values
        self.update()

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), self.palette().base())
        if self._values is None or not len(self._values):
            painter.setPen(MUTED)
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,  # narrow docks
                self.tr("Hidden activations appear when you draw."),
            )
            return
        peak = float(self._values.max()) or 1.0
        width = self.width() / len(self._values)
        for i, value in enumerate(self._values):
            bar = self.height() * max(0.0, float(value)) / peak
            painter.fillRect(QRectF(i * width, self.height() - bar, max(width, 1.0), bar), ACCENT)


class NetworkView(QWidget):
    def __init__(self, predictor=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._predictor = None
        self._input: np.ndarray | None = None
        self.grid = WeightGrid()
        self.strip = ActivationStrip()
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.ideas = QLabel()
        self.ideas.setWordWrap(True)
        self.ideas.setTextFormat(Qt.TextFormat.RichText)
        self.ideas.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.ideas.setMinimumWidth(280)
        left = QVBoxLayout()
        left.addWidget(self.caption)
        left.addWidget(self.grid, 1)
        left.addWidget(self.strip)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 3)
        layout.addWidget(self.ideas, 1)
        if predictor is not None:
            self.set_predictor(predictor)
        else:
            self._refresh()

    # -- public -----------------------------------------------------------------------------
    def set_predictor(self, predictor) -> None:
        self._predictor = predictor
        dense = predictor.dense_layers() if predictor is not None else []
        first = dense[0].weights[0] if dense and dense[0].weights[0].shape[0] == 784 else None
        self.grid.set_kernel(first)
        self._refresh()

    def set_input(self, x28: np.ndarray | None) -> None:
        self._input = None if x28 is None or not np.asarray(x28).any() else np.asarray(x28)
        self._refresh()

    def hidden_activations(self) -> np.ndarray | None:
        """The first hidden layer's output for the current input (unit order)."""
        if self._predictor is None or self._input is None or self.grid.order().size == 0:
            return None
        outputs = self._predictor.forward(self._input.reshape(1, -1))
        for layer, out in zip(self._predictor.layers, outputs, strict=True):
            if layer.kind == "Dense":
                return out[0]
        return None

    def ideas_text(self) -> str:
        return self.ideas.text()

    def retranslate_ui(self) -> None:
        """Every text here follows the model and the drawing: rebuild them all."""
        self._refresh()
        self.grid.update()  # painted hints
        self.strip.update()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)

    # -- drawing ----------------------------------------------------------------------------
    def _refresh(self) -> None:
        hidden = self.hidden_activations()
        self.grid.set_activations(hidden)
        self.strip.set_values(None if hidden is None else hidden[self.grid.order()])
        if self.grid.order().size == 0:
            self.caption.setText(
                self.tr(
                    "The weight pictures need the tutorial's dense network; this model "
                    "starts with convolutions."
                )
            )
        elif hidden is None:
            self.caption.setText(
                self.tr(
                    "Each tile is one hidden unit's 784 weights drawn as a 28×28 image "
                    "(red: ink here excites it, blue: ink here inhibits it). Draw a digit "
                    "to sort them by how strongly they fire."
                )
            )
        else:
            firing = int((hidden > 0).sum())
            self.caption.setText(
                self.tr(
                    "Sorted by how strongly each unit fires for your drawing: %1 of %2 "
                    "units fire (outlined); the strip below shows their activations."
                )
                .replace("%1", str(firing))
                .replace("%2", str(len(hidden)))
            )
        self.ideas.setText(self._ideas(hidden))

    def _forward_text(self, layers) -> str:
        kinds = [layer.kind for layer in layers if layer.kind != "InputLayer"]
        if kinds == ["Dense", "Dense"]:
            units = layers[-1].weights[0].shape[0]
            return self.tr(
                "784 pixels → relu(x·W1 + b1): %1 numbers → softmax(h·W2 + b2): "
                "10 probabilities that sum to 1"
            ).replace("%1", str(units))
        return self.tr("784 pixels → %1 → 10 probabilities that sum to 1").replace(
            "%1", " → ".join(kinds)
        )

    def _ideas(self, hidden: np.ndarray | None) -> str:
        layers = self._predictor.layers if self._predictor is not None else ()
        lines = []
        for layer in layers:
            if not layer.weights:
                continue
            kernel = layer.weights[0]
            bias = layer.weights[1].size if len(layer.weights) > 1 else 0
            shape = "×".join(str(d) for d in kernel.shape)
            lines.append(f"{shape} + {bias} = {kernel.size + bias:,}")
        total = sum(w.size for layer in layers for w in layer.weights)
        recipe = TUTORIAL
        steps = steps_per_epoch(TRAIN_SAMPLES, recipe.batch_size)
        parts = [
            "<b>"
            + self.tr("Weights")
            + "</b><br>"
            + "<br>".join(lines)
            + "<br>"
            + self.tr("%1 parameters in all").replace("%1", f"{total:,}"),
            "<b>" + self.tr("Forward pass") + "</b><br>" + self._forward_text(layers),
        ]
        if hidden is not None:
            probabilities = self._predictor.predict(self._input.reshape(28, 28))
            guess = int(np.argmax(probabilities))
            loss = -math.log(max(float(probabilities[guess]), 1e-12))
            parts[-1] += "<br>" + self.tr(
                "Now: %1 of %4 hidden units fire; the output says %2 (%3)."
            ).replace("%1", str(int((hidden > 0).sum()))).replace("%2", str(guess)).replace(
                "%3", f"{probabilities[guess]:.1%}"
            ).replace("%4", str(len(hidden)))
            loss_now = "<br>" + self.tr("If %1 is right, the loss is −log %2 = %3.").replace(
                "%1", str(guess)
            ).replace("%2", f"{probabilities[guess]:.3f}").replace("%3", f"{loss:.4f}")
        else:
            loss_now = ""
        parts += [
            "<b>"
            + self.tr("Loss")
            + "</b><br>"
            + self.tr("sparse categorical cross-entropy: −log(probability of the true digit)")
            + loss_now,
            "<b>"
            + self.tr("Optimizer")
            + "</b><br>"
            + self.tr(
                "%1, learning rate %2: every step nudges all weights against the "
                "gradient of the loss"
            )
            .replace("%1", recipe.optimizer)
            .replace("%2", f"{recipe.learning_rate:g}"),
            "<b>"
            + self.tr("Training loop")
            + "</b><br>"
            + self.tr("%1 epochs × %2 steps of %3 images = %4 weight updates")
            .replace("%1", str(recipe.epochs))
            .replace("%2", str(steps))
            .replace("%3", str(recipe.batch_size))
            .replace("%4", f"{recipe.epochs * steps:,}"),
        ]
        return "<br><br>".join(parts)
