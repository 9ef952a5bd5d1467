"""Fuzzing the hub's WebSocket with over 10,000 bad messages from every kind of client, against
a real hub on 127.0.0.1: the hub stays up, answers every bad message with an ``error`` and keeps
the socket open (no bad message here is one the protocol calls fatal), logs no traceback (the
log-fail plugin fails the test on any ERROR), and a specialist with a waiting patient keeps
getting true waiting lists throughout.

The messages come from a seeded generator (the same run every time) in categories: malformed
JSON, JSON that is not an object, deep nesting, NaN and Infinity, oversized, binary frames,
unknown types, known types with missing, mistyped, oversized or unexpected fields, unicode edge
cases in every text field, messages the sender's role may not send, valid messages out of order,
and valid messages for someone else's visit. The per-type rate limits are lifted for this test
(they are tested on their own): here every message must reach validation and get its answer.
"""

from __future__ import annotations

import collections
import json
import random
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kiosk import protocol
from kiosk.hub import ratelimit
from tests.integration.conftest import WsPeer

pytestmark = [
    pytest.mark.integration,
    pytest.mark.expect_log(logger="kiosk.hub.ws", level="WARNING"),  # one line a refusal
]

SEED = 20261205
ROUNDS = 22  # x 5 clients x 100 messages a batch: 11,000 messages
BATCH = 100
UNICODE = ["\u202e\u2066evil\u2069", "\u0000", "\ufeff", "e\u0301" * 50, "🧑‍⚕️" * 20,
           "\U0010ffff", "ｆｕｌｌ", "\u200b" * 100, "Łódź Caerdydd", "\r\n\t", "\\", '"']
FIELD_TYPES: list[Any] = [None, True, 0, -1, 2**60, 1.5, "", "x" * 70_000, [], {}, [[[]]],
                          {"a": {"b": {}}}]


#: Valid messages that are out of order for each kind of fuzzing client (its visit state):
#: each must be refused. (``leave`` without a visit is a harmless no-op, so it is not here.)
OUT_OF_ORDER = {
    "none": ["check_in", "join", "offer", "ping", "checks"],
    "patient": ["offer", "candidate", "call_state", "checks", "call_stats"],
    "kiosk": ["offer", "candidate", "call_state", "checks", "call_stats"],
    "checked_in": ["offer"],  # nobody has joined yet
    "specialist": ["answer", "hangup", "restart", "call_stats"],
}


def _text_frames(rng: random.Random, client: str, other_visit: str) -> Iterator[tuple[str, str]]:
    """Endless (category, text) pairs of bad messages for a kind of client."""
    role = "kiosk" if client == "checked_in" else client
    types = sorted(protocol.SCHEMAS)
    while True:
        kind = rng.randrange(12)
        mtype = rng.choice(types)
        if kind == 0:
            yield "malformed_json", rng.choice(['{"v":1,', "{not json", "[", '{"v":1 "type":1}',
                                                "nul", "{'v': 1}", "\u0000"])
        elif kind == 1:
            yield "not_an_object", json.dumps(rng.choice([[1, 2], "hello", 42, None, True]))
        elif kind == 2:
            depth = rng.choice([40, 1000, 50_000])
            yield "deep_nesting", '{"v":1,"type":"ping","x":' + "[" * depth + "]" * depth + "}"
        elif kind == 3:
            constant = rng.choice(["NaN", "Infinity", "-Infinity", "1e999"])
            yield "nan_infinity", f'{{"v":1,"type":"ping","sent_at":{constant}}}'
        elif kind == 4:
            yield "oversized", json.dumps({"v": 1, "type": "ping", "pad": "x" * 70_000})
        elif kind == 5:
            yield "unknown_type", json.dumps({"v": 1, "type": rng.choice(
                ["teleport", "", "HELLO", "__proto__", "x" * 100, "welcome\u0000"])})
        elif kind == 6:
            schema = protocol.SCHEMAS[mtype]
            msg: dict[str, Any] = {"v": 1, "type": mtype}
            if schema:
                name = rng.choice(sorted(schema))
                msg[name] = rng.choice(FIELD_TYPES)
            if rng.random() < 0.5:
                msg["ref"] = rng.choice(FIELD_TYPES[1:])
            msg["surprise"] = rng.choice(FIELD_TYPES)  # an unexpected field: always refused
            yield "bad_fields", json.dumps(msg)
        elif kind == 7:
            fields = {n: rng.choice(UNICODE) for n in protocol.SCHEMAS[mtype]}
            msg = {"v": 1, "type": mtype, **fields, "surprise": rng.choice(UNICODE)}
            yield "unicode_edges", json.dumps(msg, ensure_ascii=rng.random() < 0.5)
        elif kind == 8:
            senders = protocol.SENDERS.get(mtype, frozenset())
            forbidden = [t for t in types if role not in protocol.SENDERS.get(t, frozenset())
                         and t != "hello"]
            if role in senders or not forbidden:
                continue
            yield "wrong_role", protocol.encode(_valid(rng.choice(forbidden), other_visit))
        elif kind == 9:
            yield "out_of_order", protocol.encode(_valid(rng.choice(OUT_OF_ORDER[client]),
                                                         other_visit))
        elif kind == 10 and role == "specialist":
            yield "someone_elses_visit", protocol.encode(
                _valid(rng.choice(["join", "message", "answer", "hangup"]), other_visit))
        elif kind == 11:
            yield "hello_again", protocol.encode(protocol.make("hello", role="patient")) \
                if role != "none" else json.dumps({"v": 1, "type": "hello", "role": "admin"})


