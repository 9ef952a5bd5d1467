"""``clinic-kiosk selftest``: is this kiosk fit for consultations today?

It runs the hub check, every media path, throughput, a short test call to the hub's demo
specialist (with ``--code-file PATH|-`` or ``--code``), and the device checks the kiosk app
passes in (``devices``; from a terminal they are reported as not checked). It prints a table
for people or one JSON object (``--json``): ``{"fit", "checks": [{"name", "status", "figures",
"advice_patient", "advice_staff", "duration_ms"}], "finished_at"}``.

Exit status: 0 fit (no check failed), 1 not fit, 2 bad input (bad URL, no token in the
keyring). Never a traceback for network trouble. The appointment code and the device token are
secrets: never printed or logged. The code is read from a file only its owner may read, or from
stdin (``--code-file``, :mod:`kiosk.secretfile`), so it need not be a command-line argument,
which every local user can see; ``--code`` still works.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from kiosk.checks.hub import HubUrlError, normalise_hub_url, send_readiness
from kiosk.checks.network import NetworkReport, Progress, run_network_check
from kiosk.checks.result import CheckResult
from kiosk.secretfile import SecretFileError, read_secret

EXIT_FIT: Final = 0
EXIT_NOT_FIT: Final = 1
EXIT_USAGE: Final = 2
#: Largest readiness report sent to the hub (the protocol's limit for the field).
READINESS_MAX_BYTES: Final = 16 * 1024

DeviceChecks = Callable[[], Awaitable[list[CheckResult]]]


@dataclass
class SelfTestReport:
    """The self-test's checks and whether the kiosk is fit for consultations."""

    checks: list[CheckResult] = field(default_factory=list)
    network: NetworkReport | None = None
    finished_at: str = ""

    @property
    def fit(self) -> bool:
        return all(c.status != "fail" for c in self.checks)

    def to_json(self) -> dict[str, Any]:
        return {"fit": self.fit, "checks": [c.to_json() for c in self.checks],
                "finished_at": self.finished_at}


def readiness_payload(report: Mapping[str, Any]) -> dict[str, Any]:
    """The ``readiness`` report for the hub (at most 16 KiB): fit, when, each check's status
    and figures; the advice is left out (the hub shows failing check names)."""
    checks = [c for c in report.get("checks", []) if isinstance(c, Mapping)]
    slim = [{"name": str(c.get("name"))[:40], "status": c.get("status"),
             "figures": c.get("figures", {}), "duration_ms": c.get("duration_ms")}
            for c in checks]
    out = {"fit": bool(report.get("fit")), "finished_at": report.get("finished_at"),
           "checks": slim}
    if len(json.dumps(out)) > READINESS_MAX_BYTES:
        for c in slim:
            c["figures"] = {}
    return out


def _devices_not_checked() -> CheckResult:
    return CheckResult("devices", "warn", {},
                       advice_staff="Camera, microphone and speaker were not checked (run "
                                    "the self-test from the kiosk app to check them).")


async def _test_call(hub_url: str, code: str, token: str | None, seconds: float) -> CheckResult:
    from kiosk.call.testcall import TestCallError, run_test_call

    started = time.monotonic()
    try:
        got = await run_test_call(hub_url, code, seconds=seconds, token=token,
                                  join_timeout=30.0, end_timeout=5.0)
    except TestCallError as exc:
        return CheckResult("test_call", "fail", {"error": str(exc)[:200]},
                           advice_patient="A test video call did not work.",
                           advice_staff=f"Test call failed: {exc}",
                           duration_ms=(time.monotonic() - started) * 1000)
    figures = {k: v for k, v in got.as_dict().items()
               if k in ("connected", "setup_ms", "frames_received", "audio_frames_received",
                        "fps_received", "latency_ms_p50", "reconnects", "media_both_ways")}
    ok = got.media_both_ways
    return CheckResult(
        "test_call", "pass" if ok else "fail", figures,
        advice_patient="" if ok else "A test video call did not work.",
        advice_staff=(f"Test call: media both ways, set-up {got.setup_ms} ms." if ok else
                      "Test call connected but media did not flow both ways."),
        duration_ms=(time.monotonic() - started) * 1000)


