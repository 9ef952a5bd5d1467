"""Admin mode's logic, without Qt: the PIN lock, pairing with the hub, today's appointments,
diagnostics for IT.

Rules that matter:

- The PIN is checked against the salted hash in the :class:`~kiosk.secrets.SecretStore`
  (:data:`~kiosk.secrets.ADMIN_PIN_HASH`); the PIN itself is never kept, logged or put in an
  exception. Every attempt is logged (accepted, wrong, refused while locked) without the PIN.
- After :data:`MAX_TRIES` wrong PINs in a row the lock refuses every attempt for a back-off that
  doubles with each further wrong PIN (:data:`FIRST_LOCKOUT_S` up to :data:`MAX_LOCKOUT_S`);
  the right PIN after a lockout resets it. Time comes from an injected clock. Given a
  :class:`~kiosk.pin_lockout.LockoutFile`, the count and the lock survive a restart.
- If the store is not secure, admin mode is refused with :data:`NO_SECURE_STORE` and nothing is
  stored; pairing then does not even spend the one-time code.
- Pairing keeps the token only in the SecretStore; the result carries the clinic and room only.
  The token goes to the hub only in an ``Authorization`` header, never in a URL.
- A diagnostics bundle holds versions, the settings (which hold no secrets) and recent log
  lines passed through :func:`kiosk.logs.redact_text` once more.
"""

from __future__ import annotations

import collections
import importlib.metadata
import json
import logging
import platform
import time
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

import aiohttp
import tomli_w

from kiosk.config import KioskSettings
from kiosk.httpjson import json_reply
from kiosk.logs import JsonFormatter, RedactingFilter, redact_text
from kiosk.pin_lockout import LockoutFile, LockoutState
from kiosk.secrets import (
    ADMIN_PIN_HASH,
    DEVICE_TOKEN,
    SecretStore,
    SecretStoreUnavailable,
    hash_pin,
    verify_pin,
)
from kiosk.text import safe_display_text

log = logging.getLogger(__name__)

MAX_TRIES: Final = 5
FIRST_LOCKOUT_S: Final = 30.0
MAX_LOCKOUT_S: Final = 15 * 60.0
PIN_MIN: Final = 6
PIN_MAX: Final = 8
NO_SECURE_STORE: Final = ("This computer has no secure password store. Ask IT to set one up "
                          "before using admin mode.")


class PinError(ValueError):
    """A new PIN that cannot be used (plain message, never the PIN)."""


class Outcome(StrEnum):
    ACCEPTED = "accepted"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True)
class Attempt:
    """What a PIN attempt came to: ``tries_left`` before a lockout, ``retry_after`` seconds."""

    outcome: Outcome
    tries_left: int = 0
    retry_after: float = 0.0

    @property
    def ok(self) -> bool:
        return self.outcome is Outcome.ACCEPTED


def check_new_pin(pin: str, again: str) -> None:
    """Raise :class:`PinError` unless ``pin`` is 6-8 digits, not trivial, typed the same twice."""
    if not (pin.isascii() and pin.isdigit() and PIN_MIN <= len(pin) <= PIN_MAX):
        raise PinError(f"The PIN must be {PIN_MIN} to {PIN_MAX} digits.")
    if len(set(pin)) == 1 or pin in "0123456789012345" or pin in "9876543210987654":
        raise PinError("That PIN is too easy to guess. Avoid repeated or consecutive digits.")
    if pin != again:
        raise PinError("The two PINs are not the same. Type them again.")


