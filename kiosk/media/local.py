"""Local and remote media plumbing shared by every call: which tracks a call sends, and where the
frames it receives go.

Remote frames are delivered *latest frame wins*: a :class:`FrameSink` is called once per decoded
frame on the engine's event loop and must return at once (copy or keep a reference, never block).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

import av
from aiortc import MediaStreamTrack
from aiortc.contrib.media import MediaRelay


@dataclass
class LocalMedia:
    """The local tracks a call sends, and the relay every consumer reads them through.

    Either track may be ``None`` (the call then only receives that kind). Each consumer (a peer
    connection per call attempt, a preview) takes its own proxy with :meth:`subscribe`, so a fresh
    peer connection reuses the same camera and microphone. Whoever builds this object owns the
    tracks: :meth:`aclose` ends them (camera and microphone off) and waits for the relay. A track
    must make a pending ``recv()`` raise ``MediaStreamError`` soon after ``stop()``.
    """

    video: MediaStreamTrack | None = None
    audio: MediaStreamTrack | None = None
    relay: MediaRelay = field(default_factory=MediaRelay)

    def subscribe(self, track: MediaStreamTrack) -> MediaStreamTrack:
        """A proxy of one of our tracks for one consumer; unbuffered: latest frame wins."""
        return self.relay.subscribe(track, buffered=False)

    def stop(self) -> None:
        for track in (self.video, self.audio):
            if track is not None:
                track.stop()

    async def aclose(self) -> None:
        """Stop the tracks and wait until the relay has stopped reading them."""
        self.stop()
        # WORKAROUND: MediaRelay has no public way to await its reader tasks; they end once the
        # source track raises MediaStreamError, which a stopped track does at its next recv().
        tasks = list(getattr(self.relay, "_MediaRelay__tasks", {}).values())
        if tasks:
            await asyncio.wait(tasks, timeout=2.0)


class FrameSink(Protocol):
    """Receives the far end's decoded frames, video and audio separately."""

    def on_remote_video(self, frame: av.VideoFrame) -> None: ...

    def on_remote_audio(self, frame: av.AudioFrame) -> None: ...


class LatestFrame:
    """A :class:`FrameSink` that keeps only the latest video frame and counts what arrives.

    ``on_video`` (optional) is called with each video frame after it is stored.
    """

    def __init__(self, on_video: Callable[[av.VideoFrame], None] | None = None, *,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.video: av.VideoFrame | None = None
        self.video_frames = 0
        self.audio_frames = 0
        self.first_video_at: float | None = None
        self.last_media_at: float | None = None
        self._on_video = on_video
        self._clock = clock

    def on_remote_video(self, frame: av.VideoFrame) -> None:
        now = self._clock()
        self.video = frame
        self.video_frames += 1
        self.last_media_at = now
        if self.first_video_at is None:
            self.first_video_at = now
        if self._on_video is not None:
            self._on_video(frame)

    def on_remote_audio(self, frame: av.AudioFrame) -> None:
        self.audio_frames += 1
        self.last_media_at = self._clock()

    def clear(self) -> None:
        """Forget the cached frame (privacy reset)."""
        self.video = None
