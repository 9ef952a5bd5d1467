"""The hub's bounds on open WebSockets, over real sockets to a real hub on 127.0.0.1 (one
address for every client, as a clinic's kiosks and a hospital's consoles share one behind NAT):
per address only sockets that have proved nothing count (before ``hello``, or a patient's own
device that has not checked in), so kiosks, signed-in consoles and checked-in patients beyond
``max_sockets_per_address`` are still let in while a stranger beyond it is refused; a stranger
that proves itself makes room. Each kiosk and each account holds at most its own bound: the
newest socket wins and the oldest is closed (4003), the others carry on."""

from __future__ import annotations

import aiohttp
import pytest

from kiosk.hub.connection import CLOSE_REPLACED
from kiosk.hub.ws import MAX_SOCKETS_PER_ACCOUNT, MAX_SOCKETS_PER_KIOSK
from tests.integration.conftest import HubFactory, HubHandle, WsPeer


async def _still_answers(*peers: WsPeer) -> None:
    for peer in peers:
        await peer.send("ping", sent_at=1)
        await peer.expect("pong", sent_at=1)


async def _refused_at_upgrade(hub: HubHandle) -> int:
    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await hub.connect(session=session)
    return refused.value.status


@pytest.mark.expect_log(r"too many open from one address", logger="kiosk.hub.ws")
async def test_only_sockets_that_proved_nothing_count_against_the_address(
        hub_factory: HubFactory) -> None:
    hub = await hub_factory(max_sockets_per_address=3)
    kiosks = [await hub.kiosk() for _ in range(8)]  # eight kiosks of one site, one address
    console = await hub.specialist()
    patient = await hub.patient()
    await patient.send("check_in", code=hub.appointment_code)
    await patient.expect("checked_in")
    # Three strangers fill the address's allowance: two that have not said hello, and a
    # patient's own device that has not checked in.
    strangers = [await hub.connect(), await hub.connect(), await hub.patient()]
    assert await _refused_at_upgrade(hub) == 429
    # One proves itself (a paired kiosk's hello): that makes room for another stranger.
    await strangers[0].hello("kiosk", token=hub.new_kiosk_token())
    newcomer = await hub.connect()
    assert await _refused_at_upgrade(hub) == 429
    await newcomer.hello("patient")
    await _still_answers(*kiosks, console, patient, strangers[0], strangers[2], newcomer)


@pytest.mark.expect_log(rf"closed, the oldest of more than {MAX_SOCKETS_PER_KIOSK} sockets of "
                        "one kiosk", logger="kiosk.hub.ws")
async def test_a_kiosks_newest_socket_wins_over_its_oldest(hub: HubHandle) -> None:
    token = hub.new_kiosk_token()
    held = [await hub.kiosk(token) for _ in range(MAX_SOCKETS_PER_KIOSK)]
    other = await hub.kiosk()  # another kiosk's socket is not its business
    newest = await hub.kiosk(token)
    assert await held[0].closed() == CLOSE_REPLACED
    assert held[0].close_reason == "too many connections for this kiosk"
    await _still_answers(*held[1:], newest, other)


@pytest.mark.expect_log(rf"closed, the oldest of more than {MAX_SOCKETS_PER_ACCOUNT} sockets "
                        "of one account", logger="kiosk.hub.ws")
async def test_an_accounts_newest_socket_wins_over_its_oldest(hub: HubHandle) -> None:
    session = hub.client_session()
    await hub.login(session)

    async def console() -> WsPeer:
        peer = await hub.connect(session=session)
        await peer.hello("specialist")
        await peer.expect("waiting_list")
        return peer

    held = [await console() for _ in range(MAX_SOCKETS_PER_ACCOUNT)]
    newest = await console()
    assert await held[0].closed() == CLOSE_REPLACED
    assert held[0].close_reason == "too many connections for this account"
    await _still_answers(*held[1:], newest)
