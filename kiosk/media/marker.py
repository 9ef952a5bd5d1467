"""A machine-readable marker drawn into the luma plane of synthetic video frames.

The marker carries a frame counter and the capture time (milliseconds of ``time.time()``) so the
far end can measure capture-to-decode latency and count frames. It is drawn as a strip of large
black and white cells across the top of the frame:

- ``COLUMNS`` x ``ROWS`` cells; a cell is ``width / COLUMNS`` wide and ``height / 30`` high (16x16
  pixels at 640x480, 32x24 at 1280x720). The layout is relative to the frame size, so the marker
  survives scaling as well as VP8/H.264 compression.
- Cells, row by row: a 4-cell sync pattern ``1010``, the counter (32 bits, big-endian), the
  capture time (48 bits), a CRC-32 of those 10 bytes (32 bits), and a 4-cell trailer ``0101``.

:func:`decode` reads the marker back and returns ``None`` for anything that is not a marker (no
contrast between the known cells, wrong sync pattern, or a checksum mismatch), so garbage is never
reported as a measurement.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Any, Final

import av
import numpy as np
import numpy.typing as npt

COLUMNS: Final = 40
ROWS: Final = 3
#: A cell is this fraction of the frame height high (16 px at 480 lines).
ROW_FRACTION: Final = 1 / 30
BLACK: Final = 16
WHITE: Final = 235
_SYNC: Final = (1, 0, 1, 0)
_TRAILER: Final = (0, 1, 0, 1)
_PAYLOAD_BITS: Final = 32 + 48 + 32
#: The smallest difference in luma between the known white and black cells we accept.
_MIN_CONTRAST: Final = 48.0

Luma = npt.NDArray[np.uint8]


@dataclass(frozen=True)
class Marker:
    """What one frame's marker says: its counter and when it was captured (ms since the epoch)."""

    counter: int
    captured_ms: int


def strip_height(height: int) -> int:
    """Rows of pixels the marker occupies at the top of a frame ``height`` lines high."""
    return round(ROWS * height * ROW_FRACTION)


def _payload_bits(counter: int, captured_ms: int) -> list[int]:
    body = (counter % 2**32).to_bytes(4, "big") + (captured_ms % 2**48).to_bytes(6, "big")
    data = body + zlib.crc32(body).to_bytes(4, "big")
    bits = [(byte >> (7 - i)) & 1 for byte in data for i in range(8)]
    return [*_SYNC, *bits, *_TRAILER]


def _edges(size: int, cells: int) -> list[int]:
    return [round(i * size / cells) for i in range(cells + 1)]


def stamp(luma: Luma, counter: int, captured_ms: int) -> None:
    """Draw the marker into a luma plane (an ``(height, width)`` uint8 array) in place."""
    height, width = luma.shape
    xs = _edges(width, COLUMNS)
    row_h = height * ROW_FRACTION
    ys = [round(r * row_h) for r in range(ROWS + 1)]
    bits = _payload_bits(counter, captured_ms)
    for index, bit in enumerate(bits):
        row, col = divmod(index, COLUMNS)
        luma[ys[row]:ys[row + 1], xs[col]:xs[col + 1]] = WHITE if bit else BLACK


def _sample_points(start: float, step: float, cells: int) -> npt.NDArray[np.intp]:
    # Four sample positions inside the middle half of each cell, away from blurred edges.
    offsets = np.array([0.3, 0.43, 0.57, 0.7])
    points = start + (np.arange(cells)[:, None] + offsets[None, :]) * step
    out: npt.NDArray[np.intp] = points.astype(np.intp)
    return out


def decode_luma(luma: Luma) -> Marker | None:
    """Read the marker from a luma plane; ``None`` if there is no valid marker."""
    if luma.ndim != 2:
        return None
    height, width = luma.shape
    if height < 60 or width < 4 * COLUMNS:
        return None
    ys = _sample_points(0.0, height * ROW_FRACTION, ROWS)  # (ROWS, 4)
    xs = _sample_points(0.0, width / COLUMNS, COLUMNS)  # (COLUMNS, 4)
    samples = luma[ys[:, None, :, None], xs[None, :, None, :]]  # (ROWS, COLUMNS, 4, 4)
    levels = samples.reshape(ROWS, COLUMNS, -1).mean(axis=2).reshape(-1)
    known = np.array([*_SYNC, *_TRAILER])
    known_levels = np.concatenate([levels[:4], levels[4 + _PAYLOAD_BITS:4 + _PAYLOAD_BITS + 4]])
    whites, blacks = known_levels[known == 1], known_levels[known == 0]
    if whites.min() - blacks.max() < _MIN_CONTRAST:
        return None
    threshold = (whites.mean() + blacks.mean()) / 2
    bits = (levels[4:4 + _PAYLOAD_BITS] > threshold).astype(np.uint8)
    data = np.packbits(bits).tobytes()
    body, crc = data[:10], int.from_bytes(data[10:14], "big")
    if zlib.crc32(body) != crc:
        return None
    return Marker(counter=int.from_bytes(body[:4], "big"),
                  captured_ms=int.from_bytes(body[4:10], "big"))


def luma_of(frame: av.VideoFrame) -> Luma:
    """The luma plane of a video frame as an ``(height, width)`` array (a view where possible)."""
    if frame.format.name not in ("yuv420p", "yuvj420p", "nv12", "yuv422p", "yuv444p"):
        frame = frame.reformat(format="yuv420p")
    return plane_view(frame.planes[0])


def plane_view(plane: Any) -> Luma:
    """A writable ``(height, width)`` view of one plane of an ``av`` frame (padding cut off)."""
    rows: Luma = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
    return rows[:, : plane.width]


def decode(frame: av.VideoFrame) -> Marker | None:
    """Read the marker from a decoded video frame; ``None`` if there is no valid marker."""
    return decode_luma(luma_of(frame))
