"""The JSON model card written beside a trained model."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from digitpad import __version__
from digitpad.ml.atomic import atomic_path
from digitpad.ml.data import Mnist, sha256_of
from digitpad.ml.errors import ModelError
from digitpad.ml.recipe import Recipe

if TYPE_CHECKING:  # the window reads cards at start-up; cards are made after a training
    from digitpad.ml.pendigits import PenDigits
    from digitpad.ml.training import TrainResult


def card_path_for(model_path: str | os.PathLike) -> Path:
    return Path(model_path).with_suffix(".json")


def describe_layers(model) -> list[str]:
    """``Dense(512, activation='relu')``-style lines, as the tutorial writes them."""
    lines = []
    for layer in model.layers:
        config = layer.get_config()
        kind = type(layer).__name__
        if kind == "Dense":
            lines.append(f"Dense({config['units']}, activation='{config['activation']}')")
        elif kind == "Conv2D":
            size = "x".join(str(k) for k in config["kernel_size"])
            lines.append(
                f"Conv2D({config['filters']}, {size}, activation='{config['activation']}')"
            )
        else:
            lines.append(kind)
    return lines


MNIST_ATTRIBUTION = (
    "MNIST, Y. LeCun, C. Cortes and C. J. C. Burges, CC BY-SA 3.0 (Keras' mnist.npz layout)"
)


def make_card(
    recipe: Recipe,
    result: TrainResult,
    mnist: Mnist,
    preset=None,
    model=None,
    *,
    pen: PenDigits | None = None,
    pen_test_acc: float | None = None,
) -> dict:
    """Everything needed to say what a model is and where its data came from."""
    source = Path(mnist.source)
    data = [{"name": "MNIST training set (60,000 digits)", "attribution": MNIST_ATTRIBUTION}]
    if pen is not None and len(pen):
        from digitpad.ml import pendigits

        writers = sorted(set(pen.writers.tolist()))
        data.append(
            {
                "name": f"pen-written digits: {len(pen)} from writers {writers}",
                "held_out_writers": sorted(pendigits.HELD_OUT_WRITERS),
                "attribution": pendigits.ATTRIBUTION,
                "licence": pendigits.LICENCE,
                "url": pendigits.SOURCE_URL,
                "source": (
                    f"bundled with digitpad (resources/{pendigits.BUNDLED_NAME})"
                    if pendigits.is_bundled(pen)
                    else Path(pen.source).name
                ),
            }
        )
    layers = (
        describe_layers(model)
        if model is not None
        else [
            f"Dense({recipe.hidden_units}, activation='relu')",
            "Dense(10, activation='softmax')",
        ]
    )
    return {
        "name": f"digitpad MNIST {preset.key if preset else 'tutorial'}",
        "preset": preset.key if preset else "tutorial",
        "description": _description(preset, recipe),
        "recipe": {
            "layers": layers,
            **recipe.as_dict(),
            "metrics": ["accuracy"],
            "preprocessing": "reshape (n, 784), astype float32, / 255",
            "augmentation": bool(preset and preset.augment),
        },
        "data": data,
        "seed": recipe.seed,
        "epochs": recipe.epochs,
        "epochs_completed": result.epochs_completed,
        "history": result.history,
        "test_loss": result.test_loss,
        "test_acc": result.test_acc,
        "pen_test_acc": pen_test_acc,
        "mnist_source": source.name if source.is_file() else mnist.source,
        "mnist_sha256": sha256_of(source) if source.is_file() else None,
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "digitpad_version": __version__,
    }


def fine_tune_card(result, model=None) -> dict:
    """The card of a model fine-tuned on a person's own digits (``FineTuneResult``)."""
    return {
        "name": "digitpad MNIST (fine-tuned on the user's digits)",
        "recipe": {"layers": describe_layers(model)} if model is not None else {},
        "fine_tune": {
            "before": result.before,
            "after": result.after,
            "held_back": result.held_back,
            "trained_on": result.trained_on,
            "epochs": result.epochs,
        },
        "data": [
            {"name": "the user's own digits (My digits)", "attribution": "the user"},
            {"name": "MNIST training digits mixed in", "attribution": MNIST_ATTRIBUTION},
        ],
        "date": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "digitpad_version": __version__,
    }


