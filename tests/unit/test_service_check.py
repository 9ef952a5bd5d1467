"""kiosk.service_check: what the kiosk knows itself (a locked keyring is "no secure keyring",
not "not paired"), and a hub that cannot be reached never takes the kiosk out of service."""

from __future__ import annotations

import socket

from keyring.errors import KeyringLocked

from kiosk.secrets import DEVICE_TOKEN, SERVICE, KeyringSecretStore
from kiosk.service import NO_HUB, NO_KEYRING, NOT_PAIRED, READY, TOKEN_REFUSED, service_state
from kiosk.service_check import hub_accepts, hub_state, local_state
from tests.conftest import MemoryKeyring

HUB = "https://hub.example.nhs.scot"


class LockedKeyring(MemoryKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("the collection is locked")


def free_port() -> int:
    with socket.socket() as sock:  # nothing listens there once the socket is closed
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_local_state(memory_keyring: MemoryKeyring) -> None:
    store = KeyringSecretStore()
    assert local_state(HUB, store).code == NOT_PAIRED
    assert local_state("", store).code == NO_HUB
    memory_keyring.set_password(SERVICE, DEVICE_TOKEN, "tok_abc")
    assert local_state(HUB, store).code == READY


def test_a_locked_keyring_is_no_keyring_with_the_stores_words() -> None:
    state = local_state(HUB, KeyringSecretStore(backend=LockedKeyring()))
    assert state.code == NO_KEYRING
    assert "locked or not running" in state.reason
    assert "device-token" in state.reason  # the secret's name, never a value


def test_a_refused_token_says_what_to_do() -> None:
    state = service_state(hub_url=HUB, store_secure=True, store_problem=None, paired=True,
                          token_refused=True)
    assert state.code == TOKEN_REFUSED
    assert "pair it again" in state.reason
    # Not paired or no keyring come first: the hub's word is only about a key we have.
    assert service_state(hub_url=HUB, store_secure=True, store_problem=None, paired=False,
                         token_refused=True).code == NOT_PAIRED


async def test_an_unreachable_hub_changes_nothing(memory_keyring: MemoryKeyring) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    assert await hub_accepts(url, "tok_abc", time_limit=5) is None
    memory_keyring.set_password(SERVICE, DEVICE_TOKEN, "tok_abc")
    assert (await hub_state(url, KeyringSecretStore(), time_limit=5)).code == READY
