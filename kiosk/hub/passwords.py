"""Specialists' passwords: scrypt hashes (``kiosk.hashing``), timing and strength rules."""

from __future__ import annotations

import functools
import secrets

from kiosk.hashing import SCRYPT_N, SCRYPT_P, SCRYPT_R, scrypt_hash, scrypt_verify

MIN_PASSWORD_LENGTH = 10


def hash_password(password: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R,
                  p: int = SCRYPT_P) -> str:
    """Hash a password with a fresh random salt."""
    return scrypt_hash(password, n=n, r=r, p=p)


def verify_password(password: str, stored: str) -> bool:
    """Whether ``password`` matches ``stored``; False for a malformed stored value."""
    return scrypt_verify(password, stored)


@functools.cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_time(password: str) -> None:
    """Spend as long as :func:`verify_password` would, so an unknown username takes as long as
    a known one."""
    verify_password(password, _dummy_hash())


def check_new_password(password: str) -> None:
    """Raise ValueError with a plain reason if a new password is not acceptable."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"the password must be at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip() != password or not password.isprintable():
        raise ValueError("the password must not start or end with spaces or hold control "
                         "characters")
