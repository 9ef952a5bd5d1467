"""Fuzzing the kiosk's own hub client: over 10,000 hostile frames from a fake hub (a real aiohttp
WebSocket server on 127.0.0.1) into a checked-in :class:`~kiosk.call.patient.PatientVisit`.

The frames come from a seeded generator (the same run every time) in the categories the hub's
own fuzz suite uses (tests/integration/test_hub_fuzz.py), turned round: malformed JSON, JSON
that is not an object, deep nesting, NaN and Infinity, oversized, binary frames, unknown types,
known types with missing, mistyped or oversized fields, unicode edge cases in every text field,
valid messages out of order, and valid messages for someone else's visit. None of them is one
that should end the visit (a ``call_ended`` for this visit, a fatal error, a ``welcome`` that does
not resume it are left out: they end it by design, and are tested elsewhere).

The visit must stay up, on the same socket (no bad frame is a reason to reconnect), show the
patient only clean text, log no traceback and no frame's content, and still act on the next
valid message.
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import random
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from kiosk import protocol
from kiosk.call.patient import CheckedIn, PatientVisit, VisitListener
from kiosk.call.signalling import HubSignalling
from kiosk.media.local import LatestFrame
from kiosk.media.synthetic import synthetic_media

ROUNDS = 10_500
VISIT = "v-fuzz-1"
WAIT = 60.0

NASTY_TEXT = [
    "\u202eevil\u202c", "\u0000nul", "a\u200bb", "\U0001f600" * 50, "\ufeffbom", "x" * 5000,
    "\u0301\u0301\u0301", "line\r\nbreak", "\u2066iso\u2069", "\U0010ffff", "<script>x</script>",
    "%s%n%x", "\\u0000", "",
]


def _welcome() -> dict[str, Any]:
    return protocol.make("welcome", role="kiosk", hub="fuzz/1", ice_servers=[])


def _checked_in(ref: Any) -> dict[str, Any]:
    return protocol.make(
        "checked_in", visit_id=VISIT, resume_token="r" * 32, ref=ref,
        appointment={"clinic": "Fuzz clinic", "waiting_area": "Hall", "specialist": None,
                     "time": None, "patient_name": None})


def frames(rng: random.Random) -> Iterator[tuple[str, str | bytes]]:
    """(category, frame) pairs, forever."""
    hub_types = ["welcome", "ice_servers", "error", "checked_in", "help_ack", "joined",
                 "call_ended", "answer", "candidate", "restart", "message", "pong", "ping"]
    while True:
        kind = rng.randrange(11)
        if kind == 0:
            yield "malformed_json", rng.choice(["{", '{"v":1,', "[1,2", "nul", '{"type": help}',
                                                "\x00\x01", "{}}",
                                                '{"v":1,"type":"help_ack","message":"\\ud800"}'])
        elif kind == 1:
            yield "not_an_object", json.dumps(rng.choice([[1, 2], "text", 5, None, True, []]))
        elif kind == 2:
            depth = rng.randrange(200, 3000)
            yield "deep_nesting", ('{"v":1,"type":"help_ack","message":"x","ref":'
                                   + "[" * depth + "]" * depth + "}")
        elif kind == 3:
            bad = rng.choice(["NaN", "Infinity", "-Infinity", "1e999"])
            yield "nan_infinity", f'{{"v":1,"type":"pong","sent_at":{bad}}}'
        elif kind == 4:
            size = rng.choice([70_000, 300_000])
            yield "oversized", protocol.encode(protocol.make("help_ack", message="x")).replace(
                '"x"', '"' + "y" * size + '"')
        elif kind == 5:
            yield "binary_frame", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))
        elif kind == 6:
            yield "unknown_type", json.dumps({"v": 1, "type": rng.choice(
                ["offerx", "waiting_list2", "__proto__", "constructor", "x" * 300, ""])})
        elif kind == 7:
            mtype = rng.choice(hub_types)
            field = rng.choice(["message", "visit_id", "sdp", "code", "specialist", "reason",
                                "ice_servers", "attempt", "text", "ref"])
            value: Any = rng.choice([None, 5, -1, 1e300, [], {}, "x" * 100_000, True, [1] * 500])
            yield "bad_fields", json.dumps({"v": 1, "type": mtype, field: value})
        elif kind == 8:
            text = rng.choice(NASTY_TEXT)
            msg = rng.choice([protocol.make("help_ack", message=text),
                              protocol.make("message", text=text, **{"from": text[:100]}),
                              protocol.make("error", code="rate_limited", message=text,
                                            retry_after=5.0)])
            yield "unicode_edges", json.dumps(msg, ensure_ascii=rng.random() < 0.5)
        elif kind == 9:
            msg = rng.choice([
                protocol.make("answer", visit_id=VISIT, sdp="v=0\r\nnot an answer\r\n",
                              attempt=rng.randrange(1, 50)),
                protocol.make("candidate", visit_id=VISIT, attempt=rng.randrange(1, 50),
                              candidate="candidate:1 1 udp 1 10.0.0.1 9 typ host",
                              sdp_mid="0", sdp_mline_index=0),
                _checked_in(ref=rng.choice([None, "r-9", "nobody-asked"])),
                protocol.make("welcome", role="kiosk", hub="fuzz/1", ice_servers=[],
                              resumed={"visit_id": VISIT}),
                protocol.make("ice_servers", ice_servers=[{"urls": ["stun:127.0.0.1:9"]}]),
                protocol.make("pong", sent_at=rng.random()),
            ])
            yield "out_of_order", protocol.encode(msg)
        else:
            other = f"v-other-{rng.randrange(1000)}"
            msg = rng.choice([
                protocol.make("call_ended", visit_id=other, reason="specialist_left"),
                protocol.make("answer", visit_id=other, sdp="v=0\r\n", attempt=1),
                protocol.make("candidate", visit_id=other, attempt=1,
                              candidate="candidate:1 1 udp 1 10.0.0.1 9 typ host"),
            ])
            yield "someone_elses_visit", protocol.encode(msg)


class Listener(VisitListener):
    def __init__(self) -> None:
        self.acks: list[str] = []
        self.messages: list[str] = []
        self.ended: list[str] = []
        self.errors: list[str] = []

    def on_help_ack(self, message: str) -> None:
        self.acks.append(message)

    def on_message(self, text: str, sender: str | None) -> None:
        self.messages.append(text)

    def on_error(self, code: str, message: str) -> None:
        self.errors.append(message)

    def on_ended(self, reason: str) -> None:
        self.ended.append(reason)


class FuzzHub:
    """Welcomes the kiosk, checks it in, then sends every frame it is given."""

    def __init__(self) -> None:
        self.connections = 0
        self.checked_in = asyncio.Event()
        self.queue: asyncio.Queue[str | bytes | None] = asyncio.Queue()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/ws", self._ws)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0)
        await ws.prepare(request)
        self.connections += 1
        assert protocol.decode((await ws.receive()).data)["type"] == "hello"
        await ws.send_str(protocol.encode(_welcome()))

        async def reader() -> None:
            async for frame in ws:
                if frame.type != WSMsgType.TEXT:
                    continue
                msg = protocol.decode(frame.data)
                if msg["type"] == "check_in":
                    await ws.send_str(protocol.encode(_checked_in(msg.get("ref"))))
                    self.checked_in.set()
                elif msg["type"] == "help":
                    await ws.send_str(protocol.encode(protocol.make(
                        "help_ack", message="Someone is coming", ref=msg.get("ref"))))

        task = asyncio.create_task(reader())
        while (item := await self.queue.get()) is not None:
            if isinstance(item, bytes):
                await ws.send_bytes(item)
            else:
                await ws.send_str(item)
        await task
        return ws


@pytest.fixture
async def fuzz_hub() -> AsyncIterator[FuzzHub]:
    hub = FuzzHub()
    await hub.start()
    yield hub
    hub.queue.put_nowait(None)
    await hub.stop()


@pytest.mark.expect_log(r".*", logger="kiosk.call.signalling")
@pytest.mark.expect_log(r"hub error: rate_limited", logger="kiosk.call.patient")
@pytest.mark.expect_log(r".*", logger="kiosk.call.session")
@pytest.mark.expect_log(r".*", logger="kiosk.call.peer")
# Stray candidates reach aiortc before any answer; the 64-candidate cap per attempt bounds these.
@pytest.mark.expect_log(r"addIceCandidate called without remote description",
                        logger="aiortc.rtcpeerconnection")
@pytest.mark.timeout(240)
async def test_ten_thousand_hostile_frames_leave_the_visit_up_and_clean(
        fuzz_hub: FuzzHub, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    media = synthetic_media(160, 120)
    listener = Listener()
    visit = PatientVisit(HubSignalling(fuzz_hub.url, "kiosk", token="t", backoff=(0.05, 0.2)),
                         media, listener=listener, sink=LatestFrame())
    counts: collections.Counter[str] = collections.Counter()
    try:
        await visit.connect()
        assert isinstance(await visit.check_in("0123456789"), CheckedIn)
        rng = random.Random(20261205)
        gen = frames(rng)
        for _ in range(ROUNDS):
            category, frame = next(gen)
            counts[category] += 1
            fuzz_hub.queue.put_nowait(frame)
        # After all of it, a valid message still gets through and is acted on.
        fuzz_hub.queue.put_nowait(protocol.encode(protocol.make("help_ack", message="LAST")))
        await _until(lambda: "LAST" in listener.acks, WAIT)
        print(f"client fuzz frames by category: {dict(sorted(counts.items()))} "
              f"total {sum(counts.values())}")
        assert sum(counts.values()) >= 10_000
        assert not listener.ended, listener.ended
        assert not visit.ended
        assert fuzz_hub.connections == 1  # the same socket all along
        # And it still talks the other way: help is asked for and answered.
        await visit.help("test")
        await _until(lambda: listener.acks.count("Someone is coming") >= 1, WAIT)
        # The patient only ever saw clean text.
        for text in [*listener.acks, *listener.messages, *listener.errors]:
            assert not any(ch in text for ch in "\u202e\u202c\u2066\u2069\u0000\u200b\ufeff")
            assert len(text) <= 2000
    finally:
        await visit.close()
        await media.aclose()
    for record in caplog.records:
        assert record.levelno < logging.ERROR, record.getMessage()
        assert record.exc_info is None, record.getMessage()
        assert "y" * 100 not in record.getMessage()  # never a frame's content
        assert "[[[[" not in record.getMessage()


async def _until(predicate: Callable[[], bool], within: float) -> None:
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110 - a condition with no event to wait on
            await asyncio.sleep(0.01)
