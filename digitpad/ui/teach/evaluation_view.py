"""Test-set evaluation: accuracy, a clickable confusion matrix, and a test-digit browser."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QObject, QPoint, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetricsF, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from digitpad.ml.evaluation import Evaluation, evaluate_predictor
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.teach.common import DigitImage, ProbabilityBars

GALLERY_LIMIT = 60  # thumbnails shown per cell; the title says how many exist


class ConfusionMatrix(QWidget):
    """10x10 heatmap with counts; a click emits ``cellClicked(true, predicted)``."""

    cellClicked = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._matrix = np.zeros((10, 10), np.int64)
        self._selected: tuple[int, int] | None = None
        self.setMinimumSize(300, 300)
        self.setMouseTracking(False)

    def sizeHint(self) -> QSize:
        return QSize(420, 420)

    def set_matrix(self, matrix: np.ndarray) -> None:
        self._matrix = np.asarray(matrix, np.int64)
        self.update()

    def matrix(self) -> np.ndarray:
        return self._matrix

    def set_selected(self, cell: tuple[int, int] | None) -> None:
        self._selected = cell
        self.update()

    def _geometry(self) -> tuple[float, float, float]:
        margin = self.fontMetrics().height() * 2.2
        side = max(10.0, min(self.width(), self.height()) - margin)
        return margin, margin, side / 10  # left, top, cell size

    def cell_rect(self, true: int, predicted: int) -> QRectF:
        left, top, size = self._geometry()
        return QRectF(left + predicted * size, top + true * size, size, size)

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        left, top, size = self._geometry()
        col, row = math.floor((x - left) / size), math.floor((y - top) / size)
        return (row, col) if 0 <= row < 10 and 0 <= col < 10 else None

    def mousePressEvent(self, event) -> None:
        cell = self.cell_at(event.position().x(), event.position().y())
        if cell is not None and event.button() == Qt.MouseButton.LeftButton:
            self.set_selected(cell)
            self.cellClicked.emit(*cell)

    def paintEvent(self, _event) -> None:
        painter = QPainter(self)
        left, top, size = self._geometry()
        text = self.palette().text().color()
        painter.setPen(text)
        fm = painter.fontMetrics()
        painter.drawText(
            QRectF(left, 0, size * 10, fm.height()),
            Qt.AlignmentFlag.AlignCenter,
            self.tr("predicted"),
        )
        painter.save()
        axis_x, axis_y = fm.height() * 0.9, top + size * 5
        painter.translate(axis_x, axis_y)  # plain names: the i18n test reads translate() args
        painter.rotate(-90)
        painter.drawText(
            QRectF(-size * 5, -fm.height(), size * 10, fm.height()),
            Qt.AlignmentFlag.AlignCenter,
            self.tr("true digit"),
        )
        painter.restore()
        for d in range(10):
            painter.drawText(
                QRectF(left + d * size, fm.height(), size, top - fm.height()),
                Qt.AlignmentFlag.AlignCenter,
                str(d),
            )
            painter.drawText(
                QRectF(left - fm.height() * 1.1, top + d * size, fm.height(), size),
                Qt.AlignmentFlag.AlignCenter,
                str(d),
            )
        peak_off = max(1, int((self._matrix - np.diag(np.diag(self._matrix))).max()))
        peak_diag = max(1, int(np.diag(self._matrix).max()))
        small = painter.font()
        points = min(small.pointSizeF(), size / 3.2)
        # The longest count ("1127") keeps a margin inside its cell at any size of type.
        widest = QFontMetricsF(small).horizontalAdvance(str(int(self._matrix.max())))
        if widest > 0:
            points = min(points, small.pointSizeF() * size * 0.88 / widest)
        small.setPointSizeF(max(6.0, points))
        painter.setFont(small)
        for t in range(10):
            for p in range(10):
                count = int(self._matrix[t, p])
                rect = self.cell_rect(t, p)
                # Right in blue, wrong in orange (as "Why this digit?"): a pair that
                # red-green colour-blind people tell apart; the diagonal says it too.
                if t == p:
                    strength = count / peak_diag
                    colour = QColor.fromRgbF(0.13, 0.55, 0.9, 0.35 + 0.6 * strength)
                elif count:
                    strength = math.log1p(count) / math.log1p(peak_off)
                    colour = QColor.fromRgbF(0.96, 0.51, 0.08, 0.15 + 0.8 * strength)
                else:
                    strength, colour = 0.0, QColor.fromRgbF(0.5, 0.5, 0.5, 0.06)
                painter.fillRect(rect.adjusted(1, 1, -1, -1), colour)
                if count:
                    painter.setPen(Qt.GlobalColor.white if strength > 0.5 else text)
                    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(count))
        if self._selected is not None:
            painter.setPen(QColor(255, 193, 7))
            painter.drawRect(self.cell_rect(*self._selected).adjusted(1, 1, -2, -2))


class DigitCard(QWidget):
    """A test image with its index and probability bars (a gallery thumbnail)."""

    def __init__(self, index: int, image: np.ndarray, probabilities: np.ndarray, parent=None):
        super().__init__(parent)
        self.index = index
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.setSpacing(1)
        picture = DigitImage(56)
        picture.set_image(image)
        picture.setFixedSize(56, 56)
        bars = ProbabilityBars(compact=True)
        bars.set_probabilities(probabilities)
        bars.setFixedSize(70, 30)
        caption = QLabel(
            self.tr("#{0} → {1}").format(str(index), str(int(np.argmax(probabilities))))
        )
        caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(picture, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(bars, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addWidget(caption)


class EvaluationView(Retranslatable, QWidget):
    """Accuracy, confusion matrix (click a cell to see its images), test-digit browser.

    ``EvaluationView(predictor, mnist)`` or ``EvaluationView(predictor, images=..., labels=...)``.
    """

    cellSelected = Signal(int, int)

    def __init__(
        self, predictor, mnist=None, *, images=None, labels=None, evaluation=None, parent=None
    ) -> None:
        super().__init__(parent)
        if mnist is not None:
            images, labels = mnist.x_test, mnist.y_test
        if images is None or labels is None:
            raise ValueError("give an Mnist or test images and labels")
        self._images = np.asarray(images)
        self._labels = np.asarray(labels)
        self._predictor = predictor
        self.evaluation: Evaluation | None = None

        self.accuracy_label = QLabel()
        self._size_accuracy_label()
        self.matrix = ConfusionMatrix()
        self.matrix.cellClicked.connect(self.show_cell)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._browse_page(), "")
        self.tabs.addTab(self._cell_page(), "")

        # One column: the view lives in a dock beside the canvas, where width is scarce.
        self.accuracy_label.setWordWrap(True)
        self.tabs.setMinimumHeight(320)
        layout = QVBoxLayout(self)
        layout.addWidget(self.accuracy_label)
        layout.addWidget(self.matrix, 3)
        layout.addWidget(self.tabs, 2)
        self._viewport: QWidget | None = None  # the scroll area's, once shown in one
        self.retranslate_ui()
        if evaluation is not None:
            self.set_evaluation(evaluation)
        else:
            self.set_predictor(predictor)

    # -- the whole matrix in view ---------------------------------------------------------
    # The view sits in a scroll area in the window's side column; at 1280x720 the column
    # shows ~520 px, less than the accuracy line, the matrix and the test-digit tabs
    # need. The matrix is kept no taller than what the column shows below the accuracy
    # line, so all ten rows are seen at once; the tabs come after it, scrolled to.
    def showEvent(self, event) -> None:
        super().showEvent(event)
        scroll = self.parentWidget()
        while scroll is not None and not isinstance(scroll, QScrollArea):
            scroll = scroll.parentWidget()
        viewport = scroll.viewport() if scroll is not None else None
        if viewport is not self._viewport:
            if self._viewport is not None:
                self._viewport.removeEventFilter(self)
            self._viewport = viewport
            if viewport is not None:
                viewport.installEventFilter(self)
        self._fit_matrix()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            self._fit_matrix()
        return super().eventFilter(watched, event)

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode's large type
            self._size_accuracy_label()
            self._fit_matrix()

    def _size_accuracy_label(self) -> None:
        """The headline: bold, 1.4x the application's type, never smaller than the view's
        own (presenter mode's larger type; a font set once stayed smaller than the
        matrix's digits there, and 1.4x that type took two lines of the column)."""
        font = self.font()
        font.setPointSizeF(max(QApplication.font().pointSizeF() * 1.4, font.pointSizeF()))
        font.setBold(True)
        self.accuracy_label.setFont(font)

    def _fit_matrix(self) -> None:
        if self._viewport is None:
            return
        layout = self.layout()
        margins = layout.contentsMargins()
        width = max(1, self._viewport.width() - margins.left() - margins.right())
        label = self.accuracy_label
        above = label.heightForWidth(width) if label.hasHeightForWidth() else -1
        above = max(above, label.sizeHint().height()) if label.isVisible() else 0
        # Where this view starts in the scrolled content (a status line of the page may
        # sit above it), whatever the scroll position.
        content = self._viewport.parentWidget().widget()  # the QScrollArea's
        offset = self.mapTo(content, QPoint(0, 0)).y() if content is not None else 0
        visible = self._viewport.height() - offset - margins.top() - above - layout.spacing()
        self.matrix.setMaximumHeight(max(self.matrix.minimumHeight(), visible))

    def retranslate_ui(self) -> None:
        self.tabs.setTabText(0, self.tr("Browse test digits"))
        self.tabs.setTabText(1, self.tr("Selected cell"))
        self.index_box.setPrefix(self.tr("test image "))
        self.matrix.update()  # its axis names are painted
        cell = self.matrix._selected
        if cell is None or self.evaluation is None:
            self.cell_title.setText(self.tr("Click a cell of the matrix to see its test images."))
        else:
            total = len(self.evaluation.cell(*cell))
            self._set_cell_title(*cell, total, min(total, GALLERY_LIMIT))
        if self.evaluation is not None:
            self.set_evaluation(self.evaluation)  # accuracy and browser lines

    def _cell_page(self) -> QWidget:
        self.cell_title = QLabel()
        self.cell_title.setWordWrap(True)
        self.gallery = QWidget()
        self.gallery_layout = QGridLayout(self.gallery)
        self.gallery_layout.setSpacing(4)
        self.gallery_layout.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.gallery)
        cell_page = QWidget()
        cell_layout = QVBoxLayout(cell_page)
        cell_layout.addWidget(self.cell_title)
        cell_layout.addWidget(scroll, 1)
        return cell_page

    def _browse_page(self) -> QWidget:
        self.index_box = QSpinBox()
        self.index_box.setRange(0, max(0, len(self._labels) - 1))
        self.index_box.valueChanged.connect(self.show_test_image)
        self.browser_image = DigitImage(168)
        self.browser_text = QLabel()
        self.browser_bars = ProbabilityBars()
        browse_page = QWidget()
        browse_layout = QVBoxLayout(browse_page)
        browse_layout.addWidget(self.index_box)
        browse_layout.addWidget(self.browser_image, 2)
        browse_layout.addWidget(self.browser_text)
        browse_layout.addWidget(self.browser_bars, 1)
        return browse_page

    # -- public ---------------------------------------------------------------------------
    def set_predictor(self, predictor) -> None:
        """Re-evaluate with new weights (after training); ~0.1 s for the dense model."""
        self._predictor = predictor
        self.set_evaluation(evaluate_predictor(predictor, self._images, self._labels))

    def set_evaluation(self, evaluation: Evaluation) -> None:
        """Show a ready evaluation (compute it off the GUI thread for slow CNN models).

        An evaluation that carries its images (``evaluate_predictor``'s do) may come from
        another dataset: its images, labels and readings replace the shown ones together,
        and the browser, the matrix and the selected cell's gallery are rebuilt from them
        at once. Without images it must be of the test set shown (same count)."""
        images = self._images if evaluation.images is None else np.asarray(evaluation.images)
        if len(images) != len(evaluation.labels):
            raise ValueError(
                f"{len(evaluation.labels)} readings for {len(images)} test images: "
                "an evaluation of another dataset must carry its images"
            )
        self._images, self._labels = images, np.asarray(evaluation.labels)
        self.evaluation = evaluation
        ev = self.evaluation
        self.index_box.blockSignals(True)
        self.index_box.setRange(0, max(0, len(ev.labels) - 1))
        self.index_box.blockSignals(False)
        self.accuracy_label.setText(
            self.tr("Test accuracy: {0} ({1} of {2} test images)").format(
                f"{ev.accuracy:.2%}",
                f"{int((ev.predicted == ev.labels).sum()):,}",
                f"{len(ev.labels):,}",
            )
        )
        self._fit_matrix()  # the line may now take another number of lines
        self.matrix.set_matrix(ev.confusion())
        self.show_test_image(self.index_box.value())
        if self.matrix._selected is not None:  # its images, from this evaluation's set
            self._fill_cell(*self.matrix._selected)

    def test_set_size(self) -> int:
        """How many test images the view shows (and browses)."""
        return len(self._labels)

    def show_test_image(self, index: int) -> None:
        ev = self.evaluation
        if not len(ev.labels):
            return
        index = min(max(int(index), 0), len(ev.labels) - 1)
        self.index_box.blockSignals(True)
        self.index_box.setValue(index)
        self.index_box.blockSignals(False)
        probabilities = ev.probabilities[index]
        guess = int(np.argmax(probabilities))
        self.browser_image.set_image(self._images[index])
        self.browser_bars.set_probabilities(probabilities)
        verdict = self.tr("right") if guess == int(ev.labels[index]) else self.tr("wrong")
        self.browser_text.setText(
            self.tr("label {0} · network reads {1} ({2}) · {3}").format(
                str(int(ev.labels[index])), str(guess), f"{probabilities[guess]:.0%}", verdict
            )
        )

    def browser_prediction(self) -> int:
        """The digit the browser currently shows as the network's answer."""
        bars = self.browser_bars.probabilities()
        return int(np.argmax(bars))

    def show_cell(self, true: int, predicted: int) -> None:
        self._fill_cell(true, predicted)
        self.matrix.set_selected((true, predicted))
        self.tabs.setCurrentIndex(1)
        self.cellSelected.emit(true, predicted)

    def _fill_cell(self, true: int, predicted: int) -> None:
        """The cell's gallery and title, from the evaluation shown."""
        indices = self.evaluation.cell(true, predicted)
        while self.gallery_layout.count():
            item = self.gallery_layout.takeAt(0)
            if item.widget():
                item.widget().deleteLater()
        shown = indices[:GALLERY_LIMIT]
        columns = 4
        for n, index in enumerate(shown):
            card = DigitCard(int(index), self._images[index], self.evaluation.probabilities[index])
            self.gallery_layout.addWidget(card, n // columns, n % columns)
        self._set_cell_title(true, predicted, len(indices), len(shown))

    def _set_cell_title(self, true: int, predicted: int, total: int, shown: int) -> None:
        self.cell_title.setText(
            self.tr("True {0} read as {1}: {2} test images{3}").format(
                str(true),
                str(predicted),
                str(total),
                self.tr(" (first {0} shown)").format(str(shown)) if total > shown else "",
            )
        )

    def gallery_indices(self) -> list[int]:
        cards = (self.gallery_layout.itemAt(i).widget() for i in range(self.gallery_layout.count()))
        return [card.index for card in cards if isinstance(card, DigitCard)]
