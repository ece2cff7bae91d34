"""The wall and the join card: a real room (no server), its events forwarded in-thread."""

from __future__ import annotations

import csv

import numpy as np
import pytest
import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox, QScrollArea

from digitpad.classroom import data
from digitpad.classroom.protocol import Refused
from digitpad.classroom.room import ClassRoom
from digitpad.ml.model import bundled_variant_path
from digitpad.ml.predictor import Predictor
from digitpad.ui.teach import class_wall
from digitpad.ui.teach.class_wall import RIGHT_ROLE, ClassWall
from digitpad.ui.teach.join_card import QUIET_ZONE, JoinCard

URL = "http://192.168.1.20:41234/k7p2x9qa3mfh2wzd/"
SEVEN = [[[0.2, 0.2], [0.8, 0.2], [0.45, 0.9]]]
ONE = [[[0.5, 0.1], [0.5, 0.9]]]
ZERO = [[[0.5, 0.1], [0.2, 0.5], [0.5, 0.9], [0.8, 0.5], [0.5, 0.1]]]
HTML_NAME = "<b>bold</b><img src=x>"


@pytest.fixture(scope="module")
def predictor():
    return Predictor.from_file(bundled_variant_path("tutorial"))


@pytest.fixture
def room(tmp_path, predictor):
    room = ClassRoom(tmp_path / "session", predictor, room_code="KMPX")
    yield room
    room.close()


@pytest.fixture
def wall(qtbot, room):
    wall = ClassWall()
    qtbot.addWidget(wall)
    wall.resize(480, 900)
    room.add_listener(wall.room_event)
    wall.set_room(room, URL)
    wall.show()
    qtbot.waitExposed(wall)
    yield wall
    wall.shutdown()


class Sender:
    """Participants sending drawings with fresh page ids."""

    def __init__(self, room: ClassRoom) -> None:
        self.room, self.count = room, 0

    def join(self, nickname: str | None = None):
        return self.room.join(None, nickname, "127.0.0.1")

    def send(self, person, label: int, strokes=SEVEN) -> int:
        self.count += 1
        return self.room.send(person, f"id{self.count:08d}", label, strokes)["drawing"]


def first_line(wall: ClassWall, number: int) -> str:
    return wall.tile(number).text().split("\n")[0]


def test_tiles_appear_newest_first_with_reading_and_mark(wall, room):
    sender = Sender(room)
    mina = sender.join("Mina")
    numbers = [sender.send(mina, 7, SEVEN), sender.send(mina, 1, ONE), sender.send(mina, 3, ZERO)]
    assert wall.visible_tiles() == numbers[::-1]
    marks = set()
    for drawing in room.drawings():
        right = drawing["label"] == drawing["reading"]
        mark = "✓" if right else "✗"
        marks.add(mark)
        assert first_line(wall, drawing["number"]) == (
            f"{drawing['label']}→{drawing['reading']} {mark}"
        )
        assert wall.tile(drawing["number"]).data(RIGHT_ROLE) is right
        assert wall.tile(drawing["number"]).text().split("\n")[1] == "Mina"
    assert marks == {"✓", "✗"}  # the 3 drawn as a 0 is read wrong; the 1 and 7 right


def test_counts_refresh_once_per_burst_and_match_summarize(wall, room, qtbot, monkeypatch):
    calls = []
    real = data.summarize
    monkeypatch.setattr(
        class_wall.data, "summarize", lambda *a, **k: calls.append(1) or real(*a, **k)
    )
    sender = Sender(room)
    people = [sender.join(f"p{i}") for i in range(3)]
    for i in range(12):
        sender.send(people[i % 3], (7, 1, 0)[i % 3], (SEVEN, ONE, ZERO)[i % 3])
    assert len(wall.visible_tiles()) == 12 and calls == []  # tiles now, counts later
    qtbot.waitUntil(lambda: bool(calls), timeout=2000)
    assert len(calls) == 2  # the room's and the round's figures, once for the burst
    wall.set_model_accuracy(0.981)
    wall.flush()
    summary = real(room.drawings())
    assert (wall.summary().confusion == summary.confusion).all()
    assert wall.digit_counts.counts() == summary.per_digit.tolist()
    assert (wall.matrix.matrix() == summary.confusion).all()
    assert wall.sentence.text() == (
        f"This network read {summary.accuracy:.0%} of this room's {summary.total} digits; "
        "98% of MNIST."
    )
    assert wall.round_label.text() == (
        f"Round 1 (free drawing): {summary.correct} of {summary.total} read right"
    )
    wall.set_model_accuracy(None)
    wall.flush()
    assert "MNIST" not in wall.sentence.text()
    rows = {
        wall.people.topLevelItem(i).text(0): wall.people.topLevelItem(i).text(2)
        for i in range(wall.people.topLevelItemCount())
    }
    right = {room.participant(p.id).nickname: summary.per_participant[p.id][1] for p in people}
    assert rows == {name: str(count) for name, count in right.items()}


