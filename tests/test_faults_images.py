"""Images read the way a viewer shows them: EXIF orientation, 16-bit and float grey,
white ink on a transparent background; a page with no ink is "no digit"."""

from __future__ import annotations

import numpy as np
import pytest
from helpers_cli import run_cli
from PIL import Image

from digitpad.ml.images import read_grey
from digitpad.ml.model import bundled_model_path
from digitpad.ml.predictor import Predictor


@pytest.fixture(scope="module")
def reader():
    return Predictor.from_file(bundled_model_path())


def _digit(mnist, label: int) -> np.ndarray:
    """A test digit the bundled model reads right, 10x larger: white ink on black."""
    reader = Predictor.from_file(bundled_model_path())
    for image, y in zip(mnist.x_test, mnist.y_test, strict=True):
        if y == label and reader.predict(image / 255.0).argmax() == label:
            return np.kron(image, np.ones((10, 10), np.uint8))
    raise AssertionError(f"no {label} in the subset")


def test_exif_orientation_is_applied(tmp_path, mnist, reader):
    six = 255 - _digit(mnist, 6)  # dark ink on white paper, like a photo
    stored = Image.fromarray(six).rotate(90, expand=True)  # the camera held sideways
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    path = tmp_path / "six.jpg"
    stored.save(path, exif=exif.tobytes(), quality=95)
    shown = read_grey(path)
    assert shown.shape == six.shape
    assert int(reader.predict_drawing(shown).argmax()) == 6


def test_sixteen_bit_and_float_grey_are_scaled_not_clipped(tmp_path, mnist, reader):
    seven = _digit(mnist, 7).astype(np.uint16) * 257  # 0..65535
    path16 = tmp_path / "seven16.png"
    Image.fromarray(seven).save(path16)
    assert int(reader.predict_drawing(read_grey(path16)).argmax()) == 7
    pathf = tmp_path / "seven.tif"
    Image.fromarray(seven.astype(np.float32) / 65535.0, mode="F").save(pathf)
    assert int(reader.predict_drawing(read_grey(pathf)).argmax()) == 7


def test_white_ink_on_a_transparent_background(tmp_path, mnist, reader):
    three = _digit(mnist, 3)
    rgba = np.zeros((*three.shape, 4), np.uint8)
    rgba[..., :3] = 255
    rgba[..., 3] = three  # the ink is the only opaque part
    path = tmp_path / "three.png"
    Image.fromarray(rgba, mode="RGBA").save(path)
    assert int(reader.predict_drawing(read_grey(path)).argmax()) == 3


@pytest.mark.parametrize("level", [0, 128, 200, 255])
def test_a_blank_page_is_no_digit(tmp_path, level):
    path = tmp_path / f"blank{level}.png"
    Image.fromarray(np.full((300, 400), level, np.uint8)).save(path)
    result = run_cli("predict", str(path), cwd=tmp_path)
    assert result.returncode == 0 and "no digit found" in result.stdout, result.stdout
