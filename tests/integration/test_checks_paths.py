"""Media path checks and the whole network check against a real coturn on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from aiortc.rtcicetransport import connection_kwargs

from kiosk.call.peer import ice_servers_from
from kiosk.checks.network import choose_paths, preferred_ice_servers, run_network_check, summary
from kiosk.checks.paths import PathSpec, check_path, specs_from

from .turn import Coturn, free_port, start_coturn


@pytest.fixture
def coturn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Coturn]:
    """A running coturn whose self-signed certificate this test process trusts.

    Test-only trust: aioice verifies ``turns:`` against the default store, which OpenSSL reads
    from ``SSL_CERT_FILE``; set for this test's process only, verification stays on.
    """
    turn = start_coturn(tmp_path / "coturn")
    monkeypatch.setenv("SSL_CERT_FILE", str(turn.ca_file))
    yield turn
    turn.stop()


def _spec(turn: Coturn, kind: str, **kw: object) -> PathSpec:
    return next(s for s in specs_from(turn.ice_servers(**kw)) if s.kind == kind)  # type: ignore[arg-type]


@pytest.mark.parametrize("kind", ["turn_udp", "turn_tcp", "turn_tls"])
async def test_relay_only_loopback_carries_data(coturn: Coturn, kind: str) -> None:
    result, loop = await check_path(_spec(coturn, kind))
    assert loop is None
    assert result.status == "pass", result
    assert result.figures["echoes"] == 10
    assert result.figures["relayed_address"].startswith("127.0.0.1:")
    assert result.figures["echo_ms"] < 1000


async def test_direct_and_stun_paths(coturn: Coturn) -> None:
    host, _ = await check_path(PathSpec("host"))
    assert host.status == "pass", host
    assert host.figures["local_only"] is True
    stun, _ = await check_path(_spec(coturn, "stun"))
    assert stun.status == "pass", stun
    assert "public_address" in stun.figures


async def test_wrong_secret_is_a_clear_401(coturn: Coturn) -> None:
    result, _ = await check_path(_spec(coturn, "turn_udp", secret=b"not the secret"))
    assert result.status == "fail"
    assert result.figures["error_code"] == 401
    assert "static-auth-secret" in result.advice_staff


async def test_expired_credentials_are_refused_clearly(coturn: Coturn) -> None:
    result, _ = await check_path(_spec(coturn, "turn_tcp", ttl=-120))
    assert result.status == "fail"
    assert result.figures["error_code"] == 401
    assert result.figures["credentials_expired_s_ago"] >= 119
    assert "expired" in result.advice_staff


async def test_turn_server_down_fails_with_advice(coturn: Coturn) -> None:
    port = free_port()  # nothing listens there: a stopped TURN server, or a closed port
    user, cred = coturn.credentials()
    tcp, _ = await check_path(PathSpec("turn_tcp", f"turn:127.0.0.1:{port}?transport=tcp",
                                       user, cred), within=4.0)
    assert tcp.status == "fail"
    assert tcp.figures["error"] == "connection refused"
    assert "Is the TURN server running?" in tcp.advice_staff
    udp, _ = await check_path(PathSpec("turn_udp", f"turn:127.0.0.1:{port}?transport=udp",
                                       user, cred), within=4.0)
    assert udp.status == "fail"
    assert udp.figures["error"] in ("timeout", "connection refused")
    assert udp.duration_ms < 4500
    stun, _ = await check_path(PathSpec("stun", f"stun:127.0.0.1:{port}"), within=2.0)
    assert stun.status == "fail"
    assert "UDP looks blocked" in stun.advice_staff


async def test_tls_path_refuses_an_untrusted_certificate(coturn: Coturn,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SSL_CERT_FILE")  # back to the system store: the test CA is not in it
    result, _ = await check_path(_spec(coturn, "turn_tls"), within=4.0)
    assert result.status == "fail"
    assert result.figures["error"] == "certificate"
    assert "self-signed" in result.figures["certificate_error"]


async def test_whole_network_check_is_quick_and_reports_progress(coturn: Coturn) -> None:
    steps: list[tuple[str, float, str]] = []
    report = await run_network_check(ice_servers=coturn.ice_servers(),
                                     progress=lambda s, f, t: steps.append((s, f, t)))
    statuses = {c.name: c.status for c in report.checks}
    assert statuses == {"path_host": "pass", "path_stun": "pass", "path_turn_udp": "pass",
                        "path_turn_tcp": "pass", "path_turn_tls": "pass",
                        "throughput": "pass", "network": "pass"}, report.checks
    assert report.duration_ms < 15_000
    tp = report.throughput
    assert tp is not None
    assert tp.figures["path"] == "turn_udp"
    assert tp.figures["up_kbps"] > 1000
    assert tp.figures["down_kbps"] > 1000
    assert tp.figures["loss_pct"] < 5
    fractions = [f for _, f, _ in steps]
    assert fractions == sorted(fractions)
    assert steps[-1][:2] == ("done", 1.0)
    short = summary(report)
    assert short["network"] == "pass"
    assert short["network_detail"].startswith("Good for video (1.")
    assert report.to_json()["fit"] is True


async def test_udp_blocked_still_relays_over_tcp_and_tls(coturn: Coturn) -> None:
    blocked = free_port()  # UDP to the TURN server goes nowhere, as behind a UDP-blocking firewall
    servers = coturn.ice_servers(kinds=("turn_tcp", "turn_tls"))
    servers.insert(0, {"urls": [f"stun:127.0.0.1:{blocked}"]})
    servers[1]["urls"].insert(0, f"turn:127.0.0.1:{blocked}?transport=udp")  # type: ignore[attr-defined]
    report = await run_network_check(ice_servers=servers, path_timeout=5.0)
    statuses = {c.name: c.status for c in report.checks}
    assert statuses["path_turn_udp"] == "fail"
    assert statuses["path_stun"] == "fail"
    assert statuses["path_turn_tcp"] == "pass"
    assert statuses["path_turn_tls"] == "pass"
    assert report.verdict is not None
    assert report.verdict.status == "pass"
    assert report.verdict.figures["best_relay"] == "turn_tcp"
    assert "UDP is blocked" in report.verdict.advice_staff
    assert report.throughput is not None
    assert report.throughput.figures["path"] == "turn_tcp"
    assert report.duration_ms < 15_000
    preferred = preferred_ice_servers(report, servers)
    turn_entry = next(e for e in preferred if "username" in e)
    assert turn_entry["urls"][0] == coturn.urls["turn_tcp"]
    assert turn_entry["username"] == servers[1]["username"]
    # what aiortc will actually use: the first TURN URL, now TCP
    chosen = connection_kwargs(ice_servers_from(preferred))
    assert chosen["turn_transport"] == "tcp"
    assert chosen["turn_ssl"] is False
    assert summary(report)["network_detail"].endswith("via TURN over TCP")


async def test_only_tls_offered_still_works(coturn: Coturn) -> None:
    report = await run_network_check(ice_servers=coturn.ice_servers(kinds=("turn_tls",)))
    assert report.fit
    assert report.throughput is not None
    assert report.throughput.figures["path"] == "turn_tls"


async def test_no_working_path_is_not_fit(coturn: Coturn) -> None:
    report = await run_network_check(
        ice_servers=coturn.ice_servers(kinds=("turn_udp", "turn_tcp"), secret=b"wrong"))
    assert report.verdict is not None
    # direct UDP works on this machine but STUN is not offered: no proof media can leave it
    assert report.verdict.status == "fail"
    assert not report.fit
    assert summary(report) == {"network": "fail", "network_detail": "No working media path"}


async def test_every_caller_gets_the_working_turn_url_first_with_udp_listed_first(
        coturn: Coturn) -> None:
    """test-call and the demo specialist order the hub's servers with choose_paths, as the app
    does with its device-check report: a hub listing TURN/UDP first works with UDP blocked."""
    blocked = free_port()
    servers = coturn.ice_servers(kinds=("turn_tcp",))
    servers[0]["urls"].insert(0, f"turn:127.0.0.1:{blocked}?transport=udp")  # type: ignore[attr-defined]
    assert connection_kwargs(ice_servers_from(servers))["turn_transport"] == "udp"  # as listed
    order = await choose_paths(servers, path_timeout=5.0)
    chosen = connection_kwargs(ice_servers_from(order(servers)))
    assert chosen["turn_transport"] == "tcp"
    assert order(servers)[0]["username"] == servers[0]["username"]
