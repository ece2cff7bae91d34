"""Machine instructions per pen move, counted by Valgrind's callgrind: the window's own
work, whatever the host's speed of the day.

    python3 benchmarks/move_instructions.py [--moves 20] [--view evaluate|network|...]

Times on this virtual machine swing by 2-3x from one quarter of an hour to the next for the
same commit (BENCHMARKS.md, section 2); an instruction count does not. It is what to compare
between two commits of the move path. Needs ``valgrind`` (Debian: ``apt install
valgrind``); the program re-runs itself under it, offscreen, in a 1366x768 window drawn on
as the move -> pixels benchmark draws (one move, then 8 ms for the event loop).

Printed per move: *all* (from the mouse event to the end of the event processing that
paints it), split into *the mouse event* (the pad draws the new segment into its image),
*reading* (the strokes prepared as MNIST input, the forward pass, the views told) and
*painting* (every widget repainted, blitted to the window). Callgrind counts executed
instructions only; cache misses, which make the same count slower on a cold host, are not
in it.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
UNDER_VALGRIND = "DIGITPAD_UNDER_CALLGRIND"
# Inclusive costs read from callgrind_annotate: Qt's event processing (reading and
# painting) and its repaint of the window (painting).
EVENTS = "QCoreApplication::processEvents("
PAINT = "QWidgetRepaintManager::paintAndFlush()"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=20, help="moves counted")
    parser.add_argument("--view", default=None, help="a teaching view open while drawing")
    parser.add_argument("--warm", type=int, default=40, help="moves drawn before counting")
    return parser.parse_args(argv)


def child(args: argparse.Namespace) -> None:
    """In the window, under callgrind with instrumentation off until the counted moves."""
    sys.path.insert(0, str(HERE))
    import _gui_child as gui
    from PySide6.QtCore import QEvent

    app, window = gui.make_window(gui.WINDOW_SIZE)
    if args.view:
        gui.show_view(window, args.view)
        gui.pump(app, 500)
        gui.settle_background_work(app, window)
    gui.pump(app, 300)
    gui.move_to_pixels(app, window, args.warm)  # warm: first-use paths, fonts, caches
    canvas = window.canvas
    canvas.clear()
    gui.pump(app, 30)
    points = gui.pad_points(canvas, args.moves + 11)
    gui.mouse(canvas, QEvent.Type.MouseButtonPress, *points[0])
    gui.pump(app, 20)
    for point in points[1:11]:  # the stroke under way, as in the middle of a digit
        gui.mouse(canvas, QEvent.Type.MouseMove, *point)
        app.processEvents()
        time.sleep(0.008)
    control = ["callgrind_control", "--instr=on", str(os.getpid())]
    subprocess.run(control, check=True, capture_output=True)
    for point in points[11:]:
        gui.mouse(canvas, QEvent.Type.MouseMove, *point)
        app.processEvents()  # the pass that reads and paints this move
        time.sleep(0.008)  # nothing runs meanwhile: no instructions
    control[1] = "--instr=off"
    subprocess.run(control, check=True, capture_output=True)
    gui.mouse(canvas, QEvent.Type.MouseButtonRelease, *points[-1])


def inclusive(annotated: str, symbol: str) -> int:
    """The largest inclusive count of a function whose name starts with ``symbol``
    (callgrind lists recursive entries apart; the outermost is the largest)."""
    best = 0
    for line in annotated.splitlines():
        match = re.match(r"\s*([\d,]+)\s+\([^)]*\)\s+\S*?:(.*)", line)
        if match and match.group(2).startswith(symbol):
            best = max(best, int(match.group(1).replace(",", "")))
    return best


def main() -> int:
    args = parse_args()
    if os.environ.get(UNDER_VALGRIND):
        child(args)
        return 0
    valgrind, annotate = shutil.which("valgrind"), shutil.which("callgrind_annotate")
    if not valgrind or not annotate or not shutil.which("callgrind_control"):
        print("move_instructions: needs valgrind (Debian: apt install valgrind)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="digitpad-callgrind-") as folder:
        out = Path(folder) / "callgrind.out"
        env = dict(os.environ, **{UNDER_VALGRIND: "1"})
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
        env.setdefault("DIGITPAD_PRELOAD_TF", "0")  # no TensorFlow import mid-count
        env.setdefault("XDG_CONFIG_HOME", folder)  # the user's settings are not touched
        command = [
            valgrind,
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}",
            sys.executable,
            str(Path(__file__).resolve()),
            *sys.argv[1:],
        ]
        done = subprocess.run(command, env=env, capture_output=True, text=True)
        if done.returncode != 0 or not out.exists():
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        annotated = subprocess.run(
            [annotate, "--inclusive=yes", str(out)], capture_output=True, text=True, check=True
        ).stdout
    total = int(
        re.search(r"([\d,]+)\s+\(100\.0%\)\s+PROGRAM TOTALS", annotated).group(1).replace(",", "")
    )
    events, paint = inclusive(annotated, EVENTS), inclusive(annotated, PAINT)
    n = args.moves
    rows = [
        ("all", total),
        ("the mouse event", total - events),
        ("reading", events - paint),
        ("painting", paint),
    ]
    print(f"Instructions per pen move, {n} moves, view: {args.view or 'none'} (callgrind)")
    print("| part | instructions per move | share |")
    print("|---|---|---|")
    for name, count in rows:
        print(f"| {name} | {count / n / 1e3:,.0f} k | {count / total:.0%} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
