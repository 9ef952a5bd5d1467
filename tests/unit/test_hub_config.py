"""Hub config: a frozen dataclass loadable from TOML that never holds secrets."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from kiosk.hub.config import ConfigError, HubConfig, load_config


def test_defaults() -> None:
    config = HubConfig()
    assert (config.host, config.port) == ("127.0.0.1", 8443)
    assert config.turn_ttl == 600
    assert config.resume_grace == 60
    assert config.ice_urls == ()
    assert not config.tls
    assert config.secrets_path == Path("clinic-hub.sqlite3.secrets")
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.port = 1  # type: ignore[misc]


def test_load_toml(tmp_path: Path) -> None:
    path = tmp_path / "hub.toml"
    path.write_text('''
host = "0.0.0.0"
port = 9000
db_path = "data/hub.sqlite3"
ice_urls = ["stun:stun.example.org", "turn:turn.example.org:3478"]
turn_secret_file = "/etc/coturn/secret"
turn_ttl = 600
hub_name = "NHS Example hub"
allowed_origins = ["https://console.example.org"]

[rate_limits]
code_failures_per_client = 3
code_window = 300
''')
    config = load_config(path)
    assert config.host == "0.0.0.0"  # noqa: S104
    assert config.db_path == tmp_path / "data" / "hub.sqlite3"
    assert config.ice_urls == ("stun:stun.example.org", "turn:turn.example.org:3478")
    assert config.turn_secret_file == Path("/etc/coturn/secret")
    assert config.turn_ttl == 600.0
    assert config.rate_limits.code_failures_per_client == 3
    assert config.rate_limits.code_window == 300.0
    assert config.rate_limits.login_failures_per_address == 20
    assert config.allowed_origins == ("https://console.example.org",)


@pytest.mark.parametrize(("text", "match"), [
    ('turn_secret = "abc"', "secret store"),
    ('admin_password = "abc"', "secret store"),
    ('prot = 1', "unknown config key"),
    ('port = "80"', "whole number"),
    ('ice_urls = "stun:x"', "list of strings"),
    ('[rate_limits]\nfoo = 1', "unknown key"),
    ('[rate_limits]\ncode_window = -1', "at least 0"),
    ('port = [', "not valid TOML"),
])
def test_bad_config_is_refused(tmp_path: Path, text: str, match: str) -> None:
    path = tmp_path / "hub.toml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=match) as err:
        load_config(path)
    assert "abc" not in str(err.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "none.toml")
