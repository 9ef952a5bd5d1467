"""Qt device adapters: QtMultimedia capture turned into aiortc tracks, and audio playback.

This is the only module in ``ui/`` that touches aiortc (docs/architecture.md §3, §6).

Rules that matter:

- Qt objects (QCamera, QAudioSource, QAudioSink, QMediaDevices) live in the GUI thread. Captured
  data crosses to the engine thread only through :class:`_Mailbox` objects, which hand over with
  ``loop.call_soon_threadsafe`` — video *latest frame wins*, audio a short bounded queue.
- Capture happens at the size we send (640x480 by default): frames are scaled once, here.
- A missing device is normal (a kiosk whose camera is unplugged): every class reports
  ``available`` and the caller falls back (synthetic source in demo mode, or advice to staff).
- ``stop()`` releases the device at once; the privacy reset calls it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import fractions
import logging
import threading
import time
from dataclasses import dataclass

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from PySide6.QtCore import QByteArray, QIODevice, QObject, Signal
from PySide6.QtGui import QImage
from PySide6.QtMultimedia import (
    QAudioDevice,
    QAudioFormat,
    QAudioSink,
    QAudioSource,
    QCamera,
    QCameraDevice,
    QMediaCaptureSession,
    QMediaDevices,
    QtAudio,
    QVideoFrame,
    QVideoSink,
)

log = logging.getLogger(__name__)

VIDEO_CLOCK = 90_000
AUDIO_RATE = 48_000
AUDIO_SAMPLES = 960  # 20 ms at 48 kHz


@dataclass(frozen=True)
class DeviceInfo:
    """A device as shown to staff and patients: a stable id and a human description."""

    kind: str  # "camera", "microphone", "speaker"
    id: bytes
    name: str


class DeviceList(QObject):
    """Enumerates cameras, microphones and speakers and watches hot-plug.

    Signals:
        changed(): a device was plugged in or removed.
    """

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._media = QMediaDevices(self)
        self._media.videoInputsChanged.connect(self.changed)
        self._media.audioInputsChanged.connect(self.changed)
        self._media.audioOutputsChanged.connect(self.changed)

    def cameras(self) -> list[QCameraDevice]:
        return list(QMediaDevices.videoInputs())

    def microphones(self) -> list[QAudioDevice]:
        return list(QMediaDevices.audioInputs())

    def speakers(self) -> list[QAudioDevice]:
        return list(QMediaDevices.audioOutputs())

    def describe(self) -> list[DeviceInfo]:
        out = [DeviceInfo("camera", bytes(d.id().data()), d.description()) for d in self.cameras()]
        out += [DeviceInfo("microphone", bytes(d.id().data()), d.description())
                for d in self.microphones()]
        out += [DeviceInfo("speaker", bytes(d.id().data()), d.description())
                for d in self.speakers()]
        return out


class _Mailbox:
    """Hands data from the GUI thread to one consumer on the engine loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop, maxlen: int) -> None:
        self._loop = loop
        self._items: collections.deque[object] = collections.deque(maxlen=maxlen)
        self._event = asyncio.Event()
        self.dropped = 0
        self.closed = False

    def post(self, item: object) -> None:
        """Called from any thread."""
        if self.closed:
            return
        try:
            self._loop.call_soon_threadsafe(self._put, item)
        except RuntimeError:  # the loop is closed: the app is shutting down
            self.closed = True

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with contextlib.suppress(RuntimeError):  # the loop is already closed
                self._loop.call_soon_threadsafe(self._event.set)

    def _put(self, item: object) -> None:
        if len(self._items) == self._items.maxlen:
            self.dropped += 1
        self._items.append(item)
        self._event.set()

    async def get(self) -> object:
        while not self._items:
            if self.closed:
                raise MediaStreamError
            self._event.clear()
            await self._event.wait()
        return self._items.popleft()


class CaptureFeed:
    """Where a capture device's data goes: every engine track made from it gets a copy.

    The feed outlives the device, so the patient can switch camera or microphone while the call
    keeps the same tracks. ``track()`` may be called from the engine thread; ``post()`` from
    the GUI thread.
    """

    def __init__(self, kind: str) -> None:
        if kind not in ("video", "audio"):
            raise ValueError(kind)
        self.kind = kind
        self._boxes: list[_Mailbox] = []
        self._lock = threading.Lock()

    def track(self, loop: asyncio.AbstractEventLoop) -> MediaStreamTrack:
        # Video: latest frame wins. Audio: 50 reads is well over a second; older is dropped.
        box = _Mailbox(loop, maxlen=1 if self.kind == "video" else 50)
        with self._lock:
            self._boxes.append(box)
        return QtVideoTrack(box) if self.kind == "video" else QtAudioTrack(box)

    @property
    def consumers(self) -> int:
        with self._lock:
            return sum(not b.closed for b in self._boxes)

    def post(self, item: object) -> None:
        with self._lock:
            self._boxes = [b for b in self._boxes if not b.closed]
            boxes = list(self._boxes)
        for box in boxes:
            box.post(item)

    def close(self) -> None:
        with self._lock:
            boxes, self._boxes = self._boxes, []
        for box in boxes:
            box.close()


