"""Reception over real sockets on a real hub: a kiosk's journey step reaches its site's staff
(``kiosks``) and nobody else's; help before check-in and in a visit reaches the site's staff
(and the visit's clinician), staff acknowledge it and the kiosk hears ``help_coming``; only
staff of that site may (clinicians and other sites' staff: ``forbidden``; nothing there:
``not_found``; a kiosk or patient: ``not_allowed``); a new request after an acknowledgement
is a new alert; the acknowledgement survives a hub restart. The kiosk side through the real
engine: its standing link says each step (again after the hub comes back) and the patient
hears who is coming."""

from __future__ import annotations

import asyncio
import socket
from dataclasses import dataclass
from typing import Any

import pytest

from kiosk.call.statuslink import StatusLink
from kiosk.engine import EngineListener, KioskEngine
from kiosk.hub import start_hub
from kiosk.hub.clock import ManualClock
from kiosk.hub.codes import issue_appointment, issue_pairing_code, pair_kiosk
from kiosk.hub.models import CLINICIAN, SITE_STAFF
from kiosk.hub.passwords import hash_password
from kiosk.hub.signalling import SIGNALLING
from tests.integration.conftest import HubFactory, HubHandle, WsPeer

PASSWORD = "correct horse 1"
_WS_LOG = "kiosk.hub.ws"


@dataclass
class Sites:
    area: int
    site_a: int
    site_b: int
    kiosk_a: int
    token_a: str
    token_b: str


def _sites(hub: HubHandle) -> Sites:
    """Hospital X's heart clinic (Dr Heart), community sites A (staff Sam Reception) and B
    (staff Bea Desk), a kiosk at each."""
    s, now = hub.storage, hub.clock.now()
    x = s.create_organisation("Hospital X", now)
    area = s.create_service_waiting_area(s.create_service(x.id, "Cardiology", now).id,
                                         "Heart clinic", now)
    site_a = s.create_site("Musselburgh", now)
    site_b = s.create_site("Haddington", now)

    def account(role: str, username: str, name: str) -> int:
        return s.create_account(role, username, name, hash_password(PASSWORD), now).id

    s.add_waiting_area_member(account(CLINICIAN, "dr.heart", "Dr Heart"), area.id, now)
    s.add_site_staff(account(SITE_STAFF, "desk.a", "Sam Reception"), site_a.id, now)
    s.add_site_staff(account(SITE_STAFF, "desk.b", "Bea Desk"), site_b.id, now)

    def kiosk(site: int, room: str) -> tuple[int, str]:
        code = issue_pairing_code(s, hub.secrets, clinic_id=site, room=room, now=now)
        record, token = pair_kiosk(s, hub.secrets, pairing_code=code, now=now, name="K")
        return record.id, token

    kiosk_a, token_a = kiosk(site_a.id, "Room 1")
    _, token_b = kiosk(site_b.id, "Room 2")
    return Sites(area.id, site_a.id, site_b.id, kiosk_a, token_a, token_b)


def _code(hub: HubHandle, area: int, site: int | None, name: str | None = None) -> str:
    now = hub.clock.now()
    return issue_appointment(hub.storage, hub.secrets, waiting_area_id=area, starts_at=now,
                             now=now, patient_name=name, site=site).code


async def _kiosks_until(peer: WsPeer, check: Any) -> list[dict[str, Any]]:
    """The next ``kiosks`` snapshot for which ``check(entries)`` is true."""
    while True:
        entries: list[dict[str, Any]] = (await peer.expect("kiosks"))["kiosks"]
        if check(entries):
            return entries


async def _list_until(peer: WsPeer, check: Any) -> list[dict[str, Any]]:
    while True:
        patients: list[dict[str, Any]] = (await peer.expect("waiting_list"))["patients"]
        if check(patients):
            return patients


async def _quiet(peer: WsPeer) -> list[dict[str, Any]]:
    """Everything ``peer`` got until now (a ping's pong marks the end)."""
    await peer.send("ping", ref="mark")
    await peer.expect("pong", ref="mark")
    return peer.skipped


