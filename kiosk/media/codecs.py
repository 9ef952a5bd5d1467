"""Encoder tuning for aiortc: the one place where the kiosk changes how aiortc encodes.

WORKAROUND for aiortc 1.16 (``aiortc/codecs/h264.py``): its H.264 encoder opens libx264 with no
speed preset, so x264 runs its default "medium" preset, made for files, not live calls. Measured
on this 2-core machine (bench/README.md): a 720p frame cost 6.8 ms of CPU as shipped and 4.2 ms
with "veryfast"; in a real call the kiosk's CPU went from 1.17x a Chromium peer's to 0.90x, at
the same 30 fps. aiortc has no public hook for encoder options, so :class:`TunedH264Encoder`
subclasses its encoder (opening the codec itself, with aiortc's own settings plus the preset)
and :func:`install` makes the RTP sender build that subclass for H.264. VP8 and audio are
untouched. Remove this module when aiortc takes a preset of its own.
"""

from __future__ import annotations

import fractions
import threading
from collections.abc import Callable, Iterator
from typing import Any

import av
from aiortc.codecs import h264 as aiortc_h264
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

#: libx264 speed preset for live calls ("veryfast" keeps quality close to "medium" at the
#: bitrates aiortc sends, for 40 % less encoding time; "ultrafast" costs visible quality).
H264_PRESET = "veryfast"

_lock = threading.Lock()


class TunedH264Encoder(aiortc_h264.H264Encoder):
    """aiortc's H.264 encoder, with libx264 opened at :data:`H264_PRESET`."""

    preset = H264_PRESET

    def _encode_frame(self, frame: av.VideoFrame, force_keyframe: bool) -> Iterator[bytes]:
        codec: Any = self.codec
        stale = codec is not None and (
            frame.width != codec.width or frame.height != codec.height
            or abs(self.target_bitrate - codec.bit_rate) / codec.bit_rate > 0.1)
        if codec is None or stale:
            # The same rule and settings as aiortc's own (it then finds the codec current).
            self.buffer_data = b""
            self.buffer_pts = None
            self.codec = self._open(frame)
        yield from super()._encode_frame(frame, force_keyframe)

    def _open(self, frame: av.VideoFrame) -> Any:
        codec: Any = av.CodecContext.create("libx264", "w")
        codec.width = frame.width
        codec.height = frame.height
        codec.bit_rate = self.target_bitrate
        codec.pix_fmt = "yuv420p"
        codec.framerate = fractions.Fraction(aiortc_h264.MAX_FRAME_RATE, 1)
        codec.time_base = fractions.Fraction(1, aiortc_h264.MAX_FRAME_RATE)
        codec.options = {"level": "31", "tune": "zerolatency", "preset": self.preset}
        codec.profile = "Baseline"
        return codec


def install() -> None:
    """Make aiortc's RTP senders encode H.264 with :class:`TunedH264Encoder` (idempotent)."""
    import aiortc.rtcrtpsender as sender

    with _lock:
        original: Callable[[RTCRtpCodecParameters], Any] = getattr(sender, "get_encoder")  # noqa: B009
        if getattr(original, "clinic_kiosk_tuned", False):
            return

        def get_encoder(codec: RTCRtpCodecParameters) -> Any:
            if codec.mimeType.lower() == "video/h264":
                return TunedH264Encoder()
            return original(codec)

        get_encoder.clinic_kiosk_tuned = True  # type: ignore[attr-defined]
        setattr(sender, "get_encoder", get_encoder)  # noqa: B010 (not exported by aiortc)
