"""The window: composes the widgets and wires every connection in one place.

Data flows one way: canvas -> model controller (preprocess + predict) -> model input
view and probability chart. The train panel reports through signals; only this
module connects them to the model controller.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSizePolicy,
    QSpinBox,
    QSplitter,
    QStatusBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digitpad.ml.data import load_mnist_cached
from digitpad.ml.errors import DatasetError, ModelError
from digitpad.ui import i18n, jobs, messages
from digitpad.ui import settings as keys
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.settings import Settings
from digitpad.ui.shell.comparison import Comparison, network_title
from digitpad.ui.shell.model_controller import ModelController
from digitpad.ui.shell.reading import NUMBER_ASPECT, ReadingModes
from digitpad.ui.shell.teach_wiring import TeachWiring
from digitpad.ui.shell.tf_preload import TensorFlowPreloader
from digitpad.ui.training.panel import MAX_BATCH, MAX_EPOCHS, TrainPanel
from digitpad.ui.widgets.canvas import DEFAULT_BRUSH, MAX_BRUSH, MIN_BRUSH, Canvas
from digitpad.ui.widgets.model_input_view import ModelInputView
from digitpad.ui.widgets.probability_chart import ProbabilityChart

log = logging.getLogger(__name__)

TEACHING_VIEWS = ("evaluate", "network", "preprocess", "digits", "class")
COMPARED_CHART_WIDTH = 370  # each of two charts side by side: bars and labels readable
PAD_SHARE = 0.6  # of the left column's height: the pad row (the chart has the rest)
SIDE_WIDTH = 220  # the column beside the pad: 28x28 view and tools; the pad gets the rest
DEFAULT_SIZE = (1280, 800)
PREDICT_DELAY_MS = 16  # the teaching views follow the drawing at most once per frame


class _ReadBeforePaint(QObject):
    """Runs ``read()`` once for any number of drawing changes, before the paint that
    shows them.

    Each change queues (at most one pending) call at normal priority; Qt posts a
    window's paint request at low priority, so the reading is done, and the chart and
    the 28x28 view marked dirty, before that paint, in the same pass of the event loop.
    A burst of moves queued while the window was busy (a fast tablet, the first second
    after start-up) is read once, not once per move. ``settle()`` reads now if a change
    is waiting: what scripts ask for is never a move behind.
    """

    _queued = Signal()  # connected queued to settle(): a call posted as an event

    def __init__(self, read, parent: QObject) -> None:
        super().__init__(parent)
        self._read = read
        self._waiting = False
        self._queued.connect(self.settle, Qt.ConnectionType.QueuedConnection)

    def changed(self) -> None:
        if not self._waiting:
            self._waiting = True
            self._queued.emit()

    @Slot()
    def settle(self) -> None:
        if self._waiting:
            self._waiting = False
            self._read()

    def read_now(self) -> None:
        """Read at once; a waiting call then does nothing (the drawing is read once)."""
        self._waiting = False
        self._read()


class _FittingStatusBar(QStatusBar):
    """A status bar whose messages are not cut off mid-sentence: one too wide for the
    bar shows as many of its first sentences as fit, at least the first (the whole text
    stays where it came from, e.g. the train panel's status)."""

    def showMessage(self, text: str, timeout: int = 0) -> None:
        super().showMessage(self._fitted(text), timeout)

    def _fitted(self, text: str) -> str:
        room = self.width() - 24  # the size grip and margins
        metrics = self.fontMetrics()
        if room <= 0 or metrics.horizontalAdvance(text) <= room:
            return text
        sentences = re.split(r"(?<=[.!?。])\s+", text)
        shown = sentences[0]
        for sentence in sentences[1:]:
            if metrics.horizontalAdvance(f"{shown} {sentence}") > room:
                break
            shown = f"{shown} {sentence}"
        return shown


class MainWindow(Retranslatable, QMainWindow):
    predictionChanged = Signal(object)  # (10,) probabilities, or None for an empty canvas
    warningShown = Signal(str, str)  # title, text: every warning box (see show_warning)
    datasetChecked = Signal(bool)  # after open_dataset_file: the file is (not) usable MNIST

    def __init__(
        self,
        model_path: str | None = None,
        data_path: str | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.settings = settings or Settings()
        self.models = ModelController(self)
        self.canvas = Canvas()
        self.input_view = ModelInputView()
        self.chart = ProbabilityChart()
        self.train_panel = TrainPanel()
        self.comparison = Comparison(self)  # a second network beside the chart
        self.reading = ReadingModes(self)  # "why this digit?" and whole numbers
        # An explicit --data wins over the dataset last opened in the GUI (both beat
        # $DIGITPAD_MNIST, which the ML layer reads when neither is set).
        self.train_panel.set_data_path(data_path or self.settings.text_value(keys.DATA_PATH))
        self._probabilities: np.ndarray | None = None
        self._ink: tuple[list, list] = ([], [])  # the strokes last read
        self._reader = _ReadBeforePaint(self._read_canvas, self)
        self._predict_timer = QTimer(self)
        self._predict_timer.setSingleShot(True)
        self._predict_timer.setInterval(PREDICT_DELAY_MS)
        self.preloader = TensorFlowPreloader(
            self, busy=lambda: self.canvas.underMouse() or self.canvas.is_drawing()
        )
        self._dataset_job = jobs.Job("digitpad-open-dataset", self)
        self._dataset_pending = ""
        self._teaching_stale = True
        self._build_actions()
        self._build_layout()
        self.teach = TeachWiring(self)  # Teach dock, presenter mode, export, bundled models
        self.class_session = self.teach.class_session  # the room draws (docs/CLASS_SESSION.md)
        self._build_menus()
        self.retranslate_ui()
        self._connect()
        self._restore_settings()
        self._load_initial_model(model_path)
        self.preloader.poke()  # Keras loads in the background once the pad is idle

    # -- public API ------------------------------------------------------------------
    def current_probabilities(self) -> np.ndarray | None:
        self._reader.settle()
        return None if self._probabilities is None else self._probabilities.copy()

    def set_comparison(self, name: str | None) -> None:
        """Show bundled network ``name`` reading the same drawing beside the main one.

        ``None`` hides it. Unknown names raise ``ValueError``; a model missing from this
        installation raises ``ModelError``.
        """
        self.comparison.set_network(name)  # reads the drawing on screen (_on_comparison)

    def comparison_probabilities(self) -> np.ndarray | None:
        """The second network's 10 probabilities as shown, or ``None`` (off or empty pad)."""
        self._reader.settle()
        return self.comparison.probabilities()

    def starts_maximized(self) -> bool:
        """True when ``digitpad`` should open this window maximized: no size saved from
        an earlier session and a screen no larger than the default 1280x800 (a 1366x768
        or 1280x720 projector), where a window clamped to the screen would leave a strip
        of desktop beside it or sit under the desktop's panel."""
        return self._screen_is_small

    def show_teaching_view(self, key: str | None) -> None:
        """Open teaching view ``key`` ("evaluate", "network", "preprocess", "digits",
        "class") in the right-hand column; ``None`` closes the teaching views."""
        if key is None:
            self.teach.dock.hide()
            return
        if key not in TEACHING_VIEWS:
            raise ValueError(f"unknown teaching view {key!r}; choose from {TEACHING_VIEWS}")
        self.teach.dock.show_tab(key)

    def set_reading_mode(self, mode: str) -> None:
        """ "digit" (the square pad, one digit) or "number" (a wide pad: several digits,
        each read on its own). Switching starts a blank pad."""
        self._reader.settle()
        self.reading.set_mode(mode)

    def reading_mode(self) -> str:
        return self.reading.mode

    def current_number(self) -> str | None:
        """The digits read on the wide pad, left to right (``None``: empty pad, or not in
        number mode)."""
        self._reader.settle()
        reading = self.reading.number() if self.reading.mode == "number" else None
        return reading.text if reading is not None and reading.digits else None

    def current_explanation(self) -> np.ndarray | None:
        """(28, 28) signed contributions of each input pixel to the winning digit's score
        for the current drawing (digit mode), or ``None``. Whatever "and not:" shows on
        screen, this is always the winner's own."""
        self._reader.settle()
        if self.reading.mode != "digit" or self._probabilities is None:
            return None
        if self.models.predictor is None:
            return None
        from digitpad.ml.explain import explain

        target = int(np.argmax(self._probabilities))
        found = explain(self.models.predictor, self.input_view.image(), target)
        return None if found is None else found.contributions

    def current_input(self) -> np.ndarray | None:
        """The (28, 28) float32 input in [0, 1] the live network read for the current
        drawing (``None``: an empty pad, or number mode)."""
        self._reader.settle()
        last = self.models.last_pass()
        if self._probabilities is None or last is None:
            return None
        return last.image.copy()

    def layer_activations(self) -> list[tuple[str, np.ndarray]]:
        """``(layer name, output)`` for every layer, in order, from the forward pass that
        read the current drawing (copies); ``[]`` for an empty pad."""
        self._reader.settle()
        last = self.models.last_pass()
        if self._probabilities is None or last is None:
            return []
        return [(name, out.copy()) for name, out in last.activations()]

    def prediction_pending(self) -> bool:
        """True while the teaching views wait (at most one frame) for the latest drawing."""
        return self._predict_timer.isActive()

    @Slot()
    def refresh_prediction(self) -> None:
        """Read the canvas now and update everything that shows the reading."""
        self._predict_timer.stop()
        self._reader.read_now()
        self._update_teaching_views()

    def _read_canvas(self) -> np.ndarray:
        # ~0.4 ms (strokes -> strokes_to_mnist -> numpy forward pass): every move. The
        # pad's pixels are copied only if the strokes leave nothing (eraser specks).
        ink, erase = self.canvas.strokes()
        self._ink = (ink, erase)
        if self.reading.mode == "number":
            # Read when the pen is lifted: a digit is not finished mid-stroke, and trying
            # every way to split the strokes costs more than a frame.
            if not self.canvas.is_drawing():
                self.reading.read_number(self.models.predictor, ink)
            self._probabilities = None
            self.predictionChanged.emit(None)
            return np.zeros((28, 28), np.float32)
        # After erasing, the pad itself says whether anything is left to read.
        if ink and (not erase or self.canvas.image_array().any()):
            image, probabilities = self.models.read_strokes(ink, erase, self.canvas.image_array)
        else:  # nothing drawn on the pad (strokes wholly off it do not count)
            image, probabilities = np.zeros((28, 28), np.float32), None
        self.input_view.set_image(image)
        self.chart.set_probabilities(probabilities)
        self._probabilities = probabilities
        if self.reading.explaining:
            self.reading.explain_drawing(self.models.predictor, image, probabilities, ink, erase)
        else:  # worked out on demand (current_explanation), not on every move
            self.reading.forget_explanation()
        self.comparison.read(image if probabilities is not None else None)
        self.predictionChanged.emit(None if probabilities is None else probabilities.copy())
        return image

    # -- construction ----------------------------------------------------------------
    def _action(self, text: str, shortcuts=(), slot=None, checkable=False) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setCheckable(checkable)
        self._set_action_text(action, text)
        if slot is not None:
            (action.toggled if checkable else action.triggered).connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        # Texts and tooltips are set in retranslate_ui (again on every language change).
        self.open_action = self._action("", ["Ctrl+O"], self.open_model)
        self.open_data_action = self._action("", [], self.open_dataset)
        self.save_action = self._action("", ["Ctrl+Shift+S"], self.save_model)
        self.reset_action = self._action("", [], self.reset_model)
        self.quit_action = self._action("", ["Ctrl+Q"], self.close)
        self.undo_action = self._action("", ["Ctrl+Z"], self.canvas.undo)
        self.redo_action = self._action("", ["Ctrl+Shift+Z", "Ctrl+Y"], self.canvas.redo)
        self.clear_action = self._action("", ["Esc", "Delete"], self.canvas.clear)
        self.eraser_action = self._action("", ["E"], self.canvas.set_eraser, True)
        self.train_action = self._action(
            "",
            ["Ctrl+T", "Ctrl+Return"],
            lambda: self.train_panel.start_training(),  # noqa: PLW0108 - triggered(bool)
        )
        self.stop_action = self._action("", ["Ctrl+."], self.train_panel.stop_training)
        self.undo_action.setEnabled(False)
        self.redo_action.setEnabled(False)
        self.stop_action.setEnabled(False)

    @staticmethod
    def _set_action_text(action: QAction, text: str) -> None:
        action.setText(text)
        # Buttons and tooltips show the text without its mnemonic (i18n.plain_action_text).
        plain = i18n.plain_action_text(text)
        action.setIconText(plain)
        shortcuts = action.shortcuts()
        if text and shortcuts:
            shortcut = shortcuts[0].toString(QKeySequence.SequenceFormat.NativeText)
            action.setToolTip(f"{plain} ({shortcut})")

    def _build_side_column(self) -> QVBoxLayout:
        """Beside the pad: the 28x28 input, brush, drawing tools, shortcut hints."""
        # In presenter mode (large type) only "Why this digit?" and Clear stay here; undo,
        # redo and eraser keep their keys and the Drawing menu, the brush waits for F11.
        self.presenter_hidden: list[QWidget] = []
        tools = self._tools_layout = QGridLayout()
        for index, action in enumerate(
            (self.undo_action, self.redo_action, self.eraser_action, self.clear_action)
        ):
            button = QToolButton()
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setMinimumWidth(84)
            tools.addWidget(button, index // 2, index % 2)
            if action is not self.clear_action:
                self.presenter_hidden.append(button)
        self.brush = QSpinBox()
        self.brush.setRange(MIN_BRUSH, MAX_BRUSH)
        self.brush.setValue(DEFAULT_BRUSH)
        self._brush_label = QLabel()
        self.presenter_hidden += [self._brush_label, self.brush]
        brush_row = QHBoxLayout()
        brush_row.addWidget(self._brush_label)
        brush_row.addWidget(self.brush, 1)

        self._sees_label = sees = QLabel()
        sees.setWordWrap(True)
        explain = QToolButton()
        explain.setDefaultAction(self.reading.explain_action)
        explain.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        explain.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        side = QVBoxLayout()
        side.addWidget(sees)
        side.addWidget(self.input_view)
        side.addWidget(explain)
        side.addWidget(self.reading.explain_panel)
        side.addLayout(brush_row)
        side.addLayout(tools)
        self.hints_label = hints = QLabel()
        hints.setObjectName("shortcutHints")
        hints.setStyleSheet("color: palette(dark);")
        hints.setWordWrap(True)
        side.addSpacing(8)
        side.addWidget(hints)
        side.addStretch(1)
        return side

    def _side_panel(self, side: QVBoxLayout) -> QWidget:
        holder = QWidget()
        holder.setLayout(side)
        side.setContentsMargins(0, 0, 0, 0)
        holder.setMaximumWidth(SIDE_WIDTH)
        return holder

    def _build_status_bar(self) -> None:
        self.model_label = QLabel()
        self.model_label.setObjectName("modelLabel")
        self.setStatusBar(_FittingStatusBar())
        self.statusBar().addPermanentWidget(self.model_label)
        # A message has the whole bar: it was drawn under the model's name, cut off.
        self.statusBar().messageChanged.connect(lambda text: self.model_label.setVisible(not text))

    def _build_layout(self) -> None:
        side = self._build_side_column()

        top = QHBoxLayout()
        top.addWidget(self.canvas, 1)
        self.side_panel = self._side_panel(side)
        top.addWidget(self.side_panel)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(top, round(PAD_SHARE * 10))
        charts = QHBoxLayout()
        main_chart = QVBoxLayout()
        main_chart.setSpacing(2)
        main_chart.addWidget(self.comparison.main_title)
        main_chart.addWidget(self.chart, 1)
        main_chart.addWidget(self.reading.number_view, 1)
        charts.addLayout(main_chart, 1)
        charts.addWidget(self.comparison.view, 1)
        left_layout.addLayout(charts, round((1 - PAD_SHARE) * 10))

        # One right-hand column: the teaching views (when open) above the train panel,
        # which then shrinks to its progress line. The pad keeps the left for itself.
        right = QWidget()
        right.setObjectName("rightColumn")
        self.right_column = QVBoxLayout(right)
        self.right_column.setContentsMargins(0, 0, 0, 0)
        self.right_column.addWidget(self.train_panel, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.setObjectName("mainSplitter")
        splitter.setChildrenCollapsible(False)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([720, 560])
        splitter.splitterMoved.connect(self._on_splitter_moved)
        splitter.installEventFilter(self)
        self._split_by_user = False
        self.splitter = splitter
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(10, 8, 10, 4)
        layout.addWidget(splitter)
        self.setCentralWidget(central)
        self._build_status_bar()
        # 1280x800, but never larger than the screen (1366x768 projectors are common);
        # on a screen that small the window opens maximized (see starts_maximized).
        screen = self.screen().availableGeometry() if self.screen() else None
        width, height = DEFAULT_SIZE
        self._screen_is_small = False
        if screen is not None and screen.width() > 0 and screen.height() > 0:
            self._screen_is_small = screen.width() <= width or screen.height() <= height
            width, height = min(width, screen.width()), min(height, screen.height())
        self.resize(width, height)

    def _build_menus(self) -> None:
        menu = self.model_menu = self.menuBar().addMenu("")
        menu.addActions([self.open_action, self.save_action, self.reset_action])
        menu.addSeparator()
        menu.addAction(self.open_data_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        menu = self.drawing_menu = self.menuBar().addMenu("")
        menu.addActions([self.undo_action, self.redo_action, self.eraser_action, self.clear_action])
        menu.addSeparator()
        menu.addActions([self.reading.explain_action, self.reading.number_action])
        menu = self.training_menu = self.menuBar().addMenu("")
        menu.addActions([self.train_action, self.stop_action])
        self.teach.build_menus()
        self._build_language_menu()

    def _build_language_menu(self) -> None:
        """English / 한국어, each named in its own language (never translated)."""
        self.language_menu = self.menuBar().addMenu("")
        self.language_menu.setObjectName("languageMenu")
        group = QActionGroup(self)
        group.setExclusive(True)
        self.language_actions: dict[str, QAction] = {}
        for code in i18n.SUPPORTED:
            action = QAction(i18n.NATIVE_NAMES[code], self, checkable=True)
            action.setData(code)
            group.addAction(action)
            self.language_menu.addAction(action)
            self.language_actions[code] = action
        group.triggered.connect(lambda action: self.set_language(action.data()))

    def set_language(self, code: str) -> None:
        """Switch the whole application; widgets retranslate on the LanguageChange event."""
        app = QApplication.instance()
        if app is not None and code != i18n.current_language():
            i18n.set_language(app, code)
        self.language_actions[i18n.current_language()].setChecked(True)

    def retranslate_ui(self) -> None:
        """Every text the window sets itself; children retranslate on their own."""
        # Ends with the application display name, so Qt does not add it a second time
        # ("… — digitpad — digitpad" in the title bar).
        self.setWindowTitle(self.tr("Draw a digit — digitpad"))
        for action, text in (
            (self.open_action, self.tr("&Open model…")),
            (self.open_data_action, self.tr("Open &dataset…")),
            (self.save_action, self.tr("&Save model as…")),
            (self.reset_action, self.tr("&Reset to bundled model")),
            (self.quit_action, self.tr("&Quit")),
            (self.undo_action, self.tr("&Undo")),
            (self.redo_action, self.tr("&Redo")),
            (self.clear_action, self.tr("&Clear")),
            (self.eraser_action, self.tr("&Eraser")),
            (self.train_action, self.tr("&Train")),
            (self.stop_action, self.tr("S&top")),
        ):
            self._set_action_text(action, text)
        self.model_menu.setTitle(self.tr("&Model"))
        self.drawing_menu.setTitle(self.tr("&Drawing"))
        self.training_menu.setTitle(self.tr("&Training"))
        self.language_menu.setTitle(self.tr("&Language"))
        self.language_actions[i18n.current_language()].setChecked(True)
        self.brush.setSuffix(self.tr(" %"))
        self.brush.setAccessibleName(self.tr("Brush size"))
        self.brush.setToolTip(self.tr("Pen width, in percent of the drawing pad's width."))
        self._brush_label.setText(self.tr("Brush"))
        self._sees_label.setText(self.tr("What the model sees (28×28)"))
        self.hints_label.setText(
            self.tr(
                "Esc: clear\nCtrl+Z: undo\nCtrl+Shift+Z: redo\nE: eraser\n"
                "Ctrl+T: train\nCtrl+.: stop"
            )
        )
        self.teach.retranslate_ui()
        self.comparison.retranslate_ui()
        self.reading.retranslate_ui()
        QTimer.singleShot(0, self, self.fit_hints)  # another language: another height
        self._update_model_label()

    def _connect(self) -> None:
        """Every signal-slot connection of the window, in one place."""
        self.canvas.drawingChanged.connect(self._on_drawing_changed)  # pokes the preloader
        self.canvas.strokeFinished.connect(self._on_stroke_finished)
        self.canvas.undoAvailable.connect(self.undo_action.setEnabled)
        self.canvas.redoAvailable.connect(self.redo_action.setEnabled)
        self.brush.valueChanged.connect(self.canvas.set_brush_size)
        self._predict_timer.timeout.connect(self._update_teaching_views)
        self.models.modelChanged.connect(self._on_model_changed)
        panel = self.train_panel
        panel.previewReady.connect(self.models.preview)
        panel.modelReady.connect(self.models.adopt_trained)
        panel.previewDiscarded.connect(self.models.discard_preview)
        panel.restoreRequested.connect(self.models.restore_previous)
        self.preloader.loaded.connect(panel.enable_warm_ups)  # the chosen preset, traced
        panel.statusMessage.connect(lambda text: self.statusBar().showMessage(text, 8000))
        panel.openDatasetRequested.connect(self.open_dataset)
        panel.runningChanged.connect(self._on_training_running)
        self.teach.connect()
        self.teach.dock.visibilityChanged.connect(
            lambda shown: shown and self._teaching_stale and self._update_teaching_views()
        )
        self.reading.modeChanged.connect(self._on_reading_mode)
        self.comparison.changed.connect(self._on_comparison)
        self._dataset_job.finished.connect(self._on_dataset_loaded)
        self._dataset_job.failed.connect(self._on_dataset_failed)

    # -- prediction ------------------------------------------------------------------
    def _on_comparison(self, _key) -> None:
        # However it was switched (Ctrl+K, the menu, a script), the second network reads
        # the drawing already there at once: its chart said "Draw a digit" beside a 3.
        self._reader.settle()
        self.comparison.read(self.input_view.image() if self._probabilities is not None else None)
        QTimer.singleShot(0, self, self._refit)

    @Slot()
    def _on_drawing_changed(self) -> None:
        # The chart follows every move, read before the paint that shows the move (once
        # for moves that arrive together); a stroke's first point, a clear or an undo is
        # read at once, a stroke's end when the pen lifts (_on_stroke_finished). The
        # teaching views (heavier, and only when shown) get the drawing at most once per
        # frame.
        if self.canvas.stroke_points() > 1:
            self._reader.changed()
        else:
            self._reader.read_now()
        if not self._predict_timer.isActive():
            self._predict_timer.start()
        self.preloader.poke()  # not a second slot of the signal: one call less a move

    @Slot()
    def _on_stroke_finished(self) -> None:
        # The pen lifted: the finished stroke is read at once. Number mode reads, and the
        # explanation is laid over the pad, only now.
        if self.reading.mode == "number" or self.reading.explaining:
            self.refresh_prediction()
        else:
            self._reader.settle()

    @Slot(str)
    def _on_reading_mode(self, mode: str) -> None:
        number = mode == "number"
        if number:
            self.eraser_action.setChecked(False)
            self.input_view.set_explanation(None)
            self.canvas.set_overlay(None)
        else:
            self.reading.clear_number()
        self.eraser_action.setEnabled(not number)  # the digits are split by their strokes
        self.reading.explain_action.setEnabled(not number)
        self.canvas.set_aspect(NUMBER_ASPECT if number else 1.0)
        self.side_panel.setVisible(not number)
        self.chart.setVisible(not number)
        self.reading.number_view.setVisible(number)
        comparing = not number and self.comparison.key() is not None  # as it was
        self.comparison.view.setVisible(comparing)
        self.comparison.main_title.setVisible(comparing)
        QTimer.singleShot(0, self, self._fit_splitter)
        self.refresh_prediction()

    @Slot()
    def _update_teaching_views(self) -> None:
        self._reader.settle()
        dock = self.teach.dock
        if not dock.isVisible():
            self._teaching_stale = True  # caught up when the views are shown again
            return
        self._teaching_stale = False
        last = self.models.last_pass() if self._probabilities is not None else None
        dock.set_drawing(self.canvas.image_array, self.input_view.image(), last)

    @Slot()
    def _on_model_changed(self) -> None:
        key = self.models.bundled_key
        if key is not None:  # a bundled choice is remembered; files and training are not
            self.settings.set_value(keys.BUNDLED, key)
        self._update_model_label()
        self.teach.model_changed()
        self.refresh_prediction()

    def _update_model_label(self) -> None:
        models = self.models
        if models.predictor is None:
            text = self.tr("No model loaded")
        elif models.is_previewing():
            text = self.tr("Model: training in progress")
        elif models.test_acc is not None:
            text = self.tr("Model: {0} — test accuracy {1:.2%}")
            text = text.format(models.label, models.test_acc)
        else:
            text = self.tr("Model: {0} — not evaluated").format(models.label)
        self.model_label.setText(text)
        key = models.bundled_key
        self.comparison.main_label_changed(network_title(key) if key else models.label)

    @Slot(bool)
    def _on_training_running(self, running: bool) -> None:
        self.train_action.setEnabled(not running)
        self.stop_action.setEnabled(running)
        for action in (
            self.open_action,
            self.save_action,
            self.reset_action,
            self.open_data_action,
        ):
            action.setEnabled(not running)

    # -- model menu ------------------------------------------------------------------
    def _load_initial_model(self, model_path: str | None) -> None:
        if model_path:
            try:
                self.models.load_file(model_path)
                return
            except ModelError as exc:
                self._warn_later(self.tr("Cannot open model"), messages.error_text(exc))
        remembered = self.settings.text_value(keys.BUNDLED, "tutorial")
        if remembered != "tutorial":
            try:
                self.models.load_bundled(remembered)
                return
            except ModelError as exc:
                log.warning("remembered model %r unusable: %s", remembered, exc)
        try:
            self.models.load_bundled()
        except ModelError as exc:
            log.error("bundled model unusable: %s", exc)
            self._on_model_changed()
            self.statusBar().showMessage(
                self.tr("The bundled model could not be loaded ({0}). Click Train.").format(
                    messages.error_text(exc).replace("\n", " ")
                )
            )

    def show_warning(self, title: str, text: str) -> None:
        """Every warning the window shows goes through here (tests observe ``warningShown``)."""
        log.warning("%s: %s", title, text.replace("\n", " "))
        self.warningShown.emit(title, text)
        QMessageBox.warning(self, title, text)

    def _warn_later(self, title: str, text: str) -> None:
        ok = QMessageBox.StandardButton.Ok
        box = QMessageBox(QMessageBox.Icon.Warning, title, text, ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        QTimer.singleShot(0, box.open)  # non-blocking, after the window is shown

    def _dialog_folder(self, key: str = keys.LAST_MODEL) -> str:
        last = self.settings.text_value(key)
        try:
            if last and Path(last).parent.is_dir():
                return str(Path(last).parent)
        except (OSError, ValueError):  # a corrupt setting: NUL bytes, a name too long...
            log.warning("setting %s=%r is not a usable path", key, last)
        return str(Path.home())

    @Slot()
    def open_model(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open model"), self._dialog_folder(), self.tr("Keras models (*.keras)")
        )
        if path:
            self.open_model_file(path)

    def open_model_file(self, path: str) -> bool:
        """Open a .keras model; on any fault a warning, and the current model stays."""
        try:
            self.models.load_file(path)
        except ModelError as exc:
            self.show_warning(self.tr("Cannot open model"), messages.error_text(exc))
            return False
        self.settings.set_value(keys.LAST_MODEL, path)
        return True

    @Slot()
    def open_dataset(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Open dataset"),
            self._dialog_folder(keys.DATA_PATH),
            self.tr("MNIST in Keras' layout (*.npz);;All files (*)"),
        )
        if path:
            self.open_dataset_file(path)

    def open_dataset_file(self, path: str) -> bool:
        """Check ``path`` is MNIST off the GUI thread, then train with it from now on
        (remembered). ``datasetChecked(ok)`` follows; on a fault a warning, and training
        keeps the dataset it had. ``False`` if another dataset is still being checked."""
        if not self._dataset_job.start(lambda _context: load_mnist_cached(path)):
            return False
        self._dataset_pending = path
        self.statusBar().showMessage(self.tr("Checking the dataset {0}…").format(path))
        return True

    @Slot(object)
    def _on_dataset_loaded(self, _mnist) -> None:
        path = self._dataset_pending  # validated and cached: the next Train reuses it
        self.train_panel.set_data_path(path)
        self.settings.set_value(keys.DATA_PATH, path)
        message = self.tr("Training will use the dataset {0}").format(path)
        self.statusBar().showMessage(message, 8000)
        self.datasetChecked.emit(True)

    @Slot(object)
    def _on_dataset_failed(self, exc: BaseException) -> None:
        self.statusBar().clearMessage()
        if not isinstance(exc, DatasetError):
            log.error("dataset check failed", exc_info=exc)
            exc = DatasetError(f"{self._dataset_pending}: {type(exc).__name__}: {exc}")
        self.show_warning(self.tr("Cannot open dataset"), messages.error_text(exc))
        self.datasetChecked.emit(False)

    @Slot()
    def save_model(self) -> None:
        start = str(Path(self._dialog_folder()) / "digitpad-model.keras")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save model as"), start, self.tr("Keras models (*.keras)")
        )
        if not path:
            return
        try:
            saved = self.models.save(path)
        except ModelError as exc:
            lead = self.tr("The model could not be saved.")
            self.show_warning(self.tr("Cannot save model"), messages.error_text(exc, lead))
            return
        self.settings.set_value(keys.LAST_MODEL, str(saved))
        self.statusBar().showMessage(self.tr("Model saved to {0}").format(saved), 8000)

    @Slot()
    def reset_model(self) -> None:
        try:
            self.models.load_bundled()
        except ModelError as exc:
            self.show_warning(self.tr("Cannot open model"), messages.error_text(exc))

    # -- settings and shutdown -------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        geometry = s.bytes_value(keys.GEOMETRY)
        if geometry is not None:
            if self.restoreGeometry(geometry):
                self._screen_is_small = False  # the size the user left it at wins
        state = s.bytes_value(keys.STATE)
        if state is not None:
            self.restoreState(state)
        self.brush.setValue(s.int_value(keys.BRUSH, DEFAULT_BRUSH, MIN_BRUSH, MAX_BRUSH))
        self.canvas.set_brush_size(self.brush.value())
        panel = self.train_panel
        panel.epochs.setValue(s.int_value(keys.EPOCHS, panel.epochs.value(), 1, MAX_EPOCHS))
        panel.batch_size.setValue(
            s.int_value(keys.BATCH_SIZE, panel.batch_size.value(), 1, MAX_BATCH)
        )

    def _save_settings(self) -> None:
        s = self.settings
        s.set_value(keys.GEOMETRY, self.saveGeometry())
        s.set_value(keys.STATE, self.saveState())
        s.set_value(keys.BRUSH, self.brush.value())
        s.set_value(keys.EPOCHS, self.train_panel.epochs.value())
        s.set_value(keys.BATCH_SIZE, self.train_panel.batch_size.value())
        s.sync()

    # -- layout ------------------------------------------------------------------------
    def eventFilter(self, watched, event) -> bool:
        # After the splitter's own resize (a filter runs before it; QSplitter then shares
        # the new size out by stretch): fit it once that is done.
        if watched is self.splitter and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self, self._fit_splitter)
            QTimer.singleShot(0, self, self.fit_hints)
        return super().eventFilter(watched, event)

    def _on_splitter_moved(self, *_args) -> None:
        self._split_by_user = True  # from now on the user's split is kept

    def _fit_splitter(self) -> None:
        """Give the left side what a square pad of the available height needs, no more:
        the pad is height-bound, so width beyond that would be empty black border."""
        total = sum(self.splitter.sizes())
        if self._split_by_user or total <= 0:
            return
        pad = self.splitter.height() * PAD_SHARE
        left = pad * self.canvas.aspect() if self.reading.mode == "number" else pad + SIDE_WIDTH
        left += 24
        if not self.comparison.view.isHidden():  # two charts side by side under the pad
            left = max(left, 2 * COMPARED_CHART_WIDTH)
        left = int(max(total * 0.42, min(total * 0.62, left)))
        if abs(self.splitter.sizes()[0] - left) > 2:
            self.splitter.setSizes([left, total - left])

    def _refit(self) -> None:
        """After the left column's content changed (a second chart under the pad): its
        width, then whether the shortcut hints still fit beside the pad."""
        self._fit_splitter()
        QTimer.singleShot(0, self, self.fit_hints)  # once the new split is laid out

    def fit_hints(self) -> None:
        """The shortcut hints are an extra (the menus and tooltips say the same): shown
        when the side column has room for all of them, else hidden, never cut off."""
        if self.teach.presenter.is_active() or self.reading.explaining:
            return  # those hide and restore the hints themselves
        # Measured without showing them first: shown, they raised the window's minimum
        # height for a moment, and a window not maximized grew taller than the screen.
        hints, side = self.hints_label, self.side_panel
        layout = side.layout()
        layout.activate()
        top = self._tools_layout.geometry().bottom() + 8 + 2 * max(0, layout.spacing())
        room = side.contentsRect().bottom() - top
        needed = hints.heightForWidth(max(1, side.contentsRect().width()))
        hints.setVisible(room >= needed)

    def closeEvent(self, event) -> None:
        # No training warm-up starts any more (a preload ending meanwhile would start one).
        self.train_panel.stop_warm_ups()
        self.teach.shutdown()  # leaves presenter mode first: the saved geometry is the normal one
        self._predict_timer.stop()
        self._save_settings()
        if any(job.is_running() for job in self.findChildren(jobs.Job)):
            self.hide()  # closing feels instant; training stops after its current batch
        jobs.shutdown(self)  # every background job, whatever it is: cancelled and waited for
        super().closeEvent(event)
