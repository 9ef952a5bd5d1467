"""The console's security in a real Chromium: sign-in errors (wrong password, locked account),
session restore, clinic isolation, CSRF on sign-out, security headers on the page and its
scripts, and the JavaScript protocol mirror matching kiosk/protocol.py."""

from __future__ import annotations

import json
from typing import Any

import pytest
from playwright.async_api import Page, expect

from kiosk import protocol
from tests.integration.browser import chromium, console_page
from tests.integration.console_support import UI_WAIT_MS, WEB_ROOT, PageErrors, sign_in

pytestmark = pytest.mark.integration


@pytest.fixture
async def hub(hub_factory: Any) -> Any:
    """The demo hub, serving the console from resources/web/."""
    return await hub_factory(web_root=WEB_ROOT)


async def try_sign_in(page: Page, username: str, password: str) -> str:
    await page.fill("#username", username)
    await page.fill("#password", password)
    await page.click("#signin-button")
    error = page.locator("#signin-error")
    await expect(error).to_be_visible(timeout=UI_WAIT_MS)
    await expect(page.locator("#signin-button")).to_be_enabled()
    return await error.inner_text()


@pytest.mark.expect_log(
    r"login failed: wrong password for specialist",
    r"login refused: specialist",
    logger="kiosk.hub.api")
async def test_sign_in_errors_lockout_and_session_restore(hub: Any) -> None:
    hub.new_specialist(hub.seed.clinic_id, "dr.locked", "right password 1")
    async with chromium() as browser, console_page(browser, hub.url) as page:
        errors = PageErrors(page)
        await expect(page.locator("#signin-view")).to_be_visible()
        await expect(page.locator("#username")).to_be_focused()
        text = await try_sign_in(page, hub.specialist_username, "not the password")
        assert "username or password is wrong" in text
        assert await page.input_value("#password") == ""  # never left in the form

        for _ in range(4):
            text = await try_sign_in(page, "dr.locked", "wrong password")
            assert "wrong" in text
        text = await try_sign_in(page, "dr.locked", "wrong password")  # the fifth in a row
        assert "locked after too many wrong passwords" in text
        assert "You can try again at" in text
        text = await try_sign_in(page, "dr.locked", "right password 1")  # still locked
        assert "locked" in text

        await sign_in(page, hub.specialist_username, hub.specialist_password)
        await expect(page.locator("#who-name")).to_have_text("Dr Demo Specialist")
        await page.reload()  # the session is restored with GET /api/me
        await expect(page.locator("#waiting-view")).to_be_visible(timeout=UI_WAIT_MS)
        await expect(page.locator("#link-state")).to_have_attribute("data-state", "up",
                                                                    timeout=UI_WAIT_MS)
        assert errors.errors == []


@pytest.mark.expect_log(r"join forbidden", logger="kiosk.hub.ws")
async def test_another_clinic_cannot_see_or_join(hub: Any) -> None:
    clinic_id, _area = hub.new_clinic("Other Clinic")
    hub.new_specialist(clinic_id, "dr.other", "other password 1", name="Dr Other")
    watcher = await hub.specialist()  # the demo clinic's specialist sees the patient appear
    kiosk = await hub.kiosk()
    await kiosk.send("check_in", code=hub.appointment_code, checks={"camera": "pass"})
    checked = await kiosk.expect("checked_in")
    visit_id = checked["visit_id"]
    while True:
        listed = await watcher.expect("waiting_list")
        if listed["patients"]:
            break
    async with chromium() as browser, console_page(browser, hub.url) as page:
        await sign_in(page, "dr.other", "other password 1")
        await expect(page.locator("#waiting-empty")).to_be_visible()
        await expect(page.locator("#patients > li")).to_have_count(0)
        # The same browser session, speaking the protocol directly, is refused.
        reply = await page.evaluate("""async (visitId) => {
            const ws = new WebSocket(`ws://${location.host}/ws`);
            const got = [];
            await new Promise((resolve) => ws.addEventListener("open", resolve));
            const done = new Promise((resolve) => ws.addEventListener("message", (e) => {
                const msg = JSON.parse(e.data);
                got.push(msg);
                if (msg.type === "error") resolve(msg);
            }));
            ws.send(JSON.stringify({v: 1, type: "hello", role: "specialist"}));
            ws.send(JSON.stringify({v: 1, type: "join", visit_id: visitId}));
            const error = await done;
            ws.close();
            return {error, seen: got.filter((m) => m.type === "waiting_list")};
        }""", visit_id)
        assert reply["error"]["code"] == "forbidden"
        assert all(not m["patients"] for m in reply["seen"])
    await kiosk.send("leave")


