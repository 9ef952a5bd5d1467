"""Fixtures for integration tests against a real hub on 127.0.0.1.

``hub`` is a started in-process hub (port 0, a temporary SQLite file and secret folder, the demo
seed). It exposes ``url``, ``ws_url``, ``storage``, ``secrets``, ``config``, ``clock``,
``seed``, ``appointment_code``, ``specialist_username``, ``specialist_password``, and helpers:
``new_appointment_code()``, ``new_kiosk_token()``, ``new_clinic()``, ``new_specialist()``,
``login()``, and ``kiosk()``, ``patient()``, ``specialist()`` which return connected
:class:`WsPeer` clients that have said hello. Everything is closed at teardown.

``hub_factory(clock=..., seed=True, **config_changes)`` starts hubs with other settings (a
``ManualClock``, a short resume grace, lower rate limits).

Every test in this folder is marked ``integration``.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from kiosk import protocol
from kiosk.hub import DemoSeed, HubConfig, RunningHub, seed_demo, start_hub
from kiosk.hub.clock import Clock, SystemClock
from kiosk.hub.codes import issue_appointment, issue_pairing_code, pair_kiosk
from kiosk.hub.passwords import hash_password
from kiosk.hub.secretstore import HubSecrets
from kiosk.hub.storage import Storage

#: How long a test waits for a message or condition before failing.
WAIT = 5.0
_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in this folder (the only ones that can see these fixtures)."""
    for item in items:
        if Path(str(item.path)).resolve().is_relative_to(_HERE):
            item.add_marker(pytest.mark.integration)


