"""Schema migrations for the hub's SQLite database.

Rules that matter:

- :data:`MIGRATIONS` is an ordered list; step *k* takes the schema from version *k - 1* to *k*.
  Never edit a step that has shipped: add a new one.
- Each step runs in its own transaction together with its ``schema_version`` row, so a crash
  leaves the database at a known version.
- A database newer than this build is refused, not touched.
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
        conn.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _split(step.sql):
                conn.execute(stmt)
            conn.execute("INSERT INTO schema_version (version, description, applied_at) "
                         "VALUES (?, ?, ?)", (step.version, step.description, time.time()))
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
        log.info("applied schema migration %d: %s", step.version, step.description)
        applied.append(step.version)
    return applied