def _valid(mtype: str, visit_id: str) -> dict[str, Any]:
    """A well-formed message of ``mtype`` aimed at ``visit_id``."""
    by_type: dict[str, dict[str, Any]] = {
        "check_in": {"code": "000000"}, "join": {"visit_id": visit_id},
        "message": {"visit_id": visit_id, "text": "hello"},
        "answer": {"visit_id": visit_id, "sdp": "v=0", "attempt": 1},
        "offer": {"visit_id": visit_id, "sdp": "v=0", "attempt": 1},
        "candidate": {"visit_id": visit_id, "attempt": 1, "candidate": ""},
        "hangup": {"visit_id": visit_id, "reason": "x"}, "restart": {"visit_id": visit_id},
        "call_stats": {"visit_id": visit_id, "stats": {}}, "call_state": {"state": "connecting"},
        "checks": {"checks": {}}, "leave": {}, "ping": {},
        "welcome": {"role": "kiosk", "hub": "x", "ice_servers": []},
        "waiting_list": {"patients": []}, "joined": {"visit_id": visit_id, "specialist": {}},
        "checked_in": {"visit_id": visit_id, "resume_token": "x", "appointment": {}},
        "error": {"code": "x", "message": "x"}, "help_ack": {"message": "x"},
        "readiness": {"report": {}}, "ice_servers": {"ice_servers": []},
        "call_ended": {"visit_id": visit_id, "reason": "x"},
        "status": {"step": "idle"}, "help_acknowledge": {"visit_id": visit_id},
        "help_coming": {}, "kiosks": {"kiosks": []},
        "waiting_changes": {"upsert": [], "remove": []},
    }
    fields = by_type.get(mtype, {})
    if _makeable(mtype, fields):
        return protocol.make(mtype, **fields)
    return {"v": 1, "type": mtype, **fields}


def _makeable(mtype: str, fields: dict[str, Any]) -> bool:
    try:
        protocol.make(mtype, **fields)
    except (protocol.ProtocolError, TypeError, ValueError):
        return False
    return True


