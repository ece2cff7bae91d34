"""``digitpad doctor``: is this machine ready for a workshop? One row per check.

Each check gives ``ok``, ``warn`` (works, but something a teacher should know) or
``fail``. The exit status is 0 when everything needed to draw and to train is there,
1 otherwise; ``--json`` prints the same rows for scripts. Nothing here needs a display
or the network: TensorFlow is timed in a child process, Qt is asked without a window.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

# The sha256 of Keras' own mnist.npz (the file the tutorial and the bundled model use).
KNOWN_MNIST_SHA256 = "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64"
BROKEN_PYSIDE = "6.12.0"  # corrupts None/True/False refcounts on Python 3.11


@dataclass
class Check:
    name: str
    status: str  # "ok", "warn" or "fail"
    detail: str
    needed: bool = True  # a failure here means the workshop cannot draw or train


def _version(module: str) -> str | None:
    try:
        from importlib.metadata import version

        return version(module)
    except Exception:  # noqa: BLE001 - not installed, or metadata unreadable: say so
        return None


def check_python() -> list[Check]:
    rows = []
    ok = sys.version_info >= (3, 10)
    rows.append(Check("Python", "ok" if ok else "fail", platform.python_version()))
    for dist in ("numpy", "h5py", "pillow"):
        found = _version(dist)
        rows.append(Check(dist, "ok" if found else "fail", found or "not installed"))
    pyside = _version("PySide6") or _version("PySide6-Essentials")
    if pyside is None:
        rows.append(Check("PySide6", "fail", "not installed: the window cannot open"))
    elif pyside == BROKEN_PYSIDE:
        rows.append(
            Check(
                "PySide6", "fail", f"{pyside} crashes on Python 3.11: pip install 'PySide6!=6.12.0'"
            )
        )
    else:
        rows.append(Check("PySide6", "ok", pyside))
    return rows


# What the window does first, in a child process (Qt aborts the process it fails in).
_TRY_WINDOW = (
    "import sys\n"
    "from PySide6.QtWidgets import QApplication\n"
    "app = QApplication(sys.argv[:1])\n"
    "print(app.platformName())\n"
)


def check_display() -> Check:
    """Try what the window will do: the checks ``digitpad`` makes before Qt (platform,
    libraries, a connection to the display), then a Qt application started in a child
    process with this environment, which must start and name its platform."""
    from digitpad.ui.shell.platform_check import problem

    name = "Qt platform and display"
    trouble = problem()
    if trouble:
        return Check(name, "fail", trouble)
    try:
        done = subprocess.run(
            [sys.executable, "-c", _TRY_WINDOW],
            capture_output=True,
            text=True,
            errors="replace",
            timeout=60,
        )
    except subprocess.TimeoutExpired:
        return Check(name, "fail", "the window's Qt application did not start within 60 s")
    except OSError as exc:
        return Check(name, "fail", f"cannot start Python to try the window ({exc.strerror})")
    started = done.stdout.strip().splitlines()
    if done.returncode != 0 or not started:
        return Check(name, "fail", f"the window cannot open here: {_qt_reason(done.stderr)}")
    where = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or "-"
    return Check(name, "ok", f"platform {started[-1]}, display {where}")


def _qt_reason(stderr: str) -> str:
    """Qt's first line that says what went wrong (it follows with a paragraph)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if "could not" in line.lower() or "cannot" in line.lower() or "failed" in line.lower():
            return line
    return lines[-1] if lines else "Qt stopped without saying why"


def check_cjk_font() -> Check:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return Check("Korean font", "warn", "cannot tell (no fc-list)", needed=False)
    try:
        out = subprocess.run(
            [fc_list, ":lang=ko", "family"], capture_output=True, text=True, timeout=20
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        out = ""
    families = sorted({line.split(",")[0].strip() for line in out.splitlines() if line.strip()})
    if families:
        return Check("Korean font", "ok", families[0], needed=False)
    return Check(
        "Korean font",
        "warn",
        "none: Korean shows as boxes (Debian/Ubuntu: sudo apt install fonts-noto-cjk)",
        needed=False,
    )


def check_tensorflow() -> list[Check]:
    code = (
        "import time; t = time.perf_counter(); import tensorflow as tf; import keras\n"
        "print(time.perf_counter() - t, tf.__version__, keras.__version__,"
        " len(tf.config.list_physical_devices('GPU')))"
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    try:
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, env=env
        )
    except subprocess.TimeoutExpired:
        return [Check("TensorFlow", "fail", "import took over 5 minutes")]
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["import failed"])[-1]
        return [Check("TensorFlow", "fail", f"cannot import: {last}")]
    seconds, tf_version, keras_version, gpus = done.stdout.split()[-4:]
    slow = float(seconds) > 15
    return [
        Check(
            "TensorFlow",
            "warn" if slow else "ok",
            f"{tf_version} (Keras {keras_version}); import takes {float(seconds):.1f} s",
        ),
        Check(
            "GPU",
            "ok",
            f"{gpus} found" if int(gpus) else "none: training runs on the CPU (fine)",
            needed=False,
        ),
    ]


