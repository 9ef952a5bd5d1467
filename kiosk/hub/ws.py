"""``GET /ws``: one WebSocket per client, speaking :mod:`kiosk.protocol`.

Rules that matter:

- Every incoming frame goes through :func:`kiosk.protocol.decode`; the sender's role is checked
  against :data:`kiosk.protocol.SENDERS` before any handler sees the message.
- A bad message gets an ``error`` back and a WARNING log line (redacted: never a code, token or
  SDP), and the connection stays open. Only an unsupported version, failed authentication or a
  missing ``hello`` within the time limit close it. A bad message never affects other clients.
- The first message must be ``hello``. Kiosks prove themselves with their device token;
  specialists with the ``clinic_session`` cookie sent with the upgrade (its ``Origin`` checked);
  patients with nothing until they check in, and get TURN credentials only then
  (:mod:`kiosk.hub.relay`).
- Open sockets are bounded twice. Per address, only those that have proved nothing yet count
  (before ``hello``, or a patient's own device not checked in): at most
  ``max_sockets_per_address``, beyond which the upgrade gets HTTP 429; so a clinic's many kiosks
  and a hospital's many consoles behind one NAT address are not refused, while idle strangers
  are. Per credential, a kiosk holds at most :data:`MAX_SOCKETS_PER_KIOSK` and an account
  :data:`MAX_SOCKETS_PER_ACCOUNT`: the newest wins, and the oldest beyond the bound is closed
  (4003, as a replaced socket; after a network cut that is the dead one the heartbeat has not
  dropped yet).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import WSMsgType, web

from kiosk import protocol
from kiosk.hub.auth import origin_allowed, session_from
from kiosk.hub.clientaddr import request_address
from kiosk.hub.codes import token_hash
from kiosk.hub.connection import (
    CLOSE_AUTH_FAILED,
    CLOSE_CHECK_IN_TIMEOUT,
    CLOSE_HELLO_TIMEOUT,
    CLOSE_REPLACED,
    CLOSE_UNSUPPORTED_VERSION,
    Connection,
)
from kiosk.hub.ratelimit import ANY_MESSAGE
from kiosk.hub.relay import ice_for, ice_user, refresh_delay, relay_allowed
from kiosk.hub.signalling import SIGNALLING, Refusal, SignallingRouter
from kiosk.hub.state import HUB, Hub

log = logging.getLogger("kiosk.hub.ws")

#: Frames above this are refused by aiohttp itself (the connection is closed with 1009).
MAX_FRAME_BYTES = 1024 * 1024
_ROLES = ("kiosk", "patient", "specialist")
#: Sockets one kiosk holds at once: its standing status socket and a visit's (2), room for a
#: self-test's, and for each one's successor while its dead predecessor waits out the heartbeat.
MAX_SOCKETS_PER_KIOSK = 6
#: Sockets one account holds at once: consoles in several tabs, or a reception account signed
#: in at several desks.
MAX_SOCKETS_PER_ACCOUNT = 32


def unauthenticated(conn: Connection) -> bool:
    """Whether ``conn`` has proved nothing yet: no ``hello``, or a patient's own device that has
    not checked in. Only these count against ``max_sockets_per_address``."""
    return conn.role is None or (conn.role == "patient" and conn.visit_id is None)


def _make_room(signalling: SignallingRouter, conn: Connection) -> None:
    """Close the oldest sockets of ``conn``'s kiosk or account beyond its bound (the newest,
    ``conn``, stays)."""
    if conn.kiosk is not None:
        kiosk_id, bound, who = conn.kiosk.id, MAX_SOCKETS_PER_KIOSK, "kiosk"
        same = [c for c in signalling.connections
                if c.kiosk is not None and c.kiosk.id == kiosk_id and not c.closed]
    elif conn.specialist is not None:
        account_id, bound, who = conn.specialist.id, MAX_SOCKETS_PER_ACCOUNT, "account"
        same = [c for c in signalling.connections
                if c.specialist is not None and c.specialist.id == account_id and not c.closed]
    else:
        return
    same.sort(key=lambda c: (c.opened_at, c.id))
    for old in same[:max(0, len(same) - bound)]:
        if old is not conn:
            log.warning("%s: closed, the oldest of more than %d sockets of one %s",
                        old.label, bound, who)
            old.close_after_sending(CLOSE_REPLACED, f"too many connections for this {who}")


class SocketSession:
    """One client's conversation with the hub, from upgrade to close."""

    def __init__(self, hub: Hub, signalling: SignallingRouter, request: web.Request,
                 conn: Connection) -> None:
        self.hub = hub
        self.signalling = signalling
        self.request = request
        self.conn = conn
        self.ice_timer: asyncio.TimerHandle | None = None

    def refuse(self, code: str, message: str, *, ref: str | None = None,
               retry_after: float | None = None, fatal: bool = False,
               mtype: str | None = None) -> None:
        """Send an ``error`` and log it (no message content; a flood is logged once a type)."""
        if code != "rate_limited" or mtype is None or self.conn.limits.refused(mtype) <= 1:
            log.warning("%s: %s %s: %s", self.conn.label, mtype or "message", code, message)
        self.conn.send(protocol.error(code, message[:500], ref=ref, retry_after=retry_after,
                                      fatal=fatal or None))

    def within_budget(self) -> bool:
        """Every frame takes from the connection's total first, unparsed: a flood of any kind
        (even messages that are costly to refuse, like deep nesting) costs the hub little."""
        limits = self.conn.limits
        wait = limits.take(ANY_MESSAGE)
        if wait is None:
            return True
        if limits.tell(ANY_MESSAGE):
            self.refuse("rate_limited", "Too many messages; please slow down.",
                        retry_after=wait, mtype=ANY_MESSAGE)
        return False

    def hello_timed_out(self) -> None:
        if self.conn.role is None and not self.conn.closed:
            self.refuse("hello_required", "no hello within the time limit", fatal=True)
            self.conn.close_after_sending(CLOSE_HELLO_TIMEOUT, "no hello")

    def check_in_timed_out(self) -> None:
        """A patient's own device that never checked in does not hold a socket for ever."""
        conn = self.conn
        if conn.role == "patient" and conn.visit_id is None and not conn.closed:
            self.refuse("not_allowed", "no check-in within the time limit", fatal=True)
            conn.close_after_sending(CLOSE_CHECK_IN_TIMEOUT, "no check-in")

    def receive_text(self, text: str) -> None:
        if self.conn.closed:  # closing after a fatal error: nothing more is acted on
            return
        if not self.within_budget():
            return
        try:
            msg = protocol.decode(text)
        except protocol.ProtocolError as exc:
            self.refuse(exc.code, exc.reason, ref=exc.ref, fatal=exc.fatal)
            if exc.fatal:
                self.conn.close_after_sending(CLOSE_UNSUPPORTED_VERSION, exc.reason)
            return
        mtype = msg["type"]
        ref = msg.get("ref")
        try:
            self.dispatch(mtype, msg)
        except Refusal as r:
            self.refuse(r.code, r.message, ref=ref, retry_after=r.retry_after, fatal=r.fatal,
                        mtype=mtype)
            if r.fatal:
                self.conn.close_after_sending(CLOSE_AUTH_FAILED, r.message)
        except Exception:
            log.exception("%s: %s failed", self.conn.label, mtype)
            self.refuse("internal", "The hub could not handle that message.", ref=ref,
                        mtype=mtype)

    def dispatch(self, mtype: str, msg: dict[str, Any]) -> None:
        conn = self.conn
        if conn.role is None:
            if mtype != "hello":
                raise Refusal("hello_required", "send hello first")
            self.hello(msg)
            return
        if mtype == "hello":
            raise Refusal("not_allowed", "hello was already received")
        wait = conn.limits.take(mtype)
        if wait is not None:
            if conn.limits.tell(mtype):  # else dropped unanswered: one error a second is plenty
                raise Refusal("rate_limited", f"Too many {mtype} messages; please slow down.",
                              retry_after=wait)
            return
        if conn.role not in protocol.SENDERS.get(mtype, frozenset()):
            raise Refusal("not_allowed", f"a {conn.role} may not send {mtype}")
        if mtype == "ping":
            conn.send(protocol.make("pong", sent_at=msg.get("sent_at"), ref=msg.get("ref")))
        elif mtype == "pong":
            pass
        elif mtype == "ice_request":
            if not relay_allowed(conn):
                raise Refusal("not_allowed", "Check in first: relay servers are for visits.")
            self.send_ice(ref=msg.get("ref"))
        else:
            self.signalling.handlers[mtype](conn, msg)
            if mtype == "check_in" and conn.visit_id is not None:
                # The checked_in reply carried the relay credentials: keep them fresh.
                self.schedule_ice_refresh(self.hub.ice_servers(ice_user(conn))[1])

    def send_ice(self, *, ref: str | None = None) -> None:
        """Fresh ``ice_servers`` for this client, and the next refresh planned."""
        servers, expires = ice_for(self.hub, self.conn)
        self.conn.send(protocol.make("ice_servers", ice_servers=servers, ice_expires_at=expires,
                                     ref=ref))
        self.schedule_ice_refresh(expires)

    def schedule_ice_refresh(self, expires: float | None) -> None:
        if self.ice_timer is not None:
            self.ice_timer.cancel()
            self.ice_timer = None
        delay = refresh_delay(self.hub, expires) if relay_allowed(self.conn) else None
        if delay is not None and not self.conn.closed:
            self.ice_timer = asyncio.get_running_loop().call_later(delay, self.refresh_ice)

    def refresh_ice(self) -> None:
        self.ice_timer = None
        if not self.conn.closed and relay_allowed(self.conn):
            self.send_ice()

    def hello(self, msg: dict[str, Any]) -> None:
        role = msg["role"]
        conn, hub = self.conn, self.hub
        if role not in _ROLES:
            raise Refusal("bad_message", "role must be kiosk, patient or specialist")
        welcome_extra: dict[str, Any] = {}
        if role == "kiosk":
            token = msg.get("token")
            kiosk = hub.storage.kiosk_by_token(token_hash(token)) if token else None
            if kiosk is None:
                raise Refusal("auth_failed", "this kiosk is not paired with the hub", fatal=True)
            hub.storage.touch_kiosk(kiosk.id, hub.clock.now())
            conn.kiosk = kiosk
            welcome_extra["kiosk"] = {
                "id": kiosk.id, "room": kiosk.room, "name": kiosk.name,
                "clinic": {"id": kiosk.site_id, "name": kiosk.site_name}}
        elif role == "specialist":
            if not origin_allowed(self.request, hub):
                raise Refusal("auth_failed", "this page's origin is not allowed", fatal=True)
            found = session_from(self.request, hub)
            if found is None:
                raise Refusal("auth_failed", "sign in first", fatal=True)
            conn.session_hash, _, conn.specialist = found
            scope = hub.storage.scope(conn.specialist)
            welcome_extra["specialist"] = {
                **conn.specialist.public(),
                "clinic": {"id": None, "name": hub.storage.scope_label(scope)}}
        resume = msg.get("resume")
        if resume is not None and role == "specialist":
            raise Refusal("bad_message", "only a patient side resumes a visit")
        conn.role = role
        _make_room(self.signalling, conn)
        conn.features = frozenset(f for f in msg.get("features") or () if isinstance(f, str))
        resumed = self.signalling.resume(conn, resume) if resume is not None else None
        servers, expires = ice_for(hub, conn)
        self.schedule_ice_refresh(expires)
        conn.send(protocol.make(
            "welcome", role=role, hub=hub.config.hub_name[:128], ice_servers=servers,
            ice_expires_at=expires, resumed=resumed.checked_in() if resumed else None,
            ref=msg.get("ref"), **welcome_extra))
        log.info("%s said hello (%s)", conn.label, str(msg.get("client", "-"))[:60])
        if role == "specialist":
            self.signalling.specialist_connected(conn, scope)
        elif resume is not None and resumed is None:
            self.refuse("not_found", "That visit has ended. Please check in again.",
                        ref=msg.get("ref"), mtype="hello")
        elif resumed is not None and self.signalling.resend_joined(resumed):
            assert resumed.specialist is not None
            conn.send(protocol.make("joined", visit_id=resumed.id, specialist={
                "id": resumed.specialist.id, "name": resumed.specialist.display_name}))
        if role != "specialist":
            self.signalling.client_connected(conn, resumed)


