"""The class session's participant page in a real browser against the real server.

The page (digitpad/classroom/page/) runs in Qt WebEngine (headless Chromium, offscreen)
loaded from a real ``ClassServer`` on 127.0.0.1 serving a real ``ClassRoom`` with the
tutorial network, so it runs under the server's own Content-Security-Policy. Strokes are
drawn with real Qt mouse events on the view's render widget (Chromium turns them into the
pointer events the page listens to), labels and buttons are tapped the same way, and the
nickname is typed with key events. What the page shows is compared with what the room
stored and with the network's reading of the strokes the server received.

Every wait is bounded (``qtbot.waitUntil``, ``waitSignal``); the file takes ~5 s. The
browser runs in the test process: QtWebEngineWidgets is imported when this module is
collected, before the ``qapp`` fixture makes the QApplication (WebEngine needs that
order), and the other test files run in the same pytest-xdist worker unaffected. Where Qt
WebEngine cannot be imported the module is skipped with the reason
(``DIGITPAD_REQUIRE_WEBENGINE=1`` fails instead).
"""

from __future__ import annotations

import itertools
import json
import math
import os
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QPoint, Qt, QUrl
from PySide6.QtTest import QTest

# WebEngine shares OpenGL contexts with the application: set before the QApplication
# exists (the qapp fixture makes it after collection, which imports this module).
if QCoreApplication.instance() is None:
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
try:
    from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
    from PySide6.QtWebEngineWidgets import QWebEngineView
except ImportError as exc:  # PySide6-Addons brings it; a bare machine may lack its libraries
    if os.environ.get("DIGITPAD_REQUIRE_WEBENGINE") == "1":
        raise
    pytest.skip(
        f"Qt WebEngine is unavailable ({exc}); the participant page is not tested here",
        allow_module_level=True,
    )

from digitpad.classroom.room import ClassRoom
from digitpad.classroom.server import ClassServer
from digitpad.ml.model import bundled_variant_path
from digitpad.ml.predictor import Predictor
from digitpad.ml.preprocess import strokes_to_mnist
from digitpad.ui._testing import drag

WAIT_MS = 8000  # every wait for the page
LOAD_MS = 20000  # a page load: the first one starts the browser's own processes
PHONE = (390, 844)
# Pad fractions: a 7 (one stroke) as a finger draws it.
SEVEN = [[(0.22, 0.2), (0.5, 0.19), (0.78, 0.2), (0.62, 0.45), (0.5, 0.65), (0.44, 0.85)]]


# -- the browser --------------------------------------------------------------------------
class ConsolePage(QWebEnginePage):
    """Keeps every console message the page logs (a CSP refusal is one)."""

    def __init__(self, profile, parent=None) -> None:
        super().__init__(profile, parent)
        self.console: list[tuple[str, str, int, str]] = []

    def javaScriptConsoleMessage(self, level, message, line, source):
        self.console.append((level.name, message, line, source))


