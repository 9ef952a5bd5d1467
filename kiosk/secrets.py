"""The kiosk's secrets (its device token, the admin PIN hash), kept in the system keyring.

Rules that matter:

- Secrets are kept only through a :class:`SecretStore`: never in files, settings, environment
  variables, command lines, logs or exception messages. Code that needs a secret is given a
  store in its constructor; nothing reaches for a global.
- :class:`KeyringSecretStore` uses only a *secure* keyring backend (the Secret Service, KWallet,
  the macOS Keychain, the Windows Credential Locker). If the system has none (keyring's
  ``fail`` or ``null`` backends, ``keyrings.alt`` plaintext files, anything of priority < 1) it
  refuses every operation with :class:`SecretStoreUnavailable`, whose message tells staff what
  to do. It never falls back to plaintext, and never silently.
- An error names the secret (``"device-token"``), never its value, and does not chain the
  backend's own exception (whose text we do not control).
- The admin PIN is never stored: only a salted scrypt hash (:func:`hash_pin`), compared in
  constant time (:func:`verify_pin`). A PIN has few possible values, so the hash alone would
  not hold out long; it is protected by living in the keyring, and by the lockout in admin mode.
- Tests use an in-memory keyring backend set by a fixture, never the real one; ``--demo`` uses
  :class:`MemorySecretStore`, which forgets everything when the program ends.
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from typing import Final

import keyring
from keyring.backend import KeyringBackend
from keyring.backends.chainer import ChainerBackend
from keyring.errors import KeyringError, PasswordDeleteError

from kiosk.hashing import SCRYPT_N, SCRYPT_P, SCRYPT_R, scrypt_hash, scrypt_verify

#: The keyring service under which the kiosk keeps its secrets.
SERVICE: Final = "clinic-kiosk"
#: Names of the secrets the kiosk keeps (names, not values).
DEVICE_TOKEN: Final = "device-token"  # noqa: S105 - the name of a secret, not a secret
ADMIN_PIN_HASH: Final = "admin-pin-hash"

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
#: Backends known to keep secrets readable by anyone who can read the user's files.
_INSECURE_MODULE_PREFIXES: Final = ("keyring.backends.fail", "keyring.backends.null",
                                    "keyrings.alt")
_INSECURE_NAME_HINTS: Final = ("plaintext", "uncrypted", "null", "fail")

_ADVICE: Final = ("Ask IT to set up a secure system keyring for this account (for example "
                  "GNOME Keyring through the Secret Service, unlocked at login), then try again.")


class SecretStoreUnavailable(RuntimeError):
    """The secret store cannot be used. The message is plain language for staff and never
    contains a secret value."""


def _check_name(name: str) -> None:
    if not _NAME.fullmatch(name):
        raise ValueError("a secret name is 1-64 lower-case letters, digits, '.', '_' or '-'")


def backend_label(backend: KeyringBackend) -> str:
    """A short name for a keyring backend, for messages and logs."""
    cls = type(backend)
    return f"{cls.__module__}.{cls.__qualname__}"


def backend_is_secure(backend: KeyringBackend) -> bool:
    """Whether ``backend`` keeps secrets encrypted or in a protected service.

    Refused: keyring's ``fail`` and ``null`` backends, anything from ``keyrings.alt`` (plaintext
    or weakly protected files), classes whose name says plaintext, anything of priority below 1
    (keyring's own mark of a backend it does not recommend), and a chainer that includes any of
    these (it may write to whichever member accepts first).
    """
    if isinstance(backend, ChainerBackend):
        members = list(backend.backends)
        return bool(members) and all(backend_is_secure(member) for member in members)
    cls = type(backend)
    if cls.__module__.startswith(_INSECURE_MODULE_PREFIXES):
        return False
    if any(hint in cls.__name__.lower() for hint in _INSECURE_NAME_HINTS):
        return False
    try:
        priority = float(backend.priority)
    except Exception:  # a backend that cannot say its priority is not viable
        return False
    return priority >= 1


class SecretStore(ABC):
    """Where the kiosk keeps secrets, by name. Fakes for tests subclass this."""

    @property
    @abstractmethod
    def secure(self) -> bool:
        """Whether secrets can be kept safely; if False every operation raises
        :class:`SecretStoreUnavailable`."""

    def available(self) -> bool:
        """Whether the store can be used (the same as :attr:`secure`)."""
        return self.secure

    @property
    def problem(self) -> str | None:
        """Plain-language reason the store cannot be used, for staff; None when it can."""
        return None if self.secure else "This kiosk cannot keep secrets safely. " + _ADVICE

    @abstractmethod
    def get(self, name: str) -> str | None:
        """The secret called ``name``, or None if there is none."""

    @abstractmethod
    def set(self, name: str, value: str) -> None:
        """Keep ``value`` as the secret called ``name``, replacing any earlier one."""

    @abstractmethod
    def delete(self, name: str) -> None:
        """Forget the secret called ``name``; nothing happens if there is none."""


class KeyringSecretStore(SecretStore):
    """A :class:`SecretStore` in front of the ``keyring`` library, refusing insecure backends.

    ``backend`` defaults to keyring's current backend (``keyring.get_keyring()``) at
    construction.
    """

    def __init__(self, service: str = SERVICE, backend: KeyringBackend | None = None) -> None:
        self.service = service
        self._backend = backend if backend is not None else keyring.get_keyring()

    def __repr__(self) -> str:
        return f"<KeyringSecretStore {self.service} via {backend_label(self._backend)}>"

    @property
    def secure(self) -> bool:
        return backend_is_secure(self._backend)

    @property
    def problem(self) -> str | None:
        if self.secure:
            return None
        return (f"This kiosk cannot keep secrets safely: the system keyring "
                f"({backend_label(self._backend)}) is not secure or not set up. " + _ADVICE)

    def _require_secure(self) -> None:
        problem = self.problem
        if problem is not None:
            raise SecretStoreUnavailable(problem + " Nothing was read or saved.")

    def _failed(self, action: str, name: str, error: str) -> SecretStoreUnavailable:
        return SecretStoreUnavailable(
            f"The system keyring could not {action} the secret {name!r} ({error}). It may be "
            f"locked or not running. " + _ADVICE)

    def get(self, name: str) -> str | None:
        _check_name(name)
        self._require_secure()
        try:
            value = self._backend.get_password(self.service, name)
        except KeyringError as exc:
            error = type(exc).__name__
        else:
            return None if value is None else str(value)
        raise self._failed("read", name, error)  # outside `except`: the cause is not chained

    def set(self, name: str, value: str) -> None:
        _check_name(name)
        if not isinstance(value, str):
            raise TypeError("a secret value must be a str")
        self._require_secure()
        try:
            self._backend.set_password(self.service, name, value)
        except KeyringError as exc:
            error = type(exc).__name__
        else:
            return
        raise self._failed("save", name, error)

    def delete(self, name: str) -> None:
        _check_name(name)
        self._require_secure()
        try:
            self._backend.delete_password(self.service, name)
        except PasswordDeleteError:
            return  # there was none
        except KeyringError as exc:
            error = type(exc).__name__
        else:
            return
        raise self._failed("delete", name, error)


class MemorySecretStore(SecretStore):
    """Secrets held in memory only, forgotten when the program ends: for ``--demo``, where the
    kiosk pairs with its own throw-away hub and must not touch the system keyring."""

    def __init__(self) -> None:
        self._values: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"<MemorySecretStore {len(self._values)} secrets>"

    @property
    def secure(self) -> bool:
        return True

    def get(self, name: str) -> str | None:
        _check_name(name)
        return self._values.get(name)

    def set(self, name: str, value: str) -> None:
        _check_name(name)
        if not isinstance(value, str):
            raise TypeError("a secret value must be a str")
        self._values[name] = value

    def delete(self, name: str) -> None:
        _check_name(name)
        self._values.pop(name, None)


# --- admin PIN: a salted scrypt hash (kiosk.hashing, as the hub's passwords) ---------------

PIN_SCRYPT_N: Final = SCRYPT_N  # 16 MiB, about 50 ms per check on a small kiosk
PIN_SCRYPT_R: Final = SCRYPT_R
PIN_SCRYPT_P: Final = SCRYPT_P


def hash_pin(pin: str, *, n: int = PIN_SCRYPT_N, r: int = PIN_SCRYPT_R,
             p: int = PIN_SCRYPT_P) -> str:
    """A salted scrypt hash of ``pin``, safe to keep in the :class:`SecretStore`."""
    if not pin:
        raise ValueError("the PIN must not be empty")
    return scrypt_hash(pin, n=n, r=r, p=p)


def verify_pin(pin: str, stored: str) -> bool:
    """Whether ``pin`` matches the hash ``stored``, compared in constant time. A malformed
    ``stored`` value gives False, not an exception."""
    return scrypt_verify(pin, stored)
