"""Call benchmark against a browser: our kiosk engine calling a Chromium specialist through the
hub, side by side with Chromium calling Chromium, in one run.

    python -m bench.call_vs_browser [--runs 3] [--seconds 8] [--sizes 640x480,1280x720]
                                    [--codecs VP8,H264]

*Reference*: two headless Chromium instances (each its own browser, so its CPU is its own), on a
bench page served from 127.0.0.1; SDP exchanged through Playwright (no signalling server); each
sends its fake camera (a y4m file of the kiosk's own test pattern at the tested size, 30 fps,
every frame carrying kiosk.media.marker) and its fake microphone. Peer A offers, B answers.

*App* (``--cases`` ``app``, 640x480 only): the GUI app itself, ``clinic-kiosk
--autorun-code-file`` offscreen (``bench.app_peer``), in the same call as *ours*.
``--app-display xvfb`` runs it on a private Xvfb instead (platform xcb, as a kiosk's X
session: OpenGL is Mesa's llvmpipe, so ``ui.video`` picks its path as it would on a kiosk with
no GPU); the X server's CPU is then the row ``APP: X server CPU %``.
It runs as ``bench/app_probe.py`` (the entry point plus a probe, signalled just before and
after the CPU window, of the frames it showed: the APP fps rows).
``BENCH_APP_LAUNCHER=script.py`` runs that Python script instead (to measure an older module in
place of today's, or to count things; it calls ``bench.app_probe.install()`` to keep the probe).

*Ours*: ``clinic-hub serve --demo`` (a process), the hub's specialist console signed in in a
headless Chromium (the same y4m camera, its getUserMedia asked for the tested size), and
``clinic-kiosk test-call`` (a process: the kiosk engine, aiortc, synthetic camera and tone)
checking in with the demo code; the console joins. The kiosk offers, the browser answers, as in
the reference. The codec is forced on the browser side (setCodecPreferences).

Figures per size and codec, medians over ``--runs``:
- set-up: reference = A's createOffer -> first remote frame shown at A; ours = the specialist
  joins -> first remote frame decoded at the kiosk (test-call's setup_ms).
- CPU % of one core over a steady window of ``--seconds``: per peer, the whole process tree
  from /proc (browser: main + renderer + GPU + utility processes; kiosk: its one process).
- frames/s received at each peer: browser from getStats framesDecoded over the window; kiosk
  from test-call (first to last frame).
- capture-to-display latency at the browser: the marker read back in JS from each frame the
  <video> presents. Kiosk frames carry their capture time; a browser's y4m frames carry a
  counter, matched with the sender's own preview of the same frame (both clocks are this
  machine's). Towards the kiosk, bench.kiosk_peer (test-call plus a frame log) records each
  decoded frame's counter, matched the same way with the console's preview.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    NAN,
    ROOT,
    Row,
    TreeCPU,
    find_pid,
    load_note,
    median,
    percentile,
    spawn,
    stop_all,
    table,
    tool,
    write_y4m,
)
from bench.video_paths import Xvfb

PROBE_JS = (Path(__file__).parent / "browser_probe.js").read_text()
Y4M_DIR = Path(tempfile.gettempdir()) / "clinic-kiosk-bench"
WARMUP_S = 1.5
LATENCY_S = 3.0
BENCH_PAGE = """<!doctype html><meta charset=utf-8><title>bench peer</title>
<video id=local autoplay playsinline muted></video><video id=remote autoplay playsinline></video>
<script>
async function gathered(pc) {
  if (pc.iceGatheringState === "complete") return;
  await new Promise((ok) => pc.addEventListener("icegatheringstatechange",
    () => pc.iceGatheringState === "complete" && ok()));
}
async function media() {
  const [w, h] = window.__BENCH_SIZE;
  const stream = await navigator.mediaDevices.getUserMedia({audio: true,
    video: {width: {exact: w}, height: {exact: h}, frameRate: {ideal: 30}}});
  const local = document.getElementById("local");
  local.srcObject = stream;
  __bench.watch(local, "local");
  return stream;
}
function peer(stream) {
  const pc = new RTCPeerConnection({bundlePolicy: "max-bundle"});
  window.pc = pc;
  for (const t of stream.getTracks()) pc.addTrack(t, stream);
  const remote = new MediaStream();
  const video = document.getElementById("remote");
  pc.addEventListener("track", (e) => {
    remote.addTrack(e.track);
    if (video.srcObject !== remote) { video.srcObject = remote; video.play().catch(() => {}); }
  });
  __bench.watch(video, "remote");
  return pc;
}
window.prepare = async () => { window.stream = await media(); return true; };
window.offer = async () => {
  const pc = peer(window.stream);
  const t0 = __bench.now();
  await pc.setLocalDescription(await pc.createOffer());
  await gathered(pc);
  return {sdp: pc.localDescription.sdp, t0};
};
window.answer = async (sdp) => {
  const pc = peer(window.stream);
  await pc.setRemoteDescription({type: "offer", sdp});
  await pc.setLocalDescription(await pc.createAnswer());
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.accept = async (sdp) => { await window.pc.setRemoteDescription({type: "answer", sdp}); };
</script>"""


@dataclass
class Run:
    setup_ms: float = NAN
    fps_offerer: float = NAN  # the kiosk in ours, peer A in the reference
    fps_answerer: float = NAN  # the browser specialist, peer B
    lat_to_answerer: list[float] = field(default_factory=list)
    lat_to_offerer: list[float] = field(default_factory=list)
    cpu_offerer: float = NAN
    cpu_answerer: float = NAN
    cpu_hub: float = NAN
    jb_answerer: float = NAN  # browser's mean jitter-buffer delay (ms) for what it receives
    fps_delivered: float = NAN  # the app: specialist's frames the engine handed to the GUI
    fps_shown: float = NAN  # the app: specialist's frames painted
    fps_shown_self: float = NAN  # the app: the patient's own picture, frames painted
    cpu_xserver: float = NAN  # the app on Xvfb: the X server's CPU over the same window
    render_path: str = ""  # the app: how its views drew ("paint" or "sink", ui.video)
    codec: str = ""
    note: str = ""


@dataclass
class Peer:
    context: Any
    page: Any
    pid: int
    cpu: TreeCPU
    profile: str


@contextlib.asynccontextmanager
async def browser_peer(pw: Any, y4m: Path, size: tuple[int, int], codec: str,
                       url: str) -> AsyncIterator[Peer]:
    """One headless Chromium of its own (own profile dir, so its process tree is findable)."""
    with tempfile.TemporaryDirectory(prefix="bench-chromium-") as profile:
        context = await pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True,
            args=[*CHROMIUM_FLAGS, f"--use-file-for-fake-video-capture={y4m}"],
            viewport={"width": 1366, "height": 768}, bypass_csp=True,
            permissions=["camera", "microphone"])
        try:
            await context.add_init_script(
                f"window.__BENCH_CODEC = {json.dumps(codec)};"
                f"window.__BENCH_SIZE = {json.dumps(list(size))};\n" + PROBE_JS
                + "\nwindow.__bench.paused = true;")
            pid = find_pid(profile)
            if pid is None:
                raise RuntimeError("could not find the Chromium process")
            page = context.pages[0] if context.pages else await context.new_page()
            await page.goto(url)
            yield Peer(context, page, pid, TreeCPU(pid), profile)
        finally:
            await context.close()


def match_latency(receiver: Sequence[dict[str, Any]], sender: Sequence[dict[str, Any]],
                  since: float, until: float) -> list[float]:
    """Capture-to-display latencies (ms) of the frames a receiver showed in [since, until].

    A marker with a real capture time (epoch ms) gives it directly. A y4m marker (its capture
    time is an offset in the file, < 1e12) is matched with the sender's log of the same counter:
    the latest time the sender captured (or previewed) that frame before the receiver showed it.
    Matches over 2 s are a missed preview frame from the previous loop and are dropped."""
    out: list[float] = []
    by_counter: dict[int, list[float]] = {}
    for e in sender:
        by_counter.setdefault(int(e["c"]), []).append(float(e["ct"] or e["t"]))
    seen: set[int] = set()
    for e in receiver:
        t = float(e["t"])
        if not since <= t <= until:
            continue
        key = (int(e["c"]) << 20) ^ int(e["cap"])
        if key in seen:  # the same frame presented twice (a repeat): count it once
            continue
        seen.add(key)
        if e["cap"] > 1e12:
            out.append(t - float(e["cap"]))
            continue
        sent = [s for s in by_counter.get(int(e["c"]), []) if s <= t]
        if sent and t - max(sent) < 2000:
            out.append(t - max(sent))
    return out


async def sample_window(seconds: float, cpus: list[TreeCPU]) -> None:
    for c in cpus:
        c.start()
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        await asyncio.sleep(0.25)
        for c in cpus:
            c.sample()


async def probe_window(pages: list[Any]) -> float:
    """Read markers for LATENCY_S (the probe is paused while CPU is measured: its canvas
    read-back is bench cost, not call cost). Returns the window's start (epoch ms)."""
    for page in pages:
        await page.evaluate("__bench.paused = false")
    start: float = await pages[0].evaluate("__bench.now()")
    await asyncio.sleep(LATENCY_S)
    return start


async def wait_js(page: Any, expr: str, within: float = 30.0) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        value = await page.evaluate(expr)
        if value:
            return value
        await asyncio.sleep(0.05)
    raise TimeoutError(expr)


async def serve_bench_page() -> tuple[Any, str]:
    from aiohttp import web

    async def index(_req: web.Request) -> web.Response:
        return web.Response(text=BENCH_PAGE, content_type="text/html")

    app = web.Application()
    app.router.add_get("/", index)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}/"


