"""GUI measurements in a fresh process (run by benchmarks/run.py), offscreen Qt.

Usage: python3 benchmarks/_gui_child.py MODE [ARGS]
  startup                      print READY once a drawn stroke has been predicted
  predict N                    move -> pixels with no teaching view and with each one (N
                               moves each), the compute part, Keras references
  train EPOCHS                 one Train click; epochEnded arrival times
  responsive EPOCHS            10 ms QTimer gaps + move -> pixels while a Train click runs
  memory EPOCHS RUNS           VmRSS/VmHWM idle and after each of RUNS trainings
  layers N [NETWORK]           move -> pixels with NETWORK (default robust) live, no view
                               and Inside the network (every layer) open, N moves each
Prints one JSON line last.

Drawing latency is **move -> pixels**, what a person sees: from
``QApplication.sendEvent(MouseMove)`` on the pad to the end of the ``processEvents()``
that paints the result (the pad's stroke, the 28x28 input and the chart), in a
1366x768 window (a common projector). A move whose processEvents() did not paint the pad
is counted as missed. (It used to end at the ``predictionChanged`` signal, which is
emitted before anything is painted.) A 125 Hz mouse: one move, then 8 ms of event
processing; the longest of those 8 ms pauses is reported too (a frame is 16.7 ms).
"""

from __future__ import annotations

import time

T0 = time.perf_counter()  # as early as possible: start-up is measured from here too

import json  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# What `digitpad` (and `python -m digitpad`) loads, in its order: its command line, which
# brings numpy and the ML layer; then (cli._gui) the display check, in digitpad.ui, whose
# import loads the window's modules and PySide6. Only then this script's own Qt plumbing
# below, so that start-up is the app's own (the order matters: PySide6 reads the source
# of every module loaded after it, see digitpad/ui/__init__.py).
import digitpad.cli  # noqa: E402
import digitpad.ui.shell.platform_check  # noqa: E402, F401


def rss() -> dict:
    """VmRSS and VmHWM (peak) of this process, MB."""
    out = {}
    with open("/proc/self/status") as status:
        for line in status:
            key = line.split(":")[0]
            if key in ("VmRSS", "VmHWM"):
                out[key] = int(line.split()[1]) / 1024
    return out


# -- Qt plumbing ---------------------------------------------------------------------------
from PySide6.QtCore import QEvent, QEventLoop, QObject, QPointF, Qt, QTimer  # noqa: E402
from PySide6.QtGui import QMouseEvent  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


