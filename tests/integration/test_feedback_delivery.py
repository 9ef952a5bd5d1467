"""Feedback reaches the hub intact and exactly once: replays and older revisions change nothing,
a re-answer replaces, a hub that is down (for seconds or a day) only delays delivery, and a
kiosk killed mid-survey loses nothing it had saved. Real hub on 127.0.0.1, real SQLite files,
FeedbackSync with an injected sleeper (and clock) so backoff is observed, not waited out."""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from kiosk.feedback.store import FeedbackStore, PendingAnswer
from kiosk.feedback.sync import FeedbackSync
from kiosk.hub import HubConfig, RunningHub, seed_demo, start_hub
from kiosk.hub.codes import issue_pairing_code, pair_kiosk
from tests.integration.conftest import WAIT, HubHandle
from tests.integration.feedback_support import (
    SITTING,
    GatedSleeper,
    ManualTime,
    answer_survey,
    free_port,
    hub_rows,
)

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeedbackStore]:
    with FeedbackStore(tmp_path / "kiosk" / "feedback.sqlite3") as s:
        yield s


@pytest.fixture
async def syncs() -> AsyncIterator[list[FeedbackSync]]:
    """FeedbackSyncs a test starts; all are stopped at teardown."""
    made: list[FeedbackSync] = []
    yield made
    for sync in made:
        await sync.stop()


def wire(a: PendingAnswer, **changes: Any) -> dict[str, Any]:
    body = {"answer_id": a.answer_id, "revision": a.revision, "response_id": a.response_id,
            "survey_id": a.survey_id, "survey_version": a.survey_version,
            "language": a.language, "context": dict(a.context), "question_id": a.question_id,
            "value": a.value, "created_at": a.created_at}
    body.update(changes)
    return body


async def post(hub: HubHandle, token: str, answers: list[dict[str, Any]]) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session, session.post(
            f"{hub.url}/api/feedback", json={"answers": answers},
            headers={"Authorization": f"Bearer {token}"}) as resp:
        body: dict[str, Any] = await resp.json()
        assert resp.status == 200, body
        return body


async def test_replays_and_older_revisions_change_nothing(hub: HubHandle,
                                                          store: FeedbackStore) -> None:
    token = hub.new_kiosk_token()
    _, ids = answer_survey(store)
    pending = store.pending()
    first = await post(hub, token, [wire(a) for a in pending])
    assert first["acknowledged"] == [{"answer_id": a.answer_id, "revision": 1} for a in pending]
    again = await post(hub, token, [wire(a) for a in pending])  # a replay
    assert again == first
    rows = hub_rows(hub.storage)
    assert sorted(rows) == sorted(ids)
    assert {r[0] for r in rows.values()} == {1}
    assert {r[2] for r in rows.values()} == {hub.seed.clinic_id}  # the kiosk's clinic

    overall = pending[0]
    await post(hub, token, [wire(overall, revision=3, value=2)])
    late = await post(hub, token, [wire(overall, revision=2, value=5)])  # older, arrives late
    assert late["acknowledged"] == [{"answer_id": overall.answer_id, "revision": 2}]
    assert hub_rows(hub.storage)[overall.answer_id][:2] == (3, "2")
    await post(hub, token, [wire(overall, revision=3, value=1)])  # same revision: no change
    assert hub_rows(hub.storage)[overall.answer_id][:2] == (3, "2")
    count = hub.storage.connection.execute("SELECT COUNT(*) FROM feedback_answers").fetchone()
    assert count[0] == len(SITTING)


