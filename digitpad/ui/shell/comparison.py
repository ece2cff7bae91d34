"""A second network reading the same drawing, live, beside the main one.

The teacher's "why augmentation and convolutions matter": draw once, watch the
tutorial's network and the robust one disagree. The second network reads the very
28x28 input the first one gets (one preparation, two forward passes), so the only
difference on screen is the network. Bundled networks only: their names are stable
and a script can ask for them (``window.set_comparison("robust")``).
"""

from __future__ import annotations

import logging

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QVBoxLayout, QWidget

from digitpad.ml import model as ml_model
from digitpad.ml.errors import ModelError
from digitpad.ml.predictor import Predictor
from digitpad.ui.widgets.probability_chart import ProbabilityChart

log = logging.getLogger(__name__)

SHORTCUT = "Ctrl+K"
# Untranslated titles of the bundled networks (translated where shown).
TITLES = {
    "tutorial": QT_TRANSLATE_NOOP("Networks", "Tutorial"),
    "dense-augmented": QT_TRANSLATE_NOOP("Networks", "Tutorial + augmentation"),
    "robust": QT_TRANSLATE_NOOP("Networks", "Robust (small CNN)"),
}


def network_title(key: str) -> str:
    return QCoreApplication.translate("Networks", TITLES.get(key, key))


class ComparisonView(QWidget):
    """A caption naming the second network over its own bar chart."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("comparisonView")
        self.title = QLabel()
        self.title.setObjectName("comparisonTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.chart = ProbabilityChart()
        self.chart.setObjectName("comparisonChart")
        self.chart.setMinimumWidth(300)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.title)
        layout.addWidget(self.chart, 1)


class Comparison(QObject):
    """Owns the second network, its view and the Teach menu's "Compare with" choices."""

    changed = Signal(object)  # the key now compared, or None

    def __init__(self, window) -> None:
        super().__init__(window)
        self._window = window
        self._key: str | None = None
        self._last = "robust"  # what the switch turns on
        self._predictor: Predictor | None = None
        self._cache: dict[str, Predictor] = {}
        self.view = ComparisonView()
        self.view.hide()
        self.main_title = QLabel()  # names the main network while comparing
        self.main_title.setObjectName("mainNetworkTitle")
        self.main_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.main_title.setFont(self.view.title.font())
        self.main_title.hide()
        self.toggle_action = QAction(window)
        self.toggle_action.setCheckable(True)
        self.toggle_action.setShortcut(QKeySequence(SHORTCUT))
        self.toggle_action.toggled.connect(self._on_toggle)
        window.addAction(self.toggle_action)  # works in presenter mode (no menu bar)
        self.group = QActionGroup(self)
        self.choice_actions: dict[str, QAction] = {}
        available = [k for k in ml_model.BUNDLED_VARIANTS if ml_model.bundled_variant_path(k)]
        if available and self._last not in available:
            self._last = available[-1]
        for key in available:
            action = QAction(window)
            action.setCheckable(True)
            action.triggered.connect(lambda _=False, k=key: self.set_network(k))
            self.group.addAction(action)
            self.choice_actions[key] = action
        self.menu: QMenu | None = None
        self.retranslate_ui()

    def build_menu(self, parent: QMenu) -> QMenu:
        self.menu = parent.addMenu("")
        self.menu.addAction(self.toggle_action)
        self.menu.addSeparator()
        self.menu.addActions(list(self.choice_actions.values()))
        self.retranslate_ui()
        return self.menu

    def retranslate_ui(self) -> None:
        self.toggle_action.setText(self.tr("Compare &side by side"))
        self.toggle_action.setToolTip(
            self.tr("A second network reads the same drawing ({0})").format(SHORTCUT)
        )
        for key, action in self.choice_actions.items():
            action.setText(network_title(key))
        if self.menu is not None:
            self.menu.setTitle(self.tr("Compare &with"))
        self._update_titles()

    # -- state -----------------------------------------------------------------------
    def key(self) -> str | None:
        return self._key

    def probabilities(self) -> np.ndarray | None:
        return self.view.chart.probabilities() if self._key else None

    def set_network(self, key: str | None) -> None:
        """Compare with bundled network ``key``; ``None`` hides the second network.

        Raises ``ValueError`` for an unknown name and ``ModelError`` when this
        installation lacks that model; the comparison shown before stays.
        """
        if key is not None:
            self._predictor = self._load(key)
            self._last = key
        else:
            self._predictor = None
        self._key = key
        for name, action in self.choice_actions.items():
            action.setChecked(name == key)
        self.toggle_action.blockSignals(True)
        self.toggle_action.setChecked(key is not None)
        self.toggle_action.blockSignals(False)
        self.view.setVisible(key is not None)
        self.main_title.setVisible(key is not None)
        self._update_titles()
        self.changed.emit(key)

    def read(self, image: np.ndarray | None) -> None:
        """The prepared 28x28 input the main network just read (``None`` or blank: empty)."""
        if self._predictor is None:
            return
        if image is None or not np.asarray(image).any():
            self.view.chart.set_probabilities(None)
        else:
            self.view.chart.set_probabilities(self._predictor.predict(image))

    def main_label_changed(self, text: str) -> None:
        self._main_label = text
        self._update_titles()

    # -- internals -------------------------------------------------------------------
    def _load(self, key: str) -> Predictor:
        if key not in ml_model.BUNDLED_VARIANTS:
            choices = ", ".join(ml_model.BUNDLED_VARIANTS)
            raise ValueError(f"unknown network {key!r}; choose from {choices}")
        if key not in self._cache:
            path = ml_model.bundled_variant_path(key)
            if path is None:
                raise ModelError(f"this installation has no bundled {key} model")
            self._cache[key] = Predictor.from_file(path)
        return self._cache[key]

    def _on_toggle(self, on: bool) -> None:
        if not on:
            self.set_network(None)
            return
        try:
            self.set_network(self._last)
        except (ValueError, ModelError) as exc:
            log.warning("cannot compare: %s", exc)
            self.set_network(None)
            self._window.statusBar().showMessage(str(exc), 8000)

    def _update_titles(self) -> None:
        if self._key is not None:
            self.view.title.setText(network_title(self._key))
        self.main_title.setText(getattr(self, "_main_label", ""))
