"""MNIST: find it, validate it, and apply the recipe's reshape and scale.

Resolution order (README, "Data"): explicit path -> ``$DIGITPAD_MNIST`` -> Keras'
``mnist.load_data()`` (its cache, else a download).
"""

from __future__ import annotations

import logging
import math
import os
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from digitpad.ml import errors as E
from digitpad.ml.archive import MB, check_directory, check_member, human
from digitpad.ml.errors import DatasetError

log = logging.getLogger(__name__)

ENV_VAR = "DIGITPAD_MNIST"
EXPECTED = {
    "x_train": (60000, 28, 28),
    "y_train": (60000,),
    "x_test": (10000, 28, 28),
    "y_test": (10000,),
}
# What a dataset's four arrays may add up to once unpacked: MNIST is 55 MB; 256 MB takes
# a set about five times its size (EMNIST's 280,000 digits) and keeps a hostile header
# from allocating gigabytes. Checked from the zip's directory and each array's npy
# header before numpy allocates anything.
MAX_DATASET_BYTES = 256 * MB
HOW_TO_GET = (
    f"download mnist.npz (Keras' layout) and pass --data PATH or set {ENV_VAR}=/path/to/mnist.npz"
)


@dataclass(frozen=True)
class Mnist:
    """The four arrays of Keras' ``mnist.npz``, exactly as stored (uint8 images)."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    source: str  # where it came from, for messages and the model card

    def flat_test(self) -> np.ndarray:
        return flatten(self.x_test)


def flatten(images: np.ndarray) -> np.ndarray:
    """The recipe's preprocessing: reshape to (n, 784), float32, scaled to [0, 1]."""
    images = np.asarray(images)
    return images.reshape((images.shape[0], 28 * 28)).astype("float32") / 255


def resolve_path(explicit: str | os.PathLike | None = None) -> Path | None:
    """The file to load, or ``None`` when Keras' own loader should be asked."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return Path(env).expanduser()
    return None


_cache: dict[str, Mnist] = {}
_cache_lock = threading.Lock()


def load_mnist_cached(explicit: str | os.PathLike | None = None, *, download: bool = True) -> Mnist:
    """:func:`load_mnist` once per file and process, keyed by the resolved path.

    Reading and checking 55 MB takes a visible moment; a window trains, evaluates and
    fine-tunes with the same file many times. Thread-safe (jobs call it off the GUI
    thread). A file replaced on disk is read again when its size or time changes.
    """
    path = resolve_path(explicit)
    key = "keras"
    if path is not None:
        try:
            stat = path.stat()
            key = f"{path.resolve()}:{stat.st_size}:{stat.st_mtime_ns}"
        except OSError:
            return load_mnist(explicit)  # let the loader say what is wrong
    else:
        cached = keras_cache_path()
        if cached.is_file():  # downloaded later in this session: a new key
            stat = cached.stat()
            key = f"keras:{stat.st_size}:{stat.st_mtime_ns}"
    with _cache_lock:
        if key not in _cache:
            _cache[key] = load_mnist(explicit, download=download)
        return _cache[key]


def load_mnist(explicit: str | os.PathLike | None = None, *, download: bool = True) -> Mnist:
    """Load and validate MNIST; raise :class:`DatasetError` with one clear line.

    ``download=False`` (the window, which offers its own download with progress and a
    cancel, ``ml.download``): not found is an error (``detail`` "online" or "offline")."""
    path = resolve_path(explicit)
    if path is not None:
        arrays = _read_npz(path)
        return _validated(arrays, str(path))
    cached = keras_cache_path()
    if cached.is_file():  # Keras' own download, read without importing TensorFlow
        return _validated(_read_npz(cached), str(cached))
    if not _can_reach(_download_host()):
        raise DatasetError(
            f"MNIST not found and this machine is offline; {HOW_TO_GET}",
            code=E.MNIST_MISSING,
            detail="offline",
        )
    if not download:
        raise DatasetError(
            f"MNIST not found; download it (11 MB) or {HOW_TO_GET}",
            code=E.MNIST_MISSING,
            detail="online",
        )
    return _validated(_from_keras(), "keras.datasets.mnist")


DOWNLOAD_HOST = ("storage.googleapis.com", 443)  # where keras.datasets.mnist downloads from


URL_VAR = "DIGITPAD_MNIST_URL"  # where the window downloads from instead (a mirror, a test)
MNIST_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz"


def mnist_url() -> str:
    """Where the window's download fetches MNIST from (Keras' own file, or the mirror)."""
    return os.environ.get(URL_VAR, "").strip() or MNIST_URL


def _download_host() -> tuple[str, int]:
    mirror = os.environ.get(URL_VAR, "").strip()
    return check_download_url(mirror, setting=URL_VAR) if mirror else DOWNLOAD_HOST


def check_download_url(url: str, *, setting: str | None = None) -> tuple[str, int]:
    """(host, port) of an http(s) address; :class:`DatasetError` in one line for anything
    else (a typo in ``$DIGITPAD_MNIST_URL``: a bad port, a broken bracket, a space), said
    before any network is touched. ``setting`` names where the address came from."""
    from urllib.parse import urlsplit

    where = f"{setting}={url!r}" if setting else repr(url)

    def refuse(detail: str, clause: str = "") -> DatasetError:
        advice = f"correct or unset {setting}" if setting else "not downloaded"
        return DatasetError(
            f"{where}: {clause or f'not a valid address ({detail})'}; {advice}",
            code=E.BAD_ADDRESS,
            path=url,
            detail=detail,
        )

    if any(ord(ch) <= 0x20 or ord(ch) == 0x7F for ch in url):
        raise refuse("it contains a space or a control character")
    try:
        parts = urlsplit(url)
        port = parts.port
        host = parts.hostname
    except ValueError as exc:  # "Invalid IPv6 URL", "Port out of range 0-65535", ...
        raise refuse(str(exc) or type(exc).__name__) from None
    if parts.scheme not in ("http", "https"):
        raise refuse("only http:// and https:// are fetched", "not an http(s) address")
    if not host:
        raise refuse("no host name")
    try:
        host.encode("idna")
    except UnicodeError:
        raise refuse(f"{host[:40]!r} is not a valid host name") from None
    return host, port or (443 if parts.scheme == "https" else 80)


def keras_cache_path() -> Path:
    """Where ``keras.datasets.mnist.load_data()`` keeps its download."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets" / "mnist.npz"


