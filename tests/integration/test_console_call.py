"""The specialist's console in a real Chromium against a real hub and a real kiosk-side peer:
a patient checks in, asks for help, gets a message, the specialist joins, video flows both
ways, the kiosk renegotiates after a network failure, and the specialist ends the call.

Also takes the console screenshots (1366x768): set CLINIC_KIOSK_SCREENSHOTS=docs/screenshots
to refresh the README's."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from playwright.async_api import expect

from kiosk.call.patient import CheckedIn, PatientVisit, VisitListener
from kiosk.call.session import CallState
from kiosk.media.local import LatestFrame
from kiosk.media.synthetic import synthetic_media
from tests.integration.browser import chromium, console_page
from tests.integration.console_support import (
    SCREENSHOTS,
    UI_WAIT_MS,
    WEB_ROOT,
    PageErrors,
    frames_decoded,
    sign_in,
    wait_frames_decoded,
    wait_until,
)
from tests.integration.test_call_hub import break_transport

pytestmark = pytest.mark.integration

CHECKS = {"camera": "pass", "microphone": "pass", "speaker": "warn", "network": "pass"}


@pytest.fixture
async def hub(hub_factory: Any) -> Any:
    """The demo hub, serving the console from resources/web/."""
    return await hub_factory(web_root=WEB_ROOT)


class Recorder(VisitListener):
    def __init__(self, changed: asyncio.Event) -> None:
        self.changed = changed
        self.states: list[CallState] = []
        self.messages: list[tuple[str, str | None]] = []
        self.ended: list[str] = []

    def on_call_state(self, state: CallState) -> None:
        self.states.append(state)
        self.changed.set()

    def on_message(self, text: str, sender: str | None) -> None:
        self.messages.append((text, sender))
        self.changed.set()

    def on_ended(self, reason: str) -> None:
        self.ended.append(reason)
        self.changed.set()


@pytest.mark.expect_log(
    r"reconnecting \(connection_failed\), attempt",
    logger="kiosk.call.session")
async def test_console_takes_a_call_end_to_end(hub: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    changed = asyncio.Event()
    recorder = Recorder(changed)
    sink = LatestFrame(on_video=lambda _f: changed.set())
    media = synthetic_media(640, 480)
    kiosk_token = hub.new_kiosk_token(room="Consulting room 3", name="Kiosk 3")
    visit = PatientVisit.for_hub(hub.url, media, token=kiosk_token, sink=sink, listener=recorder)
    other_code = hub.new_appointment_code(patient_name="Morag Campbell")
    async with chromium() as browser, console_page(browser, hub.url) as page:
        errors = PageErrors(page)
        await sign_in(page, hub.specialist_username, hub.specialist_password)
        await expect(page.locator("#waiting-empty")).to_be_visible()
        try:
            # --- a patient checks in at a kiosk and appears, with the device checks ---
            await visit.connect()
            assert isinstance(await visit.check_in(hub.appointment_code, CHECKS), CheckedIn)
            cards = page.locator("#patients > li")
            await expect(cards).to_have_count(1, timeout=UI_WAIT_MS)
            card = cards.first
            await expect(card).to_contain_text("Consulting room 3")
            await expect(card).to_contain_text(hub.seed.clinic_name)
            await expect(card).to_contain_text("Camera: OK")
            await expect(card).to_contain_text("Speaker: Warning")
            await expect(card).to_contain_text("waiting less than a minute")
            await expect(card.locator(".status-pill")).to_have_text("Waiting")
            await expect(page.locator("#waiting-count")).to_have_text("1 patient")

            # --- a second kiosk's patient asks for help: highlighted, announced, a beep ---
            other = await hub.kiosk(token=hub.new_kiosk_token(room="Consulting room 1"))
            await other.send("check_in", code=other_code, checks={
                "camera": "pass", "microphone": "fail", "speaker": "pass", "network": "warn"})
            await other.expect("checked_in")
            await other.send("help", reason="microphone")
            await expect(cards).to_have_count(2, timeout=UI_WAIT_MS)
            helper = page.locator("#patients > li.needs-help")
            await expect(helper).to_have_count(1, timeout=UI_WAIT_MS)
            await expect(helper).to_contain_text("Help requested")
            await expect(helper).to_contain_text("Microphone: Failed")
            await expect(page.locator("#announce-alert")).to_have_text(
                "Help requested at " + hub.seed.clinic_name + " — Consulting room 1.")
            await expect(page.locator("#announce-alert")).to_have_attribute("data-beeps", "1")
            await page.locator("#patients > li").first.locator(".p-message-toggle").click()
            await card.locator(".chip", has_text="Running 10 min late").click()
            await page.screenshot(path=str(SCREENSHOTS / "console-waiting.png"))
            await other.send("leave", reason="left")
            await expect(cards).to_have_count(1, timeout=UI_WAIT_MS)

            # --- a message to the waiting patient (quick reply) ---
            await expect(card.locator(".p-message")).to_be_visible()
            await card.locator(".p-message button[type=submit]").click()
            await expect(card.locator(".sent-note")).to_contain_text("Sent at")
            await wait_until(lambda: bool(recorder.messages), changed)
            assert recorder.messages[0][0].startswith("I'm running about 10 minutes late")

            # --- join: video both ways ---
            await card.locator(".p-join").click()
            await expect(page.locator("#call-view")).to_be_visible(timeout=UI_WAIT_MS)
            await wait_frames_decoded(page, 30)
            await wait_until(lambda: sink.video_frames >= 30, changed)
            await expect(page.locator("#call-banner")).to_have_text("Connected")
            await expect(page.locator("#q-in .q-word")).to_have_text("Good", timeout=UI_WAIT_MS)
            await expect(page.locator("#q-out .q-word")).not_to_have_text("Measuring…",
                                                                          timeout=UI_WAIT_MS)
            await page.screenshot(path=str(SCREENSHOTS / "console-call.png"))

            # --- a message in the call: shown as sent only once the hub took it ---
            seen = len(recorder.messages)
            await page.fill("#call-message", "Can you hear me clearly?")
            await page.click("#call-message-form button[type=submit]")
            await expect(page.locator("#call-log")).to_contain_text(
                "You sent: “Can you hear me clearly?”", timeout=UI_WAIT_MS)
            await expect(page.locator("#call-message")).to_have_value("")
            await wait_until(lambda: len(recorder.messages) > seen, changed)
            assert recorder.messages[-1][0] == "Can you hear me clearly?"

            # --- the kiosk's network fails; it renegotiates; the console follows ---
            session = visit.session
            assert session is not None
            assert session.peer is not None
            break_transport(session.peer.pc)
            await expect(page.locator("#call-log")).to_contain_text(
                "The patient's connection dropped; reconnecting…", timeout=UI_WAIT_MS)
            await expect(page.locator("#tech")).to_have_attribute("data-attempt", "2",
                                                                  timeout=UI_WAIT_MS)
            before = sink.video_frames
            await wait_frames_decoded(page, 30)  # counters restart with the new connection
            await wait_until(lambda: sink.video_frames >= before + 30
                             and session.state is CallState.CONNECTED, changed)
            await expect(page.locator("#call-log")).to_contain_text("Reconnected.")
            await expect(page.locator("#tech")).to_have_attribute("data-reconnects", "1")
            assert await frames_decoded(page) > 30

            # --- the specialist ends the call (with a confirmation) ---
            await page.click("#end-call")
            await expect(page.locator("#end-dialog")).to_be_visible()
            await page.click("#end-confirm")
            await expect(page.locator("#waiting-view")).to_be_visible(timeout=UI_WAIT_MS)
            await expect(page.locator("#call-summary-text")).to_contain_text("You ended the call.")
            await expect(page.locator("#call-summary-text")).to_contain_text("Duration")
            await expect(page.locator("#call-summary-text")).to_contain_text("Reconnected once.")
            await expect(cards).to_have_count(0, timeout=UI_WAIT_MS)
            await expect(page.locator("#waiting-empty")).to_be_visible()
            await wait_until(lambda: bool(recorder.ended), changed)
            assert recorder.ended == ["specialist_hangup"]

            # --- no secret in the page or the hub's logs ---
            html = await page.content()
            cookies = await page.context.cookies()
            secrets = [hub.appointment_code, other_code, hub.specialist_password, kiosk_token,
                       *[c["value"] for c in cookies]]
            assert cookies, "the session cookie should be set"
            logs = "\n".join(r.getMessage() for r in caplog.records)
            for secret in secrets:
                assert secret not in html
                assert secret not in logs
            assert errors.errors == []
        finally:
            await visit.close()
            await media.aclose()


@pytest.mark.expect_log(r"message not_allowed", logger="kiosk.hub.ws")
async def test_a_message_the_hub_refuses_is_shown_as_not_sent(hub: Any) -> None:
    """The send is awaited: a refusal keeps the text in the box and says why, in words."""
    async with chromium() as browser, console_page(browser, hub.url) as page:
        errors = PageErrors(page)
        await sign_in(page, hub.specialist_username, hub.specialist_password)
        kiosk = await hub.kiosk()
        await kiosk.send("check_in", code=hub.appointment_code, checks=CHECKS)
        await kiosk.expect("checked_in")
        card = page.locator("#patients > li").first
        await expect(card).to_be_visible(timeout=UI_WAIT_MS)
        await card.locator(".p-message-toggle").click()
        box = card.locator(".p-message textarea")
        await kiosk.close()  # the kiosk's socket drops: the hub holds the visit, can't deliver
        await expect(card.locator(".status-pill")).not_to_have_text("Waiting",
                                                                    timeout=UI_WAIT_MS)
        await box.fill("Please come to room 2")
        await card.locator(".p-message button[type=submit]").click()
        note = card.locator(".sent-note")
        await expect(note).to_have_text(
            "Not sent: the patient's kiosk is reconnecting. Try again in a moment.",
            timeout=UI_WAIT_MS)
        await expect(note).to_have_attribute("data-state", "failed")
        await expect(box).to_have_value("Please come to room 2")
        await page.screenshot(path=str(SCREENSHOTS / "console-message-not-sent.png"))
        assert errors.errors == []


@pytest.mark.expect_log(r"message not_allowed", logger="kiosk.hub.ws")
async def test_a_message_in_the_call_shows_as_sent_only_once_the_hub_took_it(hub: Any) -> None:
    """In the call, the send is awaited: a message the hub took shows "You sent…" and empties the
    box; one it cannot deliver (the kiosk's socket dropped) keeps the text in the box and says
    why in words, in a status region; once the kiosk is back the same text goes. Neither the
    text nor anything else secret reaches the browser's console."""
    kiosk_token = hub.new_kiosk_token(room="Consulting room 2")
    async with chromium() as browser, console_page(browser, hub.url) as page:
        errors = PageErrors(page)
        console_lines: list[str] = []
        page.on("console", lambda msg: console_lines.append(msg.text))
        await sign_in(page, hub.specialist_username, hub.specialist_password)
        kiosk = await hub.kiosk(token=kiosk_token)
        await kiosk.send("check_in", code=hub.appointment_code, checks=CHECKS)
        checked = await kiosk.expect("checked_in")
        card = page.locator("#patients > li").first
        await expect(card).to_be_visible(timeout=UI_WAIT_MS)
        await card.locator(".p-join").click()
        await expect(page.locator("#call-view")).to_be_visible(timeout=UI_WAIT_MS)
        await kiosk.expect("joined")
        box = page.locator("#call-message")
        status = page.locator("#call-message-status")
        send = page.locator("#call-message-form button[type=submit]")
        events = page.locator("#call-log")
        await expect(status).to_have_attribute("role", "status")  # a live region: announced

        # --- the hub takes it: "You sent…", the box empties ---
        await box.fill("Can you see the chart?")
        await send.click()
        await expect(events).to_contain_text("You sent: “Can you see the chart?”",
                                             timeout=UI_WAIT_MS)
        await expect(box).to_have_value("")
        await expect(status).to_have_text("Sent.")
        assert (await kiosk.expect("message"))["text"] == "Can you see the chart?"

        # --- the kiosk's socket drops: the hub keeps the visit but cannot deliver ---
        await kiosk.close()
        await expect(card.locator(".status-pill")).to_have_text("Kiosk reconnecting",
                                                                timeout=UI_WAIT_MS)
        await box.fill("Are you still there?")
        await send.click()
        await expect(status).to_have_text(
            "Not sent: the patient's kiosk is reconnecting. Try again in a moment.",
            timeout=UI_WAIT_MS)
        await expect(status).to_have_attribute("data-state", "failed")
        await expect(box).to_have_value("Are you still there?")  # kept, to send again
        await expect(box).to_be_focused()
        await expect(send).to_be_enabled()
        await expect(events).not_to_contain_text("Are you still there?")
        await expect(page.locator("#call-view")).to_be_visible()
        await page.screenshot(path=str(SCREENSHOTS / "console-call-message-not-sent.png"))

        # --- the kiosk is back: the same text, sent again, goes ---
        back = await hub.kiosk(token=kiosk_token, resume={
            "visit_id": checked["visit_id"], "resume_token": checked["resume_token"]})
        assert back.welcome["resumed"]["visit_id"] == checked["visit_id"]
        await expect(card.locator(".status-pill")).to_contain_text("In a call", timeout=UI_WAIT_MS)
        await send.click()
        await expect(events).to_contain_text("You sent: “Are you still there?”",
                                             timeout=UI_WAIT_MS)
        await expect(box).to_have_value("")
        await expect(status).to_have_text("Sent.")
        assert (await back.expect("message"))["text"] == "Are you still there?"

        secrets = ["Can you see the chart?", "Are you still there?", hub.appointment_code,
                   checked["resume_token"], hub.specialist_password, kiosk_token]
        for line in console_lines:
            for secret in secrets:
                assert secret not in line
        assert errors.errors == []
