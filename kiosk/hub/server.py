"""Running the hub in-process: :func:`start_hub` for the kiosk's demo mode, tests and
``clinic-hub serve``.

``RunningHub`` knows its real address (port 0 picks a free one) and shuts down cleanly: live
visits and help requests stay in storage (the next start on the same database takes their
clients back), every socket is closed with 1001 "going away" so clients reconnect, and storage
it opened is closed. ``close(end_visits=True)`` ends and records every visit first (for a hub
whose clients stop with it).
"""

from __future__ import annotations

import ipaddress
import logging
import ssl
from dataclasses import dataclass
from types import TracebackType

from aiohttp import web

from kiosk.hub.app import create_app
from kiosk.hub.clock import Clock
from kiosk.hub.config import HubConfig
from kiosk.hub.secretstore import DirSecretStore, HubSecrets
from kiosk.hub.signalling import SIGNALLING
from kiosk.hub.storage import Storage

log = logging.getLogger("kiosk.hub.server")

_SHUTDOWN_TIMEOUT = 5.0


def is_loopback(host: str) -> bool:
    """Whether ``host`` names only this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def tls_context(config: HubConfig) -> ssl.SSLContext | None:
    """The server TLS context from ``--cert``/``--key``, or None without TLS."""
    if config.tls_cert is None:
        return None
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(str(config.tls_cert), str(config.tls_key) if config.tls_key else None)
    return ctx


@dataclass
class RunningHub:
    """A hub listening on a real socket."""

    config: HubConfig
    app: web.Application
    runner: web.AppRunner
    storage: Storage
    secrets: HubSecrets
    host: str
    port: int
    owns_storage: bool
    closed: bool = False

    @property
    def url(self) -> str:
        """``http(s)://host:port`` of the hub."""
        scheme = "https" if self.config.tls else "http"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}"

    @property
    def ws_url(self) -> str:
        """The signalling WebSocket's URL."""
        return self.url.replace("http", "ws", 1) + "/ws"

    async def close(self, *, end_visits: bool = False) -> None:
        """Stop listening, close sockets ("going away") and (if it opened it) the storage.
        Live visits stay in storage for the next start unless ``end_visits``: then each is
        ended and recorded as ``hub_stopped`` first. Closing twice is harmless."""
        if self.closed:
            return
        self.closed = True
        if end_visits:
            self.app[SIGNALLING].end_all("hub_stopped")
        await self.runner.cleanup()
        if self.owns_storage:
            self.storage.close()
        log.info("hub stopped")

    async def __aenter__(self) -> RunningHub:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()


async def start_hub(config: HubConfig, *, storage: Storage | None = None,
                    secrets: HubSecrets | None = None, clock: Clock | None = None) -> RunningHub:
    """Start a hub on ``config.host:config.port`` (port 0: any free port).

    Without ``storage`` the hub opens (and later closes) ``config.db_path``; without ``secrets``
    it uses the secret folder ``config.secrets_path``.
    """
    owns = storage is None
    if storage is None:
        storage = Storage.open(config.db_path)
    if secrets is None:
        secrets = DirSecretStore(config.secrets_path, turn_secret_file=config.turn_secret_file)
    try:
        ssl_ctx = tls_context(config)
        app = create_app(config, storage, secrets, clock=clock)
        # aiohttp has no header time-out of its own, but its keep-alive timer starts when a
        # connection opens and closes it if no whole request has arrived when it fires (a
        # half-sent request leaves the handler idle): that is our header time-out. Idle
        # keep-alive connections close after it too; WebSockets are not idle and stay.
        runner = web.AppRunner(app, handle_signals=False, access_log=None,
                               shutdown_timeout=_SHUTDOWN_TIMEOUT,
                               keepalive_timeout=config.header_timeout,
                               # after an early answer (408, 413) the rest of a body is
                               # read and dropped for at most this long, then the socket closes
                               lingering_time=2.0)
        await runner.setup()
        site = web.TCPSite(runner, config.host, config.port, ssl_context=ssl_ctx)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
    except BaseException:
        if owns:
            storage.close()
        raise
    host, port = _bound_address(runner, config)
    hub = RunningHub(config=config, app=app, runner=runner, storage=storage, secrets=secrets,
                     host=host, port=port, owns_storage=owns)
    log.info("hub listening on %s", hub.url)
    return hub


def _bound_address(runner: web.AppRunner, config: HubConfig) -> tuple[str, int]:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            host = config.host
            if host in ("", "0.0.0.0", "::"):  # noqa: S104 - naming the wildcard, not binding
                host = "127.0.0.1" if host != "::" else "::1"
            return host, int(address[1])
    raise OSError("the hub is not listening on a TCP socket")

