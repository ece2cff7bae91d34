"""Read digit images from disk as grey numpy arrays (Pillow, no Qt)."""

from __future__ import annotations

import os
import re
import warnings
from contextlib import contextmanager

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from digitpad.ml import errors as E
from digitpad.ml.errors import ImageError


@contextmanager
def _opened(path):
    """``Image.open``, with images over Pillow's size limit refused in one line.

    Pillow checks the size a header declares (a PNG's IHDR, a GIF's logical screen, a
    JPEG's frame header) when it opens the file: over ``Image.MAX_IMAGE_PIXELS`` (89 M)
    it warns, over twice that it raises ``DecompressionBombError``, an ``Exception`` no
    reader here caught. Both are this module's :class:`ImageError` now, before a pixel
    is decoded: a digit needs nothing near 89 million pixels."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(path)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        limit = Image.MAX_IMAGE_PIXELS or 0
        declared = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{int(declared.group(1)):,} pixels" if declared else "more pixels"
        detail = f"its header declares {size}; digitpad reads at most {limit:,}"
        raise ImageError(
            f"{E.shown_path(path)}: too large to read safely ({detail}, Pillow's limit "
            "against decompression bombs)",
            code=E.IMAGE_TOO_LARGE,
            path=path,
            detail=detail,
        ) from None
    with opened:
        yield opened


def check_image(path: str | os.PathLike) -> None:
    """Cheap: the file is there and its header is an image Pillow reads (pixels unread)."""
    E.refuse_special_file(path, ImageError)
    try:
        with _opened(path):
            pass
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise _image_error(path, exc) from None


def read_grey(path: str | os.PathLike) -> np.ndarray:
    """Any image Pillow reads -> HxW uint8 grey, as a viewer shows it (EXIF orientation,
    deep grey scaled, ink on a transparent background kept visible)."""
    E.refuse_special_file(path, ImageError)
    try:
        with _opened(path) as opened:
            opened.load()
            # As a viewer shows it: a phone photo's EXIF orientation applied.
            image = ImageOps.exif_transpose(opened)
            if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
                return _deep_to_uint8(np.asarray(image, dtype=np.float64))
            if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
                return _flatten_alpha(image.convert("RGBA"))
            return np.asarray(image.convert("L"), dtype=np.uint8)
    except (OSError, UnidentifiedImageError, ValueError) as exc:
        raise _image_error(path, exc) from None


def _image_error(path, exc: Exception) -> ImageError:
    if isinstance(exc, FileNotFoundError):
        return ImageError(f"{path}: no such file", code=E.NO_SUCH_FILE, path=path)
    if isinstance(exc, IsADirectoryError):
        return ImageError(
            f"{path}: is a folder, expected an image file", code=E.IS_FOLDER, path=path
        )
    if isinstance(exc, PermissionError):
        return ImageError(f"{path}: permission denied", code=E.PERMISSION_DENIED, path=path)
    return ImageError(
        f"{path}: not a readable image ({exc})", code=E.NOT_IMAGE, path=path, detail=str(exc)
    )


def _deep_to_uint8(array: np.ndarray) -> np.ndarray:
    """16-bit, 32-bit or float grey -> uint8 over the image's own range (not a clip at
    255, which turned a 16-bit scan or a float TIFF into a blank white page)."""
    array = np.nan_to_num(array, nan=0.0, posinf=0.0, neginf=0.0)
    low, high = float(array.min()), float(array.max())
    if high <= low:
        return np.zeros(array.shape, np.uint8)
    return np.round((array - low) * (255.0 / (high - low))).astype(np.uint8)


def _flatten_alpha(rgba: Image.Image) -> np.ndarray:
    """Onto a background that contrasts with the ink: light ink on a transparent
    background (white on clear) goes onto black, dark ink onto white."""
    pixels = np.asarray(rgba, dtype=np.float32)
    alpha = pixels[..., 3] / 255.0
    grey = pixels[..., :3].mean(axis=2)
    opaque = alpha > 0.5
    light_ink = opaque.any() and float(grey[opaque].mean()) > 127 and (~opaque).any()
    background = 0.0 if light_ink else 255.0
    flat = grey * alpha + background * (1.0 - alpha)
    return np.round(flat).astype(np.uint8)
