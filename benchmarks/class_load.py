"""Class session under load: a room of phones on loopback while the presenter draws.

    QT_QPA_PLATFORM=offscreen python3 benchmarks/class_load.py            # 60 phones, 60 s
    python3 benchmarks/class_load.py --participants 60 --seconds 60 --drawings 10000

The window (with the bundled tutorial network) starts a class session on 127.0.0.1; a
second process plays the room with aiohttp's client (the phones are other machines: their
work must not share this process's lock): each participant loads the page, joins, asks
for a live reading at 10 Hz of a real pen-written digit growing as it is drawn (the held-
out writers in tests/data), and sends a digit every 5 s. Meanwhile the presenter draws on
the pad here, timed as benchmarks/_gui_child.py times it (move -> painted pixels).

Prints: server replies p50/p99/max, errors, whether every sent digit was stored exactly
once, joining (page load to first reading), the presenter's move -> painted pixels, and
then the memory growth for ``--drawings`` more drawings. Everything on 127.0.0.1,
bounded by ``--seconds``; the room process stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PEN = ROOT / "tests" / "data" / "pendigits-heldout.tra"


# -- the room (a separate process) --------------------------------------------------
def digits() -> list[tuple[int, list[list[list[float]]]]]:
    """Real pen-written digits as the page would send them: fractions of a square pad."""
    sys.path.insert(0, str(ROOT))
    from digitpad.ml.pendigits import load_pendigits

    pen = load_pendigits(PEN)
    found = []
    for strokes, label in zip(pen.strokes, pen.labels, strict=True):
        points = [p for s in strokes for p in s]
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        side = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        scaled = [
            [[0.2 + 0.6 * (x - min(xs)) / side, 0.2 + 0.6 * (y - min(ys)) / side] for x, y in s]
            for s in strokes
        ]
        found.append((int(label), [[[round(float(c), 4) for c in p] for p in s] for s in scaled]))
    return found


def phone_address(number: int) -> str:
    """Each phone its own address, as in a room (127.0.0.0/8 is all loopback on Linux):
    the server's per-address limits then apply per phone, as they would on Wi-Fi."""
    return f"127.0.{1 + number // 250}.{2 + number % 250}"


async def participant(number: int, url: str, seconds: float, pool, out: dict) -> None:
    import aiohttp

    rng = random.Random(number)
    latencies, sent, received = out["latencies"], out["sent"], out["received"]
    started = time.perf_counter()
    timeout = aiohttp.ClientTimeout(total=seconds + 30)
    connector = aiohttp.TCPConnector(local_addr=(phone_address(number), 0))
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as client:
        async with client.get(url) as page:
            await page.read()
            if page.status != 200:
                out["errors"].append(f"page {page.status}")
                return
        async with client.ws_connect(url + "ws") as ws:
            await ws.send_json({"t": "hello", "participant": None, "nickname": f"p{number}"})
            welcome = await ws.receive_json()
            if welcome.get("t") != "welcome":
                out["errors"].append(str(welcome))
                return
            seq, end, next_send = 0, started + seconds, started + rng.uniform(1, 5)
            label, strokes = rng.choice(pool)
            first = True
            while time.perf_counter() < end:
                tick = time.perf_counter()
                seq += 1
                share = (seq % 10 + 1) / 10  # the digit grows as it is drawn
                partial = [s[: max(1, int(len(s) * share))] for s in strokes]
                await ws.send_json({"t": "read", "seq": seq, "strokes": partial})
                reply = await ws.receive_json()
                latencies.append(time.perf_counter() - tick)
                if reply.get("t") != "reading" or reply.get("seq") != seq:
                    out["errors"].append(str(reply)[:200])
                elif first:
                    out["joins"].append(time.perf_counter() - started)
                    first = False
                if time.perf_counter() >= next_send:
                    drawing_id = f"p{number:03d}d{len(sent):06d}x"
                    tick = time.perf_counter()
                    await ws.send_json(
                        {"t": "send", "id": drawing_id, "label": label, "strokes": strokes}
                    )
                    reply = await ws.receive_json()
                    out["send_latencies"].append(time.perf_counter() - tick)
                    sent.append(drawing_id)
                    if reply.get("t") == "received" and reply.get("id") == drawing_id:
                        received.append(drawing_id)
                    else:
                        out["errors"].append(str(reply)[:200])
                    next_send += 5.0
                    label, strokes = rng.choice(pool)
                await asyncio.sleep(max(0.0, 0.1 - (time.perf_counter() - tick)))


