"""Who is waiting, and which specialists are watching: the hub's in-memory presence.

Rules that matter:

- Presence lives in memory on the app (one :class:`Presence` per hub), never in module globals.
  It is touched only from the event loop, and never across an ``await``, so it needs no locks.
- Visits and help requests are a cache of the hub's storage (``live_visits``, ``live_help``):
  :class:`kiosk.hub.signalling.SignallingRouter` writes each change through before it is
  published, and rebuilds this copy from storage when the hub starts. Connections and timers
  live only here.
- A visit keeps only the SHA-256 of its resume token (``resume_hash``), as storage does.
- Who sees what follows from the model (:class:`kiosk.hub.models.Scope`, read from storage
  when the console connects): a clinician sees the visits in their waiting areas, from every
  site, with checks; site staff see their sites' visits with only the name (if given), times,
  service, site, room and step (no checks, no clinician, no messages); help requests before
  check-in go to the kiosk's site staff and to clinicians of that site's own service. Nobody
  sees anything else. Every change is pushed to those who see it: a console that said
  ``hello{features:["list_delta"]}`` gets the whole list once (in ``waiting_list`` parts if it
  is over the size limit; nothing left off) and then only ``waiting_changes`` (the changed
  entry, or its id when it is gone), which its connection never drops or reorders; any other
  console gets a full ``waiting_list`` snapshot each time, shortened to the size limit (old
  consoles and the demo specialist keep working). Watchers with the same scope share one
  entry or snapshot per change.
- A visit holds only what the waiting list needs: no media, no message content.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from kiosk import protocol
from kiosk.hub.connection import Connection
from kiosk.hub.models import (
    CLINICIAN,
    SITE_STAFF,
    AppointmentRecord,
    KioskRecord,
    Scope,
    Specialist,
)

log = logging.getLogger("kiosk.hub.presence")


#: A cut waiting list is logged as a WARNING at most this often (the rest at DEBUG).
CUT_LOG_INTERVAL_S = 60.0


def iso(ts: float, *, precise: bool = False) -> str:
    """A unix time as an ISO 8601 UTC string, as the protocol shows times (to the second, or
    to the millisecond when ``precise``: a time that tells events apart)."""
    spec = "milliseconds" if precise else "seconds"
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec=spec).replace("+00:00", "Z")


@dataclass(frozen=True)
class Acknowledgement:
    """Who answered a help request (an account of the site's staff), and when."""

    account_id: int
    name: str
    at: float

    @property
    def first_name(self) -> str:
        """What the patient is told (``help_coming.by``): the first word of the name."""
        return (self.name.split() or [""])[0][:128]


def help_fields(help_at: float | None, ack: Acknowledgement | None) -> dict[str, Any]:
    """The help fields of a ``waiting_list`` entry: the latest request (a new one is a new
    alert) and who acknowledged it since."""
    # To the millisecond: two presses in one second are two requests, and consoles alert on
    # every change of help_at.
    return {"help_at": iso(help_at, precise=True) if help_at is not None else None,
            "help_acknowledged_by": ack.name if ack is not None else None,
            "help_acknowledged_at": iso(ack.at) if ack is not None else None}


def help_summary(since: float, visit_id: str | None,
                 ack: Acknowledgement | None) -> dict[str, Any]:
    """The ``help`` of a ``kiosks`` entry (``since``: the latest request)."""
    return {"since": iso(since, precise=True), "visit_id": visit_id,  # as help_at
            "acknowledged_by": ack.name if ack is not None else None,
            "acknowledged_at": iso(ack.at) if ack is not None else None}


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
    #: The latest help request (each one is a new alert), and who acknowledged it since.
    help_at: float | None = None
    help_ack: Acknowledgement | None = None

    @property
    def site_id(self) -> int | None:
        """Where the patient is: the kiosk's site, else the appointment's (None: own device
        with an appointment for any site)."""
        return self.kiosk.site_id if self.kiosk is not None else self.appointment.site_id

    @property
    def site_name(self) -> str | None:
        return self.kiosk.site_name if self.kiosk is not None else self.appointment.site_name

    clinic_id = site_id  # the old name

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
        """This visit as one entry of a clinician's ``waiting_list``."""
        a = self.appointment
        entry: dict[str, Any] = {
            "visit_id": self.id,
            "status": self.status,
            "waiting_since": iso(self.checked_in_at),
            "appointment_time": iso(a.starts_at),
            "waiting_area": {"id": a.waiting_area_id, "name": a.waiting_area_name},
            "site": self.site_name,
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
        entry.update(help_fields(self.help_at, self.help_ack))
        return entry

    def staff_entry(self) -> dict[str, Any]:
        """This visit as site staff see it: name if given, times, service, where, which step;
        no checks, no clinician, nothing said."""
        a = self.appointment
        entry: dict[str, Any] = {
            "visit_id": self.id, "status": self.status,
            "waiting_since": iso(self.checked_in_at), "appointment_time": iso(a.starts_at),
            "waiting_area": None, "site": self.site_name,
            "service": a.service_name, "room": self.kiosk.room if self.kiosk else None,
            "checks": {}, "help_requested": self.help_requested, "specialist_name": None,
            **help_fields(self.help_at, self.help_ack)}
        if a.patient_name:
            entry["patient_name"] = a.patient_name
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
    #: The latest request (``since`` is the first; after an acknowledgement a new request
    #: starts a new alert, and ``since`` with it), and who acknowledged it.
    help_at: float | None = None
    ack: Acknowledgement | None = None

    @property
    def latest(self) -> float:
        return self.help_at if self.help_at is not None else self.since

    def list_entry(self) -> dict[str, Any]:
        return {"visit_id": self.id, "status": "help", "waiting_since": iso(self.since),
                "appointment_time": None, "waiting_area": None, "site": self.kiosk.site_name,
                "room": self.kiosk.room, "checks": {},
                "help_requested": True, "specialist_name": None, "kiosk_id": self.kiosk.id,
                **help_fields(self.latest, self.ack)}


def sees_visit(scope: Scope, visit: LiveVisit) -> bool:
    """Whether an account with ``scope`` sees (and, a clinician, may join) ``visit``."""
    if scope.role == CLINICIAN:
        return visit.appointment.waiting_area_id in scope.waiting_areas
    if scope.role == SITE_STAFF:
        return visit.site_id in scope.sites
    return False


def sees_help(scope: Scope, kiosk: KioskRecord) -> bool:
    """Whether an account with ``scope`` sees a kiosk's help request made before check-in."""
    if scope.role == CLINICIAN:
        return kiosk.site_id in scope.help_sites
    if scope.role == SITE_STAFF:
        return kiosk.site_id in scope.sites
    return False


class Presence:
    """Visits in memory, and the console connections watching them, each with its scope."""

    def __init__(self) -> None:
        self.visits: dict[str, LiveVisit] = {}
        #: By kiosk id.
        self.help_requests: dict[int, HelpRequest] = {}
        self._watchers: dict[Connection, Scope] = {}
        # Who to tell about a change, found without scanning every watcher: clinicians by
        # waiting area and by the sites whose help they see; site staff by site.
        self._by_area: dict[int, set[Connection]] = {}
        self._by_site: dict[int, set[Connection]] = {}
        self._by_help_site: dict[int, set[Connection]] = {}
        #: When a cut list was last logged as a WARNING (monotonic): once a minute, not on
        #: every change while an old console watches a long list.
        self._cut_logged_at = float("-inf")

    def _indexes(self, scope: Scope) -> list[tuple[dict[int, set[Connection]], frozenset[int]]]:
        if scope.role == CLINICIAN:
            return [(self._by_area, scope.waiting_areas), (self._by_help_site, scope.help_sites)]
        if scope.role == SITE_STAFF:
            return [(self._by_site, scope.sites)]
        return []

    def add_specialist(self, conn: Connection, scope: Scope) -> None:
        assert conn.specialist is not None
        self.remove_specialist(conn)
        self._watchers[conn] = scope
        for index, keys in self._indexes(scope):
            for key in keys:
                index.setdefault(key, set()).add(conn)

    def remove_specialist(self, conn: Connection) -> None:
        scope = self._watchers.pop(conn, None)
        if scope is None:
            return
        for index, keys in self._indexes(scope):
            for key in keys:
                conns = index.get(key)
                if conns is not None:
                    conns.discard(conn)
                    if not conns:
                        del index[key]

    def scope_of(self, conn: Connection) -> Scope | None:
        return self._watchers.get(conn)

    def staff_of(self, site_id: int) -> set[Connection]:
        """The consoles of ``site_id``'s staff (those who get its ``kiosks``)."""
        return set(self._by_site.get(site_id, ()))

    def specialist_conns(self) -> list[Connection]:
        return list(self._watchers)

    def specialist_count(self) -> int:
        return len(self._watchers)

    def visits_for(self, scope: Scope) -> list[LiveVisit]:
        if scope.role == CLINICIAN:
            areas = scope.waiting_areas
            found = [v for v in self.visits.values() if v.appointment.waiting_area_id in areas]
        else:
            found = [v for v in self.visits.values() if sees_visit(scope, v)]
        found.sort(key=_order)
        return found

    def _entries(self, scope: Scope, *, full_checks: bool = True) -> list[dict[str, Any]]:
        """Every entry ``scope`` sees: help requests before check-in, then visits, oldest first."""
        helps = [h.list_entry() for h in self.help_requests.values()
                 if sees_help(scope, h.kiosk)]
        visits = self.visits_for(scope)
        if scope.role != CLINICIAN:
            return helps + [v.staff_entry() for v in visits]
        return helps + [v.list_entry(full_checks=full_checks) for v in visits]

    def waiting_list(self, scope: Scope) -> dict[str, Any]:
        """The ``waiting_list`` snapshot of what ``scope`` sees, within the size limit (for a
        console without ``list_delta``, which gets the whole list in one message)."""
        entries = self._entries(scope)
        msg = protocol.make("waiting_list", patients=entries)
        if _fits(msg):
            return msg
        # Too many patients with large check summaries: shorten the summaries, then the list.
        now = time.monotonic()
        level = logging.WARNING if now - self._cut_logged_at >= CUT_LOG_INTERVAL_S \
            else logging.DEBUG
        if level == logging.WARNING:
            self._cut_logged_at = now
        log.log(level, "a waiting list (%d entries) is over the size limit; shortening it "
                "(a console without list_delta)", len(entries))
        if scope.role == CLINICIAN:
            entries = self._entries(scope, full_checks=False)
        return protocol.make("waiting_list", patients=_first_that_fit(entries))

    def send_snapshot(self, conn: Connection) -> None:
        """Send a console the whole list it sees: to a ``list_delta`` console every entry in
        full, in as many ``waiting_list`` parts as the size limit needs (later changes go
        behind it); to any other, :meth:`waiting_list`."""
        scope = self._watchers[conn]
        if protocol.LIST_DELTA in conn.features:
            conn.send_list_snapshot(_parts(self._entries(scope)))
        else:
            conn.send(self.waiting_list(scope))

    def publish_visit(self, visit: LiveVisit) -> None:
        """Tell everyone who sees ``visit`` that it changed (or ended)."""
        conns = self._by_area.get(visit.appointment.waiting_area_id, set())
        site = visit.site_id
        if site is not None and site in self._by_site:
            conns = conns | self._by_site[site]
        live = self.visits.get(visit.id) is visit

        def entry(scope: Scope) -> dict[str, Any] | None:
            if not live or not sees_visit(scope, visit):
                return None
            return visit.list_entry() if scope.role == CLINICIAN else visit.staff_entry()

        self._publish(conns, visit.id, entry)

    def publish_kiosk(self, kiosk: KioskRecord) -> None:
        """Tell everyone who sees ``kiosk``'s help request (before check-in) that it changed."""
        request = self.help_requests.get(kiosk.id)

        def entry(scope: Scope) -> dict[str, Any] | None:
            if request is None or not sees_help(scope, kiosk):
                return None
            return request.list_entry()

        self._publish(self._by_site.get(kiosk.site_id, set())
                      | self._by_help_site.get(kiosk.site_id, set()),
                      request.id if request is not None else help_id(kiosk.id), entry)

    def _publish(self, conns: set[Connection], key: str | None = None,
                 entry: Callable[[Scope], dict[str, Any] | None] | None = None) -> None:
        """Send ``conns`` the change of entry ``key`` (``entry(scope)``: as that scope sees it
        now, None: gone): a ``waiting_changes`` to a ``list_delta`` console, a fresh snapshot
        to any other. Without ``key``, a fresh snapshot to all. Consoles with the same scope
        share one entry or one snapshot."""
        lists: dict[Scope, dict[str, Any]] = {}
        changes: dict[Scope, dict[str, dict[str, Any] | None]] = {}
        for conn in conns:
            scope = self._watchers[conn]
            if protocol.LIST_DELTA in conn.features:
                if key is None or entry is None:
                    self.send_snapshot(conn)
                    continue
                change = changes.get(scope)
                if change is None:
                    change = changes[scope] = {key: entry(scope)}
                conn.send_list_changes(change)
                continue
            msg = lists.get(scope)
            if msg is None:
                msg = lists[scope] = self.waiting_list(scope)
            conn.send_latest("waiting_list", msg)


def help_id(kiosk_id: int) -> str:
    """The list id of a kiosk's help request before check-in (:class:`HelpRequest`'s id)."""
    return f"help-{kiosk_id}"


def _order(visit: LiveVisit) -> tuple[float, str]:
    return visit.checked_in_at, visit.id


def _first_that_fit(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The longest head of ``entries`` whose ``waiting_list`` fits: each entry measured once
    (a list's JSON is its entries' joined by commas), not the whole list again per entry."""
    room = protocol.MAX_MESSAGE_BYTES - _size(protocol.make("waiting_list", patients=[]))
    used = -1  # n entries take n - 1 commas
    for n, entry in enumerate(entries):
        used += _size(entry) + 1
        if used > room:
            return entries[:n]
    return entries


def _parts(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The whole list as ``waiting_list`` parts 1..n, each within the size limit (entries
    measured once, greedily; one part when it all fits, with no ``part``/``parts``)."""
    msg = protocol.make("waiting_list", patients=entries)
    if _fits(msg):
        return [msg]
    room = protocol.MAX_MESSAGE_BYTES - _size(
        protocol.make("waiting_list", patients=[], part=999, parts=999))
    chunks: list[list[dict[str, Any]]] = [[]]
    used = -1  # n entries take n - 1 commas
    for entry in entries:
        size = _size(entry) + 1
        if used + size > room and chunks[-1]:
            chunks.append([])
            used = -1
        chunks[-1].append(entry)
        used += size
    return [protocol.make("waiting_list", patients=chunk, part=n, parts=len(chunks))
            for n, chunk in enumerate(chunks, start=1)]


def _size(obj: Any) -> int:
    return len(json.dumps(obj, separators=(",", ":")).encode("utf-8"))


def _fits(msg: dict[str, Any]) -> bool:
    return len(json.dumps(msg, separators=(",", ":")).encode("utf-8")) <= protocol.MAX_MESSAGE_BYTES
