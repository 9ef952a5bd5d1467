"""Echo cancellation, noise suppression and gain control on the kiosk's microphone (no Qt).

WebRTC's own audio processing (AEC3, its noise suppressor, AGC and high-pass filter) through the
``livekit`` package's ``rtc.AudioProcessingModule``. One :class:`AudioProcessor` per kiosk:

- the **far end** (:meth:`AudioProcessor.far_end`) is fed with exactly what the speaker plays,
  as it is written to the sound server (the *reference*), mono;
- the **near end** (:meth:`AudioProcessor.near_end`) is the microphone's audio: it comes back
  with the echo of the reference removed, the noise suppressed and the gain set.

Rules that matter:

- Audio is s16 mono 48 kHz. AEC3 works on 10 ms frames (480 samples): both directions accept any
  number of bytes and keep the remainder for the next call, so the near end gives back whole
  10 ms frames only (at most 10 ms later than they came in).
- The two directions may be fed from different threads (the speaker's and the microphone's); a
  lock keeps each call to the module whole.
- The reference is paced by the microphone: :meth:`AudioProcessor.far_end` only queues it, and
  each 10 ms microphone frame first hands AEC3 one queued 10 ms of reference, then itself (far end
  before near end, one each, as WebRTC's own audio device does from its playout and recording
  callbacks). The speaker is written when the network and the GUI thread deliver (bursts after a
  stall), while the sound server plays on steadily from its buffer; handed to AEC3 as written, a
  burst lets the echo through for up to a second (``python -m bench.echo``, the *stalls* table:
  0.5 s windows down to 1-5 dB; tests/unit/test_echo.py: 190 ms stalls, 11 dB against 68 dB
  paced). The figures fit AEC3's render buffer overrunning and its delay estimate being reset.
  A stall longer than what is queued moves the queue's timing once (AEC3 re-finds the delay);
  the queue keeps at most :data:`MAX_REFERENCE_MS` (the oldest goes); when it is empty the
  microphone's frame goes without reference (AEC3 takes that as jitter).
- The delay between the reference and its echo is set from what the sound server says about its
  buffers (:meth:`AudioProcessor.set_delay_ms`: from the speaker's write to the microphone's
  frame); the reference's time in the queue is taken off before AEC3 is told. AEC3 refines it with
  its own delay estimator; the hint only places its first search, and a hint *above* the real delay
  costs the first half second of cancellation (one too low costs nothing measurable), so callers
  give what the buffers are known to hold, never a guess on the high side.
- Each part can be turned off by staff (:class:`ProcessingSettings`, from the kiosk's settings);
  with every part off the microphone's audio passes through untouched and no module is made.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from typing import Any, Final, Protocol

RATE: Final = 48_000
FRAME_SAMPLES: Final = 480  # 10 ms
FRAME_BYTES: Final = FRAME_SAMPLES * 2
#: A reasonable first guess of playback + capture latency on PulseAudio/PipeWire (ms).
DEFAULT_DELAY_MS: Final = 40
#: The most reference the queue keeps for the microphone (the speaker's own buffer is 200 ms).
MAX_REFERENCE_MS: Final = 400
_MAX_REFERENCE_BYTES: Final = MAX_REFERENCE_MS * RATE // 1000 * 2


@dataclass(frozen=True)
class ProcessingSettings:
    """Which parts of the microphone's processing are on (staff settings).

    Gain control is off by default: WebRTC's digital AGC comes after the echo canceller and
    raises what is left of the echo with the speech (``python -m bench.echo``: in a hard room
    the echo reaching the far end rises by about 12 dB). Staff turn it on for a quiet microphone.

    With echo cancellation on, WebRTC runs its high-pass filter whatever ``high_pass_filter``
    says (``bench.echo --attribute``: AEC alone and AEC with the high-pass give the same figures
    to the last digit); the switch only matters with echo cancellation off.
    """

    echo_cancellation: bool = True
    noise_suppression: bool = True
    auto_gain_control: bool = False
    high_pass_filter: bool = True

    @property
    def any(self) -> bool:
        return (self.echo_cancellation or self.noise_suppression or self.auto_gain_control
                or self.high_pass_filter)

    @classmethod
    def off(cls) -> ProcessingSettings:
        return cls(False, False, False, False)

    @classmethod
    def of(cls, settings: object) -> ProcessingSettings:
        """The processing part of the kiosk's settings (a :class:`kiosk.config.KioskSettings`,
        taken by its field names so this module does not import the settings)."""
        return cls(**{name: bool(getattr(settings, name, default))
                      for name, default in asdict(cls()).items()})


class _Module(Protocol):
    """What this module needs of ``rtc.AudioProcessingModule``."""

    def process_stream(self, data: Any) -> None: ...

    def process_reverse_stream(self, data: Any) -> None: ...

    def set_stream_delay_ms(self, delay_ms: int) -> None: ...


def _make_module(settings: ProcessingSettings) -> tuple[_Module, type[Any]]:
    from livekit import rtc  # imported here: it starts livekit's native library

    module = rtc.AudioProcessingModule(
        echo_cancellation=settings.echo_cancellation,
        noise_suppression=settings.noise_suppression,
        high_pass_filter=settings.high_pass_filter,
        auto_gain_control=settings.auto_gain_control)
    return module, rtc.AudioFrame


class AudioProcessor:
    """WebRTC audio processing of the microphone, with the speaker's audio as the reference.

    ``frames_processed`` counts near-end 10 ms frames; ``cpu_s`` is the thread CPU time spent in
    the module for both directions; ``reference_dropped_ms`` is reference thrown away because the
    queue was full (nobody took it: no microphone, or a speaker clock faster than the mic's).
    ``paced=False`` hands the reference to AEC3 as it is written (the behaviour before
    2026-12-05, kept for ``bench.echo``'s before/after).
    """

    def __init__(self, settings: ProcessingSettings | None = None, *,
                 delay_ms: int = DEFAULT_DELAY_MS, paced: bool = True) -> None:
        self.settings = settings if settings is not None else ProcessingSettings()
        self.paced = paced
        self._lock = threading.Lock()
        self._near = bytearray()
        self._far = bytearray()
        self._module: _Module | None = None
        self._frame_type: type[Any] | None = None
        if self.settings.any:
            self._module, self._frame_type = _make_module(self.settings)
        self.delay_ms = delay_ms
        self.frames_processed = 0
        self.reference_dropped_ms = 0
        self.cpu_s = 0.0

    @property
    def active(self) -> bool:
        """False when every part is off (the audio passes through)."""
        return self._module is not None

    @property
    def queued_ms(self) -> int:
        """Reference waiting for the microphone (ms)."""
        return len(self._far) // 2 * 1000 // RATE

    def set_delay_ms(self, delay_ms: int) -> None:
        """From the speaker's write to the microphone's frame, as far as the sound server's buffers
        tell (0..500 ms; the queued reference is taken off when AEC3 is told)."""
        self.delay_ms = max(0, min(500, int(delay_ms)))

    def far_end(self, pcm: bytes) -> None:
        """What the speaker is playing now (s16 mono 48 kHz, any length)."""
        if self._module is None or not self.settings.echo_cancellation:
            return
        with self._lock:
            self._far += pcm
            if not self.paced:
                while len(self._far) >= FRAME_BYTES:
                    self._run(self._module.process_reverse_stream, self._take_far(), reverse=True)
                return
            excess = len(self._far) - _MAX_REFERENCE_BYTES
            if excess > 0:
                excess += -excess % FRAME_BYTES  # whole frames, the oldest
                del self._far[:excess]
                self.reference_dropped_ms += excess // 2 * 1000 // RATE

    def near_end(self, pcm: bytes) -> bytes:
        """The microphone's audio in (any length); whole processed 10 ms frames out."""
        if self._module is None:
            return pcm
        out = bytearray()
        with self._lock:
            self._near += pcm
            while len(self._near) >= FRAME_BYTES:
                chunk = bytes(self._near[:FRAME_BYTES])
                del self._near[:FRAME_BYTES]
                if self.paced and len(self._far) >= FRAME_BYTES:
                    self._run(self._module.process_reverse_stream, self._take_far(), reverse=True)
                out += self._run(self._module.process_stream, chunk, reverse=False)
                self.frames_processed += 1
        return bytes(out)

    def _take_far(self) -> bytes:
        chunk = bytes(self._far[:FRAME_BYTES])
        del self._far[:FRAME_BYTES]
        return chunk

    def _run(self, step: Any, chunk: bytes, *, reverse: bool) -> bytes:
        assert self._frame_type is not None
        assert self._module is not None
        frame = self._frame_type(chunk, RATE, 1, FRAME_SAMPLES)
        started = time.thread_time()
        if not reverse and self.settings.echo_cancellation:
            # WebRTC: "must be called if and only if echo processing is enabled", before each
            # capture frame. The reference still queued here was written that much earlier.
            queued = self.queued_ms if self.paced else 0
            self._module.set_stream_delay_ms(max(0, self.delay_ms - queued))
        step(frame)
        self.cpu_s += time.thread_time() - started
        return b"" if reverse else bytes(frame.data)

    def reset(self) -> None:
        """Forget buffered audio (a new call, or a device switch)."""
        with self._lock:
            self._near.clear()
            self._far.clear()
