"""The device checks with the patient (``kiosk/checks/device_flow.py``): the order of the pages,
what an answer or a "No" leads to, the microphone's timing, the volume, the problem advice and
the summary, without Qt or a clock.

The journey's part is played by a real :class:`Journey`: the answers the flow returns are carried
to it with ``Journey.check_result`` and the flow is synced from ``visit.checks``, as the kiosk's
screen and controller do.
"""

from __future__ import annotations

import pytest

from kiosk.checks.device_flow import (
    LOUDER_ON_RETRY,
    MAX_GAP,
    PATIENT_CHECKS,
    SPEECH_LEVEL,
    SPEECH_SECONDS,
    SUMMARY,
    VOLUME_STEP,
    Answer,
    ChooseDevice,
    ContinueAudioOnly,
    DeviceCheckFlow,
    Effect,
    FinishChecks,
    Page,
    PlayChime,
    SetVolume,
    SummaryRow,
    staff_advice,
)
from kiosk.journey import AppointmentInfo, Journey, Step

CAMERA_Q, MIC_Q, SPEAKER_Q = (Page(name, "question") for name in PATIENT_CHECKS)
CAMERA_P, MIC_P, SPEAKER_P = (Page(name, "problem") for name in PATIENT_CHECKS)


class Kiosk:
    """A flow wired to a real journey at the device checks, as the kiosk wires them."""

    def __init__(self, volume: int = 80) -> None:
        self.journey = Journey()
        self.journey.start(0.0)
        self.journey.submit_code("0123456789", 0.0)
        self.journey.check_in_succeeded(AppointmentInfo("Dr Jones", "10:30"), 0.0)
        self.volume = volume
        self.camera = "ok"  # the camera's measured verdict (a moving picture, unless a test says)
        self.flow = DeviceCheckFlow(volume=volume)
        self.now = 1.0
        self.sync()

    def sync(self) -> None:
        self.journey.camera_checked(self.camera, self.now)  # as the controller reports it
        self.flow.sync(self.journey.visit.checks, self.volume, self.now, self.camera)

    def do(self, effects: list[Effect]) -> list[Effect]:
        """Carry out the flow's effects on the journey and the kiosk, then render (sync)."""
        for effect in effects:
            if isinstance(effect, Answer):
                self.journey.check_result(effect.check, effect.status, self.now)
            elif isinstance(effect, SetVolume):
                self.volume = effect.volume
            elif isinstance(effect, ContinueAudioOnly):
                self.journey.continue_without_camera(self.now)
        self.sync()
        return effects

    def answer(self, check: str, status: str) -> list[Effect]:
        if check == "speaker" and not self.flow.chime_played:
            assert self.do(self.flow.play(self.now)) == [PlayChime()]
        return self.do(self.flow.answer(check, status, self.now))

    def speak(self, seconds: float, *, level: float = 0.5, every: float = 0.125) -> list[Effect]:
        """Microphone readings at ``level`` for ``seconds``; all the effects they gave."""
        effects: list[Effect] = []
        end = self.now + seconds
        while self.now < end - 1e-9:
            self.now += every
            effects += self.do(self.flow.hear(level, self.now))
        return effects


@pytest.fixture
def kiosk() -> Kiosk:
    return Kiosk()


# ----- order and pages -------------------------------------------------------------------------


def test_checks_come_one_at_a_time_then_the_summary(kiosk: Kiosk) -> None:
    f = kiosk.flow
    assert (f.page, f.step_number) == (CAMERA_Q, 1)
    assert kiosk.answer("camera", "pass") == [Answer("camera", "pass")]
    assert (f.page, f.step_number) == (MIC_Q, 2)
    kiosk.speak(2.0)
    assert (f.page, f.step_number) == (SPEAKER_Q, 3)
    assert kiosk.answer("speaker", "pass") == [Answer("speaker", "pass")]
    assert (f.page, f.step_number) == (SUMMARY, None)
    assert kiosk.do(f.finish(kiosk.now)) == [FinishChecks()]
    assert kiosk.journey.finish_checks(kiosk.now)
    assert kiosk.journey.step is Step.WAITING


