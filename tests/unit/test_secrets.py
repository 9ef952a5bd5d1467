"""The kiosk's secret store: keyring's real API with the in-memory backend from conftest, and
refusal of every backend that would keep secrets unprotected."""

from __future__ import annotations

import traceback
from collections.abc import Callable

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null
from keyring.backends.chainer import ChainerBackend
from keyring.errors import KeyringLocked, PasswordSetError

from kiosk.secrets import (
    ADMIN_PIN_HASH,
    DEVICE_TOKEN,
    SERVICE,
    KeyringSecretStore,
    MemorySecretStore,
    SecretStore,
    SecretStoreUnavailable,
    backend_is_secure,
    hash_pin,
    verify_pin,
)
from tests.conftest import MemoryKeyring

SECRET = "tok-9f8e7d6c5b4a-secret-value"


class PlaintextKeyring(MemoryKeyring):
    """Stands in for keyrings.alt's plaintext file backend: claims priority 1, says plaintext."""


class AltFileKeyring(MemoryKeyring):
    """Stands in for any keyrings.alt backend."""


AltFileKeyring.__module__ = "keyrings.alt.file"


class LowPriorityKeyring(MemoryKeyring):
    """A backend keyring itself does not recommend (priority below 1)."""

    priority = 0.5  # type: ignore[assignment]  # MemoryKeyring's is an int


class FixedChainer(ChainerBackend):
    """keyring's chainer over a given list of backends, instead of every installed one."""

    def __init__(self, members: list[KeyringBackend]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # keyring is not annotated
        self.members = members

    @property
    def backends(self) -> list[KeyringBackend]:
        return self.members


class ExplodingKeyring(MemoryKeyring):
    """A backend whose errors quote the secret, as a careless third-party backend might."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked(f"locked while reading {SECRET}")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise PasswordSetError(f"could not store {password}")


def test_round_trip_through_keyring(memory_keyring: MemoryKeyring) -> None:
    store = KeyringSecretStore()
    assert store.secure
    assert store.available()
    assert store.problem is None
    store.set(DEVICE_TOKEN, SECRET)
    assert store.get(DEVICE_TOKEN) == SECRET
    assert keyring.get_password(SERVICE, DEVICE_TOKEN) == SECRET
    assert memory_keyring.passwords == {(SERVICE, DEVICE_TOKEN): SECRET}
    store.set(DEVICE_TOKEN, "replaced")
    assert store.get(DEVICE_TOKEN) == "replaced"


def test_missing_secret_is_none() -> None:
    assert KeyringSecretStore().get(DEVICE_TOKEN) is None


def test_delete_forgets_and_tolerates_missing(memory_keyring: MemoryKeyring) -> None:
    store = KeyringSecretStore()
    store.set(DEVICE_TOKEN, SECRET)
    store.set(ADMIN_PIN_HASH, "hash")
    store.delete(DEVICE_TOKEN)
    assert store.get(DEVICE_TOKEN) is None
    assert store.get(ADMIN_PIN_HASH) == "hash"
    store.delete(DEVICE_TOKEN)  # already gone: no error
    assert list(memory_keyring.passwords) == [(SERVICE, ADMIN_PIN_HASH)]


def test_services_are_kept_apart() -> None:
    kiosk, other = KeyringSecretStore(), KeyringSecretStore("another-app")
    kiosk.set(DEVICE_TOKEN, "ours")
    other.set(DEVICE_TOKEN, "theirs")
    assert (kiosk.get(DEVICE_TOKEN), other.get(DEVICE_TOKEN)) == ("ours", "theirs")


def test_backend_can_be_passed_in() -> None:
    ring = MemoryKeyring()
    KeyringSecretStore(backend=ring).set(DEVICE_TOKEN, SECRET)
    assert ring.passwords == {(SERVICE, DEVICE_TOKEN): SECRET}
    assert KeyringSecretStore().get(DEVICE_TOKEN) is None  # keyring's own backend untouched


@pytest.mark.parametrize("name", ["", "Device-Token", "a b", "x" * 65, "../etc"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="secret name"):
        KeyringSecretStore().set(name, SECRET)


INSECURE = [
    pytest.param(fail.Keyring, id="fail"),
    pytest.param(null.Keyring, id="null"),
    pytest.param(PlaintextKeyring, id="plaintext-name"),
    pytest.param(AltFileKeyring, id="keyrings.alt"),
    pytest.param(LowPriorityKeyring, id="priority-below-1"),
]


@pytest.mark.parametrize("backend_class", INSECURE)
def test_insecure_backends_are_refused(backend_class: type[KeyringBackend],
                                       memory_keyring: MemoryKeyring) -> None:
    backend = backend_class()
    keyring.set_keyring(backend)  # the fixture puts the memory keyring back afterwards
    store = KeyringSecretStore()
    assert not store.secure
    assert not store.available()
    assert store.problem is not None
    assert "cannot keep secrets safely" in store.problem
    attempts: list[Callable[[], object]] = [lambda: store.set(DEVICE_TOKEN, SECRET),
                                            lambda: store.get(DEVICE_TOKEN),
                                            lambda: store.delete(DEVICE_TOKEN)]
    for attempt in attempts:
        with pytest.raises(SecretStoreUnavailable, match="Ask IT") as caught:
            attempt()
        assert SECRET not in "".join(traceback.format_exception(caught.value))
    assert getattr(backend, "passwords", {}) == {}  # nothing reached the insecure backend
    assert memory_keyring.passwords == {}


def test_fail_keyring_refusal_names_the_backend_not_the_secret() -> None:
    store = KeyringSecretStore(backend=fail.Keyring())
    with pytest.raises(SecretStoreUnavailable) as caught:
        store.set(DEVICE_TOKEN, SECRET)
    text = str(caught.value)
    assert "keyring.backends.fail.Keyring" in text
    assert "Nothing was read or saved" in text
    assert SECRET not in text
    assert SECRET not in repr(caught.value)


def test_chainer_is_secure_only_if_every_member_is() -> None:
    assert backend_is_secure(FixedChainer([MemoryKeyring(), MemoryKeyring()]))
    assert not backend_is_secure(FixedChainer([MemoryKeyring(), PlaintextKeyring()]))
    assert not backend_is_secure(FixedChainer([]))


def test_backend_errors_are_reported_without_the_secret() -> None:
    store = KeyringSecretStore(backend=ExplodingKeyring())
    assert store.secure
    with pytest.raises(SecretStoreUnavailable, match="could not save") as caught:
        store.set(DEVICE_TOKEN, SECRET)
    with pytest.raises(SecretStoreUnavailable, match=r"could not read .*KeyringLocked") as read:
        store.get(DEVICE_TOKEN)
    for exc in (caught.value, read.value):
        assert exc.__cause__ is None
        assert exc.__context__ is None  # the backend's own text is not kept at all
        assert SECRET not in "".join(traceback.format_exception(exc))


def test_fakes_can_implement_the_interface() -> None:
    class NoStore(SecretStore):
        @property
        def secure(self) -> bool:
            return False

        def get(self, name: str) -> str | None:
            raise SecretStoreUnavailable("no store")

        def set(self, name: str, value: str) -> None:
            raise SecretStoreUnavailable("no store")

        def delete(self, name: str) -> None:
            raise SecretStoreUnavailable("no store")

    store = NoStore()
    assert not store.available()
    assert store.problem is not None


def test_memory_store_for_demo_mode_never_touches_the_keyring(
        memory_keyring: MemoryKeyring) -> None:
    store = MemorySecretStore()
    assert store.available()
    store.set(DEVICE_TOKEN, SECRET)
    assert store.get(DEVICE_TOKEN) == SECRET
    assert SECRET not in repr(store)
    store.delete(DEVICE_TOKEN)
    store.delete(DEVICE_TOKEN)
    assert store.get(DEVICE_TOKEN) is None
    assert memory_keyring.passwords == {}
    with pytest.raises(ValueError, match="secret name"):
        store.set("Bad Name", SECRET)


def test_pin_hash_verifies_and_is_salted() -> None:
    first, second = hash_pin("482913"), hash_pin("482913")
    assert first != second  # fresh salt each time
    assert "482913" not in first
    assert verify_pin("482913", first)
    assert verify_pin("482913", second)
    assert not verify_pin("482914", first)
    assert not verify_pin("", first)


def test_pin_hash_lives_in_the_store() -> None:
    store = KeyringSecretStore()
    store.set(ADMIN_PIN_HASH, hash_pin("1234", n=2**10))
    stored = store.get(ADMIN_PIN_HASH)
    assert stored is not None
    assert verify_pin("1234", stored)


@pytest.mark.parametrize("stored", [
    "", "plain-text-pin", "scrypt$16384$8$1$salt", "bcrypt$16384$8$1$c2FsdA$aGFzaA",
    "scrypt$x$8$1$c2FsdA$aGFzaA", "scrypt$1000$8$1$c2FsdA$aGFzaA",  # n not a power of two
    f"scrypt${2**24}$8$1$c2FsdA$aGFzaA",  # too costly: a tampered value must not hang the kiosk
    "scrypt$1024$8$1$c2FsdA$aGFzaA",  # digest of the wrong length
    "scrypt$1024$8$1$!!$aGFzaA",
])
def test_malformed_pin_hash_never_verifies(stored: str) -> None:
    assert verify_pin("1234", stored) is False


def test_empty_pin_is_refused() -> None:
    with pytest.raises(ValueError, match="empty"):
        hash_pin("")
