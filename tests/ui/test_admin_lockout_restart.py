"""The app as ``clinic-kiosk`` builds it (``build()`` twice on the same data folder, as its
supervisor starts it again): the admin PIN that IT set with ``clinic-kiosk admin set-pin``
opens admin mode, and after five wrong PINs a restart does not give a passer-by five more."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.admin_cli import set_pin
from kiosk.journey import Step
from kiosk.pin_lockout import LOCKOUT_FILE
from kiosk.secrets import KeyringSecretStore
from ui.admin import AdminMode
from ui.app import KioskApp, build, parse_args

pytestmark = pytest.mark.ui
PIN = "582047"


def start(qtbot: QtBot, data: Path, settings: Path) -> tuple[KioskApp, AdminMode]:
    kiosk = build(parse_args(["--windowed", "--data-dir", str(data), "--settings",
                              str(settings)]))
    kiosk.window.resize(1920, 1080)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    admin = kiosk.window.findChild(AdminMode)
    assert isinstance(admin, AdminMode)
    return kiosk, admin


def attempt(qtbot: QtBot, admin: AdminMode, pin: str) -> str:
    """Open the PIN pad (as the gesture does), type ``pin`` and press Unlock: the outcome."""
    if not admin.pin.isVisible():
        admin.request_entry()
    for digit in pin:
        qtbot.keyClick(admin.pin, digit)
    with qtbot.waitSignal(admin.pin_result) as result:
        qtbot.keyClick(admin.pin, "\r")
    return str(result.args[0])


@pytest.mark.expect_log(r"kiosk out of service", logger="ui.app")
@pytest.mark.expect_log(r"admin PIN wrong|admin PIN attempt refused", logger="kiosk.admin")
def test_the_pin_lockout_survives_a_restart_of_the_app(qtbot: QtBot, tmp_path: Path) -> None:
    data, settings = tmp_path / "data", tmp_path / "settings.toml"
    # IT's step, as the command does it (the test's keyring is in memory: tests/conftest.py).
    assert set_pin(KeyringSecretStore(), data, PIN, PIN) is False

    kiosk, admin = start(qtbot, data, settings)
    try:
        assert attempt(qtbot, admin, PIN) == "accepted"
        assert kiosk.journey.step is Step.ADMIN
        admin.leave()
        outcomes = [attempt(qtbot, admin, f"90817{n}") for n in range(5)]
        assert outcomes == ["wrong"] * 4 + ["locked"]
        assert (data / LOCKOUT_FILE).exists()
    finally:
        kiosk.shutdown()

    kiosk, admin = start(qtbot, data, settings)
    try:
        admin.request_entry()
        assert "Too many wrong PINs" in admin.pin.message.text()
        assert attempt(qtbot, admin, PIN) == "locked"  # even the right PIN, until the time
        assert kiosk.journey.step is not Step.ADMIN
    finally:
        kiosk.shutdown()

    # IT sets the PIN again: that clears the lockout.
    assert set_pin(KeyringSecretStore(), data, PIN, PIN) is True
    kiosk, admin = start(qtbot, data, settings)
    try:
        assert attempt(qtbot, admin, PIN) == "accepted"
    finally:
        kiosk.shutdown()