async def run_reference(pw: Any, url: str, y4m: Path, size: tuple[int, int], codec: str,
                        seconds: float) -> Run:
    run = Run()
    async with browser_peer(pw, y4m, size, codec, url) as a, \
            browser_peer(pw, y4m, size, codec, url) as b:
        await a.page.evaluate("prepare()")
        await b.page.evaluate("prepare()")
        await wait_js(a.page, "__bench.firsts.local")
        await wait_js(b.page, "__bench.firsts.local")
        offer = await a.page.evaluate("offer()")
        answer = await b.page.evaluate("(sdp) => answer(sdp)", offer["sdp"])
        await a.page.evaluate("(sdp) => accept(sdp)", answer)
        first = await wait_js(a.page, "__bench.firsts.remote")
        await wait_js(b.page, "__bench.firsts.remote")
        run.setup_ms = first - offer["t0"]
        await asyncio.sleep(WARMUP_S)
        s0 = [await p.page.evaluate("__bench.stats()") for p in (a, b)]
        t0 = time.monotonic()
        await sample_window(seconds, [a.cpu, b.cpu])
        s1 = [await p.page.evaluate("__bench.stats()") for p in (a, b)]
        wall = time.monotonic() - t0
        w0 = await probe_window([a.page, b.page])
        w1 = await a.page.evaluate("__bench.now()")
        run.cpu_offerer, run.cpu_answerer = a.cpu.percent(), b.cpu.percent()
        run.fps_offerer = (s1[0]["framesDecoded"] - s0[0]["framesDecoded"]) / wall
        run.fps_answerer = (s1[1]["framesDecoded"] - s0[1]["framesDecoded"]) / wall
        run.jb_answerer = jitter_ms(s0[1], s1[1])
        run.codec = (f"{s1[0]['codecIn']}/{s1[1]['codecIn']} B sends {s1[1].get('sendSize')} "
                     f"limited by {s1[1].get('limitedBy')}")
        logs_a = await a.page.evaluate("__bench.logs")
        logs_b = await b.page.evaluate("__bench.logs")
        run.lat_to_answerer = match_latency(logs_b.get("remote", []), logs_a.get("local", []),
                                            w0, w1)
        run.lat_to_offerer = match_latency(logs_a.get("remote", []), logs_b.get("local", []),
                                           w0, w1)
    return run


