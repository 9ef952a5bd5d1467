"""The kiosk's feedback outbox sender: carries stored answers to the hub, exactly once.

:class:`FeedbackSync` runs as one asyncio task on the engine loop. It reads
:meth:`FeedbackStore.pending <kiosk.feedback.store.FeedbackStore.pending>`, posts batches to the
hub's ``POST /api/feedback`` with the kiosk's device token in ``Authorization: Bearer``, and
marks as sent only the answers (and the revisions) the hub acknowledged.

Rules that matter:

- **Never drops an answer.** An answer leaves the outbox only when the hub has acknowledged that
  revision. A crash between the hub storing and the kiosk marking means one more send, which
  the hub ignores (it keeps the highest revision per answer id).
- While the hub is unreachable, answers 5xx or 429, or refuses the token, the sender waits with
  exponential backoff and jitter (``initial_backoff`` doubling up to ``max_backoff``; a
  ``Retry-After`` is honoured up to the cap), then tries again, for as long as it takes.
- A batch the hub calls malformed (400) or too large (413) is split in halves until the one
  answer at fault is found; that answer stays in the store, is not sent again by this run (it
  is retried when the kiosk restarts, e.g. after an update) and ``status.held`` counts it.
- :meth:`wake` (safe from any thread) sends at once after a new answer; otherwise the outbox
  is also looked at every ``poll_interval`` seconds. Backoff waits are not cut short by it.
- The store is SQLite with fsync: its calls run in a worker thread so the engine loop (media)
  never waits for the disk.
- Logs and status never hold answer values or the token; answers are named by answer id.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
import ssl
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any, Final, Protocol
from urllib.parse import urlsplit

import aiohttp

from kiosk.feedback.store import PendingAnswer
from kiosk.feedback.wire import to_wire
from kiosk.httpjson import json_reply

log = logging.getLogger(__name__)

Sleeper = Callable[[float], Awaitable[None]]
TokenProvider = Callable[[], str | None]

#: Largest request body the sender builds (the hub accepts 1 MiB).
MAX_REQUEST_BYTES: Final = 256 * 1024
_LOOPBACK: Final = frozenset({"localhost", "127.0.0.1", "::1"})


class Outbox(Protocol):
    """What the sender needs of :class:`~kiosk.feedback.store.FeedbackStore`."""

    def pending(self, limit: int = 100) -> list[PendingAnswer]: ...

    def mark_sent(self, answers: Sequence[PendingAnswer]) -> int: ...


@dataclass(frozen=True)
class SyncStatus:
    """The sender's state, for the admin screen and diagnostics. Times are the injected
    clock's (unix seconds). ``last_error`` is plain language, None after a good send."""

    state: str = "stopped"  # stopped | idle | sending | retrying
    last_sent_at: float | None = None
    last_attempt_at: float | None = None
    last_error: str | None = None
    failures: int = 0  # consecutive failed attempts
    next_retry_in: float | None = None  # seconds of the current backoff wait
    sent: int = 0  # answers acknowledged since start
    held: int = 0  # answers the hub refused as malformed; kept in the store

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _RetryLater(Exception):
    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _retry_after(value: str | None) -> float | None:
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and 0 <= seconds < 86_400 else None


