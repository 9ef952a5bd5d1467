"""Signalling transports: how a call's messages reach the other side.

:class:`Signalling` is the interface; :class:`HubSignalling` speaks the hub's WebSocket protocol
(``docs/protocol.md``) and :class:`MemorySignalling` joins two peers in one process, for tests
(like aiortc's own signalling variants). Rules that matter:

- Everything received is validated with :func:`kiosk.protocol.decode`. A bad frame (bad JSON,
  too deep, NaN, binary, anything) is logged in one line (its error code only, never its
  content, never a traceback; after :data:`BAD_FRAMES_LOGGED` in a row only counted) and
  skipped; it never ends the connection. Whatever else goes wrong while reading counts as a
  dropped connection: the reader never dies silently, it reconnects.
- What the hub sends is queued for :meth:`Signalling.receive` up to :data:`INBOX_LIMIT` messages;
  when the queue is full the reader waits, so a hub that floods the kiosk is slowed to the pace
  the kiosk reads at and memory stays bounded, and no message is dropped.
- Everything sent goes through :func:`kiosk.protocol.encode`, so our own bugs fail loudly.
- Nothing secret is logged: messages are logged only through :func:`kiosk.protocol.redacted`.
- :class:`HubSignalling` survives a dropped socket: it reconnects with backoff and, once the
  patient has checked in, says ``hello{resume:{visit_id,resume_token}}`` so the visit carries on.
  A stalled path is noticed within 4.5 s (:data:`HEARTBEAT_S`); while the hub is unreachable a
  fresh connection is tried at least every :data:`CONNECT_TIMEOUT_S` + 1 s, so the link is back
  within about a second of the network (a connect left waiting would only retry its SYN after
  1, 3, 7, 15 s...), and it keeps trying for longer than a call waits for its network.
  ``receive()`` returns ``None`` only when the transport is closed for good.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from typing import Any, Final, Self

import aiohttp

from kiosk import protocol

log = logging.getLogger(__name__)

#: Codes of :class:`SignallingError` raised by this module in addition to the hub's error codes.
UNREACHABLE: Final = "unreachable"
LOGIN_FAILED: Final = "login_failed"

#: Most messages from the hub waiting to be read. An honest hub sends a few dozen at most in a
#: burst (candidates, a waiting list); 256 small messages are tens of KiB, 256 of the largest
#: allowed are 16 MiB.
INBOX_LIMIT: Final = 256
#: Bad frames logged one by one on a connection; further ones are counted, and the count is
#: logged when the connection ends (so a hostile hub cannot flood the kiosk's log).
BAD_FRAMES_LOGGED: Final = 5


class SignallingError(Exception):
    """The hub refused us or could not be reached. ``code`` is a hub error code or
    :data:`UNREACHABLE` / :data:`LOGIN_FAILED`; ``message`` is plain English and holds no secret.
    """

    def __init__(self, code: str, message: str, *, retry_after: float | None = None,
                 fatal: bool = False) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.retry_after = retry_after
        self.fatal = fatal


class Signalling(ABC):
    """A transport for protocol messages to the hub (or straight to another peer in tests).

    Iterate with ``async for msg in signalling`` or call :meth:`receive`.
    """

    @abstractmethod
    async def connect(self) -> None:
        """Open the transport; raise :class:`SignallingError` if that is refused or impossible."""

    @abstractmethod
    async def send(self, msg: Mapping[str, Any]) -> bool:
        """Send one message; ``False`` if the transport is down right now (the message is lost)."""

    @abstractmethod
    async def receive(self) -> dict[str, Any] | None:
        """The next valid message, or ``None`` once the transport is closed for good."""

    @abstractmethod
    async def close(self) -> None:
        """Close the transport; a pending :meth:`receive` returns ``None``."""

    def __aiter__(self) -> Signalling:
        return self

    async def __anext__(self) -> dict[str, Any]:
        msg = await self.receive()
        if msg is None:
            raise StopAsyncIteration
        return msg


class _BadFrames:
    """Counts the bad frames of one connection and logs the first few, one line each."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.count = 0

    def skip(self, what: str) -> None:
        self.count += 1
        if self.count <= BAD_FRAMES_LOGGED:
            log.warning("skipped a bad message from %s: %s", self.source, what)
            if self.count == BAD_FRAMES_LOGGED:
                log.warning("further bad messages from %s are counted, not logged", self.source)

    def decode(self, data: str | bytes) -> dict[str, Any] | None:
        try:
            return protocol.decode(data)
        except protocol.ProtocolError as exc:
            self.skip(f"{exc.code} ({exc.reason})")
        except Exception as exc:  # decode promises not to; if it ever does, still skip
            self.skip(f"undecodable ({type(exc).__name__})")
        return None

    def summary(self) -> None:
        if self.count > BAD_FRAMES_LOGGED:
            log.warning("skipped %d bad messages from %s in all", self.count, self.source)
        self.count = 0


