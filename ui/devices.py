"""Qt device adapters: QtMultimedia capture turned into aiortc tracks, and audio playback.

This is the only module in ``ui/`` that touches aiortc (docs/architecture.md §3, §6).

Rules that matter:

- Qt objects (QCamera, QAudioSource, QMediaDevices) live in the GUI thread. Captured
  data crosses to the engine thread only through :class:`_Mailbox` objects, which hand over with
  ``loop.call_soon_threadsafe`` — video *latest frame wins*, audio a short bounded queue.
- The speaker's QAudioSink lives on a thread of its own (:class:`QtSpeaker`): the far end's
  frames go from the engine thread straight to it through a short bounded queue, so a stalled
  GUI thread never runs the speaker dry. Audio the sink has no room for yet waits on that thread
  and is written as room comes; only a backlog beyond :data:`SPEAKER_BACKLOG_MS` drops its
  oldest audio.
- The microphone is read on its own thread straight from the sound server where there is one
  (:mod:`kiosk.media.pulse`; QAudioSource reads some sources at a trickle), and goes through the
  echo canceller there; what the speaker plays is the canceller's reference.
- Capture happens at the size we send (640x480 by default): frames are scaled once, here.
- A camera frame in a YUV layout (NV12, NV21, YUV420P, YUYV, UYVY: what cameras and Qt's FFmpeg
  backend deliver) goes to the encoder's YUV420P without an RGB round trip: its planes are
  copied once into a PyAV frame and one libswscale pass scales and converts it
  (:func:`qvideoframe_to_video_frame`). Other layouts go through a QImage (RGB) as before.
  ``python -m bench.frames`` measures both.
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
from collections.abc import Callable
from dataclasses import dataclass

import av
import numpy as np
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from av.video.reformatter import VideoReformatter
from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QIODevice,
    QObject,
    QThread,
    QTimer,
    Signal,
    Slot,
)
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
    QVideoFrameFormat,
    QVideoSink,
)

from kiosk.media import pulse
from kiosk.media.echo import AudioProcessor
from kiosk.media.pulse import PulseCapture, PulseCaptureError

log = logging.getLogger(__name__)

VIDEO_CLOCK = 90_000
AUDIO_RATE = 48_000
AUDIO_SAMPLES = 960  # 20 ms at 48 kHz
AUDIO_SLACK_S = 0.1  # microphone audio kept in hand beyond what the next frame needs
AUDIO_WINDOW_S = 3.0  # how long the buffer must stay above the slack before it is cut
SPEAKER_QUEUE = 10  # decoded 20 ms frames waiting for the speaker's thread, at most
SPEAKER_BUFFER_MS = 200  # the QAudioSink's own buffer
SPEAKER_BACKLOG_MS = 2000  # far-end audio kept waiting for room in the sink, at most
SPEAKER_RETRY_MS = 20  # audio waits and no frame came for this long: the speaker tries again
SPEAKER_CUSHION_MS = 60  # silence written ahead of audio that starts on an empty sink
SPEAKER_IDLE_MS = 500  # no write for this long and an empty sink: the audio starts anew
SPEAKER_QUIET = 64  # a frame whose samples all stay within this (-54 dBFS) is silence
SPEAKER_CLOSE_WAIT_MS = 2000


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
        """Microphones, the system's default first (QtMultimedia lists them in no set order)."""
        return _default_first(list(QMediaDevices.audioInputs()),
                              QMediaDevices.defaultAudioInput())

    def speakers(self) -> list[QAudioDevice]:
        """Speakers, the system's default first."""
        return _default_first(list(QMediaDevices.audioOutputs()),
                              QMediaDevices.defaultAudioOutput())

    def describe(self) -> list[DeviceInfo]:
        out = [DeviceInfo("camera", bytes(d.id().data()), d.description()) for d in self.cameras()]
        out += [DeviceInfo("microphone", bytes(d.id().data()), d.description())
                for d in self.microphones()]
        out += [DeviceInfo("speaker", bytes(d.id().data()), d.description())
                for d in self.speakers()]
        return out


