"""TURN REST credentials, the failure limiter and code formats."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from kiosk.hub.clock import ManualClock
from kiosk.hub.codes import (
    new_appointment_code,
    new_pairing_code,
    normalise_appointment_code,
    normalise_pairing_code,
)
from kiosk.hub.ratelimit import FailureLimiter
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
    assert len(code) == 6
    assert code.isdigit()
    assert normalise_appointment_code("123 456") == "123456"
    assert normalise_appointment_code("123-45") is None
    assert normalise_appointment_code("١٢٣٤٥٦") is None  # non-ASCII digits
    pairing = new_pairing_code()
    assert len(pairing) == 9
    assert pairing[4] == "-"
    assert normalise_pairing_code(pairing.lower().replace("-", "")) == pairing
    assert normalise_pairing_code("O0O0-I1I1") is None  # look-alikes are not in the alphabet
