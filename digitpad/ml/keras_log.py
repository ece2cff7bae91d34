"""Format training progress the way Keras prints it, for the GUI log and the CLI."""

from __future__ import annotations

from collections.abc import Mapping

BAR_WIDTH = 20


def epoch_header(epoch: int, epochs: int) -> str:
    return f"Epoch {epoch}/{epochs}"


def metrics_text(logs: Mapping[str, float]) -> str:
    """``accuracy: 0.9263 - loss: 0.2551`` with Keras' key order (alphabetical)."""
    return " - ".join(f"{key}: {float(logs[key]):.4f}" for key in sorted(logs))


def progress_line(step: int, steps: int, seconds: float, logs: Mapping[str, float]) -> str:
    """``469/469 ━━━━━━━━━━━━━━━━━━━━ 6s 13ms/step - accuracy: 0.9263 - loss: 0.2551``."""
    filled = BAR_WIDTH if steps <= 0 else round(BAR_WIDTH * step / steps)
    bar = "━" * filled + " " * (BAR_WIDTH - filled) if filled < BAR_WIDTH else "━" * BAR_WIDTH
    per_step = seconds / max(step, 1)
    timing = f"{seconds:.0f}s {per_step * 1000:.0f}ms/step"
    text = f"{step}/{steps} {bar} {timing}"
    metrics = metrics_text(logs)
    return f"{text} - {metrics}" if metrics else text


def test_summary(test_loss: float, test_acc: float) -> str:
    return f"test_acc: {test_acc:.4f}"


def probability_table(probabilities) -> str:
    """The tutorial's table: one ``PROBABILITY | NUMBER`` row per digit."""
    rows = ["PROBABILITY | NUMBER"]
    for digit, value in enumerate(probabilities):
        rows.append(f"{float(value) * 100:10.0f}% | [{digit}]")
    return "\n".join(rows)
