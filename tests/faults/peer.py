"""One end of a call, in its own network namespace, driven over stdin/stdout (JSON lines).

    ip netns exec NS python -m tests.faults.peer kiosk --hub URL       (code on stdin)
    ip netns exec NS python -m tests.faults.peer specialist --hub URL  (user, password on stdin)

The kiosk end is the kiosk's own call engine (:class:`~kiosk.call.patient.PatientVisit`, no Qt);
the specialist end is the demo specialist (an aiortc peer signed in like the browser console).
Both send synthetic media whose video carries a frame counter (:mod:`kiosk.media.marker`), and
note when each good video frame and each audio frame arrives
(:class:`tests.helpers.callrig.Timeline`), on the event loop's clock, ``time.monotonic()`` — the
same clock in every namespace of the machine, so the controller's
"the network came back at T" and the peer's "media were back at T + x" compare directly.

Secrets come on stdin, never on the command line. Commands (one JSON object a line), each answered
with one JSON line:

- ``{"cmd": "status"}`` → counts, whether the call ended and why, the session's state;
- ``{"cmd": "back", "since": T, "within": S}`` → seconds after ``T`` until good video and audio
  had both arrived again (waits up to ``S``; ``null`` if not);
- ``{"cmd": "gap", "start": A, "end": B}`` → the longest time without a good video frame;
- ``{"cmd": "stop"}`` → hangs up and exits.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from typing import Any

from kiosk.call.patient import CheckedIn, PatientVisit, VisitListener
from kiosk.call.session import CallState
from kiosk.call.signalling import HubSignalling
from kiosk.call.specialist import DemoSpecialist
from kiosk.checks.network import choose_paths
from kiosk.media.synthetic import synthetic_media
from tests.helpers.callrig import Timeline


class _Ends(VisitListener):
    def __init__(self) -> None:
        self.ended: list[str] = []
        self.states: list[str] = []

    def on_call_state(self, state: CallState) -> None:
        self.states.append(state.value if hasattr(state, "value") else str(state))

    def on_ended(self, reason: str) -> None:
        self.ended.append(reason)


def _say(obj: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(obj) + "\n")
    sys.stdout.flush()


async def _lines() -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def _serve(sink: Timeline, reader: asyncio.StreamReader, status: Any) -> None:
    while line := await reader.readline():
        cmd = json.loads(line)
        if cmd["cmd"] == "status":
            _say({"video": len(sink.good_video), "audio": len(sink.audio_at),
                  "damaged": sink.damaged, "now": time.monotonic(), **status()})
        elif cmd["cmd"] == "back":
            since = float(cmd["since"])
            await sink.wait(lambda: sink.back_after(since) is not None,  # noqa: B023
                            float(cmd.get("within", 30.0)))
            _say({"back": sink.back_after(since)})
        elif cmd["cmd"] == "gap":
            _say({"gap": sink.longest_gap(float(cmd["start"]), float(cmd["end"]))})
        elif cmd["cmd"] == "stop":
            return
        else:
            _say({"error": f"unknown command {cmd['cmd']!r}"})


async def kiosk(hub: str, size: tuple[int, int]) -> None:
    reader = await _lines()
    code = (await reader.readline()).decode().strip()
    media = synthetic_media(*size)
    sink, ends = Timeline(), _Ends()
    visit = PatientVisit(HubSignalling(hub, "patient", client="fault suite"), media,
                         sink=sink, listener=ends)
    try:
        await visit.connect()
        result = await visit.check_in(code)
        if not isinstance(result, CheckedIn):
            _say({"event": "refused", "result": repr(result)})
            return
        if visit.ice_servers:  # the app's path choice: the working TURN URL first
            visit.prefer_ice = await choose_paths(visit.ice_servers)
        _say({"event": "checked_in"})

        def status() -> dict[str, Any]:
            session = visit.session
            return {"ended": ends.ended, "visit_ended": visit.ended,
                    "state": session.state.value if session is not None else None}

        await _serve(sink, reader, status)
    finally:
        with contextlib.suppress(Exception):
            if not visit.ended:
                await asyncio.wait_for(visit.hangup(), 10.0)
        await visit.close()
        await media.aclose()


async def specialist(hub: str, size: tuple[int, int], join_delay: float = 0.0) -> None:
    reader = await _lines()
    username = (await reader.readline()).decode().strip()
    password = (await reader.readline()).decode().strip()
    media = synthetic_media(*size, tone_hz=660.0)
    doctor = DemoSpecialist(
        HubSignalling(hub, "specialist", login=(username, password), client="fault suite"),
        media, join_delay=join_delay)
    sink = Timeline()
    doctor.sink = sink
    stop = asyncio.Event()
    task = asyncio.create_task(doctor.run(stop))
    try:
        await asyncio.wait_for(doctor.ready.wait(), 30.0)
        _say({"event": "ready"})

        def status() -> dict[str, Any]:
            return {"in_call": doctor.call is not None, "visit": doctor.visit_id,
                    "last_end": doctor.summary.last_end_reason}

        await _serve(sink, reader, status)
    finally:
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(task, 20.0)
        await media.aclose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.peer")
    parser.add_argument("role", choices=["kiosk", "specialist"])
    parser.add_argument("--hub", required=True)
    parser.add_argument("--size", default="320x240")
    parser.add_argument("--join-delay", type=float, default=0.0,
                        help="specialist: seconds before joining a waiting patient")
    args = parser.parse_args(argv)
    width, height = (int(x) for x in args.size.split("x"))
    if args.role == "kiosk":
        asyncio.run(kiosk(args.hub, (width, height)))
    else:
        asyncio.run(specialist(args.hub, (width, height), args.join_delay))
    return 0


if __name__ == "__main__":
    sys.exit(main())
