"""KioskController on its own: each intent and engine event reaches the journey and each effect
the engine, with no hub and no call.

The parts are real (the window, the journey, the bridge on a real engine thread, KioskDevices on
a machine with no camera, microphone or speaker, a FeedbackStore file and the shipped survey),
except the engine: :class:`RecordingEngine` is a :class:`~kiosk.engine.KioskEngine` whose network
commands are recorded instead of sent, and whose check-in answers with the result a test sets.
Engine events come in through the bridge's own listener methods, as the engine calls them.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.call.patient import CheckedIn, CheckInDetails, CheckInFailed, CheckInResult
from kiosk.call.session import CallState
from kiosk.checks.network import NetworkReport
from kiosk.engine import EngineListener, KioskEngine
from kiosk.feedback.recorder import FeedbackRecorder
from kiosk.feedback.store import FeedbackStore
from kiosk.feedback.survey import load_survey
from kiosk.journey import AppointmentInfo, CallPhase, Journey, Step, Timeouts, shown_time
from tests.ui.support import click, solid_frame
from ui.bridge import EngineBridge
from ui.controller import KioskController
from ui.engine_thread import EngineThread
from ui.media import KioskDevices
from ui.window import MainWindow

SURVEY = Path(__file__).resolve().parents[2] / "resources" / "surveys" / "near-me.toml"
CHECKED_IN = CheckedIn("visit-1", CheckInDetails(
    time="2026-11-22T10:30:00+00:00", specialist_name="Dr Jones",
    waiting_area="Main waiting area", clinic="Oban Community Clinic"))


class RecordingEngine(KioskEngine):
    """The engine's interface with its network commands recorded, not sent (engine thread)."""

    def __init__(self, listener: EngineListener) -> None:
        super().__init__("http://127.0.0.1:9", lambda: (None, None), listener)
        self.listener = listener
        self.calls: list[tuple[Any, ...]] = []
        self.check_in_reply: CheckInResult = CHECKED_IN

    def called(self, name: str) -> list[tuple[Any, ...]]:
        return [call[1:] for call in list(self.calls) if call[0] == name]

    async def begin_visit(self) -> bool:
        self.calls.append(("begin_visit",))
        self.listener.on_hub_link(True)
        return True

    async def check_in(self, code: str | None = None, *,
                       appointment_id: int | None = None) -> CheckInResult:
        self.calls.append(("check_in", code, appointment_id))
        self.listener.on_check_in_result(self.check_in_reply)
        return self.check_in_reply

    async def network_check(self) -> NetworkReport:
        self.calls.append(("network_check",))  # a test reports the result through the bridge
        return NetworkReport()

    async def send_checks(self, summary: Mapping[str, Any]) -> None:
        self.calls.append(("send_checks", dict(summary)))

    async def help(self) -> None:
        self.calls.append(("help",))

    async def hangup(self) -> None:
        self.calls.append(("hangup",))

    async def leave(self, reason: str) -> None:
        self.calls.append(("leave", reason))

    async def start_devices(self) -> None:
        self.calls.append(("start_devices",))
        await super().start_devices()

    async def stop_devices(self) -> None:
        self.calls.append(("stop_devices",))
        await super().stop_devices()

    def set_muted(self, muted: bool) -> None:
        self.calls.append(("set_muted", muted))
        super().set_muted(muted)

    async def reset(self, reason: str = "reset") -> None:
        self.calls.append(("reset", reason))
        await super().reset(reason)


class Clock:
    """Monotonic seconds that only move when a test moves them."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


@dataclass
class Rig:
    controller: KioskController
    journey: Journey
    window: MainWindow
    bridge: EngineBridge
    engine: RecordingEngine
    devices: KioskDevices
    store: FeedbackStore
    clock: Clock
    resets: list[str]

    def step(self) -> Step:
        """The journey's step, read through a call so mypy does not narrow it across events."""
        return self.journey.step

    def wait_for(self, qtbot: QtBot, name: str, count: int = 1) -> list[tuple[Any, ...]]:
        qtbot.waitUntil(lambda: len(self.engine.called(name)) >= count, timeout=5_000)
        return self.engine.called(name)


