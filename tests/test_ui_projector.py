"""At a projector (1280x720, 1366x768), in English and Korean, with no teaching view,
each one, or two networks side by side: the pad is the largest thing on screen, and no
text is clipped, elided or hidden behind a sideways scroll bar."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QFontMetricsF, QPalette
from PySide6.QtWidgets import QApplication, QToolButton, QWidget

from digitpad.ui import i18n
from digitpad.ui._layout_check import clipped_texts
from digitpad.ui._testing import draw_strokes, seven

SIZES = [(1280, 720), (1366, 768)]
# Maximized on those projectors under a desktop's title bar (29 px with Openbox).
MAXIMIZED = [(1280, 691), (1366, 739)]
VIEWS = [None, "evaluate", "network", "preprocess", "digits", "class", "compare", "explain"]
ROOM = ["Mina", "민준", "<b>Kim</b>", "A very long nickname indeed!!"]


def fill_room(window) -> None:
    """A class session with a room's drawings on its wall (the wall at its fullest)."""
    window.class_session.start("127.0.0.1")
    room = window.class_session.room
    for n, name in enumerate(ROOM):
        person = room.join(None, name, f"127.0.0.{n + 2}")
        for k, (label, strokes) in enumerate([(7, SEVEN_STROKES), (1, ONE_STROKES)] * 3):
            room.send(person, f"drawing{n:03d}{k:03d}", label, strokes)
    QApplication.processEvents()


SEVEN_STROKES = [[[0.2, 0.2], [0.8, 0.2], [0.45, 0.9]]]
ONE_STROKES = [[[0.5, 0.1], [0.52, 0.9]]]


@pytest.fixture
def language(request):
    app = QApplication.instance()
    i18n.install(app, request.param)
    yield request.param
    i18n.install(app, "en")


