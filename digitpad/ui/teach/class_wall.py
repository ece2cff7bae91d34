"""The wall: a class session as the presenter sees it, in the column beside the pad.

Top to bottom: the join card (hidden by a toggle once the room has joined), the
session's controls (stop, pause intake, approve first, rounds), the room's accuracy
beside MNIST's and the current round's result, drawings waiting for approval, the live
grid of drawings, counts per digit, the participants and the room's confusion matrix,
then fine-tuning on the room's digits and export.

It shows and wires; the room (``digitpad.classroom.room.ClassRoom``) holds the state and
``digitpad.classroom.data`` does the counting. The shell owns the server and forwards
every room event to ``room_event`` in the GUI thread. A drawing adds one tile; counts,
sentence, participants and matrix are refreshed at most every 100 ms, however fast the
room sends. Participants' texts (nicknames) are only ever shown as plain text.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHeaderView,
    QLayout,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from digitpad.classroom import data
from digitpad.classroom.room import ROUND_KINDS
from digitpad.ui.i18n import Retranslatable
from digitpad.ui.jobs import Job
from digitpad.ui.teach.common import grey_qimage
from digitpad.ui.teach.fine_tuning import failure_line, fine_tune_work
from digitpad.ui.teach.join_card import JoinCard
from digitpad.ui.teach.wall_parts import (
    IMAGE_ROLE,
    KEPT,
    NUMBER_ROLE,
    REFRESH_MS,
    RIGHT_ROLE,
    STATUS_ROLE,
    DigitCounts,
    FitButton,
    SquareMatrix,
    TileDelegate,
    flow,
    plain_label,
)

log = logging.getLogger(__name__)


class ClassWall(Retranslatable, QWidget):
    startRequested = Signal()
    stopRequested = Signal()
    drawingChosen = Signal(int)  # a drawing's number: the shell puts its strokes on the pad
    fineTuned = Signal(object, object)  # FineTuneResult, tuned keras model
    statusMessage = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._room = None
        self._url: str | None = None
        self._drawings: list[dict] = []  # the room's drawings by number, without images
        self._tiles: dict[int, QListWidgetItem] = {}
        self._waiting_items: dict[int, QListWidgetItem] = {}
        self._by_person: dict[str, list[int]] = {}
        self._people: dict[str, dict] = {}  # id -> the room's participant dict, join order
        self._people_items: dict[str, QTreeWidgetItem] = {}
        self._own_changes: list[int] = []  # statuses this wall set: their events need no sync
        self._needs_sync = False  # a change this wall did not make: read the room again
        self._needs_people = False
        self._mnist_accuracy: float | None = None
        self._filter: tuple[int, int] | None = None  # (meant, read) from the matrix
        self._summary: data.RoomSummary | None = None
        self._model_source: Callable[[], object] | None = None
        self._mnist = None
        self._training = False
        self._job = Job("digitpad-room-fine-tune", self)
        self._job.finished.connect(self._fine_tune_done)
        self._job.failed.connect(self._fine_tune_failed)
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(REFRESH_MS)
        self._refresh.timeout.connect(self.flush)

        content = self._build_content()
        # Scrolls up and down, never sideways: the wall lives in a narrow column, and
        # its own scroll area keeps its height from ever pushing on the pad's.
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setWidget(content)
        self.scroll.viewport().installEventFilter(self)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        self._least_grid = 0
        self._restyle()
        self.retranslate_ui()
        self._show_session(False)

    # -- building -----------------------------------------------------------------------
    def _build_content(self) -> QWidget:
        content = QWidget()
        column = QVBoxLayout(content)
        column.addLayout(self._build_idle())
        self.session = QWidget()
        session = QVBoxLayout(self.session)
        session.setContentsMargins(0, 0, 0, 0)
        self._build_controls(session)
        self._build_results(session)
        self._build_waiting(session)
        self._build_grid(session)
        self._build_tables(session)
        self._build_tools(session)
        column.addWidget(self.session)
        column.addStretch(1)
        return content

    def _build_idle(self) -> QLayout:
        self.idle_label = plain_label()
        self.start_button = FitButton()
        self.start_button.clicked.connect(self.startRequested)
        layout = QVBoxLayout()
        layout.addWidget(self.idle_label)
        layout.addWidget(self.start_button, 0, Qt.AlignmentFlag.AlignLeft)
        return layout

    def _build_controls(self, layout: QVBoxLayout) -> None:
        self.card_toggle = QCheckBox()
        self.card_toggle.setChecked(True)
        self.stop_button = FitButton()
        self.stop_button.clicked.connect(self.stopRequested)
        layout.addLayout(flow(self.card_toggle, self.stop_button))
        self.join_card = JoinCard()
        self.card_toggle.toggled.connect(self.join_card.setVisible)
        layout.addWidget(self.join_card)

        self.pause_box = QCheckBox()
        self.pause_box.toggled.connect(self._pause_toggled)
        self.approve_box = QCheckBox()
        self.approve_box.toggled.connect(self._approve_toggled)
        layout.addLayout(flow(self.pause_box, self.approve_box))
        self.round_kind = QComboBox()
        for kind in ROUND_KINDS:
            self.round_kind.addItem("", kind)
        self.round_kind.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.round_kind.setMinimumContentsLength(10)
        self.round_kind.currentIndexChanged.connect(self._round_kind_changed)
        self.round_digit = QSpinBox()
        self.round_digit.setRange(0, 9)
        self.round_digit.setValue(7)
        self.round_button = FitButton()
        self.round_button.clicked.connect(self.start_round)
        layout.addLayout(flow(self.round_kind, self.round_digit, self.round_button))
        self._round_kind_changed()

    def _build_results(self, layout: QVBoxLayout) -> None:
        self.sentence = plain_label()
        self.round_label = plain_label()
        self.status_label = plain_label()
        for label in (self.sentence, self.round_label, self.status_label):
            layout.addWidget(label)
        self.status_label.hide()

    def _build_waiting(self, layout: QVBoxLayout) -> None:
        self.waiting_box = QWidget()
        box = QVBoxLayout(self.waiting_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.waiting_label = plain_label()
        self.waiting = self._tile_list()
        self.waiting.itemSelectionChanged.connect(self._update_buttons)
        self.approve_button = FitButton()
        self.approve_button.clicked.connect(lambda: self._set_selected(self.waiting, "shown"))
        self.reject_button = FitButton()
        self.reject_button.clicked.connect(lambda: self._set_selected(self.waiting, "hidden"))
        self.approve_all_button = FitButton()
        self.approve_all_button.clicked.connect(self.approve_all)
        box.addWidget(self.waiting_label)
        box.addWidget(self.waiting)
        box.addLayout(flow(self.approve_button, self.reject_button, self.approve_all_button))
        layout.addWidget(self.waiting_box)

    def _build_grid(self, layout: QVBoxLayout) -> None:
        self.grid_label = plain_label()
        self.show_hidden_box = QCheckBox()
        self.show_hidden_box.toggled.connect(lambda _: self._apply_visibility())
        self.filter_label = plain_label()
        self.clear_filter_button = FitButton()
        self.clear_filter_button.clicked.connect(lambda: self.set_filter(None))
        self.grid = self._tile_list()
        self.grid.itemActivated.connect(self._tile_activated)
        self.grid.itemSelectionChanged.connect(self._update_buttons)
        self.grid.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.grid.customContextMenuRequested.connect(self._grid_menu)
        self.pad_button = FitButton()
        self.pad_button.clicked.connect(self._put_selected_on_pad)
        self.hide_button = FitButton()
        self.hide_button.clicked.connect(lambda: self._set_selected(self.grid, "hidden"))
        self.show_button = FitButton()
        self.show_button.clicked.connect(lambda: self._set_selected(self.grid, "shown"))
        self.remove_button = FitButton()
        self.remove_button.clicked.connect(self._remove_selected)
        layout.addWidget(self.grid_label)
        layout.addLayout(flow(self.show_hidden_box))
        layout.addWidget(self.filter_label)
        layout.addLayout(flow(self.clear_filter_button))
        layout.addWidget(self.grid)
        layout.addLayout(flow(self.pad_button, self.hide_button, self.show_button))
        layout.addLayout(flow(self.remove_button))

    def _tile_list(self) -> QListWidget:
        tiles = QListWidget()
        tiles.setViewMode(QListWidget.ViewMode.IconMode)
        tiles.setMovement(QListWidget.Movement.Static)
        tiles.setResizeMode(QListWidget.ResizeMode.Adjust)
        tiles.setUniformItemSizes(True)
        tiles.setLayoutMode(QListWidget.LayoutMode.Batched)
        tiles.setBatchSize(500)
        tiles.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        tiles.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        tiles.setItemDelegate(TileDelegate(tiles))
        tiles.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        return tiles

    def _build_tables(self, layout: QVBoxLayout) -> None:
        self.counts_label = plain_label()
        self.digit_counts = DigitCounts()
        self.people_label = plain_label()
        self.people = QTreeWidget()
        self.people.setColumnCount(3)
        self.people.setRootIsDecorated(False)
        self.people.setUniformRowHeights(True)
        self.people.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.people.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header = self.people.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Fixed, measured widths: "resize to contents" measured every row again on each
        # change, 1 ms a row (half a second a refresh with 300 participants).
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        self.people.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.people.customContextMenuRequested.connect(self._people_menu)
        self.matrix_label = plain_label()
        self.matrix = SquareMatrix()
        self.matrix.cellClicked.connect(lambda meant, read: self.set_filter((meant, read)))
        for widget in (
            self.counts_label,
            self.digit_counts,
            self.people_label,
            self.people,
            self.matrix_label,
            self.matrix,
        ):
            layout.addWidget(widget)

    def _build_tools(self, layout: QVBoxLayout) -> None:
        self.fine_tune_button = FitButton()
        self.fine_tune_button.clicked.connect(self.start_fine_tune)
        self.result_label = plain_label()
        self.npz_button = FitButton()
        self.npz_button.clicked.connect(self._export_npz_clicked)
        self.png_button = FitButton()
        self.png_button.clicked.connect(self._export_pngs_clicked)
        # The live network changes only when the presenter keeps the fine-tuned one.
        self.keep_button = FitButton()
        self.keep_button.clicked.connect(self.keep_fine_tuned)
        self.discard_button = FitButton()
        self.discard_button.clicked.connect(self.discard_fine_tuned)
        self._tuned = None  # (FineTuneResult, model) waiting to be kept or discarded
        layout.addLayout(flow(self.fine_tune_button))
        layout.addWidget(self.result_label)
        layout.addLayout(flow(self.keep_button, self.discard_button))
        self.keep_button.hide()
        self.discard_button.hide()
        layout.addLayout(flow(self.npz_button, self.png_button))

    # -- texts and type ------------------------------------------------------------------
    def retranslate_ui(self) -> None:
        self.idle_label.setText(self.tr("No class session is running."))
        self.start_button.setText(self.tr("Start a class session"))
        self.card_toggle.setText(self.tr("Show join card"))
        self.stop_button.setText(self.tr("End the session"))
        self.pause_box.setText(self.tr("Pause intake"))
        self.pause_box.setToolTip(self.tr("Phones cannot send while intake is paused."))
        self.approve_box.setText(self.tr("Approve before showing"))
        self.approve_box.setToolTip(
            self.tr("New drawings wait for your approval before the wall shows them.")
        )
        for index, text in enumerate(
            (
                self.tr("Free drawing"),
                self.tr("Everyone draws a"),
                self.tr("Challenge: will it read you?"),
            )
        ):
            self.round_kind.setItemText(index, text)
        self.round_button.setText(self.tr("Start round"))
        self.approve_button.setText(self.tr("Approve"))
        self.reject_button.setText(self.tr("Hide"))
        self.approve_all_button.setText(self.tr("Approve all"))
        self.grid_label.setText(self.tr("The room's drawings, newest first"))
        self.show_hidden_box.setText(self.tr("Show hidden drawings"))
        self.clear_filter_button.setText(self.tr("Show all drawings"))
        self.pad_button.setText(self.tr("Put on the pad"))
        self.hide_button.setText(self.tr("Hide"))
        self.show_button.setText(self.tr("Show again"))
        self.remove_button.setText(self.tr("Remove this participant"))
        self.counts_label.setText(self.tr("Digits by what was meant:"))
        self.people.setHeaderLabels([self.tr("Who"), self.tr("Sent"), self.tr("Read right")])
        self._size_people_columns()
        self.matrix_label.setText(
            self.tr(
                "Rows: the digit meant; columns: what the network read. "
                "Click a cell to see those drawings."
            )
        )
        self.fine_tune_button.setText(self.tr("Fine-tune on the room's digits"))
        self.keep_button.setText(self.tr("Keep the fine-tuned network"))
        self.discard_button.setText(self.tr("Discard it"))
        self.npz_button.setText(self.tr("Export npz…"))
        self.png_button.setText(self.tr("Export PNGs…"))
        for number in self._tiles:
            self._retext(number)
        self._show_filter()
        self.flush()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presenter mode's large type
            self._restyle()

    def _restyle(self) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.sentence.setFont(font)
        delegate = self.grid.itemDelegate()
        tile = delegate.tile_size(self.font())
        for tiles in (self.grid, self.waiting):
            tiles.setGridSize(tile)
        frame = 2 * self.grid.frameWidth() + 4
        self.waiting.setFixedHeight(int(tile.height() * 1.15) + frame)
        self._least_grid = int(tile.height() * 2.6) + frame
        self._fit_to_viewport()
        self.people.setMinimumHeight(self.fontMetrics().height() * 7)
        self._size_people_columns()

    def _size_people_columns(self) -> None:
        header = self.people.header()
        for column in (1, 2):
            title = self.people.headerItem().text(column)
            width = max(
                header.fontMetrics().horizontalAdvance(title),
                self.fontMetrics().horizontalAdvance("00000"),
            )
            header.resizeSection(column, width + 16)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_to_viewport()
        return super().eventFilter(watched, event)

    def _fit_to_viewport(self) -> None:
        """The QR code no taller than the column shows, with the lines under it; the
        grid of drawings, the wall's main part, at least half as tall as the column."""
        shown = self.scroll.viewport().height()
        self.grid.setMinimumHeight(max(self._least_grid, int(shown * 0.55)))
        card = self.join_card
        below = sum(
            w.sizeHint().height() + 6
            for w in (card.address_label, card.room_label, self.card_toggle)
            if not w.isHidden()
        )
        card.qr.set_max_side(shown - below - 24)

    # -- the session ----------------------------------------------------------------------
    def set_room(self, room, url: str | None, note: str = "") -> None:
        """The running session (``None``: none) and the address the room joins at."""
        self._url = url
        if room is not None and room is self._room:
            self.join_card.set_address(url, room.room_code, note)
            if url is None:
                self._show_ended()
            return
        self._room = room
        self._refresh.stop()
        self._clear()
        self._show_session(room is not None)
        if room is None:
            self.join_card.set_address(None, None)
            return
        if url is None:  # ended: its digits stay (fine-tune, export) until a new one starts
            self._show_ended()
        self.join_card.set_address(url, room.room_code, note)
        self.card_toggle.setChecked(True)
        self._sync_controls()
        self._sync_people()
        self._sync_from_room()
        self.flush()
        self._fit_to_viewport()

    def room(self):
        return self._room

    def room_event(self, kind: str, payload: dict) -> None:
        """One event of the room, in the GUI thread; cheap: a tile, then a refresh soon."""
        if self._room is None:
            return
        if kind == "drawing":
            self._add_drawing(payload["drawing"])
        elif kind == "joined":
            person = payload.get("participant") or {}
            if "id" in person:
                self._know(person)
        elif kind == "removed":
            self._mark_removed(payload.get("participant"))
        elif kind == "changed":
            number = payload.get("drawing")
            if number is None:  # a nickname or the approval setting
                self._sync_controls()
                self._sync_people()
            elif number in self._own_changes:
                self._own_changes.remove(number)
            else:
                self._needs_sync = True
        elif kind in ("round", "paused"):
            self._sync_controls()
        self._schedule()

    def set_model_accuracy(self, mnist_accuracy: float | None) -> None:
        """The live network's MNIST test accuracy (its card's), for the sentence."""
        self._mnist_accuracy = mnist_accuracy
        self._schedule()

    def _show_session(self, running: bool) -> None:
        self.idle_label.setText(self.tr("No class session is running."))
        self.idle_label.setVisible(not running)
        self.start_button.setVisible(not running)
        self.stop_button.setVisible(True)
        self.session.setVisible(running)
        self._update_buttons()

    def _show_ended(self) -> None:
        """A session that has ended: no address, no Stop; Start makes a new one."""
        self.idle_label.setText(
            self.tr("The session has ended: its digits stay here until a new one starts.")
        )
        self.idle_label.show()
        self.start_button.show()
        self.stop_button.hide()
        self.card_toggle.setChecked(False)

    def _clear(self) -> None:
        self._drawings.clear()
        self._tiles.clear()
        self._waiting_items.clear()
        self._by_person.clear()
        self._people.clear()
        self._people_items.clear()
        self._own_changes.clear()
        self._needs_sync = self._needs_people = False
        self._filter = None
        self._summary = None
        self.grid.clear()
        self.waiting.clear()
        self.people.clear()
        self.status_label.clear()
        self.status_label.hide()
        self._show_filter()

    def _sync_controls(self) -> None:
        room = self._room
        for box, on in ((self.pause_box, room.paused), (self.approve_box, room.approve_first)):
            box.blockSignals(True)
            box.setChecked(bool(on))
            box.blockSignals(False)

    def _sync_people(self) -> None:
        for person in self._room.participants():
            known = self._know(person)
            renamed = known.get("nickname") != person.get("nickname")
            known.update(person)
            if renamed:
                for number in self._by_person.get(person["id"], ()):
                    self._retext(number)

    def _sync_from_room(self) -> None:
        """Catch up with the room: new drawings get tiles, changed statuses are applied."""
        self._needs_sync = False
        self.grid.setUpdatesEnabled(False)
        try:
            for drawing in self._room.drawings():
                self._add_drawing(drawing)
        finally:
            self.grid.setUpdatesEnabled(True)

    def _add_drawing(self, drawing: dict) -> None:
        number = int(drawing["number"])
        if number < len(self._drawings):  # known (the room was read while this was queued)
            known = self._drawings[number]
            if known["status"] != drawing["status"]:
                known["status"] = drawing["status"]
                self._apply_status(number)
            return
        if number > len(self._drawings):  # an event missed: read the room once
            self._needs_sync = True
            return
        light = {key: drawing.get(key) for key in KEPT}
        self._drawings.append(light)
        person = light["participant"]
        self._by_person.setdefault(person, []).append(number)
        if person not in self._people:  # its "joined" has not come: the room knows
            self._know({"id": person, "nickname": "", "removed": False})
            self._needs_people = True
        item = QListWidgetItem()
        item.setData(NUMBER_ROLE, number)
        item.setData(IMAGE_ROLE, grey_qimage(drawing["image"]))
        item.setData(RIGHT_ROLE, light["label"] == light["reading"])
        item.setData(STATUS_ROLE, light["status"])
        self._tiles[number] = item
        self._retext(number)
        self.grid.insertItem(0, item)  # newest first
        self._apply_status(number)

    def _retext(self, number: int) -> None:
        drawing = self._drawings[number]
        label, reading = drawing["label"], drawing["reading"]
        mark = "✓" if label == reading else "✗"
        meant = "?" if label is None else str(label)
        text = f"{meant}→{reading} {mark}\n{self.person_name(drawing['participant'])}"
        for item in (self._tiles.get(number), self._waiting_items.get(number)):
            if item is not None:
                item.setText(text)
                item.setToolTip(
                    self.tr("Drawing {0}: meant {1}, read {2}").format(
                        str(number), meant, str(reading)
                    )
                )

    def _know(self, person: dict) -> dict:
        """The wall's record of a participant, numbered in the order they joined."""
        known = self._people.get(person["id"])
        if known is None:
            known = self._people[person["id"]] = {**person, "index": len(self._people) + 1}
        return known

    def person_name(self, participant_id: str) -> str:
        """The nickname, or "Participant 3" (in join order); plain text, always."""
        person = self._people.get(participant_id)
        if person is None:
            return "…"
        if person.get("nickname"):
            return str(person["nickname"])
        return self.tr("Participant {0}").format(str(person["index"]))

    def _apply_status(self, number: int) -> None:
        drawing = self._drawings[number]
        status = drawing["status"]
        item = self._tiles[number]
        item.setData(STATUS_ROLE, status)
        item.setHidden(not self._visible(drawing))
        waiting = self._waiting_items.get(number)
        if status == "pending" and waiting is None:
            waiting = self._waiting_items[number] = item.clone()
            self.waiting.addItem(waiting)  # oldest first: a queue
        elif status != "pending" and waiting is not None:
            del self._waiting_items[number]
            self.waiting.takeItem(self.waiting.row(waiting))
        self._schedule()

    def _visible(self, drawing: dict) -> bool:
        status = drawing["status"]
        if status != "shown" and not (status == "hidden" and self.show_hidden_box.isChecked()):
            return False
        return self._filter is None or self._filter == (drawing["label"], drawing["reading"])

    def _apply_visibility(self) -> None:
        for number, item in self._tiles.items():
            item.setHidden(not self._visible(self._drawings[number]))
        self._schedule()

    def _mark_removed(self, participant_id: str | None) -> None:
        person = self._people.get(participant_id)
        if person is not None:
            person["removed"] = True
        for number in self._by_person.get(participant_id, ()):
            if self._drawings[number]["status"] != "hidden":
                self._drawings[number]["status"] = "hidden"
                self._apply_status(number)

    # -- refreshing what is counted -------------------------------------------------------
    def _schedule(self) -> None:
        if not self._refresh.isActive():  # not restarted: at most ten refreshes a second
            self._refresh.start()

    def flush(self) -> None:
        """Refresh the counts, sentence, participants and matrix now (else within 100 ms)."""
        self._refresh.stop()
        if self._room is None:
            return
        started = time.perf_counter()
        self._flush()
        # A room of thousands takes longer to count: refresh less often then, so the
        # pen beside the wall never waits on it (at most a quarter of the GUI thread).
        took = int((time.perf_counter() - started) * 1000)
        self._refresh.setInterval(max(REFRESH_MS, 3 * took))

    def _flush(self) -> None:
        if self._needs_sync:
            self._sync_from_room()
        if self._needs_people:
            self._needs_people = False
            self._sync_people()
        summary = self._summary = data.summarize(self._drawings)
        current = self._room.round
        in_round = data.summarize(self._drawings, current["id"])
        self._show_sentence(summary)
        self._show_round(current, in_round)
        self.digit_counts.set_counts(summary.per_digit)
        self.matrix.set_matrix(summary.confusion)
        self._show_people(summary)
        waiting = len(self._waiting_items)
        self.waiting_label.setText(self.tr("Waiting for approval ({0})").format(str(waiting)))
        self.waiting_box.setVisible(waiting > 0 or self._room.approve_first)
        self._update_buttons()

    def summary(self) -> data.RoomSummary | None:
        """What the wall shows now (after :meth:`flush`)."""
        return self._summary

    def _show_sentence(self, summary: data.RoomSummary) -> None:
        if not summary.total:
            text = self.tr("No digits from this room yet.")
        elif self._mnist_accuracy is None:
            text = self.tr("This network read {0} of this room's {1} digits.").format(
                f"{summary.accuracy:.0%}", str(summary.total)
            )
        else:
            text = self.tr("This network read {0} of this room's {1} digits; {2} of MNIST.")
            text = text.format(
                f"{summary.accuracy:.0%}", str(summary.total), f"{self._mnist_accuracy:.0%}"
            )
        self.sentence.setText(text)

    def _show_round(self, current: dict, summary: data.RoomSummary) -> None:
        if current["kind"] == "digit":
            name = self.tr("everyone draws a {0}").format(str(current["digit"]))
        elif current["kind"] == "challenge":
            name = self.tr("challenge: will it read you?")
        else:
            name = self.tr("free drawing")
        if summary.total:
            text = self.tr("Round {0} ({1}): {2} of {3} read right").format(
                str(current["id"]), name, str(summary.correct), str(summary.total)
            )
        else:
            text = self.tr("Round {0} ({1}): no digits yet").format(str(current["id"]), name)
        if self._room.paused:
            text += "\n" + self.tr("Intake paused: phones cannot send.")
        self.round_label.setText(text)

    def _show_people(self, summary: data.RoomSummary) -> None:
        self.people_label.setText(self.tr("Participants ({0})").format(str(len(self._people))))
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        for person_id, person in self._people.items():
            item = self._people_items.get(person_id)
            if item is None:
                item = self._people_items[person_id] = QTreeWidgetItem(self.people)
                item.setData(0, Qt.ItemDataRole.UserRole, person_id)
                for column in (1, 2):
                    item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight)
            name = self.person_name(person_id)
            if person.get("removed"):
                name = self.tr("{0} (removed)").format(name)
                for column in range(3):
                    item.setForeground(column, muted)
            _counted, right = summary.per_participant.get(person_id, (0, 0))
            sent = len(self._by_person.get(person_id, ()))
            for column, text in enumerate((name, str(sent), str(right))):
                if item.text(column) != text:
                    item.setText(column, text)

    # -- what the presenter does ---------------------------------------------------------
    def _pause_toggled(self, paused: bool) -> None:
        if self._room is not None:
            self._room.set_paused(paused)

    def _approve_toggled(self, on: bool) -> None:
        if self._room is not None:
            self._room.set_approve_first(on)

    def _round_kind_changed(self, _index: int = 0) -> None:
        self.round_digit.setVisible(self.round_kind.currentData() == "digit")

    def start_round(self) -> None:
        """A new round of the kind and digit chosen."""
        if self._room is None:
            return
        kind = self.round_kind.currentData()
        digit = self.round_digit.value() if kind == "digit" else None
        self._room.set_round(kind, digit)
        self._schedule()

    def set_status(self, number: int, status: str) -> None:
        """ "shown" (approve, show again), "hidden" or "pending" for drawing ``number``."""
        if self._room is None or not 0 <= number < len(self._drawings):
            return
        self._own_changes.append(number)
        try:
            self._room.set_status(number, status)
        except (IndexError, ValueError):  # not the room's (yet): read it again
            self._own_changes.remove(number)
            self._needs_sync = True
            self._schedule()
            return
        if self._drawings[number]["status"] != status:
            self._drawings[number]["status"] = status
            self._apply_status(number)

    def approve_all(self) -> None:
        for number in list(self._waiting_items):
            self.set_status(number, "shown")

    def remove_participant(self, participant_id: str) -> None:
        """Remove them from the session: their drawings are hidden, their page stops."""
        if self._room is None or participant_id not in self._people:
            return
        name = self.person_name(participant_id)
        self._room.remove_participant(participant_id)
        self._mark_removed(participant_id)
        self._say(self.tr("Removed {0}: their drawings are hidden.").format(name))

    def put_on_pad(self, number: int) -> None:
        self.drawingChosen.emit(int(number))

    def set_filter(self, cell: tuple[int, int] | None) -> None:
        """Only the drawings meant as ``cell[0]`` and read as ``cell[1]`` (None: all)."""
        self._filter = None if cell is None else (int(cell[0]), int(cell[1]))
        self.matrix.set_selected(self._filter)
        self._show_filter()
        self._apply_visibility()

    def _show_filter(self) -> None:
        cell = self._filter
        if cell is not None:
            self.filter_label.setText(
                self.tr("Showing the {0}s read as {1}.").format(str(cell[0]), str(cell[1]))
            )
        self.filter_label.setVisible(cell is not None)
        self.clear_filter_button.setVisible(cell is not None)

    def visible_tiles(self) -> list[int]:
        """The drawings' numbers the grid shows, in its order (newest first)."""
        numbers = []
        for row in range(self.grid.count()):
            item = self.grid.item(row)
            if not item.isHidden():
                numbers.append(item.data(NUMBER_ROLE))
        return numbers

    def waiting_numbers(self) -> list[int]:
        return [self.waiting.item(r).data(NUMBER_ROLE) for r in range(self.waiting.count())]

    def tile(self, number: int) -> QListWidgetItem | None:
        return self._tiles.get(number)

    def _numbers(self, tiles: QListWidget) -> list[int]:
        return [item.data(NUMBER_ROLE) for item in tiles.selectedItems()]

    def _set_selected(self, tiles: QListWidget, status: str) -> None:
        for number in self._numbers(tiles):
            self.set_status(number, status)

    def _tile_activated(self, item: QListWidgetItem) -> None:
        self.put_on_pad(item.data(NUMBER_ROLE))

    def _put_selected_on_pad(self) -> None:
        numbers = self._numbers(self.grid)
        if numbers:
            self.put_on_pad(numbers[0])

    def _remove_selected(self) -> None:
        numbers = self._numbers(self.grid)
        if numbers:
            self._confirm_removal(self._drawings[numbers[0]]["participant"])

    def removal_box(self, participant_id: str) -> QMessageBox:
        """The question before removing someone (their name as plain text)."""
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setWindowTitle(self.tr("Remove this participant"))
        box.setText(
            self.tr(
                "Remove {0} from the session? Their drawings are hidden and their page stops."
            ).format(self.person_name(participant_id))
        )
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        return box

    def _confirm_removal(self, participant_id: str) -> None:
        box = self.removal_box(participant_id)
        if box.exec() == QMessageBox.StandardButton.Yes:
            self.remove_participant(participant_id)
        box.deleteLater()

    def _grid_menu(self, position: QPoint) -> None:
        numbers = self._numbers(self.grid)
        if not numbers:
            return
        menu = QMenu(self)
        menu.addAction(self.tr("Put on the pad"), lambda: self.put_on_pad(numbers[0]))
        statuses = {self._drawings[n]["status"] for n in numbers}
        if statuses - {"hidden"}:
            menu.addAction(self.tr("Hide"), lambda: self._set_selected(self.grid, "hidden"))
        if "hidden" in statuses:
            menu.addAction(self.tr("Show again"), lambda: self._set_selected(self.grid, "shown"))
        menu.addSeparator()
        menu.addAction(self.tr("Remove this participant"), self._remove_selected)
        menu.exec(self.grid.viewport().mapToGlobal(position))
        menu.deleteLater()

    def _people_menu(self, position: QPoint) -> None:
        item = self.people.itemAt(position)
        if item is None:
            return
        person_id = item.data(0, Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        action = menu.addAction(
            self.tr("Remove this participant"), lambda: self._confirm_removal(person_id)
        )
        action.setEnabled(not self._people.get(person_id, {}).get("removed"))
        menu.exec(self.people.viewport().mapToGlobal(position))
        menu.deleteLater()

    def _update_buttons(self) -> None:
        running = self._room is not None
        numbers = self._numbers(self.grid) if running else []
        statuses = {self._drawings[n]["status"] for n in numbers}
        self.pad_button.setEnabled(len(numbers) == 1)
        self.hide_button.setEnabled(bool(statuses - {"hidden"}))
        self.show_button.setEnabled("hidden" in statuses)
        removable = len(numbers) == 1 and not self._people.get(
            self._drawings[numbers[0]]["participant"], {}
        ).get("removed")
        self.remove_button.setEnabled(removable)
        chosen = bool(self.waiting.selectedItems())
        self.approve_button.setEnabled(chosen)
        self.reject_button.setEnabled(chosen)
        self.approve_all_button.setEnabled(bool(self._waiting_items))
        busy = self._job.is_running()
        self.fine_tune_button.setEnabled(
            running and self._model_source is not None and not busy and not self._training
        )
        self.npz_button.setEnabled(running)
        self.png_button.setEnabled(running)

    def _say(self, text: str) -> None:
        self.status_label.setText(text)
        self.status_label.show()
        self.statusMessage.emit(text)

    # -- export ---------------------------------------------------------------------------
    def _export_npz_clicked(self) -> None:
        if self._room is None:
            return
        start = str(self._room.folder / f"class-{self._room.room_code}.npz")
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export the room's digits"), start, self.tr("NumPy archive (*.npz)")
        )
        if path:
            self.export_npz_to(path)

    def _export_pngs_clicked(self) -> None:
        if self._room is None:
            return
        folder = QFileDialog.getExistingDirectory(
            self, self.tr("Export the room's digits as PNGs"), str(self._room.folder)
        )
        if folder:
            self.export_pngs_to(folder)

    def export_npz_to(self, path) -> int | None:
        """The shown, labelled drawings as an MNIST-shaped npz; how many, or None."""
        return self._export(data.export_npz, path)

    def export_pngs_to(self, folder) -> int | None:
        """One PNG per shown, labelled drawing and labels.csv; how many, or None."""
        return self._export(data.export_pngs, folder)

    def _export(self, write, target) -> int | None:
        if self._room is None:
            return None
        try:
            count = write(self._room.drawings(), target)
        except OSError as exc:  # the room is untouched: nothing lost, choose elsewhere
            reason = exc.strerror or str(exc)
            self._say(self.tr("Could not save to {0}: {1}").format(str(target), reason))
            return None
        self._say(self.tr("Saved {0} digits to {1}.").format(str(count), str(target)))
        return count

    # -- fine-tuning (as in My digits) ----------------------------------------------------
    def set_model_source(self, source: Callable[[], object] | None) -> None:
        """``source()`` is called on the worker thread and returns a compiled Keras model."""
        self._model_source = source
        self._update_buttons()

    def set_mnist(self, mnist) -> None:
        """Mixed into fine-tuning so the network keeps reading everyone else's digits."""
        self._mnist = mnist

    def set_training_running(self, running: bool) -> None:
        self._training = bool(running)
        self._update_buttons()

    def is_fine_tuning(self) -> bool:
        return self._job.is_running()

    def start_fine_tune(self) -> None:
        if self._room is None or self._model_source is None:
            return
        if self._tuned is not None:  # a new run replaces one not yet kept
            self.discard_fine_tuned()
        if self._job.is_running() or self._training:
            return
        digits = data.RoomDigits(self._room.drawings())
        if len(digits) == 0:
            self.result_label.setText(self.tr("No room digits to fine-tune on yet."))
            return
        model_source, mnist = self._model_source, self._mnist

        self.result_label.setText(self.tr("Fine-tuning…"))
        self._job.start(fine_tune_work(model_source, digits, mnist))
        self._update_buttons()

    def _fine_tune_done(self, outcome) -> None:
        result, model = outcome
        self._update_buttons()
        if result.before is None:
            text = self.tr(
                "Fine-tuned on {0} room digits. At least 4 of a digit are needed to measure it."
            ).format(str(result.trained_on))
        else:
            text = self.tr(
                "Held-back room digits: {0} before → {1} after ({2} trained on, {3} held back)."
            ).format(
                f"{result.before:.0%}",
                f"{result.after:.0%}",
                str(result.trained_on),
                str(result.held_back),
            )
        self.result_label.setText(text)
        self._tuned = (result, model)
        self.keep_button.show()
        self.discard_button.show()

    def keep_fine_tuned(self) -> None:
        """The fine-tuned network becomes the live one (the window's adopt path)."""
        tuned, self._tuned = self._tuned, None
        self.keep_button.hide()
        self.discard_button.hide()
        if tuned is not None:
            self.fineTuned.emit(*tuned)

    def discard_fine_tuned(self) -> None:
        self._tuned = None
        self.keep_button.hide()
        self.discard_button.hide()
        self.result_label.setText(self.tr("Discarded: the network is unchanged."))

    def _fine_tune_failed(self, exc: BaseException) -> None:
        self._update_buttons()
        message = failure_line(exc)
        self.result_label.setText(self.tr("Fine-tuning failed: {0}").format(message))

    def shutdown(self) -> None:
        """Cancel a running fine-tune and wait for it (before the window closes)."""
        self._refresh.stop()
        self._job.cancel()
        self._job.wait(120.0)
