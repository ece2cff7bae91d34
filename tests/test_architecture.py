"""The ML layer must stay free of Qt (STYLE.md): widgets show and wire, ml computes."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import digitpad.ml

ML_DIR = Path(digitpad.ml.__file__).parent
QT_PACKAGES = ("PySide6", "PySide2", "PyQt5", "PyQt6", "shiboken6", "qtpy")


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.append(node.module)
    return names


def test_ml_package_never_imports_qt():
    offenders = [
        f"{path.name}: {name}"
        for path in sorted(ML_DIR.rglob("*.py"))
        for name in _imports(path)
        if name.split(".")[0] in QT_PACKAGES or name.startswith("digitpad.ui")
    ]
    assert ML_DIR.is_dir() and len(list(ML_DIR.glob("*.py"))) > 5
    assert offenders == []


def test_importing_every_ml_module_loads_no_qt():
    """Catches indirect imports too: nothing Qt is in sys.modules afterwards."""
    modules = [f"digitpad.ml.{p.stem}" for p in ML_DIR.glob("*.py") if p.stem != "callbacks"]
    code = (
        "import sys, importlib\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"bad = [m for m in sys.modules if m.split('.')[0] in {QT_PACKAGES!r}]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