def test_the_page_follows_the_journeys_results() -> None:
    f = DeviceCheckFlow()
    f.sync({"camera": "pass", "microphone": "fail"}, 80, 1.0)
    assert f.page == MIC_P
    f.sync({"camera": "pass", "microphone": "pass", "speaker": "pass"}, 80, 2.0)
    assert f.page == SUMMARY
    f.sync({"camera": "skipped"}, 80, 3.0)  # skipped is done with, like a pass
    assert f.page == MIC_Q


def test_a_no_shows_the_problem_and_try_again_asks_again(kiosk: Kiosk) -> None:
    f = kiosk.flow
    kiosk.answer("camera", "fail")
    assert f.page == CAMERA_P
    assert f.advice == "camera"
    assert kiosk.do(f.retry(kiosk.now)) == []
    assert f.page == CAMERA_Q  # asked again, though the journey still has the failure
    kiosk.answer("camera", "pass")
    assert f.page == MIC_Q


def test_carrying_on_past_a_failed_camera_is_audio_only(kiosk: Kiosk) -> None:
    f = kiosk.flow
    kiosk.answer("camera", "fail")
    assert kiosk.do(f.carry_on(kiosk.now)) == [ContinueAudioOnly()]
    assert f.page == MIC_Q


def test_carrying_on_past_the_microphone_and_sound(kiosk: Kiosk) -> None:
    f = kiosk.flow
    kiosk.answer("camera", "pass")
    kiosk.answer("microphone", "fail")
    assert (f.page, f.advice) == (MIC_P, "microphone")
    assert kiosk.do(f.carry_on(kiosk.now)) == []
    kiosk.answer("speaker", "fail")
    assert (f.page, f.advice) == (SPEAKER_P, "speaker")
    assert kiosk.do(f.carry_on(kiosk.now)) == []
    assert f.page == SUMMARY
    assert kiosk.journey.check_summary()["microphone"] == "fail"
    assert kiosk.journey.check_summary()["speaker"] == "fail"


def test_taps_count_only_on_their_own_page(kiosk: Kiosk) -> None:
    f, now = kiosk.flow, kiosk.now
    assert f.answer("microphone", "fail", now) == []  # the camera question shows
    assert f.answer("camera", "maybe", now) == []
    for intent in (f.retry, f.carry_on, f.redo_all, f.finish, f.play, f.louder, f.quieter):
        assert intent(now) == [], intent.__name__
    assert f.choose_device(1, now) == []
    kiosk.answer("camera", "pass")
    assert f.answer("speaker", "pass", now) == []  # the microphone question shows
    kiosk.speak(2.0)
    assert f.page == SPEAKER_Q
    assert f.answer("speaker", "pass", now) == []  # not heard about before it has played
    assert f.advice == f.device_kind == ""


def test_choosing_another_device_asks_again_with_it(kiosk: Kiosk) -> None:
    f = kiosk.flow
    for check, kind in (("camera", "camera"), ("microphone", "mic"), ("speaker", "speaker")):
        kiosk.answer(check, "fail")
        assert f.device_kind == kind
        assert kiosk.do(f.choose_device(1, kiosk.now)) == [ChooseDevice(kind, 1)]
        assert f.page == Page(check, "question")
        if check == "microphone":
            kiosk.speak(2.0)
        else:
            kiosk.answer(check, "pass")
    assert f.page == SUMMARY


def test_another_device_is_offered_only_when_there_is_one() -> None:
    assert DeviceCheckFlow.offered_devices([]) == []
    assert DeviceCheckFlow.offered_devices(["Built-in"]) == []
    assert DeviceCheckFlow.offered_devices(["Front", "USB"]) == ["Front", "USB"]


def test_doing_the_checks_again_asks_all_three_from_the_first(kiosk: Kiosk) -> None:
    f = kiosk.flow
    kiosk.answer("camera", "pass")
    kiosk.answer("microphone", "fail")
    kiosk.do(f.carry_on(kiosk.now))
    kiosk.answer("speaker", "pass")
    assert kiosk.do(f.redo_all(kiosk.now)) == []
    assert (f.page, f.chime_played) == (CAMERA_Q, False)
    assert [r.status for r in f.summary("").rows[:3]] == ["pass", "fail", "pass"]  # until asked
    kiosk.answer("camera", "pass")
    assert f.page == MIC_Q
    kiosk.answer("microphone", "fail")
    assert f.page == MIC_P  # carried on past before, but this is a new round
    kiosk.do(f.retry(kiosk.now))
    kiosk.speak(2.0)
    assert f.page == SPEAKER_Q  # asked again although it passed the first time
    kiosk.answer("speaker", "pass")
    assert f.page == SUMMARY
    assert f.summary("pass").all_working