def mouse(widget, kind, x: float, y: float) -> None:
    """A real QMouseEvent with the left button held (QTest.mouseMove cannot hold it)."""
    local = QPointF(x, y)
    glob = QPointF(widget.mapToGlobal(local.toPoint()))
    buttons = (
        Qt.MouseButton.NoButton
        if kind == QEvent.Type.MouseButtonRelease
        else Qt.MouseButton.LeftButton
    )
    event = QMouseEvent(
        kind, local, glob, Qt.MouseButton.LeftButton, buttons, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(widget, event)


def pad_points(canvas, n: int):
    """n points zig-zagging over the drawing square, so every move adds new ink."""
    rect = canvas.drawing_rect() if hasattr(canvas, "drawing_rect") else canvas.rect()
    x0, y0, side = rect.x(), rect.y(), min(rect.width(), rect.height())
    pts = []
    for i in range(n):
        t = i / max(1, n - 1)
        # a "2"-ish sweep: top arc, diagonal, base, repeated with small offsets
        u = (i % 60) / 60
        if u < 0.33:
            a = math.pi * (1 - u / 0.33)
            px, py = 0.5 + 0.25 * math.cos(a), 0.35 - 0.15 * math.sin(a)
        elif u < 0.66:
            v = (u - 0.33) / 0.33
            px, py = 0.75 - 0.5 * v, 0.35 + 0.4 * v
        else:
            v = (u - 0.66) / 0.34
            px, py = 0.25 + 0.5 * v, 0.75
        jitter = 0.03 * math.sin(7 * t)
        pts.append((x0 + side * (px + jitter), y0 + side * (py + jitter)))
    return pts


class SignalWaiter:
    """Record every predictionChanged (non-None) arrival time."""

    def __init__(self, window):
        self.times: list[float] = []
        self.values = []
        window.predictionChanged.connect(self._on)

    def _on(self, value):
        self.times.append(time.perf_counter())
        self.values.append(value)

    def wait_new(self, count_before: int, timeout: float = 5.0) -> float | None:
        """Run the event loop (blocking, not spinning) until a new prediction arrives."""
        app = QApplication.instance()
        self._wake = getattr(self, "_wake", None) or QTimer()
        self._wake.setInterval(50)  # so the timeout is noticed even with no events
        self._wake.start()
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            for i in range(count_before, len(self.values)):
                if self.values[i] is not None:
                    return self.times[i]
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
        return None


WINDOW_SIZE = (1366, 768)  # a common projector; move -> pixels is measured at this size
VIEWS = (None, "evaluate", "network", "preprocess", "digits")  # None: no teaching view
HELD_OUT = "pendigits-heldout.tra"  # the held-out pen writers' digits, kept in tests/data


def make_window(size: tuple[int, int] | None = None):
    app = QApplication.instance() or QApplication(sys.argv[:1])
    from digitpad.ui import MainWindow

    window = MainWindow()
    if size is not None:
        window.resize(*size)
    window.show()
    from digitpad.ui.shell.app import started

    started()  # as digitpad.ui.shell.app.run does once the window is shown
    app.processEvents()
    return app, window


def show_view(window, key: str | None) -> None:
    """Open teaching view ``key`` as the Teach menu does (``None`` closes them)."""
    if hasattr(window, "show_teaching_view"):
        window.show_teaching_view(key)
    elif key is None:
        window.teach.dock.hide()
    else:
        window.teach.dock.show_tab(key)


def pump(app, ms: float) -> float:
    """Process events for ``ms`` milliseconds, as the event loop would between moves;
    the longest single ``processEvents()`` (the window's own work, not the sleeps)."""
    end = time.perf_counter() + ms / 1000
    longest = 0.0
    while time.perf_counter() < end:
        t = time.perf_counter()
        app.processEvents()
        longest = max(longest, time.perf_counter() - t)
        time.sleep(0.0005)
    return longest


def settle_background_work(app, window, timeout_s: float = 60) -> None:
    """Let a view's background job (the Evaluate tab's test-set pass) finish first, so the
    figures are the drawing's own cost, not a concurrent evaluation's."""
    page = getattr(getattr(getattr(window, "teach", None), "dock", None), "evaluation", None)
    deadline = time.perf_counter() + timeout_s
    while page is not None and page.is_busy() and time.perf_counter() < deadline:
        pump(app, 50)
    pump(app, 100)


class PaintCounter(QObject):
    """Counts the paint events one widget receives."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, _watched, event) -> bool:
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def move_to_pixels(app, window, moves: int, per_stroke: int = 40) -> dict:
    """``moves`` pen moves in strokes of ``per_stroke``: move -> pixels and pauses."""
    canvas = window.canvas
    painted = PaintCounter(canvas)
    latency, pauses, busy, missed = [], [], [], 0
    for _ in range(max(1, math.ceil(moves / per_stroke))):
        canvas.clear()
        pump(app, 30)
        # The pointer rests on the pad, as when someone draws (events sent to a widget
        # do not tell Qt where the pointer is). The window then does not start importing
        # Keras in the background, which stalls it up to ~0.35 s at a time (BENCHMARKS.md).
        canvas.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, True)
        points = pad_points(canvas, per_stroke + 1)
        mouse(canvas, QEvent.Type.MouseButtonPress, *points[0])
        pump(app, 20)
        for point in points[1:]:
            before = painted.count
            t = time.perf_counter()
            mouse(canvas, QEvent.Type.MouseMove, *point)
            app.processEvents()  # the one that paints this move
            latency.append(time.perf_counter() - t)
            missed += painted.count == before
            t = time.perf_counter()
            busy.append(pump(app, 8))  # a 125 Hz mouse
            pauses.append(time.perf_counter() - t)
        mouse(canvas, QEvent.Type.MouseButtonRelease, *points[-1])
    pump(app, 30)
    return {
        "latency": latency,
        "pauses": pauses,
        "busy": busy,
        "missed": missed,
        "pad_px": [canvas.width(), canvas.height()],
    }


def reading_modes(app, window, n: int, views: dict) -> dict:
    """The reading modes, no teaching view: "Why this digit?" on, two networks side by
    side, and number mode (moves only paint; the number is read when the pen lifts).
    Adds their move -> pixels to ``views``; returns pen-up -> number shown."""
    window.reading.explain_action.setChecked(True)
    pump(app, 300)
    views["explain"] = move_to_pixels(app, window, n)
    window.reading.explain_action.setChecked(False)
    window.set_comparison("robust")
    pump(app, 300)
    views["compare"] = move_to_pixels(app, window, n)
    window.set_comparison(None)
    window.set_reading_mode("number")
    pump(app, 300)
    views["number"] = move_to_pixels(app, window, n)
    number_read = pen_up_to_number(app, window, max(10, n // 20))
    window.set_reading_mode("digit")
    pump(app, 300)
    views["evaluating"] = drawing_while_evaluating(app, window, n)
    return number_read


def drawing_while_evaluating(app, window, n: int) -> dict:
    """The Robust CNN loaded, Evaluate opened, and drawing at once: move -> pixels while
    the test-set pass runs in the background (it took BLAS's threads from the window's
    own forward pass before ui/jobs.py kept BLAS to one thread). Moves measured only
    while the pass runs; it is started again as often as needed."""
    from digitpad.ml.model import bundled_variant_path

    assert window.open_model_file(str(bundled_variant_path("robust")))
    pump(app, 200)
    page = window.teach.dock.evaluation
    show_view(window, "evaluate")
    taken = {"latency": [], "pauses": [], "busy": [], "missed": 0, "pad_px": None}
    for _ in range(50):
        if len(taken["latency"]) >= n:
            break
        if not page.is_busy():
            page.refresh()
        while page.is_busy() and len(taken["latency"]) < n:
            part = move_to_pixels(app, window, 20, per_stroke=20)
            for key in ("latency", "pauses", "busy"):
                taken[key] += part[key]
            taken["missed"] += part["missed"]
            taken["pad_px"] = part["pad_px"]
    settle_background_work(app, window)
    show_view(window, None)
    window.reset_model()
    pump(app, 200)
    return taken


def pen_up_to_number(app, window, count: int) -> dict:
    """Number mode: 4-digit numbers of the held-out pen writers (tests/data) written
    with mouse events; time from the last stroke's release to the end of the
    ``processEvents()`` that shows the number read."""
    import numpy as np

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from number_reading import compose

    from digitpad.ml.pendigits import load_pendigits

    pen = load_pendigits(Path(__file__).resolve().parents[1] / "tests" / "data" / HELD_OUT)
    rng = np.random.default_rng(7)
    canvas = window.canvas
    area = canvas.drawing_rect()
    times, right = [], 0
    for _ in range(count):
        canvas.clear()
        pump(app, 30)
        picks = rng.choice(len(pen.labels), 4, replace=False)
        strokes = compose([pen.strokes[i] for i in picks], rng)
        points = np.concatenate(strokes)
        low, high = points.min(axis=0), points.max(axis=0)
        scale = 0.9 * min(area.width() / (high[0] - low[0]), area.height() / (high[1] - low[1]))
        *first, last = [
            (line - low) * scale + [area.left() + 0.05 * area.width(), area.top() + 5]
            for line in strokes
        ]
        for line in first:
            drag(canvas, line)
        pump(app, 20)
        mouse(canvas, QEvent.Type.MouseButtonPress, *last[0])
        for point in last[1:]:
            mouse(canvas, QEvent.Type.MouseMove, *point)
        t = time.perf_counter()
        mouse(canvas, QEvent.Type.MouseButtonRelease, *last[-1])
        app.processEvents()
        times.append(time.perf_counter() - t)
        right += window.current_number() == "".join(str(pen.labels[i]) for i in picks)
        pump(app, 50)
    canvas.clear()
    return {"latency": times, "right": right, "numbers": count}


def drag(canvas, points) -> None:
    mouse(canvas, QEvent.Type.MouseButtonPress, *points[0])
    for point in points[1:]:
        mouse(canvas, QEvent.Type.MouseMove, *point)
    mouse(canvas, QEvent.Type.MouseButtonRelease, *points[-1])


def draw_stroke(window, waiter, points):
    before = len(waiter.values)
    canvas = window.canvas
    mouse(canvas, QEvent.Type.MouseButtonPress, *points[0])
    for p in points[1:]:
        mouse(canvas, QEvent.Type.MouseMove, *p)
    mouse(canvas, QEvent.Type.MouseButtonRelease, *points[-1])
    return waiter.wait_new(before, timeout=30)


# -- modes -----------------------------------------------------------------------------------
def mode_startup() -> dict:
    """As ``digitpad`` opens its window (``cli._gui`` -> ``app.run``): the display check,
    the application with its font and language, the window shown; then a stroke."""
    from digitpad.ui.shell.platform_check import problem

    assert not problem()
    from digitpad.ui.shell.app import application, install_translation, started

    app = application(sys.argv[:1])
    install_translation(app, None)
    from digitpad.ui import MainWindow

    window = MainWindow()
    window.show()
    started()
    app.processEvents()
    waiter = SignalWaiter(window)
    shown = time.perf_counter()
    got = draw_stroke(window, waiter, pad_points(window.canvas, 20))
    tf_loaded = "tensorflow" in sys.modules
    print("READY", flush=True)
    return {
        "ready_s": (got or math.nan) - T0,
        "shown_s": shown - T0,
        "tf_loaded": tf_loaded,
        "keras_loaded": "keras" in sys.modules,
        "predicted": got is not None,
    }


def mode_predict(n: int) -> dict:
    import numpy as np

    app, window = make_window(WINDOW_SIZE)
    canvas = window.canvas
    pump(app, 300)
    move_to_pixels(app, window, 40)  # warm-up
    views = {}
    for key in VIEWS:
        show_view(window, key)
        pump(app, 500)
        settle_background_work(app, window)
        views[key or "none"] = move_to_pixels(app, window, n)
    show_view(window, None)
    pump(app, 100)
    number_read = reading_modes(app, window, n, views)
    # Leave a drawing on the pad for the compute part.
    pts = pad_points(canvas, 60)
    mouse(canvas, QEvent.Type.MouseButtonPress, *pts[0])
    for p in pts[1:]:
        mouse(canvas, QEvent.Type.MouseMove, *p)
    mouse(canvas, QEvent.Type.MouseButtonRelease, *pts[-1])
    app.processEvents()
    # Compute part, as the window reads a move: the pad's strokes -> strokes_to_mnist ->
    # predictor, on the drawing just made.
    from digitpad.ml.model import bundled_model_path
    from digitpad.ml.predictor import Predictor
    from digitpad.ml.preprocess import strokes_to_mnist, to_mnist

    predictor = Predictor.from_file(bundled_model_path())
    grab, prep, infer, compute = [], [], [], []
    for _ in range(n):
        t0 = time.perf_counter()
        ink, erase = canvas.strokes()
        t1 = time.perf_counter()
        image = strokes_to_mnist(ink, erase=erase)
        t2 = time.perf_counter()
        predictor.predict(image)
        t3 = time.perf_counter()
        grab.append(t1 - t0)
        prep.append(t2 - t1)
        infer.append(t3 - t2)
        compute.append(t3 - t0)
    x = to_mnist(canvas.image_array()).reshape(1, 784).astype(np.float32)
    # References: Keras on the same image, in this process.
    from digitpad.ml.model import load_model

    model = load_model(bundled_model_path())
    model.predict(x, verbose=0)
    model(x)
    kp, kc, npf = [], [], []
    for _ in range(max(20, n // 10)):
        t = time.perf_counter()
        model.predict(x, verbose=0)
        kp.append(time.perf_counter() - t)
        t = time.perf_counter()
        model(x)
        kc.append(time.perf_counter() - t)
        t = time.perf_counter()
        predictor.predict(x)
        npf.append(time.perf_counter() - t)
    agree = float(np.abs(np.asarray(model(x))[0] - predictor.predict(x)[0]).max())
    return {
        "window": list(WINDOW_SIZE),
        "views": views,
        "number_read": number_read,
        "canvas_px": list(canvas.image_array().shape),
        "grab": grab,
        "prep": prep,
        "infer": infer,
        "compute": compute,
        "keras_predict": kp,
        "keras_call": kc,
        "numpy_forward": npf,
        "max_abs_diff": agree,
    }


def _train_window(epochs: int, responsive: bool):
    app, window = make_window(WINDOW_SIZE)
    waiter = SignalWaiter(window)
    panel = window.train_panel
    epoch_times: list[tuple[int, float, dict]] = []
    finished: list[dict] = []
    panel.epochEnded.connect(lambda e, logs: epoch_times.append((e, time.perf_counter(), logs)))
    panel.trainingFinished.connect(finished.append)
    stages: list[tuple[float, str]] = []
    bridge_hook(panel, stages)
    draw_stroke(window, waiter, pad_points(window.canvas, 30))
    ticks: list[float] = []
    timer = None
    if responsive:
        timer = QTimer()
        timer.setTimerType(Qt.TimerType.PreciseTimer)
        timer.setInterval(10)
        timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    return app, window, waiter, panel, epoch_times, finished, ticks, timer, stages


def bridge_hook(panel, stages):
    """Time-stamp the worker's stage signals (data, tensorflow, training, evaluating)."""
    original = panel.start_training

    def start_training(*a, **kw):
        ok = original(*a, **kw)
        worker = getattr(panel, "_worker", None)
        if worker is not None:
            worker.bridge.stageChanged.connect(lambda s: stages.append((time.perf_counter(), s)))
        return ok

    panel.start_training = start_training


def run_until(app, done: list, timeout_s: float = 900) -> None:
    """Block in a real event loop until ``done`` is non-empty (no busy polling).

    A polling loop (processEvents in a ``while``) would burn a core in the GUI thread and
    slow the training it is measuring; the first version of this harness did exactly that.
    """
    loop = QEventLoop()
    check = QTimer()
    check.setInterval(20)
    check.timeout.connect(lambda: loop.quit() if done else None)
    check.start()
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    if not done:
        loop.exec()
    check.stop()


def mode_train(epochs: int, responsive: bool = False) -> dict:
    app, window, _waiter, panel, epoch_times, finished, ticks, timer, stages = _train_window(
        epochs, responsive
    )
    canvas = window.canvas
    painted = PaintCounter(canvas)
    draw_lat: list[tuple[float, float]] = []  # (time since click, move -> pixels or nan)
    pts = pad_points(canvas, 400)
    mem0 = rss()
    k = [0]

    def move():
        """One pen move, timed to the end of the processEvents() that paints it."""
        k[0] = (k[0] + 1) % len(pts)
        before = painted.count
        t = time.perf_counter()
        mouse(canvas, QEvent.Type.MouseMove, *pts[k[0]])
        app.processEvents()
        latency = time.perf_counter() - t
        draw_lat.append((t - click, latency if painted.count > before else math.nan))

    mover = QTimer()
    mover.setInterval(250)
    mover.timeout.connect(move)
    if responsive:
        # As a person would: the window is up, a digit drawn, and a few seconds pass
        # before Train. Keras loads in the background meanwhile (ui/shell/tf_preload.py); the
        # ticks of that idle wait are kept (negative times) and reported on their own.
        timer.start()
        loaded: list[bool] = []
        poll = QTimer()
        poll.setInterval(50)
        poll.timeout.connect(
            lambda: (
                loaded.append(True)
                if "keras" in sys.modules and not window.preloader.is_running()
                else None
            )
        )
        poll.start()
        run_until(app, loaded, timeout_s=60)
        poll.stop()
        mouse(canvas, QEvent.Type.MouseButtonPress, *pts[0])
        mover.start()
    click = time.perf_counter()
    gui_cpu0, cpu0 = time.thread_time(), time.process_time()
    panel.start_training(epochs=epochs, batch_size=128)
    run_until(app, finished)
    end = time.perf_counter()
    gui_cpu, cpu = time.thread_time() - gui_cpu0, time.process_time() - cpu0
    mover.stop()
    if timer:
        timer.stop()
    if responsive:
        mouse(canvas, QEvent.Type.MouseButtonRelease, *pts[k[0]])
    app.processEvents()
    result = finished[0] if finished else {}
    out = {
        "click": click,
        "end_s": end - click,
        "gui_thread_cpu_s": gui_cpu,  # CPU the GUI thread itself used during the click
        "process_cpu_s": cpu,
        "epochs": [(e, t - click, logs.get("seconds")) for e, t, logs in epoch_times],
        "stages": [(name, t - click) for t, name in stages],
        "test_acc": result.get("test_acc"),
        "stopped": result.get("stopped"),
        "error": result.get("error"),
        "mem_before": mem0,
        "mem_after": rss(),
        "tf_loaded": "tensorflow" in sys.modules,
    }
    if responsive:
        out["ticks"] = [t - click for t in ticks]
        out["draw"] = draw_lat
    window.close()
    return out


def mode_memory(epochs: int, runs: int) -> dict:
    import gc

    app, window = make_window()
    waiter = SignalWaiter(window)
    draw_stroke(window, waiter, pad_points(window.canvas, 30))
    for _ in range(20):
        app.processEvents()
    idle = rss()
    panel = window.train_panel
    after = []
    for _ in range(runs):
        finished: list[dict] = []
        conn = panel.trainingFinished.connect(lambda r, f=finished: f.append(r))
        panel.start_training(epochs=epochs, batch_size=128)
        run_until(app, finished)
        panel.trainingFinished.disconnect(conn)
        for _ in range(20):
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
        gc.collect()
        after.append({**rss(), "test_acc": finished[0].get("test_acc")})
    window.close()
    return {"idle": idle, "after": after}


def patch_batch_every(every: int) -> None:
    """Make the GUI worker's ``train(...)`` call pass ``batch_every`` (a projection only).

    The worker imports ``train`` from ``digitpad.ml.training`` when a run starts, so
    replacing the module attribute is enough; nothing else in the app changes.
    """
    from digitpad.ml import training

    original = training.train

    def train(*args, **kwargs):
        kwargs.setdefault("batch_every", every)
        return original(*args, **kwargs)

    training.train = train


def mode_layers(n: int, network: str = "robust") -> dict:
    """Issue 27's figure: the network view with a bundled network live."""
    import numpy as np

    app, window = make_window(WINDOW_SIZE)
    window.models.load_bundled(network)
    pump(app, 300)
    move_to_pixels(app, window, 40)  # warm-up
    out = {"model": network}
    for key in (None, "network", None):
        show_view(window, key)
        pump(app, 500)
        found = move_to_pixels(app, window, n)
        lat = np.array(found["latency"]) * 1e3
        out.setdefault(key or "none", []).append(
            {
                "median_ms": float(np.median(lat)),
                "p99_ms": float(np.percentile(lat, 99)),
                "longest_pause_ms": float(max(found["pauses"]) * 1e3),
                "missed": found["missed"],
                "pad_px": found["pad_px"],
            }
        )
    return out


def main() -> None:
    mode = sys.argv[1]
    if mode == "startup":
        out = mode_startup()
    elif mode == "predict":
        out = mode_predict(int(sys.argv[2]))
    elif mode == "train":
        if len(sys.argv) > 3:  # what the Train click would do if the worker passed batch_every
            patch_batch_every(int(sys.argv[3]))
        out = mode_train(int(sys.argv[2]))
    elif mode == "responsive":
        out = mode_train(int(sys.argv[2]), responsive=True)
    elif mode == "memory":
        out = mode_memory(int(sys.argv[2]), int(sys.argv[3]))
    elif mode == "layers":
        out = mode_layers(int(sys.argv[2]), *sys.argv[3:4])
    else:
        raise SystemExit(f"unknown mode {mode}")
    out["load1"] = os.getloadavg()[0]
    print(json.dumps(out), flush=True)
    os._exit(0)  # skip interpreter teardown (TF + Qt at exit are slow and irrelevant here)


if __name__ == "__main__":
    main()
