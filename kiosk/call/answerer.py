"""The answering side of a call (the specialist's end), for the demo specialist and tests.

The patient side always offers (``docs/protocol.md``). For every ``offer`` with a new ``attempt``
the answerer drops its old peer connection, builds a fresh one, waits for gathering to complete
(aiortc does this inside ``setLocalDescription``) and sends the ``answer`` with the same
``attempt``. Offers and candidates for older attempts are ignored.

While the patient side reconnects (issue 13 item 2), the connection that was carrying the call
is kept open as a *standby* next to the newest attempt: if the patient says
``call_state{connected, attempt}`` naming it (its media came back first), it is the call again
and the newer attempt is closed; once the newest attempt connects, the standby is closed. A
remote video frozen in spite of key-frame requests (:mod:`kiosk.call.keyframe`) makes the
answerer ask the patient side for a fresh attempt (``restart{reason: video_frozen}``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Coroutine, Mapping, Sequence
from typing import Any

from kiosk import protocol
from kiosk.call.peer import Peer
from kiosk.call.signalling import Signalling
from kiosk.media.local import FrameSink, LocalMedia

log = logging.getLogger(__name__)


class AnswerSession:
    """Answers the patient's offers for one visit; ``answers`` counts the answers sent."""

    def __init__(self, signalling: Signalling, media: LocalMedia, visit_id: str, *,
                 ice_servers: Sequence[Mapping[str, Any]] = (),
                 sink: FrameSink | None = None) -> None:
        self.visit_id = visit_id
        self.attempt = 0
        self.answers = 0
        self.stale_ignored = 0
        self._signalling = signalling
        self._media = media
        self._sink = sink
        self._ice_servers = list(ice_servers)
        self._peer: Peer | None = None
        self._standby: Peer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._closed = False

    @property
    def peer(self) -> Peer | None:
        return self._peer

    @property
    def state(self) -> str:
        """The current peer connection's state (``new`` before any offer, ``closed`` after)."""
        if self._closed:
            return "closed"
        return self._peer.state if self._peer is not None else "new"

    def set_ice_servers(self, servers: Sequence[Mapping[str, Any]]) -> None:
        self._ice_servers = list(servers)

    @property
    def standby(self) -> Peer | None:
        return self._standby

    async def handle(self, msg: Mapping[str, Any]) -> bool:
        """Take an ``offer``, ``candidate`` or ``call_state``; ``False`` for any other type."""
        mtype = msg.get("type")
        if mtype == "call_state":
            if msg.get("state") == "connected":
                await self._promote(msg.get("attempt"))
            return True
        if mtype not in ("offer", "candidate"):
            return False
        attempt = msg.get("attempt")
        if self._closed or not isinstance(attempt, int):
            return True
        if mtype == "candidate":
            if self._peer is not None and attempt == self._peer.attempt:
                await self._peer.add_candidate(msg)
            else:
                self.stale_ignored += 1
            return True
        if attempt <= self.attempt:
            self.stale_ignored += 1
            log.info("ignored an offer for old attempt %d (current %d)", attempt, self.attempt)
            return True
        await self._answer(attempt, str(msg["sdp"]))
        return True

    async def _answer(self, attempt: int, sdp: str) -> None:
        self.attempt = attempt
        old, self._peer = self._peer, None
        if old is not None and old.state == "connected":
            # It may come back before the new attempt connects: it is the standby now.
            old, self._standby = self._standby, old
        await self._close(old)
        peer = Peer(attempt, self._ice_servers, self._media, self._sink,
                    on_state=self._peer_state, on_frozen=self._frozen)
        self._peer = peer
        try:
            answer = await peer.create_answer(sdp)
        except Exception as exc:  # aiortc raises several types for an unusable offer
            log.warning("could not answer attempt %d: %s", attempt, type(exc).__name__)
            return
        if peer is self._peer and not self._closed:
            await self._signalling.send(protocol.make(
                "answer", visit_id=self.visit_id, sdp=answer, attempt=attempt))
            self.answers += 1

    async def _promote(self, attempt: object) -> None:
        standby = self._standby
        if standby is None or standby.attempt != attempt or self._closed:
            return
        log.info("attempt %d carries the call again", standby.attempt)
        self._standby = None
        newer, self._peer = self._peer, standby
        await self._close(newer)

    def _peer_state(self, peer: Peer) -> None:
        if peer is self._peer and peer.state == "connected" and self._standby is not None:
            self._spawn(self._close_standby())  # the new attempt is the call now

    def _frozen(self, peer: Peer) -> None:
        if peer is self._peer and not self._closed:
            self._spawn(self._signalling.send(protocol.make(
                "restart", visit_id=self.visit_id, reason="video_frozen")))

    def _spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _close(self, peer: Peer | None) -> None:
        if peer is not None:
            try:
                await peer.close()
            except Exception:
                log.exception("closing attempt %d failed", peer.attempt)

    async def _close_standby(self) -> None:
        peer, self._standby = self._standby, None
        await self._close(peer)

    async def close(self) -> None:
        self._closed = True
        for task in list(self._tasks):
            with contextlib.suppress(Exception):
                await task
        peer, self._peer = self._peer, None
        await self._close(peer)
        await self._close_standby()
