"""The sign-in lockout's rule (kiosk/hub/lockout.py), the same for known and unknown names."""

from __future__ import annotations

from kiosk.hub.config import RateLimits
from kiosk.hub.lockout import LoginState, UnknownUsernames, failed, reserve

LIMITS = RateLimits(lockout_after=3, lockout_base=60, lockout_max=600)


def test_attempts_in_flight_count_before_their_passwords_are_checked() -> None:
    state = LoginState()
    for n in range(1, 4):
        state, refused = reserve(state, 0.0, LIMITS)
        assert refused is None
        assert state.failed == n
    state, refused = reserve(state, 0.0, LIMITS)  # three still being checked: refused
    assert refused == 60.0
    assert failed(state, 1.0, LIMITS).locked_until == 61.0


def test_after_a_lock_one_more_try_then_a_longer_lock() -> None:
    state = LoginState(failed=3, locked_until=60.0)
    assert reserve(state, 30.0, LIMITS)[1] == 60.0
    state, refused = reserve(state, 61.0, LIMITS)
    assert refused is None
    assert failed(state, 62.0, LIMITS).locked_until == 62.0 + 120.0
    assert reserve(state, 61.5, LIMITS)[1] is not None  # only one try per expiry


def test_unknown_usernames_are_bounded_and_case_blind() -> None:
    names = UnknownUsernames(limit=100)
    for i in range(1000):
        names.reserve(f"guess{i}", 0.0, LIMITS)
    assert len(names._states) == 100
    for _ in range(3):
        assert names.reserve("Dr.Who", 0.0, LIMITS) is None
        names.failed("dr.who", 0.0, LIMITS)
    assert names.reserve("DR.WHO", 1.0, LIMITS) == 60.0
