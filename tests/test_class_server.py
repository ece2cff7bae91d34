"""The class session's server refuses what it must (docs/CLASS_SESSION.md).

A real server (``ClassServer`` on 127.0.0.1, port 0, a real ``ClassRoom`` and journal and
the tutorial network) and a real client (aiohttp's ``ClientSession`` and ``ws_connect``;
raw sockets for the requests aiohttp's client would tidy up, such as ``..`` segments).
Allowed and refused cases sit side by side in the same parametrized tests, so a refusal
is never just a server that answers nothing. Every receive has a timeout. The window's
side: test_class_session.py; a killed app: test_class_killed.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import logging
import socket
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp import WSMsgType

from digitpad.classroom import limits
from digitpad.classroom import server as server_module
from digitpad.classroom.room import ClassRoom, load_drawings
from digitpad.classroom.server import ClassServer
from digitpad.ml.model import bundled_variant_path
from digitpad.ml.predictor import Predictor

TIMEOUT = 5.0  # every receive and request
QUIET = 0.3  # how long "nothing arrives" is waited for
# Used only while the real page (digitpad/classroom/page/) is not all there yet.
FAKE_PAGE = {"": b"<html>page</html>", "page.js": b"//js", "page.css": b"/*css*/"}
CONTENT_TYPES = {
    "": "text/html; charset=utf-8",
    "page.js": "text/javascript; charset=utf-8",
    "page.css": "text/css; charset=utf-8",
}
NOT_FOUND = b"Not found. Open the address on the join card.\n"
SEVEN = [[[0.2, 0.2], [0.8, 0.2], [0.45, 0.9]]]
ONE = [[[0.5, 0.1], [0.5, 0.9]]]


def _second_address() -> str | None:
    """Another loopback address to connect from (all of 127.0.0.0/8 on Linux), so a test
    can show a per-address limit leaves another phone alone; None where there is none."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.2", 0))
        except OSError:
            return None
    return "127.0.0.2"


SECOND_ADDRESS = _second_address()


def from_second_address() -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(SECOND_ADDRESS, 0)))


# -- fixtures ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def predictor() -> Predictor:
    return Predictor.from_file(bundled_variant_path("tutorial"))


@pytest.fixture
def page(monkeypatch) -> dict[str, bytes]:
    """The page's three files: the real ones when all are there, else stand-ins."""
    try:
        return server_module.page_files()
    except OSError:
        monkeypatch.setattr(server_module, "page_files", lambda: dict(FAKE_PAGE))
        return dict(FAKE_PAGE)


@dataclass
class Session:
    room: ClassRoom
    server: ClassServer
    url: str
    page: dict[str, bytes]

    @property
    def ws_url(self) -> str:
        return self.url + "ws"

    @property
    def port(self) -> int:
        return self.server.port

    @property
    def token(self) -> str:
        return self.room.token

    @property
    def folder(self) -> Path:
        return Path(self.room.folder)


@contextlib.contextmanager
def serving(folder: Path, predictor, page, port: int = 0):
    room = ClassRoom(folder, predictor)
    server = ClassServer(room, "127.0.0.1", port)
    try:
        url = server.start()
        yield Session(room, server, url, page)
    finally:
        server.stop()
        room.close()


@pytest.fixture
def session(tmp_path, predictor, page):
    with serving(tmp_path / "s", predictor, page) as running:
        yield running


@pytest.fixture(autouse=True)
def no_handler_crashed(caplog):
    """A message the server did not foresee shows as aiohttp's "Error handling request"
    (the socket dropped, no error code): no test may cause one."""
    yield
    crashed = [
        record
        for phase in ("setup", "call")
        for record in caplog.get_records(phase)
        if record.levelno >= logging.ERROR
    ]
    assert not crashed, [record.getMessage() for record in crashed]


# -- helpers -------------------------------------------------------------------------
def run(coroutine):
    """Run a test's client side, bounded as a whole too."""
    return asyncio.run(asyncio.wait_for(coroutine, 60))


async def receive(ws, timeout: float = TIMEOUT) -> dict:
    message = await asyncio.wait_for(ws.receive(), timeout)
    assert message.type == WSMsgType.TEXT, (message.type, message.data)
    return json.loads(message.data)


async def receive_close(ws, timeout: float = TIMEOUT) -> int:
    """The close code the server sent (skipping any text before it)."""
    while True:
        message = await asyncio.wait_for(ws.receive(), timeout)
        if message.type == WSMsgType.CLOSE:
            return message.data
        assert message.type == WSMsgType.TEXT, (message.type, message.data)


async def nothing_arrives(ws, wait: float = QUIET) -> None:
    with pytest.raises(asyncio.TimeoutError):
        message = await asyncio.wait_for(ws.receive(), wait)
        pytest.fail(f"unexpected {message.type}: {message.data}")


async def hello(ws, participant=None, nickname=None) -> dict:
    await ws.send_json({"t": "hello", "participant": participant, "nickname": nickname})
    welcome = await receive(ws)
    assert welcome["t"] == "welcome", welcome
    return welcome


def as_text(message) -> str:
    """A message as the page would send it (json.dumps writes NaN and Infinity as such)."""
    return message if isinstance(message, str) else json.dumps(message)


