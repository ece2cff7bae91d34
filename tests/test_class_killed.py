"""A killed app loses no digit a phone was told it received (docs/CLASS_SESSION.md).

A real server in a child process (tests/helpers_class_killed.py) and a real client:
drawings are sent, every ``received`` is collected, and the child is killed with SIGKILL
(no clean shutdown, no ``close()``, no flush but the server's own). The journal it leaves
must hold every acknowledged drawing exactly once; a torn last line is skipped.
"""

from __future__ import annotations

import asyncio
import json
import os
import select
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from digitpad.classroom.room import load_drawings

HELPER = Path(__file__).resolve().parent / "helpers_class_killed.py"
REPO = HELPER.parents[1]
TIMEOUT = 10.0
N = 20
SEVEN = [[[0.2, 0.2], [0.8, 0.2], [0.45, 0.9]]]

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


@pytest.fixture
def child(tmp_path):
    """The server's process and its session folder; always killed at the end."""
    folder = tmp_path / "session"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    env.pop("PYTHONSTARTUP", None)
    with (
        open(tmp_path / "stderr.txt", "wb") as stderr,
        subprocess.Popen(
            [sys.executable, str(HELPER), str(folder)],
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            cwd=tmp_path,
        ) as proc,
    ):
        try:
            ready, _, _ = select.select([proc.stdout], [], [], 60)
            line = proc.stdout.readline().decode().strip() if ready else ""
            if not line.startswith("http://127.0.0.1:"):
                pytest.fail(
                    f"the server did not start: {line!r}; "
                    f"{(tmp_path / 'stderr.txt').read_text(errors='replace')[-2000:]}"
                )
            yield proc, line, folder
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait(TIMEOUT)


async def _send_all(url: str, proc, kill_after: int) -> tuple[set[str], list[dict]]:
    """Send N drawings at once; kill the server after ``kill_after`` acknowledgements."""
    acknowledged: dict[str, dict] = {}
    async with aiohttp.ClientSession() as http, http.ws_connect(url + "ws") as ws:
        await ws.send_json({"t": "hello", "participant": None, "nickname": "killed"})
        welcome = json.loads((await asyncio.wait_for(ws.receive(), TIMEOUT)).data)
        assert welcome["t"] == "welcome"
        ids = [f"drawing-{number:04d}" for number in range(N)]
        for drawing_id in ids:
            await ws.send_json({"t": "send", "id": drawing_id, "label": 7, "strokes": SEVEN})
        while len(acknowledged) < kill_after:
            message = await asyncio.wait_for(ws.receive(), TIMEOUT)
            assert message.type == aiohttp.WSMsgType.TEXT, (message.type, message.data)
            answer = json.loads(message.data)
            assert answer["t"] == "received", answer
            acknowledged[answer["id"]] = answer
        if kill_after == N:  # all in: send some again (a reconnecting page would)
            for drawing_id in ids[:5]:
                await ws.send_json({"t": "send", "id": drawing_id, "label": 7, "strokes": SEVEN})
                again = json.loads((await asyncio.wait_for(ws.receive(), TIMEOUT)).data)
                assert again["duplicate"] is True and again["id"] == drawing_id
        os.kill(proc.pid, signal.SIGKILL)  # mid-stream when kill_after < N
        # The client sees the connection go (no close handshake from a killed app).
        while True:
            message = await asyncio.wait_for(ws.receive(), TIMEOUT)
            if message.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.ERROR,
            ):
                break
            # A "received" already on its way before the kill is acknowledged too.
            answer = json.loads(message.data)
            acknowledged[answer["id"]] = answer
    return set(acknowledged), list(acknowledged.values())


@pytest.mark.parametrize("kill_after", [N, N // 2], ids=["all-acknowledged", "mid-stream"])
def test_every_acknowledged_drawing_survives_sigkill_exactly_once(child, kill_after):
    proc, url, folder = child
    acknowledged, answers = asyncio.run(asyncio.wait_for(_send_all(url, proc, kill_after), 60))
    assert proc.wait(TIMEOUT) == -signal.SIGKILL
    assert len(acknowledged) >= kill_after

    drawings, participants = load_drawings(folder)
    stored = [d["client_id"] for d in drawings]
    assert len(stored) == len(set(stored))  # nothing twice, duplicates included
    assert acknowledged <= set(stored)  # every acknowledged one is there
    by_id = {d["client_id"]: d for d in drawings}
    for answer in answers:
        drawing = by_id[answer["id"]]
        assert drawing["number"] == answer["drawing"]
        assert (drawing["label"], drawing["reading"]) == (answer["label"], answer["digit"])
        assert drawing["image"].shape == (28, 28) and drawing["image"].any()
    assert [p["nickname"] for p in participants] == ["killed"]
    if kill_after == N:
        assert len(stored) == N
