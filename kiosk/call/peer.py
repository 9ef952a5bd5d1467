"""One aiortc ``RTCPeerConnection`` for one negotiation attempt, and the plumbing around it.

Both ends of a call use :class:`Peer`: the patient side (:mod:`kiosk.call.session`) offers, the
specialist side (:mod:`kiosk.call.specialist`) answers. A call builds a fresh :class:`Peer` for
each attempt (aiortc cannot restart ICE: docs/architecture.md §7), reusing its local tracks via the
``MediaRelay`` of :class:`kiosk.media.local.LocalMedia`. Rules that matter:

- The ICE servers are always passed explicitly: given ``None``, aiortc falls back to Google's
  public STUN server, which a clinic network (and this test machine) cannot reach.
- aiortc gathers every candidate inside ``setLocalDescription``, so the SDP it produces is
  complete; trickled candidates from a browser are still accepted (:meth:`Peer.add_candidate`).
- Every task a peer starts is tracked and ended by :meth:`Peer.close`.
- Each peer watches its remote video apart from its audio (:class:`kiosk.call.keyframe.VideoWatch`):
  a picture that stands still while the path still carries audio is a freeze; the peer asks the
  sender for a key frame (PLI) every 0.3 s until video moves, and after
  :data:`~kiosk.call.keyframe.RENEGOTIATE_AFTER_S` calls ``on_frozen`` (the owner renegotiates).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine, Mapping, Sequence
from typing import Any

import av
from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from aiortc.sdp import candidate_from_sdp

from kiosk.call import keyframe
from kiosk.call.keyframe import RENEGOTIATE_AFTER_S, VideoWatch, request_keyframe
from kiosk.media import codecs
from kiosk.media.local import FrameSink, LocalMedia

log = logging.getLogger(__name__)

#: How long closing waits for a negotiation under way (gathering gives up on servers in ~5 s).
_NEGOTIATION_GRACE = 10.0
#: How often a peer looks at its remote video for a freeze.
_WATCH_EVERY = 0.1
#: Remote candidates accepted per attempt: a browser sends a handful; aiortc keeps and checks
#: every one, so a hostile far end could otherwise make it probe without end.
MAX_REMOTE_CANDIDATES = 64


def ice_servers_from(servers: Sequence[Any]) -> list[RTCIceServer]:
    """``RTCIceServer``s from the hub's ``ice_servers`` list; malformed entries are skipped."""
    out: list[RTCIceServer] = []
    for entry in servers:
        if not isinstance(entry, Mapping):
            continue
        urls = entry.get("urls")
        if isinstance(urls, str):
            urls = [urls]
        if not isinstance(urls, list) or not urls or not all(isinstance(u, str) for u in urls):
            continue
        username, credential = entry.get("username"), entry.get("credential")
        out.append(RTCIceServer(
            urls=urls,
            username=username if isinstance(username, str) else None,
            credential=credential if isinstance(credential, str) else None,
        ))
    return out


def rtc_configuration(servers: Sequence[Any]) -> RTCConfiguration:
    """The configuration for every peer connection: the hub's ICE servers (possibly none, never
    aiortc's default) and one bundled transport."""
    return RTCConfiguration(iceServers=ice_servers_from(servers),
                            bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)


