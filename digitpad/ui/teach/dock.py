"""The teaching views as tabs in the window's right-hand column, hidden until asked for.

Not a floating dock any more: at a 1280x720 projector a dock beside the train panel
left the pad a quarter of the screen. The views share the train panel's column
instead, and the panel shrinks to its one-line progress while a view is open.

Tabs: Evaluate (test-set accuracy and confusion matrix), Inside the network,
Preprocessing, My digits. The window feeds the dock the current predictor
(``set_predictor``, on every ``modelChanged``, including per-epoch previews) and the
drawing (``set_drawing``, on every prediction). Only the visible tab is refreshed;
the others catch up when they are shown, so following the pen stays cheap.
Keys 0-9 on the canvas add the drawing to "My digits" with that label.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QScrollArea,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from digitpad.ml.preprocess import strokes_to_mnist
from digitpad.ui.i18n import Retranslatable

if TYPE_CHECKING:
    from digitpad.ml.user_digits import UserDigits
    from digitpad.ui.teach.user_digits_view import UserDigitsView

log = logging.getLogger(__name__)

TABS = ("evaluate", "network", "preprocess", "digits", "class")


def user_data_folder() -> str:
    """``$DIGITPAD_DATA_HOME`` when set (tests), else the platform's app-data folder."""
    folder = os.environ.get("DIGITPAD_DATA_HOME")
    if folder:
        return folder
    location = QStandardPaths.StandardLocation.AppDataLocation
    return QStandardPaths.writableLocation(location) or os.path.expanduser("~/.digitpad")


def open_user_digits(folder: str) -> tuple[UserDigits, str]:
    """The store, and a message when an unreadable file had to be set aside."""
    from digitpad.ml.user_digits import UserDigits, UserDigitsError

    try:
        store = UserDigits(folder)
        return store, store.warning  # a damaged journal set aside: the rest is kept
    except UserDigitsError as exc:  # set aside (or left alone): start afresh, in memory
        log.warning("%s", exc)
        return UserDigits(folder, load=False), str(exc)


