"""The class session from the window: start, a participant joins and draws over a real
WebSocket, the window sees it, puts it on the pad, follows the live model, and stop
closes the port. (The server's refusals: test_class_server.py; the wall:
test_class_wall.py; the real page in a real browser engine: test_class_page.py.)"""

from __future__ import annotations

import asyncio
import socket
import urllib.request
from urllib.parse import urlsplit

import aiohttp
import numpy as np
import pytest

SEVEN = [[[0.2, 0.2], [0.8, 0.2], [0.45, 0.9]]]
ONE = [[[0.5, 0.1], [0.5, 0.9]]]


async def _participant(url: str, sends: list[tuple[str, int, list]]) -> list[dict]:
    replies = []
    async with aiohttp.ClientSession() as client, client.ws_connect(url + "ws") as ws:
        await ws.send_json({"t": "hello", "participant": None, "nickname": "Ann"})
        replies.append(await asyncio.wait_for(ws.receive_json(), 5))
        await ws.send_json({"t": "read", "seq": 1, "strokes": SEVEN})
        replies.append(await asyncio.wait_for(ws.receive_json(), 5))
        for drawing_id, label, strokes in sends:
            await ws.send_json({"t": "send", "id": drawing_id, "label": label, "strokes": strokes})
            replies.append(await asyncio.wait_for(ws.receive_json(), 5))
    return replies


def test_nothing_listens_until_started_and_stop_closes_the_port(window):
    session = window.class_session
    assert not session.is_running() and session.url is None
    url = session.start("127.0.0.1")
    assert session.is_running() and session.url == url
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and len(parts.path.strip("/")) >= 16
    with urllib.request.urlopen(url, timeout=5) as page:  # the page is served
        assert page.status == 200 and b"<html" in page.read().lower()
    session.stop()
    assert not session.is_running() and session.url is None
    with pytest.raises(OSError):
        socket.create_connection((parts.hostname, parts.port), timeout=2).close()


def test_a_participant_draws_and_the_window_sees_it(window, qtbot):
    session = window.class_session
    url = session.start("127.0.0.1")
    events = []
    session.roomEvent.connect(lambda kind, payload: events.append(kind))
    try:
        replies = asyncio.run(
            _participant(url, [("drawing0001", 7, SEVEN), ("drawing0002", 1, ONE)])
        )
        welcome, reading, first, second = replies
        assert second["label"] == 1
        assert welcome["t"] == "welcome" and welcome["room"] == session.room.room_code
        assert reading["t"] == "reading" and reading["digit"] == 7
        # The same reading the pad gives for the same strokes, through the same preparation.
        window.canvas.set_strokes(SEVEN)
        window.refresh_prediction()
        assert np.allclose(reading["probabilities"], window.current_probabilities(), atol=1e-4)
        assert first["t"] == "received" and first["digit"] == 7 and not first["duplicate"]
        qtbot.waitUntil(lambda: events.count("drawing") == 2, timeout=5000)
        drawings = session.drawings()
        assert [d["label"] for d in drawings] == [7, 1]
        assert drawings[0]["image"].shape == (28, 28) and drawings[0]["image"].dtype == np.uint8
        assert len(drawings[0]["probabilities"]) == 10
        assert drawings[0]["participant"] == welcome["participant"]
        (person,) = session.participants()
        assert person["nickname"] == "Ann" and person["sent"] == 2
    finally:
        session.stop()


def test_a_room_drawing_put_on_the_pad_is_read_there(window):
    session = window.class_session
    url = session.start("127.0.0.1")
    try:
        asyncio.run(_participant(url, [("drawing0001", 1, ONE), ("drawing0002", 7, SEVEN)]))
        window.teach.put_on_pad(1)
        probabilities = window.current_probabilities()
        assert probabilities is not None and int(np.argmax(probabilities)) == 7
        assert np.allclose(probabilities, session.drawings()[1]["probabilities"], atol=1e-4)
        assert window.current_explanation() is not None  # Why this digit? works on it
        window.canvas.undo()  # the pad's own drawing comes back: here, an empty pad
        window.refresh_prediction()
        assert window.current_probabilities() is None
    finally:
        session.stop()


def test_the_room_is_read_by_the_live_model(window):
    session = window.class_session
    session.start("127.0.0.1")
    try:
        assert session.room.predictor is window.models.predictor
        window.models.load_bundled("robust")
        assert session.room.predictor is window.models.predictor
    finally:
        session.stop()


