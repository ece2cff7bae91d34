"""Korean and English: complete translations, language choice, live switching, no clipping."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QLocale, QTranslator
from PySide6.QtWidgets import QWidget

from digitpad.ml import errors as E
from digitpad.ml.data import load_mnist
from digitpad.ml.model import check_model_file, check_shapes
from digitpad.ui import i18n, messages
from digitpad.ui.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "resources" / "translations" / "digitpad_ko.ts"
HANGUL = re.compile("[\uac00-\ud7a3]")
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%n|%L?\d")


def _messages():
    for context in ET.parse(TS).getroot().iter("context"):
        name = context.findtext("name", "")
        for message in context.iter("message"):
            translation = message.find("translation")
            forms = [f.text or "" for f in translation.iter("numerusform")]
            yield name, message.findtext("source", ""), translation, forms or [translation.text]


@pytest.fixture
def english(qapp):
    """Leave every test in English, whatever it switched to."""
    i18n.install(qapp, i18n.ENGLISH)
    yield qapp
    i18n.install(qapp, i18n.ENGLISH)


# --- the .ts / .qm files ---------------------------------------------------------------


def test_every_ts_entry_is_translated():
    entries = list(_messages())
    assert len(entries) > 20
    unfinished = [
        (ctx, src)
        for ctx, src, translation, texts in entries
        if translation.get("type") is not None or not all((t or "").strip() for t in texts)
    ]
    assert unfinished == []


def test_translations_keep_placeholders_and_are_korean():
    for ctx, source, _, texts in _messages():
        for text in texts:
            wanted = sorted(set(PLACEHOLDER.findall(source)))
            assert sorted(set(PLACEHOLDER.findall(text))) == wanted, (ctx, source, text)
        # A translation may keep a technical word (Keras, MNIST, .keras) but not be English.
        if re.search("[A-Za-z]{3}", re.sub(PLACEHOLDER, "", source)):
            assert any(HANGUL.search(t) for t in texts) or source == texts[0], (ctx, source)


def test_ts_matches_the_sources_and_qm_is_compiled_from_it():
    """New or changed user-visible text must be run through scripts/update_translations.py."""
    if shutil.which("pyside6-lupdate") is None or shutil.which("pyside6-lrelease") is None:
        pytest.skip("pyside6-lupdate/lrelease not on PATH")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_translations.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_text_has_a_class_context():
    """``tr = self.tr; tr("...")`` hides the class from lupdate (context ""), so the
    runtime lookup (context = the class) never finds the translation."""
    assert [src for ctx, src, _, _ in _messages() if not ctx] == []


def test_qm_loads_and_translates():
    translator = QTranslator()
    assert translator.load(str(i18n.qm_path("ko")))
    assert translator.translate("ErrorMessages", "The model could not be opened.") == (
        "모델 파일을 열 수 없습니다."
    )


def test_translated_texts_are_literals():
    """lupdate only sees literal strings: tr(f"...") or tr(a + b) would never be translated."""
    offenders = []
    for path in sorted((ROOT / "digitpad").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not isinstance(
                node.func, ast.Attribute | ast.Name
            ):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
            index = {"tr": 0, "translate": 1, "QT_TRANSLATE_NOOP": 1, "QT_TR_NOOP": 0}.get(name)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.JoinedStr | ast.BinOp) or (
                isinstance(arg, ast.Call) and getattr(arg.func, "attr", "") == "format"
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == []


# --- choosing and switching ----------------------------------------------------------


def test_normalize_language_codes():
    assert i18n.normalize("ko_KR.UTF-8") == "ko"
    assert i18n.normalize("ko-KR") == "ko"
    assert i18n.normalize("EN") == "en"
    assert i18n.normalize("de") is None
    assert i18n.normalize("") is None


def test_choice_order_explicit_then_saved_then_system_then_english(qapp):
    settings = Settings()
    korean = QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)
    german = QLocale(QLocale.Language.German, QLocale.Country.Germany)
    assert i18n.choose_language(None, settings, german) == "en"
    assert i18n.choose_language(None, settings, korean) == "ko"
    i18n.remember_language("en", settings)
    assert i18n.choose_language(None, settings, korean) == "en"
    assert i18n.choose_language("ko", settings, german) == "ko"
    settings.set_value(i18n.LANGUAGE_KEY, "klingon")  # corrupt: ignored
    assert i18n.choose_language(None, settings, korean) == "ko"


class _Probe(QWidget):
    def __init__(self):
        super().__init__()
        self.changes = 0

    def changeEvent(self, event):
        if event.type() == QEvent.Type.LanguageChange:
            self.changes += 1
        super().changeEvent(event)


def test_set_language_swaps_translators_notifies_widgets_and_remembers(english, qtbot):
    probe = _Probe()
    qtbot.addWidget(probe)
    lead = "The model could not be opened."
    assert i18n.set_language(english, "ko") == "ko"
    qtbot.waitUntil(lambda: probe.changes >= 1, timeout=2000)
    assert QCoreApplication.translate("ErrorMessages", lead) == "모델 파일을 열 수 없습니다."
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "취소"  # Qt's own buttons
    assert i18n.current_language() == "ko"
    assert i18n.saved_language() == "ko"
    assert i18n.set_language(english, "en") == "en"
    assert QCoreApplication.translate("ErrorMessages", lead) == lead
    assert i18n.saved_language() == "en"


def test_setup_prefers_explicit_and_remembers_it(english):
    assert i18n.setup(english, "ko") == "ko"
    assert i18n.saved_language() == "ko"
    assert i18n.setup(english, None) == "ko"  # the remembered choice
    assert i18n.setup(english, "en") == "en"


def test_missing_translation_falls_back_to_english(english, monkeypatch, tmp_path):
    monkeypatch.setattr(i18n, "qm_path", lambda code: tmp_path / "nothing.qm")
    assert i18n.install(english, "ko") == "en"


# --- ML errors in the user's language ------------------------------------------------


def _raised(call, *args) -> BaseException:
    with pytest.raises(E.DigitpadError) as info:
        call(*args)
    return info.value


class _Shaped:
    def __init__(self, input_shape, output_shape):
        self.input_shape, self.output_shape = input_shape, output_shape


def _common_errors(tmp_path):
    empty = tmp_path / "empty.keras"
    empty.write_bytes(b"")
    text = tmp_path / "text.keras"
    text.write_text("not a zip")
    truncated = tmp_path / "truncated.keras"
    truncated.write_bytes(Path(ROOT / "resources" / "mnist_dense.keras").read_bytes()[:5000])
    return {
        "no_such_file": _raised(check_model_file, tmp_path / "missing.keras"),
        "folder": _raised(check_model_file, tmp_path),
        "empty": _raised(check_model_file, empty),
        "not_keras": _raised(check_model_file, text),
        "truncated": _raised(check_model_file, truncated),
        "input_shape": _raised(check_shapes, _Shaped((None, 32, 32, 3), (None, 10)), "m.keras"),
        "output_shape": _raised(check_shapes, _Shaped((None, 784), (None, 2)), "m.keras"),
        "dataset_missing": _raised(load_mnist, tmp_path / "mnist.npz"),
        "lambda": E.ModelError(
            "m.keras: cannot be loaded (Lambda)", code=E.UNSAFE_CODE, path="m.keras"
        ),
    }


def test_common_ml_errors_read_in_korean(english, tmp_path):
    errors = _common_errors(tmp_path)
    i18n.install(english, "ko")
    for name, error in errors.items():
        text = messages.error_text(error)
        assert error.code in messages.translatable_codes(), name
        first, second = text.splitlines()[:2]
        assert HANGUL.search(first) and HANGUL.search(second), (name, text)
        assert error.path and error.path in text, name
    assert "파일이 없습니다" in messages.error_text(errors["no_such_file"])
    assert "잘려" in messages.error_text(errors["truncated"])


def test_ml_errors_in_english_and_unknown_codes_keep_the_original(english, tmp_path):
    error = _common_errors(tmp_path)["no_such_file"]
    assert messages.error_text(error).splitlines() == [
        "The model could not be opened.",
        f"The file does not exist: {error.path}",
    ]
    i18n.install(english, "ko")
    odd = E.DatasetError("x.npz: something new went wrong")
    assert (
        messages.error_text(odd)
        == "데이터셋을 불러올 수 없습니다.\nx.npz: something new went wrong"
    )


def test_every_ml_error_code_has_a_translated_sentence():
    defined = {
        value for name, value in vars(E).items() if name.isupper() and isinstance(value, str)
    }
    used = set()
    for path in (ROOT / "digitpad" / "ml").glob("*.py"):
        used |= set(re.findall(r"\bE\.([A-Z_]+)\b", path.read_text(encoding="utf-8")))
    assert {getattr(E, name) for name in used} <= defined
    assert defined == messages.translatable_codes()


# --- the window in Korean --------------------------------------------------------------


@pytest.fixture
def window(english, window):
    """conftest's window, opened in English (``english`` runs first) and left in English."""
    return window