def test_hide_removes_a_tile_and_its_count_show_again_restores(wall, room, qtbot):
    sender = Sender(room)
    mina = sender.join("Mina")
    keep, hide = sender.send(mina, 7), sender.send(mina, 1, ONE)
    wall.flush()
    assert wall.summary().total == 2
    wall.grid.setCurrentItem(wall.tile(hide))
    qtbot.mouseClick(wall.hide_button, Qt.MouseButton.LeftButton)
    assert room.drawings()[hide]["status"] == "hidden"
    assert wall.visible_tiles() == [keep]
    wall.flush()
    assert wall.summary().total == 1 and wall.digit_counts.counts()[1] == 0
    assert wall.summary().total == data.summarize(room.drawings()).total
    wall.show_hidden_box.setChecked(True)  # hidden drawings shown, dimmed, to bring back
    assert wall.visible_tiles() == [hide, keep]
    wall.grid.clearSelection()
    wall.grid.setCurrentItem(wall.tile(hide))
    assert wall.show_button.isEnabled() and not wall.hide_button.isEnabled()
    qtbot.mouseClick(wall.show_button, Qt.MouseButton.LeftButton)
    wall.show_hidden_box.setChecked(False)
    assert wall.visible_tiles() == [hide, keep]
    wall.flush()
    assert wall.summary().total == 2


def test_a_status_changed_elsewhere_reaches_the_wall(wall, room):
    sender = Sender(room)
    mina = sender.join("Mina")
    number = sender.send(mina, 7)
    room.set_status(number, "hidden")  # not through the wall
    wall.flush()
    assert wall.visible_tiles() == []


def test_removing_a_participant_hides_their_drawings(wall, room):
    sender = Sender(room)
    mina, jun = sender.join("Mina"), sender.join("Jun")
    mine = [sender.send(mina, 7), sender.send(mina, 1, ONE)]
    theirs = sender.send(jun, 7)
    wall.remove_participant(mina.id)
    assert wall.visible_tiles() == [theirs]
    assert all(room.drawings()[n]["status"] == "hidden" for n in mine)
    assert room.participant(mina.id).removed
    with pytest.raises(Refused):
        sender.send(mina, 7)
    wall.flush()
    names = [wall.people.topLevelItem(i).text(0) for i in range(wall.people.topLevelItemCount())]
    assert names == ["Mina (removed)", "Jun"]
    assert wall.summary().total == 1
    assert wall.status_label.text() == "Removed Mina: their drawings are hidden."


def test_remove_button_asks_first(wall, room, qtbot, monkeypatch):
    sender = Sender(room)
    mina = sender.join("Mina")
    number = sender.send(mina, 7)
    wall.grid.setCurrentItem(wall.tile(number))
    answers = [QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: answers.pop(0))
    qtbot.mouseClick(wall.remove_button, Qt.MouseButton.LeftButton)
    assert not room.participant(mina.id).removed
    qtbot.mouseClick(wall.remove_button, Qt.MouseButton.LeftButton)
    assert room.participant(mina.id).removed and wall.visible_tiles() == []


def test_approval_first_holds_new_drawings_until_approved(wall, room, qtbot):
    sender = Sender(room)
    mina = sender.join("Mina")
    before = sender.send(mina, 7)
    qtbot.mouseClick(wall.approve_box, Qt.MouseButton.LeftButton)
    assert room.approve_first
    waiting = [sender.send(mina, 1, ONE), sender.send(mina, 7)]
    assert wall.visible_tiles() == [before]
    assert wall.waiting_numbers() == waiting  # oldest first
    wall.flush()
    assert wall.waiting_box.isVisible() and wall.summary().total == 1
    wall.waiting.setCurrentRow(0)
    qtbot.mouseClick(wall.approve_button, Qt.MouseButton.LeftButton)
    assert room.drawings()[waiting[0]]["status"] == "shown"
    assert wall.visible_tiles() == [waiting[0], before]
    assert wall.waiting_numbers() == [waiting[1]]
    wall.waiting.setCurrentRow(0)
    qtbot.mouseClick(wall.reject_button, Qt.MouseButton.LeftButton)
    assert room.drawings()[waiting[1]]["status"] == "hidden" and wall.waiting_numbers() == []
    assert wall.visible_tiles() == [waiting[0], before]


