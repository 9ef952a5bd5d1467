"""Memory benchmark: the kiosk side's RSS during one long call, against the browser peer's.

    python -m bench.memory [--minutes 1,10,30] [--quick] [--size 640x480]

One call as in ``bench.call_vs_browser`` (ours): ``clinic-hub serve --demo``, the specialist
console in headless Chromium (fake y4m camera) and ``clinic-kiosk test-call`` (the kiosk
engine, a process of its own). RSS is sampled every few seconds; printed at each checkpoint:
kiosk RSS (ours) and the Chromium peer's RSS, summed over its process tree (reference). Growth
per hour is a least-squares slope over the samples after the first checkpoint (start-up and
the first minute of warming up left out), times 3600, and again over the last half of the call
(a step that levels off is not a leak). A per-minute timeline goes to stderr with the load.
``--quick`` is 1, 3 and 5 minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

from bench.call_vs_browser import Y4M_DIR, browser_peer
from bench.common import (
    NAN,
    Row,
    load_note,
    rss_bytes,
    spawn,
    stop_all,
    table,
    tool,
    tree_rss,
    write_y4m,
)

MB = 1024 * 1024
SAMPLE_EVERY_S = 5.0


def slope_per_hour(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) points, in MB per hour."""
    if len(points) < 2:
        return NAN
    n = len(points)
    mx = sum(t for t, _ in points) / n
    my = sum(v for _, v in points) / n
    den = sum((t - mx) ** 2 for t, _ in points)
    if den == 0:
        return NAN
    return 3600 * sum((t - mx) * (v - my) for t, v in points) / den


async def long_call(minutes: list[float], size: tuple[int, int]) -> list[Row]:
    from playwright.async_api import async_playwright

    Y4M_DIR.mkdir(exist_ok=True)
    y4m = write_y4m(Y4M_DIR / f"pattern-{size[0]}x{size[1]}.y4m", *size)
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    hub = spawn(
        [tool("clinic-hub"), "serve", "--demo", "--json", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    procs = [hub]
    rows: list[Row] = []
    try:
        assert hub.stdout is not None
        info = json.loads(await asyncio.to_thread(hub.stdout.readline))
        async with async_playwright() as pw, \
                browser_peer(pw, y4m, size, "", info["url"]) as spec:
            page = spec.page
            await page.fill("#username", info["specialist_username"])
            await page.fill("#password", info["specialist_password"])
            await page.click("#signin-button")
            await page.locator("#waiting-view").wait_for(state="visible", timeout=15000)
            length_s = max(minutes) * 60 + 30
            kiosk = spawn(
                [tool("clinic-kiosk"), "test-call", "--hub", info["url"], "--code",
                 info["appointment_code"], "--seconds", f"{length_s:.0f}", "--json", "--hangup",
                 "--width", str(size[0]), "--height", str(size[1])],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
            procs.append(kiosk)
            await page.locator("#patients > li .p-join").first.click(timeout=30000)
            t0 = time.monotonic()
            samples: list[tuple[float, float, float]] = []  # (s, kiosk MB, browser MB)
            checkpoints = sorted(minutes)
            next_line = 60.0
            for m in checkpoints:
                while (elapsed := time.monotonic() - t0) < m * 60:
                    if kiosk.poll() is not None:
                        raise RuntimeError("the test call ended early")
                    samples.append((elapsed, rss_bytes(kiosk.pid) / MB,
                                    tree_rss(spec.pid) / MB))
                    if elapsed >= next_line:  # a timeline, so steps are told from slopes
                        next_line += 60.0
                        print(f"    {elapsed / 60:4.1f} min: kiosk {samples[-1][1]:.1f} MB, "
                              f"browser {samples[-1][2]:.1f} MB, load {os.getloadavg()[0]:.1f}",
                              file=sys.stderr, flush=True)
                    await asyncio.sleep(min(SAMPLE_EVERY_S, max(0.1, m * 60 - elapsed)))
                k, b = rss_bytes(kiosk.pid) / MB, tree_rss(spec.pid) / MB
                samples.append((time.monotonic() - t0, k, b))
                frames = await page.get_attribute("#tech", "data-frames-decoded")
                print(f"  {m:g} min: kiosk {k:.1f} MB, browser {b:.1f} MB "
                      f"(browser decoded {frames} frames)", flush=True)
                rows.append(Row(f"{m:g} min", "RSS MB", b, k))
        first = checkpoints[0] * 60
        later = [s for s in samples if s[0] >= first]
        rows.append(Row("growth", "MB per hour (fit)",
                        slope_per_hour([(t, b) for t, _, b in later]),
                        slope_per_hour([(t, k) for t, k, _ in later]), False))
        half = [s for s in samples if s[0] >= max(minutes) * 30]
        rows.append(Row("growth", "MB/h, last half (fit)",
                        slope_per_hour([(t, b) for t, _, b in half]),
                        slope_per_hour([(t, k) for t, k, _ in half]), False))
    finally:
        stop_all(procs)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", default="1,10,30")
    parser.add_argument("--quick", action="store_true", help="1, 3 and 5 minutes")
    parser.add_argument("--size", default="640x480")
    args = parser.parse_args(argv)
    minutes = [1.0, 3.0, 5.0] if args.quick else [float(v) for v in args.minutes.split(",")]
    w, h = (int(v) for v in args.size.split("x"))
    print(f"memory: one {max(minutes):g} min call at {w}x{h}; {load_note()}\n", flush=True)
    rows = asyncio.run(long_call(minutes, (w, h)))
    print()
    print(table(rows, group_title="at"))
    print("\nreference: the Chromium specialist's RSS (whole process tree, shared pages counted "
          "per process); ours: the clinic-kiosk test-call process (kiosk engine, no Qt).")
    print(f"load after the run: {load_note()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
