"""Mute and camera-off gates on real synthetic tracks, and the level meter's scale."""

from __future__ import annotations

import av
import numpy as np

from kiosk.media.gate import GatedAudioTrack, GatedVideoTrack, audio_level
from kiosk.media.synthetic import TestPatternTrack, ToneTrack


async def test_video_gate_sends_black_of_same_size_and_timing() -> None:
    gate = GatedVideoTrack(TestPatternTrack(320, 240))
    try:
        live = await gate.recv()
        assert isinstance(live, av.VideoFrame)
        assert live.to_ndarray(format="gray").std() > 10  # a pattern, not a flat picture
        gate.open = False
        black = await gate.recv()
        assert isinstance(black, av.VideoFrame)
        assert (black.width, black.height) == (320, 240)
        assert black.pts is not None
        assert live.pts is not None
        assert black.pts > live.pts
        assert black.to_ndarray(format="gray").max() <= 20
        gate.open = True
        again = await gate.recv()
        assert again.to_ndarray(format="gray").std() > 10
    finally:
        gate.stop()
    assert gate.source.readyState == "ended"


async def test_audio_gate_sends_silence_while_muted() -> None:
    gate = GatedAudioTrack(ToneTrack(level=0.5))
    try:
        loud = await gate.recv()
        assert audio_level(loud) > 0.8
        gate.open = False
        quiet = await gate.recv()
        assert isinstance(quiet, av.AudioFrame)
        assert quiet.samples == loud.samples
        assert quiet.sample_rate == loud.sample_rate
        assert not np.any(quiet.to_ndarray())
        assert audio_level(quiet) == 0.0
    finally:
        gate.stop()


def test_level_scale() -> None:
    frame = av.AudioFrame(format="s16", layout="mono", samples=960)
    frame.planes[0].update(np.full(960, 33, dtype=np.int16).tobytes())  # about -60 dBFS
    assert audio_level(frame) < 0.05
    frame.planes[0].update(np.full(960, 16000, dtype=np.int16).tobytes())
    assert audio_level(frame) > 0.85
