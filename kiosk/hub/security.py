"""Security headers on every response, and JSON bodies for API errors.

Rules that matter:

- Every response, static files and WebSocket upgrades included, gets a strict
  Content-Security-Policy (no inline script, no framing), ``nosniff``, ``no-referrer``, ``DENY``
  framing and a Permissions-Policy that allows camera and microphone for this origin only.
- Under TLS, HSTS. API responses are never cached; the console's static files are revalidated
  on every use (``no-cache``).
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable

from aiohttp import web

from kiosk.hub.state import HUB

_HOST_RE = re.compile(r"^[A-Za-z0-9.\-\[\]:]{1,255}$")


def content_security_policy(host: str | None) -> str:
    """The CSP for a page served to ``host`` (the request's Host header, if it is sane)."""
    connect = ["'self'"]
    if host and _HOST_RE.match(host):
        connect += [f"ws://{host}", f"wss://{host}"]
    return "; ".join([
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self' blob:",
        "connect-src " + " ".join(connect),
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


PERMISSIONS_POLICY = ("camera=(self), microphone=(self), display-capture=(), geolocation=(), "
                      "payment=(), usb=(), serial=(), bluetooth=()")


async def add_security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare`` hook: runs for every response, including errors and upgrades."""
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy(request.host)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["X-Frame-Options"] = "DENY"
    headers["Permissions-Policy"] = PERMISSIONS_POLICY
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.app[HUB].config.tls:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    if request.path.startswith("/api/") or request.path == "/healthz":
        headers["Cache-Control"] = "no-store"
    elif "Cache-Control" not in headers:
        # The console's files: the browser revalidates each time (a 304 when unchanged), so an
        # upgraded hub never runs a stale mix of old and new modules.
        headers["Cache-Control"] = "no-cache"


Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@web.middleware
async def api_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Turn aiohttp's plain-text errors under ``/api/`` into ``{error, message}`` JSON."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if not request.path.startswith("/api/") or exc.status < 400:
            raise
        return web.json_response({"error": exc.reason.lower().replace(" ", "_"),
                                  "message": exc.reason}, status=exc.status)
