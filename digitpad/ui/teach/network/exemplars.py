"""What a map or a unit has learnt: the test digits that excite it most.

:class:`ExemplarFinder` searches them for the live network in its one background
:class:`~digitpad.ui.jobs.Job` (``digitpad.ml.exemplars``: the MNIST test digits, or the
held-out pen writers' when this machine has no MNIST), only once a strip asks, once per
network (a new model cancels the search for the old one). :class:`ExemplarStrip` shows
one map's or unit's best digits, each with its value under it and, for a map, the
pixels its strongest point sees outlined.
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from digitpad.ml.exemplars import Exemplars, ExemplarsCancelled, exemplars_for, searched_layers
from digitpad.ui import messages
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.jobs import Job
from digitpad.ui.teach.common import ACCENT, MUTED
from digitpad.ui.teach.network.pixels import argb, wrap


class ExemplarFinder(QObject):
    """The live network's exemplars, searched in the background when first asked for.

    ``set_predictor`` with every new model (cheap: nothing starts); ``request()`` gives
    the exemplars if found, else starts the search and returns ``None``; ``ready`` is
    emitted when they are found, ``progressed`` as the search goes."""

    ready = Signal(object)  # the Exemplars of the current predictor
    progressed = Signal(float)  # fraction of the digits searched
    failed = Signal(object)  # the exception (no MNIST and no pen digits, ...)
    predictorChanged = Signal()  # a new model: what was found is gone

    def __init__(self, data_path=None, parent: QObject | None = None) -> None:
        """``data_path``: a callable giving the MNIST file to read (the train panel's),
        or ``None`` for ``$DIGITPAD_MNIST`` or Keras' own copy."""
        super().__init__(parent)
        self._data_path = data_path
        self._predictor = None
        self._found: Exemplars | None = None
        self._error: BaseException | None = None
        self._fraction = 0.0
        self._running_for = None  # the predictor the running search is for
        self._wanted = False  # asked for since the last model: start when the job is free
        self._held = False  # a training runs: no search (see set_held)
        self._job = Job("digitpad-exemplars", self)
        self._job.progress.connect(self._on_progress)
        self._job.finished.connect(self._on_finished)
        self._job.failed.connect(self._on_failed)
        self._job.done.connect(self._on_done)

    # -- public -----------------------------------------------------------------------
    @property
    def predictor(self):
        return self._predictor

    @property
    def job(self) -> Job:
        return self._job

    def set_predictor(self, predictor) -> None:
        """The network whose exemplars are wanted; a search for another one is stopped."""
        if predictor is self._predictor:
            return
        self._predictor = predictor
        self._found, self._error, self._fraction, self._wanted = None, None, 0.0, False
        if self._job.is_running():
            self._job.cancel()  # its result, if it still comes, is for another model
        self.predictorChanged.emit()

    def set_held(self, held: bool) -> None:
        """While a training runs, no search starts (each epoch brings new weights, and a
        search would take a core from the training); a running one is stopped. Released,
        the search asked for meanwhile starts, for the network then live."""
        self._held = held
        if held and self._job.is_running():
            self._job.cancel()
        elif not held and self.is_searching() and not self._job.is_running():
            self._start()
        self.predictorChanged.emit()  # the strips say why they wait, or search again

    def is_held(self) -> bool:
        return self._held

    def exemplars(self) -> Exemplars | None:
        """The current network's exemplars, if found (starts nothing)."""
        return self._found

    def error(self) -> BaseException | None:
        return self._error

    def fraction(self) -> float:
        """How far the search for the current network has gone (0 to 1)."""
        return self._fraction

    def is_searching(self) -> bool:
        return self._wanted and self._found is None and self._error is None

    def request(self) -> Exemplars | None:
        """The exemplars if found; else the search starts (or goes on) and ``None``."""
        if self._predictor is None or self._found is not None or self._error is not None:
            return self._found
        self._wanted = True
        if self._held:
            return None  # started when the training ends
        if not self._job.is_running():
            self._start()
        elif self._running_for is not self._predictor:
            self._job.cancel()  # done comes soon; then this model's search starts
        return None

    def wait(self, timeout: float = 30.0) -> bool:
        return self._job.wait(timeout)

    # -- the job ----------------------------------------------------------------------
    def _start(self) -> None:
        predictor = self._predictor
        path = self._data_path() if callable(self._data_path) else self._data_path
        self._running_for = predictor
        self._fraction = 0.0

        def work(context):
            found = exemplars_for(predictor, path, cancel=context.cancel, progress=context.progress)
            return predictor, found

        self._job.start(work)

    def _on_progress(self, fraction) -> None:
        if self._running_for is self._predictor:
            self._fraction = float(fraction)
            self.progressed.emit(self._fraction)

    def _on_finished(self, result) -> None:
        predictor, found = result
        if predictor is self._predictor:
            self._found, self._fraction = found, 1.0
            self.ready.emit(found)

    def _on_failed(self, exc) -> None:
        if isinstance(exc, ExemplarsCancelled) or self._running_for is not self._predictor:
            return
        self._error = exc
        self.failed.emit(exc)

    def _on_done(self) -> None:
        self._running_for = None
        if self._wanted and self._found is None and self._error is None and not self._held:
            self._start()  # asked for while the last model's search was stopping


class _Tiles(QWidget):
    """The exemplar digits in rows, each with its value under it (and, for a map, the
    pixels its strongest point sees outlined); as many per row as the width takes."""

    GAP = 6

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tiles: list[tuple[np.ndarray, str, tuple | None]] = []  # pixels, value, field
        self._images: list = []
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def side(self) -> int:
        """A digit's side: about three lines of type (presenter mode's large type gives
        larger digits), never narrower than its value written under it."""
        metrics = self.fontMetrics()
        return int(max(56, metrics.horizontalAdvance("−00.00") + 8, min(96, 3 * metrics.height())))

    def cell(self) -> QSize:
        return QSize(self.side() + self.GAP, self.side() + self.fontMetrics().height() + self.GAP)

    def set_tiles(self, tiles: list[tuple[np.ndarray, str, tuple | None]]) -> None:
        self._tiles = tiles
        self._images = []
        for image, _value, _field in tiles:
            grey = np.asarray(image, np.uint32)
            pixels = np.ascontiguousarray(argb(np.stack([grey, grey, grey], axis=-1)))
            self._images.append((pixels, wrap(pixels)))  # keep the pixels alive
        self.updateGeometry()
        self.update()

    def columns(self, width: int) -> int:
        return max(1, min(len(self._tiles) or 1, (width + self.GAP) // self.cell().width()))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        if not self._tiles:
            return 0
        return math.ceil(len(self._tiles) / self.columns(width)) * self.cell().height()

    def sizeHint(self) -> QSize:
        cell = self.cell()
        return QSize(len(self._tiles) * cell.width(), cell.height() if self._tiles else 0)

    def minimumSizeHint(self) -> QSize:
        cell = self.cell()
        return QSize(cell.width(), cell.height() if self._tiles else 0)

    def paintEvent(self, _event) -> None:
        if not self._tiles:
            return
        painter = QPainter(self)
        side, cell, text_height = self.side(), self.cell(), self.fontMetrics().height()
        columns = self.columns(self.width())
        scale = side / 28
        for place, ((_image, value, field), (_pixels, image)) in enumerate(
            zip(self._tiles, self._images, strict=True)
        ):
            row, column = divmod(place, columns)
            x, y = column * cell.width(), row * cell.height()
            painter.drawImage(QRect(x, y, side, side), image)
            if field is not None:
                top, left, height, width = field
                painter.setPen(QPen(ACCENT, 2))
                painter.drawRect(
                    QRect(
                        x + round(left * scale),
                        y + round(top * scale),
                        max(2, round(width * scale)),
                        max(2, round(height * scale)),
                    )
                )
            painter.setPen(self.palette().windowText().color())
            painter.drawText(
                QRect(x, y + side, side, text_height), Qt.AlignmentFlag.AlignCenter, value
            )


def _number(value: float) -> str:
    return f"{value:.2f}".replace("-", "−")


class ExemplarStrip(Retranslatable, QWidget):
    """The digits that excite one map (of a Conv2D) or one unit (of a hidden Dense)
    most: ``show_unit(layer_index, unit)``; ``None`` (or a layer without exemplars)
    shows nothing. Asks its :class:`ExemplarFinder` when there is something to show."""

    def __init__(self, finder: ExemplarFinder, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.finder = finder
        self.layer_index: int | None = None
        self.unit: int | None = None
        self.title = QLabel()
        self.title.setObjectName("exemplarTitle")
        self.title.setWordWrap(True)
        self.tiles = _Tiles()
        self.tiles.setObjectName("exemplarTiles")
        self.note = QLabel()
        self.note.setObjectName("exemplarNote")
        self.note.setWordWrap(True)
        muted = self.note.palette()
        muted.setColor(self.note.foregroundRole(), QColor(MUTED))
        self.note.setPalette(muted)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.tiles)
        layout.addWidget(self.note)
        finder.ready.connect(lambda _found: self._show())
        finder.progressed.connect(lambda _fraction: self._show_progress())
        finder.failed.connect(lambda _exc: self._show())
        finder.predictorChanged.connect(self._on_predictor_changed)
        self.hide()

    def retranslate_ui(self) -> None:
        self._show()

    def applies(self, layer_index: int | None) -> bool:
        """Whether layer ``layer_index`` of the finder's network has exemplars."""
        predictor = self.finder.predictor
        return (
            predictor is not None
            and layer_index is not None
            and layer_index in searched_layers(predictor)
        )

    def show_unit(self, layer_index: int | None, unit: int | None) -> None:
        """Show map or unit ``unit`` of layer ``layer_index`` (its index in the
        predictor's layers); ``None``, or a layer without exemplars, hides the strip."""
        self.layer_index, self.unit = layer_index, unit
        if unit is not None and self.applies(layer_index):
            self.finder.request()
        self._show()

    def _on_predictor_changed(self) -> None:
        if self.unit is not None and self.applies(self.layer_index):
            self.finder.request()  # still shown: this network's digits
        self._show()

    def _show_progress(self) -> None:
        if self.finder.exemplars() is None:
            self._show()

    def _show(self) -> None:
        if self.unit is None or not self.applies(self.layer_index):
            self.tiles.set_tiles([])
            self.hide()
            return
        found, error = self.finder.exemplars(), self.finder.error()
        self.show()
        if error is not None:
            self.title.setText(self.tr("The digits that excite it most cannot be shown."))
            self.tiles.set_tiles([])
            self.note.setText(messages.error_text(error))
            self.note.show()
            return
        if found is None and self.finder.is_held():
            self.title.setText(
                self.tr("The digits that excite it most are found when the training ends.")
            )
            self.tiles.set_tiles([])
            self.note.hide()
            return
        if found is None:
            self.title.setText(
                self.tr("Finding the digits that excite it most… {0} %").format(
                    str(int(100 * self.finder.fraction()))
                )
            )
            self.tiles.set_tiles([])
            self.note.hide()
            return
        exemplars = found.for_unit(self.layer_index, self.unit)
        if exemplars is None:  # a unit this network does not have
            self.tiles.set_tiles([])
            self.hide()
            return
        count = f"{len(found.digits):,}"
        if found.digits.source == "mnist":
            self.title.setText(
                self.tr("What excites it most in {0} MNIST test digits").format(count)
            )
        else:
            self.title.setText(
                self.tr(
                    "What excites it most in {0} digits from the held-out pen writers: "
                    "MNIST is not on this machine"
                ).format(count)
            )
        if exemplars[0].value == 0:  # relu: 0 for every digit
            self.tiles.set_tiles([])
            self.note.setText(self.tr("None of these digits makes it fire: it stays at 0."))
            self.note.show()
            return
        tiles = [
            (
                found.digits.images[e.image],
                _number(e.value),
                found.field(self.layer_index, e.row, e.column),
            )
            for e in exemplars
        ]
        self.tiles.set_tiles(tiles)
        size = found.field_size(self.layer_index)
        if size is not None:
            self.note.setText(
                self.tr(
                    "Under each digit, the map's strongest value; outlined, the {0}×{1} "
                    "input pixels it sees there."
                ).format(str(size[1]), str(size[0]))
            )
        else:
            self.note.setText(self.tr("Under each digit, the unit's output for it."))
        self.note.show()
