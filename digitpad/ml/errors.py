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


def refuse_special_file(path, error=None) -> None:
    """Raise when ``path`` exists but is not a regular file (FIFO, device, socket).

    Opening a named pipe blocks until someone writes to it: a window would hang on it
    and ignore Stop. Checked with ``stat`` before anything opens the file.
    """
    import stat

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
EMPTY_FILE = "empty_file"
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
