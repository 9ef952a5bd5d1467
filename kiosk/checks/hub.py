"""The hub check: reachable over HTTP (``GET /healthz``), a valid TLS certificate for ``https://``
hubs, and a WebSocket round trip (``hello``, then ``ping``/``pong``) in milliseconds.

It also hands back the ``ice_servers`` of the hub's ``welcome``, which the media path checks use,
and :func:`send_readiness` reports a self-test to the hub as a paired kiosk.
"""

from __future__ import annotations

import asyncio
import ssl
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from kiosk import protocol
from kiosk.checks.result import CheckResult
from kiosk.httpjson import json_reply

#: Pings sent over the WebSocket; the median round trip is reported.
_PINGS = 3


class HubUrlError(ValueError):
    """The hub URL cannot be used; the message says why in plain words."""


def normalise_hub_url(url: str) -> str:
    """``http(s)://host[:port]`` without a trailing slash, or :class:`HubUrlError`."""
    text = url.strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise HubUrlError(f"the hub address must look like https://hub.example.org "
                          f"(got {url[:80]!r})")
    try:
        _ = parts.port
    except ValueError:
        raise HubUrlError(f"the hub address has a bad port ({url[:80]!r})") from None
    return text


@dataclass
class HubProbe:
    """What the hub check learned: its result, and the hub's ICE servers (if it said welcome)."""

    result: CheckResult
    ice_servers: list[dict[str, Any]] = field(default_factory=list)


