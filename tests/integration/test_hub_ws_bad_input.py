"""Bad input over a real socket: each gets the right error, and other clients are still served."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Any

import aiohttp
import pytest

from kiosk import protocol
from kiosk.hub import ratelimit
from kiosk.hub.clock import ManualClock
from kiosk.hub.config import RateLimits
from kiosk.hub.signalling import SIGNALLING

pytestmark = pytest.mark.integration


async def still_served(hub: Any) -> None:
    """Another client gets a full answer: the hub is unharmed."""
    other = await hub.patient()
    await other.send("ping", sent_at=1)
    assert (await other.expect("pong"))["sent_at"] == 1
    await other.close()


@pytest.mark.expect_log(r"message bad_message", logger="kiosk.hub.ws")
async def test_malformed_json_non_object_and_wrong_types(hub: Any) -> None:
    peer = await hub.patient()
    await peer.send_raw("{not json")
    assert "JSON" in (await peer.error("bad_message"))["message"]
    await peer.send_raw("[1, 2, 3]")
    await peer.error("bad_message")
    await peer.send_raw('"hello"')
    await peer.error("bad_message")
    await peer.send_json({"v": 1, "type": "ping", "sent_at": "soon", "ref": "r1"})
    err = await peer.error("bad_message")
    assert err["ref"] == "r1"
    await peer.send_json({"v": 1, "type": "check_in", "code": 123456})
    await peer.error("bad_message")
    await peer.send_json({"v": 1, "type": "ping", "surprise": 1})
    await peer.error("bad_message")
    await peer.send_json({"type": "ping"})
    await peer.error("bad_message")
    await peer.send("ping")  # the connection is still usable
    await peer.expect("pong")
    await still_served(hub)


@pytest.mark.expect_log(r"message too_large", logger="kiosk.hub.ws")
async def test_oversized_message_is_refused_and_socket_stays(hub: Any) -> None:
    peer = await hub.patient()
    big = json.dumps({"v": 1, "type": "ping", "pad": "x" * (protocol.MAX_MESSAGE_BYTES + 10)})
    await peer.send_raw(big)
    await peer.error("too_large")
    await peer.send("ping")
    await peer.expect("pong")
    await still_served(hub)


async def test_frame_over_one_mib_is_cut_off_by_the_websocket_layer(hub: Any) -> None:
    peer = await hub.patient()
    await peer.send_raw("x" * (1024 * 1024 + 1))
    assert await peer.closed() == aiohttp.WSCloseCode.MESSAGE_TOO_BIG
    await still_served(hub)


@pytest.mark.expect_log(r"message bad_message", logger="kiosk.hub.ws")
async def test_binary_frames_get_an_error(hub: Any) -> None:
    peer = await hub.patient()
    await peer.ws.send_bytes(b'{"v":1,"type":"ping"}')
    await peer.error("bad_message")
    await peer.send("ping")
    await peer.expect("pong")


@pytest.mark.expect_log(r"message unknown_type", logger="kiosk.hub.ws")
async def test_unknown_type(hub: Any) -> None:
    peer = await hub.patient()
    await peer.send_json({"v": 1, "type": "teleport"})
    err = await peer.error("unknown_type")
    assert "teleport" in err["message"]
    await still_served(hub)


@pytest.mark.expect_log(r"message unsupported_version", logger="kiosk.hub.ws")
@pytest.mark.parametrize("version", [0, 2])
async def test_unsupported_version_is_fatal_with_a_reason(hub: Any, version: int) -> None:
    peer = await hub.connect()
    await peer.send_json({"v": version, "type": "hello", "role": "patient"})
    err = await peer.error("unsupported_version")
    assert err["fatal"] is True
    assert "speaks 1" in err["message"]
    assert await peer.closed() == 4000
    assert "speaks 1" in peer.close_reason
    await still_served(hub)


@pytest.mark.expect_log(r"check_in hello_required", r"hello not_allowed", logger="kiosk.hub.ws")
async def test_message_before_hello(hub: Any) -> None:
    peer = await hub.connect()
    await peer.send("check_in", code=hub.appointment_code)
    await peer.error("hello_required")
    await peer.send("hello", role="patient")
    await peer.expect("welcome")
    await peer.send("hello", role="patient")
    await peer.error("not_allowed")


@pytest.mark.expect_log(r"message bad_message", logger="kiosk.hub.ws")
async def test_deep_nesting_and_nan_get_bad_message_and_the_socket_stays(hub: Any) -> None:
    peer = await hub.patient()
    for _ in range(3):  # once cut the socket and logged a traceback each time
        await peer.send_raw('{"v": 1, "type": "ping", "x": ' + "[" * 1000 + "]" * 1000 + "}")
        assert "nested" in (await peer.error("bad_message"))["message"]
    await peer.send_raw('{"v": 1, "type": "check_in", "code": "1234", "checks": '
                        '{"camera": NaN}}')
    assert "NaN" in (await peer.error("bad_message"))["message"]
    await peer.send("ping", sent_at=2)
    assert (await peer.expect("pong"))["sent_at"] == 2


@pytest.mark.expect_log(r"message hello_required", logger="kiosk.hub.ws")
async def test_no_hello_in_time_closes_the_socket(hub_factory: Any) -> None:
    hub = await hub_factory(hello_timeout=0.2)
    peer = await hub.connect()
    err = await peer.error("hello_required")
    assert err["fatal"] is True
    assert await peer.closed() == 4002


@pytest.mark.expect_log(
    r"hello bad_message",
    r"join not_allowed",
    r"offer not_allowed",
    r"welcome not_allowed",
    logger="kiosk.hub.ws")
async def test_wrong_role_and_senders(hub: Any) -> None:
    peer = await hub.connect()
    await peer.send("hello", role="admin")
    await peer.error("bad_message")
    await peer.hello("patient")
    await peer.send("join", visit_id="v")
    await peer.error("not_allowed")
    await peer.send_json({"v": 1, "type": "welcome", "role": "kiosk", "hub": "x",
                          "ice_servers": []})
    await peer.error("not_allowed")
    await peer.send("offer", sdp="x", attempt=1)
    await peer.error("not_allowed")  # not checked in
    await still_served(hub)


@pytest.mark.expect_log(r"hello auth_failed", logger="kiosk.hub.ws")
async def test_wrong_kiosk_token_is_fatal(hub: Any) -> None:
    peer = await hub.connect()
    await peer.send("hello", role="kiosk", token="not-a-real-token")
    err = await peer.error("auth_failed")
    assert err["fatal"] is True
    assert "not-a-real-token" not in json.dumps(err)
    assert await peer.closed() == 4001
    bare = await hub.connect()
    await bare.send("hello", role="kiosk")
    await bare.error("auth_failed")
    await still_served(hub)


@pytest.mark.expect_log(r"hello auth_failed", logger="kiosk.hub.ws")
async def test_specialist_without_session_or_with_foreign_origin(hub: Any) -> None:
    peer = await hub.connect()
    await peer.send("hello", role="specialist")
    await peer.error("auth_failed")
    assert await peer.closed() == 4001

    session = hub.client_session()
    await hub.login(session)
    evil = await hub.connect(session=session, headers={"Origin": "https://evil.example"})
    await evil.send("hello", role="specialist")
    await evil.error("auth_failed")
    good = await hub.connect(session=session, headers={"Origin": hub.url})
    await good.hello("specialist")
    assert good.welcome["specialist"]["name"] == hub.seed.specialist_name
    await still_served(hub)


@pytest.mark.expect_log(
    r"check_in bad_code",
    r"check_in code_expired",
    r"check_in code_used",
    logger="kiosk.hub.ws")
async def test_used_code_wrong_code_and_expired_code(hub_factory: Any) -> None:
    clock = ManualClock()
    hub = await hub_factory(clock=clock)
    first = await hub.patient()
    await first.send("check_in", code=hub.appointment_code)
    await first.expect("checked_in")

    replay = await hub.patient()
    await replay.send("check_in", code=hub.appointment_code, ref="again")
    err = await replay.error("code_used")
    assert err["ref"] == "again"
    assert hub.appointment_code not in json.dumps(err)
    await replay.send("check_in", code="000000" if hub.appointment_code != "000000" else "111111")
    await replay.error("bad_code")
    await replay.send("check_in", code="12ab")
    await replay.error("bad_code")

    expiring = hub.new_appointment_code(valid_hours=1)
    clock.advance(3601)
    late = await hub.patient()
    await late.send("check_in", code=expiring)
    await late.error("code_expired")
    await still_served(hub)


@pytest.mark.expect_log(r"check_in bad_code", r"check_in rate_limited", logger="kiosk.hub.ws")
async def test_brute_force_is_rate_limited_per_kiosk(hub_factory: Any) -> None:
    clock = ManualClock()
    hub = await hub_factory(clock=clock, rate_limits=RateLimits(
        code_failures_per_client=5, code_failures_per_address=100, code_window=600))
    good = hub.new_appointment_code()
    token = hub.new_kiosk_token()
    kiosk = await hub.kiosk(token)
    wrong = "999999" if good != "999999" else "999998"
    for _ in range(5):
        await kiosk.send("check_in", code=wrong)
        await kiosk.error("bad_code")
    await kiosk.send("check_in", code=wrong)
    err = await kiosk.error("rate_limited")
    assert 0 < err["retry_after"] <= 600
    await kiosk.send("check_in", code=good)  # right or wrong, still limited
    await kiosk.error("rate_limited")
    # The same kiosk on a new connection is still limited (keyed by kiosk, not socket).
    again = await hub.kiosk(token)
    await again.send("check_in", code=good)
    await again.error("rate_limited")
    # Another client on the same address is not (the address limit is higher here).
    other = await hub.patient()
    await other.send("check_in", code=good)
    await other.expect("checked_in")
    # When the window has passed, the kiosk may try again.
    clock.advance(601)
    await kiosk.send("check_in", code=hub.new_appointment_code())
    await kiosk.expect("checked_in")


@pytest.mark.expect_log(r"check_in bad_code", r"check_in rate_limited", logger="kiosk.hub.ws")
async def test_brute_force_is_rate_limited_per_address(hub_factory: Any) -> None:
    clock = ManualClock()
    hub = await hub_factory(clock=clock, rate_limits=RateLimits(
        code_failures_per_client=100, code_failures_per_address=4, code_window=600))
    good = hub.new_appointment_code()
    wrong = "999999" if good != "999999" else "999998"
    for _ in range(4):  # a fresh connection each time: only the address ties them together
        peer = await hub.patient()
        await peer.send("check_in", code=wrong)
        await peer.error("bad_code")
        await peer.close()
    peer = await hub.patient()
    await peer.send("check_in", code=good)
    err = await peer.error("rate_limited")
    assert err["retry_after"] > 0
    # Other messages still work for everyone.
    await still_served(hub)


@pytest.mark.expect_log(
    r"answer bad_message",
    r"answer busy",
    r"hangup busy",
    r"join busy",
    r"join forbidden",
    r"join not_found",
    r"message forbidden",
    logger="kiosk.hub.ws")
async def test_join_other_clinic_is_forbidden_and_second_specialist_is_busy(hub: Any) -> None:
    first = await hub.specialist()
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    visit_id = (await patient.expect("checked_in"))["visit_id"]

    other_clinic, _ = hub.new_clinic("Other Clinic")
    hub.new_specialist(other_clinic, "other.doc", "another password 1")
    stranger = await hub.specialist("other.doc", "another password 1")
    assert stranger.skipped[-1]["patients"] == []  # never sees another clinic's patients
    await stranger.send("join", visit_id=visit_id)
    await stranger.error("forbidden")
    await stranger.send("message", visit_id=visit_id, text="hi")
    await stranger.error("forbidden")

    await first.send("join", visit_id=visit_id)
    await first.expect("joined")
    hub.new_specialist(hub.seed.clinic_id, "second.doc", "another password 2")
    second = await hub.specialist("second.doc", "another password 2")
    await second.send("join", visit_id=visit_id)
    await second.error("busy")
    await second.send("answer", visit_id=visit_id, sdp="x", attempt=1)
    await second.error("busy")
    await second.send("hangup", visit_id=visit_id)
    await second.error("busy")
    await second.send("join", visit_id="no-such-visit")
    await second.error("not_found")
    await second.send("answer", sdp="x", attempt=1)
    await second.error("bad_message")

    # The first specialist's call is unaffected.
    await patient.send("offer", sdp="v=0", attempt=1)
    assert (await first.expect("offer"))["visit_id"] == visit_id


@pytest.mark.expect_log(r"outgoing queue overflowed; dropping the client",
                        logger="kiosk.hub.connection")
async def test_slow_client_is_dropped_without_blocking_others(
        hub_factory: Any, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # This floods one socket to test its queue, not the per-type limit that would stop it first.
    monkeypatch.setitem(ratelimit.MESSAGE_RATES, "answer", (1e6, 1e6))
    monkeypatch.setitem(ratelimit.MESSAGE_RATES, ratelimit.ANY_MESSAGE, (1e6, 1e6))
    hub = await hub_factory(send_queue_max=4)
    specialist = await hub.specialist()
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    visit_id = (await patient.expect("checked_in"))["visit_id"]
    await specialist.send("join", visit_id=visit_id)
    await patient.expect("joined")
    # The patient stops reading; the specialist floods it with large answers (~24 MB, more
    # than the socket buffers hold), so the patient's bounded queue overflows.
    sdp = "a" * 60_000
    for _ in range(400):
        await specialist.send("answer", visit_id=visit_id, sdp=sdp, attempt=1)
    while True:  # the hub tells the specialist the patient dropped, and keeps serving them
        listing = await specialist.expect("waiting_list", within=10)
        if listing["patients"] and listing["patients"][0]["status"] == "disconnected":
            break
    assert "outgoing queue overflowed" in caplog.text
    await specialist.send("ping")
    await specialist.expect("pong")
    await still_served(hub)


@pytest.mark.expect_log(r"hello auth_failed", logger="kiosk.hub.ws")
async def test_nothing_is_acted_on_after_a_fatal_error(hub: Any) -> None:
    peer = await hub.connect()
    await peer.send("hello", role="kiosk", token="wrong")
    await peer.send("hello", role="patient")  # sent before the close arrives
    await peer.send("check_in", code=hub.appointment_code)
    await peer.error("auth_failed")
    await peer.closed()
    assert not [m for m in peer.skipped if m["type"] in ("welcome", "checked_in")]
    # The code was not used up by the closing socket.
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    await patient.expect("checked_in")


@pytest.mark.expect_log(r"call_state rate_limited", r"help rate_limited", r"leave rate_limited",
                        r"\* rate_limited", logger="kiosk.hub.ws")
async def test_one_patient_cannot_flood_the_clinics_specialists(hub_factory: Any) -> None:
    """300 call_state messages in a burst, then help/leave alternating from a paired kiosk,
    once overflowed every specialist's queue (each change re-sent the whole waiting list).
    Now each connection's messages are limited per type, and a specialist has at most one
    waiting list queued: they stay connected and end with the true list."""
    hub = await hub_factory(send_queue_max=32)
    specialists = [await hub.specialist(), await hub.specialist()]
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    await patient.expect("checked_in")
    for _ in range(300):
        await patient.send("call_state", state="connecting")
    err = await patient.error("rate_limited")  # said once a bucket, not 290 times
    assert err["retry_after"] > 0
    for attempt in range(1, 20):  # once the budget refills (100 a second), it is served again
        await patient.send("ping", sent_at=attempt)
        with contextlib.suppress(AssertionError, TimeoutError):
            await patient.expect("pong", sent_at=attempt, within=0.5)
            break
    else:
        raise AssertionError("the flooding patient was never served again")
    assert sum(m["type"] == "error" for m in patient.skipped) <= 1
    kiosk = await hub.kiosk()
    for i in range(100):
        await kiosk.send("help", reason="other") if i % 2 == 0 else \
            await kiosk.send("leave", reason="left")
    await kiosk.send("ping", sent_at=7)
    await kiosk.expect("pong", sent_at=7)
    await patient.send("leave", reason="left")
    for spec in specialists:  # still connected, and the last list they get is the true one
        await spec.send("ping", sent_at=1)
        await spec.expect("pong", sent_at=1)
        lists = [m for m in spec.skipped if m["type"] == "waiting_list"]
        if not lists or lists[-1]["patients"]:  # the patient's leave may still be on its way
            lists.append(await spec.expect("waiting_list", patients=[]))
        final = lists[-1]
        assert len(lists) < 60, len(lists)
        assert final["patients"] == []
        assert not spec.ws.closed
    await still_served(hub)


@pytest.mark.expect_log(r"no check-in within the time limit", logger="kiosk.hub.ws")
async def test_a_patient_that_never_checks_in_is_closed(hub_factory: Any) -> None:
    hub = await hub_factory(check_in_timeout=0.3)
    patient = await hub.patient()  # one that checks in in time stays
    await patient.send("check_in", code=hub.appointment_code)
    await patient.expect("checked_in")
    kiosk = await hub.kiosk()  # a paired kiosk may wait for its next patient for ever
    idle = await hub.patient()  # said hello after the others: its limit passes after theirs
    err = await idle.error("not_allowed")
    assert err["fatal"] is True
    assert await idle.closed() == 4004
    for peer in (patient, kiosk):
        await peer.send("ping", sent_at=1)
        await peer.expect("pong", sent_at=1)


@pytest.mark.expect_log(r"too many open from one address", logger="kiosk.hub.ws")
async def test_sockets_from_one_address_are_capped(hub_factory: Any) -> None:
    hub = await hub_factory(max_sockets_per_address=5)
    peers = [await hub.connect() for _ in range(5)]
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await hub.connect(session=session)
    assert refused.value.status == 429
    await peers[0].close()
    connections = hub.running.app[SIGNALLING].connections
    async with asyncio.timeout(5):
        while len(connections) >= 5:  # noqa: ASYNC110 - until the hub has noticed the close
            await asyncio.sleep(0.01)
    again = await hub.connect()
    await again.send("hello", role="patient")
    await again.expect("welcome")


@pytest.mark.expect_log(r"check_in bad_code", r"check_in rate_limited", logger="kiosk.hub.ws")
@pytest.mark.expect_log(r"guess budget spent for patients' own devices",
                        r"guess budget spent for clinic \d+'s kiosks",
                        logger="kiosk.hub.signalling")
async def test_guess_budgets_bind_many_addresses_and_spare_other_clients(
        hub_factory: Any) -> None:
    """Guesses from many addresses draw on one budget for own devices, one per clinic for kiosks."""
    clock = ManualClock()
    hub = await hub_factory(clock=clock, rate_limits=RateLimits(
        code_failures_per_client=100, code_failures_per_address=100, code_window=600,
        code_failures_anonymous=5, code_failures_per_clinic=3, code_budget_window=3600))
    good = hub.new_appointment_code()
    wrong = "9999999999" if good != "9999999999" else "9999999998"
    sessions = []

    async def from_address(n: int) -> Any:
        session = aiohttp.ClientSession(
            connector=aiohttp.TCPConnector(local_addr=(f"127.0.0.{n}", 0)))
        sessions.append(session)
        peer = await hub.connect(session=session)
        await peer.hello("patient")
        return peer

    try:
        for n in range(2, 7):  # five addresses, one guess each: no address limit is reached
            peer = await from_address(n)
            await peer.send("check_in", code=wrong)
            await peer.error("bad_code")
            await peer.close()
        fresh = await from_address(9)
        await fresh.send("check_in", code=good)
        err = await fresh.error("rate_limited")
        assert 3500 < err["retry_after"] <= 3600
        assert "paused" in err["message"]
        # The clinic's kiosks have their own budget: the patient at the kiosk still checks in.
        kiosk = await hub.kiosk()
        await kiosk.send("check_in", code=good)
        await kiosk.expect("checked_in")
        for _ in range(3):  # now the clinic's kiosks spend theirs (three kiosks, one try each)
            other = await hub.kiosk()
            await other.send("check_in", code=wrong)
            await other.error("bad_code")
        last = await hub.kiosk()
        await last.send("check_in", code=hub.new_appointment_code())
        await last.error("rate_limited")
        await still_served(hub)
        clock.advance(3601)  # the budgets refill as old failures leave the window
        await last.send("check_in", code=hub.new_appointment_code())
        await last.expect("checked_in")
    finally:
        for session in sessions:
            await session.close()
