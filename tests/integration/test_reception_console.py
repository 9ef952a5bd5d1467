"""The reception console (/reception) in Debian's Chromium against a real hub on loopback: sign
in (a wrong password said in words, then the right one); arrivals from a kiosk of the site over
a real socket (and none from another site's kiosk); a help request raised on a real kiosk
engine alerts with the banner and the repeating chime until "I'm going", the engine hears
help_coming, and a new request alerts again; booking an appointment shows the letter with the
code once, the letter prints to a PDF that holds the code and the site's name, and once the
letter is closed the code is nowhere in the page or its storage; a clinician is told the page
is for reception staff.

One hub and one browser for the whole module (CI time). Set CLINIC_KIOSK_RECEPTION_SHOTS=DIR to
save screenshots of each panel and of the printed letter at 1280x800 and 1920x1080.
"""

from __future__ import annotations

import io
import json
import os
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, ViewportSize, expect
from pypdf import PdfReader

from kiosk.call.patient import CheckedIn
from kiosk.engine import KioskEngine
from kiosk.hub import HubConfig, seed_demo, start_hub
from kiosk.hub.clock import SystemClock
from kiosk.hub.codes import issue_appointment, issue_pairing_code, pair_kiosk
from kiosk.hub.models import CLINICIAN, SITE_STAFF
from kiosk.hub.passwords import hash_password
from kiosk.journey import CODE_GROUPS, grouped_code
from kiosk.protocol import KIOSK_STEPS
from tests.integration.browser import CHROMIUM_FLAGS, chromium
from tests.integration.conftest import HubHandle
from tests.integration.console_support import UI_WAIT_MS, WEB_ROOT, PageErrors
from tests.integration.test_kiosk_engine import Recorder, synthetic


class HelpRecorder(Recorder):
    """The engine's listener, also keeping who the hub said is coming (``help_coming``)."""

    def __init__(self) -> None:
        super().__init__()
        self.help_coming: list[str | None] = []

    def on_help_coming(self, by: str | None) -> None:
        self.help_coming.append(by)
        self._poke()

PASSWORD = "correct horse 1"
SMALL = ViewportSize(width=1280, height=800)
LARGE = ViewportSize(width=1920, height=1080)
SHOTS = os.environ.get("CLINIC_KIOSK_RECEPTION_SHOTS")
if SHOTS:
    Path(SHOTS).mkdir(parents=True, exist_ok=True)

ADDRESS = "Musselburgh Primary Care Centre\n1 Example Road\nMusselburgh"
DIRECTIONS = "Use the side door. The kiosk is in Room 2."
#: The letter's months in Welsh (reception-letter.js writes them out: Chromium has no Welsh).
WELSH_MONTHS = ("Ionawr", "Chwefror", "Mawrth", "Ebrill", "Mai", "Mehefin", "Gorffennaf", "Awst",
                "Medi", "Hydref", "Tachwedd", "Rhagfyr")

pytestmark = [
    pytest.mark.asyncio(loop_scope="module"),
    # A wrong password is logged by design.
    pytest.mark.expect_log(r"login failed: wrong password", logger="kiosk.hub.api"),
]
assert CHROMIUM_FLAGS  # the module's browser is launched with the shared flags (browser.py)


@dataclass
class World:
    """Hospital X's cardiology holds clinics at Musselburgh (A) and Haddington (B); Ann is
    reception at A; Dr Heart is a member of the heart clinic; kiosks 1 and 2 at A, one at B."""

    hub: HubHandle
    browser: Browser
    desk: Page  # Ann, signed in at 1280x800
    errors: PageErrors
    area: int
    site_a: int
    site_b: int
    heart: int
    kiosk_1: str
    kiosk_2: str
    kiosk_b: str

    def code(self, site: int, name: str | None, *, language: str = "en") -> str:
        now = self.hub.clock.now()
        return issue_appointment(self.hub.storage, self.hub.secrets, waiting_area_id=self.area,
                                 starts_at=now, now=now, patient_name=name, site=site,
                                 language=language).code


