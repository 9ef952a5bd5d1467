"""``python -m bench.recovery --netns``: the same sweep with real network namespaces.

Each trial is a fresh :class:`tests.faults.netns.FaultNet` (hub, kiosk and specialist each in
its own namespace on a bridge) and :class:`tests.faults.rig.FaultCall` (a ``clinic-hub serve``
process, the kiosk's call engine and the demo specialist as processes); cuts are ``iptables``
DROP rules in the kiosk's namespace (``media``: UDP only; ``whole``: everything, TCP included),
loss is ``iptables -m statistic``, ``--delay MS:JITTER`` holds every UDP datagram through the
NFQUEUE delayer (tests/faults/delayer.py; longest freeze per run), and ``hub_kill`` is SIGKILL
of the hub mid-call and a restart on the same database after the cut length. Root only. The
result has the same keys as the in-process sweep (``trials``, ``p95_s``, ``max_s``,
``calls_ended``, ``loss``), and ``delay``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.faults.netns import FaultNet, unavailable
from tests.faults.rig import FaultCall


def _p(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _trial(kind: str, seconds: float) -> dict[str, Any]:
    with FaultNet() as net:
        call = FaultCall(net, Path(tempfile.mkdtemp(prefix="bench-recovery-netns-")))
        try:
            await call.start_hub()
            await call.start_call()
            if kind == "hub_kill":
                call.kill_hub()
                assert call.hub is not None
                await call.hub.wait()
                killed = time.monotonic()
                await asyncio.sleep(seconds)
                await call.start_hub(demo=False)
                assert call.kiosk is not None
                assert call.specialist is not None
                await asyncio.sleep(5.0)
                gaps = [(await p.ask(cmd="gap", start=killed, end=time.monotonic()))["gap"]
                        for p in (call.kiosk, call.specialist)]
                # Media should never stop: "back" is the longest freeze while the hub was away.
                kiosk_s, specialist_s = gaps
            else:
                restored = await call.cut_for(kind, seconds)
                kiosk_s, specialist_s = await call.back_after(restored, within=30.0)
            return {"kind": kind, "cut_s": seconds, "kiosk_s": kiosk_s,
                    "specialist_s": specialist_s, "call_ended": await call.ended()}
        finally:
            await call.close()


async def _loss_run(pct: float, seconds: float) -> dict[str, float]:
    with FaultNet() as net:
        call = FaultCall(net, Path(tempfile.mkdtemp(prefix="bench-recovery-netns-")))
        try:
            await call.start_hub()
            await call.start_call()
            net.cut("loss", loss=pct / 100.0)
            start = time.monotonic()
            await asyncio.sleep(seconds)
            end = time.monotonic()
            net.restore()
            assert call.kiosk is not None
            assert call.specialist is not None
            k = (await call.kiosk.ask(cmd="gap", start=start, end=end))["gap"]
            s = (await call.specialist.ask(cmd="gap", start=start, end=end))["gap"]
            return {"kiosk_freeze_s": k, "specialist_freeze_s": s,
                    "call_ended": float(await call.ended())}
        finally:
            await call.close()


async def _delay_run(delay_ms: float, jitter_ms: float, seconds: float,
                     seed: int) -> dict[str, float]:
    with FaultNet() as net:
        call = FaultCall(net, Path(tempfile.mkdtemp(prefix="bench-recovery-netns-")))
        try:
            await call.start_hub()
            await call.start_call()
            net.delay(delay_ms, jitter_ms, seed=seed)
            start = time.monotonic()
            await asyncio.sleep(seconds)
            end = time.monotonic()
            counts = net.restore()
            assert call.kiosk is not None
            assert call.specialist is not None
            k = (await call.kiosk.ask(cmd="gap", start=start, end=end))["gap"]
            s = (await call.specialist.ask(cmd="gap", start=start, end=end))["gap"]
            return {"kiosk_freeze_s": k, "specialist_freeze_s": s,
                    "packets_delayed": counts.get("packets", 0.0),
                    "call_ended": float(await call.ended())}
        finally:
            await call.close()


async def run_netns(args: argparse.Namespace) -> dict[str, Any]:
    """The sweep of :mod:`bench.recovery`, in namespaces."""
    why_not = unavailable()
    if why_not is not None:
        raise SystemExit(f"bench.recovery --netns: {why_not}")
    trials: list[dict[str, Any]] = []
    loss: dict[str, list[dict[str, float]]] = {}
    for kind in args.kinds:
        for seconds in args.lengths:
            for n in range(args.trials):
                trial = {**await _trial(kind, seconds), "trial": n + 1}
                trials.append(trial)
                if not args.json:
                    print(json.dumps(trial), flush=True)
    for pct in args.loss:
        for n in range(args.runs):
            run = await _loss_run(pct, args.seconds)
            loss.setdefault(f"{pct:g}", []).append(run)
            if not args.json:
                print(json.dumps({"loss_pct": pct, "run": n + 1, **run}), flush=True)
    delay: dict[str, list[dict[str, float]]] = {}
    for delay_ms, jitter_ms in getattr(args, "delay", []) or []:
        for n in range(args.runs):
            run = await _delay_run(delay_ms, jitter_ms, args.seconds, n + 1)
            delay.setdefault(f"{delay_ms:g}+-{jitter_ms:g}ms", []).append(run)
            if not args.json:
                print(json.dumps({"delay_ms": delay_ms, "jitter_ms": jitter_ms, "run": n + 1,
                                  **run}), flush=True)
    backs = [t[k] for t in trials if t["kind"] != "hub_kill"
             for k in ("kiosk_s", "specialist_s")]
    measured = [b for b in backs if b is not None]
    return {
        "trials": trials,
        "p50_s": statistics.median(measured) if measured else None,
        "p95_s": _p(measured, 0.95),
        "max_s": max(measured) if measured and len(measured) == len(backs) else None,
        "never_back": len(backs) - len(measured),
        "calls_ended": sum(1 for t in trials if t["call_ended"]),
        "loss": loss,
        "delay": delay,
    }
