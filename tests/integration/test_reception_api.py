"""The reception API (``/api/reception/``) on a real hub over loopback, with real sessions
from ``POST /api/login`` and real kiosk sockets: only signed-in site staff, only their own
sites; every booking rule refused on its own; a booked code checks in at a kiosk of its site
and not at another site's; the code is in no later list and no log line; the day's list
follows the patient from booked to checked in, in a call and done; the letter says where to
go; an account that books too fast is refused for a while."""

from __future__ import annotations

import logging
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from kiosk.hub.clock import ManualClock
from kiosk.hub.codes import format_appointment_code, issue_appointment
from kiosk.hub.config import RateLimits
from tests.integration.conftest import HubFactory, HubHandle
from tests.integration.network_support import (
    PASSWORD,
    SITE_A_ADDRESS,
    SITE_A_DIRECTIONS,
    build_network,
)

API = "/api/reception"

#: A wrong CSRF token and another site's staff are logged as warnings, by design.
pytestmark = pytest.mark.expect_log(
    r"reception refused: (missing or wrong CSRF token|account \d+ is not staff)",
    logger="kiosk.hub.reception")


class Desk:
    """A signed-in browser session: cookie plus the CSRF token from the sign-in reply."""

    def __init__(self, hub: HubHandle, session: aiohttp.ClientSession, csrf: str) -> None:
        self.hub, self.session, self.csrf = hub, session, csrf

    async def get(self, path: str) -> tuple[int, dict[str, Any]]:
        async with self.session.get(f"{self.hub.url}{API}{path}") as resp:
            return resp.status, await resp.json()

    async def book(self, body: Any = None, *, headers: dict[str, str] | None = None,
                   data: bytes | None = None, **fields: Any) -> tuple[int, dict[str, Any]]:
        sent = {"X-CSRF-Token": self.csrf} if headers is None else headers
        if data is not None:
            sent = {**sent, "Content-Type": "application/json"}
            kwargs: dict[str, Any] = {"data": data}
        else:
            kwargs = {"json": fields if body is None else body}
        async with self.session.post(f"{self.hub.url}{API}/appointments", headers=sent,
                                     **kwargs) as resp:
            return resp.status, await resp.json()


async def _desk(hub: HubHandle, username: str) -> Desk:
    session = hub.client_session()
    reply = await hub.login(session, username, PASSWORD)
    return Desk(hub, session, reply["csrf_token"])


def _minute(ts: float) -> str:
    """A unix time as the form sends it: the hub's local time to the minute."""
    return datetime.fromtimestamp(ts).strftime("%Y-%m-%dT%H:%M")


async def test_only_signed_in_site_staff_and_only_their_sites(hub: HubHandle) -> None:
    net = build_network(hub)
    anonymous = Desk(hub, hub.client_session(), "")
    for path in ("/sites", f"/appointments?site={net.site_a}", f"/kiosks?site={net.site_a}"):
        status, body = await anonymous.get(path)
        assert (status, body["error"]) == (401, "unauthorized")
    status, body = await anonymous.book(headers={}, site_id=net.site_a)
    assert (status, body["error"]) == (401, "unauthorized")

    for username in ("dr.heart", "it.x"):  # a clinician, an admin
        other = await _desk(hub, username)
        for path in ("/sites", f"/appointments?site={net.site_a}",
                     f"/kiosks?site={net.site_a}"):
            status, body = await other.get(path)
            assert (status, body) == (403, {"error": "forbidden",
                                            "message": "This page is for reception staff."})
        status, body = await other.book(site_id=net.site_a)
        assert status == 403

    desk_a = await _desk(hub, "desk.a")
    status, body = await desk_a.get("/sites")
    assert status == 200
    assert body["languages"] == [{"code": "en", "name": "English"},
                                 {"code": "pl", "name": "Polski"},
                                 {"code": "cy", "name": "Cymraeg"}]
    assert body["sites"] == [{
        "id": net.site_a, "name": "Musselburgh", "address": SITE_A_ADDRESS,
        "directions": SITE_A_DIRECTIONS, "services": [{
        "id": 2, "name": "Cardiology", "organisation": {"id": 2, "name": "Hospital X"},
        "waiting_areas": [{"id": net.heart_area, "name": "Heart clinic",
                           "clinicians": [{"id": net.heart, "name": "Dr Heart"}]}]}]}]
    desk_b = await _desk(hub, "desk.b")
    status, body = await desk_b.get("/sites")
    assert [s["name"] for s in body["sites"][0]["services"]] == ["Cardiology", "Dermatology"]
    assert (body["sites"][0]["address"], body["sites"][0]["directions"]) == (None, None)

    # Another site's day or kiosks, a site that does not exist: the same refusal; a bad query
    # says so.
    for site in (net.site_b, 999):
        for route in ("appointments", "kiosks"):
            status, body = await desk_a.get(f"/{route}?site={site}")
            assert (status, body["error"]) == (403, "forbidden")
    for query in ("", "?site=", "?site=one", "?site=-1"):
        for route in ("appointments", "kiosks"):
            status, body = await desk_a.get(f"/{route}{query}")
            assert (status, body["error"]) == (400, "bad_request")
    # The site's kiosks, as the WebSocket's kiosks message has them: A's one, not B's.
    status, body = await desk_a.get(f"/kiosks?site={net.site_a}")
    assert status == 200
    [kiosk] = body["kiosks"]
    assert (kiosk["room"], kiosk["site"], kiosk["connected"], kiosk["help"]) == (
        "Room 1", {"id": net.site_a, "name": "Musselburgh"}, False, None)
    for day in ("2026-13-01", "tomorrow", "2026-1-1"):
        status, body = await desk_a.get(f"/appointments?site={net.site_a}&date={day}")
        assert (status, body["error"]) == (400, "bad_request")
    status, body = await desk_a.get(f"/appointments?site={net.site_a}&date=2020-02-29")
    assert status == 200
    assert body == {"date": "2020-02-29", "site": {"id": net.site_a, "name": "Musselburgh"},
                    "appointments": []}


