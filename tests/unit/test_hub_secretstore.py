"""The hub's secret store: files of mode 0600 in a folder of mode 0700, made on first use."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from kiosk.hub.secretstore import DirSecretStore, MemorySecretStore, SecretStoreError


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_created_on_first_use_with_tight_modes(tmp_path: Path) -> None:
    folder = tmp_path / "hub.sqlite3.secrets"
    store = DirSecretStore(folder)
    pepper = store.code_pepper()
    assert len(pepper) >= 32
    assert _mode(folder) == 0o700
    assert _mode(folder / "code-pepper") == 0o600
    assert store.code_pepper() == pepper
    assert DirSecretStore(folder).code_pepper() == pepper  # persisted
    assert DirSecretStore(folder).turn_secret() != pepper
    assert str(pepper) not in repr(store)


def test_loose_permissions_are_refused_without_showing_the_secret(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    DirSecretStore(folder).code_pepper()
    secret_file = folder / "code-pepper"
    secret = secret_file.read_text().strip()
    secret_file.chmod(0o644)
    with pytest.raises(SecretStoreError, match="chmod 600") as err:
        DirSecretStore(folder).code_pepper()
    assert secret not in str(err.value)
    secret_file.chmod(0o600)
    folder.chmod(0o755)
    with pytest.raises(SecretStoreError, match="chmod 700"):
        DirSecretStore(folder).code_pepper()


@pytest.mark.expect_log(r"secret file", logger="kiosk.hub.secretstore")
def test_turn_secret_from_a_provided_file(tmp_path: Path) -> None:
    provided = tmp_path / "turn.secret"
    provided.write_text("shared-with-coturn\n")
    provided.chmod(0o600)
    store = DirSecretStore(tmp_path / "s", turn_secret_file=provided)
    assert store.turn_secret() == b"shared-with-coturn"
    assert not (tmp_path / "s" / "turn-secret").exists()
    missing = DirSecretStore(tmp_path / "s", turn_secret_file=tmp_path / "nope")
    with pytest.raises(SecretStoreError, match="TURN secret file"):
        missing.turn_secret()
    empty = tmp_path / "empty"
    empty.write_text("\n")
    with pytest.raises(SecretStoreError, match="empty"):
        DirSecretStore(tmp_path / "s", turn_secret_file=empty).turn_secret()


def test_memory_store() -> None:
    store = MemorySecretStore()
    assert store.code_pepper() == store.code_pepper()
    assert store.code_pepper() != store.turn_secret()
