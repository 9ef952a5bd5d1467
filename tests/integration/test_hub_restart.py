"""The hub killed with SIGKILL and restarted on the same database takes every client back.

A real ``clinic-hub serve`` subprocess on a fixed loopback port, killed with SIGKILL and started
again on the same database and port. The kiosks are the real kiosk call code
(:class:`PatientVisit`, its :class:`HubSignalling` reconnecting by itself) or plain WebSocket
clients; the specialist is a WebSocket client with a real session cookie, or the demo specialist
(a real aiortc peer) for the call. What must hold:

(a) waiting patients keep their visit, their place and their waited time; the specialist's list
    shows them again; a kiosk that lost its socket and its resume token takes its visit back
    with the code; a wrong resume token is refused with a clear error and logged;
(b) in a call, media flows peer to peer through the outage, signalling resumes afterwards (a
    message reaches the patient), neither side ends the call and no renegotiation is needed;
(c) a visit whose kiosk does not come back within ``restart_grace`` ends as ``visit_lost`` and
    the same kiosk can check in again with the same code (no other kiosk, no own device can);
(d) the specialist's real console in Chromium shows the waiting patient again, and a call
    between it and the kiosk goes on through the restart.

The migration of a database made before live state is in ``tests/unit/test_hub_livestate.py``.

Timings (restart, and each client back) are printed, so ``-s`` shows them.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from kiosk import protocol
from kiosk.call.patient import CheckedIn, PatientVisit, VisitListener
from kiosk.call.session import CallState
from kiosk.call.signalling import HubSignalling
from kiosk.call.specialist import DemoSpecialist
from kiosk.hub.codes import issue_appointment, issue_pairing_code, pair_kiosk
from kiosk.hub.demo import DemoSeed, seed_demo
from kiosk.hub.secretstore import DirSecretStore
from kiosk.hub.storage import Storage
from kiosk.media.local import LatestFrame
from kiosk.media.synthetic import synthetic_media

pytestmark = pytest.mark.integration

CLINIC_HUB = Path(sys.executable).parent / "clinic-hub"
WAIT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HubProcess:
    """``clinic-hub serve`` on one database and port, started, killed and started again."""

    folder: Path
    restart_grace: float
    port: int = field(default_factory=free_port)
    proc: asyncio.subprocess.Process | None = None
    starts: int = 0

    @property
    def db(self) -> Path:
        return self.folder / "hub.sqlite3"

    @property
    def secrets_dir(self) -> Path:
        return self.folder / "secrets"

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.folder / "hub.log"

    async def start(self) -> float:
        """Start it; returns the seconds until it listened (restored state included)."""
        config = self.folder / "hub.toml"
        config.write_text(f"restart_grace = {self.restart_grace}\n")
        self.starts += 1
        t0 = time.monotonic()
        with self.log_path.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                str(CLINIC_HUB), "serve", "--json", "--log-json", "--port", str(self.port),
                "--db", str(self.db), "--secrets-dir", str(self.secrets_dir),
                "--config", str(config), stdout=asyncio.subprocess.PIPE, stderr=log)
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), timeout=WAIT)
        assert line, f"clinic-hub serve exited: {self.log_path.read_text()[-2000:]}"
        assert json.loads(line)["port"] == self.port
        return time.monotonic() - t0

    async def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.proc.wait(), timeout=WAIT)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()

    def log_lines(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.log_path.read_text().splitlines()
                if line.startswith("{")]


@dataclass
class Site:
    hub: HubProcess
    storage: Storage
    secrets: DirSecretStore
    seed: DemoSeed
    kiosk_tokens: list[str]
    kiosk_ids: list[int]

    def new_code(self) -> str:
        now = time.time()
        return issue_appointment(self.storage, self.secrets,
                                 waiting_area_id=self.seed.waiting_area_id, starts_at=now,
                                 now=now, specialist_id=self.seed.specialist_id).code

    def calls(self) -> dict[str, str]:
        return {c.visit_id: c.end_reason for c in self.storage.calls()}


async def make_site(folder: Path, restart_grace: float) -> Site:
    """A hub database prepared as IT would (demo clinic, two paired kiosks), then the hub."""
    hub = HubProcess(folder, restart_grace)
    storage = Storage.open(hub.db)
    secrets = DirSecretStore(hub.secrets_dir)
    seed = seed_demo(storage, secrets)
    tokens, ids = [], []
    for room in ("Room 1", "Room 2", "Room 3"):
        code = issue_pairing_code(storage, secrets, clinic_id=seed.clinic_id, room=room,
                                  now=time.time())
        kiosk, token = pair_kiosk(storage, secrets, pairing_code=code, now=time.time())
        tokens.append(token)
        ids.append(kiosk.id)
    await hub.start()
    return Site(hub, storage, secrets, seed, tokens, ids)


#: Every :class:`Client` a test opened, closed after it (a socket the killed hub dropped
#: still holds its connection until closed here).
OPENED: list[Client] = []


@pytest.fixture
async def site_factory(tmp_path: Path) -> AsyncIterator[Callable[..., Any]]:
    sites: list[Site] = []

    async def make(restart_grace: float = 600.0) -> Site:
        site = await make_site(tmp_path / f"site{len(sites)}", restart_grace)
        sites.append(site)
        return site

    yield make
    for client in OPENED:
        await client.ws.close()
    OPENED.clear()
    for site in sites:
        await site.hub.stop()
        site.storage.close()
        logged = site.hub.log_path.read_text()
        assert "Traceback" not in logged
        assert site.seed.specialist_password not in logged
        for token in site.kiosk_tokens:
            assert token not in logged


class Client:
    """A plain WebSocket client of the hub (a kiosk, an own device, or a signed-in
    specialist sharing ``session``'s cookie)."""

    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.welcome: dict[str, Any] = {}

    @classmethod
    async def open(cls, session: aiohttp.ClientSession, url: str, role: str,
                   **hello: Any) -> Client:
        ws = await session.ws_connect(url.replace("http", "ws", 1) + "/ws")
        client = cls(ws)
        OPENED.append(client)
        await client.send("hello", role=role, client="tests", **hello)
        client.welcome = await client.expect("welcome")
        return client

    async def send(self, mtype: str, **fields: Any) -> None:
        await self.ws.send_str(protocol.encode(protocol.make(mtype, **fields)))

    async def expect(self, mtype: str, within: float = WAIT,
                     where: Callable[[dict[str, Any]], bool] = lambda _m: True
                     ) -> dict[str, Any]:
        async with asyncio.timeout(within):
            while True:
                frame = await self.ws.receive()
                assert frame.type == aiohttp.WSMsgType.TEXT, (frame.type, frame.extra)
                msg: dict[str, Any] = json.loads(frame.data)
                protocol.validate(msg)
                if msg["type"] == mtype and where(msg):
                    return msg


def entries(msg: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(visit_id, status, waiting_since) of each patient of a waiting list."""
    return [(p["visit_id"], p["status"], p["waiting_since"]) for p in msg["patients"]]


async def specialist(session: aiohttp.ClientSession, site: Site, *,
                     log_in: bool = True) -> Client:
    if log_in:
        async with session.post(f"{site.hub.url}/api/login", json={
                "username": site.seed.specialist_username,
                "password": site.seed.specialist_password}) as resp:
            assert resp.status == 200
    return await Client.open(session, site.hub.url, "specialist")


class Links(VisitListener):
    """What the kiosk's visit reports; each report sets ``changed`` (and ``also``, so a test
    can wake one wait on frames and reports alike)."""

    def __init__(self, also: asyncio.Event | None = None) -> None:
        self.links: list[bool] = []
        self.messages: list[str] = []
        self.ended: list[str] = []
        self.changed = asyncio.Event()
        self._also = also

    def _changed(self) -> None:
        self.changed.set()
        if self._also is not None:
            self._also.set()

    def on_hub_link(self, up: bool) -> None:
        self.links.append(up)
        self._changed()

    def on_message(self, text: str, sender: str | None) -> None:
        self.messages.append(text)
        self._changed()

    def on_ended(self, reason: str) -> None:
        self.ended.append(reason)
        self._changed()


async def until(predicate: Callable[[], bool], event: asyncio.Event,
                within: float = WAIT) -> None:
    async with asyncio.timeout(within):
        while not predicate():
            event.clear()
            await event.wait()


@pytest.mark.expect_log(r"lost the hub connection \(close code", logger="kiosk.call.signalling")
async def test_waiting_patients_keep_their_place_and_waited_time(site_factory: Any) -> None:
    site: Site = await site_factory()
    media = synthetic_media(160, 120)
    links = Links()
    kiosk_a = PatientVisit.for_hub(site.hub.url, media, token=site.kiosk_tokens[0],
                                   listener=links)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        try:
            await kiosk_a.connect()
            code_a, code_b = site.seed.appointment_code, site.new_code()
            checked = await kiosk_a.check_in(code_a, {"camera": "ok"})
            assert isinstance(checked, CheckedIn)
            kiosk_b = await Client.open(session, site.hub.url, "kiosk",
                                        token=site.kiosk_tokens[1])
            await kiosk_b.send("check_in", code=code_b, checks={"camera": "no"})
            b_in = await kiosk_b.expect("checked_in")
            await kiosk_b.send("help")
            await kiosk_b.expect("help_ack")
            spec = await specialist(session, site)
            before = await spec.expect("waiting_list", where=lambda m: len(m["patients"]) == 2
                                       and m["patients"][1]["help_requested"])
            assert entries(before) == [
                (checked.visit_id, "waiting", before["patients"][0]["waiting_since"]),
                (b_in["visit_id"], "waiting", before["patients"][1]["waiting_since"])]

            await site.hub.kill()
            t_kill = time.monotonic()
            await until(lambda: links.links[-1:] == [False], links.changed)
            started = await site.hub.start()
            t_up = time.monotonic()

            # The specialist's console comes back and sees both, in the same order, waited
            # time counting from the first check-in.
            spec = await specialist(session, site, log_in=False)
            again = await spec.expect("waiting_list")
            assert [(v, s) for v, _s, s in entries(again)] == \
                [(v, s) for v, _s, s in entries(before)]
            assert again["patients"][0]["checks"] == {"camera": "ok"}
            assert again["patients"][1]["checks"] == {"camera": "no"}
            assert again["patients"][1]["help_requested"] is True

            # Kiosk A (the real kiosk code) reconnects and resumes by itself.
            await until(lambda: links.links[-1:] == [True], links.changed)
            a_back = time.monotonic() - t_up
            assert not kiosk_a.ended
            assert kiosk_a.visit_id == checked.visit_id
            await spec.expect("waiting_list", where=lambda m: m["patients"][0]["status"]
                              == "waiting")

            # A wrong resume token, even from the right kiosk, is refused (and logged).
            forged = await Client.open(session, site.hub.url, "kiosk",
                                       token=site.kiosk_tokens[1], resume={
                                           "visit_id": b_in["visit_id"],
                                           "resume_token": "x" * 32})
            assert "resumed" not in forged.welcome
            assert (await forged.expect("error"))["code"] == "not_found"
            await forged.ws.close()

            # Kiosk B lost its socket and its resume token (say the app restarted): the patient
            # types the code again and gets the same visit back, place and time kept.
            kiosk_b = await Client.open(session, site.hub.url, "kiosk",
                                        token=site.kiosk_tokens[1])
            await kiosk_b.send("check_in", code=code_b)
            b_again = await kiosk_b.expect("checked_in")
            assert b_again["visit_id"] == b_in["visit_id"]
            assert b_again["resume_token"] != b_in["resume_token"]
            both = await spec.expect("waiting_list", where=lambda m: all(
                p["status"] == "waiting" for p in m["patients"]))
            assert [(v, s) for v, _s, s in entries(both)] == \
                [(v, s) for v, _s, s in entries(before)]
            # The old token no longer resumes it.
            stale = await Client.open(session, site.hub.url, "kiosk",
                                      token=site.kiosk_tokens[1], resume={
                                          "visit_id": b_in["visit_id"],
                                          "resume_token": b_in["resume_token"]})
            assert "resumed" not in stale.welcome
            await stale.ws.close()

            assert await kiosk_a.leave() == "left"
            await kiosk_b.send("leave")
            await kiosk_b.expect("call_ended")
            print(f"\nrestart: hub listening again {started:.2f} s after start "
                  f"({t_up - t_kill:.2f} s after SIGKILL); kiosk A resumed {a_back:.2f} s later")
        finally:
            await kiosk_a.close()
            await media.aclose()
    assert site.calls() == {checked.visit_id: "left", b_in["visit_id"]: "left"}
    assert site.storage.live_visits() == []
    refused = [r["msg"] for r in site.hub.log_lines() if "wrong token" in r["msg"]]
    assert len(refused) == 2, refused


@pytest.mark.expect_log(r"lost the hub connection \(close code", logger="kiosk.call.signalling")
async def test_a_call_goes_on_through_a_hub_restart(site_factory: Any) -> None:
    site: Site = await site_factory()
    specialist_media = synthetic_media(320, 240)
    demo = DemoSpecialist.for_hub(site.hub.url, site.seed.specialist_username,
                                  site.seed.specialist_password, specialist_media, once=True)
    stop = asyncio.Event()
    demo_task = asyncio.create_task(demo.run(stop))
    media = synthetic_media(320, 240)
    frame = asyncio.Event()
    sink = LatestFrame(on_video=lambda _f: frame.set())  # 30 a second: wakes every wait below
    links = Links(also=frame)
    visit = PatientVisit.for_hub(site.hub.url, media, token=site.kiosk_tokens[0], sink=sink,
                                 listener=links)
    try:
        async with asyncio.timeout(WAIT):
            await demo.ready.wait()
        await visit.connect()
        assert isinstance(await visit.check_in(site.seed.appointment_code), CheckedIn)
        await until(lambda: sink.video_frames >= 30 and demo.sink.video_frames >= 30, frame)
        session = visit.session
        assert session is not None
        await until(lambda: session.state is CallState.CONNECTED, frame)
        visit_id = visit.visit_id
        assert demo.visit_id == visit_id

        await site.hub.kill()
        t_kill = time.monotonic()
        # Media goes on peer to peer while there is no hub at all.
        during = sink.video_frames, demo.sink.video_frames
        await until(lambda: sink.video_frames >= during[0] + 30
                    and demo.sink.video_frames >= during[1] + 30, frame)
        started = await site.hub.start()
        t_up = time.monotonic()

        demo_signalling = demo._signalling
        assert isinstance(demo_signalling, HubSignalling)
        # (the kiosk's frames wake the wait: they keep coming all along)
        await until(lambda: links.links[-1:] == [True] and demo_signalling.reconnects >= 1,
                    frame)
        back = time.monotonic() - t_up

        # Signalling resumes: the specialist's message reaches the patient through the hub.
        await demo_signalling.send(protocol.make("message", visit_id=visit_id,
                                                 text="Still with you."))
        await until(lambda: "Still with you." in links.messages, links.changed)
        after = sink.video_frames, demo.sink.video_frames
        await until(lambda: sink.video_frames >= after[0] + 30
                    and demo.sink.video_frames >= after[1] + 30, frame)
        assert not visit.ended
        assert links.ended == []
        assert session.state is CallState.CONNECTED
        assert session.attempt == 1  # never renegotiated: the media never stopped
        assert demo.visit_id == visit_id
        assert demo.call is not None
        assert demo.call.attempt == 1

        assert await visit.hangup() == "patient_hangup"
        async with asyncio.timeout(WAIT):
            await asyncio.shield(demo_task)  # once: it stops when the call has ended
        print(f"\nmid-call restart: hub up {started:.2f} s after start ({t_up - t_kill:.2f} s "
              f"after SIGKILL); both sides' signalling back {back:.2f} s later; "
              f"{sink.video_frames} frames at the kiosk, {demo.sink.video_frames} at the "
              "specialist, no renegotiation")
    finally:
        await visit.close()
        await media.aclose()
        stop.set()
        async with asyncio.timeout(WAIT):
            summary = await demo_task
        await specialist_media.aclose()
    assert summary.calls == 1
    assert summary.last_end_reason == "patient_hangup"
    [call] = site.storage.calls()
    assert (call.visit_id, call.end_reason) == (visit_id, "patient_hangup")
    assert call.specialist_id == site.seed.specialist_id
    assert call.started_at is not None


async def test_a_visit_lost_past_the_grace_can_check_in_again_on_its_kiosk(
        site_factory: Any) -> None:
    site: Site = await site_factory(restart_grace=2.0)
    code = site.seed.appointment_code
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        kiosk = await Client.open(session, site.hub.url, "kiosk", token=site.kiosk_tokens[0])
        await kiosk.send("check_in", code=code)
        first = await kiosk.expect("checked_in")
        helpless = await Client.open(session, site.hub.url, "kiosk", token=site.kiosk_tokens[2])
        await helpless.send("help")  # before anyone checked in there
        await helpless.expect("help_ack")
        await site.hub.kill()
        await site.hub.start()
        spec = await specialist(session, site)
        t0 = time.monotonic()
        listed = await spec.expect("waiting_list")
        assert {(v, s) for v, s, _t in entries(listed)} == {
            (first["visit_id"], "disconnected"), (f"help-{site.kiosk_ids[2]}", "help")}
        # Neither kiosk comes back within restart_grace: both go.
        await spec.expect("waiting_list", where=lambda m: m["patients"] == [])
        lost_after = time.monotonic() - t0
        assert site.calls() == {first["visit_id"]: "visit_lost"}

        # Its resume token is now stale: a clear refusal (and the kiosk is told to check in).
        stale = await Client.open(session, site.hub.url, "kiosk", token=site.kiosk_tokens[0],
                                  resume={"visit_id": first["visit_id"],
                                          "resume_token": first["resume_token"]})
        assert "resumed" not in stale.welcome
        refused = await stale.expect("error")
        assert refused["code"] == "not_found"
        assert "check in again" in refused["message"]
        await stale.ws.close()

        # Not another kiosk, not a patient's own device: the code is still spent for them.
        other = await Client.open(session, site.hub.url, "kiosk", token=site.kiosk_tokens[1])
        await other.send("check_in", code=code)
        assert (await other.expect("error"))["code"] == "code_used"
        own = await Client.open(session, site.hub.url, "patient")
        await own.send("check_in", code=code)
        assert (await own.expect("error"))["code"] == "code_used"

        # The kiosk it was checked in on: the patient types the same code, no staff needed.
        kiosk = await Client.open(session, site.hub.url, "kiosk", token=site.kiosk_tokens[0])
        await kiosk.send("check_in", code=code)
        second = await kiosk.expect("checked_in")
        assert second["visit_id"] != first["visit_id"]
        waiting = await spec.expect("waiting_list", where=lambda m: len(m["patients"]) == 1)
        assert entries(waiting)[0][:2] == (second["visit_id"], "waiting")
        await kiosk.send("leave")
        await kiosk.expect("call_ended")
        # ... once: that visit ended normally, so the code is spent for good.
        await kiosk.send("check_in", code=code)
        assert (await kiosk.expect("error"))["code"] == "code_used"
        assert any("resume of a visit that is not live" in r["msg"]
                   for r in site.hub.log_lines())
        print(f"\nlost visit ended {lost_after:.2f} s after the specialist's list came back "
              "(restart_grace 2 s)")


async def test_the_console_in_chromium_shows_the_patient_again(site_factory: Any) -> None:
    """The specialist's real console (Chromium) reconnects by itself to the restarted hub and
    shows the waiting patient again, help request and all."""
    from playwright.async_api import expect

    from tests.integration.browser import chromium, console_page
    from tests.integration.console_support import UI_WAIT_MS, PageErrors, sign_in

    site: Site = await site_factory()
    async with aiohttp.ClientSession() as session, chromium() as browser, \
            console_page(browser, site.hub.url) as page:
        errors = PageErrors(page)
        await sign_in(page, site.seed.specialist_username, site.seed.specialist_password)
        kiosk = await Client.open(session, site.hub.url, "kiosk", token=site.kiosk_tokens[0])
        await kiosk.send("check_in", code=site.seed.appointment_code, checks={"camera": "pass"})
        checked = await kiosk.expect("checked_in")
        await kiosk.send("help")
        cards = page.locator("#patients > li")
        await expect(cards).to_have_count(1, timeout=UI_WAIT_MS)
        await expect(cards.first.locator(".status-pill")).to_have_text("Waiting")
        await expect(cards.first).to_contain_text("Help requested", timeout=UI_WAIT_MS)

        await site.hub.kill()
        link = page.locator("#link-state")
        await expect(link).not_to_have_attribute("data-state", "up", timeout=UI_WAIT_MS)
        await site.hub.start()
        t_up = time.monotonic()
        await expect(link).to_have_attribute("data-state", "up", timeout=UI_WAIT_MS)
        console_back = time.monotonic() - t_up
        await expect(cards).to_have_count(1, timeout=UI_WAIT_MS)
        await expect(cards.first).to_contain_text("Room 1")
        await expect(cards.first).to_contain_text("Help requested")
        await expect(cards.first).to_contain_text("Camera: OK")

        kiosk = await Client.open(session, site.hub.url, "kiosk", token=site.kiosk_tokens[0],
                                  resume={"visit_id": checked["visit_id"],
                                          "resume_token": checked["resume_token"]})
        assert kiosk.welcome["resumed"]["visit_id"] == checked["visit_id"]
        await expect(cards.first.locator(".status-pill")).to_have_text("Waiting",
                                                                      timeout=UI_WAIT_MS)
        # (the console tried while there was no hub: that refusal is the only error allowed)
        assert [e for e in errors.errors if "WebSocket connection to" not in e] == []
        print(f"\nconsole: link up again {console_back:.2f} s after the hub restarted")


@pytest.mark.expect_log(r"lost the hub connection \(close code", logger="kiosk.call.signalling")
async def test_a_call_with_the_console_in_chromium_goes_on_through_a_restart(
        site_factory: Any) -> None:
    """The real console in a call with the real kiosk call code: the hub is killed and
    restarted mid-call; video keeps arriving at both ends, the console's link comes back, a
    message it sends reaches the kiosk, and the specialist ends the call as usual."""
    from playwright.async_api import expect

    from tests.integration.browser import chromium, console_page
    from tests.integration.console_support import (
        UI_WAIT_MS,
        PageErrors,
        frames_decoded,
        sign_in,
        wait_frames_decoded,
    )

    site: Site = await site_factory()
    media = synthetic_media(320, 240)
    frame = asyncio.Event()
    sink = LatestFrame(on_video=lambda _f: frame.set())
    links = Links(also=frame)
    visit = PatientVisit.for_hub(site.hub.url, media, token=site.kiosk_tokens[0], sink=sink,
                                 listener=links)
    async with chromium() as browser, console_page(browser, site.hub.url) as page:
        errors = PageErrors(page)
        try:
            await sign_in(page, site.seed.specialist_username, site.seed.specialist_password)
            await visit.connect()
            assert isinstance(await visit.check_in(site.seed.appointment_code), CheckedIn)
            card = page.locator("#patients > li").first
            await card.locator(".p-join").click()
            await expect(page.locator("#call-view")).to_be_visible(timeout=UI_WAIT_MS)
            await wait_frames_decoded(page, 30)
            await until(lambda: sink.video_frames >= 30, frame)
            await expect(page.locator("#call-banner")).to_have_text("Connected",
                                                                    timeout=UI_WAIT_MS)

            await site.hub.kill()
            decoded, received = await frames_decoded(page), sink.video_frames
            await wait_frames_decoded(page, decoded + 30)  # no hub at all: media goes on
            await until(lambda: sink.video_frames >= received + 30, frame)
            await site.hub.start()
            await expect(page.locator("#link-state")).to_have_attribute("data-state", "up",
                                                                        timeout=UI_WAIT_MS)
            await until(lambda: links.links[-1:] == [True], frame)

            await page.fill("#call-message", "Are you still there?")
            await page.click("#call-message-form button[type=submit]")
            await expect(page.locator("#call-log")).to_contain_text(
                "You sent: “Are you still there?”", timeout=UI_WAIT_MS)
            await until(lambda: "Are you still there?" in links.messages, frame)
            await wait_frames_decoded(page, await frames_decoded(page) + 30)
            await expect(page.locator("#tech")).to_have_attribute("data-attempt", "1")
            session = visit.session
            assert session is not None
            assert session.attempt == 1
            assert not visit.ended

            await page.click("#end-call")
            await page.click("#end-confirm")
            await expect(page.locator("#waiting-view")).to_be_visible(timeout=UI_WAIT_MS)
            await until(lambda: bool(links.ended), frame)
            assert links.ended == ["specialist_hangup"]
            assert [e for e in errors.errors if "WebSocket connection to" not in e] == []
        finally:
            await visit.close()
            await media.aclose()
    assert list(site.calls().values()) == ["specialist_hangup"]
