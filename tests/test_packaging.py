"""The wheel carries everything the app needs, found from any working directory."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = ROOT
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(out),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (found,) = out.glob("digitpad-*.whl")
    return found


def test_wheel_contains_the_resources_and_entry_points(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    resources = {Path(name).name for name in names if name.startswith("digitpad/resources/")}
    shipped = {p.name for p in (ROOT / "resources").iterdir() if p.is_file()}
    assert {"mnist_dense.keras", "mnist_dense.json", "digitpad_ko.qm"} <= resources
    assert shipped - {"README.md"} <= resources  # everything in resources/ the app uses
    assert "digitpad/ml/predictor.py" in names and "digitpad/ui/__init__.py" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "digitpad = digitpad.cli:main" in text


def test_installed_package_finds_its_model_from_any_folder(tmp_path, wheel):
    """Unpack the wheel as an installer would and run from an unrelated folder."""
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    code = (
        "import digitpad, sys\n"
        "from digitpad.ml.model import bundled_model_path\n"
        "from digitpad.ml.predictor import Predictor\n"
        "path = bundled_model_path()\n"
        "assert str(path).startswith(sys.argv[1]), (path, sys.argv[1])\n"
        "Predictor.from_file(path)\n"
        "# its weights come from the sidecar shipped beside it: no h5py at start-up\n"
        "assert 'h5py' not in sys.modules\n"
        "print('ok', path.name)\n"
    )
    done = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(site)!r}); " + code,
            str(site),
        ],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok mnist_dense.keras"
