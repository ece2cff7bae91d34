"""The child process of test_class_killed.py: a class session that runs until killed.

``python tests/helpers_class_killed.py FOLDER`` starts a room (its journal in FOLDER) and
its server on 127.0.0.1, port 0, prints the join address, and waits to be killed. The
send rate is raised so a test can send its drawings at once; nothing else is changed.
"""

from __future__ import annotations

import sys
import time

from digitpad.classroom import limits
from digitpad.classroom import server as server_module
from digitpad.classroom.room import ClassRoom
from digitpad.classroom.server import ClassServer
from digitpad.ml.model import bundled_variant_path
from digitpad.ml.predictor import Predictor

# Used only while the real page (digitpad/classroom/page/) is not all there yet.
FAKE_PAGE = {"": b"<html>page</html>", "page.js": b"//js", "page.css": b"/*css*/"}


def main(folder: str) -> None:
    limits.SENDS_PER_SECOND, limits.SEND_BURST = 1000.0, 1000
    try:
        server_module.page_files()
    except OSError:
        server_module.page_files = lambda: dict(FAKE_PAGE)
    room = ClassRoom(folder, Predictor.from_file(bundled_variant_path("tutorial")))
    server = ClassServer(room, "127.0.0.1", 0)
    print(server.start(), flush=True)
    while True:  # until SIGKILL: no clean shutdown, on purpose
        time.sleep(60)


if __name__ == "__main__":
    main(sys.argv[1])
