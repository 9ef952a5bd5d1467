"""``clinic-kiosk``: the kiosk's composition root (docs/architecture.md §3: one place builds all).

Builds the QApplication, the engine thread (one owner: this module starts and stops it), the
bridge, the devices, the journey, the window and the controller, and wires them. In ``--demo``
it also starts the embedded hub and the demo specialist on the engine loop.
"""

from __future__ import annotations

import argparse
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

from kiosk.checks.hub import send_readiness
from kiosk.checks.schedule import SelfTestSchedule
from kiosk.checks.selftest import readiness_payload, run_selftest
from kiosk.demo import DemoEnvironment, start_demo
from kiosk.engine import KioskEngine
from kiosk.feedback.recorder import FeedbackRecorder
from kiosk.feedback.store import CorruptStoreError, FeedbackStore
from kiosk.feedback.survey import Survey, SurveyError, load_survey
from kiosk.feedback.sync import FeedbackSync
from kiosk.journey import Journey, Timeouts
from kiosk.logs import setup_logging
from kiosk.secrets import DEVICE_TOKEN, SecretStore, SecretStoreUnavailable

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
    language: str
    high_contrast: bool
    large_text: bool
    size: tuple[int, int]
    log_json: Path | None
    quit_after_walkthrough: bool
    selftest_times: tuple[str, ...] = ("07:30",)


def parse_args(argv: list[str]) -> Options:
    parser = argparse.ArgumentParser(
        prog="clinic-kiosk",
        description="The Clinic Kiosk: a patient's video consultation, touch by touch.",
        epilog="Other commands: clinic-kiosk test-call --hub URL --code CODE [--json]")
    parser.add_argument("--demo", action="store_true",
                        help="embedded hub on 127.0.0.1, a demo specialist, synthetic camera "
                             "and microphone where none exist")
    parser.add_argument("--windowed", action="store_true", help="a window, not full screen")
    parser.add_argument("--data-dir", type=Path,
                        help="where the kiosk keeps feedback and logs (demo: a temporary folder)")
    parser.add_argument("--hub", help="the hub's URL (not needed with --demo)")
    parser.add_argument("--clinic-name", default="", help="shown on the welcome screen")
    parser.add_argument("--walkthrough", action="store_true",
                        help="walk the whole journey unattended, answering every step")
    parser.add_argument("--screenshots", type=Path,
                        help="with --walkthrough: save a PNG of every screen here")
    parser.add_argument("--language", default="en", choices=("en", "pl", "cy"))
    parser.add_argument("--high-contrast", action="store_true")
    parser.add_argument("--large-text", action="store_true")
    parser.add_argument("--size", default="1920x1080", help="window size when windowed")
    parser.add_argument("--log-json", type=Path, help="also write JSON log lines here")
    parser.add_argument("--selftest-at", action="append", metavar="HH:MM",
                        help="run the self-test and report readiness to the hub at this local "
                             "time (repeatable; default 07:30)")
    parser.add_argument("--stay", action="store_true",
                        help="with --walkthrough: keep running after the walk")
    a = parser.parse_args(argv)
    if not a.demo and not a.hub:
        parser.error("give --hub URL, or --demo to try the kiosk on this machine")
    if a.screenshots and not a.walkthrough:
        parser.error("--screenshots needs --walkthrough")
    try:
        w, h = (int(v) for v in a.size.lower().split("x"))
    except ValueError:
        parser.error("--size must look like 1920x1080")
    return Options(a.demo, a.windowed or a.walkthrough, a.data_dir, a.hub, a.clinic_name,
                   a.walkthrough, a.screenshots, a.language, a.high_contrast, a.large_text,
                   (w, h), a.log_json, not a.stay,
                   tuple(a.selftest_at) if a.selftest_at else ("07:30",))


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

    def shutdown(self) -> None:
        """Stop in order: timers and writer, devices, engine (ends calls), demo hub, thread."""
        log.info("kiosk closing")
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
        self.window.close()
        self.window.deleteLater()
        if self.temp_dir is not None:
            shutil.rmtree(self.temp_dir, ignore_errors=True)