class FeedbackSync:
    """Sends the feedback outbox to the hub at ``hub_url`` (``https://...``; plain ``http``
    only to this machine). See the module docstring.

    ``token_provider`` returns the kiosk's device token (or None when the kiosk is not paired)
    and is asked before every request, so a re-paired kiosk is picked up without a restart.
    ``clock`` gives unix seconds for the status; ``sleeper`` waits out a backoff (tests pass a
    fake to observe and skip the waits); ``rng`` gives floats in [0, 1) for the jitter."""

    def __init__(self, store: Outbox, hub_url: str, token_provider: TokenProvider, *,
                 clock: Callable[[], float] = time.time, sleeper: Sleeper = asyncio.sleep,
                 batch: int = 100, poll_interval: float = 60.0, initial_backoff: float = 1.0,
                 max_backoff: float = 300.0, jitter: float = 0.2,
                 rng: Callable[[], float] = random.random,
                 ssl_context: ssl.SSLContext | None = None, request_timeout: float = 30.0,
                 max_request_bytes: int = MAX_REQUEST_BYTES) -> None:
        parts = urlsplit(hub_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("the hub URL must be https://host[:port]")
        if parts.scheme == "http" and parts.hostname not in _LOOPBACK:
            raise ValueError("feedback goes to the hub over HTTPS only (plain http is allowed "
                             "only to this machine)")
        if batch < 1 or not 0 < initial_backoff <= max_backoff or not 0 <= jitter < 1:
            raise ValueError("batch must be 1 or more, 0 < initial_backoff <= max_backoff and "
                             "0 <= jitter < 1")
        self._store = store
        self._url = hub_url.rstrip("/") + "/api/feedback"
        self._token_provider = token_provider
        self._clock = clock
        self._sleeper = sleeper
        self._batch = batch
        self._poll_interval = poll_interval
        self._initial_backoff = initial_backoff
        self._max_backoff = max_backoff
        self._jitter = jitter
        self._rng = rng
        self._ssl: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
        self._timeout = aiohttp.ClientTimeout(total=request_timeout)
        self._max_bytes = max_request_bytes
        self._held: set[tuple[str, int]] = set()
        self._status = SyncStatus()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._session: aiohttp.ClientSession | None = None
        self._wake: asyncio.Event | None = None
        self._changed: asyncio.Event | None = None

    # ----- control ------------------------------------------------------------------------------

    async def start(self) -> None:
        """Start sending (on the running loop). Starting twice is harmless."""
        if self._task is not None:
            return
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._wake.set()  # look at the outbox at once: answers may be left from the last run
        self._changed = asyncio.Event()
        self._session = aiohttp.ClientSession(timeout=self._timeout)
        self._set(state="idle")
        self._task = asyncio.create_task(self._run(), name="feedback-sync")
        log.info("feedback sync started")

    async def stop(self) -> None:
        """Stop sending and close the HTTP session. Answers not yet acknowledged stay in the
        store for next time. Stopping twice (or before starting) is harmless."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        if task is not None:
            self._set(state="stopped", next_retry_in=None)
            log.info("feedback sync stopped")
        self._loop = None

    def wake(self) -> None:
        """Send now (after a new answer). Safe to call from any thread; a no-op when stopped."""
        loop, event = self._loop, self._wake
        if loop is None or event is None:
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            event.set()
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(event.set)

    @property
    def status(self) -> SyncStatus:
        return self._status

    @property
    def last_error(self) -> str | None:
        return self._status.last_error

    @property
    def last_sent_at(self) -> float | None:
        return self._status.last_sent_at

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def wait_for(self, predicate: Callable[[SyncStatus], bool],
                       within: float) -> SyncStatus:
        """Wait (on the sender's loop) until ``predicate(status)`` holds; TimeoutError after
        ``within`` seconds. For diagnostics and tests."""
        changed = self._changed
        if changed is None:
            raise RuntimeError("the feedback sync is not started")
        async with asyncio.timeout(within):
            while not predicate(self._status):
                changed.clear()
                await changed.wait()
        return self._status

    # ----- the loop -----------------------------------------------------------------------------

    def _set(self, **changes: Any) -> None:
        """Change the status (on the sender's loop) and wake :meth:`wait_for`."""
        self._status = replace(self._status, **changes)
        if self._changed is not None:
            self._changed.set()

    def backoff(self, failures: int, retry_after: float | None = None) -> float:
        """Seconds to wait after ``failures`` failures in a row: ``initial_backoff * 2 **
        (failures - 1)`` up to ``max_backoff``, less up to ``jitter`` of it at random, and
        never less than the hub's ``Retry-After`` (itself capped)."""
        raw = min(self._max_backoff, self._initial_backoff * 2.0 ** min(failures - 1, 62))
        delay = raw * (1.0 - self._jitter * self._rng())
        if retry_after is not None:
            delay = max(delay, min(retry_after, self._max_backoff))
        return delay

    async def _run(self) -> None:
        wake = self._wake
        assert wake is not None
        failures = 0
        while True:
            if failures == 0:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self._poll_interval):
                        await wake.wait()
            wake.clear()
            self._set(state="sending", last_attempt_at=self._clock(), next_retry_in=None)
            retry_after = None
            try:
                await self._send_all()
            except _RetryLater as exc:
                failures += 1
                retry_after = exc.retry_after
                self._set(last_error=str(exc), failures=failures)
                log.warning("feedback not delivered (attempt %d): %s", failures, exc)
            except Exception as exc:  # a bug or a store fault must not end the sender
                failures += 1
                self._set(last_error=f"feedback sending failed: {type(exc).__name__}: {exc}",
                          failures=failures)
                log.exception("feedback sending failed (attempt %d)", failures)
            else:
                failures = 0
                self._set(state="idle", failures=0, next_retry_in=None)
                continue
            delay = self.backoff(failures, retry_after)
            self._set(state="retrying", next_retry_in=delay)
            await self._sleeper(delay)

    async def _send_all(self) -> None:
        """Send until the outbox is empty (but for held answers)."""
        while True:
            limit = self._batch + len(self._held)
            pending = await asyncio.to_thread(self._store.pending, limit)
            todo = [a for a in pending if (a.answer_id, a.revision) not in self._held]
            if not todo:
                if not self._held:
                    self._set(last_error=None)
                return
            todo = todo[: self._batch]
            acked = 0
            for chunk in self._chunks(todo):
                acked += await self._deliver(chunk)
            if acked == 0 and not any((a.answer_id, a.revision) in self._held for a in todo):
                raise _RetryLater("the hub did not acknowledge the answers it was sent")

    def _chunks(self, answers: list[PendingAnswer]) -> list[list[PendingAnswer]]:
        chunks: list[list[PendingAnswer]] = []
        size = 0
        for answer in answers:
            n = len(json.dumps(to_wire(answer)).encode()) + 2
            if chunks and size + n <= self._max_bytes:
                chunks[-1].append(answer)
                size += n
            else:
                chunks.append([answer])
                size = n + 16
        return chunks

    async def _deliver(self, answers: list[PendingAnswer]) -> int:
        """Post ``answers`` and mark the acknowledged ones; returns how many were marked.
        A batch refused as malformed or too large is split until the culprit is found."""
        status, reply = await self._post(answers)
        if status in (400, 413, 415):
            if len(answers) > 1:
                half = len(answers) // 2
                return await self._deliver(answers[:half]) + await self._deliver(answers[half:])
            answer = answers[0]
            self._held.add((answer.answer_id, answer.revision))
            message = reply.get("message") if isinstance(reply.get("message"), str) else ""
            log.error("the hub refused feedback answer %s revision %d (HTTP %d: %s); it stays "
                      "in the store", answer.answer_id, answer.revision, status, message)
            self._set(held=len(self._held),
                      last_error=f"the hub refused {len(self._held)} answer(s) as malformed "
                                 f"(HTTP {status}); they are kept on the kiosk")
            return 0
        acked = reply.get("acknowledged")
        if not isinstance(acked, list):
            raise _RetryLater("the hub's reply had no acknowledgement list")
        sent = {(a.get("answer_id"), a.get("revision")) for a in acked if isinstance(a, dict)}
        done = [a for a in answers if (a.answer_id, a.revision) in sent]
        marked = await asyncio.to_thread(self._store.mark_sent, done)
        self._set(last_sent_at=self._clock(), sent=self._status.sent + len(done))
        log.info("feedback delivered: %d answers acknowledged, %d marked sent", len(done),
                 marked)
        return len(done)

    async def _post(self, answers: list[PendingAnswer]) -> tuple[int, dict[str, Any]]:
        token = await asyncio.to_thread(self._token_provider)
        if not token:
            raise _RetryLater("this kiosk has no device token (it is not paired with a hub)")
        session = self._session
        if session is None:
            raise _RetryLater("the feedback sync is stopping")
        body = {"answers": [to_wire(a) for a in answers]}
        try:
            async with session.post(self._url, json=body, ssl=self._ssl,
                                    allow_redirects=False,  # the token goes to the hub only
                                    headers={"Authorization": f"Bearer {token}"}) as resp:
                status = resp.status
                reply = await json_reply(resp)
                retry_after = _retry_after(resp.headers.get("Retry-After"))
        except (aiohttp.ClientError, TimeoutError, OSError) as exc:
            raise _RetryLater(f"the hub cannot be reached ({type(exc).__name__})") from None
        if not isinstance(reply, dict):
            reply = {}
        if status == 200:
            return status, reply
        if status in (400, 413, 415):
            return status, reply
        if status in (401, 403):
            raise _RetryLater(f"the hub refused this kiosk's device token (HTTP {status}); "
                              "pair the kiosk with the hub again")
        if status == 429 or status >= 500:
            raise _RetryLater(f"the hub is busy or failing (HTTP {status})",
                              retry_after=retry_after)
        raise _RetryLater(f"the hub does not take feedback (HTTP {status}); is it up to date?")
