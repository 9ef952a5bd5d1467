"""One client's WebSocket, with a bounded queue in front of it.

Rules that matter:

- Nothing awaits a client's socket except that client's own writer task: :meth:`Connection.send`
  only queues, so a slow or stalled client cannot hold up the relay for anybody else.
- The queue is bounded. A client that lets it overflow is dropped at once (its TCP connection
  is aborted); a visit it held then waits for a resume like after any dropped socket.
- Every outgoing message goes through :func:`kiosk.protocol.encode`, so our own bugs fail loudly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from kiosk import protocol
from kiosk.hub.models import KioskRecord, Specialist
from kiosk.hub.ratelimit import MessageLimits

log = logging.getLogger("kiosk.hub.connection")

#: Close codes the hub uses (4000-4999 are for applications).
CLOSE_GOING_AWAY = 1001
CLOSE_UNSUPPORTED_VERSION = 4000
CLOSE_AUTH_FAILED = 4001
CLOSE_HELLO_TIMEOUT = 4002
CLOSE_REPLACED = 4003
CLOSE_CHECK_IN_TIMEOUT = 4004


@dataclass(frozen=True)
class _Close:
    code: int
    reason: str


@dataclass(frozen=True)
class _Latest:
    """A place in the queue for the newest message of a kind (:meth:`Connection.send_latest`)."""

    key: str


class Connection:
    """A client's socket and what the hub knows about it after ``hello``."""

    def __init__(self, ws: web.WebSocketResponse, *, address: str, queue_max: int,
                 transport: asyncio.Transport | None = None) -> None:
        self.ws = ws
        self.id = secrets.token_hex(6)
        self.address = address
        self.role: str | None = None
        self.kiosk: KioskRecord | None = None
        self.specialist: Specialist | None = None
        self.session_hash: str | None = None
        self.visit_id: str | None = None
        self.closed = False
        self._transport = transport
        self._queue: asyncio.Queue[str | _Close | _Latest] = asyncio.Queue(maxsize=queue_max)
        self._latest: dict[str, str] = {}  # key -> newest text, while its place is queued
        self._writer: asyncio.Task[None] | None = None
        self.limits = MessageLimits()

    def __repr__(self) -> str:
        return f"<Connection {self.id} {self.role or 'new'}>"

    @property
    def label(self) -> str:
        """Who this is, for log lines (no names, no secrets)."""
        if self.kiosk is not None:
            return f"conn {self.id} kiosk {self.kiosk.id}"
        if self.specialist is not None:
            return f"conn {self.id} specialist {self.specialist.id}"
        return f"conn {self.id} {self.role or 'before hello'}"

    def start(self) -> None:
        """Start the writer task."""
        self._writer = asyncio.get_running_loop().create_task(
            self._write_loop(), name=f"hub-ws-writer-{self.id}")

    def send(self, msg: dict[str, Any]) -> None:
        """Queue a message; drop the client if its queue is full."""
        if self.closed:
            return
        text = protocol.encode(msg)
        try:
            self._queue.put_nowait(text)
        except asyncio.QueueFull:
            log.warning("%s: outgoing queue overflowed; dropping the client", self.label)
            self.abort()

    def send_latest(self, key: str, msg: dict[str, Any]) -> None:
        """Queue a snapshot that makes any earlier one of the same ``key`` pointless (the
        waiting list): at most one is ever waiting, and it is the newest when it goes."""
        if self.closed:
            return
        text = protocol.encode(msg)
        if key in self._latest:
            self._latest[key] = text  # its place in the queue is still waiting
            return
        try:
            self._queue.put_nowait(_Latest(key))
        except asyncio.QueueFull:
            log.warning("%s: outgoing queue overflowed; dropping the client", self.label)
            self.abort()
            return
        self._latest[key] = text

    def close_after_sending(self, code: int, reason: str) -> None:
        """Close the socket once everything queued so far has gone."""
        if self.closed:
            return
        self.closed = True
        try:
            self._queue.put_nowait(_Close(code, reason[:120]))
        except asyncio.QueueFull:
            self.abort()

    def abort(self) -> None:
        """Drop the client now, without a closing handshake."""
        self.closed = True
        if self._writer is not None:
            self._writer.cancel()
        if self._transport is not None:
            self._transport.abort()

    async def _write_loop(self) -> None:
        while True:
            item = await self._queue.get()
            try:
                if isinstance(item, _Close):
                    await self.ws.close(code=item.code, message=item.reason.encode("utf-8"))
                    return
                if isinstance(item, _Latest):
                    item = self._latest.pop(item.key)
                await self.ws.send_str(item)
            except (ConnectionError, RuntimeError):
                # The peer went away; the reader side notices and cleans up.
                self.closed = True
                return

    async def finish(self) -> None:
        """Stop the writer once the socket has closed (letting a queued close finish)."""
        writer = self._writer
        if writer is None or writer.done():
            self.closed = True
            return
        if self.closed:  # a close was queued: give it a moment to go out
            await asyncio.wait({writer}, timeout=2.0)
        self.closed = True
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
