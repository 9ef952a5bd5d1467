"""The waiting list snapshot: shape, who sees what (waiting areas, sites), the size limit."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from kiosk import protocol
from kiosk.hub.models import ADMIN, CLINICIAN, SITE_STAFF, AppointmentRecord, KioskRecord, Scope
from kiosk.hub.presence import HelpRequest, LiveVisit, Presence, iso, sees_help, sees_visit


def _appointment(area: int = 2, patient_name: str | None = None) -> AppointmentRecord:
    return AppointmentRecord(id=1, starts_at=1_750_000_000.0, waiting_area_id=area,
                             waiting_area_name="Hall", service_id=1, service_name="Cardiology",
                             specialist_id=None, specialist_name=None, patient_name=patient_name,
                             code_expires_at=1_750_040_000.0, code_used_at=None)


def _visit(n: int, area: int = 2, site: int = 1, checks: dict[str, Any] | None = None,
           patient_name: str | None = None) -> LiveVisit:
    return LiveVisit(id=f"visit{n}", resume_hash="r" * 64,
                     appointment=_appointment(area, patient_name),
                     checked_in_at=1_750_000_000.0 + n,
                     kiosk=KioskRecord(n, site, "Room 2", None, 0, f"Site {site}"),
                     patient=None, checks=checks or {})


def _clinician(*areas: int, help_sites: tuple[int, ...] = ()) -> Scope:
    return Scope(CLINICIAN, frozenset(areas), frozenset(), frozenset(help_sites))


def _staff(*sites: int) -> Scope:
    return Scope(SITE_STAFF, frozenset(), frozenset(sites), frozenset())


def test_a_clinician_sees_their_waiting_areas_from_every_site_in_order() -> None:
    presence = Presence()
    for visit in (_visit(2, site=5), _visit(1), _visit(3, area=9)):
        presence.visits[visit.id] = visit
    msg = presence.waiting_list(_clinician(2))
    protocol.validate(msg)
    assert [p["visit_id"] for p in msg["patients"]] == ["visit1", "visit2"]
    entry = msg["patients"][0]
    assert entry["status"] == "disconnected"
    assert entry["waiting_since"] == iso(1_750_000_001.0)
    assert entry["waiting_since"].endswith("Z")
    assert entry["waiting_area"] == {"id": 2, "name": "Hall"}
    assert (entry["site"], entry["room"]) == ("Site 1", "Room 2")
    assert "service" not in entry  # the waiting area says it; the list stays as small
    assert msg["patients"][1]["site"] == "Site 5"
    assert "patient_name" not in entry


def test_nobody_sees_what_is_not_theirs() -> None:
    visit = _visit(1, area=2, site=1)
    assert sees_visit(_clinician(2), visit)
    assert not sees_visit(_clinician(3), visit)  # a clinician outside the waiting area
    assert sees_visit(_staff(1), visit)
    assert not sees_visit(_staff(2), visit)  # staff of another site
    assert not sees_visit(Scope(ADMIN, frozenset(), frozenset(), frozenset()), visit)
    kiosk = visit.kiosk
    assert kiosk is not None
    assert sees_help(_staff(1), kiosk)
    assert not sees_help(_staff(2), kiosk)
    assert sees_help(_clinician(2, help_sites=(1,)), kiosk)
    assert not sees_help(_clinician(2), kiosk)  # a member of the area, not of the site's service
    presence = Presence()
    presence.visits[visit.id] = visit
    presence.help_requests[7] = HelpRequest("help-7", KioskRecord(7, 2, "Room 9", None, 0), 0.0)
    assert presence.waiting_list(_clinician(3))["patients"] == []
    assert [p["visit_id"] for p in presence.waiting_list(_staff(2))["patients"]] == ["help-7"]


def test_site_staff_see_only_name_time_service_and_step() -> None:
    presence = Presence()
    visit = _visit(1, checks={"camera": "ok"}, patient_name="Ann")
    visit.help_requested = True
    presence.visits[visit.id] = visit
    msg = presence.waiting_list(_staff(1))
    protocol.validate(msg)
    [entry] = msg["patients"]
    assert entry["patient_name"] == "Ann"
    assert (entry["status"], entry["service"], entry["site"]) == ("disconnected", "Cardiology",
                                                                  "Site 1")
    assert entry["appointment_time"] == iso(1_750_000_000.0)
    assert entry["checks"] == {}
    assert entry["waiting_area"] is None
    assert entry["specialist_name"] is None
    assert "joined_by" not in entry


@pytest.mark.expect_log(r"waiting list .* over the size limit", logger="kiosk.hub.presence")
def test_an_overfull_list_is_shortened_to_fit() -> None:
    presence = Presence()
    big: dict[str, Any] = {"camera": "ok", "detail": "x" * 4000}
    for n in range(40):
        visit = _visit(n, checks=big)
        presence.visits[visit.id] = visit
    msg = presence.waiting_list(_clinician(2))
    assert len(json.dumps(msg)) <= protocol.MAX_MESSAGE_BYTES
    protocol.encode(msg)
    assert len(msg["patients"]) == 40  # short summaries let everyone fit
    assert msg["patients"][0]["checks"] == {"camera": "ok"}


@pytest.mark.expect_log(r"waiting list .* over the size limit", logger="kiosk.hub.presence")
def test_a_cut_list_is_a_warning_once_a_minute_not_on_every_change(
        caplog: pytest.LogCaptureFixture) -> None:
    presence = Presence()
    big: dict[str, Any] = {"camera": "ok", "detail": "x" * 4000}
    for n in range(40):
        visit = _visit(n, checks=big)
        presence.visits[visit.id] = visit
    caplog.set_level(logging.DEBUG, logger="kiosk.hub.presence")
    for _ in range(5):
        presence.waiting_list(_clinician(2))
    levels = [r.levelno for r in caplog.records if "over the size limit" in r.getMessage()]
    assert levels == [logging.WARNING] + [logging.DEBUG] * 4
