"""The waiting list snapshot: shape, clinic scoping and the message size limit."""

from __future__ import annotations

import json
from typing import Any

import pytest

from kiosk import protocol
from kiosk.hub.models import AppointmentRecord, KioskRecord
from kiosk.hub.presence import LiveVisit, Presence, iso


def _appointment(clinic_id: int = 1, patient_name: str | None = None) -> AppointmentRecord:
    return AppointmentRecord(id=1, starts_at=1_750_000_000.0, waiting_area_id=2,
                       waiting_area_name="Hall", clinic_id=clinic_id, clinic_name="Leith",
                       specialist_id=None, specialist_name=None, patient_name=patient_name,
                       code_expires_at=1_750_040_000.0, code_used_at=None)


def _visit(n: int, clinic_id: int = 1, checks: dict[str, Any] | None = None) -> LiveVisit:
    return LiveVisit(id=f"visit{n}", resume_hash="r" * 64, appointment=_appointment(clinic_id),
                     checked_in_at=1_750_000_000.0 + n,
                     kiosk=KioskRecord(1, clinic_id, "Room 2", None, 0),
                     patient=None, checks=checks or {})


def test_entries_are_scoped_to_the_clinic_and_ordered() -> None:
    presence = Presence()
    for visit in (_visit(2), _visit(1), _visit(3, clinic_id=9)):
        presence.visits[visit.id] = visit
    msg = presence.waiting_list(1, "Leith")
    protocol.validate(msg)
    assert [p["visit_id"] for p in msg["patients"]] == ["visit1", "visit2"]
    entry = msg["patients"][0]
    assert entry["status"] == "disconnected"
    assert entry["waiting_since"] == iso(1_750_000_001.0)
    assert entry["waiting_since"].endswith("Z")
    assert entry["waiting_area"] == {"id": 2, "name": "Hall"}
    assert entry["room"] == "Room 2"
    assert "patient_name" not in entry


@pytest.mark.expect_log(r"waiting list of clinic", logger="kiosk.hub.presence")
def test_an_overfull_list_is_shortened_to_fit() -> None:
    presence = Presence()
    big: dict[str, Any] = {"camera": "ok", "detail": "x" * 4000}
    for n in range(40):
        visit = _visit(n, checks=big)
        presence.visits[visit.id] = visit
    msg = presence.waiting_list(1, "Leith")
    assert len(json.dumps(msg)) <= protocol.MAX_MESSAGE_BYTES
    protocol.encode(msg)
    assert len(msg["patients"]) == 40  # short summaries let everyone fit
    assert msg["patients"][0]["checks"] == {"camera": "ok"}
