"""Hub storage on real SQLite files: migrations (fresh and upgrade), hashed codes, single use."""

from __future__ import annotations

import os
import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.feedback.wire import WireAnswer
from kiosk.hub.codes import code_hash, issue_appointment, issue_pairing_code, pair_kiosk, token_hash
from kiosk.hub.migrations import (
    LATEST_VERSION,
    MIGRATIONS,
    MigrationError,
    current_version,
    migrate,
)
from kiosk.hub.models import ADMIN, CLINICIAN, SITE_STAFF, CallRecord
from kiosk.hub.secretstore import MemorySecretStore
from kiosk.hub.storage import CodeError, Conflict, NotFound, Storage, StorageError

NOW = 1_750_000_000.0


@pytest.fixture
def storage(tmp_path: Path) -> Iterator[Storage]:
    s = Storage.open(tmp_path / "hub.sqlite3")
    yield s
    s.close()


def _tables(conn: sqlite3.Connection) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}


def test_fresh_database_is_at_the_latest_version_with_wal_and_foreign_keys(
        storage: Storage) -> None:
    conn = storage.connection
    assert current_version(conn) == LATEST_VERSION
    assert [m.version for m in MIGRATIONS] == list(range(1, LATEST_VERSION + 1))
    assert {"organisations", "services", "sites", "waiting_areas", "accounts",
            "waiting_area_members", "site_staff", "kiosks", "pairing_codes", "appointments",
            "calls", "sessions", "schema_version"} <= _tables(conn)
    assert not {"clinics", "specialists"} & _tables(conn)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute("INSERT INTO waiting_areas (service_id, name, created_at) VALUES (99, 'x', 0)")


def test_upgrade_path_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == [1]
    conn.execute("INSERT INTO clinics (name, created_at) VALUES ('Old Clinic', 1)")
    conn.execute("INSERT INTO waiting_areas (clinic_id, name, created_at) VALUES (1, 'Hall', 1)")
    assert "appointments" not in _tables(conn)
    conn.close()

    storage = Storage.open(path)  # opening migrates the rest
    try:
        assert current_version(storage.connection) == LATEST_VERSION
        assert storage.get_clinic(1) is not None
        issued = issue_appointment(storage, MemorySecretStore(), waiting_area_id=1,
                                   starts_at=NOW, now=NOW)
        assert issued.appointment.clinic_name == "Old Clinic"
        versions = [r[0] for r in storage.connection.execute(
            "SELECT version FROM schema_version ORDER BY version")]
        assert versions == list(range(1, LATEST_VERSION + 1))
        assert migrate(storage.connection) == []  # idempotent
    finally:
        storage.close()


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    conn = sqlite3.connect(tmp_path / "new.sqlite3", isolation_level=None)
    migrate(conn)
    conn.execute("INSERT INTO schema_version VALUES (?, 'future', 0)", (LATEST_VERSION + 1,))
    with pytest.raises(MigrationError, match="newer"):
        migrate(conn)
    conn.close()


def test_a_failed_step_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from kiosk.hub import migrations
    from kiosk.hub.migrations import Migration

    conn = sqlite3.connect(tmp_path / "bad.sqlite3", isolation_level=None)
    broken = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "broken",
                                     "CREATE TABLE ok_table (x); THIS IS NOT SQL"))
    monkeypatch.setattr(migrations, "MIGRATIONS", broken)
    monkeypatch.setattr(migrations, "LATEST_VERSION", LATEST_VERSION + 1)
    with pytest.raises(sqlite3.OperationalError):
        migrations.migrate(conn)
    assert current_version(conn) == LATEST_VERSION
    assert "ok_table" not in _tables(conn)
    conn.close()


def test_clinics_areas_specialists(storage: Storage) -> None:
    clinic = storage.create_clinic("  Leith   Clinic ", NOW)
    assert clinic.name == "Leith Clinic"
    with pytest.raises(Conflict):
        storage.create_clinic("Leith Clinic", NOW)
    with pytest.raises(StorageError):
        storage.create_clinic("   ", NOW)
    with pytest.raises(NotFound):
        storage.create_waiting_area(42, "Hall", NOW)
    area = storage.create_waiting_area(clinic.id, "Hall", NOW)
    assert storage.get_waiting_area(area.id) == area
    spec = storage.create_specialist(clinic.id, "a.jones", "Dr A Jones", "scrypt$x", NOW)
    assert storage.specialist_by_username("A.JONES") == spec  # usernames ignore case
    with pytest.raises(Conflict):
        storage.create_specialist(clinic.id, "a.jones", "Dr B", "scrypt$x", NOW)
    with pytest.raises(StorageError):
        storage.create_specialist(clinic.id, "bad name", "Dr B", "scrypt$x", NOW)
    storage.set_login_state(spec.id, 3, NOW + 60)
    again = storage.get_specialist(spec.id)
    assert again is not None
    assert (again.failed_logins, again.locked_until) == (3, NOW + 60)


