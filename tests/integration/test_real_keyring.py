"""The kiosk app on the real path for its secrets: GNOME Keyring through the Secret Service in a
private D-Bus session (tests/helpers/keyring_session.py), a real hub on 127.0.0.1, and the app
built as ``clinic-kiosk`` builds it, in child processes (tests/helpers/keyring_kiosk.py).

Unpaired, the kiosk shows the out-of-service screen; paired through admin mode with a code from
the hub, it serves patients at once, with the token kept in the keyring (libsecret's own tool
finds it) and read from there on every use; started again, it is still paired. With no secure
keyring it is out of service and never checks anyone in.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kiosk.config import KioskSettings, save_settings
from tests.helpers.keyring_session import KeyringSession, keyring_session, unavailable_reason

ROOT = Path(__file__).resolve().parents[2]
REASON = unavailable_reason()
pytestmark = [pytest.mark.skipif(REASON is not None, reason=f"no keyring session: {REASON}"),
              pytest.mark.timeout(180)]


@pytest.fixture
def session(tmp_path: Path) -> Iterator[KeyringSession]:
    with keyring_session(tmp_path / "session") as running:
        yield running


async def run_kiosk(env: dict[str, str], data: Path, settings: Path,
                    *extra: str) -> dict[str, Any]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.helpers.keyring_kiosk", "--data-dir", str(data),
        "--settings", str(settings), *extra, cwd=ROOT, env={**env, "QT_QPA_PLATFORM": "offscreen"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    assert proc.returncode == 0, err.decode()[-3000:]
    return dict(json.loads(out.decode().strip().splitlines()[-1]))


async def test_pairing_and_the_token_through_gnome_keyring(
        hub: Any, session: KeyringSession, tmp_path: Path) -> None:
    data, settings = tmp_path / "data", session.home / ".config" / "clinic-kiosk" / "settings.toml"
    save_settings(settings, KioskSettings(clinic_name="Ward 7", room_name="Room 9",
                                          hub_url=hub.url))
    code = hub.new_pairing_code(room="Room 9")
    first = await run_kiosk(session.env(), data, settings, "--pair", code,
                            "--check-in", hub.new_appointment_code())
    assert first["store"].endswith("via keyring.backends.SecretService.Keyring>")
    assert first["secure"] is True
    assert first["service_at_start"] == "not_paired"
    assert first["page_at_start"] == "OutOfServiceScreen"
    assert len(first["paired"]) == 1
    assert "from now on" in first["paired"][0]
    assert first["service_after_pairing"] == "ready"
    assert first["page_after_pairing"] == "WelcomeScreen"
    assert first["checked_in"] is True  # as the clinic's kiosk, no restart in between

    token = session.lookup("clinic-kiosk", "device-token")
    assert token  # in GNOME Keyring, where libsecret's own tool finds it
    assert token not in settings.read_text("utf-8")

    # Started again (as its supervisor would): paired, from the keyring alone.
    again = await run_kiosk(session.env(), data, settings, "--check-in",
                            hub.new_appointment_code())
    assert again["service_at_start"] == "ready"
    assert again["page_at_start"] == "WelcomeScreen"
    assert again["checked_in"] is True


async def test_with_no_secure_keyring_the_kiosk_is_out_of_service(
        hub: Any, session: KeyringSession, tmp_path: Path) -> None:
    settings = tmp_path / "settings.toml"
    save_settings(settings, KioskSettings(hub_url=hub.url))
    env = session.env(PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring")
    seen = await run_kiosk(env, tmp_path / "data", settings, "--check-in",
                           hub.new_appointment_code())
    assert seen["secure"] is False
    assert seen["service_at_start"] == "no_keyring"
    assert seen["page_at_start"] == "OutOfServiceScreen"
    assert seen["checked_in"] is False
    assert seen["check_in_code"] == "not_paired"  # never as a patient's own device
