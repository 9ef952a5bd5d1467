"""The H.264 encoder tuning: aiortc's sender builds the tuned encoder, which opens libx264 with
the live-call preset and still produces a stream a real decoder reads back."""

from __future__ import annotations

import re

import aiortc.rtcrtpsender as sender
import av
from aiortc.codecs import get_decoder
from aiortc.codecs.h264 import H264Encoder, H264PayloadDescriptor
from aiortc.jitterbuffer import JitterFrame
from aiortc.rtcrtpparameters import RTCRtpCodecParameters

from kiosk.media import codecs, marker
from kiosk.media.synthetic import TestPatternTrack

H264 = RTCRtpCodecParameters(mimeType="video/H264", clockRate=90000, payloadType=102)
VP8 = RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90000, payloadType=96)


def test_install_is_idempotent_and_only_touches_h264() -> None:
    codecs.install()
    first = getattr(sender, "get_encoder")  # noqa: B009 (aiortc does not export it)
    codecs.install()
    get_encoder = getattr(sender, "get_encoder")  # noqa: B009
    assert get_encoder is first
    assert isinstance(get_encoder(H264), codecs.TunedH264Encoder)
    assert not isinstance(get_encoder(VP8), codecs.TunedH264Encoder)


def x264_settings(payloads: list[bytes]) -> dict[str, str]:
    """The settings x264 writes into its SEI message at the start of the stream."""
    blob = b"".join(payloads)
    return {k.decode(): v.decode() for k, v in re.findall(rb"\b(subme|ref)=(\d+)", blob)}


def test_tuned_encoder_is_faster_than_aiortcs_own() -> None:
    frame = TestPatternTrack(1280, 720).make_frame(0)
    stock, _ = H264Encoder().encode(frame, force_keyframe=True)
    tuned, _ = codecs.TunedH264Encoder().encode(frame, force_keyframe=True)
    # x264's "medium" (aiortc's default) searches harder than "veryfast": subme 7 / 3 refs.
    assert x264_settings(stock) == {"subme": "7", "ref": "3"}
    assert x264_settings(tuned) == {"subme": "2", "ref": "1"}


def test_tuned_encoder_round_trips_a_720p_marker() -> None:
    track = TestPatternTrack(1280, 720)
    encoder = codecs.TunedH264Encoder()
    decoder = get_decoder(H264)
    decoded = []
    for index in range(5):
        frame = track.make_frame(index)
        payloads, timestamp = encoder.encode(frame, force_keyframe=index == 0)
        assert payloads
        # Depacketize as aiortc's receiver does, then decode.
        data = b"".join(H264PayloadDescriptor.parse(p)[1] for p in payloads)
        decoded += decoder.decode(JitterFrame(data=data, timestamp=timestamp))
    assert decoded
    last = decoded[-1]
    assert isinstance(last, av.VideoFrame)
    assert (last.width, last.height) == (1280, 720)
    assert marker.decode(last) is not None