def test_closing_the_window_stops_the_session(qtbot):
    from digitpad.ui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    url = win.class_session.start("127.0.0.1")
    port = urlsplit(url).port
    win.close()
    assert not win.class_session.is_running()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_the_class_view_shows_the_rooms_drawings_as_they_arrive(window, qtbot):
    """Teach ▸ Class session… opens the wall (built when first shown); a drawing sent
    from a phone appears on it, in the GUI thread, through the room's queued events."""
    window.teach.dock.view_actions["class"].trigger()
    wall = window.teach.dock.wall
    assert wall.isVisible() and wall.room() is None
    url = window.class_session.start("127.0.0.1")
    try:
        assert wall.room() is window.class_session.room
        asyncio.run(_participant(url, [("drawing0001", 7, SEVEN)]))
        qtbot.waitUntil(lambda: len(wall.visible_tiles()) == 1, timeout=5000)
        wall.flush()
        assert wall.summary().total == 1 and wall.summary().correct == 1
    finally:
        window.class_session.stop()
    assert wall.room() is not None  # an ended session keeps its digits on the wall


def test_fine_tuning_on_the_room_changes_the_network_only_when_kept(window, qtbot, mnist):
    """One click fine-tunes the live network on the room's digits (real Keras), with
    accuracy on held-back room digits before and after; the window's network changes only
    when the presenter keeps it."""
    from PySide6.QtCore import Qt

    from digitpad.ml.pendigits import load_pendigits
    from tests.conftest import HELD_OUT_PEN

    window.show_teaching_view("class")
    window.class_session.start("127.0.0.1")
    room = window.class_session.room
    wall = window.teach.dock.wall
    wall.set_mnist(mnist)
    pen = load_pendigits(HELD_OUT_PEN)
    people = [room.join(None, f"p{k}", f"127.0.0.{k + 2}") for k in range(4)]
    for n in range(40):  # four of each digit: one of each held back
        index = int(np.flatnonzero(pen.labels == n % 10)[n // 10])
        strokes = [np.asarray(s, float) for s in pen.strokes[index]]
        low = np.min(np.concatenate(strokes), axis=0)
        side = float(np.ptp(np.concatenate(strokes), axis=0).max())
        scaled = [(0.2 + 0.6 * (s - low) / side).tolist() for s in strokes]
        room.send(people[n % 4], f"finetune{n:04d}", n % 10, scaled)
    try:
        before = window.models.predictor
        for keep in (False, True):
            qtbot.mouseClick(wall.fine_tune_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(wall.keep_button.isVisible, timeout=180_000)
            assert (
                "before" in wall.result_label.text() and "10 held back" in wall.result_label.text()
            )
            assert window.models.predictor is before  # not yet: the presenter decides
            qtbot.mouseClick(
                wall.keep_button if keep else wall.discard_button, Qt.MouseButton.LeftButton
            )
            assert not wall.keep_button.isVisible()
            assert (window.models.predictor is not before) == keep
        assert room.predictor is window.models.predictor  # the room reads with it too
    finally:
        window.class_session.stop()


def test_the_rooms_digits_can_be_evaluates_test_set(window, qtbot):
    """Evaluate offers the room's digits as its test set once a session has run: the
    accuracy and matrix are then the room's, the same figures the wall gives."""
    from digitpad.classroom.data import summarize

    window.class_session.start("127.0.0.1")
    room = window.class_session.room
    person = room.join(None, "Ann", "127.0.0.2")
    for n, (label, strokes) in enumerate([(7, SEVEN), (1, ONE), (7, ONE), (1, SEVEN)] * 2):
        room.send(person, f"evaluate{n:04d}", label, strokes)
    qtbot.waitUntil(lambda: len(window.class_session.drawings()) == 8, timeout=5000)
    window.show_teaching_view("evaluate")
    page = window.teach.dock.evaluation
    assert page.test_set.isVisible()
    page.wait()
    page.test_set.setCurrentIndex(page.test_set.findData("room"))
    qtbot.waitUntil(lambda: not page.is_busy() and page.view is not None, timeout=30_000)
    qtbot.waitUntil(lambda: page.view.test_set_size() == 8, timeout=30_000)
    expected = summarize(window.class_session.drawings())
    matrix = page.view.matrix.matrix()
    assert matrix.sum() == 8 and np.array_equal(matrix, expected.confusion)
    window.class_session.stop()