def test_appointment_codes_are_hashed_single_use_and_expire(storage: Storage) -> None:
    secrets = MemorySecretStore()
    clinic = storage.create_clinic("C", NOW)
    area = storage.create_waiting_area(clinic.id, "Hall", NOW)
    issued = issue_appointment(storage, secrets, waiting_area_id=area.id, starts_at=NOW, now=NOW,
                               valid_hours=2, patient_name="Ann")
    code = issued.code
    assert len(code) == 10
    assert code.isdigit()
    assert code not in repr(issued)
    stored = storage.connection.execute("SELECT code_hash FROM appointments").fetchone()[0]
    assert code not in stored
    assert stored == code_hash(secrets.code_pepper(), code)

    digest = code_hash(secrets.code_pepper(), code)
    with pytest.raises(CodeError) as bad:
        storage.redeem_appointment_code(code_hash(secrets.code_pepper(), "000000x"), NOW)
    assert bad.value.code == "bad_code"
    with pytest.raises(CodeError) as late:
        storage.redeem_appointment_code(digest, NOW + 2 * 3600)
    assert late.value.code == "code_expired"
    found = storage.redeem_appointment_code(digest, NOW + 60)
    assert found.patient_name == "Ann"
    assert found.code_used_at == NOW + 60
    with pytest.raises(CodeError) as used:
        storage.redeem_appointment_code(digest, NOW + 61)
    assert used.value.code == "code_used"


def test_active_codes_are_unique(storage: Storage) -> None:
    clinic = storage.create_clinic("C", NOW)
    area = storage.create_waiting_area(clinic.id, "Hall", NOW)
    storage.create_appointment(area.id, None, NOW, None, "h1", NOW + 10, NOW)
    with pytest.raises(Conflict):
        storage.create_appointment(area.id, None, NOW, None, "h1", NOW + 10, NOW)
    storage.redeem_appointment_code("h1", NOW)
    storage.create_appointment(area.id, None, NOW, None, "h1", NOW + 10, NOW)  # used: free again


def test_appointment_specialist_must_work_at_the_clinic(storage: Storage) -> None:
    a = storage.create_clinic("A", NOW)
    b = storage.create_clinic("B", NOW)
    area = storage.create_waiting_area(a.id, "Hall", NOW)
    spec = storage.create_specialist(b.id, "doc", "Dr Doc", "scrypt$x", NOW)
    with pytest.raises(StorageError, match="not a member of waiting area"):
        storage.create_appointment(area.id, spec.id, NOW, None, "h", NOW + 10, NOW)
    with pytest.raises(NotFound):
        storage.create_appointment(area.id, 99, NOW, None, "h", NOW + 10, NOW)
    with pytest.raises(NotFound):
        storage.create_appointment(99, None, NOW, None, "h", NOW + 10, NOW)


def test_pairing_kiosks_and_tokens(storage: Storage) -> None:
    secrets = MemorySecretStore()
    clinic = storage.create_clinic("C", NOW)
    code = issue_pairing_code(storage, secrets, clinic_id=clinic.id, room="Room 2", now=NOW)
    kiosk, token = pair_kiosk(storage, secrets, pairing_code=code, now=NOW + 5, name="Front")
    assert (kiosk.room, kiosk.name, kiosk.clinic_id) == ("Room 2", "Front", clinic.id)
    assert storage.kiosk_by_token(token_hash(token)) == kiosk
    assert storage.kiosk_by_token(token_hash(token + "x")) is None
    rows = storage.connection.execute("SELECT token_hash FROM kiosks").fetchall()
    assert token not in str(rows)
    with pytest.raises(CodeError) as used:
        pair_kiosk(storage, secrets, pairing_code=code, now=NOW + 6)
    assert used.value.code == "code_used"
    late = issue_pairing_code(storage, secrets, clinic_id=clinic.id, room="Room 3", now=NOW)
    with pytest.raises(CodeError) as expired:
        pair_kiosk(storage, secrets, pairing_code=late, now=NOW + 15 * 60 + 1)
    assert expired.value.code == "code_expired"
    with pytest.raises(NotFound):
        issue_pairing_code(storage, secrets, clinic_id=99, room="Room", now=NOW)


