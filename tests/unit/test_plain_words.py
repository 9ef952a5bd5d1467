"""Plain words, measured: every English string a patient reads is scored for reading ease.

The strings are the source texts of the patient screens' ``tr()`` calls, as the English
catalogue (``resources/translations/clinic_kiosk_en.ts``) lists them with their contexts
(tests/ui/test_translations.py proves that catalogue is complete), and the English of every
survey in resources/surveys (title, questions, answers, hints), judged as the survey's screen.
Admin screens (English only, no ``tr()``) are for staff and are not scored.

The measure is the Flesch-Kincaid grade (``textstat``). NHS guidance asks for a reading age of
about 9, which is US school grade 4 (reading age = grade + 5). The rules, and why:

- Each screen's words taken together (headings, instructions, buttons, the widgets it shows):
  grade 4 at most. This is the reading age of 9 itself, applied where a patient meets the text.
- The patient's whole text taken together: grade 4 at most.
- Each sentence of 6 words or more: grade 5 at most. A single sentence may go one grade over
  when it carries a word the service cannot do without ("video", "camera", "specialist",
  "microphone": 3 syllables each); its screen must still meet grade 4.
- Shorter sentences (button labels, "Microphone level") are judged with their screen only: on a
  few words the formula swings wildly (a one-word "Okay." scores grade 8.4).

Placeholders (``%1``, ``%n``) are read as a one-syllable word.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import defaultdict
from pathlib import Path

import pytest
import textstat

from kiosk.feedback.survey import load_survey

RESOURCES = Path(__file__).resolve().parents[2] / "resources"
CATALOGUE = RESOURCES / "translations" / "clinic_kiosk_en.ts"
SURVEYS = sorted((RESOURCES / "surveys").glob("*.toml"))
SCREEN_GRADE = 4.0
WHOLE_GRADE = 4.0
SENTENCE_GRADE = 5.0
LONG_SENTENCE_WORDS = 6
#: Widgets are judged with the screen that shows them; the window's own words (header,
#: overlays, messages from the controller) with every screen, as "Window".
SCREEN_OF = {
    "FaceScale": "FeedbackScreen", "OnScreenKeyboard": "FeedbackScreen",
    "LevelMeter": "DeviceChecksScreen", "NumPad": "CheckInScreen", "CodeBoxes": "CheckInScreen",
    "Header": "Window", "HelpOverlay": "Window", "IdleOverlay": "Window",
    "MainWindow": "Window", "Screen": "Window", "KioskController": "Window",
}


def is_admin(context: str) -> bool:
    return context.startswith("Admin")


def patient_strings() -> list[tuple[str, str]]:
    """(context, English source) for every patient-facing string."""
    found = []
    # The project's own catalogue, not untrusted input.
    for context in ET.parse(CATALOGUE).getroot().iter("context"):  # noqa: S314
        name = context.findtext("name", "")
        if not is_admin(name):
            found += [(name, m.findtext("source", "")) for m in context.iter("message")]
    return found


def sentences(text: str) -> list[str]:
    text = re.sub(r"%(?:\d|n)", "Ann", text).replace("…", ".")
    parts = re.split(r"(?<=[.!?:])\s+|\n+", text)
    return [p.strip() for p in parts if p.strip()]


def as_text(parts: list[str]) -> str:
    return " ".join(p if p[-1] in ".?!:" else p + "." for p in parts)


def grade(text: str) -> float:
    return float(textstat.flesch_kincaid_grade(text))


def survey_strings() -> list[tuple[str, str]]:
    """("Survey <id>", English) for every piece of every survey a patient may be shown."""
    found = []
    for path in SURVEYS:
        survey = load_survey(path)
        where = f"Survey {survey.id}"
        found.append((where, survey.title("en")))
        for q in survey.questions:
            found.append((where, q.text("en")))
            found += [(where, label) for label in q.labels("en")]
            found += [(where, option.label("en")) for option in q.options]
            hint = q.hint("en")
            if hint:
                found.append((where, hint))
    return found


def by_screen() -> dict[str, list[str]]:
    screens: dict[str, list[str]] = defaultdict(list)
    for context, source in [*patient_strings(), *survey_strings()]:
        screens[SCREEN_OF.get(context, context)] += sentences(source)
    return screens


def test_the_catalogue_has_the_patient_screens() -> None:
    screens = by_screen()
    assert {"WelcomeScreen", "CheckInScreen", "DeviceChecksScreen", "WaitingScreen",
            "ConsultationScreen", "FeedbackScreen", "ThanksScreen", "Window"} <= set(screens)
    assert sum(len(s) for s in screens.values()) > 200
    assert "Survey near-me" in screens
    assert "How was your visit today?" in screens["Survey near-me"]


def test_every_long_sentence_is_plain() -> None:
    hard = [f"{grade(s):.1f} {context}: {s}"
            for context, source in [*patient_strings(), *survey_strings()]
            for s in sentences(source)
            if textstat.lexicon_count(s) >= LONG_SENTENCE_WORDS and grade(s) > SENTENCE_GRADE]
    assert not hard, "rewrite in plainer words (grade over 5):\n" + "\n".join(hard)


@pytest.mark.parametrize("screen", sorted(by_screen()))
def test_each_screen_reads_at_age_9(screen: str) -> None:
    text = as_text(by_screen()[screen])
    assert grade(text) <= SCREEN_GRADE, f"{screen}: grade {grade(text):.1f}"


def test_the_whole_text_reads_at_age_9() -> None:
    text = as_text([s for parts in by_screen().values() for s in parts])
    assert grade(text) <= WHOLE_GRADE


def test_the_measure_catches_hard_words() -> None:
    hard = "Check in here for your video appointment with a hospital specialist."
    assert grade(hard) > SENTENCE_GRADE  # the welcome line as it was
    assert grade("Check in here to see your specialist on a video call.") <= SENTENCE_GRADE
    assert sentences("One. Two?\nThree: four %1") == ["One.", "Two?", "Three:", "four Ann"]
