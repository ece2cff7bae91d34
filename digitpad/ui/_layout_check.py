"""Find user-visible text that does not fit its widget (used by tests and screenshots).

Korean labels are often wider than the English ones they replace; Qt then elides or
clips them silently. This walks a window and compares each text's width
(``fontMetrics().horizontalAdvance``) or the widget's ``sizeHint`` with the room it got.
"""

from __future__ import annotations

from PySide6 import QtGui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractScrollArea,
    QAbstractSpinBox,
    QComboBox,
    QGroupBox,
    QLabel,
    QMainWindow,
    QProgressBar,
    QPushButton,
    QTabBar,
    QToolButton,
    QWidget,
)

SLACK = 1  # pixels of rounding
BUTTON_PADDING = 6  # the least room a push or tool button's frame leaves each side


def _name(widget: QWidget) -> str:
    return f"{type(widget).__name__}({widget.objectName() or '-'})"


def clipped_texts(root: QWidget) -> list[str]:
    """Descriptions of every visible text under ``root`` that is cut off or elided."""
    problems: list[str] = []
    widgets = [root, *root.findChildren(QWidget)]
    for widget in widgets:
        if not widget.isVisibleTo(root) or widget.width() <= 0:
            continue
        problems += _check(widget)
    if isinstance(root, QMainWindow) and root.menuBar().isVisibleTo(root):
        bar = root.menuBar()
        needed = sum(bar.actionGeometry(a).width() for a in bar.actions() if a.isVisible())
        if needed > bar.width() + SLACK:
            problems.append(f"menu bar needs {needed}px, has {bar.width()}px")
    return problems


def _check(widget: QWidget) -> list[str]:
    return _squeezed(widget) + _too_narrow(widget)


def _squeezed(widget: QWidget) -> list[str]:
    """A button, spin box or choice given less height than its text needs (a crowded
    column cuts the top and bottom of its letters)."""
    if not isinstance(widget, QAbstractButton | QComboBox | QAbstractSpinBox):
        return []
    text = widget.currentText() if isinstance(widget, QComboBox) else widget.text()
    if isinstance(widget.parentWidget(), QTabBar) or not text:
        return []
    needed = widget.minimumSizeHint().height()
    if needed > widget.height() + SLACK:
        return [f"{_name(widget)}: needs {needed}px high, has {widget.height()}px"]
    return []


def _too_narrow(widget: QWidget) -> list[str]:
    metrics = widget.fontMetrics()
    if isinstance(widget.parentWidget(), QTabBar):
        return []  # the tab bar's own scroll arrows: reported by the QTabBar check
    if isinstance(widget, QPushButton | QToolButton) and widget.text() and widget.icon().isNull():
        # sizeHint has the style's 80 px minimum; what matters is the text itself.
        text = widget.text()
        if isinstance(widget, QToolButton) and widget.defaultAction() is not None:
            text = widget.defaultAction().iconText()
        plain = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
        needed = metrics.horizontalAdvance(plain) + 2 * BUTTON_PADDING
        if needed > widget.width() + SLACK:
            return [f"{_name(widget)} {text!r}: needs {needed}px, has {widget.width()}px"]
        return []
    if isinstance(widget, QAbstractButton | QAbstractSpinBox | QComboBox):
        text = widget.text() if isinstance(widget, QAbstractButton) else ""
        hint = widget.sizeHint()
        if hint.width() > widget.width() + SLACK:
            return [f"{_name(widget)} {text!r}: needs {hint.width()}px, has {widget.width()}px"]
        return []
    if isinstance(widget, QLabel):
        text = widget.text()
        if not text or (widget.pixmap() is not None and not widget.pixmap().isNull()):
            return []
        room = widget.contentsRect()
        if widget.wordWrap():
            needed = widget.heightForWidth(room.width())
            if needed > room.height() + SLACK:
                return [f"{_name(widget)} {text!r}: needs {needed}px high, has {room.height()}px"]
            return []
        rich = widget.textFormat() == Qt.TextFormat.RichText or (
            widget.textFormat() == Qt.TextFormat.AutoText and QtGui.Qt.mightBeRichText(text)
        )
        if rich:  # markup is not what is drawn: trust the label's own size hint
            needed, have = widget.sizeHint().width(), widget.width()
        else:
            needed = max(metrics.horizontalAdvance(line) for line in text.splitlines() or [text])
            have = room.width()
        if needed > have + SLACK:
            return [f"{_name(widget)} {text!r}: needs {needed}px, has {have}px"]
        return []
    if isinstance(widget, QGroupBox):
        needed = metrics.horizontalAdvance(widget.title()) + 16
        if widget.title() and needed > widget.width():
            return [f"{_name(widget)} {widget.title()!r}: needs {needed}px, has {widget.width()}px"]
        return []
    if isinstance(widget, QProgressBar) and widget.isTextVisible():
        needed = metrics.horizontalAdvance(widget.text())
        if needed > widget.width() - 8:
            return [f"{_name(widget)} {widget.text()!r}: needs {needed}px, has {widget.width()}px"]
        return []
    if isinstance(widget, QAbstractScrollArea) and not isinstance(widget, QAbstractSpinBox):
        bar = widget.horizontalScrollBar()
        if bar.isVisibleTo(widget) and bar.maximum() > 0:
            return [f"{_name(widget)} scrolls sideways: {bar.maximum()}px do not fit"]
        return []
    if isinstance(widget, QTabBar):
        problems = []
        arrows = [b for b in widget.findChildren(QToolButton) if b.isVisibleTo(widget)]
        if arrows:
            names = [widget.tabText(i) for i in range(widget.count())]
            problems.append(f"tab bar {names!r} scrolls: not every tab is visible")
        for index in range(widget.count()):
            if not widget.isTabVisible(index):
                continue  # hidden on purpose (presenter mode shows the chosen view's only)
            text = widget.tabText(index)
            needed = metrics.horizontalAdvance(text.replace("&", ""))
            if needed > widget.tabRect(index).width() - 8:
                problems.append(
                    f"tab {text!r}: needs {needed}px, has {widget.tabRect(index).width()}px"
                )
        return problems
    return []
