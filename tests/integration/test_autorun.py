"""``clinic-kiosk --autorun-code-file F`` against a real hub: the real app (the installed entry
point, offscreen, paired through admin mode with its token in GNOME Keyring) checks in with the
code from a private file, goes past the device checks without answering them (the specialist
sees "skipped", never a pass), waits, is joined by the specialist, and quits with 0 when the
specialist hangs up. A code file others can read is refused (exit 2) and the code is never
printed. The test-pattern camera stands in for a camera (CI machines have none)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import KioskSettings, save_settings
from tests.helpers.keyring_session import KeyringSession, keyring_session, unavailable_reason
from tests.integration.test_real_keyring import run_kiosk

ROOT = Path(__file__).resolve().parents[2]
KIOSK = ROOT / ".venv" / "bin" / "clinic-kiosk"
REASON = unavailable_reason()
pytestmark = [pytest.mark.skipif(REASON is not None, reason=f"no keyring session: {REASON}"),
              pytest.mark.timeout(180)]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[KeyringSession]:
    with keyring_session(tmp_path / "session") as running:
        yield running


def code_file(path: Path, code: str, mode: int) -> Path:
    path.write_text(f"{code}\n", "ascii")
    path.chmod(mode)
    return path


async def start_app(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        str(KIOSK), "--windowed", *args, cwd=ROOT,
        env={**env, "QT_QPA_PLATFORM": "offscreen"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def test_the_app_runs_into_a_call_unattended_and_quits_after_it(
        hub: Any, session: KeyringSession, tmp_path: Path) -> None:
    data, settings = tmp_path / "data", session.home / ".config" / "clinic-kiosk" / "settings.toml"
    save_settings(settings, KioskSettings(clinic_name="Ward 7", room_name="Room 9",
                                          hub_url=hub.url))
    paired = await run_kiosk(session.env(), data, settings, "--pair",
                             hub.new_pairing_code(room="Room 9"))
    assert paired["service_after_pairing"] == "ready"
    code = hub.new_appointment_code()
    path = code_file(tmp_path / "code", code, 0o600)
    specialist = await hub.specialist()
    app = await start_app(session.env(), "--data-dir", str(data), "--settings", str(settings),
                          "--test-pattern-camera", "--autorun-code-file", str(path))
    try:
        entry: dict[str, Any] = {}
        while not entry.get("checks"):  # checked in, then the device checks' summary
            patients = (await specialist.expect("waiting_list", within=60))["patients"]
            entry = patients[0] if patients else {}
        assert entry["room"] == "Room 9"
        checks = entry["checks"]
        assert checks["microphone"] == checks["speaker"] == "skipped"  # nobody answered them
        assert checks["camera"] in ("skipped", "fail")  # never a pass nobody gave
        await specialist.send("join", visit_id=entry["visit_id"])
        await specialist.expect("offer", within=30)  # the app is in the call
        await specialist.send("hangup", visit_id=entry["visit_id"])
        out, err = await asyncio.wait_for(app.communicate(), 60)
    finally:
        if app.returncode is None:
            app.kill()
            await app.wait()
        await specialist.close()
    log = out.decode() + err.decode()
    assert app.returncode == 0, log[-3000:]
    assert "autorun: the specialist joined" in log
    assert "autorun: the call is over" in log
    assert code not in log


async def test_a_code_file_others_can_read_is_refused(
        hub: Any, session: KeyringSession, tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    save_settings(settings, KioskSettings(hub_url=hub.url))
    code = hub.new_appointment_code()
    path = code_file(tmp_path / "code", code, 0o644)
    app = await start_app(session.env(), "--data-dir", str(tmp_path / "data"), "--settings",
                          str(settings), "--autorun-code-file", str(path))
    out, err = await asyncio.wait_for(app.communicate(), 60)
    assert app.returncode == 2
    assert "other users can read it" in err.decode()
    assert code not in out.decode() + err.decode()
    assert os.stat(path).st_mode & 0o777 == 0o644  # the app never changes the file