@pytest.fixture
def rig(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> Iterator[Rig]:
    thread = EngineThread()
    thread.start()
    bridge = EngineBridge(thread)
    engine = RecordingEngine(bridge)
    bridge.attach(engine)
    devices = KioskDevices(synthetic_fallback=False)
    clock = Clock()
    journey = Journey(Timeouts(), now=clock())
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    resets: list[str] = []
    controller = KioskController(
        journey, window, bridge, devices, feedback=FeedbackRecorder(store, load_survey(SURVEY)),
        on_reset=lambda: resets.append(journey.step), clock=clock)
    yield Rig(controller, journey, window, bridge, engine, devices, store, clock, resets)
    controller.shutdown()
    app = QApplication.instance()
    if app is not None:
        app.removeEventFilter(controller)
    thread.stop(engine.close)
    devices.stop()
    store.close()


def checked_in(qtbot: QtBot, rig: Rig) -> None:
    rig.window.start_requested.emit()
    with qtbot.waitSignal(rig.bridge.check_in_result, timeout=5_000):
        rig.window.code_submitted.emit("0123456789")
    assert rig.step() is Step.DEVICE_CHECKS


def in_call(qtbot: QtBot, rig: Rig) -> None:
    checked_in(qtbot, rig)
    rig.window.checks_finished.emit()
    rig.bridge.on_joined({"id": 1, "name": "Dr Jones"})
    assert rig.step() is Step.CONSULTATION


def at_feedback(qtbot: QtBot, rig: Rig, *, call_seconds: float = 0.0) -> None:
    in_call(qtbot, rig)
    rig.bridge.quality.emit("fair")
    rig.bridge.on_call_state(CallState.CONNECTED)
    rig.clock.t += call_seconds
    rig.window.end_call_requested.emit()
    rig.window.end_call_confirmed.emit()
    assert rig.step() is Step.FEEDBACK


def stored(rig: Rig, sql: str) -> list[tuple[Any, ...]]:
    rig.controller.flush()
    with sqlite3.connect(rig.store.path) as db:
        return db.execute(sql).fetchall()


# ----- check-in ---------------------------------------------------------------------------------


def test_check_in_success_starts_the_checks(qtbot: QtBot, rig: Rig) -> None:
    rig.window.start_requested.emit()
    assert rig.step() is Step.CHECK_IN
    rig.wait_for(qtbot, "begin_visit")
    with qtbot.waitSignal(rig.bridge.check_in_result, timeout=5_000):
        rig.window.code_submitted.emit("0123456789")
    assert rig.engine.called("check_in") == [("0123456789", None)]
    assert rig.step() is Step.DEVICE_CHECKS
    assert rig.journey.visit.appointment == AppointmentInfo(
        specialist_name="Dr Jones", time=shown_time("2026-11-22T10:30:00+00:00"),
        waiting_area="Main waiting area", clinic="Oban Community Clinic")
    rig.wait_for(qtbot, "start_devices")
    rig.wait_for(qtbot, "network_check")
    assert rig.controller.live.network_status == "checking"
    assert rig.controller.live.hub_connected


@pytest.mark.parametrize(("code", "error", "help_called"), [
    ("bad_code", "wrong", False),
    ("code_used", "used", False),
    ("code_expired", "expired", False),
    ("rate_limited", "locked", True),
    ("timeout", "offline", False),
    ("hub_lost", "offline", False),
])
def test_each_refused_check_in(qtbot: QtBot, rig: Rig, code: str, error: str,
                               help_called: bool) -> None:
    rig.engine.check_in_reply = CheckInFailed(code, "refused", retry_after=60.0)
    rig.window.start_requested.emit()
    with qtbot.waitSignal(rig.bridge.check_in_result, timeout=5_000):
        rig.window.code_submitted.emit("1111111111")
    j = rig.journey
    assert j.step is Step.CHECK_IN
    assert j.visit.code_error == error
    assert not j.visit.checking_in
    assert j.visit.help_requested is help_called
    if help_called:
        rig.wait_for(qtbot, "help")
        assert j.visit.code_retry_after == 60.0


def test_refusals_lock_the_pad_and_call_staff(qtbot: QtBot, rig: Rig) -> None:
    rig.engine.check_in_reply = CheckInFailed("bad_code", "wrong code")
    rig.window.start_requested.emit()
    for _ in range(5):
        with qtbot.waitSignal(rig.bridge.check_in_result, timeout=5_000):
            rig.window.code_submitted.emit("1111111111")
    assert rig.journey.visit.code_error == "locked"
    assert rig.wait_for(qtbot, "help") == [()]


def test_prepared_check_in_uses_the_appointment_id(qtbot: QtBot, rig: Rig) -> None:
    rig.controller.apply(rig.journey.prepare(AppointmentInfo("Dr Jones", "10:30", hub_id=42)))
    rig.window.start_requested.emit()
    with qtbot.waitSignal(rig.bridge.check_in_result, timeout=5_000):
        rig.window.prepared_answered.emit(True)
    assert rig.engine.called("check_in") == [(None, 42)]
    assert rig.step() is Step.DEVICE_CHECKS


def test_prepared_check_in_without_an_id_shows_the_code_pad(qtbot: QtBot, rig: Rig) -> None:
    rig.controller.apply(rig.journey.prepare(AppointmentInfo("Dr Jones", "10:30")))
    rig.window.start_requested.emit()
    rig.wait_for(qtbot, "begin_visit")
    rig.window.prepared_answered.emit(True)
    j = rig.journey
    assert (j.step, j.prepared, j.visit.code_error) == (Step.CHECK_IN, None, "offline")
    assert not j.visit.checking_in
    with qtbot.waitSignal(rig.bridge.check_in_result, timeout=5_000):
        rig.window.code_submitted.emit("0123456789")  # the pad works; no id-less check-in was sent
    assert rig.engine.called("check_in") == [("0123456789", None)]


# ----- device checks ----------------------------------------------------------------------------


def test_network_progress_and_result(qtbot: QtBot, rig: Rig) -> None:
    checked_in(qtbot, rig)
    rig.bridge.on_network_progress(0.4, "checking the relay")
    assert rig.controller.live.network_progress == 0.4
    rig.bridge.on_network_result("warn", {"network": "pass", "rtt_ms": "180"})
    live = rig.controller.live
    assert (live.network_status, live.network_progress) == ("warn", 1.0)
    assert live.network_detail == "Video may be poor; we will try."
    assert rig.journey.visit.checks["network"] == "warn"
    rig.bridge.on_network_progress(0.9, "late")  # after the result: no longer shown
    assert rig.controller.live.network_progress == 1.0
    rig.window.check_answered.emit("camera", "pass")
    rig.window.checks_finished.emit()
    [(summary,)] = rig.wait_for(qtbot, "send_checks")
    assert summary == {"camera": "pass", "microphone": "skipped", "speaker": "skipped",
                       "network": "warn", "rtt_ms": "180"}


def test_a_chime_with_no_speaker_fails_the_speaker_check(qtbot: QtBot, rig: Rig) -> None:
    if rig.devices.has_speaker:
        pytest.skip("this machine has a speaker: the chime plays")
    checked_in(qtbot, rig)
    rig.window.play_chime_requested.emit()
    assert rig.journey.visit.checks["speaker"] == "fail"


def test_no_camera_fails_at_once_and_carrying_on_still_checks_the_sound(
        qtbot: QtBot, rig: Rig) -> None:
    if rig.devices.camera_names():
        pytest.skip("this machine has a camera")
    checked_in(qtbot, rig)
    assert rig.controller.live.camera_health == "absent"
    assert rig.journey.visit.checks["camera"] == "fail"
    d = rig.window.device_checks
    assert d.pages.currentWidget() is d.problem_page
    assert d.problem_heading.text() == "The camera here does not work today"
    assert not d.retry_button.isVisible()  # nothing to try again
    rig.clock.t += 0.5  # past the tap guard
    with qtbot.waitSignal(rig.window.continue_audio_only):
        click(qtbot, d.carry_on_button)
    assert rig.step() is Step.DEVICE_CHECKS
    assert d.pages.currentWidget() is d.mic_page  # the microphone and sound are still checked
    rig.window.check_answered.emit("microphone", "pass")
    rig.window.check_answered.emit("speaker", "pass")
    assert d.pages.currentWidget() is d.summary_page
    assert d.summary_rows["camera"][2].text() == "Not working"
    rig.window.checks_finished.emit()
    assert rig.step() is Step.WAITING
    [(summary,)] = rig.wait_for(qtbot, "send_checks")
    assert summary["camera"] == "fail"
    assert summary["camera_detail"] == "absent"
    assert summary["microphone"] == "pass"


def test_black_frames_fail_the_camera_check(qtbot: QtBot, rig: Rig) -> None:
    checked_in(qtbot, rig)
    rig.controller.camera_watch.start(rig.clock(), present=True)  # as if a camera were there
    rig.controller.tick()
    assert rig.controller.live.camera_health == ""
    dark = solid_frame(64, 48, (0, 0, 0))
    for _ in range(10):
        rig.clock.t += 0.05
        rig.bridge.on_self_frame(dark)
        qtbot.waitUntil(lambda: rig.bridge.take_self_frame() is None, timeout=1_000)
    qtbot.waitUntil(lambda: rig.controller.live.camera_health == "black", timeout=2_000)
    assert rig.journey.check_summary()["camera_detail"] == "black"
    assert rig.window.device_checks.problem_heading.text() == (
        "The camera here does not work today")


def test_taps_just_after_a_page_change_are_ignored(qtbot: QtBot, rig: Rig) -> None:
    rig.controller.render()
    rig.clock.t += 1.0
    rig.controller.render()  # the welcome screen has been up a while: a tap counts
    assert rig.controller.taps_allowed()
    rig.journey.prepared = AppointmentInfo("Dr Jones", "10:30")  # the page changes
    rig.controller.render()
    rig.journey.prepared = None
    rig.controller.render()
    click(qtbot, rig.window.welcome.start_button)  # 0 ms after the change: ignored
    assert rig.step() is Step.ATTRACT
    rig.clock.t += 0.39
    click(qtbot, rig.window.welcome.start_button)
    assert rig.step() is Step.ATTRACT
    rig.clock.t += 0.02
    click(qtbot, rig.window.welcome.start_button)
    assert rig.step() is Step.CHECK_IN


def test_self_view_only_where_the_journey_shows_it(qtbot: QtBot, rig: Rig) -> None:
    frame = solid_frame(64, 48, (200, 40, 40))
    rig.window.start_requested.emit()
    rig.bridge.on_self_frame(frame)
    assert not any(view.has_picture() for view in rig.window.video_views())
    with qtbot.waitSignal(rig.bridge.check_in_result, timeout=5_000):
        rig.window.code_submitted.emit("0123456789")
    rig.bridge.on_remote_video(frame)  # the specialist's video: only in the call
    assert not rig.window.consultation.remote_view.has_picture()
    rig.bridge.on_self_frame(frame)
    view = rig.window.current_self_view()
    assert view is not None
    assert view.has_picture()


# ----- the call ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("states", "phase"), [
    (["connecting"], CallPhase.CONNECTING),
    (["ready"], CallPhase.CONNECTING),
    (["connecting", "connected"], CallPhase.CONNECTED),
    (["connected", "reconnecting"], CallPhase.RECONNECTING),
    (["connected", "gathering", "ended"], CallPhase.CONNECTED),
])
def test_call_states(qtbot: QtBot, rig: Rig, states: list[str], phase: CallPhase) -> None:
    in_call(qtbot, rig)
    for state in states:
        rig.bridge.on_call_state(CallState(state))
    assert rig.journey.visit.call_phase is phase


