"""The reception API (``/api/reception/``) for site staff: their sites and the services that
hold clinics there, a day's appointments at a site with where each patient is, booking an
appointment, and the site's kiosks. Format: docs/reception-api.md.

Rules that matter:

- Every route needs a signed-in session (401 ``unauthorized``) of an account with the role
  site_staff (403 ``forbidden`` for clinicians and admins), and a site that account is staff of
  (403 ``forbidden`` otherwise, the same answer whether or not the site exists). A request with
  an ``Origin`` that is not allowed is refused first.
- ``POST`` needs the ``X-CSRF-Token`` header (the sign-in reply's token) and a JSON object body
  within :data:`kiosk.hub.api.MAX_BODY` (the same body rules as the rest of the API).
- Booking takes only: a waiting area whose service holds clinics at the site
  (``service_sites``); a clinician (optional) who is a member of that waiting area; a time in
  the hub's local time, not before the current minute and at most :data:`MAX_AHEAD` ahead; a
  language of :data:`kiosk.hub.storage.APPOINTMENT_LANGUAGES`; a patient's name (optional) of
  at most :data:`MAX_NAME` characters. The appointment is bound to the site and records its
  language and who booked it. Anything else is 422 ``invalid`` with the ``field`` at fault.
- Each account may book at most ``RateLimits.bookings_per_hour`` an hour on average and
  ``booking_burst`` at once (a token bucket per account, kept in the hub's storage so a restart
  does not start it again: :meth:`kiosk.hub.storage.Storage.take_booking_turn`; a refused
  booking, 422, spends nothing). Beyond that: 429 ``rate_limited`` with ``retry_after``, and a
  WARNING that names the account's id only (no patient's name, no code).
- The appointment code comes from :func:`kiosk.hub.codes.issue_appointment` and is in the 201
  reply once: never in a list, a log line or an error. A booking is logged without the
  patient's name.
- The letter says where to go: the site's name, ``site_address`` and ``directions`` (set by IT
  with ``clinic-hub site update``; null when not set).
- A day's appointment ``state`` comes from the appointment and the hub's live visits:
  ``in_call`` (its live visit has a clinician in it), ``checked_in`` (a live visit),
  ``done`` (its code was used and its visit has ended), ``missed`` (not checked in and more
  than :data:`MISSED_AFTER` seconds, 30 minutes, past its time), else ``booked``.
"""

from __future__ import annotations

import logging
import re
import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from aiohttp import web

from kiosk.hub.api import CSRF_HEADER, BadRequest, json_error, json_object
from kiosk.hub.auth import origin_allowed, session_from
from kiosk.hub.codes import issue_appointment
from kiosk.hub.models import SITE_STAFF, Account, AppointmentRecord, Scope
from kiosk.hub.presence import LiveVisit
from kiosk.hub.signalling import SIGNALLING
from kiosk.hub.state import HUB, Hub
from kiosk.hub.storage import APPOINTMENT_LANGUAGES, StorageError

log = logging.getLogger("kiosk.hub.reception")

#: Languages an appointment (and its letter) may be in, with their own names.
LANGUAGES = ({"code": "en", "name": "English"}, {"code": "pl", "name": "Polski"},
             {"code": "cy", "name": "Cymraeg"})
assert tuple(lang["code"] for lang in LANGUAGES) == APPOINTMENT_LANGUAGES
#: An appointment not checked in this long after its time is ``missed``.
MISSED_AFTER = 30 * 60.0
#: The furthest ahead reception may book.
MAX_AHEAD = 365 * 86_400.0
#: The longest patient's name.
MAX_NAME = 120
_BODY_FIELDS = frozenset({"site_id", "waiting_area_id", "time", "clinician_id", "patient_name",
                          "language"})
_TIME_RE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _Refused(Exception):
    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


def _invalid(field: str, message: str) -> _Refused:
    return _Refused(json_error(422, "invalid", message, field=field))


def _staff(request: web.Request) -> tuple[Hub, Account, Scope]:
    """The hub, signed-in site staff account and its scope, or :class:`_Refused`."""
    hub = request.app[HUB]
    if not origin_allowed(request, hub):
        raise _Refused(json_error(403, "forbidden", "This origin is not allowed."))
    found = session_from(request, hub)
    if found is None:
        raise _Refused(json_error(401, "unauthorized", "Please sign in."))
    account = found[2]
    if account.role != SITE_STAFF:  # a clinician who opened the wrong page: not suspicious
        log.info("reception refused: account %d is %s, not site staff", account.id,
                 account.role)
        raise _Refused(json_error(403, "forbidden", "This page is for reception staff."))
    if request.method == "POST":
        sent = request.headers.get(CSRF_HEADER, "")
        if not secrets.compare_digest(sent.encode(), found[1].csrf_token.encode()):
            log.warning("reception refused: missing or wrong CSRF token (account %d)",
                        account.id)
            raise _Refused(json_error(403, "csrf",
                                      f"The {CSRF_HEADER} header is missing or wrong."))
    return hub, account, hub.storage.scope(account)


