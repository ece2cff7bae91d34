"""Run ``python -m digitpad`` as a user would: a real subprocess, real stdout/stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def cli_env(**changes: str | None) -> dict[str, str]:
    """This environment with the repository importable; ``None`` removes a variable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO)
    env.pop("PYTHONSTARTUP", None)
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_cli(*args: str, cwd: str | os.PathLike, env: dict | None = None, timeout: float = 180):
    return subprocess.run(
        [sys.executable, "-m", "digitpad", *map(str, args)],
        cwd=cwd,
        env=env or cli_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_error_line(result, *expected: str) -> str:
    """Exit 2, exactly one ``digitpad: error: ...`` line on stderr, no traceback anywhere."""
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert result.returncode == 2, (result.returncode, result.stderr)
    assert line.startswith("digitpad: error: "), line
    for text in expected:
        assert text in line, (text, line)
    return line
