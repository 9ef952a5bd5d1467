"""The kiosk's hub client against a hostile hub: a real aiohttp WebSocket server on 127.0.0.1
that sends deeply nested JSON, NaN, binary and invalid UTF-8 frames, huge frames, a flood of
100,000 messages, and text with bidi overrides. The client must stay up, keep its memory
bounded, log no traceback, and still deliver the next valid message (reconnecting if the
transport itself broke)."""

from __future__ import annotations

import asyncio
import logging
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from kiosk import protocol
from kiosk.call.patient import CheckedIn, PatientVisit, VisitListener
from kiosk.call.signalling import BAD_FRAMES_LOGGED, INBOX_LIMIT, HubSignalling
from kiosk.media.local import LatestFrame
from kiosk.media.synthetic import synthetic_media

WAIT = 30.0
FLOOD = 100_000

Script = Callable[[web.WebSocketResponse, int], Awaitable[None]]


class HostileHub:
    """Answers ``hello`` with ``welcome`` (or not, if the script wants to go first), then runs
    ``script(ws, n)`` for the n-th connection; keeps each socket open until the client goes."""

    def __init__(self, script: Script, *, welcome_first: bool = True) -> None:
        self.script = script
        self.welcome_first = welcome_first
        self.connections = 0
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
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
        n = self.connections
        self.connections += 1
        hello = protocol.decode((await ws.receive()).data)
        assert hello["type"] == "hello"
        if self.welcome_first:
            await ws.send_str(welcome())
        await self.script(ws, n)
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                self.received.put_nowait(protocol.decode(frame.data))
        return ws


def welcome() -> str:
    return protocol.encode(protocol.make("welcome", role="kiosk", hub="hostile/1",
                                         ice_servers=[]))


def help_ack(text: str = "Staff are coming") -> str:
    return protocol.encode(protocol.make("help_ack", message=text))


NESTED_1000 = '{"v":1,"type":"checks","checks":{"x":' + "[" * 1000 + "]" * 1000 + "}}"
NESTED_100000 = "[" * 100_000 + "]" * 100_000
#: Every kind of bad text frame a hub could send; each must be skipped on its own.
BAD_TEXT = [
    NESTED_1000,
    NESTED_100000,
    '{"a":' * 1000 + "1" + "}" * 1000,
    '{"v":1,"type":"ping","sent_at":NaN}',
    '{"v":1,"type":"checks","checks":{"camera":Infinity}}',
    '{"v":1,"type":"help_ack","message":"x","ref":-Infinity}',
    '{"v":1,"type":"ping","sent_at":1e999}',
    '{"v":1,"type":"help_ack","message":"\\ud800"}',
    '{"v":1,"type":"ping","sent_at":' + "9" * 5000 + "}",
    '{"v":1,"type":"help_ack","message":"' + "x" * 2_000_000 + '"}',
    "{not json",
    "",
    "null",
    '{"v":1,"type":"no_such_type"}',
    '{"v":1,"type":"help_ack"}',
    '{"v":2,"type":"help_ack","message":"from the future"}',
    '"' + '\\"' * 30_000,
]
BAD_BINARY = [b"\x00\x01\x02", help_ack().encode(), b"\xff" * 70_000]


@pytest.fixture
async def hostile() -> AsyncIterator[Callable[..., Awaitable[HostileHub]]]:
    hubs: list[HostileHub] = []

    async def make(script: Script, **kwargs: Any) -> HostileHub:
        hub = HostileHub(script, **kwargs)
        await hub.start()
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        await hub.stop()


async def until(predicate: Callable[[], bool], within: float = WAIT) -> None:
    """Wait until ``predicate()`` holds, re-checking every 10 ms (like ``qtbot.waitUntil``)."""
    async with asyncio.timeout(within):
        while not predicate():  # noqa: ASYNC110 - a condition with no event to wait on
            await asyncio.sleep(0.01)


def assert_no_traceback(caplog: pytest.LogCaptureFixture) -> None:
    for record in caplog.records:
        assert record.levelno < logging.ERROR, record.getMessage()
        assert record.exc_info is None, record.getMessage()


def signalling_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records
            if r.name == "kiosk.call.signalling" and r.levelno == logging.WARNING]


@pytest.mark.expect_log(
    r"further bad messages from the hub are counted, not logged",
    r"skipped \d+ bad messages from the hub in all",
    r"skipped a bad message from the hub: bad_message \(NaN,",
    r"skipped a bad message from the hub: bad_message \(message is",
    r"skipped a bad message from the hub: too_large \(message of",
    logger="kiosk.call.signalling")
