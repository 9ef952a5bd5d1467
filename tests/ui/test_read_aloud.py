"""Read aloud on the window: what each screen would say, and where the controls are offered.

The real engine and the sound it makes are tested in tests/integration/test_read_aloud.py;
here the words (``Screen.spoken_words`` through ``kiosk.speech.utterance``) and the adapter's
offer, with no engine (``engine=(None, reason)``, as on a machine without speech-dispatcher).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from kiosk.journey import Step
from kiosk.speech import utterance
from ui.gallery import NAMES, drive
from ui.screens.base import LiveState, Screen, spoken_words_of
from ui.speech import ScreenReader
from ui.window import MainWindow

pytestmark = pytest.mark.ui

NO_ENGINE = "no speech engine: Qt's speech-dispatcher plugin cannot load"


def shown_utterance(win: MainWindow, name: str, language: str = "en") -> tuple[Step, str]:
    journey, now, live = drive(win, name, LiveState(language=language))
    win.render(journey, now, live)
    page = win.pages.currentWidget()
    assert isinstance(page, Screen)
    return journey.step, utterance(page.spoken_words(), page.choices_intro())


@pytest.mark.parametrize("name", [n for n in NAMES if not n.startswith("3")])
def test_every_patient_screen_has_words_to_read(window: MainWindow, name: str) -> None:
    step, text = shown_utterance(window, name)
    if step is Step.CONSULTATION:
        return
    assert len(text.split()) >= 3, (name, text)


def test_check_in_reads_heading_and_choices_but_never_the_code(window: MainWindow) -> None:
    _step, text = shown_utterance(window, "02_check_in")  # the gallery types 3, 8, 2
    assert "382" not in text.replace(" ", "")
    heading = next(label.text() for label in window.check_in.findChildren(QLabel)
                   if label.property("role") in ("title", "h1") and label.isVisible())
    assert text.startswith(heading)
    assert "code from your letter" in text
    assert not any(ch.isdigit() for ch in text.replace("10-digit", ""))  # no keypad keys


def test_a_message_over_the_screen_has_its_own_words(window: MainWindow) -> None:
    journey, now, live = drive(window, "06_idle_warning", LiveState())
    window.render(journey, now, live)
    words = spoken_words_of(window.idle_overlay)
    assert words.heading == "Are you still there?"
    assert "I'm still here" in words.choices
    text = utterance(words, "You can touch:")
    assert "start again" in text


def test_welsh_screens_are_read_in_welsh(window: MainWindow) -> None:
    _step, english = shown_utterance(window, "01_welcome", "en")
    _step, welsh = shown_utterance(window, "01_welcome", "cy")
    assert welsh != english
    assert "Cymraeg" in welsh


def test_not_offered_without_an_engine(qtbot: QtBot, window: MainWindow) -> None:
    reader = ScreenReader(window, unavailable=NO_ENGINE)
    journey, now, live = drive(window, "02_check_in", LiveState())
    window.render(journey, now, live)
    qtbot.waitUntil(lambda: not window.header.read_aloud_button.isVisible())
    assert not window.welcome.read_every_button.isVisibleTo(window.welcome)
    check = reader.readiness_check()
    assert check.status == "warn"
    assert NO_ENGINE in check.advice_staff
    assert reader.read(window.check_in) == ""


def test_staff_see_in_admin_whether_read_aloud_is_offered(qtbot: QtBot, tmp_path: Path) -> None:
    """The whole demo app: admin mode's status page says whether read aloud is offered (with
    the reason where not), and so does the readiness report's check."""
    from ui.admin import AdminMode
    from ui.app import build, parse_args

    kiosk = build(parse_args(["--demo", "--windowed", "--data-dir", str(tmp_path / "data")]))
    try:
        admin = kiosk.window.findChild(AdminMode)
        assert isinstance(admin, AdminMode)
        reader = kiosk.reader
        assert isinstance(reader, ScreenReader)
        assert admin.facts()["Read aloud"] == "starting"  # the window is up before the engine
        qtbot.waitUntil(lambda: reader.opened, timeout=20_000)
        fact = admin.facts()["Read aloud"]
        if reader.available:
            assert fact == "offered to patients"
            assert reader.readiness_check().status == "pass"
        else:
            assert fact == f"NOT offered: {reader.reason}"
            assert reader.readiness_check().status == "warn"
        assert kiosk.window.header.read_aloud_button.isVisibleTo(kiosk.window.header) \
            is reader.available
    finally:
        kiosk.shutdown()