def _network(hub: HubHandle) -> dict[str, Any]:
    s, now = hub.storage, hub.clock.now()
    x = s.create_organisation("Hospital X", now)
    cardiology = s.create_service(x.id, "Cardiology", now)
    area = s.create_service_waiting_area(cardiology.id, "Heart clinic", now)
    board = s.create_organisation("Lothian Health Board", now)
    site_a = s.create_site("Musselburgh", now, board.id, address=ADDRESS, directions=DIRECTIONS)
    site_b = s.create_site("Haddington", now, board.id)
    s.link_service_site(cardiology.id, site_a.id, now)
    s.link_service_site(cardiology.id, site_b.id, now)
    hashed = hash_password(PASSWORD)
    heart = s.create_account(CLINICIAN, "dr.heart", "Dr Heart", hashed, now).id
    s.add_waiting_area_member(heart, area.id, now)
    s.add_site_staff(s.create_account(SITE_STAFF, "ann.desk", "Ann Desk", hashed, now).id,
                     site_a.id, now)
    both = s.create_account(SITE_STAFF, "bo.desk", "Bo Both", hashed, now).id
    s.add_site_staff(both, site_a.id, now)
    s.add_site_staff(both, site_b.id, now)

    def kiosk(site: int, room: str, name: str) -> str:
        code = issue_pairing_code(s, hub.secrets, clinic_id=site, room=room, now=now)
        return pair_kiosk(s, hub.secrets, pairing_code=code, now=now, name=name)[1]

    return {"area": area.id, "site_a": site_a.id, "site_b": site_b.id, "heart": heart,
            "kiosk_1": kiosk(site_a.id, "Room 1", "Kiosk 1"),
            "kiosk_2": kiosk(site_a.id, "Room 2", "Kiosk 2"),
            "kiosk_b": kiosk(site_b.id, "Room 1", "Haddington kiosk")}


async def _sign_in(page: Page, username: str, password: str) -> None:
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("#signin-button")


async def _shot(page: Page, name: str, *, full: bool = False) -> None:
    """Screenshots at both sizes, only when asked for (CI time)."""
    if not SHOTS:
        return
    folder = Path(SHOTS)
    for size in (SMALL, LARGE):
        await page.set_viewport_size(size)
        await page.screenshot(path=str(folder / f"{name}-{size['width']}.png"), full_page=full)
    await page.set_viewport_size(SMALL)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    tmp = tmp_path_factory.mktemp("reception")
    config = HubConfig(host="127.0.0.1", port=0, db_path=tmp / "hub.sqlite3",
                       hub_name="Test hub", heartbeat=None, web_root=WEB_ROOT)
    clock = SystemClock()
    running = await start_hub(config, clock=clock)
    hub = HubHandle(running=running, seed=seed_demo(running.storage, running.secrets,
                                                    clock=clock), clock=clock)
    net = _network(hub)
    try:
        async with chromium() as browser:
            context = await browser.new_context(viewport=SMALL, locale="en-GB",
                                                timezone_id="Europe/London")
            desk = await context.new_page()
            errors = PageErrors(desk)
            await desk.goto(f"{hub.url}/reception")
            await _sign_in(desk, "ann.desk", PASSWORD)
            await expect(desk.locator("#link-state")).to_have_attribute(
                "data-state", "up", timeout=UI_WAIT_MS)
            yield World(hub=hub, browser=browser, desk=desk, errors=errors, **net)
            await context.close()
    finally:
        await hub.aclose()


async def test_sign_in_says_a_wrong_password_and_takes_the_right_one(world: World) -> None:
    context = await world.browser.new_context(viewport=SMALL, locale="en-GB")
    try:
        page = await context.new_page()
        errors = PageErrors(page)
        await page.goto(f"{world.hub.url}/reception")
        await expect(page.locator("#signin-view")).to_be_visible()
        await _shot(page, "signin")
        await _sign_in(page, "ann.desk", "not the password")
        await expect(page.locator("#signin-error")).to_have_text(
            "The username or password is wrong. Check them and try again.")
        await expect(page.locator("#password")).to_have_value("")
        await _sign_in(page, "ann.desk", PASSWORD)
        await expect(page.locator("#today-title")).to_have_text("Today at Musselburgh")
        await expect(page.locator("#who-name")).to_have_text("Ann Desk")
        await expect(page.locator("#help-panel")).to_have_attribute("data-alert", "off")
        assert errors.errors == []
    finally:
        await context.close()
    # The module's own page signed in the same way and is live.
    await expect(world.desk.locator("#desk-view")).to_be_visible()
    await expect(world.desk.locator("#site-pick")).to_be_hidden()  # one site: nothing to pick


