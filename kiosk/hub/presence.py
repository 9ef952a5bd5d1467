"""Who is waiting, and which specialists are watching: the hub's in-memory presence.

Rules that matter:

- Presence lives in memory on the app (one :class:`Presence` per hub), never in module globals.
  It is touched only from the event loop, and never across an ``await``, so it needs no locks.
- Visits and help requests are a cache of the hub's storage (``live_visits``, ``live_help``):
  :class:`kiosk.hub.signalling.SignallingRouter` writes each change through before it is
  published, and rebuilds this copy from storage when the hub starts. Connections and timers
  live only here.
- A visit keeps only the SHA-256 of its resume token (``resume_hash``), as storage does.
- Specialists see only their own clinic's patients. Every change to a visit is pushed to them as
  a full ``waiting_list`` snapshot: simple for clients, and a lost message heals itself.
- A visit holds only what the waiting list needs: no media, no message content.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kiosk import protocol
from kiosk.hub.connection import Connection
from kiosk.hub.models import AppointmentRecord, KioskRecord, Specialist

log = logging.getLogger("kiosk.hub.presence")


def iso(ts: float) -> str:
    """A unix time as an ISO 8601 UTC string, as the protocol shows times."""
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


@dataclass(eq=False)
class LiveVisit:
    """The hub's live record of a checked-in patient, from ``check_in`` until the visit ends
    (the kiosk's own :class:`kiosk.journey.Visit` is the patient's side of it)."""

    id: str
    resume_hash: str
    appointment: AppointmentRecord
    checked_in_at: float
    kiosk: KioskRecord | None
    patient: Connection | None
    checks: dict[str, Any] = field(default_factory=dict)
    help_requested: bool = False
    call_state: str | None = None
    specialist: Specialist | None = None
    specialist_conn: Connection | None = None
    started_at: float | None = None
    offers: int = 0
    quality: dict[str, Any] = field(default_factory=dict)
    patient_timer: asyncio.TimerHandle | None = None
    specialist_timer: asyncio.TimerHandle | None = None
    #: Rebuilt from storage after a hub restart and not yet resumed by its patient.
    restored: bool = False

    @property
    def clinic_id(self) -> int:
        return self.appointment.clinic_id

    @property
    def status(self) -> str:
        """``waiting``, ``in_call`` or ``disconnected`` (patient socket lost, within grace)."""
        if self.patient is None:
            return "disconnected"
        return "in_call" if self.specialist is not None else "waiting"

    def appointment_info(self) -> dict[str, Any]:
        """The ``appointment`` object of ``checked_in``."""
        a = self.appointment
        info: dict[str, Any] = {
            "time": iso(a.starts_at),
            "specialist_name": a.specialist_name,
            "waiting_area": a.waiting_area_name,
            "clinic": a.clinic_name,
        }
        if a.patient_name:
            info["patient_name"] = a.patient_name
        return info

    def checked_in(self, ref: str | None = None, *,
                   resume_token: str | None = None) -> dict[str, Any]:
        """The ``checked_in`` message with the visit's new ``resume_token``; without one, the
        ``resumed`` object of ``welcome`` (the client keeps the token it has)."""
        return protocol.make("checked_in", visit_id=self.id, resume_token=resume_token,
                             appointment=self.appointment_info(), ref=ref)

    def list_entry(self, *, full_checks: bool = True) -> dict[str, Any]:
        """This visit as one entry of a ``waiting_list``."""
        a = self.appointment
        entry: dict[str, Any] = {
            "visit_id": self.id,
            "status": self.status,
            "waiting_since": iso(self.checked_in_at),
            "appointment_time": iso(a.starts_at),
            "waiting_area": {"id": a.waiting_area_id, "name": a.waiting_area_name},
            "clinic": a.clinic_name,
            "room": self.kiosk.room if self.kiosk else None,
            "checks": self.checks if full_checks else _summary(self.checks),
            "help_requested": self.help_requested,
            "specialist_name": a.specialist_name,
        }
        if a.patient_name:
            entry["patient_name"] = a.patient_name
        if self.specialist is not None:
            entry["joined_by"] = {"id": self.specialist.id, "name": self.specialist.display_name}
        if self.call_state is not None:
            entry["call_state"] = self.call_state
        return entry


def _summary(checks: dict[str, Any]) -> dict[str, Any]:
    """Only the short scalar values of a checks summary (for an overfull list)."""
    return {k: v for k, v in checks.items()
            if isinstance(v, bool | int | float) or (isinstance(v, str) and len(v) <= 40)}


@dataclass(eq=False)
class HelpRequest:
    """A kiosk asking for help before anyone has checked in on it (one per kiosk; it outlives
    the kiosk's socket for the resume grace, and a hub restart for the restart grace)."""

    id: str
    kiosk: KioskRecord
    since: float
    timer: asyncio.TimerHandle | None = None

    def list_entry(self, clinic_name: str) -> dict[str, Any]:
        return {"visit_id": self.id, "status": "help", "waiting_since": iso(self.since),
                "appointment_time": None, "waiting_area": None, "clinic": clinic_name,
                "room": self.kiosk.room, "checks": {}, "help_requested": True,
                "specialist_name": None}


class Presence:
    """Visits in memory, and the specialist connections of each clinic."""

    def __init__(self) -> None:
        self.visits: dict[str, LiveVisit] = {}
        #: By kiosk id.
        self.help_requests: dict[int, HelpRequest] = {}
        self._specialists: dict[int, set[Connection]] = {}
        self._clinic_names: dict[int, str] = {}

    def add_specialist(self, conn: Connection, clinic_name: str) -> None:
        assert conn.specialist is not None
        clinic_id = conn.specialist.clinic_id
        self._specialists.setdefault(clinic_id, set()).add(conn)
        self._clinic_names[clinic_id] = clinic_name

    def remove_specialist(self, conn: Connection) -> None:
        if conn.specialist is None:
            return
        conns = self._specialists.get(conn.specialist.clinic_id)
        if conns is not None:
            conns.discard(conn)
            if not conns:
                del self._specialists[conn.specialist.clinic_id]

    def specialists_of(self, clinic_id: int) -> list[Connection]:
        return list(self._specialists.get(clinic_id, ()))

    def specialist_conns(self) -> list[Connection]:
        return [c for conns in self._specialists.values() for c in conns]

    def specialist_count(self) -> int:
        return sum(len(c) for c in self._specialists.values())

    def visits_of(self, clinic_id: int) -> list[LiveVisit]:
        return sorted((v for v in self.visits.values() if v.clinic_id == clinic_id),
                      key=lambda v: (v.checked_in_at, v.id))

    def waiting_list(self, clinic_id: int, clinic_name: str | None = None) -> dict[str, Any]:
        """The ``waiting_list`` snapshot for one clinic, kept within the message size limit."""
        name = clinic_name or self._clinic_names.get(clinic_id, "")
        visits = self.visits_of(clinic_id)
        helps = [h.list_entry(name) for h in self.help_requests.values()
                 if h.kiosk.clinic_id == clinic_id]
        entries = helps + [v.list_entry() for v in visits]
        msg = protocol.make("waiting_list", patients=entries)
        if _fits(msg):
            return msg
        # Too many patients with large check summaries: shorten the summaries, then the list.
        log.warning("waiting list of clinic %d is over the size limit; shortening it", clinic_id)
        entries = helps + [v.list_entry(full_checks=False) for v in visits]
        while entries and not _fits(protocol.make("waiting_list", patients=entries)):
            entries.pop()
        return protocol.make("waiting_list", patients=entries)

    def publish(self, clinic_id: int) -> None:
        """Send a fresh snapshot to every specialist of a clinic."""
        conns = self.specialists_of(clinic_id)
        if not conns:
            return
        msg = self.waiting_list(clinic_id)
        for conn in conns:
            conn.send_latest("waiting_list", msg)


def _fits(msg: dict[str, Any]) -> bool:
    return len(json.dumps(msg, separators=(",", ":")).encode("utf-8")) <= protocol.MAX_MESSAGE_BYTES