def _own_site(account: Account, scope: Scope, site_id: object) -> int:
    if isinstance(site_id, bool) or not isinstance(site_id, int) or site_id not in scope.sites:
        log.warning("reception refused: account %d is not staff of the site asked for",
                    account.id)
        raise _Refused(json_error(403, "forbidden", "You are not staff of that site."))
    return site_id


def _site_query(request: web.Request, account: Account, scope: Scope) -> int:
    text = request.query.get("site", "")
    if not text.isascii() or not text.isdigit() or len(text) > 12:
        raise _Refused(json_error(400, "bad_request", "Name the site: ?site=ID."))
    return _own_site(account, scope, int(text))


def local_iso(ts: float) -> str:
    """A unix time as ISO 8601 in the hub's local time, with its offset."""
    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def _local_day(day: date) -> tuple[float, float]:
    start = datetime.combine(day, time()).astimezone()
    end = datetime.combine(day + timedelta(days=1), time()).astimezone()
    return start.timestamp(), end.timestamp()


def _state(a: AppointmentRecord, live: LiveVisit | None, now: float) -> str:
    if live is not None:
        return "in_call" if live.specialist is not None else "checked_in"
    if a.code_used_at is not None:
        return "done"
    return "missed" if now > a.starts_at + MISSED_AFTER else "booked"


def _entry(a: AppointmentRecord, live: LiveVisit | None, now: float) -> dict[str, Any]:
    """One appointment as reception sees it (never its code)."""
    return {
        "id": a.id, "time": local_iso(a.starts_at),
        "service": {"id": a.service_id, "name": a.service_name},
        "waiting_area": {"id": a.waiting_area_id, "name": a.waiting_area_name},
        "clinician": (None if a.specialist_id is None
                      else {"id": a.specialist_id, "name": a.specialist_name}),
        "patient_name": a.patient_name, "language": a.language,
        "any_site": a.site_id is None, "state": _state(a, live, now),
    }


def _live(request: web.Request) -> dict[int, LiveVisit]:
    return {v.appointment.id: v for v in request.app[SIGNALLING].presence.visits.values()}


async def get_sites(request: web.Request) -> web.Response:
    """The account's sites, each with the services that hold clinics there, their waiting
    areas and those areas' clinicians; and the languages an appointment may be in."""
    try:
        hub, _account, scope = _staff(request)
    except _Refused as refused:
        return refused.response
    storage = hub.storage
    sites = [s for s in (storage.get_site(i) for i in scope.sites) if s is not None]
    organisations: dict[int, dict[str, Any]] = {}

    def organisation(org_id: int) -> dict[str, Any]:
        if org_id not in organisations:
            org = storage.get_organisation(org_id)
            organisations[org_id] = {"id": org_id, "name": org.name if org else ""}
        return organisations[org_id]

    return web.json_response({
        "sites": [{
            "id": site.id, "name": site.name, "address": site.address,
            "directions": site.directions,
            "services": [{
                "id": service.id, "name": service.name,
                "organisation": organisation(service.organisation_id),
                "waiting_areas": [{
                    "id": area.id, "name": area.name,
                    "clinicians": [{"id": c.id, "name": c.display_name}
                                   for c in storage.waiting_area_clinicians(area.id)],
                } for area in storage.service_waiting_areas(service.id)],
            } for service in storage.site_services(site.id)],
        } for site in sorted(sites, key=lambda s: (s.name, s.id))],
        "languages": list(LANGUAGES),
    })


async def get_appointments(request: web.Request) -> web.Response:
    """A day's appointments at one of the account's sites (default today, hub's local time):
    those bound to the site and those for any site whose visit is or was there; oldest first."""
    try:
        hub, account, scope = _staff(request)
        site_id = _site_query(request, account, scope)
        text = request.query.get("date")
        if text is None:
            day = datetime.fromtimestamp(hub.clock.now()).astimezone().date()
        else:
            try:
                if not _DATE_RE.fullmatch(text):
                    raise ValueError(text)
                day = date.fromisoformat(text)
            except ValueError:
                raise _Refused(json_error(400, "bad_request",
                                          "The date must be YYYY-MM-DD.")) from None
    except _Refused as refused:
        return refused.response
    site = hub.storage.get_site(site_id)
    assert site is not None  # staff of it (a foreign key)
    now, live = hub.clock.now(), _live(request)
    found = hub.storage.appointments_at_site(site_id, *_local_day(day))
    return web.json_response({
        "date": day.isoformat(), "site": {"id": site.id, "name": site.name},
        "appointments": [_entry(a, live.get(a.id), now) for a in found]})


def _int_field(body: dict[str, Any], name: str, *, required: bool = True) -> int | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**53:
        raise _invalid(name, f"'{name}' must be an id (a whole number).")
    return value


