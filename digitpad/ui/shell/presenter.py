"""Presenter mode for workshops: full screen, large type, light text on black.

The pad and the probability bars (and a second network's, when comparing) get most
of the screen, beside one thing: the teaching view the teacher has open, or else the
train panel's progress and curves. Shortcut hints, the training settings and log, and
whichever of view or panel is not shown are hidden; a view opened or closed meanwhile
swaps them. Toggling back (the same key, F11) restores the window's geometry, splitter
and every hidden widget as they were, keeping the view the teacher last chose.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtGui import QAction, QBrush, QColor, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import QMainWindow, QWidget

FONT_SCALE = 1.6
BACKGROUND = QColor(12, 12, 14)
PANEL = QColor(32, 33, 38)
TEXT = QColor(250, 250, 250)
SHORTCUT = "F11"


def presenter_palette(base: QPalette) -> QPalette:
    palette = QPalette(base)
    for role, colour in (
        (QPalette.ColorRole.Window, BACKGROUND),
        (QPalette.ColorRole.Base, PANEL),
        (QPalette.ColorRole.AlternateBase, BACKGROUND),
        (QPalette.ColorRole.Button, PANEL),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.ButtonText, TEXT),
        (QPalette.ColorRole.PlaceholderText, QColor(190, 190, 190)),
        (QPalette.ColorRole.Mid, QColor(110, 110, 120)),
        (QPalette.ColorRole.Dark, QColor(200, 200, 200)),
        (QPalette.ColorRole.Highlight, QColor(255, 160, 40)),
        (QPalette.ColorRole.HighlightedText, QColor(0, 0, 0)),
        (QPalette.ColorRole.ToolTipBase, PANEL),
        (QPalette.ColorRole.ToolTipText, TEXT),
        (QPalette.ColorRole.Link, QColor(120, 185, 255)),  # Qt's blue is unreadable on black
        (QPalette.ColorRole.LinkVisited, QColor(190, 160, 255)),
    ):
        palette.setColor(role, colour)
    return palette


_DARK_CHART = {
    "background": QBrush(BACKGROUND),
    "labels": QBrush(TEXT),
    "grid": QColor(80, 80, 90),
    "legend": TEXT,
    "font_scale": FONT_SCALE,
}


def _chart_colours(chart) -> dict:
    axis = chart.axes()[0]
    return {
        "background": chart.backgroundBrush(),
        "labels": axis.labelsBrush(),
        "grid": axis.gridLineColor(),
        "legend": chart.legend().labelColor(),
        # Qt Charts' text does not follow the window's font: scaled here, put back after.
        "fonts": [(axis, axis.labelsFont(), axis.titleFont()) for axis in chart.axes()],
        "legend_font": chart.legend().font(),
    }


def _scaled(font: QFont, factor: float) -> QFont:
    bigger = QFont(font)
    bigger.setPointSizeF(font.pointSizeF() * factor)
    return bigger


def _set_chart_colours(chart, colours: dict, fonts: dict | None = None) -> None:
    """Colours from ``colours``; fonts from ``fonts`` (saved by :func:`_chart_colours`),
    multiplied by ``colours["font_scale"]`` (1 if absent)."""
    chart.setBackgroundBrush(colours["background"])
    for axis in chart.axes():
        axis.setLabelsBrush(colours["labels"])
        axis.setTitleBrush(colours["labels"])
        axis.setGridLineColor(colours["grid"])
    chart.legend().setLabelColor(colours["legend"])
    if fonts is not None:
        factor = colours.get("font_scale", 1.0)
        for axis, labels, title in fonts["fonts"]:
            axis.setLabelsFont(_scaled(labels, factor))
            axis.setTitleFont(_scaled(title, factor))
        chart.legend().setFont(_scaled(fonts["legend_font"], factor))


class PresenterMode(QObject):
    """Owns the toggle action; remembers everything it changes so it can undo it."""

    def __init__(
        self,
        window: QMainWindow,
        *,
        extras: list[QWidget],
        teaching: QWidget,
        panel: QWidget,
        panel_settings: list[QWidget],
    ) -> None:
        """``extras`` always go; with a teaching view open it stays and ``panel`` goes,
        otherwise the view goes and the panel keeps all but ``panel_settings``."""
        super().__init__(window)
        self._window = window
        self._extras, self._teaching = list(extras), teaching
        self._panel, self._panel_settings = panel, list(panel_settings)
        self._saved: dict | None = None
        self.action = QAction(window)
        self.action.setCheckable(True)
        self.action.setShortcut(QKeySequence(SHORTCUT))
        self.action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        self.action.toggled.connect(self.set_active)
        window.addAction(self.action)  # works with the menu bar hidden too
        teaching.aboutToShow.connect(lambda: self._on_teaching_visibility(True))
        teaching.visibilityChanged.connect(self._on_teaching_visibility)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        self.action.setText(self.tr("&Presenter mode"))
        self.action.setToolTip(
            self.tr("Full screen, large type, high contrast ({0})").format(SHORTCUT)
        )

    def is_active(self) -> bool:
        return self._saved is not None

    def toggle(self) -> None:
        self.set_active(not self.is_active())

    def set_active(self, active: bool) -> None:
        if active == self.is_active():
            return
        self._enter() if active else self._leave()
        self.action.blockSignals(True)
        self.action.setChecked(active)
        self.action.blockSignals(False)

    # -- internals -------------------------------------------------------------------
    def _on_teaching_visibility(self, visible: bool) -> None:
        """A view opened or closed while presenting: the view or the panel's progress
        and curves, never both and never neither."""
        if not self.is_active():
            return
        self._panel.setVisible(not visible)
        if not visible:
            for widget in self._panel_settings:
                widget.hide()

    def _hideable(self) -> list[QWidget]:
        if self._teaching.isVisibleTo(self._window):
            # Pad, bars and the one view the teacher chose: the train panel goes.
            return [*self._extras, self._panel]
        # The panel's settings are wide in large type: progress, status and curves stay
        # (Ctrl+T and Ctrl+. still train and stop).
        return [*self._extras, self._teaching, *self._panel_settings]

    def _enter(self) -> None:
        w = self._window
        curves = w.train_panel.curves.chart()
        self._saved = {
            "rect": w.geometry(),
            "state": w.saveState(),
            "window_state": w.windowState(),
            "splitter": w.splitter.sizes(),
            "palette": w.palette(),
            "font": w.font(),
            "font_set": w.testAttribute(Qt.WidgetAttribute.WA_SetFont),
            "palette_set": w.testAttribute(Qt.WidgetAttribute.WA_SetPalette),
            "visible": {widget: widget.isVisibleTo(w) for widget in self._hideable()},
            "chart": _chart_colours(curves),
        }
        for widget in self._hideable():
            widget.hide()
        self._teaching.set_single_view(True)
        w.reading.set_large_type(True)
        w.setPalette(presenter_palette(w.palette()))
        w.setFont(_scaled(w.font(), FONT_SCALE))
        _set_chart_colours(curves, _DARK_CHART, self._saved["chart"])
        w.showFullScreen()
        # The split the window fits on every resize (a square pad, the side column, the
        # rest to the view or the curves), now for the large type; again once the full
        # screen's size has arrived.
        w._fit_splitter()
        QTimer.singleShot(0, w, w._fit_splitter)

    def _leave(self) -> None:
        w, saved = self._window, self._saved
        self._saved = None
        # A view opened or closed while presenting stays so: the teacher's last choice.
        teaching_now = self._teaching.isVisibleTo(w)
        _set_chart_colours(w.train_panel.curves.chart(), saved["chart"], saved["chart"])
        # An empty QFont/QPalette means "inherit from the application" again.
        w.setPalette(saved["palette"] if saved["palette_set"] else QPalette())
        w.setFont(saved["font"] if saved["font_set"] else QFont())
        w.setWindowState(saved["window_state"])
        if saved["window_state"] & Qt.WindowState.WindowMaximized:
            w.showMaximized()
        else:
            w.showNormal()
            # setGeometry, not restoreGeometry: that one also squeezes the window onto
            # the screen it thinks it is on, which is the wrong one right after full screen.
            w.setGeometry(saved["rect"])
            # Leaving full screen finishes asynchronously on some platforms: apply again.
            QTimer.singleShot(0, w, lambda: w.isFullScreen() or w.setGeometry(saved["rect"]))
        w.restoreState(saved["state"])
        w.splitter.setSizes(saved["splitter"])
        for widget, visible in saved["visible"].items():
            widget.setVisible(visible)
        self._teaching.set_single_view(False)
        w.reading.set_large_type(False)
        self._teaching.setVisible(teaching_now)
        self._panel.setVisible(True)  # outside presenter mode the panel always shows
        w.train_panel.set_compact(teaching_now)  # the panel's form beside a view, or not
