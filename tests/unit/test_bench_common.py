"""The benchmarks' helpers: figures, the y4m writer's markers, latency matching, /proc CPU."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np

from bench.call_vs_browser import match_latency
from bench.common import TreeCPU, median, percentile, ratio, write_y4m, y4m_frame_luma
from bench.memory import slope_per_hour
from kiosk.media import marker


def test_figures() -> None:
    assert median([3.0, float("nan"), 1.0, 2.0]) == 2.0
    assert math.isnan(median([]))
    assert percentile(list(range(1, 101)), 99) == 99
    assert percentile([5.0], 50) == 5.0
    assert ratio(2.0, 4.0) == "0.50x"
    assert ratio(1.0, 0.0) == "n/a"
    assert slope_per_hour([(0.0, 100.0), (3600.0, 110.0), (1800.0, 105.0)]) == 10.0


def test_y4m_frames_carry_the_marker(tmp_path: Path) -> None:
    path = write_y4m(tmp_path / "p.y4m", 160, 120, frames=3)
    assert path.read_bytes().startswith(b"YUV4MPEG2 W160 H120 F30:1")
    luma = np.frombuffer(y4m_frame_luma(path, 2), np.uint8).reshape(120, 160)
    found = marker.decode_luma(luma)
    assert found is not None
    assert (found.counter, found.captured_ms) == (2, 67)


def test_latency_matching() -> None:
    sender = [{"c": 5, "t": 1000.0, "ct": None}, {"c": 5, "t": 3600.0, "ct": None}]
    receiver = [
        {"c": 5, "cap": 167, "t": 1040.0},  # y4m frame: matched with the sender's preview
        {"c": 5, "cap": 167, "t": 1040.0},  # the same frame shown twice: counted once
        {"c": 9, "cap": 1_700_000_000_000, "t": 1_700_000_000_030.0},  # real capture time
        {"c": 7, "cap": 233, "t": 1050.0},  # never seen at the sender: dropped
    ]
    assert match_latency(receiver, sender, 0, 2e12) == [40.0, 30.0]


def test_tree_cpu_counts_this_process() -> None:
    cpu = TreeCPU(os.getpid())
    cpu.start()
    sum(i * i for i in range(200_000))
    cpu.sample()
    assert cpu.seconds() >= 0.0
