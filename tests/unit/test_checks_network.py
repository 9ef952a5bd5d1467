"""preferred_ice_servers, summary and the throughput verdicts (no network)."""

from __future__ import annotations

from typing import Any

import pytest
from aiortc.rtcicetransport import connection_kwargs

from kiosk.call.peer import ice_servers_from
from kiosk.checks.network import NetworkReport, preferred_ice_servers, summary
from kiosk.checks.paths import specs_from, url_kind
from kiosk.checks.result import CheckResult, worst
from kiosk.checks.selftest import readiness_payload
from kiosk.checks.throughput import verdict

UDP = "turn:turn.example.org:3478?transport=udp"
TCP = "turn:turn.example.org:3478?transport=tcp"
TLS = "turns:turn.example.org:443?transport=tcp"
STUN = "stun:turn.example.org:3478"
SERVERS: list[dict[str, Any]] = [
    {"urls": [STUN]},
    {"urls": [UDP, TCP, TLS], "username": "1700000000:kiosk1", "credential": "c2VjcmV0"},
]


def _report(**status: str) -> NetworkReport:
    urls = {"stun": STUN, "turn_udp": UDP, "turn_tcp": TCP, "turn_tls": TLS}
    return NetworkReport(paths=[CheckResult(f"path_{k}", s, {"url": urls[k]})  # type: ignore[arg-type]
                                for k, s in status.items()])


def _chosen(servers: list[dict[str, Any]]) -> tuple[str, bool]:
    kw = connection_kwargs(ice_servers_from(servers))
    return kw["turn_transport"], kw["turn_ssl"]


def test_udp_blocked_puts_tls_first_when_only_tls_works() -> None:
    report = _report(stun="fail", turn_udp="fail", turn_tcp="fail", turn_tls="pass")
    out = preferred_ice_servers(report, SERVERS)
    assert [e["urls"] for e in out] == [[TLS, UDP, TCP]]  # the failed STUN server left out
    assert out[0]["username"] == SERVERS[1]["username"]
    assert _chosen(out) == ("tcp", True)
    assert SERVERS[1]["urls"] == [UDP, TCP, TLS]  # the input is not changed
    assert SERVERS[0]["urls"] == [STUN]


@pytest.mark.parametrize(("stun", "alone", "with_turn"), [
    ("fail", [], [UDP]),               # left out: the entry with only it goes too
    ("pass", [STUN], [STUN, UDP]),     # working, in KINDS order
    (None, [STUN], [UDP, STUN]),       # not tried: kept, after what worked
])
def test_only_a_stun_server_that_failed_its_check_is_left_out(
        stun: str | None, alone: list[str], with_turn: list[str]) -> None:
    """aioice waits 5 s for an unanswered STUN server at every gathering (the call's first
    and each reconnect); one that answered, or was not tried, stays."""
    report = _report(turn_udp="pass", **({"stun": stun} if stun else {}))
    out = preferred_ice_servers(report, SERVERS)
    assert [u for e in out for u in e["urls"] if u == STUN] == alone
    mixed = [{"urls": [STUN, UDP], "username": "u", "credential": "c"}]
    assert preferred_ice_servers(report, mixed)[0]["urls"] == with_turn


def test_working_udp_stays_first_and_tcp_beats_tls() -> None:
    assert _chosen(preferred_ice_servers(_report(turn_udp="pass", turn_tcp="pass",
                                                 turn_tls="pass"), SERVERS)) == ("udp", False)
    out = preferred_ice_servers(_report(turn_udp="fail", turn_tcp="pass", turn_tls="pass"),
                                SERVERS)
    assert out[1]["urls"] == [TCP, TLS, UDP]


def test_untested_urls_rank_between_working_and_failed() -> None:
    out = preferred_ice_servers(_report(turn_udp="fail"), SERVERS)  # tcp/tls never tried
    assert out[1]["urls"] == [TCP, TLS, UDP]


def test_separate_entries_are_reordered_and_json_reports_work() -> None:
    servers = [{"urls": [UDP], "username": "u1", "credential": "c1"},
               {"urls": [TLS], "username": "u2", "credential": "c2"}]
    report = _report(turn_udp="fail", turn_tls="pass").to_json()
    out = preferred_ice_servers(report, servers)
    assert out[0] == {"urls": [TLS], "username": "u2", "credential": "c2"}
    assert _chosen(out) == ("tcp", True)


def test_url_kinds_and_specs() -> None:
    assert [url_kind(u) for u in (STUN, UDP, TCP, TLS)] == [
        "stun", "turn_udp", "turn_tcp", "turn_tls"]
    assert url_kind("turns:x:443?transport=udp") is None
    assert url_kind("nonsense") is None
    kinds = [s.kind for s in specs_from(SERVERS)]
    assert kinds == ["host", "stun", "turn_udp", "turn_tcp", "turn_tls"]
    assert specs_from(SERVERS)[2].username == "1700000000:kiosk1"


@pytest.mark.parametrize(("up", "down", "rtt", "loss", "status", "text"), [
    (1500, 1500, 20, 0, "pass", "Good for video"),
    (800, 1200, 140, 0, "pass", "Good for video"),
    (500, 600, 40, 0, "pass", "Fine for video at lower quality"),
    (300, 1500, 40, 0, "warn", "Video may be poor; audio recommended"),
    (170, 1500, 40, 0, "fail", "Too slow for video; audio only"),
    (1500, 1500, 200, 0, "warn", "Video usable; noticeable delay"),
    (1500, 1500, 20, 8, "warn", "Video may break up (loss)"),
])
def test_throughput_verdicts(up: float, down: float, rtt: float, loss: float, status: str,
                             text: str) -> None:
    assert verdict(up, down, rtt, loss) == (status, text)


def test_summary_is_short() -> None:
    report = {"checks": [
        {"name": "throughput", "status": "pass", "figures": {
            "up_kbps": 2300, "down_kbps": 2400, "rtt_ms": 12.4, "verdict": "Good for video"}},
        {"name": "network", "status": "pass", "figures": {"best_relay": "turn_tls"}}]}
    assert summary(report) == {"network": "pass",
                               "network_detail": "Good for video (2.3 Mbps, 12 ms) via TURN "
                                                 "over TLS"}
    assert summary({"checks": []}) == {"network": "fail", "network_detail": "Not checked"}
    hub_down = {"checks": [{"name": "hub", "status": "fail"},
                           {"name": "network", "status": "fail"}]}
    assert summary(hub_down)["network_detail"] == "Video service unreachable"


def test_worst_and_readiness_payload() -> None:
    assert worst([]) == "pass"
    assert worst(["pass", "warn", "pass"]) == "warn"
    assert worst(["warn", "fail"]) == "fail"
    big = {"fit": True, "finished_at": "t", "checks": [
        {"name": "a", "status": "pass", "figures": {"x": "y" * 20_000}, "advice_staff": "z"}]}
    out = readiness_payload(big)
    assert out == {"fit": True, "finished_at": "t",
                   "checks": [{"name": "a", "status": "pass", "figures": {},
                               "duration_ms": None}]}
