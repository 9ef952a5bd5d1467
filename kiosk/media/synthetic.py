"""Synthetic camera and microphone: a moving test pattern with a marker, and a sine tone.

Both are aiortc tracks paced in real time, for the demo specialist, ``test-call`` and tests, and
for a kiosk with no camera in demo mode. Stopping a track wakes a pending ``recv()`` at once, which
then raises :class:`aiortc.mediastreams.MediaStreamError`, so whatever reads it (an RTP sender,
a ``MediaRelay``) ends without waiting for the next frame time.
"""

from __future__ import annotations

import asyncio
import fractions
import math
import time
from abc import abstractmethod
from collections.abc import Callable
from typing import Final, Generic, TypeVar

import av
import numpy as np
import numpy.typing as npt
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from kiosk.media import marker
from kiosk.media.local import LocalMedia

VIDEO_CLOCK_RATE: Final = 90_000
VIDEO_TIME_BASE: Final = fractions.Fraction(1, VIDEO_CLOCK_RATE)
AUDIO_RATE: Final = 48_000
AUDIO_TIME_BASE: Final = fractions.Fraction(1, AUDIO_RATE)
AUDIO_FRAME_SAMPLES: Final = 960  # 20 ms at 48 kHz
#: If a reader falls this far behind real time, skip ahead instead of bursting to catch up.
_MAX_LAG: Final = 0.5

# BT.601 colour bars: white, yellow, cyan, green, magenta, red, blue.
_BARS_RGB: Final = ((235, 235, 235), (235, 235, 16), (16, 235, 235), (16, 235, 16),
                    (235, 16, 235), (235, 16, 16), (16, 16, 235))


def _rgb_to_yuv(rgb: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], ...]:
    r, g, b = rgb[..., 0], rgb[..., 1], rgb[..., 2]
    y = 0.257 * r + 0.504 * g + 0.098 * b + 16
    u = -0.148 * r - 0.291 * g + 0.439 * b + 128
    v = 0.439 * r - 0.368 * g - 0.071 * b + 128
    return y, u, v


class _Pacer:
    """Real-time pacing whose wait is cut short by :meth:`wake`."""

    def __init__(self, period: float) -> None:
        self.period = period
        self.index = -1
        self._start = 0.0
        self._waiter: asyncio.Future[None] | None = None

    async def next(self) -> int:
        """Wait until the next frame is due and return its index (0, 1, 2, … with skips)."""
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self.index < 0:
            self._start = now
            self.index = 0
            return 0
        self.index += 1
        due = self._start + self.index * self.period
        if now - due > _MAX_LAG:
            self.index = int((now - self._start) / self.period)
            return self.index
        delay = due - now
        if delay > 0:
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiter = waiter
            handle = loop.call_later(delay, _resolve, waiter)
            try:
                await waiter
            finally:
                handle.cancel()
                self._waiter = None
        return self.index

    def wake(self) -> None:
        if self._waiter is not None:
            _resolve(self._waiter)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


_F = TypeVar("_F", av.VideoFrame, av.AudioFrame)


class _PacedTrack(MediaStreamTrack, Generic[_F]):
    """A synthetic track handing out ``make_frame(n)`` in real time; ``frames_sent`` counts."""

    def __init__(self, period: float) -> None:
        super().__init__()
        self.frames_sent = 0
        self._pacer = _Pacer(period)

    @abstractmethod
    def make_frame(self, index: int) -> _F:
        """Build frame number ``index`` (without pacing)."""

    async def recv(self) -> _F:
        if self.readyState != "live":
            raise MediaStreamError
        index = await self._pacer.next()
        if self.readyState != "live":
            raise MediaStreamError
        frame = self.make_frame(index)
        self.frames_sent += 1
        return frame

    def stop(self) -> None:
        super().stop()
        self._pacer.wake()


