"""The hub: clinics, kiosks, waiting areas, appointments, specialist accounts, the signalling
relay, short-lived TURN credentials and the specialist console's static files.

In-process API (for the kiosk's demo mode and tests)::

    config = HubConfig(host="127.0.0.1", port=0, db_path=tmp / "hub.sqlite3")
    hub = await start_hub(config)
    seed = seed_demo(hub.storage, hub.secrets)
    ...
    await hub.close()
"""

from kiosk.hub.app import create_app
from kiosk.hub.clock import Clock, ManualClock, SystemClock
from kiosk.hub.config import ConfigError, HubConfig, RateLimits, load_config
from kiosk.hub.demo import DemoSeed, seed_demo
from kiosk.hub.secretstore import DirSecretStore, HubSecrets, MemorySecretStore
from kiosk.hub.server import RunningHub, start_hub
from kiosk.hub.storage import Storage

__all__ = [
    "Clock",
    "ConfigError",
    "DemoSeed",
    "DirSecretStore",
    "HubConfig",
    "HubSecrets",
    "ManualClock",
    "MemorySecretStore",
    "RateLimits",
    "RunningHub",
    "Storage",
    "SystemClock",
    "create_app",
    "load_config",
    "seed_demo",
    "start_hub",
]
