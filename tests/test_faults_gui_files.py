"""Faults a presenter can throw at the window without training: broken model files,
broken datasets, a corrupt or hostile settings file. Each gives one warning (observed
through ``MainWindow.warningShown``; the box itself is patched out) and keeps the model,
the prediction and the window as they were.
"""

from __future__ import annotations

import os
import zipfile
from pathlib import Path

import numpy as np
import pytest
from helpers_data import write_mnist_npz
from PySide6.QtCore import QByteArray, QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

from digitpad.ml.model import bundled_model_path, import_keras
from digitpad.ui import MainWindow
from digitpad.ui import settings as keys
from digitpad.ui._testing import draw_strokes, seven
from digitpad.ui.settings import Settings
from digitpad.ui.training.panel import MAX_LEARNING_RATE  # noqa: F401 - the field exists
from digitpad.ui.widgets.canvas import DEFAULT_BRUSH


@pytest.fixture
def window(qtbot, monkeypatch):
    # No modal box in tests: record what would have been shown.
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.warnings = []
    win.warningShown.connect(lambda title, text: win.warnings.append((title, text)))
    yield win
    win.train_panel.shutdown()


def _seven(win) -> np.ndarray:
    draw_strokes(win.canvas, seven())
    win.refresh_prediction()
    return win.current_probabilities()