@pytest.mark.expect_log(r"status bad_message", logger=_WS_LOG)
async def test_a_kiosks_step_reaches_its_sites_staff_only(hub: HubHandle) -> None:
    net = _sites(hub)
    desk_a = await hub.specialist("desk.a", PASSWORD)
    desk_b = await hub.specialist("desk.b", PASSWORD)
    heart = await hub.specialist("dr.heart", PASSWORD)
    [first] = await _kiosks_until(desk_a, lambda e: True)  # right after the waiting list
    assert first["id"] == net.kiosk_a
    assert (first["site"], first["room"], first["name"]) == (
        {"id": net.site_a, "name": "Musselburgh"}, "Room 1", "K")
    assert (first["connected"], first["step"], first["help"], first["readiness"]) == (
        False, None, None, None)

    kiosk_a = await hub.kiosk(net.token_a)
    await _kiosks_until(desk_a, lambda e: e[0]["connected"])
    await kiosk_a.send("status", step="idle")
    [idle] = await _kiosks_until(desk_a, lambda e: e[0]["step"] == "idle")
    assert idle["detail"] is None
    assert idle["step_since"] is not None
    await kiosk_a.send("status", step="out_of_service", detail="The camera\x07 is not found")
    [out] = await _kiosks_until(desk_a, lambda e: e[0]["step"] == "out_of_service")
    assert out["detail"] == "The camera is not found"  # control characters dropped
    await kiosk_a.send("status", step="dancing")
    await kiosk_a.error("bad_message")

    await kiosk_a.send("readiness", report={
        "fit": False, "finished_at": "2026-12-05T07:00:00Z",
        "checks": [{"name": "camera", "status": "fail"}, {"name": "speaker", "status": "pass"}]})
    [ready] = await _kiosks_until(desk_a, lambda e: e[0]["readiness"] is not None)
    assert ready["readiness"]["fit"] is False
    assert ready["readiness"]["failing"] == ["camera"]
    assert ready["readiness"]["finished_at"] == "2026-12-05T07:00:00Z"
    # What the HTTP endpoint serves is the same entries.
    assert hub.running.app[SIGNALLING].kiosk_entries([net.site_a]) == [ready]

    await kiosk_a.close()
    [gone] = await _kiosks_until(desk_a, lambda e: not e[0]["connected"])
    assert gone["step"] == "out_of_service"  # the last one it said
    assert gone["last_seen"] is not None

    # Site B's staff saw only B's kiosk; the clinician got no kiosks at all.
    for msg in await _quiet(desk_b):
        if msg["type"] == "kiosks":
            assert [k["site"]["id"] for k in msg["kiosks"]] == [net.site_b]
    assert not [m for m in await _quiet(heart) if m["type"] == "kiosks"]


@pytest.mark.expect_log(r"help_acknowledge (forbidden|not_found|not_allowed)", logger=_WS_LOG)
async def test_help_before_check_in_is_answered_by_the_sites_staff(
        hub_factory: HubFactory) -> None:
    clock = ManualClock()
    hub = await hub_factory(clock=clock)
    net = _sites(hub)
    desk_a = await hub.specialist("desk.a", PASSWORD)
    desk_b = await hub.specialist("desk.b", PASSWORD)
    heart = await hub.specialist("dr.heart", PASSWORD)
    kiosk_a = await hub.kiosk(net.token_a)

    await kiosk_a.send("help", ref="h1")
    await kiosk_a.expect("help_ack", ref="h1")
    [entry] = await _list_until(desk_a, lambda p: len(p) == 1)
    assert (entry["status"], entry["kiosk_id"], entry["help_acknowledged_by"]) == (
        "help", net.kiosk_a, None)
    first_alert = entry["help_at"]
    [k] = await _kiosks_until(desk_a, lambda e: e[0]["help"] is not None)
    assert k["help"] == {"since": first_alert, "visit_id": None, "acknowledged_by": None,
                         "acknowledged_at": None}

    # Who may not answer it.
    await heart.send("help_acknowledge", kiosk_id=net.kiosk_a)
    await heart.error("forbidden")
    await desk_b.send("help_acknowledge", kiosk_id=net.kiosk_a)
    await desk_b.error("forbidden")
    await desk_a.send("help_acknowledge", kiosk_id=987654)
    await desk_a.error("not_found")
    await kiosk_a.send("help_acknowledge", kiosk_id=net.kiosk_a)
    await kiosk_a.error("not_allowed")

    clock.advance(5)
    await desk_a.send("help_acknowledge", kiosk_id=net.kiosk_a)
    coming = await kiosk_a.expect("help_coming")
    assert coming["by"] == "Sam"
    [entry] = await _list_until(desk_a, lambda p: p[0]["help_acknowledged_by"] is not None)
    assert entry["help_acknowledged_by"] == "Sam Reception"
    assert entry["help_acknowledged_at"] is not None
    [k] = await _kiosks_until(desk_a, lambda e: e[0]["help"]["acknowledged_by"] is not None)
    assert k["help"]["acknowledged_by"] == "Sam Reception"
    # Twice is harmless: no error, nothing sent again.
    await desk_a.send("help_acknowledge", kiosk_id=net.kiosk_a)
    assert not [m for m in await _quiet(desk_a) if m["type"] == "error"]
    assert not [m for m in await _quiet(kiosk_a) if m["type"] == "help_coming"]

    # A new request after the answer is a new alert, unanswered.
    clock.advance(30)
    await kiosk_a.send("help")
    [entry] = await _list_until(desk_a, lambda p: p[0]["help_acknowledged_by"] is None)
    assert entry["help_at"] != first_alert
    # By the list's help id it can be answered as well.
    await desk_a.send("help_acknowledge", visit_id=entry["visit_id"])
    await kiosk_a.expect("help_coming")

    # Checking someone in ends the request: staff see the kiosk with no help.
    await kiosk_a.send("check_in", code=_code(hub, net.area, net.site_a))
    await kiosk_a.expect("checked_in")
    await _kiosks_until(desk_a, lambda e: e[0]["help"] is None)


