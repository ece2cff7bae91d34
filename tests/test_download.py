"""Getting MNIST from the window: a real HTTP download (a local server) with progress,
a cancel that keeps nothing, a wrong file refused, offline said at once."""

from __future__ import annotations

import functools
import hashlib
import http.server
import shutil
import threading

import pytest

from digitpad.ml import data, download
from digitpad.ml.download import DownloadCancelled, download_mnist
from digitpad.ml.errors import DatasetError

SMALL = data.Path(__file__).resolve().parent / "data" / "mnist_small.npz"


@pytest.fixture
def server(tmp_path):
    """An HTTP server on localhost serving ``mnist.npz`` (the small MNIST) and junk."""
    root = tmp_path / "www"
    root.mkdir()
    shutil.copyfile(SMALL, root / "mnist.npz")
    (root / "junk.npz").write_bytes(b"PK" + b"\0" * 5000)
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *a: None
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def known():
    return frozenset({hashlib.sha256(SMALL.read_bytes()).hexdigest()})


def test_download_streams_with_progress_and_gives_a_valid_dataset(server, known, tmp_path):
    target = tmp_path / "keras" / "datasets" / "mnist.npz"
    seen = []
    path = download_mnist(
        target, url=f"{server}/mnist.npz", known=known, progress=lambda d, t: seen.append((d, t))
    )
    assert path == target and target.read_bytes() == SMALL.read_bytes()
    assert seen[-1][0] == seen[-1][1] == SMALL.stat().st_size
    assert [d for d, _t in seen] == sorted(d for d, _t in seen)
    assert len(data.load_mnist(target).y_test) == 500
    assert list(target.parent.iterdir()) == [target]  # no temporary file left


def test_a_cancel_keeps_nothing(server, known, tmp_path):
    target = tmp_path / "mnist.npz"
    cancel = threading.Event()
    download.CHUNK = 4096  # several chunks from a small file
    try:
        with pytest.raises(DownloadCancelled, match="stopped"):
            download_mnist(
                target,
                url=f"{server}/mnist.npz",
                known=known,
                cancel=cancel,
                progress=lambda d, t: cancel.set(),
            )
    finally:
        download.CHUNK = 256 * 1024
    assert list(tmp_path.iterdir()) == [tmp_path / "www"]


@pytest.mark.parametrize(
    ("path", "match"),
    [
        ("mnist.npz", "not the published MNIST"),
        ("junk.npz", "not the published"),
        ("nope.npz", "could not be downloaded"),
    ],
)
def test_a_wrong_or_missing_file_is_one_line_and_nothing_is_kept(server, tmp_path, path, match):
    target = tmp_path / "mnist.npz"
    with pytest.raises(DatasetError, match=match) as caught:
        download_mnist(target, url=f"{server}/{path}")  # the published checksums only
    assert "\n" not in str(caught.value)
    assert not target.exists() and list(tmp_path.iterdir()) == [tmp_path / "www"]


def test_no_server_and_no_file_urls(tmp_path):
    with pytest.raises(DatasetError, match="could not be downloaded"):
        download_mnist(tmp_path / "m.npz", url="http://127.0.0.1:9/mnist.npz", timeout=2)
    with pytest.raises(DatasetError, match="not an http"):
        download_mnist(tmp_path / "m.npz", url=f"file://{SMALL}")


@pytest.fixture
def no_mnist(tmp_path, monkeypatch):
    monkeypatch.delenv("DIGITPAD_MNIST", raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    data._cache.clear()
    yield
    data._cache.clear()


@pytest.fixture
def mirror(server, known, monkeypatch):
    """The window downloads from the local server, which serves a known file."""
    monkeypatch.setenv("DIGITPAD_MNIST_URL", f"{server}/mnist.npz")
    monkeypatch.setattr(download, "KNOWN_SHA256", known)


@pytest.mark.usefixtures("no_mnist", "mirror")
@pytest.mark.parametrize("online", [True, False])
def test_train_without_mnist_offers_open_or_download(qtbot, window, monkeypatch, online):
    if not online:
        monkeypatch.setattr(data, "_can_reach", lambda *a, **k: False)
    panel = window.train_panel
    with qtbot.waitSignal(panel.trainingFinished, timeout=30_000):
        panel.start_training(epochs=1, train_limit=256)
    getter = panel.get_mnist
    assert getter.isVisible() and getter.open_button.isEnabled()
    assert getter.download_button.isEnabled() is online
    opened = []
    monkeypatch.setattr(window, "open_dataset", lambda: opened.append(True))
    window.train_panel.openDatasetRequested.disconnect()
    panel.openDatasetRequested.connect(window.open_dataset)
    getter.open_button.click()
    assert opened == [True]
    if not online:
        assert "offline" in panel.status.text()
        return
    progress = []
    getter.progress.connect(lambda d, t: progress.append(d))
    with qtbot.waitSignal(panel.trainingStarted, timeout=30_000):
        getter.download_button.click()
    assert progress and (data.keras_cache_path()).is_file()
    assert not getter.isVisible()
    with qtbot.waitSignal(panel.trainingFinished, timeout=120_000) as finished:
        pass
    assert "error" not in finished.args[0]
