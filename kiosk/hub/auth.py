"""Who is asking: specialist sessions from the ``clinic_session`` cookie, and ``Origin`` checks.

Rules that matter:

- The session token lives only in the browser's HttpOnly cookie; the hub stores its SHA-256.
- A request carrying cookies from a browser is only trusted from an allowed origin: the hub's
  own origin or one listed in ``allowed_origins``. Requests without ``Origin`` (scripts, the demo
  specialist) are not browser cross-site requests and are let through.
"""

from __future__ import annotations

from aiohttp import web

from kiosk.hub.codes import token_hash
from kiosk.hub.models import Session, Specialist
from kiosk.hub.state import Hub

SESSION_COOKIE = "clinic_session"
_MAX_TOKEN = 128


def own_origin(request: web.Request) -> str:
    """The origin a browser would send for a page served by this hub."""
    return f"{request.scheme}://{request.host}".lower()


def origin_allowed(request: web.Request, hub: Hub) -> bool:
    """True unless the request has an ``Origin`` that is neither ours nor allowed."""
    origin = request.headers.get("Origin")
    if origin is None:
        return True
    origin = origin.strip().lower().rstrip("/")
    allowed = {own_origin(request)} | {o.lower().rstrip("/") for o in hub.config.allowed_origins}
    return origin in allowed


def session_from(request: web.Request,
                 hub: Hub) -> tuple[str, Session, Specialist] | None:
    """The session hash, session and specialist for the request's cookie, or None."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token or len(token) > _MAX_TOKEN:
        return None
    hashed = token_hash(token)
    session = hub.storage.get_session(hashed, hub.clock.now())
    if session is None:
        return None
    specialist = hub.storage.get_specialist(session.specialist_id)
    if specialist is None:
        return None
    return hashed, session, specialist
