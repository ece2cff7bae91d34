"""The class session's web server: the participant page and its WebSocket.

aiohttp in a thread of its own with its own event loop (docs/CLASS_SESSION.md says why):
the window never waits on a phone, and this module knows nothing of Qt. It listens only
between :meth:`ClassServer.start` and :meth:`ClassServer.stop`, only on the address it is
given, and answers only requests that carry the session's token: the page's three files
(read into memory at start; a request's path is only compared with their names) and the
WebSocket. Every limit is in :mod:`digitpad.classroom.limits`.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import socket
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from importlib import resources

from aiohttp import WSMsgType, web

from digitpad.classroom import limits
from digitpad.classroom.protocol import Refused, seq
from digitpad.classroom.room import ClassRoom, Participant, TokenBucket

log = logging.getLogger(__name__)

PAGE_FILES = {
    "": ("index.html", "text/html; charset=utf-8"),
    "page.js": ("page.js", "text/javascript; charset=utf-8"),
    "page.css": ("page.css", "text/css; charset=utf-8"),
}
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; "
    "img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
}
GETS_PER_SECOND, GET_BURST = 10.0, 30  # page loads per address
START_TIMEOUT_S = 10.0


def page_files() -> dict[str, bytes]:
    """The participant page, as shipped in the package."""
    folder = resources.files("digitpad.classroom") / "page"
    return {name: (folder / file).read_bytes() for name, (file, _type) in PAGE_FILES.items()}


class ClassServer:
    """Serves one :class:`ClassRoom` at ``http://host:port/<token>/`` until stopped."""

    def __init__(self, room: ClassRoom, host: str = "127.0.0.1", port: int = 0) -> None:
        self.room = room
        self.host, self.port = host, port
        self.url: str | None = None
        self._files = page_files()
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._runner: web.AppRunner | None = None
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="digitpad-class-journal")
        self._sockets: dict[str, set[web.WebSocketResponse]] = defaultdict(set)
        self._open: set[web.WebSocketResponse] = set()  # joined or not: stop closes all
        self._per_address: dict[str, int] = defaultdict(int)
        self._gets: dict[str, TokenBucket] = {}
        self._joins: dict[str, TokenBucket] = {}
        self._token = room.token.encode()
        self._handlers: dict = {}  # every connection's handler -> when it came (no weakrefs)
        self._listener: asyncio.Server | None = None
        self._stopping = False
        self.served = 0  # requests and messages answered (for benchmarks and the wall)

    # -- lifetime (called from any thread, typically the GUI's) -----------------------
    def start(self) -> str:
        """Bind, serve in a thread, and return the join address. Raises ``OSError``
        when the address cannot be bound."""
        sock = socket.socket(socket.AF_INET6 if ":" in self.host else socket.AF_INET)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            sock.listen(128)
            sock.setblocking(False)
        except OSError:
            sock.close()
            raise
        self.port = sock.getsockname()[1]
        shown = f"[{self.host}]" if ":" in self.host else self.host
        self.url = f"http://{shown}:{self.port}/{self.room.token}/"
        started = threading.Event()
        failure: list[BaseException] = []
        self._thread = threading.Thread(
            target=self._run, args=(sock, started, failure), name="digitpad-class-server"
        )
        self._thread.daemon = True
        self._thread.start()
        if not started.wait(START_TIMEOUT_S) or failure:
            self.stop()
            raise OSError(
                f"the class session could not start: {failure[0] if failure else 'timeout'}"
            )
        self.room.add_listener(self._on_room)
        return self.url

    def stop(self) -> None:
        """Close every connection and the port; returns when the thread has ended."""
        self.room.remove_listener(self._on_room)
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop)
            thread.join(START_TIMEOUT_S)
        self._thread = None
        self._writer.shutdown(wait=True)
        self.url = None

    def is_running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def connections(self) -> int:
        return sum(len(s) for s in self._sockets.values())

    # -- the thread ----------------------------------------------------------------
    def _run(self, sock, started: threading.Event, failure: list) -> None:
        loop = self._loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            app = web.Application(client_max_size=1024)
            app.router.add_route("*", "/{tail:.*}", self._handle)
            # lingering_time=0: a refused body (413) is not read on for 10 s, which would
            # also hold stop() (and this thread) that long.
            self._runner = web.AppRunner(
                app, handle_signals=False, access_log=None, lingering_time=0
            )
            loop.run_until_complete(self._runner.setup())
            runner = self._runner

            def connection():  # aiohttp's own handler, kept track of to close at stop
                handler = runner.server()
                now = time.monotonic()
                # Forget those closed: no transport any more, well after connecting.
                self._handlers = {
                    h: t for h, t in self._handlers.items() if h.transport or now - t < 5
                }
                self._handlers[handler] = now
                return handler

            self._listener = loop.run_until_complete(loop.create_server(connection, sock=sock))
        except Exception as exc:  # noqa: BLE001 (reported to start(), which raises it)
            failure.append(exc)
            started.set()
            sock.close()
            loop.close()
            return
        started.set()
        try:
            loop.run_forever()
        finally:
            # What the shutdown left: a task mid-way is cancelled, and the transports it
            # closed finish on the loop's next turns (their sockets are closed there), so
            # nothing outlives the loop unclosed.
            leftover = asyncio.all_tasks(loop)
            for task in leftover:
                task.cancel()
            loop.run_until_complete(asyncio.gather(*leftover, return_exceptions=True))
            for _ in range(3):
                loop.run_until_complete(asyncio.sleep(0))
            loop.close()

    async def _shutdown(self) -> None:
        self._stopping = True
        if self._listener is not None:
            # Stop accepting first and let a connection accepted this very turn attach
            # to the server: asyncio (3.11) asserts when one attaches to a closed server,
            # and its socket is then left open to the garbage collector.
            loop = asyncio.get_running_loop()
            for listening in self._listener.sockets:
                loop.remove_reader(listening.fileno())
            await asyncio.sleep(0)
            self._listener.close()  # the port: no connection accepted from now on
            # One accepted in the same turn is set up by the loop's next turns: then
            # aiohttp's shutdown below finds it in its list and closes it.
            await asyncio.sleep(0.02)
        for ws in list(self._open):  # not only the joined: one yet to say hello too
            await ws.close(code=limits.CLOSE_STOPPING, message=b"session ended")
        if self._runner is not None:
            await self._runner.cleanup()
        # A connection accepted in the same turn as the stop is set up only after
        # aiohttp's shutdown went through its list: closed here once it has a transport
        # (closed before, aiohttp would never close the transport it gets next).
        for _turn in range(3):
            await asyncio.sleep(0.01)
            for handler in list(self._handlers):
                if handler.transport is not None:
                    handler.force_close()
        await asyncio.sleep(0.01)  # the transports' last callbacks run before the loop stops
        asyncio.get_running_loop().stop()

    # -- HTTP ------------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        parts = request.rel_url.raw_path.split("/", 2)  # "", token, rest
        given = parts[1].encode() if len(parts) > 1 else b""
        if len(parts) < 3 or not hmac.compare_digest(given, self._token) or self._stopping:
            return _refuse(404, "Not found. Open the address on the join card.")
        name = parts[2]
        if request.method != "GET":
            return _refuse(405, "Only GET is served.", {"Allow": "GET"})
        if request.body_exists or (request.content_length or 0) > limits.MAX_BODY_BYTES:
            return _refuse(413, "No request body is accepted.")
        if request.rel_url.raw_query_string:
            return _refuse(400, "No query string is accepted.")
        address = request.remote or "?"
        if name == "ws":
            return await self._websocket(request, address)
        if name not in self._files:
            return _refuse(404, "Not found. Open the address on the join card.")
        bucket = self._gets.setdefault(address, TokenBucket(GETS_PER_SECOND, GET_BURST))
        if not bucket.take():
            return _refuse(429, "Too many requests: wait a second.")
        self.served += 1
        return web.Response(
            body=self._files[name],
            content_type=None,
            headers={**HEADERS, "Content-Type": PAGE_FILES[name][1]},
        )

    # -- WebSocket -------------------------------------------------------------------
    async def _websocket(self, request: web.Request, address: str) -> web.StreamResponse:
        if self._per_address[address] >= limits.SOCKETS_PER_ADDRESS:
            return _refuse(429, "Too many connections from this address.")
        ws = web.WebSocketResponse(max_msg_size=limits.MAX_MESSAGE_BYTES, heartbeat=20.0)
        await ws.prepare(request)
        self._per_address[address] += 1
        self._open.add(ws)
        person: Participant | None = None
        refused = 0  # refused messages in a row on this socket, joined or not
        try:
            async for message in ws:
                if message.type != WSMsgType.TEXT:
                    if message.type == WSMsgType.BINARY:
                        await _error(ws, "bad-type", "text frames only")
                        refused += 1
                    else:
                        break
                else:
                    person, ok = await self._message(ws, message.data, person, address)
                    refused = 0 if ok else refused + 1
                if refused >= limits.MAX_REFUSALS_IN_A_ROW:
                    await ws.close(code=limits.CLOSE_FLOOD, message=b"too many refused messages")
                    break
        finally:
            self._open.discard(ws)
            self._per_address[address] -= 1
            if self._per_address[address] <= 0:
                del self._per_address[address]
            if person is not None:
                self._sockets[person.id].discard(ws)
                if not self._sockets[person.id]:
                    del self._sockets[person.id]
        return ws

    async def _message(self, ws, data: str, person: Participant | None, address: str):
        answer: dict = {}
        try:
            try:
                message = json.loads(data)
            except (ValueError, RecursionError):  # "[[[[..." 64 KiB deep: RecursionError
                raise Refused("bad-json", "a message must be one JSON object") from None
            if not isinstance(message, dict):
                raise Refused("bad-json", "a message must be one JSON object")
            kind = message.get("t")
            for key in ("seq", "id"):
                if key in message and isinstance(message[key], (int, str)):
                    answer[key] = message[key]
            if kind == "hello" or (kind == "nickname" and person is not None):
                bucket = self._joins.setdefault(
                    address, TokenBucket(limits.JOINS_PER_SECOND, limits.JOIN_BURST)
                )
                if not bucket.take():  # each new hello makes a participant
                    raise Refused("rate", "too many hellos: wait a second")
                wanted = message.get("participant") if kind == "hello" else person.id
                joined = self.room.join(wanted, message.get("nickname"), address)
                if person is not None and person is not joined:
                    self._sockets[person.id].discard(ws)
                person = joined
                self._sockets[person.id].add(ws)
                await _send(ws, self._welcome(person))
                return person, True
            if person is None:
                raise Refused("not-joined", "say hello first")
            if kind == "read":
                number = seq(message.get("seq"))
                if not person.reads.take():
                    raise Refused("rate", "too many readings: slow down")
                reply = self.room.read(person, message.get("strokes"))
                self.served += 1
                await _send(ws, {"t": "reading", "seq": number, **_rounded(reply)})
            elif kind == "send":
                if not person.sends.take():
                    raise Refused("rate", "too many drawings at once: wait a second")
                loop = asyncio.get_running_loop()
                reply = await loop.run_in_executor(
                    self._writer,
                    self.room.send,
                    person,
                    message.get("id"),
                    message.get("label"),
                    message.get("strokes"),
                )
                self.served += 1
                await _send(ws, {"t": "received", **_rounded(reply)})
            else:
                raise Refused("bad-type", "unknown message type")
        except Refused as refused:
            await _error(ws, refused.code, str(refused), answer)
            if refused.code == "removed":
                await ws.close(code=limits.CLOSE_REMOVED, message=b"removed")
            return person, False
        return person, True

    def _welcome(self, person: Participant) -> dict:
        return {
            "t": "welcome",
            "participant": person.id,
            "nickname": person.nickname,
            "room": self.room.room_code,
            "round": self.room.round,
            "paused": self.room.paused,
            "lang": self.room.lang,
            "limits": limits.as_dict(),
        }

    # -- the presenter's changes, pushed to the pages -------------------------------
    def _on_room(self, kind: str, payload: dict) -> None:
        loop = self._loop
        if kind in ("round", "paused", "removed") and loop is not None and not loop.is_closed():
            try:
                loop.call_soon_threadsafe(lambda: loop.create_task(self._push(kind, payload)))
            except RuntimeError:  # the loop stopped meanwhile: nobody to tell
                pass

    async def _push(self, kind: str, payload: dict) -> None:
        if kind == "removed":
            for ws in list(self._sockets.get(payload["participant"], ())):
                await _send(ws, {"t": "removed"})
                await ws.close(code=limits.CLOSE_REMOVED, message=b"removed")
            return
        message = {"t": kind, **payload}
        for sockets in list(self._sockets.values()):
            for ws in list(sockets):
                await _send(ws, message)


def _refuse(status: int, text: str, extra: dict | None = None) -> web.Response:
    return web.Response(status=status, text=text + "\n", headers={**HEADERS, **(extra or {})})


async def _send(ws: web.WebSocketResponse, message: dict) -> None:
    if not ws.closed:
        try:
            await ws.send_str(json.dumps(message, separators=(",", ":")))
        except (ConnectionError, RuntimeError):  # the phone went away meanwhile
            pass


async def _error(ws, code: str, text: str, answer: dict | None = None) -> None:
    await _send(ws, {"t": "error", "code": code, "message": text, **(answer or {})})


def _rounded(reply: dict) -> dict:
    if "probabilities" in reply:
        reply = {**reply, "probabilities": [round(p, 5) for p in reply["probabilities"]]}
    return reply
