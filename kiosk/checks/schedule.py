"""Run the self-test at set local times each day and report readiness to the hub.

:class:`SelfTestSchedule` is an asyncio task. The clock (``clock() -> aware local datetime``),
the sleeper, the self-test (``run``) and the reporter (``report``, which sends the ``readiness``
message) are passed in, so tests drive it without waiting. A failing run or report is logged
and the schedule carries on to the next time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, time, timedelta
from typing import Any

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
Sleeper = Callable[[float], Awaitable[None]]


def _local_now() -> datetime:
    return datetime.now().astimezone()


def parse_times(times: Sequence[str]) -> list[time]:
    """``"HH:MM"`` strings as sorted times; :class:`ValueError` names a bad one."""
    out = []
    for text in times:
        try:
            hour, minute = text.split(":")
            out.append(time(int(hour), int(minute)))
        except ValueError:
            raise ValueError(f"{text!r} is not a time of day like 07:30") from None
    if not out:
        raise ValueError("at least one time is needed")
    return sorted(set(out))


class SelfTestSchedule:
    """Runs ``run()`` at each of ``times`` (local, ``"HH:MM"``) and passes its result to
    ``report``. :attr:`runs` counts completed runs."""

    def __init__(self, times: Sequence[str] = ("07:30",), *,
                 run: Callable[[], Awaitable[Mapping[str, Any]]],
                 report: Callable[[Mapping[str, Any]], Awaitable[None]],
                 clock: Clock = _local_now, sleep: Sleeper = asyncio.sleep) -> None:
        self.times = parse_times(times)
        self._run = run
        self._report = report
        self._clock = clock
        self._sleep = sleep
        self._task: asyncio.Task[None] | None = None
        self.runs = 0

    def next_run(self, now: datetime) -> datetime:
        """The first scheduled time strictly after ``now``."""
        for day in (0, 1):
            date = (now + timedelta(days=day)).date()
            for t in self.times:
                when = datetime.combine(date, t, tzinfo=now.tzinfo)
                if when > now:
                    return when
        raise AssertionError("unreachable: a time tomorrow is always later")

    async def run_forever(self) -> None:
        while True:
            now = self._clock()
            when = self.next_run(now)
            # Sleep in steps of at most an hour, re-reading the clock (suspend, clock changes).
            while (left := (when - self._clock()).total_seconds()) > 0:
                await self._sleep(min(left, 3600.0))
            await self.run_once()

    async def run_once(self) -> None:
        try:
            result = await self._run()
        except Exception:
            log.exception("the scheduled self-test failed to run")
            return
        self.runs += 1
        try:
            await self._report(result)
        except Exception as exc:  # the hub may be down; the next run reports again
            log.warning("could not report readiness to the hub: %s", type(exc).__name__)

    def start(self) -> asyncio.Task[None]:
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self.run_forever(), name="selftest-schedule")
        return self._task

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
