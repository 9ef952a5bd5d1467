"""Frozen video: the watch's timing, the jitter buffer that gives up a lost packet, the NACK
window (kiosk/call/keyframe.py). Real aiortc RTP packets; time is passed in."""

from __future__ import annotations

import aiortc.rtcrtpreceiver as aiortc_receiver
from aiortc.jitterbuffer import JitterBuffer
from aiortc.rtp import RtpPacket

from kiosk.call import keyframe
from kiosk.call.keyframe import (
    HOLE_S,
    NACK_WINDOW,
    SkippingJitterBuffer,
    VideoWatch,
    WindowedNackGenerator,
)


def test_a_freeze_is_video_standing_still_while_audio_flows() -> None:
    watch = VideoWatch()
    assert watch.frozen_for(0.0) == 0.0  # no video yet: nothing to unfreeze
    watch.video(0.0)
    for t in (0.02, 0.1, 0.2):
        watch.alive(t)
    assert watch.frozen_for(0.2) == 0.0  # under FREEZE_AFTER_S
    watch.alive(0.5)
    assert watch.frozen_for(0.5) == 0.5
    assert watch.due_pli(0.5)
    assert not watch.due_pli(0.6)  # at most every PLI_EVERY_S
    watch.alive(0.8)
    assert watch.due_pli(0.8)
    watch.video(0.9)
    assert watch.frozen_for(0.9) == 0.0
    assert (watch.plis, watch.freezes) == (2, 1)


def test_a_silent_path_is_not_a_freeze_and_one_counts_from_its_return() -> None:
    watch = VideoWatch()
    watch.video(0.0)
    assert watch.frozen_for(5.0) == 0.0  # nothing at all arrives: a cut, not a freeze
    watch.alive(10.0)  # audio is back first, after a 10 s cut
    assert watch.frozen_for(10.1) == 0.0
    watch.alive(10.5)
    assert abs(watch.frozen_for(10.5) - 0.5) < 1e-9  # from the return, not from before the cut


def packet(seq: int, timestamp: int, *, marker: bool = False) -> RtpPacket:
    pkt = RtpPacket(payload_type=96, marker=int(marker), sequence_number=seq,
                    timestamp=timestamp, ssrc=1, payload=b"x")
    pkt._data = bytes([seq % 256])  # type: ignore[attr-defined]  # what depayload sets
    return pkt


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_the_jitter_buffer_skips_a_hole_that_is_not_filled() -> None:
    clock = Clock()
    buffer = SkippingJitterBuffer(capacity=512, is_video=True)
    buffer.clock = clock
    out = [buffer.add(packet(s, 1000 + 3000 * (s // 2)))[1] for s in range(0, 6)]
    assert [f.timestamp for f in out if f is not None] == [1000, 4000]
    # Packet 6 (first of the frame at 10000) is lost; later frames pile up behind it.
    for s in range(7, 12):
        pli, frame = buffer.add(packet(s, 1000 + 3000 * (s // 2)))
        assert frame is None
        clock.now += 0.03
    clock.now += HOLE_S
    pli, frame = buffer.add(packet(12, 1000 + 3000 * 6))
    assert pli  # a key frame is asked for
    assert frame is not None
    assert frame.timestamp == 1000 + 3000 * 4  # the broken frame (6, 7) is dropped
    assert buffer.holes_skipped == 1


def test_an_unpatched_buffer_would_wait_for_the_lost_packet() -> None:
    # The behaviour the workaround is for: aiortc's own buffer keeps waiting.
    buffer = JitterBuffer(capacity=512, is_video=True)
    assert [buffer.add(packet(s, 1000 + 3000 * (s // 2)))[1] for s in (0, 1)] == [None, None]
    frames = [buffer.add(packet(s, 1000 + 3000 * (s // 2)))[1] for s in range(3, 200)]
    assert all(f is None for f in frames[1:])  # 197 packets later, still waiting for packet 2


def test_nacks_only_for_recent_packets() -> None:
    nacks = WindowedNackGenerator()
    nacks.add(packet(100, 0))
    assert nacks.add(packet(400, 0))  # a 300-packet gap, as after a cut
    assert min(nacks.missing) >= 400 - NACK_WINDOW
    assert max(nacks.missing) == 399
    assert len(nacks.missing) <= NACK_WINDOW


def test_install_replaces_the_receiver_parts() -> None:
    keyframe.install()
    keyframe.install()
    assert getattr(aiortc_receiver, "JitterBuffer") is SkippingJitterBuffer  # noqa: B009
    assert aiortc_receiver.NackGenerator is WindowedNackGenerator
