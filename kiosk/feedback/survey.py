"""Patient surveys as data: load a survey file, validate it, and check each answer.

Rules that matter:

- A survey is a TOML file in ``resources/surveys/`` that staff and patient groups change without
  code (the README there explains the format). This module turns it into frozen objects and
  refuses a file it cannot trust, with a :class:`SurveyError` that names the file and the line.
- English is required for every piece of wording. Polish (``pl``) and Welsh (``cy``) may be
  missing while a translation is on its way; English is shown instead and
  :attr:`Survey.missing_translations` says where.
- Every answer goes through :func:`validate_answer` before it is stored. Free text loses control
  and bidirectional-override characters and is limited in length.
- A survey never asks who the patient is; the feedback store enforces the same for context.
- "Question n of N" never goes backwards or jumps (:func:`question_progress`): N counts the
  questions asked plus those that may still be asked (a follow-up whose question is not answered
  yet), so it can only stay or fall as answers come in, and n goes up by one a page.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, Final

from kiosk.feedback.toml_lines import KeyLines, KeyPath

#: Languages a survey may be written in. English is required and is the fallback.
LANGUAGES: Final = ("en", "pl", "cy")
FALLBACK_LANGUAGE: Final = "en"
LANGUAGE_NAMES: Final = {"en": "English", "pl": "Polish", "cy": "Welsh"}

#: Longest free-text answer a survey may allow.
MAX_TEXT_LENGTH: Final = 2000

AnswerValue = int | float | str


class Kind(StrEnum):
    """What sort of answer a question takes."""

    FACES = "faces"  # 1 (worst) to 5 (best), shown as faces with a word under each
    YES_NO = "yes_no"  # "yes" or "no"
    CHOICE = "choice"  # one of the question's options
    NUMBER = "number"  # a number between min and max
    TEXT = "text"  # free text up to max_length characters


#: How many answer labels each kind needs per language (faces: worst to best; yes/no: yes, no).
LABEL_COUNTS: Final = {Kind.FACES: 5, Kind.YES_NO: 2}


class SurveyError(Exception):
    """A survey file that cannot be used. The message names the file and the line of each
    problem, e.g. ``near-me.toml line 23: question "overall" has unknown kind "stars"``."""

    def __init__(self, path: Path, problems: Sequence[tuple[int | None, str]]) -> None:
        self.path = path
        self.problems = tuple(sorted(problems, key=lambda p: p[0] or 0))
        self.line = self.problems[0][0] if self.problems else None
        super().__init__(
            "\n".join(
                f"{path.name} line {line}: {message}" if line else f"{path.name}: {message}"
                for line, message in self.problems
            )
        )


class AnswerError(ValueError):
    """An answer that does not fit its question."""


# ----- the model --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """One piece of text in each language it was written in. English is always there."""

    by_language: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, texts: Mapping[str, str]) -> Wording:
        if FALLBACK_LANGUAGE not in texts:
            raise ValueError("wording needs English")
        return cls(tuple((lang, texts[lang]) for lang in LANGUAGES if lang in texts))

    def get(self, lang: str) -> str:
        """The text in ``lang``, or in English if it has not been translated."""
        english = ""
        for code, text in self.by_language:
            if code == lang:
                return text
            if code == FALLBACK_LANGUAGE:
                english = text
        return english

    @property
    def languages(self) -> frozenset[str]:
        return frozenset(code for code, _ in self.by_language)


@dataclass(frozen=True)
class Option:
    """One answer to a choice question: the stored ``value`` and what the patient reads."""

    value: str
    labels: Wording

    def label(self, lang: str) -> str:
        return self.labels.get(lang)


@dataclass(frozen=True)
class ShowIf:
    """Ask a question only when an earlier question was answered with ``equals``."""

    question: str
    equals: AnswerValue


@dataclass(frozen=True)
class Question:
    """One question. Which fields matter depends on ``kind``."""

    id: str
    kind: Kind
    wording: Wording
    optional: bool = True
    hints: Wording | None = None
    answer_labels: tuple[Wording, ...] = ()  # faces: 5, worst first; yes/no: yes, no
    options: tuple[Option, ...] = ()
    minimum: int | float | None = None
    maximum: int | float | None = None
    integer: bool = True
    units: Wording | None = None
    max_length: int | None = None
    show_if: ShowIf | None = None
    line: int | None = field(default=None, compare=False)

    def text(self, lang: str) -> str:
        """The question in ``lang``, or in English if it has not been translated."""
        return self.wording.get(lang)

    def hint(self, lang: str) -> str | None:
        return self.hints.get(lang) if self.hints else None

    def labels(self, lang: str) -> tuple[str, ...]:
        """Faces: five words, worst first. Yes/no: the words for yes and no, if the survey gives
        them (otherwise the screen uses its own). Other kinds: empty."""
        return tuple(label.get(lang) for label in self.answer_labels)

    def unit(self, lang: str) -> str | None:
        return self.units.get(lang) if self.units else None

    def option(self, value: str) -> Option:
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(value)


@dataclass(frozen=True)
class Survey:
    """A survey: its id and version (stored with every answer) and its ordered questions."""

    id: str
    version: int
    titles: Wording
    questions: tuple[Question, ...]
    path: Path | None = field(default=None, compare=False)
    missing_translations: tuple[str, ...] = field(default=(), compare=False)

    def title(self, lang: str) -> str:
        return self.titles.get(lang)

    def question(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @property
    def languages(self) -> frozenset[str]:
        """The languages every piece of this survey's wording is written in."""
        complete = set(LANGUAGES)
        for wording in self._wordings():
            complete &= wording.languages
        return frozenset(complete)

    def questions_for(self, answers: Mapping[str, object]) -> tuple[Question, ...]:
        """The questions to ask, in order, given the answers so far (``show_if`` applied).

        A question whose ``show_if`` question is itself hidden is hidden too."""
        shown: list[Question] = []
        shown_ids: set[str] = set()
        for question in self.questions:
            if question.show_if is None or self._matches(question.show_if, answers, shown_ids):
                shown.append(question)
                shown_ids.add(question.id)
        return tuple(shown)

    def pending(self, answers: Mapping[str, object]) -> tuple[tuple[str, str], ...]:
        """Questions not asked now that may still be: ``(id, deciding question's id)`` for each
        follow-up whose deciding question is asked (or itself pending) and not yet answered."""
        shown = {question.id for question in self.questions_for(answers)}
        pending: list[tuple[str, str]] = []
        maybe: set[str] = set()
        for question in self.questions:
            rule = question.show_if
            if question.id in shown or rule is None or rule.question in answers:
                continue
            if rule.question in shown or rule.question in maybe:
                pending.append((question.id, rule.question))
                maybe.add(question.id)
        return tuple(pending)

    def hidden_answers(self, answers: Mapping[str, object]) -> tuple[str, ...]:
        """Ids of questions that have an answer but are no longer asked (the patient changed an
        earlier answer): the caller should withdraw those answers."""
        shown = {question.id for question in self.questions_for(answers)}
        return tuple(qid for qid in answers if qid not in shown)

    def _matches(self, rule: ShowIf, answers: Mapping[str, object], shown: set[str]) -> bool:
        if rule.question not in shown or rule.question not in answers:
            return False
        try:
            return validate_answer(self.question(rule.question), answers[rule.question]) == (
                rule.equals
            )
        except AnswerError:
            return False

    def _wordings(self) -> Iterable[Wording]:
        yield self.titles
        for question in self.questions:
            yield question.wording
            yield from question.answer_labels
            yield from (option.labels for option in question.options)
            yield from (w for w in (question.hints, question.units) if w is not None)


