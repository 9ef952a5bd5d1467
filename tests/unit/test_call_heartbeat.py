"""A hub that stops answering (a stalled network, a frozen process) is noticed within 5 s by
the kiosk's signalling client, which then reconnects (issue: a 15 s cut was noticed only by a
20 s heartbeat). A real aiohttp WebSocket server on 127.0.0.1 that stops reading stands in."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiohttp import web

from kiosk.call.signalling import HEARTBEAT_S, HubSignalling
from kiosk.hub.config import HubConfig
from tests.unit.test_call_hostile_hub import HostileHub, until

DETECT_WITHIN_S = 5.0


def test_both_sides_ping_often_enough_to_notice_a_dead_socket_within_5_s() -> None:
    # aiohttp closes a socket whose pong is not back within half the ping interval
    assert HEARTBEAT_S * 1.5 <= DETECT_WITHIN_S
    hub_heartbeat = HubConfig().heartbeat
    assert hub_heartbeat is not None
    assert hub_heartbeat * 1.5 <= DETECT_WITHIN_S


@pytest.mark.expect_log(r"lost the hub connection", logger="kiosk.call.signalling")
# the silent stand-in's handler fails once its socket was dropped under it: the test's harness
@pytest.mark.expect_log(r"Error handling request", logger="aiohttp.server")
async def test_a_hub_that_stops_answering_is_noticed_within_5_s_and_reconnected() -> None:
    stalled, release = asyncio.Event(), asyncio.Event()

    async def script(ws: web.WebSocketResponse, n: int) -> None:
        if n == 0:  # the first connection goes silent: no reading, so no pong to any ping
            stalled.set()
            await release.wait()

    hub = HostileHub(script)
    await hub.start()
    client = HubSignalling(hub.url, "kiosk", token="t", backoff=(0.05, 0.2))
    links: list[tuple[bool, float]] = []
    client.add_link_listener(lambda up: links.append((up, time.monotonic())))
    try:
        await client.connect()
        await asyncio.wait_for(stalled.wait(), 5)
        since = time.monotonic()
        await until(lambda: any(not up for up, _ in links), within=DETECT_WITHIN_S + 2)
        lost_at = next(at for up, at in links if not up)
        assert lost_at - since <= DETECT_WITHIN_S
        await until(lambda: hub.connections == 2 and client.connected, within=5)
    finally:
        release.set()
        await client.close()
        await hub.stop()
