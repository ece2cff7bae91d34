"""The room's digits as data: counts, accuracy, confusion, fine-tuning input, export.

Plain functions over :meth:`ClassRoom.drawings` (dicts); no Qt. What the wall counts is
what these return, so the figures on the projector are the ones a test checks.
"""

from __future__ import annotations

import csv
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.ml.user_digits import held_back_split


def counted(drawings: list[dict]) -> list[dict]:
    """The drawings that count: shown on the wall (not hidden, not waiting for approval)
    and labelled."""
    return [d for d in drawings if d.get("status") == "shown" and d.get("label") is not None]


@dataclass(frozen=True)
class RoomSummary:
    total: int  # drawings that count
    correct: int
    per_digit: np.ndarray  # (10,) drawings that count, by the digit meant
    confusion: np.ndarray  # (10, 10): rows the digit meant, columns what the network read
    per_participant: dict[str, tuple[int, int]]  # id -> (counted, read right)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.total if self.total else None


def summarize(drawings: list[dict], round_id: int | None = None) -> RoomSummary:
    """The room's figures (of one round when ``round_id`` is given)."""
    kept = counted(drawings)
    if round_id is not None:
        kept = [d for d in kept if d.get("round") == round_id]
    confusion = np.zeros((10, 10), np.int64)
    people: dict[str, list[int]] = {}
    for d in kept:
        confusion[d["label"], d["reading"]] += 1
        row = people.setdefault(d["participant"], [0, 0])
        row[0] += 1
        row[1] += int(d["label"] == d["reading"])
    return RoomSummary(
        total=len(kept),
        correct=int(np.trace(confusion)),
        per_digit=confusion.sum(axis=1),
        confusion=confusion,
        per_participant={k: (v[0], v[1]) for k, v in people.items()},
    )


class RoomDigits:
    """The room's labelled digits in the shape :func:`digitpad.ml.user_digits.fine_tune`
    takes (``images``, ``labels``, ``len``, ``split``), like "My digits"."""

    def __init__(self, drawings: list[dict]) -> None:
        kept = counted(drawings)
        self.images = (
            np.stack([d["image"] for d in kept]).astype(np.uint8)
            if kept
            else np.zeros((0, 28, 28), np.uint8)
        )
        self.labels = np.array([d["label"] for d in kept], np.int64)

    def __len__(self) -> int:
        return len(self.labels)

    def split(self, every: int = 4) -> tuple[np.ndarray, np.ndarray]:
        return held_back_split(self.labels, every)


def export_npz(drawings: list[dict], path: str | os.PathLike) -> int:
    """The labelled, shown drawings as ``x`` (n, 28, 28) uint8 and ``y`` (n,), MNIST's
    own layout, plus what the network read; written atomically. Returns n."""
    from digitpad.ml.atomic import atomic_path

    digits = RoomDigits(drawings)
    kept = counted(drawings)
    readings = np.array([d["reading"] for d in kept], np.int64)
    with atomic_path(path) as temporary, open(temporary, "wb") as handle:
        np.savez_compressed(handle, x=digits.images, y=digits.labels, reading=readings)
    return len(digits)


def export_pngs(drawings: list[dict], folder: str | os.PathLike) -> int:
    """One 28x28 PNG per labelled, shown drawing (``<label>/<number>.png``) and
    ``labels.csv`` (file, label, reading). Returns how many."""
    from PIL import Image

    root = Path(folder)
    kept = counted(drawings)
    rows = []
    for d in kept:
        name = f"{d['label']}/{d['number']:05d}.png"
        (root / str(d["label"])).mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.asarray(d["image"], np.uint8), "L").save(root / name)
        rows.append((name, d["label"], d["reading"]))
    with open(root / "labels.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "label", "reading"])
        writer.writerows(rows)
    return len(kept)
