"""Chromium for console tests, through Playwright's async API (so it shares the test's event loop
with the in-process hub).

Debian's ``/usr/bin/chromium``, flags as in docs/architecture.md §11 (fake camera and microphone, no
permission prompts). Never ``playwright install``: tests skip, with a clear reason, where that
browser is absent. One browser per test module user; a new context (clean cookies) per page.
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext, Page, ViewportSize, async_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = (
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
)
VIEWPORT = ViewportSize(width=1366, height=768)


def require_chromium() -> None:
    """Skip the calling test if Debian's Chromium is not installed."""
    if not CHROMIUM.is_file() or shutil.which(str(CHROMIUM)) is None:
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); console tests "
                    "need a real browser and never download one")


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    """A headless Chromium, closed on exit."""
    require_chromium()
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                           args=list(CHROMIUM_FLAGS))
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def console_page(browser: Browser, url: str) -> AsyncIterator[Page]:
    """A page at 1366x768 in a fresh context (own cookies), opened at ``url``."""
    context: BrowserContext = await browser.new_context(
        viewport=VIEWPORT, permissions=["camera", "microphone"], locale="en-GB",
        timezone_id="Europe/London")
    try:
        page = await context.new_page()
        await page.goto(url)
        yield page
    finally:
        await context.close()
