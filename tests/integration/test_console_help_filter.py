"""The specialist's console in a real Chromium against a real hub: a help request in the call
shows the banner and a "Call events" line EVERY time, and site staff answering it shows
"Reception is on the way: <name>"; the waiting-area filter shows only the chosen area's
patients (with the site and room), says so when nobody waits there, keeps the choice over a
reload, and never hides a kiosk's call for help.

In the call the kiosk side is the real engine (PatientVisit, synthetic camera and microphone);
the waiting list's kiosks are plain WebSocket clients. The hub runs on a ManualClock, so two
requests are minutes apart without waiting. Screenshots go to CLINIC_KIOSK_SCREENSHOTS (or a
scratch folder)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from playwright.async_api import Page, expect

from kiosk.call.patient import CheckedIn, PatientVisit, VisitListener
from kiosk.hub.clock import ManualClock
from kiosk.hub.models import SITE_STAFF
from kiosk.hub.passwords import hash_password
from kiosk.media.synthetic import synthetic_media
from tests.integration.browser import chromium, console_page
from tests.integration.console_support import (
    SCREENSHOTS,
    UI_WAIT_MS,
    WEB_ROOT,
    PageErrors,
    sign_in,
    wait_frames_decoded,
    wait_until,
)

pytestmark = pytest.mark.integration

CHECKS = {"camera": "pass", "microphone": "pass", "speaker": "pass", "network": "pass"}
STAFF_PASSWORD = "correct horse 1"  # a test account's


@pytest.fixture
async def hub(hub_factory: Any) -> Any:
    """The demo hub on a clock the test moves, serving the console."""
    return await hub_factory(clock=ManualClock(), web_root=WEB_ROOT)


async def check_in(hub: Any, code: str, room: str) -> tuple[Any, str]:
    """A kiosk in ``room`` of the demo site whose patient checked in: (socket, visit id)."""
    kiosk = await hub.kiosk(token=hub.new_kiosk_token(room=room))
    await kiosk.send("check_in", code=code, checks=CHECKS)
    return kiosk, (await kiosk.expect("checked_in"))["visit_id"]


async def beeps(page: Page) -> int:
    return int(await page.get_attribute("#announce-alert", "data-beeps") or 0)


async def local_clock(page: Page, ts: float) -> str:
    """``ts`` as the page shows a time (HH:MM in the page's time zone)."""
    value = await page.evaluate("""(ms) => new Date(ms).toLocaleTimeString(
        "en-GB", { hour: "2-digit", minute: "2-digit" })""", ts * 1000)
    return str(value)


class Listener(VisitListener):
    """What the kiosk-side engine hears: help acknowledged by the hub, staff coming."""

    def __init__(self, changed: asyncio.Event) -> None:
        self.changed = changed
        self.help_acks = 0
        self.coming: list[str | None] = []

    def on_help_ack(self, message: str) -> None:
        self.help_acks += 1
        self.changed.set()

    def on_help_coming(self, by: str | None) -> None:
        self.coming.append(by)
        self.changed.set()


async def test_help_in_the_call_every_time_and_reception_on_the_way(hub: Any) -> None:
    """A real kiosk-side engine (synthetic camera and microphone) in a real call."""
    s, now = hub.storage, hub.clock.now()
    staff = s.create_account(SITE_STAFF, "desk.demo", "Ann Reception",
                             hash_password(STAFF_PASSWORD), now)
    s.add_site_staff(staff.id, hub.seed.clinic_id, now)
    changed = asyncio.Event()
    heard = Listener(changed)
    media = synthetic_media(320, 240)
    visit = PatientVisit.for_hub(hub.url, media, listener=heard,
                                 token=hub.new_kiosk_token(room="Consulting room 3"))
    async with chromium() as browser, console_page(browser, hub.url) as page:
        errors = PageErrors(page)
        try:
            await sign_in(page, hub.specialist_username, hub.specialist_password)
            await visit.connect()
            checked = await visit.check_in(hub.appointment_code, CHECKS)
            assert isinstance(checked, CheckedIn)
            card = page.locator("#patients > li").first
            await expect(card).to_be_visible(timeout=UI_WAIT_MS)
            await card.locator(".p-join").click()
            await expect(page.locator("#call-view")).to_be_visible(timeout=UI_WAIT_MS)
            await wait_frames_decoded(page, 5)
            banner = page.locator("#help-banner")
            events = page.locator("#call-log li", has_text="The patient asked for help.")
            await expect(banner).to_be_hidden()
            before = await beeps(page)

            # --- the first request: the banner with its time, a Call events line, the chime ---
            await visit.help("other")
            await wait_until(lambda: heard.help_acks == 1, changed)
            await expect(banner).to_be_visible(timeout=UI_WAIT_MS)
            await expect(banner.locator(".help-banner-title")).to_have_text(
                f"The patient asked for help at {await local_clock(page, hub.clock.now())}")
            await expect(events).to_have_count(1)
            await expect(page.locator("#announce-alert")).to_have_text(
                "The patient asked for help.")
            assert await beeps(page) == before + 1
            await expect(page.locator("#call-banner")).to_have_text("Connected")
            await page.screenshot(path=str(SCREENSHOTS / "console-call-help-asked.png"))

            # --- dismissed, then asked again five minutes later: all of it again ---
            await banner.locator(".help-banner-dismiss").click()
            await expect(banner).to_be_hidden()
            await expect(page.locator("#end-call")).to_be_focused()
            hub.clock.advance(300)
            await visit.help("other")
            await expect(events).to_have_count(2, timeout=UI_WAIT_MS)
            await expect(banner).to_be_visible()
            await expect(banner.locator(".help-banner-title")).to_have_text(
                f"The patient asked for help at {await local_clock(page, hub.clock.now())}")
            await expect(banner).to_have_attribute("data-requests", "2")
            assert await beeps(page) == before + 2

            # --- the site's staff answer: the banner and Call events say who is coming ---
            desk = await hub.specialist("desk.demo", STAFF_PASSWORD)
            await desk.send("help_acknowledge", visit_id=checked.visit_id)
            await wait_until(lambda: heard.coming == ["Ann"], changed)
            coming = banner.locator(".help-banner-coming")
            await expect(coming).to_have_text("Reception is on the way: Ann Reception.",
                                              timeout=UI_WAIT_MS)
            await expect(banner).to_have_attribute("data-acknowledged", "true")
            await expect(page.locator("#call-log")).to_contain_text(
                "Reception is on the way: Ann Reception.")
            await page.screenshot(path=str(SCREENSHOTS / "console-call-help.png"))
            await expect(card.locator(".help-coming")).to_have_text(  # the list says so too
                "Reception is on the way: Ann Reception")

            # --- a third request clears the answer: a new alert, nobody on the way yet ---
            hub.clock.advance(60)
            await visit.help("other")
            await expect(events).to_have_count(3, timeout=UI_WAIT_MS)
            await expect(coming).to_be_hidden()
            await expect(banner).to_have_attribute("data-acknowledged", "false")
            assert await beeps(page) == before + 3
            assert errors.errors == []
        finally:
            await visit.close()
            await media.aclose()


async def test_filter_by_waiting_area_kept_over_a_reload(hub: Any) -> None:
    s, now = hub.storage, hub.clock.now()
    eye = s.create_waiting_area(hub.seed.clinic_id, "Eye clinic", now)  # the specialist's too
    site = hub.seed.clinic_name
    eye_code = hub.new_appointment_code(waiting_area_id=eye.id, patient_name="Iain Stewart")
    main_code = hub.new_appointment_code(patient_name="Morag Campbell")
    async with chromium() as browser, console_page(browser, hub.url) as page:
        errors = PageErrors(page)
        await sign_in(page, hub.specialist_username, hub.specialist_password)
        filter_field = page.locator("#area-filter-field")
        await expect(filter_field).to_be_hidden()  # nobody waiting: nothing to choose
        eye_kiosk, _ = await check_in(hub, eye_code, "Room 2")
        main_kiosk, _ = await check_in(hub, main_code, "Room 5")
        cards = page.locator("#patients > li")
        await expect(cards).to_have_count(2, timeout=UI_WAIT_MS)
        select = page.get_by_label("Waiting area")
        await expect(select).to_be_visible()
        await expect(select.locator("option")).to_have_text(
            ["All waiting areas (2)", "Eye clinic (1)", "Main waiting area (1)"])
        await expect(page.locator("#waiting-count")).to_have_text("2 patients")

        # --- choose Eye clinic: only its patient, with the site and room ---
        await select.select_option(label="Eye clinic (1)")
        visible = page.locator("#patients > li:visible")
        await expect(visible).to_have_count(1)
        await expect(visible.first).to_contain_text("Iain Stewart")
        await expect(visible.first).to_contain_text(f"{site} — Room 2")
        await expect(visible.first.locator(".p-appt")).to_contain_text("Eye clinic")
        await expect(page.locator("#waiting-count")).to_have_text(
            "1 patient in Eye clinic · 2 in all")
        await expect(page.locator("#waiting-empty")).to_be_hidden()
        box = await select.bounding_box()
        assert box is not None
        assert box["height"] >= 48  # a target big enough to hit

        # --- a kiosk's call for help before check-in shows under every filter, in words ---
        helper = await hub.kiosk(token=hub.new_kiosk_token(room="Room 7"))
        await helper.send("help", reason="other")
        await helper.expect("help_ack")
        await expect(visible).to_have_count(2, timeout=UI_WAIT_MS)
        flagged = page.locator("#patients > li.needs-help")
        await expect(flagged).to_contain_text("Kiosk needs help")
        await expect(flagged.locator(".help-flag")).to_have_text(
            f"⚠ Help requested at {await local_clock(page, hub.clock.now())}")
        await expect(page.locator("#announce-alert")).to_have_text(
            f"Help requested at {site} — Room 7.")
        await expect(page.locator("#waiting-count")).to_have_text(  # a kiosk is not a patient
            "1 patient in Eye clinic · 2 in all")
        await page.screenshot(path=str(SCREENSHOTS / "console-waiting-filter.png"))
        await helper.send("leave", reason="left")  # staff sorted it out at the kiosk
        await expect(visible).to_have_count(1, timeout=UI_WAIT_MS)

        # --- the choice outlives a reload (same tab, same account) ---
        await page.reload()
        await expect(page.locator("#waiting-view")).to_be_visible(timeout=UI_WAIT_MS)
        await expect(select).to_have_value(str(eye.id), timeout=UI_WAIT_MS)
        await expect(cards.filter(has_text="Morag Campbell")).to_be_hidden()
        await expect(cards.filter(has_text="Iain Stewart")).to_be_visible()

        # --- nobody left in Eye clinic: said in words, the choice stays ---
        await eye_kiosk.send("leave", reason="left")
        await expect(page.locator("#waiting-empty")).to_have_text(
            "Nobody is waiting in Eye clinic. Choose “All waiting areas” to see everyone.",
            timeout=UI_WAIT_MS)
        await expect(select).to_have_value(str(eye.id))
        await expect(select.locator("option")).to_contain_text(["Eye clinic (0)"])

        # --- a patient in another area asks for help: said above the list, one press away ---
        elsewhere = page.locator("#help-elsewhere")
        await expect(elsewhere).to_be_hidden()
        await main_kiosk.send("help", reason="other")
        await expect(elsewhere).to_contain_text(
            f"Help requested in another waiting area: Morag Campbell, {site} — Room 5.",
            timeout=UI_WAIT_MS)
        await expect(page.locator("#announce-alert")).to_have_text(
            f"Help requested at {site} — Room 5.")
        await page.screenshot(path=str(SCREENSHOTS / "console-help-elsewhere.png"))
        show_all = elsewhere.get_by_role("button", name="Show all waiting areas")
        box = await show_all.bounding_box()
        assert box is not None
        assert box["height"] >= 48
        await show_all.click()
        await expect(select).to_have_value("")
        await expect(page.locator("#patients > li:visible")).to_have_count(1)
        await expect(page.locator("#patients > li.needs-help")).to_contain_text("Morag Campbell")
        await expect(elsewhere).to_be_hidden()
        await expect(page.locator("#waiting-empty")).to_be_hidden()
        assert errors.errors == []
