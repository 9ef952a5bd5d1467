"""The kiosk controller: screens' intents in, journey transitions, effects carried out.

Rules that matter:

- The journey (``kiosk/journey.py``) decides every transition. This class only feeds it intents
  (from the window) and events (from the engine bridge), then carries out the effects it returns
  and re-renders the window. No business rule lives here.
- Survey answers are written by a single worker thread, in order, so the GUI thread never waits
  on a disk sync, and each answer is on disk moments after it is given.
- The privacy reset clears the bridge's waiting frames, the video views, the live state and the
  feedback response, and asks the engine to end the visit and stop the devices.
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer, Signal

from kiosk.call.patient import Appointment as HubAppointment
from kiosk.call.patient import CheckedIn, CheckInFailed, CheckInResult
from kiosk.feedback.store import FeedbackStore
from kiosk.feedback.survey import AnswerError, Survey, validate_answer
from kiosk.journey import (
    Appointment,
    BeginVisit,
    CallPhase,
    CheckIn,
    CheckInPrepared,
    Effect,
    EndCall,
    EnterWaitingRoom,
    Journey,
    LeaveWaitingRoom,
    PrivacyReset,
    RequestHelp,
    SaveAnswer,
    SendCheckSummary,
    SetCameraOff,
    SetMicrophoneMuted,
    StartDevices,
    StartNetworkCheck,
    Step,
    StopDevices,
)
from ui.bridge import EngineBridge
from ui.media import KioskDevices
from ui.window import LiveState, MainWindow

log = logging.getLogger(__name__)

# Hub check-in error codes -> the journey's kind messages.
CHECK_IN_ERRORS = {
    "bad_code": "wrong",
    "code_used": "used",
    "code_expired": "expired",
    "rate_limited": "rate_limited",
}


@dataclass(frozen=True)
class QuestionView:
    """A survey question in the patient's language, as the feedback screen shows it."""

    id: str
    kind: str
    text: str
    optional: bool
    options: Sequence[tuple[object, str]] = field(default_factory=tuple)
    labels: Sequence[str] = field(default_factory=tuple)


def local_time(iso: str | None) -> str:
    """'10:30' from the hub's ISO time, in the kiosk's local time zone."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%H:%M")
    except ValueError:
        return ""


class KioskController(QObject):
    """Wires the window, the journey, the engine bridge, the devices and the feedback store.

    Signals:
        rendered(str): the window was rendered on this step (walkthroughs and tests wait on it).
        answer_saved(str): a survey answer is on disk (its question id).
    """

    rendered = Signal(str)
    answer_saved = Signal(str)

    def __init__(self, journey: Journey, window: MainWindow, bridge: EngineBridge,
                 devices: KioskDevices, *, survey: Survey | None, store: FeedbackStore | None,
                 clinic_context: dict[str, Any] | None = None,
                 on_reset: Callable[[], None] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.journey = journey
        self.window = window
        self.bridge = bridge
        self.devices = devices
        self.survey = survey
        self.store = store
        self.live = LiveState()
        self.default_language = "en"
        self._clinic_context = clinic_context or {}
        self._on_reset = on_reset
        self._clock = clock
        self._writer = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="feedback")
        self._response: concurrent.futures.Future[str] | None = None
        self._call_started_at: float | None = None
        self._network_summary: dict[str, str] = {}
        self._last_step = journey.step
        self._connect()
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        self._timer.start()
        # Every press anywhere in the app counts as activity (child widgets included).
        app = QCoreApplication.instance()
        (app or window).installEventFilter(self)
        self._refresh_devices()
        self.render()

    # ----- wiring -------------------------------------------------------------------------------

    def _connect(self) -> None:
        w, j, b = self.window, self.journey, self.bridge
        intents: list[tuple[Any, Callable[..., list[Effect]]]] = [
            (w.start_requested, lambda: j.start(self.now())),
            (w.code_submitted, lambda code: j.submit_code(code, self.now())),
            (w.prepared_answered, lambda yes: j.confirm_prepared(yes, self.now())),
            (w.check_answered, lambda name, status: j.check_result(name, status, self.now())),
            (w.checks_finished, lambda: j.finish_checks(self.now())),
            (w.continue_audio_only, self._audio_only),
            (w.help_requested, lambda: j.request_help(self.now())),
            (w.help_dismissed, lambda: j.dismiss_help(self.now())),
            (w.cancel_requested, lambda: j.cancel_visit(self.now())),
            (w.mute_toggled, lambda: j.toggle_mute(self.now())),
            (w.camera_toggled, lambda: j.toggle_camera(self.now())),
            (w.end_call_requested, lambda: j.ask_end_call(self.now())),
            (w.end_call_confirmed, lambda: j.confirm_end_call(self.now())),
            (w.end_call_cancelled, lambda: j.cancel_end_call(self.now())),
            (w.answer_given, lambda qid, value: j.answer(qid, value, self.now())),
            (w.feedback_finished, lambda: j.finish_feedback(self.now())),
            (w.thanks_done, lambda: j.finish_thanks(self.now())),
        ]
        for signal, handler in intents:
            signal.connect(lambda *args, h=handler: self.apply(h(*args)))
        w.still_here.connect(self._still_here)
        w.language_chosen.connect(self._set_language)
        w.large_text_toggled.connect(lambda on: self._set_live(large_text=on))
        w.high_contrast_toggled.connect(lambda on: self._set_live(high_contrast=on))
        w.play_chime_requested.connect(self._play_chime)
        w.device_chosen.connect(self._choose_device)
        w.volume_changed.connect(self._set_volume)

        b.check_in_result.connect(self._check_in_result)
        b.joined.connect(lambda _name: self.apply(j.specialist_joined(self.now())))
        b.call_state.connect(self._call_state)
        b.quality.connect(lambda verdict: self._set_live(call_quality=verdict))
        b.message.connect(lambda text: self.apply(j.message_received(text, self.now())))
        b.help_ack.connect(lambda _text: self.apply(j.help_acknowledged(self.now())))
        b.ended.connect(lambda reason: self.apply(j.call_ended(reason, self.now())))
        b.hub_link.connect(self._hub_link)
        b.network_progress.connect(self._network_progress)
        b.network_result.connect(self._network_result)
        b.self_frame_ready.connect(self._show_self_frame)
        b.remote_frame_ready.connect(self._show_remote_frame)
        b.remote_audio.connect(self.devices.play_remote_audio)
        b.mic_level.connect(self._mic_level)
        b.hub_error.connect(lambda code, _msg: log.warning("hub error: %s", code))
        self.devices.changed.connect(self._refresh_devices)
        self.devices.error.connect(lambda kind, text: log.warning("%s failed: %s", kind, text))

    def now(self) -> float:
        return self._clock()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress,
                            QEvent.Type.TouchBegin):
            self.journey.activity(self.now())
        return False

    # ----- effects ------------------------------------------------------------------------------

    def apply(self, effects: list[Effect]) -> None:
        """Carry out what the journey asked for, then show the new state."""
        for effect in effects:
            self._carry_out(effect)
        self.render()

    def _carry_out(self, effect: Effect) -> None:
        b = self.bridge
        match effect:
            case BeginVisit():
                b.run(lambda e: e.begin_visit())
            case CheckIn(code=code):
                b.run(lambda e: e.check_in(code))
            case CheckInPrepared(appointment_id=appointment_id):
                if appointment_id is None:
                    log.warning("a prepared check-in without an appointment id")
                    self.journey.check_in_failed("offline", self.now())
                else:
                    b.run(lambda e: e.check_in(appointment_id=appointment_id))
            case StartDevices():
                self.devices.start()
                b.run(lambda e: e.start_devices())
            case StopDevices():
                self.devices.stop()
                b.run(lambda e: e.stop_devices())
            case StartNetworkCheck():
                self.live.network_status, self.live.network_progress = "checking", 0.0
                self.live.network_detail = ""
                b.run(lambda e: e.network_check())
            case SendCheckSummary(summary=summary):
                full = {**summary, **self._network_summary}
                b.run(lambda e: e.send_checks(full))
            case EnterWaitingRoom():
                pass  # the call was pre-gathered at check-in; the hub already lists the patient
            case SetMicrophoneMuted(muted=muted):
                b.call(lambda e: e.set_muted(muted))
            case SetCameraOff(off=off):
                b.call(lambda e: e.set_camera_off(off))
            case EndCall():
                b.run(lambda e: e.hangup())
            case LeaveWaitingRoom(reason=reason):
                b.run(lambda e: e.leave(reason))
            case RequestHelp():
                b.run(lambda e: e.help())
            case SaveAnswer(question_id=qid, value=value):
                self._save_answer(qid, value)
            case PrivacyReset(reason=reason):
                self._privacy_reset(reason)
            case _:
                log.error("effect not handled: %s", type(effect).__name__)

    def _privacy_reset(self, reason: str) -> None:
        log.info("privacy reset (%s)", reason)
        self.devices.stop()
        self.bridge.run(lambda e: e.reset(reason))
        self.bridge.clear_frames()
        self.window.clear_video()
        if self._response is not None:
            response = self._response
            self._writer.submit(self._finish_response, response)
        self._response = None
        self._call_started_at = None
        self._network_summary = {}
        self.live = LiveState(hub_connected=self.live.hub_connected,
                              language=self.default_language)
        self._refresh_devices()
        if self._on_reset is not None:
            self._on_reset()

    # ----- engine events --------------------------------------------------------------------------

    def _check_in_result(self, result: CheckInResult) -> None:
        now = self.now()
        if isinstance(result, CheckedIn):
            appt: HubAppointment = result.appointment
            self.apply(self.journey.check_in_succeeded(Appointment(
                specialist_name=appt.specialist_name or "",
                time=local_time(appt.time),
                waiting_area=appt.waiting_area or "",
                clinic=appt.clinic or ""), now))
        elif isinstance(result, CheckInFailed):
            error = CHECK_IN_ERRORS.get(result.code, "offline")
            self.apply(self.journey.check_in_failed(error, now, result.retry_after or 0.0))

    def _call_state(self, state: str) -> None:
        phase = {"connecting": CallPhase.CONNECTING, "ready": CallPhase.CONNECTING,
                 "connected": CallPhase.CONNECTED,
                 "reconnecting": CallPhase.RECONNECTING}.get(state)
        if phase is CallPhase.CONNECTED and self._call_started_at is None:
            self._call_started_at = self.now()
        if phase is not None:
            self.apply(self.journey.call_phase_changed(phase, self.now()))

    def _hub_link(self, up: bool) -> None:
        self.live.hub_connected = up
        self.render()

    def _network_progress(self, fraction: float, _text: str) -> None:
        if self.live.network_status == "checking":
            self.live.network_progress = fraction
            self.render()

    def _network_result(self, status: str, summary: dict[str, str]) -> None:
        self._network_summary = {k: v for k, v in summary.items() if k != "network"}
        self.live.network_status = status
        self.live.network_progress = 1.0
        self.live.network_detail = {
            "pass": self.tr("Your connection is good for video."),
            "warn": self.tr("Video may be poor; we will try."),
            "fail": self.tr("We cannot connect. Please ask a member of staff."),
        }.get(status, "")
        self.apply(self.journey.check_result("network", status, self.now()))

    def _show_self_frame(self) -> None:
        frame = self.bridge.take_self_frame()
        if frame is not None and self.journey.step in (Step.DEVICE_CHECKS, Step.WAITING,
                                                       Step.CONSULTATION):
            self.window.show_self_frame(frame)

    def _show_remote_frame(self) -> None:
        frame = self.bridge.take_remote_frame()
        if frame is not None and self.journey.step is Step.CONSULTATION:
            self.window.show_remote_frame(frame)

    def _mic_level(self, level: float) -> None:
        self.live.mic_level = level
        if self.journey.step is Step.DEVICE_CHECKS:
            self.render()

    # ----- settings and devices -----------------------------------------------------------------

    def _set_live(self, **changes: Any) -> None:
        for key, value in changes.items():
            setattr(self.live, key, value)
        self.render()

    def _still_here(self) -> None:
        self.journey.activity(self.now())
        self.render()

    def _set_language(self, code: str) -> None:
        self.journey.activity(self.now())
        self._set_live(language=code)

    def _audio_only(self) -> list[Effect]:
        self.journey.check_result("camera", "skipped", self.now())
        return self.journey.finish_checks(self.now())

    def _play_chime(self) -> None:
        self.journey.activity(self.now())
        if not self.devices.play_chime():
            self.apply(self.journey.check_result("speaker", "fail", self.now()))

    def _choose_device(self, kind: str, index: int) -> None:
        self.journey.activity(self.now())
        self.devices.choose(kind, index)
        self._refresh_devices()
        self.render()

    def _set_volume(self, volume: int) -> None:
        self.devices.set_volume(volume)
        self._set_live(volume=self.devices.volume)

    def _refresh_devices(self) -> None:
        d = self.devices
        self.live.available_cameras = d.camera_names()
        self.live.available_mics = d.mic_names()
        self.live.available_speakers = d.speaker_names()
        self.live.camera_index, self.live.mic_index = d.camera_index, d.mic_index
        self.live.speaker_index, self.live.volume = d.speaker_index, d.volume

    # ----- feedback -----------------------------------------------------------------------------

    def _survey_view(self) -> list[QuestionView]:
        if self.survey is None:
            return []
        lang = self.live.language
        out = []
        for q in self.survey.questions_for(self.journey.visit.answers):
            options = tuple((o.value, o.label(lang)) for o in q.options)
            out.append(QuestionView(q.id, str(q.kind), q.text(lang), q.optional, options,
                                    q.labels(lang)))
        return out

    def _begin_response(self) -> None:
        if self.store is None or self.survey is None or self._response is not None:
            return
        context = dict(self._clinic_context)
        if self._call_started_at is not None:
            from kiosk.feedback.store import call_duration_bucket

            context["call_duration"] = call_duration_bucket(self.now() - self._call_started_at)
        if self.live.call_quality:
            context["call_quality"] = self.live.call_quality
        store, survey, lang = self.store, self.survey, self.live.language
        self._response = self._writer.submit(
            store.begin_response, survey.id, survey.version, lang, context)

    def _save_answer(self, qid: str, value: object) -> None:
        if self.store is None or self.survey is None:
            return
        self._begin_response()
        question = self.survey.question(qid)
        if question is None or self._response is None:
            log.warning("answer to an unknown question %s was not saved", qid)
            return
        try:
            clean = validate_answer(question, value)
        except AnswerError as exc:
            log.warning("answer to %s not saved: %s", qid, exc)
            return
        response, store = self._response, self.store
        hidden = self.survey.hidden_answers(self.journey.visit.answers)

        def write() -> None:
            rid = response.result()
            store.save_answer(rid, qid, clean)
            for other in hidden:
                store.withdraw_answer(rid, other)
            self.answer_saved.emit(qid)

        self._writer.submit(write).add_done_callback(_log_write_failure)

    def _finish_response(self, response: concurrent.futures.Future[str]) -> None:
        if self.store is not None:
            self.store.finish_response(response.result())

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every answer given so far is on disk (shutdown, tests)."""
        self._writer.submit(lambda: None).result(timeout)

    # ----- time and rendering ---------------------------------------------------------------------

    def tick(self) -> None:
        effects = self.journey.tick(self.now())
        if effects:
            self.apply(effects)
        else:
            self.render()

    def render(self) -> None:
        step = self.journey.step
        if step is not self._last_step:
            self._last_step = step
            if step is Step.FEEDBACK:
                self._begin_response()
        if self.journey.visit.waiting_since is not None:
            self.live.waited_s = self.now() - self.journey.visit.waiting_since
        self.live.survey = self._survey_view()
        self.window.render(self.journey, self.now(), self.live)
        self.rendered.emit(str(step))

    def shutdown(self) -> None:
        self._timer.stop()
        if self._response is not None:
            self._writer.submit(self._finish_response, self._response)
        self._writer.shutdown(wait=True)


def _log_write_failure(future: concurrent.futures.Future[None]) -> None:
    exc = future.exception()
    if exc is not None:
        log.error("a survey answer could not be saved: %s", type(exc).__name__, exc_info=exc)
