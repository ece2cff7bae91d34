"""Round three: the MNIST download against hostile servers and mistyped addresses.

Every server here is built by the test: a raw TCP socket on 127.0.0.1, port 0, whose
accept loop and every answer end by themselves within ``LIFETIME`` seconds. No other
address is ever contacted: the mistyped addresses are refused before any network.

- Stop (and the window's close) takes effect within 1 s whatever the server does: a
  trickle of one byte at a time, or nothing at all after the request.
- A download too slow (below the least rate) or too long (past the deadline) is given up
  with one line.
- The network's faults (a truncated body, a bad status line, too many or too long
  headers, ...) and a mistyped address are one line, never ``http.client``'s texts.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from digitpad.ml import data, download
from digitpad.ml import errors as E
from digitpad.ml.download import DownloadCancelled, download_mnist
from digitpad.ml.errors import DatasetError

LIFETIME = 8.0  # s: the longest any test server lives, whatever the client does
RAW_NAMES = ("IncompleteRead", "BadStatusLine", "LineTooLong", "HTTPException", "Traceback")


class HostileServer:
    """A TCP server on 127.0.0.1 (port 0) answering each connection with ``answer``.

    ``answer(conn, server)`` writes what it likes; it must stop by ``server.end`` (a
    ``time.monotonic()`` deadline). ``hung_up`` is set when the client closed on it.
    """

    def __init__(self, answer, lifetime: float = LIFETIME) -> None:
        import socket

        self.answer = answer
        self.end = time.monotonic() + lifetime
        self.hung_up = threading.Event()
        self.connections = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/mnist.npz"
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:

        with self._listener:
            while time.monotonic() < self.end and not self._stop.is_set():
                try:
                    conn, _ = self._listener.accept()
                except TimeoutError:
                    continue
                self.connections += 1
                threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn) -> None:
        with conn:
            conn.settimeout(0.2)
            try:
                read_request(conn, self.end)
                self.answer(conn, self)
            except OSError:  # the client went away: what a Stop should cause
                self.hung_up.set()

    def close(self) -> None:
        self._stop.set()
        self.end = time.monotonic()  # answers still running stop at their next look
        self._thread.join(2)


def read_request(conn, end: float) -> bytes:
    """The client's request up to its blank line (bounded by time and size)."""

    got = b""
    while b"\r\n\r\n" not in got and len(got) < 65536 and time.monotonic() < end:
        try:
            part = conn.recv(4096)
        except TimeoutError:
            continue
        if not part:
            raise ConnectionResetError("client closed")
        got += part
    return got


