"""The patient journey: one state machine that owns every transition on the kiosk.

Rules that matter:

- This module is pure: no I/O, no clock, no Qt, no asyncio. Time comes in as ``now`` (seconds,
  monotonic) on every call, so tests drive it without waiting.
- Screens MUST NOT change the journey's state themselves. They send *intents* (the patient
  touched something) and the engine reports *events* (the hub accepted the code, the call
  connected); each method returns the :class:`Effect` objects the application must carry out
  (check in with the hub, start devices, end the call, save an answer, wipe the visit...).
  Events come in as the engine says them (a hub error code, a call state, a network status);
  what each means for the patient is decided here, not by the application.
- The application carries out every effect a method returns, in order, and drops none.
- A privacy reset (idle time-out, thanks screen done, staff reset) ends the call, stops devices,
  and forgets everything about the visit: the next patient starts from a fresh :class:`Visit`.
- Idle time-outs apply to every patient screen except a live call and the waiting room (a
  checked-in patient may wait quietly for a long time; being reset there would lose their place).
  A warning shows at least :data:`MIN_WARNING_S` seconds before the reset (WCAG 2.2.1).
- Checks tell the truth: a camera the kiosk does not have, or one measured as sending no
  picture, a black or a frozen one (:mod:`kiosk.checks.camera`), is a failed camera check with
  its reason (``camera_detail`` in the hub's summary), whatever the patient answers. "Carry on
  without video" keeps the camera failed and goes on to the microphone and sound checks; only
  the summary's "Continue" finishes the checks.
- One press answers one question: after any screen or page change, taps are ignored for
  :data:`TAP_GUARD_S` (:class:`TapGuard`; the window asks it for every tap).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from enum import StrEnum
from typing import Final

from kiosk.checks.camera import FAULTS as CAMERA_FAULTS
from kiosk.checks.device_flow import staff_advice
from kiosk.feedback.survey import AnswerValue


class Step(StrEnum):
    """Where the patient is. One screen per step."""

    ATTRACT = "attract"
    CHECK_IN = "check_in"
    DEVICE_CHECKS = "device_checks"
    WAITING = "waiting"
    CONSULTATION = "consultation"
    FEEDBACK = "feedback"
    THANKS = "thanks"
    ADMIN = "admin"


class CallPhase(StrEnum):
    """The consultation's connection, as the patient should understand it."""

    NONE = "none"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"


MIN_WARNING_S: Final = 20.0
MAX_CODE_ATTEMPTS: Final = 5
CODE_LENGTH: Final = 10
#: How the code's digits are grouped on screen and on letters: "012 345 6789".
CODE_GROUPS: Final = (3, 3, 4)
DEVICE_CHECKS: Final = ("camera", "microphone", "speaker", "network")
TAP_GUARD_S: Final = 0.4  # taps this soon after a screen or page change are ignored


def grouped_code(digits: str) -> str:
    """A code as printed on letters, in groups (``012 345 6789``); other lengths unchanged."""
    if len(digits) != CODE_LENGTH:
        return digits
    out, start = [], 0
    for size in CODE_GROUPS:
        out.append(digits[start:start + size])
        start += size
    return " ".join(out)


#: Why a visit can end that means the kiosk lost the service, not that anyone ended it.
CONNECTION_LOST: Final = frozenset({"hub_lost", "visit_lost", "network_failed", "hub_stopped"})
#: The hub's check-in error codes -> the check-in screen's kind messages (anything else: offline).
CHECK_IN_ERRORS: Final = {
    "bad_code": "wrong",
    "code_used": "used",
    "code_expired": "expired",
    "rate_limited": "rate_limited",
}
#: The call's states as the engine reports them -> what the patient is shown (others: no change).
CALL_PHASES: Final = {
    "connecting": CallPhase.CONNECTING,
    "ready": CallPhase.CONNECTING,
    "connected": CallPhase.CONNECTED,
    "reconnecting": CallPhase.RECONNECTING,
}
#: Steps on which the patient sees themselves (the camera is on); elsewhere no frame is shown.
SELF_VIEW_STEPS: Final = frozenset({Step.DEVICE_CHECKS, Step.WAITING, Step.CONSULTATION})
#: The journey's steps as the kiosk reports them to the hub (``status.step``, one of
#: :data:`kiosk.protocol.KIOSK_STEPS`): the one place they are mapped. The thanks screen ends
#: the feedback; out of service is not a step of the journey (:func:`kiosk_status`).
KIOSK_STEP_OF: Final[Mapping[Step, str]] = {
    Step.ATTRACT: "idle",
    Step.CHECK_IN: "checking_in",
    Step.DEVICE_CHECKS: "device_checks",
    Step.WAITING: "waiting",
    Step.CONSULTATION: "in_call",
    Step.FEEDBACK: "feedback",
    Step.THANKS: "feedback",
    Step.ADMIN: "admin",
}


def kiosk_status(step: Step, *, in_service: bool = True,
                 reason: str = "") -> tuple[str, str | None]:
    """What the kiosk tells the hub in ``status``: its step and, when it cannot serve patients
    (the out-of-service screen stands in for every patient step; admin mode is still admin),
    the plain reason for staff (never a secret: :class:`kiosk.service.ServiceState`)."""
    if not in_service and step is not Step.ADMIN:
        return "out_of_service", " ".join(reason.split())[:200] or None
    return KIOSK_STEP_OF[step], None


@dataclass(frozen=True)
class Timeouts:
    """Idle time-outs per step in seconds (None: never). Staff can change them in settings."""

    check_in: float | None = 120.0
    device_checks: float | None = 180.0
    feedback: float | None = 120.0
    thanks: float | None = 12.0  # thanks returns to the start by itself, with no warning
    warning: float = 30.0

    def for_step(self, step: Step) -> float | None:
        return {
            Step.CHECK_IN: self.check_in,
            Step.DEVICE_CHECKS: self.device_checks,
            Step.FEEDBACK: self.feedback,
            Step.THANKS: self.thanks,
        }.get(step)


@dataclass(frozen=True)
class AppointmentInfo:
    """What the patient is told about their appointment (no identifiers are needed), from the
    hub at check-in or from staff preparing the kiosk. ``waiting_area`` and ``clinic`` also go,
    as short names, with the visit's feedback."""

    specialist_name: str
    time: str  # local time as shown, e.g. "10:30"
    waiting_area: str = ""
    clinic: str = ""
    hub_id: int | None = None  # set when staff prepared the kiosk for this appointment


def shown_time(iso: str | None, tz: tzinfo | None = None) -> str:
    """'10:30' from the hub's ISO time, in ``tz`` (default: the kiosk's local time zone); ''
    when there is no time or it cannot be read."""
    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone(tz).strftime("%H:%M")
    except ValueError:
        return ""


# ----- effects: what the application must do after a transition -----------------------------


@dataclass(frozen=True)
class Effect:
    """Something the application must carry out. Subclasses name the action."""


@dataclass(frozen=True)
class BeginVisit(Effect):
    """A patient started: connect to the hub (help and check-in need it)."""


@dataclass(frozen=True)
class CheckIn(Effect):
    code: str = field(repr=False)  # a secret: never in reprs or logs


@dataclass(frozen=True)
class CheckInPrepared(Effect):
    """Check in the appointment staff prepared this kiosk for."""

    appointment_id: int


@dataclass(frozen=True)
class StartDevices(Effect):
    pass


@dataclass(frozen=True)
class StopDevices(Effect):
    pass


@dataclass(frozen=True)
class StartNetworkCheck(Effect):
    pass


@dataclass(frozen=True)
class SendCheckSummary(Effect):
    summary: dict[str, str]


@dataclass(frozen=True)
class EnterWaitingRoom(Effect):
    """Tell the hub the patient is ready and pre-gather the call."""


@dataclass(frozen=True)
class SetMicrophoneMuted(Effect):
    muted: bool


@dataclass(frozen=True)
class SetCameraOff(Effect):
    off: bool


@dataclass(frozen=True)
class EndCall(Effect):
    """The patient ended the call: hang up."""


@dataclass(frozen=True)
class LeaveWaitingRoom(Effect):
    reason: str


@dataclass(frozen=True)
class RequestHelp(Effect):
    """Alert clinic staff that the patient needs help."""


@dataclass(frozen=True)
class BeginFeedback(Effect):
    """The call is over and the survey shows: begin this visit's feedback response with these
    service facts (``call_seconds`` None: the call never connected)."""

    call_seconds: float | None
    waiting_area: str
    clinic: str


@dataclass(frozen=True)
class SaveAnswer(Effect):
    """Store an answer (already checked against its question) the moment it is given."""

    question_id: str
    value: AnswerValue


@dataclass(frozen=True)
class PrivacyReset(Effect):
    """End any call, stop devices, wipe every field, frame and message of this visit."""

    reason: str


# ----- the visit: everything that must be forgotten on reset ---------------------------------


@dataclass
class Visit:
    """Everything the kiosk knows about the current patient. Replaced whole on privacy reset."""

    code_attempts: int = 0
    code_error: str = ""  # a key for the screen's kind message: "wrong", "used", ...
    code_retry_after: float = 0.0
    checking_in: bool = False
    appointment: AppointmentInfo | None = None
    checks: dict[str, str] = field(default_factory=dict)  # name -> pass / warn / fail / skipped
    check_details: dict[str, str] = field(default_factory=dict)  # name -> why it failed
    audio_only: bool = False  # the patient carried on without video
    network_details: dict[str, str] = field(default_factory=dict)  # for the hub's summary
    waiting_since: float | None = None
    messages: list[str] = field(default_factory=list)
    call_phase: CallPhase = CallPhase.NONE
    call_started: bool = False
    call_connected_at: float | None = None  # first "connected" of the call
    call_end_reason: str = ""
    confirming_end: bool = False
    muted: bool = False
    camera_off: bool = False
    help_requested: bool = False
    help_acknowledged: bool = False
    #: Staff at reception answered the help request (the hub's ``help_coming``): someone is
    #: coming, named when the hub says who (their first name).
    help_coming: bool = False
    help_coming_by: str = ""
    #: The call was cut off by the network or the hub (not ended by anyone): the help message
    #: says so, and staff were told by the engine (a ``call_lost`` help request).
    call_lost: bool = False
    answers: dict[str, AnswerValue] = field(default_factory=dict)  # accepted answers only


class Journey:
    """The patient journey state machine (see the module docstring for the rules)."""

    def __init__(self, timeouts: Timeouts | None = None, *, now: float = 0.0) -> None:
        self.timeouts = timeouts or Timeouts()
        if self.timeouts.warning < MIN_WARNING_S:
            raise ValueError(f"the idle warning must last at least {MIN_WARNING_S:.0f} s")
        self.step = Step.ATTRACT
        self.visit = Visit()
        self.prepared: AppointmentInfo | None = None  # set by staff for the next patient
        self._last_activity = now

    # ----- queries ------------------------------------------------------------------------

    def idle_deadline(self) -> float | None:
        """When the privacy reset happens if nobody touches the screen (None: never)."""
        limit = self.timeouts.for_step(self.step)
        if limit is None:
            return None
        extra = 0.0 if self.step is Step.THANKS else self.timeouts.warning
        return self._last_activity + limit + extra

    def idle_warning_at(self) -> float | None:
        """When the 'Are you still there?' warning appears (None: no warning on this step)."""
        limit = self.timeouts.for_step(self.step)
        if limit is None or self.step is Step.THANKS:
            return None
        return self._last_activity + limit

    def warning_visible(self, now: float) -> bool:
        at = self.idle_warning_at()
        return at is not None and now >= at

    def seconds_left(self, now: float) -> float | None:
        deadline = self.idle_deadline()
        return None if deadline is None else max(0.0, deadline - now)

    def code_locked(self) -> bool:
        return self.visit.code_attempts >= MAX_CODE_ATTEMPTS

    def shows_self_view(self) -> bool:
        """Whether the patient's own camera picture may be shown now."""
        return self.step in SELF_VIEW_STEPS

    def shows_specialist(self) -> bool:
        """Whether the specialist's video may be shown now (only in the call)."""
        return self.step is Step.CONSULTATION

    def waited(self, now: float) -> float:
        """Seconds the patient has been waiting for the specialist (0 before they wait)."""
        since = self.visit.waiting_since
        return 0.0 if since is None else now - since

    def check_summary(self) -> dict[str, str]:
        """The device checks for the hub: every check's status (``skipped`` if not done), why a
        measured one failed (``<check>_detail``), the advice line for staff for a patient check
        that did not pass (``<check>_advice``), and the network check's details."""
        summary = {name: self.visit.checks.get(name, "skipped") for name in DEVICE_CHECKS}
        details = {f"{name}_detail": why for name, why in self.visit.check_details.items()
                   if summary.get(name) == "fail"}
        advice = {f"{name}_advice": line for name in DEVICE_CHECKS
                  if (line := staff_advice(name, summary[name],
                                           self.visit.check_details.get(name, "")))}
        return {**summary, **details, **advice, **self.visit.network_details}

    # ----- time and activity ----------------------------------------------------------------

    def activity(self, now: float) -> None:
        """The patient touched the screen or pressed a key: the idle timer starts again."""
        self._last_activity = now

    def tick(self, now: float) -> list[Effect]:
        deadline = self.idle_deadline()
        if deadline is not None and now >= deadline:
            reason = "finished" if self.step is Step.THANKS else "idle"
            return self._reset(reason, now)
        return []

    def _enter(self, step: Step, now: float) -> None:
        self.step = step
        self._last_activity = now

    def _reset(self, reason: str, now: float) -> list[Effect]:
        self.visit = Visit()
        self._enter(Step.ATTRACT, now)
        return [PrivacyReset(reason)]

    # ----- patient intents ------------------------------------------------------------------

    def start(self, now: float) -> list[Effect]:
        """'Touch to start' on the welcome screen."""
        if self.step is not Step.ATTRACT:
            return []
        self._enter(Step.CHECK_IN, now)
        return [BeginVisit()]

    def submit_code(self, code: str, now: float) -> list[Effect]:
        self.activity(now)
        v = self.visit
        if self.step is not Step.CHECK_IN or v.checking_in:
            return []
        if self.code_locked():
            v.code_error = "locked"
            return []
        if len(code) != CODE_LENGTH or not code.isdigit():
            v.code_error = "incomplete"
            return []
        v.checking_in = True
        v.code_error = ""
        return [CheckIn(code)]

    def confirm_prepared(self, yes: bool, now: float) -> list[Effect]:
        """'Are you here to see <specialist> at 10:30?' answered."""
        self.activity(now)
        if self.step is not Step.CHECK_IN or self.prepared is None or self.visit.checking_in:
            return []
        if not yes:
            self.prepared = None  # fall back to the code pad; staff are not needed for this
            return []
        self.visit.checking_in = True
        if self.prepared.hub_id is None:  # nothing to check in with: as if the hub were away
            return self.check_in_failed("offline", now)
        return [CheckInPrepared(self.prepared.hub_id)]

    def check_result(self, name: str, status: str, now: float) -> list[Effect]:
        """A device or network check finished (status pass / warn / fail / skipped)."""
        self.activity(now)
        if self.step is not Step.DEVICE_CHECKS or name not in DEVICE_CHECKS:
            return []
        if status not in ("pass", "warn", "fail", "skipped"):
            raise ValueError(f"unknown check status {status!r}")
        self.visit.checks[name] = status
        if status != "fail":
            self.visit.check_details.pop(name, None)
        return []

    def camera_checked(self, verdict: str, now: float) -> list[Effect]:
        """The camera's measured verdict changed (:mod:`kiosk.checks.camera`): a fault fails the
        camera check with its reason; ``ok`` or ``""`` leave the patient's answer to decide."""
        if self.step is not Step.DEVICE_CHECKS or verdict not in CAMERA_FAULTS:
            return []
        self.visit.checks["camera"] = "fail"
        self.visit.check_details["camera"] = verdict
        return []

    def chime_played(self, played: bool, now: float) -> list[Effect]:
        """'Play a sound' was pressed; ``played`` False: there is no speaker to play it on, so
        the speaker check fails."""
        self.activity(now)
        return [] if played else self.check_result("speaker", "fail", now)

    def continue_without_camera(self, now: float) -> list[Effect]:
        """'Carry on without video': the camera stays failed (it was not skipped: it did not
        work), and the microphone and sound are still checked."""
        self.activity(now)
        if self.step is not Step.DEVICE_CHECKS:
            return []
        if self.visit.checks.get("camera") != "fail":
            self.visit.checks["camera"] = "fail"
        self.visit.audio_only = True
        return []

    def finish_checks(self, now: float) -> list[Effect]:
        """The patient is done with the checks (all passed, or they chose to continue)."""
        self.activity(now)
        if self.step is not Step.DEVICE_CHECKS:
            return []
        self.visit.waiting_since = now
        self._enter(Step.WAITING, now)
        return [SendCheckSummary(self.check_summary()), EnterWaitingRoom()]

    def toggle_mute(self, now: float) -> list[Effect]:
        self.activity(now)
        if self.step is not Step.CONSULTATION:
            return []
        self.visit.muted = not self.visit.muted
        return [SetMicrophoneMuted(self.visit.muted)]

    def toggle_camera(self, now: float) -> list[Effect]:
        self.activity(now)
        if self.step is not Step.CONSULTATION:
            return []
        self.visit.camera_off = not self.visit.camera_off
        return [SetCameraOff(self.visit.camera_off)]

    def ask_end_call(self, now: float) -> list[Effect]:
        """The red button: ask 'Are you sure?' first, so a stray touch never ends a call."""
        self.activity(now)
        if self.step is Step.CONSULTATION:
            self.visit.confirming_end = True
        return []

    def cancel_end_call(self, now: float) -> list[Effect]:
        self.activity(now)
        self.visit.confirming_end = False
        return []

    def confirm_end_call(self, now: float) -> list[Effect]:
        self.activity(now)
        if self.step is not Step.CONSULTATION or not self.visit.confirming_end:
            return []
        self.visit.confirming_end = False
        self.visit.call_end_reason = "patient_ended"
        return [EndCall(), StopDevices(), self._begin_feedback(now)]

    def cancel_visit(self, now: float) -> list[Effect]:
        """'Start again' / 'I'm not here for an appointment' before the call."""
        if self.step in (Step.CONSULTATION, Step.ADMIN):
            return []
        effects: list[Effect] = []
        if self.step is Step.WAITING:
            effects.append(LeaveWaitingRoom("patient_cancelled"))
        return effects + self._reset("cancelled", now)

    def answer(self, question_id: str, value: AnswerValue, now: float) -> list[Effect]:
        """A survey answer, already checked against its question (``kiosk.feedback.recorder``
        does that first): kept and saved at once, so nothing is lost if the kiosk stops."""
        self.activity(now)
        if self.step is not Step.FEEDBACK:
            return []
        self.visit.answers[question_id] = value
        return [SaveAnswer(question_id, value)]

    def finish_feedback(self, now: float) -> list[Effect]:
        self.activity(now)
        if self.step is not Step.FEEDBACK:
            return []
        self._enter(Step.THANKS, now)
        return []

    def finish_thanks(self, now: float) -> list[Effect]:
        if self.step is not Step.THANKS:
            return []
        return self._reset("finished", now)

    def request_help(self, now: float) -> list[Effect]:
        """'I need help', on every patient screen."""
        self.activity(now)
        if self.step is Step.ADMIN:
            return []
        self.visit.help_requested = True
        self.visit.help_acknowledged = False
        self.visit.help_coming, self.visit.help_coming_by = False, ""
        return [RequestHelp()]

    def dismiss_help(self, now: float) -> list[Effect]:
        self.activity(now)
        self.visit.help_requested = False
        return []

    # ----- engine events ----------------------------------------------------------------------

    def check_in_succeeded(self, appointment: AppointmentInfo, now: float) -> list[Effect]:
        if self.step is not Step.CHECK_IN:
            return []
        self.visit.checking_in = False
        self.visit.appointment = appointment
        self.prepared = None
        self._enter(Step.DEVICE_CHECKS, now)
        return [StartDevices(), StartNetworkCheck()]

    def check_in_failed(self, error: str, now: float, retry_after: float = 0.0) -> list[Effect]:
        """The hub refused the code. ``error``: wrong, used, expired, rate_limited, offline."""
        if self.step is not Step.CHECK_IN:
            return []
        v = self.visit
        v.checking_in = False
        if self.prepared is not None:
            self.prepared = None  # the prepared appointment did not work: the code pad shows
        if error in ("wrong", "used", "expired"):
            v.code_attempts += 1
        v.code_error = "locked" if self.code_locked() else error
        v.code_retry_after = retry_after
        if error == "rate_limited" or self.code_locked():
            v.code_error = "locked"
            return self.request_help(now) if not v.help_requested else []
        return []

    def check_in_refused(self, hub_code: str, now: float,
                         retry_after: float | None = None) -> list[Effect]:
        """The hub (or the engine) refused the check-in with an error code; see
        :data:`CHECK_IN_ERRORS` for the kind message each gets."""
        error = CHECK_IN_ERRORS.get(hub_code, "offline")
        return self.check_in_failed(error, now, retry_after or 0.0)

    def network_checked(self, status: str, details: Mapping[str, str], now: float) -> list[Effect]:
        """The network check finished: its status is the network check's result, and its
        details go to the hub with the other checks (the status is the journey's own)."""
        self.visit.network_details = {k: v for k, v in details.items() if k != "network"}
        return self.check_result("network", status, now)

    def help_acknowledged(self, now: float) -> list[Effect]:
        """The hub has told staff (``help_ack``)."""
        if self.visit.help_requested:
            self.visit.help_acknowledged = True
        return []

    def help_on_its_way(self, by: str, now: float) -> list[Effect]:
        """A member of staff answered the help request and is coming (``help_coming``; ``by``
        their first name, or empty). Shown only while the help message is up: a patient who
        closed it, or a new patient, is not told about an old request."""
        if self.visit.help_requested:
            self.visit.help_acknowledged = True
            self.visit.help_coming, self.visit.help_coming_by = True, by
        return []

    def message_received(self, text: str, now: float) -> list[Effect]:
        if self.step in (Step.WAITING, Step.CONSULTATION, Step.DEVICE_CHECKS):
            self.visit.messages.append(text)
            del self.visit.messages[:-5]  # the last few are enough on screen
        return []

    def specialist_joined(self, now: float) -> list[Effect]:
        effects: list[Effect] = []
        if self.step is Step.DEVICE_CHECKS:
            # The specialist is early: the patient goes straight into the call.
            effects += [SendCheckSummary(self.check_summary()), EnterWaitingRoom()]
        elif self.step is not Step.WAITING:
            return []
        self.visit.call_phase = CallPhase.CONNECTING
        self.visit.call_started = True
        self._enter(Step.CONSULTATION, now)
        return effects

    def call_phase_changed(self, phase: CallPhase, now: float) -> list[Effect]:
        if self.step is Step.CONSULTATION:
            self.visit.call_phase = phase
            if phase is CallPhase.CONNECTED and self.visit.call_connected_at is None:
                self.visit.call_connected_at = now  # the call's length counts from here
        return []

    def call_state_changed(self, state: str, now: float) -> list[Effect]:
        """The engine's call state (see :data:`CALL_PHASES`); other states change nothing."""
        phase = CALL_PHASES.get(state)
        return [] if phase is None else self.call_phase_changed(phase, now)

    def call_ended(self, reason: str, now: float) -> list[Effect]:
        """The call ended without the patient pressing End (specialist, network, hub)."""
        if self.step is Step.CONSULTATION:
            self.visit.call_end_reason = reason
            self.visit.call_phase = CallPhase.NONE
            self.visit.confirming_end = False
            if reason in CONNECTION_LOST:
                # Cut off, not ended: the patient is told plainly and asked to go to reception
                # (the help message, over the survey); the engine has already told staff.
                self.visit.call_lost = True
                self.visit.help_requested = True
                self.visit.help_acknowledged = False
                self.visit.help_coming, self.visit.help_coming_by = False, ""
            return [StopDevices(), self._begin_feedback(now)]
        if self.step is Step.WAITING:
            if reason in CONNECTION_LOST:
                # The kiosk lost the service while the patient waited. The hub lets this same
                # kiosk check the code in again (a visit it ended for loss of contact, or one it
                # still holds: then the same place and waited time), so the check-in screen
                # asks the patient to type the code again; no help overlay hides it. Staff
                # are needed only if that fails, and the refusal's own message says so.
                self.visit.code_error = "lost"
                self._enter(Step.CHECK_IN, now)
                return [StopDevices()]
            # Ended before it began (e.g. the clinic cancelled): reset with a kind word.
            return [StopDevices(), *self._reset(f"ended:{reason}", now)]
        return []

    def _begin_feedback(self, now: float) -> BeginFeedback:
        v = self.visit
        connected = v.call_connected_at
        self._enter(Step.FEEDBACK, now)
        appointment = v.appointment or AppointmentInfo("", "")
        return BeginFeedback(None if connected is None else now - connected,
                             appointment.waiting_area, appointment.clinic)

    # ----- staff ------------------------------------------------------------------------------

    def prepare(self, appointment: AppointmentInfo | None) -> list[Effect]:
        """Staff prepared (or, with None, un-prepared) the kiosk for the next appointment."""
        self.prepared = appointment
        return []

    def enter_admin(self, now: float) -> list[Effect]:
        """Staff unlocked admin mode (the PIN is checked elsewhere). Never during a call."""
        if self.step in (Step.CONSULTATION, Step.ADMIN):
            return []
        effects: list[Effect] = []
        if self.step is Step.WAITING:
            effects.append(LeaveWaitingRoom("staff"))
        effects += self._reset("staff", now)
        self.step = Step.ADMIN
        return effects

    def leave_admin(self, now: float) -> list[Effect]:
        if self.step is not Step.ADMIN:
            return []
        self._enter(Step.ATTRACT, now)
        return []


class TapGuard:
    """Taps right after a screen or page change are ignored, so one press never answers the
    next question (a quick double tap, or a press as the page turns).

    Pure: the window tells it what is shown (any hashable ``page``) on every render, and asks
    :meth:`allows` for every tap, with the time as an argument.
    """

    def __init__(self, guard_s: float = TAP_GUARD_S) -> None:
        self.guard_s = guard_s
        self._page: object = None
        self._since = float("-inf")

    def shown(self, page: object, now: float) -> None:
        """What is on screen now; a change starts the guard time (not the first page shown:
        there was nothing before it to tap)."""
        if page != self._page:
            if self._page is not None:
                self._since = now
            self._page = page

    def allows(self, now: float) -> bool:
        """Whether a tap at ``now`` counts."""
        return now - self._since >= self.guard_s
