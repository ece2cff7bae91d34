"""``window.class_session``: start and stop the class session, and wire it to the window.

The server (``digitpad.classroom``) knows nothing of Qt; this object starts it, hands it
the live network after every change, and turns the room's events (heard in the server's
thread) into one queued Qt signal, so the wall and the window only ever see them in the
GUI thread. Starting is explicit (nothing listens before), and stopping closes every
connection and the port.
"""

from __future__ import annotations

import logging
import os
import time

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QAbstractSocket, QNetworkInterface

from digitpad.ui import i18n, jobs
from digitpad.ui import settings as keys

log = logging.getLogger(__name__)

LOCAL_DEMO = "127.0.0.1"


def lan_addresses() -> list[tuple[str, str]]:
    """(label, IPv4 address) of every interface that is up and not a loopback, e.g.
    ``("wlan0", "192.168.1.20")``: the addresses phones in the room can reach."""
    found = []
    flags = QNetworkInterface.InterfaceFlag
    for interface in QNetworkInterface.allInterfaces():
        state = interface.flags()
        if not state & flags.IsUp or not state & flags.IsRunning or state & flags.IsLoopBack:
            continue
        for entry in interface.addressEntries():
            address = entry.ip()
            if address.protocol() != QAbstractSocket.NetworkLayerProtocol.IPv4Protocol:
                continue
            if address.isLoopback() or address.isLinkLocal():
                continue
            label = interface.humanReadableName() or interface.name()
            found.append((label, address.toString()))
    return found


class _Relay(QObject):
    """Carries the room's events from the server's thread to the GUI thread."""

    event = Signal(str, object)


class ClassSession(QObject):
    """The window's class session: ``start``, ``stop``, ``is_running``, ``url``,
    ``drawings()``, ``participants()`` (see the repository's docs/CLASS_SESSION.md)."""

    roomEvent = Signal(str, object)  # kind, payload: in the GUI thread
    runningChanged = Signal(bool)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.window = window
        self.room = None
        self._server = None
        self._relay = _Relay(self)
        self._relay.event.connect(self._on_event)
        self.url: str | None = None
        self.host: str | None = None
        self.note = ""  # one line for the join card (e.g. no network found)

    # -- public ----------------------------------------------------------------------
    def start(self, host: str | None = None, port: int = 0) -> str:
        """Serve the participant page on ``host`` (``None``: the LAN address chosen last,
        else the first found; none: this computer only) and return the join address."""
        from digitpad.classroom.room import ClassRoom
        from digitpad.classroom.server import ClassServer

        if self.is_running():
            return self.url
        # The server's thread reads the room with small numpy products, like the pen's:
        # with BLAS's thread pool the two wait on it (and its threads spin between them).
        jobs.keep_blas_to_one_thread()
        if host is None:
            host = self._lan_host()
        settings = self.window.settings
        room = ClassRoom(
            self._new_folder(),
            self.window.models.predictor,
            lang=i18n.current_language(),
            approve_first=settings.text_value(keys.CLASS_APPROVE, "0") == "1",
        )
        server = ClassServer(room, host, port)
        try:
            self.url = server.start()
        except OSError:
            room.close()
            raise
        room.add_listener(self._relay.event.emit)  # any thread -> queued to this one
        self.room, self._server, self.host = room, server, host
        if host != LOCAL_DEMO:
            settings.set_value(keys.CLASS_INTERFACE, host)
        log.info("class session on %s (folder %s)", host, room.folder)
        self.runningChanged.emit(True)
        return self.url

    def stop(self) -> None:
        """Close every connection and the port; the room's drawings stay readable."""
        server, self._server = self._server, None
        if server is None:
            return
        server.stop()
        self.room.close()
        self.window.settings.set_value(keys.CLASS_APPROVE, "1" if self.room.approve_first else "0")
        self.url = None
        self.runningChanged.emit(False)

    def is_running(self) -> bool:
        return self._server is not None and self._server.is_running()

    def drawings(self) -> list[dict]:
        """What the room has sent, oldest first (of the session running or last run)."""
        return [] if self.room is None else self.room.drawings()

    def participants(self) -> list[dict]:
        return [] if self.room is None else self.room.participants()

    def set_predictor(self, predictor) -> None:
        if self.room is not None:
            self.room.set_predictor(predictor)

    def set_approve_first(self, on: bool) -> None:
        self.window.settings.set_value(keys.CLASS_APPROVE, "1" if on else "0")
        if self.room is not None:
            self.room.set_approve_first(on)

    # -- internals -------------------------------------------------------------------
    def _lan_host(self) -> str:
        found = [address for _label, address in lan_addresses()]
        if not found:
            self.note = "no-network"
            return LOCAL_DEMO
        self.note = ""
        remembered = self.window.settings.text_value(keys.CLASS_INTERFACE)
        return remembered if remembered in found else found[0]

    def _new_folder(self) -> str:
        from digitpad.ui.teach.dock import user_data_folder

        stamp = time.strftime("%Y%m%d-%H%M%S")
        base = os.path.join(user_data_folder(), "class-sessions", stamp)
        folder, n = base, 1
        while os.path.exists(folder):
            n += 1
            folder = f"{base}-{n}"
        return folder

    @Slot(str, object)
    def _on_event(self, kind: str, payload) -> None:
        if self.room is not None:
            self.roomEvent.emit(kind, payload)
