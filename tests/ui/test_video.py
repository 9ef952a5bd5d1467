"""Video views: real YUV420P frames (padded rows included) into a QVideoFrame or a painted
picture, latest frame wins (a frame replaced before the paint is never converted), the picture
written straight into the window's backing store under the views above it, one reused buffer,
and a privacy clear that forgets everything."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage
from PySide6.QtMultimedia import QVideoFrame
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.media.synthetic import TestPatternTrack
from tests.e2e import kiosk_driver
from tests.ui.support import solid_frame
from ui import swscale
from ui.video import (
    VideoView,
    YuvFrame,
    choose_render_path,
    is_software_renderer,
    to_video_frame,
    yuv_planes,
    yuv_to_rgb,
)

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


# ----- the painted path: convert only what is shown, into reused memory -------------------------


def backing_store_color(widget: QWidget, x: int, y: int) -> QColor:
    """The colour Qt has in the window's backing store at the widget's (x, y): what the screen
    would be sent, whatever path the view took to put it there."""
    top = widget.window()
    image = top.backingStore().paintDevice()
    assert isinstance(image, QImage)
    return image.pixelColor(widget.mapTo(top, QPoint(x, y)))


@pytest.fixture
def call_area(qtbot: QtBot) -> tuple[QWidget, VideoView, VideoView]:
    """The call screen's arrangement: the specialist's view filling an area, the patient's own
    mirrored view stacked over its lower right corner."""
    area = QWidget()
    qtbot.addWidget(area)
    area.resize(640, 360)
    remote = VideoView(render_path="paint", parent=area)
    remote.setGeometry(0, 0, 640, 360)
    own = VideoView(mirrored=True, render_path="paint", parent=area)
    own.setGeometry(440, 220, 192, 108)
    area.show()
    qtbot.waitExposed(area)
    return area, remote, own


def test_frames_replaced_before_the_paint_are_never_converted(
        qtbot: QtBot, call_area: tuple[QWidget, VideoView, VideoView]) -> None:
    _area, remote, _own = call_area
    for rgb in ((200, 30, 30), (30, 160, 30), (30, 30, 200)):
        remote.set_frame(solid_frame(320, 240, rgb))  # all before the next paint
    qtbot.waitUntil(lambda: remote.frames_rendered == 1)
    assert remote.conversions == 1
    assert close_to(backing_store_color(remote, 320, 180), (30, 30, 200))  # the newest
    remote.set_frame(solid_frame(320, 240, (30, 160, 30)))
    qtbot.waitUntil(lambda: remote.frames_rendered == 2)
    assert remote.conversions == 2
    assert close_to(backing_store_color(remote, 320, 180), (30, 160, 30))


def test_the_picture_goes_straight_into_the_backing_store_under_the_view_above(
        qtbot: QtBot, call_area: tuple[QWidget, VideoView, VideoView]) -> None:
    _area, remote, own = call_area
    left = np.zeros((120, 160, 3), np.uint8)
    left[:, :80] = (220, 40, 40)
    left[:, 80:] = (40, 40, 220)
    own.set_frame(av.VideoFrame.from_ndarray(left, format="rgb24").reformat(format="yuv420p"))
    remote.set_frame(solid_frame(320, 240, (30, 160, 30)))
    qtbot.waitUntil(lambda: remote.frames_rendered == 1 and own.frames_rendered == 1)
    for n, rgb in enumerate(((200, 200, 30), (30, 160, 160)), start=2):
        remote.set_frame(solid_frame(320, 240, rgb))  # the specialist's video moves on alone
        qtbot.waitUntil(lambda: remote.frames_rendered == n)  # noqa: B023 (waited on at once)
        assert close_to(backing_store_color(remote, 200, 100), rgb)
        # The patient's own picture, stacked above, is whole (and still mirrored) on top of it.
        assert close_to(backing_store_color(own, 60, 54), (40, 40, 220), tolerance=12)
        assert close_to(backing_store_color(own, 132, 54), (220, 40, 40), tolerance=12)
    assert remote.direct_writes >= 2  # offscreen at ratio 1: no copy through the painter
    # Picture 4:3 in a 16:9 view: the bars beside it are the view's background.
    background = remote.palette().color(remote.backgroundRole())
    assert backing_store_color(remote, 10, 100) == background


def test_a_repaint_without_a_new_frame_draws_the_same_picture_again(
        qtbot: QtBot, call_area: tuple[QWidget, VideoView, VideoView]) -> None:
    _area, remote, _own = call_area
    remote.set_frame(solid_frame(320, 240, (200, 30, 30)))
    qtbot.waitUntil(lambda: remote.frames_rendered == 1)
    remote.repaint(QRect(100, 100, 50, 50))  # e.g. an overlay going away: part of the view
    assert remote.frames_rendered == 1
    assert close_to(backing_store_color(remote, 120, 120), (200, 30, 30))
    first = remote.latest_image()
    assert first is not None
    address = np.frombuffer(first.constBits(), np.uint8).ctypes.data
    remote.set_frame(solid_frame(320, 240, (30, 30, 200)))
    qtbot.waitUntil(lambda: remote.frames_rendered == 2)
    again = remote.latest_image()
    assert again is not None
    assert close_to(again.pixelColor(again.width() // 2, again.height() // 2), (30, 30, 200))
    # The same memory: a view converts into one buffer while its size stays the same.
    assert np.frombuffer(again.constBits(), np.uint8).ctypes.data == address


def test_the_painted_view_stays_opaque_after_a_style_sheet(
        qtbot: QtBot, call_area: tuple[QWidget, VideoView, VideoView]) -> None:
    area, remote, _own = call_area
    opaque = Qt.WidgetAttribute.WA_OpaquePaintEvent
    assert remote.testAttribute(opaque)
    area.setStyleSheet("QWidget { padding: 2px; }")  # a box: Qt's polish clears the attribute
    remote.ensurePolished()
    assert not remote.testAttribute(opaque)
    remote.set_frame(solid_frame(320, 240, (200, 30, 30)))
    qtbot.waitUntil(lambda: remote.frames_rendered == 1)
    # Set again (if the polish cleared it): Qt does not paint the parents beneath it each frame.
    assert remote.testAttribute(opaque)


def test_clear_lets_go_of_every_copy_of_the_picture(
        qtbot: QtBot, call_area: tuple[QWidget, VideoView, VideoView]) -> None:
    _area, remote, _own = call_area
    remote.set_frame(solid_frame(320, 240, (200, 30, 30)))
    qtbot.waitUntil(lambda: remote.frames_rendered == 1)
    assert remote.latest_image() is not None
    remote.clear()
    assert remote.latest_image() is None
    scaler = remote._scaler
    assert scaler is not None
    assert scaler.holds_nothing()
    qtbot.waitUntil(lambda: not close_to(backing_store_color(remote, 320, 180), (200, 30, 30),
                                         tolerance=40))


# ----- ui.swscale ------------------------------------------------------------------------------


def test_two_pass_conversion_matches_pyav_and_writes_only_the_picture() -> None:
    lib = swscale.load()
    assert lib is not None, "libswscale through ctypes (PyAV's own copy) should load"
    assert lib.exact  # widths of 16-pixel steps are written exactly: direct writes are safe
    scaler = swscale.FrameScaler(lib)
    frame = TestPatternTrack(640, 480).make_frame(7)  # bars, a ramp and the marker's blocks
    for width, height in ((992, 744), (336, 252), (640, 480)):
        pad = 64
        stride = width * 4 + 2 * pad
        buf = np.full((height + 2, stride), 0xA5, np.uint8)
        scaler.convert_into(frame, buf.ctypes.data + stride + pad, stride, width, height)
        picture = buf[1:height + 1, pad:pad + width * 4].reshape(height, width, 4)
        outside = np.ones(buf.shape, bool)
        outside[1:height + 1, pad:pad + width * 4] = False
        assert (buf[outside] == 0xA5).all(), f"{width}x{height}: written past the picture"
        expected = frame.reformat(width=width, height=height, format="bgra").to_ndarray()
        diff = np.abs(picture[..., :3].astype(int) - expected[..., :3])
        assert diff.mean() < 2, f"{width}x{height}: mean difference {diff.mean():.2f}"
        assert (picture[..., 3] == 255).all()
        mirrored = np.empty_like(buf)
        scaler.convert_into(frame, mirrored.ctypes.data + stride + pad, stride, width, height,
                            mirrored=True)
        flipped = mirrored[1:height + 1, pad:pad + width * 4].reshape(height, width, 4)
        assert np.array_equal(flipped, picture[:, ::-1])
    assert scaler.conversions == 6
    scaler.close()
    assert scaler.holds_nothing()


# ----- choosing the path: what the machine's OpenGL really is ----------------------------------


@pytest.mark.parametrize(("renderer", "software"), [
    ("llvmpipe (LLVM 15.0.6, 256 bits)", True),  # Debian 12's Mesa with no GPU (Xvfb here)
    ("softpipe", True),
    ("Software Rasterizer", True),
    ("", True),  # no OpenGL context at all: a QVideoWidget would show nothing
    ("Mesa Intel(R) UHD Graphics 620 (KBL GT2)", False),
    ("AMD Radeon RX 6600 (radeonsi, navi23, LLVM 15.0.6, DRM 3.49, 6.1.0-13-amd64)", False),
    ("V3D 4.2", False),  # a Raspberry Pi 4
])
def test_software_opengl_is_told_from_a_gpu(renderer: str, software: bool) -> None:
    assert is_software_renderer(renderer) is software


XCB_SCRIPT = """
import json
import av
import numpy as np
from PySide6.QtCore import QDeadlineTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from ui.video import VideoView, choose_render_path, opengl_renderer