class PreprocessPage(Retranslatable, QWidget):
    """The lesson plus a switch for the naive column (off: only what the model sees)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        from digitpad.ui.teach.preprocess_lesson import PreprocessLesson

        super().__init__(parent)
        self.lesson = PreprocessLesson()
        self.compare = QCheckBox()
        self.compare.setChecked(True)
        self.compare.toggled.connect(self._show_naive)
        layout = QVBoxLayout(self)
        layout.addWidget(self.compare)
        layout.addWidget(self.lesson, 1)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.compare.setText(self.tr("Compare with a naive resize"))

    def _show_naive(self, shown: bool) -> None:
        lesson = self.lesson
        for widgets in (lesson.titles, lesson.explanations, lesson.images, lesson.verdicts):
            widgets[0].setVisible(shown)
        lesson.bars[0].setVisible(shown)


class TeachingDock(Retranslatable, QWidget):
    fineTuned = Signal(object, object)  # FineTuneResult, tuned Keras model
    statusMessage = Signal(str)
    explainRequested = Signal()  # "Why this digit?" asked for in Inside the network
    wallBuilt = Signal(object)  # the class session's wall, built: the shell wires it
    visibilityChanged = Signal(bool)  # shown or hidden by the user or a script
    # Just before the views are shown: what shares their column makes room first (the
    # window's minimum height must not count both for a moment; it grew the window).
    aboutToShow = Signal()

    def __init__(
        self, canvas, data_path: Callable[[], str | None], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("teachingDock")
        self._toggle = QAction(self)
        self._toggle.setCheckable(True)
        self._toggle.toggled.connect(self.setVisible)
        self._canvas = canvas
        self._predictor = None
        self._drawing: np.ndarray | Callable[[], np.ndarray | None] | None = None
        self._x28: np.ndarray | None = None
        self._pass = None  # the window's forward pass for _x28 (every layer's output)
        self._card: dict | None = None  # the live model's card
        self._stale: set[str] = set(TABS)
        self._shown: dict[str, object] = {}  # the predictor each tab last showed
        self._data_path = data_path
        # What "My digits" is told before it is built (it is built, and the user's saved
        # digits read, when it is first shown or a key 0-9 adds a drawing to it).
        self._my_digits: UserDigitsView | None = None
        self._training_running = False
        self._model_source = None
        self._room_source = None
        self._mnist = None
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self._single_view = False  # presenter mode: only the chosen view's tab shows
        # Every view is built when first shown or asked for (see page): the window
        # opens sooner.
        self._pages: dict[str, QWidget] = {}
        self._scrolls: dict[str, QScrollArea] = {}
        for key in TABS:
            # Scrollable, so the dock can be narrower than a view's natural width.
            scroll = self._scrolls[key] = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            self.tabs.addTab(scroll, "")
        self.close_button = QToolButton()
        self.close_button.setObjectName("hideTeachingViews")
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.clicked.connect(self.hide)
        self.tabs.setCornerWidget(self.close_button, Qt.Corner.TopRightCorner)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)
        self.tabs.currentChanged.connect(lambda _: self._refresh_current())
        self.visibilityChanged.connect(lambda visible: visible and self._refresh_current())
        canvas.digitKeyPressed.connect(self.label_drawing)
        self.view_actions: dict[str, QAction] = {}
        for number, key in enumerate(TABS, start=1):
            action = QAction(self)
            action.setShortcut(QKeySequence(f"Ctrl+{number}"))
            action.triggered.connect(lambda _=False, key=key: self.show_tab(key))
            self.view_actions[key] = action
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.setWindowTitle(self.tr("Teach"))
        for key, text in (
            ("evaluate", self.tr("Evaluate")),
            ("network", self.tr("Inside the network")),
            ("preprocess", self.tr("Preprocessing")),
            ("digits", self.tr("My digits")),
            ("class", self.tr("Class")),
        ):
            self.tabs.setTabText(self.tabs.indexOf(self._scrolls[key]), text)
            self.view_actions[key].setText(text)
        # The tab is short (five share the column at 1280x720); the menu says what it opens.
        self.view_actions["class"].setText(self.tr("Class session…"))
        self.toggleViewAction().setText(self.tr("Show teaching views"))
        self.close_button.setToolTip(self.tr("Hide the teaching views"))
        self.close_button.setAccessibleName(self.tr("Hide the teaching views"))

    # -- public ----------------------------------------------------------------------
    def toggleViewAction(self) -> QAction:
        """A checkable action that shows and hides the views (like a dock's own)."""
        return self._toggle

    def setVisible(self, visible: bool) -> None:
        changed = visible == self.isHidden()
        if changed and visible:
            self.aboutToShow.emit()
        super().setVisible(visible)
        self._toggle.blockSignals(True)
        self._toggle.setChecked(visible)
        self._toggle.blockSignals(False)
        if changed:
            self.visibilityChanged.emit(visible)

    def page(self, key: str) -> QWidget:
        """The view ``key`` (one of ``TABS``), built the first time it is needed."""
        page = self._pages.get(key)
        if page is None:
            page = self._pages[key] = self._build_page(key)
            self._scrolls[key].setWidget(page)
        return page

    @property
    def my_digits(self) -> UserDigitsView:
        """The "My digits" view (built, and the saved digits read, on first use)."""
        return self.page("digits")

    def is_fine_tuning(self) -> bool:
        wall = self._pages.get("class")
        if wall is not None and wall.is_fine_tuning():
            return True
        return self._my_digits is not None and self._my_digits.is_fine_tuning()

    def set_room_source(self, source) -> None:
        """The class session's digits, offered to Evaluate as a test set (``None``: none)."""
        self._room_source = source
        if "evaluate" in self._pages:
            self._pages["evaluate"].set_room_source(source)

    def is_built(self, key: str) -> bool:
        """Whether view ``key`` exists yet (views are built when first needed)."""
        return key in self._pages

    @property
    def wall(self):
        """The class session's wall (built on first use)."""
        return self.page("class")

    def set_training_running(self, running: bool) -> None:
        """A training runs: "My digits" offers no fine-tuning meanwhile."""
        self._training_running = bool(running)
        if self._my_digits is not None:
            self._my_digits.set_training_running(running)
        if "class" in self._pages:
            self._pages["class"].set_training_running(running)
        if "network" in self._pages:  # no search for exemplars takes a core from it
            self._pages["network"].exemplars.set_held(running)

    def _on_mnist_loaded(self, mnist) -> None:
        self._mnist = mnist
        if self._my_digits is not None:
            self._my_digits.set_mnist(mnist)
        if "class" in self._pages:
            self._pages["class"].set_mnist(mnist)

    def _build_my_digits(self) -> UserDigitsView:
        from digitpad.ui.teach.user_digits_view import UserDigitsView

        store, problem = open_user_digits(user_data_folder())
        view = self._my_digits = UserDigitsView(store)
        if problem:
            view.result_label.setText(problem)
        view.set_drawing_source(self._prepared)
        view.fineTuned.connect(self.fineTuned)
        view.set_training_running(self._training_running)
        if self._model_source is not None:
            view.set_model_source(self._model_source)
        if self._mnist is not None:
            view.set_mnist(self._mnist)
        return view

    @property
    def evaluation(self):
        return self.page("evaluate")

    @property
    def network(self):
        return self.page("network")

    @property
    def preprocess(self):
        return self.page("preprocess")

    def _build_page(self, key: str) -> QWidget:
        if key == "evaluate":
            from digitpad.ui.teach.evaluation_page import EvaluationPage

            page = EvaluationPage(self._data_path)
            page.mnistLoaded.connect(self._on_mnist_loaded)
            page.set_room_source(self._room_source)
            if self._predictor is not None:
                page.set_predictor(self._predictor)
        elif key == "network":
            from digitpad.ui.teach.network_view import NetworkView

            page = NetworkView(data_path=self._data_path)
            page.exemplars.set_held(self._training_running)
            page.explainRequested.connect(self.explainRequested)
        elif key == "preprocess":
            page = PreprocessPage()
        elif key == "digits":
            page = self._build_my_digits()
        elif key == "class":
            from digitpad.ui.teach.class_wall import ClassWall

            page = ClassWall()
            page.fineTuned.connect(self.fineTuned)
            page.set_training_running(self._training_running)
            if self._model_source is not None:
                page.set_model_source(self._model_source)
            if self._mnist is not None:
                page.set_mnist(self._mnist)
            self.wallBuilt.emit(page)
        else:
            raise KeyError(key)
        return page

    def current_key(self) -> str:
        current = self.tabs.currentWidget()
        return next(k for k, scroll in self._scrolls.items() if scroll is current)

    def show_tab(self, key: str) -> None:
        self.show()
        index = self.tabs.indexOf(self._scrolls[key])
        self.tabs.setTabVisible(index, True)  # before it becomes current (single view)
        self.tabs.setCurrentIndex(index)
        self._show_only_current()
        self._refresh_current()

    def set_single_view(self, single: bool) -> None:
        """Presenter mode: only the current view's tab is shown, as its title (four tabs
        in large type do not fit the column at 1280x720); Ctrl+1-4 still switch."""
        self._single_view = single
        self._show_only_current()

    def _show_only_current(self) -> None:
        current = self.tabs.currentIndex()
        for index in range(self.tabs.count()):
            self.tabs.setTabVisible(index, not self._single_view or index == current)

    def set_predictor(self, predictor, card: dict | None = None) -> None:
        """The live network (and its model card: how it was trained, ``None`` or ``{}``
        when unknown, e.g. a training's preview)."""
        self._predictor = predictor
        self._card = card
        if "evaluate" in self._pages:  # else it gets the predictor when it is built
            self._pages["evaluate"].set_predictor(predictor)
        self._stale.update(TABS)
        self._refresh_current()

    def set_drawing(
        self,
        drawing: np.ndarray | Callable[[], np.ndarray | None] | None,
        x28: np.ndarray | None,
        forward_pass=None,
    ) -> None:
        """The pad's pixels (or a function that copies them, called only if the
        Preprocessing view is shown: the other views do not need the copy, ~220 KB on
        every frame of a stroke), the 28x28 input and the window's forward pass that read
        it (``LastPass``: every layer's output, so Inside the network computes none)."""
        self._drawing, self._x28, self._pass = drawing, x28, forward_pass
        self._stale.update(("network", "preprocess"))
        self._refresh_current()

    def set_model_source(self, source) -> None:
        self._model_source = source
        if self._my_digits is not None:
            self._my_digits.set_model_source(source)
        if "class" in self._pages:
            self._pages["class"].set_model_source(source)

    def label_drawing(self, digit: int) -> int | None:
        """Add the canvas drawing to "My digits" as ``digit``; its index, or ``None``."""
        drawing = self._prepared()
        if drawing is None:
            self.statusMessage.emit(self.tr("Draw a digit first, then press its number."))
            return None
        index = self.my_digits.add_current(drawing, digit)
        if index is not None:
            text = self.tr("Added your drawing as a {0} ({1} digits saved).")
            self.statusMessage.emit(text.format(digit, len(self.my_digits.store)))
        return index

    def _prepared(self) -> np.ndarray | None:
        """The 28x28 input the network reads now (from the strokes), ``None`` if blank."""
        ink, erase = self._canvas.strokes()
        image = strokes_to_mnist(ink, erase=erase)
        return image if image.any() else None

    # -- internals -------------------------------------------------------------------
    def _refresh_current(self) -> None:
        if not self.isVisible():
            return
        key = self.current_key()
        if key in ("digits", "class"):
            self.page(key)  # shown: built now if it was not
        if key not in self._stale:
            return
        self._stale.discard(key)
        if key == "evaluate":
            self.evaluation.refresh()
        elif key == "network":
            if self._shown.get(key) is not self._predictor:
                self.network.set_card(self._card)
                self.network.set_predictor(self._predictor)
            self.network.set_forward_pass(self._pass)  # the layers, computed already
            self.network.set_input(self._x28)
        elif key == "preprocess":
            lesson = self.preprocess.lesson
            if self._shown.get(key) is not self._predictor:
                lesson.set_predictor(self._predictor)
            drawing = self._drawing() if callable(self._drawing) else self._drawing
            lesson.set_drawing(drawing, self._x28)
        self._shown[key] = self._predictor