class MemorySignalling(Signalling):
    """One end of an in-process pair of signalling transports (see :meth:`pair`).

    Messages are encoded and decoded exactly as on the wire, so validation is real. Closing either
    end closes both, like a socket.
    """

    def __init__(self) -> None:
        # Unbounded: both ends are in this process (tests, demo), nothing hostile writes here.
        self._inbox: asyncio.Queue[str | bytes | None] = asyncio.Queue()
        self._bad = _BadFrames("peer")
        self._peer: MemorySignalling | None = None
        self._closed = False
        self.sent: list[dict[str, Any]] = []

    @classmethod
    def pair(cls) -> tuple[Self, Self]:
        a, b = cls(), cls()
        a._peer, b._peer = b, a
        return a, b

    async def connect(self) -> None:
        if self._closed:
            raise SignallingError(UNREACHABLE, "this transport is closed")

    async def send(self, msg: Mapping[str, Any]) -> bool:
        text = protocol.encode(msg)
        if self._closed or self._peer is None or self._peer._closed:
            return False
        self.sent.append(dict(msg))
        self._peer._inbox.put_nowait(text)
        return True

    def deliver_raw(self, text: str | bytes) -> None:
        """Put a raw frame into this end's inbox, as if the other side had sent it."""
        self._inbox.put_nowait(text)

    async def receive(self) -> dict[str, Any] | None:
        while True:
            if self._closed and self._inbox.empty():
                return None
            text = await self._inbox.get()
            if text is None:
                self._inbox.put_nowait(None)  # stay closed for later callers
                return None
            msg = self._bad.decode(text)
            if msg is not None:
                return msg

    async def close(self) -> None:
        for end in (self, self._peer):
            if end is not None and not end._closed:
                end._closed = True
                end._inbox.put_nowait(None)


#: Seconds between WebSocket pings when nothing else arrives. aiohttp closes the socket when a
#: pong is not back within half of this, so a stalled network or hub is noticed within 1.5x
#: (4.5 s) and the reconnect starts, instead of after the 20 s that a 20 s ping once took.
HEARTBEAT_S: Final = 3.0


#: A connection (TCP, TLS, the WebSocket upgrade) not open within this is abandoned and tried
#: afresh: after a network cut, a fresh SYN goes through at once where an old one waits out its
#: retransmission time-out.
CONNECT_TIMEOUT_S: Final = 3.0