app = QApplication([])
path = choose_render_path("auto")
rgb = np.zeros((48, 64, 3), np.uint8)
rgb[:, :32] = (230, 20, 20)  # left half red, right half blue
rgb[:, 32:] = (20, 20, 230)
frame = av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")
view = VideoView(mirrored=True, render_path="sink")
view.setGeometry(0, 0, 320, 240)
view.show()
view.set_frame(frame)
deadline = QDeadlineTimer(15000)
left = right = None
while not deadline.hasExpired():  # until the native surface shows the frame
    app.processEvents()
    shot = QGuiApplication.primaryScreen().grabWindow(0, 0, 0, 320, 240).toImage()
    left, right = shot.pixelColor(100, 120), shot.pixelColor(220, 120)
    if left.saturation() > 150 and right.saturation() > 150:
        break
print(json.dumps({"auto": path, "renderer": opengl_renderer(),
                  "left": [left.red(), left.blue()], "right": [right.red(), right.blue()]}))
"""


def test_on_mesa_without_a_gpu_auto_paints_and_the_sink_path_mirrors(tmp_path: Path) -> None:
    """A real X server (Xvfb) with Mesa's llvmpipe, as a kiosk with no GPU: ``auto`` picks the
    painted path (a QVideoWidget cost 6x its CPU there), and a QVideoWidget asked for shows
    the patient's own picture mirrored (QVideoWindow ignored the frame's own mirrored flag)."""
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed (Debian package xvfb; scripts/system-deps)")
    with kiosk_driver.x_server(tmp_path / "xvfb.log") as x:
        done = subprocess.run(
            [sys.executable, "-c", XCB_SCRIPT], capture_output=True, text=True, timeout=60,
            env={**os.environ, **x.env()}, cwd=Path(__file__).resolve().parents[2])
    assert done.returncode == 0, done.stderr[-2000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert "llvmpipe" in got["renderer"], got
    assert got["auto"] == "paint"
    assert got["left"][1] > 150 > got["left"][0], got  # blue on the left: mirrored
    assert got["right"][0] > 150 > got["right"][1], got
