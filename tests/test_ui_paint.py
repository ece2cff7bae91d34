"""Painting follows the pen cheaply: a move repaints only what changed, from cached images.

Paint events are counted with an application event filter while real mouse events are
sent to the pad, and the cached images are checked pixel by pixel against the numpy
input they show.
"""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QMouseEvent
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from digitpad.ml.model import bundled_model_path
from digitpad.ml.predictor import Predictor
from digitpad.ui.teach.network_view import OUTLINE, NetworkView
from digitpad.ui.widgets.model_input_view import ModelInputView
from digitpad.ui.widgets.probability_chart import BAR, HIGHLIGHT, ProbabilityChart

LEFT, NO_BUTTON = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton


class PaintLog(QObject):
    """Every paint event in the application: (widget, rectangle to repaint); and every
    widget asked to re-lay out its children."""

    def __init__(self) -> None:
        super().__init__()
        self.paints: list[tuple[QWidget, QRect]] = []
        self.layouts: list[QWidget] = []
        QApplication.instance().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QWidget):
            if event.type() == QEvent.Type.Paint:
                self.paints.append((watched, event.rect()))
            elif event.type() == QEvent.Type.LayoutRequest:
                self.layouts.append(watched)
        return False

    def widgets(self) -> set[QWidget]:
        return {widget for widget, _ in self.paints}

    def count(self, widget: QWidget) -> int:
        return sum(1 for painted, _ in self.paints if painted is widget)

    def close(self) -> None:
        QApplication.instance().removeEventFilter(self)


@pytest.fixture
def paint_log():
    log = PaintLog()
    yield log
    log.close()


def settle(qtbot) -> None:
    """Let every pending paint and the teaching views' one-frame timer run."""
    qtbot.wait(60)
    QApplication.processEvents()


