"""The instruction-count benchmark reads callgrind's report right and runs end to end."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "move_instructions.py"


@pytest.fixture
def bench():
    spec = importlib.util.spec_from_file_location("move_instructions", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_outermost_inclusive_count_is_read(bench):
    """callgrind_annotate lists a function once per recursion depth ('2); the outermost
    entry holds the whole cost."""
    report = "\n".join(
        [
            "60,830,986 (100.0%)  PROGRAM TOTALS",
            "52,398,651 (86.14%)  ???:QCoreApplication::processEvents(QFlags<X>) [Core]",
            " 1,200,000 ( 1.97%)  ???:QCoreApplication::processEvents(QFlags<X>)'2 [Core]",
            "19,594,139 (32.21%)  ???:QWidgetRepaintManager::paintAndFlush() [Widgets]",
            "   937,624 ( 1.54%)  ???:QPainter::drawPixmap(QRectF const&) [Gui]",
        ]
    )
    assert bench.inclusive(report, bench.EVENTS) == 52_398_651
    assert bench.inclusive(report, bench.PAINT) == 19_594_139
    assert bench.inclusive(report, "QSomethingElse::") == 0


@pytest.mark.skipif(not shutil.which("valgrind"), reason="needs valgrind")
def test_a_short_count_splits_a_move_into_its_parts(tmp_path):
    env = dict(os.environ, XDG_CONFIG_HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--moves", "3", "--warm", "5"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rows = {}
    for line in done.stdout.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[1].endswith(" k"):
            rows[cells[0]] = int(cells[1][:-2].replace(",", ""))
    assert set(rows) == {"all", "the mouse event", "reading", "painting"}, done.stdout
    parts = rows["the mouse event"] + rows["reading"] + rows["painting"]
    assert all(value > 10 for value in rows.values())  # each part is real work (> 10 k)
    assert abs(parts - rows["all"]) <= 2  # rounding of the three
