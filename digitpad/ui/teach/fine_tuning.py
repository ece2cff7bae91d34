"""What "My digits" and the class session's wall share when they fine-tune the live
network: the job's work (a fresh copy of the model, tuned on the digits given) and the one
line a failure becomes."""

from __future__ import annotations

import logging
from collections.abc import Callable

from digitpad.ml.errors import DigitpadError
from digitpad.ml.user_digits import fine_tune
from digitpad.ui.messages import error_text

log = logging.getLogger(__name__)


def fine_tune_work(model_source: Callable[[], object], digits, mnist) -> Callable:
    """A ``Job`` function: ``(FineTuneResult, tuned model)`` for ``digits`` (anything with
    ``images``, ``labels``, ``len`` and ``split``: My digits' store, the room's digits)."""

    def work(context):
        model = model_source()
        return fine_tune(model, digits, mnist, cancel=context.cancel), model

    return work


def failure_line(exc: BaseException) -> str:
    """A failed fine-tune in one line (an unforeseen one is logged whole)."""
    if isinstance(exc, DigitpadError):
        return error_text(exc)
    if isinstance(exc, ValueError):  # fine_tune's own refusals say what to do
        return str(exc)
    log.error("fine-tuning failed", exc_info=exc)
    return f"{type(exc).__name__}: {exc}"
