"""kiosk.admin: the PIN lock and its back-off, pairing's refusals, the diagnostics bundle."""

from __future__ import annotations

import json
import logging
import socket
import zipfile
from pathlib import Path

import pytest
from keyring.backends import fail

from kiosk.admin import (
    FIRST_LOCKOUT_S,
    MAX_LOCKOUT_S,
    MAX_TRIES,
    NO_SECURE_STORE,
    AdminLock,
    Outcome,
    PairingError,
    PinError,
    RecentLog,
    check_new_pin,
    diagnostics_bundle,
    pair_with_hub,
    versions,
)
from kiosk.config import KioskSettings
from kiosk.secrets import (
    ADMIN_PIN_HASH,
    DEVICE_TOKEN,
    KeyringSecretStore,
    MemorySecretStore,
    SecretStoreUnavailable,
)

PIN = "482916"
TOKEN = "tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0ZZ"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fast_hash(pin: str) -> str:
    from kiosk.secrets import hash_pin

    return hash_pin(pin, n=2**4)


@pytest.fixture
def store() -> MemorySecretStore:
    return MemorySecretStore()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def lock(store: MemorySecretStore, clock: FakeClock) -> AdminLock:
    lock = AdminLock(store, clock=clock, hasher=fast_hash)
    lock.set_pin(PIN, PIN)
    return lock


@pytest.mark.parametrize(("pin", "again", "words"), [
    ("12345", "12345", "6 to 8 digits"),
    ("123456789", "123456789", "6 to 8 digits"),
    ("12a456", "12a456", "6 to 8 digits"),
    ("٤٨٢٩١٦", "٤٨٢٩١٦", "6 to 8 digits"),  # Arabic-Indic digits: isdigit(), not ASCII
    ("111111", "111111", "too easy"),
    ("345678", "345678", "too easy"),
    ("87654321", "87654321", "too easy"),
    ("482916", "482917", "not the same"),
])
def test_a_new_pin_must_be_6_to_8_digits_typed_twice(pin: str, again: str, words: str) -> None:
    with pytest.raises(PinError, match=words) as raised:
        check_new_pin(pin, again)
    assert pin not in str(raised.value)


def test_only_a_salted_hash_is_stored(store: MemorySecretStore, lock: AdminLock) -> None:
    stored = store.get(ADMIN_PIN_HASH)
    assert stored is not None
    assert stored.startswith("scrypt$")
    assert PIN not in stored
    assert lock.has_pin()


@pytest.mark.expect_log(r"admin PIN wrong", logger="kiosk.admin")
def test_the_right_pin_is_accepted_and_a_wrong_one_counts_down(lock: AdminLock) -> None:
    assert lock.check(PIN).ok
    first = lock.check("000000")
    assert (first.outcome, first.tries_left) == (Outcome.WRONG, MAX_TRIES - 1)
    assert lock.check(PIN).ok  # the right PIN resets the count
    assert lock.check("000001").tries_left == MAX_TRIES - 1


@pytest.mark.expect_log(
    r"admin PIN attempt refused: locked for",
    r"admin PIN wrong",
    logger="kiosk.admin")
def test_five_wrong_pins_lock_with_a_growing_back_off(lock: AdminLock, clock: FakeClock) -> None:
    for n in range(MAX_TRIES - 1):
        assert lock.check(f"00000{n}").outcome is Outcome.WRONG
    locked = lock.check("000009")
    assert (locked.outcome, locked.retry_after) == (Outcome.LOCKED, FIRST_LOCKOUT_S)
    # While locked even the right PIN is refused, and does not count.
    clock.now += FIRST_LOCKOUT_S - 1
    refused = lock.check(PIN)
    assert refused.outcome is Outcome.LOCKED
    assert refused.retry_after == pytest.approx(1.0)
    # After the lockout one more wrong PIN locks again, for twice as long.
    clock.now += 1
    again = lock.check("000010")
    assert (again.outcome, again.retry_after) == (Outcome.LOCKED, 2 * FIRST_LOCKOUT_S)
    clock.now += 2 * FIRST_LOCKOUT_S
    assert lock.check("000011").retry_after == 4 * FIRST_LOCKOUT_S
    # ... never longer than the maximum.
    for _ in range(10):
        clock.now += MAX_LOCKOUT_S
        assert lock.check("000012").retry_after <= MAX_LOCKOUT_S
    clock.now += MAX_LOCKOUT_S
    assert lock.check(PIN).ok
    assert lock.check("000013").outcome is Outcome.WRONG  # the right PIN reset it all


@pytest.mark.expect_log(
    r"admin PIN attempt refused: locked for",
    r"admin PIN wrong",
    logger="kiosk.admin")
def test_every_attempt_is_logged_without_the_pin(lock: AdminLock, clock: FakeClock,
                                                 caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="kiosk.admin")
    lock.check(PIN)
    for n in range(MAX_TRIES + 1):
        lock.check(f"97531{n}")
    messages = [r.getMessage() for r in caplog.records]
    assert messages[0] == "admin PIN accepted"
    assert sum("admin PIN wrong" in m for m in messages) == MAX_TRIES
    assert "locked for" in messages[-1]
    text = caplog.text
    assert PIN not in text
    assert "97531" not in text


@pytest.mark.expect_log(r"admin mode refused: no secure secret store", logger="kiosk.admin")
def test_an_insecure_store_refuses_everything_with_the_plain_message() -> None:
    store = KeyringSecretStore(backend=fail.Keyring())
    lock = AdminLock(store)
    assert not lock.secure
    for attempt in (lock.has_pin, lambda: lock.set_pin(PIN, PIN), lambda: lock.check(PIN)):
        with pytest.raises(SecretStoreUnavailable, match="no secure password store"):
            attempt()
    assert str(NO_SECURE_STORE).startswith("This computer has no secure password store.")


async def test_pairing_with_an_insecure_store_never_contacts_the_hub() -> None:
    store = KeyringSecretStore(backend=fail.Keyring())
    with pytest.raises(PairingError) as raised:
        # A hub address that would fail differently if it were contacted.
        await pair_with_hub("http://127.0.0.1:9", "ABCD2345", store)
    assert raised.value.code == "no_store"
    assert str(raised.value) == NO_SECURE_STORE


@pytest.mark.parametrize(("url", "code"), [
    ("https://hub.example", ""), ("https://hub.example", "AB<>CD"), ("hub.example", "ABCD2345"),
])
async def test_pairing_refuses_bad_input_before_sending(url: str, code: str) -> None:
    with pytest.raises(PairingError) as raised:
        await pair_with_hub(url, code, MemorySecretStore())
    assert raised.value.code == "bad_input"


@pytest.mark.expect_log(
    r"pairing failed: hub not reachable \(ClientConnectorError\)",
    logger="kiosk.admin")
async def test_pairing_with_no_hub_says_it_could_not_reach_it() -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = MemorySecretStore()
    with pytest.raises(PairingError) as raised:
        await pair_with_hub(f"http://127.0.0.1:{port}", "ABCD2345", store, time_limit=5)
    assert raised.value.code == "offline"
    assert "Could not reach the hub" in str(raised.value)
    assert "ABCD2345" not in str(raised.value)
    assert store.get(DEVICE_TOKEN) is None


def test_versions_name_python_and_the_main_packages() -> None:
    info = versions()
    assert {"Python", "PySide6", "aiortc", "aiohttp"} <= set(info)
    assert versions(["no-such-package-xyz"])["no-such-package-xyz"] == "not installed"


def test_recent_log_keeps_redacted_lines_only() -> None:
    recent = RecentLog(capacity=3).install()
    logger = logging.getLogger("kiosk.test_admin")
    logger.setLevel(logging.INFO)
    try:
        logger.info("paired, token=%s", TOKEN)
        logger.info("check-in code %s", "123456")
        logger.info("Authorization: Bearer %s", TOKEN)
        logger.info("four")
    finally:
        recent.close()
        logger.setLevel(logging.NOTSET)
    lines = recent.lines()
    assert len(lines) == 3
    assert json.loads(lines[-1])["msg"] == "four"
    assert not any(TOKEN in line or "123456" in line for line in lines)
    assert recent not in logging.getLogger().handlers


def test_the_diagnostics_bundle_holds_no_secret(tmp_path: Path, store: MemorySecretStore,
                                                lock: AdminLock) -> None:
    store.set(DEVICE_TOKEN, TOKEN)
    pairing_code = "ABCD2345"
    lines = [json.dumps({"msg": f"device_token={TOKEN}"}),
             f'{{"msg": "Authorization: Bearer {TOKEN}"}}',
             f'{{"msg": "pairing_code={pairing_code}"}}',
             '{"msg": "check-in code 123456"}',
             f'{{"msg": "pin={PIN}"}}']
    settings = KioskSettings(clinic_name="Dunbar Health Centre",
                             hub_url="https://hub.example.nhs.scot")
    path = diagnostics_bundle(tmp_path / "usb", settings=settings, log_lines=lines,
                              extra={"paired": True})
    assert path.parent == tmp_path / "usb"
    assert path.suffix == ".zip"
    with zipfile.ZipFile(path) as bundle:
        assert sorted(bundle.namelist()) == ["recent-log.jsonl", "settings.toml",
                                             "versions.json"]
        contents = {name: bundle.read(name).decode("utf-8") for name in bundle.namelist()}
    assert json.loads(contents["versions.json"])["paired"] is True
    assert "Dunbar Health Centre" in contents["settings.toml"]
    assert len(contents["recent-log.jsonl"].splitlines()) == len(lines)
    raw = path.read_bytes()
    everything = "\n".join(contents.values())
    for secret in (TOKEN, pairing_code, PIN, "123456", store.get(ADMIN_PIN_HASH) or "?"):
        assert secret not in everything, secret
        assert secret.encode() not in raw