class WsPeer:
    """A real WebSocket client of the hub, for tests."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse, session: aiohttp.ClientSession,
                 *, owns_session: bool) -> None:
        self.ws = ws
        self.session = session
        self._owns_session = owns_session
        self.welcome: dict[str, Any] | None = None
        #: The reason the hub gave when it closed the socket.
        self.close_reason = ""
        #: Messages ``expect`` passed over, in order.
        self.skipped: list[dict[str, Any]] = []

    async def send(self, mtype: str, **fields: Any) -> None:
        """Send a valid message of the current protocol version."""
        await self.ws.send_str(protocol.encode(protocol.make(mtype, **fields)))

    async def send_json(self, obj: Any) -> None:
        """Send any JSON value, valid or not."""
        await self.ws.send_str(json.dumps(obj))

    async def send_raw(self, text: str) -> None:
        await self.ws.send_str(text)

    async def recv(self, within: float = WAIT) -> dict[str, Any]:
        """The next message (fails on close or timeout)."""
        frame = await self.ws.receive(timeout=within)
        if frame.type != aiohttp.WSMsgType.TEXT:
            raise AssertionError(f"expected a text frame, got {frame.type!r} {frame.extra!r}")
        msg: dict[str, Any] = json.loads(frame.data)
        protocol.validate(msg)  # the hub must only ever send valid messages
        return msg

    async def expect(self, mtype: str, within: float = WAIT, **match: Any) -> dict[str, Any]:
        """The next message of ``mtype`` whose fields equal ``match``; others are skipped."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError(f"no {mtype} {match} within {within} s; "
                                     f"skipped {[m['type'] for m in self.skipped[-10:]]}")
            msg = await self.recv(within=left)
            if msg["type"] == mtype and all(msg.get(k) == v for k, v in match.items()):
                return msg
            self.skipped.append(msg)

    async def error(self, code: str, within: float = WAIT) -> dict[str, Any]:
        """The next ``error`` message, which must have ``code``."""
        msg = await self.expect("error", within=within)
        assert msg["code"] == code, msg
        return msg

    async def closed(self, within: float = WAIT) -> int | None:
        """Wait until the hub closes the socket; returns the close code."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not self.ws.closed:
            left = deadline - loop.time()
            if left <= 0:
                raise AssertionError("the hub did not close the socket")
            frame = await self.ws.receive(timeout=left)
            if frame.type == aiohttp.WSMsgType.TEXT:
                self.skipped.append(json.loads(frame.data))
            elif frame.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSING,
                                aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.ERROR):
                if frame.type == aiohttp.WSMsgType.CLOSE:
                    self.close_reason = str(frame.extra or "")
                break
        return self.ws.close_code

    async def hello(self, role: str, **fields: Any) -> dict[str, Any]:
        await self.send("hello", role=role, client="tests", **fields)
        self.welcome = await self.expect("welcome")
        return self.welcome

    async def close(self) -> None:
        await self.ws.close()
        if self._owns_session:
            await self.session.close()


@dataclass
class HubHandle:
    """A running hub and helpers to drive it."""

    running: RunningHub
    seed: DemoSeed
    clock: Clock
    _peers: list[WsPeer] = field(default_factory=list)
    _sessions: list[aiohttp.ClientSession] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.running.url

    @property
    def ws_url(self) -> str:
        return self.running.ws_url

    @property
    def storage(self) -> Storage:
        return self.running.storage

    @property
    def secrets(self) -> HubSecrets:
        return self.running.secrets

    @property
    def config(self) -> HubConfig:
        return self.running.config

    @property
    def appointment_code(self) -> str:
        return self.seed.appointment_code

    @property
    def specialist_username(self) -> str:
        return self.seed.specialist_username

    @property
    def specialist_password(self) -> str:
        return self.seed.specialist_password

    def new_appointment_code(self, *, waiting_area_id: int | None = None,
                             specialist_id: int | None = None, starts_at: float | None = None,
                             patient_name: str | None = None, valid_hours: float = 12.0) -> str:
        """A fresh appointment code (default: the demo waiting area, due now)."""
        now = self.clock.now()
        issued = issue_appointment(
            self.storage, self.secrets,
            waiting_area_id=waiting_area_id or self.seed.waiting_area_id,
            starts_at=now if starts_at is None else starts_at, now=now,
            specialist_id=specialist_id, patient_name=patient_name, valid_hours=valid_hours)
        return issued.code

    def new_pairing_code(self, *, clinic_id: int | None = None, room: str = "Room 1") -> str:
        return issue_pairing_code(self.storage, self.secrets,
                                  clinic_id=clinic_id or self.seed.clinic_id, room=room,
                                  now=self.clock.now())

    def new_kiosk_token(self, *, clinic_id: int | None = None, room: str = "Room 1",
                        name: str | None = None) -> str:
        """Pair a new kiosk (default: in the demo clinic) and return its device token."""
        code = self.new_pairing_code(clinic_id=clinic_id, room=room)
        _, token = pair_kiosk(self.storage, self.secrets, pairing_code=code,
                              now=self.clock.now(), name=name)
        return token

    def new_clinic(self, name: str) -> tuple[int, int]:
        """A new clinic with one waiting area: ``(clinic_id, waiting_area_id)``."""
        now = self.clock.now()
        clinic = self.storage.create_clinic(name, now)
        area = self.storage.create_waiting_area(clinic.id, "Waiting area", now)
        return clinic.id, area.id

    def new_specialist(self, clinic_id: int, username: str, password: str = "correct horse 1",  # noqa: S107
                       name: str = "Dr Test Person") -> int:
        spec = self.storage.create_specialist(clinic_id, username, name,
                                              hash_password(password), self.clock.now())
        return int(spec.id)

    def client_session(self) -> aiohttp.ClientSession:
        """A client session whose cookie jar accepts the hub's cookies on 127.0.0.1."""
        session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        self._sessions.append(session)
        return session

    async def login(self, session: aiohttp.ClientSession, username: str | None = None,
                    password: str | None = None) -> dict[str, Any]:
        """Sign in on ``session`` (default: the demo specialist); returns the JSON reply."""
        async with session.post(f"{self.url}/api/login", json={
                "username": username or self.specialist_username,
                "password": password or self.specialist_password}) as resp:
            body: dict[str, Any] = await resp.json()
            assert resp.status == 200, body
            return body

    async def connect(self, *, session: aiohttp.ClientSession | None = None,
                      headers: dict[str, str] | None = None) -> WsPeer:
        """A new WebSocket client that has not said hello yet."""
        owns = session is None
        session = session or aiohttp.ClientSession()
        ws = await session.ws_connect(self.ws_url, headers=headers,
                                      timeout=aiohttp.ClientWSTimeout(ws_close=WAIT))
        peer = WsPeer(ws, session, owns_session=owns)
        self._peers.append(peer)
        return peer

    async def kiosk(self, token: str | None = None, **hello: Any) -> WsPeer:
        """A kiosk that has said hello (a new kiosk in the demo clinic unless given a token)."""
        peer = await self.connect()
        await peer.hello("kiosk", token=token or self.new_kiosk_token(), **hello)
        return peer

    async def patient(self, **hello: Any) -> WsPeer:
        """A patient's own device that has said hello."""
        peer = await self.connect()
        await peer.hello("patient", **hello)
        return peer

    async def specialist(self, username: str | None = None,
                         password: str | None = None) -> WsPeer:
        """A signed-in specialist that has said hello; its first waiting list is consumed
        (it is in ``peer.skipped``)."""
        session = self.client_session()
        await self.login(session, username, password)
        peer = await self.connect(session=session)
        await peer.hello("specialist")
        peer.skipped.append(await peer.expect("waiting_list"))
        return peer

    async def aclose(self) -> None:
        for peer in self._peers:
            if not peer.ws.closed:
                await peer.close()
            elif peer._owns_session:
                await peer.session.close()
        for session in self._sessions:
            await session.close()
        await self.running.close()


HubFactory = Callable[..., Awaitable[HubHandle]]


@pytest.fixture
async def hub_factory(tmp_path: Path) -> AsyncIterator[HubFactory]:
    """Start hubs with chosen settings: ``await hub_factory(clock=..., **config_changes)``."""
    handles: list[HubHandle] = []

    async def make(*, clock: Clock | None = None, **changes: Any) -> HubHandle:
        n = len(handles)
        config = HubConfig(host="127.0.0.1", port=0, db_path=tmp_path / f"hub{n}.sqlite3",
                           hub_name="Test hub", heartbeat=None, web_root=None).replace(**changes)
        clock = clock or SystemClock()
        running = await start_hub(config, clock=clock)
        seed = seed_demo(running.storage, running.secrets, clock=clock)
        handle = HubHandle(running=running, seed=seed, clock=clock)
        handles.append(handle)
        return handle

    yield make
    for handle in handles:
        await handle.aclose()


@pytest.fixture
async def hub(hub_factory: HubFactory) -> HubHandle:
    """A started hub on 127.0.0.1 (port 0) with a temporary database and the demo seed."""
    return await hub_factory()
