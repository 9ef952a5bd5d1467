"""Shared pieces of the benchmarks: CPU and memory of a process tree from /proc, a y4m writer
whose frames carry the marker (so Chromium's fake camera sends timestamps), medians and
percentiles, and the side-by-side table every benchmark prints."""

from __future__ import annotations

import math
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
ROOT = Path(__file__).resolve().parent.parent
NAN = float("nan")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS: tuple[str, ...] = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
)


def tool(name: str) -> str:
    """A console script of this venv (``clinic-hub``, ``clinic-kiosk``), else from PATH."""
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


def spawn(args: list[str], **kwargs: object) -> subprocess.Popen[str]:
    """Start a process with text pipes (a plain function, so async code can call it: the
    start is quick and we need the pid at once)."""
    return subprocess.Popen(args, text=True, **kwargs)  # type: ignore[call-overload,no-any-return]


# --- /proc -----------------------------------------------------------------------------------

def stop_all(procs: Sequence[subprocess.Popen[str]], grace: float = 10.0) -> None:
    """Terminate the processes, newest first; kill any that do not stop within ``grace``."""
    for p in reversed(procs):
        if p.poll() is None:
            p.terminate()
            try:
                p.wait(grace)
            except subprocess.TimeoutExpired:
                p.kill()


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        return None
    return text.rsplit(")", 1)[1].split()


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of one live process (NaN if it is gone)."""
    fields = _stat_fields(pid)
    if fields is None:
        return NAN
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_bytes(pid: int) -> int:
    """Resident set size of one process (0 if it is gone)."""
    try:
        resident = Path(f"/proc/{pid}/statm").read_text().split()[1]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return 0
    return int(resident) * PAGE_SIZE


def children_map() -> dict[int, list[int]]:
    """ppid -> pids, for every process visible in /proc."""
    out: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        fields = _stat_fields(int(entry))
        if fields is not None:
            out.setdefault(int(fields[1]), []).append(int(entry))
    return out


def process_tree(root: int, kids: dict[int, list[int]] | None = None) -> list[int]:
    """``root`` and all its live descendants."""
    kids = children_map() if kids is None else kids
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(kids.get(pid, []))
    return out


def tree_rss(root: int) -> int:
    """Summed RSS of a process tree (shared pages counted once per process, as ``ps``)."""
    return sum(rss_bytes(pid) for pid in process_tree(root))


def find_pid(needle: str, *, exclude_type: bool = True) -> int | None:
    """The pid of the process whose command line contains ``needle`` (the main process of a
    Chromium launched with its own ``--user-data-dir``: no ``--type=`` argument)."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            args = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        text = [a.decode(errors="replace") for a in args]
        if any(needle in a for a in text) and not (
                exclude_type and any(a.startswith("--type=") for a in text)):
            return int(entry)
    return None


@dataclass
class TreeCPU:
    """CPU time of a process tree over a window: call :meth:`start`, then :meth:`sample` often
    (so short-lived children are seen), then read :meth:`percent`. Each process counts the CPU
    it used since the window opened (or since it was born inside the window)."""

    root: int
    base: dict[int, float] = field(default_factory=dict)
    last: dict[int, float] = field(default_factory=dict)
    t0: float = 0.0
    t1: float = 0.0

    def start(self) -> None:
        self.base = {pid: cpu_seconds(pid) for pid in process_tree(self.root)}
        self.base = {pid: v for pid, v in self.base.items() if v == v}
        self.last = dict(self.base)
        self.t0 = self.t1 = time.monotonic()

    def sample(self) -> None:
        for pid in process_tree(self.root):
            value = cpu_seconds(pid)
            if value == value:
                self.last[pid] = value
                self.base.setdefault(pid, 0.0)
        self.t1 = time.monotonic()

    def seconds(self) -> float:
        return sum(self.last[pid] - self.base.get(pid, 0.0) for pid in self.last)

    def percent(self) -> float:
        """CPU used in the window, in % of one core."""
        wall = self.t1 - self.t0
        return 100.0 * self.seconds() / wall if wall > 0 else NAN


# --- y4m with the marker ---------------------------------------------------------------------

#: Frames per y4m file: the test pattern moves width/80 px a frame, so 80 frames loop seamlessly.
Y4M_FRAMES = 80


def write_y4m(path: Path, width: int, height: int, *, fps: int = 30,
              frames: int = Y4M_FRAMES) -> Path:
    """Write the kiosk's own moving test pattern (kiosk.media.synthetic) as a y4m file that
    Chromium's fake camera plays in a loop. Each frame carries the marker: counter = frame index,
    captured_ms = the frame's offset in the file (i * 1000 / fps), so a receiver can tell which
    frame it shows; matching the sender's preview log gives capture-to-display time."""
    from kiosk.media import marker
    from kiosk.media.synthetic import TestPatternTrack

    if path.exists() and path.stat().st_size > 0:
        return path
    clock = {"t": 0.0}
    track = TestPatternTrack(width, height, fps, clock=lambda: clock["t"])
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as out:
        out.write(f"YUV4MPEG2 W{width} H{height} F{fps}:1 Ip A1:1 C420jpeg\n".encode())
        for i in range(frames):
            clock["t"] = i / fps
            frame = track.make_frame(i)
            out.write(b"FRAME\n")
            for plane in frame.planes:
                out.write(marker.plane_view(plane).tobytes())
    track.stop()
    tmp.replace(path)
    return path


def y4m_frame_luma(path: Path, index: int) -> bytes:
    """The luma plane of frame ``index`` of a y4m file written by :func:`write_y4m`."""
    with path.open("rb") as f:
        header = f.readline().split()
        width = int(header[1][1:])
        height = int(header[2][1:])
        size = width * height * 3 // 2
        f.seek(f.tell() + index * (size + 6) + 6)
        return f.read(width * height)


# --- figures ---------------------------------------------------------------------------------

def median(values: Iterable[float]) -> float:
    good = [v for v in values if v == v]
    return statistics.median(good) if good else NAN


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (NaN for no values)."""
    good = sorted(v for v in values if v == v)
    if not good:
        return NAN
    rank = max(0, min(len(good) - 1, math.ceil(pct / 100 * len(good)) - 1))
    return good[rank]


def fmt(x: float, digits: int = 1) -> str:
    return "n/a" if x != x else f"{x:.{digits}f}"


def ratio(ours: float, ref: float) -> str:
    if ours != ours or ref != ref or ref == 0:
        return "n/a"
    return f"{ours / ref:.2f}x"


@dataclass
class Row:
    group: str
    figure: str
    reference: float
    ours: float
    show_ratio: bool = True


def table(rows: Sequence[Row], *, group_title: str = "case") -> str:
    """The side-by-side table: reference, ours, ours/ref."""
    gw = max([len(group_title), *(len(r.group) for r in rows)]) + 2
    fw = max([6, *(len(r.figure) for r in rows)]) + 2
    header = f"{group_title:<{gw}}{'figure':<{fw}}{'reference':>12}{'ours':>12}{'ours/ref':>10}"
    lines = [header, "-" * len(header)]
    for r in rows:
        rt = ratio(r.ours, r.reference) if r.show_ratio else "-"
        lines.append(f"{r.group:<{gw}}{r.figure:<{fw}}{fmt(r.reference):>12}{fmt(r.ours):>12}"
                     f"{rt:>10}")
    return "\n".join(lines)


def load_note() -> str:
    """The machine and its load now, for the header of every benchmark's output."""
    one, five, fifteen = os.getloadavg()
    return (f"{os.cpu_count()} CPUs, load average {one:.2f} {five:.2f} {fifteen:.2f}, "
            f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
