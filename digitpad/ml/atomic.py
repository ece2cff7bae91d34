"""Write files so a crash, a full disk or a kill mid-write never leaves a broken one."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def default_file_mode() -> int:
    """What a plain ``open(..., "w")`` would give: mkstemp files are private (0600)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[str]:
    """A temporary file name beside ``target``, to write in full inside the block.

    On success the file is flushed to disk and renamed over ``target`` in one step, so
    readers see the old file or the new one, never half of one. On any failure the
    temporary file is removed and the exception goes on; ``target`` is untouched.
    """
    target = Path(target)
    handle, temp = tempfile.mkstemp(
        prefix=f".{target.stem}-", suffix=target.suffix, dir=target.parent
    )
    os.close(handle)
    try:
        os.chmod(temp, default_file_mode())
        yield temp
        with open(temp, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
