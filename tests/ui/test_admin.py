"""Admin mode in the real window: entry by hold and by keys, the PIN (right, wrong, lockout,
first-run set-up, no secure store), settings, pairing, diagnostics, leaving and exiting."""

from __future__ import annotations

import concurrent.futures
import logging
import zipfile
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QPushButton, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from kiosk.admin import (
    FIRST_LOCKOUT_S,
    MAX_TRIES,
    NO_SECURE_STORE,
    AdminLock,
    Pairing,
    PairingError,
    RecentLog,
    TodayAppointment,
)
from kiosk.admin_cli import DEMO_ADMIN_PIN
from kiosk.config import KioskSettings, load_settings
from kiosk.feedback.store import FeedbackStore
from kiosk.feedback.survey import load_survey
from kiosk.journey import Effect, Journey, Step
from kiosk.secrets import (
    ADMIN_PIN_HASH,
    DEVICE_TOKEN,
    KeyringSecretStore,
    SecretStore,
    hash_pin,
)
from tests.ui.support import click, journey_at
from ui.admin import AdminMode, install_admin, settings_for
from ui.admin.pin import ENTER, NOT_SET_UP, NOT_SET_UP_TEXT, UNAVAILABLE
from ui.engine_thread import EngineThread
from ui.window import LiveState, MainWindow

pytestmark = pytest.mark.ui

ROOT = Path(__file__).resolve().parents[2]

PIN = "482916"
TOKEN = "tok_Zx9Yw8Vu7Ts6Rq5Po4Nm3Lk2Jh1Gf0EdCbA"
PAIRING_CODE = "KQ7M2XPR"


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Host:
    """The part of ``KioskController`` admin mode uses: the journey, the clock, ``apply``."""

    def __init__(self, window: MainWindow, clock: FakeClock) -> None:
        self.window = window
        self.journey = Journey(now=clock())
        self.default_language = "en"
        self.clock = clock
        self.effects: list[Effect] = []

    def now(self) -> float:
        return self.clock()

    def apply(self, effects: list[Effect]) -> None:
        self.effects += effects
        self.window.render(self.journey, self.now(), LiveState())


def fast_hash(pin: str) -> str:
    return hash_pin(pin, n=2**4)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def host(window: MainWindow, clock: FakeClock) -> Host:
    host = Host(window, clock)
    host.apply([])
    return host


@pytest.fixture
def store() -> SecretStore:
    return KeyringSecretStore()  # the test's in-memory keyring (tests/conftest.py)


@pytest.fixture
def recent() -> Iterator[RecentLog]:
    recent = RecentLog().install()
    logging.getLogger().setLevel(logging.INFO)
    yield recent
    recent.close()


@pytest.fixture
def make_admin(host: Host, window: MainWindow, store: SecretStore, clock: FakeClock,
               tmp_path: Path, recent: RecentLog) -> Iterator[Callable[..., AdminMode]]:
    made: list[AdminMode] = []

    def make(**options: object) -> AdminMode:
        settings = KioskSettings(clinic_name="Dunbar Health Centre", room_name="Room 2",
                                 hub_url="https://hub.example.nhs.scot")
        kwargs: dict[str, object] = {
            "lock": AdminLock(options.pop("secrets", store),  # type: ignore[arg-type]
                              clock=clock, hasher=fast_hash),
            "secrets": store, "settings": settings,
            "settings_path": tmp_path / "config" / "settings.toml",
            "recent_log": recent, "choose_folder": lambda _parent: tmp_path / "usb",
            "hold_ms": 100, **options}
        admin = AdminMode(host, window, **kwargs)  # type: ignore[arg-type]
        made.append(admin)
        return admin

    yield make
    for admin in made:
        admin.close()


@pytest.fixture
def admin(make_admin: Callable[..., AdminMode]) -> AdminMode:
    return make_admin()


def with_pin(store: SecretStore) -> None:
    store.set(ADMIN_PIN_HASH, fast_hash(PIN))


def type_pin(qtbot: QtBot, admin: AdminMode, pin: str) -> None:
    for digit in pin:
        click(qtbot, admin.pin.pad.keys[digit])
    click(qtbot, admin.pin.ok_button)


