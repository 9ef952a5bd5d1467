"""Shared pieces of the feedback tests: answering a survey into a real store, a sleeper that
records backoff waits and holds them at a gate, and reading what the hub stored."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable
from typing import Any

from kiosk.feedback.store import FeedbackStore
from kiosk.hub.storage import Storage

CONTEXT = {"clinic_id": "demo", "waiting_area_id": "main", "call_duration": "5_to_15_min",
           "call_quality": "good"}

#: One patient's sitting of the near-me survey.
SITTING: tuple[tuple[str, int | str], ...] = (
    ("overall", 4), ("see_clearly", "yes"), ("hear_clearly", "yes"), ("saved_journey", "yes"),
    ("journey_time", "1_to_2h"), ("use_again", "yes"), ("comments", "Very easy, thank you."),
)


def answer_survey(store: FeedbackStore, answers: tuple[tuple[str, int | str], ...] = SITTING,
                  *, context: dict[str, Any] | None = None) -> tuple[str, list[str]]:
    """One response with ``answers``; returns (response id, answer ids)."""
    rid = store.begin_response("near-me", 1, "en", CONTEXT if context is None else context)
    return rid, [store.save_answer(rid, q, v) for q, v in answers]


def hub_rows(storage: Storage) -> dict[str, tuple[int, str | None, int]]:
    """answer_id -> (revision, value JSON, clinic id) of every answer the hub holds."""
    rows = storage.connection.execute(
        "SELECT answer_id, revision, value, site_id FROM feedback_answers").fetchall()
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class GatedSleeper:
    """A sleeper for :class:`FeedbackSync`: records each backoff wait, lets ``free`` of them
    pass at once (advancing ``clock`` by the wait if given), then holds the rest until
    :meth:`release`."""

    def __init__(self, free: int = 0, clock: ManualTime | None = None) -> None:
        self.delays: list[float] = []
        self.free = free
        self.clock = clock
        self.until: Callable[[], bool] | None = None  # let waits pass while this is true
        self._gate = asyncio.Event()

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)
        if self.clock is not None:
            self.clock.now += delay
        passing = self.until() if self.until is not None else len(self.delays) <= self.free
        if not passing:
            await self._gate.wait()

    def release(self) -> None:
        self.free = 10**9
        self.until = None
        self._gate.set()


class ManualTime:
    """A unix-seconds clock that moves only when told to."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now
