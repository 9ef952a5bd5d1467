"""Logging for the kiosk and the hub: JSON lines, with secrets scrubbed from every record.

Rules that matter:

- Both programs call :func:`setup_logging` once, in their composition root. It writes one JSON
  object per line (``ts``, ``level``, ``logger``, ``msg``, then any ``extra`` fields, ``exc``
  for a traceback) to stderr and/or a file only the program's user can read.
- Log events and ids (visit id, kiosk id), never people: no names, dates of birth, appointment
  codes, tokens, passwords, cookies or SDP secrets. Pass protocol messages through
  :func:`kiosk.protocol.redacted` before logging them.
- :class:`RedactingFilter` is the safety net behind that rule, on every handler installed here.
  It scrubs message arguments and ``extra`` fields whose keys are secret
  (:data:`kiosk.protocol.SECRET_FIELDS`, headers such as ``Authorization`` and ``Cookie``, keys
  ending in ``_token``/``_password``/``_secret``), then the formatted text and tracebacks:
  ``key=value`` and ``"key": "value"`` pairs with secret keys, six-digit codes after the word
  "code", ``Bearer`` tokens, URL-safe runs of 32 or more characters, and SDP ``a=ice-pwd`` and
  ``a=fingerprint`` values. An error code such as ``code=bad_code`` is not a secret and is
  kept.
"""

from __future__ import annotations

import contextlib
import json
import logging
import logging.handlers
import os
import re
import sys
from collections.abc import Mapping
from datetime import UTC, datetime
from io import TextIOWrapper
from pathlib import Path
from typing import Any, Final

from kiosk.protocol import ERROR_CODES, SECRET_FIELDS

REDACTED: Final = "<redacted>"

#: Keys (compared lower-case, with '-' read as '_') whose values are never logged.
SECRET_KEYS: Final = SECRET_FIELDS | frozenset({
    "authorization", "proxy_authorization", "cookie", "set_cookie", "pin", "secret",
    "passphrase", "session", "clinic_session", "api_key", "pairing_code", "appointment_code",
})
_SECRET_SUFFIXES: Final = ("_token", "_password", "_secret", "_credential")

#: Attributes every LogRecord has; anything else on a record came from ``extra``.
_RECORD_ATTRS: Final = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}
_MAX_DEPTH: Final = 8

_HANDLER_MARK: Final = "_clinic_kiosk_handler"
LOG_FILE_BYTES: Final = 10 * 1024 * 1024
LOG_FILE_BACKUPS: Final = 5

_QUOTED = r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'"""
# Patterns for text, applied in order. Each keeps its context and replaces only the secret.
_SDP_SECRET = re.compile(r"(a=ice-pwd:)[A-Za-z0-9+/=]+|(a=fingerprint:[\w-]+ ?)[0-9A-Fa-f:]+"
                         r"|(a=crypto:[^\r\n\\]*?inline:)[^\s\\|\"']+")
_HEADER = re.compile(r"(?i)\b((?:proxy-)?authorization|(?:set-)?cookie)(\s*[:=]\s*)(?![\"'])"
                     r"[^\r\n]+")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/-]+=*")
_SECRET_KEY = "|".join(
    [re.escape(k).replace("_", "[_-]") for k in sorted(SECRET_KEYS, key=len, reverse=True)]
    + [r"[A-Za-z0-9_-]*[_-](?:" + "|".join(x[1:] for x in _SECRET_SUFFIXES) + ")"])
_KEY_VALUE = re.compile(rf"(?i)(?<![A-Za-z0-9_-])(?P<key>{_SECRET_KEY})(?![A-Za-z0-9_-])"
                        r"(?P<sep>[\"']?\s*[:=]\s*)"
                        rf"(?P<value>{_QUOTED}|[^\s,;&}}\])]+)")
_SPOKEN_CODE = re.compile(r"(?i)(\bcodes?\b[^\d\r\n]{0,24}?)(?<!\d)\d{3}[ -]?\d{3}(?!\d)")
_LONG_TOKEN = re.compile(
    r"(?<![A-Za-z0-9_-])"
    r"(?![0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"(?![A-Za-z0-9_-]))"  # a UUID is an id, not a token
    r"(?=[A-Za-z0-9_-]*[0-9])(?=[A-Za-z0-9_-]*[A-Za-z])[A-Za-z0-9_-]{32,}={0,2}")


def is_secret_key(key: str, value: object = None) -> bool:
    """Whether a field called ``key`` holding ``value`` must not be logged."""
    name = key.lower().replace("-", "_")
    if name == "code" and isinstance(value, str) and value.strip("\"'") in ERROR_CODES:
        return False  # a protocol error code, not an appointment code
    return name in SECRET_KEYS or name.endswith(_SECRET_SUFFIXES)


#: "no device token: This kiosk …" is prose: a token is never a short run of letters alone.
_PROSE_WORD = re.compile(r"[A-Za-z]{1,19}")


