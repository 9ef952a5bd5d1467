"""'Question n of N' on the feedback screen never goes backwards or jumps, whatever is answered.

Every way through the shipped survey (each question answered one way or another, or skipped) is
walked page by page as the screen walks it, and through a survey with a follow-up of a
follow-up."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from kiosk.feedback.survey import (
    Kind,
    Question,
    ShowIf,
    Survey,
    Wording,
    load_survey,
    question_progress,
    validate_answer,
)

NEAR_ME = Path(__file__).resolve().parents[2] / "resources" / "surveys" / "near-me.toml"
SKIP = object()


def choices_for(question: Question) -> list[object]:
    """Skip, or each answer that could decide a follow-up (one answer for the rest)."""
    if question.kind is Kind.YES_NO:
        return [SKIP, True, False]
    if question.kind is Kind.CHOICE:
        return [SKIP, *(option.value for option in question.options)]
    if question.kind is Kind.FACES:
        return [SKIP, 3]
    if question.kind is Kind.NUMBER:
        return [SKIP, 10]
    return [SKIP, "Thank you"]


def walk(survey: Survey, plan: dict[str, object]) -> Iterator[tuple[int, int, int]]:
    """(n, N, questions shown) on each page, answering as ``plan`` says (SKIP: skip)."""
    answers: dict[str, object] = {}
    index = 0
    while True:
        shown = survey.questions_for(answers)
        if index >= len(shown):
            return
        skipped = [q.id for q in shown[:index] if q.id not in answers]
        n, total = question_progress(index, [q.id for q in shown], survey.pending(answers),
                                     skipped)
        yield n, total, len(shown)
        question = shown[index]
        value = plan.get(question.id, SKIP)
        if value is not SKIP:
            answers[question.id] = validate_answer(question, value)
        index += 1


def check_every_way_through(survey: Survey) -> int:
    options = [choices_for(q) for q in survey.questions]
    ways = 0
    for combination in itertools.product(*options):
        plan = {q.id: value for q, value in zip(survey.questions, combination, strict=True)}
        pages = list(walk(survey, plan))
        assert pages, plan
        numbers = [n for n, _total, _shown in pages]
        totals = [total for _n, total, _shown in pages]
        assert numbers == list(range(1, len(pages) + 1)), plan  # one step at a time
        assert all(b <= a for a, b in itertools.pairwise(totals)), (plan, totals)  # never grows
        assert all(n <= total for n, total, _ in pages), plan
        assert pages[-1][0] == pages[-1][1] == len(pages), (plan, pages[-1])  # ends at N of N
        ways += 1
    return ways


def test_the_shipped_survey_counts_steadily_every_way_through() -> None:
    survey = load_survey(NEAR_ME)
    assert any(q.show_if for q in survey.questions)  # it has a follow-up to test
    assert check_every_way_through(survey) > 100


def test_the_count_starts_with_the_follow_up_included() -> None:
    survey = load_survey(NEAR_ME)
    n, total = question_progress(0, [q.id for q in survey.questions_for({})],
                                 survey.pending({}), [])
    assert (n, total) == (1, len(survey.questions))  # "1 of 7", not "1 of 6" then "7 of 7"


def yes_no(qid: str, show_if: ShowIf | None = None) -> Question:
    return Question(id=qid, kind=Kind.YES_NO, wording=Wording.of({"en": qid + "?"}),
                    show_if=show_if)


def test_a_follow_up_of_a_follow_up_counts_steadily() -> None:
    survey = Survey("nested", 1, Wording.of({"en": "Nested"}), (
        yes_no("first"),
        yes_no("travel"),
        yes_no("car", ShowIf("travel", "yes")),
        yes_no("parking", ShowIf("car", "yes")),
        yes_no("last"),
    ))
    assert survey.pending({}) == (("car", "travel"), ("parking", "car"))
    assert check_every_way_through(survey) == 3 ** 5
