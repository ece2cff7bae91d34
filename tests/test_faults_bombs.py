"""Archive bombs: a 2 MB ``.keras`` whose weights unpack to 2 GiB, a 1 GiB config.json, a
dataset whose array header claims 730 GB, a zip directory of 70,000 entries. Each is
refused in one line from the zip's directory and the npy headers, in well under a
second and without the memory it claims (it cost 27 s and 4.1 GB before).

The hostile files are written here, by hand: one deflate block of zeros, repeated after
a full flush, is a valid stream of any length, so a 2 GiB member costs a 2 MB file and
well under a second to write (mostly its CRC).
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from functools import cache

import numpy as np
import pytest
from helpers_cli import REPO, assert_one_error_line, cli_env, run_cli

from digitpad.ml import errors as E
from digitpad.ml.data import load_mnist
from digitpad.ml.errors import DatasetError, ModelError
from digitpad.ml.model import bundled_model_path, check_model_file, load_model
from digitpad.ml.predictor import Predictor
from digitpad.ml.weights import declared_parameters, read_layers, weights_limit

GIB = 1 << 30
MIB = 1 << 20

# -- writing bombs ---------------------------------------------------------------------

_BLOCK = MIB  # zeros per repeated deflate block


@cache
def _zero_block() -> bytes:
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(bytes(_BLOCK)) + c.flush(zlib.Z_FULL_FLUSH)


@cache
def _crc_of_zeros(count: int, start: int) -> int:
    crc, chunk = start, bytes(min(count, 16 * MIB))
    while count:
        step = min(count, len(chunk))
        crc = zlib.crc32(memoryview(chunk)[:step], crc)
        count -= step
    return crc


def _deflated(head: bytes, zeros: int) -> tuple[bytes, int]:
    """A raw deflate stream of ``head`` then ``zeros`` zero bytes, and its CRC-32."""
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    parts = [c.compress(head), c.flush(zlib.Z_FULL_FLUSH)]
    blocks, rest = divmod(zeros, _BLOCK)
    parts.append(_zero_block() * blocks)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)  # a new stream goes on after a flush
    parts.append(tail.compress(bytes(rest)) + tail.flush(zlib.Z_FINISH))
    return b"".join(parts), _crc_of_zeros(zeros, zlib.crc32(head))


def write_zip(path, members) -> None:
    """A valid zip of ``(name, head bytes, zeros after them)`` members (under 4 GiB each)."""
    local, central = bytearray(), bytearray()
    for name, head, zeros in members:
        data, crc = _deflated(head, zeros)
        size = len(head) + zeros
        assert size < 0xFFFFFFFF
        raw, offset = name.encode(), len(local)
        local += struct.pack(
            "<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, crc, len(data), size, len(raw), 0
        )
        local += raw + data
        central += struct.pack(
            "<4s6H3L5H2L",
            *(b"PK\x01\x02", 20, 20, 0, 8, 0, 0, crc, len(data), size, len(raw)),
            *(0, 0, 0, 0, 0, offset),
        )
        central += raw
    count = len(members)
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(central), len(local), 0)
    with open(path, "wb") as handle:
        handle.write(bytes(local) + bytes(central) + end)


def _bundled(name: str) -> bytes:
    with zipfile.ZipFile(bundled_model_path()) as archive:
        return archive.read(name)


def _keras_bomb(path, *, config: bytes | None = None, weights_zeros=0, config_zeros=0):
    config = _bundled("config.json") if config is None else config
    write_zip(
        path,
        [
            ("metadata.json", _bundled("metadata.json"), 0),
            ("config.json", config, config_zeros),
            ("model.weights.h5", b"\x89HDF\r\n\x1a\n", weights_zeros),
        ],
    )
    return path


def _npy_header(shape, dtype=np.uint8) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        out,
        {
            "descr": np.lib.format.dtype_to_descr(np.dtype(dtype)),
            "fortran_order": False,
            "shape": shape,
        },
    )
    return out.getvalue()


def _npz_bomb(path, *, x_train_shape, x_train_zeros) -> str:
    others = {"y_train": (60000,), "x_test": (10000, 28, 28), "y_test": (10000,)}
    members = [("x_train.npy", _npy_header(x_train_shape), x_train_zeros)]
    members += [
        (f"{key}.npy", _npy_header(shape), int(np.prod(shape))) for key, shape in others.items()
    ]
    write_zip(path, members)
    return str(path)


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bombs")
    functional = json.dumps({"class_name": "Functional", "config": {"layers": []}}).encode()
    return {
        # 2 MB on disk, 2 GiB of "weights" for a model whose layers need 13 MB
        "weights_2g": _keras_bomb(folder / "weights_2g.keras", weights_zeros=2 * GIB - 8),
        # a 1 GiB config.json (a model's description is a few KB)
        "config_1g": _keras_bomb(folder / "config_1g.keras", config=b'{"a": "', config_zeros=GIB),
        # the layers cannot be sized (not Sequential): the absolute 512 MB cap holds
        "unsized_600m": _keras_bomb(
            folder / "unsized_600m.keras", config=functional, weights_zeros=600 * MIB
        ),
        # under that cap, but 100 MB from a 100 KB member: only zeros shrink like that
        "unsized_ratio": _keras_bomb(
            folder / "unsized_ratio.keras", config=functional, weights_zeros=100 * MIB
        ),
    }


# -- the bomb writer is honest -------------------------------------------------------------


def test_the_bombs_are_real_zips_that_unpack_to_what_they_claim(tmp_path, bombs):
    small = tmp_path / "small.zip"
    write_zip(small, [("a.bin", b"head", 3 * MIB + 17), ("b.txt", b"hi", 0)])
    with zipfile.ZipFile(small) as archive:
        assert archive.testzip() is None  # every CRC checks out
        data = archive.read("a.bin")
    assert data[:4] == b"head" and len(data) == 3 * MIB + 21 and not any(data[4:])
    info = zipfile.ZipFile(bombs["weights_2g"]).getinfo("model.weights.h5")
    assert info.file_size == 2 * GIB and bombs["weights_2g"].stat().st_size < 3 * MIB
    with zipfile.ZipFile(bombs["weights_2g"]).open("model.weights.h5") as member:
        member.read(64 * MIB)  # it really does stream zeros, block after block


# -- model bombs -------------------------------------------------------------------------


def _refused(call, path) -> ModelError:
    start = time.perf_counter()
    with pytest.raises(ModelError) as caught:
        call(path)
    elapsed = time.perf_counter() - start
    assert elapsed < 2.0, f"{call.__name__} took {elapsed:.1f} s to refuse {path.name}"
    message = str(caught.value)
    assert "\n" not in message and message.startswith(str(path)), message
    assert caught.value.code == E.TOO_LARGE, message
    return caught.value


@pytest.mark.parametrize("call", [check_model_file, Predictor.from_file, read_layers, load_model])
def test_a_weights_bomb_is_refused_before_anything_unpacks(bombs, call):
    error = _refused(call, bombs["weights_2g"])
    assert str(error).endswith(
        "its weights would unpack to 2.0 GB, far more than its layers need (13 MB); not loaded"
    ), str(error)


def test_a_config_bomb_and_bombs_in_models_that_cannot_be_sized(bombs):
    error = _refused(Predictor.from_file, bombs["config_1g"])
    assert "its config.json would unpack to 1.0 GB, far more than a model's description needs" in (
        str(error)
    )
    error = _refused(check_model_file, bombs["unsized_600m"])
    assert "its weights would unpack to 600 MB, far more than digitpad opens (512 MB)" in str(error)
    error = _refused(check_model_file, bombs["unsized_ratio"])
    assert "would unpack 1,0" in str(error) and "as only a zip bomb does" in str(error), error


def test_real_models_stay_well_inside_their_bounds(tmp_path):
    for name in ("mnist_dense.keras", "mnist_dense_augmented.keras", "mnist_robust.keras"):
        path = bundled_model_path().with_name(name)
        check_model_file(path)
        layers = read_layers(path)
        with zipfile.ZipFile(path) as archive:
            config = json.loads(archive.read("config.json"))
            size = archive.getinfo("model.weights.h5").file_size
        # the count from the config alone is exactly the weights the file holds
        assert declared_parameters(config) == sum(w.size for layer in layers for w in layer.weights)
        limit, _ = weights_limit(config, path)
        assert size < limit < 16 * size + 2 * MIB  # a real bound, not just "anything"


def test_layers_too_large_to_hold_are_refused_before_tensorflow_allocates(tmp_path):
    config = json.loads(_bundled("config.json"))
    config["config"]["layers"][1]["config"]["units"] = 10**9  # 784 billion weights
    huge_units = _keras_bomb(tmp_path / "units.keras", config=json.dumps(config).encode())
    config = json.loads(_bundled("config.json"))
    # Keras builds each layer from its own build_config too: a giant one hides there
    config["config"]["layers"][2]["build_config"] = {"input_shape": [None, 10**8]}
    hidden = _keras_bomb(tmp_path / "build.keras", config=json.dumps(config).encode())
    for path, declared in ((huge_units, "795,000,000,010"), (hidden, "1,000,")):
        for call in (check_model_file, load_model, Predictor.from_file):
            error = _refused(call, path)
            assert f"its layers declare {declared}" in str(error), error
            assert "more than digitpad opens (67,108,864)" in str(error), error


@pytest.mark.parametrize("entries", [5000, 70_000], ids=["5000", "zip64-70000"])
def test_a_zip_directory_of_thousands_of_entries_is_refused_unparsed(tmp_path, entries):
    path = tmp_path / "many.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", _bundled("config.json"))
        archive.writestr("model.weights.h5", b"")
        for i in range(entries):
            archive.writestr(f"{i}", b"")
    for call in (check_model_file, Predictor.from_file):
        error = _refused(call, path)
        assert f"its zip directory lists {entries + 2:,} entries" in str(error), error
    with pytest.raises(DatasetError, match=f"lists {entries + 2:,} entries"):
        load_mnist(path)


# -- dataset bombs ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data_bombs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data_bombs")
    return {
        # the header claims 730 GB; the member holds 1 KB (np.load allocated 730 GB first)
        "header": _npz_bomb(
            folder / "header.npz", x_train_shape=(10**9, 28, 28), x_train_zeros=1000
        ),
        # 235 MB of blank images, header and data agreeing: under the 256 MB cap, but
        # 230 KB on disk (real images compress ~5:1, zeros 1,000:1)
        "zeros": _npz_bomb(
            folder / "zeros.npz", x_train_shape=(300_000, 28, 28), x_train_zeros=300_000 * 784
        ),
        # MNIST's header, then 2 GiB of zeros beyond it
        "tail": _npz_bomb(
            folder / "tail.npz", x_train_shape=(60000, 28, 28), x_train_zeros=2 * GIB
        ),
    }


DATA_BOMB_TEXT = {
    "header": "x_train claims 1000000000×28×28 uint8 values (730.2 GB), far more than a digit "
    "dataset needs (256 MB); not loaded",
    "zeros": "x_train would unpack 1,0",  # 1,0xx times larger ... as only a zip bomb does
    "tail": "x_train would unpack to 2.0 GB, far more than a digit dataset needs (256 MB)",
}


@pytest.mark.parametrize("name", list(DATA_BOMB_TEXT))
def test_dataset_bombs_are_refused_in_one_line(data_bombs, name):
    start = time.perf_counter()
    with pytest.raises(DatasetError) as caught:
        load_mnist(data_bombs[name])
    assert time.perf_counter() - start < 2.0
    message = str(caught.value)
    assert "\n" not in message and caught.value.code == E.TOO_LARGE, message
    assert message.startswith(data_bombs[name]) and DATA_BOMB_TEXT[name] in message, message


def test_a_huge_dataset_header_is_one_line_in_the_cli(data_bombs, tmp_path):
    out = tmp_path / "m.keras"
    for args in (
        ["train", "--data", data_bombs["header"], "--out", out],
        ["evaluate", "--data", data_bombs["header"]],
    ):
        result = run_cli(*args, cwd=tmp_path, timeout=120)
        assert_one_error_line(result, data_bombs["header"], DATA_BOMB_TEXT["header"])
    assert not out.exists()


# -- what refusing costs, measured in a fresh process ---------------------------------------

# VmHWM: the peak of this process's own memory (ru_maxrss would include the pytest
# process it was forked from: Linux carries that across exec).
_MEASURE = """
import sys, time
from digitpad.ml.errors import DigitpadError
start = time.perf_counter()
try:
    if sys.argv[1] == "model":
        from digitpad.ml.predictor import Predictor
        Predictor.from_file(sys.argv[2])
    else:
        from digitpad.ml.data import load_mnist
        load_mnist(sys.argv[2])
    print("accepted")