class Phone:
    """The page in a phone-sized view, driven with real input."""

    def __init__(self, qtbot, url: str, size=PHONE) -> None:
        self.qtbot = qtbot
        self.profile = QWebEngineProfile()  # off the record: its own localStorage
        self.view = QWebEngineView()
        self.page = ConsolePage(self.profile, self.view)
        self.view.setPage(self.page)
        self.view.resize(*size)
        self.view.show()
        self.load(url)

    def load(self, url: str) -> None:
        with self.qtbot.waitSignal(self.view.loadFinished, timeout=LOAD_MS) as blocker:
            self.view.load(QUrl(url))
        assert blocker.args == [True], f"the page did not load from {url}"

    def reload(self) -> None:
        with self.qtbot.waitSignal(self.view.loadFinished, timeout=LOAD_MS):
            self.view.reload()

    def close(self) -> None:
        self.view.close()
        self.view.setPage(None)
        self.page.deleteLater()
        self.view.deleteLater()
        self.qtbot.wait(50)
        self.profile.deleteLater()

    # -- reading the page ------------------------------------------------------------
    def js(self, code: str):
        box: list = []
        self.page.runJavaScript(code, 0, box.append)
        self.qtbot.waitUntil(lambda: bool(box), timeout=WAIT_MS)
        return box[0]

    def state(self) -> dict:
        return json.loads(self.js("JSON.stringify(window.digitpadPage.state())"))

    def until(self, condition, what: str) -> dict:
        """The page's state once ``condition(state)`` holds (fails after WAIT_MS)."""
        seen: list[dict] = []

        def check() -> bool:
            seen.append(self.state())
            return bool(condition(seen[-1]))

        try:
            self.qtbot.waitUntil(check, timeout=WAIT_MS)
        except self.qtbot.TimeoutError as exc:  # say what the page was doing
            raise AssertionError(f"timed out waiting for {what}: {seen[-1:]}") from exc
        return seen[-1]

    def text(self, selector: str) -> str:
        return self.js(f"document.querySelector({json.dumps(selector)}).textContent")

    def rect(self, selector: str) -> dict:
        element = f"document.querySelector({json.dumps(selector)})"
        return json.loads(self.js(f"JSON.stringify({element}.getBoundingClientRect())"))

    def stored(self, name: str):
        """What the page keeps in localStorage under ``name`` (draft, pending, ...)."""
        key = f"'digitpad:' + location.pathname.split('/')[1] + ':{name}'"
        return json.loads(self.js(f"localStorage.getItem({key}) || 'null'"))

    # -- real input -------------------------------------------------------------------
    @property
    def target(self):
        """The widget Chromium takes input from (the view's render widget)."""
        proxy = self.view.focusProxy()
        assert proxy is not None, "the view has no render widget yet"
        return proxy

    def draw(self, strokes, steps: int = 12) -> None:
        """Drag each stroke (pad fractions) across the page's canvas with the mouse."""
        pad = self.rect("#pad")
        for stroke in strokes:
            points = []
            for (x0, y0), (x1, y1) in itertools.pairwise(stroke):
                for k in range(steps):
                    x, y = x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps
                    points.append((pad["left"] + x * pad["width"], pad["top"] + y * pad["height"]))
            x, y = stroke[-1]
            points.append((pad["left"] + x * pad["width"], pad["top"] + y * pad["height"]))
            drag(self.target, points, live=True)
            self.qtbot.wait(30)

    def tap(self, selector: str) -> None:
        r = self.rect(selector)
        assert r["width"] > 0 and r["height"] > 0, f"{selector} is not on screen"
        where = QPoint(round(r["left"] + r["width"] / 2), round(r["top"] + r["height"] / 2))
        QTest.mouseClick(
            self.target, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where
        )

    def type(self, text: str) -> None:
        QTest.keyClicks(self.target, text)

    def problems(self) -> list:
        """Console messages at warning level and above."""
        return [m for m in self.page.console if m[0] != "InfoMessageLevel"]


# -- the session ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def predictor() -> Predictor:
    return Predictor.from_file(bundled_variant_path("tutorial"))


@pytest.fixture
def room(tmp_path, predictor):
    room = ClassRoom(tmp_path / "session", predictor, lang="en")
    yield room
    room.close()


@pytest.fixture
def server(room):
    server = ClassServer(room, "127.0.0.1", 0)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def phone(qapp, qtbot, server):
    phone = Phone(qtbot, server.url)
    yield phone
    phone.close()


def _each(phone: Phone, selector: str, what: str) -> list:
    return json.loads(
        phone.js(
            f"JSON.stringify(Array.prototype.map.call(document.querySelectorAll('{selector}'),"
            f" function (e) {{ return {what}; }}))"
        )
    )


def shown_bars(phone: Phone) -> list[str]:
    """The ten bars' percentages, as shown."""
    return _each(phone, "#bars .pct", "e.textContent")


def fill_heights(phone: Phone) -> list[float]:
    """The ten bars' heights (percent of their track), as drawn."""
    return _each(phone, "#bars .fill", "parseFloat(e.style.height)")


def percentages(probabilities) -> list[str]:
    """The bars' labels as the page writes them (JavaScript's Math.round)."""
    return [f"{math.floor(min(1.0, max(0.0, p)) * 100 + 0.5)}%" for p in probabilities]


def expected_reading(predictor, strokes) -> np.ndarray:
    lines = [np.asarray(s, np.float64) for s in strokes]
    return np.asarray(predictor.predict(strokes_to_mnist(lines)), np.float64)


