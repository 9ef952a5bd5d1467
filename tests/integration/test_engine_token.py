"""The engine reads the device token through its provider each time, against a real hub: an
unpaired kiosk never checks a patient in as "their own device", and pairing takes effect for
the next visit without a restart."""

from __future__ import annotations

from typing import Any

import pytest

from kiosk.call.patient import CheckedIn, CheckInFailed
from kiosk.engine import NOT_PAIRED, KioskEngine
from tests.integration.test_kiosk_engine import Recorder, synthetic


@pytest.mark.expect_log(r"no device token: the kiosk is not paired", logger="kiosk.engine")
async def test_an_unpaired_kiosk_refuses_check_in_and_pairing_applies_at_once(hub: Any) -> None:
    kept: dict[str, str] = {}
    reads: list[str | None] = []

    def token() -> str | None:
        reads.append(kept.get("device-token"))
        return kept.get("device-token")

    rec = Recorder()
    engine = KioskEngine(hub.url, synthetic, rec, token=token)
    watcher = await hub.specialist()
    code = hub.new_appointment_code()
    try:
        result = await engine.check_in(code)
        assert isinstance(result, CheckInFailed)
        assert result.code == NOT_PAIRED
        assert engine.visit is None  # no connection to the hub at all, as patient or kiosk
        assert not await engine.begin_visit()
        assert rec.links == [False]

        kept["device-token"] = hub.new_kiosk_token()  # what pairing in admin mode stores
        result = await engine.check_in(code)  # the same code: it was never spent
        assert isinstance(result, CheckedIn)
        listed = (await watcher.expect("waiting_list"))["patients"]
        while not listed:
            listed = (await watcher.expect("waiting_list"))["patients"]
        assert listed[0].get("room")  # a clinic kiosk: the specialist sees its room
        assert reads[-1] == kept["device-token"]
    finally:
        await engine.close()
