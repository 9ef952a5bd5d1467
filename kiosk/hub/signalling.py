"""The hub's signalling after ``hello``: check-in, the waiting list, joining, the relay between a
visit's patient socket and its specialist's socket, resume after a dropped socket, and ending.

Rules that matter:

- Handlers are plain functions of (connection, validated message). They never await, so presence
  changes are atomic on the event loop. They refuse by raising :class:`Refusal`; the socket
  handler turns that into an ``error`` message and a WARNING log line.
- The hub routes by visit: a patient socket owns at most one visit, a specialist reaches a visit
  only after ``join``, and only a clinician who is a member of the visit's waiting area (site
  staff see their sites' visits but never join or message them; see :mod:`kiosk.hub.presence`).
- Nothing here logs a code, a token, an SDP or message text.
- Live state is written through to storage (``live_visits``, ``live_help``) by the handler that
  changes it, before it is published: a visit is created in the same transaction that spends
  its code and ends in the same transaction that records its call. At start the router rebuilds
  presence from storage (:meth:`SignallingRouter.restore`); each restored visit waits
  ``restart_grace`` for its clients, then ends as ``visit_lost``. Rows name no connection and
  no process-local id, so another hub process could take them over (docs/architecture.md §8).
- A planned stop (SIGTERM, an update; :meth:`SignallingRouter.close`) ends nothing: the live
  rows stay, every socket closes with 1001 and the clients resume from the next start as after
  a crash. Only :meth:`SignallingRouter.end_all` (the kiosk's embedded demo hub, whose clients
  stop with it) ends visits as ``hub_stopped``.
- Help goes first to the site's staff (docs/protocol.md, "Help"): every request is a new alert
  (``help_at`` moves, an acknowledgement is cleared); only staff of the kiosk's (or visit's)
  site may ``help_acknowledge`` it, and who and when is written through like the rest of the
  live state. A kiosk's journey step (``status``) is kept in memory only
  (:class:`kiosk.hub.kioskstatus.KioskBoard`); ``kiosks`` goes to site staff only.
- A code whose visit the hub ended for loss of contact may be checked in again by the same
  kiosk, once, before it expires (:meth:`kiosk.hub.storage.Storage.check_in_visit`); that kiosk
  also takes back a visit it still holds but has lost the socket of.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
import secrets
import socket
from collections.abc import Callable, Hashable, Iterable
from typing import Any

from aiohttp import web

from kiosk import protocol
from kiosk.hub.codes import code_hash, normalise_appointment_code, token_hash
from kiosk.hub.connection import (
    CLOSE_AUTH_FAILED,
    CLOSE_GOING_AWAY,
    CLOSE_REPLACED,
    Connection,
)
from kiosk.hub.kioskstatus import KioskBoard
from kiosk.hub.liverecords import HelpState, NewLiveVisit
from kiosk.hub.models import (
    CLINICIAN,
    SITE_STAFF,
    Account,
    AppointmentRecord,
    CallRecord,
    KioskRecord,
    Scope,
)
from kiosk.hub.presence import (
    Acknowledgement,
    HelpRequest,
    LiveVisit,
    help_summary,
    sees_visit,
)
from kiosk.hub.relay import ice_for
from kiosk.hub.state import Hub
from kiosk.hub.storage import CodeError, VisitHeld

log = logging.getLogger("kiosk.hub.signalling")

_CODE_MESSAGES = {
    "bad_code": "That code was not found. Check it and try again, or ask at reception.",
    "code_used": "That code has already been used. Please ask at reception.",
    "code_expired": "That code has expired. Please ask at reception.",
}
HELP_ACK = "Staff have been told that you need help. Someone will be with you soon."


_TOO_MANY = "Too many wrong codes. Please wait, or ask at reception."
_BUDGET_SPENT = ("Check-in with a code is paused for a while because of too many wrong codes. "
                 "Please ask at reception, or phone the clinic.")


class Refusal(Exception):
    """A message that is well formed but not acceptable now; becomes an ``error`` message."""

    def __init__(self, code: str, message: str, *, retry_after: float | None = None,
                 fatal: bool = False) -> None:
        super().__init__(code)
        self.code = code
        self.message = message
        self.retry_after = retry_after
        self.fatal = fatal


Handler = Callable[[Connection, dict[str, Any]], None]


class SignallingRouter:
    """Routes each client's messages to the handler for its type: check-in, visits, calls,
    help and resume, for one hub."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.presence = hub.presence
        self.connections: set[Connection] = set()
        #: This process, as the ``owner`` of the live rows it writes.
        self.instance = f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"
        #: Set by :meth:`close`: the hub is stopping and keeps its live state for the next start.
        self.stopping = False
        #: Each kiosk's reported step and open sockets, for its site's staff (``kiosks``).
        self.kiosks = KioskBoard()
        self.handlers: dict[str, Handler] = {
            "check_in": self.check_in,
            "checks": self.checks,
            "readiness": self.readiness,
            "help": self.help,
            "status": self.status,
            "help_acknowledge": self.help_acknowledge,
            "leave": self.leave,
            "call_state": self.call_state,
            "call_stats": self.call_stats,
            "join": self.join,
            "message": self.message,
            "restart": self._from_specialist,
            "offer": self.offer,
            "answer": self._from_specialist,
            "candidate": self.candidate,
            "hangup": self.hangup,
        }

    # --- patient side ---

    def _client_key(self, conn: Connection) -> Hashable:
        return ("kiosk", conn.kiosk.id) if conn.kiosk is not None else ("conn", conn.id)

    def check_in(self, conn: Connection, msg: dict[str, Any]) -> None:
        if conn.visit_id is not None:
            raise Refusal("not_allowed", "This connection has already checked in.")
        limiters = self.hub.limiters
        key = self._client_key(conn)
        clinic_id = conn.kiosk.clinic_id if conn.kiosk is not None else None
        limited = limiters.code_retry_after(key, conn.address, clinic_id)
        if limited is not None:
            wait, budget = limited
            raise Refusal("rate_limited", _BUDGET_SPENT if budget else _TOO_MANY,
                          retry_after=float(max(1, round(wait))))
        now = self.hub.clock.now()
        has_code, prepared = "code" in msg, msg.get("appointment_id")
        if has_code == (prepared is not None):
            raise Refusal("bad_message", "check_in needs either a code or an appointment_id.")
        if prepared is not None and conn.kiosk is None:
            raise Refusal("not_allowed", "Only a paired kiosk can check in a prepared "
                                         "appointment; use the appointment code.")
        resume_token = secrets.token_urlsafe(24)
        checks = msg.get("checks") or {}
        new = NewLiveVisit(visit_id=secrets.token_urlsafe(12),
                           resume_hash=token_hash(resume_token),
                           kiosk_id=conn.kiosk.id if conn.kiosk is not None else None,
                           checked_in_at=now, checks_json=_json(checks), owner=self.instance)
        try:
            if prepared is not None:
                assert conn.kiosk is not None
                appointment = self._start_visit(conn, new, msg, appointment_id=int(prepared),
                                                clinic_id=conn.kiosk.clinic_id)
            else:
                code = normalise_appointment_code(msg["code"])
                if code is None:
                    raise CodeError("bad_code")
                appointment = self._start_visit(
                    conn, new, msg, code_hash=code_hash(self.hub.secrets.code_pepper(), code))
        except CodeError as exc:
            if limiters.code_failure(key, conn.address, clinic_id):
                # Spent just now: IT should know (a guessing attack, or a misprinted letter).
                log.warning("appointment-code guess budget spent for %s: code check-in there "
                            "is paused until older failures leave the window",
                            "patients' own devices" if clinic_id is None
                            else f"clinic {clinic_id}'s kiosks")
            raise Refusal(exc.code, _CODE_MESSAGES[exc.code]) from None
        if appointment is None:
            return  # the kiosk took back the visit it held
        visit = LiveVisit(id=new.visit_id, resume_hash=new.resume_hash, appointment=appointment,
                          checked_in_at=now, kiosk=conn.kiosk, patient=conn, checks=checks)
        self.presence.visits[visit.id] = visit
        conn.visit_id = visit.id
        helped = self._clear_help(conn)
        log.info("%s checked in: visit %s, site %s", conn.label, visit.id, visit.site_id)
        self._send_checked_in(conn, visit, resume_token, msg.get("ref"))
        self.presence.publish_visit(visit)
        if helped is not None:
            self.publish_kiosks(helped.kiosk.site_id)

    def _send_checked_in(self, conn: Connection, visit: LiveVisit, resume_token: str,
                         ref: str | None) -> None:
        servers, expires = ice_for(self.hub, conn)  # a patient's device: the relay only now
        conn.send({**visit.checked_in(ref=ref, resume_token=resume_token),
                   "ice_servers": servers,
                   **({"ice_expires_at": expires} if expires is not None else {})})

    def _start_visit(self, conn: Connection, new: NewLiveVisit, msg: dict[str, Any],
                     **which: Any) -> AppointmentRecord | None:
        """Spend the code and store the new visit; None if instead this kiosk took back the
        visit of that code it still held (see :meth:`_take_back`)."""
        try:
            return self.hub.storage.check_in_visit(new, new.checked_in_at, **which)
        except VisitHeld as held:
            if self._take_back(conn, held.visit_id, msg.get("ref")):
                return None
            raise

    def _take_back(self, conn: Connection, visit_id: str, ref: str | None) -> bool:
        """The kiosk that holds a visit without its socket (it gave up on the hub, or the app
        restarted, so it lost its resume token) checks in again with the same code: it gets
        the same visit back, its place and waited time kept, with a new resume token."""
        visit = self.presence.visits.get(visit_id)
        if visit is None or visit.patient is not None or conn.kiosk is None \
                or visit.kiosk is None or visit.kiosk.id != conn.kiosk.id:
            return False
        resume_token = secrets.token_urlsafe(24)
        visit.resume_hash = token_hash(resume_token)
        self._save(visit, resume_hash=visit.resume_hash)
        self._attach_patient(visit, conn)
        visit.restored = False  # a new call session on the kiosk: it must hear 'joined'.
        if self._clear_help(conn) is not None:
            self.publish_kiosks(conn.kiosk.site_id)
        log.info("%s checked in again: visit %s taken back", conn.label, visit.id)
        self._send_checked_in(conn, visit, resume_token, ref)
        if visit.specialist is not None:
            conn.send(self._joined(visit))
        self.presence.publish_visit(visit)
        return True

    def _attach_patient(self, visit: LiveVisit, conn: Connection) -> None:
        if visit.patient_timer is not None:
            visit.patient_timer.cancel()
            visit.patient_timer = None
        visit.patient = conn
        conn.visit_id = visit.id

    def _save(self, visit: LiveVisit, **changes: Any) -> None:
        """Write changed fields of a visit through to storage (the memory copy is a cache)."""
        try:
            self.hub.storage.update_live_visit(visit.id, self.hub.clock.now(), self.instance,
                                               changes)
        except Exception:
            log.exception("could not save visit %s", visit.id)

    def _own_visit(self, conn: Connection) -> LiveVisit:
        visit = self.presence.visits.get(conn.visit_id) if conn.visit_id else None
        if visit is None:
            raise Refusal("not_allowed", "Check in with an appointment code first.")
        return visit

    def checks(self, conn: Connection, msg: dict[str, Any]) -> None:
        visit = self._own_visit(conn)
        visit.checks = msg["checks"]
        self._save(visit, checks=_json(visit.checks))
        self.presence.publish_visit(visit)

    def readiness(self, conn: Connection, msg: dict[str, Any]) -> None:
        """A kiosk's self-test report: kept as its last one (no reply; ``clinic-hub kiosks``)."""
        report = msg["report"]
        if conn.kiosk is None:  # SENDERS already limits this to kiosks, which have one
            raise Refusal("not_allowed", "only a paired kiosk may report readiness")
        if not isinstance(report.get("fit"), bool) or not isinstance(report.get("checks"), list):
            raise Refusal("bad_message", "readiness needs report.fit (bool) and report.checks")
        self.hub.storage.save_readiness(conn.kiosk.id, self.hub.clock.now(), report["fit"],
                                        json.dumps(report, separators=(",", ":")))
        log.info("%s reported readiness: %s", conn.label, "fit" if report["fit"] else "NOT fit")
        self.publish_kiosks(conn.kiosk.site_id)

    def help(self, conn: Connection, msg: dict[str, Any]) -> None:
        """Every request is a new alert: ``help_at`` moves, and an acknowledgement of an
        earlier one is cleared (staff must answer again)."""
        visit = self.presence.visits.get(conn.visit_id) if conn.visit_id else None
        now = self.hub.clock.now()
        if visit is not None:
            visit.help_requested = True
            visit.help_at, visit.help_ack = now, None
            try:
                self.hub.storage.save_visit_help(visit.id, now, None, None, self.instance, now)
            except Exception:
                log.exception("could not save the help request of visit %s", visit.id)
        elif conn.kiosk is not None:
            self._add_help(conn.kiosk, now)
        else:
            raise Refusal("not_allowed", "Check in with an appointment code first.")
        log.info("%s asked for help", conn.label)
        conn.send(protocol.make("help_ack", message=HELP_ACK, ref=msg.get("ref")))
        if visit is not None:
            self.presence.publish_visit(visit)
            if visit.kiosk is not None:
                self.publish_kiosks(visit.kiosk.site_id)
        else:
            assert conn.kiosk is not None
            self.presence.publish_kiosk(conn.kiosk)
            self.publish_kiosks(conn.kiosk.site_id)

    def status(self, conn: Connection, msg: dict[str, Any]) -> None:
        """A kiosk's journey step (kept in memory, shown to its site's staff)."""
        kiosk = conn.kiosk
        if kiosk is None:  # SENDERS already limits this to kiosks, which have one
            raise Refusal("not_allowed", "only a paired kiosk reports its step")
        step = msg["step"]
        if step not in protocol.KIOSK_STEPS:
            raise Refusal("bad_message", "step must be one of " + ", ".join(protocol.KIOSK_STEPS))
        detail = "".join(ch for ch in msg.get("detail") or "" if ch.isprintable()).strip()
        if self.kiosks.set_step(kiosk.id, step, detail or None, self.hub.clock.now()):
            log.info("%s is at step %s", conn.label, step)
            self.publish_kiosks(kiosk.site_id)

    def help_acknowledge(self, conn: Connection, msg: dict[str, Any]) -> None:
        """Staff of the kiosk's (or visit's) site answer a help request: recorded (kept
        through a restart), the patient side told ``help_coming``, lists and kiosks
        republished. A second acknowledgement changes nothing."""
        kiosk_id, visit_id = msg.get("kiosk_id"), msg.get("visit_id")
        if (kiosk_id is None) == (visit_id is None):
            raise Refusal("bad_message", "help_acknowledge needs exactly one of kiosk_id or "
                                         "visit_id")
        scope = self.presence.scope_of(conn)
        account = conn.specialist
        if scope is None or scope.role != SITE_STAFF or account is None:
            raise Refusal("forbidden", _NOT_YOUR_SITE)
        if visit_id is not None and visit_id not in self.presence.visits:
            request = next((h for h in self.presence.help_requests.values()
                            if h.id == visit_id), None)  # a help entry's "help-…" id
            if request is None:
                raise Refusal("not_found", _NO_HELP)
            kiosk_id = request.kiosk.id
        if kiosk_id is None:
            visit = self.presence.visits[str(visit_id)]
            if visit.site_id not in scope.sites:
                raise Refusal("forbidden", _NOT_YOUR_SITE)
            if not visit.help_requested:
                raise Refusal("not_found", _NO_HELP)
            self._acknowledge_visit(conn, visit, account)
            return
        request = self.presence.help_requests.get(kiosk_id)
        kiosk = request.kiosk if request is not None else self.hub.storage.get_kiosk(kiosk_id)
        if kiosk is None:
            raise Refusal("not_found", _NO_HELP)
        if kiosk.site_id not in scope.sites:
            raise Refusal("forbidden", _NOT_YOUR_SITE)
        if request is None:
            held = next((v for v in self.presence.visits.values() if v.help_requested
                         and v.kiosk is not None and v.kiosk.id == kiosk_id), None)
            if held is None:
                raise Refusal("not_found", _NO_HELP)
            self._acknowledge_visit(conn, held, account)
            return
        if request.ack is not None:
            return
        request.ack = ack = Acknowledgement(account.id, account.display_name,
                                            self.hub.clock.now())
        try:
            self.hub.storage.save_live_help_acknowledgement(kiosk.id, ack.account_id, ack.at)
        except Exception:
            log.exception("could not save the acknowledgement of kiosk %d's help", kiosk.id)
        log.info("%s acknowledged the help request of kiosk %d", conn.label, kiosk.id)
        for target in self._kiosk_sockets(kiosk.id):
            if target.visit_id is None:
                target.send(_help_coming(ack))
        self.presence.publish_kiosk(kiosk)
        self.publish_kiosks(kiosk.site_id)

    def _acknowledge_visit(self, conn: Connection, visit: LiveVisit, account: Account) -> None:
        if visit.help_ack is not None:
            return
        visit.help_ack = ack = Acknowledgement(account.id, account.display_name,
                                               self.hub.clock.now())
        help_at = visit.help_at if visit.help_at is not None else visit.checked_in_at
        visit.help_at = help_at
        try:
            self.hub.storage.save_visit_help(visit.id, help_at, ack.account_id, ack.at,
                                             self.instance, ack.at)
        except Exception:
            log.exception("could not save the acknowledgement of visit %s's help", visit.id)
        log.info("%s acknowledged the help request of visit %s", conn.label, visit.id)
        if visit.patient is not None:
            visit.patient.send(_help_coming(ack))
        self.presence.publish_visit(visit)
        if visit.kiosk is not None:
            self.publish_kiosks(visit.kiosk.site_id)

    def _kiosk_sockets(self, kiosk_id: int) -> list[Connection]:
        return [c for c in self.connections
                if c.kiosk is not None and c.kiosk.id == kiosk_id and not c.closed
                and c.role == "kiosk"]

    # --- reception: the kiosks of a site, for its staff ---

    def kiosk_entries(self, site_ids: Iterable[int]) -> list[dict[str, Any]]:
        """The ``kiosks`` entries of the kiosks of ``site_ids`` (docs/protocol.md,
        Reception): step and connection from memory, last seen and readiness from storage,
        and the help request (before check-in, else its visit's)."""
        rows = self.hub.storage.kiosks_of_sites(site_ids)
        if not rows:
            return []
        visit_help = {v.kiosk.id: v for v in self.presence.visits.values()
                      if v.help_requested and v.kiosk is not None}
        entries = []
        for kiosk, readiness in rows:
            request = self.presence.help_requests.get(kiosk.id)
            visit = visit_help.get(kiosk.id)
            if request is not None:
                helping: dict[str, Any] | None = help_summary(request.latest, None, request.ack)
            elif visit is not None:
                helping = help_summary(visit.help_at if visit.help_at is not None
                                       else visit.checked_in_at, visit.id, visit.help_ack)
            else:
                helping = None
            entries.append(self.kiosks.entry(kiosk, readiness, helping))
        return entries

    def publish_kiosks(self, site_id: int) -> None:
        """Send a fresh ``kiosks`` snapshot to the consoles of ``site_id``'s staff (each its
        own sites' kiosks; consoles with the same sites share one snapshot)."""
        snapshots: dict[frozenset[int], dict[str, Any]] = {}
        for conn in self.presence.staff_of(site_id):
            scope = self.presence.scope_of(conn)
            if scope is None:
                continue
            msg = snapshots.get(scope.sites)
            if msg is None:
                msg = snapshots[scope.sites] = self._kiosks_message(scope.sites)
            conn.send_latest("kiosks", msg)

    def _kiosks_message(self, site_ids: frozenset[int]) -> dict[str, Any]:
        entries = self.kiosk_entries(site_ids)
        msg = protocol.make("kiosks", kiosks=entries)
        while entries and len(protocol.encode(msg).encode("utf-8")) > protocol.MAX_MESSAGE_BYTES:
            entries = entries[:len(entries) * 9 // 10]  # very many kiosks: the first that fit
            msg = protocol.make("kiosks", kiosks=entries)
        return msg

    def client_connected(self, conn: Connection, resumed: LiveVisit | None) -> None:
        """A kiosk or patient side said hello: its site's staff see the kiosk connected, and
        a help request answered while it was away is told again."""
        if conn.kiosk is not None:
            self.kiosks.socket_opened(conn.kiosk.id, conn.id)
            request = self.presence.help_requests.get(conn.kiosk.id)
            if resumed is None and request is not None and request.ack is not None:
                conn.send(_help_coming(request.ack))
            self.publish_kiosks(conn.kiosk.site_id)
        if resumed is not None and resumed.help_ack is not None:
            conn.send(_help_coming(resumed.help_ack))

    def leave(self, conn: Connection, msg: dict[str, Any]) -> None:
        request = self._clear_help(conn)
        visit = self.presence.visits.get(conn.visit_id) if conn.visit_id else None
        if visit is not None:
            self.end_visit(visit, msg.get("reason") or "left")
        elif request is not None:
            self.publish_kiosks(request.kiosk.site_id)

    def offer(self, conn: Connection, msg: dict[str, Any]) -> None:
        visit = self._own_visit(conn)
        if visit.specialist is None:
            raise Refusal("not_allowed", "No specialist has joined yet; wait for 'joined'.")
        visit.offers += 1
        self._save(visit, offers=visit.offers)
        self._to_specialist(visit, msg)

    def candidate(self, conn: Connection, msg: dict[str, Any]) -> None:
        if conn.role == "specialist":
            self._from_specialist(conn, msg)
            return
        visit = self._own_visit(conn)
        if visit.specialist is None:
            raise Refusal("not_allowed", "No specialist has joined yet; wait for 'joined'.")
        self._to_specialist(visit, msg)

    def call_state(self, conn: Connection, msg: dict[str, Any]) -> None:
        visit = self._own_visit(conn)
        changed = visit.call_state != msg["state"]
        visit.call_state = msg["state"]
        if changed:
            self._save(visit, call_state=visit.call_state)
        self._to_specialist(visit, msg)
        if changed:
            self.presence.publish_visit(visit)

    def call_stats(self, conn: Connection, msg: dict[str, Any]) -> None:
        if conn.role == "specialist":
            visit = self._specialist_visit(conn, msg)
            visit.quality["specialist"] = msg["stats"]
            self._save(visit, quality=_json(visit.quality))
            return
        visit = self._own_visit(conn)
        visit.quality["patient"] = msg["stats"]
        self._save(visit, quality=_json(visit.quality))
        self._to_specialist(visit, msg)

    def _to_specialist(self, visit: LiveVisit, msg: dict[str, Any]) -> None:
        target = visit.specialist_conn
        if target is None:
            return  # no specialist, or theirs is reconnecting: nothing to relay to
        out = {k: v for k, v in msg.items() if k != "ref"}
        out["visit_id"] = visit.id
        target.send(out)

    # --- specialist side ---

    def _visit_for(self, conn: Connection, msg: dict[str, Any]) -> LiveVisit:
        visit_id = msg.get("visit_id")
        if visit_id is None:
            raise Refusal("bad_message", f"{msg['type']} from a specialist needs 'visit_id'")
        visit = self.presence.visits.get(visit_id)
        assert conn.specialist is not None
        if visit is None:
            raise Refusal("not_found", "That patient is no longer waiting.")
        scope = self.presence.scope_of(conn)
        if scope is None or scope.role != CLINICIAN or not sees_visit(scope, visit):
            raise Refusal("forbidden", "That patient is not waiting in your waiting areas.")
        return visit

    def _specialist_visit(self, conn: Connection, msg: dict[str, Any]) -> LiveVisit:
        """The visit named in ``msg``, which this specialist must have joined."""
        visit = self._visit_for(conn, msg)
        assert conn.specialist is not None
        if visit.specialist is None:
            raise Refusal("not_allowed", "Join this patient first.")
        if visit.specialist.id != conn.specialist.id:
            raise Refusal("busy", "Another specialist is with this patient.")
        if visit.specialist_conn is not conn:  # the same specialist on a new socket
            self._attach_specialist(visit, conn)
        return visit

    def join(self, conn: Connection, msg: dict[str, Any]) -> None:
        visit = self._visit_for(conn, msg)
        spec = conn.specialist
        assert spec is not None
        if visit.specialist is not None and visit.specialist.id != spec.id:
            raise Refusal("busy", "Another specialist is with this patient.")
        first = visit.specialist is None or visit.started_at is None
        visit.specialist = spec
        self._attach_specialist(visit, conn)
        if visit.started_at is None:
            visit.started_at = self.hub.clock.now()
        if first:
            self._save(visit, specialist_id=spec.id, started_at=visit.started_at)
        log.info("%s joined visit %s", conn.label, visit.id)
        joined = self._joined(visit)
        conn.send({**joined, **({"ref": msg["ref"]} if "ref" in msg else {})})
        if visit.patient is not None:
            visit.patient.send(joined)
        self.presence.publish_visit(visit)

    @staticmethod
    def _joined(visit: LiveVisit) -> dict[str, Any]:
        spec = visit.specialist
        assert spec is not None
        return protocol.make("joined", visit_id=visit.id,
                             specialist={"id": spec.id, "name": spec.display_name})

    def _attach_specialist(self, visit: LiveVisit, conn: Connection) -> None:
        visit.specialist_conn = conn
        if visit.specialist_timer is not None:
            visit.specialist_timer.cancel()
            visit.specialist_timer = None

    def message(self, conn: Connection, msg: dict[str, Any]) -> None:
        visit = self._visit_for(conn, msg)
        spec = conn.specialist
        assert spec is not None
        if visit.specialist is not None and visit.specialist.id != spec.id:
            raise Refusal("busy", "Another specialist is with this patient.")
        if visit.patient is None:
            raise Refusal("not_allowed", "The patient is reconnecting; try again in a moment.")
        visit.patient.send(protocol.make("message", visit_id=visit.id, text=msg["text"],
                                         **{"from": spec.display_name}))

    def _from_specialist(self, conn: Connection, msg: dict[str, Any]) -> None:
        """Relay answer, candidate or restart from the joined specialist to the patient."""
        visit = self._specialist_visit(conn, msg)
        if visit.patient is not None:
            visit.patient.send({k: v for k, v in msg.items() if k != "ref"})

    def hangup(self, conn: Connection, msg: dict[str, Any]) -> None:
        visit = self._specialist_visit(conn, msg) if conn.role == "specialist" \
            else self._own_visit(conn)
        reason = msg.get("reason") or "hangup"
        # The patient side gave up on the media path: not anyone's choice, like a lost socket.
        self.end_visit(visit, reason, lost=conn.role != "specialist" and reason == "network_failed")

    # --- connections coming and going ---

    def specialist_connected(self, conn: Connection, scope: Scope) -> None:
        """A console said hello: register it with what it may see (its account's memberships
        as stored now), re-attach its joins, send the list."""
        spec = conn.specialist
        assert spec is not None
        self.presence.add_specialist(conn, scope)
        for visit in self.presence.visits.values():
            if (visit.specialist is not None and visit.specialist.id == spec.id
                    and visit.specialist_conn is None):
                self._attach_specialist(visit, conn)
        self.presence.send_snapshot(conn)
        if scope.role == SITE_STAFF and scope.sites:
            conn.send_latest("kiosks", self._kiosks_message(scope.sites))

    def resume(self, conn: Connection, resume: dict[str, Any]) -> LiveVisit | None:
        """Re-attach a patient socket to its visit, or None if the visit is gone."""
        visit_id, token = resume.get("visit_id"), resume.get("resume_token")
        if not isinstance(visit_id, str) or not isinstance(token, str):
            raise Refusal("bad_message", "resume needs 'visit_id' and 'resume_token' strings")
        visit = self.presence.visits.get(visit_id)
        if visit is None:
            log.info("%s: resume of a visit that is not live (ended, or never was)", conn.label)
            return None
        if not hmac.compare_digest(visit.resume_hash.encode(), token_hash(token).encode()):
            log.info("%s: resume of visit %s with a wrong token; refused", conn.label, visit.id)
            return None
        if visit.kiosk is not None and (conn.kiosk is None or conn.kiosk.id != visit.kiosk.id):
            log.info("%s: resume of visit %s from another device; refused", conn.label,
                     visit.id)
            return None
        old = visit.patient
        if old is not None and old is not conn:
            old.visit_id = None
            old.close_after_sending(CLOSE_REPLACED, "resumed on another connection")
        self._attach_patient(visit, conn)
        log.info("%s resumed visit %s%s", conn.label, visit.id,
                 " (kept through a hub restart)" if visit.restored else "")
        self.presence.publish_visit(visit)
        return visit

    def resend_joined(self, visit: LiveVisit) -> bool:
        """Whether a patient socket that has just resumed ``visit`` should get ``joined`` again
        (so the patient side re-offers). Not after a hub restart if the call was connected:
        media goes peer to peer and never stopped, and the session watches it itself."""
        restored, visit.restored = visit.restored, False
        return visit.specialist is not None and not (restored and visit.call_state == "connected")

    def disconnected(self, conn: Connection) -> None:
        """A socket closed: start the grace period for what it held (not while the hub stops:
        then what it held stays in storage for the next start)."""
        if self.stopping:
            return
        loop = asyncio.get_running_loop()
        grace = self.hub.config.resume_grace
        if conn.kiosk is not None and conn.kiosk.id in self.presence.help_requests:
            self._help_timer(conn.kiosk.id, grace)
        if conn.kiosk is not None and self.kiosks.socket_closed(conn.kiosk.id, conn.id):
            try:
                self.hub.storage.touch_kiosk(conn.kiosk.id, self.hub.clock.now())
            except Exception:
                log.exception("could not note when kiosk %d was last seen", conn.kiosk.id)
            self.publish_kiosks(conn.kiosk.site_id)
        if conn.role == "specialist":
            self.presence.remove_specialist(conn)
            for held in list(self.presence.visits.values()):
                if held.specialist_conn is conn:
                    held.specialist_conn = None
                    held.specialist_timer = loop.call_later(
                        grace, self._specialist_gone, held.id)
            return
        visit = self.presence.visits.get(conn.visit_id) if conn.visit_id else None
        if visit is None or visit.patient is not conn:
            return
        visit.patient = None
        visit.patient_timer = loop.call_later(grace, self._patient_gone, visit.id)
        log.info("%s dropped; visit %s kept for %.0f s", conn.label, visit.id, grace)
        self.presence.publish_visit(visit)

    def _patient_gone(self, visit_id: str, reason: str = "patient_disconnected") -> None:
        visit = self.presence.visits.get(visit_id)
        if visit is not None and visit.patient is None:
            self.end_visit(visit, reason, lost=True)

    def _specialist_gone(self, visit_id: str) -> None:
        visit = self.presence.visits.get(visit_id)
        if visit is not None and visit.specialist_conn is None:
            self.end_visit(visit, "specialist_disconnected", lost=True)

    # --- help requests from a kiosk before check-in (one per kiosk, kept in storage) ---

    def _add_help(self, kiosk: KioskRecord, since: float, *, save: bool = True) -> None:
        request = self.presence.help_requests.get(kiosk.id)
        if request is None:
            request = HelpRequest(f"help-{kiosk.id}", kiosk, since)
            self.presence.help_requests[kiosk.id] = request
            if save:
                try:
                    self.hub.storage.save_live_help(kiosk.id, kiosk.clinic_id, since,
                                                    self.instance, self.hub.clock.now())
                except Exception:
                    log.exception("could not save the help request of kiosk %d", kiosk.id)
            return
        if request.timer is not None:
            request.timer.cancel()
            request.timer = None
        if not save:
            return
        request.help_at = since  # a new request: a new alert
        if request.ack is not None:  # answered before: it starts again, unanswered
            request.ack, request.since = None, since
            try:
                self.hub.storage.save_live_help_acknowledgement(kiosk.id, None, None,
                                                                since=since)
            except Exception:
                log.exception("could not save the help request of kiosk %d", kiosk.id)

    def _clear_help(self, conn: Connection) -> HelpRequest | None:
        request = self.presence.help_requests.pop(conn.kiosk.id, None) \
            if conn.kiosk is not None else None
        if request is not None:
            if request.timer is not None:
                request.timer.cancel()
            try:
                self.hub.storage.clear_live_help(request.kiosk.id)
            except Exception:
                log.exception("could not clear the help request of kiosk %d", request.kiosk.id)
            self.presence.publish_kiosk(request.kiosk)  # its entry leaves the lists
        return request

    def _help_timer(self, kiosk_id: int, grace: float) -> None:
        request = self.presence.help_requests.get(kiosk_id)
        if request is not None and request.timer is None:
            request.timer = asyncio.get_running_loop().call_later(
                grace, self._help_gone, kiosk_id)

    def _help_gone(self, kiosk_id: int) -> None:
        """The kiosk did not come back in time: its help request goes (unless it is back)."""
        request = self.presence.help_requests.get(kiosk_id)
        if request is None:
            return
        request.timer = None
        if any(c.kiosk is not None and c.kiosk.id == kiosk_id and not c.closed
               for c in self.connections):
            return
        del self.presence.help_requests[kiosk_id]
        try:
            self.hub.storage.clear_live_help(kiosk_id)
        except Exception:
            log.exception("could not clear the help request of kiosk %d", kiosk_id)
        self.presence.publish_kiosk(request.kiosk)
        self.publish_kiosks(request.kiosk.site_id)

    # --- a restart ---

    def restore(self) -> None:
        """At start: rebuild presence from storage. Every visit and help request waits
        ``restart_grace`` for its clients (status ``disconnected``); the waiting lists go out
        as specialists come back."""
        hub = self.hub
        loop = asyncio.get_running_loop()
        grace = hub.config.restart_grace
        hub.storage.claim_live_state(self.instance, hub.clock.now())
        restored = 0
        visit_help, kiosk_help = hub.storage.live_help_states()
        for rec in hub.storage.live_visits():
            try:
                checks = json.loads(rec.checks_json)
                quality = json.loads(rec.quality_json) if rec.quality_json else {}
            except ValueError:
                log.exception("live visit %s has unreadable JSON; its checks are dropped",
                              rec.visit_id)
                checks, quality = {}, {}
            visit = LiveVisit(
                id=rec.visit_id, resume_hash=rec.resume_hash, appointment=rec.appointment,
                checked_in_at=rec.checked_in_at, kiosk=rec.kiosk, patient=None,
                checks=checks if isinstance(checks, dict) else {},
                help_requested=rec.help_requested, call_state=rec.call_state,
                specialist=rec.specialist, started_at=rec.started_at, offers=rec.offers,
                quality=quality if isinstance(quality, dict) else {}, restored=True)
            state = visit_help.get(visit.id)
            if state is not None:
                visit.help_at, visit.help_ack = state.help_at, _acknowledgement(state)
            visit.patient_timer = loop.call_later(grace, self._patient_gone, visit.id,
                                                  "visit_lost")
            if visit.specialist is not None:
                visit.specialist_timer = loop.call_later(grace, self._specialist_gone, visit.id)
            self.presence.visits[visit.id] = visit
            restored += 1
        helps = hub.storage.live_help()
        for help_rec in helps:
            self._add_help(help_rec.kiosk, help_rec.since, save=False)
            state = kiosk_help.get(help_rec.kiosk.id)
            if state is not None:
                self.presence.help_requests[help_rec.kiosk.id].ack = _acknowledgement(state)
            self._help_timer(help_rec.kiosk.id, grace)
        if restored or helps:
            log.info("restored %d live visits and %d help requests; each waits %.0f s for its "
                     "clients", restored, len(helps), grace)

    def signed_out(self, session_hash: str) -> None:
        """Close the sockets of a session that has just signed out."""
        for conn in self.presence.specialist_conns():
            if conn.session_hash == session_hash:
                conn.send(protocol.error("auth_failed", "You have signed out.",
                                         fatal=True))
                conn.close_after_sending(CLOSE_AUTH_FAILED, "signed out")

    # --- ending ---

    def end_visit(self, visit: LiveVisit, reason: str, *, lost: bool = False) -> None:
        """End a visit: tell both sides, record the call, update the list. ``lost``: nobody
        chose to end it (the hub lost contact), so its kiosk may check its code in again."""
        if self.presence.visits.pop(visit.id, None) is None:
            return
        for timer in (visit.patient_timer, visit.specialist_timer):
            if timer is not None:
                timer.cancel()
        ended = protocol.make("call_ended", visit_id=visit.id, reason=reason[:64])
        if visit.patient is not None:
            visit.patient.visit_id = None
            visit.patient.send(ended)
        if visit.specialist_conn is not None:
            visit.specialist_conn.send(ended)
        now = self.hub.clock.now()
        record = CallRecord(
            visit_id=visit.id, appointment_id=visit.appointment.id, clinic_id=visit.clinic_id,
            kiosk_id=visit.kiosk.id if visit.kiosk else None,
            specialist_id=visit.specialist.id if visit.specialist else None,
            checked_in_at=visit.checked_in_at, started_at=visit.started_at, ended_at=now,
            end_reason=reason[:64], reconnects=max(0, visit.offers - 1),
            quality=json.dumps(visit.quality) if visit.quality else None)
        lost_on = visit.kiosk.id if lost and visit.kiosk is not None else None
        try:
            if not self.hub.storage.end_live_visit(record, lost_on_kiosk_id=lost_on):
                log.info("visit %s was no longer live in storage; not recorded twice", visit.id)
        except Exception:
            log.exception("could not record the call for visit %s", visit.id)
        log.info("visit %s ended: %s", visit.id, reason[:64])
        self.presence.publish_visit(visit)
        if visit.help_requested and visit.kiosk is not None:
            self.publish_kiosks(visit.kiosk.site_id)

    def end_all(self, reason: str = "hub_stopped") -> None:
        """End every live visit (each is recorded): for a hub whose clients stop with it (the
        kiosk's embedded demo hub), never for a planned stop of a real hub."""
        for visit in list(self.presence.visits.values()):
            self.end_visit(visit, reason, lost=True)

    def close(self) -> None:
        """The hub is stopping (SIGTERM, SIGINT, an update): nothing is ended or recorded.
        Live visits and help requests stay in storage exactly as written, their timers stop,
        and every socket closes with 1001 "going away", so clients reconnect and resume from
        the next start just as after a crash (a visit nobody comes back for ends by
        ``restart_grace`` then). Sockets that close from now on start no grace timers."""
        self.stopping = True
        for visit in self.presence.visits.values():
            for timer in (visit.patient_timer, visit.specialist_timer):
                if timer is not None:
                    timer.cancel()
            visit.patient_timer = visit.specialist_timer = None
        for request in self.presence.help_requests.values():
            if request.timer is not None:
                request.timer.cancel()
                request.timer = None
        for conn in list(self.connections):
            conn.close_after_sending(CLOSE_GOING_AWAY, "the hub is restarting")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


_NOT_YOUR_SITE = "Only reception staff of the patient's site can answer this help request."
_NO_HELP = "There is no help request there to answer (it may have ended)."


def _help_coming(ack: Acknowledgement) -> dict[str, Any]:
    return protocol.make("help_coming", by=ack.first_name or None)


def _acknowledgement(state: HelpState) -> Acknowledgement | None:
    if state.acknowledged_by is None or state.acknowledged_at is None:
        return None
    return Acknowledgement(state.acknowledged_by, state.acknowledged_name or "",
                           state.acknowledged_at)


SIGNALLING: web.AppKey[SignallingRouter] = web.AppKey("signalling", SignallingRouter)