def test_pause_and_rounds_drive_the_room(wall, room, qtbot):
    qtbot.mouseClick(wall.pause_box, Qt.MouseButton.LeftButton)
    assert room.paused
    wall.flush()
    assert "Intake paused" in wall.round_label.text()
    room.set_paused(False)  # from elsewhere: the box follows
    assert not wall.pause_box.isChecked()
    wall.round_kind.setCurrentIndex(wall.round_kind.findData("digit"))
    assert wall.round_digit.isVisible()
    wall.round_digit.setValue(3)
    qtbot.mouseClick(wall.round_button, Qt.MouseButton.LeftButton)
    assert room.round == {"id": 2, "kind": "digit", "digit": 3}
    sender = Sender(room)
    mina = sender.join("Mina")
    sender.send(mina, 9, ZERO)  # the round's digit is what was meant
    wall.flush()
    right = data.summarize(room.drawings(), 2).correct
    assert wall.round_label.text() == f"Round 2 (everyone draws a 3): {right} of 1 read right"
    wall.round_kind.setCurrentIndex(wall.round_kind.findData("challenge"))
    assert not wall.round_digit.isVisible()
    qtbot.mouseClick(wall.round_button, Qt.MouseButton.LeftButton)
    wall.flush()
    assert room.round["kind"] == "challenge"
    assert wall.round_label.text() == "Round 3 (challenge: will it read you?): no digits yet"


def test_activating_a_tile_puts_it_on_the_pad(wall, room, qtbot):
    sender = Sender(room)
    mina = sender.join("Mina")
    numbers = [sender.send(mina, 7), sender.send(mina, 1, ONE)]
    wall.grid.setFocus()
    wall.grid.setCurrentItem(wall.tile(numbers[0]))
    with qtbot.waitSignal(wall.drawingChosen, timeout=1000) as signal:
        qtbot.keyClick(wall.grid, Qt.Key.Key_Return)
    assert signal.args == [numbers[0]]
    wall.scroll.ensureWidgetVisible(wall.grid)  # the click lands where the grid shows
    at = wall.grid.visualItemRect(wall.tile(numbers[1])).center()
    with qtbot.waitSignal(wall.drawingChosen, timeout=1000) as signal:
        for click in (qtbot.mouseClick, qtbot.mouseDClick):  # press, release, double
            click(wall.grid.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier(0), at)
    assert signal.args == [numbers[1]]
    wall.grid.setCurrentItem(wall.tile(numbers[0]))
    with qtbot.waitSignal(wall.drawingChosen, timeout=1000) as signal:
        qtbot.mouseClick(wall.pad_button, Qt.MouseButton.LeftButton)
    assert signal.args == [numbers[0]]


def test_nicknames_are_shown_as_plain_text(wall, room):
    sender = Sender(room)
    person = sender.join(HTML_NAME)
    assert person.nickname == HTML_NAME
    number = sender.send(person, 7)
    wall.remove_participant(person.id)
    wall.flush()
    assert wall.tile(number).text().split("\n")[1] == HTML_NAME
    assert HTML_NAME not in wall.tile(number).toolTip()  # tooltips guess at HTML
    assert wall.people.topLevelItem(0).text(0) == f"{HTML_NAME} (removed)"
    assert HTML_NAME in wall.status_label.text()
    for label in wall.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
    box = wall.removal_box(person.id)
    assert box.textFormat() == Qt.TextFormat.PlainText and HTML_NAME in box.text()
    box.deleteLater()


def test_an_unnamed_participant_is_numbered_in_join_order(wall, room):
    sender = Sender(room)
    sender.join("Mina")
    anonymous = sender.join(None)
    number = sender.send(anonymous, 7)
    assert wall.tile(number).text().split("\n")[1] == "Participant 2"


