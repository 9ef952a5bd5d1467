"""Call benchmark: our whole call path against bare aiortc, side by side, in one run.

    python -m bench.call [--seconds 10] [--sizes 640x480,1280x720] [--runs 1]

*Ours* is three processes, as deployed: the hub (``clinic-hub serve --demo``), the demo
specialist (``clinic-hub demo-specialist``) and the kiosk engine (``clinic-kiosk test-call``).
*Reference* is two bare aiortc peers in one process, the same synthetic sources, SDP exchanged
in memory: what aiortc costs with no hub, no signalling and no session logic around it.

Printed per size: set-up ms (join → first remote frame), CPU % per peer (from /proc, user+system
time over the process's life), frames per second received, and capture-to-decode latency from
the timestamps the test pattern carries in its pixels. The browser comparison is
``bench/call_vs_browser.py`` (a separate issue).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.common import cpu_seconds, stop_all

ROOT = Path(__file__).resolve().parent.parent


def _bin(name: str) -> str:
    here = Path(sys.executable).parent / name
    return str(here) if here.exists() else (shutil.which(name) or name)


@dataclass
class Figures:
    setup_ms: float = float("nan")
    fps: float = float("nan")
    latency_p50: float = float("nan")
    latency_p95: float = float("nan")
    cpu: dict[str, float] = field(default_factory=dict)  # peer -> % of one core


class Sampler:
    """Samples a process's CPU time while it lives; keeps the last good reading."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.proc = proc
        self.start_wall = time.monotonic()
        self.last_cpu = 0.0
        self.last_wall = self.start_wall

    def sample(self) -> None:
        value = cpu_seconds(self.proc.pid)
        if value == value and self.proc.poll() is None:
            self.last_cpu = value
            self.last_wall = time.monotonic()

    def percent(self) -> float:
        wall = self.last_wall - self.start_wall
        return 100.0 * self.last_cpu / wall if wall > 0 else float("nan")