class Peer:
    """A peer connection for one attempt, its local tracks (relayed) and remote-media readers.

    ``on_state`` is called with this peer whenever its connection state changes, ``on_media``
    with this peer and ``"video"`` or ``"audio"`` whenever a remote frame arrives (after
    ``sink``), and ``on_frozen`` with this peer when its remote video has stood still for
    :data:`~kiosk.call.keyframe.RENEGOTIATE_AFTER_S` in spite of key-frame requests (again every
    as long while it stays frozen).
    """

    def __init__(self, attempt: int, servers: Sequence[Any], media: LocalMedia,
                 sink: FrameSink | None, *,
                 on_state: Callable[[Peer], None] | None = None,
                 on_media: Callable[[Peer, str], None] | None = None,
                 on_frozen: Callable[[Peer], None] | None = None) -> None:
        self.attempt = attempt
        codecs.install()  # live-call encoder settings (kiosk/media/codecs.py)
        keyframe.install()  # video that does not wait for lost packets (kiosk/call/keyframe.py)
        self.pc = RTCPeerConnection(rtc_configuration(servers))
        #: The hub's ICE servers this connection gathers with, in the order used.
        self.ice_servers: list[Any] = list(servers)
        self.closed = False
        self._media = media
        self._sink = sink
        self._on_state = on_state
        self._on_media = on_media
        self._on_frozen = on_frozen
        self.video_watch = VideoWatch()
        self._watcher: asyncio.Task[None] | None = None
        self._readers: set[asyncio.Task[None]] = set()
        self._local: list[MediaStreamTrack] = []
        self._negotiation: asyncio.Future[str] | None = None
        self._remote_candidates = 0
        self.pc.on("connectionstatechange", self._state_changed)
        self.pc.on("track", self._track_arrived)

    @property
    def state(self) -> str:
        return str(self.pc.connectionState)

    def _local_tracks(self) -> list[tuple[str, MediaStreamTrack | None]]:
        return [("audio", self._media.audio), ("video", self._media.video)]

    def _subscribe(self, track: MediaStreamTrack) -> MediaStreamTrack:
        proxy = self._media.subscribe(track)
        self._local.append(proxy)
        return proxy

    async def _negotiate(self, work: Coroutine[Any, Any, str]) -> str:
        # Gathering must not be cancelled half-way: aioice would leak the UDP sockets it was
        # opening. It runs in its own task, which close() waits for.
        task = asyncio.ensure_future(work)
        self._negotiation = task
        return await asyncio.shield(task)

    async def create_offer(self) -> str:
        """Add the local tracks (or receive-only transceivers) and gather: the complete offer."""
        return await self._negotiate(self._offer())

    async def _offer(self) -> str:
        for kind, track in self._local_tracks():
            if track is not None and track.readyState == "live":
                self.pc.addTransceiver(self._subscribe(track), direction="sendrecv")
            else:
                self.pc.addTransceiver(kind, direction="recvonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        return str(self.pc.localDescription.sdp)

    async def set_answer(self, sdp: str) -> None:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="answer"))

    async def create_answer(self, offer_sdp: str) -> str:
        """Take an offer, attach the local tracks to its transceivers, and gather: the answer."""
        return await self._negotiate(self._answer(offer_sdp))

    async def _answer(self, offer_sdp: str) -> str:
        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=offer_sdp, type="offer"))
        offered = {t.kind for t in self.pc.getTransceivers()}
        for kind, track in self._local_tracks():
            if kind in offered and track is not None and track.readyState == "live":
                self.pc.addTrack(self._subscribe(track))  # joins the offered transceiver
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        return str(self.pc.localDescription.sdp)

    async def add_candidate(self, msg: Mapping[str, Any]) -> None:
        """Add a trickled remote candidate (``candidate`` message); a bad one is logged."""
        text = str(msg.get("candidate", "")).strip()
        if text.startswith("candidate:"):
            text = text[len("candidate:"):]
        if not text:
            return  # end-of-candidates: aiortc already has the full remote SDP
        if self._remote_candidates >= MAX_REMOTE_CANDIDATES:
            if self._remote_candidates == MAX_REMOTE_CANDIDATES:
                log.warning("attempt %d: more than %d remote ICE candidates; the rest are "
                            "ignored", self.attempt, MAX_REMOTE_CANDIDATES)
            self._remote_candidates += 1
            return
        self._remote_candidates += 1
        try:
            candidate = candidate_from_sdp(text)
        except (AssertionError, ValueError, IndexError):
            log.warning("ignored a malformed ICE candidate")
            return
        candidate.sdpMid = msg.get("sdp_mid")
        candidate.sdpMLineIndex = msg.get("sdp_mline_index")
        if candidate.sdpMid is None and candidate.sdpMLineIndex is None:
            candidate.sdpMLineIndex = 0
        try:
            await self.pc.addIceCandidate(candidate)
        except (ValueError, AttributeError) as exc:
            log.warning("could not add an ICE candidate: %s", type(exc).__name__)

    async def stats(self) -> Mapping[str, Any]:
        return dict(await self.pc.getStats())

    async def close(self) -> None:
        """Close the connection and wait for every reader task. Safe to call twice."""
        if self.closed:
            return
        self.closed = True
        negotiation = self._negotiation
        if negotiation is not None:
            await asyncio.wait({negotiation}, timeout=_NEGOTIATION_GRACE)
            if not negotiation.done():
                negotiation.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                if negotiation.done() and negotiation.exception() is not None:
                    log.debug("attempt %d: negotiation failed", self.attempt)
        self.pc.remove_all_listeners()
        for track in self._local:
            track.stop()
        await self.pc.close()
        readers = list(self._readers)
        if self._watcher is not None:
            readers.append(self._watcher)
        for task in readers:
            task.cancel()
        for task in readers:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- aiortc event handlers (synchronous: no untracked tasks) ---

    def _state_changed(self) -> None:
        log.debug("attempt %d: connection %s", self.attempt, self.pc.connectionState)
        if self._on_state is not None and not self.closed:
            self._on_state(self)

    def _track_arrived(self, track: MediaStreamTrack) -> None:
        task = asyncio.create_task(self._read(track), name=f"remote-{track.kind}-{self.attempt}")
        self._readers.add(task)
        task.add_done_callback(self._readers.discard)
        if track.kind == "video" and self._watcher is None:
            self._watcher = asyncio.create_task(self._watch_video(),
                                                name=f"video-watch-{self.attempt}")

    async def _watch_video(self) -> None:
        """Ask for a key frame while the remote video is frozen; tell the owner if that fails."""
        loop = asyncio.get_running_loop()
        told_at = 0.0
        can_ask = True
        while not self.closed:
            await asyncio.sleep(_WATCH_EVERY)
            now = loop.time()
            if can_ask and self.video_watch.due_pli(now):
                log.debug("attempt %d: video frozen for %.1f s; asking for a key frame",
                          self.attempt, self.video_watch.frozen_for(now))
                if await request_keyframe(self.pc) is None:
                    can_ask = False
                    log.warning("this aiortc cannot be asked for a key frame; frozen video "
                                "will be renegotiated instead")
            frozen = self.video_watch.frozen_for(now)
            if frozen == 0.0:
                told_at = 0.0
            elif frozen - told_at >= RENEGOTIATE_AFTER_S and self._on_frozen is not None:
                told_at = frozen
                log.info("attempt %d: video frozen for %.1f s in spite of key-frame requests",
                         self.attempt, frozen)
                self._on_frozen(self)

    async def _read(self, track: MediaStreamTrack) -> None:
        kind = track.kind
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if self._sink is not None:
                try:
                    if kind == "video" and isinstance(frame, av.VideoFrame):
                        self._sink.on_remote_video(frame)
                    elif kind == "audio" and isinstance(frame, av.AudioFrame):
                        self._sink.on_remote_audio(frame)
                except Exception:
                    log.exception("frame sink failed")
            now = asyncio.get_running_loop().time()
            if kind == "video":
                self.video_watch.video(now)
            else:
                self.video_watch.alive(now)
            if self._on_media is not None:
                self._on_media(self, kind)
