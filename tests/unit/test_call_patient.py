"""The patient's visit over the in-memory signalling pair. The test plays the hub on the other
end (check-in replies, ``joined``, relaying to a real answering aiortc peer, ``call_ended``)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest

from kiosk import protocol
from kiosk.call.answerer import AnswerSession
from kiosk.call.patient import CheckedIn, CheckInFailed, PatientVisit, VisitListener
from kiosk.call.quality import Quality
from kiosk.call.session import CallState, SessionConfig
from kiosk.call.signalling import MemorySignalling
from kiosk.media.local import LatestFrame
from kiosk.media.synthetic import synthetic_media

WAIT = 20.0


class Recorder(VisitListener):
    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []
        self.changed = asyncio.Event()

    def _add(self, name: str, value: Any) -> None:
        self.events.append((name, value))
        self.changed.set()

    def on_checked_in(self, appointment: Any) -> None:
        self._add("checked_in", appointment)

    def on_joined(self, specialist: Mapping[str, Any]) -> None:
        self._add("joined", specialist["name"])

    def on_call_state(self, state: CallState) -> None:
        self._add("state", state)

    def on_quality(self, quality: Quality) -> None:
        self._add("quality", quality.verdict)

    def on_message(self, text: str, sender: str | None) -> None:
        self._add("message", (text, sender))

    def on_help_ack(self, message: str) -> None:
        self._add("help_ack", message)

    def on_error(self, code: str, message: str) -> None:
        self._add("error", code)

    def on_ended(self, reason: str) -> None:
        self._add("ended", reason)

    def names(self) -> list[str]:
        return [name for name, _ in self.events]

    async def wait(self, name: str, value: Any = None) -> None:
        async with asyncio.timeout(WAIT):
            while not any(n == name and (value is None or v == value) for n, v in self.events):
                self.changed.clear()
                await self.changed.wait()


class TestHub:
    """The hub's side of the pair, driven by the test; relays call set-up to an answerer."""

    __test__ = False

    def __init__(self, end: MemorySignalling) -> None:
        self.end = end
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.media = synthetic_media(320, 240)
        self.sink = LatestFrame()
        self.answerer = AnswerSession(end, self.media, "v-1", sink=self.sink)
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for msg in self.end:
            if msg["type"] in ("offer", "candidate"):
                await self.answerer.handle({**msg, "visit_id": "v-1"})
            self.inbox.put_nowait(msg)

    async def expect(self, mtype: str) -> dict[str, Any]:
        async with asyncio.timeout(WAIT):
            while True:
                msg = await self.inbox.get()
                if msg["type"] == mtype:
                    return msg

    async def send(self, mtype: str, **fields: Any) -> None:
        await self.end.send(protocol.make(mtype, **fields))

    async def close(self) -> None:
        await self.answerer.close()
        await self.end.close()
        await self.task
        await self.media.aclose()


@pytest.fixture
async def visit() -> AsyncIterator[tuple[PatientVisit, TestHub, Recorder]]:
    patient_end, hub_end = MemorySignalling.pair()
    media = synthetic_media(320, 240)
    recorder = Recorder()
    visit = PatientVisit(patient_end, media, listener=recorder, sink=LatestFrame(),
                         session_config=SessionConfig(stats_interval=0.5), stats_every=0.5,
                         request_timeout=5.0)
    hub = TestHub(hub_end)
    await visit.connect()
    yield visit, hub, recorder
    await visit.close()
    await hub.close()
    await media.aclose()


async def reply_to_check_in(hub: TestHub) -> None:
    check_in = await hub.expect("check_in")
    await hub.end.send(protocol.make(
        "checked_in", visit_id="v-1", resume_token="rt", ref=check_in["ref"],
        appointment={"time": "10:30", "specialist_name": "Dr Who", "clinic": "Oban",
                     "waiting_area": "Main"}))
    # A specialist who is already waiting joins at once.
    await hub.send("joined", visit_id="v-1", specialist={"id": 1, "name": "Dr Who"})


