"""kiosk.pin_lockout: the admin PIN lockout survives a restart (the lock is built again on the
same file, as the app does when it starts), a damaged file fails closed to a short lock, and a
clock set back cannot lock admin mode for longer than the longest back-off."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from kiosk.admin import FIRST_LOCKOUT_S, MAX_TRIES, AdminLock, Outcome
from kiosk.pin_lockout import DAMAGED_LOCK_S, LOCKOUT_FILE, MAX_LOCKOUT_S, LockoutFile
from kiosk.secrets import MemorySecretStore, hash_pin

PIN = "482916"
WRONG = r"admin PIN wrong|admin PIN attempt refused"


class Clock:
    """A clock the test moves: ``mono`` for the lock, ``wall`` (Unix time) for the file."""

    def __init__(self) -> None:
        self.mono, self.wall = 50.0, 1_800_000_000.0

    def advance(self, seconds: float) -> None:
        self.mono += seconds
        self.wall += seconds


@pytest.fixture
def store() -> MemorySecretStore:
    store = MemorySecretStore()
    AdminLock(store, hasher=lambda pin: hash_pin(pin, n=2**4)).set_pin(PIN, PIN)
    return store


@pytest.fixture
def clock() -> Clock:
    return Clock()


def start(store: MemorySecretStore, path: Path, clock: Clock, *, boot: float = 0.0
          ) -> AdminLock:
    """The lock as the app builds it when it starts (a restart's monotonic clock starts anew:
    ``boot`` shifts it)."""
    clock.mono = boot
    return AdminLock(store, clock=lambda: clock.mono,
                     lockout=LockoutFile(path, wall=lambda: clock.wall))


@pytest.mark.expect_log(WRONG, logger="kiosk.admin")
def test_wrong_pins_and_the_lock_survive_a_restart(store: MemorySecretStore, tmp_path: Path,
                                                   clock: Clock) -> None:
    path = tmp_path / LOCKOUT_FILE
    lock = start(store, path, clock, boot=1000.0)
    for n in range(MAX_TRIES - 1):
        assert lock.check(f"00000{n}").outcome is Outcome.WRONG
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(path.read_text("utf-8"))["failures"] == MAX_TRIES - 1

    # Restarted before the lock: the count goes on from where it was.
    lock = start(store, path, clock)
    assert lock.check("000009").outcome is Outcome.LOCKED
    clock.advance(10)

    # Restarted during the lock: still locked, even for the right PIN, for the time left.
    lock = start(store, path, clock, boot=5.0)
    refused = lock.check(PIN)
    assert refused.outcome is Outcome.LOCKED
    assert refused.retry_after == pytest.approx(FIRST_LOCKOUT_S - 10)
    assert lock.retry_after() == pytest.approx(FIRST_LOCKOUT_S - 10)

    # After the lock, one more wrong PIN locks for twice as long: the back-off was kept too.
    clock.advance(FIRST_LOCKOUT_S)
    lock = start(store, path, clock)
    assert lock.check("000010").retry_after == 2 * FIRST_LOCKOUT_S
    clock.advance(2 * FIRST_LOCKOUT_S)
    lock = start(store, path, clock)
    assert lock.check(PIN).ok
    assert not path.exists()  # the right PIN cleared it all
    assert start(store, path, clock).check("000011").tries_left == MAX_TRIES - 1


@pytest.mark.expect_log(WRONG, logger="kiosk.admin")
def test_a_new_pin_clears_the_lockout(store: MemorySecretStore, tmp_path: Path,
                                      clock: Clock) -> None:
    path = tmp_path / LOCKOUT_FILE
    lock = start(store, path, clock)
    for n in range(MAX_TRIES):
        lock.check(f"00000{n}")
    assert lock.retry_after() > 0
    lock.set_pin("730519", "730519")
    assert not path.exists()
    assert start(store, path, clock).check("730519").ok


@pytest.mark.parametrize("content", [
    b"{not json",
    b"\xff\xfe\x00garbage",
    b"[]",
    b'{"v": 2, "failures": 1, "locked_until": 0}',
    b'{"v": 1, "failures": -1, "locked_until": 0}',
    b'{"v": 1, "failures": true, "locked_until": 0}',
    b'{"v": 1, "failures": 3, "locked_until": "soon"}',
    b'{"v": 1, "failures": 3, "locked_until": NaN}',
    b"",
])
@pytest.mark.expect_log(r"lockout file .* is damaged", logger="kiosk.pin_lockout")
@pytest.mark.expect_log(WRONG, logger="kiosk.admin")
def test_a_damaged_file_fails_closed_to_a_short_lock(store: MemorySecretStore, tmp_path: Path,
                                                     clock: Clock, content: bytes,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / LOCKOUT_FILE
    path.write_bytes(content)
    lock = start(store, path, clock)
    refused = lock.check(PIN)
    assert refused.outcome is Outcome.LOCKED
    assert refused.retry_after == pytest.approx(DAMAGED_LOCK_S)
    assert any("is damaged" in r.getMessage() and r.levelname == "ERROR"
               for r in caplog.records)
    # The file now holds that short lock: a restart keeps it, without a second log line.
    assert json.loads(path.read_text("utf-8"))["failures"] == 0
    caplog.clear()
    clock.advance(DAMAGED_LOCK_S / 2)
    assert start(store, path, clock).retry_after() == pytest.approx(DAMAGED_LOCK_S / 2)
    assert not caplog.records
    # After the short lock the PIN is tried as before.
    clock.advance(DAMAGED_LOCK_S / 2)
    lock = start(store, path, clock)
    assert lock.check("000000").outcome is Outcome.WRONG
    assert json.loads(path.read_text("utf-8"))["failures"] == 1


def test_the_files_cap_is_admin_modes_longest_back_off() -> None:
    from kiosk import admin

    assert MAX_LOCKOUT_S == admin.MAX_LOCKOUT_S  # kiosk.admin imports this module, not back


@pytest.mark.expect_log(WRONG, logger="kiosk.admin")
def test_a_clock_set_back_locks_no_longer_than_the_longest_back_off(
        store: MemorySecretStore, tmp_path: Path, clock: Clock) -> None:
    path = tmp_path / LOCKOUT_FILE
    lock = start(store, path, clock)
    for n in range(MAX_TRIES):
        lock.check(f"00000{n}")
    clock.wall -= 24 * 3600  # the clock was a day fast, and is put right
    assert start(store, path, clock).retry_after() == MAX_LOCKOUT_S


@pytest.mark.expect_log(r"admin PIN lockout not saved", logger="kiosk.admin")
@pytest.mark.expect_log(WRONG, logger="kiosk.admin")
def test_a_lockout_that_cannot_be_written_still_locks_in_memory(
        store: MemorySecretStore, tmp_path: Path, clock: Clock) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data folder should be", "utf-8")
    lock = start(store, blocked / LOCKOUT_FILE, clock)
    for n in range(MAX_TRIES):
        lock.check(f"00000{n}")
    assert lock.check(PIN).outcome is Outcome.LOCKED
