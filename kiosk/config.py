"""The kiosk's settings: what staff change in admin mode, kept in a TOML file.

Rules that matter:

- :class:`KioskSettings` holds plain, non-secret settings only. The device token and the admin
  PIN hash live in the :class:`kiosk.secrets.SecretStore`, never here: the file is readable by
  anyone who can read the kiosk user's files, and is copied into diagnostics bundles.
- :func:`validate` returns a plain-language message per field (shown next to the field in
  admin mode); :func:`save_settings` refuses invalid settings, and :func:`load_settings` refuses
  a file that is not valid TOML, has values of the wrong type, or fails validation, with a
  :class:`SettingsError` naming the fields. A missing file gives the defaults.
- A key that looks like a secret (``token``, ``pin``, ``password``...) in the file is an error,
  so nobody "helpfully" adds one by hand.
- The file lives at ``$XDG_CONFIG_HOME/clinic-kiosk/settings.toml`` (``~/.config`` when unset);
  every function takes the path, so tests and ``--demo`` use their own.
- The file is the kiosk's configuration. What the app runs with is decided by
  :func:`resolve_settings`, one rule for every field: a command-line flag wins over the file,
  and the file wins over the default. :func:`read_settings` never raises for a bad file: the
  app starts with the defaults and shows staff the message (admin mode and the log).
"""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import tomli_w

from kiosk.journey import MIN_WARNING_S, Timeouts

LANGUAGES: Final = ("en", "pl", "cy")
FILE_NAME: Final = "settings.toml"
_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
_SECRET_HINTS: Final = ("token", "pin", "password", "secret", "key", "code", "credential")
MAX_TEXT: Final = 120


class SettingsError(ValueError):
    """Settings that cannot be used. ``errors`` maps a field name to a plain message."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.errors.items()))


@dataclass(frozen=True)
class KioskSettings:
    """The kiosk's settings (never a secret). Times are in seconds; ``self_test_times`` are
    local ``HH:MM`` times; device ids are the platform's ids ("" means the system default)."""

    clinic_name: str = "Clinic Kiosk"
    room_name: str = ""
    hub_url: str = ""
    default_language: str = "en"
    idle_check_in_s: int = 120
    idle_device_checks_s: int = 180
    idle_feedback_s: int = 120
    idle_warning_s: int = 30
    #: A call whose network has not come back after this long ends, with a message to the
    #: patient and an alert to staff (kiosk/call/session.py, ``lost_after``).
    call_lost_after_s: int = 120
    self_test_times: tuple[str, ...] = ("07:30",)
    survey_file: str = ""
    camera_id: str = ""
    microphone_id: str = ""
    speaker_id: str = ""
    #: The microphone's processing (kiosk/media/echo.py); staff can turn each part off.
    echo_cancellation: bool = True
    noise_suppression: bool = True
    auto_gain_control: bool = False
    high_pass_filter: bool = True
    #: Read aloud's speed in per cent of the engine's normal (kiosk/speech.py: slower is clearer).
    read_aloud_speed: int = 75

    def timeouts(self) -> Timeouts:
        """The journey's idle time-outs from these settings."""
        return Timeouts(check_in=float(self.idle_check_in_s),
                        device_checks=float(self.idle_device_checks_s),
                        feedback=float(self.idle_feedback_s),
                        warning=float(self.idle_warning_s))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["self_test_times"] = list(self.self_test_times)
        return data


FIELD_NAMES: Final = tuple(f.name for f in fields(KioskSettings))
_INT_FIELDS: Final = ("idle_check_in_s", "idle_device_checks_s", "idle_feedback_s",
                      "idle_warning_s", "call_lost_after_s")
_BOOL_FIELDS: Final = ("echo_cancellation", "noise_suppression", "auto_gain_control",
                       "high_pass_filter")
_IDLE_RANGE: Final = (30, 3600)


