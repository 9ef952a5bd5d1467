"""Password hashing: scrypt in the form scrypt$n$r$p$salt$hash."""

from __future__ import annotations

import pytest

from kiosk.hub.passwords import burn_time, check_new_password, hash_password, verify_password


def test_hash_format_and_verify() -> None:
    stored = hash_password("correct horse battery", n=2**10)
    parts = stored.split("$")
    assert parts[:4] == ["scrypt", "1024", "8", "1"]
    assert len(parts) == 6
    assert "correct horse" not in stored
    assert verify_password("correct horse battery", stored)
    assert not verify_password("correct horse batterz", stored)


def test_salts_differ() -> None:
    assert hash_password("same password", n=2**10) != hash_password("same password", n=2**10)


def test_default_cost() -> None:
    stored = hash_password("a long password")
    assert stored.startswith("scrypt$16384$8$1$")
    assert verify_password("a long password", stored)


@pytest.mark.parametrize("stored", [
    "", "bcrypt$1$2$3$4$5", "scrypt$abc$8$1$AA$AA", "scrypt$1000$8$1$AA$AA",
    "scrypt$2097152$8$1$AA$AA", "scrypt$1024$8$1$!!$AA", "scrypt$1024$8$1",
])
def test_malformed_hashes_never_verify(stored: str) -> None:
    assert not verify_password("anything", stored)


def test_burn_time_runs() -> None:
    burn_time("whatever")


def test_new_password_rules() -> None:
    check_new_password("0123456789")
    for bad in ("short", "123456789", " leading space x", "tab\tinside12"):
        with pytest.raises(ValueError, match="password"):
            check_new_password(bad)
