"""The hub's live state in storage, on real SQLite files: a visit is created in the transaction
that spends its code and ended in the one that records its call; a lost visit's code is taken
again only by its own kiosk, once; a database made before live state is upgraded with its data.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk.hub.codes import code_hash, issue_appointment, issue_pairing_code, pair_kiosk, token_hash
from kiosk.hub.liverecords import NewLiveVisit
from kiosk.hub.migrations import LATEST_VERSION, current_version, migrate
from kiosk.hub.models import CallRecord
from kiosk.hub.secretstore import MemorySecretStore
from kiosk.hub.storage import CodeError, Storage, VisitHeld

NOW = 1_750_000_000.0


@dataclass
class Clinic:
    storage: Storage
    secrets: MemorySecretStore
    clinic_id: int
    area_id: int
    kiosk_a: int
    kiosk_b: int

    def code(self, *, valid_hours: float = 2.0) -> tuple[str, str]:
        """A fresh code and its hash."""
        issued = issue_appointment(self.storage, self.secrets, waiting_area_id=self.area_id,
                                   starts_at=NOW, now=NOW, valid_hours=valid_hours)
        return issued.code, code_hash(self.secrets.code_pepper(), issued.code)


@pytest.fixture
def clinic(tmp_path: Path) -> Iterator[Clinic]:
    storage = Storage.open(tmp_path / "hub.sqlite3")
    secrets = MemorySecretStore()
    c = storage.create_clinic("Leith", NOW)
    area = storage.create_waiting_area(c.id, "Hall", NOW)
    kiosks = []
    for room in ("Room 1", "Room 2"):
        code = issue_pairing_code(storage, secrets, clinic_id=c.id, room=room, now=NOW)
        kiosks.append(pair_kiosk(storage, secrets, pairing_code=code, now=NOW)[0].id)
    yield Clinic(storage, secrets, c.id, area.id, kiosks[0], kiosks[1])
    storage.close()


def _new(visit_id: str, kiosk_id: int | None, *, at: float = NOW) -> NewLiveVisit:
    return NewLiveVisit(visit_id=visit_id, resume_hash=token_hash(f"token-{visit_id}"),
                        kiosk_id=kiosk_id, checked_in_at=at, checks_json='{"camera":"ok"}',
                        owner="hub-1")


def _call(visit_id: str, appointment_id: int, clinic_id: int, kiosk_id: int | None,
          reason: str) -> CallRecord:
    return CallRecord(visit_id, appointment_id, clinic_id, kiosk_id, None, NOW, None, NOW + 60,
                      reason, 0, None)


def test_a_check_in_spends_the_code_and_stores_the_visit_together(clinic: Clinic) -> None:
    s = clinic.storage
    _, digest = clinic.code()
    appointment = s.check_in_visit(_new("v1", clinic.kiosk_a), NOW + 1, code_hash=digest)
    assert appointment.code_used_at == NOW + 1
    [live] = s.live_visits()
    assert live.visit_id == "v1"
    assert live.appointment.id == appointment.id
    assert live.kiosk is not None
    assert live.kiosk.id == clinic.kiosk_a
    assert live.resume_hash == token_hash("token-v1")
    assert "token-v1" not in repr(s.connection.execute("SELECT * FROM live_visits").fetchall())
    assert (live.checked_in_at, live.checks_json, live.owner) == (NOW, '{"camera":"ok"}', "hub-1")
    assert live.specialist is None
    assert live.call_state is None
    assert not live.help_requested

    # Another kiosk, a patient's own device: the code is spent.
    for kiosk in (clinic.kiosk_b, None):
        with pytest.raises(CodeError) as used:
            s.check_in_visit(_new("v2", kiosk), NOW + 2, code_hash=digest)
        assert used.value.code == "code_used"
        assert not isinstance(used.value, VisitHeld)
    # The same kiosk (it lost its socket and the patient typed the code again): the visit is
    # still live, so the hub is told which one to hand back.
    with pytest.raises(VisitHeld) as held:
        s.check_in_visit(_new("v3", clinic.kiosk_a), NOW + 2, code_hash=digest)
    assert held.value.visit_id == "v1"
    assert held.value.code == "code_used"
    assert [v.visit_id for v in s.live_visits()] == ["v1"]  # nothing half-written


def test_a_refused_check_in_writes_nothing(clinic: Clinic) -> None:
    s = clinic.storage
    _, digest = clinic.code(valid_hours=1)
    with pytest.raises(CodeError) as late:
        s.check_in_visit(_new("v1", clinic.kiosk_a), NOW + 7200, code_hash=digest)
    assert late.value.code == "code_expired"
    with pytest.raises(CodeError) as bad:
        s.check_in_visit(_new("v1", clinic.kiosk_a), NOW, code_hash="0" * 64)
    assert bad.value.code == "bad_code"
    assert s.live_visits() == []
    assert s.connection.execute("SELECT code_used_at FROM appointments").fetchone()[0] is None


def test_updates_are_written_through_and_column_names_are_checked(clinic: Clinic) -> None:
    s = clinic.storage
    _, digest = clinic.code()
    s.check_in_visit(_new("v1", clinic.kiosk_a), NOW, code_hash=digest)
    spec = s.create_specialist(clinic.clinic_id, "doc", "Dr Doc", "scrypt$x", NOW)
    s.update_live_visit("v1", NOW + 5, "hub-2", {
        "checks": '{"camera":"no"}', "help_requested": 1, "call_state": "connected",
        "specialist_id": spec.id, "started_at": NOW + 4, "offers": 2,
        "quality": '{"patient":{"verdict":"good"}}'})
    [live] = s.live_visits()
    assert live.checks_json == '{"camera":"no"}'
    assert live.help_requested
    assert live.call_state == "connected"
    assert live.offers == 2
    assert live.specialist is not None
    assert live.specialist.id == spec.id
    assert (live.started_at, live.owner, live.updated_at) == (NOW + 4, "hub-2", NOW + 5)
    with pytest.raises(ValueError, match="not a live visit column"):
        s.update_live_visit("v1", NOW, "hub-2", {"visit_id = 'x', checks": "{}"})
    s.claim_live_state("hub-3", NOW + 9)
    assert s.live_visits()[0].owner == "hub-3"


def test_ending_records_the_call_once(clinic: Clinic) -> None:
    s = clinic.storage
    _, digest = clinic.code()
    appointment = s.check_in_visit(_new("v1", clinic.kiosk_a), NOW, code_hash=digest)
    call = _call("v1", appointment.id, clinic.clinic_id, clinic.kiosk_a, "hangup")
    assert s.end_live_visit(call) is True
    assert s.live_visits() == []
    assert s.calls() == [call]
    assert s.end_live_visit(call) is False  # e.g. another hub process ended it first
    assert s.calls() == [call]
    with pytest.raises(CodeError) as used:  # ended by a person: the code stays spent
        s.check_in_visit(_new("v2", clinic.kiosk_a), NOW + 61, code_hash=digest)
    assert used.value.code == "code_used"


def test_a_lost_visits_code_is_taken_again_by_its_own_kiosk_once(clinic: Clinic) -> None:
    s = clinic.storage
    _, digest = clinic.code(valid_hours=1)
    appointment = s.check_in_visit(_new("v1", clinic.kiosk_a), NOW, code_hash=digest)
    s.end_live_visit(_call("v1", appointment.id, clinic.clinic_id, clinic.kiosk_a, "visit_lost"),
                     lost_on_kiosk_id=clinic.kiosk_a)
    for kiosk in (clinic.kiosk_b, None):  # not another kiosk, not a patient's own device
        with pytest.raises(CodeError) as used:
            s.check_in_visit(_new("v2", kiosk), NOW + 70, code_hash=digest)
        assert used.value.code == "code_used"
    with pytest.raises(CodeError) as late:  # not after the code expires
        s.check_in_visit(_new("v2", clinic.kiosk_a), NOW + 3600, code_hash=digest)
    assert late.value.code == "code_expired"
    again = s.check_in_visit(_new("v2", clinic.kiosk_a), NOW + 70, code_hash=digest)
    assert again.id == appointment.id
    assert [v.visit_id for v in s.live_visits()] == ["v2"]
    s.end_live_visit(_call("v2", appointment.id, clinic.clinic_id, clinic.kiosk_a, "hangup"))
    with pytest.raises(CodeError) as once:  # the second visit ended normally: spent for good
        s.check_in_visit(_new("v3", clinic.kiosk_a), NOW + 80, code_hash=digest)
    assert once.value.code == "code_used"


def test_a_prepared_appointment_follows_the_same_rules(clinic: Clinic) -> None:
    s = clinic.storage
    _, digest = clinic.code()
    appointment_id = s.connection.execute(
        "SELECT id FROM appointments WHERE code_hash = ?", (digest,)).fetchone()[0]
    with pytest.raises(CodeError) as other:
        s.check_in_visit(_new("v1", clinic.kiosk_a), NOW, appointment_id=appointment_id,
                         clinic_id=clinic.clinic_id + 1)
    assert other.value.code == "bad_code"
    s.check_in_visit(_new("v1", clinic.kiosk_a), NOW, appointment_id=appointment_id,
                     clinic_id=clinic.clinic_id)
    with pytest.raises(VisitHeld):
        s.check_in_visit(_new("v2", clinic.kiosk_a), NOW, appointment_id=appointment_id,
                         clinic_id=clinic.clinic_id)


def test_help_requests_are_kept_per_kiosk(clinic: Clinic) -> None:
    s = clinic.storage
    s.save_live_help(clinic.kiosk_a, clinic.clinic_id, NOW, "hub-1", NOW)
    s.save_live_help(clinic.kiosk_a, clinic.clinic_id, NOW + 30, "hub-1", NOW + 30)
    [kept] = s.live_help()
    assert kept.kiosk.id == clinic.kiosk_a
    assert kept.since == NOW  # the first request's time stands
    s.clear_live_help(clinic.kiosk_a)
    assert s.live_help() == []


def test_a_database_from_before_live_state_is_upgraded_with_its_data(tmp_path: Path) -> None:
    """A hub database as the release before live state left it (schema 5): a spent code, a
    recorded call. Opening it migrates; the spent code stays spent."""
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=5) == [1, 2, 3, 4, 5]
    conn.execute("INSERT INTO clinics (name, created_at) VALUES ('Old Clinic', 1)")
    conn.execute("INSERT INTO waiting_areas (clinic_id, name, created_at) VALUES (1, 'Hall', 1)")
    conn.execute("INSERT INTO kiosks (clinic_id, room, token_hash, paired_at) "
                 "VALUES (1, 'Room 1', 'kh', 1)")
    conn.execute("INSERT INTO appointments (waiting_area_id, starts_at, code_hash, "
                 "code_expires_at, code_used_at, created_at) VALUES (1, ?, 'spent', ?, ?, 1)",
                 (NOW, NOW + 3600, NOW))
    conn.execute("INSERT INTO calls (visit_id, appointment_id, clinic_id, checked_in_at, "
                 "ended_at, end_reason) VALUES ('old', 1, 1, ?, ?, 'hangup')", (NOW, NOW + 9))
    conn.close()

    storage = Storage.open(path)
    try:
        assert current_version(storage.connection) == LATEST_VERSION
        assert storage.live_visits() == []
        assert storage.live_help() == []
        assert [c.visit_id for c in storage.calls()] == ["old"]
        with pytest.raises(CodeError) as used:
            storage.check_in_visit(_new("v1", 1), NOW + 10, code_hash="spent")
        assert used.value.code == "code_used"
        appointment = storage.get_appointment(1)
        assert appointment is not None
        assert appointment.code_used_at == NOW
    finally:
        storage.close()
