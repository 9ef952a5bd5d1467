"""Media path checks: direct (host), STUN, and TURN over UDP, TCP and TLS, each tried and timed.

A path is proved by traffic, not by an allocation alone: :class:`Loopback` joins two local
``RTCPeerConnection``s with a data channel, forced through one path (for relays:
``iceTransportPolicy="relay"`` and only that one TURN URL, so each side's only candidate is an
allocation on the server, and every message crosses the clinic's network to the TURN server and
back), then times echoes. Before that, a bare TURN allocation with aioice gives the server's
own answer on failure (e.g. 401 for a wrong secret or expired credentials), which ICE hides.

Rules that matter:

- Every probe is bounded by a timeout and cleans up its sockets and peer connections.
- The direct path is tried between two local peers on this machine's non-loopback address (aioice
  never offers 127.0.0.1): it proves the network stack and local UDP, not that a far peer is
  reachable directly; the STUN check shows whether UDP reaches the outside.
- TLS to a ``turns:`` server is verified against the system's trust store (aioice uses
  ``ssl=True``); this module never turns verification off.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from aioice import stun
from aioice.turn import create_turn_endpoint
from aiortc import (
    RTCConfiguration,
    RTCDataChannel,
    RTCIceServer,
    RTCIceTransportPolicy,
    RTCPeerConnection,
)
from aiortc.rtcicetransport import parse_stun_turn_uri

from kiosk.checks.result import CheckResult

log = logging.getLogger(__name__)

#: Path kinds, in the order a call prefers them when they work.
KINDS: Final = ("host", "stun", "turn_udp", "turn_tcp", "turn_tls")
LABELS: Final = {"host": "direct", "stun": "STUN", "turn_udp": "TURN over UDP",
                 "turn_tcp": "TURN over TCP", "turn_tls": "TURN over TLS"}
#: Echo messages sent over each proven path.
ECHOES: Final = 10
CLOSE_TIMEOUT: Final = 3.0  # seconds for one peer connection to close


@dataclass(frozen=True)
class PathSpec:
    """One path to try: its kind and, for STUN/TURN, its URL and credentials."""

    kind: str
    url: str | None = None
    username: str | None = None
    credential: str | None = None

    @property
    def name(self) -> str:
        return f"path_{self.kind}"


def url_kind(url: str) -> str | None:
    """``stun``, ``turn_udp``, ``turn_tcp`` or ``turn_tls`` for a URL aiortc can use, else None."""
    try:
        parsed = parse_stun_turn_uri(url)
    except ValueError:
        return None
    scheme, transport = parsed["scheme"], parsed.get("transport")
    if scheme == "stun":
        return "stun"
    if scheme == "turn" and transport in ("udp", "tcp"):
        return f"turn_{transport}"
    if scheme == "turns" and transport == "tcp":
        return "turn_tls"
    return None  # stuns:, turn over tls transport...: aiortc cannot use them


def _urls(entry: Mapping[str, Any]) -> list[str]:
    urls = entry.get("urls")
    if isinstance(urls, str):
        return [urls]
    return [u for u in urls if isinstance(u, str)] if isinstance(urls, list) else []


def specs_from(servers: Sequence[Mapping[str, Any]]) -> list[PathSpec]:
    """The paths to try for an ``ice_servers`` list: direct, then the first URL of each kind."""
    specs = [PathSpec("host")]
    seen = {"host"}
    for entry in servers:
        user, cred = entry.get("username"), entry.get("credential")
        for url in _urls(entry):
            kind = url_kind(url)
            if kind is None or kind in seen:
                continue
            seen.add(kind)
            specs.append(PathSpec(kind, url, user if isinstance(user, str) else None,
                                  cred if isinstance(cred, str) else None))
    return sorted(specs, key=lambda s: KINDS.index(s.kind))


def _ms(since: float) -> float:
    return round((time.monotonic() - since) * 1000, 1)


# --- loopback over one path ---

class Loopback:
    """Two local peer connections joined by data channels over one path.

    ``ctl`` is reliable and ordered (echoes, round trips); ``flood`` is unordered with no
    retransmissions (throughput, loss and jitter). The ``b`` side echoes ``ctl`` messages.
    """

    def __init__(self, servers: list[RTCIceServer], *, relay: bool) -> None:
        policy = RTCIceTransportPolicy.RELAY if relay else RTCIceTransportPolicy.ALL
        config = RTCConfiguration(iceServers=servers, iceTransportPolicy=policy)
        self.a = RTCPeerConnection(config)
        self.b = RTCPeerConnection(config)
        self.ctl: RTCDataChannel | None = None
        self.flood_a: RTCDataChannel | None = None
        self.flood_b: RTCDataChannel | None = None
        self._b_ready = asyncio.Event()
        self._a_open = asyncio.Event()
        self._echoes: asyncio.Queue[bytes] = asyncio.Queue()
        self._closing: asyncio.Future[None] | None = None

    async def connect(self) -> None:
        ctl = self.a.createDataChannel("ctl")
        self.ctl = ctl
        self.flood_a = self.a.createDataChannel("flood", ordered=False, maxRetransmits=0)
        ctl.on("open", self._a_open.set)
        ctl.on("message", lambda m: self._echoes.put_nowait(m if isinstance(m, bytes)
                                                            else m.encode()))

        def arrived(channel: RTCDataChannel) -> None:
            if channel.label == "ctl":
                channel.on("message", channel.send)  # the echo
            elif channel.label == "flood":
                self.flood_b = channel
            if self.flood_b is not None:
                self._b_ready.set()

        self.b.on("datachannel", arrived)
        await self.a.setLocalDescription(await self.a.createOffer())
        await self.b.setRemoteDescription(self.a.localDescription)
        await self.b.setLocalDescription(await self.b.createAnswer())
        await self.a.setRemoteDescription(self.b.localDescription)
        await self._a_open.wait()
        await self._b_ready.wait()

    async def echo(self, count: int) -> list[float]:
        """Send ``count`` messages one after another; each echo's round trip in ms."""
        assert self.ctl is not None
        rtts = []
        for i in range(count):
            t0 = time.monotonic()
            self.ctl.send(f"echo {i}".encode())
            while (await self._echoes.get()) != f"echo {i}".encode():
                pass
            rtts.append((time.monotonic() - t0) * 1000)
        return rtts

    async def close(self) -> None:
        """Close both peers, once. Safe to call again and to cancel: aiortc's own close() is
        neither (a second call waits for a first one that a cancellation cut short, forever),
        so the closing runs in one task of its own that every caller waits on."""
        if self._closing is None:
            self._closing = asyncio.ensure_future(self._close())
        await asyncio.shield(self._closing)

    async def _close(self) -> None:
        for pc in (self.a, self.b):
            pc.remove_all_listeners()
            with contextlib.suppress(Exception):
                async with asyncio.timeout(CLOSE_TIMEOUT):
                    await pc.close()


