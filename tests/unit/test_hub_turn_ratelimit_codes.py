"""TURN REST credentials, the failure limiter and code formats."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from kiosk.hub.clock import ManualClock
from kiosk.hub.codes import (
    format_appointment_code,
    new_appointment_code,
    new_pairing_code,
    normalise_appointment_code,
    normalise_pairing_code,
)
from kiosk.hub.config import HubConfig, RateLimits
from kiosk.hub.ratelimit import FailureLimiter
from kiosk.hub.state import Limiters
from kiosk.hub.turn import ice_servers, turn_credential


def test_turn_credentials_match_coturn_rest_scheme() -> None:
    secret = b"coturn-static-auth-secret"
    servers, expires = ice_servers(
        ["stun:stun.example.org:3478", "turn:turn.example.org:3478", "turns:turn.example.org:443"],
        lambda: secret, now=1000.4, ttl=3600, user="kiosk7")
    assert expires == 4600.0
    assert servers[0] == {"urls": ["stun:stun.example.org:3478"]}
    turn = servers[1]
    assert turn["urls"] == ["turn:turn.example.org:3478", "turns:turn.example.org:443"]
    assert turn["username"] == "4600:kiosk7"
    expected = base64.b64encode(hmac.new(secret, b"4600:kiosk7", hashlib.sha1).digest()).decode()
    assert turn["credential"] == expected == turn_credential(secret, "4600:kiosk7")


def test_no_urls_means_no_servers_and_no_secret_needed() -> None:
    def no_secret() -> bytes:
        raise AssertionError("the TURN secret must not be read without TURN URLs")

    assert ice_servers([], no_secret, now=0, ttl=60, user="x") == ([], None)
    servers, expires = ice_servers(["stun:s"], no_secret, now=0, ttl=60, user="x")
    assert servers == [{"urls": ["stun:s"]}]
    assert expires is None


def test_failure_limiter_window() -> None:
    clock = ManualClock(1000)
    limiter = FailureLimiter(clock, limit=3, window=60)
    for _ in range(2):
        limiter.failure("k")
        assert limiter.retry_after("k") is None
    clock.advance(10)
    limiter.failure("k")
    assert limiter.retry_after("k") == 50  # until the first failure leaves the window
    assert limiter.retry_after("other") is None
    clock.advance(50)
    assert limiter.retry_after("k") is None
    limiter.failure("k")
    assert limiter.retry_after("k") is None  # two left in the window
    limiter.failure("k")
    assert limiter.retry_after("k") == pytest.approx(10)
    limiter.reset("k")
    assert limiter.retry_after("k") is None


def test_codes() -> None:
    code = new_appointment_code()
    assert len(code) == 10
    assert code.isdigit()
    assert normalise_appointment_code("012 345 6789") == "0123456789"
    assert normalise_appointment_code("012-345-6789") == "0123456789"
    assert normalise_appointment_code("123 456") == "123456"  # made by an earlier release
    assert normalise_appointment_code("123-45") is None
    assert normalise_appointment_code("12345678") is None
    assert normalise_appointment_code("01234567890") is None
    assert format_appointment_code("0123456789") == "012 345 6789"
    assert format_appointment_code("123456") == "123 456"
    assert len({new_appointment_code() for _ in range(200)}) == 200
    assert normalise_appointment_code("١٢٣٤٥٦") is None  # non-ASCII digits
    pairing = new_pairing_code()
    assert len(pairing) == 9
    assert pairing[4] == "-"
    assert normalise_pairing_code(pairing.lower().replace("-", "")) == pairing
    assert normalise_pairing_code("O0O0-I1I1") is None  # look-alikes are not in the alphabet


def _limiters(clock: ManualClock) -> Limiters:
    limits = RateLimits(code_failures_per_client=5, code_failures_per_address=20,
                        code_window=600, code_failures_anonymous=4, code_failures_per_clinic=3,
                        code_budget_window=3600)
    return Limiters.from_config(HubConfig(rate_limits=limits), clock)


def test_patients_own_devices_share_one_guess_budget_across_addresses() -> None:
    clock = ManualClock(1000.0)
    lim = _limiters(clock)
    spent = [lim.code_failure(("conn", n), f"10.0.0.{n}", None) for n in range(4)]
    assert spent == [False, False, False, True]  # each from its own address and connection
    wait = lim.code_retry_after(("conn", 99), "10.0.0.99", None)
    assert wait is not None
    assert wait[1] is True  # a fresh address is refused too
    assert wait[0] == pytest.approx(3600.0)
    # Kiosks are not locked out by anonymous guessing: their budget is their clinic's.
    assert lim.code_retry_after(("kiosk", 1), "10.0.0.1", 7) is None
    clock.advance(3600.1)
    assert lim.code_retry_after(("conn", 99), "10.0.0.99", None) is None


def test_each_clinic_has_its_own_budget() -> None:
    clock = ManualClock(1000.0)
    lim = _limiters(clock)
    for n in range(3):
        lim.code_failure(("kiosk", n), f"10.1.0.{n}", 7)
    limited = lim.code_retry_after(("kiosk", 9), "10.1.0.9", 7)
    assert limited is not None
    assert limited[1] is True
    assert lim.code_retry_after(("kiosk", 20), "10.2.0.1", 8) is None  # another clinic
    assert lim.code_retry_after(("conn", 1), "10.3.0.1", None) is None  # own devices


def test_a_client_limit_is_not_reported_as_a_spent_budget() -> None:
    clock = ManualClock(1000.0)
    lim = _limiters(clock)
    for _ in range(5):
        lim.code_failure(("kiosk", 1), "10.1.0.1", None)
    limited = lim.code_retry_after(("kiosk", 1), "10.1.0.1", 7)
    assert limited is not None
    assert limited[1] is False
