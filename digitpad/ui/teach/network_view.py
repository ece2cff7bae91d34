"""Inside the network: first-layer weights as images, hidden activations, the tutorial's ideas.

``set_predictor(predictor)`` after loading or training; ``set_input(x28 or None)``
with the preprocessed drawing (``to_mnist`` output) whenever the canvas changes.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digitpad.ml.layers import layer_input
from digitpad.ml.model_card import training_facts
from digitpad.ml.weights import activation_name
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.teach.common import ACCENT, MUTED
from digitpad.ui.teach.network.feature_map import FeatureMapView
from digitpad.ui.teach.network.stack import LayerStack

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
    unitClicked = Signal(int)  # a tile was clicked: its unit (in the layer's own order)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._chosen: int | None = None  # the unit shown close up: its tile is framed
        self._kernel: np.ndarray | None = None
        self._tiles: np.ndarray | None = None  # (units, 28, 28) in [-1, 1]
        self._order = np.zeros(0, np.int64)
        self._firing = 0
        self._generation = 0  # bumped whenever the tiles move: the composed image is stale
        self._atlas: tuple[tuple, np.ndarray] | None = None  # (tile key, plain+outlined+blank)
        self._image: tuple[tuple, np.ndarray, QImage] | None = None  # (key, pixels, image)
        self.setMinimumSize(320, 180)
        # As tall as its tiles at the width it is given: what follows (the activation
        # strip) sits right below them, not below an empty band in a tall column.
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.PointingHandCursor)

    def sizeHint(self) -> QSize:
        return QSize(self.COLUMNS * 29, 16 * 29)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(self.minimumHeight(), math.ceil(self._rows() * width / self.COLUMNS))

    def set_chosen(self, unit: int | None) -> None:
        if unit != self._chosen:
            self._chosen = unit
            self.update()

    def tile_rect(self, unit: int) -> QRect | None:
        """Where ``unit``'s tile is now (logical pixels), ``None`` if it has none."""
        places = np.flatnonzero(self._order == unit)
        if self._kernel is None or not places.size:
            return None
        side, dpr = self._tile_key()
        row, column = divmod(int(places[0]), self.COLUMNS)
        step = side / dpr
        return QRect(round(column * step), round(row * step), round(step), round(step))

    def unit_at(self, x: float, y: float) -> int | None:
        """The unit whose tile is at (x, y), or ``None``."""
        if self._kernel is None or x < 0 or y < 0:
            return None
        side, dpr = self._tile_key()
        column, row = int(x * dpr // side), int(y * dpr // side)
        place = row * self.COLUMNS + column
        if column >= self.COLUMNS or place >= len(self._order):
            return None
        return int(self._order[place])

    def mousePressEvent(self, event) -> None:
        unit = self.unit_at(event.position().x(), event.position().y())
        if event.button() == Qt.MouseButton.LeftButton and unit is not None:
            self.unitClicked.emit(unit)
            event.accept()
        else:
            super().mousePressEvent(event)

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
        rows = self._rows()
        self._order, self._firing = order, firing
        self._generation += 1
        if self._rows() != rows:  # another network: its tiles need another height
            self.updateGeometry()
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
        rect = None if self._chosen is None else self.tile_rect(self._chosen)
        if rect is not None:  # the tile shown close up, wherever the sorting put it
            painter.setPen(QPen(ACCENT, 2))  # inside the tile: the grid's edge does not cut it
            painter.drawRect(QRectF(rect).adjusted(1, 1, -1, -1))


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


class _Holding:
    """A layout that can ignore one text change whose label still fits its room.

    A QLabel re-lays out its whole window on every ``setText``; here, with the rich-text
    ideas inside a scroll area, that cost ~4 ms per drawing change, which is most of a
    frame. :func:`_set_text` holds it only when the new text needs no more room.
    """

    holding = False

    def invalidate(self) -> None:
        if not self.holding:
            super().invalidate()


class _TextStableLayout(_Holding, QVBoxLayout):
    pass


class _TextStableRow(_Holding, QHBoxLayout):
    pass


def _set_text(layout: _Holding, label: QLabel, text: str, may_be_taller: bool = False) -> None:
    """Set ``label``'s ``text``; re-lay out ``layout`` (the label's window's) only if the
    label needs a different height (or, when ``may_be_taller``, more than it has)."""
    if label.text() == text:
        return
    height = label.height()
    hold = label.isVisible() and height > 0
    layout.holding = hold
    try:
        label.setText(text)
    finally:
        layout.holding = False
    if hold:
        needed = _height_for_width(label, text)
        if needed > height or (needed != height and not may_be_taller):
            layout.invalidate()


_DIGIT = re.compile(r"\d")


def _height_for_width(label: QLabel, text: str) -> int:
    """``label.heightForWidth(label.width())`` for its ``text``, remembered by the text's
    shape: the numbers change on every drawing, their digits do not change the lines
    (the UI's fonts give every digit one width). Laying out the rich text to ask was
    ~0.5 ms a label, a third of the view's refresh."""
    cache = getattr(label, "_digitpad_heights", None)
    if cache is None or len(cache) > 64:
        cache = {}
        label._digitpad_heights = cache
    key = (label.width(), label.font().key(), _DIGIT.sub("0", text))
    if key not in cache:
        cache[key] = label.heightForWidth(label.width())
    return cache[key]


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


def _number(value: float, signed: bool = False) -> str:
    """0.98 / −1.37 (+0.22 when ``signed``): a real minus sign, as the other formulas
    here write it."""
    return f"{value:{'+' if signed else ''}.2f}".replace("-", "−")


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
        layout = self._layout = _TextStableRow(self)  # new numbers: no new layout
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
        rgb = np.rint(_colours(self._weights.reshape(28, 28) / peak))
        pixels = np.ascontiguousarray(_argb(rgb))
        side = self.picture_side()
        image = _wrap(pixels, 1.0).scaled(
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
                    _number(float(activations[self.unit]))
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
                        _number(weighted_sum)
                    )
                )
            else:
                lines.append(self.tr("Silent for your drawing: relu makes it 0."))
        if self._outputs is not None and len(self._outputs) == 10:
            ranked = np.argsort(-self._outputs, kind="stable")
            most = ", ".join(f"{d} ({_number(self._outputs[d], signed=True)})" for d in ranked[:2])
            least = f"{ranked[-1]} ({_number(self._outputs[ranked[-1]], signed=True)})"
            lines.append(
                self.tr("What it passes on: most to {0}; least to {1}.").format(most, least)
            )
            firing = activations is not None and activations[self.unit] != 0
            if firing and probabilities is not None:  # a silent unit passes nothing on
                digit = int(np.argmax(probabilities))
                push = float(activations[self.unit]) * float(self._outputs[digit])
                lines.append(
                    self.tr("Now it adds {0} to the score of {1}.").format(
                        _number(push, signed=True), str(digit)
                    )
                )
        _set_text(self._layout, self.text, "<br>".join(lines), may_be_taller=True)

    def text_shown(self) -> str:
        return self.text.text()