def _visible_texts(win) -> dict[str, str]:
    panel = win.train_panel
    return {
        "title": win.windowTitle(),
        "menus": " ".join(a.text() for a in win.menuBar().actions()),
        "train": panel.train_button.text(),
        "stop": panel.stop_button.text(),
        "status": panel.status.text(),
        "box": panel._box.title(),
        "undo": win.undo_action.iconText(),
        "open": win.open_action.text(),
        "brush": win._brush_label.text(),
        "sees": win._sees_label.text(),
        "model": win.model_label.text(),
        "curves": win.train_panel.curves.axis_titles()[0],
    }


def _switch(qtbot, win, code: str) -> None:
    win.language_actions[code].trigger()
    qtbot.waitUntil(lambda: i18n.current_language() == code, timeout=2000)
    QCoreApplication.processEvents()


def test_language_menu_switches_live_and_keeps_drawing_and_model(qtbot, window):
    from digitpad.ui._testing import draw_strokes, seven

    draw_strokes(window.canvas, seven())
    window.refresh_prediction()
    before = window.current_probabilities()
    predictor = window.models.predictor
    english_texts = _visible_texts(window)
    assert english_texts["train"] == "Train" and "Model" in english_texts["menus"]
    names = [a.text() for a in window.language_menu.actions()]
    assert names == ["English", "한국어"]  # each in its own language, never translated

    _switch(qtbot, window, "ko")
    korean = _visible_texts(window)
    for key, text in korean.items():
        assert text != english_texts[key], key
        assert HANGUL.search(text), (key, text)
    assert korean["train"] == "훈련" and korean["undo"] == "실행 취소"  # no "(U)" on buttons
    assert window.language_actions["ko"].isChecked()
    assert i18n.saved_language() == "ko"
    assert not window.canvas.is_empty()
    assert window.models.predictor is predictor
    assert np.allclose(window.current_probabilities(), before)

    _switch(qtbot, window, "en")
    assert _visible_texts(window) == english_texts