def send(widget: QWidget, kind: QEvent.Type, x: float, y: float) -> None:
    """A left-button press, drag move or release, as a mouse delivers it."""
    button = NO_BUTTON if kind == QEvent.Type.MouseMove else LEFT
    buttons = NO_BUTTON if kind == QEvent.Type.MouseButtonRelease else LEFT
    pos = QPointF(x, y)
    global_pos = QPointF(widget.mapToGlobal(pos.toPoint()))
    event = QMouseEvent(kind, pos, global_pos, button, buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(widget, event)


def ancestors(widget: QWidget) -> set[QWidget]:
    found = set()
    while widget is not None:
        found.add(widget)
        widget = widget.parentWidget()
    return found


def test_a_pen_move_repaints_only_the_pad_and_what_reads_it(window, qtbot, paint_log):
    canvas = window.canvas
    canvas.setFocus()
    area = canvas.drawing_rect()
    x, y = area.left() + area.width() * 0.3, area.top() + area.height() * 0.3
    send(canvas, QEvent.Type.MouseButtonPress, x, y)
    for step in range(1, 6):  # a stroke under way, so the chart shows a reading
        send(canvas, QEvent.Type.MouseMove, x + 6 * step, y + 4 * step)
    settle(qtbot)
    paint_log.paints.clear()

    send(canvas, QEvent.Type.MouseMove, x + 40, y + 30)
    QApplication.processEvents()  # the one that paints this move

    readers = {canvas, window.input_view, window.chart}
    allowed = set().union(*(ancestors(w) for w in readers))  # containers under the pad
    assert canvas in paint_log.widgets()
    assert paint_log.widgets() <= allowed, paint_log.widgets() - allowed
    panel = window.train_panel
    assert not paint_log.widgets() & ({panel} | set(panel.findChildren(QWidget)))
    # The pad blits the stroke's box, not the whole image.
    boxes = [rect for widget, rect in paint_log.paints if widget is canvas]
    assert max(r.width() * r.height() for r in boxes) < 0.25 * area.width() * area.height()
    send(canvas, QEvent.Type.MouseButtonRelease, x + 40, y + 30)


def test_strokes_along_the_pads_edge_keep_its_frame_on_screen(window, qtbot):
    # A move repaints its stroke's box; the frame is drawn only when that box reaches
    # it. What is on screen mid-stroke (the window's backing store, not a fresh grab)
    # keeps every frame pixel while ink runs along two edges.
    canvas = window.canvas
    settle(qtbot)
    area = canvas.drawing_rect()
    along = [(area.left() + 3 + i * 9, area.top() + 2) for i in range(area.width() // 9 - 1)]
    down = [(area.right() - 2, area.top() + 3 + i * 9) for i in range(area.height() // 9 - 1)]
    send(canvas, QEvent.Type.MouseButtonPress, *along[0])
    for point in along[1:] + down:
        send(canvas, QEvent.Type.MouseMove, *point)
        QApplication.processEvents()
    shown = QApplication.primaryScreen().grabWindow(window.winId()).toImage()
    send(canvas, QEvent.Type.MouseButtonRelease, *down[-1])
    corner = canvas.mapTo(window, area.topLeft())
    mid = canvas.palette().mid().color().rgb()
    top = [(corner.x() + x, corner.y()) for x in range(area.width())]
    right = [(corner.x() + area.width() - 1, corner.y() + y) for y in range(area.height())]
    bad = [(x, y, hex(shown.pixel(x, y))) for x, y in top + right if shown.pixel(x, y) != mid]
    assert not bad, (len(bad), bad[:5], shown.size(), window.size(), hex(mid))
    inner = [(corner.x() + x, corner.y() + 4) for x in range(10, area.width() - 10)]
    assert sum(QColor(shown.pixel(x, y)).red() > 200 for x, y in inner) > area.width() // 2


def test_moves_that_arrive_together_are_read_once_before_their_paint(window, qtbot, paint_log):
    """A burst of moves (a fast tablet, a busy moment) is read once, in the event-loop
    pass that paints it, and from the last move; a stroke's first point and its end are
    read at once."""
    canvas = window.canvas
    area = canvas.drawing_rect()
    x, y = area.left() + area.width() * 0.3, area.top() + area.height() * 0.25
    readings = []
    window.predictionChanged.connect(readings.append)

    def expected():
        ink, erase = canvas.strokes()
        return window.models.read_strokes(ink, erase, canvas.image_array)[1]

    send(canvas, QEvent.Type.MouseButtonPress, x, y)
    assert len(readings) == 1  # the stroke's first point is read at once
    for step in range(1, 11):
        send(canvas, QEvent.Type.MouseMove, x + 5 * step, y + 9 * step)
    assert len(readings) == 1  # the moves not yet: nothing of them is painted yet either
    paint_log.paints.clear()
    QApplication.processEvents()  # one pass: read once, then painted
    assert len(readings) == 2
    assert np.allclose(readings[1], expected(), atol=1e-6)  # all ten moves, not fewer
    assert {canvas, window.input_view, window.chart} <= paint_log.widgets()
    assert np.allclose(window.chart.probabilities(), readings[1])

    # Asked between a move and its paint, the window reads that move first.
    send(canvas, QEvent.Type.MouseMove, x + 60, y + 40)
    now = window.current_probabilities()
    assert len(readings) == 3 and np.allclose(now, expected(), atol=1e-6)
    QApplication.processEvents()
    assert len(readings) == 3  # the pending read was done already: not twice

    send(canvas, QEvent.Type.MouseMove, x + 70, y + 30)
    send(canvas, QEvent.Type.MouseButtonRelease, x + 70, y + 30)
    assert len(readings) == 4  # the stroke's end is read at once, without the event loop
    assert np.allclose(readings[-1], expected(), atol=1e-6)
    QApplication.processEvents()
    assert len(readings) == 4


def test_chart_repaints_only_what_it_shows_differently(qtbot, paint_log):
    chart = ProbabilityChart()
    qtbot.addWidget(chart)
    chart.resize(640, 220)
    chart.show()
    qtbot.waitExposed(chart)
    p = np.array([0.02, 0.03, 0.05, 0.1, 0.0, 0.0, 0.0, 0.7, 0.05, 0.05])
    chart.set_probabilities(p)
    settle(qtbot)

    paint_log.paints.clear()
    chart.set_probabilities(p + np.array([1e-5, -1e-5, 0, 0, 0, 0, 0, 0, 0, 0]))
    settle(qtbot)
    assert paint_log.count(chart) == 0  # same bars to the pixel, same percents: no paint
    assert chart.probabilities()[0] == pytest.approx(0.02001)  # ...but the values are kept

    paint_log.paints.clear()
    q = p.copy()
    q[1], q[2] = 0.06, 0.02  # two bars move, the winner and its percent stay
    chart.set_probabilities(q)
    settle(qtbot)
    rects = [rect for widget, rect in paint_log.paints if widget is chart]
    assert len(rects) == 1
    assert rects[0].left() > chart.width() * 0.2  # not the answer on the left
    assert rects[0].right() < chart.width() * 0.6  # nor the bars of 3..9
    assert rects[0].bottom() < chart.height() - 20  # nor the digit labels below

    paint_log.paints.clear()
    r = q.copy()
    r[3], r[7] = 0.7, 0.1  # a new winner: answer, both bars and both labels
    chart.set_probabilities(r)
    settle(qtbot)
    rects = [rect for widget, rect in paint_log.paints if widget is chart]
    assert rects and rects[0].left() <= 6 and rects[0].bottom() >= chart.height() - 20
    assert chart.predicted_digit() == 3


def test_chart_shows_the_winner_highlighted(qtbot):
    chart = ProbabilityChart()
    qtbot.addWidget(chart)
    chart.resize(640, 220)
    chart.set_probabilities(np.array([0.0, 0.0, 0.1, 0.0, 0.0, 0.0, 0.0, 0.0, 0.9, 0.0]))
    image = chart.grab().toImage()
    layout = chart._current_layout()

    def colour_above_the_axis(digit: int) -> int:
        return image.pixelColor(layout.tracks[digit].center().x(), layout.plot_bottom - 3).rgb()

    assert colour_above_the_axis(8) == HIGHLIGHT.rgb()
    assert colour_above_the_axis(2) == BAR.rgb()
    assert colour_above_the_axis(0) not in (HIGHLIGHT.rgb(), BAR.rgb())  # the grey track
    assert "8" in chart.accessibleDescription() and "90%" in chart.accessibleDescription()


def test_input_view_shows_exactly_the_784_grey_levels(qtbot, paint_log):
    view = ModelInputView()
    qtbot.addWidget(view)
    view.resize(200, 200)
    view.show()
    qtbot.waitExposed(view)
    expected = np.random.default_rng(0).integers(0, 256, (28, 28))
    expected[0, 0], expected[27, 27] = 0, 255
    image = (expected / 255).astype(np.float32)
    view.set_image(image)

    cached = view.displayed_image()
    assert (cached.width(), cached.height()) == (28, 28)
    shown = np.array([[QColor(cached.pixel(c, r)).red() for c in range(28)] for r in range(28)])
    assert np.array_equal(shown, expected)

    # On screen: every cell a square of the same whole size, its centre the exact grey.
    square = view._square
    assert square.width() % 28 == 0 and square.width() == square.height() == 196
    cell = square.width() // 28
    grabbed = view.grab().toImage()
    for r in range(28):
        for c in range(28):
            x = square.left() + c * cell + cell // 2
            y = square.top() + r * cell + cell // 2
            assert QColor(grabbed.pixel(x, y)).red() == expected[r, c], (r, c)

    settle(qtbot)
    paint_log.paints.clear()
    view.set_image(image + 1e-3)  # the same grey levels: nothing to repaint
    settle(qtbot)
    assert paint_log.count(view) == 0
    view.set_image(None)
    settle(qtbot)
    assert paint_log.count(view) == 1
    assert not view.image().any()


@pytest.mark.parametrize("size", [(151, 120), (200, 231), (113, 113)])
def test_teaching_digit_images_sit_on_whole_pixels_inside_their_frame(qtbot, size):
    # The Preprocessing view's 28x28 pictures: centred on whole pixels (a half-pixel
    # offset once left a black column outside the frame), every cell the same size.
    from digitpad.ui.teach.common import MUTED, DigitImage

    view = DigitImage()
    qtbot.addWidget(view)
    view.resize(*size)
    levels = np.random.default_rng(1).integers(0, 256, (28, 28)).astype(np.uint8)
    view.set_image(levels / 255)
    grab = view.grab().toImage()
    square = view.square()
    side, cell = square.width(), square.width() // 28
    assert side % 28 == 0 and side > 0.8 * min(size)
    left, top, right, bottom = square.left(), square.top(), square.right(), square.bottom()
    frame = [(x, top) for x in range(left, right + 1)] + [
        (x, bottom) for x in range(left, right + 1)
    ]
    frame += [(left, y) for y in range(top, bottom + 1)] + [
        (right, y) for y in range(top, bottom + 1)
    ]
    assert all(grab.pixelColor(x, y) == MUTED for x, y in frame)
    background = view.palette().window().color().rgb()
    outside = [(right + 1, top + side // 2), (left - 1, top + side // 2)]
    outside += [(left + side // 2, top - 1), (left + side // 2, bottom + 1)]
    assert all(
        grab.pixel(x, y) == background
        for x, y in outside
        if 0 <= x < grab.width() and 0 <= y < grab.height()
    )
    for r, c in ((1, 1), (13, 20), (26, 26)):  # each cell's centre: its own grey
        x, y = left + c * cell + cell // 2, top + r * cell + cell // 2
        assert QColor(grab.pixel(x, y)).red() == levels[r, c]


@pytest.mark.parametrize("size", [90, 200, 420])
def test_input_view_paints_every_cell_whole_with_grid_and_frame(qtbot, size):
    # Each of the 784 levels fills its whole cell; grid lines between the cells (from a
    # cell of 3 px up) and a frame around them: checked on every pixel of the square, for
    # the grey input and for a "Why this digit?" picture, after a resize too.
    from digitpad.ui.widgets import explanation
    from digitpad.ui.widgets.model_input_view import GRID

    view = ModelInputView()
    qtbot.addWidget(view)
    view.resize(size + 30, size)
    view.show()
    qtbot.waitExposed(view)
    rng = np.random.default_rng(size)
    image = rng.random((28, 28)).astype(np.float32)
    view.set_image(image)
    coloured = explanation.view_image(image, rng.normal(size=(28, 28)).astype(np.float32))

    def check() -> None:
        square = view._square
        side, cell = square.width(), square.width() // 28
        assert side % 28 == 0
        grab = view.grab().toImage()
        shown = view.displayed_image()
        expected = np.array([[shown.pixel(c, r) & 0xFFFFFF for c in range(28)] for r in range(28)])
        ys, xs = np.mgrid[0:side, 0:side]
        want = expected[ys // cell, xs // cell]
        if cell >= 3:
            lines = (ys % cell == 0) & (ys > 0) | (xs % cell == 0) & (xs > 0)
            want[lines] = GRID.rgb() & 0xFFFFFF
        edge = (ys == 0) | (xs == 0) | (ys == side - 1) | (xs == side - 1)
        want[edge] = view.palette().mid().color().rgb() & 0xFFFFFF
        got = np.array(
            [
                [grab.pixel(square.left() + x, square.top() + y) & 0xFFFFFF for x in range(side)]
                for y in range(side)
            ]
        )
        assert np.array_equal(got, want)

    check()
    view.set_explanation(coloured)
    check()
    view.resize(size + 30 + 28, size + 28)  # one more pixel a cell
    check()
    view.set_explanation(None)
    check()


def test_network_tiles_are_drawn_once_and_only_re_sorted(qtbot, paint_log):
    view = NetworkView(Predictor.from_file(bundled_model_path()))
    # In a scroll area, as in the teaching column: it gives the view the height its tiles
    # and texts need (squeezed below that, every new text needs a new layout).
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setWidget(view)
    qtbot.addWidget(scroll)
    scroll.resize(900, 760)
    scroll.show()
    qtbot.waitExposed(view)
    grid = view.grid
    rng = np.random.default_rng(1)
    view.set_input(rng.random((28, 28)).astype(np.float32))
    settle(qtbot)  # the view's first layout settles the tile size
    first = grid.grab().toImage()
    atlas = grid._atlas[1]
    hidden = view.hidden_activations()
    firing = int((hidden > 0).sum())
    assert 0 < firing < len(hidden)

    settle(qtbot)
    paint_log.layouts.clear()
    ideas = view.ideas_text()
    view.set_input(rng.random((28, 28)).astype(np.float32))
    settle(qtbot)
    assert view.ideas_text() != ideas  # new numbers...
    assert not paint_log.layouts  # ...in the room the text had: no new layout
    grid.grab()
    assert grid._atlas[1] is atlas  # the same rendered tiles, only re-sorted
    assert (np.diff(view.hidden_activations()[grid.order()]) <= 0).all()

    side = grid._tile_key()[0]
    assert first.pixelColor(0, 0).rgb() == OUTLINE.rgb()  # the strongest unit fires
    last = len(hidden) - 1  # the weakest does not: no outline
    row, column = divmod(last, grid.COLUMNS)
    assert first.pixelColor(column * side, row * side).rgb() != OUTLINE.rgb()


def test_chart_texts_are_made_ahead_in_slices_between_events(qtbot):
    """The ~225 text pixmaps come after the first paint, a slice at a time, so that a
    stroke begun meanwhile waits for one slice (2 ms), not for all of them."""
    chart = ProbabilityChart()
    qtbot.addWidget(chart)
    chart.resize(640, 220)
    chart.show()
    qtbot.waitExposed(chart)
    layout = chart._current_layout()
    assert not layout.prerendered
    made = []
    while not layout.prerender(budget=0):  # one step per call
        made.append(len(layout.percents) + len(layout.sprites))
    assert len(made) > 100 and made == sorted(made)  # many slices, each adding texts
    assert len(layout.percents) == 102 and {("hint",), ("big", 7), ("name", 0)} <= set(
        layout.sprites
    )
    fresh = ProbabilityChart()
    qtbot.addWidget(fresh)
    fresh.resize(640, 220)
    fresh.show()
    qtbot.waitUntil(lambda: fresh._current_layout().prerendered, timeout=3000)


def test_text_heights_are_remembered_by_shape_and_stay_true(qtbot):
    """The network view asks how tall its texts must be on every drawing; the answer is
    remembered for texts that differ only in their digits, and is still Qt's own."""
    from PySide6.QtWidgets import QLabel

    from digitpad.ui.teach.network_view import _height_for_width

    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText)
    qtbot.addWidget(label)
    label.resize(220, 40)
    label.show()
    texts = [
        "Now: <b>12</b> of 512 hidden units fire; the output says 7 (99.1%).",
        "Now: <b>98</b> of 512 hidden units fire; the output says 3 (45.0%).",
        "Now: <b>98</b> of 512 hidden units fire; the output says 3 (45.0%). " * 3,
        "Short.",
    ]
    for width in (220, 140, 400):
        label.resize(width, 40)
        for text in texts:
            label.setText(text)
            assert _height_for_width(label, text) == label.heightForWidth(width), (width, text)
    asked = []
    label.resize(220, 40)
    label.setText(texts[0])
    _height_for_width(label, texts[0])
    original = QLabel.heightForWidth
    QLabel.heightForWidth = lambda self, w: asked.append(w) or original(self, w)
    try:
        label.setText(texts[1])
        _height_for_width(label, texts[1])  # only the digits differ: remembered
        assert asked == []
    finally:
        QLabel.heightForWidth = original
