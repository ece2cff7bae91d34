"""Inside the network: first-layer weights as images, hidden activations, the tutorial's ideas.

``set_predictor(predictor)`` after loading or training; ``set_input(x28 or None)``
with the preprocessed drawing (``to_mnist`` output) whenever the canvas changes.
"""

from __future__ import annotations

import html
import math

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from digitpad.ml.recipe import TUTORIAL, steps_per_epoch
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.teach.common import ACCENT, MUTED

TRAIN_SAMPLES = 60000
PAD = 40  # grey between the tiles
OUTLINE = QColor(255, 193, 7)


def _colours(tiles: np.ndarray) -> np.ndarray:
    """Weights scaled to [-1, 1] -> RGB: red positive, blue negative, white zero."""
    pos, neg = np.clip(tiles, 0, 1), np.clip(-tiles, 0, 1)
    return np.stack([255 - 200 * neg, 255 - 200 * (pos + neg), 255 - 200 * pos], axis=-1)


def _normalised_tiles(kernel: np.ndarray) -> np.ndarray:
    """(784, units) kernel -> (units, 28, 28), each tile scaled to its own peak."""
    tiles = np.asarray(kernel, np.float32).T.reshape(-1, 28, 28)
    scale = np.abs(tiles).max(axis=(1, 2), keepdims=True)
    return tiles / np.where(scale > 0, scale, 1)


def _resampler(size: int, source: int = 28) -> np.ndarray:
    """(size, source) matrix averaging each target pixel over the source pixels it covers."""
    edges = np.linspace(0, source, size + 1)
    left, right = edges[:-1, None], edges[1:, None]
    cells = np.arange(source)[None, :]
    overlap = np.clip(np.minimum(right, cells + 1) - np.maximum(left, cells), 0, None)
    return overlap / overlap.sum(axis=1, keepdims=True)


