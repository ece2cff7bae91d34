"""Training from the window: progress, Keras-style log, stop, errors, clean close."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtWidgets import QLabel

from digitpad.ui._testing import draw_strokes, seven

ROOT = Path(__file__).resolve().parents[1]
TRAIN_TIMEOUT = 120_000


@pytest.mark.slow
def test_one_epoch_emits_epoch_then_finished_and_keras_log(qtbot, window, mnist):
    panel = window.train_panel
    draw_strokes(window.canvas, seven())
    window.refresh_prediction()
    before = window.current_probabilities()
    events = []
    panel.epochEnded.connect(lambda epoch, logs: events.append(("epoch", epoch, logs)))
    panel.trainingFinished.connect(lambda result: events.append(("finished", result)))
    with qtbot.waitSignal(panel.trainingFinished, timeout=TRAIN_TIMEOUT) as blocker:
        assert panel.start_training(epochs=1, batch_size=128, train_limit=2000)
        assert not panel.train_button.isEnabled()
        assert panel.start_training(epochs=1) is False  # refused while running
        assert "already running" in panel.status.text()
    result = blocker.args[0]
    assert [e[0] for e in events] == ["epoch", "finished"]
    assert events[0][1] == 1 and {"loss", "accuracy"} <= set(events[0][2])
    assert result["stopped"] is False
    assert len(result["history"]["loss"]) == 1
    assert 0.5 < result["test_acc"] <= 1.0
    text = panel.log_text()
    assert "Epoch 1/1" in text
    progress = [line for line in text.splitlines() if line.startswith("16/16 ━")]
    assert progress and "accuracy:" in progress[0] and "loss:" in progress[0]
    assert "test_acc:" in text
    assert panel.train_button.isEnabled() and not panel.is_running()
    # The window now reads with the freshly trained model.
    assert "trained in this session" in window.model_label.text()
    after = window.current_probabilities()
    assert after is not None and not np.allclose(before, after)
    assert panel.curves.point_count() >= 2


@pytest.mark.slow
def test_a_robust_click_mixes_in_the_bundled_pen_digits_and_reads_unseen_writers(
    qtbot, window, mnist, monkeypatch
):
    """Issue 28: with no $DIGITPAD_PENDIGITS the window's Train trains the robust preset
    on MNIST plus the pen digits shipped with digitpad, never on a held-out writer, and
    after every epoch shows how well it reads those writers it never saw."""
    from digitpad.ml import pendigits, presets

    monkeypatch.delenv(pendigits.ENV_VAR, raising=False)
    mixed = []
    real = presets.limited_pen

    def spy(pen, n):
        mixed.append(real(pen, n))
        return mixed[-1]

    monkeypatch.setattr(presets, "limited_pen", spy)
    panel = window.train_panel
    with qtbot.waitSignal(panel.trainingFinished, timeout=TRAIN_TIMEOUT) as blocker:
        assert panel.start_training(preset="robust", epochs=2, train_limit=1000)
    result = blocker.args[0]
    assert "error" not in result, result
    assert result["stopped"] is False and 0.3 < result["test_acc"] <= 1.0
    (pen,) = mixed
    assert len(pen) == 100 and pendigits.is_bundled(pen)  # 1000 of 60,000: 1/60 of them
    assert not set(pen.writers.tolist()) & pendigits.HELD_OUT_WRITERS
    assert len(result["history"]["val_accuracy"]) == 2
    assert [epoch for epoch, _ in panel.curves.held_out_points()] == [1.0, 2.0]
    assert "val_accuracy:" in panel.log_text()


@pytest.mark.slow
def test_choosing_a_preset_prepares_its_first_click_in_the_background(qtbot, window, mnist):
    """Issue 28: once Keras is loaded, the chosen preset's training is traced on blank
    images (``presets.warm_up``); the click then re-uses that model. A click on another
    preset cancels a warm-up it need not wait for."""
    from digitpad.ml import presets
    from digitpad.ml.model import import_keras

    import_keras()
    panel = window.train_panel
    with presets._reusable_lock:
        presets._reusable.clear()
    panel.preset.set_key("dense-augmented")
    assert not panel.is_warming_up()  # only once the shell's preload says Keras is in
    panel.enable_warm_ups()
    assert panel.is_warming_up()
    panel.preset.set_key("robust")  # chosen meanwhile: prepared next
    robust = presets.get_preset("robust")
    key = presets._reusable_key(robust, robust.xla)
    qtbot.waitUntil(lambda: key in presets._reusable and not panel.is_warming_up(), timeout=120_000)
    warmed = presets._reusable[key]
    with qtbot.waitSignal(panel.trainingFinished, timeout=TRAIN_TIMEOUT) as blocker:
        assert panel.start_training(preset="robust", epochs=1, train_limit=500)
        assert not panel.is_warming_up()  # choosing it inside the click warms nothing
    assert blocker.args[0]["stopped"] is False
    assert presets._reusable[key] is warmed  # the click trained the warmed model
    panel.preset.set_key("tutorial")
    assert panel.is_warming_up()
    with qtbot.waitSignal(panel.trainingFinished, timeout=TRAIN_TIMEOUT) as blocker:
        assert panel.start_training(preset="robust", epochs=1, train_limit=500)
        assert panel._warm.is_cancelled()  # the tutorial's warm-up: not this click's
    assert blocker.args[0]["stopped"] is False and "error" not in blocker.args[0]


@pytest.mark.slow
def test_stop_mid_epoch_is_quick_and_offers_a_choice(qtbot, window, mnist):
    panel = window.train_panel
    before = window.models.predictor
    with qtbot.waitSignal(panel.batchEnded, timeout=TRAIN_TIMEOUT):
        panel.start_training(epochs=5, batch_size=32)
    started = time.monotonic()
    with qtbot.waitSignal(panel.trainingFinished, timeout=30_000) as blocker:
        window.stop_action.trigger()
    assert time.monotonic() - started < 20
    result = blocker.args[0]
    assert result["stopped"] is True and result["epochs_completed"] == 0
    assert panel.choice.isVisible()
    assert window.models.predictor is not before  # partial weights on show
    panel.restore_button.click()
    assert window.models.predictor is before
    assert not panel.choice.isVisible()
    assert panel.train_button.isEnabled()


def test_missing_dataset_is_a_message_not_a_crash(qtbot, window, tmp_path):
    panel = window.train_panel
    panel.set_data_path(str(tmp_path / "nowhere.npz"))
    draw_strokes(window.canvas, seven())
    with qtbot.waitSignal(panel.trainingFinished, timeout=TRAIN_TIMEOUT) as blocker:
        panel.start_training(epochs=1)
    assert blocker.args[0]["stopped"] is True
    assert "nowhere.npz" in blocker.args[0]["error"]
    assert "nowhere.npz" in panel.status.text() and "nowhere.npz" in panel.log_text()
    assert panel.train_button.isEnabled()
    window.refresh_prediction()
    assert int(window.current_probabilities().argmax()) == 7  # drawing still works
    assert "bundled" in window.model_label.text()


IMPORTS = "import sys\nfrom PySide6.QtCore import QTimer\n"
# Opens the real window in a fresh process (settings go to the test's own folder).
WINDOW = """
from digitpad.ui.shell.app import application
app = application()
from digitpad.ui import MainWindow
window = MainWindow()
window.show()
"""


def _run_script(
    script: str, timeout: int = 240, home: Path | None = None, before: str = ""
) -> subprocess.CompletedProcess:
    """Run ``before``, then the window if ``home`` is given, then ``script``."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    code = textwrap.dedent(script)
    if home is not None:
        env["XDG_CONFIG_HOME"] = env["DIGITPAD_DATA_HOME"] = str(home)
        code = textwrap.dedent(before) + WINDOW + code
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


