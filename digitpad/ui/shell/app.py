"""Start the window: QApplication set-up (names, font, translation) and ``run``."""

from __future__ import annotations

import gc
import logging
import signal
import sys
from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from digitpad import __version__
from digitpad.ui import i18n
from digitpad.ui.settings import APPLICATION, ORGANIZATION

log = logging.getLogger(__name__)

MIN_POINT_SIZE = 12.0  # readable on a projector from the back of a room


def application(argv: Sequence[str] | None = None) -> QApplication:
    """The running QApplication, created and configured if there is none yet."""
    app = QApplication.instance()
    if app is None:
        app = QApplication(list(argv) if argv is not None else sys.argv[:1])
    keep_every_pointer_move()  # after: Qt's xcb plugin turns merging on as it starts
    app.setOrganizationName(ORGANIZATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("digitpad")
    app.setApplicationVersion(__version__)
    font = QFont(app.font())
    if font.pointSizeF() < MIN_POINT_SIZE:
        font.setPointSizeF(MIN_POINT_SIZE)
        app.setFont(font)
    return app


def keep_every_pointer_move() -> None:
    """Qt delivers every pen move the window system sends, never only the last of a batch.

    On X11 Qt merges pointer moves by default (``AA_CompressHighFrequencyEvents``): the
    moves that queued while the GUI thread was busy reach the window as one, the last.
    Busy it is whenever a background thread holds Python's lock in a long C call: the
    TensorFlow import does, for up to ~0.9 s at a time on this machine (loading its
    libraries), and a handler written in Python waits for the lock. A quick "4" drawn
    during that import reached the pad with 2 of its 12 moves in three runs out of three
    (Xvfb + xdotool, moves 8 ms apart): each stroke became a straight line. Unmerged,
    all 12 arrive, the first stroke ~0.1-0.2 s late. Tablet events are not merged
    anyway (``AA_CompressTabletEvents`` is off by default). Set once the application
    exists: the xcb plugin turns it on as the application starts, and asks it again at
    each event.
    """
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_CompressHighFrequencyEvents, False)


def install_translation(app: QApplication, lang: str | None) -> str:
    """Explicit ``lang`` > the Language menu's saved choice > system locale > English."""
    return i18n.setup(app, lang)


def run(
    *,
    data: str | None = None,
    model: str | None = None,
    lang: str | None = None,
) -> int:
    """Open the window and run until it closes; the exit status.

    The command line is parsed once, by ``digitpad.cli``, which passes what it found.
    """
    app = application(sys.argv[:1])
    install_translation(app, lang)
    from digitpad.ui.shell.main_window import MainWindow  # after the app: widgets need it

    window = MainWindow(model_path=model, data_path=data)
    if window.starts_maximized():
        window.showMaximized()
    else:
        window.show()
    _close_on_signals(window)
    started()
    return app.exec()


def started() -> None:
    """Once the window is up: what start-up made (modules, classes, the window's widgets,
    ~40,000 objects) lives as long as the app, so it is kept out of the garbage
    collector's full passes (``gc.freeze``). Each such pass went over all of it, 15-25 ms
    here, at a moment no one chooses: in the middle of a stroke, a dropped frame."""
    gc.freeze()


def _close_on_signals(window) -> None:
    """Ctrl+C or a polite ``kill`` closes the window the normal way: training stopped,
    settings saved, exit status 0 (Qt's event loop would otherwise never see them)."""
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: window.close())
    # Python runs signal handlers only between bytecodes; a timer lets it in regularly.
    ticker = QTimer(window)
    ticker.timeout.connect(lambda: None)
    ticker.start(250)


if __name__ == "__main__":
    sys.exit(run())
