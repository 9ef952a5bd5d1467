"""Schema migrations for the hub's SQLite database.

Rules that matter:

- :data:`MIGRATIONS` is an ordered list; step *k* takes the schema from version *k - 1* to *k*.
  Never edit a step that has shipped: add a new one.
- Each step runs in its own transaction together with its ``schema_version`` row, so a crash
  leaves the database at a known version.
- A database newer than this build is refused, not touched.
- A step that rebuilds a table other tables point at (``rebuilds=True``) runs with foreign keys
  off, as SQLite's table-rebuild procedure needs, and must pass ``PRAGMA foreign_key_check``
  before it commits; foreign keys are on again afterwards.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from dataclasses import dataclass

log = logging.getLogger("kiosk.hub.migrations")


class MigrationError(RuntimeError):
    """The database's schema cannot be brought to this build's version."""


@dataclass(frozen=True)
class Migration:
    """One schema step."""

    version: int
    description: str
    sql: str
    rebuilds: bool = False


MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "clinics, waiting areas, specialists, kiosks and pairing codes", """
        CREATE TABLE clinics (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL
        );
        CREATE TABLE waiting_areas (
            id INTEGER PRIMARY KEY,
            clinic_id INTEGER NOT NULL REFERENCES clinics(id),
            name TEXT NOT NULL,
            created_at REAL NOT NULL,
            UNIQUE (clinic_id, name)
        );
        CREATE TABLE specialists (
            id INTEGER PRIMARY KEY,
            clinic_id INTEGER NOT NULL REFERENCES clinics(id),
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until REAL,
            created_at REAL NOT NULL
        );
        CREATE TABLE kiosks (
            id INTEGER PRIMARY KEY,
            clinic_id INTEGER NOT NULL REFERENCES clinics(id),
            room TEXT NOT NULL,
            name TEXT,
            token_hash TEXT NOT NULL UNIQUE,
            paired_at REAL NOT NULL,
            last_seen REAL,
            revoked_at REAL
        );
        CREATE TABLE pairing_codes (
            id INTEGER PRIMARY KEY,
            clinic_id INTEGER NOT NULL REFERENCES clinics(id),
            room TEXT NOT NULL,
            code_hash TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            used_at REAL,
            kiosk_id INTEGER REFERENCES kiosks(id)
        );
        CREATE UNIQUE INDEX pairing_codes_active ON pairing_codes(code_hash)
            WHERE used_at IS NULL;
    """),
    Migration(2, "appointments with hashed single-use codes", """
        CREATE TABLE appointments (
            id INTEGER PRIMARY KEY,
            waiting_area_id INTEGER NOT NULL REFERENCES waiting_areas(id),
            specialist_id INTEGER REFERENCES specialists(id),
            starts_at REAL NOT NULL,
            patient_name TEXT,
            code_hash TEXT,
            code_expires_at REAL NOT NULL,
            code_used_at REAL,
            created_at REAL NOT NULL
        );
        CREATE UNIQUE INDEX appointments_active_code ON appointments(code_hash)
            WHERE code_used_at IS NULL AND code_hash IS NOT NULL;
        CREATE INDEX appointments_starts_at ON appointments(starts_at);
    """),
    Migration(3, "calls and specialist sessions", """
        CREATE TABLE calls (
            id INTEGER PRIMARY KEY,
            visit_id TEXT NOT NULL UNIQUE,
            appointment_id INTEGER REFERENCES appointments(id),
            clinic_id INTEGER NOT NULL REFERENCES clinics(id),
            kiosk_id INTEGER REFERENCES kiosks(id),
            specialist_id INTEGER REFERENCES specialists(id),
            checked_in_at REAL NOT NULL,
            started_at REAL,
            ended_at REAL NOT NULL,
            end_reason TEXT NOT NULL,
            reconnects INTEGER NOT NULL DEFAULT 0,
            quality TEXT
        );
        CREATE INDEX calls_ended_at ON calls(ended_at);
        CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            specialist_id INTEGER NOT NULL REFERENCES specialists(id) ON DELETE CASCADE,
            csrf_token TEXT NOT NULL,
            created_at REAL NOT NULL,
            expires_at REAL NOT NULL
        );
        CREATE INDEX sessions_expires_at ON sessions(expires_at);
    """),
    Migration(4, "the last self-test readiness report of each kiosk", """
        CREATE TABLE kiosk_readiness (
            kiosk_id INTEGER PRIMARY KEY REFERENCES kiosks(id),
            reported_at REAL NOT NULL,
            fit INTEGER NOT NULL,
            report TEXT NOT NULL
        );
    """),
    Migration(5, "patient feedback answers from kiosks (one row per answer id)", """
        CREATE TABLE feedback_answers (
            answer_id TEXT PRIMARY KEY,
            revision INTEGER NOT NULL,
            response_id TEXT NOT NULL,
            clinic_id INTEGER NOT NULL REFERENCES clinics(id),
            kiosk_id INTEGER REFERENCES kiosks(id),
            waiting_area TEXT,
            survey_id TEXT NOT NULL,
            survey_version INTEGER NOT NULL,
            language TEXT NOT NULL,
            context TEXT NOT NULL,
            question_id TEXT NOT NULL,
            value TEXT,
            created_at INTEGER NOT NULL,
            received_at REAL NOT NULL
        );
        CREATE INDEX feedback_answers_clinic ON feedback_answers(clinic_id, created_at);
    """),
    Migration(6, "live visits and help requests kept through a hub restart", """
        CREATE TABLE live_visits (
            visit_id TEXT PRIMARY KEY,
            appointment_id INTEGER NOT NULL UNIQUE REFERENCES appointments(id),
            clinic_id INTEGER NOT NULL REFERENCES clinics(id),
            kiosk_id INTEGER REFERENCES kiosks(id),
            resume_hash TEXT NOT NULL,
            checked_in_at REAL NOT NULL,
            checks TEXT NOT NULL DEFAULT '{}',
            help_requested INTEGER NOT NULL DEFAULT 0,
            call_state TEXT,
            specialist_id INTEGER REFERENCES specialists(id),
            started_at REAL,
            offers INTEGER NOT NULL DEFAULT 0,
            quality TEXT,
            owner TEXT NOT NULL,
            updated_at REAL NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE live_help (
            kiosk_id INTEGER PRIMARY KEY REFERENCES kiosks(id),
            clinic_id INTEGER NOT NULL REFERENCES clinics(id),
            since REAL NOT NULL,
            owner TEXT NOT NULL,
            updated_at REAL NOT NULL
        );
        ALTER TABLE appointments ADD COLUMN lost_on_kiosk_id INTEGER REFERENCES kiosks(id);
        CREATE INDEX appointments_code_hash ON appointments(code_hash);
    """),
    Migration(7, "the service as a network: organisations, services, sites, accounts with "
                 "roles and memberships; each old clinic becomes an organisation with one "
                 "service and one site (same id)", """
        CREATE TABLE organisations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL
        );
        CREATE TABLE services (
            id INTEGER PRIMARY KEY,
            organisation_id INTEGER NOT NULL REFERENCES organisations(id),
            name TEXT NOT NULL,
            created_at REAL NOT NULL,
            UNIQUE (organisation_id, name)
        );
        INSERT INTO organisations (id, name, created_at) SELECT id, name, created_at FROM clinics;
        INSERT INTO services (id, organisation_id, name, created_at)
            SELECT id, id, name, created_at FROM clinics;
        ALTER TABLE clinics RENAME TO sites;
        ALTER TABLE sites ADD COLUMN organisation_id INTEGER REFERENCES organisations(id);
        ALTER TABLE sites ADD COLUMN service_id INTEGER REFERENCES services(id);
        UPDATE sites SET organisation_id = id, service_id = id;
        ALTER TABLE kiosks RENAME COLUMN clinic_id TO site_id;
        ALTER TABLE pairing_codes RENAME COLUMN clinic_id TO site_id;
        ALTER TABLE feedback_answers RENAME COLUMN clinic_id TO site_id;
        ALTER TABLE live_help RENAME COLUMN clinic_id TO site_id;
        CREATE TABLE waiting_areas_v7 (
            id INTEGER PRIMARY KEY,
            service_id INTEGER NOT NULL REFERENCES services(id),
            name TEXT NOT NULL,
            created_at REAL NOT NULL,
            UNIQUE (service_id, name)
        );
        INSERT INTO waiting_areas_v7 (id, service_id, name, created_at)
            SELECT id, clinic_id, name, created_at FROM waiting_areas;
        DROP TABLE waiting_areas;
        ALTER TABLE waiting_areas_v7 RENAME TO waiting_areas;
        CREATE TABLE accounts_v7 (
            id INTEGER PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('clinician', 'site_staff', 'admin')),
            organisation_id INTEGER REFERENCES organisations(id),
            legacy_site_id INTEGER REFERENCES sites(id),
            username TEXT NOT NULL UNIQUE COLLATE NOCASE,
            display_name TEXT NOT NULL,
            password_hash TEXT NOT NULL,
            failed_logins INTEGER NOT NULL DEFAULT 0,
            locked_until REAL,
            created_at REAL NOT NULL,
            CHECK ((role = 'admin') = (organisation_id IS NOT NULL))
        );
        INSERT INTO accounts_v7 (id, role, organisation_id, legacy_site_id, username,
                                 display_name, password_hash, failed_logins, locked_until,
                                 created_at)
            SELECT id, 'clinician', NULL, clinic_id, username, display_name, password_hash,
                   failed_logins, locked_until, created_at FROM specialists;
        DROP TABLE specialists;
        ALTER TABLE accounts_v7 RENAME TO specialists;
        ALTER TABLE specialists RENAME TO accounts;
        CREATE TABLE waiting_area_members (
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            waiting_area_id INTEGER NOT NULL REFERENCES waiting_areas(id),
            added_at REAL NOT NULL,
            PRIMARY KEY (account_id, waiting_area_id)
        ) WITHOUT ROWID;
        CREATE INDEX waiting_area_members_area ON waiting_area_members(waiting_area_id);
        INSERT INTO waiting_area_members (account_id, waiting_area_id, added_at)
            SELECT a.id, w.id, MAX(a.created_at, w.created_at)
            FROM accounts a JOIN waiting_areas w ON w.service_id = a.legacy_site_id;
        CREATE TABLE site_staff (
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            site_id INTEGER NOT NULL REFERENCES sites(id),
            added_at REAL NOT NULL,
            PRIMARY KEY (account_id, site_id)
        ) WITHOUT ROWID;
        CREATE INDEX site_staff_site ON site_staff(site_id);
        ALTER TABLE appointments ADD COLUMN site_id INTEGER REFERENCES sites(id);
        UPDATE appointments SET site_id =
            (SELECT w.service_id FROM waiting_areas w WHERE w.id = appointments.waiting_area_id);
        CREATE TABLE calls_v7 (
            id INTEGER PRIMARY KEY,
            visit_id TEXT NOT NULL UNIQUE,
            appointment_id INTEGER REFERENCES appointments(id),
            site_id INTEGER REFERENCES sites(id),
            kiosk_id INTEGER REFERENCES kiosks(id),
            specialist_id INTEGER REFERENCES accounts(id),
            checked_in_at REAL NOT NULL,
            started_at REAL,
            ended_at REAL NOT NULL,
            end_reason TEXT NOT NULL,
            reconnects INTEGER NOT NULL DEFAULT 0,
            quality TEXT
        );
        INSERT INTO calls_v7 SELECT id, visit_id, appointment_id, clinic_id, kiosk_id,
            specialist_id, checked_in_at, started_at, ended_at, end_reason, reconnects, quality
            FROM calls;
        DROP TABLE calls;
        ALTER TABLE calls_v7 RENAME TO calls;
        CREATE INDEX calls_ended_at ON calls(ended_at);
        CREATE TABLE live_visits_v7 (
            visit_id TEXT PRIMARY KEY,
            appointment_id INTEGER NOT NULL UNIQUE REFERENCES appointments(id),
            site_id INTEGER REFERENCES sites(id),
            kiosk_id INTEGER REFERENCES kiosks(id),
            resume_hash TEXT NOT NULL,
            checked_in_at REAL NOT NULL,
            checks TEXT NOT NULL DEFAULT '{}',
            help_requested INTEGER NOT NULL DEFAULT 0,
            call_state TEXT,
            specialist_id INTEGER REFERENCES accounts(id),
            started_at REAL,
            offers INTEGER NOT NULL DEFAULT 0,
            quality TEXT,
            owner TEXT NOT NULL,
            updated_at REAL NOT NULL
        ) WITHOUT ROWID;
        INSERT INTO live_visits_v7 SELECT visit_id, appointment_id, clinic_id, kiosk_id,
            resume_hash, checked_in_at, checks, help_requested, call_state, specialist_id,
            started_at, offers, quality, owner, updated_at FROM live_visits;
        DROP TABLE live_visits;
        ALTER TABLE live_visits_v7 RENAME TO live_visits;
    """, rebuilds=True),
    Migration(8, "reception: which services hold clinics at which sites, the appointment's "
                 "language, and help requests that staff acknowledge", """
        CREATE TABLE service_sites (
            service_id INTEGER NOT NULL REFERENCES services(id),
            site_id INTEGER NOT NULL REFERENCES sites(id),
            created_at REAL NOT NULL,
            PRIMARY KEY (service_id, site_id)
        ) WITHOUT ROWID;
        INSERT INTO service_sites (service_id, site_id, created_at)
            SELECT service_id, id, created_at FROM sites WHERE service_id IS NOT NULL;
        INSERT OR IGNORE INTO service_sites (service_id, site_id, created_at)
            SELECT DISTINCT w.service_id, a.site_id, MIN(a.created_at)
            FROM appointments a JOIN waiting_areas w ON w.id = a.waiting_area_id
            WHERE a.site_id IS NOT NULL GROUP BY w.service_id, a.site_id;
        ALTER TABLE appointments ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
        ALTER TABLE appointments ADD COLUMN booked_by INTEGER REFERENCES accounts(id);
        ALTER TABLE live_help ADD COLUMN acknowledged_by INTEGER REFERENCES accounts(id);
        ALTER TABLE live_help ADD COLUMN acknowledged_at REAL;
        ALTER TABLE live_visits ADD COLUMN help_at REAL;
        ALTER TABLE live_visits ADD COLUMN help_acknowledged_by INTEGER REFERENCES accounts(id);
        ALTER TABLE live_visits ADD COLUMN help_acknowledged_at REAL;
    """),
    Migration(9, "where to go: a site's address and directions for the appointment letter", """
        ALTER TABLE sites ADD COLUMN address TEXT;
        ALTER TABLE sites ADD COLUMN directions TEXT;
    """),
    Migration(10, "reception's booking limit kept across restarts", """
        CREATE TABLE booking_limits (
            account_id INTEGER PRIMARY KEY REFERENCES accounts(id),
            paid_until REAL NOT NULL
        );
    """),
)

LATEST_VERSION = MIGRATIONS[-1].version


def current_version(conn: sqlite3.Connection) -> int:
    """The schema version of a database (0 for an empty one)."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, "
                 "description TEXT NOT NULL, applied_at REAL NOT NULL)")
    row = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()
    return int(row[0] or 0)


