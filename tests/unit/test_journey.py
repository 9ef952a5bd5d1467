"""The patient journey state machine: every transition, time-out and reset, without a clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta, timezone

import pytest

from kiosk.checks.camera import STAFF_ADVICE as CAMERA_ADVICE
from kiosk.checks.device_flow import STAFF_ADVICE
from kiosk.journey import (
    CONNECTION_LOST,
    MAX_CODE_ATTEMPTS,
    MIN_WARNING_S,
    TAP_GUARD_S,
    AppointmentInfo,
    BeginFeedback,
    BeginVisit,
    CallPhase,
    CheckIn,
    CheckInPrepared,
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
    Timeouts,
    shown_time,
)


def step_of(j: Journey) -> Step:
    """The journey's step, read through a call so mypy does not narrow it across intents."""
    return j.step


APPT = AppointmentInfo(specialist_name="Dr Jones", time="10:30", waiting_area="Cardiology")


def to_step(step: Step) -> Journey:
    j = Journey()
    j.start(1)
    if step is Step.CHECK_IN:
        return j
    assert j.submit_code("0123456789", 2) == [CheckIn("0123456789")]
    j.check_in_succeeded(APPT, 3)
    if step is Step.DEVICE_CHECKS:
        return j
    for name in ("camera", "microphone", "speaker"):
        j.check_result(name, "pass", 4)
    j.finish_checks(5)
    if step is Step.WAITING:
        return j
    j.specialist_joined(6)
    if step is Step.CONSULTATION:
        return j
    j.ask_end_call(7)
    j.confirm_end_call(8)
    if step is Step.FEEDBACK:
        return j
    j.finish_feedback(9)
    assert step is Step.THANKS
    return j


def test_whole_journey_in_order() -> None:
    j = Journey()
    assert step_of(j) is Step.ATTRACT
    assert j.start(0) == [BeginVisit()]
    assert step_of(j) is Step.CHECK_IN
    assert j.submit_code("0123456789", 1) == [CheckIn("0123456789")]
    assert j.visit.checking_in
    assert j.check_in_succeeded(APPT, 2) == [StartDevices(), StartNetworkCheck()]
    assert step_of(j) is Step.DEVICE_CHECKS
    assert j.visit.appointment == APPT
    j.check_result("camera", "pass", 3)
    j.check_result("microphone", "pass", 3)
    j.check_result("speaker", "fail", 3)
    effects = j.finish_checks(4)
    assert effects == [
        SendCheckSummary({"camera": "pass", "microphone": "pass", "speaker": "fail",
                          "network": "skipped", "speaker_advice": STAFF_ADVICE["speaker"]}),
        EnterWaitingRoom(),
    ]
    assert step_of(j) is Step.WAITING
    assert j.visit.waiting_since == 4
    assert j.specialist_joined(5) == []
    assert step_of(j) is Step.CONSULTATION
    assert j.visit.call_phase is CallPhase.CONNECTING
    j.call_phase_changed(CallPhase.CONNECTED, 6)
    assert j.visit.call_phase is CallPhase("connected")
    assert j.call_ended("specialist_ended", 7) == [
        StopDevices(), BeginFeedback(call_seconds=1, waiting_area="Cardiology", clinic="")]
    assert step_of(j) is Step.FEEDBACK
    assert j.answer("overall", 5, 8) == [SaveAnswer("overall", 5)]
    assert j.finish_feedback(9) == []
    assert step_of(j) is Step.THANKS
    assert j.finish_thanks(10) == [PrivacyReset("finished")]
    assert step_of(j) is Step.ATTRACT
    assert j.visit.appointment is None


def test_code_secret_not_in_repr() -> None:
    assert "0123456789" not in repr(CheckIn("0123456789"))


@pytest.mark.parametrize("code", ["12345", "1234567", "12a456", ""])
def test_incomplete_code_is_not_sent(code: str) -> None:
    j = to_step(Step.CHECK_IN)
    assert j.submit_code(code, 2) == []
    assert j.visit.code_error == "incomplete"
    assert j.visit.code_attempts == 0


def test_no_second_check_in_while_one_is_pending() -> None:
    j = to_step(Step.CHECK_IN)
    assert j.submit_code("0123456789", 2)
    assert j.submit_code("0123456789", 2) == []


def test_wrong_code_then_right_code() -> None:
    j = to_step(Step.CHECK_IN)
    j.submit_code("1111111111", 2)
    assert j.check_in_failed("wrong", 3) == []
    assert j.visit.code_error == "wrong"
    assert j.visit.code_attempts == 1
    assert step_of(j) is Step.CHECK_IN
    assert j.submit_code("0123456789", 4) == [CheckIn("0123456789")]
    j.check_in_succeeded(APPT, 5)
    assert step_of(j) is Step.DEVICE_CHECKS


def test_attempts_are_limited_and_help_is_called() -> None:
    j = to_step(Step.CHECK_IN)
    effects = []
    for i in range(MAX_CODE_ATTEMPTS):
        assert j.submit_code("1111111111", 2 + i)
        effects = j.check_in_failed("wrong", 2 + i)
    assert j.code_locked()
    assert j.visit.code_error == "locked"
    assert effects == [RequestHelp()]
    assert j.submit_code("0123456789", 20) == []


def test_hub_rate_limit_locks_at_once() -> None:
    j = to_step(Step.CHECK_IN)
    j.submit_code("1111111111", 2)
    assert j.check_in_failed("rate_limited", 3, retry_after=600) == [RequestHelp()]
    assert j.visit.code_error == "locked"
    assert j.visit.code_retry_after == 600


def test_offline_does_not_count_as_an_attempt() -> None:
    j = to_step(Step.CHECK_IN)
    j.submit_code("0123456789", 2)
    j.check_in_failed("offline", 3)
    assert j.visit.code_attempts == 0
    assert j.visit.code_error == "offline"


def test_prepared_appointment_yes_and_no() -> None:
    j = Journey()
    j.prepare(replace(APPT, hub_id=42))
    j.start(0)
    assert j.confirm_prepared(True, 1) == [CheckInPrepared(42)]
    j.check_in_succeeded(APPT, 2)
    assert step_of(j) is Step.DEVICE_CHECKS
    assert j.prepared is None  # used once

    j2 = Journey()
    j2.prepare(APPT)
    j2.start(0)
    assert j2.confirm_prepared(False, 1) == []
    assert j2.prepared is None
    assert step_of(j2) is Step.CHECK_IN


def test_failed_prepared_check_in_falls_back_to_the_code_pad() -> None:
    j = Journey()
    j.prepare(replace(APPT, hub_id=7))
    j.start(0)
    assert j.confirm_prepared(True, 1) == [CheckInPrepared(7)]
    j.check_in_failed("used", 2)
    assert j.prepared is None
    assert step_of(j) is Step.CHECK_IN
    assert j.visit.code_error == "used"


def test_checks_reject_unknown_status() -> None:
    j = to_step(Step.DEVICE_CHECKS)
    with pytest.raises(ValueError, match="unknown check status"):
        j.check_result("camera", "maybe", 4)


def test_specialist_joining_during_checks_goes_to_call() -> None:
    j = to_step(Step.DEVICE_CHECKS)
    j.check_result("camera", "pass", 4)
    effects = j.specialist_joined(5)
    assert step_of(j) is Step.CONSULTATION
    assert isinstance(effects[0], SendCheckSummary)
    assert effects[1] == EnterWaitingRoom()


def test_mute_camera_and_end_needs_confirmation() -> None:
    j = to_step(Step.CONSULTATION)
    assert j.toggle_mute(7) == [SetMicrophoneMuted(True)]
    assert j.toggle_mute(7) == [SetMicrophoneMuted(False)]
    assert j.toggle_camera(7) == [SetCameraOff(True)]
    assert j.confirm_end_call(8) == []  # not asked first: a stray touch does nothing
    assert step_of(j) is Step.CONSULTATION
    j.ask_end_call(8)
    assert j.visit.confirming_end
    j.cancel_end_call(9)
    assert step_of(j) is Step.CONSULTATION
    j.ask_end_call(10)
    assert j.confirm_end_call(11) == [EndCall(), StopDevices(),
                                      BeginFeedback(None, "Cardiology", "")]
    assert step_of(j) is Step.FEEDBACK


def test_reconnecting_phase_is_shown_during_call_only() -> None:
    j = to_step(Step.CONSULTATION)
    j.call_phase_changed(CallPhase.RECONNECTING, 7)
    assert j.visit.call_phase is CallPhase.RECONNECTING
    w = to_step(Step.WAITING)
    w.call_phase_changed(CallPhase.RECONNECTING, 7)
    assert w.visit.call_phase is CallPhase.NONE


def test_messages_are_kept_short() -> None:
    j = to_step(Step.WAITING)
    for i in range(8):
        j.message_received(f"m{i}", 6)
    assert j.visit.messages == ["m3", "m4", "m5", "m6", "m7"]


def test_help_everywhere_but_admin() -> None:
    for step in (Step.CHECK_IN, Step.DEVICE_CHECKS, Step.WAITING, Step.CONSULTATION,
                 Step.FEEDBACK, Step.THANKS):
        j = to_step(step)
        assert j.request_help(20) == [RequestHelp()]
        assert j.visit.help_requested
        j.help_acknowledged(21)
        assert j.visit.help_acknowledged
        j.dismiss_help(22)
        assert not j.visit.help_requested


def test_warning_then_privacy_reset_on_idle() -> None:
    t = Timeouts(check_in=60, warning=25)
    j = Journey(t)
    j.start(100)
    assert j.idle_warning_at() == 160
    assert not j.warning_visible(159)
    assert j.warning_visible(160)
    assert j.seconds_left(160) == 25
    assert j.tick(184) == []
    j.activity(184)  # the patient touched "I'm still here"
    assert not j.warning_visible(200)
    assert j.tick(184 + 60 + 25) == [PrivacyReset("idle")]
    assert step_of(j) is Step.ATTRACT


def test_warning_must_give_twenty_seconds() -> None:
    with pytest.raises(ValueError, match="at least"):
        Journey(Timeouts(warning=MIN_WARNING_S - 1))


@pytest.mark.parametrize("step", [Step.ATTRACT, Step.WAITING, Step.CONSULTATION])
def test_no_idle_reset_in_call_waiting_or_welcome(step: Step) -> None:
    j = Journey() if step is Step.ATTRACT else to_step(step)
    assert j.idle_deadline() is None
    assert j.tick(10**9) == []
    assert step_of(j) is step


def test_thanks_returns_by_itself_without_warning() -> None:
    j = to_step(Step.THANKS)
    assert j.idle_warning_at() is None
    assert j.tick(9 + 12) == [PrivacyReset("finished")]


def test_privacy_reset_forgets_the_visit() -> None:
    j = to_step(Step.CONSULTATION)
    j.message_received("I'm running late", 7)
    j.request_help(7)
    j.call_ended("network_failed", 8)
    j.answer("overall", 4, 9)
    j.finish_feedback(9)
    j.tick(10**6)
    assert step_of(j) is Step.ATTRACT
    v = j.visit
    assert v.appointment is None
    assert v.messages == []
    assert v.answers == {}
    assert v.checks == {}
    assert not v.help_requested
    assert v.code_attempts == 0


def test_cancel_while_waiting_leaves_the_waiting_room() -> None:
    j = to_step(Step.WAITING)
    assert j.cancel_visit(7) == [LeaveWaitingRoom("patient_cancelled"),
                                 PrivacyReset("cancelled")]
    j = to_step(Step.CONSULTATION)
    assert j.cancel_visit(7) == []


def test_call_ended_while_waiting_resets() -> None:
    j = to_step(Step.WAITING)
    effects = j.call_ended("cancelled", 7)
    assert effects == [StopDevices(), PrivacyReset("ended:cancelled")]


@pytest.mark.parametrize("reason", sorted(CONNECTION_LOST))
def test_losing_the_service_while_waiting_asks_for_the_code_again(reason: str) -> None:
    """The same kiosk may check the code in again (its place kept if the hub still holds the
    visit): the patient lands on the check-in screen with the 'lost' message, no help overlay
    over it, and typing the code checks in again."""
    j = to_step(Step.WAITING)
    effects = j.call_ended(reason, 7)
    assert effects == [StopDevices()]
    assert step_of(j) is Step.CHECK_IN
    assert j.visit.code_error == "lost"
    assert not j.visit.help_requested
    assert j.submit_code("0123456789", 8) == [CheckIn("0123456789")]
    assert j.visit.code_error == ""
    j.check_in_succeeded(APPT, 9)
    assert step_of(j) is Step.DEVICE_CHECKS


def test_admin_never_during_call_and_resets_visit() -> None:
    j = to_step(Step.CONSULTATION)
    assert j.enter_admin(7) == []
    w = to_step(Step.WAITING)
    effects = w.enter_admin(7)
    assert effects == [LeaveWaitingRoom("staff"), PrivacyReset("staff")]
    assert step_of(w) is Step.ADMIN
    assert w.request_help(8) == []
    w.leave_admin(9)
    assert step_of(w) is Step.ATTRACT


def test_events_out_of_step_are_ignored() -> None:
    j = Journey()
    assert j.check_in_succeeded(APPT, 1) == []
    assert j.specialist_joined(1) == []
    assert j.answer("q", 1, 1) == []
    assert j.finish_checks(1) == []
    assert step_of(j) is Step.ATTRACT


@pytest.mark.parametrize(("hub_code", "error"), [
    ("bad_code", "wrong"), ("code_used", "used"), ("code_expired", "expired"),
    ("timeout", "offline"), ("hub_lost", "offline"), ("internal", "offline"),
])
def test_hub_error_codes_become_kind_messages(hub_code: str, error: str) -> None:
    j = to_step(Step.CHECK_IN)
    j.submit_code("1111111111", 2)
    assert j.check_in_refused(hub_code, 3) == []
    assert j.visit.code_error == error
    assert not j.visit.checking_in


def test_hub_rate_limit_by_code_locks_and_calls_staff() -> None:
    j = to_step(Step.CHECK_IN)
    j.submit_code("1111111111", 2)
    assert j.check_in_refused("rate_limited", 3, retry_after=None) == [RequestHelp()]
    assert j.visit.code_error == "locked"
    assert j.visit.code_retry_after == 0.0


def test_prepared_appointment_without_hub_id_is_not_checked_in() -> None:
    j = Journey()
    j.prepare(APPT)  # no hub_id: there is nothing to check in with
    j.start(0)
    assert j.confirm_prepared(True, 1) == []
    assert j.prepared is None
    assert not j.visit.checking_in
    assert j.visit.code_error == "offline"
    assert step_of(j) is Step.CHECK_IN


def test_prepared_appointment_without_hub_id_when_locked_calls_staff() -> None:
    j = to_step(Step.CHECK_IN)
    for i in range(MAX_CODE_ATTEMPTS):
        j.submit_code("1111111111", 2 + i)
        j.check_in_failed("wrong", 2 + i)
    j.dismiss_help(10)
    j.prepare(APPT)
    assert j.confirm_prepared(True, 11) == [RequestHelp()]  # the effect is returned, not lost


@pytest.mark.parametrize(("state", "phase"), [
    ("connecting", CallPhase.CONNECTING), ("ready", CallPhase.CONNECTING),
    ("connected", CallPhase.CONNECTED), ("reconnecting", CallPhase.RECONNECTING),
])
def test_call_states_become_phases(state: str, phase: CallPhase) -> None:
    j = to_step(Step.CONSULTATION)
    j.call_phase_changed(CallPhase.NONE, 6)
    assert j.call_state_changed(state, 7) == []
    assert j.visit.call_phase is phase


@pytest.mark.parametrize("state", ["new", "ended", "failed", "closed", "nonsense"])
def test_other_call_states_change_nothing(state: str) -> None:
    j = to_step(Step.CONSULTATION)
    j.call_state_changed("connected", 6)
    assert j.call_state_changed(state, 7) == []
    assert j.visit.call_phase is CallPhase.CONNECTED


def test_call_length_counts_from_the_first_connection() -> None:
    j = to_step(Step.CONSULTATION)  # joined at 6
    j.call_state_changed("connecting", 7)
    j.call_state_changed("connected", 10)
    j.call_state_changed("reconnecting", 100)
    j.call_state_changed("connected", 110)
    assert j.visit.call_connected_at == 10
    j.ask_end_call(400)
    effects = j.confirm_end_call(410)
    assert effects[-1] == BeginFeedback(400, "Cardiology", "")


def test_a_call_that_never_connected_has_no_length() -> None:
    j = to_step(Step.CONSULTATION)
    assert j.call_ended("specialist_ended", 8)[-1] == BeginFeedback(None, "Cardiology", "")


def test_feedback_carries_the_waiting_area_and_clinic_from_check_in() -> None:
    j = Journey()
    j.start(0)
    j.submit_code("0123456789", 1)
    j.check_in_succeeded(AppointmentInfo("Dr Jones", "10:30", "Main waiting area", "Oban"), 2)
    j.finish_checks(3)
    j.specialist_joined(4)
    assert j.call_ended("specialist_ended", 5)[-1] == BeginFeedback(
        None, "Main waiting area", "Oban")


def test_connection_outside_the_call_does_not_start_the_clock() -> None:
    j = to_step(Step.WAITING)
    j.call_state_changed("connected", 6)
    assert j.visit.call_connected_at is None


def test_continue_without_camera_keeps_it_failed_and_still_checks_sound() -> None:
    j = to_step(Step.DEVICE_CHECKS)
    j.check_result("camera", "fail", 4)
    assert j.continue_without_camera(5) == []
    assert step_of(j) is Step.DEVICE_CHECKS  # the microphone and sound are still checked
    assert j.visit.audio_only
    j.check_result("microphone", "pass", 6)
    j.check_result("speaker", "pass", 7)
    effects = j.finish_checks(8)
    assert effects == [
        SendCheckSummary({"camera": "fail", "microphone": "pass", "speaker": "pass",
                          "network": "skipped", "camera_advice": STAFF_ADVICE["camera"]}),
        EnterWaitingRoom(),
    ]
    assert to_step(Step.WAITING).continue_without_camera(6) == []


def test_a_measured_camera_fault_fails_the_check_with_its_reason() -> None:
    j = to_step(Step.DEVICE_CHECKS)
    assert j.camera_checked("", 4) == []
    assert "camera" not in j.visit.checks
    assert j.camera_checked("ok", 4) == []
    assert "camera" not in j.visit.checks
    j.camera_checked("black", 5)
    assert j.visit.checks["camera"] == "fail"
    j.continue_without_camera(6)
    summary = j.finish_checks(7)[0]
    assert isinstance(summary, SendCheckSummary)
    assert summary.summary["camera"] == "fail"
    assert summary.summary["camera_detail"] == "black"
    assert summary.summary["camera_advice"] == CAMERA_ADVICE["black"]  # the measured fault's


def test_no_camera_is_failed_absent_and_a_later_yes_clears_the_reason() -> None:
    j = to_step(Step.DEVICE_CHECKS)
    j.camera_checked("absent", 4)
    assert j.check_summary()["camera"] == "fail"
    assert j.check_summary()["camera_detail"] == "absent"
    j.check_result("camera", "pass", 5)  # plugged in, and the patient sees themselves
    assert "camera_detail" not in j.check_summary()
    assert to_step(Step.WAITING).camera_checked("absent", 6) == []


def test_the_tap_guard_ignores_taps_just_after_a_page_change() -> None:
    guard = TapGuard()
    guard.shown(("attract", None), 9.9)  # the first page: nothing was there to tap before
    assert guard.allows(9.9)
    guard.shown(("check_in", "code"), 10.0)
    assert not guard.allows(10.0)
    assert not guard.allows(10.0 + TAP_GUARD_S - 0.01)
    assert guard.allows(10.0 + TAP_GUARD_S)
    guard.shown(("check_in", "code"), 11.0)  # the same page again: no new guard
    assert guard.allows(11.0)
    guard.shown(("device_checks", "camera"), 11.0)
    assert not guard.allows(11.2)
    assert guard.allows(11.4)
    assert TAP_GUARD_S == 0.4


def test_a_chime_that_cannot_play_fails_the_speaker_check() -> None:
    j = to_step(Step.DEVICE_CHECKS)
    assert j.chime_played(True, 4) == []
    assert "speaker" not in j.visit.checks
    assert j.chime_played(False, 5) == []
    assert j.visit.checks["speaker"] == "fail"
    assert j.idle_warning_at() == 5 + 180.0  # pressing it counted as activity


def test_network_result_is_the_network_check_and_its_details_go_to_the_hub() -> None:
    j = to_step(Step.DEVICE_CHECKS)
    assert j.network_checked("warn", {"network": "pass", "rtt_ms": "80", "turn": "udp"}, 4) == []
    assert j.visit.checks["network"] == "warn"
    summary = j.finish_checks(5)[0]
    assert summary == SendCheckSummary({"camera": "skipped", "microphone": "skipped",
                                        "speaker": "skipped", "network": "warn",
                                        "rtt_ms": "80", "turn": "udp"})


def test_network_details_reach_the_hub_when_the_specialist_is_early() -> None:
    j = to_step(Step.DEVICE_CHECKS)
    j.network_checked("pass", {"rtt_ms": "20"}, 4)
    effects = j.specialist_joined(5)
    assert effects[0] == SendCheckSummary({"camera": "skipped", "microphone": "skipped",
                                           "speaker": "skipped", "network": "pass",
                                           "rtt_ms": "20"})


def test_network_details_are_forgotten_on_reset() -> None:
    j = to_step(Step.DEVICE_CHECKS)
    j.network_checked("pass", {"rtt_ms": "20"}, 4)
    j.cancel_visit(5)
    assert j.visit.network_details == {}


def test_what_video_may_be_shown_on_each_step() -> None:
    shown = {step: (to_step(step).shows_self_view(), to_step(step).shows_specialist())
             for step in (Step.CHECK_IN, Step.DEVICE_CHECKS, Step.WAITING, Step.CONSULTATION,
                          Step.FEEDBACK, Step.THANKS)}
    assert shown == {
        Step.CHECK_IN: (False, False), Step.DEVICE_CHECKS: (True, False),
        Step.WAITING: (True, False), Step.CONSULTATION: (True, True),
        Step.FEEDBACK: (False, False), Step.THANKS: (False, False),
    }
    assert not Journey().shows_self_view()


def test_waited_counts_from_the_waiting_room() -> None:
    assert to_step(Step.DEVICE_CHECKS).waited(100) == 0.0
    assert to_step(Step.WAITING).waited(65) == 60  # waiting since 5


def test_shown_time_is_local_hours_and_minutes() -> None:
    assert shown_time("2026-11-22T10:30:00+00:00", UTC) == "10:30"
    assert shown_time("2026-11-22T10:30:00+00:00", timezone(timedelta(hours=1))) == "11:30"
    assert shown_time(None) == ""
    assert shown_time("") == ""
    assert shown_time("half past ten") == ""
