"""`digitpad doctor`: a workshop machine checked row by row, exit 0 only when ready."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import SMALL_MNIST


def _doctor(tmp_path, *args, **env):
    environment = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "DIGITPAD_DATA_HOME": str(tmp_path / "data"),
        **env,
    }
    done = subprocess.run(
        [sys.executable, "-m", "digitpad", "doctor", "--json", *args],
        capture_output=True,
        text=True,
        timeout=600,
        env=environment,
        cwd=tmp_path,
    )
    report = json.loads(done.stdout)
    return done.returncode, report, {row["name"]: row for row in report["checks"]}


def test_a_ready_machine_passes_with_every_bundled_model_agreeing_with_keras(tmp_path):
    code, report, rows = _doctor(tmp_path, DIGITPAD_MNIST=str(SMALL_MNIST))
    assert code == 0 and report["ready"] is True, rows
    for key in ("tutorial", "dense-augmented", "robust"):
        assert rows[f"Model {key}"]["status"] == "ok"
        assert "agrees with Keras" in rows[f"Model {key}"]["detail"]
    # A valid subset works, but it is not the file the tutorial's figures come from.
    assert rows["MNIST"]["status"] == "warn" and "2,000 + 500" in rows["MNIST"]["detail"]
    assert (
        rows["TensorFlow"]["status"] in ("ok", "warn")
        and "import takes" in rows["TensorFlow"]["detail"]
    )
    assert rows["Settings folder"]["status"] == "ok"


def test_no_mnist_and_a_broken_model_fail_with_exit_1(tmp_path):
    broken = tmp_path / "broken.keras"
    broken.write_bytes(b"PK\x03\x04 not really a zip" * 10)
    code, report, rows = _doctor(
        tmp_path, "--model", str(broken), DIGITPAD_MNIST=str(tmp_path / "missing.npz")
    )
    assert code == 1 and report["ready"] is False
    assert rows["MNIST"]["status"] == "fail" and "missing.npz" in rows["MNIST"]["detail"]
    assert rows[f"Model {broken}"]["status"] == "fail"
    assert rows["Model tutorial"]["status"] == "ok"  # the bundled ones still check out
