"""The session's journal on disk: one JSON line per event, flushed before it counts.

A phone is told "received" only after its drawing's line is written and ``fsync``-ed, so
a crash or a killed app loses no digit a phone was told about. Reading the journal back
(:func:`read_journal`) replays it; a torn last line (the app killed mid-write, before the
phone was answered) is skipped.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import threading
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

JOURNAL = "journal.jsonl"


class Journal:
    """Appends events to ``folder/journal.jsonl``; one writer at a time."""

    def __init__(self, folder: str | os.PathLike) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / JOURNAL
        self._lock = threading.Lock()
        self._file = open(self.path, "ab")  # kept open for the session

    def append(self, event: dict, *, durable: bool = False) -> None:
        """Write one event; with ``durable`` it is on disk when this returns."""
        line = json.dumps(event, separators=(",", ":"), ensure_ascii=True).encode() + b"\n"
        with self._lock:
            if self._file.closed:
                raise OSError("the session's journal is closed")
            self._file.write(line)
            self._file.flush()
            if durable:
                os.fsync(self._file.fileno())

    def close(self) -> None:
        with self._lock:
            if not self._file.closed:
                self._file.flush()
                os.fsync(self._file.fileno())
                self._file.close()


def encode_image(image: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(image, np.uint8).tobytes()).decode()


def decode_image(text: str) -> np.ndarray:
    raw = base64.b64decode(text, validate=True)
    if len(raw) != 784:
        raise ValueError("a drawing's image must be 784 bytes")
    return np.frombuffer(raw, np.uint8).reshape(28, 28).copy()


def read_journal(folder: str | os.PathLike) -> list[dict]:
    """Every whole event of a session's journal, oldest first (torn lines skipped)."""
    path = Path(folder) / JOURNAL
    events = []
    with open(path, "rb") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                event = json.loads(line)
            except ValueError:
                log.warning("%s: line %d is not whole; skipped", path, number)
                continue
            if isinstance(event, dict) and isinstance(event.get("e"), str):
                events.append(event)
    return events