def _argb(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) uint8-valued RGB -> uint32 0xffRRGGBB, QImage.Format_RGB32 on any endianness."""
    rgb = np.asarray(rgb, np.uint32)
    return 0xFF000000 | (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def _wrap(pixels: np.ndarray, dpr: float) -> QImage:
    """A QImage reading ``pixels`` (uint32 rows) without a copy; keep ``pixels`` alive."""
    height, width = pixels.shape
    image = QImage(pixels.data, width, height, 4 * width, QImage.Format.Format_RGB32)
    image.setDevicePixelRatio(dpr)
    return image


class WeightGrid(QWidget):
    """The first Dense layer's weight vectors as 28x28 images, strongest-firing first.

    The tiles are rendered once per model and tile size (both plain and outlined, as
    32-bit pixels); a new drawing only re-sorts them, one numpy gather into the image
    that is blitted 1:1, so following the pen stays far below a frame.
    """

    COLUMNS = 32

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kernel: np.ndarray | None = None
        self._tiles: np.ndarray | None = None  # (units, 28, 28) in [-1, 1]
        self._order = np.zeros(0, np.int64)
        self._firing = 0
        self._generation = 0  # bumped whenever the tiles move: the composed image is stale
        self._atlas: tuple[tuple, np.ndarray] | None = None  # (tile key, plain+outlined+blank)
        self._image: tuple[tuple, np.ndarray, QImage] | None = None  # (key, pixels, image)
        self.setMinimumSize(320, 180)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

    def sizeHint(self) -> QSize:
        return QSize(self.COLUMNS * 29, 16 * 29)

    def set_kernel(self, kernel: np.ndarray | None) -> None:
        self._kernel = None if kernel is None else np.asarray(kernel, np.float32)
        self._tiles = None if self._kernel is None else _normalised_tiles(self._kernel)
        self._atlas = None
        self._generation += 1
        self.update()
        self.set_activations(None)

    def set_activations(self, activations: np.ndarray | None) -> None:
        """Order the tiles by activation, strongest first (unit order when ``None``)."""
        if self._kernel is None:
            order, firing = np.zeros(0, np.int64), 0
        elif activations is None:
            order, firing = np.arange(self._kernel.shape[1]), 0
        else:
            order = np.argsort(-activations, kind="stable")
            firing = int((activations > 0).sum())
        if (
            firing == self._firing
            and order.shape == self._order.shape
            and np.array_equal(order, self._order)
        ):
            return  # the same tiles in the same places: nothing to repaint
        self._order, self._firing = order, firing
        self._generation += 1
        self.update()

    def order(self) -> np.ndarray:
        return self._order

    def _rows(self) -> int:
        return math.ceil(len(self._order) / self.COLUMNS)

    def _tile_key(self) -> tuple[int, float]:
        """(tile side in device pixels including the 1-pixel gap, device pixel ratio)."""
        dpr = self.devicePixelRatioF()
        scale = min(self.width() / (self.COLUMNS * 29), self.height() / (self._rows() * 29))
        return max(3, int(29 * scale * dpr)), dpr

    def _atlas_for(self, key: tuple[int, float]) -> np.ndarray:
        """Every unit's tile at ``key``'s size: plain, then outlined, then one blank."""
        if self._atlas is not None and self._atlas[0] == key:
            return self._atlas[1]
        side = key[0]
        inner = side - 1
        resample = _resampler(inner)
        small = np.einsum("ij,ujk,lk->uil", resample, self._tiles, resample)
        peak = np.abs(small).max(axis=(1, 2), keepdims=True)  # averaging dulls: re-stretch
        small /= np.where(peak > 0, peak, 1)
        plain = np.full((len(small), side, side), _argb([PAD, PAD, PAD]), np.uint32)
        plain[:, :inner, :inner] = _argb(np.rint(_colours(small)))
        outlined = plain.copy()
        amber = _argb([OUTLINE.red(), OUTLINE.green(), OUTLINE.blue()])
        for edge in (
            outlined[:, 0, :inner],
            outlined[:, inner - 1, :inner],
            outlined[:, :inner, 0],
            outlined[:, :inner, inner - 1],
        ):
            edge[...] = amber
        blank = np.full((1, side, side), _argb([PAD, PAD, PAD]), np.uint32)
        atlas = np.concatenate([plain, outlined, blank])
        self._atlas = (key, atlas)
        return atlas

    def _composed(self) -> QImage:
        """The tiles in the current order, firing ones outlined, as one image."""
        key = self._tile_key()
        image_key = (key, self._generation)
        if self._image is not None and self._image[0] == image_key:
            return self._image[2]
        atlas = self._atlas_for(key)
        units, side, rows = len(self._order), key[0], self._rows()
        index = np.full(rows * self.COLUMNS, len(atlas) - 1)
        index[:units] = self._order + units * (np.arange(units) < self._firing)
        pixels = np.ascontiguousarray(
            atlas[index]
            .reshape(rows, self.COLUMNS, side, side)
            .transpose(0, 2, 1, 3)
            .reshape(rows * side, self.COLUMNS * side)
        )
        image = _wrap(pixels, key[1])
        self._image = (image_key, pixels, image)
        return image

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        if self._kernel is None:
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,  # narrow docks
                self.tr("This model has no 784-input Dense layer to show."),
            )
            return
        painter.drawImage(0, 0, self._composed())  # 1:1, no scaling per paint


class ActivationStrip(QWidget):
    """One thin bar per hidden unit, in the grid's order, height = activation.

    Drawn as one image built with numpy (the tallest bar of each pixel column), not
    hundreds of rectangles.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: np.ndarray | None = None
        self._generation = 0  # bumped with every new set of values
        self._image: tuple[tuple, np.ndarray, QImage] | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel
        self.setMinimumHeight(48)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_values(self, values: np.ndarray | None) -> None:
        if values is None and self._values is None:
            return
        if values is not None and self._values is not None and np.array_equal(values, self._values):
            return
        self._values = None if values is None else np.array(values, np.float32)
        self._generation += 1
        self.update()

    def _bars(self) -> QImage:
        dpr = self.devicePixelRatioF()
        width, height = max(1, round(self.width() * dpr)), max(1, round(self.height() * dpr))
        key = (self._generation, width, height, self.palette().cacheKey())
        if self._image is not None and self._image[0] == key:
            return self._image[2]
        values = np.maximum(self._values, 0)
        starts = np.arange(width) * len(values) // width
        tallest = np.maximum.reduceat(values, starts)  # of the units in each pixel column
        peak = float(values.max()) or 1.0
        bars = np.rint(height * tallest / peak).astype(np.int64)
        ink = np.arange(height)[:, None] >= height - bars[None, :]
        base = self.palette().base().color()
        pixels = np.where(
            ink,
            _argb([ACCENT.red(), ACCENT.green(), ACCENT.blue()]),
            _argb([base.red(), base.green(), base.blue()]),
        ).astype(np.uint32)
        image = _wrap(pixels, dpr)
        self._image = (key, pixels, image)
        return image

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        if self._values is None or not len(self._values):
            painter.fillRect(self.rect(), self.palette().base())
            painter.setPen(MUTED)
            painter.drawText(
                self.rect(),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,  # narrow docks
                self.tr("Hidden activations appear when you draw."),
            )
            return
        painter.drawImage(0, 0, self._bars())


