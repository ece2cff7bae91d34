"""The teaching views inside the window: reachable, following the pen and the model;
presets, presenter mode and export."""

from __future__ import annotations

import csv
import sys

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest

from digitpad.ml.user_digits import UserDigits
from digitpad.ui._testing import draw_strokes, seven
from digitpad.ui.shell import export
from digitpad.ui.teach.dock import TABS, user_data_folder
from digitpad.ui.teach.evaluation_view import EvaluationView
from digitpad.ui.teach.network_view import NetworkView
from digitpad.ui.teach.preprocess_lesson import PreprocessLesson
from digitpad.ui.teach.user_digits_view import UserDigitsView

TRAIN_TIMEOUT = 180_000


def draw_seven(window) -> None:
    draw_strokes(window.canvas, seven())
    window.refresh_prediction()


def test_teaching_views_are_reachable_from_the_menu(window):
    dock = window.teach.dock
    assert not dock.isVisible()  # the main view stays uncluttered until asked
    titles = [a.text() for a in window.teach.teach_menu.actions()]
    assert {"Evaluate", "Inside the network", "Preprocessing", "My digits"} <= set(titles)
    kinds = {
        "network": NetworkView,
        "preprocess": PreprocessLesson,
        "digits": UserDigitsView,
    }
    for key in TABS:
        dock.view_actions[key].trigger()
        assert dock.isVisible() and dock.current_key() == key
        if key in kinds:
            page = dock.page(key)
            assert isinstance(getattr(page, "lesson", page), kinds[key])


def test_drawing_updates_network_and_preprocessing_views(window, qtbot):
    dock = window.teach.dock
    dock.show_tab("network")
    assert dock.network.hidden_activations() is None
    draw_seven(window)
    hidden = dock.network.hidden_activations()
    assert hidden is not None and hidden.shape == (512,)
    dock.show_tab("preprocess")
    naive, mnist_style = dock.preprocess.lesson.predictions()
    assert naive is not None and mnist_style is not None
    assert int(np.argmax(mnist_style)) == int(np.argmax(window.current_probabilities()))
    dock.preprocess.compare.setChecked(False)
    assert not dock.preprocess.lesson.images[0].isVisible()
    assert dock.preprocess.lesson.images[1].isVisible()
    window.canvas.clear()
    window.refresh_prediction()
    assert dock.preprocess.lesson.predictions() == (None, None)


def test_hidden_views_do_not_follow_the_pen_until_shown(window, monkeypatch):
    dock = window.teach.dock
    calls = []
    monkeypatch.setattr(dock.network, "set_input", calls.append)
    draw_seven(window)
    assert calls == []  # dock hidden: no work per stroke
    dock.show_tab("network")
    assert len(calls) == 1 and calls[0].any()


def test_only_the_preprocessing_view_copies_the_pads_pixels(window, monkeypatch, qtbot):
    # Every frame of a stroke gives the shown view the drawing; only Preprocessing shows
    # the pad's own pixels, so only it has them copied (~220 KB a frame otherwise).
    dock, canvas = window.teach.dock, window.canvas
    copies = []
    copy = canvas.image_array

    def counted():
        if sys._getframe(1).f_code.co_name != "is_empty":  # the pad's own hint check
            copies.append(1)
        return copy()

    monkeypatch.setattr(canvas, "image_array", counted)
    for key in ("evaluate", "digits", "network"):
        dock.show_tab(key)
        draw_strokes(canvas, seven(), live=True)
        window.refresh_prediction()
        qtbot.wait(40)
        assert copies == [], key
        canvas.clear()
    dock.show_tab("preprocess")
    draw_strokes(canvas, seven(), live=True)
    window.refresh_prediction()
    assert copies  # read when Preprocessing shows the drawing ...
    naive, _ = dock.preprocess.lesson.predictions()
    assert naive is not None  # ... and it is the drawing now on the pad
    dock.show_tab("evaluate")
    canvas.clear()
    window.refresh_prediction()
    dock.show_tab("preprocess")  # the pad as it is when the view is shown again
    assert dock.preprocess.lesson.predictions() == (None, None)


