"""The hub's SQLite storage.

Rules that matter:

- One SQLite file, WAL journal, foreign keys on, schema brought up to date by
  :mod:`kiosk.hub.migrations` when opened.
- Storage holds hashes, never secrets: kiosk tokens and session tokens as SHA-256, appointment
  and pairing codes as HMAC-SHA256 with the pepper from the secret store (see
  :mod:`kiosk.hub.codes`). Callers hash; this module never sees a clear code or token.
- Storage never reads the clock: callers pass ``now`` (unix seconds), so tests control time.
- Calls are quick and local; the hub calls them on its event loop. A lock makes the one
  connection safe to share with another thread.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import stat
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kiosk.feedback.wire import AnswerValue, WireAnswer
from kiosk.hub import lockout
from kiosk.hub.config import RateLimits
from kiosk.hub.liverecords import HelpState, LiveHelpRecord, LiveVisitRecord, NewLiveVisit
from kiosk.hub.lockout import LoginState
from kiosk.hub.migrations import migrate
from kiosk.hub.models import (
    ADMIN,
    CLINICIAN,
    ROLES,
    SITE_STAFF,
    Account,
    AppointmentRecord,
    CallRecord,
    Clinic,
    KioskRecord,
    Membership,
    Organisation,
    Scope,
    Service,
    Session,
    Site,
    Specialist,
    StoredAnswer,
    WaitingArea,
)

log = logging.getLogger(__name__)

#: Appointment codes whose expiry is further back than this are retired from the active index.
_RETIRE_AFTER = 7 * 86_400.0


class StorageError(Exception):
    """A request the data does not allow; the message is fit to show a person."""


class NotFound(StorageError):
    """A referenced row does not exist."""


class Conflict(StorageError):
    """A unique name or code is already taken."""


class CodeError(StorageError):
    """A one-time code was not accepted. ``code`` is ``bad_code``, ``code_used`` or
    ``code_expired``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class VisitHeld(CodeError):
    """The code is spent on a visit this same kiosk still holds (``visit_id``), which the hub
    may hand back to it (the kiosk lost its connection and the patient checked in again)."""

    def __init__(self, visit_id: str) -> None:
        super().__init__("code_used")
        self.visit_id = visit_id


#: Columns of ``live_visits`` that :meth:`Storage.update_live_visit` may change.
LIVE_VISIT_COLUMNS = frozenset({"checks", "help_requested", "call_state", "specialist_id",
                                "started_at", "offers", "quality", "resume_hash"})

_APPOINTMENT_SELECT = """
    SELECT a.id, a.starts_at, w.id, w.name, v.id, v.name, s.id, s.display_name,
           a.patient_name, a.code_expires_at, a.code_used_at, a.site_id, t.name,
           a.language, a.booked_by
    FROM appointments a
    JOIN waiting_areas w ON w.id = a.waiting_area_id
    JOIN services v ON v.id = w.service_id
    LEFT JOIN accounts s ON s.id = a.specialist_id
    LEFT JOIN sites t ON t.id = a.site_id
"""

_SPECIALIST_SELECT = ("SELECT id, role, username, display_name, password_hash, "
                      "failed_logins, locked_until, organisation_id FROM accounts")

_KIOSK_SELECT = ("SELECT k.id, k.site_id, k.room, k.name, k.last_seen, t.name FROM kiosks k "
                 "JOIN sites t ON t.id = k.site_id")

_SITE_SELECT = "SELECT id, name, organisation_id, service_id, address, directions FROM sites"
#: The longest address or directions of a site (plain text; the appointment letter's).
MAX_SITE_TEXT = 300

#: ``site`` of :meth:`Storage.create_appointment` when not given: the old commands' rule.
LEGACY_SITE = "legacy"
#: An appointment's languages (the patient's; the kiosk's and the letter's): en, pl, cy.
APPOINTMENT_LANGUAGES = ("en", "pl", "cy")


def _appointment(row: Any) -> AppointmentRecord:
    return AppointmentRecord(*row)