# -- tests ----------------------------------------------------------------------------------
def test_page_loads_under_the_csp_and_connects(phone, room):
    state = phone.until(lambda s: s["connected"], "the welcome")
    assert state["participant"] == room.participants()[0]["id"]
    assert phone.text("#room") == room.room_code
    assert phone.text("#conntext") == "Connected"
    assert phone.js("document.getElementById('conn').getAttribute('data-state')") == "connected"
    # The CSP is in force (script-src 'self': no eval), and the page broke none of it.
    assert (
        phone.js("(function () { try { return eval('1 + 1'); } catch (e) { return e.name; } })()")
        == "EvalError"
    )
    assert phone.problems() == []


def test_drawn_digit_is_read_as_the_pad_reads_it_and_sent_once(phone, room, predictor):
    phone.until(lambda s: s["connected"], "the welcome")
    phone.draw(SEVEN)
    state = phone.until(lambda s: s["strokes"] == 1 and s["lastReading"], "a reading")
    drawn = phone.stored("draft")
    assert len(drawn) == 1 and len(drawn[0]) > 5, drawn
    expected = expected_reading(predictor, drawn)
    # The last reading asked is of the finished stroke; wait for it.
    state = phone.until(
        lambda s: (
            s["lastReading"] and np.allclose(s["lastReading"]["probabilities"], expected, atol=1e-5)
        ),
        "the reading of the whole stroke",
    )
    digit = int(expected.argmax())
    state_read = state["lastReading"]["probabilities"]
    assert state["lastReading"]["digit"] == digit
    assert phone.text("#digit") == str(digit)
    assert shown_bars(phone) == percentages(state["lastReading"]["probabilities"])
    best = phone.js("document.querySelector('#bars .bar.best').getAttribute('data-digit')")
    assert best == str(digit)

    assert phone.js("document.getElementById('send').disabled") is True  # no label yet
    phone.tap('.label[data-digit="7"]')
    phone.until(lambda s: s["label"] == 7, "the label")
    phone.tap("#send")
    state = phone.until(lambda s: s["sent"] == 1 and not s["pending"], "received")

    drawings = room.drawings()
    assert len(drawings) == 1
    stored = drawings[0]
    assert stored["label"] == 7
    assert stored["participant"] == state["participant"]
    assert np.allclose(np.concatenate(stored["strokes"]), np.concatenate(drawn), atol=1e-4)
    # What the page showed is the network's reading of the strokes the server received.
    received = expected_reading(predictor, stored["strokes"])
    assert np.allclose(stored["probabilities"], received, atol=1e-6)
    assert np.allclose(expected, received, atol=1e-6)
    assert np.allclose(state_read, stored["probabilities"], atol=1e-5)  # sent rounded to 5 places
    assert stored["reading"] == digit
    assert state["result"]["label"] == 7 and state["result"]["digit"] == digit
    assert state["result"]["duplicate"] is False
    assert state["strokes"] == 0  # the pad is clear for the next one
    assert phone.problems() == []


def test_answer_lost_after_send_is_resent_and_kept_once(phone, room, server):
    """The drawing is on disk, then the server stops before ``received`` reaches the page;
    a new server comes up on the same port with the same room. The page reconnects, sends
    the same id again, and the room keeps the drawing once."""
    first = phone.until(lambda s: s["connected"], "the welcome")
    stored, page_dropped = threading.Event(), threading.Event()

    def hold_the_answer(kind, payload):  # in the server's journal thread, before `received`
        if kind == "drawing" and not stored.is_set():
            stored.set()
            page_dropped.wait(WAIT_MS / 1000)

    room.add_listener(hold_the_answer)
    phone.draw(SEVEN)
    phone.until(lambda s: s["lastReading"], "a reading")
    phone.tap('.label[data-digit="7"]')
    phone.until(lambda s: s["label"] == 7, "the label")
    phone.tap("#send")
    phone.qtbot.waitUntil(stored.is_set, timeout=WAIT_MS)
    # stop() waits for the journal thread, which waits for the page to lose its socket:
    # stop from another thread while this one watches the page.
    port = server.port
    stopper = threading.Thread(target=server.stop)
    stopper.start()
    try:
        state = phone.until(lambda s: not s["connected"], "the disconnect")
    finally:
        page_dropped.set()
        stopper.join(WAIT_MS / 1000)
    assert not stopper.is_alive() and not server.is_running()
    assert state["pending"] is not None and state["sent"] == 0  # no answer reached it
    pending_id = state["pending"]["id"]
    assert len(room.drawings()) == 1

    again = ClassServer(room, "127.0.0.1", port)
    again.start()
    try:
        state = phone.until(lambda s: s["sent"] == 1 and not s["pending"], "received again")
        assert state["result"]["duplicate"] is True
        assert state["participant"] == first["participant"]
        assert len(room.drawings()) == 1
        assert room.drawings()[0]["client_id"] == pending_id
        assert len(room.participants()) == 1
    finally:
        again.stop()
    assert phone.problems() == []


