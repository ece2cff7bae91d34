"""Write files so a crash, a full disk or a kill mid-write never leaves a broken one."""

from __future__ import annotations

import contextlib
import glob
import os
import stat
import tempfile
import time
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
    remove_leftovers(target)


STALE_SECONDS = 3600  # a temporary file this old is no save in progress: a killed one's


def remove_leftovers(target: str | os.PathLike, now: float | None = None) -> list[Path]:
    """Delete the temporary files that saves of ``target`` killed mid-write (SIGKILL,
    power loss) left beside it; ones younger than an hour may be another save's and
    stay. Returns what was removed. Never raises."""
    target = Path(target)
    now = time.time() if now is None else now
    removed = []
    # mkstemp's names: the prefix, 8 random characters, the suffix.
    for path in target.parent.glob(f".{glob.escape(target.stem)}-????????{target.suffix}"):
        with contextlib.suppress(OSError):
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_SECONDS:
                path.unlink()
                removed.append(path)
    return removed
