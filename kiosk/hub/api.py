"""The hub's HTTP API: health, specialist sign-in and sign-out, kiosk pairing, a kiosk's list
of today's appointments (for admin mode), and patient feedback (kiosks deliver answers,
specialists see the results and export them).

Rules that matter:

- Bodies are JSON only (``Content-Type: application/json``), at most :data:`MAX_BODY` bytes
  (:data:`MAX_FEEDBACK_BODY` for feedback), parsed by :func:`kiosk.protocol.loads_untrusted`
  (no NaN, bounded nesting), and a request with an ``Origin`` that is not allowed is refused
  before anything else.
- Every error is a JSON body ``{"error": code, "message": plain text}`` (plus ``retry_after``
  when waiting helps). Messages never echo what was sent.
- A kiosk authenticates with ``Authorization: Bearer <device token>`` (never in the URL). The
  appointment list it gets has no codes and no patient names: only times, specialists,
  waiting areas and whether the patient has checked in.
- Passwords are checked with scrypt off the event loop. Wrong passwords count towards a
  per-account lockout that grows, and towards a per-address limit.
- Feedback (``POST /api/feedback``, format in :mod:`kiosk.feedback.wire`): exactly once,
  highest revision wins; the clinic is the kiosk's (from its token), never what it claims; a
  whole delivery is checked before anything is stored. Nothing logs answer values.
"""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
from datetime import UTC, date, datetime, timedelta
from typing import Any

from aiohttp import web

from kiosk import protocol
from kiosk.feedback.wire import MAX_ANSWERS, FeedbackError, check_body
from kiosk.hub.auth import SESSION_COOKIE, origin_allowed, session_from
from kiosk.hub.clientaddr import request_address
from kiosk.hub.codes import new_token, pair_kiosk, token_hash
from kiosk.hub.export import answer_rows, to_csv
from kiosk.hub.models import KioskRecord, Scope
from kiosk.hub.signalling import SIGNALLING
from kiosk.hub.state import HUB, Hub
from kiosk.hub.storage import CodeError, StorageError
from kiosk.hub.summary import summarise

log = logging.getLogger("kiosk.hub.api")

MAX_BODY = 16 * 1024
#: Most bytes in a feedback delivery's body.
MAX_FEEDBACK_BODY = 1024 * 1024
#: Most answers ``GET /api/feedback`` lists (the summary always covers all of them).
MAX_LISTED = 2000
#: The hub keeps when an answer arrived only to the hour (it arrives moments after it is given).
RECEIVED_RESOLUTION_S = 3600
CSRF_HEADER = "X-CSRF-Token"

_PAIR_MESSAGES = {
    "bad_code": "That pairing code was not found.",
    "code_used": "That pairing code has already been used.",
    "code_expired": "That pairing code has expired; ask for a new one.",
}


def json_error(status: int, code: str, message: str, *,
               retry_after: float | None = None, headers: dict[str, str] | None = None,
               **extra: Any) -> web.Response:
    """An error response with a JSON body (``extra`` adds fields, e.g. ``index``)."""
    body: dict[str, Any] = {"error": code, "message": message, **extra}
    headers = dict(headers or {})
    if retry_after is not None:
        body["retry_after"] = math.ceil(retry_after)
        headers["Retry-After"] = str(math.ceil(retry_after))
    return web.json_response(body, status=status, headers=headers)


class _BadRequest(Exception):
    def __init__(self, response: web.Response) -> None:
        super().__init__(response.status)
        self.response = response


