"""Texts that change with every drawing, set without re-laying out the whole view."""

from __future__ import annotations

import re

from PySide6.QtWidgets import QHBoxLayout, QLabel, QVBoxLayout


class Holding:
    """A layout that can ignore one text change whose label still fits its room.

    A QLabel re-lays out its whole window on every ``setText``; here, with the rich-text
    ideas inside a scroll area, that cost ~4 ms per drawing change, which is most of a
    frame. :func:`set_text` holds it only when the new text needs no more room.
    """

    holding = False

    def invalidate(self) -> None:
        if not self.holding:
            super().invalidate()


class TextStableLayout(Holding, QVBoxLayout):
    pass


class TextStableRow(Holding, QHBoxLayout):
    pass


def set_text(layout: Holding, label: QLabel, text: str, may_be_taller: bool = False) -> None:
    """Set ``label``'s ``text``; re-lay out ``layout`` (the label's window's) only if the
    label needs a different height (or, when ``may_be_taller``, more than it has)."""
    if label.text() == text:
        return
    height = label.height()
    hold = label.isVisible() and height > 0
    layout.holding = hold
    try:
        label.setText(text)
    finally:
        layout.holding = False
    if hold:
        needed = height_for_width(label, text)
        if needed > height or (needed != height and not may_be_taller):
            layout.invalidate()


_DIGIT = re.compile(r"\d")


def height_for_width(label: QLabel, text: str) -> int:
    """``label.heightForWidth(label.width())`` for its ``text``, remembered by the text's
    shape: the numbers change on every drawing, their digits do not change the lines
    (the UI's fonts give every digit one width). Laying out the rich text to ask was
    ~0.5 ms a label, a third of the view's refresh."""
    cache = getattr(label, "_digitpad_heights", None)
    if cache is None or len(cache) > 64:
        cache = {}
        label._digitpad_heights = cache
    key = (label.width(), label.font().key(), _DIGIT.sub("0", text))
    if key not in cache:
        cache[key] = label.heightForWidth(label.width())
    return cache[key]


def number_text(value: float, signed: bool = False) -> str:
    """0.98 / −1.37 (+0.22 when ``signed``): a real minus sign, as the other formulas
    here write it."""
    return f"{value:{'+' if signed else ''}.2f}".replace("-", "−")
