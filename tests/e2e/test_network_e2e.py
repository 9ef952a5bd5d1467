"""The service as a network, end to end on the real path (issue 15).

IT sets the hub up with ``clinic-hub`` commands only: a hospital (Hospital X) with a cardiology
service and its waiting area, a dermatology service with another, a health board running two
community sites (Musselburgh and Haddington), a kiosk paired at each site over the real pairing
API, a cardiologist who is a member of the cardiology waiting area, a dermatologist who is not,
and reception staff of Musselburgh. ``clinic-hub serve`` runs as its own process.

Two patients check in on the two sites' kiosks (the real call code, aiortc, synthetic media).
The cardiologist, in Debian's Chromium, sees both with "Site — room", joins the one at
Musselburgh, sees and sends video, ends the call, then does the same with the one at Haddington.
The dermatologist's console lists nobody and the hub refuses their ``join``; Musselburgh's staff
get their kiosk's patient (without device checks) and never Haddington's, over a plain socket
and in the reception console in Chromium.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from playwright.async_api import Page, expect

from kiosk import protocol
from kiosk.call.patient import CheckedIn, PatientVisit, VisitListener
from kiosk.media.local import LatestFrame
from kiosk.media.synthetic import synthetic_media
from tests.e2e.kiosk_driver import hub_cli, hub_serving, tail
from tests.integration.browser import chromium, console_page
from tests.integration.console_support import (
    UI_WAIT_MS,
    PageErrors,
    sign_in,
    wait_frames_decoded,
)

pytestmark = pytest.mark.timeout(180)

WAIT = 30.0
PASSWORDS = {"dr.heart": "cardiology password 1", "dr.skin": "dermatology password 2",
             "desk.a": "reception password 3"}


def set_up_hub(db: Path) -> dict[str, Any]:
    """What IT does, with the command line only."""
    def cli(*args: str, stdin: str = "") -> dict[str, Any]:
        return hub_cli(db, *args, stdin=stdin)

    def ident(reply: dict[str, Any]) -> str:
        return str(reply["id"])

    hospital = ident(cli("organisation", "create", "Hospital X"))
    cardiology = ident(cli("service", "create", "--organisation", hospital, "Cardiology"))
    dermatology = ident(cli("service", "create", "--organisation", hospital, "Dermatology"))
    heart = ident(cli("waiting-area", "create", "--service", cardiology, "Heart clinic"))
    skin = ident(cli("waiting-area", "create", "--service", dermatology, "Skin clinic"))
    board = ident(cli("organisation", "create", "Lothian Health Board"))
    site_a = ident(cli("site", "create", "--organisation", board, "Musselburgh"))
    site_b = ident(cli("site", "create", "--organisation", board, "Haddington"))
    for site in (site_a, site_b):  # cardiology holds clinics at both sites
        cli("service", "add-site", "--service", cardiology, "--site", site)
    accounts = {}
    for username, role, name in (("dr.heart", "clinician", "Dr Heart"),
                                 ("dr.skin", "clinician", "Dr Skin"),
                                 ("desk.a", "site-staff", "Ann at the desk")):
        accounts[username] = ident(cli("account", "create", "--role", role, "--username",
                                       username, "--name", name, "--password-stdin",
                                       stdin=PASSWORDS[username] + "\n"))
    cli("membership", "add", "--account", "dr.heart", "--waiting-area", heart)
    cli("membership", "add", "--account", "dr.skin", "--waiting-area", skin)
    cli("membership", "add", "--account", "desk.a", "--site", site_a)
    pairing = {site: cli("kiosk", "pair", "--site", site, "--room", room)["pairing_code"]
               for site, room in ((site_a, "Room 1"), (site_b, "Room 2"))}
    codes = {site: cli("appointment", "create", "--waiting-area", heart, "--specialist",
                       accounts["dr.heart"], "--site", site, "--patient-name", name)["code"]
             for site, name in ((site_a, "Morag Campbell"), (site_b, "Hamish Reid"))}
    return {"site_a": site_a, "site_b": site_b, "pairing": pairing, "codes": codes}


class Patient(VisitListener):
    """A patient at a site's kiosk: the real call code with synthetic media."""

    def __init__(self, url: str, token: str) -> None:
        self.changed = asyncio.Event()
        self.ended: list[str] = []
        self.joined = False
        self.sink = LatestFrame(on_video=lambda _f: self.changed.set())
        self.media = synthetic_media(320, 240)
        self.visit = PatientVisit.for_hub(url, self.media, token=token, sink=self.sink,
                                          listener=self)

    def on_joined(self, specialist: Any) -> None:
        self.joined = True
        self.changed.set()

    def on_ended(self, reason: str) -> None:
        self.ended.append(reason)
        self.changed.set()

    async def until(self, what: str, predicate: Any) -> None:
        try:
            async with asyncio.timeout(WAIT):
                while not predicate():
                    self.changed.clear()
                    await self.changed.wait()
        except TimeoutError:
            raise AssertionError(f"waited {WAIT:.0f} s for {what}") from None

    async def close(self) -> None:
        await self.visit.close()
        await self.media.aclose()


@asynccontextmanager
async def signed_in_socket(url: str, username: str) -> AsyncIterator[
        tuple[aiohttp.ClientWebSocketResponse, list[dict[str, Any]]]]:
    """A console's socket (no browser), signed in as ``username``; yields it and the list of
    messages it has received so far (filled in the background)."""
    # unsafe: the jar keeps cookies of an IP address (the hub is on 127.0.0.1).
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        async with session.post(f"{url}/api/login", json={
                "username": username, "password": PASSWORDS[username]}) as resp:
            assert resp.status == 200, await resp.text()
        async with session.ws_connect(url.replace("http", "ws", 1) + "/ws") as ws:
            await ws.send_str(protocol.encode(protocol.make("hello", role="specialist")))
            got: list[dict[str, Any]] = []

            async def read() -> None:
                async for frame in ws:
                    if frame.type == aiohttp.WSMsgType.TEXT:
                        msg = json.loads(frame.data)
                        protocol.validate(msg)
                        got.append(msg)

            reader = asyncio.create_task(read())
            try:
                yield ws, got
            finally:
                reader.cancel()


async def until_received(got: list[dict[str, Any]], what: str, predicate: Any) -> dict[str, Any]:
    try:
        async with asyncio.timeout(WAIT):
            while True:
                for msg in reversed(got):
                    if predicate(msg):
                        found: dict[str, Any] = msg
                        return found
                await asyncio.sleep(0.05)  # poll interval of a condition wait (reader fills it)
    except TimeoutError:
        raise AssertionError(f"waited {WAIT:.0f} s for {what}; got {got!r}"[:3000]) from None


def card(page: Page, site: str) -> Any:
    return page.locator("#patients > li", has_text=site)


async def take_the_call(page: Page, patient: Patient, site: str) -> None:
    """Join the patient at ``site`` from the console, see and send video, end the call."""
    await card(page, site).locator(".p-join").click()
    await expect(page.locator("#call-view")).to_be_visible(timeout=UI_WAIT_MS)
    await wait_frames_decoded(page, 30)
    await patient.until("video from the console", lambda: patient.sink.video_frames >= 30)
    await page.click("#end-call")
    await page.click("#end-confirm")
    await expect(page.locator("#waiting-view")).to_be_visible(timeout=UI_WAIT_MS)
    await patient.until("the call's end", lambda: bool(patient.ended))
    assert patient.ended == ["specialist_hangup"]


