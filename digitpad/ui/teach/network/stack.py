"""Every layer of the network left to right (wrapping to the next row when the column
is narrow): a card per layer, each its name, shape, activation and weights above a
picture of its output for the drawing.

One widget paints them all; a new drawing rebuilds each card's picture with numpy and
repaints only the pictures (the headers change only with the model or the type).
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.ml.layers import layer_facts
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.teach.common import ACCENT, MUTED
from digitpad.ui.teach.network.card import LayerCard
from digitpad.ui.teach.network.conv import MapGridCard
from digitpad.ui.teach.network.dense import DenseCard
from digitpad.ui.teach.network.input import InputCard
from digitpad.ui.teach.network.outputs import OutputCard
from digitpad.ui.teach.network.pooling import PoolingCard

ARROW = 22  # the room between two cards, an arrow in it
ROW_GAP = 10
_WRAP = Qt.TextFlag.TextWordWrap | Qt.TextFlag.TextWrapAnywhere


def card_for(facts, last: bool) -> LayerCard:
    if facts.kind == "Conv2D" and len(facts.shape) == 3:
        return MapGridCard(facts)
    if facts.kind == "MaxPooling2D" and len(facts.shape) == 3:
        return PoolingCard(facts)
    if facts.kind == "Dense":
        return OutputCard(facts) if last else DenseCard(facts)
    return LayerCard(facts)


class LayerStack(Retranslatable, QWidget):
    mapClicked = Signal(int, int)  # (layer index in predictor.layers, map)
    mapSelected = Signal(int, int)  # the arrow keys moved the selection there

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.cards: list[LayerCard] = []
        self._laid_for: tuple | None = None  # (width, font key) the layout is for
        self._height = 0
        self.selected: tuple[int, int] | None = None  # (card position, map): keyboard
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setMinimumWidth(200)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(False)

    # -- model and drawing ------------------------------------------------------------
    def set_network(self, predictor) -> None:
        """The predictor's layers (new weights of the same layers keep the cards)."""
        facts = layer_facts(predictor) if predictor is not None else []
        if [c.facts for c in self.cards[1:]] == facts:
            return
        cards: list[LayerCard] = [InputCard(None)] if facts else []
        shown = [f for f in facts if f.kind != "InputLayer"]
        for position, fact in enumerate(shown):
            card = card_for(fact, position == len(shown) - 1)
            if isinstance(card, PoolingCard):
                size = predictor.layers[fact.index].config.get("pool_size", (2, 2))
                card.pool_size = tuple(int(d) for d in size)
            cards.append(card)
        self.cards = cards
        self.selected = None
        self._laid_for = None
        self.updateGeometry()
        self.update()

    def set_outputs(self, image, outputs) -> None:
        """The forward pass's input (28x28) and every layer's output (batch of one,
        ``forward``'s order), or ``None`` for both: no drawing."""
        if not self.cards:
            return
        self._ensure_layout()
        changed = []
        for card in self.cards:
            if isinstance(card, InputCard):
                value = image
            else:
                value = None if outputs is None else outputs[card.facts.index][0]
            if card.set_output(value):
                changed.append(card.picture)
        for rect in changed:
            self.update(rect)

    def card_at(self, layer_index: int) -> LayerCard | None:
        return next(
            (c for c in self.cards if c.facts is not None and c.facts.index == layer_index),
            None,
        )

    # -- layout -----------------------------------------------------------------------
    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._flow(width, place=False)

    def sizeHint(self) -> QSize:
        return QSize(560, self.heightForWidth(560))

    def minimumSizeHint(self) -> QSize:
        return QSize(200, 0)

    def _line_height(self) -> int:
        return self.fontMetrics().height()

    def _header_lines(self, card: LayerCard) -> list[str]:
        lines = card.header_lines()
        return lines

    def _header_height(self, card: LayerCard, width: int) -> int:
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        height = 0
        for number, line in enumerate(self._header_lines(card)):
            font_metrics = type(metrics)(bold) if number == 0 else metrics
            height += font_metrics.boundingRect(QRect(0, 0, width, 10_000), _WRAP, line).height()
        return height

    def _card_width(self, card: LayerCard, room: int) -> int:
        """As wide as its picture, its name and each line of its header (a line is not
        broken, least of all mid-word, unless the column is narrower than it: "픽셀 784개"
        came out as "픽셀 78" over "4개" under a narrow picture)."""
        picture = card.picture_size(room).width()
        metrics = self.fontMetrics()
        bold = QFont(self.font())
        bold.setBold(True)
        lines = self._header_lines(card)
        widest = max((metrics.horizontalAdvance(line) for line in lines[1:]), default=0)
        name = QFontMetrics(bold).horizontalAdvance(lines[0])
        return min(room, max(picture, name + 4, widest + 4))

    def _flow(self, width: int, place: bool) -> int:
        """Lay the cards in rows of ``width``; the height used. ``place``: set them."""
        if not self.cards:
            return 0
        x = y = row_height = 0
        room = max(60, width)
        for card in self.cards:
            card.text_height = self._line_height()
            card_width = self._card_width(card, room)
            picture = card.picture_size(min(room, max(card_width, 1)))
            header = self._header_height(card, card_width)
            height = header + 4 + picture.height()
            if x > 0 and x + ARROW + card_width > width:
                x, y, row_height = 0, y + row_height + ROW_GAP, 0
            left = x + ARROW if x > 0 else 0
            if place:
                card.header = QRect(left, y, card_width, header)
                card.place(QRect(left, y + header + 4, picture.width(), picture.height()))
            x = left + card_width
            row_height = max(row_height, height)
        return y + row_height

    def _ensure_layout(self) -> None:
        key = (self.width(), self.font().key(), len(self.cards), id(self.cards))
        if key != self._laid_for:
            self._laid_for = key
            self._height = self._flow(self.width(), place=True)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._laid_for = None

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        self._laid_for = None
        self.updateGeometry()

    def retranslate_ui(self) -> None:
        self._laid_for = None
        self.updateGeometry()
        self.update()

    # -- painting ---------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        self._ensure_layout()
        painter = QPainter(self)
        region = event.rect()
        bold = QFont(self.font())
        bold.setBold(True)
        text_colour = self.palette().windowText().color()
        previous = None
        for card in self.cards:
            whole = card.header.united(card.picture)
            if previous is not None and previous.top() == card.header.top():
                arrow = QRect(previous.right() + 1, whole.top(), ARROW, whole.height())
                if region.intersects(arrow):
                    painter.setPen(MUTED)
                    painter.drawText(arrow, Qt.AlignmentFlag.AlignCenter, "→")
            previous = whole
            if region.intersects(card.header):
                top = card.header.top()
                for number, line in enumerate(self._header_lines(card)):
                    painter.setFont(bold if number == 0 else self.font())
                    painter.setPen(text_colour if number == 0 else MUTED)
                    rect = painter.boundingRect(
                        QRect(card.header.left(), top, card.header.width(), 10_000), _WRAP, line
                    )
                    painter.drawText(rect, _WRAP, line)
                    top = rect.bottom() + 1
                painter.setFont(self.font())
            if region.intersects(card.picture):
                painter.setPen(text_colour)
                card.paint(painter)
        if self.selected is not None:
            position, channel = self.selected
            if position < len(self.cards):
                rect = self.cards[position].map_rect(channel)
                if rect is not None:
                    painter.setPen(QPen(ACCENT, 2))
                    painter.drawRect(rect.adjusted(-1, -1, 1, 1))

    # -- mouse and keyboard -----------------------------------------------------------
    def map_rect(self, layer_index: int, channel: int) -> QRect | None:
        self._ensure_layout()
        card = self.card_at(layer_index)
        return None if card is None else card.map_rect(channel)

    def mousePressEvent(self, event) -> None:
        self._ensure_layout()
        x, y = int(event.position().x()), int(event.position().y())
        for position, card in enumerate(self.cards):
            if card.selectable:
                channel = card.map_at(x, y)
                if channel is not None and event.button() == Qt.MouseButton.LeftButton:
                    self.select(position, channel)
                    self.mapClicked.emit(card.facts.index, channel)
                    event.accept()
                    return
        super().mousePressEvent(event)

    def select(self, position: int | None, channel: int = 0) -> None:
        old = self.selected
        self.selected = None if position is None else (position, channel)
        for chosen in (old, self.selected):
            if chosen is not None and chosen[0] < len(self.cards):
                rect = self.cards[chosen[0]].map_rect(chosen[1])
                if rect is not None:
                    self.update(rect.adjusted(-3, -3, 3, 3))

    def select_layer_map(self, layer_index: int | None, channel: int = 0) -> None:
        for position, card in enumerate(self.cards):
            if card.facts is not None and card.facts.index == layer_index:
                self.select(position, channel)
                return
        self.select(None)

    def selectable_positions(self) -> list[int]:
        return [p for p, card in enumerate(self.cards) if card.selectable]

    def step(self, step: int) -> tuple[int, int] | None:
        """Select the map ``step`` after (before) the selected one, across the layers
        with maps; returns (layer index, map)."""
        places = [(p, m) for p in self.selectable_positions() for m in range(self.cards[p].maps())]
        if not places:
            return None
        if self.selected in places:
            at = (places.index(self.selected) + step) % len(places)
        else:
            at = 0
        self.select(*places[at])
        position, channel = places[at]
        return self.cards[position].facts.index, channel

    def keyPressEvent(self, event) -> None:
        steps = {Qt.Key.Key_Left: -1, Qt.Key.Key_Up: -1, Qt.Key.Key_Right: 1, Qt.Key.Key_Down: 1}
        if event.key() in steps:
            self._ensure_layout()
            chosen = self.step(steps[event.key()])
            if chosen is not None:
                self.mapSelected.emit(*chosen)
                event.accept()
                return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            if self.selected is None and self.step(0) is None:
                return super().keyPressEvent(event)
            position, channel = self.selected
            self.mapClicked.emit(self.cards[position].facts.index, channel)
            event.accept()
            return
        super().keyPressEvent(event)