async def raw_get(port: int, target: str, extra: bytes = b"", method: bytes = b"GET"):
    """One request over a plain socket, exactly as written: (status, headers, body)."""
    reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), TIMEOUT)
    try:
        writer.write(
            method + b" " + target.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            b"Connection: close\r\n" + extra + b"\r\n"
        )
        await writer.drain()
        # The answer's head and its Content-Length of body; not up to the end of the
        # connection, which aiohttp keeps a while to drain a body it refused.
        head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), TIMEOUT)
        status_line, *header_lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        size = int(headers.get("content-length", "0"))
        body = await asyncio.wait_for(reader.readexactly(size), TIMEOUT)
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
    return int(status_line.split()[1]), headers, body


def other_token(token: str) -> str:
    """A well-formed token that is not this session's."""
    alphabet = limits.TOKEN_ALPHABET
    return "".join(alphabet[(alphabet.index(c) + 1) % len(alphabet)] for c in token)


def assert_security_headers(headers) -> None:
    csp = headers["content-security-policy"]
    for directive in (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"


# -- HTTP: the page, and nothing else ------------------------------------------------
@pytest.mark.parametrize("name", ["", "page.js", "page.css"])
def test_the_page_and_its_assets_are_served_with_the_token(session, name):
    async def client():
        async with aiohttp.ClientSession() as http, http.get(session.url + name) as response:
            return response.status, response.headers, await response.read()

    status, headers, body = run(client())
    assert status == 200
    assert headers["Content-Type"] == CONTENT_TYPES[name]
    assert body == session.page[name]
    assert_security_headers({k.lower(): v for k, v in headers.items()})


REFUSED_PATHS = [
    # (path, with {token} and {wrong} filled in; expected status). Sent over a raw
    # socket exactly as written: aiohttp's client would resolve the dot segments.
    pytest.param("/{token}/", 200, id="allowed-page"),
    pytest.param("/{token}/page.js", 200, id="allowed-script"),
    pytest.param("/", 404, id="no-token-root"),
    pytest.param("/page.js", 404, id="no-token-script"),
    pytest.param("/page.css", 404, id="no-token-style"),
    pytest.param("/ws", 404, id="no-token-websocket"),
    pytest.param("/index.html", 404, id="no-token-index"),
    pytest.param("/{wrong}/", 404, id="wrong-token"),
    pytest.param("/{wrong}/page.js", 404, id="wrong-token-script"),
    pytest.param("/{short}/", 404, id="token-prefix"),
    pytest.param("/{upper}/", 404, id="token-upper-case"),
    pytest.param("/{token}", 404, id="token-without-slash"),
    pytest.param("/?token={token}", 404, id="token-as-query"),
    pytest.param("/page.js?token={token}", 404, id="token-as-query-script"),
    pytest.param("/{token}/../../etc/passwd", 404, id="dot-dot"),
    pytest.param("/{token}/%2e%2e/%2e%2e/etc/passwd", 404, id="encoded-dot-dot"),
    pytest.param("/{token}/page/../page.js", 404, id="dot-dot-to-a-real-file"),
    pytest.param("/{token}/./page.js", 404, id="dot-segment"),
    pytest.param("/{token}//etc/passwd", 404, id="double-slash"),
    pytest.param("/{token}/..%2F..%2Fetc%2Fpasswd", 404, id="encoded-slashes"),
    pytest.param("/{token}%2Fpage.js", 404, id="encoded-slash-after-token"),
    pytest.param("/{token}/page%2Ejs", 404, id="encoded-dot"),
    pytest.param("/x/../{token}/page.js", 404, id="dot-dot-before-token"),
    pytest.param("/{token}/index.html", 404, id="file-name-not-route"),
    pytest.param("/{token}/page.js/", 404, id="file-as-directory"),
    pytest.param("/{token}/page/", 404, id="directory"),
    pytest.param("/{token}/page", 404, id="directory-without-slash"),
    pytest.param("/{token}/journal.jsonl", 404, id="the-journal"),
]


@pytest.mark.parametrize(("path", "status"), REFUSED_PATHS)
def test_requests_without_the_token_or_for_other_paths_get_404(session, path, status):
    token = session.token
    target = path.format(
        token=token, wrong=other_token(token), short=token[:-1], upper=token.upper()
    )
    got, headers, body = run(raw_get(session.port, target))
    assert got == status, (target, body)
    assert_security_headers(headers)
    if status == 404:
        assert body == NOT_FOUND  # the same one line whatever was wrong
        assert b"root:" not in body
        assert all(content not in body for content in session.page.values() if content)


def test_an_earlier_sessions_token_gets_404_on_the_same_port(tmp_path, predictor, page):
    with serving(tmp_path / "first", predictor, page) as first:
        old_token, port = first.token, first.port
    with serving(tmp_path / "second", predictor, page, port=port) as second:
        assert second.port == port and second.token != old_token
        old, _, old_body = run(raw_get(port, f"/{old_token}/"))
        new, _, new_body = run(raw_get(port, f"/{second.token}/"))
        old_ws, _, _ = run(raw_get(port, f"/{old_token}/ws"))
    assert (old, old_body) == (404, NOT_FOUND)
    assert old_ws == 404
    assert (new, new_body) == (200, page[""])


@pytest.mark.parametrize("method", ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"])
@pytest.mark.parametrize("with_token", [True, False], ids=["token", "no-token"])
def test_methods_other_than_get_get_405_with_the_token_and_404_without(session, method, with_token):
    url = session.url + "page.js" if with_token else session.url.rsplit("/", 2)[0] + "/page.js"

    async def client():
        async with aiohttp.ClientSession() as http, http.request(method, url) as response:
            return response.status, response.headers.get("Allow"), await response.read()

    status, allow, body = run(client())
    if method == "GET":
        assert status == (200 if with_token else 404)
    elif with_token:
        assert (status, allow) == (405, "GET")
    else:
        assert (status, body) == (404, NOT_FOUND)


@pytest.mark.parametrize(
    ("extra", "status"),
    [
        pytest.param(b"", 200, id="no-body"),
        pytest.param(b"Content-Length: 0\r\n", 200, id="empty-body"),
        pytest.param(b"Content-Length: 5\r\n\r\nhello", 413, id="content-length"),
        pytest.param(b"Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n", 413, id="chunked"),
        pytest.param(b"Content-Length: 100000000\r\n\r\nxx", 413, id="huge-declared"),
    ],
)
def test_a_get_with_a_body_gets_413(session, extra, status):
    got, _, body = run(raw_get(session.port, f"/{session.token}/page.js", extra))
    assert got == status
    if status == 413:
        assert body == b"No request body is accepted.\n"


@pytest.mark.parametrize(
    ("suffix", "status"),
    [
        ("page.js", 200),
        ("page.js?v=2", 400),
        ("?x=1", 400),
        ("page.css?", 200),  # an empty query string is no query string
        ("ws?token=x", 400),
    ],
)
def test_a_query_string_on_a_token_route_gets_400(session, suffix, status):
    got, _, _ = run(raw_get(session.port, f"/{session.token}/{suffix}"))
    assert got == status


# -- the WebSocket: hello, reading -----------------------------------------------------
def test_hello_gets_a_welcome_with_the_documented_fields(session):
    async def client():
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(session.ws_url) as ws:
                first = await hello(ws, nickname="Ann")
                await ws.send_json({"t": "nickname", "nickname": "Bo"})
                renamed = await receive(ws)
            async with http.ws_connect(session.ws_url) as ws:  # a reconnect
                again = await hello(ws, participant=first["participant"])
            return first, renamed, again

    first, renamed, again = run(client())
    assert set(first) == {"t", "participant", "nickname", "room", "round", "paused", "lang"} | {
        "limits"
    }
    assert isinstance(first["participant"], str) and first["participant"]
    assert first["nickname"] == "Ann"
    assert first["room"] == session.room.room_code
    assert first["round"] == {"id": 1, "kind": "free", "digit": None}
    assert first["paused"] is False and first["lang"] == "en"
    assert first["limits"] == limits.as_dict()
    assert renamed["t"] == "welcome" and renamed["nickname"] == "Bo"
    assert renamed["participant"] == first["participant"]
    assert again["participant"] == first["participant"] and again["nickname"] == "Bo"
    assert len(session.room.participants()) == 1


def test_a_drawn_seven_is_read_as_seven(session):
    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            await hello(ws)
            await ws.send_json({"t": "read", "seq": 41, "strokes": SEVEN})
            return await receive(ws)

    reading = run(client())
    assert set(reading) == {"t", "seq", "probabilities", "digit"}
    assert reading["t"] == "reading" and reading["seq"] == 41
    assert len(reading["probabilities"]) == 10
    assert sum(reading["probabilities"]) == pytest.approx(1.0, abs=1e-3)
    assert reading["digit"] == 7
    assert session.room.drawings() == []  # a reading keeps nothing


def _read(strokes, seq=1):
    return {"t": "read", "seq": seq, "strokes": strokes}


def _send(strokes=SEVEN, label=7, drawing_id="drawing-0001"):
    return {"t": "send", "id": drawing_id, "label": label, "strokes": strokes}


def _point(x, y=0.5):
    return [[[0.5, 0.5], [x, y]]]


MESSAGES = [
    # (joined first?, message (text, bytes or an object), expected answer: a reply
    # type or an error code). Each case has a fresh server and participant.
    pytest.param(True, _read(SEVEN), "reading", id="allowed-read"),
    pytest.param(True, _send(), "received", id="allowed-send"),
    # not joined
    pytest.param(False, _read(SEVEN), "not-joined", id="read-before-hello"),
    pytest.param(False, _send(), "not-joined", id="send-before-hello"),
    pytest.param(False, {"t": "nickname", "nickname": "x"}, "not-joined", id="nick-before-hello"),
    # JSON
    pytest.param(True, "this is not json", "bad-json", id="not-json"),
    pytest.param(True, "", "bad-json", id="empty-text"),
    pytest.param(True, '{"t": "read", "seq": 1', "bad-json", id="cut-short"),
    pytest.param(True, '[{"t": "read"}]', "bad-json", id="json-array"),
    pytest.param(True, '"read"', "bad-json", id="json-string"),
    pytest.param(True, "42", "bad-json", id="json-number"),
    pytest.param(True, "null", "bad-json", id="json-null"),
    pytest.param(True, "[" * 30_000, "bad-json", id="nested-30000-deep"),
    pytest.param(False, "[1, 2]", "bad-json", id="json-array-before-hello"),
    # type
    pytest.param(True, {"t": "delete", "id": "drawing-0001"}, "bad-type", id="unknown-type"),
    pytest.param(True, {"strokes": SEVEN}, "bad-type", id="no-type"),
    pytest.param(True, {"t": 5}, "bad-type", id="type-a-number"),
    pytest.param(True, {"t": ["read"]}, "bad-type", id="type-a-list"),
    pytest.param(True, json.dumps(_read(SEVEN)).encode(), "bad-type", id="binary-frame"),
    pytest.param(False, b"\x00\x01", "bad-type", id="binary-before-hello"),
    # how much
    pytest.param(True, _read([[[0.5, 0.5]]] * 64), "reading", id="allowed-64-strokes"),
    pytest.param(True, _read([[[0.5, 0.5]]] * 65), "too-many-strokes", id="65-strokes"),
    pytest.param(True, _read([[[0, 0]] * 4000]), "reading", id="allowed-4000-points"),
    pytest.param(True, _read([[[0, 0]] * 4001]), "too-many-points", id="4001-points"),
    pytest.param(True, _read([[[0, 0]] * 2001] * 2), "too-many-points", id="2x2001-points"),
    pytest.param(True, _send([[[0.5, 0.5]]] * 65), "too-many-strokes", id="send-65-strokes"),
    pytest.param(True, _send([[[0, 0]] * 4001]), "too-many-points", id="send-4001-points"),
    # coordinates
    pytest.param(True, _read(_point(-0.5, 1.5)), "reading", id="allowed-bounds"),
    pytest.param(True, _read(_point(0, 1)), "reading", id="allowed-integers"),
    pytest.param(True, '{"t":"read","seq":1,"strokes":[[[NaN,0.5]]]}', "bad-strokes", id="nan"),
    pytest.param(True, _read(_point(float("inf"))), "bad-strokes", id="infinity"),
    pytest.param(True, _read(_point(float("-inf"))), "bad-strokes", id="minus-infinity"),
    pytest.param(True, '{"t":"read","seq":1,"strokes":[[[1e400,0.5]]]}', "bad-strokes", id="1e400"),
    pytest.param(True, _read(_point(10**400)), "bad-strokes", id="400-digit-integer"),
    pytest.param(True, _read(_point(1.5000001)), "bad-strokes", id="above-range"),
    pytest.param(True, _read(_point(-0.6)), "bad-strokes", id="below-range"),
    pytest.param(True, _read(_point("0.5")), "bad-strokes", id="string"),
    pytest.param(True, _read(_point(True)), "bad-strokes", id="bool"),
    pytest.param(True, _read(_point(None)), "bad-strokes", id="null"),
    pytest.param(True, _read([[[0.5]]]), "bad-strokes", id="one-coordinate"),
    pytest.param(True, _read([[[0.5, 0.5, 0.5]]]), "bad-strokes", id="three-coordinates"),
    pytest.param(True, _read([[{"x": 0.5, "y": 0.5}]]), "bad-strokes", id="point-an-object"),
    pytest.param(True, _read(["0.5,0.5"]), "bad-strokes", id="stroke-a-string"),
    pytest.param(True, _read("strokes"), "bad-strokes", id="strokes-a-string"),
    pytest.param(True, _read({"0": [[0.5, 0.5]]}), "bad-strokes", id="strokes-an-object"),
    pytest.param(True, {"t": "read", "seq": 1}, "bad-strokes", id="no-strokes"),
    pytest.param(True, _send(_point(float("nan"))), "bad-strokes", id="send-nan"),
    pytest.param(True, _send(_point(10**400)), "bad-strokes", id="send-400-digit-integer"),
    # seq
    pytest.param(True, _read(SEVEN, seq="1"), "bad-seq", id="seq-a-string"),
    pytest.param(True, _read(SEVEN, seq=-1), "bad-seq", id="seq-negative"),
    pytest.param(True, _read(SEVEN, seq=1.5), "bad-seq", id="seq-a-fraction"),
    pytest.param(True, _read(SEVEN, seq=2**53), "bad-seq", id="seq-too-large"),
    # label (a free round)
    pytest.param(True, _send(label=0), "received", id="allowed-label-0"),
    pytest.param(True, _send(label=9), "received", id="allowed-label-9"),
    pytest.param(True, _send(label=10), "bad-label", id="label-10"),
    pytest.param(True, _send(label=-1), "bad-label", id="label-minus-1"),
    pytest.param(True, _send(label="7"), "bad-label", id="label-a-string"),
    pytest.param(True, _send(label=True), "bad-label", id="label-true"),
    pytest.param(True, _send(label=None), "bad-label", id="label-null"),
    pytest.param(True, _send(label=7.5), "bad-label", id="label-a-fraction"),
    pytest.param(True, _send(label=[7]), "bad-label", id="label-a-list"),
    # the drawing's id
    pytest.param(True, _send(drawing_id="a" * 8), "received", id="allowed-id-8"),
    pytest.param(True, _send(drawing_id="A-z_9" * 12 + "abcd"), "received", id="allowed-id-64"),
    pytest.param(True, _send(drawing_id="a" * 7), "bad-id", id="id-7-chars"),
    pytest.param(True, _send(drawing_id="a" * 65), "bad-id", id="id-65-chars"),
    pytest.param(True, _send(drawing_id=""), "bad-id", id="id-empty"),
    pytest.param(True, _send(drawing_id="abcd/efgh"), "bad-id", id="id-slash"),
    pytest.param(True, _send(drawing_id="../../etc/passwd"), "bad-id", id="id-dot-dot"),
    pytest.param(True, _send(drawing_id="abcdefgh.."), "bad-id", id="id-dots"),
    pytest.param(True, _send(drawing_id="abcd efgh"), "bad-id", id="id-space"),
    pytest.param(True, _send(drawing_id="abcdefgh\n"), "bad-id", id="id-newline"),
    pytest.param(True, _send(drawing_id="abcdéfgh"), "bad-id", id="id-not-ascii"),
    pytest.param(True, _send(drawing_id=12345678), "bad-id", id="id-a-number"),
    pytest.param(True, _send(drawing_id=None), "bad-id", id="id-null"),
    pytest.param(True, _send(drawing_id=["abcdefgh"]), "bad-id", id="id-a-list"),
    # nothing drawn
    pytest.param(True, _read([]), "empty", id="read-no-strokes"),
    pytest.param(True, _read([[], []]), "empty", id="read-empty-strokes"),
    pytest.param(True, _send([]), "empty", id="send-no-strokes"),
    pytest.param(True, _send([[]]), "empty", id="send-empty-stroke"),
    # nickname
    pytest.param(True, {"t": "nickname", "nickname": 5}, "bad-nickname", id="nickname-number"),
]


@pytest.mark.parametrize(("joined", "message", "expected"), MESSAGES)
def test_each_message_is_answered_or_refused_with_its_code(session, joined, message, expected):
    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            if joined:
                await hello(ws)
            if isinstance(message, bytes):
                await ws.send_bytes(message)
            else:
                await ws.send_str(as_text(message))
            answer = await receive(ws)
            # The socket is still open and answers the next message.
            if joined:
                await ws.send_json(_read(ONE, seq=99))
            else:
                await ws.send_json({"t": "hello", "participant": None})
            after = await receive(ws)
            return answer, after

    answer, after = run(client())
    if expected in ("reading", "received"):
        assert answer["t"] == expected, answer
    else:
        assert answer["t"] == "error" and answer["code"] == expected, answer
        assert isinstance(answer["message"], str) and "\n" not in answer["message"]
        if isinstance(message, dict):
            for key in ("seq", "id"):  # an answer to a read or a send says which
                if isinstance(message.get(key), (int, str)):
                    assert answer[key] == message[key]
    assert after["t"] == ("reading" if joined else "welcome"), after
    drawings = load_drawings(session.folder)[0]
    assert len(drawings) == (1 if expected == "received" else 0)


@pytest.mark.parametrize(
    ("size", "closed"),
    [
        (1000, False),
        (limits.MAX_MESSAGE_BYTES - 1, False),
        (limits.MAX_MESSAGE_BYTES + 1, True),
        (4 * limits.MAX_MESSAGE_BYTES, True),
    ],
)
def test_a_message_over_64_kib_closes_the_socket_with_1009(session, size, closed):
    base = json.dumps({**_read(SEVEN), "pad": ""})
    text = json.dumps({**_read(SEVEN), "pad": "x" * (size - len(base))})
    assert len(text.encode()) == size

    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            await hello(ws)
            await ws.send_str(text)
            if closed:
                return await receive_close(ws)
            return await receive(ws)

    answer = run(client())
    if closed:
        assert answer == 1009
    else:
        assert answer["t"] == "reading" and answer["digit"] == 7


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("Ann", "Ann"),
        ("<b>x</b><script>", "<b>x</b><script>"),  # text, never markup
        ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert"),
        ("  Kim   Lee \t", "Kim Lee"),
        ("a\x00b\x1bc\u200bd\u202ee\x7f", "abcde"),  # control and format characters
        ("x" * 10_000, "x" * limits.MAX_NICKNAME),
        ("a" * 23 + " b", "a" * 23),  # cut to 24, then trimmed again
        ("민지", "민지"),
        (None, ""),
    ],
)
def test_a_nickname_is_stored_as_plain_trimmed_text(session, sent, stored):
    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            return await hello(ws, nickname=sent)

    welcome = run(client())
    assert welcome["nickname"] == stored
    assert len(stored) <= limits.MAX_NICKNAME
    assert [p["nickname"] for p in session.room.participants()] == [stored]
    assert [p["nickname"] for p in load_drawings(session.folder)[1]] == [stored]


