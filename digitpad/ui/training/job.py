"""What a Train click runs in its :class:`~digitpad.ui.jobs.Job`: a plain function.

:func:`run_training` loads MNIST (cached), builds the chosen preset's model and calls
``ml.presets.train_preset`` — the one training entry point the command line uses too —
reporting progress as tuples the train panel reads in the GUI thread:
``("stage", name)``, ``("batch", step, steps, logs)`` and
``("epoch", epoch, logs, predictor)``. TensorFlow is imported here, in the job's
thread, the first time a model is built, never on the way to the window.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

from digitpad.ml.data import load_mnist_cached
from digitpad.ml.model_card import make_card
from digitpad.ml.predictor import Predictor
from digitpad.ml.recipe import TUTORIAL, Recipe
from digitpad.ui.jobs import JobContext

BATCH_INTERVAL = 0.05  # seconds between progress reports: <= 20 per second reach the GUI

STAGE_DATA = "data"
STAGE_TENSORFLOW = "tensorflow"
STAGE_TRAINING = "training"
STAGE_EVALUATING = "evaluating"


@dataclass(frozen=True)
class TrainingJob:
    """What one Train click asks for. A fresh model is built from ``recipe``."""

    recipe: Recipe = TUTORIAL
    data_path: str | None = None
    train_limit: int | None = None
    evaluate: bool = True
    preset: str = "tutorial"  # a key of digitpad.ml.presets.PRESETS


@dataclass(frozen=True)
class TrainingOutcome:
    result: dict  # TrainResult.as_dict()
    model: object  # the Keras model, or None when nothing was built
    predictor: Predictor | None  # its weights for the live pad, None after divergence
    card: dict  # the model card, as the command line writes it (ml.model_card)


def run_training(job: TrainingJob, context: JobContext) -> TrainingOutcome:
    from digitpad.ml.pendigits import held_out_writers, training_writers
    from digitpad.ml.presets import detached_copy, get_preset, training_turn

    context.progress(("stage", STAGE_DATA))
    mnist = load_mnist_cached(job.data_path, download=False)  # the panel offers one
    if context.cancelled():
        return TrainingOutcome({"stopped": True, "history": {}}, None, None, {})
    preset = get_preset(job.preset)
    preset = replace(preset, recipe=job.recipe)
    pen = training_writers() if preset.pen_repeat else None
    # The held-out writers: their accuracy after every epoch, never trained on.
    held_out = held_out_writers()
    context.progress(("stage", STAGE_TENSORFLOW))
    # A warm-up of the preset (``presets.warm_up``, started in the background when it was
    # chosen) may still be tracing: wait for it (its traced functions are this click's).
    with training_turn(context.cancel) as mine:
        if not mine:
            return TrainingOutcome({"stopped": True, "history": {}}, None, None, {})
        model, result = _train(job, context, preset, mnist, pen, held_out)
        snapshot = None if result.diverged else Predictor.from_keras(model, "trained")
        read_pen = result.history.get("val_accuracy") or [None]
        card = make_card(
            preset.recipe, result, mnist, preset, model, pen=pen, pen_test_acc=read_pen[-1]
        )
        card["name"] = f"digitpad MNIST {preset.key} (trained in the app)"
        # The window keeps its own copy: the next click (or warm-up) re-uses ``model``.
        return TrainingOutcome(result.as_dict(), detached_copy(model), snapshot, card)


def _train(job: TrainingJob, context: JobContext, preset, mnist, pen, held_out):  # noqa: PLR0917
    from digitpad.ml.presets import reusable_preset_model, train_preset

    # XLA where it makes epochs faster (the dense presets), same recipe (Stop still acts
    # after every batch). The model of the last click is re-used with new weights: no new
    # traced functions to keep.
    model = reusable_preset_model(preset, job.recipe.seed, jit_compile=preset.xla)
    context.progress(("stage", STAGE_TRAINING))
    last_batch = [0.0]

    def on_batch(step: int, steps: int, logs: dict) -> None:
        now = time.monotonic()
        if step in (1, steps) or now - last_batch[0] >= BATCH_INTERVAL:
            last_batch[0] = now
            context.progress(("batch", step, steps, dict(logs)))

    def on_epoch(epoch: int, logs: dict) -> None:
        # Snapshot here, in the thread that trains, so the GUI never reads moving weights.
        context.progress(
            ("epoch", epoch, dict(logs), Predictor.from_keras(model, f"epoch {epoch}"))
        )
        if epoch == job.recipe.epochs and job.evaluate and not context.cancelled():
            context.progress(("stage", STAGE_EVALUATING))

    model, result = train_preset(
        preset,
        mnist,
        seed=job.recipe.seed,  # None: a new random start each click
        epochs=job.recipe.epochs,
        train_limit=job.train_limit,
        cancel=context.cancel,
        on_epoch=on_epoch,
        on_batch=on_batch,
        evaluate=job.evaluate,
        model=model,
        pen=pen,
        held_out=held_out,
    )
    return model, result
