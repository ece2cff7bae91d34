#!/usr/bin/env python3
"""Screenshots of a class session, for the README.

    python3 scripts/class_screenshots.py docs/screenshots --phone

--phone: the participant page as a phone shows it (390 x 844 CSS pixels, portrait), in
English and Korean: class-phone-en.png and class-phone-ko.png. A real ``ClassServer``
serves a real ``ClassRoom`` (the bundled tutorial network) on 127.0.0.1; the page runs in
Qt WebEngine, loaded from that server (under its Content-Security-Policy). A digit is
drawn on the page's pad with real mouse events and read by the network, its digit is
tapped, and a nickname is set; each picture is checked (connected, read, bars shown, no
console errors) before it is written.

Runs offscreen unless QT_QPA_PLATFORM says otherwise; Korean needs a Korean font
(fonts-noto-cjk, docs/i18n.md). Each part is a function ``<part>(out_dir)`` listed in
PARTS, chosen with ``--<part>``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QTWEBENGINE_CHROMIUM_FLAGS", "--no-sandbox --disable-gpu")

from PySide6.QtCore import QCoreApplication, QEventLoop, QPoint, Qt, QTimer, QUrl
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

PHONE = (390, 844)
WAIT_S = 10.0
# What each phone draws (pad fractions, a list of strokes), the digit tapped and the
# nickname. Both digits leave the network a little unsure (a 4 or a 9?), so the bars show
# more than one digit.
PHONE_SHOTS = {
    "en": {
        "strokes": [[(0.6, 0.18), (0.3, 0.5), (0.74, 0.5)], [(0.65, 0.3), (0.63, 0.88)]],
        "label": 4,
        "nickname": "Mina",
    },
    "ko": {
        "strokes": [
            [(0.66, 0.3), (0.5, 0.18), (0.45, 0.3), (0.42, 0.4), (0.66, 0.4), (0.66, 0.3)],
            [(0.66, 0.3), (0.6, 0.85)],
        ],
        "label": 9,
        "nickname": "민준",
    },
}


def _application() -> QApplication:
    """The QApplication, set up as ``digitpad`` sets it up; Qt WebEngine loaded first (it
    must be, before the application exists)."""
    if QApplication.instance() is None:
        QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
        import PySide6.QtWebEngineWidgets  # noqa: F401

    from digitpad.ui.shell.app import application

    return application(sys.argv[:1])


def _pause(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


class _Phone:
    """The participant page in a phone-sized view, driven with real input."""

    def __init__(self, url: str, size=PHONE) -> None:
        from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
        from PySide6.QtWebEngineWidgets import QWebEngineView

        console = self.console = []

        class Page(QWebEnginePage):
            def javaScriptConsoleMessage(self, level, message, line, source):
                console.append((level.name, message, line, source))

        self.profile = QWebEngineProfile()  # off the record: nothing kept between runs
        self.view = QWebEngineView()
        self.page = Page(self.profile, self.view)
        self.view.setPage(self.page)
        self.view.resize(*size)
        self.view.show()
        loaded: list[bool] = []
        self.view.loadFinished.connect(loaded.append)
        self.view.load(QUrl(url))
        self.wait(lambda: loaded, "the page to load")
        if not loaded[0]:
            raise RuntimeError(f"the page did not load from {url}")

    def close(self) -> None:
        self.view.close()
        self.view.setPage(None)
        self.page.deleteLater()
        self.view.deleteLater()
        _pause(50)
        self.profile.deleteLater()

    def wait(self, condition, what: str):
        deadline = time.monotonic() + WAIT_S
        while time.monotonic() < deadline:
            value = condition()
            if value:
                return value
            _pause(50)
        raise RuntimeError(f"timed out waiting for {what}")

    def js(self, code: str):
        box: list = []
        self.page.runJavaScript(code, 0, box.append)
        self.wait(lambda: box, "JavaScript")
        return box[0]

    def state(self) -> dict:
        return json.loads(self.js("JSON.stringify(window.digitpadPage.state())"))

    def until(self, condition, what: str) -> dict:
        """The page's state once ``condition(state)`` holds."""

        def met():
            state = self.state()
            return state if condition(state) else None

        return self.wait(met, what)

    def rect(self, selector: str) -> dict:
        element = f"document.querySelector({json.dumps(selector)})"
        return json.loads(self.js(f"JSON.stringify({element}.getBoundingClientRect())"))

    def draw(self, strokes, steps: int = 12) -> None:
        """Drag each stroke (pad fractions) across the pad with the mouse."""
        from digitpad.ui._testing import drag

        pad = self.rect("#pad")
        for stroke in strokes:
            points = [
                (x0 + (x1 - x0) * k / steps, y0 + (y1 - y0) * k / steps)
                for (x0, y0), (x1, y1) in itertools.pairwise(stroke)
                for k in range(steps)
            ] + [stroke[-1]]
            where = [
                (pad["left"] + x * pad["width"], pad["top"] + y * pad["height"]) for x, y in points
            ]
            drag(self.view.focusProxy(), where, live=True)
            _pause(30)

    def tap(self, selector: str) -> None:
        r = self.rect(selector)
        where = QPoint(round(r["left"] + r["width"] / 2), round(r["top"] + r["height"] / 2))
        QTest.mouseClick(
            self.view.focusProxy(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, where
        )


def phone(out_dir: str | os.PathLike) -> list[Path]:
    """The participant page on a phone, English and Korean (class-phone-<lang>.png)."""
    from digitpad.ml.model import bundled_variant_path
    from digitpad.ml.predictor import Predictor

    _application()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    predictor = Predictor.from_file(bundled_variant_path("tutorial"))
    with tempfile.TemporaryDirectory(prefix="digitpad-class-shots-") as folder:
        return [
            _phone_shot(predictor, Path(folder) / lang, out / f"class-phone-{lang}.png", lang)
            for lang in PHONE_SHOTS
        ]


def _phone_shot(predictor, folder: Path, path: Path, lang: str) -> Path:
    from digitpad.classroom.room import ClassRoom
    from digitpad.classroom.server import ClassServer

    shot = PHONE_SHOTS[lang]
    room = ClassRoom(folder, predictor, lang=lang, room_code="KTRM")
    server = ClassServer(room, "127.0.0.1", 0)
    page = None
    try:
        page = _Phone(server.start() + f"#lang={lang}")
        page.until(lambda s: s["connected"], "the welcome")
        page.js(
            "var n = document.getElementById('nickname');"
            f" n.value = {json.dumps(shot['nickname'])}; n.dispatchEvent(new Event('change')); 1"
        )
        page.wait(lambda: room.participants()[0]["nickname"] == shot["nickname"], "the nickname")
        page.draw(shot["strokes"])
        page.tap(f'.label[data-digit="{shot["label"]}"]')
        page.until(
            lambda s: s["label"] == shot["label"] and (s["lastReading"] or {}).get("probabilities"),
            "the reading",
        )
        _pause(400)  # a reading still on its way lands first
        state = page.state()
        problems = [m for m in page.console if m[0] != "InfoMessageLevel"]
        if problems or not state["connected"] or state["lang"] != lang:
            raise RuntimeError(f"{lang}: {state} {problems}")
        if not page.view.grab().save(str(path)):
            raise RuntimeError(f"could not write {path}")
        probabilities = state["lastReading"]["probabilities"]
        top = sorted(range(10), key=lambda d: -probabilities[d])[:3]
        shown = ", ".join(f"{d}: {probabilities[d]:.0%}" for d in top)
        print(f"{path}: read {state['lastReading']['digit']} ({shown})")
        return path
    finally:
        if page is not None:
            page.close()
        server.stop()
        room.close()


ROOM = ["Mina", "민준", "Leo", "Sora", "Aiden", "지우"]


def _room_digits(count: int = 40) -> list[tuple[int, list]]:
    """Real pen-written digits (the held-out writers in tests/data) as phones send them."""
    from digitpad.ml.pendigits import load_pendigits

    pen = load_pendigits(Path(__file__).resolve().parents[1] / "tests/data/pendigits-heldout.tra")
    found = []
    for index in range(0, len(pen), max(1, len(pen) // count))[:count]:
        strokes = pen.strokes[index]
        points = [p for stroke in strokes for p in stroke]
        xs, ys = [float(p[0]) for p in points], [float(p[1]) for p in points]
        side = max(max(xs) - min(xs), max(ys) - min(ys)) or 1.0
        scaled = [
            [
                [0.2 + 0.6 * (float(x) - min(xs)) / side, 0.2 + 0.6 * (float(y) - min(ys)) / side]
                for x, y in stroke
            ]
            for stroke in strokes
        ]
        found.append((int(pen.labels[index]), scaled))
    return found


def wall(out_dir: str | os.PathLike) -> list[Path]:
    """The wall at 1280x720 (a room of six has sent 40 real pen-written digits), in the
    window and in presenter mode, English and Korean (class-wall-<mode>-<lang>.png)."""
    from digitpad.ui import MainWindow, i18n

    app = QApplication.instance()
    folder = Path(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as data:
        os.environ["DIGITPAD_DATA_HOME"] = data
        for lang in ("en", "ko"):
            i18n.install(app, lang)
            window = MainWindow()
            window.resize(1280, 720)
            window.show()
            window.showFullScreen = lambda w=window: w.resize(1280, 720)
            window.class_session.start("127.0.0.1")
            room = window.class_session.room
            people = [room.join(None, n, f"127.0.0.{k + 2}") for k, n in enumerate(ROOM)]
            for k, (label, strokes) in enumerate(_room_digits()):
                room.send(people[k % len(people)], f"wall{k:06d}", label, strokes)
            window.show_teaching_view("class")
            _pause(400)
            window.teach.dock.wall.card_toggle.setChecked(False)  # everyone has joined
            window.teach.put_on_pad(3)
            for mode in ("window", "presenter"):
                window.teach.presenter.set_active(mode == "presenter")
                _pause(400)
                path = folder / f"class-wall-{mode}-{lang}.png"
                window.grab().save(str(path))
                written.append(path)
                print(path)
            window.teach.presenter.set_active(False)
            window.close()
        i18n.install(app, "en")
    return written


PARTS = {"phone": phone, "wall": wall}  # --<name>: name(out_dir) -> the files written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="docs/screenshots")
    for name, part in PARTS.items():
        parser.add_argument(f"--{name}", action="store_true", help=part.__doc__.splitlines()[0])
    args = parser.parse_args(argv)
    chosen = [name for name in PARTS if getattr(args, name)]
    if not chosen:
        parser.error("choose what to take: " + " ".join(f"--{name}" for name in PARTS))
    _application()
    for name in chosen:
        PARTS[name](args.folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