def _ice_server(spec: PathSpec) -> list[RTCIceServer]:
    if spec.url is None:
        return []
    return [RTCIceServer(urls=[spec.url], username=spec.username, credential=spec.credential)]


async def open_loopback(spec: PathSpec, within: float) -> Loopback:
    """A connected :class:`Loopback` over ``spec`` (closed again if it cannot connect)."""
    loop = Loopback(_ice_server(spec), relay=spec.kind.startswith("turn_"))
    try:
        async with asyncio.timeout(within):
            await asyncio.shield(asyncio.ensure_future(loop.connect()))
    except BaseException:
        await loop.close()
        raise
    return loop


# --- STUN ---

class _StunClient(asyncio.DatagramProtocol):
    def __init__(self, transaction_id: bytes) -> None:
        self.transaction_id = transaction_id
        self.answer: asyncio.Future[stun.Message] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            msg = stun.parse_message(data)
        except ValueError:
            return
        if msg.transaction_id == self.transaction_id and not self.answer.done():
            self.answer.set_result(msg)

    def error_received(self, exc: Exception) -> None:
        if not self.answer.done():
            self.answer.set_exception(exc)


async def check_stun(spec: PathSpec, within: float = 3.0) -> CheckResult:
    """A STUN binding request over UDP: the server's answer, its round trip and our public
    address as the server sees it."""
    assert spec.url is not None
    started = time.monotonic()
    parsed = parse_stun_turn_uri(spec.url)
    figures: dict[str, Any] = {"url": spec.url}
    request = stun.Message(message_method=stun.Method.BINDING,
                           message_class=stun.Class.REQUEST)
    loop = asyncio.get_running_loop()
    transport: asyncio.DatagramTransport | None = None
    try:
        async with asyncio.timeout(within):
            transport, client = await loop.create_datagram_endpoint(
                lambda: _StunClient(request.transaction_id),
                remote_addr=(parsed["host"], parsed["port"]))
            t0 = time.monotonic()
            while True:  # retransmit until answered (RFC 5389 over UDP)
                transport.sendto(bytes(request))
                done, _ = await asyncio.wait({client.answer}, timeout=0.5)
                if done:
                    break
            answer = client.answer.result()
            figures["rtt_ms"] = _ms(t0)
    except (TimeoutError, OSError) as exc:
        figures["error"] = "no answer" if isinstance(exc, TimeoutError) else type(exc).__name__
        return CheckResult(
            spec.name, "fail", figures,
            advice_patient="",
            advice_staff=f"The STUN server {spec.url} did not answer over UDP "
                         f"({figures['error']}): UDP looks blocked, so calls will be relayed "
                         "through TURN (TCP or TLS) if that works.",
            duration_ms=_ms(started))
    finally:
        if transport is not None:
            transport.close()
    mapped = answer.attributes.get("XOR-MAPPED-ADDRESS") or answer.attributes.get(
        "MAPPED-ADDRESS")
    if answer.message_class != stun.Class.RESPONSE or not mapped:
        figures["error"] = f"error response {answer.attributes.get('ERROR-CODE')}"
        return CheckResult(spec.name, "fail", figures,
                           advice_staff=f"The STUN server {spec.url} refused the request.",
                           duration_ms=_ms(started))
    figures["public_address"] = f"{mapped[0]}:{mapped[1]}"
    return CheckResult(spec.name, "pass", figures,
                       advice_staff=f"UDP reaches the STUN server ({figures['rtt_ms']} ms).",
                       duration_ms=_ms(started))


