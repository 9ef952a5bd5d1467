"""The whole network check: the hub, every media path at once, then throughput over the best one.

:func:`run_network_check` finishes within about 12 s whatever the network does (each path has
its own time limit and they run concurrently), reporting progress as ``(step, fraction, text)``.
:func:`preferred_ice_servers` reorders the hub's ICE servers so that the URL that worked best
comes first for each kind, because aiortc uses only the first STUN and the first TURN URL
(docs/architecture.md §7). :func:`summary` is the short form for the check-in ``checks`` field.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Final

from kiosk.checks.hub import check_hub
from kiosk.checks.paths import KINDS, LABELS, Loopback, PathSpec, check_path, specs_from, url_kind
from kiosk.checks.result import CheckResult, Status, worst
from kiosk.checks.throughput import measure
from kiosk.checks.throughput import verdict as throughput_verdict

log = logging.getLogger(__name__)

#: ``progress(step, fraction 0..1, text)``.
Progress = Callable[[str, float, str], None]

#: Order in which working paths are used for the throughput test (relays cross the network).
_MEASURE_ORDER: Final = ("turn_udp", "turn_tcp", "turn_tls", "host")
PATH_TIMEOUT: Final = 8.0


@dataclass
class NetworkReport:
    """Everything the network check found."""

    hub: CheckResult | None = None
    paths: list[CheckResult] = field(default_factory=list)
    throughput: CheckResult | None = None
    verdict: CheckResult | None = None
    finished_at: str = ""
    duration_ms: float = 0.0

    @property
    def checks(self) -> list[CheckResult]:
        out = [self.hub] if self.hub else []
        out += self.paths
        out += [c for c in (self.throughput, self.verdict) if c is not None]
        return out

    @property
    def fit(self) -> bool:
        return self.verdict is not None and self.verdict.status != "fail"

    def path(self, kind: str) -> CheckResult | None:
        return next((p for p in self.paths if p.name == f"path_{kind}"), None)

    def to_json(self) -> dict[str, Any]:
        return {"fit": self.fit, "checks": [c.to_json() for c in self.checks],
                "finished_at": self.finished_at, "duration_ms": round(self.duration_ms, 1)}


def _now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _conclude(report: NetworkReport) -> CheckResult:
    """The overall network verdict: can a consultation's media get through, and how well."""
    working = {p.name.removeprefix("path_") for p in report.paths if p.status == "pass"}
    relays = [k for k in ("turn_udp", "turn_tcp", "turn_tls") if k in working]
    figures: dict[str, Any] = {"working_paths": sorted(working, key=KINDS.index),
                               "best_relay": relays[0] if relays else None}
    if report.hub is not None and report.hub.status == "fail":
        return CheckResult("network", "fail", figures,
                           advice_patient="The kiosk cannot reach the video service. "
                                          "Please tell a member of staff.",
                           advice_staff="The hub is unreachable: see the hub check.")
    udp_out = "stun" in working
    tested_relays = [p for p in report.paths if p.name.startswith("path_turn_")]
    # A hub that offers no STUN or TURN server at all is configured for direct calls only
    # (one site's network, or the demo on one machine): judge the direct path alone.
    direct_only = all(p.name == "path_host" for p in report.paths)
    if direct_only and "host" in working:
        # The direct path is the path these calls take, so its figures are the verdict (the
        # throughput check alone marks a host-only measurement "warn": it proves no relay).
        status: Status = "warn"
        if report.throughput is not None:
            f = report.throughput.figures
            status = throughput_verdict(f["up_kbps"], f["down_kbps"], f["rtt_ms"],
                                        f["loss_pct"])[0]
        staff = ("The hub offers no STUN or TURN server, so calls connect only where the kiosk "
                 "and the specialist reach each other directly")
        if report.throughput is not None:
            staff += f". {report.throughput.advice_staff}"
        return CheckResult("network", status, figures,
                           advice_patient=report.throughput.advice_patient
                           if report.throughput else "",
                           advice_staff=staff)
    if not relays and not (udp_out and "host" in working):
        staff = ("No media path works: no TURN relay carried data"
                 + ("" if tested_relays else " (the hub offers no TURN server)")
                 + " and direct UDP is not available. Open UDP 3478 or TCP/TLS 443 to the "
                 "TURN server (see docs/deployment.md).")
        return CheckResult("network", "fail", figures,
                           advice_patient="Video calls cannot work on this network right now. "
                                          "Please tell a member of staff.",
                           advice_staff=staff)
    status = worst([report.throughput.status] if report.throughput else ["warn"])
    notes = []
    if not relays:
        notes.append("no TURN relay works, so calls depend on direct UDP")
        status = worst([status, "warn"])
    elif relays[0] != "turn_udp":
        notes.append(f"UDP is blocked; calls will be relayed over {LABELS[relays[0]]}")
    staff = "; ".join(notes) or "Media can flow"
    if report.throughput is not None:
        staff += f". {report.throughput.advice_staff}"
    return CheckResult("network", status, figures,
                       advice_patient=report.throughput.advice_patient
                       if report.throughput else "",
                       advice_staff=staff)


