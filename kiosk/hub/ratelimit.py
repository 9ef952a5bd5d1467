"""Failure counting in a sliding window, keyed by anything (a kiosk, a connection, an address).

Only failures are counted. Once a key has ``limit`` failures inside ``window`` seconds it is
limited until the oldest of them leaves the window: every attempt then is refused, right or
wrong, so a guesser learns nothing.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Hashable

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