@pytest.mark.expect_log(r"help_acknowledge (forbidden|not_found|not_allowed)", logger=_WS_LOG)
async def test_help_in_a_visit_reaches_staff_and_clinician_and_is_answered(
        hub_factory: HubFactory) -> None:
    clock = ManualClock()
    hub = await hub_factory(clock=clock)
    net = _sites(hub)
    desk_a = await hub.specialist("desk.a", PASSWORD)
    desk_b = await hub.specialist("desk.b", PASSWORD)
    heart = await hub.specialist("dr.heart", PASSWORD)
    kiosk_a = await hub.kiosk(net.token_a)
    await kiosk_a.send("check_in", code=_code(hub, net.area, net.site_a, "Ann"))
    visit_id = (await kiosk_a.expect("checked_in"))["visit_id"]
    # A patient's own device, bound to site A, who has not asked for help.
    own = await hub.patient()
    await own.send("check_in", code=_code(hub, net.area, net.site_a))
    quiet_visit = (await own.expect("checked_in"))["visit_id"]

    await desk_a.send("help_acknowledge", visit_id=visit_id)
    await desk_a.error("not_found")  # nothing asked yet
    clock.advance(2)
    await kiosk_a.send("help")
    await kiosk_a.expect("help_ack")
    for console in (desk_a, heart):  # the site's staff, and the clinician too
        listed = await _list_until(console, lambda p: any(e["help_requested"] for e in p))
        [asked] = [e for e in listed if e["help_requested"]]
        assert asked["visit_id"] == visit_id
        assert asked["help_at"] is not None
        assert asked["help_acknowledged_by"] is None
    first_alert = asked["help_at"]
    [k] = await _kiosks_until(desk_a, lambda e: e[0]["help"] is not None)
    assert k["help"]["visit_id"] == visit_id

    await heart.send("help_acknowledge", visit_id=visit_id)
    await heart.error("forbidden")
    await desk_b.send("help_acknowledge", visit_id=visit_id)
    await desk_b.error("forbidden")
    await desk_a.send("help_acknowledge", visit_id="no-such-visit")
    await desk_a.error("not_found")
    await desk_a.send("help_acknowledge", visit_id=quiet_visit)
    await desk_a.error("not_found")
    await own.send("help_acknowledge", visit_id=visit_id)
    await own.error("not_allowed")

    await desk_a.send("help_acknowledge", kiosk_id=net.kiosk_a)  # by the kiosk: its visit's
    assert (await kiosk_a.expect("help_coming"))["by"] == "Sam"
    listed = await _list_until(heart, lambda p: any(e["help_acknowledged_by"] for e in p))
    assert [e["help_acknowledged_by"] for e in listed if e["visit_id"] == visit_id] == [
        "Sam Reception"]

    clock.advance(60)  # a second request: the clinician's list moves on, unanswered again
    await kiosk_a.send("help")
    listed = await _list_until(heart, lambda p: any(
        e["help_requested"] and e["help_acknowledged_by"] is None for e in p))
    [again] = [e for e in listed if e["visit_id"] == visit_id]
    assert again["help_at"] != first_alert


