"""One client's WebSocket, with a bounded queue in front of it.

Rules that matter:

- Nothing awaits a client's socket except that client's own writer task: :meth:`Connection.send`
  only queues, so a slow or stalled client cannot hold up the relay for anybody else.
- The queue is bounded. A client that lets it overflow is dropped at once (its TCP connection
  is aborted); a visit it held then waits for a resume like after any dropped socket.
- Every outgoing message goes through :func:`kiosk.protocol.encode`, so our own bugs fail loudly.
- Waiting-list changes to a ``list_delta`` console (:meth:`Connection.send_list_changes`) are
  never dropped and never reordered: while a batch waits in the queue, later changes merge into
  it (the newest state of each entry wins; one place in the queue), and it goes out in as many
  ``waiting_changes`` messages as the size limit needs, in order with everything else queued.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
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


class _Changes:
    """A place in the queue for the waiting-list changes merged since it was queued."""

    __slots__ = ("entries",)

    def __init__(self) -> None:
        #: visit_id -> the entry as it is now, or None: gone.
        self.entries: dict[str, dict[str, Any] | None] = {}


class Connection:
    """A client's socket and what the hub knows about it after ``hello``."""

    def __init__(self, ws: web.WebSocketResponse, *, address: str, queue_max: int,
                 transport: asyncio.Transport | None = None) -> None:
        self.ws = ws
        self.id = secrets.token_hex(6)
        #: When the socket opened (monotonic seconds): a kiosk's or account's oldest go first.
        self.opened_at = time.monotonic()
        self.address = address
        self.role: str | None = None
        self.kiosk: KioskRecord | None = None
        self.specialist: Specialist | None = None
        self.session_hash: str | None = None
        self.visit_id: str | None = None
        self.closed = False
        #: The ``features`` of the client's hello that the hub knows (``protocol.LIST_DELTA``).
        self.features: frozenset[str] = frozenset()
        self._transport = transport
        self._queue: asyncio.Queue[str | _Close | _Latest | _Changes] = asyncio.Queue(
            maxsize=queue_max)
        self._latest: dict[str, str] = {}  # key -> newest text, while its place is queued
        self._changes: _Changes | None = None  # the batch still waiting in the queue
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

    @property
    def changes_waiting(self) -> bool:
        """Whether waiting-list changes are queued for this client and not yet sent (later
        ones merge into them)."""
        return self._changes is not None

    def send_list_changes(self, changes: dict[str, dict[str, Any] | None]) -> None:
        """Queue waiting-list changes (visit_id -> new entry, or None: gone). Merged into the
        batch still waiting, if any, so nothing is lost or reordered and a stalled console
        costs one place in the queue however many changes it misses."""
        if self.closed:
            return
        if self._changes is not None:
            self._changes.entries.update(changes)
            return
        batch = _Changes()
        batch.entries.update(changes)
        try:
            self._queue.put_nowait(batch)
        except asyncio.QueueFull:
            log.warning("%s: outgoing queue overflowed; dropping the client", self.label)
            self.abort()
            return
        self._changes = batch

    def send_list_snapshot(self, parts: list[dict[str, Any]]) -> None:
        """Queue a whole waiting list (its ``waiting_list`` parts) for a ``list_delta`` console;
        changes from now on go behind it, never into a batch queued before it."""
        for msg in parts:
            self.send(msg)
        self._changes = None

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
                if isinstance(item, _Changes):
                    if self._changes is item:
                        self._changes = None  # later changes start a new batch behind this
                    try:
                        frames = change_frames(list(item.entries.items()))
                    except protocol.ProtocolError:  # our bug: a fresh start heals it
                        log.exception("%s: waiting-list changes could not be encoded; dropping "
                                      "the client", self.label)
                        self.abort()
                        return
                    for text in frames:
                        await self.ws.send_str(text)
                    continue
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


def change_frames(items: list[tuple[str, dict[str, Any] | None]]) -> list[str]:
    """``waiting_changes`` messages carrying ``items`` (visit_id -> entry, or None: removed),
    as few as the size limit allows: all in one if it fits, else split in halves. The items
    are distinct visits, so the parts may go in any order."""
    msg = protocol.make("waiting_changes",
                        upsert=[entry for _, entry in items if entry is not None],
                        remove=[visit_id for visit_id, entry in items if entry is None])
    try:
        return [protocol.encode(msg)]
    except protocol.ProtocolError as exc:
        if exc.code != "too_large" or len(items) < 2:
            raise
    half = len(items) // 2
    return change_frames(items[:half]) + change_frames(items[half:])
