"""Two ways of reading beyond "one digit, ten bars", wired for the window:

- **Why this digit?** (W): the 28x28 view shows what each pixel contributed to the
  reading (``ml.explain``: gradient x input through the numpy forward pass), blue for,
  orange against, with a legend; once the pen is lifted the same colours lie over the
  drawing on the pad. "Compare with" turns it into "why 7 and not 1?".
- **Write a number** (N): the pad turns wide, ``ml.numbers`` splits the strokes into
  digits and reads each; the pad outlines every digit found and the chart's place shows
  the number with one small bar chart per digit. The reading runs in a :class:`Job`
  (never in the GUI thread, whatever was drawn) with a :class:`NumberReader` that
  remembers the last pen-ups' work; the latest drawing wins: a newer pen-up cancels a
  read still running, and a result for an older drawing is never shown.
  :meth:`ReadingModes.number` waits for the current drawing's reading.

Not a widget: it owns the actions, the "compare with" box, the legend and the number
view; the main window places them and calls :meth:`ReadingModes.read` on every change.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from digitpad.ml.preprocess import strokes_field_rect

if TYPE_CHECKING:
    from digitpad.ml.explain import Explanation
    from digitpad.ml.numbers import NumberReader, NumberReading
from digitpad.ui import i18n
from digitpad.ui.jobs import Job
from digitpad.ui.widgets.explanation import ExplanationLegend, overlay_image, view_image
from digitpad.ui.widgets.number_view import NumberView, ShownDigit

log = logging.getLogger(__name__)

NUMBER_ASPECT = 2.5  # the wide pad: room for four to six digits at a comfortable height
MODES = ("digit", "number")
RUNNER_UP = -1  # "compare with" the second most probable digit
BOX_MARGIN = 0.03  # around each digit's box on the wide pad, in pad heights
MAX_BOXES = 40  # more digits than this (a scribbled pad): none outlined, the pad's
# paint (on every pen move) stays cheap; the number view still lists them

# ``ml.numbers``' reasons (CUT_REASON, MARGIN_REASON, LOW_REASON; a test keeps them equal),
# spelled out so that module loads only when a number is first read.
_REASONS = {
    "touching digits split by a guess": QT_TRANSLATE_NOOP(
        "ReadingModes", "touching digits split by a guess"
    ),
    "digits close together: split by a guess": QT_TRANSLATE_NOOP(
        "ReadingModes", "digits close together: split by a guess"
    ),
    "low confidence": QT_TRANSLATE_NOOP("ReadingModes", "low confidence"),
}
# ... and those that say a mark is more than one digit, or hardly one (OVERDRAWN_REASON,
# SMALL_REASON).
_SHAPE_REASONS = {
    "more than one digit drawn in one place": QT_TRANSLATE_NOOP(
        "ReadingModes", "more than one digit drawn in one place"
    ),
    "far smaller than the other digits": QT_TRANSLATE_NOOP(
        "ReadingModes", "far smaller than the other digits"
    ),
}
PAD_HEIGHT = 1.0  # the pad's strokes are in pad heights: a dot is small against it
SETTLE_SECONDS = 30.0  # number() waits at most this long for a read in flight


class ReadingModes(QObject):
    modeChanged = Signal(str)  # "digit" or "number"
    numberShown = Signal()  # the number view and the pad's boxes show a new reading

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._mode = "digit"
        self._explanation: Explanation | None = None
        self._number: NumberReading | None = None
        # Number mode's reads: one job at a time, the latest drawing wins. ``_asked`` counts
        # the drawings asked for, ``_shown`` is the one on screen; ``_wanted`` waits for
        # the job (generation, predictor, strokes), ``_reading`` is the one in flight.
        self._number_job = Job("numberReading", self)
        self._number_job.finished.connect(self._on_number_read)
        self._number_job.failed.connect(self._on_number_failed)
        self._number_job.done.connect(self._start_number_read)
        self._number_reader: NumberReader | None = None
        self._asked = self._shown = self._reading = 0
        self._wanted: tuple[int, object, list] | None = None
        self.explain_action = QAction(window)
        self.explain_action.setCheckable(True)
        self.explain_action.setShortcut(QKeySequence("W"))
        self.explain_action.toggled.connect(self._on_explain_toggled)
        self.number_action = QAction(window)
        self.number_action.setCheckable(True)
        self.number_action.setShortcut(QKeySequence("N"))
        self.number_action.toggled.connect(lambda on: self.set_mode("number" if on else "digit"))
        for action in (self.explain_action, self.number_action):
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            window.addAction(action)
        self.versus = QComboBox()
        self.versus.setObjectName("explainVersus")
        self.versus.currentIndexChanged.connect(lambda _i: window.refresh_prediction())
        self._versus_label = QLabel()
        self._versus_label.setBuddy(self.versus)
        self.legend = ExplanationLegend()
        self.number_view = NumberView()
        self.number_view.hide()
        self.explain_panel = QWidget()  # shown under the 28x28 view while explaining
        layout = QVBoxLayout(self.explain_panel)
        layout.setContentsMargins(0, 0, 0, 0)
        row = self._versus_row = QHBoxLayout()
        row.addWidget(self._versus_label)
        row.addWidget(self.versus, 1)
        layout.addLayout(row)
        layout.addWidget(self.legend)
        self.explain_panel.hide()
        self.retranslate_ui()

    def set_large_type(self, large: bool) -> None:
        """Presenter mode: "and not:" above its choice, which then has the side column's
        whole width (beside it, in large type, the choice was cut to "any ot")."""
        direction = QHBoxLayout.Direction
        self._versus_row.setDirection(direction.TopToBottom if large else direction.LeftToRight)

    # -- state -----------------------------------------------------------------------
    @property
    def mode(self) -> str:
        return self._mode

    @property
    def explaining(self) -> bool:
        return self.explain_action.isChecked()

    def explanation(self) -> Explanation | None:
        return self._explanation

    def forget_explanation(self) -> None:
        """The drawing changed while nothing showed the explanation: work it out again
        when asked (``window.current_explanation``), not on every move."""
        self._explanation = None

    def number(self) -> NumberReading | None:
        """The current drawing's reading (number mode): waits for a read in flight."""
        self.settle_number()
        return self._number

    def number_pending(self) -> bool:
        """True while the number shown is not yet the current drawing's."""
        return self._shown != self._asked

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"unknown reading mode {mode!r}; choose from {MODES}")
        if mode == self._mode:
            return
        self._mode = mode
        self.number_action.blockSignals(True)
        self.number_action.setChecked(mode == "number")
        self.number_action.blockSignals(False)
        self.modeChanged.emit(mode)

    def versus_choice(self, probabilities: np.ndarray | None) -> int | None:
        choice = self.versus.currentData()
        if choice is None or probabilities is None:
            return None
        if choice == RUNNER_UP:
            return int(np.argsort(probabilities)[-2])
        return int(choice)

    # -- reading ---------------------------------------------------------------------
    def explain_drawing(self, predictor, image, probabilities, ink, erase) -> None:
        """Colour the 28x28 view and lay the colours over the pad (digit mode)."""
        w = self._window
        self._explanation = None
        if predictor is not None and probabilities is not None:
            target = int(np.argmax(probabilities))
            versus = self.versus_choice(probabilities)
            if versus == target:
                versus = None
            try:
                from digitpad.ml.explain import explain

                self._explanation = explain(predictor, image, target, versus)
            except (ValueError, ArithmeticError) as exc:  # never a traceback per stroke
                log.warning("explaining failed: %s", exc)
        shown = self._explanation if self.explaining else None
        if shown is None:
            w.input_view.set_explanation(None)
            w.canvas.set_overlay(None)
            self.legend.set_digits(None, None)
            return
        w.input_view.set_explanation(view_image(image, shown.contributions))
        self.legend.set_digits(shown.target, shown.versus)
        if w.canvas.is_drawing():  # the pad shows ink while the pen is down: no overlay
            if w.canvas.has_overlay():
                w.canvas.set_overlay(None)
            return
        rect = None if erase else strokes_field_rect(ink)
        w.canvas.set_overlay(overlay_image(shown.contributions), rect)

    def read_number(self, predictor, ink) -> None:
        """Split the wide pad's strokes into digits, read each, show them (number mode):
        in the background; the latest drawing wins."""
        self._asked += 1
        if predictor is None or not ink:
            self._wanted = None
            self._number_job.cancel()  # a read in flight is for an older drawing
            self._show_number(self._asked, None)
            return
        self._wanted = (self._asked, predictor, list(ink))
        if self._number_job.is_running():
            self._number_job.cancel()  # stops early; ``done`` then starts the latest
        else:
            self._start_number_read()

    def settle_number(self, timeout: float = SETTLE_SECONDS) -> None:
        """Show the current drawing's reading now: wait for the read in flight, or read
        here when none is (what scripts and tests ask for is never a pen-up behind)."""
        deadline = time.monotonic() + timeout
        while self._shown != self._asked:
            job = self._number_job
            if job.is_running():
                if not job.wait(max(0.0, deadline - time.monotonic())):
                    log.warning("reading the number took over %.0f s", timeout)
                    return
                # Its result (and ``done``, which starts the latest) is queued to the job.
                QCoreApplication.sendPostedEvents(job)
                continue
            if self._wanted is None:
                return
            generation, predictor, strokes = self._wanted
            self._wanted = None
            self._show_number(generation, self._read(self._reader_for(predictor), strokes))

    def clear_number(self) -> None:
        self._asked += 1
        self._wanted = None
        self._number_job.cancel()
        self._show_number(self._asked, None)

    def _reader_for(self, predictor) -> NumberReader:
        reader = self._number_reader
        if reader is None:
            from digitpad.ml.numbers import NumberReader

            reader = NumberReader(predictor, pad_height=PAD_HEIGHT)
        elif reader.predictor is not predictor:  # a new network: its own readings
            reader = reader.with_predictor(predictor)
        self._number_reader = reader
        return reader

    @staticmethod
    def _read(reader: NumberReader, strokes, cancelled=None) -> NumberReading | None:
        try:
            return reader.read(strokes, cancelled)
        except (ValueError, ArithmeticError) as exc:  # never a traceback per pen-up
            log.warning("reading the number failed: %s", exc)
            return None

    @Slot()
    def _start_number_read(self) -> None:
        if self._wanted is None or self._number_job.is_running():
            return
        generation, predictor, strokes = self._wanted
        self._wanted = None
        self._reading = generation
        reader = self._reader_for(predictor)
        self._number_job.start(
            lambda context: (generation, self._read(reader, strokes, context.cancelled))
        )

    @Slot(object)
    def _on_number_read(self, result) -> None:
        generation, reading = result
        if generation == self._asked:  # an older drawing's reading is never shown
            self._show_number(generation, reading)

    @Slot(object)
    def _on_number_failed(self, exc) -> None:
        from digitpad.ml.numbers import ReadCancelled

        if not isinstance(exc, ReadCancelled):
            log.warning("reading the number failed: %s", exc)
            if self._reading == self._asked:
                self._show_number(self._reading, None)

    def _show_number(self, generation: int, reading: NumberReading | None) -> None:
        w = self._window
        self._shown = generation
        self._number = reading
        digits = reading.digits if reading is not None else ()
        pad = BOX_MARGIN  # of the pad's height: a "1" gets a box, not a line on its stroke
        if len(digits) > MAX_BOXES:
            w.canvas.set_boxes([])
        else:
            w.canvas.set_boxes(
                [
                    (
                        d.box[0] - pad,
                        d.box[1] - pad,
                        d.box[2] + pad,
                        d.box[3] + pad,
                        str(i + 1),
                        d.unsure,
                    )
                    for i, d in enumerate(digits)
                ]
            )
        self.number_view.set_digits(
            (
                ShownDigit(d.digit, d.probabilities, d.image, d.unsure, self._reason(d.why))
                for d in digits
            ),
            marks=reading is not None and not digits,
        )
        self.numberShown.emit()

    @staticmethod
    def _reason(why: str) -> str:
        if not why:
            return ""
        source = _REASONS.get(why) or _SHAPE_REASONS.get(why)
        return QCoreApplication.translate("ReadingModes", source) if source else why

    # -- slots -----------------------------------------------------------------------
    def _on_explain_toggled(self, on: bool) -> None:
        w = self._window
        self.explain_panel.setVisible(on)
        # The legend takes the shortcut hints' place: the 28x28 view keeps its size.
        if not w.teach.presenter.is_active():  # presenter mode hides (and restores) them
            w.hints_label.setVisible(not on)
            if not on:
                w.fit_hints()  # ... if there is room for them
        w.refresh_prediction()

    def retranslate_ui(self) -> None:
        self.explain_action.setText(self.tr("&Why this digit?"))
        # The button beside the pad: "왜 이 숫자일까?", not Qt's "왜 이 숫자일까?(W)".
        self.explain_action.setIconText(i18n.plain_action_text(self.explain_action.text()))
        self.explain_action.setToolTip(
            self.tr(
                "Colour each pixel by how much it pushed the network towards the digit "
                "it read (blue) or away from it (orange) (W)"
            )
        )
        self.number_action.setText(self.tr("Write a &number"))
        self.number_action.setToolTip(
            self.tr("A wide pad: write several digits, each is read on its own (N)")
        )
        self._versus_label.setText(self.tr("and not:"))
        current = self.versus.currentData()
        self.versus.blockSignals(True)
        self.versus.clear()
        self.versus.addItem(self.tr("any other"), None)
        self.versus.addItem(self.tr("second guess"), RUNNER_UP)
        for digit in range(10):
            self.versus.addItem(str(digit), digit)
        self.versus.setCurrentIndex(max(0, self.versus.findData(current)))
        self.versus.blockSignals(False)
        self.versus.setToolTip(
            self.tr("Explain the reading against one other digit: why 7 and not 1?")
        )