async def test_every_bad_frame_is_skipped_and_the_next_message_arrives(
        hostile: Callable[..., Awaitable[HostileHub]], caplog: pytest.LogCaptureFixture) -> None:
    async def script(ws: web.WebSocketResponse, n: int) -> None:
        for _ in range(3):  # more bad frames than are logged one by one
            for text in BAD_TEXT:
                await ws.send_str(text)
            for data in BAD_BINARY:
                await ws.send_bytes(data)
        await ws.send_str(help_ack())

    hub = await hostile(script)
    client = HubSignalling(hub.url, "kiosk", token="t", backoff=(0.05, 0.2))
    caplog.set_level(logging.INFO)
    await client.connect()
    try:
        async with asyncio.timeout(WAIT):
            msg = await client.receive()
        assert msg == protocol.decode(help_ack())  # nothing bad came through, nothing was lost
        assert client.connected
        assert client.reconnects == 0
        assert client.pending == 0
        # Still talking both ways on the same socket.
        assert await client.send(protocol.make("help", reason="test"))
        async with asyncio.timeout(WAIT):
            assert (await hub.received.get())["type"] == "help"
    finally:
        await client.close()
    assert_no_traceback(caplog)
    warnings = signalling_warnings(caplog)
    bad = 3 * (len(BAD_TEXT) + len(BAD_BINARY))
    assert len(warnings) <= BAD_FRAMES_LOGGED + 2, warnings  # one line each, then counted
    assert any("counted, not logged" in w for w in warnings)
    assert any(f"skipped {bad} bad messages" in w for w in warnings)
    assert not any("x" * 50 in w or "[[[[" in w for w in warnings)  # never the content


@pytest.mark.expect_log(
    r"further bad messages from the hub are counted, not logged",
    r"skipped \d+ bad messages from the hub in all",
    r"skipped a bad message from the hub: bad_message \(NaN,",
    r"skipped a bad message from the hub: bad_message \(message is",
    r"skipped a bad message from the hub: too_large \(message of",
    logger="kiosk.call.signalling")
async def test_bad_frames_before_welcome_do_not_stop_the_handshake(
        hostile: Callable[..., Awaitable[HostileHub]], caplog: pytest.LogCaptureFixture) -> None:
    async def script(ws: web.WebSocketResponse, n: int) -> None:
        for text in BAD_TEXT:
            await ws.send_str(text)
        for data in BAD_BINARY:
            await ws.send_bytes(data)
        await ws.send_str(help_ack("before welcome"))  # valid, but out of order: ignored
        await ws.send_str(welcome())
        await ws.send_str(help_ack())

    hub = await hostile(script, welcome_first=False)
    client = HubSignalling(hub.url, "kiosk", token="t")
    caplog.set_level(logging.INFO)
    await client.connect()
    try:
        assert client.welcome is not None
        async with asyncio.timeout(WAIT):
            assert await client.receive() == protocol.decode(help_ack())
    finally:
        await client.close()
    assert_no_traceback(caplog)


@pytest.mark.expect_log(r"lost the hub connection \(close code", logger="kiosk.call.signalling")
async def test_invalid_utf8_breaks_the_socket_and_the_client_reconnects(
        hostile: Callable[..., Awaitable[HostileHub]], caplog: pytest.LogCaptureFixture) -> None:
    async def script(ws: web.WebSocketResponse, n: int) -> None:
        if n == 0:
            # A text frame that is not UTF-8 is a WebSocket protocol error: aiohttp closes the
            # socket (1007). That is a dropped connection, not a crash.
            await ws.send_frame(b'{"v":1,"type":"help_ack","message":"\xff\xfe"}',
                                WSMsgType.TEXT)
        else:
            await ws.send_str(help_ack())

    hub = await hostile(script)
    client = HubSignalling(hub.url, "kiosk", token="t", backoff=(0.05, 0.2))
    links: list[bool] = []
    client.add_link_listener(links.append)
    caplog.set_level(logging.INFO)
    await client.connect()
    try:
        async with asyncio.timeout(WAIT):
            again = await client.receive()
            assert again is not None
            assert again["type"] == "welcome"
            assert await client.receive() == protocol.decode(help_ack())
        assert client.reconnects == 1
        assert links == [False, True]
    finally:
        await client.close()
    assert_no_traceback(caplog)


@pytest.mark.expect_log(
    r"further bad messages from the hub are counted, not logged",
    r"skipped \d+ bad messages from the hub in all",
    r"skipped a bad message from the hub: bad_message \(NaN,",
    r"skipped a bad message from the hub: bad_message \(message is",
    r"skipped a bad message from the hub: too_large \(message of",
    logger="kiosk.call.signalling")