async def test_sync_delivers_then_a_reanswer_replaces(hub: HubHandle, store: FeedbackStore,
                                                      syncs: list[FeedbackSync]) -> None:
    token = hub.new_kiosk_token()
    rid, ids = answer_survey(store)
    sync = FeedbackSync(store, hub.url, lambda: token, sleeper=GatedSleeper())
    syncs.append(sync)
    await sync.start()
    await sync.wait_for(lambda s: s.sent == len(ids) and s.state == "idle", WAIT)
    assert store.counts().pending == 0
    assert sync.last_error is None
    assert sync.last_sent_at is not None

    store.save_answer(rid, "overall", 2)  # the patient changes their mind: revision 2
    store.withdraw_answer(rid, "comments")  # and takes back their comment
    sync.wake()
    await sync.wait_for(lambda s: s.sent == len(ids) + 2 and s.state == "idle", WAIT)
    rows = hub_rows(hub.storage)
    assert rows[ids[0]][:2] == (2, "2")
    assert rows[ids[-1]][:2] == (2, None)
    assert len(rows) == len(ids)
    assert store.counts().pending == 0


async def test_wake_from_another_thread(hub: HubHandle, store: FeedbackStore,
                                        syncs: list[FeedbackSync]) -> None:
    token = hub.new_kiosk_token()
    sync = FeedbackSync(store, hub.url, lambda: token, sleeper=GatedSleeper(),
                        poll_interval=3600)
    syncs.append(sync)
    await sync.start()
    await sync.wait_for(lambda s: s.state == "idle" and s.last_attempt_at is not None, WAIT)

    def writer() -> None:  # as the kiosk's feedback writer thread does
        answer_survey(store, (("overall", 5),))
        sync.wake()

    await asyncio.to_thread(writer)
    await sync.wait_for(lambda s: s.sent == 1, WAIT)
    assert len(hub_rows(hub.storage)) == 1


@dataclass
class OfflineHub:
    """A hub database with a paired kiosk; the hub is started and stopped on a fixed port."""

    config: HubConfig
    token: str
    running: RunningHub | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.config.port}"

    async def start(self) -> RunningHub:
        assert self.running is None
        self.running = await start_hub(self.config)
        return self.running

    async def stop(self) -> None:
        if self.running is not None:
            await self.running.close()
            self.running = None


@pytest.fixture
async def offline_hub(tmp_path: Path) -> AsyncIterator[OfflineHub]:
    config = HubConfig(host="127.0.0.1", port=free_port(), db_path=tmp_path / "hub.sqlite3",
                       hub_name="Test hub", heartbeat=None, web_root=None)
    running = await start_hub(config)
    seed = seed_demo(running.storage, running.secrets)
    code = issue_pairing_code(running.storage, running.secrets, clinic_id=seed.clinic_id,
                              room="Room 1", now=time.time())
    _, token = pair_kiosk(running.storage, running.secrets, pairing_code=code, now=time.time())
    await running.close()  # the hub is down until a test starts it
    handle = OfflineHub(config, token)
    yield handle
    await handle.stop()


@pytest.mark.expect_log(r"feedback not delivered \(attempt", logger="kiosk.feedback.sync")
async def test_hub_down_then_up_delivers_everything_once(
        offline_hub: OfflineHub, store: FeedbackStore, syncs: list[FeedbackSync]) -> None:
    sleeper = GatedSleeper(free=6)
    sync = FeedbackSync(store, offline_hub.url, lambda: offline_hub.token, sleeper=sleeper,
                        rng=lambda: 0.5)
    syncs.append(sync)

    # Up at first: the first patient's answers go straight through.
    running = await offline_hub.start()
    _, first = answer_survey(store)
    await sync.start()
    await sync.wait_for(lambda s: s.sent == len(first) and s.state == "idle", WAIT)
    assert sleeper.delays == []

    # The hub goes down mid-way; two more patients answer.
    await offline_hub.stop()
    _, second = answer_survey(store)
    sync.wake()
    _, third = answer_survey(store)
    sync.wake()
    status = await sync.wait_for(lambda s: len(sleeper.delays) == 7, WAIT)
    assert status.state == "retrying"
    assert "cannot be reached" in (status.last_error or "")
    # 1 s doubling, less the jitter (rng 0.5 of 20 %): 0.9, 1.8, 3.6, ...
    assert sleeper.delays == pytest.approx([0.9 * 2**n for n in range(7)])
    assert store.counts().pending == len(second) + len(third)

    running = await offline_hub.start()  # same port, same database
    sleeper.release()
    total = len(first) + len(second) + len(third)
    await sync.wait_for(lambda s: s.sent == total and s.state == "idle", WAIT)
    rows = hub_rows(running.storage)
    assert sorted(rows) == sorted(first + second + third)
    assert {r[0] for r in rows.values()} == {1}
    counts = store.counts()
    assert (counts.pending, counts.sent) == (0, total)
    assert sync.status.failures == 0
    assert sync.last_error is None


