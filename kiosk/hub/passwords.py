"""Specialists' passwords: scrypt hashes (``kiosk.hashing``), timing and strength rules."""

from __future__ import annotations

import asyncio
import concurrent.futures
import ctypes
import ctypes.util
import functools
import secrets
from collections.abc import Callable

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


class PasswordChecker:
    """Runs scrypt checks off the event loop, at most ``workers`` at a time.

    Each check needs tens of MB. Run on the event loop's default executor, a storm of sign-ins
    ran six at once and glibc kept the freed memory in per-thread arenas: 500 concurrent
    sign-ins took the hub from 93 MB to 192 MB for good. Two workers bound the peak, and the
    memory is handed back to the system after each check (``malloc_trim``, glibc only)."""

    def __init__(self, workers: int = 2) -> None:
        self._pool = concurrent.futures.ThreadPoolExecutor(workers, thread_name_prefix="scrypt")
        self._trim = _malloc_trim()

    async def verify(self, password: str, stored: str | None) -> bool:
        """Whether ``password`` matches ``stored``; with no stored hash, spends the same time
        and says no."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool, self._check, password, stored)

    def _check(self, password: str, stored: str | None) -> bool:
        try:
            if stored is None:
                burn_time(password)
                return False
            return verify_password(password, stored)
        finally:
            if self._trim is not None:
                self._trim(0)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None
    return trim