async def room(url: str, participants: int, seconds: float) -> dict:
    pool = digits()
    out = {
        "latencies": [],
        "send_latencies": [],
        "sent": [],
        "received": [],
        "errors": [],
        "joins": [],
    }
    tasks = []
    for number in range(participants):
        tasks.append(asyncio.create_task(participant(number, url, seconds, pool, out)))
        await asyncio.sleep(0.02)  # people join over a second or so, not in one instant
    results = await asyncio.gather(*tasks, return_exceptions=True)
    out["errors"] += [repr(r) for r in results if isinstance(r, BaseException)]
    return out


async def flood_drawings(url: str, count: int) -> int:
    """``count`` drawings as fast as the server takes them: many phones at once (each its
    own address, as in a room; 200 of them), each at its own send rate (retrying a refused one)."""
    import aiohttp

    pool = digits()
    phones = min(200, count)  # the first part joined 60: the room holds 300
    per = -(-count // phones)
    done = 0

    async def one(number: int, n: int) -> None:
        nonlocal done
        connector = aiohttp.TCPConnector(local_addr=(phone_address(number), 0))
        async with (
            aiohttp.ClientSession(connector=connector) as client,
            client.ws_connect(url + "ws") as ws,
        ):
            await ws.send_json({"t": "hello", "participant": None})
            await ws.receive_json()
            for i in range(n):
                label, strokes = pool[(number * per + i) % len(pool)]
                message = {
                    "t": "send",
                    "id": f"m{number:05d}i{i:04d}",
                    "label": label,
                    "strokes": strokes,
                }
                while True:
                    await ws.send_json(message)
                    reply = await ws.receive_json()
                    if reply.get("t") == "received":
                        done += 1
                        break
                    await asyncio.sleep(0.3)  # its send rate: the same id again

    await asyncio.gather(
        *(one(k, min(per, count - k * per)) for k in range(phones) if count - k * per > 0)
    )
    return done


def room_main(argv: list[str]) -> None:
    url, participants, seconds = argv[0], int(argv[1]), float(argv[2])
    if len(argv) > 3 and argv[3] == "flood":
        print(json.dumps({"done": asyncio.run(flood_drawings(url, participants))}), flush=True)
        return
    print(json.dumps(asyncio.run(room(url, participants, seconds))), flush=True)


# -- the presenter (this process) ---------------------------------------------------
def rss_mb() -> float:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


def _pump(app, ms: float) -> None:
    end = time.monotonic() + ms / 1000
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.0005)


