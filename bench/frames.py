"""Camera frame to encoder frame: what one frame costs, through RGB (before) and without (now).

    python -m bench.frames [--frames 200] [--json]

A synthetic camera: ``QVideoFrame`` objects made here in the layouts cameras and Qt's FFmpeg
backend deliver (NV12, YUYV, YUV420P), carrying the kiosk's moving test pattern
(``kiosk.media.synthetic``), at 640x480 and 1280x720. Each frame is turned into what the
encoder takes (a YUV420P ``av.VideoFrame`` at the send size) two ways, side by side in one run:

- *RGB round trip* (before): ``QVideoFrame.toImage()`` (YUV -> RGB in Qt), ``QImage.scaled`` when
  the size differs, RGB888, then PyAV RGB -> YUV420P (``ui.devices.qimage_to_video_frame``).
- *YUV* (now): the planes copied once into a PyAV frame and one libswscale pass to YUV420P at
  the send size, with one libswscale context kept for the camera
  (``ui.devices.qvideoframe_to_video_frame``).

Figures: median and p95 milliseconds per frame (process CPU time, one thread), and the ratio.
The send size is the source size, and 640x480 (the kiosk's default) for the 720p source.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

import av
import numpy as np
from av.video.reformatter import VideoReformatter
from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtMultimedia import QVideoFrame, QVideoFrameFormat

from kiosk.media.synthetic import TestPatternTrack
from ui.devices import qimage_to_video_frame, qvideoframe_to_video_frame

PF = QVideoFrameFormat.PixelFormat
LAYOUTS = {"NV12": (PF.Format_NV12, "nv12"), "YUYV": (PF.Format_YUYV, "yuyv422"),
           "YUV420P": (PF.Format_YUV420P, "yuv420p")}
CASES = (((640, 480), (640, 480)), ((1280, 720), (1280, 720)), ((1280, 720), (640, 480)))


def pattern(width: int, height: int, count: int) -> list[av.VideoFrame]:
    """The kiosk's moving test pattern, ``count`` frames (YUV420P)."""
    import asyncio

    track = TestPatternTrack(width, height)

    async def take() -> list[av.VideoFrame]:
        return [await track.recv() for _ in range(count)]

    try:
        return asyncio.run(take())
    finally:
        track.stop()


def make_qvideoframe(source: av.VideoFrame, layout: str) -> QVideoFrame:
    """A QVideoFrame in ``layout`` (a key of :data:`LAYOUTS`) holding ``source``'s picture, as
    a camera would hand it over (Qt's own row padding)."""
    qt_format, av_name = LAYOUTS[layout]
    converted = source.reformat(format=av_name)
    w, h = converted.width, converted.height
    out = QVideoFrame(QVideoFrameFormat(QSize(w, h), qt_format))
    if not out.map(QVideoFrame.MapMode.WriteOnly):
        raise RuntimeError("could not map a new video frame")
    try:
        for i, plane in enumerate(converted.planes):
            src = np.frombuffer(memoryview(plane), dtype=np.uint8).reshape(-1, plane.line_size)
            stride = out.bytesPerLine(i)
            rows = min(src.shape[0], out.mappedBytes(i) // stride)
            cols = min(stride, plane.line_size)
            dst = np.frombuffer(out.bits(i), dtype=np.uint8)[: rows * stride].reshape(rows, stride)
            dst[:, :cols] = src[:rows, :cols]
    finally:
        out.unmap()
    return out


def rgb_path(qframe: QVideoFrame, width: int, height: int) -> av.VideoFrame:
    return qimage_to_video_frame(qframe.toImage(), width, height)


REFORMATTER = VideoReformatter()  # one per camera, as ui.devices.QtCamera keeps


def yuv_path(qframe: QVideoFrame, width: int, height: int) -> av.VideoFrame:
    frame = qvideoframe_to_video_frame(qframe, width, height, REFORMATTER)
    assert frame is not None
    return frame


def timed(convert: Any, frames: list[QVideoFrame], width: int, height: int) -> list[float]:
    out = []
    for qframe in frames:
        start = time.process_time()
        convert(qframe, width, height)
        out.append((time.process_time() - start) * 1000)
    return out


def stats(ms: list[float]) -> tuple[float, float]:
    ordered = sorted(ms)
    return ordered[len(ordered) // 2], ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def run(count: int) -> list[dict[str, Any]]:
    rows = []
    for (sw, sh), (tw, th) in CASES:
        source = pattern(sw, sh, min(count, 40))
        for layout in LAYOUTS:
            qframes = [make_qvideoframe(source[i % len(source)], layout) for i in range(count)]
            for convert in (rgb_path, yuv_path):  # warm both up (first calls load code)
                timed(convert, qframes[:5], tw, th)
            before = stats(timed(rgb_path, qframes, tw, th))
            after = stats(timed(yuv_path, qframes, tw, th))
            rows.append({"source": f"{sw}x{sh}", "send": f"{tw}x{th}", "layout": layout,
                         "rgb_ms_p50": round(before[0], 3), "rgb_ms_p95": round(before[1], 3),
                         "yuv_ms_p50": round(after[0], 3), "yuv_ms_p95": round(after[1], 3),
                         "speedup": round(before[0] / after[0], 1) if after[0] else None})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.frames", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=200, help="frames per case (default 200)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QGuiApplication.instance() or QGuiApplication(["bench.frames"])
    assert app is not None
    rows = run(max(10, args.frames))
    if args.json:
        print(json.dumps({"frames": args.frames, "rows": rows}))
        return 0
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"camera frame -> encoder frame, ms of CPU per frame; {args.frames} frames per case; "
          f"{os.cpu_count()} CPUs, load average {load}")
    head = (f"{'source':<10} {'send':<9} {'layout':<8} {'RGB p50':>8} {'RGB p95':>8} "
            f"{'YUV p50':>8} {'YUV p95':>8} {'RGB/YUV':>8}")
    print(head)
    print("-" * len(head))
    for r in rows:
        print(f"{r['source']:<10} {r['send']:<9} {r['layout']:<8} {r['rgb_ms_p50']:>8.2f} "
              f"{r['rgb_ms_p95']:>8.2f} {r['yuv_ms_p50']:>8.2f} {r['yuv_ms_p95']:>8.2f} "
              f"{r['speedup']:>7}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
