"""Gates on the local tracks: the patient's "Mute" and "Camera off" buttons.

A gated track keeps flowing (so the call never renegotiates for a mute) but sends silence or a
black picture while closed. The far end sees at once that the camera is off, not a frozen face.
"""

from __future__ import annotations

import av
import numpy as np
from aiortc import MediaStreamTrack


class GatedVideoTrack(MediaStreamTrack):
    """Passes the source's frames through, or black frames of the same size while closed."""

    kind = "video"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.source = source
        self.open = True
        self._black: av.VideoFrame | None = None

    async def recv(self) -> av.VideoFrame:
        frame = await self.source.recv()
        if not isinstance(frame, av.VideoFrame):
            raise TypeError("a video gate needs a video source")
        if self.open:
            return frame
        black = self._black
        if black is None or black.width != frame.width or black.height != frame.height:
            black = av.VideoFrame(frame.width, frame.height, "yuv420p")
            for plane, value in zip(black.planes, (16, 128, 128), strict=True):
                plane.update(np.full(plane.buffer_size, value, dtype=np.uint8).tobytes())
            self._black = black
        out = black.reformat()  # a new frame object per send: the encoder owns what it gets
        out.pts, out.time_base = frame.pts, frame.time_base
        return out

    def stop(self) -> None:
        self.source.stop()
        super().stop()


class GatedAudioTrack(MediaStreamTrack):
    """Passes the source's audio through, or silence of the same shape while closed."""

    kind = "audio"

    def __init__(self, source: MediaStreamTrack) -> None:
        super().__init__()
        self.source = source
        self.open = True

    async def recv(self) -> av.AudioFrame:
        frame = await self.source.recv()
        if not isinstance(frame, av.AudioFrame):
            raise TypeError("an audio gate needs an audio source")
        if self.open:
            return frame
        silent = av.AudioFrame(format=frame.format.name, layout=frame.layout.name,
                               samples=frame.samples)
        for plane in silent.planes:
            plane.update(bytes(plane.buffer_size))
        silent.sample_rate = frame.sample_rate
        silent.pts, silent.time_base = frame.pts, frame.time_base
        return silent

    def stop(self) -> None:
        self.source.stop()
        super().stop()


def audio_level(frame: av.AudioFrame) -> float:
    """Loudness of an s16 frame on a 0..1 scale suited to a level meter (speech ≈ 0.3–0.8)."""
    samples = frame.to_ndarray().astype(np.float32).reshape(-1)
    if samples.size == 0:
        return 0.0
    rms = float(np.sqrt(np.mean(samples * samples))) / 32768.0
    if rms <= 1e-5:
        return 0.0
    db = 20.0 * np.log10(rms)  # -100 .. 0 dBFS
    return float(min(1.0, max(0.0, (db + 60.0) / 60.0)))