# -- model files ---------------------------------------------------------------------
@pytest.fixture(scope="module")
def bad_models(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("gui_models")
    good = bundled_model_path().read_bytes()
    out = {}

    def write(name, data):
        out[name] = folder / name
        out[name].write_bytes(data)

    write("not_a_zip.keras", b"just some text\n" * 20)
    write("truncated.keras", good[: len(good) // 2])
    write("empty.keras", b"")
    out["folder.keras"] = folder / "folder.keras"
    out["folder.keras"].mkdir()
    out["missing.keras"] = folder / "missing.keras"
    with zipfile.ZipFile(folder / "zip_no_model.keras", "w") as archive:
        archive.writestr("readme.txt", "no model here")
    out["zip_no_model.keras"] = folder / "zip_no_model.keras"
    keras = import_keras()

    def dense(inputs=784, classes=10):
        return keras.Sequential(
            [keras.Input((inputs,)), keras.layers.Dense(classes, activation="softmax")]
        )

    dense().save(folder / "legacy.h5")
    out["legacy.h5"] = folder / "legacy.h5"
    dense(inputs=100).save(folder / "input100.keras")
    out["input100.keras"] = folder / "input100.keras"
    dense(classes=5).save(folder / "output5.keras")
    out["output5.keras"] = folder / "output5.keras"
    marker = folder / "LAMBDA_RAN"
    side_effect = eval(  # a hostile Lambda: if it ever runs, the marker appears
        f"lambda x: (__import__('pathlib').Path({str(marker)!r}).touch(), x)[1]"
    )
    model = keras.Sequential(
        [keras.Input((784,)), keras.layers.Lambda(side_effect), keras.layers.Dense(10)]
    )
    model.save(folder / "lambda.keras")
    marker.unlink(missing_ok=True)
    out["lambda.keras"] = folder / "lambda.keras"
    out["LAMBDA_RAN"] = marker
    return out


MODEL_FAULTS = {
    "not_a_zip.keras": "not a Keras model",
    "truncated.keras": "damaged or truncated",
    "empty.keras": "empty",
    "folder.keras": "folder",
    "missing.keras": "does not exist",
    "zip_no_model.keras": "not a Keras model",
    "legacy.h5": "HDF5",
    "input100.keras": "784",
    "output5.keras": "10 classes",
    "lambda.keras": "Lambda",
}


def test_broken_model_files_warn_and_keep_the_current_model(qtbot, window, bad_models):
    before_predictor = window.models.predictor
    before = _seven(window)
    label = window.model_label.text()
    for name, expected in MODEL_FAULTS.items():
        window.warnings.clear()
        assert window.open_model_file(str(bad_models[name])) is False, name
        ((title, text),) = window.warnings
        assert title == "Cannot open model", name
        assert expected in text and name in text, (name, text)
        assert window.models.predictor is before_predictor, name
        window.refresh_prediction()
        assert np.array_equal(window.current_probabilities(), before), name
        assert window.model_label.text() == label
    assert not bad_models["LAMBDA_RAN"].exists()  # the hostile code never ran
    assert window.settings.text_value(keys.LAST_MODEL) == ""  # no bad file remembered


def test_open_model_menu_path_goes_through_the_same_checks(qtbot, window, bad_models, monkeypatch):
    path = str(bad_models["truncated.keras"])
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (path, ""))
    before = window.models.predictor
    window.open_action.trigger()
    assert len(window.warnings) == 1 and "truncated" in window.warnings[0][1]
    assert window.models.predictor is before
    # Cancelling the dialog does nothing at all.
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    window.open_action.trigger()
    assert len(window.warnings) == 1


def test_a_good_model_after_bad_ones_still_opens(qtbot, window, bad_models, tmp_path):
    window.open_model_file(str(bad_models["empty.keras"]))
    good = tmp_path / "copy.keras"
    good.write_bytes(bundled_model_path().read_bytes())
    assert window.open_model_file(str(good)) is True
    assert "copy.keras" in window.model_label.text()
    assert window.settings.text_value(keys.LAST_MODEL) == str(good)


# -- dataset -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bad_datasets(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("gui_data")
    out = {"missing": folder / "missing.npz", "folder": folder / "dir.npz"}
    out["folder"].mkdir()
    out["garbage"] = folder / "garbage.npz"
    out["garbage"].write_bytes(os.urandom(4096))
    full = write_mnist_npz(folder / "full.npz")
    out["truncated"] = folder / "truncated.npz"
    out["truncated"].write_bytes(full.read_bytes()[:100_000])
    out["no_x_test"] = write_mnist_npz(folder / "no_x_test.npz", x_test=None)
    out["shape"] = write_mnist_npz(folder / "shape.npz", x_train=np.zeros((100, 28, 28), np.uint8))
    out["labels"] = write_mnist_npz(folder / "labels.npz", y_test=np.full(10000, 10, np.uint8))
    return out


DATA_FAULTS = {
    "missing": "does not exist",
    "folder": "folder",
    "garbage": "not a readable .npz",
    "truncated": "not a readable .npz",
    "no_x_test": "not an MNIST file",
    "shape": "not an MNIST file",
    "labels": "not an MNIST file",
}


def test_open_dataset_with_bad_files_warns_and_keeps_the_previous_choice(
    qtbot, window, bad_datasets
):
    before = _seven(window)
    for name, expected in DATA_FAULTS.items():
        window.warnings.clear()
        with qtbot.waitSignal(window.datasetChecked, timeout=30_000) as checked:
            assert window.open_dataset_file(str(bad_datasets[name])), name  # not blocking
        assert checked.args == [False], name
        ((title, text),) = window.warnings
        assert title == "Cannot open dataset" and expected in text, (name, text)
        assert window.train_panel._data_path is None, name
    assert window.settings.text_value(keys.DATA_PATH) == ""
    window.refresh_prediction()
    assert np.array_equal(window.current_probabilities(), before)  # still predicting


def test_open_dataset_is_in_the_model_menu_and_remembered(qtbot, window, monkeypatch, mnist):
    path = os.environ.get("DIGITPAD_MNIST") or mnist.source
    assert window.open_data_action in window.model_menu.actions()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (path, ""))
    with qtbot.waitSignal(window.datasetChecked, timeout=60_000) as checked:
        window.open_data_action.trigger()
    assert checked.args == [True]
    assert window.warnings == []
    assert window.train_panel._data_path == path
    window.close()
    again = MainWindow()  # a new session trains with the dataset chosen last time
    qtbot.addWidget(again)
    assert again.train_panel._data_path == path
    explicit = MainWindow(data_path="/explicit/mnist.npz")  # --data still wins
    qtbot.addWidget(explicit)
    assert explicit.train_panel._data_path == "/explicit/mnist.npz"


@pytest.mark.parametrize("fault", ["folder", "garbage", "labels"])
def test_train_with_a_bad_remembered_dataset_explains_and_keeps_predicting(
    qtbot, fault, bad_datasets, monkeypatch
):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    Settings().set_value(keys.DATA_PATH, str(bad_datasets[fault]))  # e.g. the file changed
    win = MainWindow()
    qtbot.addWidget(win)
    before = _seven(win)
    panel = win.train_panel
    with qtbot.waitSignal(panel.trainingFinished, timeout=60_000) as blocker:
        panel.start_training(epochs=1, batch_size=128, train_limit=2000)
    result = blocker.args[0]
    assert result["stopped"] is True and bad_datasets[fault].name in result["error"]
    assert "dataset could not be loaded" in panel.status.text()
    assert "dataset could not be loaded" in panel.log_text()
    assert "dataset could not be loaded" in win.statusBar().currentMessage()
    assert panel.train_button.isEnabled() and not panel.stop_button.isEnabled()
    assert win.train_action.isEnabled() and not win.stop_action.isEnabled()
    win.refresh_prediction()
    assert np.array_equal(win.current_probabilities(), before)
    assert "bundled" in win.model_label.text()


def test_no_mnist_anywhere_says_how_to_get_it(qtbot, window, monkeypatch):
    from digitpad.ml import data as ml_data
    from digitpad.ml.errors import MNIST_MISSING, DatasetError

    real_load = ml_data.load_mnist

    def offline(path, **options):
        if path is None:
            raise DatasetError("MNIST not found", code=MNIST_MISSING, detail="offline")
        return real_load(path, **options)

    monkeypatch.delenv("DIGITPAD_MNIST", raising=False)
    monkeypatch.setattr(ml_data, "load_mnist", offline)
    monkeypatch.setattr(ml_data, "_cache", {})
    panel = window.train_panel
    with qtbot.waitSignal(panel.trainingFinished, timeout=60_000):
        panel.start_training(epochs=1, batch_size=128, train_limit=2000)
    text = panel.log_text()
    assert "Open dataset…" in text and "DIGITPAD_MNIST" in text and "mnist.npz" in text
    assert window.current_probabilities() is None or window.models.predictor is not None


# -- settings ------------------------------------------------------------------------
def _settings_file() -> Path:
    return Path(
        QSettings(
            QSettings.defaultFormat(),
            QSettings.Scope.UserScope,
            keys.ORGANIZATION,
            keys.APPLICATION,
        ).fileName()
    )


def _assert_defaults(win):
    panel = win.train_panel
    assert win.brush.value() == DEFAULT_BRUSH and win.canvas.brush_size() == DEFAULT_BRUSH
    assert panel.epochs.value() == 5 and panel.batch_size.value() == 128
    assert win.models.predictor is not None
    assert 100 <= win.width() and 100 <= win.height()


@pytest.mark.parametrize("seed", range(4))
def test_garbage_settings_file_gives_defaults(qtbot, seed, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    path = _settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    garbage = rng.integers(0, 256, 4096, dtype=np.uint8).tobytes()
    if seed % 2:  # garbage inside plausible sections and keys
        garbage = (
            b"[window]\ngeometry=@ByteArray("
            + garbage[:300]
            + b")\nstate="
            + garbage[300:400]
            + b"\n[canvas]\nbrush_size="
            + garbage[400:420]
            + b"\n[train]\nepochs="
            + garbage[420:440]
            + b"\n[model]\nlast_path=\\0\0"
            + garbage[440:460]
            + b"\n[data]\nmnist_path="
            + garbage[460:480]
            + b"\n"
        )
    path.write_bytes(garbage)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    draw_strokes(win.canvas, seven())
    win.refresh_prediction()
    assert np.isclose(win.current_probabilities().sum(), 1.0)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    win.open_model()  # the dialog's start folder comes from a corrupt setting
    win.open_dataset()
    win.close()  # writing settings over the garbage works
    again = MainWindow()
    qtbot.addWidget(again)
    _assert_defaults(again)


WRONG_VALUES = {
    keys.BRUSH: ["-3", "0", "1000000", "big", "12.5", "true", ["1", "2"], "1" + "0" * 30],
    keys.EPOCHS: ["-1", "0", "999999999999999999999", "1e999", "five", ""],
    keys.BATCH_SIZE: ["-128", "0", "60001", "NaN", "0x80"],
    keys.GEOMETRY: ["not bytes", QByteArray(b"\x00\x01garbage" * 10), 12345, ""],
    keys.STATE: ["x", QByteArray(os.urandom(64)), -1],
    keys.LAST_MODEL: [123, "/tmp/\0nul/m.keras", "/" + "x" * 5000 + "/m.keras", ["a", "b"]],
    keys.DATA_PATH: [123, ["a"], ""],
}


@pytest.mark.parametrize("index", range(8))
def test_settings_of_the_wrong_type_give_defaults(qtbot, index, monkeypatch):
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    settings = Settings()
    for key, values in WRONG_VALUES.items():
        settings.set_value(key, values[index % len(values)])
    settings.sync()
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    _assert_defaults(win)
    data = win.train_panel._data_path
    assert data is None or isinstance(data, str)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: ("", ""))
    win.open_model()
    win.open_dataset()
    win.close()


def test_settings_path_unusable_is_not_fatal(qtbot, monkeypatch):
    """The ini 'file' is a folder (or unwritable): the window opens and closes anyway."""
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: None)
    path = _settings_file()
    path.mkdir(parents=True, exist_ok=True)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    _assert_defaults(win)
    win.close()