def check_mnist() -> Check:
    from digitpad.ml.data import ENV_VAR, load_mnist, resolve_path, sha256_of
    from digitpad.ml.errors import DatasetError, check_path

    path = resolve_path()
    if path is not None:
        try:
            check_path(path, DatasetError)
        except DatasetError as exc:
            return Check("MNIST", "fail", f"${ENV_VAR}: {exc}")
    if path is None:
        cached = Path.home() / ".keras" / "datasets" / "mnist.npz"
        if not cached.is_file():
            return Check(
                "MNIST",
                "fail",
                f"not found: set {ENV_VAR}=/path/to/mnist.npz (or use Open dataset…); "
                "drawing works, training does not",
            )
        path = cached
    try:
        mnist = load_mnist(path)
    except DatasetError as exc:
        return Check("MNIST", "fail", str(exc))
    size = path.stat().st_size / 1e6
    known = sha256_of(path) == KNOWN_MNIST_SHA256
    detail = f"{path} ({size:.1f} MB, {len(mnist.x_train):,} + {len(mnist.x_test):,} images"
    detail += ", Keras' own file)" if known else ", not Keras' own file: figures may differ)"
    return Check("MNIST", "ok" if known else "warn", detail)


def check_pen_digits() -> Check:
    from digitpad.ml.errors import DatasetError, check_path
    from digitpad.ml.pendigits import ENV_VAR, HELD_OUT_WRITERS, is_bundled, load_pendigits

    given = os.environ.get(ENV_VAR)
    try:
        if given:
            check_path(os.path.expanduser(given), DatasetError)
    except DatasetError as exc:
        return Check("Pen-written digits", "warn", f"${ENV_VAR}: {exc}", needed=False)
    try:
        digits = load_pendigits()
    except DatasetError as exc:
        return Check(
            "Pen-written digits",
            "warn",
            f"{exc}: the augmented presets train on MNIST alone",
            needed=False,
        )
    train, held_out = digits.split()
    where = "bundled with digitpad" if is_bundled(digits) else f"${ENV_VAR}: {digits.source}"
    writers = len(set(train.writers.tolist()))
    detail = (
        f"{where} ({len(digits):,} digits: {len(train):,} from {writers} training writers, "
        f"{len(held_out):,} from the {len(HELD_OUT_WRITERS)} held-out writers; CC BY 4.0)"
    )
    return Check("Pen-written digits", "ok", detail, needed=False)


def check_folders() -> list[Check]:
    from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths

    from digitpad.ui.settings import APPLICATION, ORGANIZATION

    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    settings = Path(
        QSettings(
            QSettings.defaultFormat(), QSettings.Scope.UserScope, ORGANIZATION, APPLICATION
        ).fileName()
    ).parent
    data = os.environ.get("DIGITPAD_DATA_HOME") or QStandardPaths.writableLocation(
        QStandardPaths.StandardLocation.AppDataLocation
    )
    rows = []
    for name, folder in (("Settings folder", settings), ("My digits folder", Path(data))):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=folder, prefix=".doctor-"):
                pass
            rows.append(Check(name, "ok", str(folder), needed=False))
        except OSError as exc:
            rows.append(
                Check(name, "warn", f"{folder}: not writable ({exc.strerror})", needed=False)
            )
    return rows


