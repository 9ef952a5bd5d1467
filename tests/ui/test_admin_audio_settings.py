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


def test_the_page_says_the_hum_filter_is_always_on_with_echo_cancellation(
        kiosk: KioskApp) -> None:
    """AEC3 runs its own high-pass filter: with echo cancellation on, the low hum filter's
    button changes nothing, and the page says so in plain words (only then)."""
    admin = kiosk.window.findChild(AdminMode)
    assert isinstance(admin, AdminMode)
    page = admin.screen.settings_page
    echo = page.audio_buttons["echo_cancellation"]
    assert echo.isChecked()
    assert not page.hum_note.isHidden()
    assert "always on while echo cancellation is on" in page.hum_note.text()
    assert "always on" in page.audio_buttons["high_pass_filter"].accessibleDescription()
    echo.click()  # off: the hum filter's button is what counts
    assert page.hum_note.isHidden()
    page.cancel_button.click()  # back to the saved settings: echo cancellation on
    assert not page.hum_note.isHidden()
