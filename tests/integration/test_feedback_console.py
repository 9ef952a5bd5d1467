"""The console's "Patient feedback" page in a real Chromium: reached from the console's nav link
after signing in, it shows the clinic's counts, SVG charts with tables behind them and the
comments (as text, not HTML), offers the CSV, asks for sign-in when there is no session, and
breaks no CSP rule."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import expect

from kiosk.feedback.store import FeedbackStore
from kiosk.feedback.sync import FeedbackSync
from tests.integration.browser import chromium, console_page
from tests.integration.console_support import UI_WAIT_MS, WEB_ROOT, PageErrors, sign_in
from tests.integration.feedback_support import GatedSleeper, answer_survey

pytestmark = pytest.mark.integration

COMMENT = "<b>Great</b> & easy"
SHOT_DIR = os.environ.get("FEEDBACK_SCREENSHOT_DIR")  # set to save a screenshot of the page


@pytest.fixture
async def hub(hub_factory: Any) -> Any:
    """The demo hub, serving the console from resources/web/."""
    return await hub_factory(web_root=WEB_ROOT)


async def test_feedback_page(hub: Any, tmp_path: Path) -> None:
    with FeedbackStore(tmp_path / "feedback.sqlite3") as store:
        answer_survey(store)
        answer_survey(store, (("overall", 2), ("saved_journey", "no"), ("comments", COMMENT)))
        token = hub.new_kiosk_token()
        sync = FeedbackSync(store, hub.url, lambda: token, sleeper=GatedSleeper())
        await sync.start()
        try:
            await sync.wait_for(lambda s: s.sent == 10, 10)
        finally:
            await sync.stop()

    async with chromium() as browser, console_page(browser, hub.url) as page:
        errors = PageErrors(page)
        await sign_in(page, hub.specialist_username, hub.specialist_password)
        await page.click("#nav-feedback")
        await expect(page.locator("#results-view")).to_be_visible(timeout=UI_WAIT_MS)
        await expect(page.locator("#results-view")).to_have_attribute("aria-busy", "false")
        await expect(page.locator("#count-responses")).to_have_text("2")
        await expect(page.locator("#count-average")).to_have_text("3.0")
        await expect(page.locator("#count-saved")).to_have_text("50%")
        await expect(page.locator("#count-comments")).to_have_text("2")

        experience = page.locator("#experience-chart svg[role=img]")
        await expect(experience).to_have_count(1)
        assert await page.locator("#experience-chart svg circle").count() == 1
        assert await page.locator("#saved-chart svg rect.bar").count() == 1
        assert await page.locator("#time-chart svg rect.bar").count() == 4
        labelled = await experience.get_attribute("aria-labelledby")
        assert labelled is not None
        title_id = labelled.split()[0]
        assert await page.locator(f"[id='{title_id}']").text_content() == \
            "Average experience by week"
        assert await page.locator("#experience-table tbody tr").count() == 1
        assert await page.locator("#time-table tbody tr").count() == 4
        assert await page.locator("[style]").count() == 0  # no inline styles anywhere

        comments = page.locator("#comments .comment blockquote")
        await expect(comments).to_have_count(2)
        await expect(comments.first).to_have_text(COMMENT)  # text, not markup
        assert await page.locator("#comments b").count() == 0
        assert await page.get_attribute("#download-csv", "href") == "/api/feedback.csv"
        response = await page.request.get(f"{hub.url}/api/feedback.csv")
        assert response.status == 200
        assert COMMENT in await response.text()

        # Signed out (a fresh context): the page asks for sign-in, then shows the results.
        async with console_page(browser, f"{hub.url}/results.html") as fresh:
            fresh_errors = PageErrors(fresh)
            await expect(fresh.locator("#signin-view")).to_be_visible(timeout=UI_WAIT_MS)
            await fresh.fill("#username", hub.specialist_username)
            await fresh.fill("#password", hub.specialist_password)
            await fresh.click("#signin-button")
            await expect(fresh.locator("#count-responses")).to_have_text("2",
                                                                          timeout=UI_WAIT_MS)
            assert fresh_errors.errors == []
        assert errors.errors == []
        if SHOT_DIR:
            await page.screenshot(path=str(Path(SHOT_DIR) / "feedback.png"), full_page=True)


def test_no_inline_script_or_style_on_the_page() -> None:
    html = (WEB_ROOT / "results.html").read_text()
    assert "<style" not in html
    assert " style=" not in html
    assert html.count("<script") == 1
    assert '<script type="module" src="results.js"></script>' in html
    script = (WEB_ROOT / "results.js").read_text()
    for banned in ("http://", "https://", "eval(", "new Function", "innerHTML", ".style"):
        assert banned not in script, banned
    index = (WEB_ROOT / "index.html").read_text()
    assert 'href="results.html"' in index