@dataclass(frozen=True)
class _Pass:
    """A forward pass of this view's own (``ModelController.LastPass``'s shape)."""

    predictor: object
    image: np.ndarray
    outputs: list


class NetworkView(Retranslatable, QWidget):
    explainRequested = Signal()  # "which of my pixels made it say that?": the window's overlay

    def __init__(self, predictor=None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._predictor = None
        self.explain_button = _Link()
        self.explain_button.setObjectName("networkExplain")
        self.explain_button.clicked.connect(self.explainRequested)
        self._input: np.ndarray | None = None
        self._offered = None  # the window's pass, offered for the next set_input
        self._pass = None  # the forward pass shown: (predictor, image, outputs)
        self.grid = WeightGrid()
        self.grid.setToolTip(self.tr("Click a tile to see its unit close up"))
        self.grid.unitClicked.connect(self._on_tile_clicked)
        self.unit_view = UnitView()
        self.unit_view.setObjectName("unitView")
        self.unit_view.hide()
        self.unit_view.closed.connect(lambda: self.show_unit(None))
        self.unit_view.stepped.connect(self.step_unit)
        self.grid.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Tab to it, then Enter/arrows
        self.strip = ActivationStrip()
        self._card: dict | None = None  # the live model's card (how it was trained)
        # Every layer, left to right, for any network; a clicked map close up.
        self.stack = LayerStack()
        self.stack.setObjectName("layerStack")
        self.stack.setToolTip(self.tr("Click a feature map to see how it is made"))
        self.stack.mapClicked.connect(self._on_map_clicked)
        self.stack.mapSelected.connect(self._on_map_selected)
        self.map_view = FeatureMapView()
        self.map_view.setObjectName("featureMapView")
        self.map_view.hide()
        self.map_view.closed.connect(lambda: self.show_map(None))
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
        layout.addWidget(self.map_view)  # above the layers: in view without scrolling
        layout.addWidget(self.unit_view)  # above the tiles: in view without scrolling
        layout.addWidget(self.stack)
        layout.addWidget(self.grid)
        layout.addWidget(self.strip)
        layout.addWidget(self.ideas)
        layout.addStretch(1)  # a tall column's spare room goes below everything
        self._button_texts()
        if predictor is not None:
            self.set_predictor(predictor)
        else:
            self._refresh()

    # -- public -----------------------------------------------------------------------------
    def set_predictor(self, predictor) -> None:
        if predictor is not self._predictor:  # new weights: the drawing read with them
            self._pass = None
            if predictor is not None and self._input is not None:
                self._pass = _Pass(predictor, self._input, predictor.forward(self._input))
        self._predictor = predictor
        self.stack.set_network(predictor)
        dense = predictor.dense_layers() if predictor is not None else []
        first = dense[0].weights[0] if dense and dense[0].weights[0].shape[0] == 784 else None
        self.grid.set_kernel(first)
        self.grid.setVisible(first is not None)  # the weight pictures: dense networks only
        self.strip.setVisible(first is not None)
        if self.map_view.channel is not None:  # new weights (an epoch): the same map
            self._open_map(self.map_view.layer_index, self.map_view.channel)
        unit = self.unit_view.unit
        if unit is not None and (first is None or unit >= first.shape[1]):
            unit = None  # a network without that unit (or without weight pictures)
        self._open_unit(unit)  # new weights (a training epoch): the same unit; its
        self._refresh()  # numbers come with the refresh's one forward pass

    def set_card(self, card: dict | None) -> None:
        """The live model's card: the ideas quote how this network was trained."""
        self._card = card
        if self._predictor is not None:
            self._refresh()

    # -- feature maps ---------------------------------------------------------------------
    def _on_map_clicked(self, layer_index: int, channel: int) -> None:
        conv = self._conv_behind(layer_index)
        same = (conv, channel) == (self.map_view.layer_index, self.map_view.channel)
        self.show_map(None if same else layer_index, channel)

    def _on_map_selected(self, layer_index: int, channel: int) -> None:
        if self.map_view.channel is not None:  # open: the arrow keys step through maps
            self.show_map(layer_index, channel)

    def _conv_behind(self, layer_index: int | None) -> int | None:
        """The Conv2D whose maps layer ``layer_index`` shows (itself, or the one a
        pooling layer shrinks)."""
        layers = self._predictor.layers if self._predictor is not None else ()
        while layer_index is not None and 0 <= layer_index < len(layers):
            kind = layers[layer_index].kind
            if kind == "Conv2D":
                return layer_index
            if kind not in ("MaxPooling2D", "Dropout"):
                return None
            layer_index -= 1
        return None

    def show_map(self, layer_index: int | None, channel: int = 0) -> None:
        """Show map ``channel`` of layer ``layer_index`` close up (a pooling layer's
        map: the convolution's it shrinks), as a click on it does; ``None`` closes it."""
        self._open_map(self._conv_behind(layer_index), channel)
        self._show_map_pass()

    def _open_map(self, conv: int | None, channel: int) -> None:
        layers = self._predictor.layers if self._predictor is not None else ()
        if conv is None or conv >= len(layers) or layers[conv].kind != "Conv2D":
            conv = None
        card = None if conv is None else self.stack.card_at(conv)
        if card is None or not 0 <= channel < card.maps():
            self.map_view.show_map(None, None, None)
            self.map_view.layer_index = None
            self.map_view.hide()
            self.stack.select(None)
            return
        self.map_view.layer_index = conv
        self.map_view.show_map(layers[conv], card.facts, channel)
        self.map_view.show()
        self.stack.select_layer_map(conv, channel)

    def _show_map_pass(self) -> None:
        conv = self.map_view.layer_index
        if conv is None:
            return
        if self._pass is None:
            self.map_view.set_pass(None, None)
            return
        outputs, layers = self._pass.outputs, self._predictor.layers
        pooled, pool = None, (2, 2)
        if conv + 1 < len(layers) and layers[conv + 1].kind == "MaxPooling2D":
            pooled = outputs[conv + 1][0]
            pool = layers[conv + 1].config.get("pool_size", (2, 2))
        fed = layer_input(self._predictor, outputs, conv)
        if conv == 0 or layers[conv - 1].kind == "InputLayer":
            fed = self._pass.image.reshape(28, 28, 1)
        self.map_view.set_pass(fed, outputs[conv][0], pooled, pool)

    def set_forward_pass(self, forward_pass) -> None:
        """The window's forward pass for the next ``set_input`` (``LastPass``: its
        predictor, input and every layer's output); used when it is this view's own
        network and input, so the view computes no pass of its own."""
        self._offered = forward_pass

    def forward_pass(self):
        """The pass shown now (``None``: no drawing)."""
        return self._pass

    def set_input(self, x28: np.ndarray | None) -> None:
        self._input = None if x28 is None or not np.asarray(x28).any() else np.asarray(x28)
        offered, self._offered = self._offered, None
        if self._input is None or self._predictor is None:
            self._pass = None
        elif (
            offered is not None
            and offered.predictor is self._predictor
            and np.array_equal(offered.image, self._input)
        ):
            self._pass = offered
        else:  # set by a test or script: this view's own pass
            self._pass = _Pass(self._predictor, self._input, self._predictor.forward(self._input))
        self._refresh()

    def _on_tile_clicked(self, unit: int) -> None:
        # A second click on the tile shown closes it again.
        self.show_unit(None if unit == self.unit_view.unit else unit)

    def show_unit(self, unit: int | None) -> None:
        """Show ``unit`` (0-based, the layer's own order) of the first hidden layer close
        up, as a click on its tile does; ``None`` closes the close-up."""
        if self._open_unit(unit) is not None:
            self._show_unit_state(*self._forward())

    def _open_unit(self, unit: int | None) -> int | None:
        """The close-up's unit, picture and weights (its numbers: ``_show_unit_state``);
        returns the unit shown, ``None`` if closed."""
        kernel = self.grid._kernel
        if unit is None or kernel is None or not 0 <= unit < kernel.shape[1]:
            unit = None
        if unit is None:
            self.unit_view.set_unit(None)
        else:
            dense = self._predictor.dense_layers()
            second = dense[1].weights[0] if len(dense) > 1 else None
            outputs = (
                second[unit]
                if second is not None and second.shape == (kernel.shape[1], 10)
                else None
            )
            self.unit_view.set_unit(unit, kernel[:, unit], outputs, kernel.shape[1])
        self.unit_view.setVisible(unit is not None)
        self.grid.set_chosen(unit)
        return unit

    def step_unit(self, step: int) -> None:
        """Show the tile ``step`` places after (before, if negative) the one shown, in
        the grid's order: from the strongest-firing unit down, one at a time."""
        order, unit = self.grid.order(), self.unit_view.unit
        if unit is None or not order.size:
            return
        place = int(np.flatnonzero(order == unit)[0])
        self.show_unit(int(order[(place + step) % order.size]))

    def keyPressEvent(self, event) -> None:
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1}
        opens = (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space, *steps)
        # Not Esc to close it: Esc is the window's "clear the pad".
        if self.unit_view.unit is not None and event.key() in steps:
            self.step_unit(steps[event.key()])
            event.accept()
        elif self.unit_view.unit is None and event.key() in opens and self.grid.order().size:
            self.show_unit(int(self.grid.order()[0]))  # from the keyboard: the strongest
            event.accept()
        else:
            super().keyPressEvent(event)

    def _show_unit_state(self, hidden, probabilities) -> None:
        unit, weighted_sum = self.unit_view.unit, None
        first = self._predictor.dense_layers()[0] if self._predictor is not None else None
        if hidden is not None and first is not None and self._input is not None:
            kernel = first.weights[0]
            bias = float(first.weights[1][unit]) if len(first.weights) > 1 else 0.0
            weighted_sum = float(self._input.reshape(-1) @ kernel[:, unit]) + bias
        relu = first is None or activation_name(first.config.get("activation")) == "relu"
        self.unit_view.set_state(hidden, probabilities, self.grid.order(), weighted_sum, relu)

    def hidden_activations(self) -> np.ndarray | None:
        """The first hidden layer's output for the current input (unit order)."""
        return self._forward()[0]

    def _forward(self) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(first hidden layer's output, probabilities) from one forward pass."""
        if self._pass is None:
            return None, None
        outputs = self._pass.outputs
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
        if self._pass is None:
            self.stack.set_outputs(None, None)
        else:
            self.stack.set_outputs(self._pass.image, self._pass.outputs)
        self._show_map_pass()
        self.grid.set_activations(hidden)
        self.strip.set_values(None if hidden is None else hidden[self.grid.order()])
        if self.unit_view.unit is not None:
            self._show_unit_state(hidden, probabilities)
        _set_text(self._layout, self.caption, self._caption(hidden))
        _set_text(self._layout, self.ideas, self._ideas(hidden, probabilities), may_be_taller=True)

    def _caption(self, hidden: np.ndarray | None) -> str:
        if self.grid.order().size == 0:
            if self._pass is None:
                return self.tr(
                    "Every layer of this network, left to right. Draw a digit to see "
                    "each layer's output; click a feature map to see how it is made."
                )
            return self.tr(
                "Every layer of this network for your drawing, left to right: white is "
                "a strong output, black none. Click a feature map (or Tab to the layers, "
                "then the arrow keys and Enter) to see how it is made."
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
        facts = training_facts(self._card)
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
            "<b>" + self.tr("Optimizer") + "</b><br>" + self._optimizer_text(facts),
            "<b>" + self.tr("Training loop") + "</b><br>" + self._loop_text(facts),
        ]
        return "<br><br>".join(parts)

    def _optimizer_text(self, facts: dict) -> str:
        if not facts["optimizer"]:
            return self.tr("This model's card does not say how it was trained.")
        if facts["learning_rate"] is None:
            return self.tr(
                "{0}: every step nudges all weights against the gradient of the loss"
            ).format(facts["optimizer"])
        return self.tr(
            "{0}, learning rate {1}: every step nudges all weights against the gradient of the loss"
        ).format(facts["optimizer"], f"{facts['learning_rate']:g}")

    def _loop_text(self, facts: dict) -> str:
        epochs, steps, batch = facts["epochs"], facts["steps"], facts["batch_size"]
        if epochs is None:
            return self.tr("Not recorded in this model's card.")
        if steps is None or batch is None:
            return self.tr("{0} epochs (the card does not give the steps)").format(str(epochs))
        return self.tr("{0} epochs × {1} steps of {2} images = {3} weight updates").format(
            str(epochs), str(steps), str(batch), f"{epochs * steps:,}"
        )
