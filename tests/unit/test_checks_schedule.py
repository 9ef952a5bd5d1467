"""SelfTestSchedule with an injected clock and sleeper: no real waiting."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from kiosk.checks.schedule import SelfTestSchedule, parse_times

TZ = timezone(timedelta(hours=1))


class FakeTime:
    """A clock that the sleeper moves forward; stops the schedule after ``limit`` sleeps."""

    def __init__(self, start: datetime, limit: int = 50) -> None:
        self.now = start
        self.sleeps: list[float] = []
        self.limit = limit

    def clock(self) -> datetime:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if len(self.sleeps) > self.limit:
            raise _Stop
        self.now += timedelta(seconds=seconds)


class _Stop(Exception):
    pass


def test_next_run_today_tomorrow_and_bad_times() -> None:
    sched = SelfTestSchedule(["12:00", "07:30"], run=_noop_run, report=_noop_report)
    at = datetime(2025, 3, 14, 8, 0, tzinfo=TZ)
    assert sched.next_run(at) == datetime(2025, 3, 14, 12, 0, tzinfo=TZ)
    assert sched.next_run(at.replace(hour=12)) == datetime(2025, 3, 15, 7, 30, tzinfo=TZ)
    assert sched.next_run(at.replace(hour=7, minute=29)) == at.replace(hour=7, minute=30)
    with pytest.raises(ValueError, match="25:00"):
        parse_times(["25:00"])
    with pytest.raises(ValueError, match="at least one"):
        parse_times([])


async def _noop_run() -> Mapping[str, Any]:
    return {}


async def _noop_report(_r: Mapping[str, Any]) -> None:
    return None


async def test_runs_at_each_time_and_reports() -> None:
    fake = FakeTime(datetime(2025, 3, 14, 6, 0, tzinfo=TZ), limit=30)
    ran_at: list[datetime] = []
    reported: list[Mapping[str, Any]] = []

    async def run() -> Mapping[str, Any]:
        ran_at.append(fake.now)
        return {"fit": True, "n": len(ran_at)}

    async def report(result: Mapping[str, Any]) -> None:
        reported.append(result)

    sched = SelfTestSchedule(["07:30", "13:00"], run=run, report=report, clock=fake.clock,
                             sleep=fake.sleep)
    with pytest.raises(_Stop):
        await sched.run_forever()
    assert ran_at[:3] == [datetime(2025, 3, 14, 7, 30, tzinfo=TZ),
                          datetime(2025, 3, 14, 13, 0, tzinfo=TZ),
                          datetime(2025, 3, 15, 7, 30, tzinfo=TZ)]
    assert [r["n"] for r in reported] == list(range(1, len(ran_at) + 1))
    assert max(fake.sleeps) <= 3600.0  # re-reads the clock at least hourly
    assert sched.runs == len(ran_at)


@pytest.mark.expect_log(r"the scheduled self\-test failed to run", logger="kiosk.checks.schedule")
@pytest.mark.expect_log(
    r"could not report readiness to the hub: ConnectionError",
    logger="kiosk.checks.schedule")
async def test_failures_do_not_stop_the_schedule() -> None:
    fake = FakeTime(datetime(2025, 3, 14, 7, 0, tzinfo=TZ), limit=60)
    calls = 0

    async def run() -> Mapping[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("self-test broke")
        return {"fit": False}

    async def report(_result: Mapping[str, Any]) -> None:
        raise ConnectionError("hub down")

    sched = SelfTestSchedule(["07:30"], run=run, report=report, clock=fake.clock,
                             sleep=fake.sleep)
    with pytest.raises(_Stop):
        await sched.run_forever()
    assert calls >= 2
    assert sched.runs == calls - 1


async def test_start_and_stop() -> None:
    fake = FakeTime(datetime(2025, 3, 14, 7, 0, tzinfo=TZ))
    sched = SelfTestSchedule(["07:30"], run=_noop_run, report=_noop_report, clock=fake.clock,
                             sleep=_forever)
    task = sched.start()
    assert sched.start() is task
    await sched.stop()
    assert task.cancelled()


async def _forever(_seconds: float) -> None:
    import asyncio

    await asyncio.Event().wait()