# ----- answers ----------------------------------------------------------------------------------

# Bidirectional overrides and isolates can make text read differently from what it holds.
_INVISIBLE: Final = frozenset(
    "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\ufeff"
)


def clean_text(text: str) -> str:
    """Free text made safe to keep and show: NFC, one kind of line break, no control, private
    use or direction-override characters, no surrounding white space."""
    text = unicodedata.normalize("NFC", text)
    text = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text).replace("\t", " ")
    kept = (
        c
        for c in text
        if c == "\n" or (unicodedata.category(c) not in ("Cc", "Cs", "Co") and c not in _INVISIBLE)
    )
    return "".join(kept).strip()


def validate_answer(question: Question, value: object) -> AnswerValue:
    """The answer to store for ``value``, or :class:`AnswerError` if it does not fit.

    faces: int 1-5; yes/no: ``"yes"``/``"no"`` (a bool is accepted); choice: one of the option
    values; number: within min-max (whole if ``integer``); text: cleaned with
    :func:`clean_text`, not empty, at most ``max_length`` characters."""
    kind = question.kind
    if kind is Kind.FACES:
        if isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 5:
            return value
        raise AnswerError(f"{question.id}: a faces answer is a whole number from 1 to 5")
    if kind is Kind.YES_NO:
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            return value.strip().lower()
        raise AnswerError(f'{question.id}: a yes/no answer is "yes" or "no"')
    if kind is Kind.CHOICE:
        if isinstance(value, str) and any(option.value == value for option in question.options):
            return value
        values = ", ".join(option.value for option in question.options)
        raise AnswerError(f"{question.id}: the answer must be one of {values}")
    if kind is Kind.NUMBER:
        return _validate_number(question, value)
    if not isinstance(value, str):
        raise AnswerError(f"{question.id}: a text answer must be text")
    text = clean_text(value)
    if not text:
        raise AnswerError(f"{question.id}: the answer is empty; skip the question instead")
    if question.max_length is not None and len(text) > question.max_length:
        raise AnswerError(f"{question.id}: the answer is longer than {question.max_length}")
    return text


