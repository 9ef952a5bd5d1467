"""The sign-in lockout, one rule for every username, known or not.

Rules that matter:

- **Counted before the password is checked.** An attempt is reserved (the failure counter goes
  up) before the slow scrypt check, and refused outright once ``lockout_after`` attempts have
  failed or are still being checked, so 100 sign-ins at once cannot slip a right password in
  behind 99 wrong ones. A right password then resets the count.
- After a lock expires one more attempt is allowed; a wrong one locks again, for twice as long
  (up to ``lockout_max``).
- An unknown username is counted and locked the same way (in memory, bounded), with the same
  answers and a dummy scrypt, so the replies do not tell which usernames exist.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Final

from kiosk.hub.config import RateLimits

#: Unknown usernames remembered at most (least recently tried forgotten first).
MAX_UNKNOWN: Final = 10_000


@dataclass(frozen=True)
class LoginState:
    """An account's sign-in state: failures in a row (reserved attempts included) and the end
    of its lock (unix seconds), if it has been locked."""

    failed: int = 0
    locked_until: float | None = None


def lock_for(failed: int, limits: RateLimits) -> float:
    """How long ``failed`` failures in a row lock an account."""
    return float(min(limits.lockout_max,
                     limits.lockout_base * 2 ** min(failed - limits.lockout_after, 30)))


def reserve(state: LoginState, now: float, limits: RateLimits) -> tuple[LoginState, float | None]:
    """Before checking a password: the new state and, if the attempt is refused, until when."""
    if state.locked_until is not None and state.locked_until > now:
        return state, state.locked_until
    if state.failed >= limits.lockout_after and state.locked_until is None:
        until = now + lock_for(state.failed, limits)  # enough attempts are already in flight
        return LoginState(state.failed, until), until
    return LoginState(state.failed + 1, None), None


def failed(state: LoginState, now: float, limits: RateLimits) -> LoginState:
    """After a wrong password (its attempt already counted by :func:`reserve`)."""
    if state.failed >= limits.lockout_after:
        return LoginState(state.failed, now + lock_for(state.failed, limits))
    return state


class UnknownUsernames:
    """The same lockout for usernames that do not exist, kept in memory (bounded)."""

    def __init__(self, limit: int = MAX_UNKNOWN) -> None:
        self._states: OrderedDict[str, LoginState] = OrderedDict()
        self._limit = limit

    def reserve(self, username: str, now: float, limits: RateLimits) -> float | None:
        key = username.casefold()
        state, refused_until = reserve(self._states.get(key, LoginState()), now, limits)
        self._put(key, state)
        return refused_until

    def failed(self, username: str, now: float, limits: RateLimits) -> float | None:
        key = username.casefold()
        state = failed(self._states.get(key, LoginState()), now, limits)
        self._put(key, state)
        return state.locked_until

    def _put(self, key: str, state: LoginState) -> None:
        self._states[key] = state
        self._states.move_to_end(key)
        while len(self._states) > self._limit:
            self._states.popitem(last=False)
