"""Test-wide set-up, kept to three things: Qt renders offscreen, no test can reach a real
keyring (every test gets an in-memory one, and any program a test launches gets keyring's
``fail`` backend), and a WARNING or ERROR logged during a test fails it unless the test says it
expects it (``tests/helpers/logfail.py``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.errors import PasswordDeleteError

pytest_plugins = ["tests.helpers.logfail", "tests.helpers.sound_server"]  # the `sound` fixture

# Before any QApplication exists: tests need no display and never use one.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


class MemoryKeyring(KeyringBackend):
    """A keyring backend that keeps passwords in a dict, for tests. Secure as far as the
    kiosk's checks go (priority 1), and gone when the test ends."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring is not annotated
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise PasswordDeleteError("no such password") from None


@pytest.fixture(autouse=True)
def memory_keyring(monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryKeyring]:
    """keyring's current backend, for this test: a fresh :class:`MemoryKeyring`."""
    # Programs the test launches (and keyring's own first look-up below) get no real keyring.
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)
