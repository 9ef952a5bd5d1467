"""The hub's app factory: :func:`create_app` wires config, storage, secrets and clock into an
aiohttp application. All state lives on the app; there are no module globals."""

from __future__ import annotations

import logging
from importlib import metadata
from pathlib import Path

from aiohttp import web

from kiosk.hub import api, reception
from kiosk.hub.clock import Clock, SystemClock
from kiosk.hub.config import HubConfig
from kiosk.hub.secretstore import HubSecrets
from kiosk.hub.security import add_security_headers, api_errors
from kiosk.hub.signalling import SIGNALLING, SignallingRouter
from kiosk.hub.state import HUB, Hub, Limiters
from kiosk.hub.storage import Storage
from kiosk.hub.ws import websocket_handler

log = logging.getLogger("kiosk.hub.app")


def hub_version() -> str:
    """The installed package version, or ``dev`` in an uninstalled tree."""
    try:
        return metadata.version("clinic-kiosk")
    except metadata.PackageNotFoundError:
        return "dev"


def _add_static(app: web.Application, root: Path | None) -> None:
    if root is None or not (root / "index.html").is_file():
        log.info("no specialist console at %s; static files are not served", root)
        return
    index = root / "index.html"

    async def index_page(request: web.Request) -> web.FileResponse:
        return web.FileResponse(index)

    app.router.add_get("/", index_page)
    reception = root / "reception.html"

    async def reception_page(request: web.Request) -> web.StreamResponse:
        if not reception.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(reception)

    # The reception console for site staff (issue 15): same origin, sign-in and CSP.
    app.router.add_get("/reception", reception_page)
    app.router.add_static("/", root, follow_symlinks=False, show_index=False)


async def _restore(app: web.Application) -> None:
    """Take back the live state (visits, help requests) the hub's storage kept."""
    app[SIGNALLING].restore()


async def _shutdown(app: web.Application) -> None:
    """A planned stop: sockets close "going away"; live state stays in storage."""
    app[SIGNALLING].close()


async def _cleanup(app: web.Application) -> None:
    app[HUB].passwords.close()


def create_app(config: HubConfig, storage: Storage, secrets: HubSecrets, *,
               clock: Clock | None = None) -> web.Application:
    """Build the hub's aiohttp application. The caller owns ``storage`` and closes it."""
    clock = clock or SystemClock()
    hub = Hub(config=config, storage=storage, secrets=secrets, clock=clock,
              version=hub_version(), limiters=Limiters.from_config(config, clock))
    app = web.Application(middlewares=[api_errors], client_max_size=api.MAX_BODY)
    app[HUB] = hub
    app[SIGNALLING] = SignallingRouter(hub)
    app.on_response_prepare.append(add_security_headers)
    app.on_startup.append(_restore)
    app.on_shutdown.append(_shutdown)
    app.on_cleanup.append(_cleanup)
    api.add_routes(app)
    reception.add_routes(app)
    app.router.add_get("/ws", websocket_handler)
    _add_static(app, config.web_root)
    return app