class _TextStableLayout(QVBoxLayout):
    """A layout that can ignore one text change whose label still fits its room.

    A QLabel re-lays out its whole window on every ``setText``; here, with the rich-text
    ideas inside a scroll area, that cost ~4 ms per drawing change, which is most of a
    frame. :meth:`NetworkView._set_text` holds it only when the new text needs no more room.
    """

    holding = False

    def invalidate(self) -> None:
        if not self.holding:
            super().invalidate()


class _Link(QLabel):
    """A line of text that is a link (the palette's link colour) and wraps. Not a flat
    button with a style sheet: that kept the font and colour it had when the sheet was
    applied (small, dark blue on black in presenter mode) and could not wrap, so in large
    type it pushed the view wider than its column."""

    clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.linkActivated.connect(lambda _href: self.clicked.emit())
        self._plain = ""

    def setText(self, text: str) -> None:
        self._plain = text
        # The colour written in: QLabel keeps the link colour of the palette it had
        # when the text was set (Qt's dark blue, on black in presenter mode).
        colour = self.palette().color(QPalette.ColorRole.Link).name()
        super().setText(f'<a href="explain" style="color: {colour}">{html.escape(text)}</a>')

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._plain:
            self.setText(self._plain)

    def click(self) -> None:
        self.clicked.emit()


