"""Failure counting in a sliding window, keyed by anything (a kiosk, a connection, an address),
and per-type token buckets for each connection's messages (:class:`MessageLimits`). (Reception's
booking limit per account is kept in the hub's SQLite store: ``Storage.take_booking_turn``.)

Only failures are counted. Once a key has ``limit`` failures inside ``window`` seconds it is
limited until the oldest of them leaves the window: every attempt then is refused, right or
wrong, so a guesser learns nothing.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable, Hashable

from kiosk.hub.clock import Clock

#: Keys beyond this many are pruned of stale entries, so memory stays bounded under attack.
_PRUNE_AT = 10_000


class FailureLimiter:
    """A sliding-window failure counter."""

    def __init__(self, clock: Clock, *, limit: int, window: float) -> None:
        self._clock = clock
        self.limit = limit
        self.window = window
        self._failures: dict[Hashable, deque[float]] = {}

    def _recent(self, key: Hashable) -> deque[float] | None:
        times = self._failures.get(key)
        if times is None:
            return None
        cutoff = self._clock.now() - self.window
        while times and times[0] <= cutoff:
            times.popleft()
        if not times:
            del self._failures[key]
            return None
        return times

    def retry_after(self, key: Hashable) -> float | None:
        """Seconds until ``key`` may try again, or None if it is not limited."""
        times = self._recent(key)
        if times is None or len(times) < self.limit:
            return None
        return max(0.0, times[-self.limit] + self.window - self._clock.now())

    def failure(self, key: Hashable) -> None:
        """Count one failure for ``key``."""
        if len(self._failures) > _PRUNE_AT:
            for stale in list(self._failures):
                self._recent(stale)
        times = self._recent(key)
        if times is None:
            times = self._failures[key] = deque()
        times.append(self._clock.now())
        while len(times) > self.limit:
            times.popleft()

    def reset(self, key: Hashable) -> None:
        """Forget ``key``'s failures."""
        self._failures.pop(key, None)


class TokenBucket:
    """``rate`` tokens a second, at most ``burst`` saved up; one per message."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self._tokens = burst
        self._at = now

    def take(self, now: float) -> float | None:
        """Take a token: None if there was one, else seconds until there will be."""
        self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
        self._at = now
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return None
        return (1.0 - self._tokens) / self.rate

    def full(self, now: float) -> bool:
        """Whether the bucket would be full at ``now`` (as if never used: safe to forget)."""
        return self._tokens + (now - self._at) * self.rate >= self.burst


#: Messages a second and burst, per type, for one connection: generous for a real client (a
#: browser trickles ICE candidates quickly; call_stats comes every 2 s), small enough that one
#: client cannot make the hub do work for everyone else in a loop (each call_state, help or
#: leave changes the waiting list that every specialist of the clinic receives).
#: The bucket every message of a connection takes from first, before it is even parsed: a
#: client's total, which caps what one socket can cost the hub whatever it sends.
ANY_MESSAGE = "*"

MESSAGE_RATES: dict[str, tuple[float, float]] = {
    ANY_MESSAGE: (100.0, 300.0),
    "candidate": (50.0, 100.0),
    "ping": (20.0, 40.0),
    "pong": (5.0, 10.0),
    "call_stats": (2.0, 5.0),
    "call_state": (5.0, 10.0),
    "message": (2.0, 10.0),
    "help": (1.0, 5.0),
    "leave": (1.0, 5.0),
    "checks": (1.0, 5.0),
    "readiness": (1.0, 5.0),
    "status": (5.0, 20.0),
    "help_acknowledge": (2.0, 10.0),
    "check_in": (2.0, 10.0),  # wrong codes have their own, stricter budget
    "ice_request": (1.0, 3.0),
}
DEFAULT_RATE: tuple[float, float] = (5.0, 15.0)


class MessageLimits:
    """Per-type token buckets for one connection's incoming messages."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._buckets: dict[str, TokenBucket] = {}
        self._refused: dict[str, int] = {}
        self._told: dict[str, float] = {}

    def take(self, mtype: str) -> float | None:
        """None if ``mtype`` may go through now, else seconds to wait."""
        now = self._clock()
        bucket = self._buckets.get(mtype)
        if bucket is None:
            rate, burst = MESSAGE_RATES.get(mtype, DEFAULT_RATE)
            bucket = self._buckets[mtype] = TokenBucket(rate, burst, now)
        wait = bucket.take(now)
        if wait is not None:
            self._refused[mtype] = self._refused.get(mtype, 0) + 1
        return wait

    def tell(self, mtype: str) -> bool:
        """Whether to answer this refusal with an error: at most once a second per type, so
        a flood does not fill the flooder's own queue with replies."""
        now = self._clock()
        if now - self._told.get(mtype, float("-inf")) < 1.0:
            return False
        self._told[mtype] = now
        return True

    def refused(self, mtype: str) -> int:
        """How many ``mtype`` messages were refused so far."""
        return self._refused.get(mtype, 0)
