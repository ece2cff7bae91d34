"""Open the real window, draw a digit with mouse events, optionally train, save PNGs.

    xvfb-run -a python3 scripts/screenshot.py docs            # idle, drawing
    xvfb-run -a python3 scripts/screenshot.py docs --train    # + training, trained
    xvfb-run -a python3 scripts/screenshot.py shots --teach   # + each Teach tab, presenter
    xvfb-run -a -s "-screen 0 1920x1080x24" python3 scripts/screenshot.py shots --projector
        # 1280x720, 1366x768, 1920x1080 x English, Korean x no view, each view, two networks,
        # in the normal window and in presenter mode; prints the pad's share of the height
        # and any clipped text for each picture
    xvfb-run -a python3 scripts/screenshot.py shots --reading
        # "why this digit?" and "write a number", English and Korean, and presenter mode
    xvfb-run -a python3 scripts/screenshot.py shots --layers
        # Inside the network at 1280x720 and 1366x768, English and Korean, window and
        # presenter mode: the robust CNN with a feature map close up (what it pushes toward,
        # the digits that excite it most), the tutorial with a unit close up and its
        # hidden -> output connections; prints the layout check of each

Works offscreen too (QT_QPA_PLATFORM=offscreen). Settings go to a temporary folder so
the pictures do not depend on, or change, the user's own settings. The README picture
is saved as ``screenshot.png`` (the trained window with --train, else the drawing).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QSettings, QTimer


def wait(app, ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="docs")
    parser.add_argument("--train", action="store_true", help="also run a short training")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--limit", type=int, default=None, help="training images to use")
    parser.add_argument("--digit", type=int, default=0, help="MNIST test image to re-draw")
    parser.add_argument("--size", default="1280x800")
    parser.add_argument(
        "--teach", action="store_true", help="also each teaching tab and presenter mode"
    )
    parser.add_argument(
        "--projector", action="store_true", help="the projector matrix of sizes and languages"
    )
    parser.add_argument(
        "--compare", metavar="NETWORK", help="also the drawing read by two networks (compare.png)"
    )
    parser.add_argument(
        "--layers", action="store_true", help="Inside the network, every layer (layers-*.png)"
    )
    parser.add_argument(
        "--reading",
        action="store_true",
        help="'why this digit?' and 'write a number' (why-*.png, number-*.png)",
    )
    return parser.parse_args()


def digit_strokes(index: int):
    from digitpad.ui._testing import seven, strokes_from_image

    try:
        from digitpad.ml.data import load_mnist

        return strokes_from_image(load_mnist().x_test[index])
    except Exception as exc:  # noqa: BLE001 - any dataset trouble: draw a hand-made 7
        print(f"MNIST not available ({exc}); drawing a 7", file=sys.stderr)
        return seven()


def teach_shots(app, window, shot) -> None:
    """teach-<tab>.png for every Teach tab, then presenter.png (and back)."""
    dock = window.teach.dock
    window.resize(1600, 900)
    for key in ("network", "preprocess", "digits", "evaluate"):
        dock.show_tab(key)
        wait(app, 300)
        if key == "evaluate":
            for _ in range(100):  # MNIST loads and evaluates in the background
                if not dock.evaluation.is_busy():
                    break
                wait(app, 100)
            wait(app, 200)
        shot(f"teach-{key}")
    dock.hide()
    window.teach.presenter.set_active(True)
    wait(app, 500)
    shot("presenter")
    window.teach.presenter.set_active(False)
    wait(app, 300)
    shot("after-presenter")


PROJECTOR_SIZES = ((1280, 720), (1366, 768), (1920, 1080))
VIEWS = (None, "evaluate", "network", "preprocess", "digits", "compare")


def projector_shots(app, window, out: Path, strokes) -> int:
    """<lang>-<size>-<view>.png; returns how many pictures break the layout rules."""
    from digitpad.ui import i18n
    from digitpad.ui._testing import draw_strokes

    failures = 0
    for lang in ("en", "ko"):
        i18n.set_language(app, lang, remember=False)
        for width, height in PROJECTOR_SIZES:
            window.showNormal()
            window.resize(width, height)
            wait(app, 300)
            window.canvas.clear()
            draw_strokes(window.canvas, strokes)
            for view in VIEWS:
                window.set_comparison("robust" if view == "compare" else None)
                window.show_teaching_view(None if view in (None, "compare") else view)
                wait(app, 2500 if view == "evaluate" else 400)
                failures += not saved_and_checked(
                    window, out, f"{lang}-{width}x{height}-{view or 'pad'}"
                )
            failures += presenter_shots(app, window, out, f"{lang}-{width}x{height}")
    window.set_comparison(None)
    window.show_teaching_view(None)
    i18n.set_language(app, "en", remember=False)
    return failures


def saved_and_checked(window, out: Path, name: str) -> bool:
    """Save the window as ``name``.png and print its layout check; ``True`` if it keeps
    the rules (the pad >= 45 % of the height, no clipped text)."""
    from digitpad.ui import _layout_check as layout_check

    window.grab().save(str(out / f"{name}.png"))
    side = window.canvas.drawing_rect().width()
    share = side / window.height()
    problems = layout_check.clipped_texts(window)
    print(f"{name}: pad {side}px = {share:.0%} of the height; clipped: {problems}")
    return share >= 0.45 and not problems


def presenter_shots(app, window, out: Path, prefix: str) -> int:
    """presenter-<lang>-<size>-<view>.png: presenter mode on a projector of the window's
    size (full screen is that size there; here the window is given it, since this screen
    is larger). Returns how many break the layout rules."""

    size = window.size()
    window.showFullScreen = lambda: window.resize(size)  # the projector's full screen
    failures = 0
    try:
        # "unit": Inside the network with its strongest unit shown close up.
        for view in (*VIEWS, "unit"):
            window.set_comparison("robust" if view == "compare" else None)
            window.show_teaching_view(
                {None: None, "compare": None, "unit": "network"}.get(view, view)
            )
            network = window.teach.dock.page("network") if view == "unit" else None
            if network is not None:
                network.show_unit(int(network.grid.order()[0]))
            window.teach.presenter.set_active(True)
            wait(app, 400)
            failures += not saved_and_checked(window, out, f"presenter-{prefix}-{view or 'pad'}")
            window.teach.presenter.set_active(False)
            if network is not None:
                network.show_unit(None)
            wait(app, 100)
    finally:
        del window.showFullScreen
    return failures


def write_number(window, text: str) -> None:
    """Write ``text`` on the wide pad, each digit re-drawn by hand from an MNIST test
    digit (or, without MNIST, a 1 or a 7), side by side with small irregular gaps."""
    from digitpad.ui._testing import drag, seven

    try:
        from digitpad.ml.data import load_mnist

        mnist = load_mnist()
        firsts = {d: int((mnist.y_test == d).argmax()) for d in range(10)}
        pick = {d: digit_strokes(firsts[d]) for d in range(10)}
    except Exception:  # noqa: BLE001 - no MNIST: a hand-made 7 and 1
        pick = {d: seven() if d == 7 else [[(14, 5), (14, 23)]] for d in range(10)}
    area = window.canvas.drawing_rect()
    h = area.height()
    scale = h / 28 * 0.95
    for i, ch in enumerate(text):
        left = area.left() + h * (0.1 + 0.55 * i + 0.04 * (i % 2))
        for line in pick[int(ch)]:
            drag(
                window.canvas,
                [(left + x * scale - 0.2 * h, area.top() + y * scale) for x, y in line],
            )


def reading_shots(app, window, shot, strokes) -> None:
    """why-<lang>.png, why-not-<lang>.png, number-<lang>.png, number-presenter.png."""
    from digitpad.ui import i18n
    from digitpad.ui._testing import draw_strokes

    reading = window.reading
    for lang in ("en", "ko"):
        i18n.set_language(app, lang, remember=False)
        window.set_reading_mode("digit")
        window.canvas.clear()
        reading.explain_action.setChecked(True)
        draw_strokes(window.canvas, strokes)
        wait(app, 300)
        shot(f"why-{lang}")
        reading.versus.setCurrentIndex(reading.versus.findData(-1))  # the runner-up
        wait(app, 200)
        shot(f"why-not-{lang}")
        reading.versus.setCurrentIndex(0)
        reading.explain_action.setChecked(False)
        window.set_reading_mode("number")
        wait(app, 200)
        write_number(window, "2026")
        wait(app, 300)
        print(f"{lang}: the number reads {window.current_number()}", flush=True)
        shot(f"number-{lang}")
    window.teach.presenter.set_active(True)
    wait(app, 500)
    shot("number-presenter")
    window.teach.presenter.set_active(False)
    window.set_reading_mode("digit")
    i18n.set_language(app, "en", remember=False)


def layer_shots(app, window, out: Path, strokes) -> int:
    """layers-<lang>-<size>-<network>[-presenter].png; returns how many break the rules."""
    from digitpad.ui import i18n
    from digitpad.ui._testing import draw_strokes

    failures = 0
    size_before = window.size()
    for network in ("robust", "tutorial"):
        window.models.load_bundled(network)
        wait(app, 300)
        for lang in ("en", "ko"):
            i18n.set_language(app, lang, remember=False)
            for width, height in ((1280, 720), (1366, 768)):
                window.showNormal()
                window.resize(width, height)
                window.canvas.clear()
                draw_strokes(window.canvas, strokes)
                window.show_teaching_view("network")
                view = window.teach.dock.page("network")
                if network == "robust":
                    conv = next(c for c in view.stack.cards if c.facts and c.facts.kind == "Conv2D")
                    view.show_map(conv.facts.index, 3)
                else:
                    view.show_unit(int(view.grid.order()[0]))
                for _ in range(150):  # the exemplars: searched once per network
                    if view.exemplars.exemplars() is not None:
                        break
                    wait(app, 100)
                for presenter in (False, True):
                    size = window.size()
                    window.showFullScreen = lambda size=size: window.resize(size)
                    window.teach.presenter.set_active(presenter)
                    wait(app, 500)
                    name = f"layers-{lang}-{width}x{height}-{network}"
                    name += "-presenter" if presenter else ""
                    failures += not saved_and_checked(window, out, name)
                    window.teach.presenter.set_active(False)
                    del window.showFullScreen
                view.show_map(None)
                view.show_unit(None)
    window.show_teaching_view(None)
    i18n.set_language(app, "en", remember=False)
    window.resize(size_before)
    return failures


def extra_shots(app, window, shot, args) -> None:
    if args.compare:
        compare_shot(app, window, shot, args.compare)
    if args.reading:
        reading_shots(app, window, shot, digit_strokes(args.digit))


def compare_shot(app, window, shot, network: str) -> None:
    window.set_comparison(network)
    wait(app, 200)
    shot("compare")
    window.set_comparison(None)


def main() -> int:
    args = parse_args()
    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)
    settings_dir = tempfile.mkdtemp(prefix="digitpad-shot-")
    os.environ.setdefault("DIGITPAD_DATA_HOME", settings_dir)  # "My digits": not the user's
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir)

    from digitpad.ui.shell.app import application

    app = application(sys.argv[:1])
    from digitpad.ui import MainWindow
    from digitpad.ui._testing import draw_strokes

    window = MainWindow()
    width, height = (int(v) for v in args.size.split("x"))
    window.resize(width, height)
    window.show()
    wait(app, 300)
    saved = []

    def shot(name: str) -> None:
        path = out / f"{name}.png"
        window.grab().save(str(path))
        saved.append(path)
        print(path, flush=True)

    if args.projector or args.layers:
        shots = projector_shots if args.projector else layer_shots
        failures = shots(app, window, out, digit_strokes(args.digit))
        window.close()
        shutil.rmtree(settings_dir, ignore_errors=True)
        return 1 if failures else 0
    shot("idle")
    draw_strokes(window.canvas, digit_strokes(args.digit))
    wait(app, 200)
    shot("drawing")
    readme = out / "drawing.png"
    if args.compare or args.reading:
        extra_shots(app, window, shot, args)
    if args.train:
        panel = window.train_panel
        done = QEventLoop()
        panel.epochEnded.connect(lambda epoch, logs: epoch == 2 and shot("training"))
        panel.trainingFinished.connect(lambda result: done.quit())
        panel.start_training(epochs=args.epochs, batch_size=128, train_limit=args.limit)
        done.exec()
        wait(app, 300)
        shot("trained")
        readme = out / "trained.png"
    if args.teach:
        teach_shots(app, window, shot)
    shutil.copyfile(readme, out / "screenshot.png")
    print(out / "screenshot.png")
    window.close()
    shutil.rmtree(settings_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
