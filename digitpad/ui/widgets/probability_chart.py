"""Ten bars, one per digit, like the tutorial's ``PROBABILITY | NUMBER`` table.

The most probable digit is highlighted and repeated large on the left, readable from
the back of a room. With nothing drawn the chart says so instead of inventing a guess.
Custom-painted: ten rectangles are simpler and faster than a QtCharts bar series.

The chart follows every pen move, so a paint must cost next to nothing. Once per size,
font, palette and language (:class:`_Layout`) the fonts are fitted, the geometry is
computed and everything that does not change with the reading (background, grey tracks,
caption, digit labels) is drawn into one opaque pixmap; every text that does change is
drawn once, on first use, into a small opaque pixmap of its own cell. A paint is then
only opaque blits and the bars' rectangles. A new reading repaints just the cells whose
pixels change (bars in whole pixels, percents as shown), and nothing when none does.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QRect, QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.ui.i18n import Retranslatable

HIGHLIGHT = QColor(230, 120, 20)
BAR = QColor(70, 120, 190)
TRACK = QColor(128, 128, 128, 40)
HINT = QColor(140, 140, 140)
CENTRE = Qt.AlignmentFlag.AlignCenter
LESS_THAN_ONE, NO_LABEL = -1, -2  # percent codes besides 0..100 (see _state)
UNKNOWN = object()  # the accessible description is yet to be set
PRERENDER_DELAY_MS = 100  # after the first paint at a size: the window appears first
PRERENDER_SLICE_S = 0.002  # then texts are made in slices this long, between events


def _cell(left: float, top: float, right: float, bottom: float) -> QRect:
    """Whole-pixel cell with rounded edges, so neighbouring cells neither gap nor overlap."""
    x, y = round(left), round(top)
    return QRect(x, y, max(1, round(right) - x), max(1, round(bottom) - y))


@dataclass
class _Layout:
    """Everything that depends only on size, font, palette and language, made once."""

    size: QSize
    dpr: float
    fonts: dict[str, QFont]
    background: QColor
    text_color: QColor
    texts: dict[str, str]  # translated captions
    static: QPixmap  # background, tracks, caption and digit labels: the chart at rest
    text_rects: dict[str, QRectF]  # where "answer", "digit" and "sure" texts are centred
    cells: dict[str, QRect]  # "lower" (all but the caption: the hint), "digit", "sure"
    columns: list[QRect]  # per digit: percent label and bar, repainted when either changes
    label_cells: list[QRect]  # per digit: the percent label above its bar
    labels: list[QRectF]  # ...and the rectangle its text is centred in
    name_cells: list[QRect]  # per digit: its label below the bar (the winner's is orange)
    names: list[QRectF]
    tracks: list[QRect]  # the grey track behind each bar
    plot_bottom: int
    plot_height: int
    # Narrow (two charts side by side at 1280 px): percents without "%", and none for
    # bars under 1 %, so the labels that matter stay legible instead of shrinking to 6 pt.
    compact: bool = False
    # A text drawn once into an opaque pixmap of its cell, centred where drawText would
    # put it: key -> (cell's top-left, pixmap). A paint is then a few pixmap copies.
    sprites: dict[tuple, tuple[QPoint, QPixmap]] = field(default_factory=dict)
    # Percent labels by code, shared by the ten bars (drawn centred over each one's
    # label cell): "57%" is the same pixmap above a 3 or a 7.
    percents: dict[int, QPixmap] = field(default_factory=dict)
    prerendered: bool = False  # every text above made (see prerender)
    _pending: object = None  # what prerender has still to make (a generator)

    def sprite(
        self, key: tuple, font: str, text: str, where: tuple[QRectF, QRect], colour: QColor
    ) -> tuple[QPoint, QPixmap]:
        """``text`` centred in ``where[0]``, over the cell ``where[1]``; made on first use."""
        cached = self.sprites.get(key)
        if cached is None:
            text_rect, cell = where
            text_rect = text_rect.translated(-cell.x(), -cell.y())
            pixmap = self.text_pixmap(cell.size(), text_rect, font, text, colour)
            cached = self.sprites[key] = (cell.topLeft(), pixmap)
        return cached

    def text_pixmap(
        self, size: QSize, text_rect: QRectF, font: str, text: str, colour: QColor
    ) -> QPixmap:
        """An opaque pixmap of ``size`` with ``text`` centred in ``text_rect``."""
        pixmap = QPixmap(size * self.dpr)
        pixmap.setDevicePixelRatio(self.dpr)
        pixmap.fill(self.background)
        painter = QPainter(pixmap)
        painter.setFont(self.fonts[font])
        painter.setPen(colour)
        painter.drawText(text_rect, CENTRE | Qt.TextFlag.TextWordWrap, text)
        painter.end()
        return pixmap

    def percent(self, code: int) -> QPixmap:
        """The percent label for ``code``, the same pixmap over any bar (its cells are
        as wide as the narrowest bar's, centred over each)."""
        pixmap = self.percents.get(code)
        if pixmap is None:
            width = min(cell.width() for cell in self.label_cells)
            first, label = self.label_cells[0], self.labels[0]
            text_rect = QRectF(0, label.y() - first.y(), width, label.height())
            text = _percent_label(code) if self.compact else f"{_percent_label(code)}%"
            pixmap = self.percents[code] = self.text_pixmap(
                QSize(width, first.height()), text_rect, "percent", text, self.text_color
            )
        return pixmap

    def prerender(self, budget: float = PRERENDER_SLICE_S) -> bool:
        """Make the texts a reading can show ahead of the pen moves that first need them
        (the percent labels, "N% sure", the big digit, the orange digit name), for at
        most ``budget`` seconds; ``True`` once all are made (~6 ms in all, once per size,
        font, palette or language). In slices, so that a stroke begun meanwhile waits
        for one slice, not for all of them."""
        if self._pending is None:
            self._pending = self._prerender_steps()
        end = time.perf_counter() + budget
        for _ in self._pending:
            if time.perf_counter() >= end:
                return False
        self.prerendered = True
        return True

    def _prerender_steps(self):
        rects, cells = self.text_rects, self.cells
        for code in (LESS_THAN_ONE, *range(101)):
            self.percent(code)
            text = self.texts["sure"].format(_percent_label(code))
            where = (rects["sure"], cells["sure"])
            self.sprite(("sure", code), "sure", text, where, self.text_color)
            yield
        for digit in range(10):
            where = (rects["digit"], cells["digit"])
            self.sprite(("big", digit), "big", str(digit), where, HIGHLIGHT)
            where = (self.names[digit], self.name_cells[digit])
            self.sprite(("name", digit), "digit", str(digit), where, HIGHLIGHT)
            yield
        where = (rects["answer"], cells["lower"])
        self.sprite(("hint",), "hint", self.texts["hint"], where, HINT)


class ProbabilityChart(Retranslatable, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("probabilityChart")
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)  # paints every pixel
        self.setMinimumSize(300, 170)  # two fit side by side at 1280 px (comparison)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._probabilities: np.ndarray | None = None
        self._values: list[float] | None = None  # the same, clamped, as plain floats
        self._layout: _Layout | None = None
        self._shown: tuple | None = None  # what is on screen (see _state); None: unknown
        self._described: object = UNKNOWN  # (digit, percent) described, or None
        self._prerender_timer = QTimer(self)
        self._prerender_timer.setSingleShot(True)
        self._prerender_timer.timeout.connect(self._prerender)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Names and descriptions; the painted captions follow via the layout."""
        self.setAccessibleName(self.tr("Probability of each digit"))
        self._descriptions = (
            self.tr("Nothing drawn yet."),
            self.tr("The model reads {0} ({1}% sure)."),
        )
        self._invalidate()
        self.set_probabilities(self._probabilities)

    def changeEvent(self, event) -> None:
        kind = event.type()
        if kind in (QEvent.Type.FontChange, QEvent.Type.PaletteChange, QEvent.Type.StyleChange):
            self._invalidate()
        super().changeEvent(event)  # Retranslatable: a language change retranslates

    def set_probabilities(self, probabilities: np.ndarray | None) -> None:
        if probabilities is None:
            self._probabilities = self._values = None
        else:
            self._probabilities = np.asarray(probabilities, float)
            # Ten numbers: plain Python is cheaper than numpy calls on every pen move.
            values = self._probabilities.tolist()
            self._values = [min(max(v, 0.0), 1.0) if math.isfinite(v) else 0.0 for v in values]
        self._describe()
        self._update_changed()

    def _describe(self) -> None:
        p = self._values
        digit = None if p is None else p.index(max(p))
        said = None if p is None else (digit, round(100 * p[digit]))
        if said == self._described:
            return
        self._described = said
        nothing, reads = self._descriptions
        self.setAccessibleDescription(nothing if p is None else reads.format(*said))

    def probabilities(self) -> np.ndarray | None:
        return None if self._probabilities is None else self._probabilities.copy()

    def predicted_digit(self) -> int | None:
        return None if self._probabilities is None else int(self._probabilities.argmax())

    def sizeHint(self) -> QSize:
        return QSize(640, 220)

    # -- what changed ----------------------------------------------------------------
    def _invalidate(self) -> None:
        self._layout = None
        self._shown = None
        self._described = UNKNOWN
        self.update()

    def _state(self, layout: _Layout) -> tuple:
        """What is shown: (winner or None, bar heights in pixels, percent codes)."""
        p = self._values
        if p is None:
            return None, (0,) * 10, (NO_LABEL,) * 10
        # round() halves to even, as f"{:.0f}" does; "<1", not a misleading 0.
        # (Lists, not generators: a generator resumes its frame once per bar, per move.)
        codes = tuple([LESS_THAN_ONE if 0 < 100 * v < 0.5 else round(100 * v) for v in p])
        height = layout.plot_height
        return p.index(max(p)), tuple([round(height * v) for v in p]), codes

    def _update_changed(self) -> None:
        """``update()`` exactly the cells whose pixels change with the new reading."""
        if not self.isVisible():  # laid out when first painted (a hidden chart: never)
            self._shown = None
            return
        layout = self._current_layout()
        state = self._state(layout)
        old, self._shown = self._shown, state
        if old is None:
            self.update()
            return
        (old_winner, old_heights, old_codes), (winner, heights, codes) = old, state
        changed = [
            h != oh or c != oc
            for h, oh, c, oc in zip(heights, old_heights, codes, old_codes, strict=True)
        ]
        # One rectangle around the changes: Qt clips to a plain rectangle much faster
        # than to a region of several.
        dirty = QRect()
        if winner != old_winner:
            dirty |= layout.cells["lower"]
            for digit in (winner, old_winner):
                if digit is not None:
                    changed[digit] = True  # the bar's colour
                    dirty |= layout.name_cells[digit]
        elif winner is not None and codes[winner] != old_codes[winner]:
            dirty |= layout.cells["sure"]
        for digit, column in enumerate(layout.columns):
            if changed[digit]:
                dirty |= column
        if not dirty.isEmpty():
            self.update(dirty)

    # -- layout (cached) ---------------------------------------------------------------
    def _current_layout(self) -> _Layout:
        layout = self._layout
        if layout is None or layout.size != self.size() or layout.dpr != self.devicePixelRatioF():
            self._layout = self._build_layout()
            self._shown = None
        return self._layout

    def _build_layout(self) -> _Layout:
        base = self.font()
        rect = QRectF(self.rect()).adjusted(6, 6, -6, -6)
        answer_width = min(170.0, rect.width() * 0.26)
        answer = QRectF(rect.left(), rect.top(), answer_width, rect.height())
        title = QRectF(answer.left(), answer.top(), answer.width(), answer.height() * 0.18)
        digit = QRectF(answer.left(), title.bottom(), answer.width(), answer.height() * 0.62)
        sure = QRectF(
            answer.left(), digit.bottom(), answer.width(), answer.bottom() - digit.bottom()
        )
        big = QFont(base)
        big.setBold(True)
        big.setPixelSize(max(24, int(answer.height() * 0.58)))
        digit_font = _scaled(base, 1.3)
        digit_font.setBold(True)
        # The answer's cells take the margins too, so a long translation is not cut off.
        left, right = 0, answer.right() + 6

        bars = QRectF(
            answer.right() + 12, rect.top(), rect.width() - answer_width - 12, rect.height()
        )
        label_height = QFontMetricsF(base).height() + 4
        slot = bars.width() / 10
        bar_width = slot * 0.62
        plot_top = round(bars.top() + label_height)
        plot_bottom = round(bars.bottom() - label_height * 1.35)
        plot_height = max(1, plot_bottom - plot_top)
        columns, label_cells, labels, name_cells, names, tracks = [], [], [], [], [], []
        for d in range(10):
            x0, x1 = bars.left() + slot * d, bars.left() + slot * (d + 1)
            label_cells.append(_cell(x0, bars.top(), x1, plot_top))
            labels.append(QRectF(x0, bars.top(), slot, label_height))
            columns.append(_cell(x0, bars.top(), x1, plot_bottom))
            name_cells.append(_cell(x0, plot_bottom + 2, x1, bars.bottom()))
            names.append(QRectF(x0, plot_bottom + 2, slot, bars.bottom() - plot_bottom - 2))
            x = round(x0 + (slot - bar_width) / 2)
            tracks.append(
                QRect(x, plot_top, max(1, round(x0 + (slot + bar_width) / 2) - x), plot_height)
            )
        # Compact when "100%" would have to shrink below 80 % of the font to fit a slot.
        compact = 0.8 * QFontMetricsF(base).horizontalAdvance("100%") > slot - 2
        sure_text = self.tr("{0}% sure")
        background = self.palette().window().color()
        text_color = self.palette().windowText().color()
        layout = _Layout(
            size=self.size(),
            dpr=self.devicePixelRatioF(),
            fonts={
                "caption": _fitted(QFont(base), self.tr("Prediction"), answer.width() - 2),
                "hint": _scaled(base, 1.3),
                "big": big,
                # Labels never overlap; "100%" always fits its bar's slot.
                "percent": _fitted(QFont(base), "100" if compact else "100%", slot - 2),
                # ... and "100% sure" fits on one line under the big digit.
                "sure": _fitted(QFont(base), sure_text.format(100), answer.width() - 2),
                "digit": digit_font,
            },
            background=background,
            text_color=text_color,
            texts={"hint": self.tr("Draw a digit"), "sure": sure_text},
            static=QPixmap(),
            text_rects={"answer": answer, "digit": digit, "sure": sure},
            cells={
                "lower": _cell(left, title.bottom(), right, answer.bottom()),
                "digit": _cell(left, digit.top(), right, digit.bottom()),
                "sure": _cell(left, sure.top(), right, sure.bottom()),
            },
            columns=columns,
            label_cells=label_cells,
            labels=labels,
            name_cells=name_cells,
            names=names,
            tracks=tracks,
            plot_bottom=plot_bottom,
            plot_height=plot_height,
            compact=compact,
        )
        layout.static = self._draw_static(layout, title)
        return layout

    def _draw_static(self, layout: _Layout, title: QRectF) -> QPixmap:
        """The chart with nothing drawn on it but grey tracks, caption and digit labels."""
        pixmap = QPixmap(self.size() * layout.dpr)
        pixmap.setDevicePixelRatio(layout.dpr)
        pixmap.fill(layout.background)
        painter = QPainter(pixmap)
        for track in layout.tracks:
            painter.fillRect(track, TRACK)
        painter.setPen(layout.text_color)
        painter.setFont(layout.fonts["caption"])
        painter.drawText(title, CENTRE, self.tr("Prediction"))
        painter.setFont(layout.fonts["digit"])
        for digit, name in enumerate(layout.names):
            painter.drawText(name, CENTRE, str(digit))
        painter.end()
        return pixmap

    def _prerender(self) -> None:
        layout = self._layout
        if layout is not None and not layout.prerender():
            self._prerender_timer.start(0)  # the next slice, after any waiting input

    # -- painting --------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        layout = self._current_layout()
        if self._shown is None:
            self._shown = self._state(layout)
        winner, heights, codes = self._shown
        # Updates come as one rectangle (see _update_changed); Qt clips to the region.
        if not layout.prerendered and not self._prerender_timer.isActive():
            # Right after the first paint at this size, not in it: the window appears
            # first; texts a paint needs before then are made as it needs them.
            self._prerender_timer.start(PRERENDER_DELAY_MS)
        dirty, dpr = event.rect(), layout.dpr
        painter = QPainter(self)
        source = QRectF(dirty.x() * dpr, dirty.y() * dpr, dirty.width() * dpr, dirty.height() * dpr)
        painter.drawPixmap(QRectF(dirty), layout.static, source)  # opaque: a plain copy
        cells, rects, texts = layout.cells, layout.text_rects, layout.texts
        if winner is None:
            if dirty.intersects(cells["lower"]):
                where = (rects["answer"], cells["lower"])
                painter.drawPixmap(*layout.sprite(("hint",), "hint", texts["hint"], where, HINT))
        else:
            if dirty.intersects(cells["digit"]):
                where = (rects["digit"], cells["digit"])
                key = ("big", winner)
                painter.drawPixmap(*layout.sprite(key, "big", str(winner), where, HIGHLIGHT))
            if dirty.intersects(cells["sure"]):
                code = codes[winner]
                text = texts["sure"].format(_percent_label(code))
                where = (rects["sure"], cells["sure"])
                sprite = layout.sprite(("sure", code), "sure", text, where, layout.text_color)
                painter.drawPixmap(*sprite)
            if dirty.intersects(layout.name_cells[winner]):
                where = (layout.names[winner], layout.name_cells[winner])
                key = ("name", winner)
                painter.drawPixmap(*layout.sprite(key, "digit", str(winner), where, HIGHLIGHT))
        bottom = layout.plot_bottom
        for digit, height, code in zip(range(10), heights, codes, strict=True):
            if not dirty.intersects(layout.columns[digit]):
                continue
            if height > 0:
                x, _, width, _ = layout.tracks[digit].getRect()
                painter.fillRect(
                    x, bottom - height, width, height, HIGHLIGHT if digit == winner else BAR
                )
            if code != NO_LABEL and not (layout.compact and code == LESS_THAN_ONE):
                pixmap = layout.percent(code)
                cell = layout.label_cells[digit]
                left = cell.x() + (cell.width() - round(pixmap.width() / dpr)) // 2
                painter.drawPixmap(left, cell.y(), pixmap)
        painter.end()


def _scaled(font: QFont, factor: float) -> QFont:
    """A copy of ``font`` ``factor`` times as large (point or pixel sized alike)."""
    font = QFont(font)
    if font.pointSizeF() > 0:
        font.setPointSizeF(font.pointSizeF() * factor)
    elif font.pixelSize() > 0:
        font.setPixelSize(max(1, round(font.pixelSize() * factor)))
    return font


def _fitted(font: QFont, widest: str, width: float) -> QFont:
    """``font``, shrunk (not below 6 pt) until ``widest`` fits in ``width`` pixels."""
    advance = QFontMetricsF(font).horizontalAdvance(widest)
    if advance > width > 0 and font.pointSizeF() > 0:
        font.setPointSizeF(max(6.0, font.pointSizeF() * width / advance))
    return font


def _percent_label(code: int) -> str:
    """Whole percents like the tutorial's table; '<1' rather than a misleading '0'."""
    return "<1" if code == LESS_THAN_ONE else str(code)