async def test_a_cardiologist_serves_two_community_sites(tmp_path: Path) -> None:
    db = tmp_path / "hub" / "hub.sqlite3"
    db.parent.mkdir(mode=0o700)
    hub = await asyncio.to_thread(set_up_hub, db)
    log = tmp_path / "hub.log"
    async with AsyncExitStack() as stack:
        url = await stack.enter_async_context(hub_serving(db, log))
        tokens = {}
        async with aiohttp.ClientSession() as http:
            for site, code in hub["pairing"].items():
                async with http.post(f"{url}/api/kiosk/pair",
                                     json={"pairing_code": code, "name": f"Kiosk {site}"}) as resp:
                    assert resp.status == 200, await resp.text()
                    tokens[site] = (await resp.json())["token"]
        a = Patient(url, tokens[hub["site_a"]])
        b = Patient(url, tokens[hub["site_b"]])
        stack.push_async_callback(a.close)
        stack.push_async_callback(b.close)
        for patient, site in ((a, hub["site_a"]), (b, hub["site_b"])):
            await patient.visit.connect()
            assert isinstance(await patient.visit.check_in(hub["codes"][site]), CheckedIn)

        # Reception staff of Musselburgh: their kiosk's patient, without device checks.
        _desk, desk_got = await stack.enter_async_context(signed_in_socket(url, "desk.a"))
        listed = await until_received(desk_got, "the desk's waiting list",
                                      lambda m: m["type"] == "waiting_list" and m["patients"])
        assert [(p["patient_name"], p["site"]) for p in listed["patients"]] == [
            ("Morag Campbell", "Musselburgh")]
        assert listed["patients"][0]["checks"] == {}

        # The dermatologist: nobody listed, and a join of a cardiology patient is refused.
        skin_ws, skin_got = await stack.enter_async_context(signed_in_socket(url, "dr.skin"))
        empty = await until_received(skin_got, "the dermatologist's list",
                                     lambda m: m["type"] == "waiting_list")
        assert empty["patients"] == []
        assert a.visit.visit_id is not None
        await skin_ws.send_str(protocol.encode(protocol.make("join", visit_id=a.visit.visit_id)))
        refused = await until_received(skin_got, "the refusal", lambda m: m["type"] == "error")
        assert refused["code"] in {"forbidden", "not_found"}
        assert not a.joined

        # Musselburgh's desk in the reception console (Chromium): their kiosk's patient at
        # their step, their own kiosk, and nothing of Haddington's.
        browser = await stack.enter_async_context(chromium())
        desk_page = await stack.enter_async_context(console_page(browser, url + "/reception"))
        desk_errors = PageErrors(desk_page)
        await desk_page.fill("#username", "desk.a")
        await desk_page.fill("#password", PASSWORDS["desk.a"])
        await desk_page.click("#signin-button")
        here = desk_page.locator("#here-list > li")
        await expect(here).to_have_count(1, timeout=UI_WAIT_MS)
        await expect(here).to_contain_text("Morag Campbell")
        await expect(desk_page.locator("#kiosk-list > li")).to_have_count(1)
        await expect(desk_page.locator("#kiosk-list")).to_contain_text("Room 1")
        assert "Haddington" not in await desk_page.content()
        assert "Hamish" not in await desk_page.content()

        # The cardiologist, in Chromium: both patients, each with their site and room.
        page = await stack.enter_async_context(console_page(browser, url))
        errors = PageErrors(page)
        await sign_in(page, "dr.heart", PASSWORDS["dr.heart"])
        await expect(page.locator("#patients > li")).to_have_count(2, timeout=UI_WAIT_MS)
        await expect(card(page, "Musselburgh").locator(".p-place")).to_have_text(
            "Musselburgh — Room 1")
        await expect(card(page, "Haddington").locator(".p-place")).to_have_text(
            "Haddington — Room 2")
        await take_the_call(page, a, "Musselburgh")
        await take_the_call(page, b, "Haddington")
        await expect(page.locator("#patients > li")).to_have_count(0, timeout=UI_WAIT_MS)
        assert errors.errors == []
        assert desk_errors.errors == []
        # Nothing of Haddington's ever reached Musselburgh's desk.
        assert not any("Haddington" in json.dumps(m) or "Hamish" in json.dumps(m)
                       for m in desk_got)
    logged = log.read_text()
    assert "Traceback" not in logged, tail(log)
    for secret in [*PASSWORDS.values(), *hub["codes"].values(), *tokens.values()]:
        assert secret not in logged
