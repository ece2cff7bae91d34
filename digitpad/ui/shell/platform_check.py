"""Before the window: can Qt show one here? One clear line instead of Qt's abort.

On Linux, Qt's xcb plugin needs system libraries that a fresh machine may lack
(``libxcb-cursor0`` above all, since PySide6 6.5), and without a display at all Qt
aborts. Both end in a core dump and a paragraph of Qt internals; this module finds
the cause first, without creating a ``QApplication``, and names the package to install.
Only standard-library calls: it runs before anything else of the window is imported.
"""

from __future__ import annotations

import ctypes
import os
import re
import sys
from pathlib import Path

# Loaded by Qt at run time (dlopen), so ``ldd`` on the plugin does not list it.
RUNTIME_LIBRARIES = {"xcb-cursor": "libxcb-cursor.so.0"}


def debian_package(soname: str) -> str:
    """Debian's package for a shared library, by Debian's naming rule.

    ``libxcb-icccm.so.4`` -> ``libxcb-icccm4``; a name ending in a digit gets a dash:
    ``libxkbcommon-x11.so.0`` -> ``libxkbcommon-x11-0``, ``libdbus-1.so.3`` -> ``libdbus-1-3``.
    """
    match = re.match(r"^(lib[^/]*?)\.so\.(\d+)", soname)
    if not match:
        return soname
    name, version = match.group(1).lower(), match.group(2)
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


def xcb_plugin() -> Path | None:
    try:
        import PySide6
    except ImportError:
        return None
    path = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    return path if path.is_file() else None


def missing_libraries(plugin: Path | None = None) -> list[str]:
    """Sonames the xcb plugin needs and this machine lacks (empty when all are there).

    Asked of the dynamic loader in this process (``dlopen``, what Qt does next anyway):
    ~1 ms where running ``ldd`` and ``ldconfig`` took ~17 ms of every start with a
    display. Only when the plugin does not load is ``ldd`` run, to name everything it
    lacks rather than the first library the loader gave up on."""
    missing = []
    plugin = plugin or xcb_plugin()
    if plugin is not None and not _loads(str(plugin)):
        missing += _ldd_missing(plugin)
    for soname in RUNTIME_LIBRARIES.values():
        if soname not in missing and not _loads(soname):
            missing.append(soname)
    return missing


def _loads(library: str) -> bool:
    try:
        ctypes.CDLL(library, mode=os.RTLD_LAZY | os.RTLD_LOCAL)
    except OSError:
        return False
    return True


def _ldd_missing(plugin: Path) -> list[str]:
    import shutil
    import subprocess  # here: not imported on the way to every window (~4 ms)

    ldd = shutil.which("ldd")
    if not ldd:
        return []
    try:
        out = subprocess.run(
            [ldd, str(plugin)], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return []
    # A library that several others need is listed once for each: name it once.
    return list(dict.fromkeys(re.findall(r"^\s*(\S+)\s+=>\s+not found", out, re.M)))


def problem(environ=None, platform: str | None = None) -> str | None:
    """One line saying why the window cannot open here, or ``None`` if it should."""
    environ = os.environ if environ is None else environ
    platform = platform or sys.platform
    if not platform.startswith("linux"):
        return None
    qpa = environ.get("QT_QPA_PLATFORM", "")
    if qpa and not qpa.startswith("xcb"):
        return None  # offscreen, wayland, vnc...: Qt's own choice, nothing to check here
    if not environ.get("DISPLAY"):
        if environ.get("WAYLAND_DISPLAY") and not qpa:
            return None
        return (
            "no display to open the window on (DISPLAY is not set): run digitpad in a "
            "desktop session, or use digitpad train|evaluate|predict"
        )
    missing = missing_libraries()
    if missing:
        packages = " ".join(dict.fromkeys(debian_package(s) for s in missing))
        return (
            f"the window needs system libraries this machine lacks ({', '.join(missing)}); "
            f"on Debian/Ubuntu: sudo apt install {packages}"
        )
    return None
