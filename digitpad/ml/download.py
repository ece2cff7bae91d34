"""Download MNIST with progress and a cancel, into the place Keras keeps it.

The window's Train offers this when no MNIST is found and the machine is online:
``keras.datasets.mnist.load_data()`` would download too, but it needs TensorFlow
imported first (seconds), reports no progress a window can show and cannot be stopped.
This streams the same file (Keras' own URL) with ``urllib``, 256 KB at a time, into a
temporary file beside the target, checks it is the published MNIST (sha256) and a
valid dataset, and only then renames it into place: a cancel, a dropped connection or
a wrong file leaves nothing behind. No Qt; the caller passes callbacks.
"""

from __future__ import annotations

import hashlib
import os
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

from digitpad.ml import errors as E
from digitpad.ml.atomic import atomic_path
from digitpad.ml.data import _read_npz, _validated, keras_cache_path, mnist_url
from digitpad.ml.errors import DatasetError

# Keras' published checksum of that file, and that of the copy digitpad's figures were
# measured with (the same arrays, zipped again).
KNOWN_SHA256 = frozenset(
    {
        "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1",
        "06af5dfe73b70e3bc1c36439982b18a8d76803db9b544f6fdf838a37fbb01b64",
    }
)
SIZE = 11_490_434  # bytes, for the progress bar when the server does not say
MAX_BYTES = 64 * 2**20  # a server that sends more is not sending MNIST
CHUNK = 256 * 1024


class DownloadCancelled(DatasetError):
    """The person stopped the download; nothing was kept."""


def download_mnist(
    target: str | os.PathLike | None = None,
    *,
    url: str | None = None,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    timeout: float = 20.0,
    known: frozenset[str] | None = None,
) -> Path:
    """Fetch MNIST to ``target`` (Keras' cache by default); ``progress(done, total)``
    after every chunk; ``cancel`` set: :class:`DownloadCancelled`. Any fault: one-line
    :class:`DatasetError`, and ``target`` is as it was."""
    url = url or mnist_url()
    known = KNOWN_SHA256 if known is None else known
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise DatasetError(f"{url}: not an http(s) address; not downloaded")
    path = Path(target) if target is not None else keras_cache_path()
    cancel = cancel or threading.Event()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with (
            urllib.request.urlopen(url, timeout=timeout) as response,
            atomic_path(path) as temp,
        ):
            total = int(response.headers.get("Content-Length") or 0) or SIZE
            if total > MAX_BYTES:
                raise DatasetError(f"{url}: offers {total:,} bytes, not MNIST; not downloaded")
            digest = hashlib.sha256()
            done = 0
            with open(temp, "wb") as out:
                while chunk := response.read(CHUNK):
                    if cancel.is_set():
                        raise DownloadCancelled("the MNIST download was stopped; nothing kept")
                    done += len(chunk)
                    if done > MAX_BYTES:
                        raise DatasetError(f"{url}: sends more than MNIST's size; not kept")
                    digest.update(chunk)
                    out.write(chunk)
                    if progress is not None:
                        progress(done, max(total, done))
            if digest.hexdigest() not in known:
                raise DatasetError(
                    f"{url}: not the published MNIST file (sha256 {digest.hexdigest()[:12]}…); "
                    "not kept",
                    code=E.DAMAGED,
                )
            _validated(_read_npz(Path(temp)), url)  # a dataset, not just the right bytes
    except DatasetError:
        raise
    except urllib.error.HTTPError as exc:  # e.g. 404: the server answered, no file
        exc.close()
        raise DatasetError(
            f"MNIST could not be downloaded from {url} (HTTP {exc.code} {exc.reason})",
            code=E.MNIST_MISSING,
            detail="download failed",
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "strerror", None) or exc
        raise DatasetError(
            f"MNIST could not be downloaded from {url} ({reason})",
            code=E.MNIST_MISSING,
            detail="download failed",
        ) from None
    return path