def build(opts: Options, *, clock: Callable[[], float] = time.monotonic) -> KioskApp:
    """Build and wire the kiosk (the QApplication must exist). Raises RuntimeError if the demo
    hub cannot start."""
    from PySide6.QtWidgets import QApplication

    from kiosk.config import default_settings_path
    from kiosk.media.echo import ProcessingSettings
    from kiosk.secrets import KeyringSecretStore, MemorySecretStore
    from ui.admin import install_admin, settings_for
    from ui.bridge import EngineBridge
    from ui.controller import KioskController
    from ui.engine_thread import EngineThread
    from ui.media import KioskDevices
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

    thread = EngineThread()
    thread.start()
    demo: DemoEnvironment | None = None
    hub_url = opts.hub or ""
    secret_store = MemorySecretStore() if opts.demo else KeyringSecretStore()
    if opts.demo:
        try:
            demo = thread.submit(start_demo(data_dir)).result(30)
        except Exception as exc:
            thread.stop()
            raise RuntimeError(f"the demo hub did not start: {exc}") from exc
        hub_url = demo.url
        secret_store.set(DEVICE_TOKEN, demo.kiosk_token)  # the demo hub's throw-away kiosk key
    token = device_token(secret_store)
    clinic_name = opts.clinic_name or (demo.seed.clinic_name if demo else "Clinic Kiosk")

    bridge = EngineBridge(thread)
    devices = KioskDevices(synthetic_fallback=opts.demo)
    loop = thread.loop
    engine = KioskEngine(hub_url, lambda: devices.make_tracks(loop), bridge, token=token)
    bridge.attach(engine)

    journey = Journey(Timeouts(), now=clock())
    window = MainWindow(clinic_name)
    store = open_store(data_dir)
    survey = load_survey_file(SURVEY)

    def new_demo_code() -> None:
        if demo is not None:
            window.set_demo_code(demo.new_code())

    controller = KioskController(journey, window, bridge, devices,
                                 feedback=FeedbackRecorder(store, survey), on_reset=new_demo_code,
                                 clock=clock)
    controller.default_language = opts.language
    controller.live.language = opts.language
    controller.live.high_contrast = opts.high_contrast
    controller.live.large_text = opts.large_text
    new_demo_code()
    schedule = None
    if token and hub_url:
        schedule = readiness_schedule(engine, devices, hub_url, token, opts.selftest_times)
        thread.call_soon(schedule.start)
    sync = None
    if token and hub_url:
        sync = FeedbackSync(store, hub_url, lambda: token)
        thread.submit(sync.start()).result(5)
        controller.answer_saved.connect(lambda _qid: sync.wake())
    # Admin mode for staff (ui/admin): hold the clinic's name 3 s, or Ctrl+Alt+A, then the PIN.
    settings_path = data_dir / "settings.toml" if opts.demo else default_settings_path()
    settings = settings_for(settings_path, clinic_name=clinic_name, hub_url=hub_url)
    devices.set_processing(ProcessingSettings.of(settings))  # echo, noise, gain (staff switches)
    install_admin(controller, window, secrets=secret_store, settings=settings,
                  settings_path=settings_path, submit=thread.submit, clock=clock,
                  survey=survey, feedback_store=store)
    return KioskApp(app, thread, bridge, devices, engine, journey, window, controller, store,
                 schedule, sync, demo, temp_dir, data_dir)


def device_token(secrets: SecretStore) -> str | None:
    """The kiosk's device token from the secret store; None (and a log line for staff) when the
    kiosk is not paired or the system has no secure store."""
    try:
        token = secrets.get(DEVICE_TOKEN)
    except SecretStoreUnavailable as exc:
        log.error("no device token: %s", exc)
        return None
    if token is None:
        log.warning("this kiosk is not paired with a hub yet: pair it in admin mode")
    return token


def readiness_schedule(engine: KioskEngine, devices: Any, hub_url: str, token: str,
                       times: tuple[str, ...]) -> SelfTestSchedule:
    """Run the self-test at the given local times and report readiness to the hub. A test that
    falls due during a visit waits until the patient has gone (it uses the network hard)."""

    async def run() -> dict[str, Any]:
        await engine.idle.wait()
        report = await run_selftest(hub_url, token=token, devices=devices.device_checks)
        log.info("scheduled self-test: %s", "fit" if report.fit else "NOT fit")
        return report.to_json()

    async def report(result: Any) -> None:
        await send_readiness(hub_url, token, readiness_payload(result))

    return SelfTestSchedule(times, run=run, report=report)


def main(argv: list[str]) -> int:
    opts = parse_args(argv)
    setup_logging(logging.INFO, json_path=opts.log_json, stderr_json=False)

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

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

    rc = app.exec()
    kiosk.shutdown()
    return int(rc)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
