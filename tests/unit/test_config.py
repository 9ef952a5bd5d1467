"""kiosk.config: settings validation, the TOML round trip, and no secret in the file."""

from __future__ import annotations

import stat
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest

from kiosk.config import (
    FROM_DEFAULT,
    FROM_FILE,
    KioskSettings,
    SettingsError,
    default_settings_path,
    load_settings,
    read_settings,
    resolve_settings,
    save_settings,
    validate,
)
from kiosk.journey import Timeouts


def test_defaults_are_valid_and_give_the_journeys_timeouts() -> None:
    settings = KioskSettings()
    assert validate(settings) == {}
    assert settings.timeouts() == Timeouts(check_in=120.0, device_checks=180.0,
                                           feedback=120.0, warning=30.0)


def test_the_file_lives_under_the_xdg_config_folder(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path)}
    assert default_settings_path(env) == tmp_path / "clinic-kiosk" / "settings.toml"
    assert default_settings_path({}).parts[-3:] == (".config", "clinic-kiosk", "settings.toml")


def test_a_missing_file_gives_the_defaults(tmp_path: Path) -> None:
    assert load_settings(tmp_path / "none.toml") == KioskSettings()


def test_round_trip_keeps_every_field(tmp_path: Path) -> None:
    path = tmp_path / "deep" / "settings.toml"
    settings = KioskSettings(clinic_name="Dunbar Health Centre", room_name="Room 2",
                             hub_url="https://hub.example.nhs.scot", default_language="cy",
                             idle_check_in_s=90, idle_device_checks_s=200, idle_feedback_s=60,
                             idle_warning_s=45, self_test_times=("07:30", "13:00"),
                             survey_file="/srv/survey.toml", camera_id="cam-1",
                             microphone_id="mic-2", speaker_id="spk-3")
    save_settings(path, settings)
    assert load_settings(path) == settings
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.toml"]  # no temp left


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"clinic_name": "  "}, "clinic_name", "cannot be empty"),
    ({"clinic_name": "x" * 121}, "clinic_name", "at most 120"),
    ({"room_name": "Room\n2"}, "room_name", "no line breaks"),
    ({"hub_url": "hub.example"}, "hub_url", "https://"),
    ({"hub_url": "http://hub.example.nhs.scot"}, "hub_url", "Use https://"),
    ({"hub_url": "https://user:pw@hub.example"}, "hub_url", "user name or password"),
    ({"default_language": "de"}, "default_language", "en, pl, cy"),
    ({"idle_check_in_s": 5}, "idle_check_in_s", "between 30 and 3600"),
    ({"idle_warning_s": 10}, "idle_warning_s", "between 20 and 600"),
    ({"self_test_times": ()}, "self_test_times", "at least one"),
    ({"self_test_times": ("7:30",)}, "self_test_times", "24-hour"),
    ({"self_test_times": ("07:30", "07:30")}, "self_test_times", "only once"),
    ({"survey_file": "survey.json"}, "survey_file", ".toml"),
])
def test_validation_names_the_field_in_plain_words(changes: dict[str, object], field: str,
                                                  words: str, tmp_path: Path) -> None:
    settings = replace(KioskSettings(), **changes)  # type: ignore[arg-type]
    errors = validate(settings)
    assert list(errors) == [field]
    assert words in errors[field]
    with pytest.raises(SettingsError) as raised:
        save_settings(tmp_path / "settings.toml", settings)
    assert raised.value.errors == errors
    assert not (tmp_path / "settings.toml").exists()


def test_local_http_is_allowed_for_the_demo_hub() -> None:
    assert validate(KioskSettings(hub_url="http://127.0.0.1:8443")) == {}


def test_a_broken_or_wrong_file_is_refused_with_the_field(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text("clinic_name = \n", "utf-8")
    with pytest.raises(SettingsError, match="not valid TOML"):
        load_settings(path)
    path.write_text('idle_check_in_s = "soon"\nfavourite_colour = "blue"\n', "utf-8")
    with pytest.raises(SettingsError) as raised:
        load_settings(path)
    assert set(raised.value.errors) == {"idle_check_in_s", "favourite_colour"}


@pytest.mark.parametrize("key", ["device_token", "admin_pin", "hub_password", "api_key"])
def test_a_secret_in_the_file_is_an_error(tmp_path: Path, key: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(f'{key} = "s3cr3t-value"\n', "utf-8")
    with pytest.raises(SettingsError) as raised:
        load_settings(path)
    assert "Secrets never go in the settings file" in raised.value.errors[key]
    assert "s3cr3t-value" not in str(raised.value)


def test_the_saved_file_holds_only_the_known_settings(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    save_settings(path, KioskSettings(hub_url="https://hub.example.nhs.scot"))
    data = tomllib.loads(path.read_text("utf-8"))
    assert set(data) == set(KioskSettings.__dataclass_fields__)
    assert not any(word in key for key in data for word in ("token", "pin", "password"))


# ----- the file is the configuration: flag > file > default --------------------------------

def test_resolve_with_no_file_and_no_flags_is_the_defaults() -> None:
    resolved = resolve_settings(None, {})
    assert resolved.settings == KioskSettings()
    assert set(resolved.sources.values()) == {FROM_DEFAULT}
    assert resolved.overridden() == {}
    assert resolved.source_text("hub_url") == "the default"


def test_the_file_wins_over_the_default_and_a_flag_over_the_file() -> None:
    file = replace(KioskSettings(), clinic_name="Ward 7", default_language="cy",
                   hub_url="https://hub.example.nhs.scot", idle_check_in_s=300)
    resolved = resolve_settings(file, {"default_language": ("--language", "pl"),
                                       "self_test_times": ("--selftest-at", ["06:00"])})
    s = resolved.settings
    assert (s.clinic_name, s.hub_url, s.idle_check_in_s) == (
        "Ward 7", "https://hub.example.nhs.scot", 300)  # from the file
    assert s.default_language == "pl"  # the flag
    assert s.self_test_times == ("06:00",)
    assert resolved.sources["clinic_name"] == FROM_FILE
    assert resolved.overridden() == {"default_language": "--language",
                                     "self_test_times": "--selftest-at"}
    assert resolved.source_text("default_language") == "set by --language on the command line"
    assert resolved.source_text("clinic_name") == "from the settings file"


def test_a_bad_flag_value_is_refused_naming_the_flag() -> None:
    with pytest.raises(SettingsError) as caught:
        resolve_settings(None, {"hub_url": ("--hub", "ftp://hub.example")})
    assert list(caught.value.errors) == ["--hub"]
    with pytest.raises(SettingsError) as caught:
        resolve_settings(None, {"no_such": ("--nope", "x")})
    assert list(caught.value.errors) == ["--nope"]


def test_read_settings_never_raises_and_says_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    assert read_settings(path) == (None, None)  # no file: no message
    path.write_text('clinic_name = "Ward 7"\n', "utf-8")
    assert read_settings(path) == (replace(KioskSettings(), clinic_name="Ward 7"), None)
    path.write_text('idle_check_in_s = "soon"\n', "utf-8")
    settings, problem = read_settings(path)
    assert settings is None
    assert problem is not None
    assert str(path) in problem
    assert "idle_check_in_s" in problem
    assert "defaults" in problem
    path.write_text("clinic_name = [\n", "utf-8")
    settings, problem = read_settings(path)
    assert settings is None
    assert problem is not None
    assert "not valid TOML" in problem