def enter_admin(qtbot: QtBot, admin: AdminMode, store: SecretStore) -> None:
    with_pin(store)
    admin.request_entry()
    with qtbot.waitSignal(admin.entered, timeout=2000):
        type_pin(qtbot, admin, PIN)


# ----- entry ------------------------------------------------------------------------------


def test_holding_the_clinic_name_opens_the_pin_pad(qtbot: QtBot, admin: AdminMode,
                                                   window: MainWindow, store: SecretStore) -> None:
    with_pin(store)
    title = window.header.title
    centre = QPoint(title.width() // 2, title.height() // 2)
    with qtbot.waitSignal(admin.gesture.triggered, timeout=2000):
        qtbot.mousePress(title, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseRelease(title, Qt.MouseButton.LeftButton, pos=centre)
    assert admin.pin.isVisible()
    assert admin.pin.mode == ENTER
    assert not window.welcome.isEnabled()  # the pad is modal


def test_a_short_touch_on_the_clinic_name_does_nothing(qtbot: QtBot, admin: AdminMode,
                                                      window: MainWindow) -> None:
    title = window.header.title
    centre = QPoint(title.width() // 2, title.height() // 2)
    qtbot.mousePress(title, Qt.MouseButton.LeftButton, pos=centre)
    assert admin.gesture.holding()
    qtbot.mouseRelease(title, Qt.MouseButton.LeftButton, pos=centre)
    assert not admin.gesture.holding()
    assert not admin.pin.isVisible()


def test_ctrl_alt_a_opens_the_pin_pad(qtbot: QtBot, admin: AdminMode, window: MainWindow,
                                     store: SecretStore) -> None:
    with_pin(store)
    window.activateWindow()
    qtbot.waitActive(window)
    with qtbot.waitSignal(admin.gesture.triggered, timeout=2000):
        qtbot.keyClick(window, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.AltModifier)
    assert admin.pin.isVisible()


def test_the_right_pin_opens_admin_mode(qtbot: QtBot, admin: AdminMode, host: Host,
                                        window: MainWindow, store: SecretStore) -> None:
    host.journey.start(host.now())  # a patient had started: entering is a privacy reset
    host.apply([])
    enter_admin(qtbot, admin, store)
    assert host.journey.step is Step.ADMIN
    assert window.pages.currentWidget() is admin.screen
    assert not window.header.isVisible()
    assert not admin.pin.isVisible()
    assert admin.pin.digits() == ""
    assert any(type(e).__name__ == "PrivacyReset" for e in host.effects)
    assert admin.screen.current_page() == "status"
    assert "Paired with the hub: no" in admin.screen.status_page.facts.text()


@pytest.mark.expect_log(r"admin PIN wrong", logger="kiosk.admin")
def test_a_wrong_pin_says_how_many_tries_are_left(qtbot: QtBot, admin: AdminMode, host: Host,
                                                  store: SecretStore) -> None:
    with_pin(store)
    admin.request_entry()
    with qtbot.waitSignal(admin.pin_result) as result:
        type_pin(qtbot, admin, "135792")
    assert result.args == ["wrong"]
    assert f"{MAX_TRIES - 1} tries left" in admin.pin.message.text()
    assert admin.pin.isVisible()
    assert admin.pin.digits() == ""
    assert host.journey.step is Step.ATTRACT


@pytest.mark.expect_log(
    r"admin PIN attempt refused: locked for",
    r"admin PIN wrong",
    logger="kiosk.admin")
def test_five_wrong_pins_lock_admin_mode_with_a_back_off(qtbot: QtBot, admin: AdminMode,
                                                         host: Host, clock: FakeClock,
                                                         store: SecretStore) -> None:
    with_pin(store)
    admin.request_entry()
    for n in range(MAX_TRIES):
        type_pin(qtbot, admin, f"13579{n}")
    assert "locked; try again in 30 seconds" in admin.pin.message.text()
    with qtbot.waitSignal(admin.pin_result) as result:
        type_pin(qtbot, admin, PIN)  # even the right PIN, while locked
    assert result.args == ["locked"]
    assert host.journey.step is Step.ATTRACT
    # Cancel and come back: the pad says it is still locked.
    click(qtbot, admin.pin.cancel_button)
    admin.request_entry()
    assert "Admin mode is locked" in admin.pin.message.text()
    clock.now += FIRST_LOCKOUT_S
    with qtbot.waitSignal(admin.entered, timeout=2000):
        type_pin(qtbot, admin, PIN)


def test_the_keyboard_types_the_pin(qtbot: QtBot, admin: AdminMode, store: SecretStore) -> None:
    with_pin(store)
    admin.request_entry()
    for digit in PIN:
        qtbot.keyClick(admin.pin, digit)
    qtbot.keyClick(admin.pin, Qt.Key.Key_Backspace)
    qtbot.keyClick(admin.pin, PIN[-1])
    assert len(admin.pin.dots.text().split()) == len(PIN)
    with qtbot.waitSignal(admin.entered, timeout=2000):
        qtbot.keyClick(admin.pin, Qt.Key.Key_Return)


def test_with_no_pin_the_public_screen_never_offers_to_set_one(
        qtbot: QtBot, admin: AdminMode, host: Host, store: SecretStore) -> None:
    with qtbot.waitSignal(admin.pin_result) as result:
        admin.request_entry()
    assert result.args == ["not_set_up"]
    assert admin.pin.mode == NOT_SET_UP
    assert admin.pin.isVisible()
    assert admin.pin.body.text() == NOT_SET_UP_TEXT
    assert "clinic-kiosk admin set-pin" in NOT_SET_UP_TEXT
    assert "Set up" not in admin.pin.title.text()
    # A calm note and "Close", nothing else: no pad, no digits, no way to choose a PIN.
    assert not admin.pin.pad.isVisible()
    assert not admin.pin.dots.isVisible()
    assert not admin.pin.cancel_button.isVisible()
    assert not admin.pin.message.isVisible()
    assert admin.pin.ok_button.text() == "Close"
    for key in (*"48291648", Qt.Key.Key_Return):
        qtbot.keyClick(admin.pin, key)  # typing does nothing; Enter is "Close"
    assert not admin.pin.isVisible()
    assert store.get(ADMIN_PIN_HASH) is None
    assert host.journey.step is not Step.ADMIN


@pytest.mark.expect_log(r"admin entry refused: no secure secret store", logger="ui.admin")
def test_no_secure_store_says_so_and_stores_nothing(
        qtbot: QtBot, make_admin: Callable[..., AdminMode], host: Host,
        memory_keyring: object) -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        insecure = KeyringSecretStore()
        admin = make_admin(secrets=insecure)
        with qtbot.waitSignal(admin.pin_result) as result:
            admin.request_entry()
        assert result.args == ["unavailable"]
        assert admin.pin.mode == UNAVAILABLE
        assert admin.pin.message.text() == NO_SECURE_STORE
        assert not admin.pin.pad.isVisible()
        assert not admin.pin.cancel_button.isVisible()
        click(qtbot, admin.pin.ok_button)  # "Close"
        assert not admin.pin.isVisible()
        assert host.journey.step is Step.ATTRACT
    finally:
        keyring.set_keyring(previous)
    assert memory_keyring.passwords == {}  # type: ignore[attr-defined]


@pytest.mark.parametrize("step", [Step.CONSULTATION])
def test_never_during_a_call(qtbot: QtBot, admin: AdminMode, host: Host, store: SecretStore,
                             step: Step) -> None:
    with_pin(store)
    host.journey = journey_at(step)
    with qtbot.waitSignal(admin.pin_result) as result:
        admin.request_entry()
    assert result.args == ["refused"]
    assert not admin.pin.isVisible()


@pytest.mark.expect_log(
    r"admin mode not entered: the journey refused \(consultation\)",
    logger="ui.admin")
def test_a_call_that_starts_while_the_pin_is_typed_wins(qtbot: QtBot, admin: AdminMode,
                                                        host: Host, store: SecretStore) -> None:
    with_pin(store)
    admin.request_entry()
    host.journey = journey_at(Step.CONSULTATION)
    with qtbot.assertNotEmitted(admin.entered):
        type_pin(qtbot, admin, PIN)
    assert host.journey.step is Step.CONSULTATION


# ----- inside admin mode --------------------------------------------------------------------


def test_settings_are_validated_next_to_the_field_and_saved(
        qtbot: QtBot, admin: AdminMode, host: Host, window: MainWindow, store: SecretStore,
        tmp_path: Path) -> None:
    enter_admin(qtbot, admin, store)
    click(qtbot, admin.screen.nav_buttons["settings"])
    page = admin.screen.settings_page
    page.edits["hub_url"].setText("hub.example")
    page.edits["idle_check_in_s"].setText("soon")
    page.edits["self_test_times"].setText("07:30, 25:00")
    with qtbot.assertNotEmitted(admin.settings_saved):
        click(qtbot, page.save_button)
    assert page.errors["hub_url"].isVisible()
    assert "https://" in page.errors["hub_url"].text()
    assert page.errors["idle_check_in_s"].text() == "Give a whole number of seconds."
    assert "24-hour" in page.errors["self_test_times"].text()
    assert not page.errors["clinic_name"].isVisible()
    assert "3 field(s)" in page.status.text()
    assert not (tmp_path / "config" / "settings.toml").exists()
    # Cancel puts back what was saved.
    click(qtbot, page.cancel_button)
    assert page.edits["hub_url"].text() == "https://hub.example.nhs.scot"
    assert not page.errors["hub_url"].isVisible()
    # A valid change is saved, and what can change at once does.
    page.edits["clinic_name"].setText("North Berwick Clinic")
    page.edits["idle_feedback_s"].setText("90")
    page.edits["self_test_times"].setText("07:30, 13:00")
    click(qtbot, page.language_buttons["cy"])
    with qtbot.waitSignal(admin.settings_saved) as saved:
        click(qtbot, page.save_button)
    path = tmp_path / "config" / "settings.toml"
    assert load_settings(path) == saved.args[0]
    assert saved.args[0].self_test_times == ("07:30", "13:00")
    assert host.journey.timeouts.feedback == 90.0
    assert host.default_language == "cy"
    assert window.header.title.text() == "North Berwick Clinic"
    assert "Restart the kiosk app to use the new self-test times" in page.status.text()


def test_pairing_shows_who_the_kiosk_now_is(qtbot: QtBot, make_admin: Callable[..., AdminMode],
                                           store: SecretStore) -> None:
    asked: list[tuple[str, str]] = []
    pending: concurrent.futures.Future[Pairing | PairingError] = concurrent.futures.Future()

    def pair(url: str, code: str) -> concurrent.futures.Future[Pairing | PairingError]:
        asked.append((url, code))
        return pending

    admin = make_admin(pair=pair)
    enter_admin(qtbot, admin, store)
    click(qtbot, admin.screen.nav_buttons["pairing"])
    page = admin.screen.pairing_page
    assert "not paired yet" in page.state.text()
    qtbot.keyClicks(page.code, "kq7m-2xpr")
    click(qtbot, page.pair_button)
    assert asked == [("https://hub.example.nhs.scot", PAIRING_CODE)]
    assert page.code.text() == ""
    assert not page.pair_button.isEnabled()
    store.set(DEVICE_TOKEN, TOKEN)  # what pair_with_hub does before it returns
    with qtbot.waitSignal(admin.paired) as paired:
        pending.set_result(Pairing(7, "Dunbar Health Centre", "Room 2"))
    assert paired.args[0].startswith("Paired as Dunbar Health Centre, Room 2")
    assert page.result.text() == paired.args[0]
    assert page.pair_button.isEnabled()
    assert "This kiosk is paired" in page.state.text()


def test_a_refused_code_gets_the_hubs_plain_message(
        qtbot: QtBot, make_admin: Callable[..., AdminMode], store: SecretStore) -> None:
    def pair(url: str, code: str) -> concurrent.futures.Future[Pairing | PairingError]:
        done: concurrent.futures.Future[Pairing | PairingError] = concurrent.futures.Future()
        done.set_result(PairingError("code_expired", "That pairing code has expired."))
        return done

    admin = make_admin(pair=pair)
    enter_admin(qtbot, admin, store)
    admin.screen.show_page("pairing")
    admin.screen.pairing_page.code.setText(PAIRING_CODE)
    with qtbot.waitSignal(admin.paired):
        click(qtbot, admin.screen.pairing_page.pair_button)
    assert admin.screen.pairing_page.result.text() == "That pairing code has expired."
    assert admin.screen.pairing_page.result.property("role") == "status_bad"


@pytest.mark.expect_log(
    r"pairing failed: hub not reachable \(ClientConnectorError\)",
    logger="kiosk.admin")
def test_pairing_runs_on_the_engine_thread_and_reports_back(
        qtbot: QtBot, host: Host, window: MainWindow, store: SecretStore,
        tmp_path: Path) -> None:
    """The real hook: install_admin with EngineThread.submit, against a port nobody serves."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    thread = EngineThread()
    thread.start()
    try:
        admin = install_admin(host, window, secrets=store, settings=KioskSettings(
            hub_url=f"http://127.0.0.1:{port}"), settings_path=tmp_path / "s.toml",
            submit=thread.submit, on_restart=lambda: None, on_exit=lambda: None)
        with qtbot.waitSignal(admin.paired, timeout=10000) as paired:
            admin.pair_with(PAIRING_CODE)
        assert paired.args[0].startswith("Could not reach the hub")
        admin.close()
    finally:
        thread.stop()
    assert store.get(DEVICE_TOKEN) is None


@pytest.mark.expect_log(r"Authorization: ", logger="kiosk.test")  # before or after redaction
def test_diagnostics_show_versions_and_export_a_zip_without_secrets(
        qtbot: QtBot, make_admin: Callable[..., AdminMode], store: SecretStore,
        tmp_path: Path) -> None:
    def pair(url: str, code: str) -> concurrent.futures.Future[Pairing | PairingError]:
        store.set(DEVICE_TOKEN, TOKEN)
        done: concurrent.futures.Future[Pairing | PairingError] = concurrent.futures.Future()
        done.set_result(Pairing(7, "Dunbar Health Centre", "Room 2"))
        return done

    admin = make_admin(pair=pair)
    with_pin(store)
    admin.request_entry()
    with qtbot.waitSignal(admin.entered, timeout=2000):
        type_pin(qtbot, admin, PIN)
    admin.screen.show_page("pairing")
    admin.screen.pairing_page.code.setText(PAIRING_CODE)
    with qtbot.waitSignal(admin.paired):
        click(qtbot, admin.screen.pairing_page.pair_button)
    logging.getLogger("kiosk.test").warning("Authorization: Bearer %s", TOKEN)
    click(qtbot, admin.screen.nav_buttons["diagnostics"])
    page = admin.screen.diagnostics_page
    assert "PySide6 6." in page.versions.text()
    assert "aiortc" in page.versions.text()
    assert "Python 3." in page.versions.text()
    assert "Paired: yes" in page.versions.text()
    assert "admin mode entered" in page.log.toPlainText()
    assert TOKEN not in page.log.toPlainText()
    with qtbot.waitSignal(admin.exported) as exported:
        click(qtbot, page.export_button)
    path = Path(exported.args[0])
    assert path.parent == tmp_path / "usb"
    assert path.name in page.status.text()
    with zipfile.ZipFile(path) as bundle:
        text = "\n".join(bundle.read(n).decode("utf-8") for n in bundle.namelist())
    assert "admin PIN accepted" in text
    assert "admin mode entered" in text
    stored_hash = store.get(ADMIN_PIN_HASH)
    for secret in (PIN, TOKEN, PAIRING_CODE, stored_hash or "?"):
        assert secret not in text, secret
    # The settings file holds no secret either.
    admin.screen.show_page("settings")
    with qtbot.waitSignal(admin.settings_saved):
        click(qtbot, admin.screen.settings_page.save_button)
    saved = (tmp_path / "config" / "settings.toml").read_text("utf-8")
    for secret in (PIN, TOKEN, PAIRING_CODE, stored_hash or "?"):
        assert secret not in saved
    assert not any(word in saved.lower() for word in ("token", "pin", "password"))


@pytest.mark.expect_log(r"admin PIN wrong", logger="kiosk.admin")
def test_leave_restart_and_exit(qtbot: QtBot, admin: AdminMode, host: Host,
                                window: MainWindow, store: SecretStore) -> None:
    enter_admin(qtbot, admin, store)
    with qtbot.waitSignal(admin.restart_requested):
        click(qtbot, admin.screen.restart_button)
    # Exit kiosk mode asks for the PIN again; a wrong one does not exit.
    click(qtbot, admin.screen.exit_button)
    assert admin.pin.isVisible()
    assert admin.pin.ok_button.text() == "Exit"
    with qtbot.assertNotEmitted(admin.exit_requested):
        type_pin(qtbot, admin, "135790")
    with qtbot.waitSignal(admin.exit_requested):
        type_pin(qtbot, admin, PIN)
    assert admin.active  # exiting is the app's job; admin mode stays until then
    with qtbot.waitSignal(admin.left):
        click(qtbot, admin.screen.leave_button)
    assert host.journey.step is Step.ATTRACT
    assert window.pages.currentWidget() is window.welcome
    assert window.header.isVisible()


def test_admin_mode_closes_itself_when_left_alone(
        qtbot: QtBot, make_admin: Callable[..., AdminMode], host: Host,
        store: SecretStore) -> None:
    admin = make_admin(idle_ms=200)
    enter_admin(qtbot, admin, store)
    with qtbot.waitSignal(admin.left, timeout=3000):
        pass
    assert host.journey.step is Step.ATTRACT


def test_install_admin_hooks_restart_and_exit(qtbot: QtBot, host: Host, window: MainWindow,
                                              store: SecretStore, tmp_path: Path) -> None:
    calls: list[str] = []
    admin = install_admin(host, window, secrets=store, settings=KioskSettings(),
                          settings_path=tmp_path / "s.toml",
                          on_restart=lambda: calls.append("restart"),
                          on_exit=lambda: calls.append("exit"), hold_ms=100)
    try:
        assert window.admin is admin.screen
        admin.restart_requested.emit()
        admin.exit_requested.emit()
        assert calls == ["restart", "exit"]
        admin.screen.pairing_page.code.setText(PAIRING_CODE)
        admin.pair_with(PAIRING_CODE)  # no engine thread given: pairing says so
        assert "not available" in admin.screen.pairing_page.result.text()
    finally:
        admin.close()


def test_every_admin_control_is_named_big_and_reachable(qtbot: QtBot, admin: AdminMode,
                                                        store: SecretStore) -> None:
    enter_admin(qtbot, admin, store)
    roots: list[QWidget] = [admin.screen, admin.pin]
    admin.pin.open(ENTER)
    for name in admin.screen.page_names:
        admin.screen.show_page(name)
        assert admin.screen.page_names[name].isVisible()
        for root in roots:
            for widget in root.findChildren(QWidget):
                if not widget.isVisible() or not isinstance(widget, QPushButton | QLineEdit):
                    continue
                label = widget.objectName() or widget.accessibleName()
                assert widget.accessibleName(), label
                assert widget.height() >= 48, label
                assert widget.width() >= 48, label
                assert widget.focusPolicy() & Qt.FocusPolicy.TabFocus, label


@pytest.mark.expect_log(
    r"settings file not used: device_token: Secrets never go in",
    logger="ui.admin")
def test_settings_for_prefers_the_file_then_the_running_values(tmp_path: Path) -> None:
    path = tmp_path / "settings.toml"
    running = settings_for(path, clinic_name="Dunbar", hub_url="http://127.0.0.1:8080")
    assert (running.clinic_name, running.hub_url) == ("Dunbar", "http://127.0.0.1:8080")
    path.write_text('clinic_name = "From the file"\n', "utf-8")
    assert settings_for(path, clinic_name="Dunbar", hub_url="").clinic_name == "From the file"
    path.write_text('device_token = "oops"\n', "utf-8")  # refused, logged, not used
    assert settings_for(path, clinic_name="", hub_url="").clinic_name == "Clinic Kiosk"


def test_feedback_summary_chart(qtbot: QtBot, make_admin: Callable[..., AdminMode],
                                store: SecretStore, tmp_path: Path) -> None:
    survey = load_survey(ROOT / "resources" / "surveys" / "near-me.toml")
    feedback = FeedbackStore(tmp_path / "feedback.sqlite3")
    try:
        admin = make_admin(survey=survey, feedback_store=feedback)
        enter_admin(qtbot, admin, store)
        click(qtbot, admin.screen.nav_buttons["feedback"])
        page = admin.screen.feedback_page
        assert page.total.text() == "No patient has answered the survey on this kiosk yet."
        assert page.rows == []
        for overall, see, journey_time in ((5, "yes", "under_1h"), (4, "no", "under_1h")):
            rid = feedback.begin_response(survey.id, survey.version, "en", {})
            feedback.save_answer(rid, "overall", overall)
            feedback.save_answer(rid, "see_clearly", see)
            feedback.save_answer(rid, "journey_time", journey_time)
            feedback.save_answer(rid, "comments", "Dr Smith was lovely")
            feedback.finish_response(rid)
        click(qtbot, page.refresh_button)
        assert page.total.text().startswith("2 patients answered")
        assert [round(value) for _, value in page.rows] == [90, 50]
        assert "4.5 of 5 (2 answered)" in page.rows[0][0]
        assert "50% yes (2 answered)" in page.rows[1][0]
        series = page.chart.series()
        assert len(series) == 1
        assert "Under 1 hour 2" in page.others.text()
        assert "Dr Smith" not in page.others.text()  # free text is never shown here
        assert "4.5 of 5" in page.view.accessibleDescription()
    finally:
        feedback.close()


def test_feedback_page_without_a_survey(qtbot: QtBot, admin: AdminMode,
                                        store: SecretStore) -> None:
    enter_admin(qtbot, admin, store)
    admin.screen.show_page("feedback")
    assert admin.screen.feedback_page.total.text() == "There is no survey on this kiosk."


def test_todays_appointments_are_listed_without_codes_or_names(
        qtbot: QtBot, make_admin: Callable[..., AdminMode], store: SecretStore) -> None:
    asked: list[str] = []
    reply: list[list[TodayAppointment] | PairingError] = [[
        TodayAppointment(1, datetime(2026, 11, 22, 10, 30, tzinfo=UTC), "Dr Jones",
                         "Cardiology", checked_in=True),
        TodayAppointment(2, datetime(2026, 11, 22, 11, 0, tzinfo=UTC), "", "Physio",
                         checked_in=False)]]

    def appointments(url: str) -> concurrent.futures.Future[
            list[TodayAppointment] | PairingError]:
        asked.append(url)
        done: concurrent.futures.Future[list[TodayAppointment] | PairingError] = \
            concurrent.futures.Future()
        done.set_result(reply[0])
        return done

    admin = make_admin(appointments=appointments)
    enter_admin(qtbot, admin, store)
    page = admin.screen.appointments_page
    with qtbot.waitSignal(admin.appointments_shown) as shown:
        click(qtbot, admin.screen.nav_buttons["appointments"])
    assert shown.args == [""]
    assert asked == ["https://hub.example.nhs.scot"]
    assert page.status.text().startswith("2 today, 1 not checked in yet.")
    ten_thirty = datetime(2026, 11, 22, 10, 30, tzinfo=UTC).astimezone().strftime("%H:%M")
    assert page.rows[0] == f"{ten_thirty}   Dr Jones · Cardiology   (checked in)"
    assert "Any specialist · Physio" in page.rows[1]
    # Only the appointment not checked in yet can be prepared; the next patient then confirms.
    assert len(page.prepare_buttons) == 1
    click(qtbot, page.prepare_buttons[0])
    prepared = admin.controller.journey.prepared
    assert prepared is not None
    assert prepared.hub_id == 2
    assert "Prepared: the next patient is asked" in page.status.text()
    assert page.unprepare_button.isVisible()
    click(qtbot, page.unprepare_button)
    assert admin.controller.journey.prepared is None
    reply[0] = PairingError("auth_failed", "The hub did not accept this kiosk's key.")
    with qtbot.waitSignal(admin.appointments_shown):
        click(qtbot, page.refresh_button)
    assert page.rows == []
    assert page.status.text() == "The hub did not accept this kiosk's key."
    assert page.status.property("role") == "status_bad"


def test_appointments_without_an_engine_say_so(qtbot: QtBot, admin: AdminMode,
                                               store: SecretStore) -> None:
    enter_admin(qtbot, admin, store)
    with qtbot.waitSignal(admin.appointments_shown):
        admin.screen.show_page("appointments")
    assert "not available" in admin.screen.appointments_page.status.text()


@pytest.mark.parametrize(("size", "high_contrast"), [((1920, 1080), False),
                                                     ((1920, 1080), True),
                                                     ((1280, 720), False)])
def test_every_admin_page_passes_the_accessibility_checks(
        qtbot: QtBot, make_admin: Callable[..., AdminMode], host: Host, window: MainWindow,
        store: SecretStore, tmp_path: Path, size: tuple[int, int],
        high_contrast: bool) -> None:
    """The patient screens' checks (tests/ui/test_accessibility.py), on every staff screen."""
    from tests.ui import test_accessibility as a11y

    survey = load_survey(ROOT / "resources" / "surveys" / "near-me.toml")
    feedback = FeedbackStore(tmp_path / "feedback.sqlite3")
    rid = feedback.begin_response(survey.id, survey.version, "en", {})
    feedback.save_answer(rid, "overall", 4)
    try:
        admin = make_admin(survey=survey, feedback_store=feedback)
        window.resize(*size)
        enter_admin(qtbot, admin, store)
        window.render(host.journey, host.now(), LiveState(high_contrast=high_contrast))
        problems: list[str] = []
        checks = (a11y.check_names, a11y.check_target_sizes, a11y.check_contrast,
                  a11y.check_clipping)
        for name, page in admin.screen.page_names.items():
            admin.screen.show_page(name)
            QApplication.processEvents()  # the layout settles, as before any paint
            # A scrolling list is checked whole, on its own; the rest of the window without it.
            scrolls = [sa for sa in page.findChildren(QScrollArea) if sa.isVisible()]
            for scroll in scrolls:
                content = scroll.widget()
                assert content is not None
                for check in checks:
                    problems += [f"{name} (scrolled): {p}" for p in check(content)]
                scroll.hide()
            for check in checks:
                problems += [f"{name}: {p}" for p in check(window)]
            problems += [f"{name}: {p}" for p in a11y.check_keyboard(qtbot, window)]
            for scroll in scrolls:
                scroll.show()
        admin.pin.open(ENTER)
        for check in (a11y.check_names, a11y.check_target_sizes, a11y.check_contrast,
                      a11y.check_clipping):
            problems += [f"PIN pad: {p}" for p in check(window)]
        assert not problems, "\n".join(problems)
    finally:
        feedback.close()


def test_admin_mode_in_the_whole_demo_kiosk(qtbot: QtBot, tmp_path: Path) -> None:
    """The hook in ui/app.py: the real controller, engine thread and embedded demo hub."""
    from ui.app import build, parse_args

    kiosk = build(parse_args(["--demo", "--windowed", "--data-dir", str(tmp_path / "data")]))
    try:
        window = kiosk.window
        window.resize(1920, 1080)
        window.show()
        qtbot.waitExposed(window)
        admin = window.findChild(AdminMode)
        assert isinstance(admin, AdminMode)
        admin.request_entry()
        assert admin.pin.mode == ENTER  # demo: the README's demo PIN is set
        assert f"in `--demo` it is {DEMO_ADMIN_PIN}" in \
            (Path(__file__).resolve().parents[2] / "README.md").read_text("utf-8")
        with qtbot.waitSignal(admin.entered, timeout=5000):
            type_pin(qtbot, admin, DEMO_ADMIN_PIN)
        assert kiosk.journey.step is Step.ADMIN
        assert "Paired with the hub: yes" in admin.screen.status_page.facts.text()
        with qtbot.waitSignal(admin.appointments_shown, timeout=10000) as shown:
            click(qtbot, admin.screen.nav_buttons["appointments"])
        assert shown.args == [""]
        assert admin.screen.appointments_page.rows  # the demo seed's appointment, due now
        with qtbot.waitSignal(admin.left):
            click(qtbot, admin.screen.leave_button)
        assert window.pages.currentWidget() is window.welcome
    finally:
        kiosk.shutdown()
