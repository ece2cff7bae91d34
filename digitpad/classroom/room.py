"""The session's state: who joined, what they drew, what the network read, the round.

Thread-safe and free of Qt and of the network: the server calls it from its own thread,
the window from the GUI thread. Listeners (plain callables, ``listener(kind, payload)``)
hear of every change from whichever thread made it; the window turns them into queued
Qt signals, the server into WebSocket messages.
"""

from __future__ import annotations

import logging
import os
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from digitpad.classroom import limits, protocol
from digitpad.classroom.journal import Journal, decode_image, encode_image, read_journal
from digitpad.classroom.protocol import Refused
from digitpad.ml.preprocess import strokes_to_mnist

log = logging.getLogger(__name__)

ROUND_KINDS = ("free", "digit", "challenge")


def new_token() -> str:
    return "".join(secrets.choice(limits.TOKEN_ALPHABET) for _ in range(limits.TOKEN_LENGTH))


def new_room_code() -> str:
    alphabet = limits.ROOM_CODE_ALPHABET
    return "".join(secrets.choice(alphabet) for _ in range(limits.ROOM_CODE_LENGTH))


class TokenBucket:
    """``rate`` a second with bursts of ``burst``; ``take()`` says whether one is left."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, float(burst)
        self.level = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.level = min(self.burst, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.level >= 1.0:
            self.level -= 1.0
            return True
        return False


@dataclass
class Participant:
    id: str
    nickname: str
    address: str
    joined: float
    sent: int = 0
    removed: bool = False
    ids: set[str] = field(default_factory=set)  # the page's ids of drawings received
    reads: TokenBucket = field(
        default_factory=lambda: TokenBucket(limits.READS_PER_SECOND, limits.READ_BURST)
    )
    sends: TokenBucket = field(
        default_factory=lambda: TokenBucket(limits.SENDS_PER_SECOND, limits.SEND_BURST)
    )

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "nickname": self.nickname,
            "sent": self.sent,
            "removed": self.removed,
            "joined": self.joined,
        }


class ClassRoom:
    """One class session: its token, room code, participants, drawings and journal."""

    def __init__(
        self,
        folder: str | os.PathLike,
        predictor=None,
        *,
        lang: str = "en",
        approve_first: bool = False,
        token: str | None = None,
        room_code: str | None = None,
    ) -> None:
        self.token = token or new_token()
        self.room_code = room_code or new_room_code()
        self.lang = lang
        self._predictor = predictor
        self._lock = threading.RLock()
        self._send_lock = threading.Lock()  # one drawing written at a time, in order
        self._listeners: list[Callable[[str, dict], None]] = []
        self._participants: dict[str, Participant] = {}
        self._drawings: list[dict] = []
        self._round = {"id": 1, "kind": "free", "digit": None}
        self._paused = False
        self._approve_first = bool(approve_first)
        self.journal = Journal(folder)
        self.folder = self.journal.folder
        self._log("session", token_hint=self.token[:2], room=self.room_code, lang=lang)

    # -- settings the presenter changes ---------------------------------------------
    def set_predictor(self, predictor) -> None:
        """The network that reads from now on (the live model, after every change)."""
        self._predictor = predictor

    @property
    def predictor(self):
        return self._predictor

    def add_listener(self, listener: Callable[[str, dict], None]) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Callable[[str, dict], None]) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    @property
    def round(self) -> dict:
        with self._lock:
            return dict(self._round)

    def set_round(self, kind: str, digit: int | None = None) -> dict:
        """Start a new round: "free", "digit" (everyone draws ``digit``) or "challenge"."""
        if kind not in ROUND_KINDS:
            raise ValueError(f"round kind must be one of {ROUND_KINDS}")
        if kind == "digit":
            digit = protocol.label(digit)
        else:
            digit = None
        with self._lock:
            self._round = {"id": self._round["id"] + 1, "kind": kind, "digit": digit}
            current = dict(self._round)
        self._log("round", **current)
        self._tell("round", {"round": current})
        return current

    @property
    def paused(self) -> bool:
        return self._paused

    def set_paused(self, paused: bool) -> None:
        self._paused = bool(paused)
        self._log("paused", paused=self._paused)
        self._tell("paused", {"paused": self._paused})

    @property
    def approve_first(self) -> bool:
        return self._approve_first

    def set_approve_first(self, on: bool) -> None:
        """New drawings wait for the presenter's approval before the wall shows them."""
        self._approve_first = bool(on)
        self._tell("changed", {})

    # -- what participants do (called from the server's thread) ---------------------
    def join(self, participant_id, nickname, address: str) -> Participant:
        name = protocol.nickname(nickname)
        with self._lock:
            known = (
                self._participants.get(participant_id) if isinstance(participant_id, str) else None
            )
            if known is not None:
                if known.removed:
                    raise Refused("removed", "the presenter removed you from this session")
                if name and name != known.nickname:
                    known.nickname = name
                    self._log("nickname", participant=known.id, nickname=name)
                    self._tell("changed", {"participant": known.as_dict()})
                return known
            if len(self._participants) >= limits.MAX_PARTICIPANTS:
                raise Refused("full", "this session is full")
            person = Participant(secrets.token_hex(8), name, address, time.time())
            self._participants[person.id] = person
        self._log("join", participant=person.id, nickname=name)
        self._tell("joined", {"participant": person.as_dict()})
        return person

    def read(self, person: Participant, strokes) -> dict:
        """The network's reading of a drawing in progress (nothing is kept)."""
        self._check_active(person)
        _image, probabilities = self._read(protocol.strokes(strokes))
        if self.round["kind"] == "challenge":
            return {"hidden": True}
        return {"probabilities": probabilities.tolist(), "digit": int(probabilities.argmax())}

    def send(self, person: Participant, drawing_id, label, strokes) -> dict:
        """Keep a drawing: read it, write it to the journal (on disk when this returns),
        and tell the listeners. The same page id twice is kept once."""
        self._check_active(person)
        drawing_id = protocol.drawing_id(drawing_id)
        with self._send_lock:
            with self._lock:
                if drawing_id in person.ids:
                    kept = next(
                        d
                        for d in reversed(self._drawings)
                        if d["participant"] == person.id and d["client_id"] == drawing_id
                    )
                    return self._received(kept, duplicate=True)
                if self._paused:
                    raise Refused("paused", "the presenter paused sending")
                if len(self._drawings) >= limits.MAX_DRAWINGS:
                    raise Refused("full", "this session holds as many drawings as it can")
                current = dict(self._round)
            if current["kind"] == "digit":
                label = current["digit"]
            label = protocol.label(label)
            lines = protocol.strokes(strokes)
            image, probabilities = self._read(lines)
            pixels = np.round(image * 255).astype(np.uint8)
            with self._lock:
                number = len(self._drawings)
            drawing = {
                "number": number,
                "participant": person.id,
                "client_id": drawing_id,
                "label": label,
                "reading": int(probabilities.argmax()),
                "probabilities": [float(p) for p in probabilities],
                "image": pixels,
                # (k, 2) float32 per stroke: 8 bytes a point (as lists, ~120): 10,000
                # drawings of a room stay small in memory.
                "strokes": [np.round(line, 4).astype(np.float32) for line in lines],
                "round": current["id"],
                "round_kind": current["kind"],
                "status": "pending" if self._approve_first else "shown",
                "time": time.time(),
            }
            record = {k: v for k, v in drawing.items() if k not in ("image", "strokes")}
            record["image"] = encode_image(pixels)
            record["strokes"] = [np.round(line, 4).tolist() for line in lines]
            try:
                self.journal.append({"e": "drawing", **record}, durable=True)
            except OSError as exc:
                log.warning("class session: a drawing could not be written: %s", exc)
                raise Refused("storage", "the drawing could not be saved: send it again") from exc
            with self._lock:
                self._drawings.append(drawing)
                person.ids.add(drawing_id)
                person.sent += 1
        self._tell("drawing", {"drawing": _public(drawing)})
        return self._received(drawing, duplicate=False)

    # -- moderation (the presenter) -------------------------------------------------
    def set_status(self, number: int, status: str) -> None:
        """ "shown", "hidden" or "pending" (waiting for approval) for drawing ``number``."""
        if status not in ("shown", "hidden", "pending"):
            raise ValueError(status)
        with self._lock:
            self._drawings[number]["status"] = status
        self._log("status", drawing=number, status=status)
        self._tell("changed", {"drawing": number, "status": status})

    def remove_participant(self, participant_id: str) -> None:
        """Their drawings are hidden and their page is told to stop."""
        with self._lock:
            person = self._participants.get(participant_id)
            if person is None:
                return
            person.removed = True
            for drawing in self._drawings:
                if drawing["participant"] == participant_id:
                    drawing["status"] = "hidden"
        self._log("remove", participant=participant_id)
        self._tell("removed", {"participant": participant_id})

    # -- what the presenter reads ----------------------------------------------------
    def drawings(self) -> list[dict]:
        """Every drawing received, oldest first (copies)."""
        with self._lock:
            return [_public(d) for d in self._drawings]

    def participants(self) -> list[dict]:
        with self._lock:
            return [p.as_dict() for p in self._participants.values()]

    def participant(self, participant_id: str) -> Participant | None:
        with self._lock:
            return self._participants.get(participant_id)

    def close(self) -> None:
        self.journal.close()

    # -- internals -------------------------------------------------------------------
    def _check_active(self, person: Participant) -> None:
        if person.removed:
            raise Refused("removed", "the presenter removed you from this session")

    def _read(self, lines) -> tuple[np.ndarray, np.ndarray]:
        predictor = self._predictor
        if predictor is None:
            raise Refused("no-model", "the presenter has no network loaded")
        image = strokes_to_mnist(lines)
        if not image.any():
            raise Refused("empty", "draw a digit first")
        probabilities = np.asarray(predictor.predict(image), np.float64)
        return image, probabilities

    def _received(self, drawing: dict, *, duplicate: bool) -> dict:
        return {
            "id": drawing["client_id"],
            "drawing": drawing["number"],
            "label": drawing["label"],
            "digit": drawing["reading"],
            "probabilities": list(drawing["probabilities"]),
            "duplicate": duplicate,
        }

    def _log(self, kind: str, /, **fields) -> None:  # /: a round's fields include "kind"
        try:
            self.journal.append({"e": kind, "t": time.time(), **fields})
        except OSError as exc:  # moderation is kept in memory all the same
            log.warning("class session journal: %s", exc)

    def _tell(self, kind: str, payload: dict) -> None:
        for listener in list(self._listeners):
            try:
                listener(kind, payload)
            except Exception:  # a listener's bug must not lose a participant's digit
                log.exception("class session listener failed")


