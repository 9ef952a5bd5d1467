"""Staff turn the microphone's processing on and off in admin mode: four buttons on the settings
page, saved into the settings file and applied at once to the kiosk's devices (no restart
note), as the app is built for real (``ui.app.build``, demo mode)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.config import load_settings
from kiosk.media.echo import ProcessingSettings
from ui.admin import AdminMode
from ui.admin.settings_page import AUDIO_FIELDS
from ui.app import KioskApp, build, parse_args

pytestmark = pytest.mark.ui


@pytest.fixture
def kiosk(qtbot: QtBot, tmp_path: Path) -> Iterator[KioskApp]:
    app = build(parse_args(["--demo", "--windowed", "--data-dir", str(tmp_path / "data"),
                            "--settings", str(tmp_path / "settings.toml")]))
    app.window.resize(1920, 1080)
    app.window.show()
    qtbot.waitExposed(app.window)
    yield app
    app.shutdown()


def test_processing_buttons_save_to_the_file_and_apply_at_once(
        qtbot: QtBot, kiosk: KioskApp, tmp_path: Path) -> None:
    admin = kiosk.window.findChild(AdminMode)
    assert isinstance(admin, AdminMode)
    page = admin.screen.settings_page
    assert set(page.audio_buttons) == set(AUDIO_FIELDS)
    defaults = ProcessingSettings()
    for name, button in page.audio_buttons.items():  # the saved values, shown
        assert button.isChecked() is getattr(defaults, name), name
        assert button.accessibleName()
    assert kiosk.devices.processing == defaults
    page.audio_buttons["echo_cancellation"].click()  # off
    page.audio_buttons["auto_gain_control"].click()  # on
    with qtbot.waitSignal(admin.settings_saved):
        page.save_button.click()
    assert page.status.text() == "Settings saved."  # nothing to restart for
    saved = load_settings(tmp_path / "settings.toml")
    assert (saved.echo_cancellation, saved.auto_gain_control) == (False, True)
    assert (saved.noise_suppression, saved.high_pass_filter) == (True, True)
    applied = kiosk.devices.processing
    assert (applied.echo_cancellation, applied.auto_gain_control) == (False, True)
    page.audio_buttons["noise_suppression"].click()
    page.cancel_button.click()  # not saved: back to what was
    assert page.audio_buttons["noise_suppression"].isChecked()
    assert not page.audio_buttons["echo_cancellation"].isChecked()
