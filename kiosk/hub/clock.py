"""The hub's clock: an interface so that expiry, lockouts and rate limits can be tested without
sleeping. Times are unix seconds (float)."""

from __future__ import annotations

import time
from abc import ABC, abstractmethod


class Clock(ABC):
    """A source of wall-clock time in unix seconds."""

    @abstractmethod
    def now(self) -> float:
        """The current time in unix seconds."""


class SystemClock(Clock):
    """The real clock."""

    def now(self) -> float:
        return time.time()


class ManualClock(Clock):
    """A clock that moves only when told to: for tests and simulations."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        if seconds < 0:
            raise ValueError("a clock only moves forward")
        self._now += seconds

    def set(self, when: float) -> None:
        """Jump to a given time."""
        self._now = when
