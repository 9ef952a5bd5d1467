"""Reception's booking limit in the hub's storage (schema 10, ``booking_limits``): on a database
as the release before it left it (schema 9, filled with the SQL that release wrote) every row is
kept and no account owes anything yet; the limit is the token bucket the hub counted in memory
before (the same answers for the same bookings, burst and wait alike); a refused booking counts
nothing; each account has its own; and the count is still there when the file is opened again,
as after a hub restart."""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from kiosk.hub.config import RateLimits
from kiosk.hub.migrations import LATEST_VERSION, current_version, migrate
from kiosk.hub.models import SITE_STAFF
from kiosk.hub.ratelimit import TokenBucket
from kiosk.hub.storage import Storage

NOW = 1_750_000_000.25  # not a whole second: unix times carry float dust
#: The defaults (60 an hour, 20 at once), and a small burst that is quick to spend.
DEFAULTS = RateLimits()
SMALL = RateLimits(bookings_per_hour=60, booking_burst=3)


def _release_9_database(path: Path) -> dict[str, int]:
    """Schema 9 with two site staff who have booked, written with that release's SQL."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys=ON")
    assert migrate(conn, target=9) == list(range(1, 10))
    x = conn.execute
    x("INSERT INTO organisations (name, created_at) VALUES ('Hospital X', 1)")
    x("INSERT INTO services (organisation_id, name, created_at) VALUES (1, 'Cardiology', 1)")
    x("INSERT INTO sites (name, organisation_id, created_at, address) "
      "VALUES ('Musselburgh', 1, 1, '1 High Street')")
    x("INSERT INTO service_sites (service_id, site_id, created_at) VALUES (1, 1, 1)")
    x("INSERT INTO waiting_areas (service_id, name, created_at) VALUES (1, 'Heart clinic', 1)")
    x("INSERT INTO accounts (role, username, display_name, password_hash, created_at) VALUES "
      "('site_staff', 'desk.a', 'Ann Desk', 'scrypt$a', 1), "
      "('site_staff', 'desk.b', 'Bea Desk', 'scrypt$b', 1)")
    x("INSERT INTO site_staff (account_id, site_id, added_at) VALUES (1, 1, 1), (2, 1, 1)")
    x("INSERT INTO appointments (waiting_area_id, starts_at, code_hash, code_expires_at, "
      "created_at, site_id, language, booked_by) VALUES "
      "(1, ?, 'c1', ?, ?, 1, 'pl', 1), (1, ?, 'c2', ?, ?, 1, 'en', 2)",
      (NOW, NOW + 3600, NOW - 60, NOW, NOW + 3600, NOW - 30))
    tables = ("accounts", "site_staff", "appointments", "sites", "service_sites")
    counts = {t: x(f"SELECT COUNT(*) FROM {t}").fetchone()[0] for t in tables}  # noqa: S608
    conn.close()
    return counts


def _storage_with_two_desks(path: Path) -> Storage:
    """A new hub database with accounts 1 and 2 (site staff)."""
    storage = Storage.open(path)
    for name in ("desk.a", "desk.b"):
        storage.create_account(SITE_STAFF, name, name, "scrypt$x", NOW)
    return storage


def _burst(storage: Storage, account: int, now: float, limits: RateLimits) -> int:
    """How many bookings go ahead at ``now`` before the first refusal."""
    taken = 0
    while storage.take_booking_turn(account, now, limits) is None:
        taken += 1
    return taken


def test_release_9_gains_the_limit_with_every_row_kept(tmp_path: Path) -> None:
    path = tmp_path / "hub.sqlite3"
    before = _release_9_database(path)
    storage = Storage.open(path)
    try:
        db = storage.connection
        assert current_version(db) == LATEST_VERSION == 10
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert {t: db.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]  # noqa: S608
                for t in before} == before
        assert db.execute("SELECT COUNT(*) FROM booking_limits").fetchone()[0] == 0
        # Nobody owes anything yet: a whole burst each.
        assert _burst(storage, 1, NOW, SMALL) == 3
        assert _burst(storage, 2, NOW, SMALL) == 3
    finally:
        storage.close()


def test_the_limit_is_the_token_bucket_it_replaces(tmp_path: Path) -> None:
    storage = _storage_with_two_desks(tmp_path / "hub.sqlite3")
    try:
        rng = random.Random(11)
        answers = {"went ahead": 0, "refused": 0}
        for account, limits in ((1, DEFAULTS), (2, SMALL)):
            rate = limits.bookings_per_hour / 3600.0
            bucket = TokenBucket(rate, limits.booking_burst, NOW)
            now = NOW
            for _ in range(400):  # bursts, pauses and everything between
                now += rng.choice((0.0, 0.0, 1.0, 15.0, 59.0, 61.0, 600.0, 3600.0))
                expected = bucket.take(now)
                got = storage.take_booking_turn(account, now, limits)
                answers["went ahead" if expected is None else "refused"] += 1
                if expected is None:
                    assert got is None, (account, now - NOW)
                else:
                    assert got is not None, (account, now - NOW)
                    assert abs(got - expected) < 0.002, (account, now - NOW)
        assert min(answers.values()) > 50, answers  # both answers, many times
    finally:
        storage.close()


def test_a_refusal_counts_nothing_and_says_how_long_to_wait(tmp_path: Path) -> None:
    storage = _storage_with_two_desks(tmp_path / "hub.sqlite3")
    try:
        assert _burst(storage, 1, NOW, SMALL) == 3
        for _ in range(5):  # asking again and again does not push the turn further away
            assert storage.take_booking_turn(1, NOW + 30, SMALL) == 30.0
        assert storage.take_booking_turn(1, NOW + 60, SMALL) is None
        assert storage.take_booking_turn(1, NOW + 60, SMALL) == 60.0
        assert _burst(storage, 2, NOW + 60, SMALL) == 3  # another account's budget is its own
    finally:
        storage.close()


def test_the_count_survives_closing_and_opening_the_file(tmp_path: Path) -> None:
    path = tmp_path / "hub.sqlite3"
    storage = _storage_with_two_desks(path)
    assert _burst(storage, 1, NOW, DEFAULTS) == 20
    storage.close()
    storage = Storage.open(path)
    try:
        assert storage.take_booking_turn(1, NOW + 1, DEFAULTS) == 59.0
        # An hour later 60 more have been earned, but never more than a burst at once.
        assert _burst(storage, 1, NOW + 3600, DEFAULTS) == 20
    finally:
        storage.close()