def _default_first(devices: list[QAudioDevice], default: QAudioDevice) -> list[QAudioDevice]:
    if default.isNull():
        return devices
    return sorted(devices, key=lambda d: d.id() != default.id())  # stable: the rest keep order


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

    def drain(self) -> list[object]:
        """Everything already delivered, without waiting."""
        items = list(self._items)
        self._items.clear()
        return items


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
        # Video: latest frame wins. Audio: 500 reads is at least 5 s (a source that delivers in
        # bursts); the track itself keeps the latency down (QtAudioTrack).
        box = _Mailbox(loop, maxlen=1 if self.kind == "video" else 500)
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
    """An aiortc audio track of 20 ms s16 48 kHz frames from a microphone (mono audio in both
    channels of a stereo frame), paced.

    Frames go out at the real-time rate (one per 20 ms of the loop's clock), however the device
    delivers: some sources hand over seconds of audio at once (PulseAudio's sine source, 2 s
    every 2 s), and a sender fed in bursts would flood the far end's jitter buffer. Latency is
    kept down: when the buffer never ran below :data:`AUDIO_SLACK_S` for
    :data:`AUDIO_WINDOW_S`, the audio that was never needed is dropped (oldest first).
    """

    kind = "audio"

    def __init__(self, mailbox: _Mailbox) -> None:
        super().__init__()
        self._mailbox = mailbox
        self._buffer = bytearray()
        self._pts = 0
        self._start: float | None = None
        self._window_start = 0.0
        self._low = 0
        self.dropped_s = 0.0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        need = AUDIO_SAMPLES * 2
        while len(self._buffer) < need:
            chunk = await self._mailbox.get()
            assert isinstance(chunk, bytes)
            self._buffer += chunk
        for chunk in self._mailbox.drain():
            assert isinstance(chunk, bytes)
            self._buffer += chunk
        loop = asyncio.get_running_loop()
        now = loop.time()
        if self._start is None or now - (self._start + self._pts / AUDIO_RATE) > AUDIO_SLACK_S:
            # The first frame, or the device stalled: what comes now is due now.
            self._start = now - self._pts / AUDIO_RATE
            self._window_start, self._low = now, len(self._buffer)
        due = self._start + self._pts / AUDIO_RATE
        if due > now:
            await asyncio.sleep(due - now)
        self._keep_latency_down(now)
        mono = np.frombuffer(bytes(self._buffer[:need]), dtype=np.int16)
        del self._buffer[:need]
        # Stereo with both channels the same: aiortc's Opus encoder takes stereo, and its
        # resampler would turn mono into stereo 3 dB quieter (FFmpeg's centre mix level).
        frame = av.AudioFrame(format="s16", layout="stereo", samples=AUDIO_SAMPLES)
        frame.planes[0].update(np.repeat(mono, 2).tobytes())
        frame.sample_rate = AUDIO_RATE
        frame.pts = self._pts
        frame.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._pts += AUDIO_SAMPLES
        return frame

    def _keep_latency_down(self, now: float) -> None:
        self._low = min(self._low, len(self._buffer))
        if now - self._window_start < AUDIO_WINDOW_S:
            return
        slack = int(AUDIO_SLACK_S * AUDIO_RATE) * 2
        excess = self._low - slack
        if excess > 0:
            excess -= excess % 2
            del self._buffer[:excess]
            self.dropped_s += excess / 2 / AUDIO_RATE
            log.info("microphone: %.0f ms of latency dropped", excess / 2 / AUDIO_RATE * 1000)
        self._window_start, self._low = now, len(self._buffer)

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


_PF = QVideoFrameFormat.PixelFormat
#: Camera layouts sent without an RGB round trip -> PyAV's name for the same layout.
YUV_LAYOUTS = {_PF.Format_NV12: "nv12", _PF.Format_NV21: "nv21", _PF.Format_YUV420P: "yuv420p",
               _PF.Format_YUYV: "yuyv422", _PF.Format_UYVY: "uyvy422"}