# -- rate limits -----------------------------------------------------------------------
FLOOD = 200


async def _flood_reads(ws, count: int = FLOOD) -> None:
    for number in range(count):
        await ws.send_json(_read(SEVEN, seq=number))


async def _answers_until_close(ws, most: int) -> tuple[list[dict], int | None]:
    """Every answer until the socket closes or ``most`` have arrived."""
    answers: list[dict] = []
    while len(answers) < most:
        message = await asyncio.wait_for(ws.receive(), TIMEOUT)
        if message.type == WSMsgType.CLOSE:
            return answers, message.data
        assert message.type == WSMsgType.TEXT, (message.type, message.data)
        answers.append(json.loads(message.data))
    return answers, None


def test_a_flood_of_reads_is_refused_for_that_participant_only(session):
    async def client():
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(session.ws_url) as flooder,
            http.ws_connect(session.ws_url) as other,
        ):
            await hello(flooder)
            await hello(other)

            async def others_reads():
                replies = []
                for number in range(10):
                    await other.send_json(_read(SEVEN, seq=1000 + number))
                    replies.append(await receive(other))
                    await asyncio.sleep(0.01)
                return replies

            await _flood_reads(flooder)
            flood, others = await asyncio.gather(
                _answers_until_close(flooder, FLOOD), others_reads()
            )
            return flood, others

    (answers, closed), others = run(client())
    assert closed is None and len(answers) == FLOOD  # under the refusals limit: still open
    assert [a["t"] for a in answers[: limits.READ_BURST]] == ["reading"] * limits.READ_BURST
    refused = [a for a in answers if a["t"] == "error"]
    assert all(a["code"] == "rate" for a in refused)
    assert len(refused) >= FLOOD // 2
    assert {a["seq"] for a in answers} == set(range(FLOOD))  # each one answered
    # The other participant, at the same time, read every time.
    assert [(r["t"], r["digit"], r["seq"]) for r in others] == [
        ("reading", 7, 1000 + n) for n in range(10)
    ]