except DigitpadError as exc:
    print("refused", exc.code)
with open("/proc/self/status") as status:
    peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
print(time.perf_counter() - start, peak)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/status")
@pytest.mark.parametrize(
    ("kind", "name"), [("model", "weights_2g"), ("model", "config_1g"), ("data", "tail")]
)
def test_refusing_a_bomb_costs_neither_memory_nor_time(bombs, data_bombs, kind, name):
    path = (bombs if kind == "model" else data_bombs)[name]
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, kind, str(path)],
        cwd=REPO,
        env=cli_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    verdict, figures = done.stdout.strip().splitlines()
    seconds, peak_kb = float(figures.split()[0]), int(figures.split()[1])
    assert verdict == "refused too_large", done.stdout
    # ~0.1 s and ~35 MB (Python, numpy, h5py) here; before: 27 s and 4.1 GB for weights_2g
    assert seconds < 2.0 and peak_kb < 200 * 1024, (seconds, peak_kb)


# -- the window ---------------------------------------------------------------------------


@pytest.fixture
def window(qtbot, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from digitpad.ui import MainWindow

    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.warnings = []
    win.warningShown.connect(lambda title, text: win.warnings.append((title, text)))
    yield win
    win.train_panel.shutdown()


def test_the_window_warns_about_bombs_and_keeps_its_model(qtbot, window, bombs, data_bombs):
    before = window.models.predictor
    start = time.perf_counter()
    assert window.open_model_file(str(bombs["weights_2g"])) is False
    assert time.perf_counter() - start < 2.0
    ((title, text),) = window.warnings
    assert title == "Cannot open model" and str(bombs["weights_2g"]) in text, text
    assert "2.0 GB, far more than its layers need (13 MB)" in text, text
    assert window.models.predictor is before
    window.warnings.clear()
    with qtbot.waitSignal(window.datasetChecked, timeout=10_000) as checked:
        assert window.open_dataset_file(data_bombs["header"])
    assert checked.args == [False]
    ((title, text),) = window.warnings
    assert title == "Cannot open dataset" and data_bombs["header"] in text, text
    assert "x_train claims 1000000000×28×28 uint8 values (730.2 GB)" in text, text
    assert window.train_panel._data_path is None