async def test_refused_codes_are_typed_failures(
        visit: tuple[PatientVisit, TestHub, Recorder]) -> None:
    patient, hub, _ = visit

    async def refuse(code: str, retry_after: float | None = None) -> None:
        check_in = await hub.expect("check_in")
        assert check_in["code"] == "123456"
        await hub.end.send(protocol.error(code, "No.", ref=check_in["ref"],
                                          retry_after=retry_after))

    for code, retry in (("bad_code", None), ("code_used", None), ("code_expired", None),
                        ("rate_limited", 30.0)):
        replier = asyncio.create_task(refuse(code, retry))
        result = await patient.check_in("123456")
        await replier
        assert result == CheckInFailed(code, "No.", retry)
    assert patient.session is None
    assert patient.visit_id is None


async def test_visit_from_check_in_to_the_end_of_the_call(
        visit: tuple[PatientVisit, TestHub, Recorder]) -> None:
    patient, hub, recorder = visit
    replier = asyncio.create_task(reply_to_check_in(hub))
    result = await patient.check_in("123456", {"camera": "ok"})
    await replier
    assert isinstance(result, CheckedIn)
    assert result.visit_id == "v-1"
    assert result.appointment.specialist_name == "Dr Who"

    offer = await hub.expect("offer")  # sent although 'joined' raced the check-in reply
    assert offer["attempt"] == 1
    await recorder.wait("state", CallState.CONNECTED)
    stats = await hub.expect("call_stats")
    assert set(stats["stats"]) == {"rtt_ms", "loss_pct", "jitter_ms", "bitrate_kbps", "verdict"}

    await hub.send("message", text="Can you hear me?", **{"from": "Dr Who"})
    await recorder.wait("message")
    await patient.help("dizzy")
    assert (await hub.expect("help"))["reason"] == "dizzy"
    await hub.send("help_ack", message="Staff are on their way.")
    await recorder.wait("help_ack")

    await hub.send("call_ended", visit_id="v-1", reason="specialist_hangup")
    assert await patient.wait_ended() == "specialist_hangup"
    assert patient.call_state is CallState.ENDED
    names = recorder.names()
    assert names[:2] == ["checked_in", "joined"]
    assert names[-1] == "ended"
    assert ("message", ("Can you hear me?", "Dr Who")) in recorder.events
    assert ("help_ack", "Staff are on their way.") in recorder.events
    assert [v for n, v in recorder.events if n == "state"][-1] is CallState.ENDED


async def test_hangup_waits_for_the_hub(visit: tuple[PatientVisit, TestHub, Recorder]) -> None:
    patient, hub, recorder = visit
    replier = asyncio.create_task(reply_to_check_in(hub))
    await patient.check_in("123456")
    await replier
    await recorder.wait("state", CallState.CONNECTED)

    async def confirm() -> None:
        hangup = await hub.expect("hangup")
        await hub.send("call_ended", visit_id="v-1", reason=hangup["reason"])

    confirmer = asyncio.create_task(confirm())
    assert await patient.hangup() == "patient_hangup"
    await confirmer
    assert recorder.events[-1] == ("ended", "patient_hangup")


async def test_leaving_the_waiting_room(visit: tuple[PatientVisit, TestHub, Recorder]) -> None:
    patient, hub, recorder = visit
    check_in = asyncio.create_task(patient.check_in("123456"))
    msg = await hub.expect("check_in")
    await hub.end.send(protocol.make("checked_in", visit_id="v-1", resume_token="rt",
                                     appointment={}, ref=msg["ref"]))
    assert isinstance(await check_in, CheckedIn)
    leave = asyncio.create_task(patient.leave())
    assert (await hub.expect("leave"))["reason"] == "left"
    await hub.send("call_ended", visit_id="v-1", reason="left")
    assert await leave == "left"
    assert "joined" not in recorder.names()


@pytest.mark.expect_log(r"lost the hub for good", logger="kiosk.call.patient")
async def test_losing_the_hub_ends_the_visit(
        visit: tuple[PatientVisit, TestHub, Recorder]) -> None:
    patient, hub, recorder = visit
    await hub.end.close()
    assert await patient.wait_ended() == "hub_lost"
    assert recorder.events[-1] == ("ended", "hub_lost")
