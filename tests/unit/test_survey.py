"""Surveys as data: the shipped files, the format's checks (each naming file and line),
show_if, and answer validation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from kiosk.feedback.survey import (
    AnswerError,
    Kind,
    Option,
    Question,
    Survey,
    SurveyError,
    Wording,
    clean_text,
    load_survey,
    validate_answer,
)
from kiosk.feedback.toml_lines import KeyLines

SURVEYS = Path(__file__).resolve().parents[2] / "resources" / "surveys"
SHIPPED = sorted(SURVEYS.glob("*.toml"))

GOOD = """\
id = "tiny"
version = 2
title.en = "Tell us"

[[questions]]
id = "overall"
kind = "faces"
text.en = "How was it?"
labels.en = ["Very poor", "Poor", "OK", "Good", "Very good"]

[[questions]]
id = "saved_journey"
kind = "yes_no"
text.en = "Did it save you a journey?"

[[questions]]
id = "journey_time"
kind = "choice"
text.en = "How long?"
show_if = { question = "saved_journey", equals = "yes" }

[[questions.options]]
value = "short"
label.en = "Short"

[[questions.options]]
value = "long"
label.en = "Long"

[[questions]]
id = "miles"
kind = "number"
text.en = "How far?"
min = 0
max = 300
unit.en = "miles"
show_if = { question = "journey_time", equals = "long" }

