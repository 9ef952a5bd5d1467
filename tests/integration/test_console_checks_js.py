"""The console's check words (resources/web/format.js) in a real Chromium: what the specialist
sees matches what happened at the kiosk: a camera that failed says "Failed" and why, and only a
check that was never done says "Not checked"."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Page

from kiosk.checks.camera import STAFF_ADVICE as CAMERA_ADVICE
from kiosk.journey import AppointmentInfo, Journey
from tests.integration.browser import module_page

pytestmark = pytest.mark.integration

@pytest.fixture
async def page() -> AsyncIterator[Page]:
    """A blank page on a loopback server that also serves resources/web at /web/."""
    async with module_page("format.js") as opened:
        yield opened


async def shown(page: Page, checks: dict[str, str], *, advice: bool = False) -> list[str]:
    """The check lines renderChecks puts in a list, as the specialist reads them (``advice``:
    each line's tooltip, the kiosk's advice for staff, instead)."""
    result = await page.evaluate("""async ([checks, advice]) => {
        const f = await import("/web/format.js");
        const ul = document.createElement("ul");
        f.renderChecks(ul, checks);
        return [...ul.children].map((li) => advice ? li.title : li.textContent);
    }""", [checks, advice])
    assert isinstance(result, list)
    return [str(r) for r in result]


async def test_a_kiosk_without_a_camera_shows_failed_and_why(page: Page) -> None:
    journey = Journey()
    journey.start(0)
    journey.submit_code("0123456789", 0)
    journey.check_in_succeeded(AppointmentInfo("Dr Jones", "10:30"), 1)
    journey.camera_checked("absent", 2)
    journey.continue_without_camera(3)
    journey.check_result("microphone", "pass", 4)
    summary = journey.check_summary()  # exactly what the kiosk sends the hub
    assert await shown(page, summary) == [
        "✕Camera: Failed (no camera found)", "✓Microphone: OK", "–Speaker: Not checked",
        "–Network: Not checked"]
    assert await shown(page, summary, advice=True) == [
        CAMERA_ADVICE["absent"], "", "", ""]  # staff: what to do, on the failed line


async def test_detail_words_only_for_a_failed_check_and_never_markup(page: Page) -> None:
    lines = await shown(page, {"camera": "fail", "camera_detail": "frozen", "speaker": "fail",
                               "microphone": "pass", "microphone_detail": "black",
                               "network": "fail", "network_detail": "<b>x</b>"})
    assert lines == ["✕Camera: Failed (the picture was frozen)", "✓Microphone: OK",
                     "✕Speaker: Failed", "✕Network: Failed"]
    assert await shown(page, {"camera": "fail", "camera_detail": "__proto__"}) == [
        "✕Camera: Failed", "–Microphone: Not checked", "–Speaker: Not checked",
        "–Network: Not checked"]