# --- TURN ---

def _turn_error(exc: BaseException, spec: PathSpec) -> tuple[dict[str, Any], str]:
    """Figures and staff advice for a failed TURN allocation."""
    label = LABELS[spec.kind]
    if isinstance(exc, stun.TransactionFailed):
        code, reason = exc.response.attributes.get("ERROR-CODE", (0, "unknown"))
        figures: dict[str, Any] = {"error": f"{code} {reason}", "error_code": code}
        if code == 401:
            expiry = _expiry(spec.username)
            if expiry is not None and expiry < time.time():
                figures["credentials_expired_s_ago"] = round(time.time() - expiry)
                return figures, (f"{label}: the TURN server refused expired credentials "
                                 "(401). Check the kiosk's and the TURN server's clocks, and "
                                 "that the kiosk asks the hub for fresh ones.")
            return figures, (f"{label}: the TURN server refused the credentials (401 "
                             "Unauthorized). The hub's TURN secret does not match coturn's "
                             "static-auth-secret (or the realm differs).")
        if code == 403:
            return figures, f"{label}: the TURN server forbids this relay (403)."
        return figures, f"{label}: the TURN server answered {code} {reason}."
    if isinstance(exc, ssl.SSLCertVerificationError):
        problem = str(exc.verify_message or exc)
        return ({"error": "certificate", "certificate_error": problem},
                f"{label}: the TURN server's TLS certificate is not trusted ({problem}). "
                "Use a certificate from a public CA for the TURN host name.")
    if isinstance(exc, ssl.SSLError):
        return ({"error": f"TLS: {exc.reason or type(exc).__name__}"},
                f"{label}: the TLS handshake with the TURN server failed; a firewall or "
                "proxy may be intercepting port 443.")
    if isinstance(exc, TimeoutError | stun.TransactionTimeout):
        return ({"error": "timeout"},
                f"{label}: no answer from {spec.url}. The clinic firewall probably blocks this "
                "port or protocol, or the TURN server is down.")
    if isinstance(exc, ConnectionRefusedError):
        return ({"error": "connection refused"},
                f"{label}: {spec.url} refused the connection: nothing listens on that port, "
                "or a firewall rejects it. Is the TURN server running?")
    return ({"error": type(exc).__name__},
            f"{label}: could not reach {spec.url} ({type(exc).__name__}).")