def _validate_number(question: Question, value: object) -> AnswerValue:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AnswerError(f"{question.id}: the answer must be a number")
    if question.integer:
        if isinstance(value, float) and not value.is_integer():
            raise AnswerError(f"{question.id}: the answer must be a whole number")
        value = int(value)
    low, high = question.minimum, question.maximum
    if (low is not None and value < low) or (high is not None and value > high):
        raise AnswerError(f"{question.id}: the answer must be from {low} to {high}")
    return value


# ----- loading ----------------------------------------------------------------------------------


def load_survey(path: str | os.PathLike[str]) -> Survey:
    """Read and validate one survey file; :class:`SurveyError` names the file and line of
    every problem found."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SurveyError(path, [(None, f"cannot be read: {exc.strerror or exc}")]) from exc
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")  # some editors add a BOM
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SurveyError(path, [(line, "is not UTF-8 text: save it as UTF-8")]) from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise SurveyError(path, [(_syntax_error_line(str(exc), text), str(exc))]) from exc
    return _Builder(path, text, data).build()


def _syntax_error_line(message: str, text: str) -> int | None:
    found = re.search(r"at line (\d+)", message)
    if found:
        return int(found.group(1))
    if "end of document" in message:
        return text.count("\n") + 1
    return None


# ----- validation of a parsed file --------------------------------------------------------------

_SURVEY_ID = re.compile(r"[a-z][a-z0-9_-]{0,63}")
_QUESTION_ID = re.compile(r"[a-z][a-z0-9_]{0,63}")
_OPTION_VALUE = re.compile(r"[a-z0-9][a-z0-9_]{0,63}")

_SURVEY_KEYS: Final = frozenset({"id", "version", "title", "questions"})
_QUESTION_KEYS: Final = frozenset({"id", "kind", "text", "optional", "hint", "show_if"})
_KIND_KEYS: Final = {
    Kind.FACES: frozenset({"labels"}),
    Kind.YES_NO: frozenset({"labels"}),
    Kind.CHOICE: frozenset({"options"}),
    Kind.NUMBER: frozenset({"min", "max", "integer", "unit"}),
    Kind.TEXT: frozenset({"max_length"}),
}
_OPTION_KEYS: Final = frozenset({"value", "label"})
_SHOW_IF_KEYS: Final = frozenset({"question", "equals"})


class _Builder:
    """Checks one parsed survey file, collecting every problem with its line."""

    def __init__(self, path: Path, text: str, data: dict[str, Any]) -> None:
        self.path = path
        self.data = data
        self.lines = KeyLines(text)
        self.problems: list[tuple[int | None, str]] = []
        self.missing: list[str] = []
        self.broken: set[str] = set()  # ids of questions with problems of their own

    def problem(self, where: KeyPath, message: str) -> None:
        self.problems.append((self.lines.line_of(where), message))

    def build(self) -> Survey:
        data = self.data
        self.unknown_keys(data, (), _SURVEY_KEYS, "the survey")
        survey_id = self.ident(data, (), _SURVEY_ID, "the survey")
        version = data.get("version")
        if isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem(("version",), "the survey needs a version: a whole number from 1 up")
        titles = self.wording(data, (), "title", "the survey's title", required=True)
        questions = self.questions()
        if self.problems or survey_id is None or titles is None or not isinstance(version, int):
            raise SurveyError(self.path, self.problems)
        return Survey(
            id=survey_id,
            version=version,
            titles=titles,
            questions=questions,
            path=self.path,
            missing_translations=tuple(self.missing),
        )

    # ----- questions ----------------------------------------------------------------------------

    def questions(self) -> tuple[Question, ...]:
        raw = self.data.get("questions")
        if not isinstance(raw, list) or not raw or not all(isinstance(q, dict) for q in raw):
            self.problem(("questions",), "the survey needs questions: add [[questions]] tables")
            return ()
        built: list[tuple[int, Question]] = []  # (index in the file, question)
        first_line: dict[str, int | None] = {}
        for n, table in enumerate(raw):
            question = self.question(table, ("questions", n), n + 1)
            if question is None:
                self.broken.add(str(table.get("id")))  # its own problem is already reported
                continue
            if question.id in first_line:
                self.problem(
                    ("questions", n, "id"),
                    f'question id "{question.id}" is used twice '
                    f"(first at line {first_line[question.id]}): each question needs its own id",
                )
                continue
            first_line[question.id] = question.line
            built.append((n, question))
        questions = [question for _, question in built]
        position = {question.id: n for n, question in enumerate(questions)}
        resolved: list[Question] = []
        for n, (raw_n, question) in enumerate(built):
            rule = raw[raw_n].get("show_if")
            if rule is None:
                resolved.append(question)
                continue
            where = ("questions", raw_n, "show_if")
            show_if = self.show_if(rule, where, question, position, n, questions)
            if show_if is not None:
                resolved.append(replace(question, show_if=show_if))
        return tuple(resolved)

    def question(self, table: dict[str, Any], where: KeyPath, number: int) -> Question | None:
        qid = self.ident(table, where, _QUESTION_ID, f"question {number}")
        name = f'question "{qid}"' if qid else f"question {number}"
        kind_text = table.get("kind")
        kind: Kind | None = None
        if kind_text is None:
            kinds = ", ".join(Kind)
            self.problem(where, f"{name} has no kind: give kind = one of {kinds}")
        elif kind_text not in set(Kind):
            kinds = ", ".join(Kind)
            self.problem(
                (*where, "kind"), f'{name} has unknown kind "{kind_text}"; use one of: {kinds}'
            )
        else:
            kind = Kind(kind_text)
        if kind is None:  # judge the other keys against every kind's
            allowed = _QUESTION_KEYS.union(*_KIND_KEYS.values())
        else:
            allowed = _QUESTION_KEYS | _KIND_KEYS[kind]
        self.unknown_keys(table, where, allowed, f"{name} ({kind})" if kind else name)
        wording = self.wording(table, where, "text", name, required=True)
        hints = self.wording(table, where, "hint", f"the hint of {name}", required=False)
        optional = table.get("optional", True)
        if not isinstance(optional, bool):
            self.problem((*where, "optional"), f"{name}: optional must be true or false")
            optional = True
        question_line = self.lines.line_of(where)
        if kind is None or qid is None or wording is None:
            return None
        details = self.kind_details(kind, table, where, name)
        if details is None:
            return None
        return Question(
            id=qid,
            kind=kind,
            wording=wording,
            optional=optional,
            hints=hints,
            line=question_line,
            **details,
        )

    def kind_details(
        self, kind: Kind, table: dict[str, Any], where: KeyPath, name: str
    ) -> dict[str, Any] | None:
        before = len(self.problems)
        details: dict[str, Any] = {}
        if kind in LABEL_COUNTS:
            details["answer_labels"] = self.answer_labels(kind, table, where, name)
        elif kind is Kind.CHOICE:
            details["options"] = self.options(table, where, name)
        elif kind is Kind.NUMBER:
            details.update(self.number_limits(table, where, name))
        else:
            length = table.get("max_length")
            if isinstance(length, bool) or not isinstance(length, int):
                self.problem(where, f"{name} needs max_length: the most characters it takes")
            elif not 1 <= length <= MAX_TEXT_LENGTH:
                self.problem(
                    (*where, "max_length"),
                    f"{name}: max_length must be from 1 to {MAX_TEXT_LENGTH}",
                )
            details["max_length"] = length
        return details if len(self.problems) == before else None

    def answer_labels(
        self, kind: Kind, table: dict[str, Any], where: KeyPath, name: str
    ) -> tuple[Wording, ...]:
        count = LABEL_COUNTS[kind]
        what = "5 face labels, worst first" if kind is Kind.FACES else "2 labels, yes then no"
        raw = table.get("labels")
        if raw is None:
            if kind is Kind.FACES:
                self.problem(where, f"{name} needs {what}: labels.en = [...]")
            return ()
        if not isinstance(raw, dict):
            self.problem((*where, "labels"), f"{name}: labels needs one list per language")
            return ()
        where = (*where, "labels")
        self.languages(raw, where, name)
        lists: dict[str, list[str]] = {}
        for lang, items in raw.items():
            if not isinstance(items, list) or len(items) != count:
                have = len(items) if isinstance(items, list) else "no list"
                self.problem((*where, lang), f"{name} needs {what} in labels.{lang}; it has {have}")
            elif not all(isinstance(item, str) and item.strip() for item in items):
                self.problem((*where, lang), f"{name}: every label in labels.{lang} needs words")
            else:
                lists[lang] = [item.strip() for item in items]
        if FALLBACK_LANGUAGE not in raw:
            self.problem(where, f"{name} has labels with no English: add labels.en = [...]")
            return ()
        self.note_missing(raw, where, f"the labels of {name}")
        if FALLBACK_LANGUAGE not in lists:
            return ()
        return tuple(
            Wording.of({lang: labels[i] for lang, labels in lists.items()}) for i in range(count)
        )

    def options(self, table: dict[str, Any], where: KeyPath, name: str) -> tuple[Option, ...]:
        raw = table.get("options")
        if not isinstance(raw, list) or len(raw) < 2 or not all(isinstance(o, dict) for o in raw):
            self.problem(where, f"{name} needs at least 2 options: add [[questions.options]]")
            return ()
        options: list[Option] = []
        seen: set[str] = set()
        for n, item in enumerate(raw):
            here = (*where, "options", n)
            self.unknown_keys(item, here, _OPTION_KEYS, f"option {n + 1} of {name}")
            value = item.get("value")
            if not isinstance(value, str) or not _OPTION_VALUE.fullmatch(value):
                self.problem(
                    (*here, "value"),
                    f"{name}: option {n + 1} needs a value: lower-case letters, digits and _",
                )
                continue
            if value in seen:
                self.problem((*here, "value"), f'{name} has option value "{value}" twice')
                continue
            seen.add(value)
            labels = self.wording(item, here, "label", f'option "{value}" of {name}', required=True)
            if labels is not None:
                options.append(Option(value, labels))
        return tuple(options)

    def number_limits(self, table: dict[str, Any], where: KeyPath, name: str) -> dict[str, Any]:
        integer = table.get("integer", True)
        if not isinstance(integer, bool):
            self.problem((*where, "integer"), f"{name}: integer must be true or false")
            integer = True
        limits: dict[str, Any] = {"integer": integer}
        for key, attr in (("min", "minimum"), ("max", "maximum")):
            value = table.get(key)
            number_types = int if integer else int | float
            if (
                isinstance(value, bool)
                or not isinstance(value, number_types)
                or not math.isfinite(value)
            ):
                whole = " whole" if integer else ""
                fix = " (or set integer = false)" if integer and isinstance(value, float) else ""
                self.problem(
                    (*where, key) if key in table else where,
                    f"{name} needs {key} = a{whole} number{fix}",
                )
                return limits
            limits[attr] = value
        if limits["minimum"] >= limits["maximum"]:
            self.problem((*where, "min"), f"{name}: min must be less than max")
        units = self.wording(table, where, "unit", f"the unit of {name}", required=False)
        if units is not None:
            limits["units"] = units
        return limits

    def show_if(
        self,
        rule: object,
        where: KeyPath,
        question: Question,
        position: Mapping[str, int],
        index: int,
        questions: Sequence[Question],
    ) -> ShowIf | None:
        name = f'question "{question.id}"'
        example = 'show_if = { question = "saved_journey", equals = "yes" }'
        if not isinstance(rule, dict) or set(rule) != _SHOW_IF_KEYS:
            self.problem(where, f"{name}: show_if needs a question and a value, e.g. {example}")
            return None
        target_id = rule["question"]
        if target_id in self.broken:
            return None  # that question's own problem is reported; do not pile on
        if target_id == question.id:
            self.problem(where, f"{name}: show_if cannot point at the question itself")
            return None
        if target_id not in position:
            self.problem(
                where,
                f'{name}: show_if points at "{target_id}", which is not a question in this survey',
            )
            return None
        if position[target_id] > index:
            self.problem(
                where,
                f'{name}: show_if points at "{target_id}", which comes later; a question can '
                "only depend on one asked before it",
            )
            return None
        target = questions[position[target_id]]
        try:
            equals = validate_answer(target, rule["equals"])
        except AnswerError as exc:
            self.problem(
                where,
                f'{name}: show_if equals {_quoted(rule["equals"])}, which "{target_id}" can '
                f"never be ({exc})",
            )
            return None
        return ShowIf(target_id, equals)

    # ----- pieces -------------------------------------------------------------------------------

    def ident(
        self, table: dict[str, Any], where: KeyPath, pattern: re.Pattern[str], name: str
    ) -> str | None:
        value = table.get("id")
        if value is None:
            self.problem(where, f"{name} has no id")
            return None
        if not isinstance(value, str) or not pattern.fullmatch(value):
            self.problem(
                (*where, "id"),
                f"{name} has id {_quoted(value)}: use lower-case letters, digits and _ "
                "(starting with a letter)",
            )
            return None
        return value

    def wording(
        self, table: dict[str, Any], where: KeyPath, key: str, name: str, *, required: bool
    ) -> Wording | None:
        raw = table.get(key)
        if raw is None:
            if required:
                self.problem(where, f'{name} has no {key}: add {key}.en = "..."')
            return None
        here = (*where, key)
        if not isinstance(raw, dict):
            self.problem(here, f'{name}: {key} is written per language, e.g. {key}.en = "..."')
            return None
        self.languages(raw, here, name)
        texts: dict[str, str] = {}
        for lang, text in raw.items():
            if not isinstance(text, str) or not text.strip():
                self.problem((*here, lang), f"{name}: {key}.{lang} needs some words")
            elif lang in LANGUAGES:
                texts[lang] = " ".join(text.split())
        if FALLBACK_LANGUAGE not in raw:
            self.problem(here, f'{name} has no English {key}: add {key}.en = "..."')
            return None
        self.note_missing(raw, here, f"{key} of {name}" if key != "text" else name)
        return Wording.of(texts) if FALLBACK_LANGUAGE in texts else None

    def languages(self, raw: dict[str, Any], where: KeyPath, name: str) -> None:
        for lang in raw:
            if lang not in LANGUAGES:
                known = ", ".join(f"{code} ({LANGUAGE_NAMES[code]})" for code in LANGUAGES)
                self.problem((*where, lang), f'{name}: unknown language "{lang}"; use {known}')

    def note_missing(self, raw: dict[str, Any], where: KeyPath, name: str) -> None:
        for lang in LANGUAGES:
            if lang not in raw:
                line = self.lines.line_of(where)
                self.missing.append(f"line {line}: {name} has no {LANGUAGE_NAMES[lang]} ({lang})")

    def unknown_keys(
        self, table: dict[str, Any], where: KeyPath, allowed: frozenset[str], what: str
    ) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                suggestion = f'; did you mean "{close[0]}"?' if close else ""
                self.problem((*where, key), f'{what}: "{key}" is not a setting here{suggestion}')


def _quoted(value: object) -> str:
    return f'"{value}"' if isinstance(value, str) else repr(value)


def question_progress(index: int, shown: Sequence[str], pending: Sequence[tuple[str, str]],
                      passed_unanswered: Iterable[str]) -> tuple[int, int]:
    """"Question n of N" for the page at ``index`` of the ``shown`` question ids.

    ``pending`` is :meth:`Survey.pending` (follow-ups that may still be asked, with the question
    that decides each); ``passed_unanswered`` the ids of questions the patient went past without
    answering (skipped), whose follow-ups will therefore not be asked. N counts what is shown
    and what may still be, so it never grows: a follow-up moves from pending to shown when its
    question is answered "yes", and drops out on "no" or a skip. n is ``index + 1``, never more
    than N.
    """
    skipped = set(passed_unanswered)
    alive: set[str] = set()
    shown_ids = set(shown)
    for question_id, decider in pending:
        if decider not in skipped and (decider in shown_ids or decider in alive):
            alive.add(question_id)
    number = index + 1
    return number, max(number, len(shown) + len(alive))