@pytest.mark.parametrize("flood", ["reads", "bad-messages"])
def test_refused_messages_in_a_row_close_the_socket_with_4008(session, monkeypatch, flood):
    monkeypatch.setattr(limits, "MAX_REFUSALS_IN_A_ROW", 25)  # read at each message

    async def client():
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(session.ws_url) as flooder,
            http.ws_connect(session.ws_url) as other,
        ):
            await hello(flooder)
            await hello(other)
            if flood == "reads":
                await _flood_reads(flooder)
            else:
                # 24 refused, one good one (the count starts again), then a flood.
                for _ in range(24):
                    await flooder.send_json({"t": "nonsense"})
                await flooder.send_json(_read(SEVEN, seq=7))
                for _ in range(100):
                    await flooder.send_json({"t": "nonsense"})
            answers, code = await _answers_until_close(flooder, FLOOD + 1)
            await other.send_json(_read(SEVEN, seq=5))
            return answers, code, await receive(other)

    answers, code, others = run(client())
    assert code == limits.CLOSE_FLOOD
    errors = [a for a in answers if a["t"] == "error"]
    assert len(errors) >= 25
    if flood == "bad-messages":
        assert [a.get("code") for a in answers] == ["bad-type"] * 24 + [None] + ["bad-type"] * 25
        assert answers[24]["t"] == "reading"
    else:
        assert {a["code"] for a in errors} == {"rate"}
    assert others["t"] == "reading" and others["digit"] == 7  # the others are unaffected