def _parse_time(value: object, now: float) -> float:
    if not isinstance(value, str) or not _TIME_RE.fullmatch(value):
        raise _invalid("time", "The time must be a date and time, YYYY-MM-DDTHH:MM "
                               "(the hub's local time).")
    try:
        starts_at = datetime.strptime(value, "%Y-%m-%dT%H:%M").astimezone().timestamp()
    except ValueError:
        raise _invalid("time", "That date or time does not exist.") from None
    if starts_at + 60 <= now:  # the current minute is still bookable (a walk-in)
        raise _invalid("time", "That time has passed.")
    if starts_at > now + MAX_AHEAD:
        raise _invalid("time", "Appointments can be booked at most a year ahead.")
    return starts_at


def _patient_name(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > MAX_NAME:
        raise _invalid("patient_name", f"The patient's name must be at most {MAX_NAME} "
                                       "characters.")
    if not value.strip():
        return None
    if not value.isprintable():
        raise _invalid("patient_name", "The patient's name must not hold control characters.")
    return value


async def post_appointment(request: web.Request) -> web.Response:
    """Book an appointment at one of the account's sites; the reply holds its code, once."""
    try:
        hub, account, scope = _staff(request)
        try:
            body = await json_object(request, hub)
        except BadRequest as bad:
            raise _Refused(bad.response) from None
        unknown = sorted(set(body) - _BODY_FIELDS)
        if unknown:
            raise _Refused(json_error(400, "bad_request",
                                      f"Unknown field '{unknown[0][:40]}'."))
        site_id = _own_site(account, scope, body.get("site_id"))
        area_id = _int_field(body, "waiting_area_id")
        assert area_id is not None
        storage, now = hub.storage, hub.clock.now()
        area = storage.get_waiting_area(area_id)
        if area is None or not storage.service_serves_site(area.service_id, site_id):
            raise _invalid("waiting_area_id", "That waiting area's service does not hold "
                                              "clinics at this site.")
        clinician_id = _int_field(body, "clinician_id", required=False)
        if clinician_id is not None and clinician_id not in {
                c.id for c in storage.waiting_area_clinicians(area_id)}:
            raise _invalid("clinician_id", "That clinician is not a member of this waiting "
                                           "area.")
        starts_at = _parse_time(body.get("time"), now)
        language = body.get("language")
        if language not in APPOINTMENT_LANGUAGES:
            raise _invalid("language", "The language must be one of "
                                       f"{', '.join(APPOINTMENT_LANGUAGES)}.")
        patient_name = _patient_name(body.get("patient_name"))
        # Only a booking that would go ahead takes a turn.
        wait = storage.take_booking_turn(account.id, now, hub.config.rate_limits)
        if wait is not None:
            log.warning("reception refused: account %d is booking too fast (rate limited)",
                        account.id)
            raise _Refused(json_error(429, "rate_limited", "Too many bookings from this "
                                      "account. Please wait.", retry_after=wait))
        try:
            issued = issue_appointment(storage, hub.secrets, waiting_area_id=area_id,
                                       starts_at=starts_at, now=now,
                                       specialist_id=clinician_id, patient_name=patient_name,
                                       site=site_id, language=language, booked_by=account.id)
        except StorageError as exc:  # a change between the checks and the booking
            raise _invalid("waiting_area_id", str(exc)) from None
    except _Refused as refused:
        return refused.response
    a = issued.appointment
    site = storage.get_site(site_id)
    assert site is not None  # staff of it (a foreign key)
    log.info("site staff %d booked appointment %d at site %d (waiting area %d, %s)",
             account.id, a.id, site_id, area_id, a.language)
    entry = _entry(a, None, now)
    return web.json_response({
        "appointment": {**entry, "site": {"id": a.site_id, "name": a.site_name}},
        "code": issued.code,
        "code_expires_at": local_iso(a.code_expires_at),
        "letter": {"site_name": site.name, "site_address": site.address,
                   "directions": site.directions,
                   "service_name": a.service_name, "waiting_area_name": a.waiting_area_name,
                   "clinician_name": a.specialist_name, "time": entry["time"],
                   "language": a.language},
    }, status=201)


async def get_kiosks(request: web.Request) -> web.Response:
    """The site's kiosks, as the WebSocket's ``kiosks`` message has them (the first paint)."""
    try:
        _hub, account, scope = _staff(request)
        site_id = _site_query(request, account, scope)
    except _Refused as refused:
        return refused.response
    return web.json_response({"kiosks": request.app[SIGNALLING].kiosk_entries([site_id])})


def add_routes(app: web.Application) -> None:
    """The reception API's routes."""
    app.router.add_get("/api/reception/sites", get_sites)
    app.router.add_get("/api/reception/appointments", get_appointments)
    app.router.add_post("/api/reception/appointments", post_appointment)
    app.router.add_get("/api/reception/kiosks", get_kiosks)