async def run_network_check(hub_url: str | None = None, *,
                            ice_servers: Sequence[Mapping[str, Any]] | None = None,
                            token: str | None = None, progress: Progress | None = None,
                            throughput_seconds: float = 3.0,
                            path_timeout: float = PATH_TIMEOUT) -> NetworkReport:
    """Check the hub (if ``hub_url``), every media path its ``ice_servers`` offer (or the given
    ``ice_servers``), and throughput over the best path. Never raises for network trouble."""
    started = time.monotonic()
    tell = progress or (lambda _s, _f, _t: None)
    report = NetworkReport()
    servers: list[Mapping[str, Any]] = list(ice_servers or [])
    if hub_url is not None:
        tell("hub", 0.0, "Checking the connection to the video service")
        probe = await check_hub(hub_url, token=token)
        report.hub = probe.result
        if ice_servers is None:
            servers = list(probe.ice_servers)
    if report.hub is None or report.hub.status != "fail":
        specs = specs_from(servers)
        tell("paths", 0.1, f"Trying {len(specs)} ways to send video")
        report.paths, kept = await _check_paths(specs, path_timeout, tell)
        try:
            best = next((kept[k] for k in _MEASURE_ORDER if k in kept), None)
            if best is not None and throughput_seconds > 0:
                kind, loop = best
                tell("throughput", 0.7, "Measuring the connection speed")
                report.throughput = await measure(loop, kind, seconds=throughput_seconds)
        finally:
            for _, loop in kept.values():
                await loop.close()
    report.verdict = _conclude(report)
    report.duration_ms = (time.monotonic() - started) * 1000
    report.finished_at = _now_iso()
    tell("done", 1.0, "Network check finished")
    return report


async def _check_paths(specs: list[PathSpec], within: float, tell: Progress,
                       ) -> tuple[list[CheckResult], dict[str, tuple[str, Loopback]]]:
    """Run every path at once; keep the working loopbacks that throughput may use."""
    done = 0
    kept: dict[str, tuple[str, Loopback]] = {}

    async def one(spec: PathSpec) -> CheckResult:
        nonlocal done
        result, loop = await check_path(spec, within=within, keep=spec.kind in _MEASURE_ORDER)
        if loop is not None:
            kept[spec.kind] = (spec.kind, loop)
        done += 1
        tell("paths", 0.1 + 0.6 * done / len(specs),
             f"{LABELS[spec.kind]}: {'works' if result.ok else 'does not work'}")
        return result

    results = await asyncio.gather(*(one(s) for s in specs))
    return list(results), kept


# --- using the report ---

def _checks_of(report: NetworkReport | Mapping[str, Any]) -> list[Mapping[str, Any]]:
    if isinstance(report, NetworkReport):
        return [c.to_json() for c in report.checks]
    checks = report.get("checks")
    return [c for c in checks if isinstance(c, Mapping)] if isinstance(checks, list) else []


