"""The patient side of a call: one :class:`CallSession` owns the aiortc peer connection.

A session outlives its peer connections (docs/architecture.md §7). aiortc has no ICE restart; aioice
notices a dead path only after ~30 s of failed consent checks, so the session also watches the
media: when the connection fails, or no remote media arrives for ``media_timeout`` seconds while
connected, it goes ``reconnecting``, tells the other side (``call_state{reconnecting,attempt}``),
closes the old peer connection, builds a fresh one and sends a new ``offer`` with ``attempt`` one
higher. Retries are bounded; after the last one the call ends with ``network_failed``.

Rules that matter:

- The patient side always offers, and pre-gathers while waiting (:meth:`CallSession.prepare`),
  so the offer goes out the moment the specialist joins (:meth:`CallSession.start`).
- An ``answer`` or ``candidate`` for any attempt but the current one is ignored.
- The session sends ``offer`` and ``call_state`` itself; everything else the owner (the visit)
  reads from signalling and hands over with :meth:`CallSession.handle`.
- One task drives the session (attempts, watchdog, stats); :meth:`CallSession.close` ends it and
  the peer connection on every path. The local media belong to the caller and are not stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kiosk import protocol
from kiosk.call.peer import Peer
from kiosk.call.quality import Quality, QualityMeter
from kiosk.call.signalling import Signalling
from kiosk.media.local import FrameSink, LocalMedia

log = logging.getLogger(__name__)


class CallState(enum.StrEnum):
    IDLE = "idle"
    GATHERING = "gathering"  # building the peer connection and gathering candidates
    READY = "ready"  # an offer is ready, waiting for the specialist
    CONNECTING = "connecting"  # first offer sent
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"  # a fresh peer connection is being negotiated
    ENDED = "ended"


@dataclass(frozen=True)
class SessionConfig:
    """Timings of a call session, in seconds."""

    #: No remote media for this long while connected means the path is dead.
    media_timeout: float = 3.0
    #: An attempt that has not connected by then has failed.
    connect_timeout: float = 15.0
    #: Attempts in one reconnect episode before giving up with ``network_failed``.
    max_attempts: int = 6
    #: Wait before each attempt of an episode (the last value repeats).
    backoff: tuple[float, ...] = (0.0, 1.0, 2.0, 4.0, 8.0)
    stats_interval: float = 2.0
    #: A pre-gathered offer older than this is rebuilt on join (TURN allocations expire).
    pregather_max_age: float = 240.0
    watch_interval: float = 0.25


StateListener = Callable[[CallState], None]
QualityListener = Callable[[Quality], None]


class CallSession:
    """A call from the patient side: offers, reconnects, reports state and quality.

    ``media`` is sent (through its relay, so every attempt reuses it); remote frames go to
    ``sink``. Listeners (:meth:`add_state_listener`, :meth:`add_quality_listener`) are called on
    the event loop and must return quickly.
    """

    def __init__(self, signalling: Signalling, media: LocalMedia, *,
                 ice_servers: Sequence[Mapping[str, Any]] = (), sink: FrameSink | None = None,
                 config: SessionConfig | None = None, visit_id: str | None = None) -> None:
        self.config = config or SessionConfig()
        self.visit_id = visit_id
        self.attempt = 0
        self.reconnects = 0
        self.end_reason: str | None = None
        self.quality: Quality | None = None
        self.video_frames_received = 0
        self.audio_frames_received = 0
        self.stale_ignored = 0
        self._signalling = signalling
        self._media = media
        self._sink = sink
        self._ice_servers: list[Mapping[str, Any]] = list(ice_servers)
        self._state = CallState.IDLE
        self._state_listeners: list[StateListener] = []
        self._quality_listeners: list[QualityListener] = []
        self._peer: Peer | None = None
        self._gathered_at = 0.0
        self._prepare_task: asyncio.Task[None] | None = None
        self._driver: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._ended = asyncio.Event()
        self._renegotiate: str | None = None
        self._announce_connected = False
        self._attempt_started = 0.0
        self._attempt_failed = False
        self._episode = 0
        self._connected_at = 0.0
        self._last_media = 0.0
        self._meter = QualityMeter()

    # --- observation ---

    @property
    def state(self) -> CallState:
        return self._state

    @property
    def peer(self) -> Peer | None:
        """The current attempt's peer connection (for diagnostics and tests)."""
        return self._peer

    def add_state_listener(self, listener: StateListener) -> None:
        self._state_listeners.append(listener)

    def add_quality_listener(self, listener: QualityListener) -> None:
        self._quality_listeners.append(listener)

    def set_ice_servers(self, servers: Sequence[Mapping[str, Any]]) -> None:
        """Fresh ICE servers (e.g. renewed TURN credentials, or the network check's preferred
        path first) for the next peer connection. A pre-gathered offer made with other servers
        is gathered again when the specialist joins."""
        servers = list(servers)
        if servers != self._ice_servers and self._state is CallState.READY:
            self._gathered_at = float("-inf")
        self._ice_servers = servers

    async def wait_ended(self) -> str:
        """Wait until the call has ended; its reason."""
        await self._ended.wait()
        return self.end_reason or "ended"

    # --- commands ---

    async def prepare(self) -> None:
        """Pre-gather: build the peer connection, add the tracks and set the local offer."""
        if self._state is not CallState.IDLE:
            if self._prepare_task is not None:
                await asyncio.shield(self._prepare_task)
            return
        self._set_state(CallState.GATHERING)
        self._prepare_task = asyncio.create_task(self._gather(self.attempt + 1),
                                                 name="call-pregather")
        await asyncio.shield(self._prepare_task)

    async def start(self) -> None:
        """The specialist has joined: send the offer now (or re-offer if a call is under way)."""
        if self._state is CallState.ENDED:
            return
        if self._state in (CallState.CONNECTING, CallState.CONNECTED, CallState.RECONNECTING):
            self._request_renegotiation("rejoined")
            return
        await self.prepare()
        if self._state is not CallState.READY:  # ended while gathering
            return
        loop = asyncio.get_running_loop()
        if loop.time() - self._gathered_at > self.config.pregather_max_age:
            log.info("pre-gathered offer is stale; gathering again")
            await self._close_peer()
            await self._gather(self.attempt + 1)
        assert self._peer is not None
        self._set_state(CallState.CONNECTING)
        await self._send_state("connecting")
        await self._send_offer(self._peer)
        self._driver = asyncio.create_task(self._drive(), name="call-driver")

    async def handle(self, msg: Mapping[str, Any]) -> bool:
        """Take a message meant for the call (``answer``, ``candidate``, ``restart``).

        Returns ``False`` for any other type. Messages for a stale attempt are ignored.
        """
        mtype = msg.get("type")
        if mtype == "restart":
            self._request_renegotiation(str(msg.get("reason") or "restart"))
            return True
        if mtype not in ("answer", "candidate"):
            return False
        peer = self._peer
        if peer is None or msg.get("attempt") != peer.attempt or self._state is CallState.ENDED:
            self.stale_ignored += 1
            log.info("ignored %s for attempt %s (current %s)", mtype, msg.get("attempt"),
                     peer.attempt if peer else None)
            return True
        if mtype == "candidate":
            await peer.add_candidate(msg)
            return True
        if peer.pc.signalingState != "have-local-offer":
            log.info("ignored a repeated answer for attempt %d", peer.attempt)
            return True
        try:
            await peer.set_answer(str(msg["sdp"]))
        except Exception as exc:  # aiortc raises several types for a bad remote SDP
            log.warning("answer for attempt %d was unusable: %s", peer.attempt,
                        type(exc).__name__)
            self._attempt_failed = True
            self._wake.set()
        return True

    async def close(self, reason: str = "hangup") -> None:
        """End the call: stop the driver, close the peer connection. Safe on every path."""
        if self._state is CallState.ENDED:
            return
        self.end_reason = self.end_reason or reason
        current = asyncio.current_task()
        for task in (self._prepare_task, self._driver):
            if task is not None and task is not current and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        await self._close_peer()
        self._set_state(CallState.ENDED)
        self._ended.set()

    # --- internals ---

    def _set_state(self, state: CallState) -> None:
        if state is self._state:
            return
        log.info("call %s -> %s (attempt %d)", self._state, state, self.attempt)
        self._state = state
        for listener in list(self._state_listeners):
            try:
                listener(state)
            except Exception:
                log.exception("state listener failed")

    async def _send_state(self, state: str) -> None:
        await self._signalling.send(protocol.make(
            "call_state", state=state, attempt=self.attempt or None, visit_id=self.visit_id))

    async def _gather(self, attempt: int) -> None:
        self.attempt = attempt
        peer = Peer(attempt, self._ice_servers, self._media, self._sink,
                    on_state=self._peer_state, on_media=self._media_arrived)
        self._peer = peer
        self._meter.reset()
        await peer.create_offer()
        self._gathered_at = asyncio.get_running_loop().time()
        if self._state is CallState.GATHERING:
            self._set_state(CallState.READY)

    async def _send_offer(self, peer: Peer) -> None:
        self._attempt_started = asyncio.get_running_loop().time()
        self._attempt_failed = False
        await self._signalling.send(protocol.make(
            "offer", sdp=peer.pc.localDescription.sdp, attempt=peer.attempt,
            visit_id=self.visit_id))

    async def _close_peer(self) -> None:
        peer, self._peer = self._peer, None
        if peer is not None:
            try:
                await peer.close()
            except Exception:  # a half-dead transport may complain while closing
                log.exception("closing attempt %d failed", peer.attempt)

    def _request_renegotiation(self, reason: str) -> None:
        if self._state in (CallState.CONNECTING, CallState.CONNECTED, CallState.RECONNECTING):
            self._renegotiate = reason
            self._wake.set()

    def _peer_state(self, peer: Peer) -> None:
        if peer is not self._peer:
            return
        if peer.state == "connected" and self._state in (CallState.CONNECTING,
                                                         CallState.RECONNECTING):
            now = asyncio.get_running_loop().time()
            self._connected_at = self._last_media = now
            self._episode = 0
            self._announce_connected = True
            self._set_state(CallState.CONNECTED)
        self._wake.set()

    def _media_arrived(self, kind: str) -> None:
        self._last_media = asyncio.get_running_loop().time()
        if kind == "video":
            self.video_frames_received += 1
        else:
            self.audio_frames_received += 1

    def _failure(self, now: float) -> str | None:
        """Why the current attempt has failed, or ``None`` if it has not."""
        if self._renegotiate is not None:
            reason, self._renegotiate = self._renegotiate, None
            return reason
        peer = self._peer
        if peer is None or peer.state in ("failed", "closed"):
            return "connection_failed"
        if self._state is CallState.CONNECTED:
            if now - self._last_media > self.config.media_timeout:
                return "media_timeout"
        elif self._attempt_failed or now - self._attempt_started > self.config.connect_timeout:
            return "connect_timeout"
        return None

    async def _drive(self) -> None:
        """Watch the call, sample quality, and run the reconnect attempts."""
        loop = asyncio.get_running_loop()
        next_stats = loop.time() + self.config.stats_interval
        while self._state is not CallState.ENDED:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.config.watch_interval):
                    await self._wake.wait()
            self._wake.clear()
            if self._announce_connected:
                self._announce_connected = False
                await self._send_state("connected")
            now = loop.time()
            reason = self._failure(now)
            if reason is not None:
                await self._next_attempt(reason)
                next_stats = loop.time() + self.config.stats_interval
            elif now >= next_stats:
                next_stats = now + self.config.stats_interval
                await self._sample_quality(now)

    async def refresh_quality(self) -> Quality | None:
        """Take a quality sample now (e.g. just before hanging up) and return the latest."""
        await self._sample_quality(asyncio.get_running_loop().time())
        return self.quality

    async def _sample_quality(self, now: float) -> None:
        peer = self._peer
        if peer is None or self._state is not CallState.CONNECTED:
            return
        try:
            report = await peer.stats()
        except Exception:  # stats of a closing connection
            log.debug("getStats failed", exc_info=True)
            return
        self.quality = self._meter.update(report, now)
        for listener in list(self._quality_listeners):
            try:
                listener(self.quality)
            except Exception:
                log.exception("quality listener failed")

    async def _next_attempt(self, reason: str) -> None:
        if self._episode >= self.config.max_attempts:
            log.warning("call failed after %d attempts", self._episode)
            self.end_reason = "network_failed"
            await self._send_state("failed")
            await self.close("network_failed")
            return
        if self._episode == 0:
            self.reconnects += 1
        delay = self.config.backoff[min(self._episode, len(self.config.backoff) - 1)]
        self._episode += 1
        log.warning("reconnecting (%s), attempt %d of this episode", reason, self._episode)
        self._set_state(CallState.RECONNECTING)
        await self._close_peer()
        self.attempt += 1
        await self._send_state("reconnecting")
        if delay > 0:
            await asyncio.sleep(delay)
        await self._gather(self.attempt)
        assert self._peer is not None
        await self._send_offer(self._peer)