async def _json_body(request: web.Request, hub: Hub, limit: int = MAX_BODY,
                     *, check_origin: bool = True) -> Any:
    """The request's JSON body (any JSON value), or :class:`_BadRequest` with the answer."""
    if check_origin and not origin_allowed(request, hub):
        raise _BadRequest(json_error(403, "forbidden", "This origin is not allowed."))
    if request.content_type != "application/json":
        raise _BadRequest(json_error(415, "bad_request", "Send the body as application/json."))
    too_large = json_error(413, "too_large", "The request body is too large.", max_bytes=limit)
    if request.content_length is not None and request.content_length > limit:
        raise _BadRequest(too_large)
    data = bytearray()
    try:
        async with asyncio.timeout(hub.config.body_timeout):
            while chunk := await request.content.read(limit + 1 - len(data)):
                data += chunk
                if len(data) > limit:
                    raise _BadRequest(too_large)
    except TimeoutError:
        log.info("%s %s from %s: body not sent within %.0f s; connection closed",
                 request.method, request.path,
                 request_address(request, hub.config.trusted_proxies), hub.config.body_timeout)
        slow = json_error(408, "timeout", "The request body took too long to arrive.")
        slow.force_close()
        raise _BadRequest(slow) from None
    try:
        return protocol.loads_untrusted(data, limit)
    except protocol.ProtocolError as exc:
        if exc.code == "too_large":
            raise _BadRequest(too_large) from None
        raise _BadRequest(json_error(400, "bad_request", "The body is not valid JSON.")) from None


async def _json_object(request: web.Request, hub: Hub) -> dict[str, Any]:
    body = await _json_body(request, hub)
    if not isinstance(body, dict):
        raise _BadRequest(json_error(400, "bad_request", "The body must be a JSON object."))
    return body


#: The same body rules for the other route modules (:mod:`kiosk.hub.reception`).
BadRequest = _BadRequest
json_object = _json_object


