"""The drawing pad: white ink on black, like MNIST, painted into an off-screen image.

Strokes are drawn into a ``QImage`` at the screen's device pixel ratio inside the
input handlers and only blitted in ``paintEvent``; the ML layer reads that image
(:meth:`Canvas.image_array`), never a screen grab. The drawing area is the largest
centred square of the widget, so the pad stays square however the window is resized;
for writing a whole number it is a wide rectangle instead (:meth:`Canvas.set_aspect`).
Over the ink the pad can show the digits it found (boxes) and, once the pen is lifted,
what each pixel contributed to the reading (an overlay image laid over the 28x28 field).
"""

from __future__ import annotations

from collections import deque

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from digitpad.ml.preprocess import clip_polylines
from digitpad.ui.i18n import Retranslatable

INK = QColor(255, 255, 255)
PAPER = QColor(0, 0, 0)
BOX = QColor(90, 170, 255)  # a digit found in a number
UNSURE = QColor(255, 170, 40)  # ... split by a guess, or read with low confidence
UNDO_LIMIT = 50
# Looked up once: each Qt enum access costs a Python call, and these run on every move.
LEFT = Qt.MouseButton.LeftButton
SOLID = Qt.PenStyle.SolidLine
DIGIT_KEYS = {getattr(Qt.Key, f"Key_{d}"): d for d in range(10)}
KEYPAD = Qt.KeyboardModifier.KeypadModifier
# Undo keeps a copy of the pad per step: on a huge (maximised 4K, HiDPI) pad that is
# over 100 MB a step, so the history is also bounded by bytes (fewer steps there).
UNDO_BYTES = 256 * 2**20
DEFAULT_SIDE = 336
# The brush is a percentage of the pad's width, so a digit looks the same at any window
# size. ~1/11 of the pad is ~2.5 MNIST pixels once a digit is scaled to its 20 px box,
# the stroke width MNIST itself has; re-drawn test digits read best around there.
MIN_BRUSH, MAX_BRUSH = 2, 25
DEFAULT_BRUSH = 9
ERASER_SCALE = 1.5  # wider than the pen, so one pass also takes the anti-aliased edges