def _key_value(match: re.Match[str]) -> str:
    value = match["value"]
    if not is_secret_key(match["key"], value):
        return match[0]
    key, sep = match["key"].lower(), match["sep"]
    if key.endswith("token") and ":" in sep and sep[-1:].isspace() \
            and _PROSE_WORD.fullmatch(value):
        return match[0]  # a sentence about a token ("no device token: This kiosk ...")
    quote = value[0] if value[:1] in ("'", '"') else ""
    return f"{match['key']}{match['sep']}{quote}{REDACTED}{quote}"


def _sdp_secret(match: re.Match[str]) -> str:
    prefix = next(group for group in match.groups() if group is not None)
    return prefix + REDACTED


def redact_text(text: str) -> str:
    """``text`` with the secrets it seems to hold replaced by ``<redacted>``."""
    text = _SDP_SECRET.sub(_sdp_secret, text)
    text = _HEADER.sub(rf"\1\2{REDACTED}", text)
    text = _BEARER.sub(rf"\1{REDACTED}", text)
    text = _KEY_VALUE.sub(_key_value, text)
    text = _SPOKEN_CODE.sub(rf"\1{REDACTED}", text)
    return _LONG_TOKEN.sub(REDACTED, text)


def redact(value: Any, key: str | None = None, _depth: int = 0) -> Any:
    """A copy of ``value`` safe to log: secret keys replaced (in nested mappings and
    sequences too) and every string passed through :func:`redact_text`."""
    if key is not None and is_secret_key(key, value):
        return REDACTED
    if _depth > _MAX_DEPTH:
        return "<too deep>"
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {k: redact(v, str(k), _depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        items = [redact(v, None, _depth + 1) for v in value]
        return tuple(items) if isinstance(value, tuple) else items
    return value


class RedactingFilter(logging.Filter):
    """Scrubs secrets from a record, in place, before any formatter sees it. Never drops a
    record and never raises."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            if record.args:
                record.args = redact(record.args)
            record.msg = redact_text(record.getMessage())
            record.args = ()
            for key, value in list(record.__dict__.items()):
                if key not in _RECORD_ATTRS:
                    setattr(record, key, redact(value, key))
            if record.exc_info and not record.exc_text:
                record.exc_text = logging.Formatter().formatException(record.exc_info)
            if record.exc_text:
                record.exc_text = redact_text(record.exc_text)
            if record.stack_info:
                record.stack_info = redact_text(record.stack_info)
        except Exception as exc:  # a bad format string or a hostile __str__: keep nothing
            record.msg = f"<log record dropped: {type(exc).__name__} while redacting>"
            record.args = ()
            record.exc_info = record.exc_text = record.stack_info = None
        return True


def _json_default(value: object) -> str:
    return redact_text(str(value))


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts (UTC, ISO 8601), level, logger, msg, extra fields, and
    exc/stack when present."""

    def format(self, record: logging.LogRecord) -> str:
        ts = datetime.fromtimestamp(record.created, tz=UTC).isoformat(timespec="milliseconds")
        out: dict[str, Any] = {"ts": ts.replace("+00:00", "Z"), "level": record.levelname,
                               "logger": record.name, "msg": record.getMessage()}
        for key, value in record.__dict__.items():
            if key not in _RECORD_ATTRS and not key.startswith("_"):
                out.setdefault(key, value)
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            out["exc"] = record.exc_text
        if record.stack_info:
            out["stack"] = self.formatStack(record.stack_info)
        return json.dumps(out, default=_json_default)


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """A rotating log file that only its owner can read (0600)."""

    def _open(self) -> TextIOWrapper:
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with contextlib.suppress(OSError):  # not ours to change: still log
            os.fchmod(fd, 0o600)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)


def _level(level: int | str) -> int:
    if isinstance(level, int):
        return level
    levels = logging.getLevelNamesMapping()
    if level.upper() not in levels:
        raise ValueError(f"unknown log level {level!r}; use DEBUG, INFO, WARNING or ERROR")
    return levels[level.upper()]


def setup_logging(level: int | str = logging.INFO, *, json_path: str | os.PathLike[str] | None
                  = None, stderr: bool = True, stderr_json: bool = True) -> list[logging.Handler]:
    """Send every log record, redacted, as JSON lines to stderr and/or ``json_path``.

    ``stderr_json=False`` writes plain ``time level logger: message`` lines to stderr instead,
    for people at a terminal (still redacted; the file is always JSON). Configures the root
    logger. Calling it again replaces the handlers an earlier call added and leaves other
    handlers alone. Returns the handlers it added.
    """
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, _HANDLER_MARK, False)]:
        root.removeHandler(old)
        old.close()
    handlers: list[logging.Handler] = []
    if stderr:
        handlers.append(logging.StreamHandler(sys.stderr))
        handlers[-1].setFormatter(JsonFormatter() if stderr_json else logging.Formatter(
            "%(asctime)s %(levelname)s %(name)s: %(message)s"))
    if json_path is not None:
        path = Path(json_path)
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        handlers.append(_PrivateFileHandler(path, maxBytes=LOG_FILE_BYTES,
                                            backupCount=LOG_FILE_BACKUPS, encoding="utf-8"))
        handlers[-1].setFormatter(JsonFormatter())
    for handler in handlers:
        handler.addFilter(RedactingFilter())
        setattr(handler, _HANDLER_MARK, True)
        root.addHandler(handler)
    root.setLevel(_level(level))
    return handlers