@pytest.mark.parametrize("language", ["en", "ko"], indirect=True)
@pytest.mark.parametrize("size", SIZES + MAXIMIZED, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_pad_stays_the_star(qtbot, window, language, size):
    window.resize(*size)
    qtbot.wait(50)
    fill_room(window)
    draw_strokes(window.canvas, seven())
    problems = []
    for view in VIEWS:
        window.set_comparison("robust" if view == "compare" else None)
        window.reading.explain_action.setChecked(view == "explain")  # "Why this digit?"
        window.show_teaching_view(None if view in (None, "compare", "explain") else view)
        qtbot.wait(50)
        side = window.canvas.drawing_rect().width()
        assert window.height() == size[1]
        if side < 0.45 * size[1]:
            problems.append(f"{view}: pad {side}px < 45% of {size[1]}px")
        panel = window.train_panel
        others = [window.chart, window.comparison.view.chart, panel.curves, panel.log]
        for other in others:  # the other things an audience looks at
            if other.isVisible() and other.width() * other.height() > side * side:
                problems.append(f"{view}: {other.objectName()} is larger than the pad")
        problems += [f"{view}: {p}" for p in clipped_texts(window)]
        if view == "compare":
            problems += [f"compare: {p}" for p in side_by_side_problems(window)]
    assert not problems, "\n".join(problems)


def side_by_side_problems(window) -> list[str]:
    """Two networks compared: the charts share the width, and the painted texts (which
    the widget check cannot see) keep one line and a legible size."""
    charts = [window.chart, window.comparison.view.chart]
    widths = [chart.width() for chart in charts]
    problems = [] if min(widths) >= 0.9 * max(widths) else [f"chart widths {widths}"]
    for chart in charts:
        layout = chart._current_layout()
        answer = layout.text_rects["answer"].width()
        sure = layout.texts["sure"].format(100)
        if QFontMetricsF(layout.fonts["sure"]).horizontalAdvance(sure) > answer:
            problems.append(f"{sure!r} does not fit on one line in {answer:.0f}px")
        if layout.fonts["percent"].pointSizeF() < 7:
            problems.append(f"percent labels at {layout.fonts['percent'].pointSizeF():.1f} pt")
    return problems


def test_teaching_view_shares_the_column_and_the_panel_shrinks(window):
    panel = window.train_panel
    assert not panel.is_compact()
    window.show_teaching_view("network")
    assert window.teach.dock.isVisible() and window.teach.dock.current_key() == "network"
    assert panel.is_compact() and panel.progress.isVisible() and not panel.log.isVisible()
    window.show_teaching_view(None)
    assert not window.teach.dock.isVisible() and not panel.is_compact()
    with pytest.raises(ValueError):
        window.show_teaching_view("nonsense")


@pytest.mark.parametrize("size", [*SIZES, (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_keras_lines_fit_the_log_on_one_line(qtbot, window, size):
    """The log's font shrinks until Keras' widest progress line fits its width, when the
    first line arrives and again on every resize (a narrower window, a wider line)."""
    from digitpad.ui.training.panel import KERAS_LINE

    panel = window.train_panel
    window.resize(*size)
    qtbot.wait(50)
    # The widest line Keras writes here (the digits of the timings grow with the machine).
    line = KERAS_LINE.replace(" 12s 25ms/step", " 123s 262ms/step")

    def fits(text: str) -> bool:
        room = panel.log.viewport().width() - 2 * panel.log.document().documentMargin()
        return QFontMetricsF(panel.log.font()).horizontalAdvance(text) <= room

    panel._append("Epoch 1/5")
    panel._append(KERAS_LINE)
    assert fits(KERAS_LINE)
    panel._append(line)
    assert fits(line)
    window.resize(size[0] - 60, size[1])
    qtbot.wait(50)
    assert fits(line), "after the window was narrowed"
    # Far narrower than a projector, even the smallest font is too wide: scrolled to,
    # never cut off.
    window.resize(800, size[1])
    qtbot.wait(50)
    assert fits(line) or panel.log.horizontalScrollBar().maximum() > 0


def _run_and_capture() -> dict:
    """``digitpad``'s own start (``app.run``): how the window was shown, then closed."""
    import signal

    from PySide6.QtCore import QTimer

    from digitpad.ui import MainWindow
    from digitpad.ui.shell import app as app_module

    seen: dict = {}

    def look_and_close() -> None:
        windows = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
        shown = [w for w in windows if w.isVisible()]
        if not shown:
            QTimer.singleShot(20, look_and_close)
            return
        win = shown[-1]
        seen.update(maximized=win.isMaximized(), title=win.windowTitle())
        win.train_panel.shutdown()
        win.teach.shutdown()
        win.close()

    QTimer.singleShot(0, look_and_close)
    safety = QTimer()
    safety.setSingleShot(True)
    safety.timeout.connect(QApplication.quit)
    safety.start(20_000)
    # run() installs Ctrl+C / kill handlers that close its window: put pytest's back.
    handlers = {n: signal.getsignal(n) for n in (signal.SIGINT, signal.SIGTERM)}
    try:
        assert app_module.run(lang="en") == 0
    finally:
        safety.stop()
        for number, handler in handlers.items():
            signal.signal(number, handler)
    return seen


def test_small_screen_opens_the_window_maximized(qtbot):
    """On a screen no larger than 1280x800 (the offscreen screen is 800x600, like a small
    projector) the first start fills it; a size saved by the user wins the next time."""
    screen = QApplication.primaryScreen().availableGeometry()
    assert screen.width() <= 1280 or screen.height() <= 800
    first = _run_and_capture()
    assert first["maximized"] is True
    # Closing saved the window's geometry (maximized): the next start restores that,
    # and a window the user made smaller stays smaller.
    from digitpad.ui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    assert win.starts_maximized() is False
    win.showNormal()
    win.resize(640, 480)
    win.train_panel.shutdown()
    win.teach.shutdown()
    win.close()
    again = _run_and_capture()
    assert again["maximized"] is False


@pytest.mark.parametrize("language", ["en", "ko"], indirect=True)
def test_title_names_the_app_once(window, language):
    """Qt adds the application's display name to a title that does not end with it:
    "digitpad — draw a digit" was shown as "digitpad — draw a digit — digitpad"."""
    from digitpad.ui.shell.app import application

    name = application().applicationDisplayName()  # as digitpad sets it up
    assert name == "digitpad"
    title = window.windowTitle()
    assert title.endswith(name)
    assert title.count("digitpad") == 1
    assert (language == "ko") == ("숫자" in title)


def _rgb(image) -> np.ndarray:
    image = image.convertToFormat(image.Format.Format_RGB32)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(), -1)
    return rows[:, : image.width() * 4].reshape(image.height(), image.width(), 4)[..., :3]


def _pad_on_screen_differs(window) -> float:
    """The share of the pad's pixels that differ between what the window's backing store
    holds (what the screen shows) and what the pad paints now."""
    canvas = window.canvas
    at = canvas.mapTo(window, QPoint(0, 0))
    shown = window.screen().grabWindow(
        window.winId(), at.x(), at.y(), canvas.width(), canvas.height()
    )
    expected = _rgb(canvas.grab().toImage()).astype(int)
    actual = _rgb(shown.toImage()).astype(int)
    assert actual.shape == expected.shape
    return float(np.mean(np.abs(actual - expected).max(axis=2) > 40))


def test_the_pad_on_screen_is_repainted_when_it_shrinks(qtbot, window):
    """The pad is centred and re-scaled on every resize; with Qt's static-contents
    optimisation it repainted only newly exposed strips, so entering presenter mode with
    a view open left the old, larger pad on screen (17% of its pixels wrong)."""
    window.resize(1280, 720)
    qtbot.wait(50)
    draw_strokes(window.canvas, seven())
    steps = ["network", None, "preprocess", "presenter", "evaluate", "leave"]
    for step in steps:
        if step == "presenter":
            window.teach.presenter.set_active(True)
        elif step == "leave":
            window.teach.presenter.set_active(False)
        else:
            window.show_teaching_view(step)
        QApplication.processEvents()
        qtbot.wait(100)
        assert _pad_on_screen_differs(window) < 0.01, step


@pytest.mark.parametrize("language", ["en", "ko"], indirect=True)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_presenter_mode_at_the_projector(qtbot, window, language, size, monkeypatch):
    """Presenter mode (large type, light on black) with each teaching view or none: the
    pad stays the star, only the chosen view's tab shows, the side column keeps "Why
    this digit?" and Clear, and no text is clipped or scrolls sideways."""
    from digitpad.ui.shell.presenter import FONT_SCALE

    # Full screen is the projector's size; the offscreen screen is smaller, so the
    # window is given that size itself.
    monkeypatch.setattr(window, "showFullScreen", lambda: window.resize(*size))
    window.resize(*size)
    fill_room(window)
    draw_strokes(window.canvas, seven())
    presenter = window.teach.presenter
    dock = window.teach.dock
    curves = window.train_panel.curves.chart()
    axis_points = curves.axes()[0].labelsFont().pointSizeF()
    problems = []
    for view in [None, "evaluate", "network", "preprocess", "digits", "class", "why"]:
        # "why": *Why this digit?* on (its "and not:" choice beside the pad), no view
        window.reading.explain_action.setChecked(view == "why")
        window.show_teaching_view(None if view == "why" else view)
        presenter.set_active(True)
        qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=2000)
        qtbot.wait(50)
        side = window.canvas.drawing_rect().width()
        if side < 0.45 * size[1]:
            problems.append(f"{view}: pad {side}px < 45% of {size[1]}px")
        problems += [f"{view}: {p}" for p in clipped_texts(window)]
        # Nothing beside the pad squeezed below its height (with "Why this digit?" the
        # comparison choice and its legend were cut top and bottom).
        for box in window.side_panel.findChildren(QWidget):
            if box.isVisible() and box.layout() is not None:
                needed = box.minimumSizeHint().height()
                if needed > box.height() + 1:
                    problems.append(f"{view}: beside the pad {needed}px > {box.height()}px")
        if view not in (None, "why"):
            shown_tabs = [i for i in range(dock.tabs.count()) if dock.tabs.isTabVisible(i)]
            assert shown_tabs == [dock.tabs.currentIndex()], view
        assert not window.brush.isVisible() and not window.hints_label.isVisible()
        clear = [b for b in window.side_panel.findChildren(QToolButton) if b.isVisible()]
        assert window.clear_action in [b.defaultAction() for b in clear]
        presenter.set_active(False)
        qtbot.wait(20)
        assert all(dock.tabs.isTabVisible(i) for i in range(dock.tabs.count()))
        assert window.brush.isVisible()
    assert not problems, "\n".join(problems)
    # Qt Charts' text does not follow the window's font: scaled with it, then put back.
    presenter.set_active(True)
    assert curves.axes()[0].labelsFont().pointSizeF() == pytest.approx(axis_points * FONT_SCALE)
    presenter.set_active(False)
    assert curves.axes()[0].labelsFont().pointSizeF() == pytest.approx(axis_points)


def test_the_network_views_link_reads_on_black(qtbot, window):
    """The "Why this digit?" link in *Inside the network* follows the palette: light blue
    and large in presenter mode (it stayed small and dark blue), Qt's link blue after."""
    from digitpad.ui.shell.presenter import FONT_SCALE

    window.show_teaching_view("network")
    link = window.teach.dock.page("network").explain_button
    normal_colour = link.palette().color(QPalette.ColorRole.Link).name()
    normal_points = link.font().pointSizeF()
    assert normal_colour in link.text()
    window.teach.presenter.set_active(True)
    qtbot.wait(20)
    colour = link.palette().color(QPalette.ColorRole.Link)
    assert colour.lightness() > 150 and colour.name() in link.text()
    assert link.font().pointSizeF() == pytest.approx(normal_points * FONT_SCALE)
    window.teach.presenter.set_active(False)
    qtbot.wait(20)
    assert normal_colour in link.text()
    with qtbot.waitSignal(window.reading.explain_action.toggled, timeout=2000):
        link.linkActivated.emit("explain")


@pytest.mark.parametrize("language", ["en", "ko"], indirect=True)
def test_a_unit_close_up_reads_at_the_projector(qtbot, window, language, monkeypatch):
    """Presenter mode at 1280x720 with one unit of *Inside the network* shown close up:
    its picture grows with the large type, nothing is clipped, the pad stays the star."""
    monkeypatch.setattr(window, "showFullScreen", lambda: window.resize(1280, 720))
    window.resize(1280, 720)
    qtbot.wait(50)
    draw_strokes(window.canvas, seven())
    window.show_teaching_view("network")
    network = window.teach.dock.page("network")
    network.show_unit(int(network.grid.order()[0]))
    qtbot.wait(50)
    normal = network.unit_view.picture.pixmap().width()
    window.teach.presenter.set_active(True)
    qtbot.wait(100)
    try:
        assert network.unit_view.isVisible()
        assert network.unit_view.picture.pixmap().width() > normal >= 112
        assert window.canvas.drawing_rect().width() >= 0.45 * 720
        assert not clipped_texts(window)
    finally:
        window.teach.presenter.set_active(False)
    qtbot.wait(50)
    assert network.unit_view.picture.pixmap().width() == normal


@pytest.fixture
def offline_without_mnist(tmp_path, monkeypatch):
    from digitpad.ml import data

    monkeypatch.delenv("DIGITPAD_MNIST", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))  # no cached download either
    monkeypatch.setattr(data, "_can_reach", lambda *a, **k: False)
    data._cache.clear()
    yield
    data._cache.clear()


@pytest.mark.usefixtures("offline_without_mnist")
@pytest.mark.parametrize("language", ["en", "ko"], indirect=True)
@pytest.mark.parametrize("size", SIZES + MAXIMIZED, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_failed_training_at_the_projector(qtbot, window, language, size):
    """Train with no MNIST and no network, as at a workshop: the explanation, its buttons
    and the curves all fit; the curves' labels stay whole (they turned into "…"), the log
    wraps the message instead of shrinking to a sideways-scrolling 6 pt, and the status
    bar shows what fits whole instead of running under the model's name."""
    window.resize(*size)
    panel = window.train_panel
    keras_points = panel.log.font().pointSizeF()
    with qtbot.waitSignal(panel.trainingFinished, timeout=30_000):
        panel.start_training(epochs=1, train_limit=256)
    qtbot.wait(100)
    assert panel.get_mnist.isVisible()
    problems = clipped_texts(window)
    assert not problems, "\n".join(problems)
    # The failure's message wrapped in the log; the font is still the one Keras' lines fit.
    assert panel.log.font().pointSizeF() >= min(keras_points, 8)
    assert panel.log.horizontalScrollBar().maximum() == 0
    # The curves keep the height their axes' labels and titles need (below it Qt
    # elides the epoch numbers to "…"), and room for every y tick label they show.
    from digitpad.ui.widgets.training_curves import MIN_HEIGHT

    assert panel.curves.height() >= MIN_HEIGHT
    chart = panel.curves.chart()
    plot = chart.plotArea().height()
    for axis in chart.axes(Qt.Orientation.Vertical):
        line = QFontMetricsF(axis.labelsFont()).height()
        assert (axis.tickCount() - 1) * line * 1.2 <= plot, (axis.tickCount(), plot)
    # The status bar: a message never runs under the model's name.
    bar = window.statusBar()
    message = bar.currentMessage()
    assert message and not window.model_label.isVisible()
    assert bar.fontMetrics().horizontalAdvance(message) <= bar.width()


def test_the_layout_check_sees_squeezed_and_narrowed_controls(qtbot):
    """The check the layout tests rely on: a button narrower than its text, or a choice
    lower than its letters, is reported; the same widgets with room are not."""
    from PySide6.QtWidgets import QComboBox, QPushButton, QVBoxLayout

    box = QWidget()
    qtbot.addWidget(box)
    layout = QVBoxLayout(box)
    button, choice = QPushButton("Fine-tune on my digits"), QComboBox()
    choice.addItem("second guess")
    layout.addWidget(button)
    layout.addWidget(choice)
    box.resize(400, 200)
    box.show()
    qtbot.waitExposed(box)
    assert clipped_texts(box) == []
    button.setFixedWidth(40)
    choice.setFixedHeight(8)
    problems = clipped_texts(box)
    assert any("QPushButton" in p and "needs" in p for p in problems), problems
    assert any("QComboBox" in p and "high" in p for p in problems), problems


@pytest.mark.parametrize("language", ["en", "ko"], indirect=True)
@pytest.mark.parametrize("size", SIZES + MAXIMIZED, ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_whole_confusion_matrix_is_seen_without_scrolling(
    qtbot, window, language, size, monkeypatch
):
    """*Evaluate* at a projector: all ten rows of the matrix in view at once, in the normal
    window and in presenter mode (at 1280x720 the last row was below the column's edge;
    the test-digit tabs below the matrix are the part scrolled to)."""
    monkeypatch.setattr(window, "showFullScreen", lambda: window.resize(*size))
    window.resize(*size)
    window.show_teaching_view("evaluate")
    page = window.teach.dock.evaluation
    qtbot.waitUntil(lambda: page.view is not None and not page.is_busy(), timeout=20000)
    scroll = window.teach.dock._scrolls["evaluate"]
    problems = []
    for presenting in window_then_presenter(qtbot, window, size):
        scroll.verticalScrollBar().setValue(0)
        matrix, viewport = page.view.matrix, scroll.viewport()
        last_row = matrix.cell_rect(9, 9).bottomRight().toPoint()
        bottom = matrix.mapTo(viewport, last_row).y()
        if bottom > viewport.height():
            problems.append(
                f"presenting={presenting}: row 9 ends at {bottom}px of {viewport.height()}"
            )
        # The headline is never smaller than the view's type (it stayed at the normal
        # size, smaller than the matrix's digits, in presenter mode).
        headline = page.view.accuracy_label.font().pointSizeF()
        if headline < page.view.font().pointSizeF():
            problems.append(f"presenting={presenting}: accuracy line at {headline:.1f} pt")
        if matrix.cell_rect(0, 0).width() < 30:
            problems.append(
                f"presenting={presenting}: cells {matrix.cell_rect(0, 0).width():.0f}px"
            )
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("size", [*SIZES, (1920, 1080)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_the_activation_strip_sits_right_below_the_tiles(qtbot, window, size, monkeypatch):
    """*Inside the network*: the tiles take the height they need at the column's width and
    the activation strip and the ideas follow them (in presenter mode at 1366x768 an
    empty band of ~150 px lay between the tiles and the strip)."""
    monkeypatch.setattr(window, "showFullScreen", lambda: window.resize(*size))
    window.resize(*size)
    draw_strokes(window.canvas, seven())
    window.show_teaching_view("network")
    view = window.teach.dock.network
    problems = []
    for presenting in window_then_presenter(qtbot, window, size):
        grid = view.grid
        side, dpr = grid._tile_key()
        tiles_bottom = grid.y() + grid._rows() * side / dpr
        gap = view.strip.y() - tiles_bottom
        spacing = view.layout().spacing()
        if not 0 <= gap <= spacing + side / dpr:
            problems.append(f"presenting={presenting}: {gap:.0f}px between tiles and strip")
    assert not problems, "\n".join(problems)


def window_then_presenter(qtbot, window, size):
    """False, then True: the window at ``size``, then in presenter mode at the same size
    (full screen is the projector; its size is set by the test's ``showFullScreen``);
    presenter mode is left at the end."""
    presenter = window.teach.presenter
    try:
        for presenting in (False, True):
            presenter.set_active(presenting)
            qtbot.waitUntil(lambda: window.size().toTuple() == size, timeout=2000)
            qtbot.wait(50)
            yield presenting
    finally:
        presenter.set_active(False)
