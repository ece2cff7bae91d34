"""Hidden → output, for this drawing: which hidden units push which digit's score.

Each hidden unit j pushes digit k's score by ``h[j] * W[j, k]`` (its output times its
weight to k); the score is the sum of the pushes plus k's bias, and a softmax turns the
ten scores into the probabilities shown. For the digit read (or one picked), the panel
shows the units that push it up most and down most, each as its weight tile and its
push, and that sum. The arithmetic is :func:`digitpad.ml.layers.dense_pushes`.

It follows the pen: one multiply and one sort of a few hundred numbers per drawing, and
it repaints only when what it shows changes.
"""

from __future__ import annotations

import html

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontMetrics, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QToolTip,
    QWidget,
)

from digitpad.ml.layers import Pushes, dense_pushes
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.teach.common import ACCENT
from digitpad.ui.teach.network.pixels import wrap
from digitpad.ui.teach.network.text import TextStableLayout, number_text, set_text
from digitpad.ui.teach.network.tiles import normalised_tiles, tile_pixels

MOST = 4  # units shown each way, when the width allows


class PushRow(QWidget):
    """The units pushing one digit's score up most, then those pushing it down most:
    each its weight tile (as in the grid) and its push below it. Painted; a click on a
    tile emits its unit. Two groups side by side, one above the other when narrow."""

    unitClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._kernel: np.ndarray | None = None  # (784, units) the hidden layer's weights
        self._tiles: dict[int, QImage] = {}  # unit -> its tile at ``_tile_key``
        self._tile_key: tuple[int, float] | None = None
        self._pixels: dict[int, np.ndarray] = {}  # the tiles' pixels, kept alive
        self._shown: tuple | None = None  # (headings, up, down): (unit, push text) pairs
        self._pushes: Pushes | None = None
        self._fed: np.ndarray | None = None
        self._weights: np.ndarray | None = None
        self._chosen: int | None = None
        self._heading: tuple = (None, 0)  # ((font, headings), their width) last measured
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        # From the keyboard: Tab to the row, the arrow keys move along its tiles, Enter
        # (or Space) opens the one framed, as a click does.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._focus = 0  # index into the tiles painted, in order

    # -- what it shows ------------------------------------------------------------------
    def set_kernel(self, kernel: np.ndarray | None) -> None:
        self._kernel = kernel
        self._tiles, self._pixels, self._tile_key = {}, {}, None
        self._shown = None
        self.update()

    def set_shown(self, headings: tuple[str, str], up, down, *, pushes, fed, weights) -> None:
        """``up`` / ``down``: (unit, push text) pairs, strongest first; for the tooltips,
        ``pushes``, ``fed`` (the hidden layer's output) and ``weights`` (each unit's weight
        to the digit). Repaints only when what it paints changes."""
        self._pushes, self._fed, self._weights = pushes, fed, weights
        shown = (headings, tuple(up), tuple(down))
        if shown != self._shown:
            before = (self._heading_width(), self._cell())
            self._shown = shown
            if (self._heading_width(), self._cell()) != before:  # another language...
                self.updateGeometry()
            self.update()

    def set_chosen(self, unit: int | None) -> None:
        if unit != self._chosen:
            self._chosen = unit
            self.update()

    def shown_units(self) -> tuple[list[int], list[int]]:
        """(units pushing up, units pushing down) as painted now (width permitting)."""
        if self._shown is None:
            return [], []
        count, _ = self._plan(self.width())
        _, up, down = self._shown
        return [u for u, _ in up[:count]], [u for u, _ in down[:count]]

    # -- geometry -------------------------------------------------------------------------
    def _side(self) -> int:
        """A tile's side: about 2.4 lines of text, so it grows with presenter mode's type."""
        return int(min(72, max(32, 2.4 * self.fontMetrics().height())))

    def _cell(self) -> int:
        """The room of one unit: its tile or its push, whichever is wider, and a gap.
        The UI's fonts give every digit one width: only a push longer than "−00.00" is
        measured (measuring each one was a third of the panel's time per drawing)."""
        metrics = self.fontMetrics()
        pairs = [*self._shown[1], *self._shown[2]] if self._shown else []
        longer = [text for _, text in pairs if len(text) > 6]
        number = max(metrics.horizontalAdvance(text) for text in ["−00.00", *longer])
        return max(self._side(), number) + max(6, metrics.height() // 2)

    def _bold(self) -> QFont:
        bold = QFont(self.font())
        bold.setBold(True)
        return bold

    def _heading_width(self) -> int:
        if self._shown is None:
            return 0
        key = (self.font().key(), self._shown[0])
        if self._heading[0] != key:
            metrics = QFontMetrics(self._bold())
            width = max(metrics.horizontalAdvance(text) for text in self._shown[0]) + 4
            self._heading = (key, width)
        return self._heading[1]

    def _group_width(self, count: int) -> int:
        return max(self._heading_width(), count * self._cell())

    def _plan(self, width: int) -> tuple[int, bool]:
        """(units shown each way, whether the two groups are stacked) for ``width``."""
        gap = 2 * self.fontMetrics().height()
        for count in range(MOST, 0, -1):
            if 2 * self._group_width(count) + gap <= width:
                return count, False
        for count in range(MOST, 0, -1):
            if self._group_width(count) <= width:
                return count, True
        return 1, True

    def _band_height(self) -> int:
        line = self.fontMetrics().height()
        return line + 2 + self._side() + 2 + line

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        bands = 2 if self._plan(width)[1] else 1
        return bands * self._band_height() + (bands - 1) * (self.fontMetrics().height() // 2)

    def sizeHint(self) -> QSize:
        width = 2 * self._group_width(MOST) + 2 * self.fontMetrics().height()
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        width = self._group_width(1)
        return QSize(width, self.heightForWidth(width))

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode: larger tiles
            self._tiles, self._pixels, self._tile_key = {}, {}, None
            self.updateGeometry()

    # -- places -------------------------------------------------------------------------
    def _places(self) -> list[tuple[QRect, int, str]]:
        """(tile rectangle, unit, push text) of every unit painted."""
        if self._shown is None:
            return []
        count, stacked = self._plan(self.width())
        line, side, cell = self.fontMetrics().height(), self._side(), self._cell()
        group = self._group_width(count)
        places = []
        for index, pairs in enumerate(self._shown[1:]):
            left, top = self._group_origin(index, group, stacked)
            for place, (unit, text) in enumerate(pairs[:count]):
                x = left + place * cell + (cell - side) // 2
                places.append((QRect(x, top + line + 2, side, side), unit, text))
        return places

    def _group_origin(self, index: int, group: int, stacked: bool) -> tuple[int, int]:
        if stacked:
            return 0, index * (self._band_height() + self.fontMetrics().height() // 2)
        return index * (group + 2 * self.fontMetrics().height()), 0

    def unit_at(self, point: QPoint) -> int | None:
        for rect, unit, _ in self._places():
            if rect.contains(point):
                return unit
        return None

    def tile_rect(self, unit: int) -> QRect | None:
        """Where ``unit``'s tile is painted, ``None`` if it is not."""
        return next((rect for rect, shown, _ in self._places() if shown == unit), None)

    def focused_unit(self) -> int | None:
        """The unit whose tile the keyboard frames (``None``: no tiles)."""
        up, down = self.shown_units()
        units = up + down
        return units[min(self._focus, len(units) - 1)] if units else None

    def keyPressEvent(self, event) -> None:
        up, down = self.shown_units()
        count = len(up) + len(down)
        key = event.key()
        steps = {
            Qt.Key.Key_Left: -1,
            Qt.Key.Key_Up: -1,
            Qt.Key.Key_Right: 1,
            Qt.Key.Key_Down: 1,
        }
        if count and key in steps:
            self._focus = (min(self._focus, count - 1) + steps[key]) % count
            self.update()
            event.accept()
        elif count and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.unitClicked.emit(self.focused_unit())
            event.accept()
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()

    def mousePressEvent(self, event) -> None:
        unit = self.unit_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and unit is not None:
            self.unitClicked.emit(unit)
            event.accept()
        else:
            super().mousePressEvent(event)

    def event(self, event) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            unit = self.unit_at(event.pos())
            if unit is None or self._pushes is None:
                return super().event(event)  # the row's own tooltip
            QToolTip.showText(
                event.globalPos(),
                self.tr("Unit {0}: its output {1} × its weight {2} = {3}").format(
                    str(unit + 1),
                    number_text(float(self._fed[unit])),
                    number_text(float(self._weights[unit])),
                    number_text(float(self._pushes.pushes[unit]), signed=True),
                ),
                self,
            )
            return True
        return super().event(event)

    # -- painting -------------------------------------------------------------------------
    def _tile(self, unit: int) -> QImage:
        dpr = self.devicePixelRatioF()
        key = (self._side(), dpr)
        if key != self._tile_key:
            self._tiles, self._pixels, self._tile_key = {}, {}, key
        if unit not in self._tiles:
            side = max(1, round(key[0] * dpr))
            tiles = normalised_tiles(self._kernel[:, unit : unit + 1])
            pixels = np.ascontiguousarray(tile_pixels(tiles, side)[0])
            self._pixels[unit] = pixels
            self._tiles[unit] = wrap(pixels, dpr)
        return self._tiles[unit]

    def paintEvent(self, _event) -> None:
        if self._shown is None or self._kernel is None:
            return
        painter = QPainter(self)
        metrics = self.fontMetrics()
        line = metrics.height()
        count, stacked = self._plan(self.width())
        group = self._group_width(count)
        bold = self._bold()
        for index, pairs in enumerate(self._shown[1:]):
            left, top = self._group_origin(index, group, stacked)
            painter.setFont(bold)
            painter.setPen(self.palette().text().color())
            painter.drawText(
                QRect(left, top, group, line),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self._shown[0][index],
            )
            painter.setFont(self.font())
            if not pairs:  # no unit pushes this way
                painter.drawText(QRect(left, top + line + 2, group, line), 0, "—")
        cell = self._cell()
        focused = self.focused_unit() if self.hasFocus() else None
        for rect, unit, text in self._places():
            painter.drawImage(rect.topLeft(), self._tile(unit))
            if unit == focused:  # the keyboard's place: a dashed frame around the tile
                painter.setPen(QPen(self.palette().highlight().color(), 2, Qt.PenStyle.DashLine))
                painter.drawRect(rect.adjusted(-3, -3, 2, 2))
                painter.setPen(self.palette().text().color())
            if unit == self._chosen:  # the unit shown close up
                painter.setPen(QPen(ACCENT, 2))
                painter.drawRect(rect.adjusted(1, 1, -1, -1))
                painter.setPen(self.palette().text().color())
            label = QRect(rect.center().x() - cell // 2, rect.bottom() + 3, cell, line)
            painter.drawText(label, Qt.AlignmentFlag.AlignHCenter, text)


class ConnectionsPanel(Retranslatable, QWidget):
    """Which hidden units push which digit, for this drawing (see the module's text).

    ``set_layers(hidden, output)`` with the network's hidden Dense layer and its Dense 10
    output (``None``: a network this does not apply to); ``set_pass(fed)`` on every
    drawing change with what the output layer was fed (the hidden layer's output). The
    digit read is the one with the highest score, which the softmax makes the likeliest."""

    unitClicked = Signal(int)  # a unit's tile was clicked: show it close up

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._output = None  # the Dense 10 layer
        self._fed: np.ndarray | None = None  # (units,) what it was fed: the hidden output
        self._picked: int | None = None  # a digit picked; None: follow the digit read
        self._pushes: Pushes | None = None
        self.title = QLabel()
        self.title.setObjectName("connectionsTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.digits = QButtonGroup(self)
        self.digits.setExclusive(True)
        row = QHBoxLayout()
        row.setSpacing(2)
        for digit in range(10):
            button = QToolButton()
            button.setObjectName(f"connectionsDigit{digit}")
            button.setText(str(digit))
            button.setCheckable(True)
            button.setAutoRaise(True)
            self.digits.addButton(button, digit)
            row.addWidget(button)
        row.addStretch(1)
        self._digit_widths()
        self.digits.idClicked.connect(self._on_digit_clicked)
        self.row = PushRow()
        self.row.setObjectName("connectionsRow")
        self.row.unitClicked.connect(self.unitClicked)
        self.sum = QLabel()
        self.sum.setObjectName("connectionsSum")
        self.sum.setWordWrap(True)
        layout = self._layout = TextStableLayout(self)  # new numbers: no new layout
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.title)
        layout.addLayout(row)
        layout.addWidget(self.row)
        layout.addWidget(self.sum)
        self.retranslate_ui()

    # -- public -----------------------------------------------------------------------------
    def set_layers(self, hidden, output) -> None:
        """The hidden Dense layer (its 784-weight tiles) and the Dense 10 it feeds."""
        self._output = output
        self.row.set_kernel(None if hidden is None else hidden.weights[0])
        self._fed = self._pushes = None
        self._show()

    def applies(self) -> bool:
        return self._output is not None

    def set_pass(self, fed: np.ndarray | None) -> None:
        """What the output layer was fed for this drawing (``None``: no drawing)."""
        self._fed = None if self._output is None or fed is None else np.asarray(fed).reshape(-1)
        self._show()

    def digit(self) -> int | None:
        """The digit whose pushes are shown (``None``: no drawing)."""
        return None if self._pushes is None else self._pushes.output

    def pick(self, digit: int | None) -> None:
        """Show ``digit``'s pushes, whatever is read; ``None``: the digit read's again."""
        self._picked = digit
        self._show()

    def pushes(self) -> Pushes | None:
        """The pushes shown now (``None``: none)."""
        return self._pushes

    def shown_units(self) -> tuple[list[int], list[int]]:
        return self.row.shown_units()

    def set_chosen(self, unit: int | None) -> None:
        self.row.set_chosen(unit)

    def text_shown(self) -> str:
        return self.sum.text()

    def retranslate_ui(self) -> None:
        self.title.setText("<b>" + html.escape(self.tr("Which units push which digit")) + "</b>")
        for button in self.digits.buttons():
            digit = self.digits.id(button)
            button.setToolTip(self.tr("Show the units that push {0} up and down").format(digit))
        self.row.setToolTip(self.tr("Click a tile to see its unit close up"))
        self._show()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode's large type
            self._digit_widths()

    def _digit_widths(self) -> None:
        """Each digit's button may be as narrow as its digit and the frame's padding: ten
        buttons at their usual width (~40 px in presenter mode) made the panel, and the
        view's column, wider than it needs."""
        metrics = self.fontMetrics()
        least = max(metrics.horizontalAdvance(str(d)) for d in range(10)) + 2 * 7
        for button in self.digits.buttons():
            button.setMinimumWidth(least)
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    # -- showing ----------------------------------------------------------------------------
    def _on_digit_clicked(self, digit: int) -> None:
        # A second click on the digit picked: back to following the digit read.
        self.pick(None if digit == self._picked else digit)

    def _show(self) -> None:
        if self._fed is None:
            self._pushes = None
        else:  # the digit picked, or the digit read: the highest score
            self._pushes = dense_pushes(self._output, self._fed, self._picked)
        digit = self.digit() if self._fed is not None else self._picked
        self._check(digit)
        if self._pushes is None:
            self.row.setVisible(False)
            set_text(
                self._layout,
                self.sum,
                self.tr(
                    "Each hidden unit pushes a digit's score by its output × its weight "
                    "to that digit. Draw a digit to see which units push it most."
                ),
            )
            return
        pushes = self._pushes
        order = np.argsort(pushes.pushes, kind="stable")
        values = pushes.pushes
        up = [(int(u), number_text(values[u], signed=True)) for u in order[::-1][:MOST]]
        down = [(int(u), number_text(values[u], signed=True)) for u in order[:MOST]]
        up = [(u, text) for u, text in up if values[u] > 0]
        down = [(u, text) for u, text in down if values[u] < 0]
        headings = (
            self.tr("Push {0} up most").format(digit),
            self.tr("Push {0} down most").format(digit),
        )
        weights = self._output.weights[0][:, digit]
        self.row.set_shown(headings, up, down, pushes=pushes, fed=self._fed, weights=weights)
        if not self.row.isVisible():
            self.row.setVisible(True)
        text = self.tr(
            "The {1} pushes (each unit's output × its weight to {0}) add up to {2}; "
            "+ bias {3} = score {4} for {0}. Softmax over the ten scores → {5}."
        ).format(
            digit,
            len(values),
            number_text(pushes.total),
            number_text(pushes.bias),
            number_text(pushes.score),
            percent(pushes.probability),
        )
        read = int(np.argmax(pushes.scores))
        if read != digit:  # a digit picked: which one the network reads
            text += " " + self.tr("The highest score is {0}'s: it reads {0}.").format(read)
        set_text(self._layout, self.sum, text, may_be_taller=True)

    def _check(self, digit: int | None) -> None:
        """Check ``digit``'s button (none for ``None``)."""
        button = self.digits.button(digit) if digit is not None else None
        if button is not None:
            if not button.isChecked():
                button.setChecked(True)
        elif self.digits.checkedButton() is not None:
            self.digits.setExclusive(False)  # an exclusive group keeps one checked
            self.digits.checkedButton().setChecked(False)
            self.digits.setExclusive(True)


def percent(probability: float) -> str:
    """93.1%: one decimal, more where one would round a probability short of 1 to
    100.0% (or above 0 to 0.0%): 99.97%, not 100.0%."""
    for places in range(1, 7):
        text = f"{probability:.{places}%}"
        if not 0 < probability < 1 or float(text[:-1]) not in (0.0, 100.0):
            break
    return text
