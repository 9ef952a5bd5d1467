"""Camera frames to the encoder without an RGB round trip (ui.devices.qvideoframe_to_video_frame):
real QVideoFrames in the layouts cameras deliver, with Qt's own row padding, give the same
picture as the source (and as the old RGB path), at the send size; other layouts are left to
the QImage path."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PySide6.QtCore import QSize
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat
from pytestqt.qtbot import QtBot

from bench.frames import LAYOUTS, make_qvideoframe
from ui.devices import qimage_to_video_frame, qvideoframe_to_video_frame


def source(width: int, height: int) -> av.VideoFrame:
    """A picture with detail in luma and in both chroma planes (bars, a gradient, a square)."""
    yy, xx = np.indices((height, width))
    rgb = np.zeros((height, width, 3), np.uint8)
    rgb[..., 0] = (xx * 255 // width).astype(np.uint8)
    rgb[..., 1] = ((xx // 40) % 2 * 200).astype(np.uint8)
    rgb[..., 2] = (yy * 255 // height).astype(np.uint8)
    rgb[height // 4: height // 2, width // 4: width // 2] = (250, 250, 20)
    return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")


def planes(frame: av.VideoFrame) -> list[np.ndarray]:
    w, h = frame.width, frame.height
    out = []
    for i, (pw, ph) in enumerate(((w, h), (w // 2, h // 2), (w // 2, h // 2))):
        raw = np.frombuffer(memoryview(frame.planes[i]), np.uint8)
        out.append(raw.reshape(-1, frame.planes[i].line_size)[:ph, :pw].astype(np.int16))
    return out


@pytest.mark.qt_log_ignore("No RHI backend")  # toImage() offscreen: Qt converts on the CPU
@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("size", [(640, 480), (650, 362)])  # 650: rows padded by Qt
def test_yuv_layouts_give_the_same_picture_without_rgb(qtbot: QtBot, layout: str,
                                                       size: tuple[int, int]) -> None:
    src = source(*size)
    qframe = make_qvideoframe(src, layout)
    out = qvideoframe_to_video_frame(qframe, *size)
    assert out is not None
    assert (out.width, out.height, out.format.name) == (*size, "yuv420p")
    for got, want in zip(planes(out), planes(src), strict=True):
        assert np.abs(got - want).mean() < 1.5  # chroma subsampling round trips only
    rgb = planes(qimage_to_video_frame(qframe.toImage(), *size))
    assert np.abs(planes(out)[0] - rgb[0]).mean() < 3  # the same picture as the old path


def test_scaled_to_the_send_size_in_one_pass(qtbot: QtBot) -> None:
    src = source(1280, 720)
    out = qvideoframe_to_video_frame(make_qvideoframe(src, "NV12"), 640, 480)
    assert out is not None
    assert (out.width, out.height, out.format.name) == (640, 480, "yuv420p")
    want = planes(src.reformat(width=640, height=480))
    assert np.abs(planes(out)[0] - want[0]).mean() < 2


def test_other_layouts_are_left_to_the_image_path(qtbot: QtBot) -> None:
    rgb = QVideoFrame(QVideoFrameFormat(QSize(64, 48),
                                        QVideoFrameFormat.PixelFormat.Format_RGBA8888))
    assert qvideoframe_to_video_frame(rgb, 64, 48) is None