async def websocket_handler(request: web.Request) -> web.StreamResponse:
    """Upgrade to a WebSocket and run one client's session."""
    hub = request.app[HUB]
    signalling = request.app[SIGNALLING]
    address = request_address(request, hub.config.trusted_proxies)
    if sum(c.address == address and unauthenticated(c) for c in signalling.connections) \
            >= hub.config.max_sockets_per_address:
        log.warning("refused a WebSocket: too many open from one address before hello or "
                    "check-in")
        return web.json_response(
            {"error": "rate_limited", "message": "Too many connections from this address.",
             "retry_after": 30}, status=429, headers={"Retry-After": "30"})
    ws = web.WebSocketResponse(max_msg_size=MAX_FRAME_BYTES, heartbeat=hub.config.heartbeat)
    try:
        await ws.prepare(request)
    except ConnectionResetError:  # aiohttp's ClientConnectionResetError is one
        # A client that gave up during a network cut: its connection arrives afterwards (as a
        # retransmitted SYN does) and is gone before the handshake's answer. Nothing to do.
        log.info("a WebSocket from %s closed before its handshake finished", address)
        return ws
    conn = Connection(ws, address=address, queue_max=hub.config.send_queue_max,
                      transport=request.transport)
    conn.start()
    signalling.connections.add(conn)
    session = SocketSession(hub, signalling, request, conn)
    loop = asyncio.get_running_loop()
    timer = loop.call_later(hub.config.hello_timeout, session.hello_timed_out)
    check_in_timer: asyncio.TimerHandle | None = None
    try:
        async for frame in ws:
            if frame.type == WSMsgType.TEXT:
                session.receive_text(frame.data)
                if conn.role is not None and check_in_timer is None:
                    timer.cancel()
                    check_in_timer = loop.call_later(hub.config.check_in_timeout,
                                                     session.check_in_timed_out)
            elif frame.type == WSMsgType.BINARY:
                if session.within_budget():
                    session.refuse("bad_message", "binary frames are not accepted; send JSON text")
            elif frame.type == WSMsgType.ERROR:
                log.info("%s: socket error: %s", conn.label, type(ws.exception()).__name__)
                break
    finally:
        timer.cancel()
        if session.ice_timer is not None:
            session.ice_timer.cancel()
        if check_in_timer is not None:
            check_in_timer.cancel()
        signalling.connections.discard(conn)
        try:
            signalling.disconnected(conn)
        except Exception:
            log.exception("%s: cleaning up after the socket failed", conn.label)
        await conn.finish()
    return ws