# ----- the microphone --------------------------------------------------------------------------


def test_a_second_of_speech_passes_the_microphone_once(kiosk: Kiosk) -> None:
    f, t = kiosk.flow, kiosk.now
    kiosk.answer("camera", "pass")
    assert kiosk.do(f.hear(0.5, t)) == []  # the first reading starts the count
    assert [kiosk.do(f.hear(0.5, t + n * 0.25)) for n in (1, 2, 3)] == [[]] * 3
    assert not f.mic_heard
    assert kiosk.do(f.hear(0.5, t + SPEECH_SECONDS)) == [Answer("microphone", "pass")]
    assert kiosk.journey.visit.checks["microphone"] == "pass"
    assert kiosk.flow.mic_heard
    assert kiosk.flow.page == SPEAKER_Q


def test_quiet_readings_and_gaps_do_not_count_as_speech(kiosk: Kiosk) -> None:
    f = kiosk.flow
    kiosk.answer("camera", "pass")
    assert kiosk.speak(5.0, level=SPEECH_LEVEL - 0.01) == []  # a quiet room
    t = kiosk.now
    assert f.hear(0.9, t + 3.0) == []  # 3 s since the last reading count as MAX_GAP only
    assert f.hear(0.9, t + 3.0 + SPEECH_SECONDS - MAX_GAP - 0.01) == []
    assert f.hear(0.01, t + 5.0) == []  # quiet: does not count, but the clock moves on
    assert f.hear(SPEECH_LEVEL, t + 5.02) == [Answer("microphone", "pass")]  # at the threshold
    assert f.hear(0.9, t + 6.0) == []  # never twice


def test_speech_counts_only_on_the_microphone_question(kiosk: Kiosk) -> None:
    assert kiosk.speak(3.0) == []  # still on the camera question
    kiosk.answer("camera", "pass")
    assert kiosk.speak(SPEECH_SECONDS - 0.25) == []
    kiosk.answer("microphone", "fail")
    assert kiosk.speak(3.0) == []  # the problem page
    kiosk.do(kiosk.flow.retry(kiosk.now))
    assert kiosk.flow.page == MIC_Q
    assert kiosk.speak(SPEECH_SECONDS - 0.25) == []  # the count started again
    assert kiosk.speak(0.25) == [Answer("microphone", "pass")]


def test_the_count_starts_again_each_time_the_question_shows() -> None:
    f = DeviceCheckFlow()
    f.sync({"camera": "pass"}, 80, 0.0)
    for n in range(1, 9):  # 0.8 s of speech
        f.hear(0.5, n * 0.1)
    f.sync({}, 80, 1.0)  # back to the camera (e.g. the journey's results were redone)
    f.sync({"camera": "pass"}, 80, 1.1)
    assert [f.hear(0.5, 1.1 + n * 0.1) for n in range(1, 7)] == [[]] * 6  # 0.9 s


# ----- the sound and its volume ----------------------------------------------------------------


def test_the_sound_is_asked_about_only_after_it_played(kiosk: Kiosk) -> None:
    f = kiosk.flow
    kiosk.answer("camera", "pass")
    kiosk.speak(2.0)
    assert (f.page, f.chime_played) == (SPEAKER_Q, False)
    assert kiosk.do(f.play(kiosk.now)) == [PlayChime()]
    assert (f.page, f.chime_played) == (SPEAKER_Q, True)
    assert kiosk.do(f.play(kiosk.now)) == [PlayChime()]  # "Play it again"
    assert kiosk.do(f.answer("speaker", "fail", kiosk.now)) == [Answer("speaker", "fail")]
    assert (f.page, f.chime_played) == (SPEAKER_P, False)