def test_sessions_and_calls(storage: Storage) -> None:
    clinic = storage.create_clinic("C", NOW)
    spec = storage.create_specialist(clinic.id, "doc", "Dr Doc", "scrypt$x", NOW)
    storage.create_session("s1", spec.id, "csrf", NOW, NOW + 100)
    session = storage.get_session("s1", NOW + 50)
    assert session is not None
    assert session.csrf_token == "csrf"
    assert storage.get_session("s1", NOW + 100) is None  # expired
    storage.delete_session("s1")
    assert storage.get_session("s1", NOW) is None
    storage.create_session("s2", spec.id, "csrf", NOW, NOW + 100)
    storage.set_password_hash(spec.id, "scrypt$new")  # a new password ends sessions
    assert storage.get_session("s2", NOW) is None

    record = CallRecord("visit1", None, clinic.id, None, spec.id, NOW, NOW + 5, NOW + 65,
                        "hangup", 1, '{"patient": {"verdict": "good"}}')
    storage.record_call(record)
    assert storage.calls() == [record]


def test_appointments_between(storage: Storage) -> None:
    secrets = MemorySecretStore()
    clinic = storage.create_clinic("C", NOW)
    area = storage.create_waiting_area(clinic.id, "Hall", NOW)
    for offset in (7200, 0, 86_400):
        issue_appointment(storage, secrets, waiting_area_id=area.id, starts_at=NOW + offset,
                          now=NOW)
    found = storage.appointments_between(NOW, NOW + 86_400)
    assert [a.starts_at for a in found] == [NOW, NOW + 7200]


def test_the_database_and_its_wal_are_private_whatever_the_umask(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        db = tmp_path / "hub.sqlite3"
        storage = Storage.open(db)
        storage.create_clinic("A clinic", 0.0)  # writes: the -wal and -shm files now exist
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            assert path.exists()
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        storage.close()
        loose = tmp_path / "loose.sqlite3"
        loose.touch(mode=0o644)
        os.chmod(loose, 0o644)
        Storage.open(loose).close()
        assert stat.S_IMODE(loose.stat().st_mode) == 0o600
    finally:
        os.umask(old)


def test_feedback_is_seen_only_within_an_accounts_scope(storage: Storage) -> None:
    """Answers are the kiosk's site's: its staff see them, and clinicians of the site's own
    service (an old clinic's); staff of another site, a clinician of another service and an
    admin see none."""
    a = storage.create_clinic("A", NOW)
    b = storage.create_clinic("B", NOW)
    area_a = storage.create_waiting_area(a.id, "Hall", NOW)
    storage.create_waiting_area(b.id, "Hall", NOW)
    doc_a = storage.create_specialist(a.id, "doc.a", "Dr A", "scrypt$x", NOW)
    doc_b = storage.create_specialist(b.id, "doc.b", "Dr B", "scrypt$x", NOW)
    staff_a = storage.create_account(SITE_STAFF, "desk.a", "Desk A", "scrypt$x", NOW)
    storage.add_site_staff(staff_a.id, a.id, NOW)
    staff_b = storage.create_account(SITE_STAFF, "desk.b", "Desk B", "scrypt$x", NOW)
    storage.add_site_staff(staff_b.id, b.id, NOW)
    org = storage.get_site(a.id)
    assert org is not None
    assert org.organisation_id is not None
    admin = storage.create_account(ADMIN, "it", "IT", "scrypt$x", NOW,
                                   organisation_id=org.organisation_id)
    answer = WireAnswer(answer_id="00000000-0000-4000-8000-000000000001", revision=1,
                        response_id="00000000-0000-4000-8000-000000000002", survey_id="s",
                        survey_version=1, language="en", context={}, question_id="overall",
                        value=5, created_at=int(NOW))
    assert storage.store_feedback(a.id, None, [answer], NOW) == 1

    def seen(account_id: int) -> int:
        account = storage.get_specialist(account_id)
        assert account is not None
        return len(storage.feedback_answers(scope=storage.scope(account)))

    assert seen(staff_a.id) == 1
    assert seen(doc_a.id) == 1
    assert seen(staff_b.id) == 0
    assert seen(doc_b.id) == 0
    assert seen(admin.id) == 0
    # A clinician made a member of A's waiting area later sees them too.
    other = storage.create_account(CLINICIAN, "dr.new", "Dr New", "scrypt$x", NOW)
    assert seen(other.id) == 0
    storage.add_waiting_area_member(other.id, area_a.id, NOW)
    assert seen(other.id) == 1
