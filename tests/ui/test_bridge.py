"""The engine thread's life cycle and the bridge's latest-frame-wins delivery, with real threads."""

from __future__ import annotations

import asyncio
import threading

import av
from pytestqt.qtbot import QtBot

from kiosk.call.patient import CheckInFailed
from ui.bridge import EngineBridge
from ui.engine_thread import EngineThread


def is_running(thread: EngineThread) -> bool:
    return thread.running


def test_engine_thread_runs_and_joins_cleanly() -> None:
    thread = EngineThread()
    thread.start()
    assert thread.running
    names: list[str] = []

    async def where() -> str:
        return threading.current_thread().name

    assert thread.submit(where()).result(5) == "kiosk-engine"
    cancelled = threading.Event()

    async def forever() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    thread.submit(forever())

    async def shutdown() -> None:
        names.append("shutdown ran")

    thread.stop(shutdown)
    assert not is_running(thread)
    assert names == ["shutdown ran"]
    assert cancelled.is_set()  # pending work is cancelled, not abandoned


def test_video_is_latest_frame_wins(qtbot: QtBot) -> None:
    thread = EngineThread()
    bridge = EngineBridge(thread)
    signals = []
    bridge.remote_frame_ready.connect(lambda: signals.append(1))
    frames = [av.VideoFrame(16, 16, "yuv420p") for _ in range(200)]

    def engine_side() -> None:
        for frame in frames:
            bridge.on_remote_video(frame)

    worker = threading.Thread(target=engine_side)
    with qtbot.waitSignal(bridge.remote_frame_ready, timeout=5000):
        worker.start()
        worker.join()
    # However many frames arrived while the GUI was busy, one is waiting, and it is the newest.
    assert bridge.take_remote_frame() is frames[-1]
    assert bridge.take_remote_frame() is None
    assert len(signals) < 200
    assert bridge.remote_frames == 200
    bridge.on_self_frame(frames[0])
    bridge.clear_frames()
    assert bridge.take_self_frame() is None


def test_engine_events_arrive_in_the_gui_thread(qtbot: QtBot) -> None:
    bridge = EngineBridge(EngineThread())
    seen: list[tuple[object, bool]] = []
    gui = threading.current_thread()
    bridge.check_in_result.connect(
        lambda result: seen.append((result, threading.current_thread() is gui)))
    failure = CheckInFailed("bad_code", "That code was not found.")
    worker = threading.Thread(target=bridge.on_check_in_result, args=(failure,))
    with qtbot.waitSignal(bridge.check_in_result, timeout=5000):
        worker.start()
        worker.join()
    assert seen == [(failure, True)]
