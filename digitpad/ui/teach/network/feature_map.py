"""One feature map close up: the map large, the kernel that made it large with its
numbers, and at the point under the pointer the arithmetic that gave the value there:
input patch × kernel, summed, + bias, through the activation (and what max pooling
keeps of it). Under it, which digits the map pushes toward for this drawing: the layers
above run again without it (:mod:`digitpad.ml.influence`). The convolution lesson, on
the user's own drawing."""

from __future__ import annotations

import html as _html

import numpy as np
from PySide6.QtCore import QEvent, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digitpad.ml.influence import MapPushes, map_pushes
from digitpad.ml.layers import ConvStep, conv_step
from digitpad.ml.weights import activation_name
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.teach.common import ACCENT
from digitpad.ui.teach.network.pixels import TABLE, levels, wrap


def _escape(text: str) -> str:
    return _html.escape(text, quote=False)


def number(value: float) -> str:
    """0.98 / −1.37: a real minus sign, as the other formulas here write it."""
    return f"{value:.2f}".replace("-", "−")


def signed(value: float) -> str:
    """+0.81 / −3.48: a change, its sign always written."""
    return ("+" if value >= 0 else "") + number(value)


def percent_pair(before: float, after: float) -> tuple[str, str] | None:
    """Two probabilities as percentages with the fewest decimals (0 to 2) that tell them
    apart ("93%", "61%"; "99.98%", "99.95%"); ``None`` when they agree to 0.01 points."""
    for decimals in (0, 1, 2):
        pair = (f"{100 * before:.{decimals}f}%", f"{100 * after:.{decimals}f}%")
        if pair[0] != pair[1]:
            return pair
    return None


