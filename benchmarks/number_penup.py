"""Number mode in the window: pen-up -> number shown, and undo -> number shown.

The window (offscreen Qt, 1366x768, the bundled tutorial network) is put in number mode
and drawn on with real mouse events, stroke after stroke, up to 300 strokes:

- *clicks*: single clicks all over the wide pad (each a stroke of one point);
- *hatching*: short parallel diagonal strokes left to right, then over the same ground
  again (70 per pass);
- *scribbles*: small random scribbles (30 moves each) anywhere on the pad;
- *a number*: 4-digit numbers of the held-out writers' pen digits, written one after the
  other along the pad (a digit's strokes one after the other, with the pen's own points).

**Pen-up -> number shown**: from sending the button release to the end of the
``processEvents()`` that paints the number view after ``ReadingModes.numberShown`` (the
read runs in a background job; the GUI thread is free meanwhile). **Undo -> number
shown**: after the 300th stroke, Ctrl+Z (``canvas.undo``) 60 times, each timed the same
way. Figures per band of strokes (1-100, 101-200, 201-300): median and worst ms.

    QT_QPA_PLATFORM=offscreen python3 benchmarks/number_penup.py [--strokes 300] [--out FILE]

``--out`` writes the section as Markdown (with the commit and the machine's load) to
FILE; BENCHMARKS.md is not touched.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np  # noqa: E402
from PySide6.QtCore import QEvent, QEventLoop, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from benchmarks import _report  # noqa: E402

HEADING = "## Number mode: pen-up to number shown"
SEED = 29
UNDOS = 60
BANDS = ((1, 100), (101, 200), (201, 300))


def _send(widget, kind, pos: QPointF, button, buttons) -> None:
    event = QMouseEvent(
        kind,
        pos,
        QPointF(widget.mapToGlobal(pos.toPoint())),
        button,
        buttons,
        Qt.KeyboardModifier.NoModifier,
    )
    QApplication.sendEvent(widget, event)


def _wait_shown(window, started: float) -> float:
    """Ms from ``started`` until the number view shows the current drawing (painted)."""
    reading = window.reading
    if reading.number_pending():
        loop = QEventLoop()
        reading.numberShown.connect(loop.quit)
        guard = QTimer()
        guard.setSingleShot(True)
        guard.timeout.connect(loop.quit)
        guard.start(30_000)
        while reading.number_pending() and guard.isActive():
            loop.exec()
        reading.numberShown.disconnect(loop.quit)
    QApplication.processEvents()  # the paint that shows it
    return (time.perf_counter() - started) * 1e3


def pen_up(window, points) -> float:
    """Draw one stroke (points in pad heights); ms from its release to the number shown."""
    canvas = window.canvas
    area = canvas.drawing_rect()
    h = area.height()
    where = [QPointF(area.left() + x * h, area.top() + y * h) for x, y in points]
    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    _send(canvas, QEvent.Type.MouseButtonPress, where[0], left, left)
    for p in where[1:]:
        _send(canvas, QEvent.Type.MouseMove, p, none, left)
    QApplication.processEvents()
    started = time.perf_counter()
    _send(canvas, QEvent.Type.MouseButtonRelease, where[-1], left, none)
    return _wait_shown(window, started)


def undo(window) -> float:
    QApplication.processEvents()
    started = time.perf_counter()
    window.canvas.undo()
    QApplication.processEvents()  # the queued read of the changed drawing
    return _wait_shown(window, started)


# -- drawings, in pad heights (x to 2.5, y to 1) ----------------------------------------------
def clicks(count, rng):
    return [[tuple(rng.uniform([0.05, 0.05], [2.45, 0.95]))] for _ in range(count)]


def hatching(count, _rng):
    out = []
    for k in range(count):
        x = 0.1 + (k % 70) * 0.033
        out.append([(x + 0.12 * t, 0.75 - 0.5 * t) for t in np.linspace(0, 1, 8)])
    return out


def scribbles(count, rng):
    out = []
    for _ in range(count):
        walk = rng.uniform([0.2, 0.2], [2.3, 0.8]) + np.cumsum(rng.normal(0, 0.03, (30, 2)), 0)
        out.append([tuple(p) for p in np.clip(walk, 0.02, [2.48, 0.98])])
    return out


def a_number(count, rng):
    """Pen digits of the held-out writers, 4-digit numbers along the pad, row after row
    written over the last (the pad has room for one number at a time)."""
    from digitpad.ml.pendigits import HELD_OUT_WRITERS, load_pendigits

    try:
        pen = load_pendigits().split()[1]
    except Exception:  # noqa: BLE001 - the copy of the held-out writers in tests/data
        pen = load_pendigits(ROOT / "tests" / "data" / "pendigits-heldout.tra")
    assert set(np.unique(pen.writers)) <= HELD_OUT_WRITERS
    out: list = []
    while len(out) < count:
        right = 0.15
        for i in rng.integers(len(pen), size=4):
            lines = [np.asarray(line, float) for line in pen.strokes[i]]
            points = np.concatenate(lines)
            low, high = points.min(axis=0), points.max(axis=0)
            scale = 0.6 / max(high[1] - low[1], 1e-6)
            left = right + 0.08
            for line in lines:
                placed = (line - low) * scale + [left, 0.2]
                out.append([tuple(p) for p in placed[:: max(1, len(placed) // 40)]])
            right = left + (high[0] - low[0]) * scale
    return out[:count]


SCENARIOS = {"clicks": clicks, "hatching": hatching, "scribbles": scribbles, "a number": a_number}


def measure(window, name: str, strokes: list) -> dict:
    window.canvas.clear()
    QApplication.processEvents()
    times = [pen_up(window, points) for points in strokes]
    undos = [undo(window) for _ in range(UNDOS)]
    return {"name": name, "pen-up": times, "undo": undos, "text": window.current_number()}


def _row(name: str, what: str, values: list[float]) -> str:
    cells = []
    for lo, hi in BANDS:
        band = values[lo - 1 : hi]
        cells.append(f"{np.median(band):.1f} / {max(band):.0f}" if band else "–")
    everything = f"**{np.median(values):.1f}** / **{max(values):.0f}**"
    return f"| {name} | {what} | {' | '.join(cells)} | {everything} |"


def table(results: list[dict]) -> str:
    lines = [
        "| drawing | event | strokes 1-100: median / worst ms | 101-200 | 201-300 "
        "| all: median / worst ms |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(_row(r["name"], "pen-up", r["pen-up"]))
        undos = r["undo"]
        lines.append(
            f"| {r['name']} | undo ×{len(undos)} (from {len(r['pen-up'])} strokes) | – | – | – "
            f"| **{np.median(undos):.1f}** / **{max(undos):.0f}** |"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--strokes", type=int, default=300)
    parser.add_argument("--out", type=Path, help="write the Markdown section to this file")
    parser.add_argument("--only", choices=list(SCENARIOS), action="append")
    args = parser.parse_args(argv)

    from digitpad.ui.shell.app import application

    app = application(["number_penup"])
    from digitpad.ui import MainWindow

    window = MainWindow()
    window.resize(1366, 768)
    window.show()
    app.processEvents()
    window.set_reading_mode("number")
    app.processEvents()
    rng = np.random.default_rng(SEED)
    results = []
    started = time.perf_counter()
    for name, make in SCENARIOS.items():
        if args.only and name not in args.only:
            continue
        results.append(measure(window, name, make(args.strokes, rng)))
        print(_row(name, "pen-up", results[-1]["pen-up"]), flush=True)
    seconds = time.perf_counter() - started
    window.close()
    out = table(results)
    print(out)
    if args.out is not None:
        load = _report.load_average()
        uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        body = (
            f"{HEADING}\n\n"
            "`QT_QPA_PLATFORM=offscreen python3 benchmarks/number_penup.py`\n\n"
            f"The window at 1366x768 in number mode with the bundled tutorial network, drawn "
            f"on with real mouse events: {args.strokes} strokes of each drawing (seed {SEED}), "
            "each timed from the button release to the painted number (the read runs in a "
            f"background job), then {UNDOS} undos timed the same way. Cells: median / worst "
            "ms over the strokes in that band.\n\n"
            f"{out}\n\n"
            f"_(commit {_report.commit(ROOT, 'digitpad', 'benchmarks')}; {seconds:.0f} s; "
            f"load average {load} at the end; `uptime`: {uptime})_\n"
        )
        args.out.write_text(body, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
