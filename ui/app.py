"""``clinic-kiosk``: the kiosk's composition root (docs/architecture.md §3: one place builds all).

Builds the QApplication, the engine thread (one owner: this module starts and stops it), the
bridge, the devices, the journey, the window and the controller, and wires them. In ``--demo``
it also starts the embedded hub and the demo specialist on the engine loop.

Rules that matter:

- ``settings.toml`` is the kiosk's configuration. The app reads it on start; command-line
  flags override it (:func:`kiosk.config.resolve_settings`: flag > file > default), and admin
  mode shows which value wins. A file that cannot be used is reported to staff (admin mode and
  the log) and the app starts with the defaults.
- The device token is never held here: the engine, the readiness reports and the feedback
  sync each read it through the secret store when they need it, so pairing in admin mode takes
  effect without a restart.
- Whether the kiosk can serve patients is :func:`kiosk.service.service_state`, asked on start,
  after pairing, on leaving admin mode, and every two minutes while idle, with the hub asked
  whether it still accepts the kiosk's key (``ui/service_watch.py``); when it cannot, patients
  see the out-of-service screen and the reason is logged for staff. ``--demo`` is honestly
  paired: the embedded hub issues the demo kiosk its own token, kept in a memory store for
  the run.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.admin_cli import DEMO_ADMIN_PIN, set_pin
from kiosk.call.session import SessionConfig
from kiosk.checks.hub import send_readiness
from kiosk.checks.result import CheckResult
from kiosk.checks.schedule import SelfTestSchedule
from kiosk.checks.selftest import readiness_payload, run_selftest
from kiosk.config import (
    KioskSettings,
    ResolvedSettings,
    SettingsError,
    default_settings_path,
    read_settings,
    resolve_settings,
)
from kiosk.demo import DemoEnvironment, start_demo
from kiosk.engine import KioskEngine
from kiosk.feedback.recorder import FeedbackRecorder
from kiosk.feedback.store import CorruptStoreError, FeedbackStore
from kiosk.feedback.survey import Survey, SurveyError, load_survey
from kiosk.feedback.sync import FeedbackSync
from kiosk.journey import Journey, Step
from kiosk.logs import setup_logging
from kiosk.pin_lockout import LOCKOUT_FILE, LockoutFile
from kiosk.secrets import DEVICE_TOKEN, SecretStore, SecretStoreUnavailable
from kiosk.service import ServiceState
from kiosk.service_check import hub_state, local_state
from kiosk.speech import rate_from_speed

log = logging.getLogger("ui.app")

ROOT = Path(__file__).resolve().parent.parent
SURVEY = ROOT / "resources" / "surveys" / "near-me.toml"


@dataclass
class Options:
    demo: bool
    windowed: bool
    data_dir: Path | None
    hub: str | None
    clinic_name: str
    walkthrough: bool
    screenshots: Path | None
    language: str | None
    high_contrast: bool
    large_text: bool
    size: tuple[int, int]
    log_json: Path | None
    quit_after_walkthrough: bool
    selftest_times: tuple[str, ...] | None = None
    #: The settings file (default: $XDG_CONFIG_HOME/clinic-kiosk/settings.toml; demo: in the
    #: data folder).
    settings_path: Path | None = None
    #: IT and CI only: a test pattern where no camera exists (and a tone where no microphone
    #: exists), outside demo mode.
    test_pattern_camera: bool = False
    room: str | None = None
    #: Benchmarks and IT line checks: check in with the code in this private file and run
    #: into the call unattended (ui/autorun.py); never the code itself on the command line.
    autorun_code_file: Path | None = None

    def setting_flags(self) -> dict[str, tuple[str, Any]]:
        """The settings the command line gives: field -> (flag, value), only flags given."""
        flags: dict[str, tuple[str, Any]] = {}
        for name, flag, value in (("hub_url", "--hub", self.hub),
                                  ("clinic_name", "--clinic-name", self.clinic_name),
                                  ("room_name", "--room", self.room),
                                  ("default_language", "--language", self.language),
                                  ("self_test_times", "--selftest-at", self.selftest_times)):
            if value:
                flags[name] = (flag, value)
        return flags


def parse_args(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="clinic-kiosk",
        description="The Clinic Kiosk: a patient's video consultation, touch by touch.",
        epilog="Settings come from the settings file (see --settings; staff edit it in admin "
               "mode); a flag given here wins over the file. Other commands: clinic-kiosk "
               "test-call --hub URL --code CODE [--json]")
    parser.add_argument("--demo", action="store_true",
                        help="embedded hub on 127.0.0.1, a demo specialist, synthetic camera "
                             "and microphone where none exist")
    parser.add_argument("--windowed", action="store_true", help="a window, not full screen")
    parser.add_argument("--data-dir", type=Path,
                        help="where the kiosk keeps feedback and logs (demo: a temporary folder)")
    parser.add_argument("--hub", help="the hub's URL (overrides the settings file; not needed "
                                      "with --demo)")
    parser.add_argument("--clinic-name", default="",
                        help="shown on the welcome screen (overrides the settings file)")
    parser.add_argument("--room", help="this kiosk's room, sent when pairing (overrides the "
                                       "settings file)")
    parser.add_argument("--settings", type=Path, metavar="FILE",
                        help="the settings file (default: $XDG_CONFIG_HOME/clinic-kiosk/"
                             "settings.toml)")
    parser.add_argument("--test-pattern-camera", action="store_true",
                        help="IT and CI only: a moving test pattern where no camera exists "
                             "(and a tone where no microphone exists)")
    parser.add_argument("--walkthrough", action="store_true",
                        help="walk the whole journey unattended, answering every step")
    parser.add_argument("--screenshots", type=Path,
                        help="with --walkthrough: save a PNG of every screen here")
    parser.add_argument("--language", choices=("en", "pl", "cy"),
                        help="the language the welcome screen starts in (overrides the "
                             "settings file)")
    parser.add_argument("--high-contrast", action="store_true")
    parser.add_argument("--large-text", action="store_true")
    parser.add_argument("--size", default="1920x1080", help="window size when windowed")
    parser.add_argument("--log-json", type=Path, help="also write JSON log lines here")
    parser.add_argument("--selftest-at", action="append", metavar="HH:MM",
                        help="run the self-test and report readiness to the hub at this local "
                             "time (repeatable; overrides the settings file)")
    parser.add_argument("--autorun-code-file", type=Path, metavar="FILE",
                        help="benchmarks and IT line checks: check in with the appointment code "
                             "in FILE (chmod 600), wait for the specialist, quit after the call")
    parser.add_argument("--stay", action="store_true",
                        help="with --walkthrough: keep running after the walk")
    a = parser.parse_args(argv)
    if a.screenshots and not a.walkthrough:
        parser.error("--screenshots needs --walkthrough")
    try:
        w, h = (int(v) for v in a.size.lower().split("x"))
    except ValueError:
        parser.error("--size must look like 1920x1080")
    return Options(a.demo, a.windowed or a.walkthrough, a.data_dir, a.hub, a.clinic_name,
                   a.walkthrough, a.screenshots, a.language, a.high_contrast, a.large_text,
                   (w, h), a.log_json, not a.stay,
                   tuple(a.selftest_at) if a.selftest_at else None,
                   a.settings, a.test_pattern_camera, a.room, a.autorun_code_file)


def open_store(data_dir: Path) -> FeedbackStore:
    path = data_dir / "feedback.sqlite3"
    try:
        return FeedbackStore(path)
    except CorruptStoreError as exc:
        log.error("feedback store was damaged and moved aside to %s", exc.moved_to)
        return FeedbackStore(path)


def load_survey_file(path: Path) -> Survey | None:
    try:
        return load_survey(path)
    except (SurveyError, OSError) as exc:
        log.error("survey not loaded: %s", exc)
        return None


@dataclass
class KioskApp:
    """Everything the composition root built, and the one way to take it down."""

    app: Any
    thread: Any
    bridge: Any
    devices: Any
    engine: KioskEngine
    journey: Journey
    window: Any
    controller: Any
    store: FeedbackStore
    schedule: SelfTestSchedule | None
    sync: FeedbackSync | None
    demo: DemoEnvironment | None
    temp_dir: Path | None
    data_dir: Path
    settings: ResolvedSettings | None = None
    settings_path: Path | None = None
    reader: Any = None  # ui.speech.ScreenReader (read aloud)
    watch: Any = None  # ui.service_watch.ServiceWatch

    def shutdown(self) -> None:
        """Stop in order: timers and writer, devices, engine (ends calls), demo hub, thread."""
        log.info("kiosk closing")
        if self.reader is not None:
            self.reader.close()  # the speech thread
        if self.watch is not None:
            self.watch.stop()
        self.controller.shutdown()
        self.devices.stop()
        engine, demo, schedule, sync = self.engine, self.demo, self.schedule, self.sync

        async def stop_engine() -> None:
            if schedule is not None:
                await schedule.stop()
            if sync is not None:
                await sync.stop()
            await engine.close()
            if demo is not None:
                await demo.close()

        self.thread.stop(stop_engine)
        self.store.close()
        self.window.languages.close()  # now, not at deleteLater: the next app starts in English
        self.window.close()
        self.window.deleteLater()
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)


def build(opts: Options, *, clock: Callable[[], float] = time.monotonic) -> KioskApp:
    """Build and wire the kiosk (the QApplication must exist). Raises RuntimeError if the demo
    hub cannot start or a command-line flag gives a setting that is not valid."""
    from PySide6.QtWidgets import QApplication

    from kiosk.media.echo import ProcessingSettings
    from kiosk.secrets import KeyringSecretStore, MemorySecretStore
    from ui.admin import install_admin
    from ui.bridge import EngineBridge
    from ui.controller import KioskController
    from ui.engine_thread import EngineThread
    from ui.media import KioskDevices
    from ui.service_watch import ServiceWatch
    from ui.speech import ScreenReader
    from ui.window import MainWindow

    app = QApplication.instance()
    temp_dir: Path | None = None
    data_dir = opts.data_dir
    if data_dir is None:
        if opts.demo:
            temp_dir = data_dir = Path(tempfile.mkdtemp(prefix="clinic-kiosk-demo-"))
        else:
            data_dir = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local/share")) \
                / "clinic-kiosk"
    data_dir.mkdir(parents=True, exist_ok=True)
    settings_path = opts.settings_path or (
        data_dir / "settings.toml" if opts.demo else default_settings_path())
    file_settings, settings_problem = read_settings(settings_path)
    if settings_problem:
        log.error("%s", settings_problem)

    thread = EngineThread()
    thread.start()
    demo: DemoEnvironment | None = None
    secret_store: SecretStore = MemorySecretStore() if opts.demo else KeyringSecretStore()
    flags = opts.setting_flags()
    if opts.demo:
        try:
            demo = thread.submit(start_demo(data_dir)).result(30)
        except Exception as exc:
            thread.stop()
            raise RuntimeError(f"the demo hub did not start: {exc}") from exc
        flags["hub_url"] = ("--demo", demo.url)
        if file_settings is None and "clinic_name" not in flags:
            flags["clinic_name"] = ("--demo", demo.seed.clinic_name)
        # The embedded hub paired the demo kiosk: its throw-away key, for this run only.
        secret_store.set(DEVICE_TOKEN, demo.kiosk_token)
        # Admin mode in the demo: the README's demo PIN, set as IT sets one (admin set-pin).
        set_pin(secret_store, data_dir, DEMO_ADMIN_PIN, DEMO_ADMIN_PIN)
    try:
        resolved = resolve_settings(file_settings, flags)
    except SettingsError as exc:
        thread.stop(demo.close if demo is not None else None)
        raise RuntimeError(f"a setting on the command line is not valid: {exc}") from None
    settings = resolved.settings
    hub_url = settings.hub_url

    def token() -> str | None:
        return read_token(secret_store)

    bridge = EngineBridge(thread)
    devices = KioskDevices(synthetic_fallback=opts.demo or opts.test_pattern_camera,
                           processing=ProcessingSettings.of(settings))
    choose_devices(devices, settings)
    loop = thread.loop
    engine = KioskEngine(hub_url, lambda: devices.make_tracks(loop), bridge, token=token,
                         session_config=SessionConfig(
                             lost_after=float(settings.call_lost_after_s)))
    bridge.attach(engine)

    journey = Journey(settings.timeouts(), now=clock())
    window = MainWindow(settings.clinic_name)
    reader = ScreenReader(window, rate=rate_from_speed(settings.read_aloud_speed))
    store = open_store(data_dir)
    survey = load_survey_file(Path(settings.survey_file) if settings.survey_file else SURVEY)

    def new_demo_code() -> None:
        if demo is not None:
            window.set_demo_code(demo.new_code())

    controller = KioskController(journey, window, bridge, devices,
                                 feedback=FeedbackRecorder(store, survey), on_reset=new_demo_code,
                                 clock=clock)
    controller.default_language = settings.default_language
    controller.live.language = settings.default_language
    controller.live.high_contrast = opts.high_contrast
    controller.live.large_text = opts.large_text
    new_demo_code()
    schedule = None
    sync = None
    if hub_url:
        schedule = readiness_schedule(engine, devices, hub_url, token, settings.self_test_times,
                                      extra_checks=(reader.readiness_check,))
        thread.call_soon(schedule.start)
        sync = FeedbackSync(store, hub_url, token)
        thread.submit(sync.start()).result(5)
        controller.answer_saved.connect(lambda _qid: sync.wake())
    # Admin mode for staff (ui/admin): hold the clinic's name 3 s, or Ctrl+Alt+A, then the PIN.
    admin = install_admin(controller, window, secrets=secret_store, settings=settings,
                          settings_path=settings_path, submit=thread.submit, clock=clock,
                          survey=survey, feedback_store=store,
                          lockout=LockoutFile(data_dir / LOCKOUT_FILE))
    admin.show_configuration(resolved, file_settings, settings_problem)
    admin.read_aloud = reader.status_text()

    def read_aloud_ready() -> None:
        admin.read_aloud = reader.status_text()

    reader.ready.connect(read_aloud_ready)

    def apply_service(state: ServiceState) -> None:
        if state != window.service:
            if state.ready:
                log.info("kiosk in service")
            else:
                log.error("kiosk out of service (%s): %s", state.code, state.reason)
        window.set_service(state)
        admin.set_service(state)
        controller.render()

    # Asked again off the GUI thread while idle: a keyring that became locked, or a key the
    # hub no longer accepts, takes the kiosk out of service without a restart (ui/service_watch).
    watch = ServiceWatch(lambda: hub_state(settings.hub_url, secret_store), thread.submit,
                         idle=lambda: journey.step in (Step.ATTRACT, Step.ADMIN), parent=window)
    watch.checked.connect(apply_service)

    def check_service() -> None:
        apply_service(kiosk_service(settings.hub_url, secret_store))
        watch.check_now()

    check_service()
    watch.start()
    admin.paired.connect(lambda _text: check_service())
    # The microphone's processing applies at once (the devices restart with a new processor).
    admin.settings_saved.connect(
        lambda saved: devices.set_processing(ProcessingSettings.of(saved)))
    admin.left.connect(check_service)
    return KioskApp(app, thread, bridge, devices, engine, journey, window, controller, store,
                    schedule, sync, demo, temp_dir, data_dir, resolved, settings_path, reader,
                    watch)


def read_token(secrets: SecretStore) -> str | None:
    """The kiosk's device token from the secret store now; None when the kiosk is not paired
    or the store cannot be used (the service state tells staff which)."""
    try:
        return secrets.get(DEVICE_TOKEN) or None
    except SecretStoreUnavailable:
        return None


def kiosk_service(hub_url: str, secrets: SecretStore) -> ServiceState:
    """Ask :func:`kiosk.service.service_state` about this kiosk now (a locked keyring is "no
    secure keyring", not "not paired": :func:`kiosk.service_check.local_state`)."""
    return local_state(hub_url, secrets)


def choose_devices(devices: Any, settings: KioskSettings) -> None:
    """Use the camera, microphone and speaker staff chose (by the platform's id, or by the
    name shown in the device checks); an id that is not there now is logged and the system's
    default is used."""
    lists = devices.devices
    for kind, wanted, present in (("camera", settings.camera_id, lists.cameras()),
                                  ("mic", settings.microphone_id, lists.microphones()),
                                  ("speaker", settings.speaker_id, lists.speakers())):
        if not wanted:
            continue
        for index, device in enumerate(present):
            if wanted in (bytes(device.id().data()).decode("utf-8", "replace"),
                          device.description()):
                devices.choose(kind, index)
                log.info("%s: using the one chosen in the settings (%d)", kind, index)
                break
        else:
            log.warning("%s chosen in the settings is not connected; using the default", kind)


def readiness_schedule(engine: KioskEngine, devices: Any, hub_url: str,
                       token: str | Callable[[], str | None],
                       times: tuple[str, ...],
                       extra_checks: tuple[Callable[[], CheckResult], ...] = ()
                       ) -> SelfTestSchedule:
    """Run the self-test at the given local times and report readiness to the hub. A test that
    falls due during a visit waits until the patient has gone (it uses the network hard). The
    token is read when a report is sent (a provider, or a fixed token in tests)."""

    def current_token() -> str | None:
        return token if isinstance(token, str) else token()

    async def device_checks() -> list[CheckResult]:
        return [*await devices.device_checks(), *(check() for check in extra_checks)]

    async def run() -> dict[str, Any]:
        await engine.idle.wait()
        report = await run_selftest(hub_url, token=await asyncio.to_thread(current_token),
                                    devices=device_checks)
        log.info("scheduled self-test: %s", "fit" if report.fit else "NOT fit")
        return report.to_json()

    async def report(result: Any) -> None:
        now = await asyncio.to_thread(current_token)
        if now is None:
            log.warning("readiness not reported: the kiosk is not paired")
            return
        await send_readiness(hub_url, now, readiness_payload(result))

    return SelfTestSchedule(times, run=run, report=report)


def main(argv: list[str]) -> int:
    opts = parse_args(argv)
    setup_logging(logging.INFO, json_path=opts.log_json, stderr_json=False)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    autorun_code = None
    if opts.autorun_code_file is not None:
        from kiosk.autorun import CodeFileError, read_code_file

        try:
            autorun_code = read_code_file(opts.autorun_code_file)
        except CodeFileError as exc:
            print(f"clinic-kiosk: --autorun-code-file {exc}", file=sys.stderr)
            return 2

    started = time.monotonic()
    app = QApplication.instance() or QApplication(["clinic-kiosk"])
    assert isinstance(app, QApplication)
    app.setApplicationName("Clinic Kiosk")
    try:
        kiosk = build(opts)
    except RuntimeError as exc:
        log.error("%s", exc)
        print(f"clinic-kiosk: {exc}", file=sys.stderr)
        return 1
    window = kiosk.window
    if opts.windowed:
        window.resize(*opts.size)
        window.show()
    else:
        # With no window manager (a bare X session, Xvfb) Qt only asks for full screen and the
        # window keeps its first size: give it the whole screen as well.
        window.setGeometry(window.screen().geometry())
        window.showFullScreen()
    kiosk.controller.render()
    log.info("welcome screen shown after %.0f ms", (time.monotonic() - started) * 1000)

    if opts.walkthrough:
        from ui.walkthrough import Walkthrough

        walker = Walkthrough(kiosk.controller, demo_code=window.demo_code,
                             screenshots=opts.screenshots)
        walker.finished.connect(
            lambda ok: app.exit(0 if ok else 3) if opts.quit_after_walkthrough else None)
        QTimer.singleShot(0, walker.start)
    if autorun_code is not None:
        from ui.autorun import Autorun

        autorun = Autorun(kiosk.controller, autorun_code, app.exit, parent=window)
        QTimer.singleShot(0, autorun.start)

    rc = app.exec()
    kiosk.shutdown()
    return int(rc)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
