"""Microphone capture straight from the sound server (PulseAudio, or PipeWire's pulse server), with
no Qt: libpulse's simple API through ctypes, in a thread of its own.

WORKAROUND for QtMultimedia 6.11's PulseAudio source (``QPulseAudioSourceStream``): its read
callback takes one fragment (``pa_stream_peek`` once) per callback and leaves the rest queued, so
a source that posts its audio in many small blocks is read at a trickle: with the server's sine
source as the default microphone, QAudioSource delivered about 1 % of the audio (the meter never
moved and the far end got 2 packets in 30 s). ``pa_simple_read`` reads whole buffers whatever
the blocks, so the kiosk captures through it wherever ``libpulse-simple.so.0`` is installed
(it comes with libpulse0, which QtMultimedia needs anyway), and through QAudioSource elsewhere.

Rules that matter:

- :class:`PulseCapture` delivers s16 mono 48 kHz in 10 ms blocks to ``on_audio``, called on its
  own thread: it must return at once (post to a queue, never block).
- The device is the server's source name (QtMultimedia's ``QAudioDevice.id()`` on PulseAudio);
  ``None`` is the default source.
- :meth:`PulseCapture.stop` releases the device within one block (the privacy reset calls it).
- ``latency_ms`` is the server's own figure for the capture side (buffered in the source and the
  stream), for the echo canceller's delay.
- The server is found as every client finds it (``PULSE_SERVER``, the user's runtime folder).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import threading
from collections.abc import Callable
from typing import Final

log = logging.getLogger(__name__)

RATE: Final = 48_000
BLOCK_SAMPLES: Final = 480  # 10 ms
_PA_STREAM_RECORD: Final = 2
_PA_SAMPLE_S16LE: Final = 3


class _SampleSpec(ctypes.Structure):
    _fields_ = (("format", ctypes.c_int), ("rate", ctypes.c_uint32),
                ("channels", ctypes.c_uint8))


class _BufferAttr(ctypes.Structure):
    _fields_ = (("maxlength", ctypes.c_uint32), ("tlength", ctypes.c_uint32),
                ("prebuf", ctypes.c_uint32), ("minreq", ctypes.c_uint32),
                ("fragsize", ctypes.c_uint32))


_lib: ctypes.CDLL | None = None
_lib_checked = False


def _library() -> ctypes.CDLL | None:
    global _lib, _lib_checked
    if not _lib_checked:
        _lib_checked = True
        name = ctypes.util.find_library("pulse-simple") or "libpulse-simple.so.0"
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            return None
        lib.pa_simple_new.restype = ctypes.c_void_p
        lib.pa_simple_new.argtypes = (
            ctypes.c_char_p, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_char_p,
            ctypes.POINTER(_SampleSpec), ctypes.c_void_p, ctypes.POINTER(_BufferAttr),
            ctypes.POINTER(ctypes.c_int))
        lib.pa_simple_read.restype = ctypes.c_int
        lib.pa_simple_read.argtypes = (ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t,
                                       ctypes.POINTER(ctypes.c_int))
        lib.pa_simple_get_latency.restype = ctypes.c_uint64
        lib.pa_simple_get_latency.argtypes = (ctypes.c_void_p, ctypes.POINTER(ctypes.c_int))
        lib.pa_simple_free.restype = None
        lib.pa_simple_free.argtypes = (ctypes.c_void_p,)
        _lib = lib
    return _lib


def available() -> bool:
    """True when libpulse's simple API can be loaded (a server may still be missing)."""
    return _library() is not None


class PulseCaptureError(RuntimeError):
    """The sound server refused the microphone (no server, no such source)."""


class PulseCapture:
    """A microphone read with ``pa_simple_read`` on a thread, 10 ms at a time."""

    def __init__(self, device: str | None, on_audio: Callable[[bytes], None], *,
                 app_name: str = "Clinic Kiosk") -> None:
        self.device = device
        self._on_audio = on_audio
        self._app_name = app_name
        self._handle: int | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.latency_ms = 0.0
        self.blocks = 0

    def start(self) -> None:
        """Open the source (raises :class:`PulseCaptureError`) and start reading it."""
        lib = _library()
        if lib is None:
            raise PulseCaptureError("libpulse-simple is not installed")
        spec = _SampleSpec(_PA_SAMPLE_S16LE, RATE, 1)
        block = BLOCK_SAMPLES * 2
        attr = _BufferAttr(0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, 0xFFFFFFFF, block)
        error = ctypes.c_int(0)
        handle = lib.pa_simple_new(
            None, self._app_name.encode(), _PA_STREAM_RECORD,
            self.device.encode() if self.device else None, b"microphone", ctypes.byref(spec),
            None, ctypes.byref(attr), ctypes.byref(error))
        if not handle:
            raise PulseCaptureError(f"the sound server refused the microphone (error "
                                    f"{error.value})")
        self._handle = handle
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, args=(lib, handle), daemon=True,
                                        name="microphone")
        self._thread.start()

    def _run(self, lib: ctypes.CDLL, handle: int) -> None:
        size = BLOCK_SAMPLES * 2
        buf = ctypes.create_string_buffer(size)
        error = ctypes.c_int(0)
        try:
            while not self._stop.is_set():
                if lib.pa_simple_read(handle, buf, size, ctypes.byref(error)) < 0:
                    if not self._stop.is_set():
                        log.warning("microphone read failed (error %d)", error.value)
                    return
                self.blocks += 1
                if self.blocks % 50 == 1:
                    self.latency_ms = lib.pa_simple_get_latency(handle, ctypes.byref(error)) / 1000
                self._on_audio(buf.raw)
        finally:
            lib.pa_simple_free(handle)

    def stop(self) -> None:
        """Stop reading and release the source (the thread frees it after its last block)."""
        self._stop.set()
        thread, self._thread = self._thread, None
        self._handle = None
        if thread is not None:
            thread.join(timeout=1.0)
