"""The engine thread's owner stops it promptly, whatever its tasks do (ui/engine_thread.py)."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest

from ui import engine_thread
from ui.engine_thread import EngineThread


def test_stop_cancels_running_work_and_joins() -> None:
    thread = EngineThread()
    thread.start()
    started = threading.Event()

    async def forever() -> None:
        started.set()
        await asyncio.Event().wait()

    thread.submit(forever())
    assert started.wait(5)
    t0 = time.monotonic()
    thread.stop()
    assert not thread.running
    assert time.monotonic() - t0 < 2


@pytest.mark.expect_log(r"engine task ignored its cancellation", logger="ui.engine_thread",
                        level="ERROR")
def test_a_task_that_ignores_cancellation_is_named_not_waited_for(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine_thread, "CANCEL_WAIT_S", 0.3)
    thread = EngineThread()
    thread.start()
    started = threading.Event()
    release = threading.Event()

    tasks: list[asyncio.Task[None]] = []

    async def stubborn() -> None:
        tasks.append(asyncio.current_task())  # type: ignore[arg-type]
        started.set()
        while not release.is_set():
            try:
                await asyncio.sleep(0.05)
            except asyncio.CancelledError:
                continue  # the bug this guards against: a task that will not stop

    thread.submit(stubborn())
    assert started.wait(5)
    t0 = time.monotonic()
    try:
        thread.stop(timeout=5)
    finally:
        release.set()
    assert time.monotonic() - t0 < 3
    assert not thread.running
    # The stubborn task is left on the closed loop on purpose; without this asyncio would say
    # "Task was destroyed but it is pending!" whenever it is collected, in some later test.
    tasks[0]._log_destroy_pending = False  # type: ignore[attr-defined]