@pytest.mark.expect_log(r"feedback not delivered \(attempt", logger="kiosk.feedback.sync")
async def test_hub_down_for_a_day(offline_hub: OfflineHub, store: FeedbackStore,
                                  syncs: list[FeedbackSync]) -> None:
    clock = ManualTime()
    start = clock.now
    sleeper = GatedSleeper(clock=clock)
    sleeper.until = lambda: clock.now < start + 86_400
    sync = FeedbackSync(store, offline_hub.url, lambda: offline_hub.token, clock=clock,
                        sleeper=sleeper)
    syncs.append(sync)
    _, ids = answer_survey(store)
    await sync.start()
    day = await sync.wait_for(lambda s: clock.now >= start + 86_400 and s.state == "retrying",
                              WAIT * 4)
    assert max(sleeper.delays) <= 300
    capped = [d for d in sleeper.delays if d >= 240]
    assert len(capped) > 200  # most of the day was spent at the 5-minute cap
    assert sleeper.delays[:3] == sorted(sleeper.delays[:3])
    assert day.failures == len(sleeper.delays)
    assert day.last_attempt_at is not None
    assert day.last_attempt_at >= start + 86_400 - 300
    assert day.last_sent_at is None
    assert store.counts().pending == len(ids)

    running = await offline_hub.start()
    sleeper.release()
    await sync.wait_for(lambda s: s.sent == len(ids) and s.state == "idle", WAIT)
    assert sorted(hub_rows(running.storage)) == sorted(ids)
    assert store.counts().pending == 0


CHILD = """
import sys
from kiosk.feedback.store import FeedbackStore
store = FeedbackStore(sys.argv[1])
for n in range(100000):
    rid = store.begin_response("near-me", 1, "en", {"waiting_area_id": "main"})
    for question, value in (("overall", 1 + n % 5), ("saved_journey", "yes"),
                            ("comments", f"patient {n}: fine")):
        answer_id = store.save_answer(rid, question, value)
        print(answer_id, flush=True)
"""


async def test_kiosk_killed_mid_survey_loses_nothing(hub: HubHandle, tmp_path: Path,
                                                     syncs: list[FeedbackSync]) -> None:
    path = tmp_path / "crash" / "feedback.sqlite3"
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-c", CHILD, str(path), stdout=asyncio.subprocess.PIPE,
        cwd=ROOT)
    assert child.stdout is not None
    printed: list[str] = []
    async with asyncio.timeout(WAIT * 2):
        while len(printed) < 20:  # mid-survey: 20 answers is 6 sittings and 2 of the 7th
            printed.append((await child.stdout.readline()).decode().strip())
    child.kill()  # SIGKILL: no clean-up, no close
    await child.wait()
    assert child.returncode == -9

    token = hub.new_kiosk_token()
    with FeedbackStore(path) as store:
        saved = store.counts()
        assert saved.pending >= len(printed)  # every printed answer was committed
        sync = FeedbackSync(store, hub.url, lambda: token, sleeper=GatedSleeper())
        syncs.append(sync)
        await sync.start()
        await sync.wait_for(lambda s: s.sent == saved.pending and s.state == "idle", WAIT)
        await sync.stop()
        assert store.counts().pending == 0
    rows = hub_rows(hub.storage)
    assert set(printed) <= set(rows)
    assert len(rows) == saved.pending  # each exactly once
    values = {json.loads(v[1]) for v in rows.values() if v[1] is not None}
    assert "patient 0: fine" in values
