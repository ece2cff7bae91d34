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


def _platforms_folder() -> Path | None:
    """PySide6's own platform plugins, found without importing PySide6 (~90 ms, paid
    later by the window anyway, but not by a check that needs only a folder)."""
    from importlib.util import find_spec

    try:
        spec = find_spec("PySide6")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.origin:
        return None
    return Path(spec.origin).parent / "Qt" / "plugins" / "platforms"


def xcb_plugin() -> Path | None:
    folder = _platforms_folder()
    path = folder / "libqxcb.so" if folder is not None else None
    return path if path is not None and path.is_file() else None


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


def _platform_dirs(environ) -> list[Path]:
    """Where Qt looks for platform plugins: $QT_QPA_PLATFORM_PLUGIN_PATH, each
    $QT_PLUGIN_PATH entry's platforms/, then PySide6's own."""
    dirs = [Path(p) for p in environ.get("QT_QPA_PLATFORM_PLUGIN_PATH", "").split(os.pathsep) if p]
    dirs += [
        Path(p) / "platforms" for p in environ.get("QT_PLUGIN_PATH", "").split(os.pathsep) if p
    ]
    own_folder = _platforms_folder()
    if own_folder is not None:
        dirs.append(own_folder)
    return dirs


def platform_plugins(environ=None) -> set[str] | None:
    """The platform names this Qt has plugins for (``xcb``, ``offscreen``, ``wayland``,
    ``wayland-egl``...), as Qt reads them from each plugin's metadata; ``None`` without
    PySide6. Reading metadata loads no plugin (Qt would, and abort on a broken one)."""
    environ = os.environ if environ is None else environ
    try:
        from PySide6.QtCore import QPluginLoader
    except ImportError:
        return None
    keys: set[str] = set()
    for folder in _platform_dirs(environ):
        try:
            files = sorted(folder.iterdir())
        except OSError:
            continue
        for file in files:
            if file.suffix in (".so", ".dll", ".dylib"):
                meta = QPluginLoader(str(file)).metaData().get("MetaData", {})
                keys.update(str(key).lower() for key in meta.get("Keys", []) or [])
    return keys


def _has_platform(name: str, environ) -> bool | None:
    """Whether Qt has a plugin for the platform ``name``; ``None``: cannot tell."""
    # The common case costs a stat: the plugin file named after the platform.
    if any((folder / f"libq{name}.so").is_file() for folder in _platform_dirs(environ)):
        return True
    keys = platform_plugins(environ)
    return None if keys is None else name.lower() in keys


def _chosen_platforms(qpa: str) -> list[str]:
    """QT_QPA_PLATFORM's platforms in the order Qt tries them ("wayland;xcb"), without
    their options ("vnc:size=800x600")."""
    return [part.split(":")[0].strip() for part in qpa.split(";") if part.split(":")[0].strip()]


def display_problem(display: str, timeout: float = 10.0) -> str | None:
    """Connect to the X server ``display`` names, as Qt's xcb plugin will (libxcb's
    ``xcb_connect``, which also presents this user's X authority), and hang up: one
    line when nothing answers there or it refuses, ``None`` when it accepts (~1 ms) or
    libxcb is not there to ask (the library check says so)."""
    try:
        xcb = ctypes.CDLL("libxcb.so.1")
    except OSError:
        return None
    xcb.xcb_connect.restype = ctypes.c_void_p
    xcb.xcb_connect.argtypes = [ctypes.c_char_p, ctypes.c_void_p]
    xcb.xcb_connection_has_error.restype = ctypes.c_int
    xcb.xcb_connection_has_error.argtypes = [ctypes.c_void_p]
    xcb.xcb_disconnect.argtypes = [ctypes.c_void_p]
    result: list[int] = []

    def connect() -> None:
        connection = xcb.xcb_connect(os.fsencode(display), None)
        result.append(xcb.xcb_connection_has_error(connection))
        xcb.xcb_disconnect(connection)

    import threading  # here: only a desktop start gets this far

    worker = threading.Thread(target=connect, name="digitpad-x-check", daemon=True)
    worker.start()
    worker.join(timeout)
    if not result:
        return (
            f"the X display {display} (DISPLAY) does not answer within {timeout:.0f} s: "
            "check DISPLAY, or use digitpad train|evaluate|predict"
        )
    if result[0]:
        return (
            f"cannot connect to the X display {display} (DISPLAY): no X server is running "
            "there, or it refuses this user; run digitpad in a desktop session, or use "
            "digitpad train|evaluate|predict"
        )
    return None


def problem(environ=None, platform: str | None = None) -> str | None:
    """One line saying why the window cannot open here, or ``None`` if it should.

    What the window will do, short of starting Qt: the platform QT_QPA_PLATFORM names
    must be one this Qt has, and for X (xcb, the default on Linux) the libraries must
    load and the display must accept a connection."""
    environ = os.environ if environ is None else environ
    platform = platform or sys.platform
    if not platform.startswith("linux"):
        return None
    qpa = environ.get("QT_QPA_PLATFORM", "")
    chosen = _chosen_platforms(qpa)
    if chosen:
        found = [name for name in chosen if _has_platform(name, environ) is not False]
        if not found:
            known = ", ".join(sorted(platform_plugins(environ) or ()))
            return (
                f"QT_QPA_PLATFORM={qpa} names no platform this Qt has (it has: {known}); "
                "unset it, or set it to one of those"
            )
        if found[0] != "xcb":
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
    trouble = display_problem(environ["DISPLAY"])
    if trouble and environ.get("WAYLAND_DISPLAY") and not chosen:
        return None  # Qt may well choose Wayland here: let it try
    return trouble
