"""The feedback screen's "Question n of N" with the shipped survey and its follow-up question:
it starts at 1 of 7 (the follow-up counted while it may still be asked), never grows, and goes
up by one a page."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.feedback.survey import Survey, load_survey, validate_answer
from kiosk.journey import Journey, Step
from tests.ui.support import click, journey_at
from ui.screens.base import LiveState, QuestionView
from ui.window import MainWindow

pytestmark = pytest.mark.ui

NEAR_ME = Path(__file__).resolve().parents[2] / "resources" / "surveys" / "near-me.toml"


def live_for(survey: Survey, answers: dict[str, object]) -> LiveState:
    views = [QuestionView(q.id, str(q.kind), q.text("en"), q.optional,
                          tuple((o.value, o.label("en")) for o in q.options), q.labels("en"))
             for q in survey.questions_for(answers)]
    return LiveState(survey=views, survey_pending=survey.pending(answers))


@pytest.mark.parametrize(("journey_answer", "counts"), [
    ("yes", ["1 of 7", "2 of 7", "3 of 7", "4 of 7", "5 of 7", "6 of 7", "7 of 7"]),
    ("no", ["1 of 7", "2 of 7", "3 of 7", "4 of 7", "5 of 6", "6 of 6"]),
    (None, ["1 of 7", "2 of 7", "3 of 7", "4 of 7", "5 of 6", "6 of 6"]),
])
def test_the_count_never_grows(qtbot: QtBot, window: MainWindow, journey_answer: str | None,
                               counts: list[str]) -> None:
    survey = load_survey(NEAR_ME)
    journey: Journey = journey_at(Step.FEEDBACK)
    screen = window.feedback
    seen: list[str] = []
    while journey.step is Step.FEEDBACK:
        live = live_for(survey, dict(journey.visit.answers))
        window.render(journey, 9, live)
        seen.append(screen.progress.text().removeprefix("Question "))
        question = screen.current_question()
        assert question is not None
        if question.id == "saved_journey" and journey_answer is not None:
            value = validate_answer(survey.question(question.id), journey_answer == "yes")
            journey.answer(question.id, value, 9)
            window.render(journey, 9, live_for(survey, dict(journey.visit.answers)))
            click(qtbot, screen.next_button)
        elif question is live.survey[-1]:
            with qtbot.waitSignal(window.feedback_finished):
                click(qtbot, screen.skip_button)
            break
        else:
            click(qtbot, screen.skip_button)
    assert seen == counts