def _can_reach(host: tuple[str, int], timeout: float = 3.0) -> bool:
    """A quick look before importing TensorFlow to download: offline says so at once."""
    import socket

    try:
        with socket.create_connection(host, timeout=timeout):
            return True
    except OSError:
        return False


def _read_npz(path: Path) -> dict[str, np.ndarray]:
    E.check_path(path, DatasetError)  # too long to look up: one line, not an OSError
    if not path.exists():
        raise DatasetError(f"{path}: no such file ({HOW_TO_GET})", code=E.NO_SUCH_FILE, path=path)
    if path.is_dir():
        raise DatasetError(
            f"{path}: is a folder, expected the file mnist.npz", code=E.IS_FOLDER, path=path
        )
    E.refuse_special_file(path, DatasetError)
    try:
        _refuse_what_is_not_a_zip(path)
        check_directory(path, DatasetError, E.TOO_LARGE)
        # Open the file ourselves: np.load leaks its handle when the zip is damaged.
        with open(path, "rb") as handle, np.load(handle, allow_pickle=False) as npz:
            missing = [key for key in EXPECTED if key not in npz.files]
            if missing:
                raise DatasetError(
                    f"{path}: not an MNIST file, missing {', '.join(missing)} "
                    f"(expected keys {', '.join(EXPECTED)})",
                    code=E.NOT_MNIST,
                    path=path,
                    detail=f"missing {', '.join(missing)}",
                )
            if npz.zip is not None:  # np.load gives a zip for every .npz
                _check_sizes(npz.zip, path)
            return {key: npz[key] for key in EXPECTED}
    except DatasetError:
        raise
    except PermissionError:
        raise DatasetError(
            f"{path}: permission denied", code=E.PERMISSION_DENIED, path=path
        ) from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        if "pickle" in reason.lower():
            # numpy's own advice here is to load it unsafely: never pass that on.
            reason = "it holds Python objects, which digitpad never loads"
        raise DatasetError(
            f"{path}: not a readable .npz file ({reason})", code=E.NOT_NPZ, path=path, detail=reason
        ) from None