def _row_bytes(layout: str, width: int) -> tuple[int, ...]:
    """Visible bytes per row of each plane of a frame ``width`` pixels wide."""
    if layout in ("yuyv422", "uyvy422"):
        return (2 * width,)
    if layout == "yuv420p":
        return (width, width // 2, width // 2)
    return (width, width)  # nv12, nv21: Y, then interleaved chroma at half height


def qvideoframe_to_video_frame(qframe: QVideoFrame, width: int, height: int,
                               reformatter: VideoReformatter | None = None
                               ) -> av.VideoFrame | None:
    """A camera frame in a YUV layout (:data:`YUV_LAYOUTS`) as a YUV420P frame at the send size,
    with no RGB step: the planes are copied once (row by row, honouring both strides), then one
    libswscale pass scales and converts. None for any other layout (use the QImage path).

    Pass the same ``reformatter`` for every frame of a camera: it keeps libswscale's context
    (making one per frame costs about 1 ms at 720p)."""
    layout = YUV_LAYOUTS.get(qframe.pixelFormat())
    w, h = qframe.width(), qframe.height()
    if layout is None or w <= 0 or h <= 0 or w % 2 or h % 2:
        return None
    if not qframe.map(QVideoFrame.MapMode.ReadOnly):
        return None
    try:
        frame = av.VideoFrame(w, h, layout)
        for i, (plane, visible) in enumerate(zip(frame.planes, _row_bytes(layout, w),
                                                 strict=True)):
            stride = qframe.bytesPerLine(i)
            dst = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(-1, plane.line_size)
            rows = min(dst.shape[0], qframe.mappedBytes(i) // stride)
            src = np.frombuffer(qframe.bits(i), dtype=np.uint8, count=rows * stride)
            dst[:rows, :visible] = src.reshape(rows, stride)[:, :visible]
    finally:
        qframe.unmap()
    if layout == "yuv420p" and (w, h) == (width, height):
        return frame
    if reformatter is None:
        return frame.reformat(width=width, height=height, format="yuv420p")
    return reformatter.reformat(frame, width=width, height=height, format="yuv420p")


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
        self._reformatter = VideoReformatter()
        #: "yuv" (no RGB round trip) or "rgb" (through a QImage): how the last frame was taken.
        self.path = ""

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
        frame = qvideoframe_to_video_frame(qframe, self.width, self.height, self._reformatter)
        if frame is not None:
            self.path = "yuv"
        else:
            image = qframe.toImage()
            if image.isNull():
                return
            frame, self.path = qimage_to_video_frame(image, self.width, self.height), "rgb"
        self.frames_captured += 1
        self.feed.post(frame)

    def _on_error(self, _error: QCamera.Error, text: str) -> None:
        log.warning("camera error: %s", text)
        self.error.emit(text)


class QtMicrophone(QObject):
    """A microphone (48 kHz mono s16), processed (echo, noise) and posted into a feed.

    On PulseAudio and PipeWire the audio is read straight from the sound server
    (:class:`kiosk.media.pulse.PulseCapture`, a WORKAROUND for QAudioSource's PulseAudio source,
    which reads a source that posts small blocks at a trickle); elsewhere, or when the server
    does not know the device, with QAudioSource. Either way the audio goes through the
    :class:`~kiosk.media.echo.AudioProcessor` (when given) on the thread that read it, then
    into the feed; the GUI thread is not on the path.

    Signals:
        error(str): the microphone failed.
    """

    error = Signal(str)

    def __init__(self, device: QAudioDevice, feed: CaptureFeed,
                 parent: QObject | None = None, *,
                 processor: AudioProcessor | None = None) -> None:
        super().__init__(parent)
        fmt = QAudioFormat()
        fmt.setSampleRate(AUDIO_RATE)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self.available = device.isFormatSupported(fmt)
        self.feed = feed
        self.processor = processor
        self._device = device
        self._format = fmt
        self._source: QAudioSource | None = None
        self._io: QIODevice | None = None
        self._pulse: PulseCapture | None = None
        #: "pulse" or "qt" once started: which way the audio is read.
        self.path = ""

    @property
    def latency_ms(self) -> float:
        """The capture side's latency as the sound server reports it (0 when unknown)."""
        return self._pulse.latency_ms if self._pulse is not None else 0.0

    def start(self) -> None:
        device_id = bytes(self._device.id().data()).decode("utf-8", "replace")
        if pulse.available():
            capture = PulseCapture(device_id or None, self._deliver)
            try:
                capture.start()
            except PulseCaptureError as exc:
                log.info("microphone through QtMultimedia (%s)", exc)
            else:
                self._pulse, self.path = capture, "pulse"
                return
        self._start_qt()

    def _start_qt(self) -> None:
        self._source = QAudioSource(self._device, self._format, self)
        self._source.setBufferSize(AUDIO_SAMPLES * 2 * 4)
        io = self._source.start()
        if self._source.error() != QtAudio.Error.NoError:
            log.warning("microphone could not be opened: %s", self._source.error().name)
            self.error.emit("The microphone could not be opened.")
            return
        self._io, self.path = io, "qt"
        io.readyRead.connect(self._on_ready)

    def stop(self) -> None:
        capture, self._pulse = self._pulse, None
        if capture is not None:
            capture.stop()
        if self._source is not None:
            self._source.stop()
        self._io = None

    def _on_ready(self) -> None:
        if self._io is None:
            return
        data = bytes(self._io.readAll().data())
        if data:
            self._deliver(data)

    def _deliver(self, data: bytes) -> None:
        """Process and post captured audio (the capture thread, or the GUI thread for Qt)."""
        if self.processor is not None:
            data = self.processor.near_end(data)
        if data:
            self.feed.post(data)


class _SpeakerWorker(QObject):
    """The speaker's QAudioSink and its writes: lives on the speaker's thread, and makes the
    sink there (:meth:`open`), so a stalled GUI thread never starves it.

    Audio that does not fit in the sink waits here (the part of a frame that did not fit too)
    and is written as the sink makes room (as frames come, or from a timer on this thread when
    none comes for :data:`SPEAKER_RETRY_MS`), rather than dropped. A sound server may take
    nothing from a new stream for a while: PulseAudio's idle null sink (the tests' speaker) took
    nothing for 1.0-2.0 s after the sink was opened, so in a call that started then the first
    200 ms filled the sink's buffer and the next 10-30 frames were dropped (PipeWire takes a new
    stream at once). What waits is bounded (:data:`SPEAKER_BACKLOG_MS`; beyond it the oldest
    goes, logged once at INFO), and while audio waits a silent frame is skipped, so the latency
    gained goes at the far end's first pause. What is written, and only that, goes to the echo
    canceller as its reference (silence written ahead of audio that starts anew too)."""

    def __init__(self, device: QAudioDevice, inbox: _SpeakerInbox, volume: float,
                 processor: AudioProcessor | None) -> None:
        super().__init__()
        self._device = device
        self._inbox = inbox
        self._volume = volume
        self.processor = processor
        self._sink: QAudioSink | None = None
        self._io: QIODevice | None = None
        self._retry: QTimer | None = None
        self._waiting: collections.deque[bytes] = collections.deque()  # s16 stereo, oldest first
        self._waiting_bytes = 0
        self._reference_carry = b""  # written bytes short of a whole stereo sample
        self._told_backlog = False
        self._last_write = -1.0  # time.monotonic() of the last write to the sink

    @Slot()
    def open(self) -> None:
        fmt = QAudioFormat()
        fmt.setSampleRate(AUDIO_RATE)
        fmt.setChannelCount(2)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._sink = QAudioSink(self._device, fmt, self)
        self._sink.setBufferSize(AUDIO_RATE * 4 * SPEAKER_BUFFER_MS // 1000)
        self._sink.setVolume(self._volume)
        self._retry = QTimer(self)
        self._retry.setSingleShot(True)
        self._retry.setInterval(SPEAKER_RETRY_MS)
        self._retry.timeout.connect(self._pump)
        self._io = self._sink.start()
        self.drain()  # what came while the sink was being made

    @Slot(float)
    def set_volume(self, volume: float) -> None:
        self._volume = volume
        if self._sink is not None:
            self._sink.setVolume(volume)

    @Slot()
    def close(self) -> None:
        if self._retry is not None:
            self._retry.stop()
        if self._sink is not None:
            self._sink.stop()
        self._io = None
        self._waiting.clear()
        self._waiting_bytes = 0
        self._inbox.buffered_ms = self._inbox.waiting_ms = 0.0
        thread = self.thread()
        if thread is not None:
            thread.quit()

    @Slot()
    def drain(self) -> None:
        """Take every frame from the inbox and write what the sink has room for; the rest
        waits for :meth:`_pump` (bounded: the oldest goes beyond :data:`SPEAKER_BACKLOG_MS`)."""
        frames = self._inbox.take()
        if self._io is None or self._sink is None:
            return
        for frame in frames:
            pcm = np.asarray(frame.to_ndarray(), dtype=np.int16).reshape(-1)
            if frame.layout.name == "mono":
                pcm = np.repeat(pcm, 2)
            if self._waiting and int(np.abs(pcm, dtype=np.int32).max()) <= SPEAKER_QUIET:
                self._inbox.skipped += 1  # silence while behind: latency goes, no word does
                continue
            data = pcm.tobytes()
            self._waiting.append(data)
            self._waiting_bytes += len(data)
        if (self._waiting and self._sink.bytesFree() >= self._sink.bufferSize()
                and time.monotonic() - self._last_write > SPEAKER_IDLE_MS / 1000):
            # Audio starts on an empty sink: the sound server takes it in blocks of about 20 ms
            # and plays silence for what is not there yet, so frames arriving a little late
            # would each leave a gap. A cushion of silence ahead of it takes up that jitter.
            cushion = bytes(AUDIO_RATE * 4 * SPEAKER_CUSHION_MS // 1000)
            self._waiting.appendleft(cushion)
            self._waiting_bytes += len(cushion)
        limit = AUDIO_RATE * 4 * SPEAKER_BACKLOG_MS // 1000
        while self._waiting_bytes > limit:
            self._waiting_bytes -= len(self._waiting.popleft())
            self._inbox.late += 1
            if not self._told_backlog:
                self._told_backlog = True
                log.info("the speaker fell behind by more than %d ms; the oldest audio goes",
                         SPEAKER_BACKLOG_MS)
        self._pump()

    @Slot()
    def _pump(self) -> None:
        """Write waiting audio while the sink has room (the part of a frame that fits, the rest
        kept); try again shortly while some still waits."""
        sink, io = self._sink, self._io
        if io is None or sink is None:
            return
        while self._waiting:
            room = sink.bytesFree() // 4 * 4
            if room <= 0:
                break
            data = self._waiting[0]
            written = io.write(QByteArray(data[:room]))
            if written <= 0:
                break
            self._waiting_bytes -= written
            if written < len(data):
                self._waiting[0] = data[written:]
            else:
                self._waiting.popleft()
            self._inbox.written += written
            self._last_write = time.monotonic()
            self._reference(data[:written])
        pending = max(0, sink.bufferSize() - sink.bytesFree())
        self._inbox.buffered_ms = pending / (AUDIO_RATE * 4) * 1000
        self._inbox.waiting_ms = self._waiting_bytes / (AUDIO_RATE * 4) * 1000
        if self._retry is not None:
            if self._waiting:
                self._retry.start()  # (re)started: it fires only if no frame comes meanwhile
            else:
                self._retry.stop()

    def _reference(self, data: bytes) -> None:
        """Hand what was just written, mixed to mono, to the echo canceller as its reference."""
        if self.processor is None:
            return
        data = self._reference_carry + data
        whole = len(data) // 4 * 4
        data, self._reference_carry = data[:whole], data[whole:]
        if data:
            stereo = np.frombuffer(data, dtype="<i2").reshape(-1, 2).astype(np.int32)
            self.processor.far_end(((stereo[:, 0] + stereo[:, 1]) // 2).astype("<i2").tobytes())


class _SpeakerInbox:
    """Decoded frames on their way to the speaker's thread: a short bounded queue (the oldest
    goes when it is full) and one wake-up signal per batch. :meth:`put` is for any thread.
    It also holds the speaker's counters (plain numbers, written by the speaker's thread)."""

    def __init__(self, wake: Callable[[], None], maxlen: int) -> None:
        self._wake = wake
        self._frames: collections.deque[av.AudioFrame] = collections.deque(maxlen=maxlen)
        self._lock = threading.Lock()
        self._woken = False
        self.closed = False
        self.dropped = 0  # frames that found the queue full
        self.late = 0  # frames dropped as the oldest of a backlog beyond SPEAKER_BACKLOG_MS
        self.skipped = 0  # silent frames skipped while audio waited for the sink
        self.written = 0  # bytes written to the sink
        #: Audio written and not yet handed to the sound server (ms), as of the last write.
        self.buffered_ms = 0.0
        #: Audio waiting for room in the sink (ms), as of the last write.
        self.waiting_ms = 0.0

    def put(self, frame: av.AudioFrame) -> None:
        with self._lock:  # held while waking, so close() never races a wake-up
            if self.closed:
                return
            if len(self._frames) == self._frames.maxlen:
                self.dropped += 1
            self._frames.append(frame)
            if not self._woken:
                self._woken = True
                self._wake()

    def take(self) -> list[av.AudioFrame]:
        with self._lock:
            frames = list(self._frames)
            self._frames.clear()
            self._woken = False
            return frames

    def close(self) -> None:
        with self._lock:
            self.closed = True
            self._frames.clear()


class QtSpeaker(QObject):
    """Plays the far end's audio (s16 48 kHz, mono or stereo) through a QAudioSink, on a thread
    of its own.

    The sink is made, written and stopped on the speaker's thread (a ``QThread`` running a
    :class:`_SpeakerWorker`); :meth:`play` may be called from any thread (the engine's, so the
    GUI thread is not on the path: a GUI stall longer than the sink's 200 ms buffer ran it dry,
    a gap the patient hears that also moves the echo's delay). Frames wait in a short bounded
    queue (at most :data:`SPEAKER_QUEUE` frames) for the speaker's thread, which writes what the
    sink has room for and keeps the rest until it has (at most :data:`SPEAKER_BACKLOG_MS`; the
    oldest goes beyond it), so nothing the far end says is skipped when the sound server is slow
    to take a new stream (:class:`_SpeakerWorker`).
    :meth:`start`, :meth:`stop` and :meth:`set_volume` are for the GUI thread; :meth:`stop`
    releases the device and joins the thread (also at the application's exit).

    What is written to the sink, and only that, is also the echo canceller's reference
    (``processor.far_end``, mixed to mono), so the canceller hears exactly what is played.
    """

    _wake = Signal()
    _volume = Signal(float)
    _close = Signal()

    def __init__(self, device: QAudioDevice, parent: QObject | None = None, *,
                 processor: AudioProcessor | None = None) -> None:
        super().__init__(parent)
        self.processor = processor
        self._inbox = _SpeakerInbox(self._wake.emit, SPEAKER_QUEUE)
        self._worker = _SpeakerWorker(device, self._inbox, 1.0, processor)
        self._thread: QThread | None = None
        self._wake.connect(self._worker.drain)
        self._volume.connect(self._worker.set_volume)
        self._close.connect(self._worker.close)

    def start(self) -> None:
        if self._thread is not None or self._inbox.closed:
            return
        thread = QThread()
        thread.setObjectName("speaker")
        self._worker.moveToThread(thread)
        thread.started.connect(self._worker.open)
        thread.finished.connect(self._worker.deleteLater)
        self._thread = thread
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop)
        thread.start()

    def stop(self) -> None:
        """Release the device now and end the speaker's thread (idempotent)."""
        self._inbox.close()
        thread, self._thread = self._thread, None
        if thread is None:
            return
        self._close.emit()
        thread.quit()
        if not thread.wait(SPEAKER_CLOSE_WAIT_MS):
            log.warning("the speaker's thread did not end; stopping it")
            thread.terminate()
            thread.wait()

    def set_volume(self, percent: int) -> None:
        self._volume.emit(max(0, min(100, percent)) / 100.0)

    @property
    def written(self) -> int:
        """Bytes written to the sink so far."""
        return self._inbox.written

    @property
    def dropped(self) -> int:
        """Frames of the far end's audio never played: the oldest of a backlog beyond
        :data:`SPEAKER_BACKLOG_MS`, or the queue to the speaker's thread was full."""
        return self._inbox.late + self._inbox.dropped

    @property
    def skipped(self) -> int:
        """Silent frames left out while audio waited for the sink (latency won back)."""
        return self._inbox.skipped

    @property
    def waiting_ms(self) -> float:
        """Audio waiting for room in the sink (ms), as of the last write (any thread)."""
        return self._inbox.waiting_ms if self._thread is not None else 0.0

    @property
    def buffered_ms(self) -> float:
        """Audio written to the sink and not yet handed to the sound server (ms), as of the last
        write (any thread)."""
        return self._inbox.buffered_ms if self._thread is not None else 0.0

    def play(self, frame: av.AudioFrame) -> None:
        """Queue one decoded frame for the speaker's thread (any thread). Dropped once stopped."""
        self._inbox.put(frame)