class Canvas(Retranslatable, QWidget):
    """Draw with the mouse, a tablet pen or a finger; undo, redo, erase, clear."""

    drawingChanged = Signal()
    strokeFinished = Signal()  # the pen was lifted
    undoAvailable = Signal(bool)
    redoAvailable = Signal(bool)
    digitKeyPressed = Signal(int)  # a key 0-9 on the pad (e.g. "My digits" labels it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("canvas")
        self.retranslate_ui()
        # Not WA_StaticContents: the pad is centred and re-scaled on every resize, so
        # Qt's "only the newly exposed strip" repaint left stale, larger pad pixels on
        # screen when it shrank (entering presenter mode at 1280x720, a view opening).
        # paintEvent covers every pixel it is asked for: Qt need not paint the parents
        # under the pad first on every move.
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(200, 200)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self._brush = DEFAULT_BRUSH
        self._eraser = False
        self._last: QPointF | None = None
        self._aspect = 1.0  # width / height of the drawing area
        self._image = self._blank(DEFAULT_SIDE)
        self._emptiness: tuple[int, bool] = (-1, True)  # (image's cache key, empty)
        # Each stroke's geometry in fractions of the pad's side: (points, pen width, eraser).
        # The model reads these (re-drawn at MNIST's pen width), not the brush's pixels.
        self._strokes: list[tuple[list[tuple[float, float]], float, bool]] = []
        # Finished strokes as arrays, clipped to the pad: (points, pieces) per stroke.
        self._arrays: list[tuple[list, list[np.ndarray]]] = []
        self._outside = False  # the stroke being drawn has left the pad somewhere
        self._pen_cache: tuple[tuple | None, QPen | None] = (None, None)
        self._boxes: list[tuple[QRectF, str, bool]] = []  # in pad heights: box, label, unsure
        self._overlay: tuple[QImage, QRectF] | None = None  # image over a rect in pad heights
        self._undo: deque[tuple[QImage, tuple]] = deque(maxlen=UNDO_LIMIT)
        self._redo: deque[tuple[QImage, tuple]] = deque(maxlen=UNDO_LIMIT)

    def retranslate_ui(self) -> None:
        self.setAccessibleName(self.tr("Drawing pad"))
        self.setAccessibleDescription(
            self.tr("Draw a digit with the left mouse button, a pen or a finger.")
        )
        self.update()  # the "Draw a digit here" hint is painted

    # -- public API ------------------------------------------------------------------
    def brush_size(self) -> int:
        """Pen width in percent of the pad's width."""
        return self._brush

    def set_brush_size(self, percent: int) -> None:
        self._brush = max(MIN_BRUSH, min(MAX_BRUSH, int(percent)))

    def pen_width(self) -> float:
        """Pen width in (logical) pixels at the pad's current size."""
        return self._pen_width(self._logical_side())

    def _pen_width(self, side: int) -> float:
        width = self._brush * side / 100
        return width * ERASER_SCALE if self._eraser else width

    def set_eraser(self, on: bool) -> None:
        self._eraser = bool(on)

    def aspect(self) -> float:
        return self._aspect

    def set_aspect(self, ratio: float) -> None:
        """Width / height of the pad (1: square, for one digit). Starts a blank pad."""
        ratio = max(1.0, float(ratio))
        if ratio == self._aspect:
            return
        self._aspect = ratio
        self._strokes, self._boxes, self._overlay = [], [], None
        self._undo.clear()
        self._redo.clear()
        self._announce()
        self._image = self._blank(max(1, self.drawing_rect().height()))
        self.updateGeometry()
        self._changed()

    def set_boxes(self, boxes) -> None:
        """Digit boxes to outline: ``(x0, y0, x1, y1, label, unsure)`` in pad heights."""
        fresh = [
            (QRectF(QPointF(x0, y0), QPointF(x1, y1)), str(t), bool(u))
            for x0, y0, x1, y1, t, u in boxes
        ]
        if [(b.getCoords(), t, u) for b, t, u in fresh] != [
            (b.getCoords(), t, u) for b, t, u in self._boxes
        ]:
            self._boxes = fresh
            self.update()

    def has_overlay(self) -> bool:
        return self._overlay is not None

    def set_overlay(
        self, image: QImage | None, rect: tuple[float, float, float] | None = None
    ) -> None:
        """Lay ``image`` (with alpha) over the square ``(x, y, side)`` in pad heights, or
        remove it. Shown while the pen is up: the ink stays visible while drawing."""
        self._overlay = (
            None if image is None or rect is None else (image, QRectF(*rect[:2], rect[2], rect[2]))
        )
        self.update()

    def clear(self) -> None:
        if self.is_empty():
            return
        self._remember()
        self._image.fill(PAPER)
        self._strokes = []
        self._changed()

    def set_strokes(self, lines) -> None:
        """Replace the drawing with ink polylines in fractions of the pad's height (as
        :meth:`strokes` gives them; e.g. a drawing from the class session), painted with
        the current brush. Undo brings back what was there."""
        self._remember()
        self._image.fill(PAPER)
        side = max(1, self._logical_side())
        pen = self._pen_width(side) if not self._eraser else self._brush * side / 100
        self._strokes = []
        painter = self._painter()
        painter.setPen(QPen(INK, pen, SOLID, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        for line in lines:
            points = [(float(x), float(y)) for x, y in np.asarray(line, np.float64).reshape(-1, 2)]
            if not points:
                continue
            self._strokes.append((points, pen / side, False))
            scaled = [QPointF(x * side, y * side) for x, y in points]
            if len(scaled) == 1:
                painter.drawPoint(scaled[0])
            else:
                painter.drawPolyline(scaled)
        painter.end()
        self._changed()

    def undo(self) -> None:
        self._swap(self._undo, self._redo)

    def redo(self) -> None:
        self._swap(self._redo, self._undo)

    def is_drawing(self) -> bool:
        """True while the pen is down (between press and release)."""
        return self._last is not None

    def stroke_points(self) -> int:
        """How many points the stroke being drawn has so far (0 with the pen up)."""
        return len(self._strokes[-1][0]) if self._last is not None and self._strokes else 0

    def is_empty(self) -> bool:
        # Asked by every paint with the pen up (the hint): the pixels are looked at again
        # only when they changed (a QImage's cache key changes with every change to it).
        key = self._image.cacheKey()
        if self._emptiness[0] != key:
            self._emptiness = (key, not self.image_array().any())
        return self._emptiness[1]

    def strokes(self) -> tuple[list[np.ndarray], list[tuple[np.ndarray, float]]]:
        """(ink polylines, eraser (polyline, width) pairs) in fractions of the pad's
        height (x runs to :meth:`aspect` on a wide pad).

        What :func:`digitpad.ml.preprocess.strokes_to_mnist` takes; brush and pad size
        are left behind on purpose.
        """
        ink, erase = [], []
        finished, cache = len(self._strokes) - 1, self._arrays
        if len(cache) > max(finished, 0) or any(
            kept is not stroke[0] for (kept, _), stroke in zip(cache, self._strokes, strict=False)
        ):
            cache.clear()  # the strokes were replaced (clear, undo, redo) since
        high = (self._aspect, 1.0)
        for index, (points, width, eraser) in enumerate(self._strokes):
            # Only the last stroke grows; the others are converted and clipped once.
            if index < len(cache):
                pieces = cache[index][1]
            else:
                line = np.array(points, np.float32).reshape(-1, 2)
                # The eraser's strokes are not clipped (they only take ink away), nor one
                # being drawn that has stayed on the pad so far.
                drawing = index == finished and self._last is not None and not self._outside
                pieces = [line] if eraser or drawing else clip_polylines([line], high=high)
                if index < finished:
                    cache.append((points, pieces))
            if eraser:
                erase.extend((piece, width) for piece in pieces)
            else:
                ink.extend(pieces)
        return ink, erase

    def image_array(self) -> np.ndarray:
        """The drawing as H x W uint8, white ink on black (what ``to_mnist`` expects)."""
        # Ink is pure grey (white pen, black eraser), so one channel of the RGB32 pixels
        # is the grey value: no whole-image conversion on every mouse move.
        image = self._image
        height, width, stride = image.height(), image.width(), image.bytesPerLine()
        buffer = np.frombuffer(image.constBits(), np.uint8, count=height * stride)
        return buffer.reshape(height, stride // 4, 4)[:, :width, 0].copy()

    # -- geometry --------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(round(DEFAULT_SIDE * self._aspect), DEFAULT_SIDE)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return round(width / self._aspect)

    def drawing_rect(self) -> QRect:
        height = min(self.height(), int(self.width() / self._aspect))
        width = round(height * self._aspect)
        return QRect((self.width() - width) // 2, (self.height() - height) // 2, width, height)

    def resizeEvent(self, event) -> None:
        side = self.drawing_rect().height()
        if side > 0 and side != self._logical_side():
            self._image = self._rescaled(self._image, side)
        super().resizeEvent(event)

    # -- painting --------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        # A pen move repaints a small box: blit only that part of the off-screen image.
        painter = QPainter(self)
        dirty = event.rect()
        area = self.drawing_rect()
        if not area.contains(dirty):
            painter.fillRect(dirty, self.palette().window())
        visible = dirty.intersected(area)
        if not visible.isEmpty():
            dpr = self._image.devicePixelRatio()
            source = QRectF(visible.translated(-area.topLeft()))
            source = QRectF(source.topLeft() * dpr, source.size() * dpr)
            painter.drawImage(QRectF(visible), self._image, source)
        frame = area.adjusted(0, 0, -1, -1)
        if not frame.adjusted(1, 1, -1, -1).contains(dirty):  # a stroke's box seldom is
            painter.setPen(QPen(self.palette().mid().color(), 1))
            painter.drawRect(frame)
        if (self._boxes or self._overlay is not None) and not visible.isEmpty():
            self._paint_marks(painter, area)
        # Strokes are kept for every ink on the pad, so without any the pad is blank.
        if self._last is None and not visible.isEmpty() and (not self._strokes or self.is_empty()):
            painter.setPen(QColor(150, 150, 150))
            font = painter.font()
            font.setPointSizeF(font.pointSizeF() * 1.4)
            painter.setFont(font)
            hint = (
                self.tr("Write a number here") if self._aspect > 1 else self.tr("Draw a digit here")
            )
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, hint)
        painter.end()

    def _paint_marks(self, painter: QPainter, area: QRect) -> None:
        """Digit boxes, and the overlay once the pen is up (scaled from pad heights)."""
        side = area.height()
        painter.save()
        painter.setClipRect(area)
        painter.translate(QPointF(area.topLeft()))
        painter.scale(side, side)
        if self._overlay is not None and self._last is None:
            image, rect = self._overlay
            painter.drawImage(rect, image)  # no smoothing: the 28x28 cells stay square
        for box, label, unsure in self._boxes:
            colour = UNSURE if unsure else BOX
            painter.setPen(
                QPen(colour, 2 / side, Qt.PenStyle.DashLine if unsure else Qt.PenStyle.SolidLine)
            )
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(box)
            if label:
                font = painter.font()
                font.setPixelSize(max(10, round(side * 0.09)))
                painter.save()
                painter.resetTransform()
                painter.setFont(font)
                top_left = QPointF(area.topLeft()) + box.topLeft() * side
                above = max(float(area.top()) + font.pixelSize(), top_left.y() - 4)
                painter.drawText(QPointF(top_left.x(), above), label)  # over the box
                painter.restore()
        painter.restore()

    # -- input: mouse, tablet, touch ---------------------------------------------------
    # A finger comes as the mouse: the pad does not take touch events, so Qt turns the
    # first touch point into mouse presses, moves and releases (its default). Handling
    # touch itself meant a Python event() that every event of the pad went through, two
    # on each pen move (the move and its paint), for what Qt does anyway.
    def mousePressEvent(self, event) -> None:
        if event.button() == LEFT:
            self._begin(event.position())
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event) -> None:
        # A stroke is under way from a left press to its release, and the pad gets moves
        # only with a button held (it does not track the mouse): no need to ask which,
        # which costs a Python enum operation or three on every move.
        if self._last is not None:
            self._extend(event.position())
            event.accept()
        else:
            super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == LEFT and self._last is not None:
            self._extend(event.position())
            self._end()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def tabletEvent(self, event) -> None:
        kind = event.type()
        width_scale = 0.5 + max(0.0, min(1.0, event.pressure()))  # light 0.5x .. firm 1.5x
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position(), width_scale)
        elif kind == QEvent.Type.TabletMove and self._last is not None:
            self._extend(event.position(), width_scale)
        elif kind == QEvent.Type.TabletRelease and self._last is not None:
            self._end()
        event.accept()

    def keyPressEvent(self, event) -> None:
        digit = DIGIT_KEYS.get(event.key())
        if digit is not None and not event.modifiers() & ~KEYPAD:
            self.digitKeyPressed.emit(digit)
            event.accept()
        else:
            super().keyPressEvent(event)

    # -- strokes ---------------------------------------------------------------------
    def _begin(self, position: QPointF, width_scale: float = 1.0) -> None:
        self._remember()
        point = self._to_image(position)
        self._last = point
        radius = self.pen_width() * width_scale / 2
        side = max(1, self._logical_side())
        width = self.pen_width() * width_scale / side
        x, y = point.x() / side, point.y() / side
        self._outside = not (0.0 <= x <= self._aspect and 0.0 <= y <= 1.0)
        self._strokes.append(([(x, y)], width, self._eraser))
        painter = self._painter()
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PAPER if self._eraser else INK)
        painter.drawEllipse(point, radius, radius)
        painter.end()
        if self._overlay is not None:  # hidden while the pen is down: repaint all of it
            self.update(self.drawing_rect())
        self._dirty(point, point, radius)

    def _extend(self, position: QPointF, width_scale: float = 1.0) -> None:
        # Every pen move: the pad's place and size are looked up once here.
        origin = QPointF(self.drawing_rect().topLeft())
        point = position - origin
        last = self._last
        if last is None or point == last:
            return
        side = self._logical_side()
        width = self._pen_width(side) * width_scale
        painter = self._painter()
        painter.setPen(self._pen(width))
        painter.drawLine(last, point)  # interpolate between input events
        painter.end()
        if self._strokes:
            side = max(1, side)
            x, y = point.x() / side, point.y() / side
            if not (0.0 <= x <= self._aspect and 0.0 <= y <= 1.0):
                self._outside = True  # strokes() clips this one
            self._strokes[-1][0].append((x, y))
        self._dirty(last, point, width / 2, origin)
        self._last = point

    def _end(self) -> None:
        self._last = None
        self.update()  # the overlay, if any, comes back
        self.strokeFinished.emit()

    def _pen(self, width: float) -> QPen:
        """The round pen for ``width`` (made once per width and ink, not on every move)."""
        key = (width, self._eraser)
        if self._pen_cache[0] != key:
            colour = PAPER if self._eraser else INK
            pen = QPen(colour, width, SOLID, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
            self._pen_cache = (key, pen)
        return self._pen_cache[1]

    def _painter(self) -> QPainter:
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        return painter

    def _to_image(self, position: QPointF) -> QPointF:
        return position - QPointF(self.drawing_rect().topLeft())

    def _dirty(self, a: QPointF, b: QPointF, radius: float, origin: QPointF | None = None) -> None:
        box = QRectF(a, b).normalized().adjusted(-radius - 2, -radius - 2, radius + 2, radius + 2)
        if origin is None:
            origin = QPointF(self.drawing_rect().topLeft())
        self.update(box.translated(origin).toAlignedRect())
        self.drawingChanged.emit()

    # -- undo / redo -----------------------------------------------------------------
    def _remember(self) -> None:
        self._undo.append(self._snapshot())
        self._redo.clear()
        _trim(self._undo)
        self._announce()

    def _snapshot(self) -> tuple[QImage, tuple]:
        return self._image.copy(), tuple((list(p), w, e) for p, w, e in self._strokes)

    def _swap(self, source: deque, target: deque) -> None:
        if not source:
            return
        target.append(self._snapshot())
        _trim(target)
        restored, strokes = source.pop()
        self._strokes = [(list(p), w, e) for p, w, e in strokes]
        side = self._logical_side()
        if self._side_of(restored) != side:  # the window was resized since
            restored = self._rescaled(restored, side)
        self._image = restored
        self._announce()
        self._changed()

    def _announce(self) -> None:
        self.undoAvailable.emit(bool(self._undo))
        self.redoAvailable.emit(bool(self._redo))

    def _changed(self) -> None:
        self.update()
        self.drawingChanged.emit()

    # -- images ----------------------------------------------------------------------
    def _dpr(self) -> float:
        return max(1.0, self.devicePixelRatioF())

    def _logical_side(self) -> int:
        return self._side_of(self._image)

    @staticmethod
    def _side_of(image: QImage) -> int:
        """The pad's height in logical pixels (its side when square)."""
        return round(image.height() / image.devicePixelRatio())

    def _blank(self, side: int) -> QImage:
        dpr = self._dpr()
        pixels = max(1, round(side * dpr))
        image = QImage(max(1, round(side * self._aspect * dpr)), pixels, QImage.Format.Format_RGB32)
        image.setDevicePixelRatio(dpr)
        image.fill(PAPER)
        return image

    def _rescaled(self, image: QImage, side: int) -> QImage:
        fresh = self._blank(side)
        painter = QPainter(fresh)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(QRectF(0, 0, side * self._aspect, side), image)
        painter.end()
        return fresh


def _trim(history: deque) -> None:
    """Drop the oldest steps while the history holds more than ``UNDO_BYTES`` of images
    (the newest step is always kept)."""
    total = sum(image.sizeInBytes() for image, _strokes in history)
    while len(history) > 1 and total > UNDO_BYTES:
        image, _strokes = history.popleft()
        total -= image.sizeInBytes()
