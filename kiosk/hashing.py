"""Salted scrypt hashes in the self-describing form ``scrypt$n$r$p$salt$hash``.

One implementation for the hub's specialist passwords and the kiosk's admin PIN. Salt and hash
are unpadded URL-safe base64. Verification reads the cost parameters from the stored string, so
they can be raised later without invalidating old hashes, and a malformed stored value (or one
asking for an absurd cost) verifies as False instead of raising.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from typing import Final

#: Default cost: 16 MiB of memory, about 50 ms on a small machine.
SCRYPT_N: Final = 2**14
SCRYPT_R: Final = 8
SCRYPT_P: Final = 1
_DKLEN: Final = 32
_MAX_N: Final = 2**20


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _scrypt(secret: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(secret.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=_DKLEN,
                          maxmem=128 * r * (n + p + 2) + 1024 * 1024)


def scrypt_hash(secret: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> str:
    """Hash ``secret`` with a fresh random salt."""
    salt = secrets.token_bytes(16)
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(_scrypt(secret, salt, n, r, p))}"


def scrypt_verify(secret: str, stored: str) -> bool:
    """Whether ``secret`` matches ``stored``, compared in constant time."""
    parts = stored.split("$")
    if len(parts) != 6 or parts[0] != "scrypt":
        return False
    try:
        n, r, p = int(parts[1]), int(parts[2]), int(parts[3])
        salt, expected = _unb64(parts[4]), _unb64(parts[5])
    except ValueError:
        return False
    if not (1 < n <= _MAX_N and n & (n - 1) == 0 and 0 < r <= 32 and 0 < p <= 16):
        return False
    if len(expected) != _DKLEN or not salt:
        return False
    return hmac.compare_digest(_scrypt(secret, salt, n, r, p), expected)