def test_mute_reaches_the_engine(qtbot: QtBot, rig: Rig) -> None:
    in_call(qtbot, rig)
    rig.window.mute_toggled.emit()
    assert rig.wait_for(qtbot, "set_muted") == [(True,)]


def test_ending_the_call_hangs_up_and_begins_the_feedback(qtbot: QtBot, rig: Rig) -> None:
    at_feedback(qtbot, rig, call_seconds=400)
    rig.wait_for(qtbot, "hangup")
    [(context,)] = stored(rig, "SELECT context FROM responses")
    assert json.loads(context) == {"call_duration": "5_to_15_min", "call_quality": "fair",
                                   "waiting_area_id": "main-waiting-area",
                                   "clinic_id": "oban-community-clinic"}


def test_the_specialist_ending_the_call_begins_the_feedback(qtbot: QtBot, rig: Rig) -> None:
    in_call(qtbot, rig)
    rig.bridge.on_ended("specialist_ended")
    assert rig.step() is Step.FEEDBACK
    assert rig.controller.live.survey  # the questions are on screen
    [(context,)] = stored(rig, "SELECT context FROM responses")
    assert json.loads(context)["waiting_area_id"] == "main-waiting-area"


# ----- feedback ---------------------------------------------------------------------------------


def test_answers_are_saved_and_reported(qtbot: QtBot, rig: Rig) -> None:
    at_feedback(qtbot, rig)
    with qtbot.waitSignal(rig.controller.answer_saved, timeout=5_000) as saved:
        rig.window.answer_given.emit("overall", 4)
    assert saved.args == ["overall"]
    assert rig.journey.visit.answers == {"overall": 4}
    assert stored(rig, "SELECT question_id, value FROM answers") == [("overall", "4")]