async def run_selftest(hub_url: str, *, devices: DeviceChecks | None = None,
                       token: str | None = None, code: str | None = None,
                       call_seconds: float = 5.0, progress: Progress | None = None,
                       ice_servers: list[dict[str, Any]] | None = None) -> SelfTestReport:
    """Run every check against the hub at ``hub_url``; see the module docstring.

    ``ice_servers`` overrides the hub's list (for tests and for IT trying a TURN server).
    """
    report = SelfTestReport()
    network = await run_network_check(hub_url, token=token, progress=progress,
                                      ice_servers=ice_servers)
    report.network = network
    report.checks.extend(network.checks)
    if devices is None:
        report.checks.append(_devices_not_checked())
    else:
        started = time.monotonic()
        try:
            report.checks.extend(await devices())
        except Exception as exc:  # a broken device adapter is reported, not raised
            report.checks.append(CheckResult(
                "devices", "fail", {"error": type(exc).__name__},
                advice_staff="The device checks could not run.",
                duration_ms=(time.monotonic() - started) * 1000))
    if code is not None and network.hub is not None and network.hub.status != "fail":
        report.checks.append(await _test_call(hub_url, code, token, call_seconds))
    report.finished_at = network.finished_at
    return report


# --- command line ---

def _table(report: SelfTestReport) -> str:
    lines = [f"{'check':<16}{'status':<8}{'time':>8}  detail"]
    for c in report.checks:
        lines.append(f"{c.name:<16}{c.status.upper():<8}{c.duration_ms:>6.0f}ms  "
                     f"{c.advice_staff}")
    lines.append("")
    lines.append("FIT for consultations" if report.fit else
                 "NOT FIT for consultations: see the failed checks above")
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="clinic-kiosk selftest",
                                description="Check this kiosk is fit for video consultations.")
    p.add_argument("--hub", required=True, help="hub URL, e.g. https://hub.example.org")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--token-from-keyring", action="store_true",
                   help="check as this paired kiosk (its device token from the keyring)")
    code = p.add_mutually_exclusive_group()
    code.add_argument("--code-file", metavar="PATH|-",
                      help="make a test call to the demo specialist with the appointment code "
                           "read from this file (mode 600) or, with -, from stdin")
    code.add_argument("--code", help="the appointment code on the command line (visible to "
                                     "other local users: prefer --code-file)")
    p.add_argument("--report", action="store_true",
                   help="send the result to the hub (needs --token-from-keyring)")
    return p


def _token_from_keyring() -> str:
    from kiosk.secrets import DEVICE_TOKEN, KeyringSecretStore, SecretStoreUnavailable

    try:
        token = KeyringSecretStore().get(DEVICE_TOKEN)
    except SecretStoreUnavailable as exc:
        raise HubUrlError(f"the keyring cannot be read: {exc}") from None
    if not token:
        raise HubUrlError("this kiosk is not paired (no device token in the keyring)")
    return token


def main(argv: list[str] | None = None) -> int:
    """Run ``clinic-kiosk selftest``; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return EXIT_USAGE if exc.code else EXIT_FIT
    try:
        hub_url = normalise_hub_url(args.hub)
        token = _token_from_keyring() if args.token_from_keyring else None
        if args.report and token is None:
            raise HubUrlError("--report needs --token-from-keyring")
        code = args.code if args.code_file is None else \
            read_secret(args.code_file, "appointment code", stdin=sys.stdin)
    except (HubUrlError, SecretFileError) as exc:
        print(f"clinic-kiosk selftest: error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def progress(_step: str, fraction: float, text: str) -> None:
        if not args.json:
            print(f"[{fraction * 100:3.0f}%] {text}", file=sys.stderr)

    try:
        report = asyncio.run(run_selftest(hub_url, token=token, code=code,
                                          progress=progress))
    except KeyboardInterrupt:
        print("clinic-kiosk selftest: interrupted", file=sys.stderr)
        return 130
    data = report.to_json()
    print(json.dumps(data) if args.json else _table(report))
    if report.network is not None and report.network.hub is not None \
            and report.network.hub.status == "fail":
        print(f"clinic-kiosk selftest: {report.network.hub.advice_staff}", file=sys.stderr)
    if args.report and token is not None:
        try:
            asyncio.run(send_readiness(hub_url, token, readiness_payload(data)))
        except ConnectionError as exc:
            print(f"clinic-kiosk selftest: could not report to the hub: {exc}", file=sys.stderr)
    return EXIT_FIT if report.fit else EXIT_NOT_FIT
