"""Video views: real YUV420P frames (padded rows included) into a QVideoFrame or a painted
picture, latest frame wins, and a privacy clear that forgets everything."""

from __future__ import annotations

import av
import numpy as np
import pytest
from PySide6.QtGui import QColor, QGuiApplication
from PySide6.QtMultimedia import QVideoFrame
from pytestqt.qtbot import QtBot

from tests.ui.support import solid_frame
from ui.video import VideoView, YuvFrame, choose_render_path, to_video_frame, yuv_planes, yuv_to_rgb

pytestmark = pytest.mark.ui


def gradient_frame(width: int, height: int) -> av.VideoFrame:
    """A real yuv420p frame (libav's own buffers, rows padded to its alignment) with a different
    value in every visible row and column of every plane, and 0 in the padding."""
    frame = av.VideoFrame(width=width, height=height, format="yuv420p")
    for n, plane in enumerate(frame.planes):
        rows = plane.buffer_size // plane.line_size
        data = np.zeros((rows, plane.line_size), np.uint8)
        yy, xx = np.mgrid[0:rows, 0:plane.width]
        data[:, : plane.width] = (xx * 7 + yy * 13 + n * 50) % 256
        plane.update(data.tobytes())
    return frame


def close_to(color: QColor, rgb: tuple[int, int, int], tolerance: int = 6) -> bool:
    return all(abs(a - b) <= tolerance for a, b in
               zip((color.red(), color.green(), color.blue()), rgb, strict=True))


def test_av_planes_with_padded_rows_are_read_by_line_size() -> None:
    frame = gradient_frame(35, 21)  # odd sizes: libav pads every row
    assert frame.planes[0].line_size > 35
    w, h, (y, u, v) = yuv_planes(frame)
    assert (w, h) == (35, 21)
    assert y.shape == (21, 35)
    assert u.shape == v.shape == (11, 18)
    padded = np.frombuffer(bytes(frame.planes[0]), np.uint8).reshape(21, -1)
    assert np.array_equal(y, padded[:, :35])
    assert not padded[:, 35:].any()  # padding exists, and was not read as picture


def test_qvideoframe_copy_honours_bytes_per_line() -> None:
    frame = gradient_frame(36, 22)  # libav pads these rows to 64 bytes
    _, _, planes = yuv_planes(frame)
    out = to_video_frame(frame)
    assert out.size().width() == 36
    assert out.size().height() == 22
    assert out.map(QVideoFrame.MapMode.ReadOnly)
    try:
        for i, src in enumerate(planes):
            rows, cols = src.shape
            stride = out.bytesPerLine(i)
            assert stride >= cols
            got = np.frombuffer(out.bits(i), np.uint8)[: rows * stride].reshape(rows, stride)
            assert np.array_equal(got[:, :cols], src), f"plane {i}"
    finally:
        out.unmap()


def test_numpy_planes_are_accepted_too() -> None:
    y = np.full((4, 8), 81, np.uint8)  # 8 wide, 6 visible: two padding columns
    u = np.full((2, 4), 90, np.uint8)
    v = np.full((2, 4), 240, np.uint8)
    rgb = yuv_to_rgb(YuvFrame(6, 4, y, u, v))
    assert rgb.shape == (4, 6, 3)
    assert close_to(QColor(*rgb[0, 0]), (255, 0, 0), tolerance=3)  # BT.601 red


def test_offscreen_uses_the_painted_path(qapp: object) -> None:
    assert QGuiApplication.platformName() == "offscreen"
    assert choose_render_path("auto") == "paint"


def test_painted_path_shows_the_real_frame(qtbot: QtBot) -> None:
    view = VideoView("The specialist's video", render_path="paint")
    qtbot.addWidget(view)
    view.resize(320, 180)
    view.show()
    qtbot.waitExposed(view)
    assert view.placeholder.isVisible()
    view.set_frame(solid_frame(64, 36, (30, 144, 255)))
    qtbot.waitUntil(lambda: view.frames_rendered == 1)
    assert view.accessibleName() == "The specialist's video"
    assert not view.placeholder.isVisible()
    picture = view.grab().toImage()
    assert close_to(picture.pixelColor(160, 90), (30, 144, 255))


def test_latest_frame_wins(qtbot: QtBot) -> None:
    view = VideoView(render_path="paint")
    qtbot.addWidget(view)
    view.resize(160, 90)
    view.show()
    qtbot.waitExposed(view)
    view.set_frame(solid_frame(32, 18, (200, 30, 30)))
    view.set_frame(solid_frame(32, 18, (30, 160, 30)))  # arrives before the first was drawn
    qtbot.waitUntil(lambda: view.frames_rendered == 1)
    assert close_to(view.grab().toImage().pixelColor(80, 45), (30, 160, 30))


def test_mirrored_self_view_flips_left_and_right(qtbot: QtBot) -> None:
    rgb = np.zeros((18, 32, 3), np.uint8)
    rgb[:, :16] = (220, 40, 40)
    rgb[:, 16:] = (40, 40, 220)
    frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
    view = VideoView(mirrored=True, render_path="paint")
    qtbot.addWidget(view)
    view.resize(320, 180)
    view.show()
    qtbot.waitExposed(view)
    view.set_frame(frame)
    qtbot.waitUntil(lambda: view.frames_rendered == 1)
    picture = view.grab().toImage()
    assert close_to(picture.pixelColor(40, 90), (40, 40, 220), tolerance=12)
    assert close_to(picture.pixelColor(280, 90), (220, 40, 40), tolerance=12)


def test_clear_forgets_the_picture(qtbot: QtBot) -> None:
    view = VideoView(render_path="paint")
    qtbot.addWidget(view)
    view.resize(160, 90)
    view.show()
    qtbot.waitExposed(view)
    view.set_frame(solid_frame(32, 18, (200, 30, 30)))
    qtbot.waitUntil(lambda: view.frames_rendered == 1)
    view.clear()
    assert view.latest_image() is None
    assert not view.has_picture()
    assert view.placeholder.isVisible()
    qtbot.waitUntil(lambda: not close_to(view.grab().toImage().pixelColor(80, 45),
                                         (200, 30, 30), tolerance=40))


def test_sink_path_hands_the_frame_to_the_video_sink(qtbot: QtBot) -> None:
    view = VideoView("Your camera picture", render_path="sink")
    qtbot.addWidget(view)
    view.resize(320, 180)
    view.show()
    frame = gradient_frame(64, 36)
    view.set_frame(frame)
    assert view.frames_rendered == 1
    shown = view._sink.videoFrame()
    assert shown.isValid()
    assert (shown.size().width(), shown.size().height()) == (64, 36)
    assert shown.map(QVideoFrame.MapMode.ReadOnly)
    try:
        _, _, (y, _u, _v) = yuv_planes(frame)
        stride = shown.bytesPerLine(0)
        got = np.frombuffer(shown.bits(0), np.uint8)[: 36 * stride].reshape(36, stride)
        assert np.array_equal(got[:, :64], y)
    finally:
        shown.unmap()
    view.set_obscured(True, "overlay")
    assert not view._video_widget.isVisible()
    view.set_obscured(False, "overlay")
    view.clear()
    assert not view._sink.videoFrame().isValid()