async def test_a_flood_of_messages_keeps_memory_bounded_and_loses_nothing(
        hostile: Callable[..., Awaitable[HostileHub]], caplog: pytest.LogCaptureFixture) -> None:
    async def script(ws: web.WebSocketResponse, n: int) -> None:
        ping = protocol.encode(protocol.make("ping", sent_at=1.0))
        for i in range(FLOOD):
            await ws.send_str(ping)
            if i % 5000 == 0:
                await ws.send_str(NESTED_1000)  # bad frames mixed in: skipped, barely logged
        await ws.send_str(help_ack())

    hub = await hostile(script)
    client = HubSignalling(hub.url, "kiosk", token="t")
    caplog.set_level(logging.INFO)
    await client.connect()
    tracemalloc.start()
    try:
        # Read nothing until the inbox is full: the client must stop there, not keep queueing
        # (it waits, so the rest stays in the socket buffers or is held back at the hub).
        await until(lambda: client.pending >= INBOX_LIMIT)
        pings = 0
        async with asyncio.timeout(120):
            while True:
                assert client.pending <= INBOX_LIMIT
                msg = await client.receive()
                assert msg is not None
                if msg["type"] != "ping":
                    break
                pings += 1
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        await client.close()
    assert msg == protocol.decode(help_ack())
    assert pings == FLOOD  # in order, none dropped
    assert client.reconnects == 0
    # 100,000 queued pings took 40.8 MB before the bound; now the queue holds at most 256.
    assert peak < 8 * 1024 * 1024, f"peak traced memory {peak / 1e6:.1f} MB"
    assert_no_traceback(caplog)
    assert len(signalling_warnings(caplog)) <= BAD_FRAMES_LOGGED + 2


class Shown(VisitListener):
    """What the kiosk would put on screen."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str | None]] = []
        self.help: list[str] = []
        self.changed = asyncio.Event()

    def on_message(self, text: str, sender: str | None) -> None:
        self.messages.append((text, sender))
        self.changed.set()

    def on_help_ack(self, message: str) -> None:
        self.help.append(message)
        self.changed.set()


@pytest.mark.expect_log(r"bad message", r"bad messages", logger="kiosk.call.signalling")
async def test_text_from_the_hub_reaches_the_patient_without_bidi_or_control_characters(
        hostile: Callable[..., Awaitable[HostileHub]], caplog: pytest.LogCaptureFixture) -> None:
    async def script(ws: web.WebSocketResponse, n: int) -> None:
        check_in = protocol.decode((await ws.receive()).data)
        assert check_in["type"] == "check_in"
        for text in BAD_TEXT[:5]:
            await ws.send_str(text)
        await ws.send_str(protocol.encode(protocol.make(
            "checked_in", visit_id="v-1", resume_token="rt", ref=check_in["ref"],
            appointment={"time": "10:30", "specialist_name": "Dr \u202eseno\u202c J\x00",
                         "clinic": "Oban\u200b\u2066", "waiting_area": "Main\x1b[2J"})))
        await ws.send_bytes(b"\x00")
        await ws.send_str(protocol.encode(protocol.make(
            "message", visit_id="v-1", text="Ring \u202e0080 765 4321\u202c\r\n"
            "\u2067please\u2069\x07", **{"from": "Dr \u200fJ"})))
        await ws.send_str(protocol.encode(protocol.make(
            "help_ack", message="Help \u202ecoming\u202c\x00")))

    hub = await hostile(script)
    media = synthetic_media(160, 120)
    shown = Shown()
    signalling = HubSignalling(hub.url, "kiosk", token="t")
    visit = PatientVisit(signalling, media, listener=shown, sink=LatestFrame(),
                         request_timeout=WAIT)
    caplog.set_level(logging.INFO)
    await visit.connect()
    try:
        result = await visit.check_in("123456")
        assert isinstance(result, CheckedIn)
        appointment = result.appointment
        assert appointment.specialist_name == "Dr seno J"
        assert appointment.clinic == "Oban"
        assert appointment.waiting_area == "Main[2J"
        async with asyncio.timeout(WAIT):
            while not (shown.messages and shown.help):
                shown.changed.clear()
                await shown.changed.wait()
        assert shown.messages == [("Ring 0080 765 4321\nplease", "Dr J")]
        assert shown.help == ["Help coming"]
    finally:
        await visit.close()
        await media.aclose()
    assert_no_traceback(caplog)
