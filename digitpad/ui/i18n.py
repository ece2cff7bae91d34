"""Choose the user-interface language and install Qt translators for it.

English is the source language (no translator); Korean comes from
``resources/digitpad_ko.qm`` plus Qt's own ``qtbase_ko.qm`` for standard dialog buttons.
The choice is: explicit (``--lang``) > saved setting (the Language menu) > system
locale > English. Installing or removing a translator makes Qt send
``QEvent.LanguageChange`` to every widget, which is how the open window retranslates
itself without losing the drawing or the model (see docs/i18n.md).
"""

from __future__ import annotations

import logging
import re

from PySide6.QtCore import QCoreApplication, QEvent, QLibraryInfo, QLocale, QTranslator

from digitpad.ml.resources import resource_path

log = logging.getLogger(__name__)

ENGLISH = "en"
KOREAN = "ko"
SUPPORTED = (ENGLISH, KOREAN)
LANGUAGE_KEY = "ui/language"

# The language names as shown in the Language menu: each in its own language, on purpose
# (someone who cannot read the current language must still find theirs), so never tr().
NATIVE_NAMES = {ENGLISH: "English", KOREAN: "한국어"}

_LOCALES = {ENGLISH: QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)}
_LOCALES[KOREAN] = QLocale(QLocale.Language.Korean, QLocale.Country.SouthKorea)

_installed: list[QTranslator] = []  # kept referenced: Python must not collect them
_state = {"language": ENGLISH}


def qm_path(code: str):
    """Where the compiled translation of ``code`` is shipped (it may be missing)."""
    return resource_path(f"digitpad_{code}.qm")


def normalize(code: str | None) -> str | None:
    """``"ko"``, ``"ko_KR"``, ``"ko-KR.UTF-8"`` -> ``"ko"``; unknown or empty -> ``None``."""
    if not code:
        return None
    short = str(code).strip().lower().replace("-", "_").split("_")[0].split(".")[0]
    return short if short in SUPPORTED else None


def system_language(locale: QLocale | None = None) -> str:
    """The system locale's language if we have it, else English."""
    locale = locale if locale is not None else QLocale.system()
    for name in [*locale.uiLanguages(), locale.name()]:
        code = normalize(name)
        if code is not None:
            return code
    return ENGLISH


def saved_language(settings=None) -> str | None:
    """The language remembered from the Language menu, or ``None``."""
    settings = settings if settings is not None else _settings()
    return normalize(settings.text_value(LANGUAGE_KEY, ""))


def remember_language(code: str, settings=None) -> None:
    settings = settings if settings is not None else _settings()
    settings.set_value(LANGUAGE_KEY, code)
    settings.sync()


def choose_language(explicit: str | None = None, settings=None, locale=None) -> str:
    """Explicit > saved setting > system locale > English."""
    return normalize(explicit) or saved_language(settings) or system_language(locale) or ENGLISH


def current_language() -> str:
    return _state["language"]


def install(app: QCoreApplication, code: str) -> str:
    """Replace the installed translators with those for ``code``; return the language used.

    Falls back to English (and logs why) when the ``.qm`` file is missing or unreadable,
    so a broken install still shows a usable window.
    """
    code = normalize(code) or ENGLISH
    for translator in _installed:
        app.removeTranslator(translator)
    _installed.clear()
    if code != ENGLISH:
        own = QTranslator(app)
        path = qm_path(code)
        if not own.load(str(path)):
            log.warning("no translation for %r at %s; using English", code, path)
            code = ENGLISH
        else:
            qt_dir = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            base = QTranslator(app)
            if base.load(_LOCALES[code], "qtbase", "_", qt_dir):
                _installed.append(base)
            else:
                log.info("Qt's own %s translation not found in %s", code, qt_dir)
            _installed.append(own)  # installed last = searched first
    for translator in _installed:
        app.installTranslator(translator)
    QLocale.setDefault(_LOCALES[code])
    _state["language"] = code
    log.info("user interface language: %s", code)
    return code


def set_language(app: QCoreApplication, code: str, *, remember: bool = True) -> str:
    """Switch the running application; every widget then receives LanguageChange."""
    used = install(app, code)
    if remember:
        remember_language(used)
    return used


def setup(app: QCoreApplication, explicit: str | None = None) -> str:
    """At start-up: pick the language and install it. ``--lang`` is remembered too."""
    code = choose_language(explicit)
    used = install(app, code)
    if normalize(explicit) is not None:
        remember_language(used)
    return used


def _settings():
    from digitpad.ui.settings import Settings

    return Settings()


class Retranslatable:
    """Mixin for widgets (list it before the Qt class): Qt's ``LanguageChange`` event
    calls the widget's ``retranslate_ui()``, which sets every text again."""

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


def plain_action_text(text: str) -> str:
    """A menu text as a button shows it: without its mnemonic ("&Undo" -> "Undo", and
    the Korean style "실행 취소(&U)" -> "실행 취소", where Qt would leave "(U)") and
    without a trailing "…"."""
    plain = re.sub(r"\(&\w\)", "", text)
    plain = plain.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return plain.removesuffix("…")
