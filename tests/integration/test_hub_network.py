"""The service as a network, over real sockets on a real hub: a cardiologist of hospital X, a
member of X's cardiology waiting area, sees and joins patients at community sites A and B (run
by a health board); a clinician outside that waiting area is refused; staff of site A see their
kiosk's patient (without checks) and not site B's; a kiosk of site A does not check in an
appointment bound to site B, and does one for any site."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.hub.codes import issue_appointment
from kiosk.hub.models import CLINICIAN
from tests.integration.conftest import HubHandle, WsPeer
from tests.integration.network_support import PASSWORD, build_network


def _code(hub: HubHandle, area: int, site: int | None, name: str | None = None) -> str:
    now = hub.clock.now()
    return issue_appointment(hub.storage, hub.secrets, waiting_area_id=area, starts_at=now,
                             now=now, patient_name=name, site=site).code


async def _list_until(peer: WsPeer, count: int) -> list[dict[str, Any]]:
    while True:
        patients: list[dict[str, Any]] = (await peer.expect("waiting_list"))["patients"]
        if len(patients) == count:
            return patients


@pytest.mark.expect_log(r"(join|message|hangup) forbidden", logger="kiosk.hub.ws")
async def test_a_cardiologist_serves_two_sites_and_nobody_sees_what_is_not_theirs(
        hub: HubHandle) -> None:
    net = build_network(hub)
    heart = await hub.specialist("dr.heart", PASSWORD)
    skin = await hub.specialist("dr.skin", PASSWORD)
    desk_a = await hub.specialist("desk.a", PASSWORD)
    assert heart.welcome is not None
    assert desk_a.welcome is not None
    assert heart.welcome["specialist"]["role"] == CLINICIAN
    assert heart.welcome["specialist"]["clinic"]["name"] == "Cardiology"
    assert desk_a.welcome["specialist"]["clinic"]["name"] == "Musselburgh"

    kiosk_a = await hub.kiosk(net.token_a)
    await kiosk_a.send("check_in", code=_code(hub, net.heart_area, net.site_a, "Ann"),
                       checks={"camera": "pass"})
    at_a = (await kiosk_a.expect("checked_in"))["visit_id"]
    kiosk_b = await hub.kiosk(net.token_b)
    await kiosk_b.send("check_in", code=_code(hub, net.heart_area, net.site_b, "Bob"),
                       checks={"camera": "pass"})
    at_b = (await kiosk_b.expect("checked_in"))["visit_id"]

    # The cardiologist sees both, with where each patient is.
    listed = {e["visit_id"]: e for e in await _list_until(heart, 2)}
    assert (listed[at_a]["site"], listed[at_a]["room"]) == ("Musselburgh", "Room 1")
    assert (listed[at_b]["site"], listed[at_b]["room"]) == ("Haddington", "Room 2")
    assert listed[at_a]["checks"] == {"camera": "pass"}

    # Staff of site A: their kiosk's patient only, and no clinical detail.
    [entry] = await _list_until(desk_a, 1)
    assert entry["visit_id"] == at_a
    assert (entry["patient_name"], entry["service"], entry["site"]) == (
        "Ann", "Cardiology", "Musselburgh")
    assert entry["checks"] == {}
    # Staff of A signing in now, with both patients waiting: still only A's; and a change at
    # A (its patient asks for help) brings A's staff a list without B's patient.
    late_a = await hub.specialist("desk.a", PASSWORD)
    assert [e["visit_id"] for e in late_a.skipped[-1]["patients"]] == [at_a]
    await kiosk_a.send("help")
    await kiosk_a.expect("help_ack")
    entry = (await desk_a.expect("waiting_list"))["patients"]
    assert [(e["visit_id"], e["help_requested"]) for e in entry] == [(at_a, True)]
    # They may not join it or message it.
    await desk_a.send("join", visit_id=at_a)
    await desk_a.error("forbidden")
    await desk_a.send("message", visit_id=at_a, text="hello")
    await desk_a.error("forbidden")

    # A clinician outside the waiting area sees neither and is refused.
    assert all(not m["patients"] for m in skin.skipped if m["type"] == "waiting_list")
    await skin.send("join", visit_id=at_a)
    await skin.error("forbidden")
    await skin.send("join", visit_id=at_b)
    await skin.error("forbidden")
    await skin.send("message", visit_id=at_a, text="hello")
    await skin.error("forbidden")
    await skin.send("hangup", visit_id=at_b)
    await skin.error("forbidden")
    await desk_a.send("hangup", visit_id=at_a)
    await desk_a.error("forbidden")

    # A clinician who signs in now sees neither, either.
    late_skin = await hub.specialist("dr.skin", PASSWORD)
    assert late_skin.skipped[-1]["patients"] == []

    # The cardiologist joins the patient at A, then the one at B.
    await heart.send("join", visit_id=at_a)
    await heart.expect("joined", visit_id=at_a)
    assert (await kiosk_a.expect("joined"))["specialist"]["name"] == "Dr Heart"
    await heart.send("hangup", visit_id=at_a)
    await kiosk_a.expect("call_ended")
    await heart.send("join", visit_id=at_b)
    await heart.expect("joined", visit_id=at_b)
    await kiosk_b.expect("joined")

    # Site A's list never carried site B's patient.
    for msg in desk_a.skipped:
        if msg["type"] == "waiting_list":
            assert all(p["visit_id"] != at_b for p in msg["patients"])


@pytest.mark.expect_log(r"check_in bad_code", logger="kiosk.hub.ws")
async def test_a_kiosk_checks_in_its_sites_and_any_site_appointments_only(
        hub: HubHandle) -> None:
    net = build_network(hub)
    kiosk_a = await hub.kiosk(net.token_a)
    await kiosk_a.send("check_in", code=_code(hub, net.heart_area, net.site_b))
    await kiosk_a.error("bad_code")
    await kiosk_a.send("check_in", code=_code(hub, net.skin_area, None))
    checked = await kiosk_a.expect("checked_in")
    assert checked["appointment"]["clinic"] == "Dermatology"


async def test_help_before_check_in_reaches_the_sites_staff_not_others(hub: HubHandle) -> None:
    net = build_network(hub)
    desk_a = await hub.specialist("desk.a", PASSWORD)
    desk_b = await hub.specialist("desk.b", PASSWORD)
    kiosk_a = await hub.kiosk(net.token_a)
    await kiosk_a.send("help")
    await kiosk_a.expect("help_ack")
    [entry] = await _list_until(desk_a, 1)
    assert (entry["status"], entry["site"], entry["room"]) == ("help", "Musselburgh", "Room 1")
    kiosk_b = await hub.kiosk(net.token_b)
    await kiosk_b.send("help")
    await kiosk_b.expect("help_ack")
    [entry] = await _list_until(desk_b, 1)
    assert entry["site"] == "Haddington"
    for msg in desk_a.skipped + desk_b.skipped:
        if msg["type"] == "waiting_list":
            assert len(msg["patients"]) <= 1
