"""The whole signalling flow over real sockets: check-in, waiting list, join, relay, message,
help, hang-up, resume within the grace period and the end of a visit after it."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from kiosk.hub.clock import ManualClock
from kiosk.hub.storage import Storage

pytestmark = pytest.mark.integration


def only(patients: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(patients) == 1, patients
    return patients[0]


async def test_full_consultation_flow(hub: Any) -> None:
    specialist = await hub.specialist()
    assert specialist.skipped[-1]["patients"] == []  # the list it got at hello
    kiosk = await hub.kiosk(hub.new_kiosk_token(room="Room 2"))
    assert kiosk.welcome["kiosk"]["room"] == "Room 2"
    assert kiosk.welcome["ice_servers"] == []

    await kiosk.send("check_in", code=hub.appointment_code, checks={"camera": "ok"}, ref="c1")
    checked = await kiosk.expect("checked_in")
    assert checked["ref"] == "c1"
    assert checked["appointment"]["clinic"] == "Demo Community Clinic"
    assert checked["appointment"]["specialist_name"] == hub.seed.specialist_name
    visit_id = checked["visit_id"]

    listing = await specialist.expect("waiting_list")
    entry = only(listing["patients"])
    assert entry["visit_id"] == visit_id
    assert entry["status"] == "waiting"
    assert entry["room"] == "Room 2"
    assert entry["checks"] == {"camera": "ok"}
    assert entry["help_requested"] is False

    await specialist.send("join", visit_id=visit_id)
    joined_s = await specialist.expect("joined")
    joined_k = await kiosk.expect("joined")
    assert joined_s["visit_id"] == joined_k["visit_id"] == visit_id
    assert joined_k["specialist"]["name"] == hub.seed.specialist_name
    entry = only((await specialist.expect("waiting_list"))["patients"])
    assert entry["status"] == "in_call"
    assert entry["joined_by"]["name"] == hub.seed.specialist_name

    await kiosk.send("offer", sdp="v=0 offer", attempt=1)
    offer = await specialist.expect("offer")
    assert offer == {"v": 1, "type": "offer", "sdp": "v=0 offer", "attempt": 1,
                     "visit_id": visit_id}
    await specialist.send("answer", visit_id=visit_id, sdp="v=0 answer", attempt=1)
    answer = await kiosk.expect("answer")
    assert answer["sdp"] == "v=0 answer"
    assert answer["attempt"] == 1
    await kiosk.send("candidate", attempt=1, candidate="candidate:1 1 udp 1 1.2.3.4 5 typ host",
                     sdp_mid="0", sdp_mline_index=0)
    cand = await specialist.expect("candidate")
    assert cand["visit_id"] == visit_id
    assert cand["sdp_mid"] == "0"
    await specialist.send("candidate", visit_id=visit_id, attempt=1, candidate="candidate:2")
    assert (await kiosk.expect("candidate"))["candidate"] == "candidate:2"

    await kiosk.send("call_state", state="connected", attempt=1)
    state = await specialist.expect("call_state")
    assert state["visit_id"] == visit_id
    assert state["state"] == "connected"
    stats = {"rtt_ms": 20, "loss_pct": 0.1, "jitter_ms": 3, "bitrate_kbps": 900,
             "verdict": "good"}
    await kiosk.send("call_stats", stats=stats)
    assert (await specialist.expect("call_stats"))["stats"] == stats
    await specialist.send("restart", visit_id=visit_id, reason="frozen video")
    assert (await kiosk.expect("restart"))["reason"] == "frozen video"

    await specialist.send("message", visit_id=visit_id, text="I can see you now.")
    message = await kiosk.expect("message")
    assert message["text"] == "I can see you now."
    assert message["from"] == hub.seed.specialist_name

    await kiosk.send("help", reason="sound")
    ack = await kiosk.expect("help_ack")
    assert ack["message"]
    entry = only((await specialist.expect("waiting_list"))["patients"])
    assert entry["help_requested"] is True

    await kiosk.send("hangup", reason="done")
    ended_k = await kiosk.expect("call_ended")
    ended_s = await specialist.expect("call_ended")
    assert ended_k == ended_s == {"v": 1, "type": "call_ended", "visit_id": visit_id,
                                  "reason": "done"}
    assert (await specialist.expect("waiting_list"))["patients"] == []

    calls = hub.storage.calls()
    assert len(calls) == 1
    call = calls[0]
    assert call.visit_id == visit_id
    assert call.specialist_id == hub.seed.specialist_id
    assert call.end_reason == "done"
    assert call.started_at is not None
    assert call.reconnects == 0
    assert json.loads(call.quality)["patient"]["verdict"] == "good"


async def test_specialist_hangup_and_next_patient_on_same_kiosk(hub: Any) -> None:
    specialist = await hub.specialist()
    kiosk = await hub.kiosk()
    await kiosk.send("check_in", code=hub.appointment_code)
    visit_id = (await kiosk.expect("checked_in"))["visit_id"]
    await specialist.send("join", visit_id=visit_id)
    await kiosk.expect("joined")
    await specialist.send("hangup", visit_id=visit_id)
    assert (await kiosk.expect("call_ended"))["reason"] == "hangup"
    await specialist.expect("call_ended", visit_id=visit_id)

    # The same kiosk checks in the next patient.
    await kiosk.send("check_in", code=hub.new_appointment_code())
    second = await kiosk.expect("checked_in")
    assert second["visit_id"] != visit_id


async def test_leave_before_join_records_the_visit(hub: Any) -> None:
    specialist = await hub.specialist()
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    visit_id = (await patient.expect("checked_in"))["visit_id"]
    entry = only((await specialist.expect("waiting_list"))["patients"])
    assert entry["room"] is None
    await patient.send("checks", checks={"network": "poor"})
    entry = only((await specialist.expect("waiting_list"))["patients"])
    assert entry["checks"] == {"network": "poor"}
    await patient.send("leave")
    assert (await patient.expect("call_ended"))["reason"] == "left"
    assert (await specialist.expect("waiting_list"))["patients"] == []
    [call] = hub.storage.calls()
    assert call.visit_id == visit_id
    assert call.specialist_id is None
    assert call.started_at is None


@pytest.mark.expect_log(r"ice_request not_allowed", logger="kiosk.hub.ws")
async def test_ping_and_ice_request(hub_factory: Any) -> None:
    hub = await hub_factory(ice_urls=("stun:stun.example.org:3478",
                                      "turn:turn.example.org:3478?transport=udp"))
    patient = await hub.patient()
    # Before a code, a patient's device gets STUN only, and no TURN on request either.
    assert patient.welcome["ice_servers"] == [{"urls": ["stun:stun.example.org:3478"]}]
    assert "ice_expires_at" not in patient.welcome
    await patient.send("ping", sent_at=123.5, ref="p")
    assert await patient.expect("pong") == {"v": 1, "type": "pong", "sent_at": 123.5, "ref": "p"}
    await patient.send("ice_request")
    await patient.error("not_allowed")
    # Checked in: the relay comes with the reply, short-lived, and on request.
    await patient.send("check_in", code=hub.appointment_code)
    checked = await patient.expect("checked_in")
    servers = checked["ice_servers"]
    assert servers[0] == {"urls": ["stun:stun.example.org:3478"]}
    assert servers[1]["username"].endswith(":patient-" + servers[1]["username"].split("-")[-1])
    assert servers[1]["credential"]
    assert 0 < checked["ice_expires_at"] - hub.clock.now() <= 600
    await patient.send("ice_request")
    fresh = await patient.expect("ice_servers")
    assert fresh["ice_servers"][1]["urls"] == ["turn:turn.example.org:3478?transport=udp"]


async def test_kiosks_and_specialists_get_the_relay_and_fresh_credentials_before_expiry(
        hub_factory: Any) -> None:
    hub = await hub_factory(ice_urls=("turn:turn.example.org:3478?transport=udp",),
                            turn_ttl=4.0)
    kiosk = await hub.kiosk(hub.new_kiosk_token(room="Room 1"))
    specialist = await hub.specialist()
    for peer in (kiosk, specialist):
        [server] = peer.welcome["ice_servers"]
        assert server["credential"]
        first = peer.welcome["ice_expires_at"]
        # Sent before the old ones expire (at 80 % of a short TTL), without being asked.
        fresh = await peer.expect("ice_servers", within=8.0)
        assert fresh["ice_expires_at"] > first
        assert fresh["ice_servers"][0]["username"] != server["username"]


@pytest.mark.expect_log(r"join not_found", logger="kiosk.hub.ws")
async def test_kiosk_help_before_check_in_is_listed(hub: Any) -> None:
    specialist = await hub.specialist()
    kiosk = await hub.kiosk(hub.new_kiosk_token(room="Room 7"))
    await kiosk.send("help")
    await kiosk.expect("help_ack")
    entry = only((await specialist.expect("waiting_list"))["patients"])
    assert entry["status"] == "help"
    assert entry["room"] == "Room 7"
    await specialist.send("join", visit_id=entry["visit_id"])
    await specialist.error("not_found")
    await kiosk.send("check_in", code=hub.appointment_code)
    await kiosk.expect("checked_in")
    entry = only((await specialist.expect("waiting_list"))["patients"])
    assert entry["status"] == "waiting"


async def test_resume_within_grace_keeps_the_call(hub: Any) -> None:
    specialist = await hub.specialist()
    token = hub.new_kiosk_token()
    kiosk = await hub.kiosk(token)
    await kiosk.send("check_in", code=hub.appointment_code)
    checked = await kiosk.expect("checked_in")
    visit_id = checked["visit_id"]
    await specialist.send("join", visit_id=visit_id)
    await kiosk.expect("joined")
    await kiosk.send("offer", sdp="offer 1", attempt=1)
    await specialist.expect("offer")

    await kiosk.close()
    entry = only((await specialist.expect("waiting_list"))["patients"])
    assert entry["status"] == "disconnected"

    again = await hub.connect()
    welcome = await again.hello("kiosk", token=token, resume={
        "visit_id": visit_id, "resume_token": checked["resume_token"]})
    assert welcome["resumed"]["visit_id"] == visit_id
    assert welcome["resumed"]["appointment"] == checked["appointment"]
    rejoined = await again.expect("joined")
    assert rejoined["visit_id"] == visit_id
    entry = only((await specialist.expect("waiting_list"))["patients"])
    assert entry["status"] == "in_call"
    await again.send("offer", sdp="offer 2", attempt=2)
    assert (await specialist.expect("offer"))["attempt"] == 2
    await again.send("leave", reason="finished")
    await specialist.expect("call_ended", visit_id=visit_id)
    [call] = hub.storage.calls()
    assert call.reconnects == 1


@pytest.mark.expect_log(r"hello not_found", logger="kiosk.hub.ws")
async def test_resume_with_a_wrong_token_or_another_kiosk_is_refused(hub: Any) -> None:
    token = hub.new_kiosk_token()
    kiosk = await hub.kiosk(token)
    await kiosk.send("check_in", code=hub.appointment_code)
    checked = await kiosk.expect("checked_in")
    other = await hub.connect()
    welcome = await other.hello("kiosk", token=hub.new_kiosk_token(), resume={
        "visit_id": checked["visit_id"], "resume_token": checked["resume_token"]})
    assert "resumed" not in welcome
    await other.error("not_found")
    wrong = await hub.connect()
    welcome = await wrong.hello("kiosk", token=token, resume={
        "visit_id": checked["visit_id"], "resume_token": "x" * 32})
    assert "resumed" not in welcome
    await wrong.error("not_found")
    # The real kiosk is untouched.
    await kiosk.send("ping")
    await kiosk.expect("pong")


@pytest.mark.expect_log(r"hello not_found", logger="kiosk.hub.ws")
async def test_visit_ends_after_the_grace_period(hub_factory: Any) -> None:
    hub = await hub_factory(resume_grace=0.2)
    specialist = await hub.specialist()
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    checked = await patient.expect("checked_in")
    await specialist.send("join", visit_id=checked["visit_id"])
    await patient.expect("joined")
    await patient.close()
    ended = await specialist.expect("call_ended")
    assert ended["reason"] == "patient_disconnected"
    assert (await specialist.expect("waiting_list"))["patients"] == []
    late = await hub.connect()
    welcome = await late.hello("patient", resume={
        "visit_id": checked["visit_id"], "resume_token": checked["resume_token"]})
    assert "resumed" not in welcome
    await late.error("not_found")
    [call] = hub.storage.calls()
    assert call.end_reason == "patient_disconnected"


async def test_specialist_reconnect_keeps_the_join(hub: Any) -> None:
    specialist = await hub.specialist()
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    visit_id = (await patient.expect("checked_in"))["visit_id"]
    await specialist.send("join", visit_id=visit_id)
    await patient.expect("joined")
    await specialist.close()
    back = await hub.specialist()
    entry = only(back.skipped[-1]["patients"])
    assert entry["joined_by"]["id"] == hub.seed.specialist_id
    await patient.send("call_state", state="reconnecting", attempt=2)
    assert (await back.expect("call_state"))["state"] == "reconnecting"
    await back.send("join", visit_id=visit_id)  # joining again makes the patient re-offer
    await patient.expect("joined")


async def test_specialist_gone_after_grace_ends_the_visit(hub_factory: Any) -> None:
    hub = await hub_factory(resume_grace=0.2)
    specialist = await hub.specialist()
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    visit_id = (await patient.expect("checked_in"))["visit_id"]
    await specialist.send("join", visit_id=visit_id)
    await patient.expect("joined")
    await specialist.close()
    ended = await patient.expect("call_ended")
    assert ended["reason"] == "specialist_disconnected"


async def test_hub_shutdown_keeps_live_state_and_closes_sockets_going_away(
        hub_factory: Any) -> None:
    """A planned stop ends nothing: sockets close with 1001 (clients reconnect), the visit and
    a kiosk's help request stay in storage for the next start, no call is recorded."""
    hub = await hub_factory(clock=ManualClock())
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    visit_id = (await patient.expect("checked_in"))["visit_id"]
    helper = await hub.kiosk(hub.new_kiosk_token(room="Room 2"))
    await helper.send("help")
    await helper.expect("help_ack")
    specialist = await hub.specialist()
    closing = asyncio.ensure_future(hub.running.close())
    for peer in (patient, helper, specialist):
        assert await peer.closed() == 1001
        assert peer.close_reason == "the hub is restarting"
        assert all(m["type"] != "call_ended" for m in peer.skipped)
    await asyncio.wait_for(closing, 10)
    reopened = Storage.open(hub.config.db_path)  # the hub closed the storage it opened
    try:
        assert reopened.calls() == []
        assert [v.visit_id for v in reopened.live_visits()] == [visit_id]
        assert [h.kiosk.room for h in reopened.live_help()] == ["Room 2"]
    finally:
        reopened.close()


async def test_hub_close_with_end_visits_records_them(hub_factory: Any) -> None:
    """The kiosk's embedded demo hub stops with its clients: it ends and records each visit."""
    hub = await hub_factory(clock=ManualClock())
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    await patient.expect("checked_in")
    closing = asyncio.ensure_future(hub.running.close(end_visits=True))
    assert (await patient.expect("call_ended"))["reason"] == "hub_stopped"
    assert await patient.closed() == 1001
    await asyncio.wait_for(closing, 10)
    reopened = Storage.open(hub.config.db_path)
    try:
        [call] = reopened.calls()
        assert call.end_reason == "hub_stopped"
        assert reopened.live_visits() == []
    finally:
        reopened.close()


async def test_resume_replaces_a_half_open_socket(hub: Any) -> None:
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    checked = await patient.expect("checked_in")
    fresh = await hub.connect()
    welcome = await fresh.hello("patient", resume={
        "visit_id": checked["visit_id"], "resume_token": checked["resume_token"]})
    assert welcome["resumed"]["visit_id"] == checked["visit_id"]
    assert await patient.closed() == 4003  # the old socket is let go
    await fresh.send("leave")
    assert (await fresh.expect("call_ended"))["visit_id"] == checked["visit_id"]