@pytest.mark.expect_log(
    r"logout refused: missing or wrong CSRF token \(specialist",
    logger="kiosk.hub.api")
async def test_sign_out_needs_the_csrf_token(hub: Any) -> None:
    async with chromium() as browser, console_page(browser, hub.url) as page:
        await sign_in(page, hub.specialist_username, hub.specialist_password)
        status = await page.evaluate("""async () => (await fetch("/api/logout", {
            method: "POST", headers: {"Content-Type": "application/json"}, body: "{}"})).status""")
        assert status == 403
        await page.reload()  # still signed in
        await expect(page.locator("#waiting-view")).to_be_visible(timeout=UI_WAIT_MS)
        await page.click("#sign-out")
        await expect(page.locator("#signin-view")).to_be_visible(timeout=UI_WAIT_MS)
        await expect(page.locator("#signin-error")).to_have_text("You have signed out.")
        assert await page.context.cookies() == [] or all(
            c["name"] != "clinic_session" or not c["value"] for c in await page.context.cookies())
        await page.reload()
        await expect(page.locator("#signin-view")).to_be_visible(timeout=UI_WAIT_MS)


@pytest.mark.parametrize("path", ["/", "/app.js", "/protocol.js", "/console.css", "/base.css"])
async def test_security_headers_on_the_console(hub: Any, path: str) -> None:
    session = hub.client_session()
    async with session.get(hub.url + path) as resp:
        assert resp.status == 200
        body = await resp.text()
        headers = resp.headers
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "object-src 'none'", "frame-ancestors 'none'", "base-uri 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert "unsafe-eval" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "camera=(self)" in headers["Permissions-Policy"]
    assert headers["Cache-Control"] == "no-cache"  # revalidated, so upgrades take effect
    if path.endswith(".js"):
        assert "javascript" in headers["Content-Type"]
    if path == "/":
        assert "<script type=\"module\" src=\"app.js\"></script>" in body
        assert " style=" not in body
        assert "onclick" not in body.lower()


async def test_no_inline_script_or_style_in_the_console() -> None:
    html = (WEB_ROOT / "index.html").read_text()
    assert "<style" not in html
    assert " style=" not in html
    assert html.count("<script") == 1
    assert 'src="app.js"' in html
    for script in WEB_ROOT.glob("*.js"):
        text = script.read_text()
        for banned in ("http://", "https://", "eval(", "new Function"):  # no external resources
            assert banned not in text, (script, banned)


async def test_protocol_js_mirrors_protocol_py(hub: Any) -> None:
    async with chromium() as browser, console_page(browser, hub.url) as page:
        mirror = json.loads(await page.evaluate("""async () => {
            const m = await import("/protocol.js");
            return JSON.stringify({schemas: m.SCHEMAS, errors: m.ERROR_CODES, version:
                m.PROTOCOL_VERSION, max: m.MAX_MESSAGE_BYTES, secrets: m.SECRET_FIELDS});
        }"""))
    assert mirror["version"] == protocol.PROTOCOL_VERSION
    assert mirror["max"] == protocol.MAX_MESSAGE_BYTES
    assert set(mirror["errors"]) == set(protocol.ERROR_CODES)
    assert set(mirror["secrets"]) == set(protocol.SECRET_FIELDS)
    expected = {mtype: {name: [f.kind, f.required, f.limit] for name, f in fields.items()}
                for mtype, fields in protocol.SCHEMAS.items()}
    assert mirror["schemas"] == expected


async def test_keyboard_only_sign_in(hub: Any) -> None:
    async with chromium() as browser, console_page(browser, hub.url) as page:
        await expect(page.locator("#username")).to_be_focused(timeout=UI_WAIT_MS)
        await page.keyboard.type(hub.specialist_username)
        await page.keyboard.press("Tab")
        await expect(page.locator("#password")).to_be_focused()
        await page.keyboard.type(hub.specialist_password)
        await page.keyboard.press("Tab")
        await expect(page.locator("#signin-button")).to_be_focused()
        await page.keyboard.press("Enter")
        await expect(page.locator("#waiting-view")).to_be_visible(timeout=UI_WAIT_MS)
        await expect(page.locator("#waiting-title")).to_be_focused()  # focus follows the view
        await page.keyboard.press("Shift+Tab")
        await expect(page.locator("#sign-out")).to_be_focused()
