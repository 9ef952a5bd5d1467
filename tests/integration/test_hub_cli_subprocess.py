"""``clinic-hub`` as a real subprocess: an admin command with --json and an error exit, and
``serve --demo --json`` started, probed and stopped cleanly (a planned stop closes sockets
"going away" and ends no visit)."""

from __future__ import annotations

import asyncio
import json
import signal
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

pytestmark = pytest.mark.integration

CLINIC_HUB = Path(sys.executable).parent / "clinic-hub"


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CLINIC_HUB), *args], input=stdin, capture_output=True, text=True,
                          timeout=60, check=False)


def test_admin_commands_as_a_subprocess(tmp_path: Path) -> None:
    db = str(tmp_path / "hub.sqlite3")
    made = run("clinic", "create", "Leith Community Clinic", "--db", db, "--json")
    assert made.returncode == 0, made.stderr
    assert json.loads(made.stdout) == {"id": 1, "name": "Leith Community Clinic"}
    bad = run("waiting-area", "create", "--clinic", "7", "Hall", "--db", db)
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr == "clinic-hub: error: there is no clinic with id 7\n"
    short = run("specialist", "create", "--clinic", "1", "--username", "u", "--name", "Dr U",
                "--password-stdin", "--db", db, stdin="short\n")
    assert short.returncode == 2
    assert "Traceback" not in short.stderr
    assert short.stderr.count("\n") == 1


def test_network_commands_as_a_subprocess(tmp_path: Path) -> None:
    """The model's commands from a shell: each prints one JSON object; the password comes on
    stdin and never appears in the output."""
    db = ["--db", str(tmp_path / "hub.sqlite3"), "--json"]

    def ok(*args: str, stdin: str = "") -> dict[str, object]:
        done = run(*args, *db, stdin=stdin)
        assert done.returncode == 0, done.stderr
        assert done.stdout.count("\n") == 1
        assert "very long secret" not in done.stdout + done.stderr
        result: dict[str, object] = json.loads(done.stdout)
        return result

    assert ok("organisation", "create", "Hospital X")["id"] == 1
    assert ok("service", "create", "--organisation", "1", "Cardiology")["id"] == 1
    assert ok("waiting-area", "create", "--service", "1", "Heart clinic")["id"] == 1
    assert ok("site", "create", "Musselburgh")["id"] == 1
    assert ok("account", "create", "--role", "clinician", "--username", "dr.heart",
              "--name", "Dr Heart", "--password-stdin", stdin="a very long secret 1\n")["id"] == 1
    assert ok("membership", "add", "--account", "dr.heart", "--waiting-area", "1")["added"]
    assert ok("account", "unlock", "dr.heart")["unlocked"]
    made = ok("appointment", "create", "--waiting-area", "1", "--site", "1", "--specialist", "1")
    assert made["site"] == {"id": 1, "name": "Musselburgh"}
    gone = run("kiosk", "revoke", "4", *db)
    assert gone.returncode == 2
    assert gone.stderr == "clinic-hub: error: there is no kiosk with id 4\n"


async def _read_json_line(proc: asyncio.subprocess.Process) -> dict[str, object]:
    assert proc.stdout is not None
    line = await asyncio.wait_for(proc.stdout.readline(), timeout=30)
    assert line, "clinic-hub serve exited before printing its JSON line"
    info: dict[str, object] = json.loads(line)
    return info


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
async def test_serve_demo_json(tmp_path: Path, stop_signal: signal.Signals) -> None:
    log = (tmp_path / "stderr.log").open("wb")
    proc = await asyncio.create_subprocess_exec(
        str(CLINIC_HUB), "serve", "--demo", "--json", "--port", "0", "--log-json",
        stdout=asyncio.subprocess.PIPE, stderr=log, cwd=tmp_path)
    try:
        info = await _read_json_line(proc)
        assert {"url", "ws_url", "appointment_code", "specialist_username",
                "specialist_password"} <= set(info)
        assert info["specialist_username"] == "demo.specialist"
        assert str(info["url"]).startswith("http://127.0.0.1:")
        code = str(info["appointment_code"])
        assert len(code) == 10
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.get(f"{info['url']}/healthz") as resp:
                assert resp.status == 200
                assert (await resp.json())["status"] == "ok"
            async with session.post(f"{info['url']}/api/login", json={
                    "username": info["specialist_username"],
                    "password": info["specialist_password"]}) as resp:
                assert resp.status == 200
        # The demo's reception login is site staff of the demo clinic (the reception console).
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as desk:
            async with desk.post(f"{info['url']}/api/login", json={
                    "username": info["reception_username"],
                    "password": info["reception_password"]}) as resp:
                assert resp.status == 200
                assert (await resp.json())["specialist"]["role"] == "site_staff"
            async with desk.get(f"{info['url']}/api/reception/sites") as resp:
                assert resp.status == 200
                assert [s["name"] for s in (await resp.json())["sites"]] == [
                    "Demo Community Clinic"]
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
            async with session.post(f"{info['url']}/api/login", json={
                    "username": info["specialist_username"],
                    "password": info["specialist_password"]}) as resp:
                assert resp.status == 200
            ws = await session.ws_connect(str(info["ws_url"]))
            await ws.send_json({"v": 1, "type": "hello", "role": "patient"})
            assert (await ws.receive_json(timeout=5))["type"] == "welcome"
            await ws.send_json({"v": 1, "type": "check_in", "code": code})
            assert (await ws.receive_json(timeout=5))["type"] == "checked_in"
            proc.send_signal(stop_signal)
            # A clean stop ends nothing: the socket closes "going away" (the client would
            # reconnect and resume from the next start) and no call_ended comes first.
            frame = await ws.receive(timeout=10)
            assert frame.type == aiohttp.WSMsgType.CLOSE, (frame.type, frame.data)
            assert ws.close_code == 1001
            await ws.close()
        assert await asyncio.wait_for(proc.wait(), timeout=20) == 0
        assert proc.stdout is not None
        assert await proc.stdout.read() == b""  # exactly one line on stdout
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()
        log.close()
    logged = (tmp_path / "stderr.log").read_text()
    assert "Traceback" not in logged
    assert code not in logged
    assert str(info["specialist_password"]) not in logged
    assert str(info["reception_password"]) not in logged
    for line in logged.splitlines():
        assert json.loads(line)["logger"].startswith("kiosk.hub")


async def test_serve_warns_without_tls_off_loopback(tmp_path: Path) -> None:
    proc = await asyncio.create_subprocess_exec(
        str(CLINIC_HUB), "serve", "--json", "--host", "0.0.0.0", "--port", "0",  # noqa: S104
        "--db", str(tmp_path / "hub.sqlite3"),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        info = await _read_json_line(proc)
        assert "url" in info
        proc.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(proc.communicate(), timeout=20)
        assert proc.returncode == 0
        assert b"WARNING: listening on 0.0.0.0 without TLS" in err
    finally:
        if proc.returncode is None:
            proc.kill()
            await proc.wait()


def test_demo_specialist_reports_an_unreachable_hub_in_one_line() -> None:
    result = run("demo-specialist", "--hub", "http://127.0.0.1:9", "--username", "u",
                 "--password-stdin", "--log-level", "ERROR", stdin="some password\n")
    assert result.returncode == 1
    assert result.stderr.startswith("clinic-hub: error: the demo specialist stopped")
    assert "Traceback" not in result.stderr
    assert "some password" not in result.stderr
