"""The one way digitpad runs work off the GUI thread: a :class:`Job`.

Training, fine-tuning, evaluation, loading MNIST and importing Keras all look alike: a
plain function (no Qt in it) runs in a worker thread, may report progress, may be
asked to stop, and ends with a result or an exception. A ``Job`` gives every one of
them the same shape:

- ``job.start(fn)`` runs ``fn(context)`` in a daemon thread; ``context.progress(x)``
  reports, ``context.cancelled()`` (or ``context.cancel``, a ``threading.Event`` that
  ``ml`` functions take) says whether to stop;
- ``progress(x)``, ``finished(result)``, ``failed(exception)`` and then ``done()`` are
  emitted **in the GUI thread**: the worker's emissions go through queued connections
  to the job, which lives there, before anything else sees them;
- ``job.cancel()`` asks politely; ``job.wait(timeout)`` joins;
- :func:`shutdown` cancels and waits for every job under a widget: the window calls
  it once on close, whatever is running.

Background numpy work runs with BLAS on one thread (:func:`keep_blas_to_one_thread`,
through threadpoolctl, which knows every BLAS numpy may be built with): a worker's
batched matrix products on a BLAS thread pool held the GUI thread's own small ones
waiting, 70-160 ms stalls mid-stroke while the Evaluate tab ran the CNN.

Why not a library: superqt's ``thread_worker`` fits the shape, but adds a dependency
and generator-based workers for four call sites; this is one small class.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

log = logging.getLogger(__name__)


@functools.cache
def keep_blas_to_one_thread() -> None:
    """Limit numpy's BLAS to one thread for the rest of the process (done once).

    BLAS's thread pool is shared by the whole process: while a worker's large product
    (the Evaluate tab's test-set pass) held it, the GUI thread's one-image forward pass
    waited for it, 70-160 ms in the middle of a stroke. With one BLAS thread, a worker
    keeps to one core and the window's pass runs at once on the other. A window's own
    products are one image at a time, too small for a second thread to help (measured:
    the same move -> pixels), and the test-set pass takes as long on one thread as on
    two (1.8 s for the CNN).
    """
    try:
        from threadpoolctl import threadpool_limits

        threadpool_limits(1, user_api="blas")
    except Exception:  # not fatal: the window only draws less smoothly
        log.warning("could not limit BLAS to one thread", exc_info=True)


class JobContext:
    """Handed to the job's function: report progress, notice cancellation."""

    def __init__(self, cancel: threading.Event, report: Callable[[object], None]) -> None:
        self.cancel = cancel
        self._report = report

    def progress(self, value: object) -> None:
        self._report(value)

    def cancelled(self) -> bool:
        return self.cancel.is_set()


class Job(QObject):
    """One background task at a time; see the module docstring."""

    progress = Signal(object)
    finished = Signal(object)  # the function's return value
    failed = Signal(object)  # the exception it raised
    done = Signal()  # always last, after finished or failed

    # Emitted in the worker thread; queued to the job's own slots in the GUI thread.
    _progress_from_worker = Signal(object)
    _finished_from_worker = Signal(object)
    _failed_from_worker = Signal(object)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self._thread: threading.Thread | None = None
        self._cancel = threading.Event()
        self._running = False  # until ``done`` has been delivered in the GUI thread
        queued = Qt.ConnectionType.QueuedConnection
        self._progress_from_worker.connect(self._deliver_progress, queued)
        self._finished_from_worker.connect(self._deliver_finished, queued)
        self._failed_from_worker.connect(self._deliver_failed, queued)

    # -- control ---------------------------------------------------------------------
    def start(self, fn: Callable[[JobContext], object]) -> bool:
        """Run ``fn(context)`` in a new thread; ``False`` while the last run is going."""
        if self.is_running():
            return False
        keep_blas_to_one_thread()
        self._cancel = threading.Event()
        context = JobContext(self._cancel, self._emit_progress)
        self._running = True
        self._thread = threading.Thread(
            target=self._run, args=(fn, context), name=self.objectName(), daemon=True
        )
        self._thread.start()
        return True

    def cancel(self) -> None:
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def is_running(self) -> bool:
        """True from ``start`` until ``done`` has reached the GUI thread."""
        return self._running  # the thread may take a moment more to end: harmless

    def wait(self, timeout: float = 30.0) -> bool:
        """Join the worker thread; ``True`` if it has ended."""
        thread = self._thread
        if thread is None:
            return True
        thread.join(timeout)
        return not thread.is_alive()

    # -- worker thread ---------------------------------------------------------------
    def _run(self, fn, context: JobContext) -> None:
        try:
            result = fn(context)
        except Exception as exc:  # every failure reaches the GUI thread as ``failed``
            log.debug("%s failed", self.objectName(), exc_info=True)
            self._emit(self._failed_from_worker, exc)
            return
        self._emit(self._finished_from_worker, result)

    def _emit_progress(self, value: object) -> None:
        self._emit(self._progress_from_worker, value)

    @staticmethod
    def _emit(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the job's QObject is gone (window closed): nobody listens
            log.debug("job result dropped: its owner was deleted")

    # -- GUI thread --------------------------------------------------------------------
    @Slot(object)
    def _deliver_progress(self, value) -> None:
        self.progress.emit(value)

    @Slot(object)
    def _deliver_finished(self, result) -> None:
        self._running = False
        self.finished.emit(result)
        self.done.emit()

    @Slot(object)
    def _deliver_failed(self, exc) -> None:
        self._running = False
        self.failed.emit(exc)
        self.done.emit()


def shutdown(root: QObject, timeout: float = 120.0) -> bool:
    """Cancel every job under ``root`` and wait for them; ``True`` if all ended in time."""
    jobs = root.findChildren(Job)
    for job in jobs:
        job.cancel()
    deadline = time.monotonic() + timeout
    ended = True
    for job in jobs:
        if not job.wait(max(0.0, deadline - time.monotonic())):
            log.error("background job %s did not stop within %.0f s", job.objectName(), timeout)
            ended = False
    return ended
