"""One-time codes and device tokens: making them, hashing them, issuing them.

Rules that matter:

- Appointment codes are 10 random digits, shown as ``012 345 6789`` (6-digit codes made by
  earlier releases are still accepted until they expire). With the hub's guess budgets (see
  :class:`kiosk.hub.config.RateLimits` and docs/deployment.md, "How hard is a code to guess") a
  guesser gets a few hundred thousand tries a year against ten thousand million codes. Pairing
  codes are 8 letters and digits from an alphabet
  without look-alikes, shown as ``ABCD-EFGH``. Both are single use and expire.
- They are stored only as HMAC-SHA256 under the pepper from the hub's secret store, so a copy of
  the database alone cannot be used to recover or test codes. Kiosk and session tokens are long
  random strings stored as SHA-256.
- The clear code is returned once, to the person who issues it, and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from kiosk.hub.models import AppointmentRecord, KioskRecord
from kiosk.hub.secretstore import HubSecrets
from kiosk.hub.storage import LEGACY_SITE, CodeError, Conflict, Storage

APPOINTMENT_CODE_DIGITS = 10
#: Codes made by releases before 10-digit codes; still redeemable until they expire.
LEGACY_APPOINTMENT_CODE_DIGITS = 6
PAIRING_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
PAIRING_CODE_LENGTH = 8
PAIRING_CODE_TTL = 15 * 60.0
DEFAULT_VALID_HOURS = 12.0
_ATTEMPTS = 50


def new_appointment_code() -> str:
    """A random 10-digit code."""
    return f"{secrets.randbelow(10**APPOINTMENT_CODE_DIGITS):0{APPOINTMENT_CODE_DIGITS}d}"


def normalise_appointment_code(text: str) -> str | None:
    """The digits of what a patient typed (spaces and dashes allowed), or None.

    10 digits, or 6 for a code made by an earlier release.
    """
    digits = "".join(ch for ch in text if ch not in " -")
    if (len(digits) not in (APPOINTMENT_CODE_DIGITS, LEGACY_APPOINTMENT_CODE_DIGITS)
            or not digits.isascii() or not digits.isdigit()):
        return None
    return digits


def format_appointment_code(code: str) -> str:
    """A code as people read it: ``012 345 6789`` (a 6-digit one as ``123 456``)."""
    if len(code) == APPOINTMENT_CODE_DIGITS:
        return f"{code[:3]} {code[3:6]} {code[6:]}"
    return f"{code[:3]} {code[3:]}"


def new_pairing_code() -> str:
    """A random pairing code such as ``K7QD-M2XP``."""
    raw = "".join(secrets.choice(PAIRING_CODE_ALPHABET) for _ in range(PAIRING_CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_pairing_code(text: str) -> str | None:
    """The canonical form of a typed pairing code, or None if it cannot be one."""
    raw = "".join(ch for ch in text.upper() if ch not in " -")
    if len(raw) != PAIRING_CODE_LENGTH or any(ch not in PAIRING_CODE_ALPHABET for ch in raw):
        return None
    return f"{raw[:4]}-{raw[4:]}"


def code_hash(pepper: bytes, code: str) -> str:
    """HMAC-SHA256 of a normalised code under the pepper, as hex."""
    return hmac.new(pepper, code.encode("utf-8"), hashlib.sha256).hexdigest()


def token_hash(token: str) -> str:
    """SHA-256 of a long random token (kiosk device token, session token), as hex."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    """A fresh device or session token."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class IssuedAppointment:
    """An appointment just created, with its clear code (shown once)."""

    appointment: AppointmentRecord
    code: str

    def __repr__(self) -> str:
        return f"IssuedAppointment(appointment={self.appointment!r}, code=<redacted>)"


def issue_appointment(storage: Storage, secrets_: HubSecrets, *, waiting_area_id: int,
                      starts_at: float, now: float, specialist_id: int | None = None,
                      patient_name: str | None = None,
                      valid_hours: float = DEFAULT_VALID_HOURS,
                      site: int | str | None = LEGACY_SITE, language: str = "en",
                      booked_by: int | None = None) -> IssuedAppointment:
    """Create an appointment with a fresh code, valid until ``valid_hours`` after its start
    (``site``, ``language``, ``booked_by``: see
    :meth:`kiosk.hub.storage.Storage.create_appointment`)."""
    if valid_hours <= 0:
        raise ValueError("the code must be valid for more than 0 hours")
    pepper = secrets_.code_pepper()
    expires_at = max(starts_at, now) + valid_hours * 3600.0
    for _ in range(_ATTEMPTS):
        code = new_appointment_code()
        try:
            appointment = storage.create_appointment(
                waiting_area_id, specialist_id, starts_at, patient_name, code_hash(pepper, code),
                expires_at, now, site=site, language=language, booked_by=booked_by)
        except Conflict:
            continue
        return IssuedAppointment(appointment, code)
    raise Conflict("could not find a free appointment code; try again later")


def issue_pairing_code(storage: Storage, secrets_: HubSecrets, *, clinic_id: int, room: str,
                       now: float, ttl: float = PAIRING_CODE_TTL) -> str:
    """Create a one-time kiosk pairing code for a room; return it in clear (shown once)."""
    pepper = secrets_.code_pepper()
    for _ in range(_ATTEMPTS):
        code = new_pairing_code()
        try:
            storage.create_pairing_code(clinic_id, room, code_hash(pepper, code), now, now + ttl)
        except Conflict:
            continue
        return code
    raise Conflict("could not find a free pairing code; try again later")


def pair_kiosk(storage: Storage, secrets_: HubSecrets, *, pairing_code: str, now: float,
               name: str | None = None) -> tuple[KioskRecord, str]:
    """Redeem a pairing code: a new kiosk and its device token (in clear, returned once).

    Raises :class:`kiosk.hub.storage.CodeError`.
    """
    code = normalise_pairing_code(pairing_code)
    if code is None:
        raise CodeError("bad_code")
    token = new_token()
    kiosk = storage.redeem_pairing_code(code_hash(secrets_.code_pepper(), code),
                                        token_hash(token), name, now)
    return kiosk, token