def test_quieter_and_louder_step_within_0_to_100(kiosk: Kiosk) -> None:
    f = kiosk.flow
    kiosk.answer("camera", "pass")
    kiosk.speak(2.0)
    assert kiosk.do(f.louder(kiosk.now)) == [SetVolume(80 + VOLUME_STEP)]
    assert kiosk.do(f.louder(kiosk.now)) == [SetVolume(100)]
    assert kiosk.do(f.louder(kiosk.now)) == []
    kiosk.volume = 5
    kiosk.sync()
    assert kiosk.do(f.quieter(kiosk.now)) == [SetVolume(0)]
    assert kiosk.do(f.quieter(kiosk.now)) == []


def test_try_again_plays_the_sound_louder_as_promised(kiosk: Kiosk) -> None:
    """The problem page says "Try again and we will play it louder": it does, and once the
    volume is at full it says so instead of promising more."""
    f = kiosk.flow
    kiosk.answer("camera", "pass")
    kiosk.speak(2.0)
    kiosk.answer("speaker", "fail")
    assert (f.page, f.advice) == (SPEAKER_P, "speaker")
    assert kiosk.do(f.retry(kiosk.now)) == [SetVolume(80 + LOUDER_ON_RETRY)]
    assert (f.page, f.chime_played, kiosk.volume) == (SPEAKER_Q, False, 100)
    kiosk.answer("speaker", "fail")
    assert (f.page, f.advice) == (SPEAKER_P, "speaker_loudest")
    assert kiosk.do(f.retry(kiosk.now)) == []  # already as loud as it goes
    assert f.page == SPEAKER_Q
    kiosk.answer("speaker", "pass")
    assert f.page == SUMMARY


@pytest.mark.parametrize(("volume", "louder"), [(0, LOUDER_ON_RETRY), (90, 100), (99, 100)])
def test_try_again_turns_up_any_volume_below_full(volume: int, louder: int) -> None:
    kiosk = Kiosk(volume=volume)
    for check in ("camera", "microphone"):
        kiosk.journey.check_result(check, "pass", 1.0)
    kiosk.sync()
    kiosk.answer("speaker", "fail")
    assert kiosk.flow.advice == "speaker"
    assert kiosk.do(kiosk.flow.retry(kiosk.now)) == [SetVolume(louder)]


def test_other_devices_retry_without_changing_the_volume(kiosk: Kiosk) -> None:
    f = kiosk.flow
    for check in ("camera", "microphone"):
        kiosk.answer(check, "fail")
        assert kiosk.do(f.retry(kiosk.now)) == []
        if check == "microphone":
            kiosk.speak(2.0)
        else:
            kiosk.answer(check, "pass")
    kiosk.answer("speaker", "fail")
    assert kiosk.do(f.choose_device(0, kiosk.now)) == [ChooseDevice("speaker", 0)]
    assert kiosk.volume == 80


# ----- the summary -----------------------------------------------------------------------------


def test_the_summary_says_each_check_and_the_network() -> None:
    f = DeviceCheckFlow()
    f.sync({"camera": "skipped", "microphone": "pass", "speaker": "fail"}, 80, 1.0)
    rows = f.summary("checking", 0.404, "ignored while checking").rows
    assert rows == (SummaryRow("camera", "skipped"), SummaryRow("microphone", "pass"),
                    SummaryRow("speaker", "fail"), SummaryRow("network", "checking", progress=40))
    assert f.summary("fail", 1.0, "We cannot connect.").rows[3] == SummaryRow(
        "network", "fail", detail="We cannot connect.")
    assert f.summary("").rows[3] == SummaryRow("network", "")
    f.sync({}, 80, 2.0)
    assert [row.status for row in f.summary("").rows[:3]] == ["skipped"] * 3


@pytest.mark.parametrize(("checks", "network", "ready"), [
    ({"camera": "pass", "microphone": "pass", "speaker": "pass"}, "pass", True),
    ({"camera": "skipped", "microphone": "pass", "speaker": "pass"}, "checking", True),
    ({"camera": "pass", "microphone": "pass", "speaker": "pass"}, "warn", False),
    ({"camera": "pass", "microphone": "fail", "speaker": "pass"}, "pass", False),
])
def test_the_summary_is_ready_unless_something_fails_or_warns(
        checks: dict[str, str], network: str, ready: bool) -> None:
    f = DeviceCheckFlow()
    f.sync(checks, 80, 1.0)
    assert f.summary(network).all_working is ready


