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


@asynccontextmanager
async def module_page(title: str) -> AsyncIterator[Page]:
    """A blank page (titled ``title``) on a loopback server that also serves resources/web at
    /web/, for tests that import the console's ES modules on their own."""
    from aiohttp import web

    from tests.integration.console_support import WEB_ROOT

    blank_html = (f"<!doctype html><html lang='en'><head><title>{title}</title></head>"
                  "<body></body></html>")
    app = web.Application()

    async def blank(_request: web.Request) -> web.Response:
        return web.Response(text=blank_html, content_type="text/html")

    app.router.add_get("/", blank)
    app.router.add_static("/web/", WEB_ROOT)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/"
    try:
        async with chromium() as browser, console_page(browser, url) as opened:
            yield opened
    finally:
        await runner.cleanup()