def test_a_new_nickname_renames_their_tiles(wall, room):
    sender = Sender(room)
    person = sender.join("Mina")
    number = sender.send(person, 7)
    room.join(person.id, "Mina K.", "127.0.0.1")
    wall.flush()
    assert wall.tile(number).text().split("\n")[1] == "Mina K."
    assert wall.people.topLevelItem(0).text(0) == "Mina K."


def test_export_writes_the_counted_digits(wall, room, tmp_path):
    sender = Sender(room)
    mina = sender.join("Mina")
    numbers = [sender.send(mina, 7), sender.send(mina, 1, ONE), sender.send(mina, 0, ZERO)]
    wall.set_status(numbers[1], "hidden")
    assert wall.export_npz_to(tmp_path / "room.npz") == 2
    with np.load(tmp_path / "room.npz") as archive:
        assert archive["x"].shape == (2, 28, 28) and archive["x"].dtype == np.uint8
        assert archive["y"].tolist() == [7, 0]
    assert wall.export_pngs_to(tmp_path / "pngs") == 2
    assert len(list((tmp_path / "pngs").rglob("*.png"))) == 2
    with open(tmp_path / "pngs" / "labels.csv", encoding="utf-8") as handle:
        assert len(list(csv.reader(handle))) == 3
    assert wall.status_label.text().startswith("Saved 2 digits to ")


def test_export_to_an_unwritable_place_says_so_in_one_line(wall, room, tmp_path, qtbot):
    sender = Sender(room)
    sender.send(sender.join("Mina"), 7)
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    messages = []
    wall.statusMessage.connect(messages.append)
    assert wall.export_npz_to(tmp_path / "missing" / "room.npz") is None
    assert wall.export_pngs_to(blocker / "pngs") is None
    assert len(messages) == 2
    for message in messages:
        assert message.startswith("Could not save to ") and "\n" not in message
    assert wall.status_label.text() == messages[-1]
    assert len(room.drawings()) == 1  # nothing lost


