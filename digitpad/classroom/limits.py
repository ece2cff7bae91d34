"""Every limit of the class session's server, in one place (docs/CLASS_SESSION.md).

A server on a teacher's laptop in a room of strangers: every request is bounded, and a
flood from one phone is refused for that phone, not for the room.
"""

from __future__ import annotations

TOKEN_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from a wall
TOKEN_LENGTH = 16  # 31**16 ~ 2**79: far beyond guessing
ROOM_CODE_LENGTH = 4
ROOM_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ"

MAX_MESSAGE_BYTES = 64 * 1024  # one WebSocket message
MAX_BODY_BYTES = 0  # the page's routes are GET: no body at all
MAX_STROKES = 64
MAX_POINTS = 4000
COORD_LOW, COORD_HIGH = -0.5, 1.5
MAX_NICKNAME = 24
MIN_ID, MAX_ID = 8, 64  # a drawing's id, made by the page

READS_PER_SECOND = 20.0
READ_BURST = 20
SENDS_PER_SECOND = 1.0
SEND_BURST = 5
SOCKETS_PER_ADDRESS = 8
JOINS_PER_SECOND = 1.0  # hello and nickname messages, per address: a page says
JOIN_BURST = 10  # hello once per connection; a loop of them would fill the room
MAX_PARTICIPANTS = 300
MAX_DRAWINGS = 20_000
MAX_REFUSALS_IN_A_ROW = 200  # then that participant's socket closes

CLOSE_REMOVED = 4003
CLOSE_FLOOD = 4008
CLOSE_STOPPING = 1001


def as_dict() -> dict:
    """The limits a page should keep to (sent with ``welcome``)."""
    return {
        "message_bytes": MAX_MESSAGE_BYTES,
        "strokes": MAX_STROKES,
        "points": MAX_POINTS,
        "nickname": MAX_NICKNAME,
        "reads_per_second": READS_PER_SECOND,
        "sends_per_second": SENDS_PER_SECOND,
    }