def test_changing_an_answer_withdraws_the_hidden_one(qtbot: QtBot, rig: Rig) -> None:
    at_feedback(qtbot, rig)
    rig.window.answer_given.emit("saved_journey", True)
    assert "journey_time" in [q.id for q in rig.controller.live.survey]
    rig.window.answer_given.emit("journey_time", "under_1h")
    rig.window.answer_given.emit("saved_journey", "no")
    assert "journey_time" not in [q.id for q in rig.controller.live.survey]
    assert dict(stored(rig, "SELECT question_id, value FROM answers")) == {
        "saved_journey": '"no"', "journey_time": "null"}


@pytest.mark.expect_log(r"answer not kept: overall", r"unknown question 'nope'",
                        logger="kiosk.feedback.recorder")
def test_an_answer_that_does_not_fit_is_neither_kept_nor_stored(qtbot: QtBot,
                                                                rig: Rig) -> None:
    at_feedback(qtbot, rig)
    with qtbot.assertNotEmitted(rig.controller.answer_saved):
        rig.window.answer_given.emit("overall", 9)
        rig.window.answer_given.emit("nope", "x")
        rig.controller.flush()
    assert rig.journey.visit.answers == {}
    assert stored(rig, "SELECT * FROM answers") == []


def test_answers_outside_the_survey_step_are_not_stored(qtbot: QtBot, rig: Rig) -> None:
    in_call(qtbot, rig)
    rig.window.answer_given.emit("overall", 4)
    assert rig.journey.visit.answers == {}
    assert stored(rig, "SELECT * FROM answers") == []