class MapPicture(QWidget):
    """The map large; the pointer (or a click, or the arrow keys) chooses a point."""

    pointChosen = Signal(int, int)  # row, column

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._map: np.ndarray | None = None
        self._pixels: np.ndarray | None = None
        self._image = None
        self.point: tuple[int, int] | None = None
        self.setMouseTracking(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def side(self) -> int:
        return int(min(208, max(130, 7 * self.fontMetrics().height())))

    def sizeHint(self) -> QSize:
        return QSize(self.side(), self.side())

    def set_map(self, values: np.ndarray | None, point: tuple[int, int] | None) -> None:
        self._map = None if values is None else np.asarray(values, np.float32)
        self.point = point
        self._image = None
        self.setFixedSize(self.sizeHint())
        self.update()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode: a larger picture
            self._image = None
            self.setFixedSize(self.sizeHint())
            self.update()

    def cell(self) -> float:
        return self.side() / max(self._map.shape) if self._map is not None else 1.0

    def point_rect(self, row: int, column: int) -> QRect:
        cell = self.cell()
        return QRect(int(column * cell), int(row * cell), int(cell + 0.999), int(cell + 0.999))

    def _picture(self):
        if self._image is None and self._map is not None:
            h, w = self._map.shape
            scale = max(1, self.side() // max(h, w))
            big = np.repeat(np.repeat(levels(self._map), scale, 0), scale, 1)
            self._pixels = np.ascontiguousarray(TABLE[big])
            self._image = wrap(self._pixels)
        return self._image

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        image = self._picture()
        if image is None:
            return
        painter.drawImage(QRect(0, 0, self.side(), self.side()), image)
        if self.point is not None:
            painter.setPen(QPen(ACCENT, 2))
            painter.drawRect(self.point_rect(*self.point))

    def _choose(self, event) -> None:
        if self._map is None:
            return
        cell = self.cell()
        row, column = int(event.position().y() // cell), int(event.position().x() // cell)
        h, w = self._map.shape
        if 0 <= row < h and 0 <= column < w and (row, column) != self.point:
            self.pointChosen.emit(row, column)

    def mouseMoveEvent(self, event) -> None:
        self._choose(event)

    def mousePressEvent(self, event) -> None:
        self._choose(event)


class NumberGrid(QWidget):
    """A small matrix with its numbers: the input patch, or the kernel (coloured: blue
    negative, white positive)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._values: np.ndarray | None = None
        self._peak = 1.0
        self.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)

    def set_values(self, values: np.ndarray | None, peak: float | None = None) -> None:
        self._values = None if values is None else np.asarray(values, np.float64)
        if self._values is not None:
            self._peak = peak or float(np.abs(self._values).max()) or 1.0
        self.setFixedSize(self.sizeHint())
        self.update()

    def values(self) -> np.ndarray | None:
        return self._values

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode: larger numbers
            self.setFixedSize(self.sizeHint())
            self.update()

    def _cell(self) -> int:
        return self.fontMetrics().horizontalAdvance("−0.00") + 8

    def sizeHint(self) -> QSize:
        if self._values is None:
            return QSize(0, 0)
        h, w = self._values.shape
        cell = self._cell()
        return QSize(w * cell + 1, h * max(cell * 2 // 3, self.fontMetrics().height() + 4) + 1)

    def paintEvent(self, _event) -> None:
        if self._values is None:
            return
        painter = QPainter(self)
        h, w = self._values.shape
        cell_w = self._cell()
        cell_h = max(cell_w * 2 // 3, self.fontMetrics().height() + 4)
        for row in range(h):
            for column in range(w):
                value = float(self._values[row, column])
                level = int(levels(np.array([value]), self._peak)[0])
                colour = QColor.fromRgb(int(TABLE[level]) & 0xFFFFFF)
                rect = QRect(column * cell_w, row * cell_h, cell_w, cell_h)
                painter.fillRect(rect, colour)
                painter.setPen(QColor(90, 90, 90))
                painter.drawRect(rect)
                painter.setPen(
                    Qt.GlobalColor.black if colour.lightness() > 140 else Qt.GlobalColor.white
                )
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, number(value))


class FeatureMapView(Retranslatable, QWidget):
    """A Conv2D's map ``channel`` close up (``show_map``); ``set_pass`` follows the pen."""

    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = None  # the Conv2D's LayerSpec
        self.layer_index: int | None = None  # its place in the predictor's layers
        self.facts = None
        self.channel: int | None = None
        self.maps = 0
        self.step: ConvStep | None = None
        self._fed: np.ndarray | None = None  # the conv's input for this drawing
        self._out: np.ndarray | None = None  # its output (h, w, maps)
        self._pooled: np.ndarray | None = None  # the max pooling after it, if any
        self._pool = (2, 2)
        self._forward_pass = None  # the drawing's whole pass: predictor, image, outputs
        self.pushes: MapPushes | None = None  # what the map does to the ten outputs
        self.title = QLabel()
        self.title.setObjectName("featureMapTitle")
        self.title.setWordWrap(True)
        self.title.setTextFormat(Qt.TextFormat.RichText)
        self.picture = MapPicture()
        self.picture.pointChosen.connect(self.set_point)
        self.patch, self.kernel = NumberGrid(), NumberGrid()
        self.patch_title, self.kernel_title = QLabel(), QLabel()
        for label in (self.patch_title, self.kernel_title):
            label.setWordWrap(True)
        self.arithmetic = QLabel()
        self.arithmetic.setObjectName("featureMapArithmetic")
        self.arithmetic.setWordWrap(True)
        self.arithmetic.setTextFormat(Qt.TextFormat.RichText)
        # Which digits the map pushes toward: the layers above without it.
        self.pushes_text = QLabel()
        self.pushes_text.setObjectName("featureMapPushes")
        self.pushes_text.setWordWrap(True)
        self.pushes_text.setTextFormat(Qt.TextFormat.PlainText)
        self.pushes_text.hide()
        self.close_button = QToolButton()
        self.close_button.setObjectName("featureMapClose")
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.closed)
        grids = QVBoxLayout()
        grids.setSpacing(2)
        for widget in (self.patch_title, self.patch, self.kernel_title, self.kernel):
            grids.addWidget(widget)
        grids.addStretch(1)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.title, 0, 0, 1, 2)
        layout.addWidget(self.close_button, 0, 2, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.picture, 1, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(grids, 1, 1, 1, 2)
        layout.addWidget(self.arithmetic, 2, 0, 1, 3)
        layout.addWidget(self.pushes_text, 3, 0, 1, 3)
        layout.setColumnStretch(1, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.close_button.setToolTip(self.tr("Close the close-up"))
        self.picture.setToolTip(self.tr("Point at the map to see how its value there is made"))
        self._show()

    def show_map(self, layer, facts, channel: int | None) -> None:
        """Conv2D ``layer`` (its LayerSpec and facts), map ``channel``; ``None`` closes."""
        self.layer, self.facts, self.channel = layer, facts, channel
        self.maps = 0 if facts is None else facts.shape[-1]
        self.picture.point = None
        self._fed = self._out = self._pooled = None  # set_pass gives this map's own
        self._forward_pass = self.pushes = None
        self._show()

    def set_pass(self, fed, out, pooled=None, pool=(2, 2), forward_pass=None) -> None:
        """The conv's input and output for the drawing (``None``: no drawing), and the
        max pooling's output after it (and its pool size) when there is one.
        ``forward_pass``: the drawing's whole pass (``predictor`` and every layer's
        ``outputs``, as ``Predictor.forward`` gave them), for what the map pushes toward
        through the layers above (``None``: not said)."""
        self._fed, self._out, self._pooled, self._pool = fed, out, pooled, tuple(pool)
        if forward_pass is not self._forward_pass:  # a new drawing (show_map: a new map)
            self._forward_pass = forward_pass
            self.pushes = self._map_pushes()
        self._show()

    def _map_pushes(self) -> MapPushes | None:
        """The layers above run again without this map (~0.2 ms for the robust
        network's first convolution, once per drawing: not on pointer moves)."""
        forward_pass, conv = self._forward_pass, self.layer_index
        if forward_pass is None or conv is None or self.channel is None or self._out is None:
            return None
        outputs = forward_pass.outputs
        if not 0 <= conv < len(outputs) or outputs[conv].shape[1:] != np.shape(self._out):
            return None  # not this map's pass
        return map_pushes(forward_pass.predictor, outputs, conv, self.channel)

    def set_point(self, row: int, column: int) -> None:
        self.picture.point = (row, column)
        self._show()

    def _show(self) -> None:
        if self.layer is None or self.channel is None:
            self.step = None
            return
        kind_title = self.tr("{0}: map {1} of {2}").format(
            _escape(self.facts.name), str(self.channel + 1), str(self.maps)
        )
        kernel = self.layer.weights[0][:, :, :, self.channel]
        inputs = kernel.shape[2]
        if self._out is None or self._fed is None:
            self.step = None
            self.picture.set_map(None, None)
            self.patch.set_values(None)
            self.patch_title.setText("")
            self.kernel.set_values(kernel[:, :, 0])
            self.kernel_title.setText(self._kernel_title(0, inputs))
            self.title.setText(f"<b>{kind_title}</b>")
            self.arithmetic.setText(self.tr("Draw a digit to see this map follow the pen."))
            self._show_pushes()
            return
        values = self._out[:, :, self.channel]
        point = self.picture.point
        if point is None or point[0] >= values.shape[0] or point[1] >= values.shape[1]:
            point = tuple(int(i) for i in np.unravel_index(np.argmax(values), values.shape))
        self.picture.set_map(values, point)
        step = self.step = conv_step(self.layer, self._fed, point[0], point[1], self.channel)
        shown = step.strongest_input if inputs > 1 else 0
        self.patch.set_values(step.patch[:, :, shown], 1.0 if inputs == 1 else None)
        self.kernel.set_values(step.kernel[:, :, shown])
        self.patch_title.setText(
            self.tr("Input patch at row {0}, column {1}").format(point[0] + 1, point[1] + 1)
            if inputs == 1
            else self.tr("Patch of input map {0} (it adds most here)").format(shown + 1)
        )
        self.kernel_title.setText(self._kernel_title(shown, inputs))
        self.title.setText(
            f"<b>{kind_title}</b> · "
            + _escape(self.tr("strongest {0}").format(number(float(values.max()))))
        )
        self.arithmetic.setText("<br>".join(self._lines(step, inputs, shown)))
        self._show_pushes()

    def _show_pushes(self) -> None:
        text = "\n".join(self.pushes_lines())
        if text != self.pushes_text.text():  # unchanged: no new layout
            self.pushes_text.setText(text)
        self.pushes_text.setVisible(bool(text))

    def pushes_lines(self) -> list[str]:
        """What the map pushes toward for this drawing, in plain words: the probabilities
        without it, and what it adds to each digit's score (none without a pass)."""
        pushes = self.pushes
        if pushes is None or self._out is None:
            return []
        change = pushes.change
        fall, rise = pushes.falls_most(), pushes.rises_most()
        fell = percent_pair(pushes.probabilities[fall], pushes.probabilities_without[fall])
        rose = percent_pair(pushes.probabilities[rise], pushes.probabilities_without[rise])
        fell = fell if change[fall] < 0 else None
        rose = rose if change[rise] > 0 else None
        if fell and rose:
            line = self.tr(
                "Without this map: {0} falls from {1} to {2}, {3} rises from {4} to {5}."
            )
            line = line.format(fall, *fell, rise, *rose)
        elif fell:
            line = self.tr("Without this map: {0} falls from {1} to {2}.").format(fall, *fell)
        elif rose:
            line = self.tr("Without this map: {0} rises from {1} to {2}.").format(rise, *rose)
        else:
            best = int(np.argmax(pushes.probabilities))
            line = self.tr(
                "Without this map no probability moves by 0.01 percentage points: {0} stays at {1}."
            ).format(best, f"{100 * pushes.probabilities[best]:.2f}%")
        lines = [line]
        added, order = pushes.added, pushes.by_score()
        if added is not None and order is not None:
            # "3 (+1.30)" kept on one line (a no-break space)
            most = ", ".join(f"{d}\u00a0({signed(added[d])})" for d in order[:2])
            least = f"{order[-1]}\u00a0({signed(added[order[-1]])})"
            last = self._forward_pass.predictor.layers[-1].config.get("activation", "linear")
            activation = activation_name(last) or "linear"
            if activation == "linear":
                line = self.tr(
                    "Through the layers above it adds to the scores: most to {0}; least to {1}."
                )
                lines.append(line.format(most, least))
            else:
                line = self.tr(
                    "Through the layers above it adds to the scores before the {0}: "
                    "most to {1}; least to {2}."
                )
                lines.append(line.format(activation, most, least))
        return lines

    def _kernel_title(self, shown: int, inputs: int) -> str:
        if inputs == 1:
            return self.tr("Kernel (learnt weights)")
        return self.tr("Kernel for input map {0} (one of {1})").format(shown + 1, inputs)

    def _lines(self, step: ConvStep, inputs: int, shown: int) -> list[str]:
        activation = self.facts.activation or "linear"
        where = self.tr("At row {0}, column {1}:").format(step.row + 1, step.column + 1)
        if inputs == 1:
            summed = self.tr("patch × kernel, the 9 products added: {0}").format(
                number(step.weighted)
            )
        else:
            summed = self.tr(
                "patch × kernel added over all {0} input maps: {1} (input map {2} gives {3})"
            ).format(inputs, number(step.weighted), shown + 1, number(float(step.per_input[shown])))
        lines = [
            f"<b>{_escape(where)}</b> {_escape(summed)}",
            _escape(
                self.tr("+ bias {0} = {1};  {2}({1}) = {3}, the map's value there").format(
                    number(step.bias), number(step.total), activation, number(step.value)
                )
            ),
        ]
        if activation == "relu":
            lines.append(_escape(self.tr("relu keeps what is positive and makes the rest 0.")))
        if self._pooled is not None:
            ph, pw = self._pool
            row, column = step.row // ph, step.column // pw
            if row < self._pooled.shape[0] and column < self._pooled.shape[1]:
                kept = float(self._pooled[row, column, self.channel])
                lines.append(
                    _escape(
                        self.tr(
                            "Max pooling then keeps the largest of each {0} block: {1} here."
                        ).format(f"{ph}×{pw}", number(kept))
                    )
                )
        return lines

    def text_shown(self) -> str:
        return self.arithmetic.text()

    def pushes_shown(self) -> str:
        """The lines saying which digits the map pushes toward ("" when none)."""
        return self.pushes_text.text()
