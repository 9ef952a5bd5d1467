"""Asking the far end for a key frame, and noticing frozen video (issue 13 item 3).

A video decoder that lost a packet cannot show anything until the next key frame; a browser then
sends an RTCP PLI (RFC 4585 §6.3.1) and the sender encodes a key frame at once. aiortc's receiver
sends a PLI only on its own triggers (a decode error, a jitter-buffer reset), each PLI once: if
that RTCP packet or the key frame it asks for is lost too, nothing asks again and the picture
stays frozen (measured: a 6.8 s freeze at 5 % loss, issue 13). :class:`VideoWatch` notices a
freeze from the frames themselves and asks again until video moves.

WORKAROUND for aiortc 1.16 having no public API to request a key frame: ``RTCRtpReceiver`` has
only the private ``_send_rtcp_pli(media_ssrc)``, see
https://github.com/aiortc/aiortc/blob/1.16.0/src/aiortc/rtcrtpreceiver.py. This module is the
one place that calls it; if an aiortc upgrade renames it, :func:`request_keyframe` returns
``None`` (the peer logs that once), and the session's renegotiation (a fresh peer connection
starts with a key frame) still unfreezes the video.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Final

import aiortc.rtcrtpreceiver as aiortc_receiver
from aiortc import RTCPeerConnection
from aiortc.jitterbuffer import JitterBuffer, JitterFrame
from aiortc.rtp import RtpPacket

#: No new video frame for this long (while the path is alive) is a freeze: ask for a key frame.
FREEZE_AFTER_S: Final = 0.3
#: While frozen, ask again this often (the PLI or the key frame may be lost too).
PLI_EVERY_S: Final = 0.3
#: Frozen this long in spite of the PLIs: the caller renegotiates (a fresh connection).
RENEGOTIATE_AFTER_S: Final = 4.0


#: A hole in the video jitter buffer not filled (by a NACKed retransmission) within this is given
#: up: the frames after it are decoded (after a key frame is asked for).
HOLE_S: Final = 0.25
#: Lost video packets are NACKed only this far back: aiortc's jitter buffer starts afresh on a
#: packet 100 or more behind it, so a late retransmission of an older one would throw away
#: everything it holds.
NACK_WINDOW: Final = 64

_lock = threading.Lock()


class SkippingJitterBuffer(JitterBuffer):
    """aiortc's jitter buffer, which does not wait for a lost video packet for ever.

    WORKAROUND for aiortc 1.16 (``aiortc/jitterbuffer.py``): a video frame is released only once
    every packet from the oldest one held is present; a packet that never comes (lost, and its
    retransmission lost or too old for the sender's history, as after a network cut) holds every
    later frame until 512 packets have piled up behind it: 5-15 s of frozen picture at the
    bitrates of a call (issue 13: a 6.8 s freeze at 5 % loss, and after every cut). Here a hole
    older than :data:`HOLE_S` is skipped together with its broken frame, and a PLI is asked for
    - again every :data:`PLI_EVERY_S` until a key frame comes out: the frames decoded meanwhile
    refer to the lost one and come out damaged, so they do not count as a picture (issue 13: 25
    damaged frames after a freeze, and no recovery).
    """

    def __init__(self, capacity: int, prefetch: int = 0, is_video: bool = False) -> None:
        super().__init__(capacity, prefetch, is_video)
        #: The clock (seconds); tests set their own.
        self.clock = time.monotonic
        self._last_out = self.clock()
        self._want_key = False
        self._last_pli = float("-inf")
        self.holes_skipped = 0

    def add(self, packet: RtpPacket) -> tuple[bool, JitterFrame | None]:
        pli, frame = super().add(packet)
        if not self._is_video:
            return pli, frame
        now = self.clock()
        if frame is None and now - self._last_out > HOLE_S and self._skip_hole():
            self.holes_skipped += 1
            self._want_key = True
            frame = self._remove_frame(packet.sequence_number)
            pli = True
        if frame is not None:
            self._last_out = now
            if self._want_key and is_key_frame(frame.data):
                self._want_key = False
        if self._want_key and now - self._last_pli >= PLI_EVERY_S:
            pli = True
        if pli:
            self._last_pli = now
        return pli, frame

    def _skip_hole(self) -> bool:
        """Drop everything up to the first whole frame after the first hole; ``False`` if
        there is no packet after a hole."""
        if self._origin is None:
            return False
        cap = self._capacity
        at = self._packets
        i = 0
        while i < cap and at[(self._origin + i) % cap] is not None:
            i += 1
        while i < cap and at[(self._origin + i) % cap] is None:
            i += 1
        if i >= cap:
            return False
        broken = at[(self._origin + i) % cap]
        assert broken is not None
        while i < cap and (p := at[(self._origin + i) % cap]) is not None \
                and p.timestamp == broken.timestamp:
            i += 1  # the rest of the frame the hole broke
        self.remove(i)
        return True


def is_key_frame(data: bytes) -> bool:
    """Whether an encoded frame (as aiortc depayloads it) is a key frame: H.264 in Annex B with
    an IDR or SPS unit, or VP8 with the key-frame bit (RFC 6386 §9.1: P = 0) clear."""
    if data.startswith((b"\x00\x00\x00\x01", b"\x00\x00\x01")):
        return any(len(unit) > 0 and unit[0] & 0x1F in (5, 7)
                   for unit in data.split(b"\x00\x00\x01")[1:])
    return len(data) > 0 and data[0] & 0x01 == 0


class WindowedNackGenerator(aiortc_receiver.NackGenerator):
    """aiortc's NACK generator, asking only for packets :data:`NACK_WINDOW` back (see there)."""

    def truncate(self) -> None:
        if self.max_seq is not None:
            oldest = (self.max_seq - NACK_WINDOW) % 65536
            for seq in list(self.missing):
                if 0 < (oldest - seq) % 65536 < 32768:
                    self.missing.discard(seq)


def install() -> None:
    """Make aiortc's RTP receivers use :class:`SkippingJitterBuffer` and
    :class:`WindowedNackGenerator` (idempotent; aiortc has no hook for either, so the names
    its receiver module looks up are replaced, as :func:`kiosk.media.codecs.install` does)."""
    with _lock:
        setattr(aiortc_receiver, "JitterBuffer", SkippingJitterBuffer)  # noqa: B010
        setattr(aiortc_receiver, "NackGenerator", WindowedNackGenerator)  # noqa: B010


async def request_keyframe(pc: RTCPeerConnection) -> bool | None:
    """Send a PLI for every remote video stream of ``pc``: ``True`` if one went out, ``False``
    if there was no stream to ask, ``None`` if this aiortc cannot send PLIs."""
    sent = False
    for transceiver in pc.getTransceivers():
        receiver = transceiver.receiver
        if transceiver.kind != "video" or receiver is None:
            continue
        send_pli: Any = getattr(receiver, "_send_rtcp_pli", None)
        if send_pli is None:
            return None
        for source in receiver.getSynchronizationSources():
            try:
                await send_pli(source.source)
                sent = True
            except (ConnectionError, OSError):  # a closing transport: like a lost PLI
                pass
    return sent


@dataclass
class VideoWatch:
    """Watches one peer connection's remote video for freezes; pure timing, no I/O.

    Feed it :meth:`video` and :meth:`alive` (any other sign the path carries traffic, e.g. an
    audio frame) with loop times; :meth:`due_pli` says when to send a PLI and
    :meth:`frozen_for` how long the video has stood still while the path was alive.
    """

    freeze_after: float = FREEZE_AFTER_S
    pli_every: float = PLI_EVERY_S
    #: No frame at all for this long: the path is silent (a cut), not the video frozen.
    silent_after: float = 1.0
    last_video: float | None = None
    last_alive: float | None = None
    #: When the path last came back from silence: a freeze counts from then at the earliest.
    resumed: float = float("-inf")
    frozen_since: float | None = None
    last_pli: float = float("-inf")
    plis: int = 0
    freezes: int = 0

    def video(self, now: float) -> None:
        self.alive(now)
        self.last_video = now
        self.frozen_since = None

    def alive(self, now: float) -> None:
        if self.last_alive is not None and now - self.last_alive > self.silent_after:
            self.resumed = now
            self.frozen_since = None
        self.last_alive = now

    def frozen_for(self, now: float) -> float:
        """How long the video has been frozen while the path was alive (0 if not frozen)."""
        if self.last_video is None or self.last_alive is None:
            return 0.0  # no video yet (e.g. no camera at the far end): nothing to unfreeze
        since = max(self.last_video, self.resumed)
        if now - since < self.freeze_after or now - self.last_alive > self.silent_after:
            return 0.0  # moving, or the whole path is silent (the session's media watchdog)
        if self.frozen_since is None:
            self.frozen_since = since
            self.freezes += 1
        return now - self.frozen_since

    def due_pli(self, now: float) -> bool:
        """``True`` (and counted) when a PLI should go out now."""
        if self.frozen_for(now) <= 0 or now - self.last_pli < self.pli_every:
            return False
        self.last_pli = now
        self.plis += 1
        return True