class AdminLock:
    """The admin PIN: set-up, checks, and the lockout with a growing back-off.

    ``clock`` gives seconds (monotonic); ``hasher`` makes the stored hash (tests may pass a
    cheaper one). Raises :class:`SecretStoreUnavailable` (message :data:`NO_SECURE_STORE`) from
    every method that needs the store when the store is not secure.
    """

    def __init__(self, secrets: SecretStore, *, clock: Callable[[], float] = time.monotonic,
                 hasher: Callable[[str], str] = hash_pin,
                 lockout: LockoutFile | None = None) -> None:
        self._secrets = secrets
        self._clock = clock
        self._hasher = hasher
        self._lockout = lockout
        kept = lockout.load() if lockout is not None else LockoutState()
        self._failures = kept.failures  # wrong PINs in a row (before a restart too)
        self._locked_until = clock() + kept.retry_after if kept.retry_after else 0.0

    def _keep(self) -> None:
        """Write the count and the lock to the lockout file, if there is one."""
        if self._lockout is not None:
            try:
                self._lockout.save(LockoutState(self._failures, self.retry_after()))
            except OSError as exc:
                log.error("admin PIN lockout not saved: %s", type(exc).__name__)

    @property
    def secure(self) -> bool:
        return self._secrets.secure

    def _require_secure(self) -> None:
        if not self._secrets.secure:
            log.warning("admin mode refused: no secure secret store")
            raise SecretStoreUnavailable(NO_SECURE_STORE)

    def has_pin(self) -> bool:
        self._require_secure()
        return bool(self._secrets.get(ADMIN_PIN_HASH))

    def set_pin(self, pin: str, again: str) -> None:
        """Set (or replace) the admin PIN. Raises :class:`PinError` for an unusable PIN."""
        self._require_secure()
        check_new_pin(pin, again)
        self._secrets.set(ADMIN_PIN_HASH, self._hasher(pin))
        self._failures, self._locked_until = 0, 0.0
        self._keep()
        log.info("admin PIN set")

    def retry_after(self) -> float:
        """Seconds until a PIN may be tried again (0 when it may be now)."""
        return max(0.0, self._locked_until - self._clock())

    def check(self, pin: str) -> Attempt:
        """Try ``pin``; every attempt is logged, never with the PIN."""
        self._require_secure()
        wait = self.retry_after()
        if wait > 0:
            log.warning("admin PIN attempt refused: locked for %.0f s more", wait)
            return Attempt(Outcome.LOCKED, 0, wait)
        stored = self._secrets.get(ADMIN_PIN_HASH)
        if stored and pin and verify_pin(pin, stored):
            if self._failures:
                log.info("admin PIN accepted after %d wrong attempts", self._failures)
            else:
                log.info("admin PIN accepted")
            if self._failures or self._locked_until:
                self._failures, self._locked_until = 0, 0.0
                self._keep()
            return Attempt(Outcome.ACCEPTED, MAX_TRIES)
        self._failures += 1
        if self._failures < MAX_TRIES:
            self._keep()
            left = MAX_TRIES - self._failures
            log.warning("admin PIN wrong (%d of %d before lockout)", self._failures, MAX_TRIES)
            return Attempt(Outcome.WRONG, left)
        lockout = min(MAX_LOCKOUT_S, FIRST_LOCKOUT_S * 2 ** (self._failures - MAX_TRIES))
        self._locked_until = self._clock() + lockout
        self._keep()
        log.warning("admin PIN wrong %d times in a row: locked for %.0f s", self._failures,
                    lockout)
        return Attempt(Outcome.LOCKED, 0, lockout)


# ----- pairing -------------------------------------------------------------------------------

PAIR_MESSAGES: Final = {
    "bad_code": "That pairing code was not found. Check it and type it again.",
    "code_used": "That pairing code has already been used. Ask for a new one.",
    "code_expired": "That pairing code has expired. Ask for a new one.",
    "rate_limited": "Too many attempts. Please wait a few minutes and try again.",
}