def check_models(paths: dict[str, Path], keras_check: bool = True) -> list[Check]:
    """Each model loads in the numpy predictor and, when Keras is there, agrees with it."""
    from digitpad.ml.errors import DigitpadError, ModelError, check_path, shown_path
    from digitpad.ml.predictor import Predictor

    rng = np.random.default_rng(0)
    images = _sample_images(rng)
    rows = []
    for key, path in paths.items():
        name = shown_path(key, limit=200)  # a row's name is one line too
        try:
            check_path(path, ModelError)
            predictor = Predictor.from_file(path)
            ours = predictor.predict(images)
        except DigitpadError as exc:
            rows.append(Check(f"Model {name}", "fail", str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - one model's trouble is its row
            rows += _guarded(f"Model {name}", _raise, exc)
            continue
        detail = f"{Path(path).name}: reads in numpy"
        status = "ok"
        if keras_check:
            try:
                from digitpad.ml.model import load_model

                theirs = load_model(path).predict(images.reshape(len(images), -1), verbose=0)
                gap = float(np.abs(theirs - ours).max())
                detail += f", agrees with Keras (max difference {gap:.1e})"
                if gap > 1e-4:
                    status, detail = "fail", detail.replace("agrees", "DISAGREES")
            except Exception as exc:  # noqa: BLE001 - any Keras trouble is a row, not a crash
                status = "fail"
                detail += f", Keras cannot load it ({type(exc).__name__}: {exc})"
        rows.append(Check(f"Model {name}", status, detail))
    return rows


def _raise(exc: BaseException):
    raise exc


def _sample_images(rng) -> np.ndarray:
    """A few real test digits when MNIST is here, else random inputs in [0, 1]."""
    try:
        from digitpad.ml.data import load_mnist

        return (load_mnist().x_test[:16] / 255.0).astype(np.float32)
    except Exception:  # noqa: BLE001 - no MNIST: random inputs still compare the maths
        return rng.random((16, 28, 28), dtype=np.float32)


def _guarded(name: str, check, *args, needed: bool = True) -> list[Check]:
    """A check that fails unexpectedly is a row saying so, never the end of the report
    (which ``--json`` prints only once every row is in)."""
    try:
        found = check(*args)
    except Exception as exc:  # noqa: BLE001 - any trouble is a row, not a crash
        from digitpad.ml.errors import shown_path

        if isinstance(exc, OSError) and exc.filename is not None:
            reason = f"{shown_path(os.fsdecode(exc.filename))}: {exc.strerror or exc}"
        else:
            reason = (str(exc).strip().splitlines() or [""])[0][:300]
        detail = f"{type(exc).__name__}: {reason}" if reason else type(exc).__name__
        return [Check(name, "fail" if needed else "warn", detail, needed=needed)]
    return found if isinstance(found, list) else [found]


def run_checks(extra_models: list[str] | None = None) -> list[Check]:
    from digitpad.ml.model import BUNDLED_VARIANTS, bundled_variant_path

    rows = _guarded("Python", check_python)
    rows += _guarded("Qt platform and display", check_display)
    rows += _guarded("Korean font", check_cjk_font, needed=False)
    tf_rows = _guarded("TensorFlow", check_tensorflow)
    rows += tf_rows
    rows += _guarded("MNIST", check_mnist)
    rows += _guarded("Pen-written digits", check_pen_digits, needed=False)
    rows += _guarded("Folders", check_folders, needed=False)
    models: dict[str, Path] = {}
    for key in BUNDLED_VARIANTS:
        path = bundled_variant_path(key)
        if path is None:
            rows.append(Check(f"Model {key}", "fail", "not bundled in this installation"))
        else:
            models[key] = path
    for extra in extra_models or []:
        models[extra] = Path(extra)
    rows += _guarded("Models", check_models, models, tf_rows[0].status != "fail")
    return rows


def main(json_output: bool = False, models: list[str] | None = None) -> int:
    started = time.perf_counter()
    rows = run_checks(models)
    ready = all(row.status != "fail" for row in rows if row.needed)
    if json_output:
        print(json.dumps({"ready": ready, "checks": [asdict(r) for r in rows]}, indent=2))
    else:
        width = min(max(len(r.name) for r in rows), 40)
        for row in rows:
            print(f"{row.status:>4}  {row.name:<{width}}  {row.detail}")
        verdict = "ready for a workshop" if ready else "NOT ready: see the rows marked fail"
        print(f"\n{verdict} ({time.perf_counter() - started:.0f} s)")
    return 0 if ready else 1
