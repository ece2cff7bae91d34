"""Errors the ML layer raises with a one-line, user-facing message.

``str(error)`` is the English sentence the command line prints. The window shows the
same error in the user's language: common errors also carry a stable ``code`` and the
``path`` they are about, which ``digitpad.ui.messages`` maps to translated sentences
(the ML layer knows nothing of Qt or of translations). ``detail`` holds the technical
reason from a library, left untranslated.
"""

from __future__ import annotations

import os


class DigitpadError(Exception):
    """Base class: ``str(error)`` is a complete sentence fit to show a user."""

    def __init__(
        self,
        message: str,
        *,
        code: str = "",
        path: str | os.PathLike | None = None,
        detail: str = "",
    ) -> None:
        super().__init__(message)
        self.code = code
        self.path = str(path) if path is not None else ""
        self.detail = detail


class DatasetError(DigitpadError):
    """MNIST could not be found or is not a valid ``mnist.npz``."""


class ModelError(DigitpadError):
    """A model file could not be read, or is not a digit model digitpad can use."""


def shown_path(path, limit: int = 80) -> str:
    """A path as one line can show it: an over-long one keeps its start and its end."""
    text = str(path)
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]}...{text[-(limit // 2 - 3) :]}"


def check_path(path, error=None) -> None:
    """Raise (``error``, one line, code ``NAME_TOO_LONG``) when the file system cannot
    even look ``path`` up because it is too long: a name over ``NAME_MAX`` (255 bytes
    on most) or the whole over ``PATH_MAX`` (4096 on Linux). ``pathlib``'s
    ``exists()``, ``is_file()`` and ``is_dir()`` raise ``OSError`` for it where they say
    ``False`` for a missing file: every reader calls this before them."""
    import errno

    try:
        os.lstat(path)
    except OSError as exc:
        detail = _too_long(os.fspath(path), certain=exc.errno == errno.ENAMETOOLONG)
        if not detail:
            return  # missing, unreadable...: the caller's own checks say so
    except ValueError:
        return  # an embedded NUL: the caller's open says so
    else:
        return
    error = error or DigitpadError
    raise error(
        f"{shown_path(path)}: the path is too long for the file system ({detail})",
        code=NAME_TOO_LONG,
        path=path,
        detail=detail,
    )


def _too_long(path, *, certain: bool) -> str:
    """Which limit the path breaks: a name against NAME_MAX, else the whole against
    PATH_MAX; "" when neither (``certain``: the system said ENAMETOOLONG). A missing
    folder stops the look-up before a long name after it, which creating the file
    would meet: so the names are measured too, not only asked about."""
    raw = os.fsencode(path)
    longest = max(raw.split(os.fsencode(os.sep)), key=len)
    if not certain and len(longest) <= 14 and len(raw) <= 255:
        return ""  # within every limit POSIX allows: no need to ask
    folder = os.path.dirname(os.path.abspath(path))
    while folder and not os.path.isdir(folder):  # pathconf needs a folder that exists
        parent = os.path.dirname(folder)
        folder = "" if parent == folder else parent
    name_max = _pathconf(folder, "PC_NAME_MAX", 255)
    if len(longest) > name_max:
        return f"a name of {len(longest):,} bytes, at most {name_max:,}"
    path_max = _pathconf(folder, "PC_PATH_MAX", 4096)
    if certain or len(raw) >= path_max:
        return f"{len(raw):,} bytes in all, at most {path_max:,}"
    return ""


def _pathconf(folder: str, name: str, default: int) -> int:
    try:
        value = os.pathconf(folder or os.sep, name)
    except (OSError, ValueError, AttributeError):  # AttributeError: no pathconf (Windows)
        return default
    return value if value and value > 0 else default


def refuse_special_file(path, error=None) -> None:
    """Raise when ``path`` exists but is not a regular file (FIFO, device, socket), or
    cannot be looked up at all because it is too long (:func:`check_path`).

    Opening a named pipe blocks until someone writes to it: a window would hang on it
    and ignore Stop. Checked with ``stat`` before anything opens the file.
    """
    import stat

    check_path(path, error)
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # missing or unreadable: the caller's own open says so
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        error = error or DigitpadError
        raise error(
            f"{path}: not a regular file (a pipe, device or socket); choose a file",
            code=NOT_REGULAR_FILE,
            path=path,
        )


class ImageError(DigitpadError):
    """An image file could not be read."""


class UserDigitsError(DigitpadError):
    """The personal digits file could not be read or written (``ml.user_digits``)."""


# Stable codes (the UI translates these; keep them when rewording the English).
NO_SUCH_FILE = "no_such_file"
IS_FOLDER = "is_folder"
NOT_REGULAR_FILE = "not_regular_file"  # a pipe, device or socket: reading could block
PERMISSION_DENIED = "permission_denied"
UNREADABLE = "unreadable"  # an OS error other than the above
NAME_TOO_LONG = "name_too_long"  # longer than the file system can look up (detail: which limit)
EMPTY_FILE = "empty_file"
IMAGE_TOO_LARGE = "image_too_large"  # over Pillow's limit against decompression bombs
NOT_KERAS_MODEL = "not_keras_model"
LEGACY_HDF5 = "legacy_hdf5"
DAMAGED = "damaged"  # truncated or corrupt archive
TOO_LARGE = "too_large"  # would unpack to far more than it can need (a zip bomb?)
UNSAFE_CODE = "unsafe_code"  # a Lambda layer refused by safe mode
CANNOT_LOAD = "cannot_load"  # Keras failed for another reason
WRONG_INPUT_SHAPE = "wrong_input_shape"
WRONG_OUTPUT_SHAPE = "wrong_output_shape"
UNSUPPORTED_LAYER = "unsupported_layer"
MNIST_MISSING = "mnist_missing"  # no path, no $DIGITPAD_MNIST, Keras cannot get it
NOT_MNIST = "not_mnist"  # a readable .npz without MNIST's arrays, shapes or labels
NOT_NPZ = "not_npz"
NOT_IMAGE = "not_image"
BAD_ADDRESS = "bad_address"  # a download address that is no http(s) URL (path: the address)
DOWNLOAD_FAILED = "download_failed"  # the network or server failed it (path: the address)
DOWNLOAD_STOPPED = "download_stopped"  # the person stopped it; nothing was kept