async def test_every_booking_rule_is_refused_on_its_own(hub: HubHandle) -> None:
    net = build_network(hub)
    desk = await _desk(hub, "desk.a")
    now = hub.clock.now()
    good: dict[str, Any] = {"site_id": net.site_a, "waiting_area_id": net.heart_area,
                            "time": _minute(now + 3600), "clinician_id": net.heart,
                            "patient_name": "Ann Patient", "language": "cy"}

    async def refused(status: int, error: str, field: str | None = None, **change: Any) -> None:
        got, body = await desk.book({**good, **change})
        assert (got, body["error"]) == (status, error), body
        assert body.get("field") == field
        assert "code" not in body

    await refused(403, "forbidden", site_id=net.site_b)  # not their site
    await refused(403, "forbidden", site_id=999)
    await refused(403, "forbidden", site_id=str(net.site_a))
    await refused(422, "invalid", "waiting_area_id", waiting_area_id=net.skin_area)  # unlinked
    await refused(422, "invalid", "waiting_area_id", waiting_area_id=999)
    await refused(422, "invalid", "waiting_area_id", waiting_area_id="1")
    await refused(422, "invalid", "clinician_id", clinician_id=net.skin)  # not a member
    await refused(422, "invalid", "clinician_id", clinician_id=True)
    await refused(422, "invalid", "time", time=_minute(now - 120))  # past
    await refused(422, "invalid", "time", time=_minute(now + 367 * 86_400))  # > a year
    bad_times: list[Any] = ["2026-02-30T10:00", "2026-01-01 10:00", "2026-01-01T10:00:00",
                            1_800_000_000, None]
    for bad in bad_times:
        await refused(422, "invalid", "time", time=bad)
    bad_languages: list[Any] = ["de", "EN", None, ["en"]]
    for bad in bad_languages:
        await refused(422, "invalid", "language", language=bad)
    await refused(422, "invalid", "patient_name", patient_name="A" * 121)
    await refused(422, "invalid", "patient_name", patient_name="Ann\x00")
    await refused(422, "invalid", "patient_name", patient_name=42)
    await refused(400, "bad_request", extra="x")

    # Missing or wrong CSRF token; an origin that is not the hub's.
    for headers in ({}, {"X-CSRF-Token": "wrong"}):
        got, body = await desk.book(good, headers=headers)
        assert (got, body["error"]) == (403, "csrf")
    got, body = await desk.book(good, headers={"X-CSRF-Token": desk.csrf,
                                               "Origin": "http://evil.example"})
    assert (got, body["error"]) == (403, "forbidden")
    # Oversized, malformed, not an object, not JSON.
    got, body = await desk.book(data=b'{"patient_name": "' + b"x" * 20_000 + b'"}')
    assert (got, body["error"]) == (413, "too_large")
    got, body = await desk.book(data=b'{"site_id": ')
    assert (got, body["error"]) == (400, "bad_request")
    got, body = await desk.book([good])
    assert (got, body["error"]) == (400, "bad_request")
    async with desk.session.post(f"{hub.url}{API}/appointments", data=b"site_id=1",
                                 headers={"X-CSRF-Token": desk.csrf}) as resp:
        assert resp.status == 415

    # None of that booked anything; the good body does, and the name is optional.
    assert hub.storage.appointments_at_site(net.site_a, 0, 4e9) == []
    got, body = await desk.book({**good, "patient_name": None, "clinician_id": None})
    assert got == 201, body
    assert body["appointment"]["patient_name"] is None
    assert body["appointment"]["clinician"] is None
    got, body = await desk.book({**good, "patient_name": "   "})
    assert (got, body["appointment"]["patient_name"]) == (201, None)


