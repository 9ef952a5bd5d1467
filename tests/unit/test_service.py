"""kiosk.service: whether the kiosk can serve patients, and the reason for staff when not."""

from __future__ import annotations

import pytest

from kiosk.service import NO_HUB, NO_KEYRING, NOT_PAIRED, READY, service_state

HUB = "https://hub.example.nhs.scot"


def test_a_paired_kiosk_with_a_secure_store_and_a_hub_serves_patients() -> None:
    state = service_state(hub_url=HUB, store_secure=True, store_problem=None, paired=True)
    assert state.ready
    assert state.code == READY
    assert state.reason == ""


@pytest.mark.parametrize("paired", [True, False])
def test_no_secure_keyring_is_out_of_service_with_the_stores_own_reason(paired: bool) -> None:
    state = service_state(hub_url=HUB, store_secure=False,
                          store_problem="The keyring (fail.Keyring) is not secure.",
                          paired=paired)
    assert not state.ready
    assert state.code == NO_KEYRING
    assert state.reason == "The keyring (fail.Keyring) is not secure."
    fallback = service_state(hub_url=HUB, store_secure=False, store_problem=None, paired=False)
    assert fallback.code == NO_KEYRING
    assert "keyring" in fallback.reason.lower()


def test_an_unpaired_kiosk_is_out_of_service_and_staff_are_told_how_to_pair() -> None:
    state = service_state(hub_url=HUB, store_secure=True, store_problem=None, paired=False)
    assert not state.ready
    assert state.code == NOT_PAIRED
    assert "Pairing" in state.reason


@pytest.mark.parametrize("hub", ["", "   "])
def test_no_hub_address_comes_before_pairing(hub: str) -> None:
    state = service_state(hub_url=hub, store_secure=True, store_problem=None, paired=True)
    assert not state.ready
    assert state.code == NO_HUB
    assert "hub address" in state.reason


def test_the_keyring_comes_first_since_nothing_can_be_paired_without_it() -> None:
    state = service_state(hub_url="", store_secure=False, store_problem=None, paired=False)
    assert state.code == NO_KEYRING