def _public(drawing: dict) -> dict:
    copy = dict(drawing)
    copy["image"] = drawing["image"].copy()
    copy["strokes"] = [line.copy() for line in drawing["strokes"]]
    copy["probabilities"] = list(drawing["probabilities"])
    return copy


def load_drawings(folder: str | os.PathLike) -> tuple[list[dict], list[dict]]:
    """A session's drawings and participants as its journal holds them (statuses and
    removals replayed): what a killed app had acknowledged, for tests and recovery."""
    drawings: list[dict] = []
    people: dict[str, dict] = {}
    for event in read_journal(folder):
        kind = event["e"]
        if kind == "join":
            people[event["participant"]] = {
                "id": event["participant"],
                "nickname": event.get("nickname", ""),
                "sent": 0,
                "removed": False,
            }
        elif kind == "nickname" and event.get("participant") in people:
            people[event["participant"]]["nickname"] = event.get("nickname", "")
        elif kind == "drawing":
            drawing = {k: v for k, v in event.items() if k != "e"}
            drawing["image"] = decode_image(event["image"])
            drawings.append(drawing)
            if drawing["participant"] in people:
                people[drawing["participant"]]["sent"] += 1
        elif kind == "status" and 0 <= event.get("drawing", -1) < len(drawings):
            drawings[event["drawing"]]["status"] = event["status"]
        elif kind == "remove" and event.get("participant") in people:
            people[event["participant"]]["removed"] = True
            for drawing in drawings:
                if drawing["participant"] == event["participant"]:
                    drawing["status"] = "hidden"
    return drawings, list(people.values())
