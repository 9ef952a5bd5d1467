"""Demo mode without Qt: an embedded hub on 127.0.0.1, a paired kiosk and a demo specialist.

``clinic-kiosk --demo`` runs this on the engine loop so a newcomer can walk the whole journey on
one machine. Every visit gets a fresh appointment code (codes are single use); the code is shown
on the kiosk's check-in screen only in demo mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.call.specialist import run_demo_specialist
from kiosk.hub import HubConfig, RunningHub, seed_demo, start_hub
from kiosk.hub.codes import issue_appointment, issue_pairing_code, pair_kiosk
from kiosk.hub.demo import DemoSeed

log = logging.getLogger(__name__)


@dataclass
class DemoEnvironment:
    """The running demo: hub, seed data, the kiosk's device token, the specialist task."""

    hub: RunningHub
    seed: DemoSeed
    kiosk_token: str
    specialist: asyncio.Task[object] | None = None
    stop_specialist: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return self.hub.url

    def new_code(self) -> str:
        """A fresh appointment code in the demo waiting area, due now."""
        now = time.time()
        return issue_appointment(self.hub.storage, self.hub.secrets,
                                 waiting_area_id=self.seed.waiting_area_id,
                                 specialist_id=self.seed.specialist_id, starts_at=now,
                                 now=now).code

    async def close(self) -> None:
        """Stop the specialist, then the hub. Unlike a real hub's planned stop, the demo hub
        ends and records any visit still live (``hub_stopped``): its clients (this app's
        engine and the embedded specialist) stop with it, so nobody could resume, and a kept
        ``--data-dir`` must not restore visits at the next start that wait for no one."""
        if self.stop_specialist is not None:
            self.stop_specialist.set()
        if self.specialist is not None:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                async with asyncio.timeout(10):
                    await self.specialist
        await self.hub.close(end_visits=True)


async def start_demo(data_dir: Path, *, specialist: bool = True, room: str = "Room 1",
                     join_delay: float = 6.0) -> DemoEnvironment:
    """Start the demo hub with its data under ``data_dir`` and, optionally, the specialist."""
    config = HubConfig(host="127.0.0.1", port=0, db_path=data_dir / "demo-hub.sqlite3",
                       hub_name="Clinic Kiosk demo hub", web_root=None)
    hub = await start_hub(config)
    seed = seed_demo(hub.storage, hub.secrets)
    now = time.time()
    pairing = issue_pairing_code(hub.storage, hub.secrets, clinic_id=seed.clinic_id, room=room,
                                 now=now)
    _, token = pair_kiosk(hub.storage, hub.secrets, pairing_code=pairing, now=now,
                          name="demo kiosk")
    env = DemoEnvironment(hub, seed, token)
    if specialist:
        env.stop_specialist = asyncio.Event()
        env.specialist = asyncio.create_task(
            run_demo_specialist(hub.url, seed.specialist_username, seed.specialist_password,
                                stop=env.stop_specialist, join_delay=join_delay,
                                greeting="Hello, I can see you have checked in. "
                                         "I will join you in a moment."),
            name="demo-specialist")
    log.info("demo hub on %s", hub.url)
    return env
