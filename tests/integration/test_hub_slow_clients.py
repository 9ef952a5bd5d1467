"""Slow and half-sent HTTP requests (slowloris) against a real hub on 127.0.0.1.

A connection that has not sent a whole request's headers within ``header_timeout`` is closed; a
request body that does not arrive within ``body_timeout`` is answered 408 and its connection
closed. WebSockets, once upgraded, are not touched by either, and other clients are served
throughout.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

pytestmark = pytest.mark.integration


async def _eof(reader: asyncio.StreamReader, within: float) -> bytes:
    """Everything the hub sends until it closes the connection (fails if it does not)."""
    return await asyncio.wait_for(reader.read(), within)


async def test_half_sent_headers_are_dropped_and_others_are_served(hub_factory: Any) -> None:
    hub = await hub_factory(header_timeout=1.0)
    host, port = hub.url.removeprefix("http://").split(":")
    conns = []
    started = time.monotonic()
    for _ in range(100):
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        conns.append((reader, writer))
    # Meanwhile a normal client is answered at once, and a WebSocket client stays connected
    # for longer than the header time-out.
    peer = await hub.patient()
    async with aiohttp.ClientSession() as session, session.get(f"{hub.url}/healthz") as resp:
        assert resp.status == 200
    results = await asyncio.gather(*(_eof(reader, 5.0) for reader, _ in conns))
    elapsed = time.monotonic() - started
    assert all(r == b"" for r in results)  # closed without an answer: nothing to parse
    assert elapsed < 4.0
    await asyncio.sleep(0.5)  # past the header time-out for the WebSocket too
    await peer.send("ping", sent_at=7)
    assert (await peer.expect("pong"))["sent_at"] == 7
    for _, writer in conns:
        writer.close()


async def test_a_slow_trickle_of_headers_is_dropped_too(hub_factory: Any) -> None:
    """Sending a byte now and then does not keep a request alive (the time-out is total)."""
    hub = await hub_factory(header_timeout=1.0)
    host, port = hub.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
    started = time.monotonic()
    with pytest.raises((ConnectionResetError, BrokenPipeError)):  # noqa: PT012
        while time.monotonic() - started < 5.0:
            writer.write(b"X-Slow: 1\r\n")
            await writer.drain()
            if reader.at_eof() or writer.transport.is_closing():
                raise ConnectionResetError
            await asyncio.sleep(0.2)
    assert time.monotonic() - started < 3.0
    writer.close()


@pytest.mark.expect_log(r"body not sent within 1 s", logger="kiosk.hub.api")
async def test_a_body_that_never_arrives_gets_408(hub_factory: Any) -> None:
    hub = await hub_factory(body_timeout=1.0)
    host, port = hub.url.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    writer.write(b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Content-Length: 200\r\n\r\n{\"username\": ")
    started = time.monotonic()
    answer = b""
    while b'"timeout"' not in answer:
        chunk = await asyncio.wait_for(reader.read(4096), 5.0)
        assert chunk, answer
        answer += chunk
    assert answer.startswith(b"HTTP/1.1 408")
    assert time.monotonic() - started < 3.0
    assert await _eof(reader, 5.0) == b""  # and the connection is closed, not kept for more
    writer.close()
    # The hub still signs people in.
    async with aiohttp.ClientSession() as session, session.post(
            f"{hub.url}/api/login",
            json={"username": hub.specialist_username,
                  "password": hub.specialist_password}) as resp:
        assert resp.status == 200