def _string(body: dict[str, Any], name: str, *, limit: int, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value or len(value) > limit:
        raise _BadRequest(json_error(400, "bad_request",
                                     f"'{name}' must be a string of 1 to {limit} characters."))
    return value


async def healthz(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    return web.json_response({"status": "ok", "protocol": protocol.PROTOCOL_VERSION,
                              "version": hub.version})


async def login(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    address = request_address(request, hub.config.trusted_proxies)
    limiter = hub.limiters.login_address
    wait = limiter.retry_after(address)
    if wait is not None:
        log.warning("login refused: address rate-limited")
        return json_error(429, "rate_limited", "Too many attempts. Please wait.",
                          retry_after=wait)
    try:
        body = await _json_object(request, hub)
        username = _string(body, "username", limit=64)
        password = _string(body, "password", limit=1024)
    except _BadRequest as bad:
        return bad.response
    assert username is not None
    assert password is not None
    # The attempt is counted before the slow password check (kiosk/hub/lockout.py), for known
    # and unknown usernames alike, so concurrent attempts cannot beat the lockout and the
    # answers do not tell which usernames exist.
    limits, now = hub.config.rate_limits, hub.clock.now()
    spec = hub.storage.specialist_by_username(username)
    refused_until = hub.storage.reserve_login(spec.id, now, limits) if spec is not None \
        else hub.unknown_logins.reserve(username, now, limits)
    if refused_until is not None:
        if spec is None:
            log.warning("login refused: unknown username is locked")
        else:
            log.warning("login refused: specialist %d is locked", spec.id)
        return _locked(refused_until - now)
    ok = await hub.passwords.verify(password, None if spec is None else spec.password_hash)
    now = hub.clock.now()
    if not ok:
        limiter.failure(address)
        if spec is None:
            locked_until = hub.unknown_logins.failed(username, now, limits)
            log.warning("login failed: unknown username")
        else:
            locked_until = hub.storage.login_failed(spec.id, now, limits)
            log.warning("login failed: wrong password for specialist %d", spec.id)
        if locked_until is not None:
            return _locked(locked_until - now)
        return json_error(401, "auth_failed", "The username or password is wrong.")
    assert spec is not None
    hub.storage.set_login_state(spec.id, 0, None)
    token, csrf = new_token(), secrets.token_urlsafe(32)
    hub.storage.create_session(token_hash(token), spec.id, csrf, now, now + hub.config.session_ttl)
    log.info("specialist %d signed in", spec.id)
    response = web.json_response({"csrf_token": csrf, "specialist": spec.public()})
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Strict",
                        secure=hub.config.tls, path="/", max_age=int(hub.config.session_ttl))
    return response


def _locked(retry_after: float) -> web.Response:
    return json_error(423, "locked", "This account is locked after too many wrong passwords. "
                      "Please wait.", retry_after=retry_after)


async def logout(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    if not origin_allowed(request, hub):
        return json_error(403, "forbidden", "This origin is not allowed.")
    found = session_from(request, hub)
    if found is None:
        return json_error(401, "auth_failed", "You are not signed in.")
    hashed, session, spec = found
    sent = request.headers.get(CSRF_HEADER, "")
    if not secrets.compare_digest(sent.encode(), session.csrf_token.encode()):
        log.warning("logout refused: missing or wrong CSRF token (specialist %d)", spec.id)
        return json_error(403, "csrf", f"The {CSRF_HEADER} header is missing or wrong.")
    hub.storage.delete_session(hashed)
    request.app[SIGNALLING].signed_out(hashed)
    log.info("specialist %d signed out", spec.id)
    response = web.json_response({"status": "signed_out"})
    response.del_cookie(SESSION_COOKIE, path="/")
    return response


async def me(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    found = session_from(request, hub)
    if found is None:
        return json_error(401, "auth_failed", "You are not signed in.")
    _, session, spec = found
    return web.json_response({"specialist": spec.public(), "csrf_token": session.csrf_token})


async def pair(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    address = request_address(request, hub.config.trusted_proxies)
    limiter = hub.limiters.pair_address
    wait = limiter.retry_after(address)
    if wait is not None:
        log.warning("pairing refused: address rate-limited")
        return json_error(429, "rate_limited", "Too many attempts. Please wait.",
                          retry_after=wait)
    try:
        body = await _json_object(request, hub)
        code = _string(body, "pairing_code", limit=32)
        name = _string(body, "name", limit=120, required=False)
    except _BadRequest as bad:
        return bad.response
    assert code is not None
    try:
        kiosk, token = pair_kiosk(hub.storage, hub.secrets, pairing_code=code,
                                  now=hub.clock.now(), name=name)
    except CodeError as exc:
        limiter.failure(address)
        log.warning("pairing failed: %s", exc.code)
        return json_error(400, exc.code, _PAIR_MESSAGES[exc.code])
    except StorageError as exc:
        return json_error(400, "bad_request", str(exc))
    log.info("kiosk %d paired (site %d)", kiosk.id, kiosk.site_id)
    return web.json_response({
        "kiosk_id": kiosk.id, "token": token, "room": kiosk.room,
        "clinic": {"id": kiosk.site_id, "name": kiosk.site_name}})


MAX_TOKEN = 256


def _bearer_kiosk(request: web.Request, hub: Hub) -> KioskRecord | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > MAX_TOKEN:
        return None
    return hub.storage.kiosk_by_token(token_hash(token))


def _kiosk_token_refused() -> web.Response:
    return json_error(401, "auth_failed", "This kiosk's device token was not accepted; "
                      "pair the kiosk again.", headers={"WWW-Authenticate": "Bearer"})


def _local_day(now: float) -> tuple[float, float]:
    """The hub's local calendar day around ``now``, as [start, end) timestamps."""
    midnight = datetime.fromtimestamp(now).astimezone().replace(hour=0, minute=0, second=0,
                                                                microsecond=0)
    return midnight.timestamp(), (midnight + timedelta(days=1)).timestamp()


async def kiosk_appointments(request: web.Request) -> web.Response:
    """Today's appointments for the kiosk's site (not those for any site): no codes, no
    patient names."""
    hub = request.app[HUB]
    kiosk = _bearer_kiosk(request, hub)
    if kiosk is None:
        log.warning("appointment list refused: missing or unknown kiosk token")
        return _kiosk_token_refused()
    start, end = _local_day(hub.clock.now())
    listed = [a for a in hub.storage.appointments_between(start, end)
              if a.site_id == kiosk.site_id]
    return web.json_response({
        "clinic": kiosk.site_name,
        "appointments": [{
            "id": a.id,
            "starts_at": datetime.fromtimestamp(a.starts_at, UTC).isoformat(),
            "specialist": a.specialist_name or "",
            "waiting_area": a.waiting_area_name,
            "checked_in": a.code_used_at is not None,
        } for a in listed]})


# ----- feedback ---------------------------------------------------------------------------------


async def post_feedback(request: web.Request) -> web.Response:
    """A kiosk delivers answers; the reply acknowledges each valid one with its revision."""
    hub = request.app[HUB]
    if not origin_allowed(request, hub):
        return json_error(403, "forbidden", "This origin is not allowed.")
    kiosk = _bearer_kiosk(request, hub)
    if kiosk is None:
        log.warning("feedback refused: missing or unknown kiosk token")
        return _kiosk_token_refused()
    try:
        answers = check_body(await _json_body(request, hub, MAX_FEEDBACK_BODY,
                                              check_origin=False))
    except _BadRequest as bad:
        return bad.response
    except FeedbackError as exc:
        log.warning("feedback refused from kiosk %d: %s", kiosk.id, exc)
        if exc.status == 413:
            return json_error(413, "too_large", str(exc), max_answers=MAX_ANSWERS)
        return json_error(400, "bad_request", str(exc), index=exc.index)
    now = hub.clock.now()
    # Received when the patient answered, give or take: kept to the hour, like created_at.
    received = float(int(now // RECEIVED_RESOLUTION_S * RECEIVED_RESOLUTION_S))
    written = hub.storage.store_feedback(kiosk.clinic_id, kiosk.id, answers, received)
    hub.storage.touch_kiosk(kiosk.id, now)
    log.info("feedback from kiosk %d: %d answers, %d new or newer", kiosk.id, len(answers),
             written)
    return web.json_response({"acknowledged": [
        {"answer_id": a.answer_id, "revision": a.revision} for a in answers]})


def _since(request: web.Request) -> date | None:
    text = request.query.get("since")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise web.HTTPBadRequest(reason="since must be YYYY-MM-DD") from None


def _specialist_scope(request: web.Request) -> Scope | web.Response:
    hub = request.app[HUB]
    if not origin_allowed(request, hub):
        return json_error(403, "forbidden", "This origin is not allowed.")
    found = session_from(request, hub)
    if found is None:
        return json_error(401, "auth_failed", "You are not signed in.")
    return hub.storage.scope(found[2])


async def get_feedback(request: web.Request) -> web.Response:
    """A signed-in account: the answers it may see (:meth:`Storage.feedback_answers`), newest
    first, and a summary."""
    scope = _specialist_scope(request)
    if isinstance(scope, web.Response):
        return scope
    hub = request.app[HUB]
    answers = hub.storage.feedback_answers(scope=scope, since=_since(request))
    sites = scope.sites or scope.help_sites
    rows = answer_rows(answers)
    return web.json_response({
        "clinic": {"id": next(iter(sites)) if len(sites) == 1 else None,
                   "name": hub.storage.scope_label(scope)},
        "summary": summarise(answers),
        "answers": rows[-MAX_LISTED:][::-1],
        "answers_truncated": len(rows) > MAX_LISTED,
    })


async def get_feedback_csv(request: web.Request) -> web.Response:
    """The same answers as CSV (:func:`kiosk.hub.export.to_csv`)."""
    scope = _specialist_scope(request)
    if isinstance(scope, web.Response):
        return scope
    hub = request.app[HUB]
    answers = hub.storage.feedback_answers(scope=scope, since=_since(request))
    day = datetime.fromtimestamp(hub.clock.now(), UTC).date().isoformat()
    return web.Response(
        text=to_csv(answers), content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="feedback-{day}.csv"'})


def add_routes(app: web.Application) -> None:
    app.router.add_get("/healthz", healthz)
    app.router.add_post("/api/login", login)
    app.router.add_post("/api/logout", logout)
    app.router.add_get("/api/me", me)
    app.router.add_post("/api/kiosk/pair", pair)
    app.router.add_get("/api/kiosk/appointments", kiosk_appointments)
    app.router.add_post("/api/feedback", post_feedback)
    app.router.add_get("/api/feedback", get_feedback)
    app.router.add_get("/api/feedback.csv", get_feedback_csv)