def run_ours(width: int, height: int, seconds: float) -> Figures:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    hub = subprocess.Popen(
        [_bin("clinic-hub"), "serve", "--demo", "--json", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
    procs: list[subprocess.Popen[str]] = [hub]
    try:
        assert hub.stdout is not None
        info = json.loads(hub.stdout.readline())
        spec = subprocess.Popen(
            [_bin("clinic-hub"), "demo-specialist", "--hub", info["url"],
             "--username", info["specialist_username"], "--password-stdin",
             "--width", str(width), "--height", str(height)],
            stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            text=True, env=env)
        procs.append(spec)
        assert spec.stdin is not None
        spec.stdin.write(info["specialist_password"] + "\n")
        spec.stdin.close()
        kiosk = subprocess.Popen(
            [_bin("clinic-kiosk"), "test-call", "--hub", info["url"], "--code",
             info["appointment_code"], "--seconds", str(seconds), "--json",
             "--width", str(width), "--height", str(height)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env)
        procs.append(kiosk)
        samplers = {"kiosk": Sampler(kiosk), "specialist": Sampler(spec), "hub": Sampler(hub)}
        deadline = time.monotonic() + seconds + 60
        while kiosk.poll() is None and time.monotonic() < deadline:
            for s in samplers.values():
                s.sample()
            time.sleep(0.2)
        out, _ = kiosk.communicate(timeout=30)
        summary = json.loads(out.strip().splitlines()[-1])
        return Figures(
            setup_ms=float(summary.get("setup_ms") or "nan"),
            fps=float(summary.get("fps_received") or "nan"),
            latency_p50=float(summary.get("latency_ms_p50") or "nan"),
            latency_p95=float(summary.get("latency_ms_p95") or "nan"),
            cpu={name: s.percent() for name, s in samplers.items()},
        )
    finally:
        stop_all(procs)


async def reference_call(width: int, height: int, seconds: float) -> dict[str, float]:
    """Two bare aiortc peers in this process, with the same synthetic sources."""
    from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection

    from kiosk.media import marker
    from kiosk.media.synthetic import TestPatternTrack, ToneTrack

    config = RTCConfiguration(iceServers=[])
    a, b = RTCPeerConnection(config), RTCPeerConnection(config)
    tracks: list[MediaStreamTrack] = [TestPatternTrack(width, height), ToneTrack(),
                                      TestPatternTrack(width, height), ToneTrack()]
    for track in tracks[:2]:
        a.addTrack(track)
    for track in tracks[2:]:
        b.addTrack(track)
    first = asyncio.get_running_loop().create_future()
    latencies: list[float] = []
    frames = {"n": 0, "t0": 0.0}

    async def consume(track: object) -> None:
        while True:
            try:
                frame = await track.recv()  # type: ignore[attr-defined]
            except Exception:
                return
            if getattr(track, "kind", "") != "video":
                continue
            now = time.time()
            if not first.done():
                first.set_result(time.monotonic())
                frames["t0"] = time.monotonic()
            frames["n"] += 1
            mark = marker.decode(frame)
            if mark is not None:
                latencies.append(now * 1000 - mark.captured_ms)

    tasks: list[asyncio.Task[None]] = []
    a.on("track", lambda t: tasks.append(asyncio.ensure_future(consume(t))))
    b.on("track", lambda t: None)
    start = time.monotonic()
    await a.setLocalDescription(await a.createOffer())
    await b.setRemoteDescription(a.localDescription)
    await b.setLocalDescription(await b.createAnswer())
    await a.setRemoteDescription(b.localDescription)
    t_first = await asyncio.wait_for(first, 30)
    await asyncio.sleep(seconds)
    elapsed = time.monotonic() - frames["t0"]
    for task in tasks:
        task.cancel()
    await a.close()
    await b.close()
    for track in tracks:
        track.stop()
    latencies.sort()
    return {
        "setup_ms": (t_first - start) * 1000,
        "fps": frames["n"] / elapsed if elapsed > 0 else float("nan"),
        "latency_p50": statistics.median(latencies) if latencies else float("nan"),
        "latency_p95": latencies[int(len(latencies) * 0.95)] if latencies else float("nan"),
    }


def run_reference(width: int, height: int, seconds: float) -> Figures:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.call", "--reference-run", f"{width}x{height}",
         "--seconds", str(seconds)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    sampler = Sampler(proc)
    while proc.poll() is None:
        sampler.sample()
        time.sleep(0.2)
    out, _ = proc.communicate()
    data = json.loads(out.strip().splitlines()[-1])
    both = sampler.percent()
    return Figures(setup_ms=data["setup_ms"], fps=data["fps"], latency_p50=data["latency_p50"],
                   latency_p95=data["latency_p95"],
                   cpu={"kiosk": both / 2, "specialist": both / 2, "hub": 0.0})


def _fmt(x: float) -> str:
    return "n/a" if x != x else f"{x:.1f}"


def _ratio(ours: float, ref: float) -> str:
    if ours != ours or ref != ref or ref == 0:
        return "n/a"
    return f"{ours / ref:.2f}x"


def _median(values: list[float]) -> float:
    good = [v for v in values if v == v]
    return statistics.median(good) if good else float("nan")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--sizes", default="640x480,1280x720")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--reference-run", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reference_run:
        w, h = (int(v) for v in args.reference_run.split("x"))
        print(json.dumps(asyncio.run(reference_call(w, h, args.seconds))))
        return 0
    print(f"call benchmark: {args.seconds:.0f} s calls, {args.runs} run(s) per size, "
          f"{os.cpu_count()} CPUs\n")
    header = f"{'size':<10}{'figure':<26}{'reference':>12}{'ours':>12}{'ours/ref':>10}"
    print(header)
    print("-" * len(header))
    for size in args.sizes.split(","):
        w, h = (int(v) for v in size.split("x"))
        refs = [run_reference(w, h, args.seconds) for _ in range(args.runs)]
        ours = [run_ours(w, h, args.seconds) for _ in range(args.runs)]
        rows = [
            ("set-up ms (to 1st frame)", "setup_ms"),
            ("frames/s received", "fps"),
            ("latency p50 ms", "latency_p50"),
            ("latency p95 ms", "latency_p95"),
        ]
        for label, attr in rows:
            r = _median([getattr(f, attr) for f in refs])
            o = _median([getattr(f, attr) for f in ours])
            print(f"{size:<10}{label:<26}{_fmt(r):>12}{_fmt(o):>12}{_ratio(o, r):>10}")
        for peer in ("kiosk", "specialist", "hub"):
            r = _median([f.cpu.get(peer, float("nan")) for f in refs])
            o = _median([f.cpu.get(peer, float("nan")) for f in ours])
            ratio = _ratio(o, r) if peer != "hub" else "-"
            print(f"{size:<10}{'CPU % ' + peer:<26}{_fmt(r):>12}{_fmt(o):>12}{ratio:>10}")
        print()
    print("reference: two bare aiortc peers in one process (its CPU split evenly per peer);")
    print("ours: hub + demo specialist + clinic-kiosk test-call, three processes, via the hub.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