class NetworkView(Retranslatable, QWidget):
    explainRequested = Signal()  # "which of my pixels made it say that?": the window's overlay

    def __init__(self, predictor=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._predictor = None
        self.explain_button = _Link()
        self.explain_button.setObjectName("networkExplain")
        self.explain_button.clicked.connect(self.explainRequested)
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
        # One column: the tiles get the view's whole width (a projector's right-hand
        # column is ~600 px), the ideas follow below them, never cut off at the side.
        layout = self._layout = _TextStableLayout(self)
        layout.addWidget(self.caption)
        layout.addWidget(self.explain_button)
        layout.addWidget(self.grid, 1)
        layout.addWidget(self.strip)
        layout.addWidget(self.ideas)
        self._button_texts()
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
        return self._forward()[0]

    def _forward(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(first hidden layer's output, probabilities) from one forward pass."""
        if self._predictor is None or self._input is None or self.grid.order().size == 0:
            return None, None
        outputs = self._predictor.forward(self._input.reshape(1, -1))
        for layer, out in zip(self._predictor.layers, outputs, strict=True):
            if layer.kind == "Dense":
                return out[0], outputs[-1][0]
        return None, None

    def ideas_text(self) -> str:
        return self.ideas.text()

    def retranslate_ui(self) -> None:
        """Every text here follows the model and the drawing: rebuild them all."""
        self._button_texts()
        self._refresh()

    def _button_texts(self) -> None:
        self.explain_button.setText(self.tr("Why this digit? See what each of your pixels did ▸"))
        self.explain_button.setToolTip(
            self.tr("Colour the 28×28 input and your drawing by each pixel's push (W)")
        )
        self.grid.update()  # painted hints
        self.strip.update()

    # -- drawing ----------------------------------------------------------------------------
    def _refresh(self) -> None:
        # One forward pass per drawing; widgets repaint only what changed, and a label
        # whose text is unchanged is left alone (no new layout).
        hidden, probabilities = self._forward()
        self.grid.set_activations(hidden)
        self.strip.set_values(None if hidden is None else hidden[self.grid.order()])
        self._set_text(self.caption, self._caption(hidden))
        self._set_text(self.ideas, self._ideas(hidden, probabilities), may_be_taller=True)

    def _set_text(self, label: QLabel, text: str, may_be_taller: bool = False) -> None:
        """Set ``text``; re-lay out the view only if the label needs a different height
        (or, when ``may_be_taller``, more height than it has)."""
        if label.text() == text:
            return
        height = label.height()
        hold = label.isVisible() and height > 0
        self._layout.holding = hold
        try:
            label.setText(text)
        finally:
            self._layout.holding = False
        if hold:
            needed = label.heightForWidth(label.width())
            if needed > height or (needed != height and not may_be_taller):
                self._layout.invalidate()

    def _caption(self, hidden: np.ndarray | None) -> str:
        if self.grid.order().size == 0:
            return self.tr(
                "The weight pictures need the tutorial's dense network; this model "
                "starts with convolutions."
            )
        if hidden is None:
            return self.tr(
                "Each tile is one hidden unit's 784 weights drawn as a 28×28 image "
                "(red: ink here excites it, blue: ink here inhibits it). Draw a digit "
                "to sort them by how strongly they fire."
            )
        firing = int((hidden > 0).sum())
        return self.tr(
            "Sorted by how strongly each unit fires for your drawing: {0} of {1} "
            "units fire (outlined); the strip below shows their activations."
        ).format(str(firing), str(len(hidden)))

    def _forward_text(self, layers) -> str:
        kinds = [layer.kind for layer in layers if layer.kind != "InputLayer"]
        if kinds == ["Dense", "Dense"]:
            units = layers[-1].weights[0].shape[0]
            return self.tr(
                "784 pixels → relu(x·W1 + b1): {0} numbers → softmax(h·W2 + b2): "
                "10 probabilities that sum to 1"
            ).format(str(units))
        return self.tr("784 pixels → {0} → 10 probabilities that sum to 1").format(
            " → ".join(kinds)
        )

    def _ideas(self, hidden: np.ndarray | None, probabilities: np.ndarray | None) -> str:
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
            + self.tr("{0} parameters in all").format(f"{total:,}"),
            "<b>" + self.tr("Forward pass") + "</b><br>" + self._forward_text(layers),
        ]
        if hidden is not None and probabilities is not None:
            guess = int(np.argmax(probabilities))
            loss = -math.log(max(float(probabilities[guess]), 1e-12))
            parts[-1] += "<br>" + self.tr(
                "Now: {0} of {3} hidden units fire; the output says {1} ({2})."
            ).format(
                str(int((hidden > 0).sum())),
                str(guess),
                f"{probabilities[guess]:.1%}",
                str(len(hidden)),
            )
            loss_now = "<br>" + self.tr("If {0} is right, the loss is −log {1} = {2}.").format(
                str(guess), f"{probabilities[guess]:.3f}", f"{loss:.4f}"
            )
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
                "{0}, learning rate {1}: every step nudges all weights against the "
                "gradient of the loss"
            ).format(recipe.optimizer, f"{recipe.learning_rate:g}"),
            "<b>"
            + self.tr("Training loop")
            + "</b><br>"
            + self.tr("{0} epochs × {1} steps of {2} images = {3} weight updates").format(
                str(recipe.epochs), str(steps), str(recipe.batch_size), f"{recipe.epochs * steps:,}"
            ),
        ]
        return "<br><br>".join(parts)