def test_korean_window_has_no_clipped_text_at_default_size(qtbot, english):
    from digitpad.ui import MainWindow
    from digitpad.ui._layout_check import clipped_texts
    from digitpad.ui.shell.main_window import DEFAULT_SIZE

    i18n.install(english, "ko")
    win = MainWindow()
    qtbot.addWidget(win)
    # The default size; the window shrinks it only on a smaller screen (offscreen's is).
    win.resize(*DEFAULT_SIZE)
    win.show()
    qtbot.waitExposed(win)
    QCoreApplication.processEvents()
    assert (win.width(), win.height()) == DEFAULT_SIZE == (1280, 800)
    assert win.minimumSizeHint().width() <= win.width()
    assert clipped_texts(win) == []
    bar = win.menuBar()
    needed = sum(bar.actionGeometry(a).width() for a in bar.actions())
    assert needed < bar.width()
    for action in bar.actions():  # every menu item fits its (self-sizing) menu
        menu = action.menu()
        menu.ensurePolished()
        widest = max(menu.fontMetrics().horizontalAdvance(a.text()) for a in menu.actions())
        assert widest < menu.sizeHint().width(), action.text()
    win.train_panel.shutdown()


def test_model_errors_reach_the_user_in_korean(qtbot, window, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QMessageBox

    shown = []
    missing = str(tmp_path / "gone.keras")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (missing, ""))
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, title, text: shown.append((title, text)))
    _switch(qtbot, window, "ko")
    window.open_model()
    ((title, text),) = shown
    assert title == "모델을 열 수 없음"
    assert text.splitlines() == ["모델 파일을 열 수 없습니다.", f"파일이 없습니다: {missing}"]


def test_training_error_lines_are_in_korean(qtbot, window, tmp_path):
    panel = window.train_panel
    _switch(qtbot, window, "ko")
    panel.set_data_path(str(tmp_path / "nowhere.npz"))
    with qtbot.waitSignal(panel.trainingFinished, timeout=60_000) as blocker:
        panel.start_training(epochs=1)
    assert blocker.args[0]["stopped"] is True
    assert "데이터셋을 불러올 수 없습니다." in panel.log_text()
    assert "nowhere.npz" in panel.status.text()
    assert panel.progress.format() == "중지됨"


def test_teaching_views_follow_the_language(qtbot, english, tmp_path):
    from digitpad.ml.model import bundled_model_path
    from digitpad.ml.predictor import Predictor
    from digitpad.ml.user_digits import UserDigits
    from digitpad.ui.teach.evaluation_view import EvaluationView
    from digitpad.ui.teach.network_view import NetworkView
    from digitpad.ui.teach.preprocess_lesson import PreprocessLesson
    from digitpad.ui.teach.user_digits_view import UserDigitsView

    predictor = Predictor.from_file(bundled_model_path())
    rng = np.random.default_rng(0)
    images = rng.integers(0, 255, (12, 28, 28), dtype=np.uint8)
    labels = np.arange(12) % 10
    evaluation = EvaluationView(predictor, images=images, labels=labels)
    network = NetworkView(predictor)
    lesson = PreprocessLesson(predictor)
    digits = UserDigitsView(UserDigits(tmp_path))
    for view in (evaluation, network, lesson, digits):
        qtbot.addWidget(view)
    evaluation.show_cell(0, 0)

    def texts():
        return {
            "tab": evaluation.tabs.tabText(0),
            "accuracy": evaluation.accuracy_label.text(),
            "cell": evaluation.cell_title.text(),
            "browser": evaluation.browser_text.text(),
            "network": network.caption.text() + network.ideas_text(),
            "lesson": lesson.titles[0].text() + lesson.verdicts[0].text(),
            "digits": digits.fine_tune_button.text() + digits.total_label.text(),
        }

    before = texts()
    i18n.set_language(english, "ko", remember=False)
    QCoreApplication.processEvents()
    after = texts()
    for key in before:
        assert after[key] != before[key], key
        assert HANGUL.search(after[key]), (key, after[key])
    assert evaluation.matrix._selected == (0, 0)  # the selection survives the switch
