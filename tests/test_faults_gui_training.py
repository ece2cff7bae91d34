"""Training faults in the window: Stop at any moment, Stop twice, Train while running,
divergence, an exception in the worker, closing at any moment, ten runs in a row.

Trainings are tiny (1 epoch, 2000 images) so the 2-core CI machine stays usable.
"""

from __future__ import annotations

import ctypes
import gc
import os
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QMessageBox

from digitpad.ui import MainWindow
from digitpad.ui._testing import draw_strokes, seven

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT = 120_000
TINY = {"epochs": 1, "batch_size": 128, "train_limit": 2000}
SLOW_STEPS = {"epochs": 1, "batch_size": 8, "train_limit": 2000}  # 250 steps: time to stop


@pytest.fixture
def window(qtbot, monkeypatch, mnist):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    draw_strokes(win.canvas, seven())
    win.refresh_prediction()
    yield win
    win.train_panel.shutdown()


def _assert_idle(win) -> None:
    panel = win.train_panel
    assert not panel.is_running()
    assert panel.train_button.isEnabled() and not panel.stop_button.isEnabled()
    assert win.train_action.isEnabled() and not win.stop_action.isEnabled()
    assert win.open_action.isEnabled() and win.open_data_action.isEnabled()
    assert panel.epochs.isEnabled() and panel.learning_rate.isEnabled()


def _assert_probabilities(win) -> None:
    win.refresh_prediction()
    p = win.current_probabilities()
    assert p is not None and np.all(np.isfinite(p)) and p.sum() == pytest.approx(1, abs=1e-5)


def test_stop_right_after_start(qtbot, window):
    panel = window.train_panel
    before = window.models.predictor
    with qtbot.waitSignal(panel.trainingFinished, timeout=TIMEOUT) as blocker:
        assert panel.start_training(**TINY)
        panel.stop_training()
    result = blocker.args[0]
    assert result["stopped"] is True and "error" not in result
    assert window.models.predictor is before  # nothing trained: the model is untouched
    assert not panel.is_offering_choice()
    assert "Stopped before training began" in panel.status.text()
    _assert_idle(window)
    _assert_probabilities(window)


def test_stop_mid_epoch_twice_and_train_refused_while_running(qtbot, window):
    panel = window.train_panel
    before = window.models.predictor
    with qtbot.waitSignal(panel.batchEnded, timeout=TIMEOUT):
        assert panel.start_training(**SLOW_STEPS)
    assert panel.start_training(**TINY) is False  # refused, and said so
    assert "already running" in panel.status.text()
    window.train_action.trigger()  # disabled: does nothing
    assert not window.train_action.isEnabled()
    with qtbot.waitSignal(panel.trainingFinished, timeout=30_000) as blocker:
        window.stop_action.trigger()
        panel.stop_training()  # a second Stop is harmless
        panel.stop_button.click()  # disabled after the first
    panel.stop_training()  # and a Stop after the end, too
    result = blocker.args[0]
    assert result["stopped"] is True and result["epochs_completed"] == 0
    assert panel.is_offering_choice()
    assert window.models.predictor is not before
    panel.restore_button.click()
    assert window.models.predictor is before
    _assert_idle(window)
    _assert_probabilities(window)


def test_stop_during_evaluation(qtbot, window, monkeypatch):
    # The test set is read in ~1 s; slow each test batch a little so Stop surely lands
    # inside the evaluation on a loaded machine (the cancel check itself is unchanged).
    import time

    from digitpad.ml.callbacks import ProgressCallback

    original = ProgressCallback.on_test_batch_end

    def slow_test_batch(self, batch, logs=None):
        time.sleep(0.02)
        original(self, batch, logs)

    monkeypatch.setattr(ProgressCallback, "on_test_batch_end", slow_test_batch)
    panel = window.train_panel
    with qtbot.waitSignal(panel.epochEnded, timeout=TIMEOUT):
        assert panel.start_training(epochs=1, batch_size=128, train_limit=2000)
    qtbot.waitUntil(lambda: "Evaluating" in panel.status.text(), timeout=30_000)
    with qtbot.waitSignal(panel.trainingFinished, timeout=30_000) as blocker:
        panel.stop_training()
        panel.stop_training()
    result = blocker.args[0]
    assert result["stopped"] is True and result["epochs_completed"] == 1
    assert "test_acc" not in result
    assert panel.is_offering_choice()  # one whole epoch trained: keep it or restore
    _assert_idle(window)
    _assert_probabilities(window)


