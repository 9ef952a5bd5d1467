"""The hub check, the self-test command and readiness reports, against a real hub (and coturn)."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.checks.hub import check_hub, send_readiness
from kiosk.checks.network import run_network_check
from kiosk.checks.result import CheckResult
from kiosk.checks.selftest import readiness_payload, run_selftest

from .conftest import HubFactory, HubHandle
from .turn import Coturn, free_port, make_self_signed, start_coturn

BIN = Path(sys.executable).parent
WAIT = 60.0


@pytest.fixture
def coturn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Coturn]:
    turn = start_coturn(tmp_path / "coturn")
    monkeypatch.setenv("SSL_CERT_FILE", str(turn.ca_file))  # test-only trust, see turn.py
    yield turn
    turn.stop()


@pytest.fixture
async def turn_hub(hub_factory: HubFactory, coturn: Coturn, tmp_path: Path) -> HubHandle:
    """A hub configured with coturn's URLs and shared secret, as in production."""
    secret_file = tmp_path / "turn-secret"
    secret_file.write_bytes(coturn.secret)
    secret_file.chmod(0o600)
    urls = coturn.urls
    return await hub_factory(ice_urls=(urls["stun"], urls["turn_udp"], urls["turn_tcp"],
                                       urls["turn_tls"]), turn_secret_file=secret_file)


async def _run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, **(env or {})})
    out, err = await asyncio.wait_for(proc.communicate(), WAIT)
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_hub_check_passes_with_ws_round_trip(hub: HubHandle) -> None:
    probe = await check_hub(hub.url)
    assert probe.result.status == "pass", probe.result
    assert probe.result.figures["http_status"] == 200
    assert 0 < probe.result.figures["ws_rtt_ms"] < 1000
    assert probe.ice_servers == []  # this hub has no ICE URLs configured


@pytest.mark.expect_log(r"hello auth_failed", logger="kiosk.hub.ws")
async def test_hub_check_as_kiosk_and_wrong_token(hub: HubHandle) -> None:
    assert (await check_hub(hub.url, token=hub.new_kiosk_token())).result.status == "pass"
    bad = (await check_hub(hub.url, token="not-a-token")).result
    assert bad.status == "fail"
    assert "auth_failed" in bad.figures["ws_error"]


async def test_hub_check_unreachable_and_bad_url() -> None:
    down = (await check_hub(f"http://127.0.0.1:{free_port()}", within=2.0)).result
    assert down.status == "fail"
    assert "Cannot reach the hub" in down.advice_staff
    assert down.advice_patient
    bad = (await check_hub("ftp://nowhere")).result
    assert bad.status == "fail"
    assert "must look like https://" in bad.advice_staff


async def test_hub_check_names_a_bad_certificate(hub_factory: HubFactory, tmp_path: Path) -> None:
    cert, key = make_self_signed(tmp_path)
    tls_hub = await hub_factory(tls_cert=cert, tls_key=key)
    assert tls_hub.url.startswith("https://")
    result = (await check_hub(tls_hub.url)).result
    assert result.status == "fail"
    assert "self-signed" in result.figures["certificate_error"]
    assert "certificate is not valid: self-signed" in result.advice_staff


async def test_network_check_uses_the_hubs_turn_credentials(turn_hub: HubHandle) -> None:
    # A paired kiosk's token: the hub gives TURN credentials only to clients it knows.
    report = await run_network_check(turn_hub.url, token=turn_hub.new_kiosk_token())
    assert {c.name: c.status for c in report.checks} == {
        "hub": "pass", "path_host": "pass", "path_stun": "pass", "path_turn_udp": "pass",
        "path_turn_tcp": "pass", "path_turn_tls": "pass", "throughput": "pass",
        "network": "pass"}, [c.to_json() for c in report.checks]
    assert report.duration_ms < 15_000


async def test_run_selftest_with_devices_callable(turn_hub: HubHandle) -> None:
    async def devices() -> list[CheckResult]:
        return [CheckResult("camera", "pass", {"width": 640})]

    report = await run_selftest(turn_hub.url, devices=devices, token=turn_hub.new_kiosk_token())
    names = [c.name for c in report.checks]
    assert "camera" in names
    assert "devices" not in names
    assert report.fit