def test_models_changes_reach_the_views(window):
    dock = window.teach.dock
    dock.show_tab("network")
    assert dock.network._predictor is window.models.predictor
    window.teach.load_bundled("dense-augmented")
    assert "augmentation" in window.model_label.text()
    assert dock.network._predictor is window.models.predictor
    window.reset_model()
    assert dock.network._predictor is window.models.predictor


def test_key_3_on_the_canvas_adds_a_sample_to_the_store_on_disk(window, tmp_path):
    assert user_data_folder() == str(tmp_path / "data")
    draw_seven(window)
    window.canvas.setFocus()
    QTest.keyClick(window.canvas, Qt.Key.Key_3)
    store = UserDigits(tmp_path / "data")  # read back from the file
    assert len(store) == 1 and int(store.labels[0]) == 3
    assert len(window.teach.dock.my_digits.store) == 1
    assert "3" in window.statusBar().currentMessage()


def test_evaluate_tab_loads_mnist_off_the_gui_thread(window, qtbot, mnist):
    dock = window.teach.dock
    page = dock.evaluation
    dock.show_tab("evaluate")
    qtbot.waitUntil(lambda: page.view is not None, timeout=60_000)
    assert isinstance(page.view, EvaluationView)
    assert 0.9 < page.view.evaluation.accuracy <= 1.0
    assert page.view.evaluation.confusion().sum() == len(mnist.y_test)


def test_evaluate_tab_says_what_is_missing_without_mnist(window, qtbot, monkeypatch, tmp_path):
    window.train_panel.set_data_path(str(tmp_path / "missing.npz"))
    dock = window.teach.dock
    dock.show_tab("evaluate")
    page = dock.evaluation
    qtbot.waitUntil(lambda: not page.is_busy() and bool(page.message.text()), timeout=30_000)
    assert page.view is None
    assert "MNIST" in page.message.text()


def test_presenter_mode_toggles_full_screen_and_restores(window, qtbot):
    window.resize(1300, 760)
    qtbot.waitUntil(lambda: window.width() >= 1200)
    size = window.size()
    font_size = window.font().pointSizeF()
    assert window.train_panel.log.isVisible()
    QTest.keyClick(window, Qt.Key.Key_F11)
    assert window.teach.presenter.is_active()
    assert window.isFullScreen()
    assert window.font().pointSizeF() > font_size * 1.3
    assert not window.train_panel.log.isVisible()
    assert window.canvas.isVisible() and window.chart.isVisible()
    QTest.keyClick(window, Qt.Key.Key_F11)
    assert not window.teach.presenter.is_active()
    assert not window.isFullScreen()
    qtbot.waitUntil(lambda: window.size() == size, timeout=3000)
    assert window.font().pointSizeF() == font_size
    assert window.train_panel.log.isVisible()


def test_export_drawing_png_has_the_expected_size(window, tmp_path):
    draw_seven(window)
    drawing, probabilities, title = window.teach.exporter.drawing_and_title()
    assert "7" in title
    path = export.save_prediction_png(tmp_path / "drawing.png", drawing, probabilities, title)
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == export.PNG_SIZE


def test_presets_combo_offers_three_presets_and_tutorial_is_default(window):
    chooser = window.train_panel.preset
    assert chooser.key() == "tutorial"
    assert [chooser.combo.itemText(i) for i in range(chooser.combo.count())] == [
        "Tutorial",
        "Tutorial + augmentation",
        "Robust (small CNN)",
    ]
    panel = window.train_panel
    chooser.set_key("dense-augmented")
    assert panel.epochs.value() == 5 and panel.learning_rate.value() == 0.002
    chooser.set_key("robust")  # each preset brings its own epochs, batch size and rate
    assert (panel.epochs.value(), panel.batch_size.value()) == (2, 256)
    assert panel.learning_rate.value() == 0.005
    chooser.set_key("tutorial")
    assert (panel.epochs.value(), panel.batch_size.value()) == (5, 128)
    assert panel.learning_rate.value() == 0.001