class HubSignalling(Signalling):
    """The hub's WebSocket (``<hub>/ws``) for one client.

    ``role`` is ``kiosk`` (with ``token``), ``patient``, or ``specialist`` (with ``login``, a
    ``(username, password)`` pair posted to ``/api/login``; the ``clinic_session`` cookie then
    rides on the WebSocket upgrade). After :meth:`connect`, :attr:`welcome` holds the hub's
    ``welcome``. A dropped socket is reopened with backoff for up to ``max_outage`` seconds; each
    successful reopen delivers the new ``welcome`` through :meth:`receive`, and link listeners
    (:meth:`add_link_listener`) hear ``False`` when the link drops and ``True`` when it is back.
    ``ssl_context`` trusts a hub with a private CA (``https://`` hubs only).
    """

    def __init__(self, hub_url: str, role: str, *, token: str | None = None,
                 login: tuple[str, str] | None = None, client: str = "clinic-kiosk",
                 reconnect: bool = True, max_outage: float = 150.0,
                 backoff: tuple[float, float] = (0.25, 1.0), timeout: float = 10.0,
                 heartbeat: float = HEARTBEAT_S, connect_timeout: float = CONNECT_TIMEOUT_S,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        if role not in protocol.ROLES:
            raise ValueError(f"unknown role {role!r}")
        self.hub_url = hub_url.rstrip("/")
        self.role = role
        self.welcome: dict[str, Any] | None = None
        self.reconnects = 0
        self._token = token
        self._login = login
        self._client = client
        self._reconnect = reconnect
        self._max_outage = max_outage
        self._backoff = backoff
        self._timeout = timeout
        self._heartbeat = heartbeat
        self._connect_timeout = connect_timeout
        # None: verify the hub's certificate against the system's CAs (aiohttp's default).
        self._ssl: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        # Bounded (see INBOX_LIMIT); None is the end sentinel, put only when there is room.
        self._inbox: asyncio.Queue[dict[str, Any] | None] = asyncio.Queue(maxsize=INBOX_LIMIT)
        self._finished = False  # closed for good: receive() returns None once the inbox is empty
        self._bad = _BadFrames("the hub")
        self._reader: asyncio.Task[None] | None = None
        self._closing = False
        self._resume: dict[str, str] | None = None
        self._link_listeners: list[Callable[[bool], None]] = []

    # --- public ---

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    @property
    def pending(self) -> int:
        """Messages received from the hub and not yet read (at most :data:`INBOX_LIMIT`)."""
        return self._inbox.qsize()

    def add_link_listener(self, listener: Callable[[bool], None]) -> None:
        self._link_listeners.append(listener)

    async def connect(self) -> None:
        if self._session is None:
            # unsafe=True: keep cookies from hubs addressed by IP (127.0.0.1 in demo mode).
            self._session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        try:
            if self._login is not None:
                await self._log_in()
            await self._open()
        except BaseException:
            await self._close_transport()
            raise
        self._reader = asyncio.create_task(self._read_loop(), name="hub-signalling-reader")

    async def send(self, msg: Mapping[str, Any]) -> bool:
        text = protocol.encode(msg)
        ws = self._ws
        if ws is None or ws.closed:
            log.info("hub link down: dropped outgoing %s", msg.get("type"))
            return False
        try:
            await ws.send_str(text)
        except (ConnectionError, aiohttp.ClientError) as exc:
            log.info("could not send %s: %s", msg.get("type"), type(exc).__name__)
            return False
        log.debug("sent %s", protocol.redacted(msg))
        return True

    async def receive(self) -> dict[str, Any] | None:
        if self._finished and self._inbox.empty():
            return None
        msg = await self._inbox.get()
        if msg is None:
            self._finished = True  # later callers see the flag (the sentinel is used up)
        return msg

    async def close(self) -> None:
        self._closing = True
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
        self._bad.summary()
        await self._close_transport()
        self._finish()

    async def drop_connection(self) -> None:
        """Close the socket as if the network had dropped it (the client then reconnects)."""
        if self._ws is not None:
            await self._ws.close()

    # --- internals ---

    def _finish(self) -> None:
        """No more messages will come: a pending or later :meth:`receive` returns ``None``."""
        self._finished = True
        with contextlib.suppress(asyncio.QueueFull):  # full: receive() sees the flag once drained
            self._inbox.put_nowait(None)

    async def _close_transport(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            await ws.close()
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    async def _log_in(self) -> None:
        assert self._session is not None
        assert self._login is not None
        username, password = self._login
        try:
            async with self._session.post(
                f"{self.hub_url}/api/login", json={"username": username, "password": password},
                timeout=aiohttp.ClientTimeout(total=self._timeout), ssl=self._ssl,
            ) as resp:
                if resp.status == 200:
                    return
                retry = resp.headers.get("Retry-After")
                reason = {401: "wrong username or password", 423: "account locked",
                          429: "too many attempts"}.get(resp.status, f"HTTP {resp.status}")
                raise SignallingError(LOGIN_FAILED, f"sign-in refused: {reason}",
                                      retry_after=float(retry) if retry and retry.isdigit()
                                      else None, fatal=resp.status in (401, 423))
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise SignallingError(UNREACHABLE, f"cannot reach the hub at {self.hub_url} "
                                  f"({type(exc).__name__})") from None

    async def _open(self) -> None:
        """Open the socket, say hello, and wait for ``welcome`` (or raise the hub's error)."""
        assert self._session is not None
        try:
            async with asyncio.timeout(self._connect_timeout):
                ws = await self._session.ws_connect(
                    f"{self.hub_url}/ws", heartbeat=self._heartbeat, ssl=self._ssl,
                    timeout=aiohttp.ClientWSTimeout(ws_close=self._timeout),
                )
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise SignallingError(UNREACHABLE, f"cannot reach the hub at {self.hub_url} "
                                  f"({type(exc).__name__})") from None
        try:
            hello = protocol.make("hello", role=self.role, token=self._token,
                                  client=self._client, resume=self._resume)
            await ws.send_str(protocol.encode(hello))
            async with asyncio.timeout(self._timeout):
                while True:
                    frame = await ws.receive()
                    if frame.type == aiohttp.WSMsgType.BINARY:
                        self._bad.skip("a binary frame")
                        continue
                    if frame.type != aiohttp.WSMsgType.TEXT:
                        raise SignallingError(UNREACHABLE, "the hub closed the connection "
                                              "before welcoming us")
                    msg = self._bad.decode(frame.data)
                    if msg is None:
                        continue
                    if msg["type"] == "welcome":
                        break
                    if msg["type"] == "error":
                        raise SignallingError(msg["code"], msg["message"],
                                              retry_after=msg.get("retry_after"),
                                              fatal=bool(msg.get("fatal")))
                    self._bad.skip(f"{msg['type']} before welcome")
        except TimeoutError:
            await ws.close()
            raise SignallingError(UNREACHABLE, "the hub did not answer hello in time") from None
        except (aiohttp.ClientError, OSError) as exc:  # e.g. reset while saying hello
            await ws.close()
            raise SignallingError(UNREACHABLE, f"the hub connection failed during hello "
                                  f"({type(exc).__name__})") from None
        except BaseException:
            await ws.close()
            raise
        self.welcome = msg
        self._track(msg)
        self._ws = ws

    def _track(self, msg: Mapping[str, Any]) -> None:
        """Remember what resuming the visit needs; forget it when the visit ends."""
        mtype = msg["type"]
        visit = msg.get("resumed") if mtype == "welcome" else msg
        if mtype in ("checked_in", "welcome") and isinstance(visit, Mapping):
            visit_id, token = visit.get("visit_id"), visit.get("resume_token")
            if isinstance(visit_id, str) and isinstance(token, str):
                self._resume = {"visit_id": visit_id, "resume_token": token}
        elif mtype == "call_ended" or (mtype == "error" and msg.get("code") == "not_found"):
            self._resume = None

    def _set_link(self, up: bool) -> None:
        for listener in list(self._link_listeners):
            try:
                listener(up)
            except Exception:
                log.exception("link listener failed")

    async def _read_loop(self) -> None:
        while True:
            ws = self._ws
            assert ws is not None
            try:
                await self._read_socket(ws)
            except Exception as exc:  # not bad input (that is skipped): a broken connection
                log.warning("the hub connection failed while reading (%s)", type(exc).__name__)
            self._bad.summary()
            self._ws = None
            with contextlib.suppress(Exception):
                await ws.close()
            if self._closing:
                return
            log.warning("lost the hub connection (close code %s)", ws.close_code)
            if not self._reconnect or not await self._reopen():
                self._finish()
                return

    async def _read_socket(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Queue every valid message from ``ws`` until it closes."""
        async for frame in ws:
            if frame.type == aiohttp.WSMsgType.BINARY:
                self._bad.skip("a binary frame")
                continue
            if frame.type != aiohttp.WSMsgType.TEXT:
                return  # closed, or an error (e.g. invalid UTF-8): aiohttp closes the socket
            msg = self._bad.decode(frame.data)
            if msg is None:
                continue
            log.debug("received %s", protocol.redacted(msg))
            self._track(msg)
            # Waits while the inbox is full (backpressure). Dropping messages instead could
            # lose a call_ended or an answer and leave the call stuck; reconnecting would not
            # help either, as the same unread messages would still be waiting. Waiting keeps
            # every message in order and the patient's call (media go peer to peer) carries on.
            await self._inbox.put(msg)
            if msg["type"] == "error" and msg.get("fatal"):
                log.warning("hub sent a fatal error: %s", msg.get("code"))

    async def _reopen(self) -> bool:
        """Reconnect with backoff; ``True`` once a new ``welcome`` has been queued."""
        self._set_link(False)
        loop = asyncio.get_running_loop()
        give_up_at = loop.time() + self._max_outage
        delay = self._backoff[0]
        relogged = False
        while loop.time() < give_up_at:
            await asyncio.sleep(min(delay, max(0.0, give_up_at - loop.time()))
                                * random.uniform(0.8, 1.2))
            delay = min(delay * 2, self._backoff[1])
            try:
                await self._open()
            except SignallingError as exc:
                if exc.code == "auth_failed" and self._login is not None and not relogged:
                    relogged = True  # the hub may have forgotten our session: sign in again
                    with contextlib.suppress(SignallingError):
                        await self._log_in()
                    continue
                if exc.code == UNREACHABLE:
                    log.info("hub still unreachable; retrying")
                    continue
                if exc.code == "not_found" and self._resume is not None:
                    self._resume = None  # the visit is gone: report it, then carry on without
                    await self._inbox.put(protocol.error("not_found", exc.message))
                    continue
                log.warning("hub refused the reconnect: %s", exc.code)
                if exc.code in protocol.ERROR_CODES:
                    await self._inbox.put(protocol.error(exc.code, exc.message, fatal=True))
                return False
            except Exception as exc:  # e.g. the socket reset mid-handshake: try again
                log.info("reconnecting failed (%s); retrying", type(exc).__name__)
                continue
            self.reconnects += 1
            assert self.welcome is not None
            await self._inbox.put(self.welcome)
            self._set_link(True)
            return True
        log.warning("gave up reconnecting to the hub after %.0f s", self._max_outage)
        return False
