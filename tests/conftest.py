"""Shared fixtures: MNIST (skip or fail by policy), Qt offscreen, isolated settings."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import pytest

from digitpad.ml.data import Mnist, load_mnist
from digitpad.ml.errors import DatasetError

SMALL_MNIST = Path(__file__).resolve().parent / "data" / "mnist_small.npz"
HELD_OUT_PEN = Path(__file__).resolve().parent / "data" / "pendigits-heldout.tra"
# The full MNIST, when this machine has it; every test otherwise uses the small subset
# shipped in tests/data, so the suite runs offline. Training in the window, the CLI and
# the teaching views all resolve $DIGITPAD_MNIST, which points at the subset from here on.
# The original is kept in the environment too: pytest-xdist's workers inherit this
# process's environment, where $DIGITPAD_MNIST already names the subset.
if "DIGITPAD_TESTS_FULL_MNIST" not in os.environ:
    os.environ["DIGITPAD_TESTS_FULL_MNIST"] = os.environ.get("DIGITPAD_MNIST", "")
FULL_MNIST = os.environ["DIGITPAD_TESTS_FULL_MNIST"] or None
os.environ["DIGITPAD_MNIST"] = str(SMALL_MNIST)
# What digitpad caches on disk (the pen digits drawn once) goes to a folder of the run's
# own, never the user's ~/.cache: a test sees a cold cache unless it made it warm.
if "DIGITPAD_CACHE_DIR" not in os.environ:
    os.environ["DIGITPAD_CACHE_DIR"] = tempfile.mkdtemp(prefix="digitpad-test-cache-")

_cache: dict[str, Mnist | str] = {}


def _full_mnist_or_reason() -> Mnist | str:
    if "value" not in _cache:
        try:
            _cache["value"] = load_mnist(FULL_MNIST) if FULL_MNIST else load_keras_cache()
        except DatasetError as exc:
            _cache["value"] = str(exc)
    return _cache["value"]


def load_keras_cache() -> Mnist:
    """Keras' own cached copy, never a download (tests must not need the network)."""
    cached = Path.home() / ".keras" / "datasets" / "mnist.npz"
    if not cached.is_file():
        raise DatasetError("the full MNIST is not here: set DIGITPAD_MNIST to mnist.npz")
    return load_mnist(cached)


@pytest.fixture(scope="session")
def full_mnist() -> Mnist:
    """The whole MNIST; skipped with the reason when absent, failed when required."""
    value = _full_mnist_or_reason()
    if isinstance(value, str):
        message = f"MNIST unavailable: {value}"
        if os.environ.get("DIGITPAD_REQUIRE_MNIST") == "1":
            pytest.fail(message + " (DIGITPAD_REQUIRE_MNIST=1)")
        pytest.skip(message)
    return value


@pytest.fixture(scope="session")
def full_mnist_path(full_mnist) -> str:
    return full_mnist.source


@pytest.fixture(scope="session")
def mnist() -> Mnist:
    """The first 2,000 training and 500 test images of MNIST, always here (tests/data)."""
    return load_mnist(SMALL_MNIST)


@pytest.fixture(scope="session")
def pendigits():
    """The real pen-written digits ($DIGITPAD_PENDIGITS, else the bundled copy); skipped
    when unreadable, failed when required (DIGITPAD_REQUIRE_PENDIGITS=1, as in CI)."""
    from digitpad.ml.pendigits import ENV_VAR, load_pendigits

    try:
        return load_pendigits()
    except DatasetError as exc:
        message = f"pen digits unavailable: {exc}"
        if os.environ.get("DIGITPAD_REQUIRE_PENDIGITS") == "1":
            pytest.fail(message + " (DIGITPAD_REQUIRE_PENDIGITS=1)")
        pytest.skip(message + f" (set {ENV_VAR})")


@pytest.fixture(scope="session")
def held_out_pen():
    """The six held-out writers' pen digits: from $DIGITPAD_PENDIGITS when set, else the
    copy of just those writers in tests/data (so these tests run offline too)."""
    from digitpad.ml.pendigits import load_pendigits

    try:
        return load_pendigits().split()[1]
    except DatasetError:
        return load_pendigits(HELD_OUT_PEN)


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Point QSettings and the user data folder at tmp_path so tests never share state."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("DIGITPAD_DATA_HOME", str(tmp_path / "data"))
    try:
        from PySide6.QtCore import QSettings
    except ImportError:
        return
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(tmp_path / "settings")
    )


@pytest.fixture(scope="session")
def qapp(qapp_args):
    """pytest-qt's application, set up as ``digitpad`` sets up its own: the names, and
    the 12 pt least font size. Every widget test sees the type the window shows (layout
    checks at Qt's 9 pt passed where the real window clipped)."""
    from digitpad.ui.shell.app import application

    return application(["pytest", *qapp_args])


@pytest.fixture
def window(qtbot):
    """The real main window with the bundled model, shown; its threads stopped after.

    The application is set up as ``digitpad`` sets it up (see ``qapp``)."""
    from digitpad.ui import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.train_panel.shutdown()
    win.teach.shutdown()


@pytest.fixture(scope="session")
def robust():
    """The bundled robust network, read by the numpy predictor (read-only: shared)."""
    from digitpad.ml.model import bundled_variant_path
    from digitpad.ml.predictor import Predictor

    path = bundled_variant_path("robust")
    if path is None:
        pytest.skip("bundled robust model missing")
    return Predictor.from_file(path)
