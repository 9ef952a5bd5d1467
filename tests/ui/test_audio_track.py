"""The microphone's track (ui/devices.py QtAudioTrack): paced 20 ms stereo frames whatever the
device's blocks, nothing lost from a burst, and latency that was never needed dropped."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from ui import devices
from ui.devices import AUDIO_SAMPLES, CaptureFeed, QtAudioTrack


def ramp(start: int, samples: int) -> bytes:
    return (np.arange(start, start + samples) % 30000).astype("<i2").tobytes()


async def test_a_burst_comes_out_paced_in_order_and_complete() -> None:
    loop = asyncio.get_running_loop()
    feed = CaptureFeed("audio")
    track = feed.track(loop)
    assert isinstance(track, QtAudioTrack)
    for i in range(50):  # 0.5 s in 10 ms blocks, all at once (a source that delivers in bursts)
        feed.post(ramp(i * 480, 480))
    started = loop.time()
    frames = [await track.recv() for _ in range(25)]
    elapsed = loop.time() - started
    assert elapsed >= 0.45, "frames go out at the real-time rate, not as fast as they came"
    pcm = np.concatenate([f.to_ndarray().reshape(-1) for f in frames])
    assert all(f.layout.name == "stereo" and f.samples == AUDIO_SAMPLES for f in frames)
    assert np.array_equal(pcm[0::2], pcm[1::2]), "the same audio in both channels"
    assert np.array_equal(pcm[0::2], np.arange(25 * AUDIO_SAMPLES) % 30000)
    assert [f.pts for f in frames] == [i * AUDIO_SAMPLES for i in range(25)]
    track.stop()


async def test_latency_that_is_never_needed_is_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(devices, "AUDIO_WINDOW_S", 0.3)
    loop = asyncio.get_running_loop()
    feed = CaptureFeed("audio")
    track = feed.track(loop)
    assert isinstance(track, QtAudioTrack)
    feed.post(ramp(0, 48_000))  # a second in hand: the device got a second ahead of the call
    for _ in range(25):  # half a second: the buffer never ran low
        await track.recv()
        feed.post(ramp(0, AUDIO_SAMPLES))  # and the device keeps delivering in real time
    assert track.dropped_s > 0.5
    track.stop()