def test_divergence_restores_the_previous_model_and_says_so(qtbot, window):
    panel = window.train_panel
    before = window.models.predictor
    probabilities = window.current_probabilities()
    assert panel.learning_rate.value() == pytest.approx(0.001)  # the tutorial's default
    with qtbot.waitSignal(panel.trainingFinished, timeout=TIMEOUT) as blocker:
        panel.start_training(**TINY, learning_rate=10)
    result = blocker.args[0]
    assert result["diverged"] is True and result["stopped"] is True
    assert "the previous model is back" in panel.log_text()
    assert "diverged" in panel.status.text()
    assert window.models.predictor is before
    assert "bundled" in window.model_label.text()
    window.refresh_prediction()
    assert np.array_equal(window.current_probabilities(), probabilities)
    _assert_idle(window)


def test_an_exception_in_the_worker_reaches_the_gui(qtbot, window, monkeypatch):
    from digitpad.ml import presets  # train_preset: every preset's one way to train

    def broken(*args, **kwargs):
        raise RuntimeError("simulated failure inside fit")

    monkeypatch.setattr(presets, "train", broken)
    panel = window.train_panel
    before = window.models.predictor
    failures = []
    panel.trainingFailed.connect(failures.append)
    with qtbot.waitSignal(panel.trainingFinished, timeout=TIMEOUT) as blocker:
        panel.start_training(**TINY)
    expected = "Training failed: RuntimeError: simulated failure inside fit"
    assert failures == [expected] and blocker.args[0]["error"] == expected
    assert expected in panel.status.text() and expected in panel.log_text()
    assert expected in window.statusBar().currentMessage()
    assert window.models.predictor is before
    _assert_idle(window)
    monkeypatch.undo()
    with qtbot.waitSignal(panel.trainingFinished, timeout=TIMEOUT) as blocker:
        panel.start_training(**TINY, evaluate=False)  # the next run works
    assert blocker.args[0]["stopped"] is False


def _run_script(script: str, tmp_path, timeout: int = 240) -> subprocess.CompletedProcess:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    prelude = f"""
        from PySide6.QtCore import QSettings, QTimer
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, {str(tmp_path)!r})
        from digitpad.ui.shell.app import application
        app = application()
        from digitpad.ui import MainWindow
        window = MainWindow()
        window.show()
        panel = window.train_panel
        QTimer.singleShot(180_000, lambda: (print("WATCHDOG", flush=True), app.exit(3)))
    """
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(prelude) + textwrap.dedent(script)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        cwd=ROOT,
    )


CLOSE_AT = {
    # right after Train: the worker is loading MNIST
    "start": "panel.trainingStarted.connect(window.close)",
    # TensorFlow is being imported / the model built in the worker
    "tensorflow": "panel.statusMessage.connect("
    "lambda t: window.close() if 'TensorFlow' in t else None)",
    # the evaluation on the 10,000 test images
    "evaluation": "panel.statusMessage.connect("
    "lambda t: window.close() if 'Evaluating' in t else None)",
    # the moment the run ended (its thread is only finishing its exit)
    "finished": "panel.trainingFinished.connect(lambda r: window.close())",
}


