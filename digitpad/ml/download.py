"""Download MNIST with progress and a cancel, into the place Keras keeps it.

The window's Train offers this when no MNIST is found and the machine is online:
``keras.datasets.mnist.load_data()`` would download too, but it needs TensorFlow
imported first (seconds), reports no progress a window can show and cannot be stopped.
This streams the same file (Keras' own URL) with ``urllib`` into a temporary file beside
the target, checks it is the published MNIST (sha256) and a valid dataset, and only then
renames it into place: a cancel, a dropped connection or a wrong file leaves nothing
behind. No Qt; the caller passes callbacks.

Whatever the server does, the caller is in charge of the time. The network is read in a
thread of its own (:class:`_Fetch`) that hands over whatever bytes arrive; the caller
waits for them at most :data:`POLL` seconds at a time and looks at Stop, the overall
deadline and the rate in between. A server that trickles a byte at a time, answers
nothing, or hangs in the middle of the headers is left within :data:`POLL` of Stop (its
socket is shut down, so the reading thread ends too), and is given up with one line
when the download takes longer than :data:`DEADLINE` or brings less than
:data:`MIN_RATE` over :data:`RATE_WINDOW`.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import queue
import socket
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from digitpad.ml import errors as E
from digitpad.ml.archive import human
from digitpad.ml.atomic import atomic_path
from digitpad.ml.data import (
    _read_npz,
    _validated,
    check_download_url,
    keras_cache_path,
    mnist_url,
)
from digitpad.ml.errors import DatasetError

# Keras' published checksum of that file, and that of the copy digitpad's figures were
# measured with (the same arrays, zipped again).
KNOWN_SHA256 = frozenset(
    {
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
    }
)
SIZE = 11_490_434  # bytes, for the progress bar when the server does not say
MAX_BYTES = 64 * 2**20  # a server that sends more is not sending MNIST
CHUNK = 256 * 1024  # at most this much per read; a read returns whatever has arrived
POLL = 0.1  # s: the longest the caller waits for the network before looking at Stop
# 11 MB in 10 minutes is 19 KB/s, far below any link a workshop can train on; a trickle
# below 4 KB/s over half a minute would need most of an hour.
DEADLINE = 600.0  # s, the whole download
MIN_RATE = 4 * 1024  # bytes/s, averaged over each RATE_WINDOW
RATE_WINDOW = 30.0  # s
PROGRESS_EVERY = 0.1  # s: a trickle of single bytes would otherwise flood the window


class DownloadCancelled(DatasetError):
    """The person stopped the download; nothing was kept."""


def download_mnist(
    target: str | os.PathLike | None = None,
    *,
    url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    timeout: float = 20.0,
    known: frozenset[str] | None = None,
    deadline: float = DEADLINE,
    min_rate: float = MIN_RATE,
    rate_window: float = RATE_WINDOW,
) -> Path:
    """Fetch MNIST to ``target`` (Keras' cache by default); ``progress(done, total)``
    as bytes arrive (at most every :data:`PROGRESS_EVERY` s, and at the end); ``cancel``
    set: :class:`DownloadCancelled` within :data:`POLL` s. ``timeout`` bounds each wait
    on the socket, ``deadline`` the whole download, and every ``rate_window`` seconds
    must bring ``min_rate * rate_window`` bytes. Any fault: one-line
    :class:`DatasetError`, and ``target`` is as it was."""
    url = url or mnist_url()
    known = KNOWN_SHA256 if known is None else known
    check_download_url(url)  # one line for a typo, before any network
    path = Path(target) if target is not None else keras_cache_path()
    cancel = cancel or threading.Event()

    def failed(reason: str) -> DatasetError:
        return DatasetError(
            f"MNIST could not be downloaded from {url} ({reason}); nothing kept",
            code=E.DOWNLOAD_FAILED,
            path=url,
            detail=reason,
        )

    pace = _Pace(deadline, min_rate, rate_window)
    last_report = 0.0
    done, total, declared = 0, SIZE, None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _Fetch(url, timeout) as fetch, atomic_path(path) as temp:
            digest = hashlib.sha256()
            with open(temp, "wb") as out:
                while True:
                    kind, value = fetch.next(POLL)
                    now = time.monotonic()
                    if cancel.is_set():
                        raise DownloadCancelled(
                            "the MNIST download was stopped; nothing kept", code=E.DOWNLOAD_STOPPED
                        )
                    if kind == "error":
                        raise failed(_reason(value, timeout))
                    if kind == "headers":
                        declared = value
                        total = declared or SIZE
                        if total > MAX_BYTES:
                            raise failed(f"it offers {total:,} bytes, not MNIST")
                    elif kind == "data":
                        done += len(value)
                        if done > MAX_BYTES:
                            raise failed("it sends more than MNIST's size")
                        digest.update(value)
                        out.write(value)
                        if progress is not None and now - last_report >= PROGRESS_EVERY:
                            last_report = now
                            progress(done, max(total, done))
                    elif kind == "end":
                        break
                    slow = pace.check(now, done, total)
                    if slow:
                        raise failed(slow)
            if declared is not None and done < declared:
                raise failed(
                    f"the server closed the connection after {done:,} of {declared:,} bytes"
                )
            if progress is not None:
                progress(done, max(total, done))
            _verify(Path(temp), url, digest.hexdigest(), known)
    except OSError as exc:  # this computer's side: the folder, the disk (the network's
        # faults come from the fetching thread as items, said by ``failed``)
        raise failed(f"cannot write {path}: {exc.strerror or exc}") from None
    return path


def _verify(temp: Path, url: str, sha256: str, known: frozenset[str]) -> None:
    """The published MNIST (its checksum), and a dataset, not just the right bytes."""
    if sha256 not in known:
        reason = f"not the published MNIST file (sha256 {sha256[:12]}…)"
        raise DatasetError(
            f"{url}: {reason}; not kept", code=E.DOWNLOAD_FAILED, path=url, detail=reason
        )
    _validated(_read_npz(temp), url)


class _Pace:
    """The overall deadline and the least rate, measured over successive windows."""

    def __init__(self, deadline: float, min_rate: float, window: float) -> None:
        self.deadline, self.min_rate, self.window = deadline, min_rate, window
        self.started = self.window_start = time.monotonic()
        self.window_done = 0

    def check(self, now: float, done: int, total: int) -> str | None:
        """Why to give up now, or ``None``."""
        if now - self.started > self.deadline:
            return (
                f"gave up after {_seconds(self.deadline)}: {human(done)} of {human(total)} arrived"
            )
        if now - self.window_start >= self.window:
            got = done - self.window_done
            if got < self.min_rate * self.window:
                return (
                    f"gave up: {human(got)} in {_seconds(self.window)}, "
                    f"below the {human(self.min_rate)}/s a download needs"
                )
            self.window_start, self.window_done = now, done
        return None


def _seconds(seconds: float) -> str:
    return f"{seconds / 60:.0f} min" if seconds >= 120 else f"{seconds:.0f} s"


def _reason(exc: BaseException, timeout: float) -> str:
    """What went wrong on the network, as a clause a person can read (never a class name
    from ``http.client`` with its internals)."""
    if isinstance(exc, urllib.error.HTTPError):  # the server answered: no file
        return f"HTTP {exc.code} {exc.reason}".strip()
    if isinstance(exc, urllib.error.URLError):  # urllib's wrapper of a socket's error
        if not isinstance(exc.reason, BaseException):
            return str(exc.reason)  # "no host given", "unknown url type: ..."
        exc = exc.reason
    if isinstance(exc, http.client.IncompleteRead):
        return "the connection broke off in the middle of the file"
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, http.client.BadStatusLine):
        return "the server's answer is not HTTP"
    if isinstance(exc, http.client.LineTooLong):
        return "the server's answer has a line longer than HTTP allows"
    if isinstance(exc, http.client.InvalidURL):
        return "not a valid address"
    if isinstance(exc, http.client.HTTPException):
        text = str(exc)
        if "headers" in text:
            return "the server sent more headers than HTTP allows"
        return "the server's answer is not valid HTTP"
    if isinstance(exc, TimeoutError):
        return f"the server sent nothing for {timeout:.0f} s"
    if isinstance(exc, socket.gaierror):
        return f"the host name was not found ({exc.strerror or exc})"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, ConnectionError):
        return "the connection was broken"
    if isinstance(exc, OSError):  # a TLS error's text included: its first line
        return (exc.strerror or str(exc) or type(exc).__name__).strip().splitlines()[0]
    if isinstance(exc, UnicodeError):
        return "not a valid host name"
    if isinstance(exc, ValueError):
        return f"not a valid address ({str(exc).splitlines()[0] if str(exc) else 'ValueError'})"
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


class _Fetch:
    """The network half of a download, in a daemon thread of its own.

    It opens the address and hands over ``("headers", length or None)``, then
    ``("data", bytes)`` as they arrive (``read1``: whatever one receive brings, never
    waiting to fill a chunk), then ``("end", None)``, or ``("error", exception)`` at any
    point. :meth:`next` waits at most its timeout. :meth:`close` (on leaving the ``with``)
    stops it and shuts its socket down, which wakes a receive blocked on a silent server;
    a thread still resolving a name or connecting is left to end by its own ``timeout``
    (it is a daemon and holds nothing of the caller's)."""

    def __init__(self, url: str, timeout: float) -> None:
        self._items: queue.Queue = queue.Queue(maxsize=16)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(
            target=self._run, args=(url, timeout), name="digitpad-mnist-fetch", daemon=True
        )

    def __enter__(self) -> _Fetch:
        self._thread.start()
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def next(self, timeout: float) -> tuple[str, object]:
        """The next item, or ``("wait", None)`` when nothing came within ``timeout``."""
        try:
            return self._items.get(timeout=timeout)
        except queue.Empty:
            return "wait", None

    def close(self) -> None:
        self._stop.set()
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            _shut(sock)

    # -- the fetching thread ---------------------------------------------------------------
    def _register(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if not self._stop.is_set():
                self._sockets.append(sock)
                return
        _shut(sock)  # stopped while connecting

    def _run(self, url: str, timeout: float) -> None:
        try:
            handlers = [_recording(urllib.request.HTTPHandler, self)()]
            if hasattr(urllib.request, "HTTPSHandler"):
                handlers.append(_recording(urllib.request.HTTPSHandler, self)())
            opener = urllib.request.build_opener(*handlers)
            with opener.open(url, timeout=timeout) as response:
                length = response.headers.get("Content-Length")
                try:
                    declared = int(length) if length is not None else None
                except ValueError:
                    declared = None
                if not self._put(("headers", declared if declared and declared > 0 else None)):
                    return
                while not self._stop.is_set():
                    chunk = response.read1(CHUNK)
                    if not chunk:
                        break
                    if not self._put(("data", chunk)):
                        return
            self._put(("end", None))
        except Exception as exc:  # noqa: BLE001 - every fault reaches the caller, said in one line
            if isinstance(exc, urllib.error.HTTPError):
                exc.close()
            self._put(("error", exc))

    def _put(self, item: tuple[str, object]) -> bool:
        while not self._stop.is_set():
            try:
                self._items.put(item, timeout=POLL)
                return True
            except queue.Full:
                continue
        return False


def _recording(handler: type, fetch: _Fetch) -> type:
    """``handler`` whose connections tell ``fetch`` their socket once connected."""

    class Recording(handler):
        def do_open(self, http_class, req, **kwargs):
            class Connection(http_class):
                def connect(self) -> None:
                    super().connect()
                    fetch._register(self.sock)

            return super().do_open(Connection, req, **kwargs)

    return Recording


def _shut(sock: socket.socket) -> None:
    """Wake any receive blocked on ``sock`` (the plain socket's shutdown, also under TLS:
    an ``SSLSocket``'s own would drop its TLS state under the reading thread)."""
    try:
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass
