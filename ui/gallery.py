"""Every patient state worth looking at, reached by driving a real :class:`Journey` with its own
methods. Used by ``scripts/preview_screens.py`` (pictures for people) and by the accessibility
tests (an automated walk of every screen), so both see exactly the same states. The
out-of-service states are the window told what :func:`kiosk.service.service_state` says for an
unpaired kiosk and for one with no secure keyring; every other state is in service.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from kiosk.journey import AppointmentInfo, CallPhase, Journey
from kiosk.service import READY, ServiceState, service_state
from ui.screens.base import LiveState, QuestionView
from ui.video import YuvFrame
from ui.window import MainWindow

APPT = AppointmentInfo(specialist_name="Dr Jones", time="10:30", waiting_area="Cardiology")

#: The out-of-service states (on the welcome step), and why the kiosk is not serving patients.
OUT_OF_SERVICE = {
    "60_out_of_service_unpaired": service_state(
        hub_url="https://hub.example.nhs.scot", store_secure=True, store_problem=None,
        paired=False),
    "61_out_of_service_no_keyring": service_state(
        hub_url="https://hub.example.nhs.scot", store_secure=False, store_problem=None,
        paired=False),
}

SURVEY = [
    QuestionView("overall", "faces", "How was your video appointment today?"),
    QuestionView("again", "yes_no", "Would you use a video appointment again?"),
    QuestionView("travel", "choice", "How would you have travelled to the hospital?",
                 options=(("car", "By car"), ("bus", "By bus or train"), ("taxi", "By taxi"),
                          ("lift", "Someone would drive me"),
                          ("none", "I would not have gone"))),
    QuestionView("miles", "number", "About how many miles did you save by not travelling?"),
    QuestionView("comments", "text", "Is there anything else you would like to tell us?"),
]


def test_frame(width: int, height: int, hue: int) -> YuvFrame:
    """A calm test picture: a soft vertical gradient with a lighter oval, like a person."""
    yy, xx = np.mgrid[0:height, 0:width]
    y = (70 + 60 * yy / height).astype(np.uint8)
    oval = ((xx - width / 2) / (width * 0.18)) ** 2 + ((yy - height * 0.55) / (height * 0.35)) ** 2
    y[oval < 1] = 170
    u = np.full(((height + 1) // 2, (width + 1) // 2), 128 + hue, np.uint8)
    v = np.full(((height + 1) // 2, (width + 1) // 2), 128 - hue // 2, np.uint8)
    return YuvFrame(width, height, y, u, v)


def drive(window: MainWindow, name: str, live: LiveState) -> tuple[Journey, float, LiveState]:
    """Drive a fresh journey to the state ``name`` (one of :data:`NAMES`), clicking the window
    where the state needs local input; returns what to render."""
    j = Journey(now=0.0)
    t = 1.0
    live = replace(live, survey=SURVEY)
    window.set_service(OUT_OF_SERVICE.get(name, ServiceState(READY)))
    if name == "01_welcome" or name in OUT_OF_SERVICE:
        return j, t, live
    j.start(t)
    if name == "02_check_in":
        window.render(j, t, live)
        for d in "382":
            window.check_in.pad.keys[d].click()
        return j, t, live
    if name == "03_check_in_wrong":
        j.submit_code("0123456789", t)
        j.check_in_failed("wrong", t)
        return j, t, live
    if name == "04_check_in_locked":
        for _ in range(5):
            j.submit_code("0123456789", t)
            j.check_in_failed("wrong", t)
        j.help_acknowledged(t)
        j.dismiss_help(t)
        return j, t, live
    if name == "05_prepared":
        j.prepare(APPT)
        return j, t, live
    if name == "06_idle_warning":
        return j, 125.0, live
    if name == "07_help_asked":
        j.request_help(t)
        return j, t, live
    if name == "08_help_coming":  # reception answered: someone is coming
        j.request_help(t)
        j.help_acknowledged(t)
        j.help_on_its_way("Sam", t)
        return j, t, live
    j.submit_code("0123456789", t)
    j.check_in_succeeded(APPT, t)
    frame = test_frame(640, 360, 12)
    live = replace(live, available_cameras=["Front camera", "USB camera"],
                   available_mics=["Built-in microphone"], available_speakers=["Speakers"],
                   network_status="checking")
    if name == "10_camera":
        window.render(j, t, live)
        window.show_self_frame(frame)
        return j, t, live
    if name == "11_camera_problem":
        j.check_result("camera", "fail", t)
        return j, t, live
    j.check_result("camera", "pass", t)
    if name == "12_microphone":
        return j, t, replace(live, mic_level=0.55)
    j.check_result("microphone", "pass", t)
    if name == "13_speaker":
        return j, t, live
    if name == "14_speaker_asked":
        window.render(j, t, live)
        window.device_checks.play_button.click()
        return j, t, live
    if name == "15_speaker_problem":
        j.check_result("speaker", "fail", t)
        return j, t, live
    j.check_result("speaker", "pass", t)
    if name == "16_summary":
        return j, t, replace(live, network_status="pass")
    if name == "17_summary_problems":
        window.render(j, t, live)
        return j, t, replace(live, network_status="warn",
                             network_detail="The video may be less clear.")
    j.check_result("network", "pass", t)
    j.finish_checks(t)
    live = replace(live, waited_s=200.0)
    if name == "20_waiting":
        window.render(j, t, live)
        window.show_self_frame(frame)
        return j, t, live
    if name == "21_waiting_message":
        j.message_received("Hello, I'm running about 5 minutes late. Sorry to keep you waiting.", t)
        window.render(j, t, live)
        window.show_self_frame(frame)
        return j, t, replace(live, hub_connected=False)
    j.specialist_joined(t)
    remote = test_frame(1280, 720, -20)
    if name == "30_connecting":
        return j, t, live
    j.call_phase_changed(CallPhase.CONNECTED, t)
    live = replace(live, call_quality="good")
    if name in ("31_call", "32_call_muted", "33_reconnecting", "34_end_call"):
        if name == "32_call_muted":
            j.toggle_mute(t)
            j.toggle_camera(t)
            j.message_received("Can you hold your arm up to the camera, please?", t)
            live = replace(live, call_quality="fair")
        if name == "33_reconnecting":
            j.call_phase_changed(CallPhase.RECONNECTING, t)
        if name == "34_end_call":
            j.ask_end_call(t)
        window.render(j, t, live)
        window.show_remote_frame(remote)
        window.show_self_frame(frame)
        return j, t, live
    j.call_ended("specialist_ended", t)
    pages = {"40_feedback_faces": 0, "41_feedback_yes_no": 1, "42_feedback_choice": 2,
             "43_feedback_number": 3, "44_feedback_text": 4}
    if name in pages:
        window.render(j, t, live)
        if name == "40_feedback_faces":
            j.answer("overall", 4, t)
        for _ in range(pages[name]):
            window.feedback.skip_button.click()
        if name == "44_feedback_text":
            window.render(j, t, live)
            assert window.feedback.text_box is not None
            window.feedback.text_box.setPlainText("Thank you, the nurse was very kind")
        return j, t, live
    j.finish_feedback(t)
    return j, t, live


NAMES = [
    "01_welcome", "02_check_in", "03_check_in_wrong", "04_check_in_locked", "05_prepared",
    "06_idle_warning", "07_help_asked", "08_help_coming", "10_camera", "11_camera_problem",
    "12_microphone",
    "13_speaker", "14_speaker_asked", "15_speaker_problem", "16_summary", "17_summary_problems",
    "20_waiting", "21_waiting_message", "30_connecting", "31_call", "32_call_muted",
    "33_reconnecting", "34_end_call", "40_feedback_faces", "41_feedback_yes_no",
    "42_feedback_choice", "43_feedback_number", "44_feedback_text", "50_thanks",
    *OUT_OF_SERVICE,
]
