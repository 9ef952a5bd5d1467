"""A clinic's day on the real, non-demo path, end to end (issue 12, item 6).

IT sets the hub up only with ``clinic-hub`` commands and starts ``clinic-hub serve``. The kiosk
runs as the app ``clinic-kiosk`` (its real entry point, tests/helpers/e2e_kiosk.py) full screen
on an X server (Xvfb), in the kiosk user's session: a D-Bus session with GNOME Keyring unlocked
and a sound server (a private PulseAudio: a speaker and a microphone the test can feed). CI has
no camera, so IT's flag ``--test-pattern-camera`` gives a test pattern. Every touch and key
reaches the app through the X server (``xdotool``); a read-only probe says where widgets are and
what is shown (tests/e2e/kiosk_driver.py).

The journey: with no keyring the kiosk is out of service; in the keyring session, unpaired, it
is out of service; IT sets the PIN with ``clinic-kiosk admin set-pin --pin-stdin``; staff open
admin mode with Ctrl+Alt+A and the PIN, pair with the code from ``clinic-hub kiosk pair`` and
press "Restart the kiosk app"; the supervisor (a loop with the unit's contract) starts it
again, paired. A patient checks in with the code from ``clinic-hub appointment create``, passes
the camera, microphone and sound checks and waits; the specialist, in Debian's Chromium, sees
the patient with the room and the checks, sends a message, joins; video and sound flow both
ways; the specialist ends the call; the patient's survey answers reach the hub
(``clinic-hub feedback export``). A screenshot of each step goes to a scratch folder (printed).
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Page, expect

from kiosk.config import KioskSettings, save_settings
from tests.e2e.kiosk_driver import CLINIC_KIOSK, Kiosk, XServer, hub_cli, hub_serving, tail
from tests.helpers.keyring_session import KeyringSession
from tests.helpers.sound_server import SoundServer, tone
from tests.integration.browser import VIEWPORT, chromium
from tests.integration.console_support import (
    UI_WAIT_MS,
    PageErrors,
    sign_in,
    wait_frames_decoded,
)

pytestmark = pytest.mark.timeout(240)

CLINIC, AREA, ROOM = "Leith Community Clinic", "Eye clinic", "Consulting room 2"
SPECIALIST, PASSWORD = "a.jones", "a long specialist password 7"
DESK, DESK_PASSWORD = "desk", "a long reception password 8"
PIN = "482916"
#: Keeps a list of every RTCPeerConnection the console makes, so the test can read the
#: browser's own statistics (an init script: not subject to the page's CSP, changes nothing).
KEEP_PEERS = """
(() => {
  const Real = window.RTCPeerConnection;
  const peers = [];
  window.__e2ePeers = peers;
  window.RTCPeerConnection = class extends Real {
    constructor(...args) { super(...args); peers.push(this); }
  };
})();
"""
AUDIO_IN = """
async () => {
  let bytes = 0, energy = 0;
  for (const pc of window.__e2ePeers) {
    for (const s of (await pc.getStats()).values()) {
      if (s.type === "inbound-rtp" && s.kind === "audio") {
        bytes += s.bytesReceived || 0;
        energy += s.totalAudioEnergy || 0;
      }
    }
  }
  return {bytes, energy};
}
"""


def set_up_hub(db: Path) -> dict[str, Any]:
    """What IT does on the hub, with its command line only."""
    clinic = hub_cli(db, "clinic", "create", CLINIC)["id"]
    area = hub_cli(db, "waiting-area", "create", "--clinic", str(clinic), AREA)["id"]
    specialist = hub_cli(db, "specialist", "create", "--clinic", str(clinic), "--username",
                         SPECIALIST, "--name", "Dr A Jones", "--password-stdin",
                         stdin=PASSWORD + "\n")["id"]
    desk = hub_cli(db, "account", "create", "--role", "site-staff", "--username", DESK,
                   "--name", "Ann Desk", "--password-stdin", stdin=DESK_PASSWORD + "\n")["id"]
    hub_cli(db, "membership", "add", "--account", str(desk), "--site", str(clinic))
    pairing = hub_cli(db, "kiosk", "pair", "--clinic", str(clinic), "--room", ROOM)
    appointment = hub_cli(db, "appointment", "create", "--waiting-area", str(area),
                          "--specialist", str(specialist), "--patient-name", "Morag Campbell")
    return {"clinic": clinic, "pairing_code": pairing["pairing_code"],
            "appointment_code": appointment["code"]}


async def audio_in(page: Page) -> dict[str, float]:
    got: dict[str, float] = await page.evaluate(AUDIO_IN)
    return got


async def test_no_keyring_means_out_of_service(xserver: XServer, tmp_path: Path,
                                               shots: Path) -> None:
    """A kiosk session with no keyring (no D-Bus session: a bare X login) is out of service,
    with the reason for staff, and Ctrl+Alt+A says admin mode cannot open."""
    home = tmp_path / "home"
    home.mkdir()
    save_settings(home / ".config" / "clinic-kiosk" / "settings.toml",
                  KioskSettings(hub_url="http://127.0.0.1:9", clinic_name=CLINIC))
    env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(home),
           "XDG_CONFIG_HOME": str(home / ".config"), "XDG_DATA_HOME": str(home / "data")}
    kiosk = Kiosk(xserver, env, ["--test-pattern-camera"], tmp_path / "kiosk.log", shots)
    await kiosk.start()
    try:
        seen = await kiosk.until(lambda s: s["page"] == "OutOfServiceScreen"
                                 and s["geometry"] == [0, 0, 1920, 1080],
                                 "the out-of-service screen, full screen", within=10)
        assert seen["service"] == "no_keyring"
        assert seen["secure_store"] is False
        assert seen["fullscreen"] is True
        await kiosk.shot("no-keyring-out-of-service")
        await kiosk.keys("ctrl+alt+a")
        seen = await kiosk.until(lambda s: s["pin_shown"], "the staff message")
        assert seen["pin_title"] == "Admin mode is not available"
        assert "no secure password store" in seen["pin_message"]
        await kiosk.shot("no-keyring-admin-refused")
    finally:
        await kiosk.stop()


async def test_a_clinic_day_on_the_real_path(
        xserver: XServer, keyring: KeyringSession, sound: SoundServer, tmp_path: Path,
        shots: Path) -> None:
    started = time.monotonic()
    db = tmp_path / "hub" / "hub.sqlite3"
    db.parent.mkdir(mode=0o700)
    hub = await asyncio.to_thread(set_up_hub, db)
    async with hub_serving(db, tmp_path / "hub.log") as hub_url:
        # --- IT provisions the kiosk user: the settings file, then the PIN from a terminal ---
        save_settings(keyring.home / ".config" / "clinic-kiosk" / "settings.toml",
                      KioskSettings(hub_url=hub_url, clinic_name=CLINIC, room_name=ROOM))
        env = sound.env(keyring.env())
        done = await asyncio.to_thread(
            subprocess.run, [str(CLINIC_KIOSK), "admin", "set-pin", "--pin-stdin"],
            input=PIN + "\n", env=env, capture_output=True, text=True, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        assert PIN not in done.stdout + done.stderr

        kiosk = Kiosk(xserver, env, ["--test-pattern-camera"], tmp_path / "kiosk.log", shots)
        await kiosk.start()
        try:
            await run_the_day(kiosk, sound, hub, hub_url, db)
        finally:
            await kiosk.stop()
    logs = kiosk.log_tail(10**7) + tail(tmp_path / "hub.log", 10**7)
    assert "Traceback" not in logs
    for secret in (PIN, PASSWORD, hub["pairing_code"], hub["appointment_code"]):
        assert secret not in logs  # neither the kiosk's log nor the hub's
    print(f"end-to-end journey: {time.monotonic() - started:.1f} s")


async def run_the_day(kiosk: Kiosk, sound: SoundServer, hub: dict[str, Any], hub_url: str,
                      db: Path) -> None:
    # --- not paired yet: out of service, in the keyring session ---
    first = await kiosk.until(lambda s: s["page"] == "OutOfServiceScreen",
                              "the out-of-service screen")
    assert first["service"] == "not_paired"
    assert first["secure_store"] is True
    assert first["fullscreen"] is True
    await kiosk.shot("unpaired-out-of-service")

    # --- staff: Ctrl+Alt+A, the PIN IT set, pairing with the hub's code ---
    await kiosk.keys("ctrl+alt+a")
    seen = await kiosk.until(lambda s: s["pin_shown"], "the PIN pad")
    assert seen["pin_title"] == "Staff PIN"
    await kiosk.shot("admin-pin")
    await kiosk.type(PIN)
    await kiosk.keys("Return")
    await kiosk.until(lambda s: s["step"] == "admin", "admin mode")
    await kiosk.click("AdminNav_pairing")
    await kiosk.until(lambda s: s["admin_page"] == "pairing", "the pairing page")
    await kiosk.shot("admin-pairing")
    await kiosk.click("PairingCode")
    await kiosk.type(hub["pairing_code"])
    await kiosk.keys("Return")
    seen = await kiosk.until(lambda s: s["pairing_result"].startswith("Paired"), "paired")
    assert ROOM in seen["pairing_result"]
    assert seen["service"] == "ready"
    await kiosk.shot("admin-paired")

    # --- "Restart the kiosk app": exit 75, and the supervisor starts it again, paired ---
    await kiosk.click("AdminNav_status")
    await kiosk.click("AdminRestartThe")
    again = await kiosk.until(lambda s: s["pid"] != first["pid"], "a new start of the app")
    assert kiosk.starts() == 2, kiosk.log_tail()  # a crash would be a third start
    assert "supervisor: exit 75" in kiosk.log_tail(10**7)
    again = await kiosk.until(lambda s: s["page"] == "WelcomeScreen", "the welcome screen")
    assert again["service"] == "ready"
    await kiosk.shot("welcome")

    # --- the specialist signs in; the patient checks in with the code from their letter ---
    async with chromium() as browser:
        context = await browser.new_context(
            viewport=VIEWPORT, permissions=["camera", "microphone"], locale="en-GB",
            timezone_id="Europe/London")
        await context.add_init_script(KEEP_PEERS)
        page = await context.new_page()
        errors = PageErrors(page)
        await page.goto(hub_url)
        await sign_in(page, SPECIALIST, PASSWORD)
        await expect(page.locator("#waiting-empty")).to_be_visible()

        await kiosk.click("TouchToStart")
        await kiosk.until(lambda s: s["step"] == "check_in", "the check-in screen")
        await kiosk.shot("check-in")
        code = hub["appointment_code"]
        half = len(code) // 2
        await kiosk.type(code[:half])  # on a keyboard, after touching "Touch to start"
        await kiosk.until(lambda s: s["code_digits"] == half, "the code typed on the keyboard")
        for digit in code[half:]:  # and on the touch screen's number pad
            await kiosk.click(f"Key{digit}")
        await kiosk.until(lambda s: s["code_digits"] == len(code), "the code typed")
        await kiosk.click("CheckIn")

        # --- device checks: the test pattern, a voice into the microphone, the chime ---
        await kiosk.until(lambda s: s["step"] == "device_checks" and s["self_view_picture"],
                          "the camera picture")
        await kiosk.ready("CameraYes")  # once the kiosk has measured a moving picture
        await kiosk.shot("checks-camera")
        await kiosk.click("CameraYes")
        voice = sound.player(tone(330, 20.0, amplitude=0.4))
        try:
            await kiosk.until(lambda s: s["checks"].get("microphone") == "pass",
                              "the microphone heard")
        finally:
            voice.stop()
        await kiosk.click("PlaySound")
        await kiosk.shot("checks-sound")
        await kiosk.click("HeardYes")
        seen = await kiosk.until(lambda s: s["checks"].get("speaker") == "pass"
                                 and s["network_status"] not in ("", "checking"),
                                 "the checks' summary")
        await kiosk.shot("checks-summary")
        await kiosk.click("Continue")
        await kiosk.until(lambda s: s["step"] == "waiting", "the waiting room")
        await kiosk.shot("waiting")

        # --- reception: the kiosk's step; "I need help" answered at the desk ---
        desk_context = await browser.new_context(viewport=VIEWPORT, locale="en-GB",
                                                 timezone_id="Europe/London")
        desk = await desk_context.new_page()
        desk_errors = PageErrors(desk)
        await desk.goto(hub_url + "/reception")
        await desk.fill("#username", DESK)
        await desk.fill("#password", DESK_PASSWORD)
        await desk.click("#signin-button")
        booth = desk.locator("#kiosk-list > li", has_text=ROOM)
        await expect(booth).to_contain_text("Patient waiting for the clinician",
                                            timeout=UI_WAIT_MS)
        await kiosk.click("HeaderHelp")
        await kiosk.until(lambda s: s["help_shown"], "the help message")
        going = desk.get_by_role("button", name=f"I'm going to {ROOM}")
        await expect(desk.locator("#help-panel")).to_have_attribute("data-alert", "on",
                                                                   timeout=UI_WAIT_MS)
        await desk.screenshot(path=str(kiosk.shots / "reception-help.png"))
        await going.click()
        seen = await kiosk.until(lambda s: s["help_title"] == "Someone from reception is coming.",
                                 "reception's answer on the kiosk")
        await kiosk.shot("help-coming")
        await expect(desk.locator("#help-panel")).to_have_attribute("data-alert", "off")
        await kiosk.click("HelpClose")
        await kiosk.until(lambda s: not s["help_shown"], "the help message closed")

        # --- the specialist sees the patient, with the room and the checks, and messages ---
        card = page.locator("#patients > li").first
        await expect(card).to_contain_text(ROOM, timeout=UI_WAIT_MS)
        await expect(card).to_contain_text(CLINIC)
        await expect(card).to_contain_text("Camera: OK")
        await expect(card).to_contain_text("Microphone: OK")
        await expect(card).to_contain_text("Speaker: OK")
        await page.screenshot(path=str(kiosk.shots / "console-waiting.png"))
        await card.locator(".p-message-toggle").click()
        await card.locator(".chip", has_text="Running 10 min late").click()
        await card.locator(".p-message button[type=submit]").click()
        seen = await kiosk.until(lambda s: bool(s["messages"]), "the specialist's message")
        assert seen["messages"][0].startswith("I'm running about 10 minutes late")
        await kiosk.shot("waiting-message")

        # --- the specialist joins: video and sound both ways ---
        await card.locator(".p-join").click()
        await expect(page.locator("#call-view")).to_be_visible(timeout=UI_WAIT_MS)
        await kiosk.until(lambda s: s["step"] == "consultation", "the consultation")
        voice = sound.player(tone(330, 30.0, amplitude=0.4))
        try:
            await wait_frames_decoded(page, 30)
            await kiosk.until(lambda s: s["remote_frames"] >= 30
                              and s["remote_audio_frames"] >= 50
                              and s["remote_audio_peak"] > 0, "the specialist's video and sound")
            heard = await audio_in(page)
            deadline = time.monotonic() + 20
            while heard["energy"] <= 0 and time.monotonic() < deadline:
                await asyncio.sleep(0.2)  # the poll interval of a condition wait
                heard = await audio_in(page)
            assert heard["bytes"] > 0
            assert heard["energy"] > 0, heard  # the patient's voice reached the browser
            await expect(page.locator("#call-banner")).to_have_text("Connected")
            await kiosk.until(lambda s: s["self_view_picture"] and s["call_quality"],
                              "the self view and the call's quality")
            # On the screen: the specialist (green), and over it the patient's own picture
            # (the test pattern's colour bars), not hidden under the specialist's video.
            remote = await kiosk.ask("seen RemoteVideo")
            own = await kiosk.ask("seen SelfView")
            assert remote["green"] > 0.3, remote  # (black bars at its sides)
            assert own["reddish"] > 0.2, own
            await kiosk.shot("consultation")
            await page.screenshot(path=str(kiosk.shots / "console-call.png"))
        finally:
            voice.stop()

        # --- the specialist ends the call; the patient answers the survey ---
        await page.click("#end-call")
        await page.click("#end-confirm")
        await expect(page.locator("#waiting-view")).to_be_visible(timeout=UI_WAIT_MS)
        await kiosk.until(lambda s: s["step"] == "feedback", "the survey")
        await kiosk.shot("feedback")
        assert errors.errors == []
        assert desk_errors.errors == []
        await expect(booth).to_contain_text("feedback", ignore_case=True, timeout=UI_WAIT_MS)
        await context.close()
        await desk_context.close()

    await kiosk.click("Face5")
    await kiosk.click("FeedbackNext")
    await kiosk.until(lambda s: "overall" in s["answers"], "the first answer kept")
    await kiosk.click("Choice0")  # could see the specialist clearly: yes
    await kiosk.until(lambda s: "see_clearly" in s["answers"], "the second answer kept")
    await kiosk.until_checked("Choice0")  # the answer shows as chosen
    await kiosk.shot("feedback-answered")
    await kiosk.click("FeedbackFinishNow")
    await kiosk.until(lambda s: s["step"] == "thanks", "the thank-you screen")
    await kiosk.shot("thanks")
    await kiosk.click("ThanksDone")
    await kiosk.until(lambda s: s["page"] == "WelcomeScreen", "the welcome screen again")

    # --- the answers reached the hub ---
    deadline = time.monotonic() + 30
    while True:
        exported = await asyncio.to_thread(hub_cli, db, "feedback", "export")
        answers = {row["question_id"]: row["value"] for row in exported["answers"]}
        if "see_clearly" in answers or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.5)  # the poll interval of a condition wait
    assert answers.get("overall") == 5, exported
    assert answers.get("see_clearly") in (True, "yes", 1), exported
    assert {row["clinic"] for row in exported["answers"]} == {CLINIC}
    # The kiosk reports its waiting area by short name (kiosk.feedback.recorder.short_name).
    assert {row["waiting_area"] for row in exported["answers"]} == {"eye-clinic"}