def write_card(card: dict, path: str | os.PathLike) -> Path:
    """Atomically, like the model; a failure is a :class:`ModelError` and leaves no temp file."""
    target = Path(path)
    try:
        with atomic_path(target) as temp, open(temp, "w", encoding="utf-8") as out:
            json.dump(card, out, indent=2)
            out.write("\n")
    except OSError as exc:
        raise ModelError(
            f"{target}: could not save the model card ({exc.strerror or exc})"
        ) from None
    return target


def read_card(path: str | os.PathLike) -> dict | None:
    """The card, or ``None`` when absent or unreadable (a card is never essential)."""
    try:
        with open(path, encoding="utf-8") as handle:
            card = json.load(handle)
    except (OSError, ValueError):
        return None
    return card if isinstance(card, dict) else None


MNIST_TRAIN_SAMPLES = 60000


def training_facts(card: dict | None) -> dict:
    """How the model on a card was trained, as far as the card says: ``optimizer``,
    ``learning_rate``, ``schedule`` ("one-cycle", or ``None`` for a constant rate),
    ``epochs`` (completed), ``batch_size``, ``samples`` and ``steps``
    per epoch (each ``None`` when the card does not tell). Never the tutorial's defaults
    for a model whose card is silent."""
    import ast
    import re

    card = card if isinstance(card, dict) else {}
    recipe = card.get("recipe")
    if isinstance(recipe, str):  # some cards hold it as a Python literal
        try:
            recipe = ast.literal_eval(recipe)
        except (ValueError, SyntaxError):
            recipe = None
    recipe = recipe if isinstance(recipe, dict) else {}
    epochs = card.get("epochs_completed", card.get("epochs", recipe.get("epochs")))
    batch = recipe.get("batch_size")
    data = card.get("data")
    if isinstance(data, str):
        try:
            data = ast.literal_eval(data)
        except (ValueError, SyntaxError):
            data = None
    names = [str(d.get("name", "")) for d in data if isinstance(d, dict)] if data else []
    samples = None
    if not names and card.get("mnist_source"):  # an early card: MNIST was all it had
        names = ["MNIST training set"]
    if any(name.startswith("MNIST training set") for name in names):
        samples = MNIST_TRAIN_SAMPLES
        for name in names:
            found = re.match(r"pen-written digits: (\d+)", name)
            if found:
                from digitpad.ml.presets import PRESETS

                preset = PRESETS.get(str(card.get("preset")))
                if preset is None:
                    samples = None  # how often each pen digit was shown is unknown
                    break
                samples += int(found.group(1)) * preset.pen_repeat
    steps = None
    if isinstance(samples, int) and isinstance(batch, int) and batch > 0:
        steps = -(-samples // batch)
    return {
        "optimizer": recipe.get("optimizer"),
        "learning_rate": recipe.get("learning_rate"),
        "schedule": recipe.get("schedule") if isinstance(recipe.get("schedule"), str) else None,
        "epochs": epochs if isinstance(epochs, int) else None,
        "batch_size": batch if isinstance(batch, int) else None,
        "samples": samples,
        "steps": steps,
    }


def _description(preset, recipe) -> str:
    """The preset's own words, and what this run changed of its recipe (its text names
    the default epochs, batch size and learning rate: true only for those)."""
    if preset is None:
        return ""
    from digitpad.ml.presets import PRESETS

    own = PRESETS[preset.key].recipe if preset.key in PRESETS else preset.recipe
    if (recipe.epochs, recipe.batch_size, recipe.learning_rate) == (
        own.epochs,
        own.batch_size,
        own.learning_rate,
    ):
        return preset.description
    return (
        f"{preset.description} This run: {recipe.epochs} epoch(s), batches of "
        f"{recipe.batch_size}, learning rate {recipe.learning_rate:g}."
    )
