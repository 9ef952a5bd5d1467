"""Every control of the specialist's console is a target of at least 48 x 48 CSS px at 1080p
(the project's accessibility rule, not only the kiosk's), and has an accessible name: the
sign-in page, and the waiting room with a patient whose message form is open. Measured in a
real Chromium on the real hub."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.async_api import Page, expect

from tests.integration.browser import chromium, console_page
from tests.integration.console_support import UI_WAIT_MS, WEB_ROOT, PageErrors, sign_in

pytestmark = pytest.mark.integration

MIN_PX = 48
#: Every visible control's box and accessible name (its label, aria-label or text).
CONTROLS = """
() => [...document.querySelectorAll(
    'button, input:not([type=hidden]), select, textarea, a[href], [role=button]')]
  .filter((el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  })
  .map((el) => {
    const r = el.getBoundingClientRect();
    const labelled = (el.labels && el.labels.length ? [...el.labels].map((l) => l.textContent)
      : []).join(' ') || el.getAttribute('aria-label')
      || (el.getAttribute('aria-labelledby') || '').split(' ')
           .map((id) => document.getElementById(id)?.textContent || '').join(' ')
      || el.textContent || el.getAttribute('title') || '';
    // An inline link inside a sentence is exempt (WCAG 2.5.8's inline exception).
    const inline = el.tagName === 'A' && getComputedStyle(el).display === 'inline';
    return {what: el.outerHTML.slice(0, 80), w: r.width, h: r.height,
            name: labelled.trim(), inline};
  })
"""


async def too_small(page: Page) -> list[dict[str, Any]]:
    controls: list[dict[str, Any]] = await page.evaluate(CONTROLS)
    assert controls, "no controls found"
    return [c for c in controls if not c["inline"]
            and (c["h"] < MIN_PX - 0.5 or c["w"] < MIN_PX - 0.5 or not c["name"])]


@pytest.fixture
async def hub(hub_factory: Any) -> Any:
    return await hub_factory(web_root=WEB_ROOT)


async def test_every_control_is_a_48_px_target_with_a_name(hub: Any) -> None:
    async with chromium() as browser, console_page(browser, hub.url) as page:
        errors = PageErrors(page)
        await expect(page.locator("#username")).to_be_visible(timeout=UI_WAIT_MS)
        assert await too_small(page) == []

        kiosk = await hub.kiosk(token=hub.new_kiosk_token(room="Room 1"))
        await kiosk.send("check_in", code=hub.appointment_code,
                         checks={"camera": "pass", "microphone": "pass"})
        await kiosk.expect("checked_in")
        await sign_in(page, hub.specialist_username, hub.specialist_password)
        card = page.locator("#patients > li").first
        await expect(card).to_be_visible(timeout=UI_WAIT_MS)
        await card.locator(".p-message-toggle").click()
        await expect(card.locator(".p-message textarea")).to_be_visible()
        assert await too_small(page) == []
        assert errors.errors == []