async def test_arrivals_at_my_site_show_with_their_step_and_others_do_not(world: World) -> None:
    hub, page = world.hub, world.desk
    here = page.locator("#here-list")
    kiosk = await hub.kiosk(world.kiosk_1)
    other = await hub.kiosk(world.kiosk_b)
    await kiosk.send("status", step="checking_in")
    row = page.locator("#kiosk-list .kiosk", has_text="Kiosk 1, Room 1")
    step = row.locator(".kiosk-step .words")
    await expect(step).to_have_text("A patient is checking in")
    await kiosk.send("check_in", code=world.code(world.site_a, "Morag Campbell"))
    await kiosk.expect("checked_in")
    await kiosk.send("status", step="waiting")
    await other.send("check_in", code=world.code(world.site_b, "Hamish Other"))
    await other.expect("checked_in")
    arrival = here.locator(".here-item", has_text="Morag Campbell")
    await expect(arrival.locator(".here-status")).to_contain_text("Waiting for the clinician")
    await expect(arrival.locator(".here-where")).to_contain_text("Room 1")
    await expect(step).to_have_text("Patient waiting for the clinician")
    await expect(page.locator("#appts-body tr", has_text="Morag Campbell")).to_contain_text(
        "Arrived – waiting")
    # The clinician (both sites) sees Haddington's patient, so the hub has published it.
    clinician = await hub.specialist("dr.heart", PASSWORD)
    patients = clinician.skipped[-1]["patients"]  # its first list
    while not any(p.get("patient_name") == "Hamish Other" for p in patients):
        patients = (await clinician.expect("waiting_list"))["patients"]
    assert await here.locator(".here-item").count() == 1
    assert "Hamish" not in await page.locator("main").inner_text()
    await expect(page.locator("#kiosk-list .kiosk")).to_have_count(2)  # Haddington's is not here
    await _shot(page, "desk-arrivals")
    await other.send("leave")
    await kiosk.send("leave")
    await kiosk.send("status", step="idle")
    await expect(here.locator(".here-item")).to_have_count(0)
    await clinician.close()
    # This morning's self-test, out of service and why, offline and when it was last seen.
    await kiosk.send("readiness", report={
        "fit": False, "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "checks": [{"name": "camera", "status": "fail"}, {"name": "network", "status": "pass"}]})
    await expect(row.locator(".kiosk-test .words")).to_contain_text("failing – camera")
    await kiosk.send("status", step="out_of_service", detail="The camera is not connected.")
    await expect(step).to_have_text("Out of service")
    await expect(row.locator(".kiosk-detail")).to_have_text("The camera is not connected.")
    await _shot(page, "kiosks-out-of-service")
    await kiosk.close()
    await expect(step).to_have_text("Offline")
    await expect(row.locator(".kiosk-detail")).to_contain_text("Last seen")
    assert world.errors.errors == []


async def test_help_on_a_real_kiosk_alerts_until_someone_is_going(world: World) -> None:
    page = world.desk
    panel = page.locator("#help-panel")
    rec = HelpRecorder()
    engine = KioskEngine(world.hub.url, synthetic, rec, token=world.kiosk_2)
    try:
        await engine.help()
        await expect(panel).to_have_attribute("data-alert", "on")
        await expect(panel).to_have_attribute("data-sound", "playing")
        item = panel.locator(".help-item", has_text="Kiosk 2, Room 2")
        await expect(item.locator(".help-where")).to_have_text("Help needed at Kiosk 2, Room 2")
        await expect(page.locator("#sound-off")).to_be_hidden()  # the page may make sound
        await expect(page).to_have_title("(1) Help needed – Clinic Kiosk – reception")
        first = int(await panel.get_attribute("data-chimes") or 0)
        assert first >= 1
        # The chime repeats while nobody has answered.
        await expect(panel).not_to_have_attribute("data-chimes", str(first), timeout=UI_WAIT_MS)
        await _shot(page, "help-alert")
        await item.get_by_role("button", name="I'm going to Kiosk 2, Room 2").click()
        await rec.until(lambda: rec.help_coming)
        assert rec.help_coming[-1] == "Ann"
        await expect(item.locator(".help-going")).to_contain_text("Ann Desk is going")
        await expect(panel).to_have_attribute("data-alert", "off")
        await expect(panel).to_have_attribute("data-sound", "off")
        await expect(page).to_have_title("Clinic Kiosk – reception")
        await expect(page.locator("#help-title")).to_be_focused()  # the button has gone
        await _shot(page, "help-going")
        # A new request after the answer is news again.
        await engine.help()
        await expect(panel).to_have_attribute("data-alert", "on")
        await item.get_by_role("button", name="I'm going to Kiosk 2, Room 2").click()
        await rec.until(lambda: len(rec.help_coming) == 2)
        await expect(panel).to_have_attribute("data-alert", "off")
        # Help from a checked-in patient is answered for their visit, and names them.
        assert isinstance(await engine.check_in(world.code(world.site_a, "Rhys Visit")), CheckedIn)
        await engine.help()
        visit_item = panel.locator(".help-item", has_text="Rhys Visit")
        await expect(visit_item.locator(".help-where")).to_contain_text("Room 2")
        await expect(panel).to_have_attribute("data-alert", "on")
        await visit_item.get_by_role("button", name="I'm going to").click()
        await rec.until(lambda: len(rec.help_coming) == 3)
        await expect(visit_item.locator(".help-going")).to_contain_text("Ann Desk is going")
        await expect(panel).to_have_attribute("data-alert", "off")
        await engine.reset("idle")
        await expect(visit_item).to_have_count(0)
    finally:
        await engine.close()
    assert world.errors.errors == []


async def test_booking_prints_the_letter_with_the_code_once(world: World) -> None:
    page = world.desk
    start = datetime.now() + timedelta(minutes=10)
    await page.click("#book-open")
    await expect(page.locator("#book-view")).to_be_visible()
    await page.select_option("#book-area", label="Cardiology – Heart clinic")
    await page.select_option("#book-clinician", label="Dr Heart")
    await page.fill("#book-name", "Siân Jones")
    # The hub refuses a time that has passed; the form says so at the field.
    await page.fill("#book-date", (start - timedelta(days=1)).strftime("%Y-%m-%d"))
    await page.click("#book-submit")
    await expect(page.locator("#book-error")).to_have_text("Not booked: That time has passed.")
    await expect(page.locator("#book-time")).to_be_focused()
    await expect(page.locator("#book-time")).to_have_attribute("aria-invalid", "true")
    await page.fill("#book-date", start.strftime("%Y-%m-%d"))
    await page.fill("#book-time", start.strftime("%H:%M"))
    await page.get_by_label("Cymraeg").check()
    await _shot(page, "book")
    await page.click("#book-submit")
    letter = page.locator("#letter")
    await expect(letter).to_be_visible()
    grouped = await letter.locator(".code").inner_text()
    assert re.fullmatch(r"\d{3} \d{3} \d{4}", grouped), grouped
    code = grouped.replace(" ", "")
    await expect(letter.locator(".letter-title")).to_have_text("Eich apwyntiad fideo")
    await expect(letter).to_contain_text(f"{start.day} {WELSH_MONTHS[start.month - 1]} ")
    await expect(letter).to_contain_text("Musselburgh")
    await expect(letter).to_contain_text("Dr Heart")
    await expect(letter.locator(".fact .line")).to_have_text(
        [re.compile(r"Dydd .+ am \d\d:\d\d"), "Musselburgh", ADDRESS, DIRECTIONS,
         "Cardiology – Heart clinic", "Dr Heart"])
    assert code not in page.url
    await _shot(page, "letter-screen", full=True)
    if SHOTS:
        await letter.screenshot(path=str(Path(SHOTS) / "letter.png"))

    await page.emulate_media(media="print")
    if SHOTS:  # at A4's width less the margins (96 dpi), as the PDF lays it out
        await page.set_viewport_size(ViewportSize(width=680, height=1000))
        await page.screenshot(path=str(Path(SHOTS) / "letter-print.png"), full_page=True)
        await page.set_viewport_size(SMALL)
    pdf = await page.pdf(format="A4", print_background=True)
    await page.emulate_media(media="screen")
    reader = PdfReader(io.BytesIO(pdf))
    printed = " ".join(p.extract_text() or "" for p in reader.pages)
    assert len(reader.pages) == 1, "the letter fits on one page"
    assert grouped in printed
    assert "Musselburgh" in printed
    assert "1 Example Road" in printed
    assert DIRECTIONS in printed
    assert "Siân Jones" in printed
    assert "Book an appointment" not in printed  # the letter alone is printed
    assert "Print letter" not in printed
    if SHOTS:
        (Path(SHOTS) / "letter.pdf").write_bytes(pdf)

    await page.click("#letter-close")
    await expect(page.locator("#desk-view")).to_be_visible()
    if start.date() == datetime.now().date():  # not booked past midnight: today's list has it
        await expect(page.locator("#appts-body tr", has_text="Siân Jones")).to_contain_text(
            "Not arrived yet")
    html = await page.content()
    stored = await page.evaluate(
        "() => JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    for text in (html, stored, page.url):
        assert code not in text
        assert grouped not in text
    # The code checks in at the site's kiosk: it is the appointment's real code.
    kiosk = await world.hub.kiosk(world.kiosk_1)
    await kiosk.send("check_in", code=code)
    checked_in = await kiosk.expect("checked_in")
    assert checked_in["appointment"]["patient_name"] == "Siân Jones"
    await kiosk.send("leave")
    assert world.errors.errors == []


async def test_staff_of_two_sites_pick_one_and_the_tab_remembers_it(world: World) -> None:
    context = await world.browser.new_context(viewport=SMALL, locale="en-GB")
    try:
        page = await context.new_page()
        errors = PageErrors(page)
        await page.goto(f"{world.hub.url}/reception")
        await _sign_in(page, "bo.desk", PASSWORD)
        await expect(page.locator("#site-pick")).to_be_visible(timeout=UI_WAIT_MS)
        await expect(page.locator("#today-title")).to_have_text("Today at Haddington")  # by name
        await page.select_option("#site-select", label="Musselburgh")
        await expect(page.locator("#today-title")).to_have_text("Today at Musselburgh")
        await expect(page.locator("#kiosk-list .kiosk")).to_have_count(2)
        await _shot(page, "two-sites")
        await page.reload()
        await expect(page.locator("#today-title")).to_have_text("Today at Musselburgh",
                                                                timeout=UI_WAIT_MS)
        assert errors.errors == []
    finally:
        await context.close()


async def test_a_clinician_is_told_the_page_is_for_reception_staff(world: World) -> None:
    context = await world.browser.new_context(viewport=SMALL, locale="en-GB")
    try:
        page = await context.new_page()
        errors = PageErrors(page)
        await page.goto(f"{world.hub.url}/reception")
        await _sign_in(page, "dr.heart", PASSWORD)
        await expect(page.locator("#refused-view")).to_be_visible(timeout=UI_WAIT_MS)
        await expect(page.locator("#refused-title")).to_have_text(
            "This page is for reception staff.")
        await expect(page.locator("#desk-view")).to_be_hidden()
        await expect(page.locator("#help-panel")).to_be_hidden()
        await _shot(page, "refused")
        assert errors.errors == []
    finally:
        await context.close()


async def test_the_page_has_no_inline_script_or_style() -> None:
    """The hub's CSP forbids inline script and style: the page uses its module and sheet."""
    html = (WEB_ROOT / "reception.html").read_text()
    assert "<style" not in html
    assert " style=" not in html
    assert re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE) is None  # no onclick= and such
    assert html.count("<script") == 1
    assert '<script type="module" src="reception.js"></script>' in html


async def test_the_modules_words_mirror_the_kiosk(world: World) -> None:
    """The letter groups the code as the kiosk does (kiosk/journey.py), writes dates in each
    language, every kiosk step has its words, and one request is one alert."""
    found = json.loads(await world.desk.evaluate("""async () => {
        const letter = await import("/reception-letter.js");
        const kiosks = await import("/reception-kiosks.js");
        const help = await import("/reception-help.js");
        const at = "2026-12-07T14:30:00";  // the browser's local time
        const keys = (o) => Object.keys(o).sort();
        const requests = help.helpRequests(
            [{id: 5, name: "Kiosk 5", room: "Room 5", help: {since: at, visit_id: null}},
             {id: 6, room: "Room 6", help: {since: at, visit_id: "v6"}}],
            [{visit_id: "h5", status: "help", kiosk_id: 5, help_at: at},
             {visit_id: "v6", status: "waiting", help_at: at, patient_name: "Six"},
             {visit_id: "v7", status: "waiting", help_requested: true, waiting_since: at}]);
        return JSON.stringify({
            groups: letter.CODE_GROUPS, grouped: letter.groupedCode("0123456789"),
            en: letter.letterTime(at, "en"), pl: letter.letterTime(at, "pl"),
            cy: letter.letterTime(at, "cy"),
            languages: Object.values(letter.LETTER_TEXT).map((t) => [keys(t), t.steps.length]),
            steps: keys(kiosks.STEP_WORDS),
            requests: requests.map((r) => [r.key, r.visitId, r.kioskId, r.patientName]),
        });
    }"""))
    assert found["groups"] == list(CODE_GROUPS)
    assert found["grouped"] == grouped_code("0123456789")
    assert found["en"] == "Monday 7 December 2026 at 14:30"
    assert found["pl"] == "Poniedziałek, 7 grudnia 2026, godz. 14:30"
    assert found["cy"] == "Dydd Llun 7 Rhagfyr 2026 am 14:30"
    assert len({json.dumps(entry) for entry in found["languages"]}) == 1  # the same parts
    assert found["steps"] == sorted(KIOSK_STEPS)
    assert sorted(found["requests"]) == [["kiosk:5", None, 5, None], ["visit:v6", "v6", 6, "Six"],
                                         ["visit:v7", "v7", None, None]]
