"""Signalling transports: the in-memory pair, and the hub client over a real local WebSocket
(a small scripted server speaking the hub's wire format, including malformed frames)."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from aiohttp import WSMsgType, web

from kiosk import protocol
from kiosk.call.signalling import (
    INBOX_LIMIT,
    LOGIN_FAILED,
    UNREACHABLE,
    HubSignalling,
    MemorySignalling,
    SignallingError,
)

Script = Callable[["FakeHub", web.WebSocketResponse, dict[str, Any]], Awaitable[None]]


class FakeHub:
    """A scripted stand-in for the hub's ``/ws`` and ``/api/login`` on 127.0.0.1."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.hellos: list[dict[str, Any]] = []
        self.cookies: list[str | None] = []
        self.origins: list[str | None] = []
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.logins: list[dict[str, Any]] = []
        self.login_status = 200
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/ws", self._ws)
        app.router.add_post("/api/login", self._login)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _login(self, request: web.Request) -> web.Response:
        self.logins.append(await request.json())
        if self.login_status != 200:
            return web.json_response({"error": "no"}, status=self.login_status)
        response = web.json_response({"csrf_token": "c", "specialist": {"id": 1}})
        response.set_cookie("clinic_session", "s3ssion", httponly=True, samesite="Strict")
        return response

    async def _ws(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.cookies.append(request.cookies.get("clinic_session"))
        self.origins.append(request.headers.get("Origin"))
        first = await ws.receive()
        hello = protocol.decode(first.data)
        self.hellos.append(hello)
        await self.script(self, ws, hello)
        if not ws.closed:
            async for frame in ws:
                if frame.type == WSMsgType.TEXT:
                    self.received.put_nowait(protocol.decode(frame.data))
        return ws


def welcome(**extra: Any) -> str:
    return protocol.encode(protocol.make("welcome", role="patient", hub="fake/1",
                                         ice_servers=[], **extra))


@pytest.fixture
async def hub_factory() -> AsyncIterator[Callable[[Script], Awaitable[FakeHub]]]:
    hubs: list[FakeHub] = []

    async def make(script: Script) -> FakeHub:
        hub = FakeHub(script)
        await hub.start()
        hubs.append(hub)
        return hub

    yield make
    for hub in hubs:
        await hub.stop()


# --- the in-memory pair ---

@pytest.mark.expect_log(
    r"skipped a bad message from peer: bad_message \(message is",
    r"skipped a bad message from peer: unsupported_version",
    logger="kiosk.call.signalling")
async def test_memory_pair_delivers_validated_messages() -> None:
    a, b = MemorySignalling.pair()
    await a.connect()
    assert await a.send(protocol.make("ping", sent_at=1.0))
    assert await b.receive() == {"v": 1, "type": "ping", "sent_at": 1.0}
    with pytest.raises(protocol.ProtocolError):
        await a.send({"v": 1, "type": "no_such_type"})
    b.deliver_raw("not json")
    b.deliver_raw(json.dumps({"v": 99, "type": "ping"}))
    await a.send(protocol.make("pong"))
    assert (await b.receive() or {})["type"] == "pong"  # the bad frames were skipped
    await b.close()
    assert await a.receive() is None
    assert await a.receive() is None
    assert not await a.send(protocol.make("ping"))
    assert [m async for m in b] == []


# --- the hub client ---

@pytest.mark.expect_log(
    r"further bad messages from the hub are counted, not logged",
    r"skipped a bad message from the hub: a binary frame",
    r"skipped a bad message from the hub: bad_message \(message is",
    r"skipped a bad message from the hub: bad_message \(offer",
    r"skipped a bad message from the hub: too_large \(message of",
    r"skipped a bad message from the hub: unsupported_version",
    logger="kiosk.call.signalling")
async def test_hello_welcome_and_bad_frames_are_skipped(
        hub_factory: Callable[[Script], Awaitable[FakeHub]]) -> None:
    async def script(hub: FakeHub, ws: web.WebSocketResponse, hello: dict[str, Any]) -> None:
        await ws.send_str(welcome())
        await ws.send_str("{not json")
        await ws.send_str(json.dumps({"v": 1, "type": "offer"}))  # missing fields
        await ws.send_str(json.dumps({"v": 2, "type": "ping"}))  # newer version
        await ws.send_bytes(b"\x00\x01")
        await ws.send_str("x" * (protocol.MAX_MESSAGE_BYTES + 1))
        await ws.send_str(protocol.encode(protocol.make("help_ack", message="coming")))

    hub = await hub_factory(script)
    client = HubSignalling(hub.url, "kiosk", token="device-token")
    await client.connect()
    try:
        assert client.welcome is not None
        assert client.welcome["hub"] == "fake/1"
        assert hub.hellos[0]["role"] == "kiosk"
        assert hub.hellos[0]["token"] == "device-token"
        assert "resume" not in hub.hellos[0]
        assert hub.origins == [None]  # no Origin header: the hub checks it only when present
        async with asyncio.timeout(5):
            msg = await client.receive()
        assert msg == {"v": 1, "type": "help_ack", "message": "coming"}
        assert await client.send(protocol.make("help", reason="test"))
        async with asyncio.timeout(5):
            assert (await hub.received.get())["type"] == "help"
    finally:
        await client.close()
    assert await client.receive() is None
    assert not await client.send(protocol.make("ping"))


async def test_refusal_before_welcome_raises(
        hub_factory: Callable[[Script], Awaitable[FakeHub]]) -> None:
    async def script(hub: FakeHub, ws: web.WebSocketResponse, hello: dict[str, Any]) -> None:
        await ws.send_str(protocol.encode(protocol.error("auth_failed", "Unknown kiosk.",
                                                         fatal=True)))
        await ws.close()

    hub = await hub_factory(script)
    client = HubSignalling(hub.url, "kiosk", token="wrong")
    with pytest.raises(SignallingError) as caught:
        await client.connect()
    assert caught.value.code == "auth_failed"
    assert caught.value.fatal
    assert "wrong" not in str(caught.value)
    await client.close()


async def test_unreachable_hub() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = HubSignalling(f"http://127.0.0.1:{port}", "patient", timeout=2.0)
    with pytest.raises(SignallingError) as caught:
        await client.connect()
    assert caught.value.code == UNREACHABLE
    await client.close()


@pytest.mark.expect_log(r"lost the hub connection \(close code", logger="kiosk.call.signalling")
async def test_dropped_socket_reconnects_and_resumes_the_visit(
        hub_factory: Callable[[Script], Awaitable[FakeHub]]) -> None:
    async def script(hub: FakeHub, ws: web.WebSocketResponse, hello: dict[str, Any]) -> None:
        if "resume" not in hello:
            await ws.send_str(welcome())
            check_in = protocol.decode((await ws.receive()).data)
            assert check_in["type"] == "check_in"
            await ws.send_str(protocol.encode(protocol.make(
                "checked_in", visit_id="v-1", resume_token="r-secret",
                appointment={"clinic": "Oban"}, ref=check_in.get("ref"))))
            await ws.close()  # the network drops
        else:
            resumed = {"visit_id": "v-1", "resume_token": "r-secret2", "appointment": {}}
            await ws.send_str(welcome(resumed=resumed))

    hub = await hub_factory(script)
    client = HubSignalling(hub.url, "patient", backoff=(0.05, 0.2))
    links: list[bool] = []
    client.add_link_listener(links.append)
    await client.connect()
    try:
        await client.send(protocol.make("check_in", code="ABC123"))
        async with asyncio.timeout(10):
            checked = await client.receive()
            assert checked is not None
            assert checked["type"] == "checked_in"
            again = await client.receive()
        assert again is not None
        assert again["type"] == "welcome"
        assert again["resumed"]["visit_id"] == "v-1"
        assert hub.hellos[1]["resume"] == {"visit_id": "v-1", "resume_token": "r-secret"}
        assert links == [False, True]
        assert client.reconnects == 1
        assert client.connected
    finally:
        await client.close()


async def test_specialist_signs_in_and_carries_the_session_cookie(
        hub_factory: Callable[[Script], Awaitable[FakeHub]]) -> None:
    async def script(hub: FakeHub, ws: web.WebSocketResponse, hello: dict[str, Any]) -> None:
        await ws.send_str(welcome())

    hub = await hub_factory(script)
    client = HubSignalling(hub.url, "specialist", login=("drsmith", "pw"))
    await client.connect()
    await client.close()
    assert hub.logins == [{"username": "drsmith", "password": "pw"}]
    assert hub.cookies == ["s3ssion"]
    assert hub.hellos[0]["role"] == "specialist"

    hub.login_status = 401
    refused = HubSignalling(hub.url, "specialist", login=("drsmith", "bad"))
    with pytest.raises(SignallingError) as caught:
        await refused.connect()
    assert caught.value.code == LOGIN_FAILED
    assert "bad" not in str(caught.value)
    await refused.close()


@pytest.mark.expect_log(
    r"gave up reconnecting to the hub after",
    r"lost the hub connection \(close code",
    logger="kiosk.call.signalling")
async def test_gives_up_after_the_outage_limit(
        hub_factory: Callable[[Script], Awaitable[FakeHub]]) -> None:
    async def script(hub: FakeHub, ws: web.WebSocketResponse, hello: dict[str, Any]) -> None:
        await ws.send_str(welcome())
        await ws.close()

    hub = await hub_factory(script)
    client = HubSignalling(hub.url, "patient", backoff=(0.05, 0.05), max_outage=0.3)
    await client.connect()
    await hub.stop()  # nothing to come back to
    try:
        async with asyncio.timeout(10):
            while (msg := await client.receive()) is not None:
                assert msg["type"] == "welcome"  # a reconnect that won the race with stop()
    finally:
        await client.close()


async def test_closing_with_a_full_inbox_still_ends_receive(
        hub_factory: Callable[[Script], Awaitable[FakeHub]]) -> None:
    async def script(hub: FakeHub, ws: web.WebSocketResponse, hello: dict[str, Any]) -> None:
        await ws.send_str(welcome())
        ping = protocol.encode(protocol.make("ping"))
        for _ in range(INBOX_LIMIT + 50):
            await ws.send_str(ping)

    hub = await hub_factory(script)
    client = HubSignalling(hub.url, "patient")
    await client.connect()
    async with asyncio.timeout(10):
        while client.pending < INBOX_LIMIT:  # noqa: ASYNC110 - a condition with no event
            await asyncio.sleep(0.01)
    await client.close()  # no room for the end marker: receive() must end all the same
    async with asyncio.timeout(10):
        queued = [msg async for msg in client]
    assert len(queued) == INBOX_LIMIT
    assert {m["type"] for m in queued} == {"ping"}
    assert await client.receive() is None