@pytest.mark.slow
@pytest.mark.parametrize("preset", ["dense-augmented", "robust"])
def test_presets_train_one_epoch_and_become_the_model(window, qtbot, mnist, preset):
    panel = window.train_panel
    window.teach.dock.show_tab("network")
    draw_seven(window)
    epochs = []
    panel.epochEnded.connect(lambda epoch, logs: epochs.append(epoch))
    with qtbot.waitSignal(panel.trainingFinished, timeout=TRAIN_TIMEOUT) as blocker:
        assert panel.start_training(epochs=1, batch_size=128, train_limit=2000, preset=preset)
        assert not panel.preset.isEnabled()
    result = blocker.args[0]
    assert "error" not in result, result
    assert epochs == [1] and result["stopped"] is False
    assert 0.5 < result["test_acc"] <= 1.0
    assert panel.preset.key() == preset and panel.preset.isEnabled()
    assert "trained in this session" in window.model_label.text()
    assert window.teach.dock.network._predictor is window.models.predictor
    layers = [layer.kind for layer in window.models.predictor.layers]
    assert ("Conv2D" in layers) == (preset == "robust")


@pytest.mark.slow
def test_export_training_csv_has_one_row_per_epoch(window, qtbot, mnist, tmp_path):
    panel = window.train_panel
    with qtbot.waitSignal(panel.trainingFinished, timeout=TRAIN_TIMEOUT):
        panel.start_training(epochs=2, batch_size=128, train_limit=2000, evaluate=False)
    written = export.export_training(tmp_path / "run.csv", panel)
    names = sorted(p.name for p in written)
    assert names == ["run-batches.csv", "run-curves.png", "run-log.txt", "run.csv"]
    with open(tmp_path / "run.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["epoch", "loss", "accuracy"]
    assert [row[0] for row in rows[1:]] == ["1", "2"]
    assert all(0 < float(row[1]) < 10 and 0 < float(row[2]) <= 1 for row in rows[1:])
    with open(tmp_path / "run-batches.csv", newline="") as handle:
        batches = list(csv.reader(handle))
    assert batches[0][0] == "epochs_elapsed" and len(batches) > 3
    assert "Epoch 2/2" in (tmp_path / "run-log.txt").read_text()
    assert not QImage(str(tmp_path / "run-curves.png")).isNull()


def test_one_run_at_a_time_no_fine_tuning_while_training(qtbot, window, mnist):
    """Fine-tune is off while Train runs (the trained model would silently replace the
    fine-tuned one), and Train is refused, with a reason, while a fine-tune runs."""
    view = window.teach.dock.my_digits
    panel = window.train_panel
    assert view.fine_tune_button.isEnabled() or view._model_source is None
    with qtbot.waitSignal(panel.trainingFinished, timeout=120_000):
        assert panel.start_training(epochs=1, batch_size=128, train_limit=1000)
        assert not view.fine_tune_button.isEnabled()
    view.set_training_running(False)
    view._training = False
    panel.set_blocker(lambda: True)  # as while a fine-tune runs
    assert panel.start_training(epochs=1, train_limit=500) is False
    assert "Fine-tuning" in panel.status.text()
    panel.set_blocker(view.is_fine_tuning)


@pytest.mark.parametrize("opened_before", [False, True])
def test_presenter_mode_keeps_the_view_chosen_while_presenting(window, qtbot, opened_before):
    """A view opened (or closed) in presenter mode swaps places with the panel's progress
    and curves there, and is still open (or closed) after F11: the teacher's last choice."""
    panel = window.train_panel
    window.show_teaching_view("network" if opened_before else None)
    window.teach.presenter.set_active(True)
    assert panel.isVisible() != opened_before
    window.show_teaching_view(None if opened_before else "preprocess")
    qtbot.wait(20)
    dock = window.teach.dock
    assert dock.isVisible() != opened_before
    assert panel.isVisible() == opened_before  # the view or the progress, never both
    if opened_before:  # the progress and curves back, the settings still hidden
        assert panel.curves.isVisible() and not panel.log.isVisible()
    window.teach.presenter.set_active(False)
    qtbot.wait(20)
    assert dock.isVisible() != opened_before
    assert panel.isVisible()
    assert panel.is_compact() != opened_before
    assert panel.log.isVisible() == opened_before
