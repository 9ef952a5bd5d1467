"""Admin mode's pairing against a real hub on loopback: the token reaches the SecretStore (and
works), wrong, used and expired codes get plain messages, and no code or token is logged."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

import pytest

from kiosk.admin import PAIR_MESSAGES, PairingError, fetch_appointments, pair_with_hub
from kiosk.hub.clock import ManualClock
from kiosk.hub.codes import PAIRING_CODE_TTL
from kiosk.secrets import DEVICE_TOKEN, KeyringSecretStore, MemorySecretStore


async def test_pairing_keeps_the_token_in_the_store_and_the_hub_accepts_it(
        hub: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    store = KeyringSecretStore()  # the test's in-memory keyring (tests/conftest.py)
    code = hub.new_pairing_code(room="Room 2")
    pairing = await pair_with_hub(hub.url, code.lower(), store, name="Front desk kiosk")
    assert pairing.clinic == hub.seed.clinic_name
    assert pairing.room == "Room 2"
    assert pairing.describe() == f"Paired as {hub.seed.clinic_name}, Room 2"
    token = store.get(DEVICE_TOKEN)
    assert token
    assert token not in repr(pairing)
    peer = await hub.kiosk(token=token)  # the hub knows this kiosk by the stored token
    assert peer.welcome is not None
    assert code not in caplog.text
    assert token not in caplog.text


@pytest.mark.expect_log(r"pairing failed: bad_code", logger="kiosk.admin")
@pytest.mark.expect_log(r"pairing failed: bad_code", logger="kiosk.hub.api")
@pytest.mark.parametrize("typed", ["ZZZZ2222", "ABCD"])
async def test_a_wrong_code_gets_a_clear_message_and_stores_nothing(hub: Any, typed: str) -> None:
    store = MemorySecretStore()
    with pytest.raises(PairingError) as raised:
        await pair_with_hub(hub.url, typed, store)
    assert raised.value.code == "bad_code"
    assert str(raised.value) == PAIR_MESSAGES["bad_code"]
    assert store.get(DEVICE_TOKEN) is None


@pytest.mark.expect_log(r"pairing failed: code_used", logger="kiosk.admin")
@pytest.mark.expect_log(r"pairing failed: code_used", logger="kiosk.hub.api")
async def test_a_used_code_cannot_pair_a_second_kiosk(hub: Any) -> None:
    code = hub.new_pairing_code()
    first, second = MemorySecretStore(), MemorySecretStore()
    await pair_with_hub(hub.url, code, first)
    with pytest.raises(PairingError) as raised:
        await pair_with_hub(hub.url, code, second)
    assert raised.value.code == "code_used"
    assert "already been used" in str(raised.value)
    assert second.get(DEVICE_TOKEN) is None


@pytest.mark.expect_log(r"pairing failed: code_expired", logger="kiosk.admin")
@pytest.mark.expect_log(r"pairing failed: code_expired", logger="kiosk.hub.api")
async def test_an_expired_code_says_ask_for_a_new_one(hub_factory: Any) -> None:
    clock = ManualClock(1_800_000_000.0)
    hub = await hub_factory(clock=clock)
    code = hub.new_pairing_code()
    clock.advance(PAIRING_CODE_TTL + 1)
    with pytest.raises(PairingError) as raised:
        await pair_with_hub(hub.url, code, MemorySecretStore())
    assert raised.value.code == "code_expired"
    assert str(raised.value) == PAIR_MESSAGES["code_expired"]


async def test_todays_appointments_for_the_kiosks_clinic_without_codes_or_names(
        hub_factory: Any) -> None:
    noon = datetime.now().astimezone().replace(hour=12, minute=0, second=0, microsecond=0)
    hub = await hub_factory(clock=ManualClock(noon.timestamp()))  # never near midnight
    store = MemorySecretStore()
    await pair_with_hub(hub.url, hub.new_pairing_code(), store)
    now = hub.clock.now()
    code = hub.new_appointment_code(starts_at=now + 60, patient_name="Morag Testpatient")
    _, other_area = hub.new_clinic("Elsewhere Clinic")
    hub.new_appointment_code(waiting_area_id=other_area, starts_at=now + 120)
    hub.new_appointment_code(starts_at=now + 86_400)  # tomorrow
    listed = await fetch_appointments(hub.url, store)
    ours = [a for a in listed if abs(a.starts_at.timestamp() - (now + 60)) < 1]
    assert len(ours) == 1
    assert ours[0].waiting_area == hub.seed.waiting_area_name
    assert not ours[0].checked_in
    assert all(a.waiting_area != "Elsewhere Clinic" for a in listed)
    assert len(listed) == 2  # the demo seed's appointment, due now, and ours
    async with hub.client_session() as session:
        token = store.get(DEVICE_TOKEN)
        async with session.get(hub.url + "/api/kiosk/appointments",
                               headers={"Authorization": f"Bearer {token}"}) as response:
            body = await response.text()
    assert code not in body
    assert hub.appointment_code not in body
    assert "Morag" not in body
    assert "patient" not in body


@pytest.mark.expect_log(
    r"appointment list refused: missing or unknown kiosk token",
    logger="kiosk.hub.api")
@pytest.mark.parametrize("header", [None, "Bearer nope", "Basic abc", "Bearer " + "x" * 300])
async def test_the_appointment_list_needs_a_kiosk_token(hub: Any, header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    async with hub.client_session() as session, \
            session.get(hub.url + "/api/kiosk/appointments", headers=headers) as response:
        assert response.status == 401
        assert (await response.json())["error"] == "auth_failed"


@pytest.mark.expect_log(
    r"appointment list refused: missing or unknown kiosk token",
    logger="kiosk.hub.api")
async def test_fetching_appointments_unpaired_or_with_a_revoked_key(hub: Any) -> None:
    with pytest.raises(PairingError) as raised:
        await fetch_appointments(hub.url, MemorySecretStore())
    assert raised.value.code == "not_paired"
    store = MemorySecretStore()
    store.set(DEVICE_TOKEN, "not-a-token-the-hub-knows")
    with pytest.raises(PairingError) as raised:
        await fetch_appointments(hub.url, store)
    assert raised.value.code == "auth_failed"
    assert "Pair the kiosk again" in str(raised.value)


async def test_names_from_a_hostile_hub_are_made_safe_to_show() -> None:
    """Specialist and waiting-area names come from the hub: bidi overrides and controls are
    stripped and long names cut."""
    from aiohttp import web

    entry = {"id": 1, "starts_at": "2026-12-05T10:00:00+00:00", "checked_in": False,
             "specialist": "Dr \u202eevil\u202c\x07 Smith" + "x" * 500,
             "waiting_area": "Cardiology\u200f\r\n\x1b[31m"}

    async def appointments(request: web.Request) -> web.Response:
        return web.json_response({"appointments": [entry] * 3})

    app = web.Application()
    app.router.add_get("/api/kiosk/appointments", appointments)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    store = MemorySecretStore()
    store.set(DEVICE_TOKEN, "token")
    try:
        listed = await fetch_appointments(f"http://127.0.0.1:{port}", store)
    finally:
        await runner.cleanup()
    assert len(listed) == 3
    shown = listed[0]
    for text in (shown.specialist, shown.waiting_area):
        assert not any(ch in text for ch in "\u202e\u202c\u200f\x07\x1b\r\n")
    assert shown.specialist.startswith("Dr evil Smith")
    assert len(shown.specialist) <= 120
    assert shown.waiting_area.startswith("Cardiology")