class QtVideoTrack(MediaStreamTrack):
    """An aiortc video track fed with frames from a Qt camera (latest frame wins)."""

    kind = "video"

    def __init__(self, mailbox: _Mailbox, fps: int = 30) -> None:
        super().__init__()
        self._mailbox = mailbox
        self._period = 1.0 / fps
        self._start: float | None = None
        self._last_sent = 0.0

    async def recv(self) -> av.VideoFrame:
        if self.readyState != "live":
            raise MediaStreamError
        frame = await self._mailbox.get()
        assert isinstance(frame, av.VideoFrame)
        now = time.monotonic()
        if self._start is None:
            self._start = now
        frame.pts = int((now - self._start) * VIDEO_CLOCK)
        frame.time_base = fractions.Fraction(1, VIDEO_CLOCK)
        self._last_sent = now
        return frame

    def stop(self) -> None:
        self._mailbox.close()
        super().stop()


class QtAudioTrack(MediaStreamTrack):
    """An aiortc audio track of 20 ms s16 mono 48 kHz frames from a Qt microphone."""

    kind = "audio"

    def __init__(self, mailbox: _Mailbox) -> None:
        super().__init__()
        self._mailbox = mailbox
        self._buffer = bytearray()
        self._pts = 0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        need = AUDIO_SAMPLES * 2
        while len(self._buffer) < need:
            chunk = await self._mailbox.get()
            assert isinstance(chunk, bytes)
            self._buffer += chunk
        data = bytes(self._buffer[:need])
        del self._buffer[:need]
        frame = av.AudioFrame(format="s16", layout="mono", samples=AUDIO_SAMPLES)
        frame.planes[0].update(data)
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._pts += AUDIO_SAMPLES
        return frame

    def stop(self) -> None:
        self._mailbox.close()
        super().stop()


def qimage_to_video_frame(image: QImage, width: int, height: int) -> av.VideoFrame:
    """Scale a captured picture to the size we send and make a YUV420P frame of it."""
    if image.width() != width or image.height() != height:
        image = image.scaled(width, height)
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    stride = image.bytesPerLine()
    buf = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    rgb = buf.reshape(height, stride)[:, : width * 3].reshape(height, width, 3)
    return av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24").reformat(
        format="yuv420p")


class QtCamera(QObject):
    """A camera captured with QtMultimedia, posting frames at the send size into a feed.

    Signals:
        error(str): the camera failed (plain words for staff; the patient sees advice).
    """

    error = Signal(str)

    def __init__(self, device: QCameraDevice, feed: CaptureFeed, width: int = 640,
                 height: int = 480, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.width, self.height = width, height
        self.feed = feed
        self._camera = QCamera(device, self)
        self._sink = QVideoSink(self)
        self._session = QMediaCaptureSession(self)
        self._session.setCamera(self._camera)
        self._session.setVideoSink(self._sink)
        self._sink.videoFrameChanged.connect(self._on_frame)
        self._camera.errorOccurred.connect(self._on_error)
        self.frames_captured = 0

    @property
    def sink(self) -> QVideoSink:
        return self._sink

    def start(self) -> None:
        self._camera.start()

    def stop(self) -> None:
        self._camera.stop()

    def _on_frame(self, qframe: QVideoFrame) -> None:
        if not qframe.isValid():
            return
        image = qframe.toImage()
        if image.isNull():
            return
        self.frames_captured += 1
        self.feed.post(qimage_to_video_frame(image, self.width, self.height))

    def _on_error(self, _error: QCamera.Error, text: str) -> None:
        log.warning("camera error: %s", text)
        self.error.emit(text)


class QtMicrophone(QObject):
    """A microphone captured with QAudioSource (48 kHz mono s16), posting into a feed.

    Signals:
        error(str): the microphone failed.
    """

    error = Signal(str)

    def __init__(self, device: QAudioDevice, feed: CaptureFeed,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        fmt = QAudioFormat()
        fmt.setSampleRate(AUDIO_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self.available = device.isFormatSupported(fmt)
        self.feed = feed
        self._source = QAudioSource(device, fmt, self)
        self._source.setBufferSize(AUDIO_SAMPLES * 2 * 4)
        self._io: QIODevice | None = None

    def start(self) -> None:
        io = self._source.start()
        if self._source.error() != QtAudio.Error.NoError:
            log.warning("microphone could not be opened: %s", self._source.error().name)
            self.error.emit("The microphone could not be opened.")
            return
        self._io = io
        io.readyRead.connect(self._on_ready)

    def stop(self) -> None:
        self._source.stop()
        self._io = None

    def _on_ready(self) -> None:
        if self._io is None:
            return
        data = bytes(self._io.readAll().data())
        if data:
            self.feed.post(data)


class QtSpeaker(QObject):
    """Plays the far end's audio (s16 48 kHz, mono or stereo) through a QAudioSink."""

    def __init__(self, device: QAudioDevice, parent: QObject | None = None) -> None:
        super().__init__(parent)
        fmt = QAudioFormat()
        fmt.setSampleRate(AUDIO_RATE)
        fmt.setChannelCount(2)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._sink = QAudioSink(device, fmt, self)
        self._sink.setBufferSize(AUDIO_RATE * 4 // 5)  # 200 ms
        self._io: QIODevice | None = None

    def start(self) -> None:
        self._io = self._sink.start()

    def stop(self) -> None:
        self._sink.stop()
        self._io = None

    def set_volume(self, percent: int) -> None:
        self._sink.setVolume(max(0, min(100, percent)) / 100.0)

    def play(self, frame: av.AudioFrame) -> None:
        """Write one decoded frame (GUI thread). Late audio is dropped, never queued up."""
        if self._io is None:
            return
        pcm = np.asarray(frame.to_ndarray(), dtype=np.int16).reshape(-1)
        if frame.layout.name == "mono":
            pcm = np.repeat(pcm, 2)
        data = pcm.tobytes()
        if self._sink.bytesFree() >= len(data):
            self._io.write(QByteArray(data))