# ----- privacy reset ----------------------------------------------------------------------------


def test_privacy_reset_clears_the_visit(qtbot: QtBot, rig: Rig) -> None:
    rig.controller.live.language = "cy"
    in_call(qtbot, rig)
    rig.bridge.on_self_frame(solid_frame(64, 48, (0, 0, 0)))
    assert any(view.has_picture() for view in rig.window.video_views())
    rig.window.end_call_requested.emit()
    rig.window.end_call_confirmed.emit()
    rig.window.answer_given.emit("overall", 2)
    rig.clock.t += 10_000  # the patient walked away
    rig.controller.tick()
    j, live = rig.journey, rig.controller.live
    assert j.step is Step.ATTRACT
    assert j.visit.appointment is None
    assert j.visit.answers == {}
    assert (live.language, live.call_quality, live.network_status) == ("en", "", "")
    assert live.hub_connected  # the kiosk's link is not the visit's
    assert not any(view.has_picture() for view in rig.window.video_views())
    assert rig.resets == [Step.ATTRACT]
    assert rig.wait_for(qtbot, "reset") == [("idle",)]
    assert stored(rig, "SELECT finished FROM responses") == [(1,)]
    assert stored(rig, "SELECT question_id, value FROM answers") == [("overall", "2")]
    assert not rig.controller.feedback.recording


def test_cancel_while_waiting_leaves_then_resets(qtbot: QtBot, rig: Rig) -> None:
    checked_in(qtbot, rig)
    rig.window.checks_finished.emit()
    rig.window.cancel_requested.emit()
    assert rig.step() is Step.ATTRACT
    assert rig.wait_for(qtbot, "leave") == [("patient_cancelled",)]
    assert rig.wait_for(qtbot, "reset") == [("cancelled",)]
    assert stored(rig, "SELECT * FROM responses") == []  # no survey was begun
