"""The kiosk controller: screens' intents in, journey transitions, effects carried out.

Rules that matter:

- The journey (``kiosk/journey.py``) decides every transition. This class only feeds it intents
  (from the window) and events (from the engine bridge), then carries out the effects it returns
  and re-renders the window. No business rule lives here.
- Engine events go to the journey as the engine says them (a check-in result's error code, a
  call state, a network status): what they mean is the journey's rule. Every effect a journey
  method returns is carried out; none is dropped.
- Survey answers go through :class:`~kiosk.feedback.recorder.FeedbackRecorder`: it checks each
  answer before the journey keeps it, and stores it on its own writer thread.
- The privacy reset clears the bridge's waiting frames, the video views, the live state and the
  feedback response, and asks the engine to end the visit and stop the devices.
- The camera is judged from the frames the patient sees during the device checks
  (:class:`kiosk.checks.camera.CameraWatch`, fed here with each self-view frame's luma plane;
  not in the call, where it would cost for nothing); each change of its verdict goes to the
  journey (``Journey.camera_checked``) and to the screens (``LiveState.camera_health``).
- Taps (mouse presses, touches) within the journey's tap guard time of a screen or page change
  are eaten here, before any widget sees them (:class:`kiosk.journey.TapGuard` decides).
- Every render tells the engine the kiosk's step for the hub when it changed
  (:func:`kiosk.journey.kiosk_status`: the journey's step, or out of service with the reason),
  so reception sees where each kiosk is.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal

from kiosk.call.patient import CheckedIn, CheckInFailed, CheckInResult
from kiosk.checks.camera import CameraWatch
from kiosk.feedback.recorder import FeedbackRecorder
from kiosk.journey import (
    AppointmentInfo,
    BeginFeedback,
    BeginVisit,
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
    TapGuard,
    kiosk_status,
    shown_time,
)
from ui.bridge import EngineBridge
from ui.media import KioskDevices
from ui.screens.base import QuestionView
from ui.video import yuv_planes
from ui.window import LiveState, MainWindow

log = logging.getLogger(__name__)


class KioskController(QObject):
    """Wires the window, the journey, the engine bridge, the devices and the feedback recorder.

    Signals:
        rendered(str): the window was rendered on this step (walkthroughs and tests wait on it).
        answer_saved(str): a survey answer is on disk (its question id); emitted on the GUI
            thread.
    """

    rendered = Signal(str)
    answer_saved = Signal(str)
    _saved_on_writer = Signal(str)  # emitted on the recorder's thread, re-emitted on the GUI's

    def __init__(self, journey: Journey, window: MainWindow, bridge: EngineBridge,
                 devices: KioskDevices, *, feedback: FeedbackRecorder,
                 on_reset: Callable[[], None] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.journey = journey
        self.window = window
        self.bridge = bridge
        self.devices = devices
        self.feedback = feedback
        self._saved_on_writer.connect(self.answer_saved, Qt.ConnectionType.QueuedConnection)
        feedback.on_saved = self._saved_on_writer.emit
        self.live = LiveState()
        self.default_language = "en"
        self._on_reset = on_reset
        self._clock = clock
        self.camera_watch = CameraWatch()
        self.tap_guard = TapGuard()
        #: The last ``status`` handed to the engine for the hub (step, detail).
        self.reported: tuple[str, str | None] | None = None
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
            (w.continue_audio_only, lambda: j.continue_without_camera(self.now())),
            (w.help_requested, lambda: j.request_help(self.now())),
            (w.help_dismissed, lambda: j.dismiss_help(self.now())),
            (w.cancel_requested, lambda: j.cancel_visit(self.now())),
            (w.mute_toggled, lambda: j.toggle_mute(self.now())),
            (w.camera_toggled, lambda: j.toggle_camera(self.now())),
            (w.end_call_requested, lambda: j.ask_end_call(self.now())),
            (w.end_call_confirmed, lambda: j.confirm_end_call(self.now())),
            (w.end_call_cancelled, lambda: j.cancel_end_call(self.now())),
            (w.answer_given, self._answer),
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
        b.call_state.connect(lambda state: self.apply(j.call_state_changed(state, self.now())))
        b.quality.connect(lambda verdict: self._set_live(call_quality=verdict))
        b.message.connect(lambda text: self.apply(j.message_received(text, self.now())))
        b.help_ack.connect(lambda _text: self.apply(j.help_acknowledged(self.now())))
        b.help_coming.connect(lambda by: self.apply(j.help_on_its_way(by, self.now())))
        b.ended.connect(lambda reason: self.apply(j.call_ended(reason, self.now())))
        b.hub_link.connect(self._hub_link)
        b.network_progress.connect(self._network_progress)
        b.network_result.connect(self._network_result)
        b.self_frame_ready.connect(self._show_self_frame)
        b.remote_frame_ready.connect(self._show_remote_frame)
        # Direct: the far end's audio goes from the engine thread to the speaker's own thread,
        # never through the GUI thread, whose stalls would run the speaker dry (ui/media.py).
        b.remote_audio.connect(self.devices.play_remote_audio, Qt.ConnectionType.DirectConnection)
        b.mic_level.connect(self._mic_level)
        b.hub_error.connect(lambda code, _msg: log.warning("hub error: %s", code))
        self.devices.changed.connect(self._refresh_devices)
        self.devices.error.connect(lambda kind, text: log.warning("%s failed: %s", kind, text))

    def now(self) -> float:
        return self._clock()

    _TAPS = (QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonDblClick,
             QEvent.Type.TouchBegin)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.MouseButtonPress, QEvent.Type.KeyPress, QEvent.Type.TouchBegin):
            self.journey.activity(self.now())
        return kind in self._TAPS and not self.taps_allowed()

    def taps_allowed(self) -> bool:
        """Whether a tap now counts: not just after a patient screen or page change (staff in
        admin mode are not guarded)."""
        return self.journey.step is Step.ADMIN or self.tap_guard.allows(self.now())

    def _page_shown(self) -> tuple[object, ...]:
        """What the patient sees, as far as a tap could answer it (the tap guard's page)."""
        j, v = self.journey, self.journey.visit
        flow_page = self.window.device_checks.flow.page if j.step is Step.DEVICE_CHECKS else None
        return (j.step, flow_page, j.prepared is not None, v.confirming_end, v.help_requested,
                j.warning_visible(self.now()))

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
                b.run(lambda e: e.check_in(appointment_id=appointment_id))
            case StartDevices():
                self.devices.start()
                self._watch_camera()
                b.run(lambda e: e.start_devices())
            case StopDevices():
                self.devices.stop()
                self.camera_watch.stop()
                b.run(lambda e: e.stop_devices())
            case StartNetworkCheck():
                self.live.network_status, self.live.network_progress = "checking", 0.0
                self.live.network_detail = ""
                b.run(lambda e: e.network_check())
            case SendCheckSummary(summary=summary):
                b.run(lambda e: e.send_checks(summary))
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
            case BeginFeedback(call_seconds=seconds, waiting_area=area, clinic=clinic):
                self.feedback.begin(self.live.language, call_seconds=seconds, clinic=clinic,
                                    call_quality=self.live.call_quality, waiting_area=area)
            case SaveAnswer(question_id=qid, value=value):
                self.feedback.save(qid, value, self.journey.visit.answers)
            case PrivacyReset(reason=reason):
                self._privacy_reset(reason)
            case _:
                log.error("effect not handled: %s", type(effect).__name__)

    def _privacy_reset(self, reason: str) -> None:
        log.info("privacy reset (%s)", reason)
        self.devices.stop()
        self.camera_watch.stop()
        self.bridge.run(lambda e: e.reset(reason))
        self.bridge.clear_frames()
        self.window.clear_video()
        self.feedback.finish()
        self.live = LiveState(hub_connected=self.live.hub_connected,
                              language=self.default_language)
        self._refresh_devices()
        if self._on_reset is not None:
            self._on_reset()

    # ----- engine events --------------------------------------------------------------------------

    def _check_in_result(self, result: CheckInResult) -> None:
        if isinstance(result, CheckedIn):
            d = result.appointment
            self.apply(self.journey.check_in_succeeded(AppointmentInfo(
                specialist_name=d.specialist_name or "", time=shown_time(d.time),
                waiting_area=d.waiting_area or "", clinic=d.clinic or ""), self.now()))
        elif isinstance(result, CheckInFailed):
            self.apply(self.journey.check_in_refused(result.code, self.now(), result.retry_after))

    def _hub_link(self, up: bool) -> None:
        self.live.hub_connected = up
        self.render()

    def _network_progress(self, fraction: float, _text: str) -> None:
        if self.live.network_status == "checking":
            self.live.network_progress = fraction
            self.render()

    def _network_result(self, status: str, summary: dict[str, str]) -> None:
        self.live.network_status = status
        self.live.network_progress = 1.0
        self.live.network_detail = {
            "pass": self.tr("Video calls will work well here."),
            "warn": self.tr("Video may be poor; we will try."),
            "fail": self.tr("We cannot connect. Please ask a member of staff."),
        }.get(status, "")
        self.apply(self.journey.network_checked(status, summary, self.now()))

    def _show_self_frame(self) -> None:
        frame = self.bridge.take_self_frame()
        if frame is not None and self.journey.shows_self_view():
            self.window.show_self_frame(frame)
            if self.camera_watch.started_at is not None and self.journey.step is Step.DEVICE_CHECKS:
                _w, _h, (y, _u, _v) = yuv_planes(frame)  # judged only while it is checked
                self.camera_watch.frame(y, self.now())
                self._camera_verdict()

    def _watch_camera(self) -> None:
        """The devices (re)started: judge the camera afresh (at once "absent" if none)."""
        present = bool(self.devices.camera_names()) or self.devices.synthetic_fallback
        self.camera_watch.start(self.now(), present=present)
        self._camera_verdict()

    def _camera_verdict(self) -> None:
        """Tell the journey and the screens when the camera's verdict changes."""
        verdict = self.camera_watch.verdict(self.now())
        if verdict != self.live.camera_health:
            self.live.camera_health = verdict
            self.devices.camera_health = verdict
            if verdict:
                log.info("camera: %s", verdict)
            self.apply(self.journey.camera_checked(verdict, self.now()))

    def _show_remote_frame(self) -> None:
        frame = self.bridge.take_remote_frame()
        if frame is not None and self.journey.shows_specialist():
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

    def _play_chime(self) -> None:
        self.apply(self.journey.chime_played(self.devices.play_chime(), self.now()))

    def _choose_device(self, kind: str, index: int) -> None:
        self.journey.activity(self.now())
        self.devices.choose(kind, index)
        if kind == "camera":
            self._watch_camera()
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

    def _answer(self, question_id: str, value: object) -> list[Effect]:
        """An answer reaches the journey only once the recorder has accepted it."""
        clean = self.feedback.accept(question_id, value)
        return [] if clean is None else self.journey.answer(question_id, clean, self.now())

    def _survey_view(self) -> list[QuestionView]:
        lang = self.live.language
        return [QuestionView(q.id, str(q.kind), q.text(lang), q.optional,
                             tuple((o.value, o.label(lang)) for o in q.options), q.labels(lang))
                for q in self.feedback.questions(self.journey.visit.answers)]

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every answer given so far is on disk (shutdown, tests)."""
        self.feedback.flush(timeout)

    # ----- time and rendering ---------------------------------------------------------------------

    def tick(self) -> None:
        """Once a second: the journey's time-outs, the camera's verdict (a camera that stopped
        sends no frame to notice it by), and a fresh render (clocks, countdowns)."""
        if self.camera_watch.started_at is not None and self.journey.step is Step.DEVICE_CHECKS:
            self._camera_verdict()
        self.apply(self.journey.tick(self.now()))

    def render(self) -> None:
        self.live.waited_s = self.journey.waited(self.now())
        self.live.survey = self._survey_view()
        survey = self.feedback.survey
        self.live.survey_pending = () if survey is None else survey.pending(
            self.journey.visit.answers)
        self.window.render(self.journey, self.now(), self.live)
        self.tap_guard.shown(self._page_shown(), self.now())
        self._report_status()
        self.rendered.emit(str(self.journey.step))

    def _report_status(self) -> None:
        service = self.window.service
        status = kiosk_status(self.journey.step, in_service=service.ready, reason=service.reason)
        if status != self.reported:
            step, detail = status
            if self.bridge.run(lambda e: e.report_status(step, detail)):
                self.reported = status

    def shutdown(self) -> None:
        """Stop the timer; finish the feedback response and write everything (shutdown)."""
        self._timer.stop()
        self.feedback.close()