def _mouse(canvas, kind, x: float, y: float, buttons: tuple) -> None:
    from PySide6.QtCore import QPointF, Qt
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    pos = QPointF(x, y)
    global_pos = QPointF(canvas.mapToGlobal(pos.toPoint()))
    event = QMouseEvent(kind, pos, global_pos, *buttons, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(canvas, event)


def draw_until_done(app, canvas, child, deadline: float) -> tuple[list, list]:
    """The presenter draws 40-move strokes (a 125 Hz mouse) until the room is done."""
    from PySide6.QtCore import QEvent, Qt

    left, none = Qt.MouseButton.LeftButton, Qt.MouseButton.NoButton
    lat, pauses = [], []
    while child.poll() is None and time.monotonic() < deadline:
        canvas.clear()
        _pump(app, 30)
        x0, y0 = canvas.width() * 0.3, canvas.height() * 0.3
        _mouse(canvas, QEvent.Type.MouseButtonPress, x0, y0, (left, left))
        _pump(app, 20)
        for i in range(40):
            tick = time.perf_counter()
            x = x0 + i * canvas.width() * 0.01
            y = y0 + (i % 20) * canvas.height() * 0.02
            _mouse(canvas, QEvent.Type.MouseMove, x, y, (none, left))
            app.processEvents()
            lat.append(time.perf_counter() - tick)
            tick = time.perf_counter()
            _pump(app, 8)
            pauses.append(time.perf_counter() - tick)
        _mouse(canvas, QEvent.Type.MouseButtonRelease, x0, y0, (none, none))
        _pump(app, 200)  # the presenter lifts the pen between digits
    return lat, pauses


def report(args, result: dict, stored: list[str], lat: list, pauses: list) -> None:
    once = sorted(stored) == sorted(set(stored)) and set(result["received"]) <= set(stored)
    reads = result["latencies"]
    print(
        f"participants {args.participants}, {args.seconds:.0f} s: {len(reads)} readings, "
        f"{len(result['sent'])} digits sent, {len(result['received'])} received, "
        f"{len(stored)} stored, each exactly once: {once}; errors {len(result['errors'])}"
    )
    for error in result["errors"][:5]:
        print("  error:", error)
    print(
        f"server replies (read): p50 {pct(reads, 0.5) * 1e3:.1f} ms, "
        f"p99 {pct(reads, 0.99) * 1e3:.1f} ms, max {max(reads) * 1e3:.1f} ms"
    )
    sends = result["send_latencies"]
    print(
        f"server replies (send, fsync'd): p50 {pct(sends, 0.5) * 1e3:.1f} ms, "
        f"p99 {pct(sends, 0.99) * 1e3:.1f} ms"
    )
    joins = result["joins"]
    print(
        f"joining (page load to first reading): median {statistics.median(joins) * 1e3:.0f} "
        f"ms, max {max(joins) * 1e3:.0f} ms"
    )
    print(
        f"presenter move -> painted pixels: median {statistics.median(lat) * 1e3:.2f} ms, "
        f"p99 {pct(lat, 0.99) * 1e3:.2f} ms, longest pause {max(pauses) * 1e3:.1f} ms "
        f"({len(lat)} moves, wall {'open' if args.wall else 'closed'})"
    )


def memory(app, window, url: str, count: int) -> None:
    before = rss_mb()
    child = subprocess.Popen(
        [sys.executable, __file__, "--room", url, str(count), "0", "flood"],
        stdout=subprocess.PIPE,
        text=True,
    )
    started = time.monotonic()
    while child.poll() is None and time.monotonic() - started < 900:
        _pump(app, 50)
    output, _ = child.communicate(timeout=60)
    _pump(app, 500)
    done = json.loads(output.strip().splitlines()[-1])["done"]
    after = rss_mb()
    print(
        f"memory: {done} more drawings in {time.monotonic() - started:.0f} s, "
        f"RSS {before:.0f} -> {after:.0f} MB (+{after - before:.0f} MB), "
        f"{len(window.class_session.drawings())} drawings in the session"
    )


def presenter(args) -> None:
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["DIGITPAD_DATA_HOME"] = args.data
    # A session starts minutes into a workshop, long after Keras' background import (which
    # holds Python's lock up to ~1 s at a time): not measured here.
    os.environ.setdefault("DIGITPAD_PRELOAD_TF", "0")
    from digitpad.ui.shell.app import application

    app = application(["class_load"])
    from digitpad.ui import MainWindow

    window = MainWindow()
    window.resize(1366, 768)
    window.show()
    if args.wall:
        window.show_teaching_view("class")
    _pump(app, 500)
    url = window.class_session.start("127.0.0.1")
    child = subprocess.Popen(
        [sys.executable, __file__, "--room", url, str(args.participants), str(args.seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    lat, pauses = draw_until_done(app, window.canvas, child, time.monotonic() + args.seconds + 60)
    output, _ = child.communicate(timeout=120)
    result = json.loads(output.strip().splitlines()[-1])
    _pump(app, 300)
    stored = [d["client_id"] for d in window.class_session.drawings()]
    report(args, result, stored, lat, pauses)
    if args.drawings:
        memory(app, window, url, args.drawings)
    window.class_session.stop()
    window.close()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--room":
        room_main(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--drawings", type=int, default=0, help="then this many more (memory)")
    parser.add_argument("--wall", action="store_true", help="with the wall open")
    parser.add_argument("--data", default="/tmp/digitpad-class-load")
    parser.add_argument("--switch-interval", type=float, default=None, help="sys.setswitchinterval")
    presenter(parser.parse_args())


if __name__ == "__main__":
    main()
