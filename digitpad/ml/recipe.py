"""The tutorial's recipe as data: every default in digitpad comes from here."""

from __future__ import annotations

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


TUTORIAL = Recipe()


def steps_per_epoch(samples: int, batch_size: int) -> int:
    """469 for 60000 samples at batch 128, as Keras prints it."""
    return -(-samples // batch_size)
