"""FeedbackSync without a hub: backoff and jitter, the HTTPS rule, batching by size, a clean
start/stop/wake life cycle, and no token or answer value in logs or status."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from kiosk.feedback.store import FeedbackStore, PendingAnswer
from kiosk.feedback.sync import FeedbackSync

TOKEN = "device-token-that-must-never-be-logged"
SECRET_TEXT = "my private comment 12345"


class EmptyOutbox:
    def pending(self, limit: int = 100) -> list[PendingAnswer]:
        return []

    def mark_sent(self, answers: Sequence[PendingAnswer]) -> int:
        return 0


class Recorder:
    """A sleeper that records waits and then blocks until released."""

    def __init__(self, free: int) -> None:
        self.delays: list[float] = []
        self.free = free
        self.gate = asyncio.Event()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if len(self.delays) > self.free:
            await self.gate.wait()


def make(**kwargs: object) -> FeedbackSync:
    return FeedbackSync(EmptyOutbox(), "https://hub.example", lambda: TOKEN, **kwargs)  # type: ignore[arg-type]


def test_backoff_doubles_from_one_second_to_five_minutes() -> None:
    sync = make(rng=lambda: 0.0)
    assert [sync.backoff(n) for n in range(1, 12)] == [1, 2, 4, 8, 16, 32, 64, 128, 256, 300,
                                                       300]
    assert sync.backoff(10_000) == 300


def test_jitter_takes_off_at_most_a_fifth() -> None:
    sync = make(rng=lambda: 0.999999)
    for n in range(1, 15):
        raw = min(300.0, 2.0 ** (n - 1))
        assert 0.8 * raw <= sync.backoff(n) <= raw
    half = make(rng=lambda: 0.5)
    assert half.backoff(3) == pytest.approx(3.6)


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    sync = make(rng=lambda: 0.0)
    assert sync.backoff(1, retry_after=30) == 30
    assert sync.backoff(1, retry_after=99_999) == 300
    assert sync.backoff(9, retry_after=1) == 256


@pytest.mark.parametrize("url", ["http://hub.example", "ftp://hub.example", "hub.example",
                                 "https://"])
def test_plain_http_only_to_this_machine(url: str) -> None:
    with pytest.raises(ValueError, match="hub"):
        FeedbackSync(EmptyOutbox(), url, lambda: TOKEN)


@pytest.mark.parametrize("url", ["https://hub.example:8443/", "http://127.0.0.1:8080",
                                 "http://localhost:1", "http://[::1]:8080"])
def test_accepted_urls(url: str) -> None:
    FeedbackSync(EmptyOutbox(), url, lambda: TOKEN)


@pytest.mark.parametrize("kwargs", [{"batch": 0}, {"initial_backoff": 0},
                                    {"initial_backoff": 10, "max_backoff": 5}, {"jitter": 1}])
def test_bad_settings(kwargs: dict[str, float]) -> None:
    with pytest.raises(ValueError, match="batch"):
        make(**kwargs)


def answer(n: int, text: str) -> PendingAnswer:
    return PendingAnswer(f"00000000-0000-4000-8000-{n:012d}", 1,
                         "00000000-0000-4000-8000-000000000000", "near-me", 1, "en", {},
                         "comments", text, 0)


def test_batches_are_cut_by_size() -> None:
    sync = make(max_request_bytes=2000)
    answers = [answer(n, "x" * 500) for n in range(7)] + [answer(99, "y" * 5000)]
    chunks = sync._chunks(answers)
    assert [len(c) for c in chunks] == [2, 2, 2, 1, 1]
    assert [a for c in chunks for a in c] == answers  # order kept, nothing lost
    assert sync._chunks([]) == []


async def test_life_cycle_is_clean() -> None:
    sync = make()
    sync.wake()  # before start: nothing happens
    await sync.stop()  # before start: harmless
    assert sync.status.state == "stopped"
    with pytest.raises(RuntimeError, match="not started"):
        await sync.wait_for(lambda s: True, 1)
    await sync.start()
    await sync.start()  # twice: harmless
    assert sync.running
    status = await sync.wait_for(lambda s: s.state == "idle" and s.last_attempt_at is not None,
                                 5)
    assert status.last_error is None
    await asyncio.to_thread(sync.wake)  # from another thread
    await sync.stop()
    await sync.stop()
    assert [sync.running] == [False]  # (a list: mypy narrowed sync.running to True above)
    assert sync.status.state == "stopped"
    sync.wake()  # after stop: nothing happens


@pytest.mark.expect_log(r"feedback not delivered \(attempt", logger="kiosk.feedback.sync")
async def test_stop_during_backoff_and_nothing_secret_in_logs(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with FeedbackStore(tmp_path / "f.sqlite3") as store:
        rid = store.begin_response("near-me", 1, "en", {})
        store.save_answer(rid, "comments", SECRET_TEXT)
        sleeper = Recorder(free=2)
        # Port 1 on this machine: nothing listens, the connection is refused at once.
        sync = FeedbackSync(store, "http://127.0.0.1:1", lambda: TOKEN, sleeper=sleeper,
                            rng=lambda: 0.0)
        await sync.start()
        status = await sync.wait_for(lambda s: len(sleeper.delays) == 3, 10)
        assert sleeper.delays == [1, 2, 4]
        assert status.state == "retrying"
        assert status.next_retry_in == 4
        assert "cannot be reached" in (status.last_error or "")
        await sync.stop()  # while blocked in a backoff wait
        assert store.counts().pending == 1
    text = caplog.text + repr(status)
    assert TOKEN not in text
    assert SECRET_TEXT not in text


class FakeHub:
    """A stand-in hub on 127.0.0.1: answers each POST from a script of (status, reply) and
    records what it was sent; after the script, acknowledges everything."""

    def __init__(self, script: list[tuple[int, dict[str, object], dict[str, str]]]) -> None:
        self.script = script
        self.bodies: list[dict[str, Any]] = []
        self.auth: list[str] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        self.bodies.append(body)
        self.auth.append(request.headers.get("Authorization", ""))
        if self.script:
            status, reply, headers = self.script.pop(0)
            return web.json_response(reply, status=status, headers=headers)
        return web.json_response({"acknowledged": [
            {"answer_id": a["answer_id"], "revision": a["revision"]} for a in body["answers"]]})

    async def __aenter__(self) -> FakeHub:
        app = web.Application()
        app.router.add_post("/api/feedback", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


@pytest.mark.expect_log(r"feedback not delivered \(attempt", logger="kiosk.feedback.sync")
async def test_5xx_and_429_back_off_honouring_retry_after(tmp_path: Path) -> None:
    with FeedbackStore(tmp_path / "f.sqlite3") as store:
        rid = store.begin_response("near-me", 1, "en", {})
        store.save_answer(rid, "overall", 5)
        store.save_answer(rid, "comments", SECRET_TEXT)
        script: list[tuple[int, dict[str, object], dict[str, str]]] = [
            (503, {"error": "unavailable"}, {}),
            (429, {"error": "rate_limited"}, {"Retry-After": "7"}),
            (500, {}, {"Retry-After": "not a number"}),
            (200, {"no": "ack list"}, {}),
        ]
        async with FakeHub(script) as hub:
            sleeper = Recorder(free=100)
            sync = FeedbackSync(store, hub.url, lambda: TOKEN, sleeper=sleeper, rng=lambda: 0.0)
            await sync.start()
            try:
                status = await sync.wait_for(lambda s: s.sent == 2 and s.state == "idle", 10)
            finally:
                await sync.stop()
        assert sleeper.delays == [1, 7, 4, 8]
        assert status.failures == 0
        assert status.last_error is None
        assert store.counts().pending == 0
        assert hub.auth == [f"Bearer {TOKEN}"] * 5
        assert len(hub.bodies) == 5  # the same two answers each time, acknowledged once


async def test_only_acknowledged_revisions_are_marked(tmp_path: Path) -> None:
    with FeedbackStore(tmp_path / "f.sqlite3") as store:
        rid = store.begin_response("near-me", 1, "en", {})
        first = store.save_answer(rid, "overall", 5)
        store.save_answer(rid, "see_clearly", "yes")
        # The hub acknowledges only the first answer, and a revision it was not sent.
        script: list[tuple[int, dict[str, object], dict[str, str]]] = [
            (200, {"acknowledged": [{"answer_id": first, "revision": 1}]}, {}),
        ]
        async with FakeHub(script) as hub:
            sync = FeedbackSync(store, hub.url, lambda: TOKEN, sleeper=Recorder(free=100))
            await sync.start()
            try:
                await sync.wait_for(lambda s: s.sent == 2 and s.state == "idle", 10)
            finally:
                await sync.stop()
        sent = [[a["question_id"] for a in b["answers"]] for b in hub.bodies]
        assert sent == [["overall", "see_clearly"], ["see_clearly"]]
        assert store.counts().pending == 0