class PairingError(Exception):
    """Pairing failed. ``code`` is the hub's error code (or ``offline``, ``bad_reply``,
    ``no_store``, ``bad_input``); the message is plain language and never holds the code typed
    or a token."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        super().__init__(message)


@dataclass(frozen=True)
class Pairing:
    """Who the hub says this kiosk now is (the token went to the SecretStore)."""

    kiosk_id: int
    clinic: str
    room: str

    def describe(self) -> str:
        return f"Paired as {self.clinic}, {self.room}" if self.room else \
            f"Paired as {self.clinic}"


async def pair_with_hub(hub_url: str, code: str, secrets: SecretStore, *,
                        name: str | None = None, time_limit: float = 15.0,
                        session: aiohttp.ClientSession | None = None) -> Pairing:
    """Pair this kiosk with the hub using a one-time ``code``; keep the token in ``secrets``.

    Raises :class:`PairingError`. Checks the store first, so an insecure store never spends
    the code.
    """
    if not secrets.secure:
        raise PairingError("no_store", NO_SECURE_STORE)
    code = code.strip().replace(" ", "").replace("-", "")
    if not code or len(code) > 32 or not code.isalnum():
        raise PairingError("bad_input", "Type the pairing code the hub gave you.")
    if not hub_url.startswith(("https://", "http://")):
        raise PairingError("bad_input", "Set the hub's address in Settings first.")
    url = hub_url.rstrip("/") + "/api/kiosk/pair"
    body: dict[str, Any] = {"pairing_code": code}
    if name:
        body["name"] = name
    own = session is None
    client = session or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=time_limit))
    try:
        async with client.post(url, json=body) as response:
            reply = await json_reply(response)
            status = response.status
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("pairing failed: hub not reachable (%s)", type(exc).__name__)
        raise PairingError("offline", f"Could not reach the hub at {hub_url}. Check the "
                                      f"address and the network.") from None
    finally:
        if own:
            await client.close()
    if not isinstance(reply, dict):
        raise PairingError("bad_reply", "The hub gave an answer the kiosk did not understand.")
    if status != 200:
        err = str(reply.get("error", ""))
        log.warning("pairing failed: %s", err or status)
        raise PairingError(err or "bad_reply", PAIR_MESSAGES.get(
            err, "The hub refused the pairing code. Ask for a new one."))
    token, clinic = reply.get("token"), reply.get("clinic")
    kiosk_id, room = reply.get("kiosk_id"), reply.get("room")
    if not (isinstance(token, str) and token and isinstance(clinic, dict)
            and isinstance(kiosk_id, int)):
        raise PairingError("bad_reply", "The hub gave an answer the kiosk did not understand.")
    secrets.set(DEVICE_TOKEN, token)
    log.info("paired with the hub as kiosk %d", kiosk_id)
    return Pairing(kiosk_id, _shown(clinic.get("name")), _shown(room))


# ----- today's appointments -----------------------------------------------------------------

#: Most appointments the admin list shows; a hub sending more is cut there.
MAX_APPOINTMENTS = 500


def _shown(value: object) -> str:
    """Text from the hub as it may be shown: no control or bidi-override characters, bounded."""
    return safe_display_text(str(value), max_chars=120) if value else ""


@dataclass(frozen=True)
class TodayAppointment:
    """One of today's appointments in this kiosk's clinic, as the hub lists them (no code,
    no patient name). ``starts_at`` is an aware UTC datetime."""

    id: int
    starts_at: datetime
    specialist: str
    waiting_area: str
    checked_in: bool

    def local_time(self) -> str:
        return self.starts_at.astimezone().strftime("%H:%M")


async def fetch_appointments(hub_url: str, secrets: SecretStore, *, time_limit: float = 15.0,
                             session: aiohttp.ClientSession | None = None
                             ) -> list[TodayAppointment]:
    """Today's appointments in this kiosk's clinic, with the device token from ``secrets``.
    Raises :class:`PairingError` (``not_paired``, ``auth_failed``, ``offline``, ``bad_reply``)
    with a plain message."""
    if not secrets.secure:
        raise PairingError("no_store", NO_SECURE_STORE)
    token = secrets.get(DEVICE_TOKEN)
    if not token:
        raise PairingError("not_paired", "This kiosk is not paired with the hub yet.")
    if not hub_url.startswith(("https://", "http://")):
        raise PairingError("bad_input", "Set the hub's address in Settings first.")
    url = hub_url.rstrip("/") + "/api/kiosk/appointments"
    own = session is None
    client = session or aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=time_limit))
    try:
        async with client.get(url, headers={"Authorization": f"Bearer {token}"}) as response:
            status = response.status
            reply = await json_reply(response)
    except (aiohttp.ClientError, TimeoutError) as exc:
        log.warning("appointment list failed: hub not reachable (%s)", type(exc).__name__)
        raise PairingError("offline", f"Could not reach the hub at {hub_url}.") from None
    finally:
        if own:
            await client.close()
    if status == 401:
        raise PairingError("auth_failed", "The hub did not accept this kiosk's key. Pair the "
                                          "kiosk again.")
    items = reply.get("appointments") if isinstance(reply, dict) and status == 200 else None
    if not isinstance(items, list):
        raise PairingError("bad_reply", "The hub gave an answer the kiosk did not understand.")
    try:
        return [TodayAppointment(int(a["id"]), datetime.fromisoformat(str(a["starts_at"])),
                                 _shown(a.get("specialist")), _shown(a.get("waiting_area")),
                                 bool(a.get("checked_in"))) for a in items[:MAX_APPOINTMENTS]]
    except (KeyError, TypeError, ValueError):
        raise PairingError("bad_reply", "The hub gave an answer the kiosk did not "
                                        "understand.") from None


# ----- diagnostics ---------------------------------------------------------------------------

VERSIONED: Final = ("clinic-kiosk", "PySide6", "aiortc", "aiohttp", "keyring")


def versions(packages: Iterable[str] = VERSIONED) -> dict[str, str]:
    """Python's and each package's installed version ("not installed" when missing)."""
    out = {"Python": platform.python_version(), "Platform": platform.platform(terse=True)}
    for name in packages:
        try:
            out[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


class RecentLog(logging.Handler):
    """Keeps the last ``capacity`` log records as redacted JSON lines, for the diagnostics
    screen. Install it on the root logger with :meth:`install`; remove it with :meth:`close`."""

    def __init__(self, capacity: int = 200, level: int = logging.INFO) -> None:
        super().__init__(level)
        self._lines: collections.deque[str] = collections.deque(maxlen=capacity)
        self.setFormatter(JsonFormatter())
        self.addFilter(RedactingFilter())

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self._lines.append(redact_text(self.format(record)))
        except Exception:  # a log line must never break the program
            self.handleError(record)

    def lines(self, last: int | None = None) -> list[str]:
        lines = list(self._lines)
        return lines if last is None else lines[-last:]

    def install(self) -> RecentLog:
        logging.getLogger().addHandler(self)
        return self

    def close(self) -> None:
        logging.getLogger().removeHandler(self)
        super().close()


def diagnostics_bundle(folder: Path, *, settings: KioskSettings, log_lines: Iterable[str],
                       versions_info: dict[str, str] | None = None,
                       extra: dict[str, Any] | None = None,
                       now: datetime | None = None) -> Path:
    """Write ``clinic-kiosk-diagnostics-<time>.zip`` in ``folder`` and return its path.

    It holds ``versions.json`` (with ``extra`` facts such as "paired": true), ``settings.toml``
    and ``recent-log.jsonl`` (each line redacted again). No secret is ever passed in.
    """
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"clinic-kiosk-diagnostics-{stamp}.zip"
    info = {**(versions_info or versions()), **(extra or {})}
    lines = [redact_text(line.rstrip("\n")) for line in log_lines]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("versions.json", json.dumps(info, indent=2, sort_keys=True) + "\n")
        bundle.writestr("settings.toml", tomli_w.dumps(settings.to_dict()))
        bundle.writestr("recent-log.jsonl", "".join(line + "\n" for line in lines))
    log.info("diagnostics bundle written (%d log lines)", len(lines))
    return path