@pytest.mark.expect_log(r"check_in bad_code", logger="kiosk.hub.ws")
async def test_a_booked_code_checks_in_at_its_site_only_and_is_never_shown_again(
        hub: HubHandle, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    net = build_network(hub)
    desk = await _desk(hub, "desk.a")
    now = hub.clock.now()
    status, body = await desk.book(site_id=net.site_a, waiting_area_id=net.heart_area,
                                   time=_minute(now), clinician_id=net.heart,
                                   patient_name="Ann Patient", language="pl")
    assert status == 201, body
    code = body["code"]
    assert re.fullmatch(r"\d{10}", code)
    booked = body["appointment"]
    day = booked["time"][:10]
    assert booked == {
        "id": booked["id"], "time": booked["time"],
        "service": {"id": 2, "name": "Cardiology"},
        "waiting_area": {"id": net.heart_area, "name": "Heart clinic"},
        "clinician": {"id": net.heart, "name": "Dr Heart"}, "patient_name": "Ann Patient",
        "language": "pl", "any_site": False, "state": "booked",
        "site": {"id": net.site_a, "name": "Musselburgh"}}
    assert datetime.fromisoformat(booked["time"]).timestamp() == pytest.approx(now, abs=60)
    assert body["letter"] == {"site_name": "Musselburgh",
                              "site_address": SITE_A_ADDRESS,
                              "directions": SITE_A_DIRECTIONS,
                              "service_name": "Cardiology", "waiting_area_name": "Heart clinic",
                              "clinician_name": "Dr Heart", "time": booked["time"],
                              "language": "pl"}
    assert datetime.fromisoformat(body["code_expires_at"]).timestamp() > now
    stored = hub.storage.get_appointment(booked["id"])
    assert stored is not None
    staff = hub.storage.specialist_by_username("desk.a")
    assert staff is not None
    assert (stored.site_id, stored.language, stored.booked_by) == (net.site_a, "pl", staff.id)

    # Others at the same site: one missed (not checked in, 31 minutes late), and one for any
    # site whose patient comes to site A's kiosk (B's staff do not see it).
    missed = issue_appointment(hub.storage, hub.secrets, waiting_area_id=net.heart_area,
                               starts_at=now - 31 * 60, now=now, site=net.site_a)
    anywhere = issue_appointment(hub.storage, hub.secrets, waiting_area_id=net.heart_area,
                                 starts_at=now, now=now, site=None)

    async def states(site: int = net.site_a, on: str = day,
                     who: Desk = desk) -> dict[int, str]:
        status, listed = await who.get(f"/appointments?site={site}&date={on}")
        assert status == 200
        assert code not in str(listed)
        assert all("code" not in entry for entry in listed["appointments"])
        return {e["id"]: e["state"] for e in listed["appointments"]}

    assert (await states())[booked["id"]] == "booked"
    missed_day = datetime.fromtimestamp(missed.appointment.starts_at).date().isoformat()
    assert (await states(on=missed_day))[missed.appointment.id] == "missed"

    # At a kiosk of site B the code says no more than a wrong code; at site A it checks in.
    kiosk_b = await hub.kiosk(net.token_b)
    await kiosk_b.send("check_in", code=code)
    await kiosk_b.error("bad_code")
    assert (await states())[booked["id"]] == "booked"
    kiosk_a = await hub.kiosk(net.token_a)
    await kiosk_a.send("check_in", code=code)
    visit = (await kiosk_a.expect("checked_in"))["visit_id"]
    assert (await states())[booked["id"]] == "checked_in"
    status, kiosks = await desk.get(f"/kiosks?site={net.site_a}")
    assert [k["connected"] for k in kiosks["kiosks"]] == [True]
    assert code not in str(kiosks)

    # The cardiologist joins: in a call; hangs up: done.
    heart = await hub.specialist("dr.heart", PASSWORD)
    await heart.send("join", visit_id=visit)
    await heart.expect("joined", visit_id=visit)
    assert (await states())[booked["id"]] == "in_call"
    await heart.send("hangup", visit_id=visit)
    await kiosk_a.expect("call_ended")
    assert (await states())[booked["id"]] == "done"

    # The any-site appointment is site A's once its patient checks in there; not B's.
    any_day = datetime.fromtimestamp(anywhere.appointment.starts_at).date().isoformat()
    assert anywhere.appointment.id not in await states(on=any_day)
    await kiosk_a.send("check_in", code=anywhere.code)
    await kiosk_a.expect("checked_in")
    status, listed = await desk.get(f"/appointments?site={net.site_a}&date={any_day}")
    [entry] = [e for e in listed["appointments"] if e["id"] == anywhere.appointment.id]
    assert (entry["any_site"], entry["state"]) == (True, "checked_in")
    desk_b = await _desk(hub, "desk.b")
    assert anywhere.appointment.id not in await states(net.site_b, any_day, desk_b)

    # The code was never logged, in any form.
    for text in (code, format_appointment_code(code)):
        assert not [r for r in caplog.records if text in r.getMessage()]
    assert any("booked appointment" in r.getMessage() for r in caplog.records)
    assert not [r for r in caplog.records if "Ann Patient" in r.getMessage()]


@pytest.mark.expect_log(r"^reception refused: account \d+ is booking too fast \(rate limited\)$",
                        logger="kiosk.hub.reception", level="WARNING")
async def test_an_account_that_books_too_fast_is_refused_for_a_while(
        hub_factory: HubFactory, caplog: pytest.LogCaptureFixture) -> None:
    clock = ManualClock()
    hub = await hub_factory(clock=clock, rate_limits=RateLimits(bookings_per_hour=60,
                                                                 booking_burst=3))
    net = build_network(hub)
    desk = await _desk(hub, "desk.a")
    good: dict[str, Any] = {"site_id": net.site_a, "waiting_area_id": net.heart_area,
                            "time": _minute(clock.now() + 3600), "clinician_id": None,
                            "patient_name": "Ann Patient", "language": "en"}
    # A refused booking spends nothing: the burst is three bookings.
    status, body = await desk.book({**good, "language": "de"})
    assert status == 422, body
    codes = []
    for _ in range(3):
        status, body = await desk.book(good)
        assert status == 201, body
        codes.append(body["code"])
    async with desk.session.post(f"{hub.url}{API}/appointments", json=good,
                                 headers={"X-CSRF-Token": desk.csrf}) as resp:
        assert resp.status == 429
        assert resp.headers["Retry-After"] == "60"  # 60 an hour: one a minute
        assert await resp.json() == {"error": "rate_limited", "retry_after": 60,
                                     "message": "Too many bookings from this account. "
                                                "Please wait."}
    # Another account's budget is its own.
    desk_b = await _desk(hub, "desk.b")
    status, body = await desk_b.book({**good, "site_id": net.site_b})
    assert status == 201, body
    # A minute on, one more; then refused again.
    clock.advance(60)
    status, body = await desk.book(good)
    assert status == 201, body
    codes.append(body["code"])
    status, body = await desk.book(good)
    assert (status, body["error"], body["retry_after"]) == (429, "rate_limited", 60)
    assert len(hub.storage.appointments_at_site(net.site_a, 0, 4e9)) == 4

    refusals = [r for r in caplog.records if "booking too fast" in r.getMessage()]
    assert len(refusals) == 2
    for record in refusals:
        assert "Ann Patient" not in record.getMessage()
        assert not any(code in record.getMessage() for code in codes)


@pytest.mark.expect_log(r"^reception refused: account \d+ is booking too fast \(rate limited\)$",
                        logger="kiosk.hub.reception", level="WARNING")
async def test_a_restart_does_not_give_an_account_its_bookings_back(
        hub_factory: HubFactory, tmp_path: Path) -> None:
    clock = ManualClock()
    db = tmp_path / "kept.sqlite3"
    limits = RateLimits(bookings_per_hour=60, booking_burst=3)
    hub = await hub_factory(clock=clock, rate_limits=limits, db_path=db)
    net = build_network(hub)
    good: dict[str, Any] = {"site_id": net.site_a, "waiting_area_id": net.heart_area,
                            "time": _minute(clock.now() + 3600), "language": "en"}
    desk = await _desk(hub, "desk.a")
    for _ in range(3):
        status, body = await desk.book(good)
        assert status == 201, body
    await hub.aclose()

    hub = await hub_factory(clock=clock, rate_limits=limits, db_path=db)  # the same file
    desk = await _desk(hub, "desk.a")
    status, body = await desk.book(good)
    assert (status, body["error"], body["retry_after"]) == (429, "rate_limited", 60)
    clock.advance(60)
    status, body = await desk.book(good)
    assert status == 201, body
    assert len(hub.storage.appointments_at_site(net.site_a, 0, 4e9)) == 4
