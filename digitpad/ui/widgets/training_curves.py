"""Loss and accuracy while training: running per-batch values as lines, each finished
epoch as a dot, on a shared "epochs" axis (loss on the left, accuracy on the right).
After each epoch, when the run reports it (``val_accuracy``), a third line: accuracy on
the pen-written digits of the writers never trained on, beside the training accuracy:
"98 % on MNIST" and "reads people it has never seen" are different numbers.

Until the first training starts the area holds one line saying what will appear there;
the chart (Qt Charts, a graphics scene) is built then, or when something asks for it
(:meth:`TrainingCurves.chart`). Importing and building it cost the window's start
~10 ms for axes with nothing on them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QMargins, QPointF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPalette, QPen
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from digitpad.ui.i18n import Retranslatable

if TYPE_CHECKING:
    from PySide6.QtCharts import QChart, QLineSeries, QScatterSeries

MIN_HEIGHT = 220  # at 12 pt: the axis titles whole; fewer ticks below (see _fit_ticks)
LOSS_COLOR = QColor(200, 60, 60)
ACCURACY_COLOR = QColor(40, 130, 70)
HELD_OUT_COLOR = QColor(40, 90, 200)


class TrainingCurves(Retranslatable, QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("trainingCurves")
        self.setMinimumHeight(MIN_HEIGHT)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._placeholder = QLabel()
        self._placeholder.setObjectName("curvesPlaceholder")
        self._placeholder.setWordWrap(True)
        self._placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._placeholder.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._layout.addWidget(self._placeholder)
        self._view = None
        self._epochs = 5
        self._max_loss = 0.5
        self.retranslate_ui()

    def chart(self) -> QChart:
        """The chart (built now if nothing was plotted yet)."""
        return self._built().chart()

    def axis_titles(self) -> tuple[str, str, str]:
        """The epoch, loss and accuracy axes' titles."""
        self._built()
        return (self._x.titleText(), self._loss_axis.titleText(), self._accuracy_axis.titleText())

    def is_built(self) -> bool:
        return self._view is not None

    def _built(self):
        if self._view is not None:
            return self._view
        from PySide6.QtCharts import QChart, QChartView, QValueAxis

        chart = QChart()
        view = QChartView(chart)
        view.setObjectName("trainingChartView")
        view.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        font = QFont(self.font())
        chart.legend().setFont(font)
        self._loss = self._line("", LOSS_COLOR)
        self._accuracy = self._line("", ACCURACY_COLOR)
        self._loss_points = self._dots(LOSS_COLOR)
        self._accuracy_points = self._dots(ACCURACY_COLOR)
        self._held_out = self._line("", HELD_OUT_COLOR)
        self._held_out.setPointsVisible(True)
        for series in (self._loss, self._accuracy, self._loss_points, self._accuracy_points):
            chart.addSeries(series)
        chart.addSeries(self._held_out)
        for dots in (self._loss_points, self._accuracy_points):
            for marker in chart.legend().markers(dots):
                marker.setVisible(False)
        self._x = QValueAxis()
        self._x.setLabelFormat("%.0f")
        self._loss_axis = QValueAxis()
        self._loss_axis.setLabelFormat("%.1f")
        self._accuracy_axis = QValueAxis()
        self._accuracy_axis.setLabelFormat("%.1f")
        for axis in (self._x, self._loss_axis, self._accuracy_axis):
            axis.setTitleFont(font)
            axis.setLabelsFont(font)
        chart.addAxis(self._x, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self._loss_axis, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(self._accuracy_axis, Qt.AlignmentFlag.AlignRight)
        for series in (self._loss, self._loss_points):
            series.attachAxis(self._x)
            series.attachAxis(self._loss_axis)
        for series in (self._accuracy, self._accuracy_points, self._held_out):
            series.attachAxis(self._x)
            series.attachAxis(self._accuracy_axis)
        # Squeezed (a long status above), the y axes show fewer ticks instead of "…".
        chart.plotAreaChanged.connect(lambda _area: self._fit_ticks())
        self._view = view
        self._placeholder.hide()
        self._layout.addWidget(view)
        self._clear(self._epochs)
        self.retranslate_ui()
        return view

    def retranslate_ui(self) -> None:
        self.setAccessibleName(self.tr("Loss and accuracy curves"))
        self._placeholder.setText(
            self.tr("Loss and accuracy will be drawn here, batch by batch, when you train.")
        )
        if self._view is None:
            return
        loss, accuracy = self.tr("loss"), self.tr("accuracy")
        self._loss.setName(loss)
        self._accuracy.setName(accuracy)
        self._held_out.setName(self.tr("writers never trained on"))
        self._x.setTitleText(self.tr("epoch"))
        self._loss_axis.setTitleText(loss)
        self._accuracy_axis.setTitleText(accuracy)

    def reset(self, epochs: int) -> None:
        """Empty axes for a run of ``epochs`` (the chart is built for the first run)."""
        self._epochs = epochs
        if self._view is None:
            self._built()
        else:
            self._clear(epochs)

    def _clear(self, epochs: int) -> None:
        for series in (self._loss, self._accuracy, self._loss_points, self._accuracy_points):
            series.clear()
        self._held_out.clear()
        self._max_loss = 0.5
        self._x.setRange(0, max(1, epochs))
        self._x.setTickCount(min(max(1, epochs), 10) + 1)
        self._loss_axis.setRange(0, self._max_loss)
        self._accuracy_axis.setRange(0, 1)
        self._wanted_ticks = {self._loss_axis: 6, self._accuracy_axis: 6}
        self._fit_ticks()

    def add_batch(self, epoch: int, step: int, steps: int, logs: dict) -> None:
        """A running value ``step`` batches into the 1-based ``epoch``."""
        self._built()
        x = (epoch - 1) + step / max(1, steps)
        self._append(self._loss, self._accuracy, x, logs)

    def add_epoch(self, epoch: int, logs: dict) -> None:
        self._built()
        self._append(self._loss_points, self._accuracy_points, float(epoch), logs)
        if "val_accuracy" in logs:
            self._held_out.append(QPointF(float(epoch), float(logs["val_accuracy"])))

    def held_out_points(self) -> list[tuple[float, float]]:
        """(epoch, accuracy on the writers never trained on) after each epoch so far."""
        if self._view is None:
            return []
        return [(p.x(), p.y()) for p in self._held_out.points()]

    def point_count(self) -> int:
        if self._view is None:
            return 0
        return self._loss.count() + self._loss_points.count()

    def data(self) -> dict[str, list[tuple[float, float | None, float | None]]]:
        """What is plotted: ``{"epochs": [(epoch, loss, accuracy)], "batches": [(epochs
        elapsed, running loss, running accuracy)]}`` (for exporting as CSV)."""

        if self._view is None:
            return {"epochs": [], "batches": []}

        def rows(loss_series, accuracy_series):
            merged: dict[float, list] = {}
            for index, series in enumerate((loss_series, accuracy_series)):
                for point in series.points():
                    merged.setdefault(point.x(), [None, None])[index] = point.y()
            return [(x, *values) for x, values in sorted(merged.items())]

        return {
            "epochs": rows(self._loss_points, self._accuracy_points),
            "batches": rows(self._loss, self._accuracy),
        }

    def _append(self, loss_series, accuracy_series, x: float, logs: dict) -> None:
        if "loss" in logs:
            loss = float(logs["loss"])
            loss_series.append(QPointF(x, loss))
            if loss > self._max_loss and loss < 1e6:
                self._max_loss = min(loss * 1.05, 1e6)
                self._loss_axis.setRange(0, self._max_loss)
                self._loss_axis.applyNiceNumbers()
                self._wanted_ticks[self._loss_axis] = self._loss_axis.tickCount()
                self._fit_ticks()
        if "accuracy" in logs:
            accuracy_series.append(QPointF(x, float(logs["accuracy"])))

    def _fit_ticks(self) -> None:
        """As many y ticks as the plot's height has room for without Qt eliding their
        labels to "…" (at most the nice count), each label with the decimals its value
        needs: 0.25 is never shown as "0.2"."""
        if self._view is None:
            return
        height = self._view.chart().plotArea().height()
        for axis in (self._loss_axis, self._accuracy_axis):
            line = QFontMetricsF(axis.labelsFont()).height()
            room = max(2, int(height // (1.25 * line)) + 1) if height > 0 else 6
            span = axis.max() - axis.min()
            # Steps of whole hundredths only (0.5 in 3 ticks: 0.25; not 4 ticks of 0.1667).
            exact = [
                count
                for count in range(min(self._wanted_ticks[axis], room), 2, -1)
                if abs(span / (count - 1) * 100 - round(span / (count - 1) * 100)) < 1e-6
            ]
            count = exact[0] if exact else 2
            step = span / (count - 1)
            decimals = 1 if abs(step * 10 - round(step * 10)) < 1e-6 else 2
            if axis.tickCount() != count:
                axis.setTickCount(count)
            if axis.labelFormat() != f"%.{decimals}f":
                axis.setLabelFormat(f"%.{decimals}f")

    @staticmethod
    def _line(name: str, color: QColor) -> QLineSeries:
        from PySide6.QtCharts import QLineSeries

        series = QLineSeries()
        series.setName(name)
        series.setPen(QPen(color, 2))
        return series

    @staticmethod
    def _dots(color: QColor) -> QScatterSeries:
        from PySide6.QtCharts import QScatterSeries

        series = QScatterSeries()
        series.setColor(color)
        series.setBorderColor(color)
        series.setMarkerSize(9)
        return series
