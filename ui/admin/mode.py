"""Admin mode's behaviour: :class:`AdminMode` joins the entry gesture, the PIN pad and the staff
screens to the journey, the secret store, the settings file and the hub (see ``ui/admin`` for
the rules that matter). Built by :func:`ui.admin.install_admin`.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable, Coroutine
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QFileDialog, QWidget

from kiosk.admin import (
    NO_SECURE_STORE,
    AdminLock,
    Outcome,
    Pairing,
    PairingError,
    RecentLog,
    TodayAppointment,
    diagnostics_bundle,
    versions,
)
from kiosk.config import KioskSettings, ResolvedSettings, SettingsError, save_settings
from kiosk.feedback.store import FeedbackStore
from kiosk.feedback.survey import Survey
from kiosk.journey import AppointmentInfo, Effect, Journey, Step
from kiosk.secrets import DEVICE_TOKEN, SecretStore, SecretStoreUnavailable
from kiosk.service import READY, ServiceState
from ui.admin.entry import HOLD_MS, EntryGesture
from ui.admin.pin import ENTER, NOT_SET_UP, UNAVAILABLE, PinOverlay
from ui.admin.screen import AdminScreen

if TYPE_CHECKING:
    from ui.window import MainWindow

__all__ = ["ADMIN_IDLE_MS", "EXIT_KIOSK", "EXIT_RESTART", "AdminHost", "AdminMode",
           "AppointmentsFn", "PairFn", "Submit"]

log = logging.getLogger("ui.admin")
T = TypeVar("T")

#: Exit codes for the supervisor (systemd: ``RestartForceExitStatus=75``; exit 0 stays down).
EXIT_RESTART: Final = 75
EXIT_KIOSK: Final = 0
ADMIN_IDLE_MS: Final = 5 * 60 * 1000
LOG_LINES_SHOWN: Final = 40

class AdminHost(Protocol):
    """What admin mode needs of the kiosk controller (``ui.controller.KioskController``)."""

    journey: Journey
    default_language: str

    def now(self) -> float: ...

    def apply(self, effects: list[Effect]) -> None: ...


class Submit(Protocol):
    """Runs a coroutine on the engine loop (``EngineThread.submit``)."""

    def __call__(self, coro: Coroutine[Any, Any, T], /) -> concurrent.futures.Future[T]: ...


#: Pairs with the hub at a URL using a code, on the engine loop; the future's result is the
#: :class:`Pairing`, or the :class:`PairingError` (returned or raised).
PairFn = Callable[[str, str], "concurrent.futures.Future[Pairing | PairingError]"]
#: Fetches today's appointments from the hub at a URL, on the engine loop (the list, or the
#: :class:`PairingError` returned or raised).
AppointmentsFn = Callable[
    [str], "concurrent.futures.Future[list[TodayAppointment] | PairingError]"]
_ACTIVITY = (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin)


class AdminMode(QObject):
    """Admin mode's behaviour, between the window, the journey and the kiosk's services.

    Signals:
        entered(): admin mode opened (the ADMIN page shows).
        left(): admin mode closed (back to the welcome screen).
        pin_result(str): a PIN attempt's outcome ("accepted", "wrong", "locked",
            "refused": the PIN pad could not open, "unavailable": no secure store,
            "not_set_up": no admin PIN yet; IT sets it with ``clinic-kiosk admin set-pin``).
        settings_saved(object): the settings were written (a :class:`KioskSettings`).
        paired(str): pairing finished; "Paired as ..." or the error message.
        exported(str): a diagnostics zip was written (its path) or "" if it failed.
        appointments_shown(str): today's list arrived ("") or could not be fetched (why).
        restart_requested(): "Restart the kiosk app".
        exit_requested(): "Exit kiosk mode" with the right PIN.
    """

    entered = Signal()
    left = Signal()
    pin_result = Signal(str)
    settings_saved = Signal(object)
    paired = Signal(str)
    exported = Signal(str)
    restart_requested = Signal()
    exit_requested = Signal()
    _pair_done = Signal(object)
    _appointments_done = Signal(object)
    appointments_shown = Signal(str)

    def __init__(self, controller: AdminHost, window: MainWindow, *, lock: AdminLock,
                 secrets: SecretStore, settings: KioskSettings, settings_path: Path,
                 pair: PairFn | None = None, appointments: AppointmentsFn | None = None,
                 recent_log: RecentLog | None = None,
                 choose_folder: Callable[[QWidget], Path | None] | None = None,
                 versions_info: dict[str, str] | None = None,
                 survey: Survey | None = None, feedback_store: FeedbackStore | None = None,
                 hold_ms: int = HOLD_MS,
                 idle_ms: int = ADMIN_IDLE_MS, parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self.controller = controller
        self.window = window
        self.lock = lock
        self.secrets = secrets
        self.settings = settings
        self.settings_path = settings_path
        self._pair = pair
        self._appointments = appointments
        self.recent_log = recent_log
        self._choose_folder = choose_folder or _choose_folder
        self._versions = versions_info
        self.survey = survey
        self.feedback_store = feedback_store
        #: Field -> flag for settings the command line set (the file's value is not used).
        self.overrides: dict[str, str] = {}
        #: What the settings file holds (the defaults when there is none or it was not used).
        self.file_settings = settings
        self.settings_problem: str | None = None
        #: Whether patients are offered read aloud, or why not (set by the app: ui/speech.py).
        self.read_aloud = ""
        self.service = ServiceState(READY)
        self.screen = AdminScreen(settings)
        window.set_admin_screen(self.screen)
        self.pin = PinOverlay(window)
        window.overlays.append(self.pin)
        self.gesture = EntryGesture(window.header.title, window, hold_ms=hold_ms, parent=self)
        self.idle = QTimer(self)
        self.idle.setSingleShot(True)
        self.idle.setInterval(idle_ms)
        self.idle.timeout.connect(self._idle_timeout)
        self._connect()
        app = QCoreApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def close(self) -> None:
        """Stop watching for activity and stop keeping log lines (tests; shutdown)."""
        self.idle.stop()
        app = QCoreApplication.instance()
        if app is not None:
            app.removeEventFilter(self)
        if self.recent_log is not None:
            self.recent_log.close()

    def _connect(self) -> None:
        self.gesture.triggered.connect(self.request_entry)
        self.pin.pin_entered.connect(self._pin_entered)
        s = self.screen
        s.leave_requested.connect(self.leave)
        s.restart_requested.connect(self._restart)
        s.exit_requested.connect(lambda: self._open_pin(ENTER, purpose="exit"))
        s.page_shown.connect(self._page_shown)
        s.settings_page.save_requested.connect(self.save_settings)
        s.pairing_page.pair_requested.connect(self.pair_with)
        s.diagnostics_page.export_requested.connect(self.export_diagnostics)
        s.diagnostics_page.refresh_requested.connect(self._refresh_diagnostics)
        s.feedback_page.refresh_requested.connect(self._refresh_feedback)
        self._pair_done.connect(self._pairing_finished)
        self._appointments_done.connect(self._appointments_arrived)
        s.appointments_page.refresh_requested.connect(self.refresh_appointments)
        s.appointments_page.prepare_requested.connect(self.prepare_for)
        s.appointments_page.unprepare_requested.connect(lambda: self.prepare_for(None))

    # ----- entry -------------------------------------------------------------------------------

    @property
    def active(self) -> bool:
        return self.controller.journey.step is Step.ADMIN

    def request_entry(self) -> None:
        """The gesture or the keys: open the PIN pad (or say why admin mode cannot open)."""
        step = self.controller.journey.step
        if step in (Step.CONSULTATION, Step.ADMIN) or self.pin.isVisible():
            log.info("admin entry ignored on %s", step)
            self.pin_result.emit("refused")
            return
        if not self.lock.secure:
            log.warning("admin entry refused: no secure secret store")
            self.pin.open(UNAVAILABLE, message=NO_SECURE_STORE)
            self.pin_result.emit("unavailable")
            return
        try:
            has_pin = self.lock.has_pin()
        except SecretStoreUnavailable as exc:
            self.pin.open(UNAVAILABLE, message=str(exc))
            self.pin_result.emit("unavailable")
            return
        if not has_pin:  # never offered on the public screen: IT sets it from a terminal
            log.info("admin entry: no admin PIN is set on this kiosk")
            self.pin.open(NOT_SET_UP)
            self.pin_result.emit("not_set_up")
            return
        self._open_pin(ENTER, purpose="enter")

    def _open_pin(self, mode: str, *, purpose: str) -> None:
        wait = self.lock.retry_after()
        self.pin.open(mode, purpose=purpose, message=_locked_text(wait) if wait else "")

    def _pin_entered(self, pin: str) -> None:
        try:
            attempt = self.lock.check(pin)
        except SecretStoreUnavailable as exc:
            self.pin.open(UNAVAILABLE, message=str(exc))
            self.pin_result.emit("unavailable")
            return
        if attempt.outcome is Outcome.ACCEPTED:
            purpose = self.pin.purpose
            self.pin.close_pad()
            self.pin_result.emit("accepted")
            if purpose == "exit":
                log.info("kiosk mode exit asked for by staff")
                self.exit_requested.emit()
            else:
                self._enter()
        elif attempt.outcome is Outcome.WRONG:
            plural = "try" if attempt.tries_left == 1 else "tries"
            self.pin.show_message(f"That PIN is not right. {attempt.tries_left} {plural} left "
                                  f"before admin mode locks for a while.")
            self.pin_result.emit("wrong")
        else:
            self.pin.show_message(_locked_text(attempt.retry_after))
            self.pin_result.emit("locked")

    def _enter(self) -> None:
        c = self.controller
        c.apply(c.journey.enter_admin(c.now()))
        if not self.active:  # a call began while the PIN was typed
            log.warning("admin mode not entered: the journey refused (%s)", c.journey.step)
            return
        log.info("admin mode entered")
        self.screen.settings_page.load(self.settings)
        self.screen.show_page("status")
        self.idle.start()
        self.entered.emit()

    def leave(self) -> None:
        """Back to the welcome screen."""
        self.idle.stop()
        self.pin.close_pad()
        c = self.controller
        if self.active:
            c.apply(c.journey.leave_admin(c.now()))
            log.info("admin mode left")
            self.left.emit()

    def _idle_timeout(self) -> None:
        if self.active:
            log.info("admin mode closed after no activity")
            self.leave()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY and self.idle.isActive():
            self.idle.start()
        return False

    def _restart(self) -> None:
        log.info("kiosk app restart asked for by staff")
        self.restart_requested.emit()

    # ----- pages -------------------------------------------------------------------------------

    def _page_shown(self, name: str) -> None:
        if name == "status":
            self.screen.status_page.show_facts(self.facts())
        elif name == "pairing":
            self._show_pairing_context()
        elif name == "diagnostics":
            self._refresh_diagnostics()
        elif name == "feedback":
            self._refresh_feedback()
        elif name == "appointments":
            self.refresh_appointments()

    def prepare_for(self, appointment: TodayAppointment | None) -> None:
        """Prepare the kiosk for an appointment (None: cancel): the next patient only confirms
        "Are you here to see <specialist> at <time>?" and checks in without a code."""
        c = self.controller
        if appointment is None:
            c.apply(c.journey.prepare(None))
            self.screen.appointments_page.show_prepared(None)
            log.info("kiosk preparation cancelled")
            return
        c.apply(c.journey.prepare(AppointmentInfo(
            specialist_name=appointment.specialist or "your specialist",
            time=appointment.local_time(), waiting_area=appointment.waiting_area,
            hub_id=appointment.id)))
        who = appointment.specialist or "any specialist"
        self.screen.appointments_page.show_prepared(
            f"Prepared: the next patient is asked \"Are you here to see {who} at "
            f"{appointment.local_time()}?\"")
        log.info("kiosk prepared for appointment %d", appointment.id)

    def refresh_appointments(self) -> None:
        page = self.screen.appointments_page
        if self._appointments is None:
            page.show_error("The appointment list is not available in this mode.")
            self.appointments_shown.emit("unavailable")
            return
        page.show_loading()
        future = self._appointments(self.settings.hub_url)
        future.add_done_callback(self._appointments_done.emit)

    def _appointments_arrived(
            self, future: concurrent.futures.Future[list[TodayAppointment] | PairingError]
    ) -> None:
        page = self.screen.appointments_page
        try:
            result = future.result()
        except Exception as exc:
            result = exc if isinstance(exc, PairingError) else PairingError(
                "failed", "The list could not be fetched. Export diagnostics for IT.")
            if not isinstance(exc, PairingError):
                log.error("appointment list failed: %s", type(exc).__name__)
        if isinstance(result, PairingError):
            page.show_error(str(result))
            self.appointments_shown.emit(str(result))
        else:
            page.show_list(result)
            self.appointments_shown.emit("")

    def _refresh_feedback(self) -> None:
        summary = None
        if self.feedback_store is not None and self.survey is not None:
            try:
                summary = self.feedback_store.summary(self.survey)
            except Exception as exc:  # a damaged store must not break admin mode
                log.error("feedback summary failed: %s", type(exc).__name__)
        self.screen.feedback_page.show_summary(summary, self.survey)

    def show_configuration(self, resolved: ResolvedSettings, file_settings: KioskSettings | None,
                           problem: str | None) -> None:
        """Where each running value came from (flags win over the file) and why the file was
        not used, if it was not; the settings page shows both."""
        self.overrides = resolved.overridden()
        self.file_settings = file_settings if file_settings is not None else KioskSettings()
        self.settings_problem = problem
        self.screen.settings_page.show_sources(
            {name: resolved.source_text(name) for name in self.overrides}, problem)

    def set_service(self, state: ServiceState) -> None:
        """Whether the kiosk serves patients, and why not (the status and pairing pages)."""
        self.service = state
        if self.active:
            self.screen.status_page.show_facts(self.facts())
            self._show_pairing_context()

    def _show_pairing_context(self) -> None:
        self.screen.pairing_page.set_context(
            self.settings.hub_url, self._paired(),
            "" if self.service.ready else self.service.reason)

    def _paired(self) -> bool:
        try:
            return bool(self.secrets.get(DEVICE_TOKEN))
        except SecretStoreUnavailable:
            return False

    def facts(self) -> dict[str, str]:
        s = self.settings
        facts = {"Serving patients": "yes" if self.service.ready else
                 "NO: " + self.service.reason,
                 "Clinic": s.clinic_name, "Room": s.room_name or "(not set)",
                 "Hub": s.hub_url or "(not set)",
                "Paired with the hub": "yes" if self._paired() else "no",
                 "Secure password store": "yes" if self.secrets.secure else "NO",
                 "Settings file": str(self.settings_path)}
        if self.settings_problem:
            facts["Settings file problem"] = self.settings_problem
        for name, flag in self.overrides.items():
            facts[f"Set on the command line ({flag})"] = name
        if self.read_aloud:
            facts["Read aloud"] = self.read_aloud
        return facts

    def save_settings(self, settings: KioskSettings) -> None:
        page = self.screen.settings_page
        # A value a flag set is not the file's: the file keeps its own for those fields.
        to_write = replace(settings, **{name: getattr(self.file_settings, name)
                                        for name in self.overrides})
        try:
            save_settings(self.settings_path, to_write)
        except SettingsError as exc:
            page.show_errors(exc.errors)
            page.show_status("Not saved: some fields need changing.", good=False)
            return
        except OSError as exc:
            log.error("settings not saved: %s", type(exc).__name__)
            page.show_status(f"Not saved: the settings file could not be written "
                             f"({exc.strerror or type(exc).__name__}).", good=False)
            return
        old, self.settings = self.settings, settings
        self.file_settings, self.settings_problem = to_write, None
        self._apply_live(settings)
        restart = [name for name, changed in (
            ("hub address", old.hub_url != settings.hub_url),
            ("devices", (old.camera_id, old.microphone_id, old.speaker_id)
             != (settings.camera_id, settings.microphone_id, settings.speaker_id)),
            ("survey", old.survey_file != settings.survey_file),
            ("self-test times", old.self_test_times != settings.self_test_times)) if changed]
        note = "Settings saved."
        if restart:
            note += " Restart the kiosk app to use the new " + ", ".join(restart) + "."
        log.info("settings saved")
        page.saved(settings, note)
        self.settings_saved.emit(settings)

    def _apply_live(self, settings: KioskSettings) -> None:
        """Use what can change without a restart: names, language, time-outs."""
        c, w = self.controller, self.window
        c.journey.timeouts = settings.timeouts()
        c.default_language = settings.default_language
        w.setWindowTitle(settings.clinic_name)
        w.header.set_clinic_name(settings.clinic_name)
        w.welcome.set_clinic_name(settings.clinic_name)

    def pair_with(self, code: str) -> None:
        page = self.screen.pairing_page
        if self._pair is None:
            page.set_busy(False)
            page.show_result("Pairing is not available in this mode.", ok=False)
            return
        if not self.settings.hub_url:
            page.set_busy(False)
            page.show_result("Set the hub's address in Settings first.", ok=False)
            return
        future = self._pair(self.settings.hub_url, code)
        future.add_done_callback(self._pair_done.emit)

    def _pairing_finished(self, future: concurrent.futures.Future[Pairing | PairingError]
                          ) -> None:
        page = self.screen.pairing_page
        page.set_busy(False)
        try:
            result = future.result()
            if isinstance(result, PairingError):
                raise result
        except PairingError as exc:
            text, ok = str(exc), False
        except SecretStoreUnavailable:
            text, ok = NO_SECURE_STORE, False
        except Exception as exc:  # anything else: a plain message, the details in the log
            log.error("pairing failed: %s", type(exc).__name__)
            text, ok = "Pairing failed unexpectedly. Export diagnostics for IT.", False
        else:
            text, ok = result.describe() + ". The kiosk uses the new key from now on.", True
        page.show_result(text, ok=ok)
        self.paired.emit(text)  # the app asks again whether the kiosk can serve patients
        self._show_pairing_context()

    def _log_lines(self) -> list[str]:
        return self.recent_log.lines() if self.recent_log is not None else []

    def _refresh_diagnostics(self) -> None:
        if self._versions is None:
            self._versions = versions()
        facts = {"Paired": "yes" if self._paired() else "no",
                 "Secure store": "yes" if self.secrets.secure else "no"}
        self.screen.diagnostics_page.show_info(self._versions, facts,
                                               self._log_lines()[-LOG_LINES_SHOWN:])

    def export_diagnostics(self) -> None:
        page = self.screen.diagnostics_page
        folder = self._choose_folder(self.screen)
        if folder is None:
            return
        try:
            path = diagnostics_bundle(
                folder, settings=self.settings, log_lines=self._log_lines(),
                versions_info=self._versions or versions(),
                extra={"paired": self._paired(), "secure_store": self.secrets.secure})
        except OSError as exc:
            log.error("diagnostics not exported: %s", type(exc).__name__)
            page.show_status(f"Not exported: {exc.strerror or type(exc).__name__}.", ok=False)
            self.exported.emit("")
            return
        page.show_status(f"Saved {path.name} in {folder}.", ok=True)
        self.exported.emit(str(path))


def _locked_text(seconds: float) -> str:
    minutes = int(seconds + 59) // 60
    wait = f"{minutes} minute{'s' if minutes != 1 else ''}" if seconds >= 60 else \
        f"{int(seconds + 0.999)} seconds"
    return f"Too many wrong PINs. Admin mode is locked; try again in {wait}."


def _choose_folder(parent: QWidget) -> Path | None:
    """Ask staff for a folder (a USB stick, usually) with Qt's own dialog, not the desktop's."""
    media = Path("/media")
    start = str(media) if media.is_dir() else str(Path.home())
    chosen = QFileDialog.getExistingDirectory(
        parent, "Where to save the diagnostics file", start,
        QFileDialog.Option.ShowDirsOnly | QFileDialog.Option.DontUseNativeDialog)
    return Path(chosen) if chosen else None