async def _barrage(peer: WsPeer, frames: Iterator[tuple[str, str]], rng: random.Random,
                   counts: collections.Counter[str]) -> None:
    """Send a batch of bad messages (binary frames among them), then a ping; every one must
    be answered with an error before the pong, and the socket must still be open."""
    sent = 0
    sent_log: list[tuple[str, str]] = []
    for _ in range(BATCH):
        if rng.random() < 0.05:
            await peer.ws.send_bytes(rng.choice([b"\xff\xfe\xfd", b"\x00" * 10,
                                                 json.dumps({"v": 1, "type": "ping"}).encode(),
                                                 bytes(rng.randrange(256) for _ in range(64))]))
            counts["binary_frame"] += 1
        else:
            category, text = next(frames)
            sent_log.append((category, text[:80]))
            await peer.send_raw(text)
            counts[category] += 1
        sent += 1
    # The barrier: a ping, answered with a pong (or, before hello, hello_required) carrying
    # its ref; the hub answers one socket's messages in order, so every error came before it.
    await peer.send("ping", sent_at=sent, ref="fuzz-end")
    errors = 0
    while True:
        msg = await peer.recv(within=20)
        if msg.get("ref") == "fuzz-end" and msg["type"] in ("pong", "error"):
            break
        if msg["type"] == "error":
            assert not msg.get("fatal"), msg
            errors += 1
        else:
            peer.skipped.append(msg)
    if errors != sent:
        unanswered = [text for _, text in sent_log if not await _answered(peer, text)]
        raise AssertionError(f"{sent} bad messages, {errors} errors; unanswered: {unanswered}")
    assert not peer.ws.closed


async def _answered(peer: WsPeer, text: str) -> bool:
    """Whether ``text`` alone gets an error before a barrier ping (for a failure's report)."""
    await peer.send_raw(text)
    await peer.send("ping", ref="probe-end")
    answered = False
    while True:
        msg = await peer.recv()
        if msg.get("ref") == "probe-end":
            return answered
        answered = answered or msg["type"] == "error"


async def test_ten_thousand_bad_messages_from_every_role(
        hub_factory: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ratelimit, "MESSAGE_RATES", {})
    monkeypatch.setattr(ratelimit, "DEFAULT_RATE", (1e6, 1e6))
    hub = await hub_factory(hello_timeout=3600.0)
    # Someone else's visit: a patient of another clinic, waiting.
    other_clinic, other_area = hub.new_clinic("Another Clinic")
    stranger = await hub.kiosk(hub.new_kiosk_token(clinic_id=other_clinic))
    await stranger.send("check_in", code=hub.new_appointment_code(waiting_area_id=other_area))
    other_visit = (await stranger.expect("checked_in"))["visit_id"]
    # The healthy pair that must keep working: a specialist watching a waiting patient.
    control = await hub.specialist()
    waiting = await hub.kiosk()
    await waiting.send("check_in", code=hub.appointment_code)
    visit_id = (await waiting.expect("checked_in"))["visit_id"]

    rng = random.Random(SEED)
    fuzzers: list[tuple[str, WsPeer, Callable[[], Any] | None]] = []
    for role in ("none", "patient", "kiosk", "specialist"):
        peer = await {"none": hub.connect, "patient": hub.patient, "kiosk": hub.kiosk,
                      "specialist": hub.specialist}[role]()
        fuzzers.append((role, peer, None))
    checked_in = await hub.kiosk()
    await checked_in.send("check_in", code=hub.new_appointment_code())
    await checked_in.expect("checked_in")
    fuzzers.append(("checked_in", checked_in, None))
    frames = {id(p): _text_frames(random.Random(rng.random()), role, other_visit)
              for role, p, _ in fuzzers}
    counts: collections.Counter[str] = collections.Counter()

    for round_ in range(ROUNDS):
        for _role, peer, _ in fuzzers:
            await _barrage(peer, frames[id(peer)], rng, counts)
        # The control specialist sees a true change made now.
        await waiting.send("checks", checks={"camera": "pass", "round": round_})
        listing = await control.expect("waiting_list", within=10)
        while not any(p["visit_id"] == visit_id and p["checks"].get("round") == round_
                      for p in listing["patients"]):
            listing = await control.expect("waiting_list", within=10)

    total = sum(counts.values())
    print("fuzz messages by category:", dict(sorted(counts.items())), "total", total)
    assert total >= 10_000
    assert len(counts) >= 12
    for peer in (control, waiting, stranger):
        await peer.send("ping", sent_at=1)
        await peer.expect("pong", sent_at=1)