def preferred_ice_servers(report: NetworkReport | Mapping[str, Any],
                          servers: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The hub's ``ice_servers`` reordered so the best working URL of each kind comes first.

    Working paths come first in the order UDP, TCP, TLS; untested URLs next; failed ones last.
    Credentials stay with their URLs. Nothing is dropped but a STUN URL whose check failed
    (UDP blocked): aioice would wait 5 s for it at every gathering, the call's first and each
    reconnect, for a server-reflexive address that cannot exist there. ``report`` is a
    :class:`NetworkReport` or its JSON form.
    """
    status_by_url: dict[str, str] = {}
    for check in _checks_of(report):
        figures = check.get("figures")
        url = figures.get("url") if isinstance(figures, Mapping) else None
        if isinstance(url, str) and str(check.get("name", "")).startswith("path_"):
            status_by_url[url] = str(check.get("status"))

    def rank(url: str) -> tuple[int, int]:
        kind = url_kind(url)
        if kind is None:
            return (3, 0)
        tier = {"pass": 0, "warn": 0, "fail": 2}.get(status_by_url.get(url, ""), 1)
        return (tier, KINDS.index(kind))

    def failed_stun(url: Any) -> bool:
        return isinstance(url, str) and url_kind(url) == "stun" \
            and status_by_url.get(url) == "fail"

    out: list[dict[str, Any]] = []
    for entry in servers:
        item = copy.deepcopy(dict(entry))
        urls = item.get("urls")
        if isinstance(urls, str) and failed_stun(urls):
            continue
        if isinstance(urls, list):
            kept = [u for u in urls if not failed_stun(u)]
            if urls and not kept:
                continue
            item["urls"] = sorted(kept, key=lambda u: rank(u) if isinstance(u, str) else (4, 0))
        out.append(item)

    def entry_rank(entry: Mapping[str, Any]) -> tuple[int, int]:
        urls = entry.get("urls")
        listed = [urls] if isinstance(urls, str) else urls if isinstance(urls, list) else []
        ranks = [rank(u) for u in listed if isinstance(u, str)
                 and (url_kind(u) or "").startswith("turn_")]
        return min(ranks) if ranks else (0, 0)

    return sorted(out, key=entry_rank)


PathOrder = Callable[[list[Any]], list[Any]]


async def choose_paths(ice_servers: Sequence[Mapping[str, Any]], *,
                       path_timeout: float = PATH_TIMEOUT) -> PathOrder:
    """Try each media path the hub offers (no throughput test) and return the ordering that
    puts the working TURN URL first: one path choice for every caller that has not run the
    full network check (``clinic-kiosk test-call``, the demo specialist), since aiortc uses
    only the first STUN and first TURN URL. A hub listing TURN/UDP first then works with UDP
    blocked. The app itself orders by its device-check report the same way."""
    report = await run_network_check(ice_servers=ice_servers, throughput_seconds=0,
                                     path_timeout=path_timeout)
    working = [c.name for c in report.paths if c.status == "pass"]
    log.info("media paths: %s work", ", ".join(working) or "none")
    return lambda servers: preferred_ice_servers(report, servers)


def summary(report: NetworkReport | Mapping[str, Any]) -> dict[str, str]:
    """Short values for the check-in ``checks`` field the specialist sees."""
    checks = {str(c.get("name")): c for c in _checks_of(report)}
    verdict = checks.get("network")
    status = str(verdict.get("status")) if verdict else "fail"
    tp = checks.get("throughput")
    detail: str
    hub = checks.get("hub")
    if verdict is None:
        detail = "Not checked"
    elif status == "fail":
        detail = ("Video service unreachable" if hub is not None and hub.get("status") == "fail"
                  else "No working media path")
    elif tp is not None and isinstance(tp.get("figures"), Mapping):
        f = tp["figures"]
        low = min(f.get("up_kbps", 0), f.get("down_kbps", 0))
        speed = f"{low / 1000:.1f} Mbps" if low >= 1000 else f"{low} kbps"
        rtt = f", {f['rtt_ms']:.0f} ms" if isinstance(f.get("rtt_ms"), int | float) else ""
        via = ""
        vf = verdict.get("figures")
        best = vf.get("best_relay") if isinstance(vf, Mapping) else None
        if best in ("turn_tcp", "turn_tls"):
            via = f" via {LABELS[best]}"
        detail = f"{f.get('verdict', '')} ({speed}{rtt}){via}"
    else:
        detail = "Speed not measured"
    return {"network": status, "network_detail": detail[:120]}
