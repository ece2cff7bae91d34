"""Zip archives (``.keras`` models, ``.npz`` datasets) sized up before anything unpacks.

A zip says in its central directory how large every member becomes once unpacked; a
2 MB file can claim (and deliver) gigabytes of zeros. Reading that directory costs
nothing, so every reader here checks the sizes against what the file can need first,
and refuses in one line instead of freezing the window while memory runs out.

The directory itself is sized from its end record before :class:`zipfile.ZipFile`
parses it: a million tiny entries would otherwise cost a gigabyte of Python objects.
"""

from __future__ import annotations

import os
import struct
import zipfile

KB = 1 << 10
MB = 1 << 20
GB = 1 << 30

# A model or a dataset has a handful of members; 64 KB of directory is ~1,000 entries.
MAX_ENTRIES = 1000
MAX_DIRECTORY_BYTES = 256 * KB
# Real weights and images do not compress 100:1; zeros do (the classic zip bomb).
MAX_RATIO = 100
RATIO_CHECKED_ABOVE = 8 * MB  # small members may be all zeros (an untrained bias) legitimately

_EOCD = b"PK\x05\x06"
_EOCD64_LOCATOR = b"PK\x06\x07"
_EOCD64 = b"PK\x06\x06"


def human(size: float) -> str:
    """``2.0 GB``, ``14 MB``, ``600 KB``, ``80 bytes``: sizes as a person reads them."""
    if size < KB:
        return f"{int(size)} bytes"
    if size < MB:
        return f"{size / KB:.0f} KB"
    if size < GB:
        return f"{size / MB:.0f} MB"
    for unit in ("GB", "TB", "PB"):
        if size < 1024 * GB:
            return f"{size / GB:.1f} {unit}"
        size /= 1024
    return f"{size / GB:,.0f} EB"


def directory_size(path: str | os.PathLike) -> tuple[int, int] | None:
    """(entries, bytes) of the central directory from the end record; ``None`` if absent."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        tail_start = max(0, size - (22 + 65535))  # the record plus the longest comment
        handle.seek(tail_start)
        tail = handle.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < 22:
            return None
        entries, directory = struct.unpack_from("<HL", tail, at + 10)
        if entries != 0xFFFF and directory != 0xFFFFFFFF:
            return entries, directory
        # Zip64: a locator just before the end record points at the real one.
        locator = at - 20
        if locator < 0 or tail[locator : locator + 4] != _EOCD64_LOCATOR:
            return entries, directory
        (offset,) = struct.unpack_from("<Q", tail, locator + 8)
        if offset > size - 56:
            return None
        handle.seek(offset)
        record = handle.read(56)
        if record[:4] != _EOCD64:
            return None
        entries64, directory64 = struct.unpack_from("<QQ", record, 32)
        return entries64, directory64


def check_directory(path, error, code: str) -> None:
    """Refuse (``error(..., code=code)``) a zip whose directory alone is a burden."""
    found = directory_size(path)
    if found is None:
        return  # not a zip: zipfile's own error says so
    entries, directory = found
    if entries > MAX_ENTRIES or directory > MAX_DIRECTORY_BYTES:
        detail = (
            f"its zip directory lists {entries:,} entries ({human(directory)}); "
            f"digitpad reads at most {MAX_ENTRIES:,}"
        )
        raise error(f"{path}: {detail}; not loaded", code=code, path=path, detail=detail)


def check_member(
    path, info: zipfile.ZipInfo, *, limit: int, need: str, error, code: str, what: str = ""
) -> None:
    """Refuse a member that unpacks to more than ``limit`` bytes, or expands like a bomb.

    ``need`` says where the limit comes from ("its layers need", ...); ``what`` names
    the member for the user ("its weights"), by default its file name.
    """
    what = what or info.filename
    if info.file_size > limit:
        detail = f"{what} would unpack to {human(info.file_size)}, far more than {need}"
        raise error(f"{path}: {detail}; not loaded", code=code, path=path, detail=detail)
    if info.file_size > RATIO_CHECKED_ABOVE and info.file_size > MAX_RATIO * max(
        info.compress_size, 1
    ):
        ratio = info.file_size / max(info.compress_size, 1)
        detail = (
            f"{what} would unpack {ratio:,.0f} times larger ({human(info.compress_size)} to "
            f"{human(info.file_size)}), as only a zip bomb does"
        )
        raise error(f"{path}: {detail}; not loaded", code=code, path=path, detail=detail)