def test_the_flow_agrees_with_what_the_journey_sends_the_hub(kiosk: Kiosk) -> None:
    f = kiosk.flow
    kiosk.answer("camera", "pass")
    kiosk.speak(2.0)
    kiosk.answer("speaker", "fail")
    kiosk.do(f.carry_on(kiosk.now))
    kiosk.journey.network_checked("warn", {"network_detail": "slow"}, kiosk.now)
    kiosk.sync()
    hub = kiosk.journey.check_summary()
    shown = {row.check: row.status for row in f.summary("warn").rows}
    assert {name: hub[name] for name in shown} == shown


# ----- the camera, honestly ---------------------------------------------------------------------


def test_yes_counts_only_once_a_moving_picture_was_measured(kiosk: Kiosk) -> None:
    kiosk.camera = ""  # the camera is starting
    kiosk.sync()
    f = kiosk.flow
    assert f.page == CAMERA_Q
    assert not f.can_see_yourself
    assert kiosk.answer("camera", "pass") == []
    assert kiosk.answer("camera", "fail") == [Answer("camera", "fail")]  # "No" always counts
    kiosk.do(f.retry(kiosk.now))
    kiosk.camera = "ok"
    kiosk.sync()
    assert kiosk.answer("camera", "pass") == [Answer("camera", "pass")]
    assert f.page == MIC_Q


def test_no_camera_is_failed_and_said_plainly_and_the_sound_is_still_checked(
        kiosk: Kiosk) -> None:
    kiosk.camera = "absent"
    kiosk.sync()
    f = kiosk.flow
    assert f.page == CAMERA_P
    assert f.advice == "camera_absent"
    assert not f.can_retry
    assert f.retry(kiosk.now) == []
    assert kiosk.journey.visit.checks["camera"] == "fail"
    assert kiosk.do(f.carry_on(kiosk.now)) == [ContinueAudioOnly()]
    assert f.page == MIC_Q  # not the waiting room: the microphone and sound are checked
    kiosk.speak(SPEECH_SECONDS + 0.25)
    kiosk.answer("speaker", "pass")
    assert f.page == SUMMARY
    assert kiosk.do(f.finish(kiosk.now)) == [FinishChecks()]
    summary = kiosk.journey.check_summary()
    assert (summary["camera"], summary["camera_detail"]) == ("fail", "absent")
    assert (summary["microphone"], summary["speaker"]) == ("pass", "pass")
    rows = f.summary("pass").rows
    assert rows[0] == SummaryRow("camera", "fail")  # "Not working", never "Not checked"


@pytest.mark.parametrize("verdict", ["no_frames", "black", "frozen"])
def test_a_camera_measured_broken_fails_even_while_asked_again(kiosk: Kiosk,
                                                               verdict: str) -> None:
    f = kiosk.flow
    kiosk.camera = verdict
    kiosk.sync()
    assert f.page == CAMERA_P
    assert f.advice == "camera_broken"
    assert f.can_retry
    kiosk.do(f.retry(kiosk.now))
    assert f.page == CAMERA_Q  # asked again: uncovered, the picture may come back
    assert kiosk.answer("camera", "pass") == []  # still no picture: "Yes" cannot be true
    kiosk.camera = "ok"
    kiosk.sync()
    kiosk.camera = verdict  # and gone again while the patient looks at it
    kiosk.sync()
    assert f.page == CAMERA_P
    assert kiosk.journey.check_summary()["camera_detail"] == verdict


def test_every_check_that_did_not_pass_has_an_advice_line_for_staff() -> None:
    for check in PATIENT_CHECKS:
        assert staff_advice(check, "pass") == ""
        assert staff_advice(check, "skipped") == ""
        line = staff_advice(check, "fail")
        assert line
        assert line.endswith(".")
    assert staff_advice("camera", "fail", "absent").startswith("No camera found.")
    assert staff_advice("camera", "fail", "ok") == staff_advice("camera", "fail")
    assert staff_advice("network", "fail") == ""  # the network check has its own details
