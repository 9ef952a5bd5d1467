"""The hub's configuration: one frozen dataclass, loadable from a TOML file.

Rules that matter:

- The configuration never holds secrets. The code pepper and the TURN shared secret live in the
  hub's secret store (:mod:`kiosk.hub.secretstore`); a TOML file that names a key that looks like
  a secret is refused, so nobody is tempted to put one there.
- Unknown keys are refused, so a typo is found at once rather than silently ignored.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kiosk.hub.clientaddr import ProxyConfigError, parse_networks

_PACKAGE_ROOT = Path(__file__).resolve().parent.parent.parent
#: Where the specialist console's static files live in a source checkout.
DEFAULT_WEB_ROOT = _PACKAGE_ROOT / "resources" / "web"

_SECRET_WORDS = ("secret", "password", "token", "pepper", "credential")


class ConfigError(ValueError):
    """A configuration file or value is wrong; the message is fit to show a person."""


@dataclass(frozen=True)
class RateLimits:
    """How many failures are tolerated in a window, and how long lockouts last (seconds)."""

    code_failures_per_client: int = 5
    code_failures_per_address: int = 20
    code_window: float = 600.0
    #: Guess budgets over ``code_budget_window``: wrong codes from all patients' own devices
    #: together, and from all the kiosks of one clinic. They bound what any number of
    #: addresses can guess (docs/deployment.md, "How hard is a code to guess").
    code_failures_anonymous: int = 20
    code_failures_per_clinic: int = 20
    code_budget_window: float = 3600.0
    login_failures_per_address: int = 20
    login_window: float = 600.0
    pair_failures_per_address: int = 5
    pair_window: float = 600.0
    lockout_after: int = 5
    lockout_base: float = 60.0
    lockout_max: float = 3600.0
    #: Appointments one reception account may book (kiosk/hub/reception.py): this many an
    #: hour on average, at most ``booking_burst`` at once. A desk books a few an hour; a script
    #: with a stolen session cannot fill the database or the day's list.
    bookings_per_hour: float = 60.0
    booking_burst: int = 20


@dataclass(frozen=True)
class HubConfig:
    """Everything the hub needs to know that is not a secret."""

    host: str = "127.0.0.1"
    port: int = 8443
    db_path: Path = Path("clinic-hub.sqlite3")
    secrets_dir: Path | None = None
    tls_cert: Path | None = None
    tls_key: Path | None = None
    ice_urls: tuple[str, ...] = ()
    turn_secret_file: Path | None = None
    #: TURN credentials are short-lived and refreshed before expiry (kiosk/hub/relay.py).
    turn_ttl: float = 600.0
    hub_name: str = "Clinic Kiosk hub"
    rate_limits: RateLimits = field(default_factory=RateLimits)
    resume_grace: float = 60.0
    #: After a restart the hub keeps each visit (and help request) it had for this long for its
    #: client to come back; one not resumed by then ends as ``visit_lost``.
    restart_grace: float = 600.0
    hello_timeout: float = 10.0
    #: A patient's own device that has said hello but not checked in is closed after this.
    check_in_timeout: float = 300.0
    #: Most WebSockets open at once from one address that have proved nothing yet (before
    #: hello, or a patient's own device not checked in): an attacker's thousand idle sockets
    #: are refused. Kiosks and signed-in consoles do not count (a site's kiosks and a
    #: hospital's consoles share NAT addresses); each kiosk and account has its own bound
    #: (kiosk.hub.ws).
    max_sockets_per_address: int = 64
    # WebSocket ping interval (s): a client whose pong is not back within half of it is
    # dropped, so a dead socket is noticed within 4.5 s (its visit then waits out resume_grace).
    heartbeat: float | None = 3.0
    #: An HTTP connection that has not sent a whole request's headers this long after it
    #: opened (or after its last answer) is closed; a request body must arrive within
    #: ``body_timeout``. Half-sent requests (slowloris) cannot hold the hub's sockets.
    header_timeout: float = 10.0
    body_timeout: float = 10.0
    session_ttl: float = 12 * 3600.0
    send_queue_max: int = 256
    allowed_origins: tuple[str, ...] = ()
    #: Reverse proxies (addresses or CIDR networks) whose ``X-Forwarded-For``/``Forwarded``
    #: headers are believed (:mod:`kiosk.hub.clientaddr`); nobody else's are.
    trusted_proxies: tuple[str, ...] = ()
    web_root: Path | None = DEFAULT_WEB_ROOT

    @property
    def tls(self) -> bool:
        """Whether the hub serves HTTPS/WSS itself."""
        return self.tls_cert is not None

    @property
    def secrets_path(self) -> Path:
        """The secret store's folder: ``--secrets-dir`` or ``<db path>.secrets/``."""
        if self.secrets_dir is not None:
            return self.secrets_dir
        return self.db_path.with_name(self.db_path.name + ".secrets")

    def replace(self, **changes: Any) -> HubConfig:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)


_PATH_FIELDS = {"db_path", "secrets_dir", "tls_cert", "tls_key", "turn_secret_file", "web_root"}
_FLOAT_FIELDS = {"turn_ttl", "resume_grace", "restart_grace", "hello_timeout", "heartbeat",
                 "session_ttl", "check_in_timeout", "header_timeout", "body_timeout"}


def _convert(name: str, value: Any, base: Path) -> Any:
    if name in _PATH_FIELDS:
        if not isinstance(value, str):
            raise ConfigError(f"config key {name!r} must be a path string")
        path = Path(value).expanduser()
        return path if path.is_absolute() else base / path
    if name in ("ice_urls", "allowed_origins", "trusted_proxies"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"config key {name!r} must be a list of strings")
        if name == "trusted_proxies":
            try:
                parse_networks(tuple(value))
            except ProxyConfigError as exc:
                raise ConfigError(str(exc)) from None
        return tuple(value)
    if name in _FLOAT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"config key {name!r} must be a number")
        return float(value)
    if name in ("port", "send_queue_max", "max_sockets_per_address"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"config key {name!r} must be a whole number")
        return value
    if not isinstance(value, str):
        raise ConfigError(f"config key {name!r} must be a string")
    return value


def _rate_limits(table: Any) -> RateLimits:
    if not isinstance(table, dict):
        raise ConfigError("config key 'rate_limits' must be a table")
    known = {f.name: f for f in dataclasses.fields(RateLimits)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in known:
            raise ConfigError(f"unknown key {key!r} in [rate_limits]")
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise ConfigError(f"rate_limits.{key} must be a number of at least 0")
        values[key] = float(value) if known[key].type == "float" else int(value)
    return RateLimits(**values)


def config_from_mapping(data: dict[str, Any], *, base: Path | None = None,
                        defaults: HubConfig | None = None) -> HubConfig:
    """Build a config from parsed TOML; relative paths are taken from ``base``."""
    base = base or Path.cwd()
    known = {f.name for f in dataclasses.fields(HubConfig)}
    values: dict[str, Any] = {}
    for key, value in data.items():
        if any(word in key.lower() for word in _SECRET_WORDS) and key != "turn_secret_file":
            raise ConfigError(
                f"config key {key!r} looks like a secret; secrets belong in the secret store")
        if key not in known:
            raise ConfigError(f"unknown config key {key!r}")
        values[key] = _rate_limits(value) if key == "rate_limits" else _convert(key, value, base)
    return dataclasses.replace(defaults or HubConfig(), **values)


def load_config(path: Path, *, defaults: HubConfig | None = None) -> HubConfig:
    """Read a TOML config file."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError:
        raise ConfigError(f"config file {path} does not exist") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return config_from_mapping(data, base=path.parent, defaults=defaults)
