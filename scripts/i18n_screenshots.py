#!/usr/bin/env python3
"""Screenshots of the window in a language, and a list of texts that do not fit.

    xvfb-run -a python3 scripts/i18n_screenshots.py --lang ko --out /tmp/shots [--train]

Writes window.png (a drawn 7 at the default size), menu-*.png (each menu opened),
error.png (a model-file error dialog) and, with --train, trained.png (after a short
training run: log, curves and status). Prints every clipped text (digitpad.ui._layout_check)
and exits 1 if there is any. Needs a Korean font for Hangul (docs/i18n.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox


def _settle(app: QApplication, ms: int = 300) -> None:
    QTimer.singleShot(ms, app.quit)
    app.exec()


def _shoot_menus(app, window, out: Path) -> None:
    for index, action in enumerate(window.menuBar().actions()):
        menu = action.menu()
        if menu is None:
            continue
        menu.popup(window.mapToGlobal(window.menuBar().actionGeometry(action).bottomLeft()))
        _settle(app, 150)
        menu.grab().save(str(out / f"menu-{index}.png"))
        menu.hide()


def _shoot_error(app, window, out: Path) -> None:
    from digitpad.ml.errors import ModelError
    from digitpad.ml.model import check_model_file
    from digitpad.ui import messages

    try:
        check_model_file(out / "missing.keras")
    except ModelError as exc:
        box = QMessageBox(
            QMessageBox.Icon.Warning, "digitpad", messages.error_text(exc), parent=window
        )
        box.setStandardButtons(QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Help)
        box.show()
        _settle(app, 200)
        box.grab().save(str(out / "error.png"))
        box.close()


def _shoot_teaching(app, window, out: Path, layout_check) -> list[str]:
    """Each tab of the Teach dock, when the window has one (teach-<tab>.png)."""
    dock = getattr(getattr(window, "teach", None), "dock", None)
    if dock is None:
        return []
    problems = []
    for key in list(getattr(dock, "_pages", {})):
        dock.show_tab(key)
        _settle(app, 4000 if key == "evaluate" else 600)  # evaluation runs in the background
        window.grab().save(str(out / f"teach-{key}.png"))
        problems += [f"[{key}] {p}" for p in layout_check.clipped_texts(window)]
    dock.hide()
    _settle(app)
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", default="ko", choices=["en", "ko"])
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--train", action="store_true", help="also train briefly and shoot")
    parser.add_argument("--switch", action="store_true", help="open in English, then switch")
    args = parser.parse_args(argv)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    from digitpad.ui import _layout_check as layout_check
    from digitpad.ui import i18n
    from digitpad.ui._testing import draw_strokes, seven
    from digitpad.ui.shell.app import application
    from digitpad.ui.shell.main_window import MainWindow

    app = application([sys.argv[0]])
    i18n.install(app, "en" if args.switch else args.lang)
    window = MainWindow()
    window.show()
    _settle(app)
    draw_strokes(window.canvas, seven())
    window.refresh_prediction()
    if args.switch:
        i18n.set_language(app, args.lang, remember=False)
    _settle(app)
    window.grab().save(str(out / "window.png"))
    print(f"window {window.width()}x{window.height()} -> {out / 'window.png'}")

    _shoot_menus(app, window, out)
    _shoot_error(app, window, out)

    problems = layout_check.clipped_texts(window)
    problems += _shoot_teaching(app, window, out, layout_check)
    if args.train:
        panel = window.train_panel
        panel.start_training(epochs=2, batch_size=128, train_limit=3000)
        while panel.is_running():
            _settle(app, 500)
        _settle(app)
        window.grab().save(str(out / "trained.png"))
        problems += layout_check.clipped_texts(window)
    for problem in sorted(set(problems)):
        print("clipped:", problem)
    window.close()
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