def _expiry(username: str | None) -> float | None:
    head = (username or "").split(":", 1)[0]
    return float(head) if head.isdigit() else None


async def _allocate(spec: PathSpec, within: float) -> dict[str, Any]:
    """One bare TURN allocation, released at once; raises what went wrong."""
    parsed = parse_stun_turn_uri(spec.url or "")
    t0 = time.monotonic()
    async with asyncio.timeout(within):
        transport, _ = await create_turn_endpoint(
            asyncio.DatagramProtocol, server_addr=(parsed["host"], parsed["port"]),
            username=spec.username, password=spec.credential,
            ssl=spec.kind == "turn_tls", transport=parsed["transport"])
    try:
        host, port = transport.get_extra_info("sockname")
        return {"allocate_ms": _ms(t0), "relayed_address": f"{host}:{port}"}
    finally:
        transport.close()


async def check_path(spec: PathSpec, *, within: float = 8.0,
                     keep: bool = False) -> tuple[CheckResult, Loopback | None]:
    """Try one path and prove it with echoes. With ``keep`` the working loopback is returned
    open (the caller closes it); otherwise it is closed."""
    if spec.kind == "stun":
        return await check_stun(spec, min(within, 3.0)), None
    started = time.monotonic()
    figures: dict[str, Any] = {"url": spec.url} if spec.url else {"local_only": True}
    if spec.kind.startswith("turn_"):
        if not spec.username or not spec.credential:
            return CheckResult(spec.name, "fail", figures,
                               advice_staff=f"{LABELS[spec.kind]}: the hub sent no TURN "
                                            "credentials; set its TURN secret.",
                               duration_ms=_ms(started)), None
        try:
            figures.update(await _allocate(spec, min(within / 2, 4.0)))
        except Exception as exc:  # every failure becomes a reported result
            extra, advice = _turn_error(exc, spec)
            figures.update(extra)
            return CheckResult(spec.name, "fail", figures, advice_staff=advice,
                               duration_ms=_ms(started)), None
    elif not _has_host_address():
        figures["error"] = "no network address"
        return CheckResult(spec.name, "fail", figures,
                           advice_patient="The kiosk is not connected to a network.",
                           advice_staff="The kiosk has no network address other than "
                                        "loopback: check the cable or Wi-Fi.",
                           duration_ms=_ms(started)), None
    left = max(1.0, within - (time.monotonic() - started))
    t0 = time.monotonic()
    try:
        loop = await open_loopback(spec, left)
    except (TimeoutError, OSError, ConnectionError) as exc:
        figures["error"] = "no connection" if isinstance(exc, TimeoutError) else \
            type(exc).__name__
        return CheckResult(
            spec.name, "fail", figures,
            advice_staff=f"{LABELS[spec.kind]}: {'the allocation worked but ' if spec.url else ''}"
                         "no data got through between two test peers "
                         f"({figures['error']}). Check that the TURN server may relay "
                         "between its own allocations and its relay ports are open.",
            duration_ms=_ms(started)), None
    try:
        figures["connect_ms"] = _ms(t0)
        rtts = await asyncio.wait_for(loop.echo(ECHOES), timeout=max(1.0, left))
        figures["echoes"] = len(rtts)
        figures["echo_ms"] = round(statistics.median(rtts), 1)
    except TimeoutError:
        await loop.close()
        figures["error"] = "echoes lost"
        return CheckResult(spec.name, "fail", figures,
                           advice_staff=f"{LABELS[spec.kind]}: connected but the test "
                                        "messages did not come back.",
                           duration_ms=_ms(started)), None
    if not keep:
        await loop.close()
    what = "locally (this machine's own address)" if spec.kind == "host" else \
        f"through {spec.url}"
    result = CheckResult(spec.name, "pass", figures,
                         advice_staff=f"{LABELS[spec.kind]} carries data {what}: "
                                      f"{ECHOES} echoes, median {figures['echo_ms']} ms.",
                         duration_ms=_ms(started))
    return result, (loop if keep else None)


def _has_host_address() -> bool:
    import ifaddr  # aioice's own dependency, the same view of interfaces as ICE gathering

    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str) and ip.ip != "127.0.0.1":
                return True
    return False