async def test_an_acknowledgement_survives_a_hub_restart(hub_factory: HubFactory) -> None:
    hub = await hub_factory()
    net = _sites(hub)
    desk_a = await hub.specialist("desk.a", PASSWORD)
    kiosk_a = await hub.kiosk(net.token_a)
    await kiosk_a.send("help")
    await kiosk_a.expect("help_ack")
    visit_token = hub.new_kiosk_token(clinic_id=net.site_a, room="Room 3")
    visit_kiosk = await hub.kiosk(visit_token)
    await visit_kiosk.send("check_in", code=_code(hub, net.area, net.site_a, "Ann"))
    checked_in = await visit_kiosk.expect("checked_in")
    await visit_kiosk.send("help")
    await visit_kiosk.expect("help_ack")
    await _list_until(desk_a, lambda p: len(p) == 2)
    await desk_a.send("help_acknowledge", kiosk_id=net.kiosk_a)
    await desk_a.send("help_acknowledge", visit_id=checked_in["visit_id"])
    await kiosk_a.expect("help_coming")
    await visit_kiosk.expect("help_coming")

    await hub.running.close()  # a planned stop: live state stays in storage
    again = HubHandle(running=await start_hub(hub.config, clock=hub.clock), seed=hub.seed,
                      clock=hub.clock)
    try:
        desk = await again.specialist("desk.a", PASSWORD)
        listed = {e["visit_id"]: e for e in desk.skipped[-1]["patients"]}
        assert listed[f"help-{net.kiosk_a}"]["help_acknowledged_by"] == "Sam Reception"
        assert listed[checked_in["visit_id"]]["help_acknowledged_by"] == "Sam Reception"
        helps = {k["id"]: k["help"] for k in (await desk.expect("kiosks"))["kiosks"]}
        assert helps[net.kiosk_a]["acknowledged_by"] == "Sam Reception"
        # The kiosk coming back is told again that someone is coming.
        back = await again.kiosk(net.token_a)
        assert (await back.expect("help_coming"))["by"] == "Sam"
        resumed = await again.connect()
        await resumed.hello("kiosk", token=visit_token, resume={
            "visit_id": checked_in["visit_id"], "resume_token": checked_in["resume_token"]})
        assert (await resumed.expect("help_coming"))["by"] == "Sam"
    finally:
        await again.aclose()


class _Heard(EngineListener):
    """What the engine tells the app about help, with an event to wait on."""

    def __init__(self) -> None:
        self.coming: list[str | None] = []
        self.changed = asyncio.Event()

    def on_help_coming(self, by: str | None) -> None:
        self.coming.append(by)
        self.changed.set()

    def on_help_ack(self, message: str) -> None:
        self.changed.set()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_the_engine_reports_each_step_and_hears_who_is_coming(
        hub_factory: HubFactory) -> None:
    hub = await hub_factory(port=_free_port())
    net = _sites(hub)
    desk_a = await hub.specialist("desk.a", PASSWORD)
    heard = _Heard()
    engine = KioskEngine(hub.url, lambda: (None, None), heard, token=net.token_a,
                         client="tests")
    again: HubHandle | None = None
    try:
        await engine.report_status("idle")
        await _kiosks_until(desk_a, lambda e: e[0]["connected"]
                            and e[0]["step"] == "idle")
        await engine.report_status("checking_in")
        await _kiosks_until(desk_a, lambda e: e[0]["step"] == "checking_in")

        await engine.help()  # before check-in: over the visit's own socket
        await _list_until(desk_a, lambda p: len(p) == 1)
        await desk_a.send("help_acknowledge", kiosk_id=net.kiosk_a)
        async with asyncio.timeout(5):
            while not heard.coming:
                heard.changed.clear()
                await heard.changed.wait()
        assert set(heard.coming) == {"Sam"}

        # The hub restarts (a planned stop): the link comes back and says the step again.
        await engine.reset("tests")
        await engine.report_status("out_of_service", "No camera found")
        await _kiosks_until(desk_a, lambda e: e[0]["step"] == "out_of_service")
        await hub.running.close()
        again = HubHandle(running=await start_hub(hub.config, clock=hub.clock),
                          seed=hub.seed, clock=hub.clock)
        desk = await again.specialist("desk.a", PASSWORD)
        [back] = await _kiosks_until(desk, lambda e: e[0]["connected"]
                                     and e[0]["step"] is not None)
        assert (back["step"], back["detail"]) == ("out_of_service", "No camera found")
        assert engine.status_link is not None
        assert engine.status_link.connections == 2
    finally:
        await engine.close()
        if again is not None:
            await again.aclose()


async def test_the_status_link_waits_for_pairing(hub: HubHandle) -> None:
    """Without a device token the link only asks again; once paired it connects, no restart."""
    net = _sites(hub)
    desk_a = await hub.specialist("desk.a", PASSWORD)
    token: list[str | None] = [None]
    asked = asyncio.Event()
    calls = 0

    def provider() -> str | None:
        nonlocal calls
        calls += 1
        if calls >= 2:
            asked.set()
        return token[0]

    link = StatusLink(hub.url, provider, retry=(0.02, 0.05))
    try:
        link.report("idle")
        async with asyncio.timeout(5):
            await asked.wait()
        assert link.connections == 0
        token[0] = net.token_a
        [entry] = await _kiosks_until(desk_a, lambda e: e[0]["connected"]
                                      and e[0]["step"] == "idle")
        assert entry["id"] == net.kiosk_a
        with pytest.raises(ValueError, match="not a kiosk step"):
            link.report("dancing")
    finally:
        await link.close()
