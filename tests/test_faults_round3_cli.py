"""Round three, the command line: one clear line and exit 2, never a traceback, for
images over Pillow's size limit, paths longer than the file system allows, a terminal
that cannot show the text; and ``doctor`` says "ready" only when the window can open."""

from __future__ import annotations

import errno
import json
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pytest
from helpers_cli import assert_one_error_line, cli_env, run_cli
from PIL import Image

from digitpad import cli, doctor
from digitpad.ml import errors as E
from digitpad.ml.errors import ImageError
from digitpad.ml.images import check_image, read_grey
from digitpad.ui.shell import platform_check as pc

LONG_NAME = "a" * 300  # over NAME_MAX (255 bytes) on every common file system


# -- images over Pillow's size limit ------------------------------------------------------
def _png(width: int, height: int) -> bytes:
    """A PNG whose header declares width x height: a few dozen bytes, no pixels."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 16))
        + chunk(b"IEND", b"")
    )


def _gif(width: int, height: int) -> bytes:
    """A GIF whose logical screen is width x height, holding one 1x1 frame."""
    screen = struct.pack("<HHBBB", width, height, 0x80, 0, 0) + b"\0\0\0\xff\xff\xff"
    frame = b"," + struct.pack("<HHHHB", 0, 0, 1, 1, 0) + b"\x02\x02\x44\x01\x00"
    return b"GIF89a" + screen + frame + b";"


def _jpeg(width: int, height: int) -> bytes:
    """A JPEG whose frame header (SOF0) declares width x height."""
    quant = b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + bytes([1] * 64)
    frame = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    scan = b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x3f\x00"
    return b"\xff\xd8" + quant + frame + scan + b"\0" * 10 + b"\xff\xd9"


BOMBS = {
    "png.png": _png(100_000, 100_000),  # 10 G pixels: Pillow raises
    "gif.gif": _gif(65_535, 65_535),
    "jpeg.jpg": _jpeg(65_535, 65_535),
    "warned.png": _png(10_000, 10_000),  # 100 M: over the limit, under twice it: a warning
}


@pytest.fixture
def bombs(tmp_path) -> dict[str, Path]:
    paths = {}
    for name, data in BOMBS.items():
        paths[name] = tmp_path / name
        paths[name].write_bytes(data)
    return paths


@pytest.mark.parametrize("name", list(BOMBS))
def test_predict_on_an_image_over_pillows_limit_is_one_line(bombs, tmp_path, name):
    """Before: DecompressionBombError traceback and exit 1 (or, for the 100 M pixel PNG,
    Pillow's two-line warning and then a decoding error)."""
    done = run_cli("predict", bombs[name], cwd=tmp_path)
    line = assert_one_error_line(done, name, "too large to read safely")
    assert "89,478,485" in line and "Warning" not in done.stderr


def test_the_image_readers_refuse_a_bomb_before_decoding(bombs):
    for path in bombs.values():
        for reader in (check_image, read_grey):
            with pytest.raises(ImageError) as caught:
                reader(path)
            assert caught.value.code == E.IMAGE_TOO_LARGE and "\n" not in str(caught.value)


def test_an_ordinary_image_is_still_read(tmp_path):
    path = tmp_path / "dot.png"
    Image.fromarray(np.full((40, 30), 255, np.uint8)).save(path)
    check_image(path)
    assert read_grey(path).shape == (40, 30)


# -- paths longer than the file system allows ----------------------------------------------
@pytest.fixture
def long_paths(tmp_path) -> dict[str, str]:
    """A name over NAME_MAX, and a whole path over PATH_MAX made of acceptable names."""
    deep = str(tmp_path) + ("/" + "d" * 200) * 25 + "/model.keras"
    return {"name": str(tmp_path / f"{LONG_NAME}.keras"), "path": deep}


@pytest.mark.parametrize("which", ["name", "path"])
@pytest.mark.parametrize(
    "command",
    [
        ["evaluate", "--model", "{p}"],
        ["evaluate", "--data", "{p}"],
        ["train", "--data", "{p}"],
        ["train", "--pen", "{p}"],
        ["train", "--out", "{p}"],
        ["predict", "--model", "{p}", "digit.png"],
        ["predict", "{p}"],
        ["gui", "--model", "{p}"],
        ["gui", "--data", "{p}"],
    ],
    ids=lambda c: "-".join(a.strip("-{}") for a in c if a != "{p}"),
)
def test_a_path_too_long_for_the_file_system_is_one_line(tmp_path, long_paths, which, command):
    """Before: OSError [Errno 36] File name too long, a traceback and exit 1 (the window
    never opened for ``gui --model``)."""
    args = [part.replace("{p}", long_paths[which]) for part in command]
    done = run_cli(*args, cwd=tmp_path, env=cli_env(QT_QPA_PLATFORM="offscreen"), timeout=120)
    assert "Traceback" not in done.stderr and done.returncode == 2, done.stderr[-2000:]
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "too long for the file system" in lines[0], done.stderr
    assert len(lines[0]) < 400  # the path is shortened, not printed whole


@pytest.mark.parametrize("variable", ["DIGITPAD_MNIST", "DIGITPAD_PENDIGITS"])
def test_a_too_long_path_in_the_environment_is_one_line(tmp_path, variable):
    env = cli_env(**{variable: str(tmp_path / LONG_NAME)})
    pen = ["train", "--preset", "dense-augmented", "--limit", "10"]
    command = pen if variable == "DIGITPAD_PENDIGITS" else ["evaluate"]
    done = run_cli(*command, cwd=tmp_path, env=env)
    assert_one_error_line(done, f"${variable}", "too long for the file system")


def test_check_path_names_the_limit_and_lets_ordinary_paths_through(tmp_path):
    with pytest.raises(E.DigitpadError) as caught:
        E.check_path(tmp_path / LONG_NAME)
    assert caught.value.code == E.NAME_TOO_LONG and "at most" in caught.value.detail
    with pytest.raises(E.DigitpadError):  # not there yet: creating it would fail the same
        E.check_path(tmp_path / "new folder" / LONG_NAME)
    E.check_path(tmp_path / "missing.npz")  # missing is the caller's business
    E.check_path(tmp_path)


def test_an_os_error_nobody_turned_into_a_sentence_is_still_one_line(monkeypatch, capsys):
    """The last resort in ``main``: whatever OSError escapes a command."""

    def fails(args):
        raise OSError(errno.ENAMETOOLONG, "File name too long", "/x/" + LONG_NAME * 4)

    monkeypatch.setattr(cli, "_evaluate", fails)
    assert cli.main(["evaluate"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].endswith("File name too long") and len(err[0]) < 200


# -- doctor ------------------------------------------------------------------------------
def _doctor_json(tmp_path, *args, **env) -> tuple[int, dict]:
    environment = cli_env(
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        DIGITPAD_DATA_HOME=str(tmp_path / "data"),
        **env,
    )
    done = run_cli("doctor", "--json", *args, cwd=tmp_path, env=environment, timeout=600)
    assert "Traceback" not in done.stderr, done.stderr[-3000:]
    report = json.loads(done.stdout)
    return done.returncode, {row["name"]: row for row in report["checks"]}


def test_doctor_reports_a_too_long_model_path_as_a_row(tmp_path):
    """Before: a traceback, and ``--json`` printed nothing at all."""
    long_model = str(tmp_path / f"{LONG_NAME}.keras")
    code, rows = _doctor_json(tmp_path, "--model", long_model)
    assert code == 1
    (row,) = [row for name, row in rows.items() if name.startswith("Model /")]
    assert row["status"] == "fail" and "too long for the file system" in row["detail"]
    assert rows["Model tutorial"]["status"] == "ok"


def test_every_doctor_check_that_crashes_is_a_row_and_the_json_is_printed(monkeypatch, capsys):
    def crash(*args, **kwargs):
        raise OSError(errno.ENAMETOOLONG, "File name too long", "/x/" + LONG_NAME)

    for name in (
        "check_python",
        "check_display",
        "check_cjk_font",
        "check_tensorflow",
        "check_mnist",
        "check_pen_digits",
        "check_folders",
        "check_models",
    ):
        monkeypatch.setattr(doctor, name, crash)
    assert doctor.main(json_output=True) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ready"] is False and len(report["checks"]) >= 8
    assert all("File name too long" in row["detail"] for row in report["checks"])


def _free_display() -> str:
    """An X display number nothing serves."""
    for number in range(57, 120):
        if (
            not Path(f"/tmp/.X11-unix/X{number}").exists()
            and not Path(f"/tmp/.X{number}-lock").exists()
        ):
            return f":{number}"
    pytest.skip("no free X display number")


def _needs_xcb():
    if not sys.platform.startswith("linux") or pc.xcb_plugin() is None:
        pytest.skip("no Qt xcb plugin here")
    if pc.missing_libraries():
        pytest.skip(f"the xcb plugin lacks {pc.missing_libraries()} here")


def test_doctor_fails_the_display_row_when_no_x_server_answers(monkeypatch):
    """DISPLAY set, nothing behind it: before, "ok" and "ready for a workshop", then the
    window aborted. The row now tries what the window will do."""
    _needs_xcb()
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("DISPLAY", _free_display())
    row = doctor.check_display()
    assert row.status == "fail" and row.needed, row
    assert "cannot connect to the X display" in row.detail and "\n" not in row.detail


def test_doctor_fails_the_display_row_for_a_platform_qt_does_not_have(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "no-such-platform")
    row = doctor.check_display()
    assert row.status == "fail" and "QT_QPA_PLATFORM=no-such-platform" in row.detail
    assert "offscreen" in row.detail  # the platforms it does have


def test_doctor_fails_the_display_row_when_qt_itself_cannot_start(monkeypatch, tmp_path):
    """A platform Qt has, whose server is not there (Wayland without a compositor):
    nothing short of starting Qt finds out, so the row starts it, in a child process."""
    monkeypatch.setenv("QT_QPA_PLATFORM", "wayland")
    monkeypatch.setenv("WAYLAND_DISPLAY", "digitpad-no-compositor")
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    row = doctor.check_display()
    assert row.status == "fail" and "the window cannot open here" in row.detail, row


def test_doctor_passes_the_display_row_where_the_window_opens(monkeypatch):
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    row = doctor.check_display()
    assert row.status == "ok" and "platform offscreen" in row.detail


@pytest.fixture
def xvfb():
    """A real X server (Xvfb), or a skip saying why not."""
    _needs_xcb()
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    display = _free_display()
    server = subprocess.Popen(
        ["Xvfb", display, "-screen", "0", "640x480x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while not Path(f"/tmp/.X11-unix/X{display[1:]}").exists():
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.skip("Xvfb did not start")
            time.sleep(0.1)
        yield display
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)


def test_on_a_real_x_server_the_display_row_passes(monkeypatch, xvfb):
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    monkeypatch.setenv("DISPLAY", xvfb)
    assert pc.problem() is None
    row = doctor.check_display()
    assert row.status == "ok" and "platform xcb" in row.detail, row


def test_the_window_on_a_display_nothing_serves_is_one_line(tmp_path):
    """Before: Qt's abort (status 134, a paragraph of its internals)."""
    _needs_xcb()
    env = cli_env(DISPLAY=_free_display(), QT_QPA_PLATFORM=None, WAYLAND_DISPLAY=None)
    done = run_cli(cwd=tmp_path, env=env, timeout=120)
    assert_one_error_line(done, "cannot connect to the X display")


def test_the_window_on_a_platform_qt_does_not_have_is_one_line(tmp_path):
    env = cli_env(QT_QPA_PLATFORM="no-such-platform")
    done = run_cli(cwd=tmp_path, env=env, timeout=120)
    assert_one_error_line(done, "QT_QPA_PLATFORM=no-such-platform")


# -- a terminal that cannot show the text -------------------------------------------------
def test_doctor_on_an_ascii_terminal_prints_its_whole_report(tmp_path):
    """LC_ALL=C with Python's UTF-8 mode off: stdout is ASCII. Before: UnicodeEncodeError
    at the first row holding an ellipsis (MNIST's "Open dataset…"), the report cut off."""
    env = cli_env(
        LC_ALL="C",
        LANG=None,
        PYTHONUTF8="0",
        PYTHONIOENCODING=None,
        DIGITPAD_MNIST=None,
        HOME=str(tmp_path),  # no Keras cache here: the MNIST row says how to get it
        QT_QPA_PLATFORM="offscreen",
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        DIGITPAD_DATA_HOME=str(tmp_path / "data"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "digitpad", "doctor"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=600,
        check=False,
    )
    out, err = done.stdout.decode("ascii"), done.stderr.decode("ascii", "replace")
    assert "Traceback" not in err and done.returncode == 1, err[-2000:]
    assert "Open dataset..." in out and "NOT ready" in out


def test_the_plain_error_handler(monkeypatch):
    cli._printable_streams()  # registers it
    text = "Open dataset\u2026 28\u00d728 \u2014 \u2501\u2501 caf\u00e9 \ud55c \udcff"
    assert text.encode("ascii", "digitpad-plain") == b"Open dataset... 28x28 - == cafe ? \xff"


def test_a_remembered_dataset_or_model_too_long_to_look_up_is_one_line(tmp_path):
    """The window reads a remembered dataset and opens models through the ml layer: a
    path too long for the file system is the same one line there (it was "Training
    failed: OSError: [Errno 36] File name too long")."""
    from digitpad.ml.data import load_mnist
    from digitpad.ml.errors import NAME_TOO_LONG, DatasetError, ModelError
    from digitpad.ml.model import check_model_file

    too_long = tmp_path / ("x" * 300 + ".npz")
    with pytest.raises(DatasetError) as found:
        load_mnist(too_long)
    assert found.value.code == NAME_TOO_LONG and "\n" not in str(found.value)
    with pytest.raises(ModelError) as found:
        check_model_file(tmp_path / ("m" * 300 + ".keras"))
    assert found.value.code == NAME_TOO_LONG


def test_pen_data_too_long_to_look_up_is_one_line(tmp_path, monkeypatch):
    """$DIGITPAD_PENDIGITS (or a remembered path) too long for the file system: the
    pen-data reader says so in one line too (its folder check raised OSError)."""
    from digitpad.ml.errors import NAME_TOO_LONG, DatasetError
    from digitpad.ml.pendigits import load_pendigits

    monkeypatch.setenv("DIGITPAD_PENDIGITS", str(tmp_path / ("p" * 300)))
    with pytest.raises(DatasetError) as found:
        load_pendigits()
    assert found.value.code == NAME_TOO_LONG