@pytest.mark.parametrize("frames", ["text", "binary"])
def test_a_socket_that_never_says_hello_is_closed_after_refusals_in_a_row(
    session, monkeypatch, frames
):
    """The count is the socket's own: a socket with no participant behind it (no hello,
    or hellos refused) cannot send refused messages for ever either."""
    monkeypatch.setattr(limits, "MAX_REFUSALS_IN_A_ROW", 25)

    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            for _ in range(60):
                if frames == "text":
                    await ws.send_json(_read(SEVEN))  # not joined
                else:
                    await ws.send_bytes(b"\x00" * 10)
            return await _answers_until_close(ws, 61)

    answers, code = run(client())
    assert code == limits.CLOSE_FLOOD
    assert len(answers) == 25 and all(a["t"] == "error" for a in answers)


def test_more_websockets_than_allowed_from_one_address_are_refused_with_429(session):
    async def client():
        async with contextlib.AsyncExitStack() as stack:
            http = await stack.enter_async_context(aiohttp.ClientSession())
            sockets = [
                await stack.enter_async_context(http.ws_connect(session.ws_url))
                for _ in range(limits.SOCKETS_PER_ADDRESS)
            ]
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await stack.enter_async_context(http.ws_connect(session.ws_url))
            if SECOND_ADDRESS:  # another phone is not refused
                other = await stack.enter_async_context(from_second_address())
                await hello(await stack.enter_async_context(other.ws_connect(session.ws_url)))
            # Every allowed one still works.
            for ws in sockets:
                await hello(ws)
            # One closes: a new one is allowed again (once the server has seen it go).
            await sockets.pop().close()
            for _ in range(50):
                try:
                    ws = await stack.enter_async_context(http.ws_connect(session.ws_url))
                    break
                except aiohttp.WSServerHandshakeError:
                    await asyncio.sleep(0.05)
            else:
                pytest.fail("no WebSocket allowed after one closed")
            await hello(ws)
            return refused.value.status

    assert run(client()) == 429


