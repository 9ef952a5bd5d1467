"""The hub's signalling after ``hello``: check-in, the waiting list, joining, the relay between a
visit's patient socket and its specialist's socket, resume after a dropped socket, and ending.

Rules that matter:

- Handlers are plain functions of (connection, validated message). They never await, so presence
  changes are atomic on the event loop. They refuse by raising :class:`Refusal`; the socket
  handler turns that into an ``error`` message and a WARNING log line.
- The hub routes by visit: a patient socket owns at most one visit, a specialist reaches a visit
  only after ``join``, and only within their own clinic.
- Nothing here logs a code, a token, an SDP or message text.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import secrets
from collections.abc import Callable, Hashable
from typing import Any

from aiohttp import web

from kiosk import protocol
from kiosk.hub.codes import code_hash, normalise_appointment_code
from kiosk.hub.connection import (
    CLOSE_AUTH_FAILED,
    CLOSE_GOING_AWAY,
    CLOSE_REPLACED,
    Connection,
)
from kiosk.hub.models import CallRecord
from kiosk.hub.presence import HelpRequest, LiveVisit
from kiosk.hub.relay import ice_for
from kiosk.hub.state import Hub
from kiosk.hub.storage import CodeError

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
        self.handlers: dict[str, Handler] = {
            "check_in": self.check_in,
            "checks": self.checks,
            "readiness": self.readiness,
            "help": self.help,
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
        try:
            if prepared is not None:
                assert conn.kiosk is not None
                appointment = self.hub.storage.redeem_prepared_appointment(
                    int(prepared), conn.kiosk.clinic_id, now)
            else:
                code = normalise_appointment_code(msg["code"])
                if code is None:
                    raise CodeError("bad_code")
                appointment = self.hub.storage.redeem_appointment_code(
                    code_hash(self.hub.secrets.code_pepper(), code), now)
        except CodeError as exc:
            if limiters.code_failure(key, conn.address, clinic_id):
                # Spent just now: IT should know (a guessing attack, or a misprinted letter).
                log.warning("appointment-code guess budget spent for %s: code check-in there "
                            "is paused until older failures leave the window",
                            "patients' own devices" if clinic_id is None
                            else f"clinic {clinic_id}'s kiosks")
            raise Refusal(exc.code, _CODE_MESSAGES[exc.code]) from None
        visit = LiveVisit(id=secrets.token_urlsafe(12), resume_token=secrets.token_urlsafe(24),
                          appointment=appointment, checked_in_at=now, kiosk=conn.kiosk,
                          patient=conn, checks=msg.get("checks") or {})
        self.presence.visits[visit.id] = visit
        conn.visit_id = visit.id
        self.presence.help_requests.pop(conn, None)
        log.info("%s checked in: visit %s, clinic %d", conn.label, visit.id, visit.clinic_id)
        servers, expires = ice_for(self.hub, conn)  # a patient's device: the relay only now
        conn.send({**visit.checked_in(ref=msg.get("ref")), "ice_servers": servers,
                   **({"ice_expires_at": expires} if expires is not None else {})})
        self.presence.publish(visit.clinic_id)

    def _own_visit(self, conn: Connection) -> LiveVisit:
        visit = self.presence.visits.get(conn.visit_id) if conn.visit_id else None
        if visit is None:
            raise Refusal("not_allowed", "Check in with an appointment code first.")
        return visit

    def checks(self, conn: Connection, msg: dict[str, Any]) -> None:
        visit = self._own_visit(conn)
        visit.checks = msg["checks"]
        self.presence.publish(visit.clinic_id)

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

    def help(self, conn: Connection, msg: dict[str, Any]) -> None:
        visit = self.presence.visits.get(conn.visit_id) if conn.visit_id else None
        if visit is not None:
            visit.help_requested = True
            clinic_id = visit.clinic_id
        elif conn.kiosk is not None:
            if conn not in self.presence.help_requests:
                self.presence.help_requests[conn] = HelpRequest(
                    f"help-{conn.id}", conn.kiosk, self.hub.clock.now())
            clinic_id = conn.kiosk.clinic_id
        else:
            raise Refusal("not_allowed", "Check in with an appointment code first.")
        log.info("%s asked for help", conn.label)
        conn.send(protocol.make("help_ack", message=HELP_ACK, ref=msg.get("ref")))
        self.presence.publish(clinic_id)

    def leave(self, conn: Connection, msg: dict[str, Any]) -> None:
        request = self.presence.help_requests.pop(conn, None)
        visit = self.presence.visits.get(conn.visit_id) if conn.visit_id else None
        if visit is not None:
            self.end_visit(visit, msg.get("reason") or "left")
        elif request is not None:
            self.presence.publish(request.kiosk.clinic_id)

    def offer(self, conn: Connection, msg: dict[str, Any]) -> None:
        visit = self._own_visit(conn)
        if visit.specialist is None:
            raise Refusal("not_allowed", "No specialist has joined yet; wait for 'joined'.")
        visit.offers += 1
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
        self._to_specialist(visit, msg)
        if changed:
            self.presence.publish(visit.clinic_id)

    def call_stats(self, conn: Connection, msg: dict[str, Any]) -> None:
        if conn.role == "specialist":
            visit = self._specialist_visit(conn, msg)
            visit.quality["specialist"] = msg["stats"]
            return
        visit = self._own_visit(conn)
        visit.quality["patient"] = msg["stats"]
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
        if visit.clinic_id != conn.specialist.clinic_id:
            raise Refusal("forbidden", "That patient is not waiting at your clinic.")
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
        visit.specialist = spec
        self._attach_specialist(visit, conn)
        if visit.started_at is None:
            visit.started_at = self.hub.clock.now()
        log.info("%s joined visit %s", conn.label, visit.id)
        joined = protocol.make("joined", visit_id=visit.id,
                               specialist={"id": spec.id, "name": spec.display_name})
        conn.send({**joined, **({"ref": msg["ref"]} if "ref" in msg else {})})
        if visit.patient is not None:
            visit.patient.send(joined)
        self.presence.publish(visit.clinic_id)

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
        self.end_visit(visit, msg.get("reason") or "hangup")

    # --- connections coming and going ---

    def specialist_connected(self, conn: Connection, clinic_name: str) -> None:
        """A specialist said hello: register them, re-attach their joins, send the list."""
        spec = conn.specialist
        assert spec is not None
        self.presence.add_specialist(conn, clinic_name)
        for visit in self.presence.visits.values():
            if (visit.specialist is not None and visit.specialist.id == spec.id
                    and visit.specialist_conn is None):
                self._attach_specialist(visit, conn)
        conn.send(self.presence.waiting_list(spec.clinic_id, clinic_name))

    def resume(self, conn: Connection, resume: dict[str, Any]) -> LiveVisit | None:
        """Re-attach a patient socket to its visit, or None if the visit is gone."""
        visit_id, token = resume.get("visit_id"), resume.get("resume_token")
        if not isinstance(visit_id, str) or not isinstance(token, str):
            raise Refusal("bad_message", "resume needs 'visit_id' and 'resume_token' strings")
        visit = self.presence.visits.get(visit_id)
        if visit is None or not hmac.compare_digest(visit.resume_token.encode(), token.encode()):
            return None
        if visit.kiosk is not None and (conn.kiosk is None or conn.kiosk.id != visit.kiosk.id):
            return None
        old = visit.patient
        if old is not None and old is not conn:
            old.visit_id = None
            old.close_after_sending(CLOSE_REPLACED, "resumed on another connection")
        if visit.patient_timer is not None:
            visit.patient_timer.cancel()
            visit.patient_timer = None
        visit.patient = conn
        conn.visit_id = visit.id
        log.info("%s resumed visit %s", conn.label, visit.id)
        self.presence.publish(visit.clinic_id)
        return visit

    def disconnected(self, conn: Connection) -> None:
        """A socket closed: start the grace period for what it held."""
        loop = asyncio.get_running_loop()
        grace = self.hub.config.resume_grace
        request = self.presence.help_requests.pop(conn, None)
        if request is not None:
            self.presence.publish(request.kiosk.clinic_id)
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
        self.presence.publish(visit.clinic_id)

    def _patient_gone(self, visit_id: str) -> None:
        visit = self.presence.visits.get(visit_id)
        if visit is not None and visit.patient is None:
            self.end_visit(visit, "patient_disconnected")

    def _specialist_gone(self, visit_id: str) -> None:
        visit = self.presence.visits.get(visit_id)
        if visit is not None and visit.specialist_conn is None:
            self.end_visit(visit, "specialist_disconnected")

    def signed_out(self, session_hash: str) -> None:
        """Close the sockets of a session that has just signed out."""
        for conn in self.presence.specialist_conns():
            if conn.session_hash == session_hash:
                conn.send(protocol.error("auth_failed", "You have signed out.",
                                         fatal=True))
                conn.close_after_sending(CLOSE_AUTH_FAILED, "signed out")

    # --- ending ---

    def end_visit(self, visit: LiveVisit, reason: str) -> None:
        """End a visit: tell both sides, record the call, update the list."""
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
        try:
            self.hub.storage.record_call(record)
        except Exception:
            log.exception("could not record the call for visit %s", visit.id)
        log.info("visit %s ended: %s", visit.id, reason[:64])
        self.presence.publish(visit.clinic_id)

    def close(self) -> None:
        """The hub is stopping: end every visit (so each is recorded) and close every socket."""
        for visit in list(self.presence.visits.values()):
            self.end_visit(visit, "hub_stopped")
        for conn in list(self.connections):
            conn.close_after_sending(CLOSE_GOING_AWAY, "the hub is stopping")


SIGNALLING: web.AppKey[SignallingRouter] = web.AppKey("signalling", SignallingRouter)
