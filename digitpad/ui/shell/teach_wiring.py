"""The window's teaching extras, wired in one place: the Teach dock and menu, presenter
mode, Export, and the bundled-model choices of the Model menu.

:class:`~digitpad.ui.shell.main_window.MainWindow` creates one :class:`TeachWiring` and calls
``build_menus``, ``connect``, ``model_changed``, ``retranslate_ui`` and ``shutdown``
from its own methods of the same purpose, so the window module stays small.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMessageBox

from digitpad.ml import model as ml_model
from digitpad.ml.errors import ModelError
from digitpad.ml.model_card import fine_tune_card
from digitpad.ml.predictor import Predictor
from digitpad.ui import jobs, messages
from digitpad.ui.shell.class_session import LOCAL_DEMO, ClassSession, lan_addresses
from digitpad.ui.shell.export import Exporter
from digitpad.ui.shell.presenter import PresenterMode
from digitpad.ui.teach.dock import TeachingDock

log = logging.getLogger(__name__)


class TeachWiring(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = w = window
        self.dock = TeachingDock(w.canvas, w.train_panel.data_path, w)
        self.dock.hide()
        w.right_column.insertWidget(0, self.dock, 1)  # above the train panel, same column
        # The panel shrinks to its progress line before a view shows, and grows back
        # after the views are hidden: the column never holds both at full height.
        self.dock.aboutToShow.connect(lambda: w.train_panel.set_compact(True))
        self.dock.visibilityChanged.connect(w.train_panel.set_compact)
        panel = w.train_panel
        self.presenter = PresenterMode(
            w,
            extras=[w.hints_label, *w.presenter_hidden],
            teaching=self.dock,
            panel=panel,
            panel_settings=panel.settings_widgets(),
        )
        self.exporter = Exporter(w)
        self.class_session = ClassSession(w)
        self.bundled_actions: dict[str, QAction] = {}
        for preset in ml_model.BUNDLED_VARIANTS:
            if ml_model.bundled_variant_path(preset) is None:
                continue  # e.g. a build without the augmented model
            action = QAction(w)
            action.triggered.connect(lambda _=False, p=preset: self.load_bundled(p))
            self.bundled_actions[preset] = action
        for action in self.dock.view_actions.values():
            w.addAction(action)  # shortcuts keep working with the menu bar hidden

    def build_menus(self) -> None:
        w = self.window
        model_menu = w.model_menu
        actions = model_menu.actions()
        after_reset = actions[actions.index(w.reset_action) + 1 :]
        before = after_reset[0] if after_reset else w.quit_action
        model_menu.insertActions(before, list(self.bundled_actions.values()))
        model_menu.insertActions(
            w.quit_action, [self.exporter.drawing_action, self.exporter.training_action]
        )
        model_menu.insertSeparator(w.quit_action)
        menu = self.teach_menu = w.menuBar().addMenu("")
        menu.setObjectName("teachMenu")
        menu.addActions(list(self.dock.view_actions.values()))
        menu.addSeparator()
        w.comparison.build_menu(menu)
        menu.addAction(w.reading.explain_action)
        menu.addAction(self.dock.toggleViewAction())
        menu.addAction(self.presenter.action)

    def connect(self) -> None:
        w = self.window
        self.dock.statusMessage.connect(lambda text: w.statusBar().showMessage(text, 8000))
        self.dock.fineTuned.connect(self.adopt_fine_tuned)
        self.dock.explainRequested.connect(lambda: w.reading.explain_action.setChecked(True))
        w.train_panel.runningChanged.connect(self._on_training_running)
        w.train_panel.runningChanged.connect(self.dock.set_training_running)
        w.train_panel.set_blocker(self.dock.is_fine_tuning)
        self.dock.wallBuilt.connect(self._wire_wall)
        self.class_session.runningChanged.connect(lambda _running: self._show_room())
        self.class_session.roomEvent.connect(self._on_room_event)

    def retranslate_ui(self) -> None:
        titles = {
            "tutorial": self.tr("Load bundled: Tutorial"),
            "dense-augmented": self.tr("Load bundled: Tutorial + augmentation"),
            "robust": self.tr("Load bundled: Robust (small CNN)"),
        }
        for preset, action in self.bundled_actions.items():
            action.setText(titles.get(preset, preset))
        self.teach_menu.setTitle(self.tr("T&each"))
        self.presenter.retranslate_ui()
        self.exporter.retranslate_ui()

    def model_changed(self) -> None:
        models = self.window.models
        self.dock.set_predictor(models.predictor, models.card)
        self.dock.set_model_source(models.keras_source())
        self.class_session.set_predictor(models.predictor)
        if self.dock.is_built("class"):
            self.dock.wall.set_model_accuracy(models.test_acc)

    def shutdown(self) -> None:
        self.presenter.set_active(False)
        self.class_session.stop()  # every phone's connection and the port closed
        jobs.shutdown(self.dock)

    # -- the class session -----------------------------------------------------------
    def _wire_wall(self, wall) -> None:
        w = self.window
        wall.startRequested.connect(self.start_class_session)
        wall.stopRequested.connect(self.class_session.stop)
        wall.drawingChosen.connect(self.put_on_pad)
        wall.statusMessage.connect(lambda text: w.statusBar().showMessage(text, 8000))
        card = wall.join_card
        card.interfaceChosen.connect(self._choose_interface)
        card.localDemoRequested.connect(lambda: self.start_class_session(LOCAL_DEMO))
        wall.set_model_accuracy(w.models.test_acc)
        self._show_room(wall)

    def start_class_session(self, host: str | None = None) -> None:
        """Start serving (the wall's Start); a port that cannot be opened: one line."""
        try:
            self.class_session.start(host)
        except OSError as exc:
            text = self.tr("The class session could not start: {0}").format(exc.strerror or exc)
            self.window.statusBar().showMessage(text, 15000)
            if self.dock.is_built("class"):
                self.dock.wall.join_card.set_address(None, None, text)

    def _choose_interface(self, address: str) -> None:
        session = self.class_session
        if session.is_running() and session.host != address:
            session.stop()
            self.start_class_session(address)

    def _room_digits(self):
        """The room's shown, labelled digits as a test set, or ``None`` (none yet)."""
        from digitpad.classroom.data import RoomDigits

        digits = RoomDigits(self.class_session.drawings())
        return (digits.images, digits.labels) if len(digits) else None

    def _show_room(self, wall=None) -> None:
        self.dock.set_room_source(self._room_digits if self.class_session.room else None)
        if wall is None:
            if not self.dock.is_built("class"):
                return
            wall = self.dock.wall
        session = self.class_session
        note = ""
        if session.is_running() and session.note == "no-network":
            note = self.tr("No network found: only this computer can join (a local demo).")
        wall.set_room(session.room, session.url if session.is_running() else None, note)
        wall.join_card.set_interfaces(lan_addresses(), session.host or "")

    def _on_room_event(self, kind: str, payload) -> None:
        if self.dock.is_built("class"):
            self.dock.wall.room_event(kind, payload)

    def put_on_pad(self, number: int) -> None:
        """A room drawing onto the pad (digit mode), read as if drawn there."""
        drawings = self.class_session.drawings()
        if not 0 <= number < len(drawings):
            return
        w = self.window
        if w.reading_mode() != "digit":
            w.set_reading_mode("digit")
        w.canvas.set_strokes(drawings[number]["strokes"])
        w.refresh_prediction()

    # -- slots -----------------------------------------------------------------------
    def load_bundled(self, preset: str) -> None:
        try:
            self.window.models.load_bundled(preset)
        except ModelError as exc:
            title = self.tr("Cannot open model")
            QMessageBox.warning(self.window, title, messages.error_text(exc))

    def adopt_fine_tuned(self, result, keras_model) -> None:
        """The fine-tuned network becomes the current model (Restore brings back the old)."""
        predictor = Predictor.from_keras(keras_model, "fine-tuned")
        card = fine_tune_card(result, keras_model)
        label = QT_TRANSLATE_NOOP("ModelController", "fine-tuned on your digits")
        self.window.models.adopt_trained(keras_model, predictor, card, label)
        if result.before is not None:
            text = self.tr("Fine-tuned: your held-back drawings {0:.0%} before, {1:.0%} after.")
            self.window.statusBar().showMessage(text.format(result.before, result.after), 15000)

    def _on_training_running(self, running: bool) -> None:
        for action in self.bundled_actions.values():
            action.setEnabled(not running)