def test_hellos_from_one_address_are_rate_limited(session):
    """Each new hello makes a participant: a loop of them must not fill the room."""

    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            answers = []
            for _ in range(limits.JOIN_BURST + 5):
                await ws.send_json({"t": "hello", "participant": None})
                answers.append(await receive(ws))
            for _ in range(5):
                await ws.send_json({"t": "nickname", "nickname": "again"})
                answers.append(await receive(ws))
        if SECOND_ADDRESS:  # another phone still joins
            async with from_second_address() as other, other.ws_connect(session.ws_url) as ws:
                await hello(ws)
        return answers

    answers = run(client())
    welcomes = [a for a in answers if a["t"] == "welcome"]
    refused = [a.get("code") for a in answers if a["t"] == "error"]
    assert len(welcomes) <= limits.JOIN_BURST + 1  # one more may refill meanwhile
    assert refused and set(refused) == {"rate"}
    assert len(session.room.participants()) == len(welcomes) + bool(SECOND_ADDRESS)


# -- send: what is kept, and when ------------------------------------------------------
def test_received_comes_only_after_the_journal_holds_the_drawing(session):
    written = []
    append = session.room.journal.append

    def recording_append(event, *, durable=False):
        if event.get("e") == "drawing":
            written.append("writing")
        append(event, durable=durable)
        if event.get("e") == "drawing":
            written.append("written")

    session.room.journal.append = recording_append

    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            welcome = await hello(ws)
            await ws.send_json(_send(SEVEN, 7, "drawing-0001"))
            received = await receive(ws)
            on_disk = load_drawings(session.folder)[0]  # at once: it is there
            return welcome, received, on_disk, list(written)

    welcome, received, on_disk, seen = run(client())
    assert seen == ["writing", "written"]
    assert received == {
        "t": "received",
        "id": "drawing-0001",
        "drawing": 0,
        "label": 7,
        "digit": 7,
        "probabilities": received["probabilities"],
        "duplicate": False,
    }
    assert sum(received["probabilities"]) == pytest.approx(1.0, abs=1e-3)
    [drawing] = on_disk
    assert drawing["client_id"] == "drawing-0001"
    assert drawing["participant"] == welcome["participant"]
    assert (drawing["label"], drawing["reading"], drawing["number"]) == (7, 7, 0)
    assert drawing["image"].shape == (28, 28) and drawing["image"].any()


