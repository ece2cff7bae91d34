"""Background work (ui/jobs.py): results reach the GUI thread, BLAS keeps to one core."""

from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_info

from digitpad.ui.jobs import Job


def _blas_threads() -> list[int]:
    return [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]


def test_a_job_runs_with_blas_on_one_thread(qtbot):
    # A worker's batched products on BLAS's shared thread pool held the window's own
    # one-image forward pass waiting (70-160 ms stalls mid-stroke while the Evaluate
    # tab ran the CNN). Once background work starts, BLAS keeps to one thread.
    job = Job("digitpad-test-blas")
    with qtbot.waitSignal(job.finished, timeout=10_000) as result:
        job.start(lambda _context: (_blas_threads(), float((np.ones((64, 64)) @ np.ones(64))[0])))
    threads, value = result.args[0]
    assert threads, "numpy's BLAS was not found"
    assert threads == [1] * len(threads)
    assert value == 64.0
    assert _blas_threads() == [1] * len(threads)  # the GUI thread's products, too


def test_a_failing_job_reports_its_exception_in_the_gui_thread(qtbot):
    job = Job("digitpad-test-failure")

    def fail(_context):
        raise ValueError("no such digit")

    with qtbot.waitSignal(job.failed, timeout=10_000) as failure:
        job.start(fail)
    assert isinstance(failure.args[0], ValueError)
    qtbot.waitUntil(lambda: not job.is_running())


def test_without_threadpoolctl_a_job_still_runs(qtbot, monkeypatch, caplog):
    # An installation without it (pip --no-deps) draws less smoothly, nothing worse.
    import sys

    from digitpad.ui import jobs

    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import raises ImportError
    jobs.keep_blas_to_one_thread.cache_clear()
    try:
        job = Job("digitpad-test-no-threadpoolctl")
        with qtbot.waitSignal(job.finished, timeout=10_000) as result:
            job.start(lambda _context: 42)
        assert result.args == [42]
        assert "could not limit BLAS" in caplog.text
    finally:
        jobs.keep_blas_to_one_thread.cache_clear()
