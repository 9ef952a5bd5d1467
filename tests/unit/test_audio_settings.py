"""Staff settings for the microphone's processing: kept in the settings file, checked on load,
and turned into the processor's settings."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import KioskSettings, SettingsError, load_settings, save_settings, validate
from kiosk.media.echo import ProcessingSettings


def test_the_defaults_cancel_echo_and_noise_without_gain_control() -> None:
    assert ProcessingSettings.of(KioskSettings()) == ProcessingSettings()
    assert ProcessingSettings() == ProcessingSettings(echo_cancellation=True,
                                                      noise_suppression=True,
                                                      auto_gain_control=False,
                                                      high_pass_filter=True)


def test_each_part_can_be_turned_off_and_is_kept_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    settings = replace(KioskSettings(), echo_cancellation=False, auto_gain_control=True)
    save_settings(path, settings)
    assert "echo_cancellation = false" in path.read_text()
    loaded = load_settings(path)
    assert loaded == settings
    assert ProcessingSettings.of(loaded) == ProcessingSettings(
        echo_cancellation=False, noise_suppression=True, auto_gain_control=True,
        high_pass_filter=True)


def test_a_switch_that_is_not_true_or_false_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('clinic_name = "A"\nnoise_suppression = "no"\n')
    with pytest.raises(SettingsError) as caught:
        load_settings(path)
    assert caught.value.errors == {"noise_suppression": "Give true or false."}
    bad = replace(KioskSettings(), high_pass_filter=1)  # type: ignore[arg-type]
    assert validate(bad) == {"high_pass_filter": "Give true or false."}
