"""A running kiosk goes out of service by itself, without a restart, when its keyring becomes
locked or the hub no longer accepts its key; never in the middle of a patient's visit; and back
in service once things are put right. The app as ``clinic-kiosk`` builds it, against a real
hub on 127.0.0.1 (the demo seed, no specialist) and the tests' in-memory keyring."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from keyring.errors import KeyringLocked
from pytestqt.qtbot import QtBot

from kiosk.config import KioskSettings, save_settings
from kiosk.demo import DemoEnvironment, start_demo
from kiosk.journey import Step
from kiosk.secrets import DEVICE_TOKEN, SERVICE
from kiosk.service import NO_KEYRING, READY, TOKEN_REFUSED
from tests.conftest import MemoryKeyring
from ui.app import KioskApp, build, parse_args
from ui.engine_thread import EngineThread

pytestmark = pytest.mark.ui
OUT = r"kiosk out of service"


class LockableKeyring(MemoryKeyring):
    """The in-memory keyring, which can be locked as GNOME Keyring is after an auto-login."""

    locked = False

    def get_password(self, service: str, username: str) -> str | None:
        if self.locked:
            raise KeyringLocked("the collection is locked")
        return super().get_password(service, username)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[DemoEnvironment]:
    thread = EngineThread()
    thread.start()
    env = thread.submit(start_demo(tmp_path / "hub", specialist=False)).result(30)
    try:
        yield env
    finally:
        thread.stop(env.close)


@pytest.fixture
def ring(memory_keyring: MemoryKeyring) -> LockableKeyring:
    import keyring

    ring = LockableKeyring()
    keyring.set_keyring(ring)  # tests/conftest.py puts the previous one back
    return ring


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path, hub: DemoEnvironment, ring: LockableKeyring
          ) -> Iterator[KioskApp]:
    settings = tmp_path / "settings.toml"
    save_settings(settings, KioskSettings(clinic_name="Ward 7", room_name="Room 9",
                                          hub_url=hub.url))
    ring.set_password(SERVICE, DEVICE_TOKEN, hub.kiosk_token)
    app = build(parse_args(["--windowed", "--data-dir", str(tmp_path / "data"), "--settings",
                            str(settings)]))
    app.window.resize(1280, 720)
    app.window.show()
    qtbot.waitExposed(app.window)
    try:
        yield app
    finally:
        app.shutdown()


def ask_now(qtbot: QtBot, app: KioskApp) -> str:
    """Ask at once (as the two-minute timer does) and wait for the answer: its code."""
    with qtbot.waitSignal(app.watch.checked, timeout=15000) as answer:
        app.watch.check_now()
    return str(answer.args[0].code)


@pytest.mark.expect_log(OUT, logger="ui.app")
@pytest.mark.expect_log(r"appointment list refused: missing or unknown kiosk token",
                        logger="kiosk.hub.api")
def test_a_key_the_hub_no_longer_accepts_takes_the_kiosk_out_of_service(
        qtbot: QtBot, kiosk: KioskApp, ring: LockableKeyring, hub: DemoEnvironment) -> None:
    assert ask_now(qtbot, kiosk) == READY  # the hub knows this key
    assert kiosk.window.pages.currentWidget() is kiosk.window.welcome
    assert kiosk.watch.timer.isActive()  # and it asks again every two minutes

    # The hub's data is replaced (or the kiosk unpaired there): its key is no longer known.
    ring.set_password(SERVICE, DEVICE_TOKEN, "tok_" + "0" * 40)
    assert ask_now(qtbot, kiosk) == TOKEN_REFUSED
    assert kiosk.window.pages.currentWidget() is kiosk.window.out_of_service
    assert "Pairing" in kiosk.window.service.reason  # staff are told what to do

    # Paired again (the key put right): in service at the next question.
    ring.set_password(SERVICE, DEVICE_TOKEN, hub.kiosk_token)
    assert ask_now(qtbot, kiosk) == READY
    assert kiosk.window.pages.currentWidget() is kiosk.window.welcome


@pytest.mark.expect_log(OUT, logger="ui.app")
def test_a_keyring_that_becomes_locked_takes_the_kiosk_out_of_service(
        qtbot: QtBot, kiosk: KioskApp, ring: LockableKeyring) -> None:
    assert ask_now(qtbot, kiosk) == READY
    ring.locked = True
    assert ask_now(qtbot, kiosk) == NO_KEYRING
    assert kiosk.window.pages.currentWidget() is kiosk.window.out_of_service
    assert "locked or not running" in kiosk.window.service.reason
    ring.locked = False
    assert ask_now(qtbot, kiosk) == READY


# The visit that begins may read the key just after the keyring is locked: allowed, not needed.
@pytest.mark.expect_log(r"device token could not be read|no device token", logger="kiosk.engine")
def test_never_in_the_middle_of_a_visit(qtbot: QtBot, kiosk: KioskApp,
                                        ring: LockableKeyring) -> None:
    assert ask_now(qtbot, kiosk) == READY
    c = kiosk.controller
    c.apply(c.journey.start(c.now()))  # a patient has begun: the check-in screen
    assert kiosk.journey.step is Step.CHECK_IN
    ring.locked = True
    with qtbot.assertNotEmitted(kiosk.watch.checked):
        kiosk.watch.check_now()
        qtbot.waitUntil(lambda: not kiosk.watch.busy, timeout=15000)  # answered, not given
    assert kiosk.window.service.ready
    assert kiosk.window.pages.currentWidget() is not kiosk.window.out_of_service
