"""The patient side of a call: one :class:`CallSession` owns the aiortc peer connection.

A session outlives its peer connections (docs/architecture.md §7). aiortc has no ICE restart; aioice
notices a dead path only after ~30 s of failed consent checks, so the session also watches the
media: when the connection fails, or no remote media arrives for ``media_timeout`` seconds while
connected (``first_media_timeout`` for an attempt's first media: the far end may still be
finishing its DTLS handshake), it goes ``reconnecting``, tells the other side
(``call_state{reconnecting,attempt}``) and sends a fresh ``offer`` with ``attempt`` one higher
(issue 13 item 2):

- **Attempts overlap the old connection.** The connection that went silent is kept open as a
  *standby* (a cut network usually comes back before ICE consent expires, ~30 s): the moment a
  frame arrives on it again, it is the call again (``call_state{connected,attempt}`` names it, so
  the far end drops the newer attempt) - no negotiation to wait for.
- **A fresh attempt at once when the path may be back**: the hub link came back
  (:meth:`CallSession.path_alive`), the specialist rejoined or asked for one (``restart``); and
  otherwise every ``retry_interval`` while reconnecting (ICE checks of a young attempt are
  retransmitted every 0.5-2 s, an old one's only every 8-16 s). The next attempt gathers while
  the current one is still trying; no attempt is made while the hub link is down (its offer
  could not be sent).
- **Video apart from audio**: each peer asks for a key frame while its remote video is frozen
  (:mod:`kiosk.call.keyframe`); frozen for :data:`~kiosk.call.keyframe.RENEGOTIATE_AFTER_S` in
  spite of that, the session renegotiates (``video_frozen``).
- Reconnecting for longer than ``lost_after`` (2 min by default) ends the call with
  ``network_failed``.

Rules that matter:

- The patient side always offers, and pre-gathers while waiting (:meth:`CallSession.prepare`),
  so the offer goes out the moment the specialist joins (:meth:`CallSession.start`).
- An ``answer`` or ``candidate`` for any attempt but the current one is ignored.
- The session sends ``offer`` and ``call_state`` itself; everything else the owner (the visit)
  reads from signalling and hands over with :meth:`CallSession.handle`.
- One task drives the session (attempts, watchdogs, stats); :meth:`CallSession.close` ends it and
  every peer connection on every path. The local media belong to the caller and are not stopped.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

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
    #: A newly connected attempt's first remote media may take this long instead: the far end
    #: (the DTLS client) finishes its handshake after the kiosk, and when the kiosk's last
    #: flight is lost it sends its own again only after 1 s, then 2 s, 4 s (OpenSSL's timer).
    #: At 5 % loss the 3 s of ``media_timeout`` ran out in 8 of 12 test calls' first seconds.
    first_media_timeout: float = 8.0
    #: The first attempt (the call being set up) has failed if not connected by then.
    connect_timeout: float = 15.0
    #: While reconnecting, a fresh attempt when the latest has not connected after this long.
    retry_interval: float = 1.5
    #: Reconnecting for longer than this ends the call (``network_failed``); the kiosk's
    #: settings file can change it (``call_lost_after``).
    lost_after: float = 120.0
    stats_interval: float = 2.0
    #: A pre-gathered offer older than this is rebuilt on join (TURN allocations expire).
    pregather_max_age: float = 240.0
    watch_interval: float = 0.25


#: The highest ``attempt`` the protocol carries (kiosk/protocol.py); about 25 minutes of
#: reconnecting at one attempt every 1.5 s.
MAX_ATTEMPT: Final = 1000

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
        #: Reconnect episodes ended by the silent connection coming back (no new attempt used).
        self.standby_recoveries = 0
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
        #: The connection that went silent, kept open while newer attempts try (see above).
        self._standby: Peer | None = None
        #: The next attempt, gathering while the current one still tries.
        self._next: asyncio.Task[Peer] | None = None
        self._closing: set[asyncio.Task[None]] = set()
        self._gathered_at = 0.0
        #: The ICE servers the current peer gathered with: an offer pre-gathered with other
        #: servers (the network check's order came while it gathered) is gathered again.
        self._gathered_with: list[Mapping[str, Any]] = []
        self._prepare_task: asyncio.Task[None] | None = None
        self._driver: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._ended = asyncio.Event()
        self._renegotiate: str | None = None
        self._promote = False
        self._standby_may_return = False
        self._announce_connected = False
        self._attempt_started = 0.0
        self._attempt_failed = False
        self._lost_since = 0.0
        self._connected_at = 0.0
        self._last_media = 0.0
        #: Remote media have arrived on the current peer since it connected.
        self._media_flowing = False
        self._meter = QualityMeter()

    # --- observation ---

    @property
    def state(self) -> CallState:
        return self._state

    @property
    def peer(self) -> Peer | None:
        """The current attempt's peer connection (for diagnostics and tests)."""
        return self._peer

    @property
    def standby(self) -> Peer | None:
        """The silent connection kept open while reconnecting (for diagnostics and tests)."""
        return self._standby

    def add_state_listener(self, listener: StateListener) -> None:
        self._state_listeners.append(listener)

    def add_quality_listener(self, listener: QualityListener) -> None:
        self._quality_listeners.append(listener)

    def set_ice_servers(self, servers: Sequence[Mapping[str, Any]]) -> None:
        """Fresh ICE servers (e.g. renewed TURN credentials, or the network check's preferred
        path first) for the next peer connection. A pre-gathered offer made with other servers
        (ready, or still gathering when these came) is gathered again when the specialist
        joins: with UDP blocked, an offer gathered with TURN/UDP first has no relay at all.
        It is gathered again at once (before the join) when a pre-gathered offer exists or is
        being gathered, so the specialist does not wait for it."""
        self._ice_servers = list(servers)
        if self._state not in (CallState.GATHERING, CallState.READY) \
                or self._prepare_task is None or self._gathered_with == self._ice_servers:
            return
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # no loop here: start() gathers again when the specialist joins
            return
        self._prepare_task = asyncio.create_task(self._regather(self._prepare_task),
                                                 name="call-regather")

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
        self._prepare_task = asyncio.create_task(self._gather_first(self.attempt + 1),
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
        if loop.time() - self._gathered_at > self.config.pregather_max_age \
                or self._gathered_with != self._ice_servers:
            log.info("pre-gathered offer is stale or made with other ICE servers; gathering "
                     "again")
            await self._close_peer()
            await self._gather_first(self.attempt + 1)
        assert self._peer is not None
        self._set_state(CallState.CONNECTING)
        await self._send_state("connecting")
        await self._send_offer(self._peer)
        self._driver = asyncio.create_task(self._drive(), name="call-driver")

    def path_alive(self, why: str) -> None:
        """A sign that the network is back (e.g. the hub link reconnected): while reconnecting,
        make a fresh attempt now rather than at the next retry."""
        if self._state is CallState.RECONNECTING:
            log.info("the path may be back (%s): a fresh attempt now", why)
            self._request_renegotiation(why)

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
        """End the call: stop the driver, close the peer connections. Safe on every path."""
        if self._state is CallState.ENDED:
            return
        self.end_reason = self.end_reason or reason
        current = asyncio.current_task()
        for task in (self._prepare_task, self._driver):
            if task is not None and task is not current and not task.done():
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._set_state(CallState.ENDED)
        await self._drop_next()
        await self._close_peer()
        await self._drop_standby()
        while self._closing:
            await asyncio.wait(set(self._closing))
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

    async def _send_state(self, state: str, attempt: int | None = None) -> None:
        await self._signalling.send(protocol.make(
            "call_state", state=state, attempt=attempt or self.attempt or None,
            visit_id=self.visit_id))

    def _new_peer(self, attempt: int) -> Peer:
        self._gathered_with = list(self._ice_servers)
        return Peer(attempt, self._ice_servers, self._media, self._sink,
                    on_state=self._peer_state, on_media=self._media_arrived,
                    on_frozen=self._video_frozen)

    async def _gather_first(self, attempt: int) -> None:
        self.attempt = attempt
        peer = self._new_peer(attempt)
        self._peer = peer
        self._meter.reset()
        await peer.create_offer()
        self._gathered_at = asyncio.get_running_loop().time()
        if self._state is CallState.GATHERING:
            self._set_state(CallState.READY)

    async def _regather(self, previous: asyncio.Task[None]) -> None:
        """After ``previous`` (a pre-gather), gather the offer again if the ICE servers changed
        meanwhile (cancelling this cancels ``previous`` too: nothing gathers after a close)."""
        await previous
        if self._state is not CallState.READY or self._gathered_with == self._ice_servers:
            return
        log.info("the ICE servers changed before the call: gathering the offer again")
        self._set_state(CallState.GATHERING)
        await self._close_peer()
        await self._gather_first(self.attempt + 1)

    async def _gather(self, peer: Peer) -> Peer:
        try:
            await peer.create_offer()
        except BaseException:
            await peer.close()
            raise
        return peer

    async def _send_offer(self, peer: Peer) -> None:
        self._attempt_started = asyncio.get_running_loop().time()
        self._attempt_failed = False
        await self._signalling.send(protocol.make(
            "offer", sdp=peer.pc.localDescription.sdp, attempt=peer.attempt,
            visit_id=self.visit_id))

    async def _close(self, peer: Peer | None) -> None:
        """Close ``peer`` in a task of its own, which :meth:`close` waits for: cancelling the
        driver half-way through never leaves a peer connection open."""
        if peer is not None:
            await self._closing_task(self._close_now(peer))

    async def _closing_task(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)
        await asyncio.shield(task)

    @staticmethod
    async def _close_now(peer: Peer) -> None:
        try:
            await peer.close()
        except Exception:  # a half-dead transport may complain while closing
            log.exception("closing attempt %d failed", peer.attempt)

    async def _close_peer(self) -> None:
        peer, self._peer = self._peer, None
        await self._close(peer)

    async def _drop_standby(self) -> None:
        peer, self._standby = self._standby, None
        self._promote = False
        await self._close(peer)

    async def _drop_next(self) -> None:
        task, self._next = self._next, None
        if task is not None:
            await self._closing_task(self._close_gathered(task))

    async def _close_gathered(self, task: asyncio.Task[Peer]) -> None:
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await self._close_now(await task)

    def _request_renegotiation(self, reason: str) -> None:
        if self._state in (CallState.CONNECTING, CallState.CONNECTED, CallState.RECONNECTING):
            self._renegotiate = reason
            self._wake.set()

    def _peer_state(self, peer: Peer) -> None:
        if peer is self._peer and peer.state == "connected" and self._state in (
                CallState.CONNECTING, CallState.RECONNECTING):
            self._connected(peer)
        self._wake.set()

    def _connected(self, peer: Peer) -> None:
        now = asyncio.get_running_loop().time()
        self._connected_at = self._last_media = now
        self._media_flowing = False
        self._announce_connected = True
        self._set_state(CallState.CONNECTED)

    def _media_arrived(self, peer: Peer, kind: str) -> None:
        if kind == "video":
            self.video_frames_received += 1
        else:
            self.audio_frames_received += 1
        if peer is self._peer:
            self._last_media = asyncio.get_running_loop().time()
            if not self._media_flowing and self._state is CallState.CONNECTED:
                log.debug("attempt %d: first remote media %.2f s after connecting", peer.attempt,
                          self._last_media - self._connected_at)
            self._media_flowing = True
        elif peer is self._standby and self._standby_may_return \
                and self._state is CallState.RECONNECTING and not self._promote:
            self._promote = True  # the silent connection carries media again: it is the call
            self._wake.set()

    def _video_frozen(self, peer: Peer) -> None:
        if peer is self._peer and self._state is CallState.CONNECTED:
            self._request_renegotiation("video_frozen")

    def _failure(self, now: float) -> str | None:
        """Why the current attempt has failed, or ``None`` if it has not."""
        if self._renegotiate is not None:
            reason, self._renegotiate = self._renegotiate, None
            return reason
        if self._state is CallState.RECONNECTING:
            return None  # the retry schedule (_reconnecting) handles the attempts
        peer = self._peer
        if peer is None or peer.state in ("failed", "closed"):
            return "connection_failed"
        if self._state is CallState.CONNECTED:
            timeout = self.config.media_timeout if self._media_flowing \
                else max(self.config.media_timeout, self.config.first_media_timeout)
            if now - self._last_media > timeout:
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
                await self._drop_standby()  # the new attempt is the call now
                await self._send_state("connected", self._peer.attempt if self._peer else None)
            now = loop.time()
            if self._promote:
                await self._promote_standby()
                continue
            reason = self._failure(now)
            if reason is not None:
                await self._begin_reconnect(reason, now)
                next_stats = loop.time() + self.config.stats_interval
            elif self._state is CallState.RECONNECTING:
                await self._reconnecting(now)
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

    async def _begin_reconnect(self, reason: str, now: float) -> None:
        """Start (or, while reconnecting, speed up) a reconnect episode with a fresh attempt."""
        old = self._peer
        if self._state is not CallState.RECONNECTING:
            self.reconnects += 1
            self._lost_since = now
            self._set_state(CallState.RECONNECTING)
            if old is not None and old.state == "connected":
                await self._drop_standby()
                self._standby, self._peer = old, None  # kept open: it may come back
                # Only a connection that went silent "comes back"; one asked to give way
                # (restart, rejoined, video_frozen) carries media until the new one connects.
                self._standby_may_return = reason == "media_timeout"
        log.warning("reconnecting (%s), attempt %d of this episode", reason, self.attempt + 1)
        await self._drop_next()
        await self._close_peer()
        await self._launch_attempt()

    async def _launch_attempt(self) -> None:
        """Gather the next attempt in the background; :meth:`_reconnecting` sends it."""
        if self.attempt >= MAX_ATTEMPT:  # the protocol's bound: a call this broken is lost
            log.warning("call lost: %d attempts", self.attempt)
            self.end_reason = "network_failed"
            await self._send_state("failed")
            await self.close("network_failed")
            return
        self.attempt += 1
        self._attempt_started = asyncio.get_running_loop().time()
        self._next = asyncio.create_task(self._gather(self._new_peer(self.attempt)),
                                         name=f"call-attempt-{self.attempt}")
        self._next.add_done_callback(lambda _t: self._wake.set())
        await self._send_state("reconnecting")

    def _link_down(self) -> bool:
        return getattr(self._signalling, "connected", True) is False

    async def _reconnecting(self, now: float) -> None:
        if now - self._lost_since > self.config.lost_after:
            log.warning("call lost: no connection for %.0f s", now - self._lost_since)
            self.end_reason = "network_failed"
            await self._send_state("failed")
            await self.close("network_failed")
            return
        ready = self._next
        if ready is not None and ready.done():
            self._next = None
            try:
                peer = ready.result()
            except Exception as exc:
                log.warning("gathering attempt %d failed: %s", self.attempt, type(exc).__name__)
                return
            replaced, self._peer = self._peer, peer
            await self._close(replaced)  # the attempt it replaces, still trying, gives way
            await self._send_offer(peer)
            return
        if ready is not None or self._link_down():
            return  # gathering; or no hub to send an offer through: wait for path_alive()
        current = self._peer
        if current is not None and current.state == "connected":
            self._connected(current)  # connected while we looked away (the callback raced)
        elif self._attempt_failed or now - self._attempt_started > self.config.retry_interval \
                or current is None or current.state in ("failed", "closed"):
            await self._launch_attempt()

    async def _promote_standby(self) -> None:
        """The silent connection carries media again: make it the call, drop the attempts."""
        standby, self._standby = self._standby, None
        self._promote = False
        if standby is None or self._state is not CallState.RECONNECTING:
            await self._close(standby)
            return
        log.info("attempt %d carries media again; it is the call", standby.attempt)
        newer, self._peer = self._peer, standby
        await self._drop_next()
        await self._close(newer)
        self.standby_recoveries += 1
        now = asyncio.get_running_loop().time()
        self._connected_at = self._last_media = now
        self._media_flowing = True  # its media woke it
        self._set_state(CallState.CONNECTED)
        await self._send_state("connected", standby.attempt)