class Storage:
    """The hub's database."""

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self._conn = conn
        self._lock = threading.RLock()
        self.path = path

    @classmethod
    def open(cls, path: Path, *, upgrade: bool = True) -> Storage:
        """Open (creating if need be) the database at ``path`` and migrate it.

        The file is created 0600 whatever the umask (SQLite gives its -wal and -shm files the
        database file's mode), and one that others can read is made 0600: it holds password
        hashes, appointments and feedback."""
        path.parent.mkdir(parents=True, exist_ok=True)
        _private_file(path)
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA synchronous=NORMAL")
        if upgrade:
            migrate(conn)
        return cls(conn, path)

    def close(self) -> None:
        """Close the connection."""
        with self._lock:
            self._conn.close()

    @property
    def connection(self) -> sqlite3.Connection:
        """The raw connection, for migrations and tests."""
        return self._conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def _one(self, sql: str, args: tuple[Any, ...] = ()) -> Any:
        with self._lock:
            return self._conn.execute(sql, args).fetchone()

    def _all(self, sql: str, args: tuple[Any, ...] = ()) -> list[Any]:
        with self._lock:
            return self._conn.execute(sql, args).fetchall()

    # --- organisations, services, sites and waiting areas ---

    def create_organisation(self, name: str, now: float) -> Organisation:
        name = _clean_name(name, "organisation name")
        try:
            with self._tx() as db:
                cur = db.execute("INSERT INTO organisations (name, created_at) VALUES (?, ?)",
                                 (name, now))
        except sqlite3.IntegrityError:
            raise Conflict(f"an organisation called {name!r} already exists") from None
        return Organisation(_rowid(cur), name)

    def get_organisation(self, organisation_id: int) -> Organisation | None:
        row = self._one("SELECT id, name FROM organisations WHERE id = ?", (organisation_id,))
        return Organisation(*row) if row else None

    def _need_organisation(self, organisation_id: int) -> Organisation:
        found = self.get_organisation(organisation_id)
        if found is None:
            raise NotFound(f"there is no organisation with id {organisation_id}")
        return found

    def create_service(self, organisation_id: int, name: str, now: float) -> Service:
        name = _clean_name(name, "service name")
        self._need_organisation(organisation_id)
        try:
            with self._tx() as db:
                cur = db.execute("INSERT INTO services (organisation_id, name, created_at) "
                                 "VALUES (?, ?, ?)", (organisation_id, name, now))
        except sqlite3.IntegrityError:
            raise Conflict(f"organisation {organisation_id} already has a service "
                           f"{name!r}") from None
        return Service(_rowid(cur), organisation_id, name)

    def get_service(self, service_id: int) -> Service | None:
        row = self._one("SELECT id, organisation_id, name FROM services WHERE id = ?",
                        (service_id,))
        return Service(*row) if row else None

    def create_site(self, name: str, now: float, organisation_id: int | None = None, *,
                    address: str | None = None, directions: str | None = None) -> Site:
        """A site; ``address`` and ``directions`` (optional) as :meth:`update_site` takes them."""
        name = _clean_name(name, "site name")
        address = _clean_text(address, "address")
        directions = _clean_text(directions, "directions")
        if organisation_id is not None:
            self._need_organisation(organisation_id)
        try:
            with self._tx() as db:
                cur = db.execute("INSERT INTO sites (name, organisation_id, address, directions, "
                                 "created_at) VALUES (?, ?, ?, ?, ?)",
                                 (name, organisation_id, address, directions, now))
        except sqlite3.IntegrityError:
            raise Conflict(f"a site called {name!r} already exists") from None
        return Site(_rowid(cur), name, organisation_id, None, address, directions)

    def get_site(self, site_id: int) -> Site | None:
        row = self._one(_SITE_SELECT + " WHERE id = ?", (site_id,))
        return Site(*row) if row else None

    def _need_site(self, site_id: int) -> Site:
        found = self.get_site(site_id)
        if found is None:
            raise NotFound(f"there is no site with id {site_id}")
        return found

    # The old commands' clinic: a site with an organisation and a service of the same name.

    def create_clinic(self, name: str, now: float) -> Clinic:
        """An organisation, its one service and one site, all called ``name`` (what
        ``clinic create`` always made, in the new model); the clinic's id is the site's."""
        name = _clean_name(name, "clinic name")
        try:
            with self._tx() as db:
                if db.execute("SELECT 1 FROM sites WHERE name = ?", (name,)).fetchone():
                    raise sqlite3.IntegrityError
                org = _rowid(db.execute("INSERT INTO organisations (name, created_at) "
                                        "VALUES (?, ?)", (name, now)))
                service = _rowid(db.execute("INSERT INTO services (organisation_id, name, "
                                            "created_at) VALUES (?, ?, ?)", (org, name, now)))
                cur = db.execute("INSERT INTO sites (name, organisation_id, service_id, "
                                 "created_at) VALUES (?, ?, ?, ?)", (name, org, service, now))
                # The clinic's own service holds clinics at its own site (service_sites).
                db.execute("INSERT INTO service_sites (service_id, site_id, created_at) "
                           "VALUES (?, ?, ?)", (service, _rowid(cur), now))
        except sqlite3.IntegrityError:
            raise Conflict(f"a clinic called {name!r} already exists") from None
        return Clinic(_rowid(cur), name)

    def get_clinic(self, clinic_id: int) -> Clinic | None:
        """The site ``clinic_id`` (any site answers to the old name)."""
        row = self._one("SELECT id, name FROM sites WHERE id = ?", (clinic_id,))
        return Clinic(*row) if row else None

    def clinic_by_name(self, name: str) -> Clinic | None:
        row = self._one("SELECT id, name FROM sites WHERE name = ?", (name,))
        return Clinic(*row) if row else None

    def clinics(self) -> list[Clinic]:
        return [Clinic(*r) for r in self._all("SELECT id, name FROM sites ORDER BY id")]

    def _need_clinic(self, clinic_id: int) -> Clinic:
        clinic = self.get_clinic(clinic_id)
        if clinic is None:
            raise NotFound(f"there is no clinic with id {clinic_id}")
        return clinic

    def _clinic_service(self, clinic_id: int) -> int:
        site = self.get_site(clinic_id)
        if site is None:
            raise NotFound(f"there is no clinic with id {clinic_id}")
        if site.service_id is None:
            raise StorageError(f"site {clinic_id} is not a clinic made by 'clinic create' "
                               "(it has no service of its own); name a --service instead")
        return site.service_id

    def create_waiting_area(self, clinic_id: int, name: str, now: float) -> WaitingArea:
        """The old way: a waiting area of the clinic's own service; the clinic's clinicians
        (``specialist create --clinic``) become its members."""
        service_id = self._clinic_service(clinic_id)
        area = self.create_service_waiting_area(service_id, name, now)
        with self._tx() as db:
            db.execute("INSERT OR IGNORE INTO waiting_area_members (account_id, waiting_area_id, "
                       "added_at) SELECT id, ?, ? FROM accounts WHERE legacy_site_id = ? "
                       "AND role = 'clinician'", (area.id, now, clinic_id))
        return area

    def create_service_waiting_area(self, service_id: int, name: str,
                                    now: float) -> WaitingArea:
        name = _clean_name(name, "waiting area name")
        if self.get_service(service_id) is None:
            raise NotFound(f"there is no service with id {service_id}")
        try:
            with self._tx() as db:
                cur = db.execute("INSERT INTO waiting_areas (service_id, name, created_at) "
                                 "VALUES (?, ?, ?)", (service_id, name, now))
        except sqlite3.IntegrityError:
            raise Conflict(f"service {service_id} already has a waiting area {name!r}") from None
        return WaitingArea(_rowid(cur), service_id, name)

    def get_waiting_area(self, area_id: int) -> WaitingArea | None:
        row = self._one("SELECT id, service_id, name FROM waiting_areas WHERE id = ?",
                        (area_id,))
        return WaitingArea(*row) if row else None

    def waiting_areas(self, clinic_id: int) -> list[WaitingArea]:
        """The waiting areas of a clinic's own service."""
        rows = self._all("SELECT w.id, w.service_id, w.name FROM waiting_areas w "
                         "JOIN sites t ON t.service_id = w.service_id WHERE t.id = ? "
                         "ORDER BY w.id", (clinic_id,))
        return [WaitingArea(*r) for r in rows]

    # --- specialists and sessions ---

    def create_specialist(self, clinic_id: int, username: str, display_name: str,
                          password_hash: str, now: float) -> Specialist:
        """The old way: a clinician who is a member of the clinic's waiting areas, those
        there now and those ``waiting-area create --clinic`` makes later."""
        self._need_clinic(clinic_id)
        account = self.create_account(CLINICIAN, username, display_name, password_hash, now,
                                      legacy_site_id=clinic_id)
        with self._tx() as db:
            db.execute("INSERT INTO waiting_area_members (account_id, waiting_area_id, added_at) "
                       "SELECT ?, w.id, ? FROM waiting_areas w JOIN sites t "
                       "ON t.service_id = w.service_id WHERE t.id = ?",
                       (account.id, now, clinic_id))
        return account

    def create_account(self, role: str, username: str, display_name: str, password_hash: str,
                       now: float, *, organisation_id: int | None = None,
                       legacy_site_id: int | None = None) -> Account:
        """An account; an admin belongs to ``organisation_id`` (and only an admin does)."""
        if role not in ROLES:
            raise StorageError(f"a role is one of {', '.join(ROLES)}")
        if (role == ADMIN) != (organisation_id is not None):
            raise StorageError("an admin needs an organisation, and only an admin has one")
        username = _clean_name(username, "username", limit=64)
        if not all(ch.isalnum() or ch in "._-@" for ch in username):
            raise StorageError("a username may hold only letters, digits and . _ - @")
        display_name = _clean_name(display_name, "display name")
        if organisation_id is not None:
            self._need_organisation(organisation_id)
        try:
            with self._tx() as db:
                cur = db.execute(
                    "INSERT INTO accounts (role, organisation_id, legacy_site_id, username, "
                    "display_name, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (role, organisation_id, legacy_site_id, username, display_name,
                     password_hash, now))
        except sqlite3.IntegrityError:
            raise Conflict(f"the username {username!r} is already taken") from None
        return Account(_rowid(cur), role, username, display_name, password_hash, 0, None,
                       organisation_id)

    def add_waiting_area_member(self, account_id: int, area_id: int, now: float) -> bool:
        """Make a clinician a member of a waiting area; False if they already were."""
        account = self._need_account(account_id)
        if account.role != CLINICIAN:
            raise StorageError(f"account {account_id} is {account.role}, not a clinician: "
                               "only clinicians are members of waiting areas")
        if self.get_waiting_area(area_id) is None:
            raise NotFound(f"there is no waiting area with id {area_id}")
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO waiting_area_members (account_id, "
                             "waiting_area_id, added_at) VALUES (?, ?, ?)",
                             (account_id, area_id, now))
        return cur.rowcount == 1

    def add_site_staff(self, account_id: int, site_id: int, now: float) -> bool:
        """Make site staff staff of a site; False if they already were."""
        account = self._need_account(account_id)
        if account.role != SITE_STAFF:
            raise StorageError(f"account {account_id} is {account.role}, not site staff: "
                               "only site staff belong to sites")
        self._need_site(site_id)
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO site_staff (account_id, site_id, added_at) "
                             "VALUES (?, ?, ?)", (account_id, site_id, now))
        return cur.rowcount == 1

    def scope(self, account: Account) -> Scope:
        """What ``account`` may see (:class:`kiosk.hub.models.Scope`), as stored now."""
        areas: frozenset[int] = frozenset()
        sites: frozenset[int] = frozenset()
        help_sites: frozenset[int] = frozenset()
        if account.role == CLINICIAN:
            areas = frozenset(r[0] for r in self._all(
                "SELECT waiting_area_id FROM waiting_area_members WHERE account_id = ?",
                (account.id,)))
            help_sites = frozenset(r[0] for r in self._all(
                "SELECT DISTINCT t.id FROM waiting_area_members m "
                "JOIN waiting_areas w ON w.id = m.waiting_area_id "
                "JOIN sites t ON t.service_id = w.service_id WHERE m.account_id = ?",
                (account.id,)))
        elif account.role == SITE_STAFF:
            sites = frozenset(r[0] for r in self._all(
                "SELECT site_id FROM site_staff WHERE account_id = ?", (account.id,)))
        return Scope(account.role, areas, sites, help_sites)

    def scope_label(self, scope: Scope) -> str:
        """A short name for what a scope covers: a clinician's services, site staff's sites."""
        if scope.waiting_areas:
            ids = sorted(scope.waiting_areas)
            marks = ",".join("?" * len(ids))  # only placeholders go into the text
            rows = self._all("SELECT DISTINCT v.name FROM waiting_areas w JOIN services v "  # noqa: S608
                             f"ON v.id = w.service_id WHERE w.id IN ({marks}) ORDER BY v.name",
                             tuple(ids))
        elif scope.sites:
            ids = sorted(scope.sites)
            marks = ",".join("?" * len(ids))
            rows = self._all(f"SELECT name FROM sites WHERE id IN ({marks}) "  # noqa: S608
                             "ORDER BY name", tuple(ids))
        else:
            rows = []
        return ", ".join(r[0] for r in rows)[:120]

    def _need_account(self, account_id: int) -> Account:
        found = self.get_specialist(account_id)
        if found is None:
            raise NotFound(f"there is no account with id {account_id}")
        return found

    def unlock_account(self, account_id: int) -> Account:
        """Clear an account's failed sign-ins and lock (IT, after checking who asks)."""
        self._need_account(account_id)
        self.set_login_state(account_id, 0, None)
        return self._need_account(account_id)

    def get_specialist(self, specialist_id: int) -> Specialist | None:
        row = self._one(_SPECIALIST_SELECT + " WHERE id = ?", (specialist_id,))
        return Specialist(*row) if row else None

    def specialist_by_username(self, username: str) -> Specialist | None:
        row = self._one(_SPECIALIST_SELECT + " WHERE username = ?", (username,))
        return Specialist(*row) if row else None

    def set_password_hash(self, specialist_id: int, password_hash: str) -> None:
        """Replace a password; this unlocks the account and ends its sessions."""
        with self._tx() as db:
            db.execute("UPDATE accounts SET password_hash = ?, failed_logins = 0, "
                       "locked_until = NULL WHERE id = ?", (password_hash, specialist_id))
            db.execute("DELETE FROM sessions WHERE specialist_id = ?", (specialist_id,))

    def reserve_login(self, specialist_id: int, now: float,
                      limits: RateLimits) -> float | None:
        """Count a sign-in attempt before its password is checked, in one transaction
        (:mod:`kiosk.hub.lockout`); returns until when it is refused, or None to go on."""
        with self._tx() as db:
            row = db.execute("SELECT failed_logins, locked_until FROM accounts WHERE id = ?",
                             (specialist_id,)).fetchone()
            if row is None:
                raise NotFound(f"there is no specialist with id {specialist_id}")
            state, refused_until = lockout.reserve(LoginState(row[0], row[1]), now, limits)
            db.execute("UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE id = ?",
                       (state.failed, state.locked_until, specialist_id))
        return refused_until

    def login_failed(self, specialist_id: int, now: float, limits: RateLimits) -> float | None:
        """A wrong password (already counted): lock the account if it has had enough; returns
        until when it is locked, if it is."""
        with self._tx() as db:
            row = db.execute("SELECT failed_logins, locked_until FROM accounts WHERE id = ?",
                             (specialist_id,)).fetchone()
            if row is None:
                return None
            state = lockout.failed(LoginState(row[0], row[1]), now, limits)
            db.execute("UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE id = ?",
                       (state.failed, state.locked_until, specialist_id))
        return state.locked_until

    def set_login_state(self, specialist_id: int, failed_logins: int,
                        locked_until: float | None) -> None:
        with self._tx() as db:
            db.execute("UPDATE accounts SET failed_logins = ?, locked_until = ? WHERE id = ?",
                       (failed_logins, locked_until, specialist_id))

    def create_session(self, token_hash: str, specialist_id: int, csrf_token: str, now: float,
                       expires_at: float) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE expires_at <= ?", (now,))
            db.execute("INSERT INTO sessions (token_hash, specialist_id, csrf_token, created_at, "
                       "expires_at) VALUES (?, ?, ?, ?, ?)",
                       (token_hash, specialist_id, csrf_token, now, expires_at))

    def get_session(self, token_hash: str, now: float) -> Session | None:
        row = self._one("SELECT specialist_id, csrf_token, expires_at FROM sessions "
                        "WHERE token_hash = ? AND expires_at > ?", (token_hash, now))
        return Session(*row) if row else None

    def delete_session(self, token_hash: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM sessions WHERE token_hash = ?", (token_hash,))

    # --- kiosks and pairing ---

    def save_readiness(self, kiosk_id: int, now: float, fit: bool, report_json: str) -> None:
        """Keep ``report_json`` as the kiosk's last readiness report (replacing the previous)."""
        with self._tx() as db:
            db.execute("INSERT INTO kiosk_readiness (kiosk_id, reported_at, fit, report) "
                       "VALUES (?, ?, ?, ?) ON CONFLICT(kiosk_id) DO UPDATE SET "
                       "reported_at = excluded.reported_at, fit = excluded.fit, "
                       "report = excluded.report", (kiosk_id, now, int(fit), report_json))

    def kiosks_with_readiness(self) -> list[dict[str, Any]]:
        """Every kiosk not revoked, with its site's name and last readiness report (or None)."""
        rows = self._all(
            "SELECT k.id, k.site_id, c.name, k.room, k.name, k.last_seen, "
            "r.reported_at, r.fit, r.report FROM kiosks k JOIN sites c ON c.id = k.site_id "
            "LEFT JOIN kiosk_readiness r ON r.kiosk_id = k.id WHERE k.revoked_at IS NULL "
            "ORDER BY c.name, k.room, k.id")
        return [{"id": r[0], "clinic_id": r[1], "clinic": r[2], "room": r[3], "name": r[4],
                 "last_seen": r[5],
                 "readiness": None if r[6] is None else
                 {"reported_at": r[6], "fit": bool(r[7]), "report": r[8]}} for r in rows]

    def create_pairing_code(self, clinic_id: int, room: str, code_hash: str, now: float,
                            expires_at: float) -> None:
        room = _clean_name(room, "room name")
        self._need_clinic(clinic_id)
        try:
            with self._tx() as db:
                db.execute("INSERT INTO pairing_codes (site_id, room, code_hash, created_at, "
                           "expires_at) VALUES (?, ?, ?, ?, ?)",
                           (clinic_id, room, code_hash, now, expires_at))
        except sqlite3.IntegrityError:
            raise Conflict("pairing code collision") from None

    def redeem_pairing_code(self, code_hash: str, token_hash: str, name: str | None,
                            now: float) -> KioskRecord:
        """Use a pairing code once: create the kiosk, store its token hash."""
        name = _clean_name(name, "kiosk name") if name and name.strip() else None
        with self._tx() as db:
            row = db.execute("SELECT id, site_id, room, expires_at FROM pairing_codes "
                             "WHERE code_hash = ? AND used_at IS NULL", (code_hash,)).fetchone()
            if row is None:
                used = db.execute("SELECT 1 FROM pairing_codes WHERE code_hash = ?",
                                  (code_hash,)).fetchone()
                raise CodeError("code_used" if used else "bad_code")
            code_id, clinic_id, room, expires_at = row
            if expires_at <= now:
                raise CodeError("code_expired")
            cur = db.execute("INSERT INTO kiosks (site_id, room, name, token_hash, paired_at, "
                             "last_seen) VALUES (?, ?, ?, ?, ?, ?)",
                             (clinic_id, room, name, token_hash, now, now))
            kiosk_id = _rowid(cur)
            db.execute("UPDATE pairing_codes SET used_at = ?, kiosk_id = ? WHERE id = ?",
                       (now, kiosk_id, code_id))
        kiosk = self.get_kiosk(kiosk_id)
        assert kiosk is not None
        return kiosk

    def kiosk_by_token(self, token_hash: str) -> KioskRecord | None:
        row = self._one(_KIOSK_SELECT + " WHERE k.token_hash = ? AND k.revoked_at IS NULL",
                        (token_hash,))
        return KioskRecord(*row) if row else None

    def revoke_kiosk(self, kiosk_id: int, now: float) -> bool:
        """Revoke a kiosk's token (it must be paired again); False if it already was."""
        if self._one("SELECT 1 FROM kiosks WHERE id = ?", (kiosk_id,)) is None:
            raise NotFound(f"there is no kiosk with id {kiosk_id}")
        with self._tx() as db:
            cur = db.execute("UPDATE kiosks SET revoked_at = ? WHERE id = ? "
                             "AND revoked_at IS NULL", (now, kiosk_id))
        return cur.rowcount == 1

    def touch_kiosk(self, kiosk_id: int, now: float) -> None:
        with self._tx() as db:
            db.execute("UPDATE kiosks SET last_seen = ? WHERE id = ?", (now, kiosk_id))

    # --- appointments ---

    def create_appointment(self, waiting_area_id: int, specialist_id: int | None,
                           starts_at: float, patient_name: str | None, code_hash: str,
                           code_expires_at: float, now: float, *,
                           site: int | str | None = LEGACY_SITE, language: str = "en",
                           booked_by: int | None = None) -> AppointmentRecord:
        """An appointment in a waiting area, optionally with a clinician who is a member of
        it, at ``site`` (None: any kiosk). :data:`LEGACY_SITE` (the old commands, which named
        no site): the site whose own service holds the waiting area (the old clinic), if
        there is one, else any kiosk. ``language`` is the patient's (en, pl, cy);
        ``booked_by`` the account that booked it (reception), if any."""
        if language not in APPOINTMENT_LANGUAGES:
            raise StorageError(f"the language must be one of {', '.join(APPOINTMENT_LANGUAGES)}")
        area = self.get_waiting_area(waiting_area_id)
        if area is None:
            raise NotFound(f"there is no waiting area with id {waiting_area_id}")
        if specialist_id is not None:
            spec = self.get_specialist(specialist_id)
            if spec is None:
                raise NotFound(f"there is no specialist with id {specialist_id}")
            if waiting_area_id not in self.scope(spec).waiting_areas:
                raise StorageError(f"specialist {specialist_id} is not a member of "
                                   f"waiting area {waiting_area_id}")
        site_id: int | None
        if site == LEGACY_SITE:
            own = self._all("SELECT id FROM sites WHERE service_id = ? ORDER BY id",
                            (area.service_id,))
            site_id = own[0][0] if len(own) == 1 else None
        elif isinstance(site, int):
            site_id = self._need_site(site).id
        elif site is None:
            site_id = None
        else:
            raise ValueError(f"site must be a site id, None or {LEGACY_SITE!r}")
        if patient_name is not None:
            patient_name = _clean_name(patient_name, "patient name") if patient_name.strip() \
                else None
        try:
            with self._tx() as db:
                db.execute("UPDATE appointments SET code_hash = NULL "
                           "WHERE code_used_at IS NULL AND code_expires_at < ?",
                           (now - _RETIRE_AFTER,))
                cur = db.execute(
                    "INSERT INTO appointments (waiting_area_id, specialist_id, starts_at, "
                    "patient_name, code_hash, code_expires_at, created_at, site_id, language, "
                    "booked_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (waiting_area_id, specialist_id, starts_at, patient_name, code_hash,
                     code_expires_at, now, site_id, language, booked_by))
        except sqlite3.IntegrityError:
            raise Conflict("appointment code collision") from None
        appointment = self.get_appointment(_rowid(cur))
        assert appointment is not None
        return appointment

    def get_appointment(self, appointment_id: int) -> AppointmentRecord | None:
        row = self._one(_APPOINTMENT_SELECT + " WHERE a.id = ?", (appointment_id,))
        return _appointment(row) if row else None

    def redeem_appointment_code(self, code_hash: str, now: float) -> AppointmentRecord:
        """Use an appointment code once. Raises :class:`CodeError`."""
        with self._tx() as db:
            row = db.execute("SELECT id, code_expires_at FROM appointments "
                             "WHERE code_hash = ? AND code_used_at IS NULL",
                             (code_hash,)).fetchone()
            if row is None:
                used = db.execute("SELECT 1 FROM appointments WHERE code_hash = ?",
                                  (code_hash,)).fetchone()
                raise CodeError("code_used" if used else "bad_code")
            appointment_id, expires_at = row
            if expires_at <= now:
                raise CodeError("code_expired")
            db.execute("UPDATE appointments SET code_used_at = ? WHERE id = ?",
                       (now, appointment_id))
            found = db.execute(_APPOINTMENT_SELECT + " WHERE a.id = ?",
                               (appointment_id,)).fetchone()
        return _appointment(found)

    def redeem_prepared_appointment(self, appointment_id: int, clinic_id: int,
                                    now: float) -> AppointmentRecord:
        """Check in an appointment staff prepared a kiosk of site ``clinic_id`` for, once. The
        same rules as a code: single use, not after its code expires. Raises :class:`CodeError`."""
        with self._tx() as db:
            found = db.execute(_APPOINTMENT_SELECT + " WHERE a.id = ? AND a.site_id = ?",
                               (appointment_id, clinic_id)).fetchone()
            if found is None:
                raise CodeError("bad_code")
            appointment = _appointment(found)
            if appointment.code_used_at is not None:
                raise CodeError("code_used")
            if appointment.code_expires_at <= now:
                raise CodeError("code_expired")
            db.execute("UPDATE appointments SET code_used_at = ? WHERE id = ?",
                       (now, appointment_id))
            found = db.execute(_APPOINTMENT_SELECT + " WHERE a.id = ?",
                               (appointment_id,)).fetchone()
        return _appointment(found)

    def appointments_between(self, start: float, end: float) -> list[AppointmentRecord]:
        """Appointments starting in ``[start, end)``, earliest first."""
        rows = self._all(_APPOINTMENT_SELECT + " WHERE a.starts_at >= ? AND a.starts_at < ? "
                         "ORDER BY a.starts_at, a.id", (start, end))
        return [_appointment(r) for r in rows]

    # --- calls ---

    def record_call(self, call: CallRecord) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT INTO calls (visit_id, appointment_id, site_id, kiosk_id, specialist_id, "
                "checked_in_at, started_at, ended_at, end_reason, reconnects, quality) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (call.visit_id, call.appointment_id, call.clinic_id, call.kiosk_id,
                 call.specialist_id, call.checked_in_at, call.started_at, call.ended_at,
                 call.end_reason, call.reconnects, call.quality))

    def calls(self) -> list[CallRecord]:
        rows = self._all("SELECT visit_id, appointment_id, site_id, kiosk_id, specialist_id, "
                         "checked_in_at, started_at, ended_at, end_reason, reconnects, quality "
                         "FROM calls ORDER BY id")
        return [CallRecord(*r) for r in rows]

    # ----- feedback -----

    def store_feedback(self, clinic_id: int, kiosk_id: int | None,
                       answers: Iterable[WireAnswer], received_at: float) -> int:
        """Upsert ``answers`` for site ``clinic_id`` (the kiosk's) in one transaction (all of
        them or none), keeping each answer's highest revision; an answer of another site is
        never touched.
        Returns how many rows were written (new or newer)."""
        written = 0
        with self._tx() as db:
            for a in answers:
                area = a.context.get("waiting_area_id")
                cur = db.execute(
                    "INSERT INTO feedback_answers (answer_id, revision, response_id, site_id, "
                    "kiosk_id, waiting_area, survey_id, survey_version, language, context, "
                    "question_id, value, created_at, received_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                    "ON CONFLICT (answer_id) DO UPDATE SET revision = excluded.revision, "
                    "response_id = excluded.response_id, waiting_area = excluded.waiting_area, "
                    "survey_id = excluded.survey_id, survey_version = excluded.survey_version, "
                    "language = excluded.language, context = excluded.context, "
                    "question_id = excluded.question_id, value = excluded.value, "
                    "created_at = excluded.created_at, received_at = excluded.received_at, "
                    "kiosk_id = excluded.kiosk_id "
                    "WHERE excluded.revision > feedback_answers.revision "
                    "AND excluded.site_id = feedback_answers.site_id",
                    (a.answer_id, a.revision, a.response_id, clinic_id, kiosk_id,
                     None if area is None else str(area), a.survey_id, a.survey_version,
                     a.language, json.dumps(dict(a.context), sort_keys=True), a.question_id,
                     None if a.value is None else json.dumps(a.value, ensure_ascii=False),
                     a.created_at, received_at))
                written += cur.rowcount
        return written

    def feedback_revision(self, answer_id: str) -> tuple[int, AnswerValue] | None:
        """The stored revision and value of one answer (tests and diagnostics)."""
        row = self._one("SELECT revision, value FROM feedback_answers WHERE answer_id = ?",
                        (answer_id,))
        if row is None:
            return None
        return int(row[0]), None if row[1] is None else json.loads(row[1])

    def feedback_answers(self, *, clinic_id: int | None = None,
                         since: date | None = None,
                         scope: Scope | None = None) -> list[StoredAnswer]:
        """Answers that were not withdrawn, oldest first, optionally of one site
        (``clinic_id``), within what ``scope`` may see, and from a day (UTC) on. Answers are
        the kiosk's site's (their waiting area is only what the kiosk said): site staff see
        their sites'; a clinician those of the sites whose own service holds one of their
        waiting areas (the old clinic's); anyone else none."""
        sql = ("SELECT f.response_id, f.site_id, c.name, f.waiting_area, f.survey_id, "
               "f.survey_version, f.language, f.context, f.question_id, f.value, f.created_at "
               "FROM feedback_answers f JOIN sites c ON c.id = f.site_id "
               "WHERE f.value IS NOT NULL")
        args: list[Any] = []
        if clinic_id is not None:
            sql += " AND f.site_id = ?"
            args.append(clinic_id)
        if scope is not None:
            sites = sorted(scope.sites | scope.help_sites)
            sql += f" AND f.site_id IN ({','.join('?' * len(sites))})"
            args.extend(sites)
        if since is not None:
            sql += " AND f.created_at >= ?"
            args.append(int(datetime.combine(since, datetime.min.time(), UTC).timestamp()))
        sql += " ORDER BY f.created_at, f.rowid"
        return [StoredAnswer(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8],
                             json.loads(r[9]), r[10])
                for r in self._all(sql, tuple(args))]

    # ----- live state (visits and help requests kept through a restart) -----

    def check_in_visit(self, visit: NewLiveVisit, now: float, *, code_hash: str | None = None,
                       appointment_id: int | None = None,
                       clinic_id: int | None = None) -> AppointmentRecord:
        """Spend an appointment code (or, for a kiosk of ``clinic_id``, the appointment staff
        prepared it for) and create its live visit, in one transaction: a code is spent exactly
        when its visit exists. Raises :class:`CodeError` (:class:`VisitHeld` when this kiosk
        still holds a live visit of that appointment).

        A spent code is taken again only by the kiosk it was spent on, after the hub ended that
        visit for loss of contact (``lost_on_kiosk_id``, set by :meth:`end_live_visit`), once,
        and not after the code expires.

        A kiosk checks in only an appointment for its site or for any site (``site_id`` NULL);
        one bound to another site is refused as ``bad_code``. A patient's own device (no
        kiosk) may check in any. The visit's ``site_id`` is the kiosk's, else the
        appointment's."""
        with self._tx() as db:
            if code_hash is not None:  # the unused one (partial index), else the spent ones
                rows = db.execute(
                    "SELECT id, code_expires_at, code_used_at, lost_on_kiosk_id FROM appointments "
                    "WHERE code_hash = ? AND code_used_at IS NULL", (code_hash,)).fetchall() \
                    or db.execute(
                    "SELECT id, code_expires_at, code_used_at, lost_on_kiosk_id FROM appointments "
                    "WHERE code_hash = ? AND code_used_at IS NOT NULL ORDER BY id DESC",
                    (code_hash,)).fetchall()
            else:
                rows = db.execute(
                    "SELECT a.id, a.code_expires_at, a.code_used_at, a.lost_on_kiosk_id "
                    "FROM appointments a WHERE a.id = ? AND a.site_id = ?",
                    (appointment_id, clinic_id)).fetchall()
            if not rows:
                raise CodeError("bad_code")
            kiosk = visit.kiosk_id
            chosen = next((r for r in rows if r[2] is None), None) or next(
                (r for r in rows if kiosk is not None and r[3] == kiosk), None)
            if chosen is None:
                for r in rows:
                    held = kiosk is not None and db.execute(
                        "SELECT visit_id FROM live_visits WHERE appointment_id = ? "
                        "AND kiosk_id = ?", (r[0], kiosk)).fetchone()
                    if held:
                        raise VisitHeld(held[0])
                raise CodeError("code_used")
            found_id, expires_at = chosen[0], chosen[1]
            bound = db.execute("SELECT site_id FROM appointments WHERE id = ?",
                               (found_id,)).fetchone()[0]
            kiosk_site = None if kiosk is None else db.execute(
                "SELECT site_id FROM kiosks WHERE id = ?", (kiosk,)).fetchone()[0]
            if bound is not None and kiosk_site is not None and bound != kiosk_site:
                raise CodeError("bad_code")  # for another site: says no more than a wrong code
            if expires_at <= now:
                raise CodeError("code_expired")
            db.execute("UPDATE appointments SET code_used_at = ?, lost_on_kiosk_id = NULL "
                       "WHERE id = ?", (now, found_id))
            appointment = _appointment(
                db.execute(_APPOINTMENT_SELECT + " WHERE a.id = ?", (found_id,)).fetchone())
            db.execute(
                "INSERT INTO live_visits (visit_id, appointment_id, site_id, kiosk_id, "
                "resume_hash, checked_in_at, checks, owner, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (visit.visit_id, found_id,
                 kiosk_site if kiosk is not None else appointment.site_id, kiosk,
                 visit.resume_hash,
                 visit.checked_in_at, visit.checks_json, visit.owner, now))
        return appointment

    def update_live_visit(self, visit_id: str, now: float, owner: str,
                          changes: dict[str, Any]) -> None:
        """Write changed fields of a live visit (names from :data:`LIVE_VISIT_COLUMNS`)."""
        bad = set(changes) - LIVE_VISIT_COLUMNS
        if bad:
            raise ValueError(f"not a live visit column: {sorted(bad)}")
        sets = ", ".join(f"{name} = ?" for name in changes)
        with self._tx() as db:
            db.execute(f"UPDATE live_visits SET {sets}, owner = ?, updated_at = ? "  # noqa: S608
                       "WHERE visit_id = ?", (*changes.values(), owner, now, visit_id))

    def end_live_visit(self, call: CallRecord, *, lost_on_kiosk_id: int | None = None) -> bool:
        """End a live visit and record its call, in one transaction. With ``lost_on_kiosk_id``
        its code may be taken again by that kiosk (see :meth:`check_in_visit`). False if the
        visit was not live (already ended, e.g. by another hub process): nothing is written."""
        with self._tx() as db:
            gone = db.execute("DELETE FROM live_visits WHERE visit_id = ?",
                              (call.visit_id,)).rowcount
            if not gone:
                return False
            db.execute(
                "INSERT INTO calls (visit_id, appointment_id, site_id, kiosk_id, specialist_id, "
                "checked_in_at, started_at, ended_at, end_reason, reconnects, quality) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (call.visit_id, call.appointment_id, call.clinic_id, call.kiosk_id,
                 call.specialist_id, call.checked_in_at, call.started_at, call.ended_at,
                 call.end_reason, call.reconnects, call.quality))
            if lost_on_kiosk_id is not None and call.appointment_id is not None:
                db.execute("UPDATE appointments SET lost_on_kiosk_id = ? WHERE id = ?",
                           (lost_on_kiosk_id, call.appointment_id))
        return True

    def get_kiosk(self, kiosk_id: int) -> KioskRecord | None:
        row = self._one(_KIOSK_SELECT + " WHERE k.id = ?", (kiosk_id,))
        return KioskRecord(*row) if row else None

    def claim_live_state(self, owner: str, now: float) -> None:
        """Make ``owner`` (this hub process) the owner of every live row (one hub: all of them;
        several hubs would claim only the rows of a process known to be gone)."""
        with self._tx() as db:
            db.execute("UPDATE live_visits SET owner = ?, updated_at = ?", (owner, now))
            db.execute("UPDATE live_help SET owner = ?, updated_at = ?", (owner, now))

    def live_visits(self) -> list[LiveVisitRecord]:
        """Every live visit, oldest check-in first."""
        rows = self._all(
            "SELECT visit_id, appointment_id, kiosk_id, resume_hash, checked_in_at, checks, "
            "help_requested, call_state, specialist_id, started_at, offers, quality, owner, "
            "updated_at FROM live_visits ORDER BY checked_in_at, visit_id")
        records = []
        for r in rows:
            appointment = self.get_appointment(r[1])
            assert appointment is not None  # a foreign key
            records.append(LiveVisitRecord(
                visit_id=r[0], appointment=appointment,
                kiosk=self.get_kiosk(r[2]) if r[2] is not None else None, resume_hash=r[3],
                checked_in_at=r[4], checks_json=r[5], help_requested=bool(r[6]),
                call_state=r[7], specialist=self.get_specialist(r[8]) if r[8] is not None
                else None, started_at=r[9], offers=r[10], quality_json=r[11], owner=r[12],
                updated_at=r[13]))
        return records

    def save_live_help(self, kiosk_id: int, clinic_id: int, since: float, owner: str,
                       now: float) -> None:
        """Keep a kiosk's help request (the first ``since`` stands)."""
        with self._tx() as db:
            db.execute("INSERT INTO live_help (kiosk_id, site_id, since, owner, updated_at) "
                       "VALUES (?, ?, ?, ?, ?) ON CONFLICT(kiosk_id) DO UPDATE SET "
                       "owner = excluded.owner, updated_at = excluded.updated_at",
                       (kiosk_id, clinic_id, since, owner, now))

    def clear_live_help(self, kiosk_id: int) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM live_help WHERE kiosk_id = ?", (kiosk_id,))

    def live_help(self) -> list[LiveHelpRecord]:
        rows = self._all("SELECT kiosk_id, since, owner FROM live_help ORDER BY since")
        found = [(self.get_kiosk(r[0]), r[1], r[2]) for r in rows]
        return [LiveHelpRecord(k, since, owner) for k, since, owner in found if k is not None]

    # ----- reception: kiosks of sites, and help acknowledged by staff (issue 15) -----

    def kiosks_of_sites(self, site_ids: Iterable[int]
                        ) -> list[tuple[KioskRecord, dict[str, Any] | None]]:
        """The kiosks (not revoked) of ``site_ids``, by site name, room and id, each with its
        last readiness report ``{reported_at, fit, report}`` (``report`` as JSON text) or
        None."""
        ids = sorted(set(site_ids))
        if not ids:
            return []
        marks = ",".join("?" * len(ids))  # only placeholders go into the text
        rows = self._all(
            "SELECT k.id, k.site_id, k.room, k.name, k.last_seen, t.name, r.reported_at, "  # noqa: S608
            "r.fit, r.report FROM kiosks k JOIN sites t ON t.id = k.site_id "
            "LEFT JOIN kiosk_readiness r ON r.kiosk_id = k.id "
            f"WHERE k.revoked_at IS NULL AND k.site_id IN ({marks}) "
            "ORDER BY t.name, k.room, k.id", tuple(ids))
        return [(KioskRecord(*r[:6]), None if r[6] is None else
                 {"reported_at": r[6], "fit": bool(r[7]), "report": r[8]}) for r in rows]

    def save_visit_help(self, visit_id: str, help_at: float, acknowledged_by: int | None,
                        acknowledged_at: float | None, owner: str, now: float) -> None:
        """A live visit's help: its latest request and its acknowledgement (None: none)."""
        with self._tx() as db:
            db.execute("UPDATE live_visits SET help_requested = 1, help_at = ?, "
                       "help_acknowledged_by = ?, help_acknowledged_at = ?, owner = ?, "
                       "updated_at = ? WHERE visit_id = ?",
                       (help_at, acknowledged_by, acknowledged_at, owner, now, visit_id))

    def save_live_help_acknowledgement(self, kiosk_id: int, acknowledged_by: int | None,
                                       acknowledged_at: float | None, *,
                                       since: float | None = None) -> None:
        """Record (or, with None, clear) who acknowledged a kiosk's help request; ``since``:
        a new request after an acknowledgement starts a new alert at that time."""
        with self._tx() as db:
            db.execute("UPDATE live_help SET acknowledged_by = ?, acknowledged_at = ?, "
                       "since = COALESCE(?, since) WHERE kiosk_id = ?",
                       (acknowledged_by, acknowledged_at, since, kiosk_id))

    def live_help_states(self) -> tuple[dict[str, HelpState], dict[int, HelpState]]:
        """The help of live visits (by visit id, those that asked) and of kiosks' requests
        before check-in (by kiosk id): latest request and acknowledgement, for a restart."""
        visits = {r[0]: HelpState(r[1], r[2], r[3], r[4]) for r in self._all(
            "SELECT v.visit_id, v.help_at, v.help_acknowledged_by, a.display_name, "
            "v.help_acknowledged_at FROM live_visits v "
            "LEFT JOIN accounts a ON a.id = v.help_acknowledged_by "
            "WHERE v.help_requested = 1")}
        kiosks = {r[0]: HelpState(r[1], r[2], r[3], r[4]) for r in self._all(
            "SELECT h.kiosk_id, h.since, h.acknowledged_by, a.display_name, h.acknowledged_at "
            "FROM live_help h LEFT JOIN accounts a ON a.id = h.acknowledged_by")}
        return visits, kiosks

    # --- reception: which services hold clinics where, memberships, a site's day ---

    def _need_service(self, service_id: int) -> Service:
        found = self.get_service(service_id)
        if found is None:
            raise NotFound(f"there is no service with id {service_id}")
        return found

    def link_service_site(self, service_id: int, site_id: int, now: float) -> bool:
        """Record that a service holds clinics at a site (``service_sites``): its waiting
        areas' appointments may be booked there. False if it already did."""
        self._need_service(service_id)
        self._need_site(site_id)
        with self._tx() as db:
            cur = db.execute("INSERT OR IGNORE INTO service_sites (service_id, site_id, "
                             "created_at) VALUES (?, ?, ?)", (service_id, site_id, now))
        return cur.rowcount == 1

    def unlink_service_site(self, service_id: int, site_id: int) -> bool:
        """A service no longer holds clinics at a site (appointments already booked there
        stay as they are); False if it did not."""
        self._need_service(service_id)
        self._need_site(site_id)
        with self._tx() as db:
            cur = db.execute("DELETE FROM service_sites WHERE service_id = ? AND site_id = ?",
                             (service_id, site_id))
        return cur.rowcount == 1

    def service_serves_site(self, service_id: int, site_id: int) -> bool:
        return self._one("SELECT 1 FROM service_sites WHERE service_id = ? AND site_id = ?",
                         (service_id, site_id)) is not None

    def service_site_links(self, *, service_id: int | None = None,
                           site_id: int | None = None) -> list[tuple[int, int]]:
        """``(service_id, site_id)`` pairs of ``service_sites``, optionally of one service or
        one site, in id order."""
        rows = self._all("SELECT service_id, site_id FROM service_sites "
                         "WHERE (? IS NULL OR service_id = ?) AND (? IS NULL OR site_id = ?) "
                         "ORDER BY service_id, site_id",
                         (service_id, service_id, site_id, site_id))
        return [(r[0], r[1]) for r in rows]

    def site_services(self, site_id: int) -> list[Service]:
        """The services that hold clinics at a site (``service_sites``), by name."""
        rows = self._all("SELECT v.id, v.organisation_id, v.name FROM services v "
                         "JOIN service_sites l ON l.service_id = v.id WHERE l.site_id = ? "
                         "ORDER BY v.name, v.id", (site_id,))
        return [Service(*r) for r in rows]

    def service_waiting_areas(self, service_id: int) -> list[WaitingArea]:
        """A service's waiting areas, by name."""
        rows = self._all("SELECT id, service_id, name FROM waiting_areas WHERE service_id = ? "
                         "ORDER BY name, id", (service_id,))
        return [WaitingArea(*r) for r in rows]

    def waiting_area_clinicians(self, area_id: int) -> list[Account]:
        """The clinicians who are members of a waiting area, by display name."""
        rows = self._all(_SPECIALIST_SELECT + " WHERE role = ? AND id IN (SELECT account_id "
                         "FROM waiting_area_members WHERE waiting_area_id = ?) "
                         "ORDER BY display_name, id", (CLINICIAN, area_id))
        return [Account(*r) for r in rows]

    def remove_waiting_area_member(self, account_id: int, area_id: int) -> bool:
        """A clinician is no longer a member of a waiting area; False if they were not."""
        self._need_account(account_id)
        if self.get_waiting_area(area_id) is None:
            raise NotFound(f"there is no waiting area with id {area_id}")
        with self._tx() as db:
            cur = db.execute("DELETE FROM waiting_area_members WHERE account_id = ? "
                             "AND waiting_area_id = ?", (account_id, area_id))
        return cur.rowcount == 1

    def remove_site_staff(self, account_id: int, site_id: int) -> bool:
        """Site staff are no longer staff of a site; False if they were not."""
        self._need_account(account_id)
        self._need_site(site_id)
        with self._tx() as db:
            cur = db.execute("DELETE FROM site_staff WHERE account_id = ? AND site_id = ?",
                             (account_id, site_id))
        return cur.rowcount == 1

    def memberships(self, account_id: int | None = None) -> list[Membership]:
        """Every membership (clinicians in waiting areas, staff at sites), or one account's,
        by username."""
        rows = self._all(
            "SELECT a.id, a.username, a.role, 'waiting_area', w.id, w.name "
            "FROM waiting_area_members m JOIN accounts a ON a.id = m.account_id "
            "JOIN waiting_areas w ON w.id = m.waiting_area_id WHERE (? IS NULL OR a.id = ?) "
            "UNION ALL SELECT a.id, a.username, a.role, 'site', t.id, t.name "
            "FROM site_staff m JOIN accounts a ON a.id = m.account_id "
            "JOIN sites t ON t.id = m.site_id WHERE (? IS NULL OR a.id = ?) "
            "ORDER BY 2, 4, 5", (account_id, account_id, account_id, account_id))
        return [Membership(*r) for r in rows]

    def appointments_at_site(self, site_id: int, start: float,
                             end: float) -> list[AppointmentRecord]:
        """Appointments starting in ``[start, end)`` that are the site's: those bound to it,
        and those for any site whose visit is (``live_visits``) or was (``calls``) at it;
        earliest first."""
        rows = self._all(  # constant text only: values are placeholders
            _APPOINTMENT_SELECT + " WHERE a.starts_at >= ? AND a.starts_at < ? AND "  # noqa: S608
            "(a.site_id = ? OR (a.site_id IS NULL AND (EXISTS (SELECT 1 FROM live_visits l "
            "WHERE l.appointment_id = a.id AND l.site_id = ?) OR EXISTS (SELECT 1 FROM calls c "
            "WHERE c.appointment_id = a.id AND c.site_id = ?)))) ORDER BY a.starts_at, a.id",
            (start, end, site_id, site_id, site_id))
        return [_appointment(r) for r in rows]

    # --- where to go: a site's address and directions (the appointment letter's) ---

    def sites(self) -> list[Site]:
        """Every site, in id order."""
        return [Site(*r) for r in self._all(_SITE_SELECT + " ORDER BY id")]

    def update_site(self, site_id: int, *, name: str | None = None, address: str | None = None,
                    directions: str | None = None) -> Site:
        """Change a site's name, address or directions; None leaves one as it is, a blank text
        clears an address or directions. Both are plain text of at most
        :data:`MAX_SITE_TEXT` characters, lines kept (each line's spaces tidied, blank lines
        dropped), no other control characters."""
        site = self._need_site(site_id)
        changed = {
            "name": site.name if name is None else _clean_name(name, "site name"),
            "address": site.address if address is None else _clean_text(address, "address"),
            "directions": (site.directions if directions is None
                           else _clean_text(directions, "directions")),
        }
        try:
            with self._tx() as db:
                db.execute("UPDATE sites SET name = ?, address = ?, directions = ? WHERE id = ?",
                           (changed["name"], changed["address"], changed["directions"],
                            site_id))
        except sqlite3.IntegrityError:
            raise Conflict(f"a site called {changed['name']!r} already exists") from None
        return self._need_site(site_id)

    # --- reception's booking limit, kept here so that a restart does not start it again ---

    def take_booking_turn(self, account_id: int, now: float,
                          limits: RateLimits) -> float | None:
        """Count one booking by ``account_id``, in one transaction: None if it may go ahead
        (counted), else the seconds until it may (nothing counted). At most
        ``limits.bookings_per_hour`` an hour on average and ``limits.booking_burst`` at once:
        a token bucket (as :class:`kiosk.hub.ratelimit.TokenBucket`) kept as one time per
        account, ``paid_until``, by which its bookings so far are paid for at the average rate
        (GCRA's theoretical arrival time); a booking may go ahead while that is at most
        ``burst - 1`` bookings' worth of time ahead of now."""
        every = 3600.0 / max(1.0, limits.bookings_per_hour)
        slack = (max(1, limits.booking_burst) - 1) * every
        with self._tx() as db:
            row = db.execute("SELECT paid_until FROM booking_limits WHERE account_id = ?",
                             (account_id,)).fetchone()
            paid_until = now if row is None else max(now, float(row[0]))
            wait = round(paid_until - slack - now, 3)  # to the ms: unix times carry float dust
            if wait > 0:
                return wait
            db.execute("INSERT INTO booking_limits (account_id, paid_until) VALUES (?, ?) "
                       "ON CONFLICT (account_id) DO UPDATE SET paid_until = excluded.paid_until",
                       (account_id, paid_until + every))
        return None


