"""libswscale through ctypes: a YUV420P frame to Qt's RGB32, at the size it is shown, written
into memory the caller owns (a reused ``QImage``, or the window's backing store).

Rules that matter:

- Two passes, because they cost half of one (bench/README.md, "The app in the call"): a
  bilinear scale that stays in YUV420P (libswscale's SIMD planar scaler; 1.5 bytes a pixel)
  into a buffer this object keeps, then libswscale's unscaled YUV->RGB32 (its SIMD converter)
  straight into the destination. Measured for 640x480 -> 1000x750: 0.51 ms against 1.03 ms for
  the one-pass scaled conversion, same picture (mean difference 0.2 of 255). When the size does
  not change, the first pass is skipped.
- Nothing is allocated per frame: the intermediate planes are reused while the sizes stay the
  same, and the destination is the caller's.
- ``mirrored`` flips the picture left to right in the intermediate YUV planes (the patient's own
  picture, shown as in a mirror), so the destination is still written in one pass.
- Widths are multiples of :data:`WIDTH_STEP` (16): libswscale's SIMD converter writes whole
  16-pixel steps, so a picture of any other width is written past its right edge (and past its
  buffer's end on the last row). :func:`load` checks this once on a buffer with guard bytes
  around it; ``exact`` is False if this build writes past the edge even so, and callers then
  convert only into their own padded buffers.
- The output is BT.601 limited range, libswscale's default, as ``av.VideoFrame.reformat`` gives.
- The libraries are the ones PyAV itself loaded (its wheel's ``av.libs``) or the system's; if
  neither can be loaded, :func:`load` returns None and callers use PyAV instead.
- Only the GUI thread uses a :class:`FrameScaler` (one per view); it holds libswscale contexts,
  freed by :meth:`FrameScaler.close` or when it is collected.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import os
from typing import Any, Final

import av
import numpy as np

SWS_BILINEAR: Final = 2
WIDTH_STEP: Final = 16
_ALIGN: Final = 64  # libswscale's SIMD code is fastest (and quiet) with 64-byte aligned rows
_PADDING: Final = 256

_Pointers = ctypes.c_void_p * 4
_Strides = ctypes.c_int * 4


class _Lib:
    """The libswscale functions used here, typed."""

    def __init__(self, sws: ctypes.CDLL, avutil: ctypes.CDLL) -> None:
        sws.sws_getCachedContext.restype = ctypes.c_void_p
        sws.sws_getCachedContext.argtypes = [
            ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int,
            ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p,
            ctypes.c_void_p]
        sws.sws_scale.restype = ctypes.c_int
        sws.sws_scale.argtypes = [ctypes.c_void_p, _Pointers, _Strides, ctypes.c_int,
                                  ctypes.c_int, _Pointers, _Strides]
        sws.sws_freeContext.restype = None
        sws.sws_freeContext.argtypes = [ctypes.c_void_p]
        avutil.av_get_pix_fmt.restype = ctypes.c_int
        avutil.av_get_pix_fmt.argtypes = [ctypes.c_char_p]
        self.get_context = sws.sws_getCachedContext
        self.scale = sws.sws_scale
        self.free_context = sws.sws_freeContext
        self.yuv420p = int(avutil.av_get_pix_fmt(b"yuv420p"))
        self.bgra = int(avutil.av_get_pix_fmt(b"bgra"))  # Qt's RGB32 on a little-endian machine
        if self.yuv420p < 0 or self.bgra < 0:
            raise OSError("libavutil does not know yuv420p or bgra")
        self.exact = True  # set by load() after its check


def _find(name: str) -> str | None:
    """PyAV's own copy of ``lib<name>`` (its wheel's av.libs), else the system's."""
    bundled = os.path.join(os.path.dirname(os.path.dirname(av.__file__)), "av.libs")
    found = sorted(glob.glob(os.path.join(bundled, f"lib{name}-*.so*")))
    return found[0] if found else ctypes.util.find_library(name)


_loaded: _Lib | None = None
_tried = False


def load() -> _Lib | None:
    """libswscale and libavutil, loaded once; None where they cannot be found."""
    global _loaded, _tried
    if not _tried:
        _tried = True
        paths = _find("swscale"), _find("avutil")
        if paths[0] is not None and paths[1] is not None:
            try:
                _loaded = _Lib(ctypes.CDLL(paths[0]), ctypes.CDLL(paths[1]))
            except (OSError, AttributeError):
                _loaded = None
        if _loaded is not None:
            _loaded.exact = _writes_exactly(_loaded)
    return _loaded


def _writes_exactly(lib: _Lib) -> bool:
    """Whether a conversion to widths of :data:`WIDTH_STEP` leaves every byte outside the
    picture alone (guard bytes all round, a row wider than the picture)."""
    frame = av.VideoFrame(64, 48, "yuv420p")
    scaler = FrameScaler(lib)
    try:
        for width, height, mirrored in ((16, 2, False), (48, 36, True), (64, 48, False)):
            pad = 64
            stride = width * 4 + 2 * pad
            buf = np.full((height + 2, stride), 0xA5, np.uint8)
            scaler.convert_into(frame, buf.ctypes.data + stride + pad, stride, width, height,
                                mirrored=mirrored)
            outside = np.ones(buf.shape, bool)
            outside[1:height + 1, pad:pad + width * 4] = False
            if (buf[outside] != 0xA5).any():
                return False
    finally:
        scaler.close()
    return True