def test_a_journal_that_cannot_be_written_answers_storage_not_received(session):
    append = session.room.journal.append

    def full_disk(event, *, durable=False):
        if event.get("e") == "drawing":
            raise OSError(28, "No space left on device")
        append(event, durable=durable)

    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            await hello(ws)
            session.room.journal.append = full_disk
            await ws.send_json(_send(SEVEN, 7, "drawing-0001"))
            refused = await receive(ws)
            session.room.journal.append = append  # the disk has room again
            await ws.send_json(_send(SEVEN, 7, "drawing-0001"))
            return refused, await receive(ws)

    refused, again = run(client())
    assert (refused["t"], refused["code"], refused["id"]) == ("error", "storage", "drawing-0001")
    assert again["t"] == "received" and again["duplicate"] is False  # kept now, once
    assert [d["client_id"] for d in load_drawings(session.folder)[0]] == ["drawing-0001"]


def test_the_same_id_sent_twice_even_after_a_reconnect_is_stored_once(session):
    async def client():
        async with aiohttp.ClientSession() as http:
            async with http.ws_connect(session.ws_url) as ws:
                me = (await hello(ws))["participant"]
                await ws.send_json(_send(SEVEN, 7, "drawing-0001"))
                first = await receive(ws)
                await ws.send_json(_send(SEVEN, 7, "drawing-0001"))
                second = await receive(ws)
            async with http.ws_connect(session.ws_url) as ws:  # the phone reconnects
                await hello(ws, participant=me)
                await ws.send_json(_send(SEVEN, 7, "drawing-0001"))
                third = await receive(ws)
                await ws.send_json(_send(ONE, 1, "drawing-0002"))
                fourth = await receive(ws)
            async with http.ws_connect(session.ws_url) as ws:  # someone else, same id
                await hello(ws)
                await ws.send_json(_send(ONE, 1, "drawing-0001"))
                other = await receive(ws)
            return first, second, third, fourth, other

    first, second, third, fourth, other = run(client())
    assert first["duplicate"] is False
    assert second["duplicate"] is True and third["duplicate"] is True
    assert first["drawing"] == second["drawing"] == third["drawing"] == 0
    assert (fourth["duplicate"], fourth["drawing"]) == (False, 1)
    assert (other["duplicate"], other["drawing"]) == (False, 2)  # ids are per participant
    stored = load_drawings(session.folder)[0]
    assert [d["client_id"] for d in stored] == ["drawing-0001", "drawing-0002", "drawing-0001"]
    assert len(session.room.drawings()) == 3


def test_while_paused_send_is_refused_and_nothing_is_stored(session):
    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            await hello(ws)
            session.room.set_paused(True)
            pushed = await receive(ws)
            await ws.send_json(_send(SEVEN, 7, "drawing-0001"))
            refused = await receive(ws)
            await ws.send_json(_read(SEVEN, seq=3))
            reading = await receive(ws)  # reading goes on while paused
            stored_while_paused = load_drawings(session.folder)[0]
            async with http.ws_connect(session.ws_url) as late:  # joins while paused
                late_welcome = await hello(late)
            session.room.set_paused(False)
            resumed = await receive(ws)
            await ws.send_json(_send(SEVEN, 7, "drawing-0001"))
            received = await receive(ws)
            return pushed, refused, reading, stored_while_paused, late_welcome, resumed, received

    pushed, refused, reading, stored, late, resumed, received = run(client())
    assert pushed == {"t": "paused", "paused": True}
    assert (refused["code"], refused["id"]) == ("paused", "drawing-0001")
    assert reading["t"] == "reading"
    assert stored == []
    assert late["paused"] is True
    assert resumed == {"t": "paused", "paused": False}
    assert received["t"] == "received" and received["duplicate"] is False


@pytest.mark.parametrize("label", [3, 8, "eight", None, 42])
def test_a_digit_round_stores_the_rounds_digit_whatever_is_sent(session, label):
    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            await hello(ws)
            session.room.set_round("digit", 3)
            pushed = await receive(ws)
            await ws.send_json(_send(SEVEN, label, "drawing-0001"))
            return pushed, await receive(ws)

    pushed, received = run(client())
    assert pushed == {"t": "round", "round": {"id": 2, "kind": "digit", "digit": 3}}
    assert received["t"] == "received" and received["label"] == 3
    assert received["digit"] == 7  # what the network read is kept as read
    assert [d["label"] for d in load_drawings(session.folder)[0]] == [3]


def test_a_challenge_rounds_reading_is_hidden_and_received_carries_the_digit(session):
    async def client():
        async with aiohttp.ClientSession() as http, http.ws_connect(session.ws_url) as ws:
            welcome = await hello(ws)
            session.room.set_round("challenge")
            pushed = await receive(ws)
            await ws.send_json(_read(SEVEN, seq=12))
            reading = await receive(ws)
            await ws.send_json(_send(SEVEN, 7, "drawing-0001"))
            received = await receive(ws)
            async with http.ws_connect(session.ws_url) as late:
                late_welcome = await hello(late)
            return welcome, pushed, reading, received, late_welcome

    welcome, pushed, reading, received, late = run(client())
    assert welcome["round"]["kind"] == "free"
    assert pushed == {"t": "round", "round": {"id": 2, "kind": "challenge", "digit": None}}
    assert reading == {"t": "reading", "seq": 12, "hidden": True}  # nothing else
    assert received["t"] == "received" and received["digit"] == 7
    assert len(received["probabilities"]) == 10
    assert late["round"] == pushed["round"]


