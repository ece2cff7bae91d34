"""Before the window opens: a missing display or system library is one clear line."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from digitpad.ui.shell import platform_check as pc


@pytest.mark.parametrize(
    ("soname", "package"),
    [
        ("libxcb-cursor.so.0", "libxcb-cursor0"),
        ("libxcb-icccm.so.4", "libxcb-icccm4"),
        ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
        ("libdbus-1.so.3", "libdbus-1-3"),
        ("libEGL.so.1", "libegl1"),
    ],
)
def test_debian_package_names(soname, package):
    assert pc.debian_package(soname) == package


def test_missing_libraries_name_the_packages(monkeypatch):
    monkeypatch.setattr(
        pc, "missing_libraries", lambda: ["libxcb-cursor.so.0", "libxcb-icccm.so.4"]
    )
    line = pc.problem({"DISPLAY": ":0"}, "linux")
    assert "sudo apt install libxcb-cursor0 libxcb-icccm4" in line and "\n" not in line


def test_no_display_is_explained_and_other_platforms_are_left_to_qt(monkeypatch):
    monkeypatch.setattr(pc, "missing_libraries", lambda: [])
    monkeypatch.setattr(pc, "display_problem", lambda display: None)  # as if :0 answers
    assert "DISPLAY" in pc.problem({}, "linux")
    assert pc.problem({"DISPLAY": ":0"}, "linux") is None
    assert pc.problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert pc.problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux") is None
    assert pc.problem({}, "darwin") is None


def test_the_window_without_a_display_exits_with_one_line():
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "QT_QPA_PLATFORM")}
    env.pop("WAYLAND_DISPLAY", None)
    done = subprocess.run(
        [sys.executable, "-m", "digitpad"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and "DISPLAY" in done.stderr


def test_a_plugin_that_loads_is_not_run_through_ldd(monkeypatch):
    """The common case costs a dlopen, not a subprocess on every start. A shared object
    that loads on any machine stands in for the plugin: whether Qt's own xcb plugin loads
    depends on the machine's X libraries (a fresh one lacks libxcb-icccm4 and others)."""
    import _ctypes

    plugin = Path(_ctypes.__file__)
    assert pc._loads(str(plugin))

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"ran {args[0]!r}")

    monkeypatch.setattr(subprocess, "run", no_subprocess)
    assert set(pc.missing_libraries(plugin)) <= {"libxcb-cursor.so.0"}


def test_a_plugin_that_does_not_load_lists_what_ldd_finds_missing(tmp_path, monkeypatch):
    broken = tmp_path / "libqxcb.so"
    broken.write_bytes(b"not a shared object")
    asked = []
    monkeypatch.setattr(pc, "_ldd_missing", lambda p: asked.append(p) or ["libxcb-icccm.so.4"])
    monkeypatch.setattr(pc, "RUNTIME_LIBRARIES", {"nothing": "libdigitpad-nothing.so.9"})
    assert pc.missing_libraries(broken) == ["libxcb-icccm.so.4", "libdigitpad-nothing.so.9"]
    assert asked == [broken]


def test_ldd_and_the_loader_agree_on_whether_the_plugin_loads():
    plugin = pc.xcb_plugin()
    if plugin is None:
        pytest.skip("this PySide6 has no xcb plugin")
    # The loader and ldd agree about this machine, whichever way: a plugin that loads lacks
    # nothing, one that does not is named what it lacks, as sonames the user can install.
    missing = pc._ldd_missing(plugin)
    assert pc._loads(str(plugin)) == (missing == [])
    assert all(re.fullmatch(r"lib\S+\.so(\.\d+)*", name) for name in missing), missing


def test_a_library_that_several_need_is_named_once(monkeypatch, tmp_path):
    """ldd lists a missing library under each library that needs it (seen on a fresh
    machine: libxcb-icccm.so.4 and libxcb-keysyms.so.1, each twice)."""
    out = (
        "\tlinux-vdso.so.1 (0x00007ffd)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxcb-keysyms.so.1 => not found\n"
        "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)\n"
        "\tlibxcb-icccm.so.4 => not found\n"
        "\tlibxcb-keysyms.so.1 => not found\n"
    )
    monkeypatch.setattr(
        subprocess, "run", lambda *a, **k: subprocess.CompletedProcess(a[0], 0, out, "")
    )
    missing = pc._ldd_missing(tmp_path / "libqxcb.so")
    assert missing == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
