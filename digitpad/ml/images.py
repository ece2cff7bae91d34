"""Read digit images from disk as grey numpy arrays (Pillow, no Qt)."""

from __future__ import annotations

import os

import numpy as np
from PIL import Image, UnidentifiedImageError

from digitpad.ml import errors as E
from digitpad.ml.errors import ImageError


def read_grey(path: str | os.PathLike) -> np.ndarray:
    """Any image Pillow reads -> HxW uint8 grey. Transparent pixels count as background."""
    E.refuse_special_file(path, ImageError)
    try:
        with Image.open(path) as opened:
            opened.load()
            image = opened
            if image.mode in ("RGBA", "LA") or "transparency" in image.info:
                rgba = image.convert("RGBA")
                # Flatten onto white, so dark ink on a transparent background reads right.
                background = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
                image = Image.alpha_composite(background, rgba)
            return np.asarray(image.convert("L"), dtype=np.uint8)
    except FileNotFoundError:
        raise ImageError(f"{path}: no such file", code=E.NO_SUCH_FILE, path=path) from None
    except IsADirectoryError:
        raise ImageError(
            f"{path}: is a folder, expected an image file", code=E.IS_FOLDER, path=path
        ) from None
    except PermissionError:
        raise ImageError(
            f"{path}: permission denied", code=E.PERMISSION_DENIED, path=path
        ) from None
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise ImageError(
            f"{path}: not a readable image ({exc})", code=E.NOT_IMAGE, path=path, detail=str(exc)
        ) from None