async def run_ours(pw: Any, y4m: Path, size: tuple[int, int], codec: str,
                   seconds: float) -> Run:
    run = Run()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    hub = spawn(
        [tool("clinic-hub"), "serve", "--demo", "--json", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    procs: list[subprocess.Popen[str]] = [hub]
    try:
        assert hub.stdout is not None
        info = json.loads(await asyncio.to_thread(hub.stdout.readline))
        async with browser_peer(pw, y4m, size, codec, info["url"]) as spec:
            page = spec.page
            await page.fill("#username", info["specialist_username"])
            await page.fill("#password", info["specialist_password"])
            await page.click("#signin-button")
            await page.locator("#waiting-view").wait_for(state="visible", timeout=15000)
            call_s = WARMUP_S + seconds + LATENCY_S + 8
            frame_log = Path(spec.profile) / "kiosk-frames.json"
            kiosk = spawn(
                [sys.executable, "-m", "bench.kiosk_peer", "--frame-log", str(frame_log),
                 "--hub", info["url"], "--code",
                 info["appointment_code"], "--seconds", f"{call_s:.1f}", "--json", "--hangup",
                 "--width", str(size[0]), "--height", str(size[1])],
                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
            procs.append(kiosk)
            await page.locator("#patients > li .p-join").first.click(timeout=30000)
            await page.evaluate("__bench.watchAll()")
            await wait_js(page, "__bench.firsts['remote-video']")
            await page.evaluate("__bench.paused = true")
            await asyncio.sleep(WARMUP_S)
            kiosk_cpu, hub_cpu = TreeCPU(kiosk.pid), TreeCPU(hub.pid)
            s0 = await page.evaluate("__bench.stats()")
            t0 = time.monotonic()
            await sample_window(seconds, [spec.cpu, kiosk_cpu, hub_cpu])
            s1 = await page.evaluate("__bench.stats()")
            wall = time.monotonic() - t0
            w0 = await probe_window([page])
            w1 = await page.evaluate("__bench.now()")
            if kiosk.poll() is not None:
                run.note = "kiosk ended before the window closed"
            run.cpu_offerer, run.cpu_answerer = kiosk_cpu.percent(), spec.cpu.percent()
            run.cpu_hub = hub_cpu.percent()
            run.fps_answerer = (s1["framesDecoded"] - s0["framesDecoded"]) / wall
            run.jb_answerer = jitter_ms(s0, s1)
            run.codec = (f"{s1['codecOut']}/{s1['codecIn']} sends {s1.get('sendSize')} "
                         f"limited by {s1.get('limitedBy')}")
            logs = await page.evaluate("__bench.logs")
            run.lat_to_answerer = match_latency(logs.get("remote-video", []), [], w0, w1)
            out, _ = await asyncio.to_thread(kiosk.communicate, None, call_s + 60)
            kiosk_frames = json.loads(frame_log.read_text()) if frame_log.exists() else []
            run.lat_to_offerer = match_latency(kiosk_frames, logs.get("local-video", []),
                                               w0, w1)
        lines = out.strip().splitlines()
        summary = json.loads(lines[-1]) if lines else {}
        run.setup_ms = float(summary.get("setup_ms") or NAN)
        run.fps_offerer = float(summary.get("fps_received") or NAN)
    finally:
        stop_all(procs)
    return run


async def run_app(pw: Any, y4m: Path, size: tuple[int, int], codec: str, seconds: float,
                  profile: Path | None = None, xvfb: Xvfb | None = None) -> Run:
    """The real app (``bench.app_peer``: ``clinic-kiosk --autorun-code-file``, offscreen, paired
    in a private GNOME Keyring, test pattern and tone) in the same call as :func:`run_ours`.
    With ``profile``, py-spy samples the app during the CPU window (raw stacks and an SVG)."""
    from bench.app_peer import app_peer

    run = Run()
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    hub = spawn(
        [tool("clinic-hub"), "serve", "--demo", "--json", "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    procs: list[subprocess.Popen[str]] = [hub]
    try:
        assert hub.stdout is not None
        info = json.loads(await asyncio.to_thread(hub.stdout.readline))
        async with browser_peer(pw, y4m, size, codec, info["url"]) as spec:
            page = spec.page
            await page.fill("#username", info["specialist_username"])
            await page.fill("#password", info["specialist_password"])
            await page.click("#signin-button")
            await page.locator("#waiting-view").wait_for(state="visible", timeout=15000)
            log_copy = profile / f"app-{size[0]}x{size[1]}-{codec}.log" if profile else None
            probe = Path(spec.profile) / "app-probe.jsonl"
            launcher = os.environ.get("BENCH_APP_LAUNCHER") or str(ROOT / "bench" / "app_probe.py")
            extra = {"BENCH_APP_PROBE": str(probe)}
            if xvfb is not None:
                extra |= {"QT_QPA_PLATFORM": "xcb", "DISPLAY": xvfb.display}
            async with app_peer(info["url"], info["db"], info["clinic"]["id"],
                                info["appointment_code"], log_copy=log_copy, launcher=launcher,
                                extra_env=extra) as app:
                await page.locator("#patients > li .p-join").first.click(timeout=60000)
                joined = time.monotonic()
                await page.evaluate("__bench.watchAll()")
                await wait_js(page, "__bench.firsts['remote-video']")
                run.setup_ms = (time.monotonic() - joined) * 1000  # join -> shown at browser
                await page.evaluate("__bench.paused = true")
                await asyncio.sleep(WARMUP_S)
                shown0 = await probe_app(app, probe, 1)  # before the window: not its CPU
                app_cpu, hub_cpu = TreeCPU(app.pid), TreeCPU(hub.pid)
                cpus = [spec.cpu, app_cpu, hub_cpu]
                if xvfb is not None:
                    cpus.append(TreeCPU(xvfb.proc.pid))
                spy = None
                if profile is not None:
                    stem = profile / f"app-{size[0]}x{size[1]}-{codec}"
                    spy = spawn([tool("py-spy"), "record", "--nonblocking", "--pid",
                                 str(app.pid), "--duration", f"{seconds:.0f}", "--rate", "200",
                                 "--format", "raw", "--output", f"{stem}.txt"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                s0 = await page.evaluate("__bench.stats()")
                t0 = time.monotonic()
                await sample_window(seconds, cpus)
                s1 = await page.evaluate("__bench.stats()")
                wall = time.monotonic() - t0
                if xvfb is not None:
                    run.cpu_xserver = cpus[-1].percent()
                shown1 = await probe_app(app, probe, 2)
                run.render_path = str(shown1.get("remote_path", ""))
                if shown0 and shown1:
                    span = shown1["t"] - shown0["t"]
                    for attr, key in (("fps_delivered", "delivered"), ("fps_shown", "remote"),
                                      ("fps_shown_self", "self")):
                        if key in shown0 and key in shown1:
                            setattr(run, attr, (shown1[key] - shown0[key]) / span)
                if spy is not None:
                    await asyncio.to_thread(spy.wait, 30)
                w0 = await probe_window([page])
                w1 = await page.evaluate("__bench.now()")
                if app.poll() is not None:
                    run.note = "the app ended before the window closed"
                run.cpu_offerer, run.cpu_answerer = app_cpu.percent(), spec.cpu.percent()
                run.cpu_hub = hub_cpu.percent()
                run.fps_answerer = (s1["framesDecoded"] - s0["framesDecoded"]) / wall
                run.jb_answerer = jitter_ms(s0, s1)
                run.codec = (f"{s1['codecOut']}/{s1['codecIn']} sends {s1.get('sendSize')} "
                             f"limited by {s1.get('limitedBy')}")
                logs = await page.evaluate("__bench.logs")
                run.lat_to_answerer = match_latency(logs.get("remote-video", []), [], w0, w1)
    finally:
        stop_all(procs)
    return run


async def probe_app(app: subprocess.Popen[str], probe: Path, line: int) -> dict[str, Any]:
    """Signal the app's frame probe (bench/app_probe.py) and read its ``line``-th answer;
    {} if it does not answer within 5 s (a launcher without the probe)."""
    app.send_signal(signal.SIGUSR1)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = probe.read_text().splitlines() if probe.exists() else []  # noqa: ASYNC240 (tiny)
        if len(lines) >= line:
            return dict(json.loads(lines[line - 1]))
        await asyncio.sleep(0.05)
    return {}


def jitter_ms(s0: dict[str, Any], s1: dict[str, Any]) -> float:
    """Mean jitter-buffer delay (ms) of the frames a browser emitted between two getStats."""
    frames = (s1.get("jitterBufferEmitted") or 0) - (s0.get("jitterBufferEmitted") or 0)
    delay = (s1.get("jitterBufferDelay") or 0) - (s0.get("jitterBufferDelay") or 0)
    return 1000 * delay / frames if frames > 0 else NAN


def summarise(size: str, codec: str, refs: list[Run], ours: list[Run],
              apps: list[Run] | None = None) -> list[Row]:
    def med(runs: list[Run], attr: str) -> float:
        return median(getattr(r, attr) for r in runs)

    def pct(runs: list[Run], attr: str, p: float) -> float:
        return median(percentile(getattr(r, attr), p) for r in runs)

    g = f"{size} {codec}"
    return [
        Row(g, "set-up ms (to 1st remote frame)", med(refs, "setup_ms"), med(ours, "setup_ms")),
        Row(g, "CPU % kiosk / peer A", med(refs, "cpu_offerer"), med(ours, "cpu_offerer")),
        Row(g, "CPU % browser / peer B", med(refs, "cpu_answerer"), med(ours, "cpu_answerer")),
        Row(g, "CPU % hub", NAN, med(ours, "cpu_hub"), False),
        Row(g, "fps received, kiosk / A", med(refs, "fps_offerer"), med(ours, "fps_offerer")),
        Row(g, "fps received, browser / B", med(refs, "fps_answerer"),
            med(ours, "fps_answerer")),
        Row(g, "latency p50 ms, to browser", pct(refs, "lat_to_answerer", 50),
            pct(ours, "lat_to_answerer", 50)),
        Row(g, "latency p95 ms, to browser", pct(refs, "lat_to_answerer", 95),
            pct(ours, "lat_to_answerer", 95)),
        Row(g, "latency p50 ms, to kiosk / A", pct(refs, "lat_to_offerer", 50),
            pct(ours, "lat_to_offerer", 50)),
        Row(g, "latency p95 ms, to kiosk / A", pct(refs, "lat_to_offerer", 95),
            pct(ours, "lat_to_offerer", 95)),
        Row(g, "browser jitter buffer ms", med(refs, "jb_answerer"), med(ours, "jb_answerer")),
    ] + ([] if apps is None else [
        # The app: reference = test-call (same engine, no Qt), ours = the GUI app.
        Row(g, "APP CPU % / test-call CPU %", med(ours, "cpu_offerer"),
            med(apps, "cpu_offerer")),
        Row(g, "APP CPU % / peer A (Chromium)", med(refs, "cpu_offerer"),
            med(apps, "cpu_offerer")),
        Row(g, "APP: browser CPU % / test-call's", med(ours, "cpu_answerer"),
            med(apps, "cpu_answerer")),
        Row(g, "APP: fps at browser / test-call's", med(ours, "fps_answerer"),
            med(apps, "fps_answerer")),
        Row(g, "APP: fps shown / delivered to GUI", med(apps, "fps_delivered"),
            med(apps, "fps_shown")),
        Row(g, "APP: own picture fps shown", NAN, med(apps, "fps_shown_self"), False),
        Row(g, "APP: X server CPU % (Xvfb)", NAN, med(apps, "cpu_xserver"), False),
        Row(g, "APP: latency p50 to browser / tc", pct(ours, "lat_to_answerer", 50),
            pct(apps, "lat_to_answerer", 50)),
    ])


async def bench(args: argparse.Namespace) -> int:
    from playwright.async_api import async_playwright

    Y4M_DIR.mkdir(exist_ok=True)
    print(f"call vs browser: {args.seconds:.0f} s windows, {args.runs} run(s) per case; "
          f"{load_note()}\n", flush=True)
    rows: list[Row] = []
    notes: list[str] = []
    displays = contextlib.ExitStack()
    xvfb = displays.enter_context(Xvfb()) if args.app_display == "xvfb" else None
    runner, url = await serve_bench_page()
    try:
        async with async_playwright() as pw:
            for size_text in args.sizes.split(","):
                w, h = (int(v) for v in size_text.split("x"))
                y4m = write_y4m(Y4M_DIR / f"pattern-{w}x{h}.y4m", w, h)
                for codec in args.codecs.split(","):
                    refs: list[Run] = []
                    ours: list[Run] = []
                    apps: list[Run] = []
                    cases = args.cases.split(",")
                    app_here = "app" in cases and (w, h) == (640, 480)
                    if "app" in cases and not app_here:
                        notes.append(f"{size_text}: no app case (the app sends 640x480)")
                    for i in range(args.runs):
                        coros = []
                        if "ref" in cases:
                            coros.append(("ref", run_reference(pw, url, y4m, (w, h), codec,
                                                               args.seconds)))
                        if "ours" in cases:
                            coros.append(("ours", run_ours(pw, y4m, (w, h), codec,
                                                           args.seconds)))
                        if app_here:
                            coros.append(("app", run_app(pw, y4m, (w, h), codec, args.seconds,
                                                         args.profile_app, xvfb)))
                        for kind, coro in coros:
                            try:
                                r = await asyncio.wait_for(coro, args.seconds + 90)
                            except Exception as exc:  # a failed run is reported, not fatal
                                notes.append(f"{size_text} {codec} {kind} run {i + 1}: "
                                             f"{type(exc).__name__}: {exc}"[:200])
                                continue
                            {"ref": refs, "ours": ours, "app": apps}[kind].append(r)
                            if args.verbose:
                                print(f"  {size_text} {codec} {kind} {i + 1}: {r}", file=sys.stderr,
                                      flush=True)
                    codecs = sorted({r.codec for r in refs + ours})
                    notes.append(f"{size_text} {codec}: {len(refs)} ref + {len(ours)} ours "
                                 f"+ {len(apps)} app runs; negotiated (send/recv at the browser) "
                                 f"{codecs}; app notes {[r.note for r in apps if r.note]}; "
                                 f"app render paths {sorted({r.render_path for r in apps})}")
                    case_rows = summarise(size_text, codec, refs, ours,
                                          apps if app_here else None)
                    rows.extend(case_rows)
                    print(table(case_rows), flush=True)
                    print(flush=True)
    finally:
        await runner.cleanup()
        displays.close()
    print("=== all cases ===")
    print(table(rows))
    print()
    for n in notes:
        print("note:", n)
    print("reference: Chromium A (offers) <-> Chromium B (answers), two browser instances, "
          "SDP exchanged through Playwright, fake y4m camera at the tested size.")
    print("ours: clinic-kiosk test-call run as bench.kiosk_peer (the same code plus a frame log; "
          "kiosk engine, offers; no Qt: capture + encode + decode, no display) <-> the hub's "
          "specialist console in Chromium (answers), through clinic-hub serve --demo.")
    print(f"APP rows: the GUI app (clinic-kiosk --autorun-code-file, {args.app_display}, "
          "paired in a "
          "private GNOME Keyring, test pattern + tone, showing the specialist's video) in the "
          "same call; its reference column is test-call's figure (ratio = app / test-call), "
          "or Chromium peer A's where the row says so. App set-up = join -> first frame shown "
          "at the browser (not comparable with test-call's).")
    print("latency: to browser = capture -> shown in <video>; to kiosk = capture -> decoded "
          "(no Qt display; ref A = shown in <video>).")
    print(f"load after the run: {load_note()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--sizes", default="640x480,1280x720")
    parser.add_argument("--codecs", default="VP8,H264")
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--cases", default="ref,ours,app",
                        help="which peers to run: ref (Chromium <-> Chromium), ours (test-call), "
                             "app (the GUI app, 640x480 only)")
    parser.add_argument("--app-display", choices=("offscreen", "xvfb"), default="offscreen",
                        help="the app offscreen, or on a private Xvfb (xcb, Mesa's llvmpipe)")
    parser.add_argument("--profile-app", type=Path, metavar="DIR",
                        help="py-spy the app during its CPU window: raw stacks and its log here")
    parser.add_argument("--kiosk-x264-preset", help="experiment: the kiosk's libx264 preset "
                        "(aiortc opens it with none, i.e. medium); see bench/kiosk_peer.py")
    args = parser.parse_args(argv)
    if args.kiosk_x264_preset:
        os.environ["BENCH_X264_PRESET"] = args.kiosk_x264_preset
        print(f"EXPERIMENT: the kiosk's libx264 runs with preset={args.kiosk_x264_preset}")
    return asyncio.run(bench(args))


if __name__ == "__main__":
    sys.exit(main())