def test_a_removed_participant_is_told_closed_with_4003_and_cannot_return(session):
    async def client():
        async with aiohttp.ClientSession() as http:
            async with (
                http.ws_connect(session.ws_url) as ws,
                http.ws_connect(session.ws_url) as other,
            ):
                me = (await hello(ws))["participant"]
                await hello(other)
                session.room.remove_participant(me)
                told = await receive(ws)
                code = await receive_close(ws)
                await other.send_json(_read(SEVEN, seq=2))
                others = await receive(other)
                await nothing_arrives(other)  # no "removed" for the others
            async with http.ws_connect(session.ws_url) as again:
                await again.send_json({"t": "hello", "participant": me})
                refused = await receive(again)
                code_again = await receive_close(again)
            return told, code, others, refused, code_again

    told, code, others, refused, code_again = run(client())
    assert told == {"t": "removed"}
    assert code == limits.CLOSE_REMOVED
    assert others["t"] == "reading"
    assert refused["t"] == "error" and refused["code"] == "removed"
    assert code_again == limits.CLOSE_REMOVED


# -- stop, and privacy -----------------------------------------------------------------
def test_after_stop_the_port_refuses_and_open_sockets_were_closed(session):
    async def client():
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(session.ws_url) as joined,
            http.ws_connect(session.ws_url) as silent,  # never said hello
        ):
            await hello(joined)
            await asyncio.to_thread(session.server.stop)
            closes = [
                await asyncio.wait_for(joined.receive(), TIMEOUT),
                await asyncio.wait_for(silent.receive(), TIMEOUT),
            ]
            with pytest.raises(OSError):
                _reader, writer = await asyncio.wait_for(
                    asyncio.open_connection("127.0.0.1", session.port), TIMEOUT
                )
                writer.close()
            with pytest.raises(aiohttp.ClientConnectionError):
                async with http.get(session.url):
                    pass
            return [(m.type, m.data) for m in closes]

    closes = run(client())
    assert closes == [(WSMsgType.CLOSE, limits.CLOSE_STOPPING)] * 2
    assert not session.server.is_running()
    assert session.server.url is None
    session.server.stop()  # again: harmless
    assert not session.server.is_running()


HELD = {
    # What a client holds open when the presenter stops the session.
    "idle-connection": b"",
    "half-a-request-line": b"GET /",
    "a-keep-alive-after-a-page": b"GET /{token}/page.js HTTP/1.1\r\nHost: x\r\n\r\n",
    "a-refused-body-never-sent": (
        b"GET /{token}/page.js HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\nxx"
    ),
    "a-websocket-never-joined": None,
}


@pytest.mark.parametrize("held", list(HELD))
def test_stop_is_prompt_and_ends_the_thread_whatever_a_client_holds(session, held):
    async def client():
        async with aiohttp.ClientSession() as http:
            ws = None
            reader, writer = await asyncio.open_connection("127.0.0.1", session.port)
            try:
                if HELD[held] is None:
                    ws = await http.ws_connect(session.ws_url)
                else:
                    writer.write(HELD[held].replace(b"{token}", session.token.encode()))
                    await writer.drain()
                await asyncio.sleep(0.2)  # the server has it
                started = time.monotonic()
                await asyncio.to_thread(session.server.stop)
                took = time.monotonic() - started
                await asyncio.wait_for(reader.read(), TIMEOUT)  # the connection ends
                if ws is not None:
                    closed = await asyncio.wait_for(ws.receive(), TIMEOUT)
                    assert (closed.type, closed.data) == (WSMsgType.CLOSE, limits.CLOSE_STOPPING)
                return took
            finally:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
                if ws is not None:
                    await ws.close()

    took = run(client())
    assert took < 2.0  # was 10 s (the thread left running) for a refused body
    assert not session.server.is_running()
    assert "digitpad-class-server" not in [thread.name for thread in threading.enumerate()]


def test_connections_arriving_as_the_session_stops_are_closed_too(tmp_path, predictor, page):
    """A phone connecting in the very turn the presenter stops: its socket is closed by
    stop(), not left to the garbage collector (asyncio asserts when a connection attaches
    to a closed server; it did for about half of these)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        for number in range(20):
            with serving(tmp_path / f"s{number}", predictor, page) as running:
                with socket.create_connection(("127.0.0.1", running.port), timeout=TIMEOUT):
                    pass  # stop() follows at once
        gc.collect()
    leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
    assert leaks == []


def test_participants_never_get_each_others_drawings(session):
    async def client():
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(session.ws_url) as a,
            http.ws_connect(session.ws_url) as b,
        ):
            await hello(a, nickname="A")
            await hello(b, nickname="B")
            await a.send_json(_read(SEVEN, seq=1))
            assert (await receive(a))["t"] == "reading"
            await a.send_json(_send(SEVEN, 7, "drawing-0001"))
            assert (await receive(a))["t"] == "received"
            await a.send_json({"t": "nickname", "nickname": "A2"})
            assert (await receive(a))["t"] == "welcome"
            await nothing_arrives(b)
            await b.send_json(_read(ONE, seq=50))
            return await receive(b)  # B's next message is B's own reading

    reading = run(client())
    assert reading["t"] == "reading" and reading["seq"] == 50 and reading["digit"] == 1
