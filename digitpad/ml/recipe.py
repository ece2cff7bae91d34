"""The tutorial's recipe as data: every default in digitpad comes from here."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace

INPUT_SIZE = 28 * 28
CLASSES = 10


@dataclass(frozen=True)
class Recipe:
    """Dense(hidden, relu) -> Dense(10, softmax), rmsprop, sparse CE, accuracy."""

    epochs: int = 5
    batch_size: int = 128
    learning_rate: float = 0.001  # Keras' RMSprop default, i.e. the tutorial's "rmsprop"
    hidden_units: int = 512
    seed: int | None = None
    optimizer: str = "rmsprop"
    loss: str = "sparse_categorical_crossentropy"
    # "constant": the learning rate as given (the tutorial). "one-cycle": it rises from a
    # tenth of it to it over the first 20 % of the steps, then falls to zero (cosine).
    schedule: str = "constant"

    def with_(self, **changes) -> Recipe:
        """A copy with the given fields changed; ``None`` values keep the default."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def as_dict(self) -> dict:
        return asdict(self)

    def validate(self) -> None:
        if self.epochs < 1:
            raise ValueError(f"epochs must be at least 1, got {self.epochs}")
        if self.batch_size < 1:
            raise ValueError(f"batch size must be at least 1, got {self.batch_size}")
        if not self.learning_rate > 0:
            raise ValueError(f"learning rate must be positive, got {self.learning_rate}")
        if self.hidden_units < 1:
            raise ValueError(f"hidden units must be at least 1, got {self.hidden_units}")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"optimizer must be one of {', '.join(OPTIMIZERS)}")
        if self.schedule not in SCHEDULES:
            raise ValueError(f"schedule must be one of {', '.join(SCHEDULES)}")


OPTIMIZERS = ("rmsprop", "adam")
SCHEDULES = ("constant", "one-cycle")
WARM_UP = 0.2  # share of a one-cycle run spent rising to the full learning rate


def one_cycle(step: int, steps: int, peak: float) -> float:
    """The learning rate of batch ``step`` (0-based) of ``steps`` in a one-cycle run."""
    if steps <= 1:
        return peak
    rise = max(1, round(WARM_UP * steps))
    if step < rise:
        return peak * (0.1 + 0.9 * step / rise)
    done = (step - rise) / max(1, steps - rise)
    return peak * 0.5 * (1.0 + math.cos(math.pi * min(done, 1.0)))


TUTORIAL = Recipe()


def steps_per_epoch(samples: int, batch_size: int) -> int:
    """469 for 60000 samples at batch 128, as Keras prints it."""
    return -(-samples // batch_size)
