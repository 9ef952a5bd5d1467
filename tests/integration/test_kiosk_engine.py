"""The kiosk engine (what the app's bridge drives) against a real hub and the demo specialist."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import av
import pytest

from kiosk.call.patient import CheckedIn, CheckInFailed, CheckInResult
from kiosk.call.session import CallState
from kiosk.call.specialist import run_demo_specialist
from kiosk.demo import start_demo
from kiosk.engine import EngineListener, KioskEngine
from kiosk.media.synthetic import TestPatternTrack, ToneTrack

WAIT = 20.0


class Recorder(EngineListener):
    """Collects what the engine reports, with events to wait on."""

    def __init__(self) -> None:
        self.results: list[CheckInResult] = []
        self.states: list[CallState] = []
        self.messages: list[str] = []
        self.self_frames = 0
        self.remote_frames = 0
        self.remote_audio = 0
        self.levels: list[float] = []
        self.links: list[bool] = []
        self.ended_reason: str | None = None
        self.help_acks = 0
        self.changed = asyncio.Event()

    def _poke(self) -> None:
        self.changed.set()

    async def until(self, condition: Any, within: float = WAIT) -> None:
        async with asyncio.timeout(within):
            while not condition():
                self.changed.clear()
                await self.changed.wait()

    def on_check_in_result(self, result: CheckInResult) -> None:
        self.results.append(result)
        self._poke()

    def on_call_state(self, state: CallState) -> None:
        self.states.append(state)
        self._poke()

    def on_message(self, text: str, sender: str | None) -> None:
        self.messages.append(text)
        self._poke()

    def on_self_frame(self, frame: av.VideoFrame) -> None:
        self.self_frames += 1
        self._poke()

    def on_remote_video(self, frame: av.VideoFrame) -> None:
        self.remote_frames += 1
        self._poke()

    def on_remote_audio(self, frame: av.AudioFrame) -> None:
        self.remote_audio += 1
        self._poke()

    def on_mic_level(self, level: float) -> None:
        self.levels.append(level)
        self._poke()

    def on_hub_link(self, up: bool) -> None:
        self.links.append(up)
        self._poke()

    def on_help_ack(self, message: str) -> None:
        self.help_acks += 1
        self._poke()

    def on_ended(self, reason: str) -> None:
        self.ended_reason = reason
        self._poke()


def synthetic() -> tuple[TestPatternTrack, ToneTrack]:
    return TestPatternTrack(320, 240), ToneTrack()


@pytest.fixture
async def specialist(hub: Any) -> AsyncIterator[asyncio.Event]:
    stop = asyncio.Event()
    task = asyncio.create_task(run_demo_specialist(
        hub.url, hub.specialist_username, hub.specialist_password, stop=stop,
        width=320, height=240, greeting="Hello from the specialist", join_delay=0.5))
    yield stop
    stop.set()
    await asyncio.wait_for(task, WAIT)


async def test_whole_visit_through_the_engine(hub: Any, specialist: asyncio.Event) -> None:
    rec = Recorder()
    engine = KioskEngine(hub.url, synthetic, rec, token=hub.new_kiosk_token())
    try:
        assert await engine.begin_visit()
        assert rec.links == [True]
        await engine.start_devices()
        await rec.until(lambda: rec.self_frames > 3 and rec.levels)
        assert max(rec.levels) > 0.3  # the tone is heard by the level meter

        code = hub.new_appointment_code(specialist_id=hub.seed.specialist_id)
        result = await engine.check_in(code)
        assert isinstance(result, CheckedIn)
        assert rec.results == [result]
        assert result.appointment.specialist_name == hub.seed.specialist_name
        await engine.send_checks({"camera": "pass", "microphone": "pass"})
        await rec.until(lambda: "Hello from the specialist" in rec.messages)
        await rec.until(lambda: rec.remote_frames > 30 and rec.remote_audio > 50)
        assert CallState.CONNECTED in rec.states

        engine.set_muted(True)
        engine.set_camera_off(True)
        muted_from = len(rec.levels)
        await rec.until(lambda: len(rec.levels) > muted_from + 3)
        assert max(rec.levels[muted_from + 1:]) == 0.0  # silence is what is sent

        await engine.hangup()
        await rec.until(lambda: rec.ended_reason is not None)
        assert rec.ended_reason
    finally:
        await engine.close()
    assert engine.visit is None


@pytest.mark.expect_log(r"hub unreachable: SignallingError", logger="kiosk.engine")
@pytest.mark.expect_log(r"check_in bad_code", logger="kiosk.hub.ws")
async def test_wrong_code_and_unreachable_hub(hub: Any) -> None:
    rec = Recorder()
    engine = KioskEngine(hub.url, synthetic, rec, token=hub.new_kiosk_token())
    try:
        result = await engine.check_in("000000")
        assert isinstance(result, CheckInFailed)
        assert result.code == "bad_code"
        assert "000000" not in result.message
    finally:
        await engine.close()

    rec2 = Recorder()
    dead = KioskEngine("http://127.0.0.1:9", synthetic, rec2, token="not-a-real-token")
    try:
        result = await dead.check_in("123456")
        assert isinstance(result, CheckInFailed)
        assert result.code == "hub_lost"
        assert rec2.links == [False]
    finally:
        await dead.close()


async def test_privacy_reset_while_waiting_leaves_the_list(hub: Any) -> None:
    rec = Recorder()
    engine = KioskEngine(hub.url, synthetic, rec, token=hub.new_kiosk_token())
    watcher = await hub.specialist()
    try:
        result = await engine.check_in(hub.new_appointment_code())
        assert isinstance(result, CheckedIn)
        while len((await watcher.expect("waiting_list"))["patients"]) != 1:
            pass
        await engine.start_devices()
        await engine.reset("idle")
        await watcher.expect("waiting_list", patients=[])
        assert engine.visit is None
        assert not engine.has_video
    finally:
        await engine.close()


async def test_help_before_check_in_is_acknowledged(hub: Any) -> None:
    rec = Recorder()
    engine = KioskEngine(hub.url, synthetic, rec, token=hub.new_kiosk_token())
    try:
        await engine.help()
        await rec.until(lambda: rec.help_acks == 1)
    finally:
        await engine.close()


async def test_demo_environment_serves_a_whole_call(tmp_path: Path) -> None:
    demo = await start_demo(tmp_path, join_delay=0.2)
    rec = Recorder()
    engine = KioskEngine(demo.url, synthetic, rec, token=demo.kiosk_token)
    try:
        first, second = demo.new_code(), demo.new_code()
        assert first != second
        result = await engine.check_in(first)
        assert isinstance(result, CheckedIn)
        await rec.until(lambda: rec.remote_frames > 10)
        await engine.hangup()
        await rec.until(lambda: rec.ended_reason is not None)
    finally:
        await engine.close()
        await demo.close()
