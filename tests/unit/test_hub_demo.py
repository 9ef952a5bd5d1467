"""The demo seed: what ``serve --demo``, the kiosk's demo mode and the test fixtures start from."""

from __future__ import annotations

from pathlib import Path

from kiosk.hub.clock import ManualClock
from kiosk.hub.codes import code_hash
from kiosk.hub.demo import DEMO_CLINIC, DEMO_USERNAME, seed_demo
from kiosk.hub.passwords import verify_password
from kiosk.hub.secretstore import MemorySecretStore
from kiosk.hub.storage import Storage


def test_seed_and_reseed(tmp_path: Path) -> None:
    storage = Storage.open(tmp_path / "demo.sqlite3")
    secrets = MemorySecretStore()
    clock = ManualClock(1_750_000_000.0)
    try:
        first = seed_demo(storage, secrets, clock=clock)
        assert first.clinic_name == DEMO_CLINIC
        assert first.specialist_username == DEMO_USERNAME
        assert len(first.specialist_password) >= 12
        assert first.appointment_code not in repr(first)
        assert first.specialist_password not in repr(first)
        appointment = storage.get_appointment(first.appointment_id)
        assert appointment is not None
        assert appointment.starts_at == clock.now()  # due now
        assert appointment.specialist_id == first.specialist_id

        second = seed_demo(storage, secrets, clock=clock)  # the same database again
        assert (second.clinic_id, second.waiting_area_id, second.specialist_id) == (
            first.clinic_id, first.waiting_area_id, first.specialist_id)
        assert second.appointment_id != first.appointment_id
        spec = storage.get_specialist(second.specialist_id)
        assert spec is not None
        assert verify_password(second.specialist_password, spec.password_hash)
        found = storage.redeem_appointment_code(
            code_hash(secrets.code_pepper(), second.appointment_code), clock.now())
        assert found.id == second.appointment_id
    finally:
        storage.close()