async def test_selftest_command_json_and_exit_codes(turn_hub: HubHandle, coturn: Coturn) -> None:
    env = {"SSL_CERT_FILE": str(coturn.ca_file)}
    code, out, err = await _run(str(BIN / "clinic-kiosk"), "selftest", "--json",
                                "--hub", turn_hub.url, env=env)
    assert code == 0, err
    data = json.loads(out)
    assert set(data) == {"fit", "checks", "finished_at"}
    assert data["fit"] is True
    for check in data["checks"]:
        assert set(check) == {"name", "status", "figures", "advice_patient", "advice_staff",
                              "duration_ms"}
    by_name = {c["name"]: c for c in data["checks"]}
    assert by_name["devices"]["status"] == "warn"  # not checked outside the kiosk app
    # Without a kiosk's token the hub gives no TURN credentials (kiosk/hub/relay.py): the
    # relay paths are not tested, and the report says the video may not be smooth.
    assert "path_turn_tls" not in by_name
    assert by_name["network"]["figures"]["best_relay"] is None

    code, out, err = await _run(str(BIN / "clinic-kiosk"), "selftest", "--json", "--hub",
                                f"http://127.0.0.1:{free_port()}")
    assert code == 1
    assert json.loads(out)["fit"] is False
    assert "Cannot reach the hub" in err
    assert "Traceback" not in err

    code, out, err = await _run(str(BIN / "clinic-kiosk"), "selftest", "--hub", "not a url")
    assert code == 2
    assert out == ""
    assert "must look like https://" in err
    assert "Traceback" not in err


async def test_selftest_human_table(hub: HubHandle) -> None:
    code, out, err = await _run(str(BIN / "clinic-kiosk"), "selftest", "--hub", hub.url)
    # A hub that offers no STUN or TURN server is configured for direct calls only: the
    # direct path is judged on its own, and the table says what that means for staff.
    assert code == 0, out
    assert "FIT for consultations" in out
    assert "NOT FIT" not in out
    assert "path_host" in out
    assert "offers no STUN or TURN server" in out
    assert "Traceback" not in err


async def test_readiness_reaches_clinic_hub_kiosks(hub: HubHandle) -> None:
    token = hub.new_kiosk_token(room="Room 7", name="Front desk")
    fail = {"fit": False, "finished_at": "2025-03-14T07:30:00Z", "checks": [
        {"name": "hub", "status": "pass", "figures": {}, "advice_patient": "",
         "advice_staff": "", "duration_ms": 5.0},
        {"name": "path_turn_udp", "status": "fail", "figures": {"error_code": 401},
         "advice_patient": "", "advice_staff": "x" * 20_000, "duration_ms": 3.0}]}
    payload = readiness_payload(fail)
    assert len(json.dumps(payload)) <= 16 * 1024
    await send_readiness(hub.url, token, payload)
    code, out, err = await _run(str(BIN / "clinic-hub"), "kiosks", "--json",
                                "--db", str(hub.config.db_path))
    assert code == 0, err
    kiosks: list[dict[str, Any]] = json.loads(out)["kiosks"]
    mine = next(k for k in kiosks if k["room"] == "Room 7")
    assert mine["name"] == "Front desk"
    assert mine["clinic"]["name"]
    assert mine["last_seen"] is not None
    assert mine["readiness"]["fit"] is False
    assert mine["readiness"]["failing"] == ["path_turn_udp"]
    never = [k for k in kiosks if k["room"] != "Room 7"]
    assert all(k["readiness"] is None for k in never)

    # a newer report replaces the old one
    await send_readiness(hub.url, token, {"fit": True, "finished_at": "x", "checks": []})
    code, out, _ = await _run(str(BIN / "clinic-hub"), "kiosks", "--db",
                              str(hub.config.db_path))
    assert code == 0
    assert "Room 7 (Front desk)" in out
    assert " fit (" in out


@pytest.mark.expect_log(
    r"hello auth_failed",
    r"message bad_message",
    r"readiness bad_message",
    r"readiness not_allowed",
    logger="kiosk.hub.ws")
async def test_readiness_only_from_kiosks_and_well_formed(hub: HubHandle) -> None:
    patient = await hub.patient()
    await patient.send("readiness", report={"fit": True, "checks": []})
    await patient.error("not_allowed")
    kiosk = await hub.kiosk()
    await kiosk.send("readiness", report={"checks": []})
    await kiosk.error("bad_message")
    await kiosk.send_json({"v": 1, "type": "readiness", "report": {"fit": True,
                                                                   "pad": "x" * 17_000}})
    await kiosk.error("bad_message")
    with pytest.raises(ConnectionError, match="auth_failed"):
        await send_readiness(hub.url, "wrong-token", {"fit": True, "checks": []})
