"""The settings file is the kiosk's configuration: what staff save in admin mode is what the
app runs with after a restart (``build()`` twice on the same data, as the supervisor would
start it again), command-line flags win over the file, and pairing in admin mode takes the
kiosk out of the out-of-service screen at once, against a real hub."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.call.patient import CheckedIn
from kiosk.config import KioskSettings, load_settings
from kiosk.demo import DemoEnvironment, start_demo
from kiosk.hub.codes import issue_pairing_code
from kiosk.journey import Timeouts
from kiosk.service import NO_HUB, NOT_PAIRED
from ui.admin import AdminMode
from ui.app import KioskApp, build, parse_args
from ui.engine_thread import EngineThread

pytestmark = pytest.mark.ui

SAVED = KioskSettings(clinic_name="Ward 7 Kiosk", room_name="Room 9", hub_url="",
                      default_language="cy", idle_check_in_s=300, idle_device_checks_s=240,
                      idle_feedback_s=90, idle_warning_s=25, self_test_times=("06:15", "13:00"),
                      camera_id="no-such-camera", microphone_id="no-such-mic",
                      speaker_id="no-such-speaker", echo_cancellation=False)


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[DemoEnvironment]:
    """A real hub on 127.0.0.1 (the demo seed, no specialist), on a thread of its own."""
    thread = EngineThread()
    thread.start()
    env = thread.submit(start_demo(tmp_path / "hub", specialist=False)).result(30)
    try:
        yield env
    finally:
        thread.stop(env.close)


def start(qtbot: QtBot, args: list[str]) -> tuple[KioskApp, AdminMode]:
    kiosk = build(parse_args(["--windowed", *args]))
    kiosk.window.resize(1920, 1080)
    kiosk.window.show()
    qtbot.waitExposed(kiosk.window)
    admin = kiosk.window.findChild(AdminMode)
    assert isinstance(admin, AdminMode)
    return kiosk, admin


@pytest.mark.expect_log(r"kiosk out of service", logger="ui.app")
@pytest.mark.expect_log(r"(camera|mic|speaker) chosen in the settings is not connected",
                        logger="ui.app")
def test_saved_settings_apply_after_a_restart_and_pairing_applies_at_once(
        qtbot: QtBot, tmp_path: Path, hub: DemoEnvironment,
        caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    data, path = tmp_path / "data", tmp_path / "config" / "settings.toml"
    args = ["--data-dir", str(data), "--settings", str(path)]

    # First start: no file, no hub address: out of service, and admin says why.
    kiosk, admin = start(qtbot, args)
    try:
        assert kiosk.window.service.code == NO_HUB
        assert kiosk.window.pages.currentWidget() is kiosk.window.out_of_service
        admin.save_settings(replace(SAVED, hub_url=hub.url))
        assert "Restart the kiosk app to use the new hub address, devices" in \
            admin.screen.settings_page.status.text()
    finally:
        kiosk.shutdown()
    assert load_settings(path) == replace(SAVED, hub_url=hub.url)

    # The restart: every saved setting is what the app runs with.
    caplog.clear()
    kiosk, admin = start(qtbot, args)
    try:
        window, controller = kiosk.window, kiosk.controller
        assert window.windowTitle() == "Ward 7 Kiosk"
        assert window.header.title.text() == "Ward 7 Kiosk"
        assert controller.default_language == "cy"
        assert controller.live.language == "cy"
        assert kiosk.journey.timeouts == Timeouts(check_in=300.0, device_checks=240.0,
                                                  feedback=90.0, warning=25.0)
        assert kiosk.engine.hub_url == hub.url
        assert kiosk.schedule is not None
        assert [t.strftime("%H:%M") for t in kiosk.schedule.times] == ["06:15", "13:00"]
        assert kiosk.sync is not None
        assert not kiosk.devices.processing.echo_cancellation
        assert admin.settings.room_name == "Room 9"
        missing = [r.getMessage() for r in caplog.records if "not connected" in r.getMessage()]
        assert len(missing) == 3  # each chosen device was looked for
        assert kiosk.settings is not None
        assert set(kiosk.settings.sources.values()) == {"file"}
        # Not paired yet: patients see the out-of-service screen, in the saved language.
        assert window.service.code == NOT_PAIRED
        assert window.pages.currentWidget() is window.out_of_service
        assert window.out_of_service.heading.text() == "Dydy'r ciosg hwn ddim yn barod."

        # Pairing in admin mode, with a code from the hub: in service at once, no restart.
        code = issue_pairing_code(hub.hub.storage, hub.hub.secrets,
                                  clinic_id=hub.seed.clinic_id, room="Room 9", now=time.time())
        controller.journey.enter_admin(controller.now())
        with qtbot.waitSignal(admin.paired, timeout=15000) as paired:
            admin.pair_with(code)
        assert "from now on" in paired.args[0]
        assert window.service.ready
        with qtbot.waitSignal(admin.left):
            admin.leave()
        assert window.pages.currentWidget() is window.welcome
        kiosks = hub.hub.storage.kiosks_with_readiness()
        assert "Room 9" in [k["name"] for k in kiosks]  # the room went with the pairing
        result = kiosk.thread.submit(kiosk.engine.check_in(hub.new_code())).result(30)
        assert isinstance(result, CheckedIn)  # as the clinic's kiosk, with the new token
        kiosk.thread.submit(kiosk.engine.reset()).result(10)
    finally:
        kiosk.shutdown()

    # Flags win over the file, and admin mode says so.
    kiosk, admin = start(qtbot, [*args, "--language", "pl", "--clinic-name", "Front desk"])
    try:
        assert kiosk.controller.default_language == "pl"
        assert kiosk.window.header.title.text() == "Front desk"
        page = admin.screen.settings_page
        assert page.sources["default_language"].text() == \
            "Set by --language on the command line: this value wins over the file."
        assert not page.language_buttons["cy"].isEnabled()
        assert not page.edits["clinic_name"].isEnabled()
        assert page.edits["room_name"].isEnabled()
        assert kiosk.window.service.ready  # still paired: the token is in the keyring
        # Saving keeps the file's own value for what a flag set.
        settings, problems = page.current()
        assert not problems
        admin.save_settings(replace(settings, room_name="Room 10"))
        saved = load_settings(path)
        assert (saved.default_language, saved.clinic_name, saved.room_name) == (
            "cy", "Ward 7 Kiosk", "Room 10")
    finally:
        kiosk.shutdown()


@pytest.mark.expect_log(r"settings file .* was not used", logger="ui.app")
@pytest.mark.expect_log(r"kiosk out of service", logger="ui.app")
def test_a_bad_settings_file_is_reported_and_the_kiosk_starts_with_defaults(
        qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    path.write_text('clinic_name = "Ward 7"\nidle_check_in_s = "two minutes"\n', "utf-8")
    kiosk, admin = start(qtbot, ["--data-dir", str(tmp_path / "data"), "--settings", str(path)])
    try:
        assert kiosk.window.header.title.text() == KioskSettings().clinic_name
        notice = admin.screen.settings_page.notice
        assert not notice.isHidden()
        assert str(path) in notice.text()
        assert "idle_check_in_s" in notice.text()
        assert "Settings file problem" in admin.facts()
    finally:
        kiosk.shutdown()


def test_a_bad_flag_stops_the_app_with_a_message(qtbot: QtBot, tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="--hub"):
        build(parse_args(["--windowed", "--data-dir", str(tmp_path / "d"), "--settings",
                          str(tmp_path / "s.toml"), "--hub", "ftp://hub.example"]))


@pytest.mark.expect_log(r"kiosk out of service", logger="ui.app")
def test_the_test_pattern_camera_is_an_explicit_it_flag(qtbot: QtBot, tmp_path: Path) -> None:
    args = ["--data-dir", str(tmp_path / "data"), "--settings", str(tmp_path / "s.toml")]
    for extra, synthetic in (([], False), (["--test-pattern-camera"], True)):
        kiosk, _admin = start(qtbot, [*args, *extra])
        try:
            assert kiosk.devices.synthetic_fallback is synthetic
            video, audio = kiosk.devices.make_tracks(kiosk.thread.loop)
            assert (video is not None) is synthetic  # this machine has no camera
            for track in (video, audio):
                if track is not None:
                    track.stop()
        finally:
            kiosk.shutdown()