def trickle(conn, server) -> None:
    """Headers promising MNIST's size, then one byte every 20 ms (far below any socket
    timeout) until the client hangs up or the server's time is over."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 11490434\r\n\r\n")
    while time.monotonic() < server.end:
        conn.sendall(b"P")
        time.sleep(0.02)


def silent(conn, server) -> None:
    """Reads the request, then says nothing; notices when the client hangs up."""

    while time.monotonic() < server.end:
        try:
            if conn.recv(1) == b"":
                raise ConnectionResetError("client closed")
        except TimeoutError:
            continue


def endless(conn, server) -> None:
    """A quick stream that never ends (no length): past any deadline."""
    conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: application/octet-stream\r\n\r\n")
    while time.monotonic() < server.end:
        conn.sendall(b"\0" * 8192)
        time.sleep(0.01)


@pytest.fixture
def serve():
    servers = []

    def start(answer) -> HostileServer:
        server = HostileServer(answer)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


def _run_in_thread(fn):
    """Run ``fn()`` in a daemon thread; (thread, box) where box gets the outcome."""
    box: dict = {}

    def run():
        try:
            box["result"] = fn()
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            box["error"] = exc

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, box


def _nothing_kept(folder: Path) -> None:
    assert not list(folder.iterdir()), list(folder.iterdir())


# -- (a) Stop and close within a second; a deadline and a least rate ---------------------


@pytest.mark.parametrize("answer", [trickle, silent], ids=["trickle", "silent"])
def test_stop_takes_effect_within_a_second_whatever_the_server_does(serve, tmp_path, answer):
    server = serve(answer)
    target = tmp_path / "keras" / "mnist.npz"
    cancel = threading.Event()
    seen = []
    thread, box = _run_in_thread(
        lambda: download_mnist(
            target, url=server.url, cancel=cancel, progress=lambda d, t: seen.append(d)
        )
    )
    time.sleep(0.6)  # connected, a few bytes in (or none, from the silent server)
    assert thread.is_alive()
    if answer is trickle:
        assert seen, "the trickle's bytes are reported as they come"
    cancel.set()
    stopped = time.monotonic()
    thread.join(1.0)
    assert not thread.is_alive(), "Stop did not take effect within 1 s"
    assert time.monotonic() - stopped < 1.0
    assert isinstance(box.get("error"), DownloadCancelled), box
    assert server.hung_up.wait(2.0), "the connection was left open"
    _nothing_kept(target.parent)


def test_a_download_below_the_least_rate_gives_up_in_one_line(serve, tmp_path):
    server = serve(trickle)  # ~50 bytes/s
    target = tmp_path / "mnist.npz"
    started = time.monotonic()
    with pytest.raises(DatasetError) as caught:
        download_mnist(target, url=server.url, min_rate=1024, rate_window=1.0)
    assert time.monotonic() - started < 2.5
    text = str(caught.value)
    assert "\n" not in text and "gave up" in text and "1 KB/s" in text, text
    assert caught.value.code == E.DOWNLOAD_FAILED
    _nothing_kept(tmp_path)


def test_a_download_past_its_deadline_gives_up_in_one_line(serve, tmp_path):
    server = serve(endless)
    target = tmp_path / "mnist.npz"
    started = time.monotonic()
    with pytest.raises(DatasetError) as caught:
        download_mnist(target, url=server.url, deadline=1.0, min_rate=1)
    assert time.monotonic() - started < 2.5
    text = str(caught.value)
    assert "\n" not in text and "gave up after 1 s" in text, text
    _nothing_kept(tmp_path)


def test_the_download_has_a_deadline_and_a_least_rate_by_default():
    import inspect

    defaults = inspect.signature(download_mnist).parameters
    assert 0 < defaults["deadline"].default <= 3600
    assert defaults["min_rate"].default > 0 and 0 < defaults["rate_window"].default <= 60


@pytest.fixture
def no_mnist(tmp_path, monkeypatch):
    monkeypatch.delenv("DIGITPAD_MNIST", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    data._cache.clear()
    yield tmp_path / "keras"
    data._cache.clear()


@pytest.mark.parametrize("how", ["stop", "close"])
def test_the_windows_stop_and_close_take_effect_within_a_second(
    qtbot, serve, no_mnist, monkeypatch, how
):
    from digitpad.ui import jobs
    from digitpad.ui.training.get_mnist import GetMnist

    server = serve(trickle)
    monkeypatch.setenv(data.URL_VAR, server.url)
    getter = GetMnist()
    qtbot.addWidget(getter)
    failed = []
    getter.failed.connect(failed.append)
    with qtbot.waitSignal(getter.progress, timeout=5000):
        assert getter.start()
    started = time.monotonic()
    if how == "stop":  # the train panel's Stop button
        getter.cancel()
        qtbot.waitUntil(lambda: not getter.is_running(), timeout=1000)
        assert failed and "\n" not in failed[-1] and "stopped" in failed[-1].lower()
    else:  # the window's close: every job under it cancelled and waited for
        assert jobs.shutdown(getter, timeout=5.0)
    assert time.monotonic() - started < 1.0
    assert not [f for f in no_mnist.rglob("*") if f.is_file()]  # nothing kept


# -- (b) the network's faults and mistyped addresses: one line --------------------------


def _answer(raw: bytes):
    def answer(conn, _server) -> None:
        conn.sendall(raw)

    return answer


FAULTS = {
    "truncated chunked body": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
    b"1000\r\n" + b"x" * 100,
    "bad chunk size": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nxx",
    "truncated body": b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + b"x" * 100,
    "bad status line": b"HELLO THERE\r\n\r\n",
    "no answer at all": b"",
    "too many headers": b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 150 + b"\r\n",
    "too long header": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 70000 + b"\r\n\r\n",
    "too long status line": b"HTTP/1.1 200 " + b"O" * 70000 + b"\r\n\r\n",
    "not found": b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n",
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_network_faults_are_one_clear_line(serve, tmp_path, fault, qapp):
    from digitpad.ui.messages import error_text

    server = serve(_answer(FAULTS[fault]))
    target = tmp_path / "mnist.npz"
    with pytest.raises(DatasetError) as caught:
        download_mnist(target, url=server.url, timeout=3)
    text = str(caught.value)
    assert "\n" not in text and server.url in text, text
    assert not any(name in text for name in RAW_NAMES), text
    assert caught.value.code == E.DOWNLOAD_FAILED and caught.value.detail
    shown = error_text(caught.value)  # the window's sentence, in the user's language
    assert len(shown.splitlines()) == 2 and server.url in shown, shown
    assert not any(name in shown for name in RAW_NAMES), shown
    _nothing_kept(tmp_path)


BAD_ADDRESSES = [
    "http://[::1/mnist.npz",  # a broken bracket
    "http://127.0.0.1:99999/mnist.npz",  # port out of range
    "http://127.0.0.1:80a/mnist.npz",  # port not a number
    "http://127.0.0 .1/mnist.npz",  # a space
    "http://127.0.0.1/mni\x00st.npz",  # a control character
    "http:///mnist.npz",  # no host
    "http://" + "a" * 70 + ".invalid/mnist.npz",  # a label longer than DNS allows
    "ftp://127.0.0.1/mnist.npz",  # not http(s)
]


@pytest.fixture
def no_network(monkeypatch):
    """Any name lookup or connection fails the test (and never leaves this machine)."""
    import socket

    def refuse(*_a, **_k):
        raise AssertionError("the network was touched for an invalid address")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("url", BAD_ADDRESSES)
def test_an_invalid_address_is_one_line_before_any_network(tmp_path, url):
    with pytest.raises(DatasetError) as caught:
        download_mnist(tmp_path / "mnist.npz", url=url, timeout=2)
    text = str(caught.value)
    assert "\n" not in text and "ValueError" not in text and "Traceback" not in text, text
    assert caught.value.code == E.BAD_ADDRESS
    _nothing_kept(tmp_path)


TYPOS = ["http://mirror.example:80800/mnist.npz", "http://[mirror/mnist.npz", "http://a b/m.npz"]


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("typo", TYPOS)
def test_a_typo_in_the_download_address_setting_is_one_line(no_mnist, monkeypatch, typo, qapp):
    from digitpad.ui.messages import error_text

    monkeypatch.setenv(data.URL_VAR, typo)
    for download_too in (True, False):  # the command line, and the window
        with pytest.raises(DatasetError) as caught:
            data.load_mnist(download=download_too)
        text = str(caught.value)
        assert "\n" not in text and data.URL_VAR in text, text
        assert caught.value.code == E.BAD_ADDRESS
        assert typo in error_text(caught.value)


@pytest.mark.usefixtures("no_network")
@pytest.mark.parametrize("command", ["evaluate", "train"])
def test_train_and_evaluate_with_a_mistyped_address_exit_2_with_one_line(
    no_mnist, monkeypatch, capsys, command, tmp_path
):
    from digitpad import cli

    monkeypatch.setenv(data.URL_VAR, TYPOS[0])
    args = [command] + (["--out", str(tmp_path / "m.keras")] if command == "train" else [])
    assert cli.main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and data.URL_VAR in err and "Traceback" not in err, err
    assert not (tmp_path / "m.keras").exists()


def test_a_download_into_an_unwritable_place_is_one_line(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("a file where the folder should be")
    with pytest.raises(DatasetError) as caught:
        download_mnist(blocker / "datasets" / "mnist.npz", url="http://127.0.0.1:9/m.npz")
    assert "\n" not in str(caught.value) and caught.value.code == E.DOWNLOAD_FAILED


def test_the_fetching_thread_ends_after_a_stop(serve, tmp_path):
    """The reading thread is not left behind on a silent server: its socket is shut."""
    server = serve(silent)
    cancel = threading.Event()
    thread, _box = _run_in_thread(
        lambda: download_mnist(tmp_path / "m.npz", url=server.url, cancel=cancel)
    )
    time.sleep(0.4)
    cancel.set()
    thread.join(1.0)
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline and any(
        t.name == "digitpad-mnist-fetch" for t in threading.enumerate()
    ):
        time.sleep(0.05)
    assert not any(t.name == "digitpad-mnist-fetch" for t in threading.enumerate())


def test_download_module_limits_are_what_the_docs_say():
    assert download.POLL <= 0.2  # Stop is looked at this often


def test_closing_the_window_during_a_trickling_download_takes_under_a_second(
    window, qtbot, serve, no_mnist, monkeypatch
):
    server = serve(trickle)
    monkeypatch.setenv(data.URL_VAR, server.url)
    getter = window.train_panel.get_mnist
    with qtbot.waitSignal(getter.progress, timeout=5000):
        assert getter.start()
    started = time.monotonic()
    window.close()
    assert time.monotonic() - started < 1.0
    assert not getter.is_running() or getter._job.wait(0)
    assert server.hung_up.wait(2.0)
