"""Schema 7, "the service as a network", on a database as the release before it left it
(schema 6, filled with the SQL that release wrote): each old clinic becomes an organisation with
one service and one site (same id), specialists become clinicians who are members of their old
clinic's waiting areas, kiosks belong to the old clinic's site, and every row is kept."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk.hub.liverecords import NewLiveVisit
from kiosk.hub.migrations import LATEST_VERSION, MigrationError, current_version, migrate
from kiosk.hub.models import CLINICIAN
from kiosk.hub.presence import sees_help
from kiosk.hub.storage import CodeError, Storage

NOW = 1_750_000_000.0

#: Tables whose rows the old release had, and the name each has now.
KEPT = {"clinics": "sites", "waiting_areas": "waiting_areas", "specialists": "accounts",
        "kiosks": "kiosks", "pairing_codes": "pairing_codes", "appointments": "appointments",
        "calls": "calls", "sessions": "sessions", "kiosk_readiness": "kiosk_readiness",
        "feedback_answers": "feedback_answers", "live_visits": "live_visits",
        "live_help": "live_help"}


def _old_release_database(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    assert migrate(conn, target=6) == [1, 2, 3, 4, 5, 6]
    x = conn.execute
    x("INSERT INTO clinics (name, created_at) VALUES ('Leith', 1), ('Dunbar', 2)")
    x("INSERT INTO waiting_areas (clinic_id, name, created_at) "
      "VALUES (1, 'Hall', 1), (1, 'Annexe', 1), (2, 'Hall', 2)")
    x("INSERT INTO specialists (clinic_id, username, display_name, password_hash, "
      "failed_logins, locked_until, created_at) VALUES "
      "(1, 'a.jones', 'Dr A Jones', 'scrypt$a', 2, 123.0, 1), "
      "(2, 'b.smith', 'Dr B Smith', 'scrypt$b', 0, NULL, 2)")
    x("INSERT INTO sessions (token_hash, specialist_id, csrf_token, created_at, expires_at) "
      "VALUES ('st', 1, 'csrf', 1, ?)", (NOW + 3600,))
    x("INSERT INTO kiosks (clinic_id, room, name, token_hash, paired_at, last_seen) VALUES "
      "(1, 'Room 1', 'Desk', 'k1', 1, 5), (2, 'Room 2', NULL, 'k2', 1, NULL)")
    x("INSERT INTO pairing_codes (clinic_id, room, code_hash, created_at, expires_at, used_at, "
      "kiosk_id) VALUES (1, 'Room 1', 'p1', 1, 2, 1, 1)")
    x("INSERT INTO appointments (waiting_area_id, specialist_id, starts_at, patient_name, "
      "code_hash, code_expires_at, code_used_at, created_at) VALUES "
      "(1, 1, ?, 'Ann', 'c1', ?, ?, 1), (3, NULL, ?, NULL, 'c2', ?, NULL, 1), "
      "(2, NULL, ?, NULL, 'c3', ?, NULL, 1)",
      (NOW, NOW + 3600, NOW, NOW, NOW + 3600, NOW, NOW + 3600))
    x("INSERT INTO calls (visit_id, appointment_id, clinic_id, kiosk_id, specialist_id, "
      "checked_in_at, started_at, ended_at, end_reason, reconnects, quality) VALUES "
      "('old', 1, 1, 1, 1, 1, 2, 3, 'hangup', 1, '{\"rtt\":1}')")
    x("INSERT INTO kiosk_readiness VALUES (1, 4, 1, '{\"fit\":true}')")
    x("INSERT INTO feedback_answers (answer_id, revision, response_id, clinic_id, kiosk_id, "
      "waiting_area, survey_id, survey_version, language, context, question_id, value, "
      "created_at, received_at) VALUES ('a1', 2, 'r1', 2, 2, 'main', 's', 1, 'en', '{}', "
      "'overall', '5', 7, 8)")
    x("INSERT INTO live_visits (visit_id, appointment_id, clinic_id, kiosk_id, resume_hash, "
      "checked_in_at, checks, help_requested, call_state, specialist_id, started_at, offers, "
      "quality, owner, updated_at) VALUES ('v1', 1, 1, 1, 'rh', ?, '{\"camera\":\"ok\"}', 1, "
      "'connected', 1, ?, 2, NULL, 'hub-old', ?)", (NOW, NOW + 1, NOW + 2))
    x("INSERT INTO live_help (kiosk_id, clinic_id, since, owner, updated_at) "
      "VALUES (2, 2, ?, 'hub-old', ?)", (NOW, NOW))
    counts = {t: x(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in KEPT}  # noqa: S608
    conn.close()
    return counts


def test_an_old_database_becomes_the_network_model_without_loss(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    before = _old_release_database(path)
    storage = Storage.open(path)
    try:
        db = storage.connection
        assert current_version(db) == LATEST_VERSION
        assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        after = {old: db.execute(f"SELECT COUNT(*) FROM {new}").fetchone()[0]  # noqa: S608
                 for old, new in KEPT.items()}
        assert after == before

        # Each old clinic: an organisation, one service and one site, all with its id and name.
        for cid, name in ((1, "Leith"), (2, "Dunbar")):
            org, service, site = (storage.get_organisation(cid), storage.get_service(cid),
                                  storage.get_site(cid))
            assert org is not None
            assert org.name == name
            assert service is not None
            assert (service.organisation_id, service.name) == (cid, name)
            assert site is not None
            assert (site.name, site.organisation_id, site.service_id) == (name, cid, cid)
        assert [a.service_id for a in (storage.get_waiting_area(i) for i in (1, 2, 3)) if a] \
            == [1, 1, 2]

        # Specialists: clinicians, members of their old clinic's waiting areas, same sign-in.
        jones = storage.specialist_by_username("A.Jones")
        assert jones is not None
        assert (jones.role, jones.password_hash, jones.failed_logins, jones.locked_until) == (
            CLINICIAN, "scrypt$a", 2, 123.0)
        scope = storage.scope(jones)
        assert scope.waiting_areas == {1, 2}
        assert scope.help_sites == {1}
        smith = storage.specialist_by_username("b.smith")
        assert smith is not None
        assert storage.scope(smith).waiting_areas == {3}
        session = storage.get_session("st", NOW)
        assert session is not None
        assert session.specialist_id == jones.id

        # Kiosks belong to the old clinic's site; appointments are bound to it.
        kiosk = storage.kiosk_by_token("k1")
        assert kiosk is not None
        assert (kiosk.site_id, kiosk.site_name, kiosk.room, kiosk.name, kiosk.last_seen) == (
            1, "Leith", "Room 1", "Desk", 5)
        appointment = storage.get_appointment(1)
        assert appointment is not None
        assert (appointment.site_id, appointment.service_name, appointment.specialist_name,
                appointment.patient_name, appointment.code_used_at) == (
            1, "Leith", "Dr A Jones", "Ann", NOW)

        # Calls, readiness, feedback and the live state keep their values.
        [call] = storage.calls()
        assert (call.visit_id, call.clinic_id, call.kiosk_id, call.specialist_id,
                call.reconnects, call.quality) == ("old", 1, 1, 1, 1, '{"rtt":1}')
        readiness = {k["id"]: k["readiness"] for k in storage.kiosks_with_readiness()}
        assert readiness[1]["fit"] is True
        assert readiness[2] is None
        [answer] = storage.feedback_answers()
        assert (answer.clinic_id, answer.clinic_name, answer.value) == (2, "Dunbar", 5)
        [live] = storage.live_visits()
        assert (live.visit_id, live.checks_json, live.help_requested, live.call_state,
                live.offers, live.owner) == ("v1", '{"camera":"ok"}', True, "connected", 2,
                                              "hub-old")
        assert live.specialist is not None
        assert live.specialist.id == jones.id
        assert db.execute("SELECT site_id FROM live_visits").fetchone()[0] == 1
        [help_] = storage.live_help()
        assert (help_.kiosk.id, help_.kiosk.site_id, help_.since) == (2, 2, NOW)
        assert sees_help(storage.scope(smith), help_.kiosk)
        assert not sees_help(scope, help_.kiosk)

        # Migration 8: each old clinic's service holds clinics at its own site; appointments
        # are in English; nothing is acknowledged yet.
        assert sorted(db.execute("SELECT service_id, site_id FROM service_sites")) == [
            (1, 1), (2, 2)]
        assert {r[0] for r in db.execute("SELECT language FROM appointments")} == {"en"}
        assert db.execute("SELECT acknowledged_by, acknowledged_at FROM live_help").fetchall() \
            == [(None, None)]
        assert db.execute("SELECT help_at, help_acknowledged_by FROM live_visits").fetchall() \
            == [(None, None)]
        # Migration 9: no site says where to go yet (the letter leaves it out until IT does).
        assert db.execute("SELECT id, name, address, directions FROM sites ORDER BY id"
                          ).fetchall() == [(1, "Leith", None, None), (2, "Dunbar", None, None)]
        assert [(s.address, s.directions) for s in storage.sites()] == [(None, None)] * 2

        # And the hub goes on working on it: the Dunbar kiosk checks in Dunbar's code, not
        # one bound to Leith.
        new = NewLiveVisit("v2", "rh2", 2, NOW, "{}", "hub-new")
        with pytest.raises(CodeError) as refused:
            storage.check_in_visit(new, NOW + 5, code_hash="c3")
        assert refused.value.code == "bad_code"
        checked = storage.check_in_visit(new, NOW + 5, code_hash="c2")
        assert (checked.id, checked.site_id) == (2, 2)
    finally:
        storage.close()


def test_the_step_is_refused_whole_if_it_would_break_a_foreign_key(tmp_path: Path) -> None:
    """A damaged old database (a kiosk of a clinic that is gone) is left at schema 6."""
    path = tmp_path / "damaged.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=6)
    conn.execute("INSERT INTO kiosks (clinic_id, room, token_hash, paired_at) "
                 "VALUES (42, 'Room 1', 'k', 1)")  # foreign keys were off on this connection
    with pytest.raises(MigrationError, match="foreign keys"):
        migrate(conn)
    assert current_version(conn) == 6
    assert conn.execute("SELECT COUNT(*) FROM kiosks").fetchone()[0] == 1
    assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")} \
        >= {"clinics", "specialists"}
    conn.close()