def test_export_buttons_go_through_the_dialogs(wall, room, tmp_path, qtbot, monkeypatch):
    sender = Sender(room)
    sender.send(sender.join("Mina"), 7)
    target = tmp_path / "chosen.npz"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    qtbot.mouseClick(wall.npz_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(wall.png_button, Qt.MouseButton.LeftButton)
    assert target.is_file() and (tmp_path / "labels.csv").is_file()


def test_no_session_shows_one_line_and_start(qtbot):
    wall = ClassWall()
    qtbot.addWidget(wall)
    wall.show()
    assert wall.idle_label.text() == "No class session is running."
    assert wall.start_button.isVisible() and not wall.session.isVisible()
    with qtbot.waitSignal(wall.startRequested, timeout=1000):
        qtbot.mouseClick(wall.start_button, Qt.MouseButton.LeftButton)
    wall.room_event("drawing", {"drawing": {}})  # no session: ignored


def test_stopping_and_ending_the_session(wall, room, qtbot):
    sender = Sender(room)
    sender.send(sender.join("Mina"), 7)
    with qtbot.waitSignal(wall.stopRequested, timeout=1000):
        qtbot.mouseClick(wall.stop_button, Qt.MouseButton.LeftButton)
    wall.set_room(None, None)
    assert wall.start_button.isVisible() and wall.visible_tiles() == []


def test_a_room_with_drawings_is_read_once_when_set(qtbot, room):
    sender = Sender(room)
    mina = sender.join("Mina")
    numbers = [sender.send(mina, 7) for _ in range(5)]
    room.set_status(numbers[2], "hidden")
    wall = ClassWall()
    qtbot.addWidget(wall)
    wall.set_room(room, URL)
    assert wall.visible_tiles() == [4, 3, 1, 0]
    wall.room_event("drawing", {"drawing": room.drawings()[4]})  # queued before: kept once
    assert wall.grid.count() == 5 and wall.summary().total == 4


def test_fine_tune_needs_a_model_source(wall, room):
    assert not wall.fine_tune_button.isEnabled()
    wall.set_model_source(lambda: None)
    assert wall.fine_tune_button.isEnabled()
    wall.set_training_running(True)
    assert not wall.fine_tune_button.isEnabled()
    wall.set_training_running(False)
    wall.start_fine_tune()  # no digits yet: says so, starts nothing
    assert not wall.is_fine_tuning() and "No room digits" in wall.result_label.text()


@pytest.mark.parametrize("scale", [1.0, 1.6])  # 1.6: presenter mode's type
def test_the_wall_never_scrolls_sideways_at_480(qtbot, room, scale):
    sender = Sender(room)
    people = [sender.join(name) for name in ("Mina", "", HTML_NAME, "x" * 24, "Ana")]
    for i in range(30):
        sender.send(people[i % 5], i % 10, (SEVEN, ONE, ZERO)[i % 3])
    dock = QScrollArea()  # as the teaching column holds its views
    dock.setWidgetResizable(True)
    qtbot.addWidget(dock)
    wall = ClassWall()
    if scale != 1.0:
        font = QFont(wall.font())
        font.setPointSizeF(font.pointSizeF() * scale)
        wall.setFont(font)
    wall.set_room(room, URL)
    wall.approve_box.setChecked(True)
    sender.send(people[0], 7)  # something waits for approval too
    wall.set_model_accuracy(0.98)
    wall.flush()
    dock.setWidget(wall)
    dock.resize(480, 720)
    dock.show()
    qtbot.waitExposed(dock)
    qtbot.wait(50)
    assert not dock.horizontalScrollBar().isVisible()
    content = wall.scroll.widget()
    assert content.width() <= wall.scroll.viewport().width()
    assert content.minimumSizeHint().width() <= wall.scroll.viewport().width()
    assert wall.minimumSizeHint().height() < 300  # the column's height never pushes the pad
    wall.shutdown()


def test_join_card_shows_the_code_address_and_room(qtbot):
    card = JoinCard()
    qtbot.addWidget(card)
    card.resize(440, 700)
    card.set_address(URL, "KMPX")
    card.show()
    qtbot.waitExposed(card)
    pixmap = card.qr.pixmap()
    assert pixmap is not None and not pixmap.isNull()
    modules = np.array([list(row) for row in segno.make(URL, error="m").matrix], bool)
    n = modules.shape[0] + 2 * QUIET_ZONE
    assert card.qr.modules() == n and pixmap.width() == pixmap.height()
    assert pixmap.width() % n == 0 and pixmap.width() >= 4 * n  # whole pixels a module
    image, step = pixmap.toImage(), pixmap.width() // n
    for row, col in [(QUIET_ZONE, QUIET_ZONE), (QUIET_ZONE + 8, QUIET_ZONE + 3), (0, 0)]:
        dark = image.pixelColor(col * step + step // 2, row * step + step // 2) == QColor("black")
        inside = QUIET_ZONE <= row < n - QUIET_ZONE and QUIET_ZONE <= col < n - QUIET_ZONE
        assert dark == (inside and modules[row - QUIET_ZONE, col - QUIET_ZONE])
    assert card.address_label.text() == URL
    assert card.address_label.textFormat() == Qt.TextFormat.PlainText
    assert card.address_label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse
    assert card.room_label.text() == "Room KMPX"
    assert card.address_label.font().pointSizeF() < card.room_label.font().pointSizeF()
    assert not card.local_demo_button.isVisible() and not card.interfaces.isVisible()


def test_join_card_without_an_address_offers_a_local_demo(qtbot):
    card = JoinCard()
    qtbot.addWidget(card)
    card.set_address(None, "KMPX")
    card.show()
    assert not card.qr.isVisible() and card.local_demo_button.isVisible()
    assert card.note_label.text() and "\n" not in card.note_label.text()
    with qtbot.waitSignal(card.localDemoRequested, timeout=1000):
        qtbot.mouseClick(card.local_demo_button, Qt.MouseButton.LeftButton)
    card.set_address(None, "KMPX", note="Only this computer can join.")
    assert card.note_label.text() == "Only this computer can join."


def test_join_card_chooses_between_networks(qtbot):
    card = JoinCard()
    qtbot.addWidget(card)
    card.set_address(URL, "KMPX")
    card.show()
    card.set_interfaces([("Wi-Fi", "192.168.1.20")], "192.168.1.20")
    assert not card.interfaces.isVisible()
    card.set_interfaces([("Wi-Fi", "192.168.1.20"), ("Ethernet", "10.0.0.5")], "10.0.0.5")
    assert card.interfaces.isVisible() and card.interfaces.currentText() == "Ethernet"
    with qtbot.waitSignal(card.interfaceChosen, timeout=1000) as signal:
        card.interfaces.activated.emit(0)
    assert signal.args == ["192.168.1.20"]
