"""Export what the audience saw: the drawing with its probabilities as one PNG, and the
training as a log (text), curves data (CSV) and the curves chart (PNG).

The ``save_*`` functions take paths (tests and scripts call them); :class:`Exporter`
adds the menu actions and file dialogs.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, QRectF, QStandardPaths, Qt
from PySide6.QtGui import QAction, QColor, QFont, QImage, QPainter
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

PNG_SIZE = (1200, 600)  # width, height of the drawing + probabilities picture
BAR = QColor(70, 120, 190)
HIGHLIGHT = QColor(230, 120, 20)


def render_prediction(
    drawing: np.ndarray | QImage | None, probabilities: np.ndarray | None, title: str = ""
) -> QImage:
    """The drawing (left) beside a ``PROBABILITY | NUMBER`` table with bars (right).

    ``drawing`` is the pad's pixels, or a picture of the pad as shown (e.g. with the
    "why this digit?" colours over the ink)."""
    width, height = PNG_SIZE
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    margin = 30
    side = height - 2 * margin
    pad = QRectF(margin, margin, side, side)
    painter.fillRect(pad, Qt.GlobalColor.black)
    if isinstance(drawing, QImage) or (drawing is not None and np.asarray(drawing).size):
        from digitpad.ui.teach.common import grey_qimage

        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        picture = (
            drawing if isinstance(drawing, QImage) else grey_qimage(np.asarray(drawing, np.uint8))
        )
        scale = min(side / picture.width(), side / picture.height())
        w, h = picture.width() * scale, picture.height() * scale
        painter.drawImage(QRectF(pad.center().x() - w / 2, pad.center().y() - h / 2, w, h), picture)
    left = pad.right() + 2 * margin
    font = QFont()
    font.setPixelSize(30)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(20, 20, 20))
    painter.drawText(
        QRectF(left, margin, width - left - margin, 40), Qt.AlignmentFlag.AlignLeft, title
    )
    font.setPixelSize(20)
    font.setBold(False)
    painter.setFont(font)
    row_h = (height - 2 * margin - 90) / 10
    best = None if probabilities is None else int(np.argmax(probabilities))
    header = QRectF(left, margin + 50, width - left - margin, 30)
    painter.drawText(header, Qt.AlignmentFlag.AlignLeft, "PROBABILITY | NUMBER")
    bar_left, bar_width = left + 180, width - left - margin - 180
    for digit in range(10):
        top = margin + 90 + digit * row_h
        p = 0.0 if probabilities is None else float(probabilities[digit])
        painter.setPen(QColor(20, 20, 20))
        text = f"{p:>4.0%}  [{digit}]"
        painter.drawText(QRectF(left, top, 170, row_h), Qt.AlignmentFlag.AlignVCenter, text)
        track = QRectF(bar_left, top + row_h * 0.2, bar_width, row_h * 0.6)
        painter.fillRect(track, QColor(230, 230, 230))
        track.setWidth(max(1.0, bar_width * p))
        painter.fillRect(track, HIGHLIGHT if digit == best else BAR)
    painter.end()
    return image


def save_prediction_png(
    path: str | Path, drawing: np.ndarray | QImage | None, probabilities, title: str = ""
) -> Path:
    target = Path(path)
    if not render_prediction(drawing, probabilities, title).save(str(target), "PNG"):
        raise OSError(f"{target}: could not write the PNG")
    return target


def render_number(pad: QImage, number: QImage, title: str = "") -> QImage:
    """The wide pad as shown (digit boxes included) above the number and its digits'
    bars (the number view as shown), under a title."""
    width = PNG_SIZE[0]
    margin, title_h = 30, 50
    pad_h = round((width - 2 * margin) * pad.height() / max(1, pad.width()))
    number_h = round((width - 2 * margin) * number.height() / max(1, number.width()))
    image = QImage(width, margin * 3 + title_h + pad_h + number_h, QImage.Format.Format_RGB32)
    image.fill(QColor(255, 255, 255))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    font = QFont()
    font.setPixelSize(30)
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor(20, 20, 20))
    painter.drawText(QRectF(margin, margin, width - 2 * margin, title_h), title)
    top = margin + title_h
    painter.drawImage(QRectF(margin, top, width - 2 * margin, pad_h), pad)
    painter.drawImage(QRectF(margin, top + pad_h + margin, width - 2 * margin, number_h), number)
    painter.end()
    return image


def save_number_png(path: str | Path, pad: QImage, number: QImage, title: str = "") -> Path:
    target = Path(path)
    if not render_number(pad, number, title).save(str(target), "PNG"):
        raise OSError(f"{target}: could not write the PNG")
    return target


def save_curves_csv(path: str | Path, data: dict) -> Path:
    """One row per finished epoch: ``epoch,loss,accuracy`` (``TrainingCurves.data()``)."""
    return _write_csv(path, ("epoch", "loss", "accuracy"), data["epochs"], int)


def save_batches_csv(path: str | Path, data: dict) -> Path:
    """The running values during each epoch: ``epochs_elapsed,loss,accuracy``."""
    return _write_csv(path, ("epochs_elapsed", "loss", "accuracy"), data["batches"], float)


def _write_csv(path, header, rows, x_type) -> Path:
    import csv  # only when exporting

    target = Path(path)
    with open(target, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for x, loss, accuracy in rows:
            writer.writerow(
                [
                    round(x, 6) if x_type is float else int(x),
                    "" if loss is None else f"{loss:.6g}",
                    "" if accuracy is None else f"{accuracy:.6g}",
                ]
            )
    return target


def save_widget_png(path: str | Path, widget: QWidget) -> Path:
    target = Path(path)
    if not widget.grab().save(str(target), "PNG"):
        raise OSError(f"{target}: could not write the PNG")
    return target


def export_training(path: str | Path, panel) -> list[Path]:
    """``name.csv`` (per epoch), ``name-batches.csv``, ``name-log.txt``, ``name-curves.png``."""
    base = Path(path)
    stem = base.with_suffix("")
    data = panel.curves.data()
    log_path = stem.with_name(stem.name + "-log.txt")
    log_path.write_text(panel.log_text() + "\n", encoding="utf-8")
    return [
        save_curves_csv(stem.with_suffix(".csv"), data),
        save_batches_csv(stem.with_name(stem.name + "-batches.csv"), data),
        log_path,
        save_widget_png(stem.with_name(stem.name + "-curves.png"), panel.curves),
    ]


class Exporter(QObject):
    """The window's two Export actions, with file dialogs."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self.drawing_action = QAction(window)
        self.drawing_action.triggered.connect(self.export_drawing)
        self.training_action = QAction(window)
        self.training_action.triggered.connect(self.export_training)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.drawing_action.setText(self.tr("Export drawing and probabilities as PNG…"))
        self.training_action.setText(self.tr("Export training log, curves CSV and chart…"))

    def _folder(self) -> Path:
        pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
        return Path(pictures) if pictures and Path(pictures).is_dir() else Path.home()

    def export_drawing(self) -> None:
        w = self._window
        path, _ = QFileDialog.getSaveFileName(
            w,
            self.tr("Export drawing"),
            str(self._folder() / "digitpad-drawing.png"),
            self.tr("PNG images (*.png)"),
        )
        if path:
            self._report(lambda: [self.save_drawing(path)])

    def save_drawing(self, path: str | Path) -> Path:
        """What the pad and the reading show now, as one PNG (number mode: the number
        with its digits; explaining: the colours over the drawing)."""
        w = self._window
        pad = w.canvas.grab(w.canvas.drawing_rect()).toImage()
        if w.reading_mode() == "number":
            number = w.current_number()
            title = self.tr("The network reads {0}").format(number) if number else ""
            return save_number_png(path, pad, w.reading.number_view.grab().toImage(), title)
        drawing, probabilities, title = self.drawing_and_title()
        return save_prediction_png(
            path, pad if w.reading.explaining else drawing, probabilities, title
        )

    def drawing_and_title(self) -> tuple[np.ndarray, np.ndarray | None, str]:
        w = self._window
        probabilities = w.current_probabilities()
        title = ""
        if probabilities is not None:
            digit = int(np.argmax(probabilities))
            title = self.tr("The network reads {0} ({1:.0%})").format(digit, probabilities[digit])
        return w.canvas.image_array(), probabilities, title

    def export_training(self) -> None:
        w = self._window
        path, _ = QFileDialog.getSaveFileName(
            w,
            self.tr("Export training"),
            str(self._folder() / "digitpad-training.csv"),
            self.tr("CSV files (*.csv)"),
        )
        if path:
            self._report(lambda: export_training(path, w.train_panel))

    def _report(self, work) -> None:
        w = self._window
        try:
            written = work()
        except OSError as exc:
            QMessageBox.warning(w, self.tr("Export failed"), str(exc))
            return
        names = ", ".join(p.name for p in written)
        w.statusBar().showMessage(self.tr("Exported {0}").format(names), 8000)
