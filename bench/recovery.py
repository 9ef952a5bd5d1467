"""Calls after network faults: media back after the network returns, and video freezes under
loss (issue 13 items 2-3), in process: a real hub on 127.0.0.1, the kiosk's call engine and the
demo specialist (real aiortc peers), media through a UDP path we cut or make lossy, and for
``whole`` cuts the kiosk's WebSocket through a TCP path on the same switch
(tests/helpers/netpath.py, tests/helpers/callrig.py). No root, no namespaces.

With ``--netns`` (root): the same sweep with each end in its own network namespace, as the fault
suite runs it (tests/faults; :mod:`bench.recovery_netns`): a ``clinic-hub serve`` process, the
kiosk's call engine and the demo specialist as processes, cuts and loss made by ``iptables`` in
the kiosk's namespace, and one more kind, ``hub_kill`` (SIGKILL mid-call, restarted on the same
database after the cut length; its figure is the longest freeze while the hub was away).

    python -m bench.recovery [--lengths 1,2,5,12,20,40,60] [--kinds media,whole] [--trials 5]
    python -m bench.recovery --loss 5,10 [--runs 10] [--seconds 20]
    python -m bench.recovery --netns [--kinds media,whole,hub_kill] [--delay 150:60] ...
    ... [--json]

With ``--json`` it prints one object: ``trials`` (every cut trial), ``p95_s`` and ``max_s`` (media
back after the network returned, both ends, all trials), ``calls_ended``, and ``loss`` (per loss
rate: the longest freeze of each run at each end).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import statistics
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

from kiosk.hub import HubConfig, seed_demo, start_hub
from kiosk.hub.clock import SystemClock
from kiosk.hub.codes import issue_appointment


def _project_tests() -> None:
    """Make ``tests`` this project's folder: the rig lives in tests/helpers, and a library may
    install a top-level ``tests`` package of its own (textstat 0.7.8 does), which would win."""
    root = Path(__file__).resolve().parent.parent / "tests"
    loaded = sys.modules.get("tests")
    if loaded is None or str(root) not in list(getattr(loaded, "__path__", [])):
        package = types.ModuleType("tests")
        package.__path__ = [str(root)]
        sys.modules["tests"] = package


_project_tests()
from tests.helpers.callrig import CallRig  # noqa: E402  (after the line above)


def _p(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def _run(args: argparse.Namespace) -> dict[str, Any]:
    tmp = Path(tempfile.mkdtemp(prefix="bench-recovery-"))
    clock = SystemClock()
    config = HubConfig(host="127.0.0.1", port=0, db_path=tmp / "hub.sqlite3",
                       hub_name="bench", heartbeat=3.0, web_root=None)
    hub = await start_hub(config, clock=clock)
    seed = seed_demo(hub.storage, hub.secrets, clock=clock)

    def rig(**kwargs: Any) -> CallRig:
        code = issue_appointment(hub.storage, hub.secrets, waiting_area_id=seed.waiting_area_id,
                                 starts_at=clock.now(), now=clock.now()).code
        return CallRig(hub.url, code, (seed.specialist_username, seed.specialist_password),
                       **kwargs)

    trials: list[dict[str, Any]] = []
    loss: dict[str, list[dict[str, float]]] = {}
    try:
        for kind in args.kinds:
            for seconds in args.lengths:
                for n in range(args.trials):
                    call = rig(whole_network=kind == "whole")
                    try:
                        await call.start()
                        restored = await call.cut_for(seconds)
                        kiosk, specialist = await call.back_after(restored, within=30.0)
                        trial = {"kind": kind, "cut_s": seconds, "trial": n + 1,
                                 "kiosk_s": kiosk, "specialist_s": specialist,
                                 "call_ended": call.call_ended}
                    finally:
                        await call.close()
                    trials.append(trial)
                    if not args.json:
                        print(json.dumps(trial), flush=True)
        for pct in args.loss:
            for n in range(args.runs):
                call = rig(loss=pct / 100.0, seed=n + 1)
                try:
                    await call.start()
                    start = call.switch.restore()
                    await asyncio.sleep(args.seconds)
                    end = call.switch.restore()
                    run = {"kiosk_freeze_s": call.kiosk_sink.longest_gap(start, end),
                           "specialist_freeze_s": call.specialist_sink.longest_gap(start, end),
                           "call_ended": float(call.call_ended)}
                finally:
                    await call.close()
                loss.setdefault(f"{pct:g}", []).append(run)
                if not args.json:
                    print(json.dumps({"loss_pct": pct, "run": n + 1, **run}), flush=True)
    finally:
        await hub.close()
    backs = [t[k] for t in trials for k in ("kiosk_s", "specialist_s")]
    measured = [b for b in backs if b is not None]
    return {
        "trials": trials,
        "p50_s": statistics.median(measured) if measured else None,
        "p95_s": _p(measured, 0.95),
        "max_s": max(measured) if measured and len(measured) == len(backs) else None,
        "never_back": len(backs) - len(measured),
        "calls_ended": sum(1 for t in trials if t["call_ended"]),
        "loss": loss,
    }


def _table(result: dict[str, Any]) -> None:
    print("\nkind   cut_s  end         p50    p95    max   ended")
    groups: dict[tuple[str, float], list[dict[str, Any]]] = {}
    for t in result["trials"]:
        groups.setdefault((t["kind"], t["cut_s"]), []).append(t)
    for (kind, cut), ts in groups.items():
        for end in ("kiosk_s", "specialist_s"):
            vals = [t[end] for t in ts if t[end] is not None]
            print(f"{kind:6} {cut:5g}  {end[:-2]:10} {_p(vals, .5) or 0:6.2f} "
                  f"{_p(vals, .95) or 0:6.2f} {max(vals, default=0):6.2f} "
                  f"{sum(t['call_ended'] for t in ts):5d}")
    for key, runs in result.get("delay", {}).items():
        worst = [max(r["kiosk_freeze_s"], r["specialist_freeze_s"]) for r in runs]
        print(f"delay {key}: longest freeze per run (s): "
              f"{', '.join(f'{w:.2f}' for w in worst)}; worst {max(worst):.2f}")
    for pct, runs in result["loss"].items():
        worst = [max(r["kiosk_freeze_s"], r["specialist_freeze_s"]) for r in runs]
        print(f"loss {pct}%: longest freeze per run (s): "
              f"{', '.join(f'{w:.2f}' for w in worst)}; worst {max(worst):.2f}")
    print(f"all cuts: p95 {result['p95_s']} s, max {result['max_s']} s, "
          f"calls ended {result['calls_ended']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    floats = lambda text: [float(x) for x in text.split(",") if x]  # noqa: E731
    parser.add_argument("--lengths", type=floats, default=[1, 2, 5, 12, 20, 40, 60])
    parser.add_argument("--kinds", type=lambda t: t.split(","), default=["media", "whole"])
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--loss", type=floats, default=[], help="loss rates in %%, e.g. 5,10")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--delay", type=lambda t: [tuple(float(x) for x in p.split(":"))
                                                    for p in t.split(",") if p],
                        default=[], help="--netns only: delay:jitter in ms, e.g. 150:60")
    parser.add_argument("--netns", action="store_true",
                        help="each end in its own network namespace, iptables faults (root)")
    args = parser.parse_args()
    if (args.loss or args.delay) and not any(a.startswith("--lengths")
                                             for a in __import__("sys").argv):
        args.lengths = []  # --loss alone measures only the loss runs
    logging.basicConfig(level=logging.ERROR)
    if args.netns:
        from bench.recovery_netns import run_netns
        result = asyncio.run(run_netns(args))
    else:
        result = asyncio.run(_run(args))
    if args.json:
        print(json.dumps(result))
    else:
        _table(result)


if __name__ == "__main__":
    main()