def _aligned(size: int) -> np.ndarray:
    """``size`` bytes starting on an :data:`_ALIGN` boundary, with :data:`_PADDING` more after
    them (libswscale's SIMD code may write a little past a plane's last row, as FFmpeg's own
    buffers allow)."""
    raw = np.empty(size + _ALIGN + _PADDING, np.uint8)
    start = -raw.ctypes.data % _ALIGN
    return raw[start:start + size]


class _Planes:
    """Three YUV420P planes of one size, each row padded to :data:`_ALIGN` bytes."""

    def __init__(self, width: int, height: int) -> None:
        self.size = (width, height)
        cw, ch = (width + 1) // 2, (height + 1) // 2
        self.strides = [-(-width // _ALIGN) * _ALIGN, -(-cw // _ALIGN) * _ALIGN,
                        -(-cw // _ALIGN) * _ALIGN]
        shapes = [(height, width), (ch, cw), (ch, cw)]
        self.arrays = [_aligned(rows * stride).reshape(rows, stride)
                       for (rows, _), stride in zip(shapes, self.strides, strict=True)]
        self.views = [a[:rows, :cols] for a, (rows, cols) in zip(self.arrays, shapes, strict=True)]
        self.pointers = _Pointers(*(a.ctypes.data for a in self.arrays), None)
        self.c_strides = _Strides(*self.strides, 0)


def _reverse_rows(dst: np.ndarray, src: np.ndarray) -> None:
    """``dst[:] = src[:, ::-1]`` for uint8 rows: eight bytes at a time where the width allows
    (the words in reverse order, each byte-swapped), eight times faster than byte by byte."""
    if src.shape[1] % 8 == 0:
        dst.view("<u8")[...] = src.view(">u8")[:, ::-1]
    else:
        np.copyto(dst, src[:, ::-1])


class FrameScaler:
    """Converts YUV420P ``av.VideoFrame`` s to RGB32 at a given size into the caller's memory.

    ``conversions`` counts frames converted (tests use it: a frame replaced before it was shown
    must never be converted).
    """

    def __init__(self, lib: _Lib) -> None:
        self._lib = lib
        self._resize: Any = None  # libswscale context: YUV420P at the source size -> shown size
        self._to_rgb: Any = None  # libswscale context: YUV420P -> RGB32, same size
        self._scaled: _Planes | None = None
        self._flipped: _Planes | None = None
        self.conversions = 0

    def convert_into(self, frame: av.VideoFrame, pointer: int, stride: int, width: int,
                     height: int, *, mirrored: bool = False) -> None:
        """Write ``frame`` scaled to ``width`` x ``height`` (even) as RGB32 rows of ``stride``
        bytes from ``pointer`` (memory the caller keeps alive and writable for the call)."""
        lib = self._lib
        if frame.format.name != "yuv420p":
            frame = frame.reformat(format="yuv420p")
        src_w, src_h = int(frame.width), int(frame.height)
        planes = frame.planes
        src = _Pointers(planes[0].buffer_ptr, planes[1].buffer_ptr, planes[2].buffer_ptr, None)
        src_strides = _Strides(planes[0].line_size, planes[1].line_size, planes[2].line_size, 0)
        if (src_w, src_h) != (width, height) or mirrored:
            scaled = self._planes("_scaled", width, height)
            self._resize = lib.get_context(self._resize, src_w, src_h, lib.yuv420p, width,
                                           height, lib.yuv420p, SWS_BILINEAR, None, None, None)
            lib.scale(self._resize, src, src_strides, 0, src_h, scaled.pointers,
                      scaled.c_strides)
            if mirrored:
                flipped = self._planes("_flipped", width, height)
                for dst, source in zip(flipped.views, scaled.views, strict=True):
                    _reverse_rows(dst, source)
                scaled = flipped
            src, src_strides = scaled.pointers, scaled.c_strides
        self._to_rgb = lib.get_context(self._to_rgb, width, height, lib.yuv420p, width, height,
                                       lib.bgra, SWS_BILINEAR, None, None, None)
        lib.scale(self._to_rgb, src, src_strides, 0, height, _Pointers(pointer, None, None, None),
                  _Strides(stride, 0, 0, 0))
        self.conversions += 1

    @property
    def exact(self) -> bool:
        """Whether conversions write nothing past the picture (:func:`load`'s check)."""
        return self._lib.exact

    def _planes(self, name: str, width: int, height: int) -> _Planes:
        planes: _Planes | None = getattr(self, name)
        if planes is None or planes.size != (width, height):
            planes = _Planes(width, height)
            setattr(self, name, planes)
        return planes

    def holds_nothing(self) -> bool:
        """True when no intermediate planes (which hold the last picture) are kept."""
        return self._scaled is None and self._flipped is None

    def close(self) -> None:
        """Free the libswscale contexts and the intermediate planes (the scaler can still be
        used: they are made again)."""
        for name in ("_resize", "_to_rgb"):
            ctx = getattr(self, name)
            if ctx:
                self._lib.free_context(ctx)
            setattr(self, name, None)
        self._scaled = self._flipped = None

    def __del__(self) -> None:
        self.close()