def test_window_opens_without_tensorflow():
    proc = _run_script(
        """
        import sys
        from digitpad.ui.shell.app import application
        app = application()
        from digitpad.ui import MainWindow
        window = MainWindow()
        window.show()
        app.processEvents()
        assert window.models.predictor is not None
        print("tensorflow" in sys.modules, "keras" in sys.modules)
        # nor Qt Charts: the curves are drawn once a training starts
        print("PySide6.QtCharts" in sys.modules, window.train_panel.curves.is_built())
        # nor the teaching views, "My digits" included (built when shown or given a digit)
        print(any(name.startswith("digitpad.ui.teach.") and name != "digitpad.ui.teach.dock"
                  for name in sys.modules), "digitpad.ml.user_digits" in sys.modules)
        # nor the training job's module (loaded with the first Train click)
        print("digitpad.ui.training.job" in sys.modules)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False"] * 7


def test_the_windows_ml_side_loads_before_pyside():
    """As ``digitpad`` starts (command line, then the display check in digitpad.ui):
    Pillow, json and the ML modules the window uses are loaded before PySide6, whose
    import hook reads the source of every module loaded after it (start-up time)."""
    proc = _run_script(
        """
        import sys
        import digitpad.cli
        import digitpad.ui.shell.platform_check
        order = list(sys.modules)
        qt = order.index("PySide6")
        late = [name for name in order[qt:] if name.split(".")[0] in ("PIL", "json", "numpy")
                or name.startswith("digitpad.ml")]
        print(late)
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_start_ups_objects_are_kept_out_of_full_garbage_collections():
    """What start-up makes lives as long as the app: once the window is up it is frozen
    out of the collector's full passes (15-25 ms each, mid-stroke); the collector stays
    on for everything made after."""
    proc = _run_script(
        """
        import gc
        from digitpad.ui.shell.app import application, started
        app = application()
        from digitpad.ui import MainWindow
        window = MainWindow()
        window.show()
        started()
        print(gc.get_freeze_count() > 10_000, gc.isenabled())
        """
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["True", "True"]


def test_the_curves_say_what_they_will_show_until_a_training_starts(window, qtbot):
    curves = window.train_panel.curves
    assert not curves.is_built() and curves.point_count() == 0
    assert curves.data() == {"epochs": [], "batches": []}
    placeholder = curves.findChild(QLabel, "curvesPlaceholder")
    assert placeholder.isVisible() and "train" in placeholder.text()
    curves.reset(3)  # what start_training does
    qtbot.wait(20)
    assert curves.is_built() and not placeholder.isVisible()
    assert curves.axis_titles() == ("epoch", "loss", "accuracy")
    curves.add_epoch(1, {"loss": 0.3, "accuracy": 0.9})
    assert curves.data()["epochs"] == [(1.0, 0.3, 0.9)]


def test_keras_loads_in_the_background_once_the_pad_is_idle(tmp_path):
    """Not on the way to the window, but ready before the first Train click."""
    proc = _run_script(
        home=tmp_path,
        before=IMPORTS,
        script="""
        app.processEvents()
        print("keras" in sys.modules)
        def check():
            if "keras" in sys.modules and not window.preloader.is_running():
                timer.stop()
                # ... and the chosen preset's first Train click is being prepared
                print("loaded", window.train_panel.is_warming_up()); window.close()
        timer = QTimer(); timer.timeout.connect(check); timer.start(200)
        QTimer.singleShot(60000, window.close)
        app.exec()
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "loaded", "True"]


@pytest.mark.slow
def test_closing_mid_training_exits_cleanly(mnist, tmp_path):
    proc = _run_script(
        home=tmp_path,
        before=IMPORTS,
        script="""
        seen = []
        def first_batch(step, steps, logs):
            if not seen:
                seen.append(step)
                print("batch", step, flush=True)
                window.close()
        window.train_panel.batchEnded.connect(first_batch)
        window.train_panel.start_training(epochs=5, batch_size=32)
        QTimer.singleShot(180_000, app.quit)  # a safety net, never reached when all is well
        code = app.exec()
        print("exit", code, window.train_panel.is_running(), flush=True)
        raise SystemExit(code)
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert "batch" in proc.stdout and "exit 0" in proc.stdout
    assert "QThread: Destroyed" not in proc.stderr


def test_pyside_refcount_regression():
    """PySide6 6.12.0 corrupted None/True/False refcounts and crashed (none_dealloc) after
    ~100k calls of Qt methods returning void or bool; pyproject.toml excludes it."""
    proc = _run_script(
        """
        from PySide6.QtGui import QColor, QGuiApplication, QImage, QPainter, QPen
        app = QGuiApplication([])
        image = QImage(64, 64, QImage.Format.Format_RGB32)
        painter = QPainter(image)
        pen = QPen(QColor(255, 255, 255), 3)
        hits = 0
        for _ in range(200_000):
            painter.setPen(pen)                    # returns void -> None
            hits += painter.isActive()            # returns bool -> True
            hits += image.isNull()                # returns bool -> False
        painter.end()
        print("ok", hits)
        """,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.split() == ["ok", "200000"]


def test_quitting_while_keras_loads_in_the_background_exits_cleanly(tmp_path):
    """An import cut off by interpreter exit fails ("can't register atexit after shutdown")."""
    proc = _run_script(
        home=tmp_path,
        before=IMPORTS + "from digitpad.ui.shell import tf_preload\ntf_preload.IDLE_MS = 0\n",
        script="""
        QTimer.singleShot(300, window.close)  # while Keras is still importing
        app.exec()
        print("keras" in sys.modules)
        """,
    )
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "atexit" not in proc.stderr
    assert proc.stdout.split() == ["True"]


def test_ctrl_c_in_the_terminal_closes_the_window_cleanly(tmp_path):
    """`digitpad` started from a terminal: Ctrl+C closes it like the close button (exit 0)."""
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        "XDG_CONFIG_HOME": str(tmp_path),
        "DIGITPAD_PRELOAD_TF": "0",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "digitpad", "gui"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(4)  # the window is up well before this (~0.4 s, BENCHMARKS.md)
        assert proc.poll() is None, proc.communicate()
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert list(tmp_path.rglob("*.conf")) or list(tmp_path.rglob("*.ini"))  # settings saved


def test_keras_waits_while_the_pointer_rests_on_the_pad(window, qtbot, monkeypatch):
    """Its import stalls the window for up to ~0.35 s at a time: not when a stroke is
    about to begin (pointer on the pad), only once the pointer has left it."""
    from PySide6.QtCore import Qt

    from digitpad.ui.shell import tf_preload

    started = []
    preloader = window.preloader
    monkeypatch.setattr(preloader, "enabled", lambda: True)
    monkeypatch.setattr(preloader._job, "start", started.append)
    preloader._timer.setInterval(20)
    window.canvas.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, True)
    preloader.poke()
    qtbot.wait(150)
    assert not started and preloader._timer.isActive()  # asks again later
    window.canvas.setAttribute(Qt.WidgetAttribute.WA_UnderMouse, False)
    qtbot.waitUntil(lambda: started == [tf_preload._import], timeout=2000)