def _private_file(path: Path) -> None:
    """Create ``path`` with mode 0600 if it does not exist; take group and other access away
    if it does."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        mode = path.stat().st_mode
        if mode & 0o077:
            os.chmod(path, stat.S_IMODE(mode) & 0o700)
            log.info("database %s was readable by others; now 0600", path.name)
    else:
        os.close(fd)


def _rowid(cur: sqlite3.Cursor) -> int:
    rowid = cur.lastrowid
    assert rowid is not None
    return rowid


def _clean_name(value: str, what: str, *, limit: int = 120) -> str:
    value = " ".join(value.split())
    if not value:
        raise StorageError(f"the {what} must not be empty")
    if len(value) > limit:
        raise StorageError(f"the {what} must be at most {limit} characters")
    if not value.isprintable():
        raise StorageError(f"the {what} must not hold control characters")
    return value


def _clean_text(value: str | None, what: str) -> str | None:
    """A site's address or directions: lines kept (CR LF and CR read as LF), each line's
    spaces tidied, blank lines dropped; None for no text."""
    if value is None:
        return None
    lines = [" ".join(line.split()) for line in value.replace("\r\n", "\n").replace(
        "\r", "\n").split("\n")]
    text = "\n".join(line for line in lines if line)
    if not text:
        return None
    if len(text) > MAX_SITE_TEXT:
        raise StorageError(f"the {what} must be at most {MAX_SITE_TEXT} characters")
    if not all(line.isprintable() for line in text.split("\n")):
        raise StorageError(f"the {what} must not hold control characters")
    return text