[[questions]]
id = "comments"
kind = "text"
text.en = "Anything else?"
max_length = 20
"""


def write(tmp_path: Path, text: str, name: str = "bad.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tiny(tmp_path: Path) -> Survey:
    return load_survey(write(tmp_path, GOOD, "tiny.toml"))


def q(kind: Kind, **details: Any) -> Question:
    return Question(id="q", kind=kind, wording=Wording.of({"en": "?"}), **details)


# ----- the shipped surveys ---------------------------------------------------------------------


def test_surveys_are_shipped() -> None:
    assert SURVEYS / "near-me.toml" in SHIPPED


@pytest.mark.parametrize("path", SHIPPED, ids=[p.name for p in SHIPPED])
def test_every_shipped_survey_is_valid_and_fully_translated(path: Path) -> None:
    survey = load_survey(path)
    assert survey.missing_translations == ()
    assert survey.languages == {"en", "pl", "cy"}
    assert all(question.optional for question in survey.questions)  # patients may skip any


def test_near_me_has_the_agreed_questions() -> None:
    survey = load_survey(SURVEYS / "near-me.toml")
    assert survey.id == "near-me"
    assert [(q.id, q.kind) for q in survey.questions] == [
        ("overall", Kind.FACES),
        ("see_clearly", Kind.YES_NO),
        ("hear_clearly", Kind.YES_NO),
        ("saved_journey", Kind.YES_NO),
        ("journey_time", Kind.CHOICE),
        ("use_again", Kind.CHOICE),
        ("comments", Kind.TEXT),
    ]
    overall = survey.question("overall")
    assert overall.labels("en") == (
        "Very poor",
        "Poor",
        "Neither good nor poor",
        "Good",
        "Very good",
    )
    assert overall.text("cy") == "Sut oedd eich ymweliad heddiw?"
    assert survey.version == 2  # "overall" and "use_again" asked in plainer words from 2
    journey = survey.question("journey_time")
    assert [o.value for o in journey.options] == ["under_1h", "1_to_2h", "2_to_4h", "over_4h"]
    assert journey.show_if is not None
    assert (journey.show_if.question, journey.show_if.equals) == ("saved_journey", "yes")
    assert [o.value for o in survey.question("use_again").options] == ["yes", "no", "not_sure"]
    comments = survey.question("comments")
    assert comments.max_length == 500
    assert comments.hint("pl") is not None


# ----- loading and wording ---------------------------------------------------------------------


def test_loads_a_small_survey(tiny: Survey) -> None:
    assert (tiny.id, tiny.version, tiny.title("en")) == ("tiny", 2, "Tell us")
    assert tiny.question("miles").unit("en") == "miles"
    assert tiny.question("miles").line == 30
    assert tiny.question("saved_journey").labels("en") == ()  # the screen's own yes/no


def test_missing_translation_falls_back_to_english_and_is_listed(tiny: Survey) -> None:
    assert tiny.question("overall").text("cy") == "How was it?"
    assert tiny.question("overall").text("xx") == "How was it?"
    assert tiny.languages == {"en"}
    assert any(
        note.startswith("line 8:") and "Welsh (cy)" in note for note in tiny.missing_translations
    )


def test_translation_is_used_when_given(tmp_path: Path) -> None:
    text = GOOD.replace('text.en = "How was it?"', 'text.en = "How was it?"\ntext.pl = "Jak?"')
    survey = load_survey(write(tmp_path, text))
    assert survey.question("overall").text("pl") == "Jak?"


def test_syntax_error_keeps_tomllib_line_and_column(tmp_path: Path) -> None:
    path = write(tmp_path, 'id = "tiny"\nversion = 1\ntitle.en = "unclosed\n')
    with pytest.raises(SurveyError) as caught:
        load_survey(path)
    assert caught.value.line == 3
    assert str(caught.value).startswith("bad.toml line 3: ")
    assert "(at line 3, column" in str(caught.value)


def test_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b'id = "tiny"\ntitle.en = "caf\xe9"\n')
    with pytest.raises(SurveyError, match=r"bad.toml line 2: is not UTF-8"):
        load_survey(path)


def test_missing_file_is_a_survey_error(tmp_path: Path) -> None:
    with pytest.raises(SurveyError, match=r"nothing\.toml: cannot be read"):
        load_survey(tmp_path / "nothing.toml")


# ----- each semantic error names the file and the line ------------------------------------------
# The offending line in each broken file is marked with "#<-".

BROKEN = {
    "unknown kind": (
        GOOD.replace('kind = "faces"', 'kind = "stars"  #<-'),
        'question "overall" has unknown kind "stars"',
    ),
    "no English text": (
        GOOD.replace('text.en = "How far?"', 'text.pl = "Jak daleko?"  #<-'),
        'question "miles" has no English text',
    ),
    "duplicate id": (
        GOOD.replace('id = "comments"', 'id = "overall"  #<-'),
        'question id "overall" is used twice (first at line 5)',
    ),
    "show_if unknown question": (
        GOOD.replace(
            'question = "saved_journey", equals = "yes" }',
            'question = "saved_jurney", equals = "yes" }  #<-',
        ),
        'question "journey_time": show_if points at "saved_jurney", which is not a question',
    ),
    "show_if later question": (
        GOOD.replace(
            'question = "saved_journey", equals = "yes" }',
            'question = "comments", equals = "yes" }  #<-',
        ),
        'question "journey_time": show_if points at "comments", which comes later',
    ),
    "show_if impossible answer": (
        GOOD.replace(
            'question = "saved_journey", equals = "yes" }',
            'question = "saved_journey", equals = "maybe" }  #<-',
        ),
        'question "journey_time": show_if equals "maybe", which "saved_journey" can never be',
    ),
    "faces with four labels": (
        GOOD.replace('"OK", ', "").replace('"Very good"]', '"Very good"]  #<-'),
        'question "overall" needs 5 face labels, worst first in labels.en; it has 4',
    ),
    "faces without labels": (
        GOOD.replace('labels.en = ["Very poor", "Poor", "OK", "Good", "Very good"]', "").replace(
            '[[questions]]\nid = "overall"', '[[questions]]  #<-\nid = "overall"'
        ),
        'question "overall" needs 5 face labels',
    ),
    "misspelt setting": (
        GOOD.replace("max_length = 20", "max_length = 20\noptinal = false  #<-"),
        'question "comments" (text): "optinal" is not a setting here; did you mean "optional"?',
    ),
    "unknown language": (
        GOOD.replace('label.en = "Long"', 'label.en = "Long"\nlabel.de = "Lang"  #<-'),
        'option "long" of question "journey_time": unknown language "de"',
    ),
    "duplicate option": (
        GOOD.replace('value = "long"', 'value = "short"  #<-'),
        'question "journey_time" has option value "short" twice',
    ),
    "number range": (
        GOOD.replace("min = 0", "min = 400  #<-"),
        'question "miles": min must be less than max',
    ),
    "text without max_length": (
        GOOD.replace("max_length = 20", "").replace(
            '[[questions]]\nid = "comments"', '[[questions]]  #<-\nid = "comments"'
        ),
        'question "comments" needs max_length',
    ),
    "bad question id": (
        GOOD.replace('id = "miles"', 'id = "How far"  #<-'),
        'question 4 has id "How far"',
    ),
    "title not per language": (
        GOOD.replace('title.en = "Tell us"', 'title = "Tell us"  #<-'),
        "the survey's title: title is written per language",
    ),
}


@pytest.mark.parametrize(("text", "message"), BROKEN.values(), ids=BROKEN.keys())
def test_semantic_error_names_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    expected_line = next(n for n, line in enumerate(text.splitlines(), 1) if "#<-" in line)
    with pytest.raises(SurveyError) as caught:
        load_survey(write(tmp_path, text))
    assert str(caught.value).startswith(f"bad.toml line {expected_line}: {message}")
    assert caught.value.line == expected_line
    assert len(caught.value.problems) == 1  # one mistake, one message: no knock-on errors


def test_message_reads_as_documented(tmp_path: Path) -> None:
    text = GOOD.replace('kind = "faces"', 'kind = "stars"')
    with pytest.raises(SurveyError) as caught:
        load_survey(write(tmp_path, text, "near-me.toml"))
    assert str(caught.value).startswith(
        'near-me.toml line 7: question "overall" has unknown '
        'kind "stars"; use one of: faces, yes_no, choice'
    )


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD.replace('kind = "faces"', 'kind = "stars"').replace("min = 0", "min = 400")
    with pytest.raises(SurveyError) as caught:
        load_survey(write(tmp_path, text))
    assert [line for line, _ in caught.value.problems] == [7, 34]
    assert len(str(caught.value).splitlines()) == 2


def test_missing_top_level_setting_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(SurveyError, match=r"bad\.toml: the survey needs a version"):
        load_survey(write(tmp_path, GOOD.replace("version = 2\n", "")))


def test_line_index_follows_multiline_values() -> None:
    text = (
        'a = """\n[[not]]\nx = 1\n"""\n'  # 1-4: a multi-line string that looks like TOML
        "b = [\n  1,  # one\n  { c = 'x' },\n]\n"  # 5-8
        "[[t]]\n[[t]]\n'quoted key'.d = 2\n"  # 9-11
    )
    lines = KeyLines(text)
    assert lines.line_of(("a",)) == 1
    assert lines.line_of(("not",)) is None
    assert lines.line_of(("b", 1)) == 7
    assert lines.line_of(("b", 1, "c")) == 7
    assert lines.line_of(("t", 1, "quoted key", "d")) == 11
    assert lines.line_of(("t", 1, "missing")) == 10


# ----- show_if ----------------------------------------------------------------------------------


def ids(questions: tuple[Question, ...]) -> list[str]:
    return [question.id for question in questions]


def test_show_if(tiny: Survey) -> None:
    assert "journey_time" not in ids(tiny.questions_for({}))
    assert "journey_time" not in ids(tiny.questions_for({"saved_journey": "no"}))
    assert "journey_time" in ids(tiny.questions_for({"saved_journey": "yes"}))
    assert "journey_time" in ids(tiny.questions_for({"saved_journey": True}))


def test_show_if_chain_hides_with_its_parent(tiny: Survey) -> None:
    answers: dict[str, object] = {"saved_journey": "yes", "journey_time": "long"}
    assert "miles" in ids(tiny.questions_for(answers))
    answers["saved_journey"] = "no"
    shown = ids(tiny.questions_for(answers))
    assert "journey_time" not in shown
    assert "miles" not in shown
    assert tiny.hidden_answers(answers) == ("journey_time",)


# ----- answers ----------------------------------------------------------------------------------

CHOICE = q(Kind.CHOICE, options=(Option("a", Wording.of({"en": "A"})),))


@pytest.mark.parametrize(
    ("question", "given", "stored"),
    [
        (q(Kind.FACES), 1, 1),
        (q(Kind.FACES), 5, 5),
        (q(Kind.YES_NO), "yes", "yes"),
        (q(Kind.YES_NO), " No ", "no"),
        (q(Kind.YES_NO), True, "yes"),
        (q(Kind.YES_NO), False, "no"),
        (CHOICE, "a", "a"),
        (q(Kind.NUMBER, minimum=0, maximum=10), 10, 10),
        (q(Kind.NUMBER, minimum=0, maximum=10), 3.0, 3),
        (q(Kind.NUMBER, minimum=0, maximum=1, integer=False), 0.5, 0.5),
        (q(Kind.TEXT, max_length=10), "  Diolch!  ", "Diolch!"),
        (q(Kind.TEXT, max_length=10), "a\r\nb\tc", "a\nb c"),
        (q(Kind.TEXT, max_length=10), "ok\x00\x1b[2J\u202e!", "ok[2J!"),
        (q(Kind.TEXT, max_length=3), "z\u0307a", "ża"),  # NFC: counted as one letter each
    ],
)
def test_valid_answers(question: Question, given: object, stored: object) -> None:
    assert validate_answer(question, given) == stored
    assert type(validate_answer(question, given)) is type(stored)


@pytest.mark.parametrize(
    ("question", "given"),
    [
        (q(Kind.FACES), 0),
        (q(Kind.FACES), 6),
        (q(Kind.FACES), True),
        (q(Kind.FACES), "5"),
        (q(Kind.FACES), 4.0),
        (q(Kind.YES_NO), "maybe"),
        (q(Kind.YES_NO), 1),
        (CHOICE, "b"),
        (CHOICE, 1),
        (q(Kind.NUMBER, minimum=0, maximum=10), 11),
        (q(Kind.NUMBER, minimum=0, maximum=10), -1),
        (q(Kind.NUMBER, minimum=0, maximum=10), 2.5),
        (q(Kind.NUMBER, minimum=0, maximum=10), float("nan")),
        (q(Kind.NUMBER, minimum=0, maximum=10), True),
        (q(Kind.NUMBER, minimum=0, maximum=10), "3"),
        (q(Kind.TEXT, max_length=5), "too long"),
        (q(Kind.TEXT, max_length=5), "   \x07 "),
        (q(Kind.TEXT, max_length=5), 5),
    ],
)
def test_invalid_answers(question: Question, given: object) -> None:
    with pytest.raises(AnswerError):
        validate_answer(question, given)


def test_clean_text_keeps_letters_and_emoji() -> None:
    assert clean_text("Dzięki! Diolch yn fawr 👍🏽 ŵŷ") == "Dzięki! Diolch yn fawr 👍🏽 ŵŷ"