def default_settings_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/clinic-kiosk/settings.toml`` (``~/.config/...`` when unset)."""
    env = os.environ if environ is None else environ
    base = env.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "clinic-kiosk" / FILE_NAME


def _check_text(errors: dict[str, str], name: str, value: str, *, required: bool) -> None:
    if required and not value.strip():
        errors[name] = "This cannot be empty."
    elif len(value) > MAX_TEXT:
        errors[name] = f"Use at most {MAX_TEXT} characters."
    elif any(ord(ch) < 32 for ch in value):
        errors[name] = "Use letters, numbers and spaces only (no line breaks)."


def validate(settings: KioskSettings) -> dict[str, str]:
    """A plain-language message for each field that is wrong (empty when all are fine)."""
    errors: dict[str, str] = {}
    _check_text(errors, "clinic_name", settings.clinic_name, required=True)
    _check_text(errors, "room_name", settings.room_name, required=False)
    url = settings.hub_url.strip()
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.hostname:
            errors["hub_url"] = "Give the hub's address, starting https:// (for example " \
                                "https://hub.example.nhs.scot)."
        elif parts.username or parts.password:
            errors["hub_url"] = "The address must not contain a user name or password."
        elif parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            errors["hub_url"] = "Use https:// (plain http:// is only allowed on this computer)."
    if settings.default_language not in LANGUAGES:
        errors["default_language"] = "Choose one of: " + ", ".join(LANGUAGES) + "."
    low, high = _IDLE_RANGE
    for name in _INT_FIELDS:
        value = getattr(settings, name)
        if isinstance(value, bool) or not isinstance(value, int):
            errors[name] = "Give a whole number of seconds."
        elif name == "idle_warning_s":
            if not MIN_WARNING_S <= value <= 600:
                errors[name] = f"Give between {MIN_WARNING_S:.0f} and 600 seconds (people " \
                               f"need time to answer the warning)."
        elif not low <= value <= high:
            errors[name] = f"Give between {low} and {high} seconds."
    times = settings.self_test_times
    if not times:
        errors["self_test_times"] = "Give at least one time, like 07:30."
    elif bad := [t for t in times if not _TIME.fullmatch(t)]:
        errors["self_test_times"] = f"Use 24-hour times like 07:30 (not {bad[0]!r})."
    elif len(set(times)) != len(times):
        errors["self_test_times"] = "Each time only once, please."
    if settings.survey_file and not settings.survey_file.endswith(".toml"):
        errors["survey_file"] = "A survey file ends in .toml."
    for name in ("camera_id", "microphone_id", "speaker_id"):
        _check_text(errors, name, getattr(settings, name), required=False)
    for name in _BOOL_FIELDS:
        if not isinstance(getattr(settings, name), bool):
            errors[name] = "Give true or false."
    speed = settings.read_aloud_speed
    if isinstance(speed, bool) or not isinstance(speed, int) or not 40 <= speed <= 100:
        errors["read_aloud_speed"] = "Give a whole number from 40 to 100 (per cent of normal " \
                                     "speed)."
    return errors


def from_mapping(data: Mapping[str, Any], base: KioskSettings | None = None) -> KioskSettings:
    """Settings from a mapping (a parsed file). Raises :class:`SettingsError` for secret-like
    or unknown keys, values of the wrong type, or values that fail :func:`validate`."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for key, value in data.items():
        lowered = str(key).lower()
        if key not in FIELD_NAMES:
            if any(hint in lowered for hint in _SECRET_HINTS) and not lowered.endswith("_id"):
                errors[str(key)] = "Secrets never go in the settings file; remove this line."
            else:
                errors[str(key)] = "This is not a setting the kiosk knows."
            continue
        if key == "self_test_times":
            if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
                errors[key] = "Give a list of times like [\"07:30\"]."
                continue
            value = tuple(value)
        elif key in _INT_FIELDS:
            if isinstance(value, bool) or not isinstance(value, int):
                errors[key] = "Give a whole number of seconds."
                continue
        elif key == "read_aloud_speed":
            if isinstance(value, bool) or not isinstance(value, int):
                errors[key] = "Give a whole number from 40 to 100."
                continue
        elif key in _BOOL_FIELDS:
            if not isinstance(value, bool):
                errors[key] = "Give true or false."
                continue
        elif not isinstance(value, str):
            errors[key] = "Give text in quotes."
            continue
        values[key] = value
    if errors:
        raise SettingsError(errors)
    settings = replace(base or KioskSettings(), **values)
    problems = validate(settings)
    if problems:
        raise SettingsError(problems)
    return settings