class TestPatternTrack(_PacedTrack[av.VideoFrame]):
    """A video track of scrolling colour bars over a gradient, with a marker in every frame.

    Frames are YUV420P ``av.VideoFrame``s with pts in 1/90000, paced at ``fps`` in real time.
    Each frame's luma carries a :mod:`kiosk.media.marker` with its counter and capture time (from
    ``clock``, seconds since the epoch). ``frames_sent`` counts frames handed out.
    """

    __test__ = False  # not a pytest test class, despite the name
    kind = "video"

    def __init__(self, width: int = 640, height: int = 480, fps: float = 30.0, *,
                 clock: Callable[[], float] = time.time) -> None:
        super().__init__(1.0 / fps)
        if width % 2 or height % 2 or width < 160 or height < 120:
            raise ValueError("width and height must be even and at least 160x120")
        self.width, self.height, self.fps = width, height, fps
        self._clock = clock
        self._step = max(2, (width // 160) * 2)  # pixels per frame, even so chroma stays aligned
        self._y, self._u, self._v = self._build_pattern(width, height)
        self._strip = marker.strip_height(height)

    @staticmethod
    def _build_pattern(width: int, height: int) -> tuple[npt.NDArray[np.uint8], ...]:
        """Precompute the pattern twice as wide as the frame, so each frame is one slice."""
        bar_w = width / len(_BARS_RGB)
        cols = np.minimum((np.arange(2 * width) % width) / bar_w, len(_BARS_RGB) - 1)
        rgb_row = np.array(_BARS_RGB, dtype=np.float64)[cols.astype(np.intp)]  # (2W, 3)
        rgb = np.repeat(rgb_row[None, :, :], height, axis=0)
        # Lower third: a horizontal grey ramp, so motion is visible in luma alone.
        ramp_top = (2 * height) // 3
        ramp = 16 + (np.arange(2 * width) % width) * (219 / width)
        rgb[ramp_top:, :, :] = ramp[None, :, None]
        y, u, v = _rgb_to_yuv(rgb)
        y8 = np.clip(y, 0, 255).astype(np.uint8)
        # Chroma is subsampled 2x2 by averaging.
        u8 = np.clip(u.reshape(height // 2, 2, width, 2).mean(axis=(1, 3)), 0, 255).astype(np.uint8)
        v8 = np.clip(v.reshape(height // 2, 2, width, 2).mean(axis=(1, 3)), 0, 255).astype(np.uint8)
        return y8, u8, v8

    def make_frame(self, index: int) -> av.VideoFrame:
        """Build frame number ``index`` (without pacing): the pattern shifted, plus its marker."""
        w, h = self.width, self.height
        shift = (index * self._step) % w
        frame = av.VideoFrame(w, h, "yuv420p")
        sources = (self._y, self._u, self._v)
        for plane_no, (plane, src) in enumerate(zip(frame.planes, sources, strict=True)):
            s = shift if plane_no == 0 else shift // 2
            dst = marker.plane_view(plane)
            dst[:] = src[:, s : s + plane.width]
            if plane_no:
                dst[: self._strip // 2 + 1] = 128  # grey behind the marker
        marker.stamp(marker.plane_view(frame.planes[0]), index, round(self._clock() * 1000))
        frame.pts = round(index * VIDEO_CLOCK_RATE / self.fps)
        frame.time_base = VIDEO_TIME_BASE
        return frame



class ToneTrack(_PacedTrack[av.AudioFrame]):
    """An audio track of a sine tone: 20 ms s16 mono 48 kHz frames, paced in real time.

    ``frames_sent`` counts frames handed out.
    """

    kind = "audio"

    def __init__(self, frequency: float = 440.0, level: float = 0.1) -> None:
        super().__init__(AUDIO_FRAME_SAMPLES / AUDIO_RATE)
        # One second holds a whole number of 20 ms frames; round the frequency to whole cycles
        # per second so the precomputed second loops without a click.
        cycles = max(1, round(frequency))
        t = np.arange(AUDIO_RATE) / AUDIO_RATE
        wave = np.sin(2 * math.pi * cycles * t) * (level * 32767)
        self._second = wave.astype(np.int16)

    def make_frame(self, index: int) -> av.AudioFrame:
        """Build frame number ``index`` (without pacing)."""
        start = (index * AUDIO_FRAME_SAMPLES) % AUDIO_RATE
        frame = av.AudioFrame(format="s16", layout="mono", samples=AUDIO_FRAME_SAMPLES)
        frame.planes[0].update(self._second[start:start + AUDIO_FRAME_SAMPLES].tobytes())
        frame.sample_rate = AUDIO_RATE
        frame.pts = index * AUDIO_FRAME_SAMPLES
        frame.time_base = AUDIO_TIME_BASE
        return frame



def synthetic_media(width: int = 640, height: int = 480, *, fps: float = 30.0,
                    tone_hz: float = 440.0) -> LocalMedia:
    """A test pattern and a tone, as the local media of a call."""
    return LocalMedia(video=TestPatternTrack(width, height, fps), audio=ToneTrack(tone_hz))