def test_drawing_sent_while_the_server_is_away_arrives_once(phone, room, server):
    first = phone.until(lambda s: s["connected"], "the welcome")
    port = server.port
    server.stop()
    phone.until(lambda s: not s["connected"], "the disconnect")
    phone.draw(SEVEN)
    phone.tap('.label[data-digit="1"]')
    phone.until(lambda s: s["label"] == 1, "the label")
    phone.tap("#send")
    waiting = phone.until(lambda s: s["pending"], "the drawing kept while offline")
    assert phone.text("#status") == "Kept: it will be sent when the connection is back."
    assert room.drawings() == []

    again = ClassServer(room, "127.0.0.1", port)
    again.start()
    try:
        state = phone.until(lambda s: s["sent"] == 1 and not s["pending"], "received later")
    finally:
        again.stop()
    drawings = room.drawings()
    assert [(d["label"], d["client_id"]) for d in drawings] == [(1, waiting["pending"]["id"])]
    assert state["result"]["duplicate"] is False
    assert state["participant"] == first["participant"]
    assert len(room.participants()) == 1
    assert phone.problems() == []


def test_nickname_with_html_is_text(phone, room):
    phone.until(lambda s: s["connected"], "the welcome")
    phone.tap("#nickname")
    phone.qtbot.waitUntil(
        lambda: phone.js("document.activeElement.id") == "nickname", timeout=WAIT_MS
    )
    phone.type("  <b>Mi</b><img src=x>  ")
    QTest.keyClick(phone.target, Qt.Key.Key_Return)
    phone.qtbot.waitUntil(
        lambda: room.participants()[0]["nickname"] == "<b>Mi</b><img src=x>", timeout=WAIT_MS
    )
    # Shown back (after a reload the server's welcome fills the field) as text, never markup.
    phone.reload()
    phone.until(lambda s: s["connected"], "the welcome after a reload")
    assert phone.js("document.getElementById('nickname').value") == "<b>Mi</b><img src=x>"
    assert phone.js("document.querySelectorAll('b, img').length") == 0
    assert len(room.participants()) == 1
    assert phone.problems() == []


def test_challenge_round_hides_the_reading_until_send(phone, room, predictor):
    room.set_round("challenge")
    phone.until(lambda s: s["connected"] and s["round"]["kind"] == "challenge", "the round")
    assert "Challenge" in phone.text("#prompt")
    phone.draw(SEVEN)
    state = phone.until(lambda s: s["lastReading"], "the (hidden) reading")
    assert state["lastReading"]["hidden"] is True
    assert state["lastReading"]["probabilities"] is None
    assert shown_bars(phone) == [""] * 10
    assert phone.text("#digit") == "?"
    assert phone.js("document.getElementById('reading').classList.contains('concealed')") is True
    assert phone.js("document.querySelectorAll('#bars .bar.best').length") == 0
    assert fill_heights(phone) == [0.0] * 10

    phone.tap('.label[data-digit="7"]')
    phone.until(lambda s: s["label"] == 7, "the label")
    phone.tap("#send")
    state = phone.until(lambda s: s["sent"] == 1 and not s["pending"], "received")
    stored = room.drawings()[0]
    assert stored["round_kind"] == "challenge" and stored["label"] == 7
    digit = stored["reading"]
    assert phone.text("#digit") == str(digit)
    assert shown_bars(phone) == percentages(state["result"]["probabilities"])
    assert phone.js("document.getElementById('reading').classList.contains('concealed')") is False
    heights = np.asarray(state["result"]["probabilities"]) * 100
    assert np.allclose(fill_heights(phone), heights, atol=0.051)  # toFixed(1)
    assert phone.text("#note") in ("It read you!", f"It read a {digit}")
    assert phone.problems() == []