@pytest.mark.slow
@pytest.mark.parametrize("moment", list(CLOSE_AT))
def test_closing_at_any_moment_exits_cleanly(moment, tmp_path):
    proc = _run_script(
        f"""
        {CLOSE_AT[moment]}
        # Clicked inside the running event loop, as a person would.
        start = lambda: panel.start_training(epochs=1, batch_size=128, train_limit=2000)
        QTimer.singleShot(0, start)
        code = app.exec()
        print("exit", code, panel.is_running(), flush=True)
        raise SystemExit(code)
        """,
        tmp_path,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "exit 0" in proc.stdout
    assert "QThread: Destroyed" not in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_train_again_from_the_finished_signal_does_not_hang(tmp_path):
    """Was a deadlock: start_training waited for the previous thread, whose quit was
    still queued behind the very handler that called it."""
    proc = _run_script(
        """
        runs = []
        def again(result):
            runs.append(result)
            if len(runs) == 1:
                print("again", panel.start_training(epochs=1, batch_size=128,
                                                    train_limit=2000, evaluate=False), flush=True)
            else:
                window.close()
        panel.trainingFinished.connect(again)
        panel.start_training(epochs=1, batch_size=128, train_limit=2000, evaluate=False)
        code = app.exec()
        print("runs", len(runs), flush=True)
        raise SystemExit(code)
        """,
        tmp_path,
        timeout=200,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr[-3000:]
    assert "again True" in proc.stdout and "runs 2" in proc.stdout


def _rss_mb() -> float:
    """Resident memory after glibc hands freed heap back (``malloc_trim``): what is
    still in use, not what the allocator keeps from earlier tests."""
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: measure as it is
        pass
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _os_threads() -> int:
    return len(os.listdir("/proc/self/task"))


def _live_python_threads() -> list[threading.Thread]:
    """``threading.enumerate()`` without the stale entries of finished foreign threads:
    Python 3.11 keeps a ``_DummyThread`` for every QThread that ever ran Python code."""
    tasks = {int(t) for t in os.listdir("/proc/self/task")}
    return [
        t
        for t in threading.enumerate()
        if not isinstance(t, threading._DummyThread) or t.native_id in tasks
    ]


def _keras_models() -> int:
    import keras

    return sum(isinstance(o, keras.Model) for o in gc.get_objects())


@pytest.mark.slow
def test_ten_train_stop_cycles_leave_no_threads_and_bounded_memory(qtbot, window, record_property):
    panel = window.train_panel

    def cycle():
        with qtbot.waitSignal(panel.batchEnded, timeout=TIMEOUT):
            assert panel.start_training(**SLOW_STEPS)
        with qtbot.waitSignal(panel.trainingFinished, timeout=30_000) as blocker:
            panel.stop_training()
        assert blocker.args[0]["stopped"] is True
        panel.restore_button.click()
        _assert_idle(window)

    cycle()  # the first run imports TensorFlow and starts its thread pools
    panel.shutdown()
    qtbot.wait(50)
    gc.collect()
    threads_before, os_before, rss_before = len(_live_python_threads()), _os_threads(), _rss_mb()
    models_before = _keras_models()
    for _ in range(10):
        cycle()
    panel.shutdown()
    qtbot.wait(50)  # deleteLater of the previous runs' QThreads
    gc.collect()
    threads_after, os_after, rss_after = len(_live_python_threads()), _os_threads(), _rss_mb()
    models_after = _keras_models()
    qthreads = panel.findChildren(QThread)
    growth = rss_after - rss_before
    print(
        f"\npython threads {threads_before} -> {threads_after}; OS threads {os_before} -> "
        f"{os_after}; QThread children {len(qthreads)}; VmRSS {rss_before:.0f} -> "
        f"{rss_after:.0f} MB (+{growth:.0f} MB over 10 cycles); live Keras models "
        f"{models_before} -> {models_after}; threading.active_count() {threading.active_count()}"
    )
    record_property("rss_growth_mb", growth)
    assert threads_after <= threads_before, threading.enumerate()
    assert models_after <= models_before  # no run's Keras model is kept alive
    assert os_after <= os_before + 2  # TensorFlow may grow a pool lazily; never one per run
    assert len(qthreads) <= 1 and all(t.isFinished() for t in qthreads)
    # Alone in a process: a new model per click grew ~184 MB over 10 cycles (TensorFlow
    # keeps every traced function), the re-used one ~56 MB. In a worker that has run
    # other tests first the same code measured up to ~166 MB, so the bound is loose:
    # it catches growth without bound, RELIABILITY.md has the isolated figures.
    assert growth < 250, f"VmRSS grew {growth:.0f} MB over 10 train/stop cycles"
    _assert_probabilities(window)
