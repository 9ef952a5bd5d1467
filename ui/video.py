"""Showing video: the patient's own camera picture and the specialist's video.

Rules that matter:

- Frames arrive as YUV420P, either an ``av.VideoFrame`` (from aiortc) or a :class:`YuvFrame` of
  numpy planes. Rows may be padded: every copy honours each plane's line size on the way in and
  the destination's ``bytesPerLine`` on the way out.
- *Latest frame wins*: a view keeps one frame, never a queue. A frame that arrives before the
  previous one was drawn replaces it.
- Two ways to draw, chosen once per view (``render_path``):
  ``"sink"`` copies the planes into a ``QVideoFrame`` and hands it to the ``QVideoSink`` of a
  ``QVideoWidget`` (GPU conversion and scaling; the normal path on a kiosk);
  ``"paint"`` converts YUV to RGB and paints it (for platforms with no GPU
  path, such as ``offscreen``, where a ``QVideoWidget`` shows nothing).
  ``"auto"`` picks ``paint`` on the offscreen/minimal platforms, and where OpenGL is Mesa's
  software renderer (llvmpipe: no GPU) or missing; ``sink`` elsewhere. On llvmpipe the sink
  path cost 6x the painted path's CPU (bench/README.md, "The app in the call":
  ``python -m bench.video_paths``). The renderer is asked once, from a throw-away context.
- The paint path converts only in ``paintEvent``, so a frame replaced before the paint is
  never converted, and the picture shown is always the newest frame delivered. An
  ``av.VideoFrame`` is converted by :mod:`ui.swscale` (libswscale: scaled in YUV, then YUV ->
  RGB32) to the size it is shown at, so nothing is scaled in the painter; its width is a
  multiple of 16 (up to 15 px narrower than the space, centred). Nothing is allocated per
  frame: a view converts into its own buffer, reused while the size stays the same, or, when
  Qt paints a new frame into the window's backing store (a ``QImage``, device pixel ratio 1),
  straight into the backing store (no copy; the pixels Qt left out of the paint, under an
  opaque view above, are put back: see :meth:`VideoView._write_direct`). Without libswscale
  through ctypes, PyAV converts (one pass, a new frame each time). A :class:`YuvFrame` goes
  through numpy (:func:`yuv_to_rgb`).
  A mirrored view flips its picture once, when it is converted.
- A ``QVideoWidget`` is a native surface: on X11 it is drawn *over* sibling widgets, so an in-window
  overlay would be hidden behind it. Owners call :meth:`VideoView.set_obscured` while an overlay
  covers the view; the sink path then hides its video widget.
- Surfaces stack in the order they first appeared, not in Qt's stacking order: the specialist's
  video, which arrives after the patient's own, covered the picture-in-picture self view (seen
  under Xvfb by tests/e2e). When a view's surface appears, every view stacked above it among its
  siblings gets a new surface, which appears over it again.
- :meth:`VideoView.clear` forgets the frame (privacy reset): nothing of a visit may stay on screen
  or in memory (the view's buffer and its converter's planes are let go too).
"""

from __future__ import annotations

import ctypes
import logging
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
from av.video.reformatter import VideoReformatter
from PySide6.QtCore import QPoint, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QGuiApplication,
    QImage,
    QOffscreenSurface,
    QOpenGLContext,
    QPainter,
    QPaintEvent,
    QRegion,
    QResizeEvent,
    QTransform,
)
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from ui import swscale

log = logging.getLogger(__name__)

RenderPath = Literal["auto", "sink", "paint"]
PAINT_PLATFORMS: Final = frozenset({"offscreen", "minimal", "vnc"})
#: OpenGL renderers that draw on the CPU (Mesa's llvmpipe, softpipe, the old swrast), in lower
#: case: a ``QVideoWidget`` on one of them costs far more CPU than the painted path.
SOFTWARE_RENDERERS: Final = ("llvmpipe", "softpipe", "software rasterizer", "swrast")
_GL_RENDERER: Final = 0x1F01
#: Backing stores whose pixels are Qt's RGB32 layout with an opaque alpha byte, which
#: libswscale's "bgra" output is.
_DIRECT_FORMATS: Final = frozenset({QImage.Format.Format_RGB32, QImage.Format.Format_ARGB32,
                                    QImage.Format.Format_ARGB32_Premultiplied})