def _split(sql: str) -> list[str]:
    return [stmt.strip() for stmt in sql.split(";") if stmt.strip()]


def _apply(conn: sqlite3.Connection, step: Migration) -> None:
    conn.execute("BEGIN IMMEDIATE")
    try:
        for stmt in _split(step.sql):
            conn.execute(stmt)
        if step.rebuilds:
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise MigrationError(f"schema step {step.version} would break "
                                     f"{len(broken)} foreign keys, e.g. {tuple(broken[0])}")
        conn.execute("INSERT INTO schema_version (version, description, applied_at) "
                     "VALUES (?, ?, ?)", (step.version, step.description, time.time()))
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def migrate(conn: sqlite3.Connection, target: int | None = None) -> list[int]:
    """Bring the schema up to ``target`` (default: the latest); return the versions applied.

    ``conn`` must be in autocommit mode (``isolation_level=None``).
    """
    target = LATEST_VERSION if target is None else target
    have = current_version(conn)
    if have > LATEST_VERSION:
        raise MigrationError(
            f"the database is at schema version {have}, newer than this hub "
            f"({LATEST_VERSION}); upgrade the hub")
    applied: list[int] = []
    for step in MIGRATIONS:
        if step.version <= have or step.version > target:
            continue
        fk_on = bool(conn.execute("PRAGMA foreign_keys").fetchone()[0])
        if step.rebuilds:
            conn.execute("PRAGMA foreign_keys=OFF")  # only outside a transaction
        try:
            _apply(conn, step)
        finally:
            if step.rebuilds and fk_on:
                conn.execute("PRAGMA foreign_keys=ON")
        log.info("applied schema migration %d: %s", step.version, step.description)
        applied.append(step.version)
    return applied
