"""The hub's secret store: a folder of files only the hub's user can read.

Rules that matter:

- Secrets live here and nowhere else: not in the config file, not in the database, not in logs,
  URLs or exception messages. Errors name the file, never its content.
- The folder is mode 0700 and each file 0600. A secret file that other users can read is
  refused rather than used.
- A missing secret is created on first use with :mod:`secrets`. The TURN shared secret can
  instead come from a file shared with coturn (``--turn-secret-file``).
"""

from __future__ import annotations

import logging
import os
import secrets
import stat
from abc import ABC, abstractmethod
from pathlib import Path

log = logging.getLogger("kiosk.hub.secretstore")

CODE_PEPPER = "code-pepper"
TURN_SECRET = "turn-secret"  # noqa: S105 - the name of a file, not a secret


class SecretStoreError(RuntimeError):
    """The secret store cannot be used; the message names files, never secrets."""


class HubSecrets(ABC):
    """Where the hub keeps its secrets."""

    @abstractmethod
    def get_or_create(self, name: str) -> bytes:
        """The secret called ``name``, created at random if there is none yet."""

    def code_pepper(self) -> bytes:
        """The key for HMAC-SHA256 of appointment and pairing codes."""
        return self.get_or_create(CODE_PEPPER)

    def turn_secret(self) -> bytes:
        """The coturn ``static-auth-secret`` shared with the TURN server."""
        return self.get_or_create(TURN_SECRET)

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


class DirSecretStore(HubSecrets):
    """Secrets as files in a folder (default ``<db path>.secrets/``)."""

    def __init__(self, folder: Path, *, turn_secret_file: Path | None = None) -> None:
        self.folder = folder
        self._turn_file = turn_secret_file
        self._cache: dict[str, bytes] = {}

    def __repr__(self) -> str:
        return f"<DirSecretStore {self.folder}>"

    def _ensure_folder(self) -> None:
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise SecretStoreError(
                f"cannot create the secret folder {self.folder}: {exc.strerror}") from None
        mode = stat.S_IMODE(self.folder.stat().st_mode)
        if mode & 0o077:
            raise SecretStoreError(
                f"the secret folder {self.folder} can be read by other users; "
                f"run: chmod 700 {self.folder}")

    def _read(self, path: Path, *, strict: bool) -> bytes:
        info = path.stat()
        if info.st_mode & 0o077:
            if strict:
                raise SecretStoreError(
                    f"the secret file {path} can be read by other users; run: chmod 600 {path}")
            log.warning("secret file %s can be read by other users", path)
        value = path.read_bytes().strip()
        if not value:
            raise SecretStoreError(f"the secret file {path} is empty")
        return value

    def get_or_create(self, name: str) -> bytes:
        if name in self._cache:
            return self._cache[name]
        if name == TURN_SECRET and self._turn_file is not None:
            try:
                value = self._read(self._turn_file, strict=False)
            except OSError as exc:
                raise SecretStoreError(
                    f"cannot read the TURN secret file {self._turn_file}: {exc.strerror}"
                ) from None
            self._cache[name] = value
            return value
        if not name.replace("-", "").isalnum():
            raise SecretStoreError(f"bad secret name {name!r}")
        self._ensure_folder()
        path = self.folder / name
        try:
            value = self._read(path, strict=True)
        except FileNotFoundError:
            value = self._create(path)
        except OSError as exc:
            raise SecretStoreError(f"cannot read the secret file {path}: {exc.strerror}") from None
        self._cache[name] = value
        return value

    def _create(self, path: Path) -> bytes:
        value = secrets.token_urlsafe(32).encode("ascii")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            return self._read(path, strict=True)
        except OSError as exc:
            raise SecretStoreError(
                f"cannot create the secret file {path}: {exc.strerror}") from None
        with os.fdopen(fd, "wb") as fh:
            fh.write(value + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        log.info("created secret %s in %s", path.name, self.folder)
        return value


class MemorySecretStore(HubSecrets):
    """Secrets held in memory only, for a throw-away demo hub and for tests."""

    def __init__(self) -> None:
        self._values: dict[str, bytes] = {}

    def get_or_create(self, name: str) -> bytes:
        if name not in self._values:
            self._values[name] = secrets.token_urlsafe(32).encode("ascii")
        return self._values[name]
