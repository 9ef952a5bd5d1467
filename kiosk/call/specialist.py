"""The demo specialist: an aiortc peer that takes calls like a specialist in a browser.

It signs in (``POST /api/login``, then the WebSocket with the ``clinic_session`` cookie, role
``specialist``), watches ``waiting_list``, joins the first waiting patient, answers every offer
with a fresh peer connection, sends a test pattern and a tone, counts what it receives, and can
hang up after a while. Used by ``clinic-hub demo-specialist``, by the kiosk's demo mode (in
process) and by the integration tests. It logs no patient details.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kiosk import protocol
from kiosk.call.answerer import AnswerSession
from kiosk.call.signalling import HubSignalling, Signalling
from kiosk.checks.network import PathOrder, choose_paths
from kiosk.media.local import LatestFrame, LocalMedia
from kiosk.media.synthetic import synthetic_media

log = logging.getLogger(__name__)

#: Without remote video the end-after timer starts this long after joining anyway.
_FIRST_FRAME_WAIT = 10.0


@dataclass
class DemoSummary:
    """What a demo specialist did."""

    calls: int = 0
    answers: int = 0
    video_frames_received: int = 0
    audio_frames_received: int = 0
    last_end_reason: str | None = None


class DemoSpecialist:
    """Takes calls from the waiting list until stopped (or after one call with ``once``).

    ``end_after``: hang up this many seconds after the call's first remote frame. ``media`` is
    sent in every call and belongs to the caller.
    """

    def __init__(self, signalling: Signalling, media: LocalMedia, *,
                 end_after: float | None = None, once: bool = False,
                 join_delay: float = 0.0, greeting: str | None = None) -> None:
        self.summary = DemoSummary()
        self.sink = LatestFrame(on_video=self._first_frame)
        self.visit_id: str | None = None
        self.call: AnswerSession | None = None
        self.in_call = asyncio.Event()
        #: Set once signed in and connected to the hub (watching the waiting list).
        self.ready = asyncio.Event()
        self._signalling = signalling
        self._media = media
        self._end_after = end_after
        self._join_delay = join_delay
        self._greeting = greeting
        self._join_later_task: asyncio.Task[None] | None = None
        self._once = once
        self._ice_servers: list[Any] = []
        self._order_paths: PathOrder = list  # until the paths are checked: the hub's order
        self._joining: str | None = None
        self._waiting: list[Mapping[str, Any]] = []
        self._got_frame = asyncio.Event()
        self._timer: asyncio.Task[None] | None = None
        self._done = asyncio.Event()

    @classmethod
    def for_hub(cls, hub_url: str, username: str, password: str, media: LocalMedia,
                **kwargs: Any) -> DemoSpecialist:
        """A demo specialist signing in to the hub at ``hub_url``."""
        signalling = HubSignalling(hub_url, "specialist", login=(username, password),
                                   client="clinic-kiosk demo-specialist")
        return cls(signalling, media, **kwargs)

    async def run(self, stop: asyncio.Event | None = None) -> DemoSummary:
        """Connect, take calls until ``stop`` is set (or one call ends with ``once``), and close
        everything. Raises :class:`kiosk.call.signalling.SignallingError` if sign-in fails."""
        await self._signalling.connect()
        welcome = getattr(self._signalling, "welcome", None)
        if isinstance(welcome, Mapping):
            self._order_paths = await choose_paths(welcome.get("ice_servers", []))
            self._ice_servers = self._order_paths(list(welcome.get("ice_servers", [])))
        reader = asyncio.create_task(self._read(), name="demo-specialist-reader")
        self.ready.set()
        stopper = asyncio.create_task((stop or asyncio.Event()).wait(), name="demo-stop")
        done = asyncio.create_task(self._done.wait(), name="demo-done")
        try:
            await asyncio.wait({reader, stopper, done}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            later = [self._join_later_task] if self._join_later_task is not None else []
            for task in (reader, stopper, done, *later):
                task.cancel()
            for task in (reader, stopper, done, *later):
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            if self.visit_id is not None and self.call is not None:
                await self._signalling.send(protocol.make(
                    "hangup", visit_id=self.visit_id, reason="specialist_left"))
            await self._end_call(None)
            await self._signalling.close()
        self.summary.video_frames_received = self.sink.video_frames
        self.summary.audio_frames_received = self.sink.audio_frames
        return self.summary

    # --- internals ---

    def _first_frame(self, _frame: Any) -> None:
        self._got_frame.set()

    async def _read(self) -> None:
        async for msg in self._signalling:
            await self._dispatch(msg)

    async def _dispatch(self, msg: dict[str, Any]) -> None:
        mtype = msg["type"]
        if mtype in ("welcome", "ice_servers"):
            self._ice_servers = self._order_paths(list(msg.get("ice_servers", [])))
            if self.call is not None:
                self.call.set_ice_servers(self._ice_servers)
        elif mtype == "waiting_list":
            self._waiting = list(msg["patients"])
            await self._maybe_join()
        elif mtype == "joined" and msg["visit_id"] == self._joining:
            await self._start_call(msg["visit_id"])
        elif mtype in ("offer", "candidate") and self.call is not None \
                and msg.get("visit_id") in (None, self.visit_id):
            await self.call.handle(msg)
            self.summary.answers = self.call.answers
        elif mtype == "call_state":
            log.info("patient call state: %s (attempt %s)", msg["state"], msg.get("attempt"))
            if self.call is not None and msg.get("visit_id") in (None, self.visit_id):
                await self.call.handle(msg)  # names the attempt that carries the call
        elif mtype == "call_ended" and msg["visit_id"] == self.visit_id:
            await self._end_call(msg["reason"])
            if self._once:
                self._done.set()
            else:
                await self._maybe_join()
        elif mtype == "error":
            log.warning("hub error: %s", msg["code"])
            if self._joining is not None and self.visit_id is None:
                self._joining = None  # e.g. busy or gone: try the next list

    async def _maybe_join(self) -> None:
        if self.visit_id is not None or self._joining is not None:
            return
        for entry in self._waiting:
            if (isinstance(entry, Mapping) and entry.get("status") == "waiting"
                    and not entry.get("joined_by") and isinstance(entry.get("visit_id"), str)):
                visit_id = entry["visit_id"]
                self._joining = visit_id
                if self._greeting:
                    await self._signalling.send(protocol.make(
                        "message", visit_id=visit_id, text=self._greeting))
                if self._join_delay > 0:
                    self._join_later_task = asyncio.create_task(
                        self._join_later(visit_id), name="demo-join-later")
                else:
                    log.info("joining the first waiting patient")
                    await self._signalling.send(protocol.make("join", visit_id=visit_id))
                return

    async def _join_later(self, visit_id: str) -> None:
        """Join after ``join_delay`` seconds (demo mode: the patient sees the waiting room)."""
        await asyncio.sleep(self._join_delay)
        if self._joining == visit_id and self.visit_id is None:
            log.info("joining the first waiting patient")
            await self._signalling.send(protocol.make("join", visit_id=visit_id))

    async def _start_call(self, visit_id: str) -> None:
        self.visit_id = visit_id
        self._joining = None
        self._got_frame.clear()
        self.call = AnswerSession(self._signalling, self._media, visit_id,
                                  ice_servers=self._ice_servers, sink=self.sink)
        self.in_call.set()
        if self._end_after is not None:
            self._timer = asyncio.create_task(self._hang_up_later(visit_id, self._end_after),
                                              name="demo-end-after")

    async def _hang_up_later(self, visit_id: str, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_FIRST_FRAME_WAIT):
                await self._got_frame.wait()
        await asyncio.sleep(seconds)
        if self.visit_id == visit_id:
            log.info("ending the call after %.0f s", seconds)
            await self._signalling.send(protocol.make(
                "hangup", visit_id=visit_id, reason="specialist_hangup"))

    async def _end_call(self, reason: str | None) -> None:
        timer, self._timer = self._timer, None
        if timer is not None and timer is not asyncio.current_task():
            timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await timer
        call, self.call = self.call, None
        if call is not None:
            await call.close()
            self.summary.calls += 1
            self.summary.answers = call.answers
            self.summary.last_end_reason = reason
        self.visit_id = None
        self.in_call.clear()


async def run_demo_specialist(hub_url: str, username: str, password: str, *,
                              end_after: float | None = None, once: bool = False,
                              width: int = 640, height: int = 480,
                              stop: asyncio.Event | None = None, join_delay: float = 0.0,
                              greeting: str | None = None) -> DemoSummary:
    """Run a demo specialist against the hub at ``hub_url`` until ``stop`` is set (or after one
    call with ``once``), sending a ``width`` x ``height`` test pattern and a tone.

    Raises :class:`kiosk.call.signalling.SignallingError` if the hub cannot be reached or refuses
    the sign-in.
    """
    media = synthetic_media(width, height, tone_hz=660.0)
    try:
        specialist = DemoSpecialist.for_hub(hub_url, username, password, media,
                                            end_after=end_after, once=once,
                                            join_delay=join_delay, greeting=greeting)
        return await specialist.run(stop)
    finally:
        await media.aclose()
