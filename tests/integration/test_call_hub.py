"""Real calls through a real hub on 127.0.0.1: the demo specialist (an aiortc peer that signs in
like a browser) and ``clinic-kiosk test-call`` / :class:`PatientVisit` with synthetic media."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import pytest
from aiortc import RTCPeerConnection

from kiosk.call.patient import CheckedIn, CheckInFailed, PatientVisit, VisitListener
from kiosk.call.session import CallState
from kiosk.call.signalling import HubSignalling
from kiosk.call.specialist import DemoSpecialist, DemoSummary, run_demo_specialist
from kiosk.call.testcall import EXIT_CHECK_IN, EXIT_OK, run_test_call
from kiosk.media.local import LatestFrame
from kiosk.media.synthetic import synthetic_media

pytestmark = pytest.mark.integration

WAIT = 30.0


def demo_specialist(hub: Any, **kwargs: Any) -> tuple[asyncio.Task[DemoSummary], asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_demo_specialist(
        hub.url, hub.specialist_username, hub.specialist_password, stop=stop, **kwargs))
    return task, stop


async def run_cli(*args: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kiosk.call.testcall", *args,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(120):
        out, err = await proc.communicate()
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_test_call_ended_by_the_patient(hub: Any) -> None:
    specialist, _stop = demo_specialist(hub, once=True)
    code, out, err = await run_cli("--hub", hub.url, "--code", hub.appointment_code,
                                   "--seconds", "10", "--json", "--hangup")
    assert code == EXIT_OK, (out, err)
    assert "Traceback" not in err
    assert hub.appointment_code not in out + err
    summary = json.loads(out)
    for key in ("connected", "setup_ms", "frames_sent", "frames_received",
                "audio_frames_received", "reconnects", "end_reason", "latency_ms_p50",
                "latency_ms_p95", "fps_received", "quality"):
        assert key in summary
    assert summary["connected"] is True
    assert summary["reconnects"] == 0
    assert summary["end_reason"] == "patient_hangup"
    assert summary["ended_by"] == "patient"
    assert summary["frames_sent"] >= 250
    assert summary["frames_received"] >= 150  # 10 s at up to 30 fps on a shared 2-core box
    assert summary["audio_frames_received"] >= 300  # 50 per second
    assert 0 < summary["setup_ms"] < 5000
    assert 0 <= summary["latency_ms_p50"] <= summary["latency_ms_p95"] < 1000
    async with asyncio.timeout(WAIT):
        demo = await specialist
    assert demo.calls == 1
    assert demo.last_end_reason == "patient_hangup"
    assert demo.video_frames_received >= 150
    assert demo.audio_frames_received >= 300


async def test_test_call_ended_by_the_specialist(hub: Any) -> None:
    specialist, _stop = demo_specialist(hub, once=True, end_after=10.0)
    summary = await run_test_call(hub.url, hub.appointment_code, seconds=5.0, hangup=False,
                                  end_timeout=WAIT)
    assert summary.media_both_ways
    assert summary.end_reason == "specialist_hangup"
    assert summary.ended_by == "specialist"
    assert summary.duration_s >= 10.0
    assert summary.frames_received >= 150
    assert summary.reconnects == 0
    async with asyncio.timeout(WAIT):
        demo = await specialist
    assert demo.calls == 1
    assert demo.last_end_reason == "specialist_hangup"


@pytest.mark.expect_log(r"check_in bad_code", logger="kiosk.hub.ws")
async def test_wrong_code_is_a_clear_error(hub: Any) -> None:
    code, out, err = await run_cli("--hub", hub.url, "--code", "NOPE-1234", "--json")
    assert code == EXIT_CHECK_IN
    assert out == ""
    assert err.strip().splitlines() == ["error: check-in failed: the appointment code was not "
                                        "recognised"]
    assert "NOPE" not in err


def break_transport(pc: RTCPeerConnection) -> None:
    """Close the UDP sockets under a peer connection, as if its network had gone away."""
    for transceiver in pc.getTransceivers()[:1]:  # one bundled transport
        for proto in list(transceiver.receiver.transport.transport._connection._protocols):
            proto.transport.close()


class Recorder(VisitListener):
    def __init__(self) -> None:
        self.states: list[CallState] = []
        self.messages: list[tuple[str, str | None]] = []
        self.ended: list[str] = []

    def on_call_state(self, state: CallState) -> None:
        self.states.append(state)

    def on_message(self, text: str, sender: str | None) -> None:
        self.messages.append((text, sender))

    def on_ended(self, reason: str) -> None:
        self.ended.append(reason)


async def wait_until(predicate: Any, event: asyncio.Event) -> None:
    async with asyncio.timeout(WAIT):
        while not predicate():
            event.clear()
            await event.wait()


@pytest.mark.expect_log(r"reconnecting \(media_timeout\), attempt", logger="kiosk.call.session")
@pytest.mark.expect_log(r"check_in bad_code", logger="kiosk.hub.ws")
async def test_reconnect_through_the_hub_after_a_transport_failure(hub: Any) -> None:
    specialist_media = synthetic_media(320, 240)
    demo = DemoSpecialist.for_hub(hub.url, hub.specialist_username, hub.specialist_password,
                                  specialist_media)
    stop = asyncio.Event()
    demo_task = asyncio.create_task(demo.run(stop))
    async with asyncio.timeout(WAIT):
        await demo.ready.wait()  # so 'joined' follows 'checked_in' at once (a past race)

    media = synthetic_media(320, 240)
    frame_arrived = asyncio.Event()
    sink = LatestFrame(on_video=lambda _f: frame_arrived.set())
    recorder = Recorder()
    visit = PatientVisit.for_hub(hub.url, media, token=hub.new_kiosk_token(), sink=sink,
                                 listener=recorder)
    try:
        await visit.connect()
        assert isinstance(await visit.check_in("WRONG-CODE"), CheckInFailed)
        result = await visit.check_in(hub.appointment_code, {"camera": "ok"})
        assert isinstance(result, CheckedIn)
        assert result.appointment.clinic == hub.seed.clinic_name
        await wait_until(lambda: sink.video_frames >= 30, frame_arrived)
        session = visit.session
        assert session is not None
        await wait_until(lambda: demo.sink.video_frames >= 30, frame_arrived)

        assert demo.call is not None
        assert demo.call.peer is not None
        break_transport(demo.call.peer.pc)  # the specialist's network goes away
        await wait_until(lambda: session.reconnects == 1, frame_arrived)
        before = sink.video_frames, demo.sink.video_frames
        await wait_until(lambda: session.state is CallState.CONNECTED
                         and sink.video_frames >= before[0] + 30
                         and demo.sink.video_frames >= before[1] + 30, frame_arrived)
        assert session.attempt == 2
        assert demo.call.attempt == 2
        assert CallState.RECONNECTING in recorder.states

        assert await visit.hangup() == "patient_hangup"
        assert recorder.ended == ["patient_hangup"]
        assert session.state is CallState.ENDED
    finally:
        await visit.close()
        await media.aclose()
        stop.set()
        async with asyncio.timeout(WAIT):
            summary = await demo_task
        await specialist_media.aclose()
    assert summary.calls == 1
    assert summary.answers == 2


@pytest.mark.expect_log(r"reconnecting \(rejoined\), attempt", logger="kiosk.call.session")
@pytest.mark.expect_log(r"lost the hub connection \(close code", logger="kiosk.call.signalling")
async def test_dropped_hub_socket_resumes_the_visit_and_re_offers(hub: Any) -> None:
    specialist_media = synthetic_media(320, 240)
    demo = DemoSpecialist.for_hub(hub.url, hub.specialist_username, hub.specialist_password,
                                  specialist_media)
    stop = asyncio.Event()
    demo_task = asyncio.create_task(demo.run(stop))
    media = synthetic_media(320, 240)
    frame_arrived = asyncio.Event()
    sink = LatestFrame(on_video=lambda _f: frame_arrived.set())
    links: list[bool] = []

    class Links(VisitListener):
        def on_hub_link(self, up: bool) -> None:
            links.append(up)

    visit = PatientVisit.for_hub(hub.url, media, sink=sink, listener=Links())
    try:
        await visit.connect()
        assert isinstance(await visit.check_in(hub.appointment_code), CheckedIn)
        await wait_until(lambda: sink.video_frames >= 15, frame_arrived)
        session = visit.session
        assert session is not None

        signalling = visit._signalling
        assert isinstance(signalling, HubSignalling)
        await signalling.drop_connection()  # the kiosk's WebSocket drops; the visit resumes
        await wait_until(lambda: links == [False, True] and session.attempt == 2
                         and session.state is CallState.CONNECTED, frame_arrived)
        count = sink.video_frames
        await wait_until(lambda: sink.video_frames >= count + 15, frame_arrived)
        assert not visit.ended
        assert await visit.hangup() == "patient_hangup"
    finally:
        await visit.close()
        await media.aclose()
        stop.set()
        async with asyncio.timeout(WAIT):
            await demo_task
        await specialist_media.aclose()
