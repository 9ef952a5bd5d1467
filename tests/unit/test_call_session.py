"""The call session between two real aiortc peers in one process, over the in-memory signalling
pair: pre-gathering, media both ways, stale attempts, reconnects after a broken transport, giving
up, and clean closing. Peers use this machine's non-loopback addresses (aioice leaves out
127.0.0.1), which stay local."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

import av
import pytest
from aiortc import RTCPeerConnection

from kiosk import protocol
from kiosk.call.answerer import AnswerSession
from kiosk.call.peer import rtc_configuration
from kiosk.call.session import MAX_ATTEMPT, CallSession, CallState, SessionConfig
from kiosk.call.signalling import MemorySignalling, Signalling
from kiosk.media import marker
from kiosk.media.local import LatestFrame, LocalMedia
from kiosk.media.synthetic import synthetic_media
from tests.helpers.netpath import UdpPath

TIMEOUT = 20.0


class CountingSink(LatestFrame):
    """A frame sink the test can wait on."""

    def __init__(self) -> None:
        super().__init__()
        self.changed = asyncio.Event()
        self.markers: list[marker.Marker] = []

    def on_remote_video(self, frame: av.VideoFrame) -> None:
        super().on_remote_video(frame)
        found = marker.decode(frame)
        if found is not None:
            self.markers.append(found)
        self.changed.set()

    def on_remote_audio(self, frame: av.AudioFrame) -> None:
        super().on_remote_audio(frame)
        self.changed.set()

    async def wait_for(self, video: int, audio: int = 0) -> None:
        async with asyncio.timeout(TIMEOUT):
            while self.video_frames < video or self.audio_frames < audio:
                self.changed.clear()
                await self.changed.wait()


async def pump(signalling: Signalling, handle: Callable[[dict[str, Any]], Any],
               drop: Callable[[Mapping[str, Any]], bool] = lambda _m: False) -> None:
    async for msg in signalling:
        if not drop(msg):
            await handle(msg)


class Call:
    """A CallSession (patient) and an AnswerSession (specialist) joined by a memory pair."""

    def __init__(self, config: SessionConfig | None = None,
                 drop_offer: Callable[[Mapping[str, Any]], bool] = lambda _m: False) -> None:
        self.patient_sig, self.specialist_sig = MemorySignalling.pair()
        self.patient_media: LocalMedia = synthetic_media(320, 240)
        self.specialist_media: LocalMedia = synthetic_media(320, 240)
        self.patient_sink, self.specialist_sink = CountingSink(), CountingSink()
        self.session = CallSession(self.patient_sig, self.patient_media,
                                   sink=self.patient_sink, config=config)
        self.answerer = AnswerSession(self.specialist_sig, self.specialist_media, "visit-1",
                                      sink=self.specialist_sink)
        self.states: list[CallState] = []
        self.state_changed = asyncio.Event()
        self.session.add_state_listener(self._on_state)
        self.tasks = [
            asyncio.create_task(pump(self.patient_sig, self.session.handle)),
            asyncio.create_task(pump(self.specialist_sig, self.answerer.handle, drop_offer)),
        ]

    def _on_state(self, state: CallState) -> None:
        self.states.append(state)
        self.state_changed.set()

    async def wait_state(self, state: CallState) -> None:
        async with asyncio.timeout(TIMEOUT):
            while self.session.state is not state:
                self.state_changed.clear()
                await self.state_changed.wait()

    def sent(self, mtype: str) -> list[dict[str, Any]]:
        return [m for m in self.patient_sig.sent if m["type"] == mtype]

    async def close(self) -> None:
        await self.session.close()
        await self.answerer.close()
        await self.patient_sig.close()
        for task in self.tasks:
            await task
        await self.patient_media.aclose()
        await self.specialist_media.aclose()


@pytest.fixture
async def make_call() -> AsyncIterator[Callable[..., Call]]:
    calls: list[Call] = []

    def make(**kwargs: Any) -> Call:
        call = Call(**kwargs)
        calls.append(call)
        return call

    yield make
    for call in calls:
        await call.close()
    # Nothing may outlive the calls: no peer connection, reader or relay task left behind.
    current = asyncio.current_task()
    async with asyncio.timeout(5):
        while leftovers := [t for t in asyncio.all_tasks() if t is not current]:
            await asyncio.wait(leftovers, timeout=1)
    assert not leftovers


def break_transport(pc: RTCPeerConnection) -> None:
    """Close the UDP sockets under a peer connection, as if its network had gone away."""
    seen = set()
    for transceiver in pc.getTransceivers():
        ice = transceiver.receiver.transport.transport
        if id(ice) in seen:
            continue
        seen.add(id(ice))
        for proto in list(ice._connection._protocols):
            proto.transport.close()


async def test_pregather_then_connect_with_media_both_ways(make_call: Callable[..., Call]) -> None:
    call = make_call()
    await call.session.prepare()
    assert call.session.state is CallState.READY
    peer = call.session.peer
    assert peer is not None
    assert peer.pc.iceGatheringState == "complete"
    assert "a=candidate:" in peer.pc.localDescription.sdp
    assert " 127.0.0.1 " not in peer.pc.localDescription.sdp
    assert call.patient_sig.sent == []  # nothing goes out before the specialist joins

    loop = asyncio.get_running_loop()
    joined_at = loop.time()
    await call.session.start()
    # The ready offer goes out at once, without gathering again.
    assert [m["type"] for m in call.patient_sig.sent] == ["call_state", "offer"]
    assert call.sent("offer")[0]["attempt"] == 1
    assert call.session.peer is peer

    await call.patient_sink.wait_for(video=1)
    setup_ms = (loop.time() - joined_at) * 1000
    await call.patient_sink.wait_for(video=30, audio=25)
    await call.specialist_sink.wait_for(video=30, audio=25)
    await call.wait_state(CallState.CONNECTED)
    assert call.states == [CallState.GATHERING, CallState.READY, CallState.CONNECTING,
                           CallState.CONNECTED]
    assert [m["state"] for m in call.sent("call_state")][:1] == ["connecting"]
    assert setup_ms < 5000
    # The far end's markers arrive in order, captured moments ago on the same clock.
    counters = [m.counter for m in call.patient_sink.markers]
    assert counters == sorted(counters)
    latency_ms = time.time() * 1000 - call.patient_sink.markers[-1].captured_ms
    assert 0 <= latency_ms < 2000
    assert call.session.reconnects == 0
    assert call.session.video_frames_received >= 30

    quality = await call.session.refresh_quality()
    assert quality is not None
    assert quality.verdict in ("good", "fair", "poor")


async def test_start_without_pregathering(make_call: Callable[..., Call]) -> None:
    call = make_call()
    await call.session.start()
    await call.specialist_sink.wait_for(video=5)
    await call.patient_sink.wait_for(video=5)
    assert call.states[:3] == [CallState.GATHERING, CallState.READY, CallState.CONNECTING]


async def test_stale_attempts_are_ignored(make_call: Callable[..., Call]) -> None:
    call = make_call()
    await call.session.start()
    await call.wait_state(CallState.CONNECTED)
    answer = call.specialist_sig.sent[-1]
    assert answer["type"] == "answer"
    for attempt in (0, 2, 7):
        await call.session.handle({**answer, "attempt": attempt})
        await call.session.handle(protocol.make(
            "candidate", attempt=attempt, candidate="candidate:1 1 udp 1 192.0.2.99 9 typ host",
            sdp_mid="0"))
    assert call.session.stale_ignored == 6
    # The specialist side ignores an offer for an attempt it has already answered.
    offer = call.sent("offer")[0]
    await call.answerer.handle(offer)
    assert call.answerer.stale_ignored == 1
    assert call.answerer.answers == 1
    before = call.patient_sink.video_frames
    await call.patient_sink.wait_for(video=before + 10)
    assert call.session.state is CallState.CONNECTED
    assert call.session.attempt == 1


@pytest.mark.expect_log(
    r"reconnecting \(connection_failed\), attempt",
    r"reconnecting \(media_timeout\), attempt",
    logger="kiosk.call.session")
# The broken peer is kept as a standby (it may come back) and its sender complains that the
# sockets this test closed under it are gone.
@pytest.mark.expect_log(r"Traceback", logger="aiortc.rtcrtpsender")
@pytest.mark.parametrize("side", ["specialist", "patient"])
async def test_peer_failure_mid_call_renegotiates(make_call: Callable[..., Call],
                                                  side: str) -> None:
    call = make_call()
    await call.session.start()
    await call.patient_sink.wait_for(video=15)
    await call.specialist_sink.wait_for(video=15)
    await call.wait_state(CallState.CONNECTED)

    peer = call.answerer.peer if side == "specialist" else call.session.peer
    assert peer is not None
    break_transport(peer.pc)
    await call.wait_state(CallState.RECONNECTING)
    await call.wait_state(CallState.CONNECTED)
    got_patient = call.patient_sink.video_frames
    got_specialist = call.specialist_sink.video_frames
    await call.patient_sink.wait_for(video=got_patient + 15)
    await call.specialist_sink.wait_for(video=got_specialist + 15)

    assert call.session.reconnects == 1
    assert call.session.attempt == 2
    assert call.answerer.attempt == 2
    assert [m["attempt"] for m in call.sent("offer")] == [1, 2]
    reconnecting = [m for m in call.sent("call_state") if m["state"] == "reconnecting"]
    assert [m["attempt"] for m in reconnecting] == [2]
    assert call.states[-2:] == [CallState.RECONNECTING, CallState.CONNECTED]


@pytest.mark.expect_log(r"reconnecting \(frozen\), attempt", logger="kiosk.call.session")
async def test_restart_from_the_specialist_renegotiates(make_call: Callable[..., Call]) -> None:
    call = make_call()
    await call.session.start()
    await call.wait_state(CallState.CONNECTED)
    await call.specialist_sig.send(protocol.make("restart", reason="frozen"))
    await call.wait_state(CallState.RECONNECTING)
    await call.wait_state(CallState.CONNECTED)
    await call.patient_sink.wait_for(video=call.patient_sink.video_frames + 5)
    assert call.session.attempt == 2


@pytest.mark.expect_log(
    r"call lost: no connection for",
    r"reconnecting \(connect_timeout\), attempt",
    logger="kiosk.call.session")
async def test_gives_up_after_the_lost_limit(make_call: Callable[..., Call]) -> None:
    config = SessionConfig(connect_timeout=0.5, retry_interval=0.3, lost_after=1.0)
    call = make_call(config=config, drop_offer=lambda m: m["type"] == "offer")
    await call.session.start()
    async with asyncio.timeout(TIMEOUT):
        reason = await call.session.wait_ended()
    assert reason == "network_failed"
    assert call.session.state is CallState.ENDED
    attempts = [m["attempt"] for m in call.sent("offer")]
    assert attempts == list(range(1, len(attempts) + 1))
    assert len(attempts) >= 3  # a fresh attempt every retry_interval, never a backoff
    states = [m["state"] for m in call.sent("call_state")]
    assert states[0] == "connecting"
    assert states[-1] == "failed"
    assert set(states[1:-1]) == {"reconnecting"}
    assert call.session.reconnects == 1
    assert call.session.peer is None


@pytest.mark.expect_log(r"call lost: 1000 attempts", r"reconnecting \(connect_timeout\)",
                        logger="kiosk.call.session")
async def test_a_call_ends_before_its_attempts_outgrow_the_protocol(
        make_call: Callable[..., Call]) -> None:
    config = SessionConfig(connect_timeout=0.3, retry_interval=0.2)
    call = make_call(config=config, drop_offer=lambda m: m["type"] == "offer")
    await call.session.start()
    call.session.attempt = MAX_ATTEMPT - 2  # as after a long, very broken call
    async with asyncio.timeout(TIMEOUT):
        assert await call.session.wait_ended() == "network_failed"
    assert max(m["attempt"] for m in call.sent("offer")) == MAX_ATTEMPT


async def test_close_in_every_state(make_call: Callable[..., Call]) -> None:
    idle = make_call()
    await idle.session.close("left")
    assert idle.session.state is CallState.ENDED
    assert idle.session.end_reason == "left"

    gathering = make_call()
    prepare = asyncio.create_task(gathering.session.prepare())
    await asyncio.sleep(0)
    await gathering.session.close()
    with contextlib.suppress(asyncio.CancelledError):
        await prepare
    assert gathering.session.state is CallState.ENDED

    connecting = make_call(drop_offer=lambda m: m["type"] == "offer")
    await connecting.session.start()
    await connecting.session.close()
    await connecting.session.start()  # a late join does nothing once ended
    assert connecting.session.state is CallState.ENDED


def test_ice_configuration_never_falls_back_to_public_stun() -> None:
    assert rtc_configuration([]).iceServers == []
    servers = rtc_configuration([
        {"urls": "stun:hub.example:3478"},
        {"urls": ["turn:hub.example:3478?transport=udp", "turns:hub.example:443"],
         "username": "1700000000:kiosk", "credential": "c2VjcmV0"},
        {"urls": 42}, "junk", {"urls": []}, {"urls": ["turn:x", 3]},
    ]).iceServers
    assert servers is not None
    assert [s.urls for s in servers] == [
        ["stun:hub.example:3478"],
        ["turn:hub.example:3478?transport=udp", "turns:hub.example:443"]]
    assert (servers[1].username, servers[1].credential) == ("1700000000:kiosk", "c2VjcmV0")


async def until(predicate: Callable[[], bool], within: float = TIMEOUT) -> None:
    """Wait for a condition nothing signals (e.g. a message sent), looking every 20 ms."""
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110  (nothing signals these conditions)
            await asyncio.sleep(0.02)


@pytest.mark.expect_log(r"reconnecting \(", logger="kiosk.call.session")
async def test_the_path_back_means_a_fresh_attempt_at_once(make_call: Callable[..., Call]) -> None:
    config = SessionConfig(connect_timeout=0.5, retry_interval=60.0)
    call = make_call(config=config, drop_offer=lambda m: m["type"] == "offer")
    await call.session.start()
    await call.wait_state(CallState.RECONNECTING)
    await until(lambda: len(call.sent("offer")) == 2)
    call.session.path_alive("hub_link")  # e.g. the hub link is back
    await until(lambda: len(call.sent("offer")) == 3, within=2.0)  # not 60 s later
    assert call.session.reconnects == 1


class RoutedSignalling(MemorySignalling):
    """In-memory signalling whose SDP sends media through a :class:`UdpPath` we can cut."""

    path: UdpPath

    async def send(self, msg: Mapping[str, Any]) -> bool:
        if msg.get("type") in ("offer", "answer"):
            msg = {**msg, "sdp": await self.path.route_sdp(str(msg["sdp"]))}
        return await super().send(msg)


@pytest.mark.expect_log(r"reconnecting \(media_timeout\)", logger="kiosk.call.session")
@pytest.mark.expect_log(r"failed to decode", logger="aiortc.rtcrtpreceiver")
async def test_a_silent_connection_that_comes_back_is_the_call_again() -> None:
    path = UdpPath()
    patient_sig, specialist_sig = RoutedSignalling.pair()
    patient_sig.path = specialist_sig.path = path
    patient_media, specialist_media = synthetic_media(320, 240), synthetic_media(320, 240)
    patient_sink, specialist_sink = CountingSink(), CountingSink()
    session = CallSession(patient_sig, patient_media, sink=patient_sink,
                          config=SessionConfig(media_timeout=1.0, retry_interval=0.5))
    answerer = AnswerSession(specialist_sig, specialist_media, "visit-1", sink=specialist_sink)
    # Newer attempts get no answer, so only the silent connection can bring the call back.
    tasks = [asyncio.create_task(pump(patient_sig, session.handle,
                                      lambda m: m["type"] == "answer" and m["attempt"] > 1)),
             asyncio.create_task(pump(specialist_sig, answerer.handle))]
    try:
        await session.start()
        await patient_sink.wait_for(video=10, audio=10)
        await specialist_sink.wait_for(video=10, audio=10)
        path.switch.cut()
        await until(lambda: session.state is CallState.RECONNECTING and answerer.attempt >= 3)
        assert session.standby is not None  # kept open at both ends while attempts try
        assert answerer.standby is not None
        assert answerer.standby.attempt == 1
        got = patient_sink.video_frames, specialist_sink.video_frames
        path.switch.restore()
        await until(lambda: session.state is CallState.CONNECTED, within=2.0)
        await patient_sink.wait_for(video=got[0] + 10)
        await specialist_sink.wait_for(video=got[1] + 10)
        assert session.standby_recoveries == 1
        assert session.peer is not None
        assert session.peer.attempt == 1
        await until(lambda: answerer.peer is not None and answerer.peer.attempt == 1
                    and answerer.standby is None)  # the answerer took attempt 1 back too
        assert session.reconnects == 1
    finally:
        await session.close()
        await answerer.close()
        await patient_sig.close()
        for task in tasks:
            await task
        await patient_media.aclose()
        await specialist_media.aclose()
        path.close()


async def test_an_offer_pregathered_with_other_ice_servers_is_gathered_again(
        make_call: Callable[..., Call]) -> None:
    """The network check's path order can come while the offer is still pre-gathering (the
    kiosk does both after check-in): the offer the specialist gets is gathered again with it.
    (With UDP blocked, an offer gathered with TURN/UDP first had no relay, and the call waited
    for the connect time-out: tests/faults, test_udp_blocked_...)."""
    call = make_call()
    preparing = asyncio.create_task(call.session.prepare())
    await asyncio.sleep(0)  # prepare() starts the gathering task,
    await asyncio.sleep(0)  # which makes its peer (no ICE servers) and starts gathering
    assert call.session.peer is not None
    assert call.session.state is CallState.GATHERING
    # Another list (an entry with no usable URL, which aiortc is never given, so the test does
    # not wait on a STUN server): what matters is that the list differs.
    preferred: list[dict[str, Any]] = [{"urls": []}]
    first = call.session.peer
    call.session.set_ice_servers(preferred)
    await preparing
    await call.session.prepare()  # the offer is gathered again now, before the join
    assert call.states[-2:] == [CallState.GATHERING, CallState.READY]
    regathered = call.session.peer
    assert regathered is not None
    assert regathered is not first
    assert regathered.ice_servers == preferred
    await call.session.start()
    assert call.session.peer is regathered  # no gathering at the join
    assert call.sent("offer")[0]["attempt"] == regathered.attempt
    await call.specialist_sink.wait_for(video=5)


async def test_a_pregathered_offer_with_the_same_ice_servers_is_used_at_once(
        make_call: Callable[..., Call]) -> None:
    call = make_call()
    await call.session.prepare()
    pregathered = call.session.peer
    call.session.set_ice_servers([])  # the same (none): nothing to gather again
    await call.session.start()
    assert call.session.peer is pregathered