U8 = np.dtype(np.uint8)


@dataclass(frozen=True)
class YuvFrame:
    """A YUV420P frame as numpy planes: ``y`` is height x (>= width), ``u`` and ``v`` are
    ceil(height/2) x (>= ceil(width/2)); extra columns are row padding and are ignored."""

    width: int
    height: int
    y: np.ndarray
    u: np.ndarray
    v: np.ndarray


def yuv_planes(frame: Any) -> tuple[int, int, list[np.ndarray]]:
    """Width, height and the three visible planes (views, no copies) of a YUV420P frame.

    Accepts a :class:`YuvFrame` or an ``av.VideoFrame`` (reformatted to yuv420p if it is not).
    """
    if isinstance(frame, YuvFrame):
        w, h = frame.width, frame.height
        raw = [frame.y, frame.u, frame.v]
    else:
        if frame.format.name != "yuv420p":
            frame = frame.reformat(format="yuv420p")
        w, h = int(frame.width), int(frame.height)
        raw = []
        for plane in frame.planes:
            flat = np.frombuffer(plane, dtype=U8)
            raw.append(flat.reshape(-1, plane.line_size))
    cw, ch = (w + 1) // 2, (h + 1) // 2
    sizes = [(h, w), (ch, cw), (ch, cw)]
    planes = []
    for arr, (rows, cols) in zip(raw, sizes, strict=True):
        if arr.ndim != 2 or arr.shape[0] < rows or arr.shape[1] < cols:
            raise ValueError(f"plane of shape {arr.shape} is smaller than {rows}x{cols}")
        planes.append(arr[:rows, :cols])
    return w, h, planes


