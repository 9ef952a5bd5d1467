"""Shared pieces of the console tests: the hub with the console's static files, signing in in
the browser, collecting page errors, and waiting on kiosk-side conditions."""

from __future__ import annotations

import asyncio
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.async_api import ConsoleMessage, Error, Page, expect

WEB_ROOT = Path(__file__).resolve().parents[2] / "resources" / "web"
#: Where the end-to-end test saves the console's screenshots: a scratch folder, unless
#: ``CLINIC_KIOSK_SCREENSHOTS`` names one (``docs/screenshots`` to refresh the README's), so a
#: test run never changes tracked files.
SCREENSHOTS = Path(os.environ.get("CLINIC_KIOSK_SCREENSHOTS")
                   or tempfile.mkdtemp(prefix="console-screenshots-"))
#: Page conditions (ms) and kiosk-side conditions (s).
UI_WAIT_MS = 15_000
WAIT = 20.0


class PageErrors:
    """Script errors and CSP violations on a page (expected HTTP 4xx resources are not errors)."""

    def __init__(self, page: Page) -> None:
        self.errors: list[str] = []
        page.on("pageerror", self._page_error)
        page.on("console", self._console)

    def _page_error(self, exc: Error) -> None:
        self.errors.append(f"pageerror: {exc}")

    def _console(self, msg: ConsoleMessage) -> None:
        text = msg.text
        if msg.type == "error" and "Failed to load resource" not in text:
            self.errors.append(text)
        if "Content Security Policy" in text or "Refused to" in text:
            self.errors.append(text)


async def sign_in(page: Page, username: str, password: str) -> None:
    """Sign in through the form and wait until the waiting room is live."""
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("#signin-button")
    await expect(page.locator("#waiting-view")).to_be_visible(timeout=UI_WAIT_MS)
    await expect(page.locator("#link-state")).to_have_attribute("data-state", "up",
                                                                timeout=UI_WAIT_MS)


async def wait_until(predicate: Callable[[], bool], event: asyncio.Event,
                     within: float = WAIT) -> None:
    """Wait until ``predicate()`` holds, re-checking whenever ``event`` fires (or every 0.2 s)."""
    async with asyncio.timeout(within):
        while not predicate():
            event.clear()
            try:
                async with asyncio.timeout(0.2):
                    await event.wait()
            except TimeoutError:
                pass


async def frames_decoded(page: Page) -> int:
    """Video frames decoded by the current peer connection (from the browser's getStats)."""
    value: Any = await page.get_attribute("#tech", "data-frames-decoded")
    return int(value or 0)


async def wait_frames_decoded(page: Page, above: int, within: float = WAIT) -> int:
    """Wait until the console reports more than ``above`` decoded frames. (Polls the DOM: the
    page's CSP forbids the eval that ``wait_for_function`` needs.)"""
    async with asyncio.timeout(within):
        while (count := await frames_decoded(page)) <= above:
            await page.locator("#tech").wait_for(state="attached", timeout=1000)
            await asyncio.sleep(0.2)  # poll interval of a condition wait, not a fixed delay
    return count