# What a file that is not a zip archive holds, by its first bytes (an .npz is a zip; numpy
# would try anything else as a pickle and say "pickled data" about text or a web page).
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
_KINDS = (
    (b"\x93NUMPY", "a single numpy array (.npy), not an .npz with MNIST's four arrays"),
    (b"\x1f\x8b", "gzip-compressed data (MNIST's original .gz files?), not Keras' mnist.npz"),
    (b"\x00\x00\x08\x03", "MNIST's original IDX images, not Keras' mnist.npz"),
    (b"\x00\x00\x08\x01", "MNIST's original IDX labels, not Keras' mnist.npz"),
    (b"\x89HDF", "an HDF5 file (a Keras model?), not an .npz"),
    (b"BZh", "bzip2-compressed data, not an .npz"),
    (b"\xfd7zXZ\x00", "xz-compressed data, not an .npz"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive, not an .npz"),
    (b"Rar!", "a RAR archive, not an .npz"),
    (b"\x89PNG", "a PNG image, not an .npz"),
    (b"\xff\xd8\xff", "a JPEG image, not an .npz"),
    (b"GIF8", "a GIF image, not an .npz"),
    (b"%PDF", "a PDF document, not an .npz"),
    (b"version https://git-lfs", "a Git LFS pointer, not the data itself (run git lfs pull)"),
)
_SNIFF = 512


def what_it_is(head: bytes) -> str | None:
    """What the bytes a file starts with say it is, when that is not a zip (an .npz);
    ``None`` for a zip, whose own reader says more."""
    if not head:
        return None
    if head.startswith(_ZIP_MAGIC):
        return None
    for magic, kind in _KINDS:
        if head.startswith(magic):
            return kind
    if head[:1] == b"\x80" and head[1:2] in (b"\x02", b"\x03", b"\x04", b"\x05"):
        return "it holds Python objects (a pickle), which digitpad never loads"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or b"<html" in text:
        return "a web page (HTML, perhaps a server's error page), not an .npz"
    if text.startswith((b"<?xml", b"<")):
        return "XML or markup text, not an .npz"
    try:
        decoded = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        decoded = head[: exc.start].decode("utf-8") if exc.start >= len(head) - 3 else ""
    printable = sum(ch.isprintable() or ch in "\t\r\n" for ch in decoded)
    if decoded and printable >= 0.95 * len(decoded):
        first = " ".join(decoded.split())[:40]
        return f"text, not an .npz (it begins {first!r})" if first else "blank text, not an .npz"
    return "binary data that is not an .npz (no zip archive inside)"


def _refuse_what_is_not_a_zip(path: Path) -> None:
    """Say what a file is when it is not a zip at all: text, a web page, random bytes.

    Without this numpy tries anything that is not a zip or an .npy as a pickle, and
    every text file or error page was reported as "it holds Python objects"."""
    with open(path, "rb") as handle:
        head = handle.read(_SNIFF)
    if not head:
        raise DatasetError(f"{path}: the file is empty", code=E.EMPTY_FILE, path=path)
    kind = what_it_is(head)
    if kind is not None:
        raise DatasetError(
            f"{path}: not a readable .npz file ({kind})", code=E.NOT_NPZ, path=path, detail=kind
        )


def _check_sizes(archive: zipfile.ZipFile, path: Path) -> None:
    """Refuse arrays that would unpack to more than a digit dataset needs, from the zip's
    directory and each array's npy header (a few bytes), before numpy allocates them."""
    need = f"a digit dataset needs ({human(MAX_DATASET_BYTES)})"
    total = 0
    names = archive.namelist()
    for key in EXPECTED:
        info = archive.getinfo(f"{key}.npy" if f"{key}.npy" in names else key)
        check_member(
            path,
            info,
            limit=MAX_DATASET_BYTES + 64 * 1024,  # the arrays plus their npy headers
            need=need,
            error=DatasetError,
            code=E.TOO_LARGE,
            what=key,
        )
        with archive.open(info) as member:
            version = np.lib.format.read_magic(member)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(member)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(member)
            else:
                raise ValueError(f"{key} is in npy format {version[0]}.{version[1]}")
        declared = math.prod(shape) * dtype.itemsize
        total += declared
        if declared > MAX_DATASET_BYTES or total > MAX_DATASET_BYTES:
            shown = "×".join(str(d) for d in shape) or "scalar"
            detail = (
                f"{key} claims {shown} {dtype} values ({human(declared)}), far more than {need}"
            )
            raise DatasetError(
                f"{path}: {detail}; not loaded", code=E.TOO_LARGE, path=path, detail=detail
            )


def _from_keras() -> dict[str, np.ndarray]:
    try:
        from digitpad.ml.model import import_keras

        import_keras()  # quietly: TensorFlow's start-up notes would bury the message
        from keras.datasets import mnist
    except ImportError as exc:
        raise DatasetError(
            f"MNIST not found and Keras is unavailable ({exc}); {HOW_TO_GET}",
            code=E.MNIST_MISSING,
            detail=str(exc),
        ) from None
    try:
        (x_train, y_train), (x_test, y_test) = mnist.load_data()
    except Exception as exc:  # noqa: BLE001 - any download failure means the same to a user
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise DatasetError(
            f"MNIST not found: no --data path, {ENV_VAR} is not set, and Keras could not "
            f"download it ({reason}); {HOW_TO_GET}",
            code=E.MNIST_MISSING,
            detail=reason,
        ) from None
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


def _not_mnist(source: str, detail: str) -> dict:
    path = source if source != "keras.datasets.mnist" else None
    return {"code": E.NOT_MNIST, "path": path, "detail": detail}


def _expected_shapes(arrays: dict[str, np.ndarray]) -> dict[str, tuple[int, ...]]:
    """MNIST's shapes, or a subset's: n images of 28x28 with n labels, for train and test.

    A subset in the same layout (the tests ship one) is a valid dataset; the counts of
    images and labels must agree, and the full 60,000/10,000 is what the tutorial uses.
    """
    shapes = {}
    for split in ("train", "test"):
        n = len(arrays[f"x_{split}"]) if np.ndim(arrays[f"x_{split}"]) else 0
        full = EXPECTED[f"x_{split}"][0]
        n = n if n >= 1 else full
        shapes[f"x_{split}"] = (n, 28, 28)
        shapes[f"y_{split}"] = (n,)
        if np.shape(arrays[f"x_{split}"])[1:] != (28, 28):
            shapes[f"x_{split}"] = EXPECTED[f"x_{split}"]
        if len(np.shape(arrays[f"y_{split}"])) == 1 and arrays[f"y_{split}"].shape[0] != n:
            shapes[f"x_{split}"] = EXPECTED[f"x_{split}"]  # counts disagree: say MNIST's
            shapes[f"y_{split}"] = EXPECTED[f"y_{split}"]
    return shapes


def _validated(arrays: dict[str, np.ndarray], source: str) -> Mnist:
    for key, shape in _expected_shapes(arrays).items():
        array = arrays[key]
        if array.shape != shape:
            raise DatasetError(
                f"{source}: {key} has shape {array.shape}, expected {shape}",
                **_not_mnist(source, f"{key} has shape {array.shape}, expected {shape}"),
            )
        if not np.issubdtype(array.dtype, np.integer):
            raise DatasetError(
                f"{source}: {key} has dtype {array.dtype}, expected uint8",
                **_not_mnist(source, f"{key} has dtype {array.dtype}"),
            )
    for key in ("x_train", "x_test"):
        if arrays[key].dtype != np.uint8:
            raise DatasetError(
                f"{source}: {key} has dtype {arrays[key].dtype}, expected uint8",
                **_not_mnist(source, f"{key} has dtype {arrays[key].dtype}"),
            )
    for key in ("y_train", "y_test"):
        labels = arrays[key]
        low, high = int(labels.min()), int(labels.max())
        if low < 0 or high > 9:
            raise DatasetError(
                f"{source}: {key} has labels {low}..{high}, expected 0..9",
                **_not_mnist(source, f"{key} has labels {low}..{high}"),
            )
    log.info("MNIST loaded from %s", source)
    return Mnist(
        arrays["x_train"],
        arrays["y_train"].astype(np.uint8),
        arrays["x_test"],
        arrays["y_test"].astype(np.uint8),
        source,
    )


def sha256_of(path: str | os.PathLike) -> str:
    import hashlib  # here, not at the top: OpenSSL's load is not on the way to the window

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
