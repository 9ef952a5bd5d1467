"""The frame marker: survives a real VP8 encode/decode and scaling, and rejects garbage."""

from __future__ import annotations

import fractions
import itertools

import av
import numpy as np
import pytest

from kiosk.media import marker
from kiosk.media.synthetic import TestPatternTrack

CAPTURED_MS = 1_765_432_109_876


def vp8_round_trip(frames: list[av.VideoFrame], width: int, height: int,
                   bitrate: int) -> list[av.VideoFrame]:
    """Encode with libvpx (VP8) at a low bitrate and decode again, as a call would."""
    encoder = av.CodecContext.create("libvpx", "w")
    encoder.width, encoder.height, encoder.pix_fmt = width, height, "yuv420p"
    encoder.bit_rate = bitrate
    encoder.time_base = fractions.Fraction(1, 30)
    decoder = av.CodecContext.create("libvpx", "r")
    out: list[av.VideoFrame] = []
    for index, frame in enumerate([*frames, None]):
        if frame is not None:
            frame.pts, frame.time_base = index, encoder.time_base
        for packet in encoder.encode(frame):
            out.extend(decoder.decode(packet))
    return out


@pytest.mark.parametrize(("width", "height"), [(640, 480), (1280, 720)])
def test_marker_survives_vp8(width: int, height: int) -> None:
    clock_ms = itertools.count(CAPTURED_MS, 33)
    track = TestPatternTrack(width, height, clock=lambda: next(clock_ms) / 1000)
    sent = [track.make_frame(i) for i in range(40)]
    expected = [marker.decode(f) for f in sent]
    # A harsh bitrate: about a third of what aiortc starts VP8 with.
    decoded = vp8_round_trip(sent, width, height, bitrate=150_000)
    assert len(decoded) == len(sent)
    got = [marker.decode(f) for f in decoded]
    assert got == expected
    assert [m.counter for m in got if m] == list(range(40))
    assert got[0] is not None
    assert got[0].captured_ms == CAPTURED_MS


@pytest.mark.parametrize(("width", "height"), [(640, 480), (1280, 720)])
def test_marker_survives_scaling(width: int, height: int) -> None:
    frame = TestPatternTrack(width, height, clock=lambda: CAPTURED_MS / 1000).make_frame(7)
    for w, h in ((width // 2, height // 2), (320, 240), (1920, 1080)):
        assert marker.decode(frame.reformat(width=w, height=h)) == marker.Marker(7, CAPTURED_MS)


def test_marker_in_rgb_frame_is_read_after_conversion() -> None:
    frame = TestPatternTrack(640, 480, clock=lambda: CAPTURED_MS / 1000).make_frame(3)
    assert marker.decode(frame.reformat(format="rgb24")) == marker.Marker(3, CAPTURED_MS)


def test_counter_and_timestamp_wrap_into_their_fields() -> None:
    luma = np.full((480, 640), 128, np.uint8)
    marker.stamp(luma, 2**32 + 5, 2**48 + 9)
    assert marker.decode_luma(luma) == marker.Marker(5, 9)


def test_garbage_is_rejected() -> None:
    rng = np.random.default_rng(1)
    assert marker.decode_luma(rng.integers(0, 256, (480, 640), dtype=np.uint8)) is None
    assert marker.decode_luma(np.full((480, 640), 128, np.uint8)) is None
    assert marker.decode_luma(np.zeros((480, 640), np.uint8)) is None
    assert marker.decode_luma(np.zeros((20, 20), np.uint8)) is None  # too small to hold one
    # Random black/white cells with a correct sync pattern still fail the checksum.
    for _ in range(200):
        luma = np.full((480, 640), 128, np.uint8)
        marker.stamp(luma, int(rng.integers(0, 2**32)), int(rng.integers(0, 2**48)))
        cells = rng.integers(0, 2, 100)
        cell_w, cell_h = 640 // marker.COLUMNS, 16
        for i, bit in enumerate(cells):
            row, col = divmod(i + 8, marker.COLUMNS)
            luma[row * cell_h:(row + 1) * cell_h, col * cell_w:(col + 1) * cell_w] = \
                marker.WHITE if bit else marker.BLACK
        assert marker.decode_luma(luma) is None


def test_one_flipped_cell_is_rejected() -> None:
    luma = np.full((480, 640), 128, np.uint8)
    marker.stamp(luma, 1234, CAPTURED_MS)
    assert marker.decode_luma(luma) == marker.Marker(1234, CAPTURED_MS)
    for cell in (4, 40, 60, 100):
        flipped = luma.copy()
        row, col = divmod(cell, marker.COLUMNS)
        block = flipped[row * 16:(row + 1) * 16, col * 16:(col + 1) * 16]
        block[:] = marker.WHITE + marker.BLACK - block
        assert marker.decode_luma(flipped) is None
