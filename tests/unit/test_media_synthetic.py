"""Synthetic sources: frame format, pts, real-time pacing, markers, and a clean stop."""

from __future__ import annotations

import asyncio
import fractions
import time

import av
import numpy as np
import pytest
from aiortc.mediastreams import MediaStreamError

from kiosk.media import marker
from kiosk.media.local import LatestFrame
from kiosk.media.synthetic import TestPatternTrack, ToneTrack, synthetic_media


@pytest.mark.parametrize(("width", "height"), [(640, 480), (1280, 720)])
async def test_pattern_frames_are_paced_with_pts_and_markers(width: int, height: int) -> None:
    track = TestPatternTrack(width, height)
    loop = asyncio.get_running_loop()
    frames = []
    start = loop.time()
    before_ms = time.time() * 1000
    for _ in range(10):
        frames.append(await track.recv())
    elapsed = loop.time() - start
    track.stop()
    assert 9 / 30 * 0.9 <= elapsed < 9 / 30 + 0.5  # real time, not as fast as possible
    assert all(f.format.name == "yuv420p" and (f.width, f.height) == (width, height)
               for f in frames)
    assert all(f.time_base == fractions.Fraction(1, 90000) for f in frames)
    assert [f.pts for f in frames] == [i * 3000 for i in range(10)]
    markers = [marker.decode(f) for f in frames]
    assert [m.counter for m in markers if m] == list(range(10))
    assert all(m is not None and before_ms - 1 <= m.captured_ms <= time.time() * 1000 + 1
               for m in markers)
    assert track.frames_sent == 10


def test_pattern_moves() -> None:
    track = TestPatternTrack(640, 480)
    strip = marker.strip_height(480)
    a, b = (marker.plane_view(track.make_frame(i).planes[0])[strip:] for i in (0, 15))
    assert np.mean(a != b) > 0.1  # a visible part of the picture changed


def test_pattern_generation_is_cheap_at_720p() -> None:
    track = TestPatternTrack(1280, 720)
    start = time.perf_counter()
    for i in range(60):
        track.make_frame(i)
    per_frame_ms = (time.perf_counter() - start) / 60 * 1000
    assert per_frame_ms < 5.0  # measured ~0.2 ms here; VP8 encoding costs ~10 ms


async def test_tone_frames() -> None:
    track = ToneTrack(440.0)
    frames = [await track.recv() for _ in range(5)]
    track.stop()
    for i, frame in enumerate(frames):
        assert isinstance(frame, av.AudioFrame)
        assert frame.format.name == "s16"
        assert frame.layout.name == "mono"
        assert frame.sample_rate == 48000
        assert frame.samples == 960
        assert frame.time_base == fractions.Fraction(1, 48000)
        assert frame.pts == i * 960
    samples = np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
    assert 2000 < np.abs(samples).max() < 32767  # a tone, not silence, not clipping
    # Continuous across frame boundaries: no jump bigger than one sine step allows.
    max_step = 32767 * 0.1 * 2 * np.pi * 440 / 48000  # level 0.1, 440 Hz
    assert np.abs(np.diff(samples.astype(np.int32))).max() < max_step * 1.1


@pytest.mark.parametrize("make", [lambda: TestPatternTrack(fps=1.0), lambda: ToneTrack()])
async def test_stop_wakes_a_pending_recv(make: object) -> None:
    track = make()  # type: ignore[operator]
    await track.recv()
    pending = asyncio.create_task(track.recv())  # would wait up to a second for its turn
    await asyncio.sleep(0)
    loop = asyncio.get_running_loop()
    start = loop.time()
    track.stop()
    with pytest.raises(MediaStreamError):
        await pending
    assert loop.time() - start < 0.2
    with pytest.raises(MediaStreamError):
        await track.recv()


async def test_local_media_relay_closes_cleanly() -> None:
    media = synthetic_media(320, 240)
    assert media.video is not None
    proxy_a, proxy_b = media.subscribe(media.video), media.subscribe(media.video)
    first_a, first_b = await proxy_a.recv(), await proxy_b.recv()
    assert isinstance(first_a, av.VideoFrame)
    assert isinstance(first_b, av.VideoFrame)
    await media.aclose()
    with pytest.raises(MediaStreamError):
        await proxy_a.recv()


def test_latest_frame_keeps_only_the_latest() -> None:
    sink = LatestFrame(clock=iter([1.0, 2.0, 3.0]).__next__)
    track = TestPatternTrack(320, 240)
    frames = [track.make_frame(i) for i in range(2)]
    for frame in frames:
        sink.on_remote_video(frame)
    sink.on_remote_audio(ToneTrack().make_frame(0))
    assert sink.video is frames[1]
    assert (sink.video_frames, sink.audio_frames) == (2, 1)
    assert (sink.first_video_at, sink.last_media_at) == (1.0, 3.0)
    sink.clear()
    assert sink.video is None


def test_bad_sizes_are_refused() -> None:
    with pytest.raises(ValueError, match="even"):
        TestPatternTrack(641, 480)
