"""``clinic-hub serve`` and ``clinic-hub demo-specialist``.

``serve --demo`` seeds a demo clinic (into a temporary database unless ``--db`` is given) and,
with ``--json``, prints exactly one JSON line on stdout once the hub is listening, so scripts
and tests can start it and read where it is. SIGINT and SIGTERM stop it cleanly: sockets close
"going away" and live visits stay in the database for the next start (nothing is ended).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import inspect
import json
import logging
import os
import signal
import sys
import tempfile
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, cast

from kiosk.hub.cliargs import UsageError, default_db
from kiosk.hub.config import HubConfig, load_config
from kiosk.hub.demo import seed_demo
from kiosk.hub.secretstore import DirSecretStore
from kiosk.hub.server import is_loopback, start_hub
from kiosk.hub.storage import Storage
from kiosk.logs import setup_logging

log = logging.getLogger("kiosk.hub.serve")

PASSWORD_ENV = "CLINIC_SPECIALIST_PASSWORD"  # noqa: S105 - a variable name
_SPECIALIST_MODULE = "kiosk.call.specialist"


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("a port is between 0 and 65535")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("must be more than 0")
    return value


def add_commands(sub: Any, leaf: Callable[..., argparse.ArgumentParser]) -> None:
    """Add ``serve`` and ``demo-specialist`` to the ``clinic-hub`` parser."""
    p = leaf(sub, "serve", cmd_serve, "run the hub")
    p.add_argument("--host", help="address to listen on (default 127.0.0.1)")
    p.add_argument("--port", type=_port, help="port (default 8443; 0 picks a free one)")
    p.add_argument("--cert", type=Path, help="TLS certificate chain (PEM)")
    p.add_argument("--key", type=Path, help="TLS private key (PEM)")
    p.add_argument("--config", type=Path, help="TOML config file (never holds secrets)")
    p.add_argument("--ice-url", action="append", dest="ice_urls", metavar="URL",
                   help="a STUN or TURN URL for clients (repeatable)")
    p.add_argument("--turn-secret-file", type=Path,
                   help="file holding coturn's static-auth-secret")
    p.add_argument("--demo", action="store_true",
                   help="seed a demo clinic, specialist and appointment and print them")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])
    p.add_argument("--log-json", action="store_true", help="log JSON lines on stderr")

    p = leaf(sub, "demo-specialist", cmd_demo_specialist,
             "run the demo specialist (an aiortc peer that joins like a browser)")
    p.add_argument("--hub", required=True, help="the hub's URL, e.g. http://127.0.0.1:8443")
    p.add_argument("--username", required=True)
    p.add_argument("--password-stdin", action="store_true",
                   help=f"read the password from stdin (else ${PASSWORD_ENV})")
    p.add_argument("--end-after", type=_seconds, help="hang up after this many seconds")
    p.add_argument("--width", type=int, default=640, help="test pattern width (default 640)")
    p.add_argument("--height", type=int, default=480, help="test pattern height (default 480)")
    p.add_argument("--join-delay", type=_seconds, default=0.0,
                   help="wait this long before joining a waiting patient")
    p.add_argument("--log-level", default="INFO", choices=["DEBUG", "INFO", "WARNING", "ERROR"])


def serve_config(args: argparse.Namespace, db_path: Path) -> HubConfig:
    """The config from defaults, then ``--config``, then flags."""
    config = HubConfig(db_path=db_path)
    if args.config is not None:
        config = load_config(args.config, defaults=config)
    changes: dict[str, Any] = {}
    for flag, name in (("host", "host"), ("port", "port"), ("db", "db_path"),
                       ("secrets_dir", "secrets_dir"), ("cert", "tls_cert"), ("key", "tls_key"),
                       ("turn_secret_file", "turn_secret_file")):
        value = getattr(args, flag)
        if value is not None:
            changes[name] = value
    if args.ice_urls:
        changes["ice_urls"] = tuple(args.ice_urls)
    config = config.replace(**changes)
    if config.tls_key is not None and config.tls_cert is None:
        raise UsageError("--key needs --cert")
    bad = [u for u in config.ice_urls if not u.startswith(("stun:", "stuns:", "turn:", "turns:"))]
    if bad:
        raise UsageError("ICE URLs must start with stun:, stuns:, turn: or turns:")
    return config


def cmd_serve(args: argparse.Namespace) -> int:
    config = serve_config(args, default_db())
    setup_logging(args.log_level, stderr_json=args.log_json)
    with contextlib.ExitStack() as stack:
        if args.demo and args.db is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="clinic-hub-")))
            config = config.replace(db_path=folder / "demo.sqlite3",
                                    secrets_dir=folder / "secrets")
        return asyncio.run(_serve(config, demo=args.demo, json_out=args.json))


async def _serve(config: HubConfig, *, demo: bool, json_out: bool) -> int:
    if not is_loopback(config.host) and not config.tls:
        warning = (f"WARNING: listening on {config.host} without TLS: passwords, session cookies "
                   "and appointment codes would cross the network in clear. Use --cert/--key "
                   "or a TLS-terminating proxy.")
        log.warning(warning)
        print(warning, file=sys.stderr, flush=True)
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):  # before anything is printed: callers may
        loop.add_signal_handler(sig, stop.set)  # signal as soon as they read the line
    storage = Storage.open(config.db_path)
    secrets = DirSecretStore(config.secrets_path, turn_secret_file=config.turn_secret_file)
    try:
        secrets.code_pepper()  # fail now, not on the first check-in
        if any(u.startswith(("turn:", "turns:")) for u in config.ice_urls):
            secrets.turn_secret()
        seed = seed_demo(storage, secrets) if demo else None
        hub = await start_hub(config, storage=storage, secrets=secrets)
        try:
            info: dict[str, Any] = {"url": hub.url, "ws_url": hub.ws_url, "port": hub.port}
            lines = [f"Clinic hub listening on {hub.url}"]
            if seed is not None:
                info.update({
                    "appointment_code": seed.appointment_code,
                    "specialist_username": seed.specialist_username,
                    "specialist_password": seed.specialist_password,
                    "reception_username": seed.reception_username,
                    "reception_password": seed.reception_password,
                    "clinic": {"id": seed.clinic_id, "name": seed.clinic_name},
                    "waiting_area": {"id": seed.waiting_area_id, "name": seed.waiting_area_name},
                    "db": str(config.db_path),
                })
                lines += [
                    f"Demo clinic:       {seed.clinic_name}",
                    f"Waiting area:      {seed.waiting_area_name}",
                    f"Specialist login:  {seed.specialist_username} / {seed.specialist_password}",
                    f"Reception console: {hub.url}/reception",
                    f"Reception login:   {seed.reception_username} / {seed.reception_password}",
                    f"Appointment code:  {seed.appointment_code}",
                ]
            if json_out:
                print(json.dumps(info), flush=True)
            else:
                print("\n".join(lines), flush=True)
            await stop.wait()
            log.info("stopping")
        finally:
            await hub.close()
    finally:
        storage.close()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)
    return 0


DemoSpecialist = Callable[..., Coroutine[Any, Any, Any]]


def cmd_demo_specialist(args: argparse.Namespace) -> int:
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = os.environ.get(PASSWORD_ENV, "")
    if not password:
        raise UsageError(f"give the password on stdin with --password-stdin, or in ${PASSWORD_ENV}")
    try:
        module = importlib.import_module(_SPECIALIST_MODULE)
    except ModuleNotFoundError as exc:
        if exc.name != _SPECIALIST_MODULE:
            raise
        raise UsageError("the demo specialist is not part of this build "
                         f"({_SPECIALIST_MODULE} is missing)") from None
    run = cast(DemoSpecialist, module.run_demo_specialist)
    setup_logging(args.log_level, stderr_json=False)
    try:
        asyncio.run(_run_demo_specialist(run, args.hub, args.username, password,
                                         end_after=args.end_after, width=args.width,
                                         height=args.height, join_delay=args.join_delay))
    except Exception as exc:  # e.g. the hub is unreachable or refuses the sign-in
        print(f"clinic-hub: error: the demo specialist stopped: {exc}", file=sys.stderr)
        return 1
    return 0


async def _run_demo_specialist(run: DemoSpecialist, hub_url: str, username: str, password: str,
                               *, end_after: float | None, width: int = 640,
                               height: int = 480, join_delay: float = 0.0) -> None:
    """Run it until done, or until SIGINT/SIGTERM when it takes a ``stop`` event."""
    kwargs: dict[str, Any] = {"end_after": end_after, "width": width, "height": height,
                              "join_delay": join_delay}
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    if "stop" in inspect.signature(run).parameters:
        kwargs["stop"] = stop
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    await run(hub_url, username, password, **kwargs)