def to_video_frame(frame: Any, *, mirrored: bool = False) -> Any:
    """Copy a YUV420P frame into a new ``QVideoFrame`` (Format_YUV420P), row by row, honouring
    the destination's ``bytesPerLine`` padding. ``mirrored`` is set on the frame's format only:
    Qt 6.11's ``QVideoWidget`` reads only the format's flag (the frame's own was ignored: the
    patient saw themselves unmirrored), and ``VideoOutput`` / ``QGraphicsVideoItem`` combine the
    two (both set flipped the picture back)."""
    from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

    w, h, planes = yuv_planes(frame)
    fmt = QVideoFrameFormat(QSize(w, h), QVideoFrameFormat.PixelFormat.Format_YUV420P)
    fmt.setMirrored(mirrored)
    out = QVideoFrame(fmt)
    if not out.map(QVideoFrame.MapMode.WriteOnly):
        raise RuntimeError("could not map a new video frame for writing")
    try:
        for i, src in enumerate(planes):
            stride = out.bytesPerLine(i)
            # Qt rounds odd chroma sizes down; copy what fits (even sizes are always whole).
            rows = min(src.shape[0], out.mappedBytes(i) // stride)
            cols = min(src.shape[1], stride)
            dst = np.frombuffer(out.bits(i), dtype=U8)[: rows * stride].reshape(rows, stride)
            dst[:, :cols] = src[:rows, :cols]  # one strided copy: each row into its padded row
    finally:
        out.unmap()
    return out


def yuv_to_rgb(frame: Any, step: int = 1) -> np.ndarray:
    """Convert a YUV420P frame to an RGB array (rows, cols, 3), BT.601 limited range, taking
    every ``step``-th pixel (1, or an even number to shrink cheaply for small views)."""
    w, h, (y, u, v) = yuv_planes(frame)
    if step > 1:
        half = step // 2
        y = y[::step, ::step]
        u = u[::half, ::half][: y.shape[0], : y.shape[1]]
        v = v[::half, ::half][: y.shape[0], : y.shape[1]]
    else:
        u = np.repeat(np.repeat(u, 2, axis=0), 2, axis=1)[:h, :w]
        v = np.repeat(np.repeat(v, 2, axis=0), 2, axis=1)[:h, :w]
    c = (y.astype(np.int32) - 16) * 298
    d = u.astype(np.int32) - 128
    e = v.astype(np.int32) - 128
    rgb = np.empty((*y.shape, 3), dtype=U8)
    rgb[..., 0] = np.clip((c + 409 * e + 128) >> 8, 0, 255)
    rgb[..., 1] = np.clip((c - 100 * d - 208 * e + 128) >> 8, 0, 255)
    rgb[..., 2] = np.clip((c + 516 * d + 128) >> 8, 0, 255)
    return rgb


def is_software_renderer(renderer: str) -> bool:
    """Whether an OpenGL renderer string is a CPU rasteriser (or empty: no OpenGL at all)."""
    name = renderer.lower()
    return not name or any(soft in name for soft in SOFTWARE_RENDERERS)


_renderer: str | None = None


def opengl_renderer() -> str:
    """The OpenGL renderer Qt's contexts get on this platform ("" if none can be made), asked
    once from a context made for the question and let go at once (about 40 ms on llvmpipe).
    Not on the offscreen platform: it has no OpenGL (asking there crashes)."""
    global _renderer
    if _renderer is None:
        _renderer = ""
        context = QOpenGLContext()
        if context.create():
            surface = QOffscreenSurface()
            surface.setFormat(context.format())
            surface.create()
            if context.makeCurrent(surface):
                _renderer = str(context.functions().glGetString(_GL_RENDERER) or "")
                context.doneCurrent()
            surface.destroy()
    return _renderer


def choose_render_path(requested: RenderPath = "auto") -> Literal["sink", "paint"]:
    if requested != "auto":
        return requested
    if QGuiApplication.platformName() in PAINT_PLATFORMS:
        return "paint"
    first = _renderer is None
    renderer = opengl_renderer()
    path: Literal["sink", "paint"] = "paint" if is_software_renderer(renderer) else "sink"
    if first:
        log.info("video: OpenGL renderer %r, frames shown by the %s path", renderer, path)
    return path


class VideoView(QWidget):
    """One video picture, letterboxed, with a placeholder text when there is no picture.

    Signals: none (it only shows). ``frames_rendered`` counts frames handed to the sink (sink
    path) or painted (paint path); ``conversions`` counts YUV -> RGB conversions (paint path: one
    per frame painted, and one more for a repaint that needs the picture again, e.g. an expose),
    ``direct_writes`` those written straight into the backing store.
    """

    def __init__(
        self,
        accessible_name: str = "",
        *,
        mirrored: bool = False,
        render_path: RenderPath = "auto",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.render_path = choose_render_path(render_path)
        self.mirrored = mirrored
        self.frames_rendered = 0
        self.conversions = 0
        self.direct_writes = 0
        self._frame: Any = None  # latest frame not yet drawn (paint path)
        self._shown: Any = None  # the frame on screen (paint path), to draw it again
        self._image: QImage | None = None  # self._shown converted, or None (paint path)
        self._buffer: QImage | None = None  # the view's own picture buffer, reused (paint path)
        self._pixels: Any = None  # the memory self._buffer (or self._image) is a view of
        self._drawn_at: QRect | None = None  # where the picture was last drawn (paint path)
        self._reformatter = VideoReformatter()
        self._scaler: swscale.FrameScaler | None = None
        self._sizes: dict[tuple[int, int, float], QSize] = {}  # see _picture_size
        self._has_picture = False
        self._obscured: set[str] = set()
        self.setProperty("role", "video")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAccessibleName(accessible_name)
        self.placeholder = QLabel(self)
        self.placeholder.setProperty("role", "video_text")
        self.placeholder.setTextFormat(Qt.TextFormat.PlainText)
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._video_widget: Any = None
        self._sink: Any = None
        if self.render_path == "sink":
            self._make_surface()
        else:
            self._keep_opaque()

    def _make_surface(self) -> None:
        from PySide6.QtMultimediaWidgets import QVideoWidget

        self._video_widget = QVideoWidget(self)
        self._video_widget.setAspectRatioMode(Qt.AspectRatioMode.KeepAspectRatio)
        self._video_widget.setGeometry(self.rect())
        self._video_widget.hide()
        self._sink = self._video_widget.videoSink()

    # ----- API --------------------------------------------------------------------------------

    def set_frame(self, frame: Any) -> None:
        """Show this frame (YUV420P ``av.VideoFrame`` or :class:`YuvFrame`), replacing any
        frame not yet drawn."""
        if self.render_path == "sink":
            self._sink.setVideoFrame(to_video_frame(frame, mirrored=self.mirrored))
            self.frames_rendered += 1
            self._set_has_picture(True)
        else:
            first = self._frame is None and self._shown is None
            self._frame = frame
            if first:
                self._sync_children()  # the placeholder goes
            # Where the last picture went: a new one of the same size leaves the bars as they are.
            self.update(self._drawn_at if self._drawn_at is not None else self.rect())

    def clear(self) -> None:
        """Forget every frame and show the placeholder (privacy reset)."""
        self._frame = self._shown = None
        self._image = self._buffer = self._pixels = self._drawn_at = None
        if self._scaler is not None:
            self._scaler.close()  # its planes hold the last picture too
        if self._sink is not None and self._has_picture:
            from PySide6.QtMultimedia import QVideoFrame

            self._sink.setVideoFrame(QVideoFrame())
        self._set_has_picture(False)
        self.update()

    def has_picture(self) -> bool:
        return self._has_picture or self._frame is not None

    def set_placeholder(self, text: str) -> None:
        """What to show when there is no picture (e.g. "Your camera is off")."""
        if self.placeholder.text() != text:
            self.placeholder.setText(text)

    def set_obscured(self, obscured: bool, reason: str = "overlay") -> None:
        """An overlay covers this view: hide the native video surface until every overlay that
        covered it (each named by ``reason``) has gone."""
        before = bool(self._obscured)
        if obscured:
            self._obscured.add(reason)
        else:
            self._obscured.discard(reason)
        if bool(self._obscured) != before:
            self._sync_children()

    def is_obscured(self) -> bool:
        return bool(self._obscured)

    def latest_image(self) -> QImage | None:
        """The last picture painted (paint path), for tests."""
        if self._shown is not None and self._image is None:
            self._image = self._convert(self._shown, self._picture_size(self._shown))
        return self._image

    # ----- drawing ----------------------------------------------------------------------------

    def _set_has_picture(self, has: bool) -> None:
        if has != self._has_picture:
            self._has_picture = has
            self._sync_children()
            if has and self._video_widget is not None:
                self._restack_views_above()

    def _restack_views_above(self) -> None:
        """This view's surface has just appeared, over every other: give the sibling views
        stacked above it new surfaces, so they are drawn over it again (see the module rules)."""
        parent = self.parentWidget()
        if parent is None:
            return
        views = [w for w in parent.children() if isinstance(w, VideoView)]  # bottom to top
        for view in views[views.index(self) + 1:]:
            view._renew_surface()

    def _renew_surface(self) -> None:
        old = self._video_widget
        if old is None or not old.isVisible():
            return  # no surface shown yet: it will appear over the others when it does
        old.hide()
        old.deleteLater()
        self._make_surface()  # empty until the next frame (a few ms at 30 fps)
        self._sync_children()

    def _sync_children(self) -> None:
        self.placeholder.setVisible(not self._has_picture and self._frame is None)
        if self._video_widget is not None:
            self._video_widget.setVisible(self._has_picture and not self._obscured)

    def _keep_opaque(self) -> None:
        """paintEvent fills every pixel: Qt need not paint the parents beneath the view first.
        A style sheet's polish clears the attribute, so each paint sets it again if it has gone
        (one test; overriding ``event()`` for the polish put every event through Python)."""
        if not self.testAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent):
            self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._drawn_at = None
        self._sizes.clear()
        self.placeholder.setGeometry(self.rect())
        if self._video_widget is not None:
            self._video_widget.setGeometry(self.rect())

    def _picture_size(self, frame: Any) -> QSize:
        """The size (device pixels) a frame is converted to: fitted to the view, the width a
        multiple of 16 (libswscale's step, :mod:`ui.swscale`) and the height even. Kept per
        frame size and device pixel ratio until the view is resized."""
        ratio = self.devicePixelRatioF()
        key = (int(frame.width), int(frame.height), ratio)
        known = self._sizes.get(key)
        if known is None:
            known = self._sizes[key] = self._fit(frame, ratio)
        return known

    def _fit(self, frame: Any, ratio: float) -> QSize:
        box = QRect(0, 0, round(self.width() * ratio), round(self.height() * ratio))
        shown = fit_rect(QSize(int(frame.width), int(frame.height)), box)
        step = swscale.WIDTH_STEP
        w = max(step, shown.width() // step * step)
        h = max(2, (shown.height() * w // max(1, shown.width())) & ~1)
        return QSize(w, h)

    def _converter(self) -> swscale.FrameScaler | None:
        if self._scaler is None:
            lib = swscale.load()
            if lib is not None:
                self._scaler = swscale.FrameScaler(lib)
        return self._scaler

    def _convert(self, frame: Any, size: QSize) -> QImage:
        """``frame`` as a picture of ``size``, in this view's own buffer (reused while the size
        stays the same)."""
        self.conversions += 1
        if isinstance(frame, YuvFrame):
            return self._convert_numpy(frame)
        w, h = size.width(), size.height()
        scaler = self._converter()
        if scaler is None:  # no libswscale through ctypes: PyAV, a new frame each time
            rgb = self._reformatter.reformat(frame, width=w, height=h, format="bgra")
            self._pixels = rgb  # the QImage below reads this frame's memory: keep it with it
            image = QImage(memoryview(rgb.planes[0]), w, h, int(rgb.planes[0].line_size),
                           QImage.Format.Format_RGB32)
            if self.mirrored:
                image = image.flipped(Qt.Orientation.Horizontal)
            image.setDevicePixelRatio(self.devicePixelRatioF())
            return image
        if self._buffer is None or self._buffer.size() != size:
            # Rows padded to 64 bytes, and slack after the last row.
            stride = -(-w * 4 // 64) * 64
            self._pixels = np.zeros(stride * h + 256, np.uint8)
            self._buffer = QImage(self._pixels.data, w, h, stride, QImage.Format.Format_RGB32)
        scaler.convert_into(frame, int(self._pixels.ctypes.data), self._buffer.bytesPerLine(), w,
                            h, mirrored=self.mirrored)
        self._buffer.setDevicePixelRatio(self.devicePixelRatioF())
        return self._buffer

    def _convert_numpy(self, frame: YuvFrame) -> QImage:
        w, h, _ = yuv_planes(frame)
        step = 1
        while step < 8 and w // (step * 2) >= self.width() and h // (step * 2) >= self.height():
            step *= 2
        rgb = yuv_to_rgb(frame, step)
        rgb = np.ascontiguousarray(rgb[:, ::-1] if self.mirrored else rgb)
        rows, cols, _ = rgb.shape
        return QImage(rgb.data, cols, rows, cols * 3, QImage.Format.Format_RGB888).copy()

    def _write_direct(self, painter: QPainter, event: QPaintEvent, target: QRect,
                      size: QSize) -> bool:
        """Convert the new frame straight into the window's backing store, if that is exact.

        It is when Qt is painting into a ``QImage`` backing store of an RGB32 layout with no
        scaling (device pixel ratio 1), the picture lies inside it, and the paint was asked for
        by :meth:`set_frame` for this very rectangle. Qt leaves out of the paint's region the
        parts of the picture under an opaque widget above (the patient's own picture over the
        specialist's) and does not repaint that widget: those pixels are saved before the
        conversion and put back after it, so nothing outside the region changes (if they are
        more than a quarter of the picture, the view's own buffer and the painter are used).
        Anything else (``grab()``, a high-DPI screen, a repaint of part of the view) goes
        through the view's own buffer and the painter.
        """
        scaler = self._converter()
        engine = painter.paintEngine()
        device = engine.paintDevice() if engine is not None else None
        if (scaler is None or not scaler.exact or not isinstance(device, QImage)
                or device.format() not in _DIRECT_FORMATS or self.devicePixelRatioF() != 1.0):
            return False
        transform = painter.deviceTransform()
        if transform.type() not in (QTransform.TransformationType.TxNone,
                                    QTransform.TransformationType.TxTranslate):
            return False
        dx, dy = transform.dx(), transform.dy()
        if dx != int(dx) or dy != int(dy):
            return False
        offset = QPoint(int(dx), int(dy))
        at = target.translated(offset)
        if not device.rect().contains(at):
            return False
        outside: Any = QRegion(target) - event.region()  # iterable (its rectangles)
        kept: list[QRect] = list(outside)
        if sum(r.width() * r.height() for r in kept) * 4 > target.width() * target.height():
            return False
        stride = device.bytesPerLine()
        base = device.bits()  # the backing store's own pixels (not shared: no copy is made)
        saved = []
        if kept:
            rows = np.frombuffer(base, np.uint8).reshape(-1, stride)
            for r in kept:
                r = r.translated(offset)
                block = rows[r.top():r.bottom() + 1, r.left() * 4:(r.right() + 1) * 4]
                saved.append((block, block.copy()))
        pointer = ctypes.addressof(ctypes.c_char.from_buffer(base)) + at.y() * stride + at.x() * 4
        scaler.convert_into(self._shown, pointer, stride, size.width(), size.height(),
                            mirrored=self.mirrored)
        for block, pixels in saved:
            block[...] = pixels
        self.conversions += 1
        self.direct_writes += 1
        return True

    def paintEvent(self, event: QPaintEvent) -> None:
        if self.render_path == "sink":
            super().paintEvent(event)
            return
        new = self._frame
        if new is not None:
            self._frame = None
            self._shown = new
            self._image = None  # the buffer holds the previous frame until converted again
            self.frames_rendered += 1
            self._set_has_picture(True)
        self._keep_opaque()
        painter = QPainter(self)
        if self._shown is None:
            painter.fillRect(self.rect(), self.palette().color(self.backgroundRole()))
            painter.end()
            return
        if isinstance(self._shown, YuvFrame):  # numpy's picture, scaled by the painter
            if self._image is None:
                self._image = self._convert(self._shown, self.size())
            target = fit_rect(self._image.size(), self.rect())
            size = None
        else:  # converted at the size it is shown at: drawn as it is, centred
            size = self._picture_size(self._shown)
            ratio = self.devicePixelRatioF()
            w, h = round(size.width() / ratio), round(size.height() / ratio)
            target = QRect((self.width() - w) // 2, (self.height() - h) // 2, w, h)
        asked = target == self._drawn_at
        if not asked:
            self._drawn_at = target
            self.update()  # the bars around a picture of another size: next paint
        bars = event.region() - QRegion(target)
        if not bars.isEmpty():  # a new frame of the same size repaints only the picture
            painter.setClipRegion(bars)
            painter.fillRect(self.rect(), self.palette().color(self.backgroundRole()))
            painter.setClipping(False)
        if size is None:
            assert self._image is not None
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            painter.drawImage(QRectF(target), self._image)
        elif not (new is not None and asked and self._write_direct(painter, event, target, size)):
            if self._image is None:
                self._image = self._convert(self._shown, size)
            painter.drawImage(target.topLeft(), self._image)
        painter.end()


def fit_rect(source: QSize, bounds: QRect) -> QRect:
    """The largest rectangle of ``source``'s aspect ratio centred in ``bounds``."""
    if source.isEmpty() or bounds.isEmpty():
        return QRect(bounds)
    scaled = source.scaled(bounds.size(), Qt.AspectRatioMode.KeepAspectRatio)
    x = bounds.x() + (bounds.width() - scaled.width()) // 2
    y = bounds.y() + (bounds.height() - scaled.height()) // 2
    return QRect(x, y, scaled.width(), scaled.height())