def load_settings(path: Path) -> KioskSettings:
    """The settings in ``path`` (the defaults if it does not exist)."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return KioskSettings()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError({"file": f"{path} is not valid TOML ({exc})."}) from None
    return from_mapping(data)


def read_settings(path: Path) -> tuple[KioskSettings | None, str | None]:
    """The settings in ``path`` for the app to start with: ``(settings, None)``; ``(None,
    None)`` when there is no file; ``(None, message)`` when the file cannot be used (the
    message names the file and each wrong field, in plain words for staff)."""
    if not path.exists():
        return None, None
    try:
        return load_settings(path), None
    except SettingsError as exc:
        return None, f"The settings file {path} was not used: {str(exc).rstrip('.')}. The " \
                     f"kiosk is using its defaults; fix the file or save the settings in admin " \
                     f"mode."
    except OSError as exc:
        return None, f"The settings file {path} could not be read " \
                     f"({exc.strerror or type(exc).__name__}). The kiosk is using its defaults."


#: Where a setting's value came from, for admin mode.
FROM_DEFAULT: Final = "default"
FROM_FILE: Final = "file"


@dataclass(frozen=True)
class ResolvedSettings:
    """The settings the app runs with, and where each value came from: :data:`FROM_DEFAULT`,
    :data:`FROM_FILE`, or the command-line flag that set it (``"--language"``)."""

    settings: KioskSettings
    sources: Mapping[str, str]

    def source_text(self, name: str) -> str:
        """Plain words for staff: where ``name``'s value comes from."""
        source = self.sources.get(name, FROM_DEFAULT)
        if source == FROM_FILE:
            return "from the settings file"
        if source == FROM_DEFAULT:
            return "the default"
        return f"set by {source} on the command line"

    def overridden(self) -> dict[str, str]:
        """Field name -> flag for the fields a command-line flag set (the file's value, if
        any, is not used for them)."""
        return {k: v for k, v in self.sources.items() if v not in (FROM_DEFAULT, FROM_FILE)}


def resolve_settings(file_settings: KioskSettings | None,
                     flags: Mapping[str, tuple[str, Any]]) -> ResolvedSettings:
    """What the kiosk runs with: for each field, a flag's value, else the file's, else the
    default. ``flags`` maps a field name to ``(flag, value)`` for each flag given (flags not
    given are left out). Raises :class:`SettingsError` if a flag names no setting or the
    result is not valid (the message names the flag)."""
    base = file_settings if file_settings is not None else KioskSettings()
    origin = FROM_FILE if file_settings is not None else FROM_DEFAULT
    sources: dict[str, str] = dict.fromkeys(FIELD_NAMES, origin)
    values: dict[str, Any] = {}
    unknown = {flag: "This is not a setting the kiosk knows." for name, (flag, _v)
               in flags.items() if name not in FIELD_NAMES}
    if unknown:
        raise SettingsError(unknown)
    for name, (flag, value) in flags.items():
        values[name] = tuple(value) if name == "self_test_times" else value
        sources[name] = flag
    settings = replace(base, **values)
    problems = validate(settings)
    if problems:
        raise SettingsError({flags[k][0] if k in flags else k: v for k, v in problems.items()})
    return ResolvedSettings(settings, sources)


def save_settings(path: Path, settings: KioskSettings) -> None:
    """Write ``settings`` to ``path`` (atomically, readable only by this user). Raises
    :class:`SettingsError` if they are not valid; the file is then left as it was."""
    problems = validate(settings)
    if problems:
        raise SettingsError(problems)
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    text = "# Clinic Kiosk settings. Edited in admin mode. No secrets here, ever.\n"
    text += tomli_w.dumps(settings.to_dict())
    fd, tmp = tempfile.mkstemp(prefix=".settings-", suffix=".toml", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
