"""kiosk.speech: what is read for a screen, when the kiosk may speak, rate and voices."""

from __future__ import annotations

import math

import pytest

from kiosk.config import KioskSettings, SettingsError, from_mapping
from kiosk.journey import Step
from kiosk.speech import (
    DEFAULT_RATE,
    DEFAULT_SPEED,
    FASTEST_RATE,
    SLOWEST_RATE,
    ReadAloud,
    ScreenWords,
    clamp_rate,
    locale_for,
    may_speak,
    rate_from_speed,
    unavailable_reason,
    utterance,
)

ALL_LOCALES = ["en_GB", "en_US", "pl_PL", "cy_GB", "de_DE"]


def test_heading_then_instructions_then_choices() -> None:
    words = ScreenWords("Check in", ["Type the code from your letter"],
                        ["Check in", "Start again", "I need help"])
    assert utterance(words, "You can touch:") == (
        "Check in. Type the code from your letter. You can touch: Start again. I need help.")


def test_line_breaks_become_pauses_and_no_choice_is_said_twice() -> None:
    words = ScreenWords("Welcome", ["Welcome.\nPlease sit down.", "welcome"],
                        ["Larger text\nOff", "Larger text\nOff", "  ", "welcome"])
    assert utterance(words, "You can touch:") == (
        "Welcome. Welcome. Please sit down. You can touch: Larger text, Off.")


def test_instructions_are_read_as_shown_repeats_included() -> None:
    words = ScreenWords("Checks finished", ["Camera", "Working", "Sound", "Working"], ["Continue"])
    assert utterance(words, "You can touch:") == (
        "Checks finished. Camera. Working. Sound. Working. You can touch: Continue.")


def test_questions_keep_their_mark_and_an_empty_screen_says_nothing() -> None:
    assert utterance(ScreenWords("Can you see yourself?", (), ["Yes", "No"]), "Choose:") == (
        "Can you see yourself? Choose: Yes. No.")
    assert utterance(ScreenWords(), "You can touch:") == ""
    assert utterance(ScreenWords("Waiting"), "You can touch:") == "Waiting."


def test_never_in_a_call_nor_for_staff() -> None:
    assert not may_speak(str(Step.CONSULTATION))
    assert not may_speak(str(Step.ADMIN))
    for step in (Step.ATTRACT, Step.CHECK_IN, Step.DEVICE_CHECKS, Step.WAITING, Step.FEEDBACK,
                 Step.THANKS):
        assert may_speak(str(step)), step


def test_rate_is_slow_by_default_and_staff_stay_within_bounds() -> None:
    assert SLOWEST_RATE <= DEFAULT_RATE < FASTEST_RATE == 0.0
    assert clamp_rate(0.5) == FASTEST_RATE
    assert clamp_rate(-1.0) == SLOWEST_RATE
    assert clamp_rate(-0.3) == -0.3
    assert clamp_rate(math.nan) == DEFAULT_RATE


def test_each_language_has_its_voice() -> None:
    assert locale_for("en") == "en_GB"
    assert locale_for("pl") == "pl_PL"
    assert locale_for("cy") == "cy_GB"
    assert locale_for("fr") is None


def test_why_read_aloud_is_not_offered() -> None:
    assert unavailable_reason(["mock", "speechd"], None, ALL_LOCALES) is None
    no_plugin = unavailable_reason(["mock"], None, [])
    assert no_plugin is not None
    assert "libspeechd2" in no_plugin
    broken = unavailable_reason(["speechd"], "Connection refused\n", [])
    assert broken == "speech-dispatcher is not working: Connection refused"
    no_welsh = unavailable_reason(["speechd"], None, ["en_GB", "pl_PL"])
    assert no_welsh is not None
    assert no_welsh.startswith("speech-dispatcher has no voice for: cy")


def test_automatic_reading_is_per_visit_and_silent_in_a_call() -> None:
    state = ReadAloud()
    assert not state.screen_shown("check_in")  # off when a visit begins
    assert state.asked("check_in")
    assert state.set_auto(True, "welcome")  # switching it on reads this screen
    assert state.screen_shown("check_in")
    assert not state.screen_shown("consultation")
    assert not state.asked("consultation")
    state.new_visit()
    assert not state.auto
    assert not state.screen_shown("waiting")
    assert not state.set_auto(False, "waiting")


def test_staff_set_the_speed_in_per_cent_of_normal() -> None:
    assert rate_from_speed(DEFAULT_SPEED) == DEFAULT_RATE
    assert rate_from_speed(100) == 0.0
    assert rate_from_speed(10) == SLOWEST_RATE
    assert KioskSettings().read_aloud_speed == DEFAULT_SPEED
    assert from_mapping({"read_aloud_speed": 60}).read_aloud_speed == 60
    for bad in (39, 101, True, "75"):
        with pytest.raises(SettingsError) as caught:
            from_mapping({"read_aloud_speed": bad})
        assert "read_aloud_speed" in caught.value.errors