def _cert_problem(exc: BaseException) -> str | None:
    """A plain description of a TLS certificate failure, or None if it was something else."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, aiohttp.ClientConnectorCertificateError):
            err = cause.certificate_error
            if isinstance(err, ssl.SSLCertVerificationError) and err.verify_message:
                return str(err.verify_message)
            return str(err)
        if isinstance(cause, ssl.SSLCertVerificationError):
            return str(cause.verify_message or cause)
        cause = cause.__cause__
    return None


def _fail(name: str, started: float, figures: dict[str, Any], staff: str) -> CheckResult:
    return CheckResult(
        name, "fail", figures,
        advice_patient="The kiosk cannot reach the video service right now. "
                       "Please tell a member of staff.",
        advice_staff=staff, duration_ms=(time.monotonic() - started) * 1000)


async def check_hub(hub_url: str, *, token: str | None = None, within: float = 5.0,
                    ssl_context: ssl.SSLContext | None = None) -> HubProbe:
    """Check the hub at ``hub_url``. ``token`` says hello as that kiosk, else as a patient.

    ``ssl_context`` trusts a private CA; by default the system's CAs are used.
    """
    name = "hub"
    started = time.monotonic()
    try:
        base = normalise_hub_url(hub_url)
    except HubUrlError as exc:
        return HubProbe(_fail(name, started, {"url": hub_url[:120]}, str(exc)))
    figures: dict[str, Any] = {"url": base, "tls": base.startswith("https://")}
    verify: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
    client_timeout = aiohttp.ClientTimeout(total=within)
    async with aiohttp.ClientSession(timeout=client_timeout) as session:
        t0 = time.monotonic()
        try:
            async with session.get(f"{base}/healthz", ssl=verify) as resp:
                health = await json_reply(resp)
                status = resp.status
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            problem = _cert_problem(exc)
            if problem is not None:
                figures["certificate_error"] = problem
                return HubProbe(_fail(name, started, figures,
                                      f"The hub's TLS certificate is not valid: {problem}. "
                                      "Install a certificate from a trusted CA that names "
                                      "the hub's host name, and check it has not expired."))
            figures["error"] = type(exc).__name__
            return HubProbe(_fail(name, started, figures,
                                  f"Cannot reach the hub at {base} ({type(exc).__name__}). "
                                  "Check the kiosk's network cable or Wi-Fi, the hub address, "
                                  "and that the clinic firewall allows HTTPS to the hub."))
        figures["http_ms"] = round((time.monotonic() - t0) * 1000, 1)
        figures["http_status"] = status
        if status != 200 or not isinstance(health, dict) or health.get("status") != "ok":
            return HubProbe(_fail(name, started, figures,
                                  f"{base}/healthz answered {status}, not the hub's health "
                                  "report: is this the right address, or is a proxy in the way?"))
        figures["protocol"] = health.get("protocol")
        servers: list[dict[str, Any]] = []
        try:
            async with asyncio.timeout(within):
                rtts, servers = await _ws_round_trips(session, base, verify, token)
        except (aiohttp.ClientError, OSError, TimeoutError, _Refused) as exc:
            reason = exc.reason if isinstance(exc, _Refused) else type(exc).__name__
            figures["ws_error"] = reason
            return HubProbe(_fail(name, started, figures,
                                  f"The hub answers web requests but its WebSocket failed "
                                  f"({reason}). A proxy or firewall may be blocking "
                                  "WebSocket upgrades to the hub."))
    figures["ws_rtt_ms"] = round(statistics.median(rtts), 1)
    figures["ice_servers"] = sum(len(_urls(s)) for s in servers)
    return HubProbe(CheckResult(
        name, "pass", figures, advice_patient="",
        advice_staff=f"Hub reachable; WebSocket round trip {figures['ws_rtt_ms']} ms.",
        duration_ms=(time.monotonic() - started) * 1000), servers)


class _Refused(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _urls(server: Mapping[str, Any]) -> list[str]:
    urls = server.get("urls")
    if isinstance(urls, str):
        return [urls]
    return [u for u in urls if isinstance(u, str)] if isinstance(urls, list) else []


async def _receive(ws: aiohttp.ClientWebSocketResponse, want: str) -> dict[str, Any]:
    while True:
        frame = await ws.receive()
        if frame.type != aiohttp.WSMsgType.TEXT:
            raise _Refused("the hub closed the WebSocket")
        try:
            msg = protocol.decode(frame.data)
        except protocol.ProtocolError:
            continue
        if msg["type"] == "error":
            raise _Refused(f"hub error {msg['code']}: {msg['message']}")
        if msg["type"] == want:
            return msg


async def _hello(ws: aiohttp.ClientWebSocketResponse, token: str | None) -> dict[str, Any]:
    role = "kiosk" if token else "patient"
    await ws.send_str(protocol.encode(protocol.make(
        "hello", role=role, token=token, client="clinic-kiosk network check")))
    return await _receive(ws, "welcome")


async def _ws_round_trips(session: aiohttp.ClientSession, base: str,
                          verify: ssl.SSLContext | bool, token: str | None,
                          ) -> tuple[list[float], list[dict[str, Any]]]:
    async with session.ws_connect(f"{base}/ws", ssl=verify) as ws:
        welcome = await _hello(ws, token)
        rtts: list[float] = []
        for _ in range(_PINGS):
            t0 = time.monotonic()
            await ws.send_str(protocol.encode(protocol.make("ping", sent_at=time.time())))
            await _receive(ws, "pong")
            rtts.append((time.monotonic() - t0) * 1000)
        servers = [s for s in welcome.get("ice_servers", []) if isinstance(s, dict)]
        return rtts, servers


async def send_readiness(hub_url: str, token: str, report: Mapping[str, Any], *,
                         within: float = 10.0, ssl_context: ssl.SSLContext | None = None,
                         ) -> None:
    """Send a ``readiness`` report as the paired kiosk with ``token``; return once the hub has
    handled it (a ``ping`` sent after it is answered). Raises :class:`ConnectionError` with a
    plain reason if the hub refuses or cannot be reached."""
    base = normalise_hub_url(hub_url)
    verify: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=within)) as s, \
                asyncio.timeout(within), s.ws_connect(f"{base}/ws", ssl=verify) as ws:
            await _hello(ws, token)
            await ws.send_str(protocol.encode(protocol.make("readiness", report=dict(report))))
            await ws.send_str(protocol.encode(protocol.make("ping", ref="readiness")))
            await _receive(ws, "pong")
    except _Refused as exc:
        raise ConnectionError(exc.reason) from None
    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
        raise ConnectionError(f"cannot reach the hub at {base} ({type(exc).__name__})") from None
