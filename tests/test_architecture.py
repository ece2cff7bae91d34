"""The layers hold: the import-linter contracts of pyproject.toml are all kept.

The contracts themselves say the rules (ml never imports Qt, the window or the command
line; cli -> ui -> ml; inside ui, widgets never import the shell); see
docs/ARCHITECTURE.md. CI also runs ``lint-imports`` directly.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_are_kept():
    command = shutil.which("lint-imports") or shutil.which(
        "lint-imports", path=Path(sys.executable).parent
    )
    assert command, "import-linter is part of the test extra: pip install '.[test]'"
    done = subprocess.run([command], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "0 broken" in done.stdout


def test_the_ml_layer_still_imports_without_qt():
    """Belt and braces: import every ml module in a fresh process with Qt made unimportable."""
    code = (
        "import sys, importlib, pkgutil\n"
        "sys.modules['PySide6'] = None\n"
        "import digitpad.ml as ml\n"
        "for m in pkgutil.iter_modules(ml.__path__):\n"
        "    importlib.import_module('digitpad.ml.' + m.name)\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr
