"""The patient screens: real clicks emit intents, and journey states render as they should.

Every test drives a real :class:`Journey` with its own methods and renders it through the real
window, as the kiosk does. Nothing sleeps: tests wait on signals and conditions.
"""

from __future__ import annotations

from dataclasses import replace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QWidget
from pytestqt.qtbot import QtBot

from kiosk.journey import MIN_WARNING_S, CallPhase, Journey, Step
from tests.ui.support import APPT, SURVEY, click, journey_at
from ui.screens.base import LiveState, QuestionView
from ui.window import MainWindow

pytestmark = pytest.mark.ui


# ----- welcome ----------------------------------------------------------------------------------


def test_welcome_emits_start_language_and_display_toggles(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = Journey()
    window.render(j, 0, live)
    w = window.welcome
    assert window.pages.currentWidget() is w
    with qtbot.waitSignal(window.start_requested):
        click(qtbot, w.start_button)
    with qtbot.waitSignal(window.language_chosen) as lang:
        click(qtbot, w.language_buttons["pl"])
    assert lang.args == ["pl"]
    with qtbot.waitSignal(window.large_text_toggled) as large:
        click(qtbot, w.large_text_button)
    assert large.args == [True]
    window.render(j, 0, replace(live, large_text=True))
    assert w.large_text_button.isChecked()
    assert "On" in w.large_text_button.full_text()
    with qtbot.waitSignal(window.large_text_toggled) as large:
        click(qtbot, w.large_text_button)
    assert large.args == [False]
    with qtbot.waitSignal(window.high_contrast_toggled) as contrast:
        click(qtbot, w.high_contrast_button)
    assert contrast.args == [True]


def test_language_buttons_name_each_language_in_itself(window: MainWindow, live: LiveState) -> None:
    window.render(Journey(), 0, replace(live, language="cy"))
    names = {code: b.full_text() for code, b in window.welcome.language_buttons.items()}
    assert names == {"en": "English", "pl": "Polski", "cy": "Cymraeg"}
    assert window.welcome.language_buttons["cy"].isChecked()


# ----- check-in ---------------------------------------------------------------------------------


def test_number_pad_shows_digits_and_submits_the_code(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CHECK_IN)
    window.render(j, 1, live)
    c = window.check_in
    for digit in "12345":
        click(qtbot, c.pad.keys[digit])
    click(qtbot, c.pad.delete_key)
    for digit in "4906789":
        click(qtbot, c.pad.keys[digit])
    assert [box.text() for box in c.boxes.boxes] == list("1234490678")
    click(qtbot, c.pad.keys["7"])  # an eleventh digit is ignored
    assert c.digits() == "1234490678"
    with qtbot.waitSignal(window.code_submitted) as submitted:
        click(qtbot, c.submit_button)
    assert submitted.args == ["1234490678"]


def test_a_physical_keyboard_types_the_code_too(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    window.render(journey_at(Step.CHECK_IN), 1, live)
    c = window.check_in
    c.setFocus()
    qtbot.keyClicks(c, "98a7")
    qtbot.keyClick(c, Qt.Key.Key_Backspace)
    qtbot.keyClicks(c, "65")
    assert c.digits() == "9865"
    with qtbot.waitSignal(window.code_submitted) as submitted:
        qtbot.keyClick(c, Qt.Key.Key_Return)
    assert submitted.args == ["9865"]


KIND_WORDS = {
    "incomplete": "Please type all 10 numbers of your code.",
    "wrong": "That code didn't work. Please check the letter or text message and try again.",
    "used": "already been used",
    "expired": "no longer valid",
    "offline": "can't reach the clinic",
    "locked": "Please ask a member of staff at reception",
}


@pytest.mark.parametrize("error", list(KIND_WORDS))
def test_each_code_error_has_its_kind_message(
        qtbot: QtBot, window: MainWindow, live: LiveState, error: str) -> None:
    j = journey_at(Step.CHECK_IN)
    window.render(j, 1, live)
    c = window.check_in
    for digit in "123":
        click(qtbot, c.pad.keys[digit])
    if error == "incomplete":
        j.submit_code(c.digits(), 2)
    elif error == "locked":
        for _ in range(5):
            j.submit_code("0123456789", 2)
            j.check_in_failed("wrong", 2)
    else:
        j.submit_code("0123456789", 2)
        j.check_in_failed(error, 2)
    assert j.visit.code_error == error
    window.render(j, 2, live)
    assert c.message.isVisible()
    assert KIND_WORDS[error] in c.message_text.text()
    if error == "incomplete":
        assert c.digits() == "123"  # kept, so the patient can finish typing
    else:
        assert c.digits() == ""  # a refused code never lingers on screen
    assert c.pad.isEnabled() is (error != "locked")


def test_checking_in_shows_progress_and_blocks_the_pad(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CHECK_IN)
    j.submit_code("0123456789", 2)
    window.render(j, 2, live)
    c = window.check_in
    assert "Checking your code" in c.message_text.text()
    assert not c.pad.isEnabled()
    assert not c.submit_button.isEnabled()


def test_prepared_appointment_asks_who_they_are_here_to_see(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CHECK_IN)
    j.prepare(APPT)
    window.render(j, 1, live)
    c = window.check_in
    assert c.prepared_page.isVisible()
    assert not c.code_page.isVisible()
    assert c.prepared_question.text() == "Are you here to see Dr Jones at 10:30?"
    with qtbot.waitSignal(window.prepared_answered) as yes:
        click(qtbot, c.yes_button)
    assert yes.args == [True]
    with qtbot.waitSignal(window.prepared_answered) as no:
        click(qtbot, c.no_button)
    assert no.args == [False]
    j.confirm_prepared(False, 2)
    window.render(j, 2, live)
    assert c.code_page.isVisible()


def test_start_again_is_in_the_header_only_where_it_is_safe(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    for step, offered in ((Step.ATTRACT, False), (Step.CHECK_IN, True),
                          (Step.DEVICE_CHECKS, True), (Step.WAITING, False),
                          (Step.FEEDBACK, False)):
        window.render(journey_at(step), 3, live)
        assert window.header.start_again_button.isVisible() is offered, step
    window.render(journey_at(Step.CHECK_IN), 3, live)
    with qtbot.waitSignal(window.cancel_requested):
        click(qtbot, window.header.start_again_button)


# ----- device checks ----------------------------------------------------------------------------


def test_camera_check_answers(qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.DEVICE_CHECKS)
    window.render(j, 3, live)
    d = window.device_checks
    assert d.pages.currentWidget() is d.camera_page
    assert d.self_view.accessibleName() == "Your camera picture"
    assert not d.camera_yes.isEnabled()  # no moving picture measured yet: "Yes" can't be true
    window.render(j, 3, replace(live, camera_health="ok"))
    with qtbot.waitSignal(window.check_answered) as answered:
        click(qtbot, d.camera_yes)
    assert answered.args == ["camera", "pass"]
    with qtbot.waitSignal(window.check_answered) as answered:
        click(qtbot, d.camera_no)
    assert answered.args == ["camera", "fail"]


def test_camera_problem_offers_devices_retry_and_audio_only(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.DEVICE_CHECKS)
    j.check_result("camera", "fail", 3)
    live = replace(live, available_cameras=["Front", "USB"], camera_index=0)
    window.render(j, 3, live)
    d = window.device_checks
    assert d.pages.currentWidget() is d.problem_page
    assert d.devices.heading.text() == "Try a different camera:"
    assert [b.full_text() for b in d.devices.buttons] == ["Front", "USB"]
    assert d.devices.buttons[0].isChecked()
    with qtbot.waitSignal(window.device_chosen) as chosen:
        click(qtbot, d.devices.buttons[1])
    assert chosen.args == ["camera", 1]
    assert d.pages.currentWidget() is d.camera_page  # asked again with the new camera
    with qtbot.waitSignal(window.check_answered):
        click(qtbot, d.camera_no)
    window.render(j, 4, live)
    assert d.pages.currentWidget() is d.problem_page
    click(qtbot, d.retry_button)
    assert d.pages.currentWidget() is d.camera_page
    with qtbot.waitSignal(window.check_answered):
        click(qtbot, d.camera_no)
    window.render(j, 5, live)
    with qtbot.waitSignal(window.continue_audio_only):
        click(qtbot, d.carry_on_button)
    window.render(j, 5, live)
    assert d.pages.currentWidget() is d.mic_page


def test_microphone_passes_by_itself_after_a_second_of_speech(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.DEVICE_CHECKS)
    j.check_result("camera", "pass", 3)
    window.render(j, 3, live)
    d = window.device_checks
    assert d.pages.currentWidget() is d.mic_page
    with qtbot.assertNotEmitted(window.check_answered):
        d.set_mic_level(0.02, 3.0)  # quiet room
        d.set_mic_level(0.6, 3.2)
        d.set_mic_level(0.01, 3.4)
        d.set_mic_level(0.7, 3.6)
    assert d.meter.lit_segments() == 14
    with qtbot.waitSignal(window.check_answered) as answered:
        for n in range(1, 6):
            window.render(j, 3.6 + n * 0.25, replace(live, mic_level=0.5))
    assert answered.args == ["microphone", "pass"]
    assert d.mic_status.text() == "We can hear you."
    j.check_result("microphone", "pass", 5)
    window.render(j, 5, live)
    assert d.pages.currentWidget() is d.speaker_page


def test_microphone_problem_and_trying_again_listens_afresh(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.DEVICE_CHECKS)
    j.check_result("camera", "pass", 3)
    d = window.device_checks
    for n in range(4):  # 0.75 s of speech: not yet enough
        window.render(j, 3 + n * 0.25, replace(live, mic_level=0.5))
    with qtbot.waitSignal(window.check_answered) as answered:
        click(qtbot, d.mic_fail)
    assert answered.args == ["microphone", "fail"]
    j.check_result("microphone", "fail", 4)
    window.render(j, 4, live)
    assert d.pages.currentWidget() is d.problem_page
    assert d.problem_heading.text() == "The microphone couldn't hear you"
    assert not d.devices.isVisible()  # one microphone: nothing else to choose
    click(qtbot, d.retry_button)
    assert d.pages.currentWidget() is d.mic_page
    assert d.mic_status.text() == "Listening…"
    with qtbot.assertNotEmitted(window.check_answered):
        for n in range(1, 4):  # 0.75 s more: the speech before the "No" does not count
            window.render(j, 4 + n * 0.25, replace(live, mic_level=0.5))


def test_sound_check_plays_then_asks(qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.DEVICE_CHECKS)
    j.check_result("camera", "pass", 3)
    j.check_result("microphone", "pass", 3)
    window.render(j, 3, live)
    d = window.device_checks
    assert d.pages.currentWidget() is d.speaker_page
    assert not d.heard_yes.isVisible()
    with qtbot.waitSignal(window.play_chime_requested):
        click(qtbot, d.play_button)
    assert d.heard_yes.isVisible()
    assert d.play_again.isVisible()
    with qtbot.waitSignal(window.play_chime_requested):
        click(qtbot, d.play_again)
    with qtbot.waitSignal(window.volume_changed) as volume:
        click(qtbot, d.louder)
    assert volume.args == [90]
    with qtbot.waitSignal(window.check_answered) as answered:
        click(qtbot, d.heard_yes)
    assert answered.args == ["speaker", "pass"]


def test_sound_problem_plays_it_louder_as_it_says(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    """ "Try again and we will play it louder": the volume goes up; at full volume the advice
    stops promising it."""
    j = journey_at(Step.DEVICE_CHECKS)
    for name, status in (("camera", "pass"), ("microphone", "pass"), ("speaker", "fail")):
        j.check_result(name, status, 3)
    d = window.device_checks
    window.render(j, 3, replace(live, volume=80))
    assert d.pages.currentWidget() is d.problem_page
    assert "we will play it louder" in d.problem_text.text()
    with qtbot.waitSignal(window.volume_changed) as volume:
        click(qtbot, d.retry_button)
    assert volume.args == [100]
    live = replace(live, volume=100)  # the kiosk turned it up
    window.render(j, 4, live)
    assert d.pages.currentWidget() is d.speaker_page
    assert d.volume_text.text() == "Volume: 100%"
    with qtbot.waitSignal(window.play_chime_requested):
        click(qtbot, d.play_button)
    with qtbot.waitSignal(window.check_answered):
        click(qtbot, d.heard_no)
    window.render(j, 5, live)
    assert d.pages.currentWidget() is d.problem_page
    assert "already as loud as it goes" in d.problem_text.text()
    with qtbot.assertNotEmitted(window.volume_changed):
        click(qtbot, d.retry_button)
    assert d.pages.currentWidget() is d.speaker_page


def test_summary_says_every_result_in_words(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.DEVICE_CHECKS)
    for name, status in (("camera", "pass"), ("microphone", "fail"), ("speaker", "pass")):
        j.check_result(name, status, 3)
    d = window.device_checks
    window.render(j, 3, live)
    assert d.pages.currentWidget() is d.problem_page  # the failed microphone first
    click(qtbot, d.carry_on_button)
    window.render(j, 3, replace(live, network_status="checking", network_progress=0.4))
    assert d.summary_rows["network"][2].text() == "Checking… 40%"
    detail = "We cannot connect. Please ask a member of staff."
    window.render(j, 3, replace(live, network_status="fail", network_detail=detail))
    assert d.pages.currentWidget() is d.summary_page
    words = {name: row[2].text() for name, row in d.summary_rows.items()}
    assert words == {"camera": "Working", "microphone": "Not working", "speaker": "Working",
                     "network": detail}
    window.render(j, 3, replace(live, network_status="fail", network_detail=""))
    assert d.summary_rows["network"][2].text() == "Not working"
    assert "I need help" in d.summary_text.text()
    with qtbot.waitSignal(window.checks_finished):
        click(qtbot, d.continue_button)
    click(qtbot, d.redo_button)
    assert d.pages.currentWidget() is d.camera_page
    assert d.step_label.text() == "Check 1 of 3"


# ----- waiting ----------------------------------------------------------------------------------


def test_waiting_room_shows_specialist_wait_and_messages(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.WAITING)
    window.render(j, 4, replace(live, waited_s=185))
    w = window.waiting
    assert w.heading.text() == "You are checked in"
    assert w.joining.text() == "Dr Jones will join you soon."
    assert w.waited.text() == "You have waited 3 minutes."
    window.render(j, 4, replace(live, waited_s=61))
    assert w.waited.text() == "You have waited 1 minute."
    assert not w.messages_box.isVisible()
    j.message_received("I'm running 5 minutes late, sorry.", 5)
    window.render(j, 5, replace(live, hub_connected=False))
    assert w.messages_box.isVisible()
    assert w.message_labels[0].text() == "I'm running 5 minutes late, sorry."
    assert w.connection.isVisible()


def test_leaving_the_waiting_room_asks_first(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    window.render(journey_at(Step.WAITING), 4, live)
    w = window.waiting
    click(qtbot, w.leave_button)
    assert w.leave_overlay.isVisible()
    with qtbot.assertNotEmitted(window.cancel_requested):
        click(qtbot, w.leave_overlay.no_button)
    assert not w.leave_overlay.isVisible()
    click(qtbot, w.leave_button)
    with qtbot.waitSignal(window.cancel_requested):
        click(qtbot, w.leave_overlay.yes_button)


# ----- consultation -----------------------------------------------------------------------------


def test_call_buttons_emit_their_intents(qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CONSULTATION)
    j.call_phase_changed(CallPhase.CONNECTED, 5)
    window.render(j, 5, replace(live, call_quality="good", volume=50))
    c = window.consultation
    assert not window.header.isVisible()
    assert c.quality_text.text() == "Connection: good"
    for button, signal in ((c.mute_button, window.mute_toggled),
                           (c.camera_button, window.camera_toggled),
                           (c.help_button, window.help_requested),
                           (c.end_button, window.end_call_requested)):
        with qtbot.waitSignal(signal):
            click(qtbot, button)
    with qtbot.waitSignal(window.volume_changed) as volume:
        click(qtbot, c.quieter_button)
    assert volume.args == [40]


def test_mute_and_camera_state_is_said_in_words(window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CONSULTATION)
    j.toggle_mute(5)
    j.toggle_camera(5)
    window.render(j, 5, replace(live, call_quality="poor"))
    c = window.consultation
    assert c.mute_button.full_text() == "Unmute"
    assert c.camera_button.full_text() == "Turn camera on"
    assert "You are muted" in c.mute_notice.text()
    assert "poor" in c.quality_text.text()
    assert c.self_view.placeholder.text() == "Your camera is off"


def test_end_call_asks_before_ending(qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CONSULTATION)
    window.render(j, 5, live)
    c = window.consultation
    assert not c.end_overlay.isVisible()
    j.ask_end_call(6)
    window.render(j, 6, live)
    assert c.end_overlay.isVisible()
    assert c.end_overlay.title.text() == "Do you want to end the call?"
    assert not c.end_button.isEnabled()  # behind the question, nothing else can be touched
    with qtbot.waitSignal(window.end_call_cancelled):
        click(qtbot, c.end_overlay.no_button)
    with qtbot.waitSignal(window.end_call_confirmed):
        click(qtbot, c.end_overlay.yes_button)
    j.cancel_end_call(7)
    window.render(j, 7, live)
    assert not c.end_overlay.isVisible()
    assert c.end_button.isEnabled()


def test_reconnecting_overlay_says_nothing_is_needed(window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CONSULTATION)
    j.call_phase_changed(CallPhase.RECONNECTING, 6)
    window.render(j, 6, live)
    c = window.consultation
    assert c.reconnecting.isVisible()
    assert "don't need to do anything" in c.reconnecting.body.text()
    assert c.end_button.isEnabled()  # the patient can still end the call or ask for help
    j.call_phase_changed(CallPhase.CONNECTED, 7)
    window.render(j, 7, live)
    assert not c.reconnecting.isVisible()


# ----- feedback ---------------------------------------------------------------------------------


def test_survey_pages_emit_each_answer_when_given(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.FEEDBACK)
    window.render(j, 8, live)
    f = window.feedback
    assert f.question_label.text() == SURVEY[0].text
    assert f.progress.text() == "Question 1 of 5"
    assert f.faces is not None
    with qtbot.waitSignal(window.answer_given) as given:
        click(qtbot, f.faces.faces[3])
    assert given.args == ["overall", 4]
    j.answer("overall", 4, 8)
    window.render(j, 8, live)
    assert f.faces.value() == 4
    click(qtbot, f.next_button)

    assert f.question_label.text() == SURVEY[1].text
    with qtbot.waitSignal(window.answer_given) as given:
        click(qtbot, f.choice_buttons[1][1])
    assert given.args == ["again", False]
    click(qtbot, f.skip_button)

    with qtbot.waitSignal(window.answer_given) as given:
        click(qtbot, f.choice_buttons[1][1])
    assert given.args == ["travel", "bus"]
    click(qtbot, f.next_button)

    assert f.numpad is not None
    with qtbot.assertNotEmitted(window.answer_given):
        for digit in "012":
            click(qtbot, f.numpad.keys[digit])
    assert f.number_display is not None
    assert f.number_display.text() == "12"
    with qtbot.waitSignal(window.answer_given) as given:
        click(qtbot, f.next_button)
    assert given.args == ["miles", 12]

    assert f.keyboard is not None
    assert f.text_box is not None
    keys = {key.full_text(): key for key in f.keyboard.all_keys()}
    click(qtbot, f.keyboard.shift_key)
    for ch in ("k", "i", "n", "d"):
        click(qtbot, keys[ch])
    assert f.text_box.toPlainText() == "Kind"
    assert f.next_button.full_text() == "Finish"
    with qtbot.waitSignal(window.feedback_finished), \
            qtbot.waitSignal(window.answer_given) as given:
        click(qtbot, f.next_button)
    assert given.args == ["comments", "Kind"]


def test_a_required_question_needs_an_answer_before_next(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    survey = [QuestionView("must", "yes_no", "Did the specialist join?", optional=False),
              QuestionView("later", "faces", "How was it?")]
    j = journey_at(Step.FEEDBACK)
    window.render(j, 8, replace(live, survey=survey))
    f = window.feedback
    assert not f.skip_button.isVisible()
    assert not f.next_button.isEnabled()
    click(qtbot, f.choice_buttons[0][1])
    assert f.next_button.isEnabled()


def test_finish_now_ends_the_survey(qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    window.render(journey_at(Step.FEEDBACK), 8, live)
    with qtbot.waitSignal(window.feedback_finished):
        click(qtbot, window.feedback.finish_now_button)


# ----- thanks, help, idle -----------------------------------------------------------------------


def test_thanks_says_goodbye_and_counts_down(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.THANKS)
    window.render(j, 8, live)  # thanks began at t=8 and closes 12 s later
    t = window.thanks
    assert t.body.text() == "You can leave the kiosk now."
    assert t.countdown.text() == "This screen will close by itself in 12 seconds."
    window.render(j, 19, live)
    assert t.countdown.text() == "This screen will close by itself in 1 second."
    with qtbot.waitSignal(window.thanks_done):
        click(qtbot, t.done_button)


def test_help_overlay_before_and_after_staff_know(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CHECK_IN)
    window.render(j, 1, live)
    with qtbot.waitSignal(window.help_requested):
        click(qtbot, window.header.help_button)
    j.request_help(2)
    window.render(j, 2, live)
    h = window.help_overlay
    assert h.isVisible()
    assert h.title.text() == "Asking for help…"
    assert not window.check_in.isEnabled()
    assert not window.header.isEnabled()
    j.help_acknowledged(3)
    window.render(j, 3, live)
    assert h.title.text() == "Help is on its way."
    assert h.body.text().startswith("A member of staff has been told.")
    with qtbot.waitSignal(window.help_dismissed):
        click(qtbot, h.close_button)
    j.dismiss_help(4)
    window.render(j, 4, live)
    assert not h.isVisible()
    assert window.check_in.isEnabled()


def test_idle_warning_counts_down_in_words(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CHECK_IN)  # last activity at t=1, warning after 120 s, reset 30 s later
    warn_at = j.idle_warning_at()
    assert warn_at is not None
    window.render(j, warn_at - 1, live)
    assert not window.idle_overlay.isVisible()
    window.render(j, warn_at, live)
    o = window.idle_overlay
    assert o.isVisible()
    assert o.title.text() == "Are you still there?"
    left = j.seconds_left(warn_at)
    assert left is not None
    assert left >= MIN_WARNING_S
    assert "in 30 seconds" in o.body.text()
    window.render(j, warn_at + 29.2, live)
    assert "in 1 second." in o.body.text()
    with qtbot.waitSignal(window.still_here):
        click(qtbot, o.still_here_button)


# ----- privacy and language ---------------------------------------------------------------------


def test_a_new_visit_forgets_everything_the_last_one_typed(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CHECK_IN)
    window.render(j, 1, live)
    for digit in "42":
        click(qtbot, window.check_in.pad.keys[digit])
    j.cancel_visit(2)
    window.render(j, 2, live)
    j.start(3)
    window.render(j, 3, live)
    assert window.check_in.digits() == ""
    assert all(box.text() == "" for box in window.check_in.boxes.boxes)


def test_the_welcome_screen_clears_every_video_view(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    from tests.ui.support import solid_frame

    j = journey_at(Step.WAITING)
    window.render(j, 4, live)
    window.show_self_frame(solid_frame(64, 48, (200, 40, 40)))
    view = window.waiting.self_view
    qtbot.waitUntil(lambda: view.frames_rendered >= 1)
    j.cancel_visit(5)
    window.render(j, 5, live)
    assert all(not v.has_picture() and v.latest_image() is None for v in window.video_views())


def test_switching_language_retranslates_every_screen(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.WAITING)
    window.render(j, 4, replace(live, waited_s=125, language="cy"))
    assert window.waiting.heading.text() == "Rydych chi wedi cofrestru"
    assert window.waiting.waited.text() == "Rydych chi wedi aros 2 munud."
    assert window.header.help_button.full_text() == "Mae angen help arna i"
    assert window.welcome.start_button.full_text() == "Cyffyrddwch i ddechrau"
    window.render(j, 4, replace(live, waited_s=125, language="pl"))
    assert window.waiting.waited.text() == "Czekasz już 2 minuty."
    assert window.header.help_button.full_text() == "Potrzebuję pomocy"
    window.render(j, 4, replace(live, waited_s=125, language="en"))
    assert window.waiting.heading.text() == "You are checked in"


def test_every_intent_is_documented_on_the_window() -> None:
    doc = MainWindow.__doc__ or ""
    signals = [name for name in dir(MainWindow)
               if type(getattr(MainWindow, name)).__name__ == "Signal"
               and not hasattr(QWidget, name)]
    assert len(signals) == 24
    for name in signals:
        assert f"{name}(" in doc, name


def test_buttons_do_not_take_focus_from_touch(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    window.render(journey_at(Step.CHECK_IN), 1, live)
    key = window.check_in.pad.keys["5"]
    click(qtbot, key)
    assert not key.hasFocus()
    assert isinstance(key, QAbstractButton)
