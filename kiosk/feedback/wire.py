"""A feedback answer on the wire, defined once: what a kiosk's outbox sends in
``POST /api/feedback`` and what the hub accepts from it.

``{"answers": [answer, ...]}``, each answer (:data:`FIELDS`)::

    {answer_id, revision, response_id, survey_id, survey_version, language, context,
     question_id, value, created_at}

Rules that matter:

- ``answer_id`` and ``response_id`` are random UUIDs; ``revision`` counts from 1 and the
  highest revision of an answer wins; ``value`` None means the patient withdrew the answer.
- ``created_at`` is unix seconds, kept to the hour on the kiosk.
- Of ``context`` only the service facts in :data:`kiosk.feedback.store.CONTEXT_FIELDS` are
  kept; anything else is dropped unread.
- :func:`check_body` checks a whole delivery before anything is stored, and its errors name
  the first bad answer by ``index``, never echoing a value.
"""

from __future__ import annotations

import math
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Protocol

from kiosk.feedback.store import CONTEXT_FIELDS, MAX_ANSWER_CHARS, ContextError, check_context

#: The fields of one answer, in the order they are documented.
FIELDS: Final = ("answer_id", "revision", "response_id", "survey_id", "survey_version",
                 "language", "context", "question_id", "value", "created_at")
#: Most answers in one delivery.
MAX_ANSWERS: Final = 500

_MAX_INT: Final = 2**53
_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_LANGUAGE: Final = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}")

AnswerValue = int | float | str | None


class FeedbackError(ValueError):
    """An answer the hub will not store; ``index`` is its place in the delivery."""

    def __init__(self, message: str, index: int | None = None, *, status: int = 400) -> None:
        super().__init__(message)
        self.index = index
        self.status = status


class HasAnswerFields(Protocol):
    """Anything with the wire fields: the kiosk store's ``PendingAnswer``, a :class:`WireAnswer`."""

    @property
    def answer_id(self) -> str: ...
    @property
    def revision(self) -> int: ...
    @property
    def response_id(self) -> str: ...
    @property
    def survey_id(self) -> str: ...
    @property
    def survey_version(self) -> int: ...
    @property
    def language(self) -> str: ...
    @property
    def context(self) -> Mapping[str, str | int]: ...
    @property
    def question_id(self) -> str: ...
    @property
    def value(self) -> AnswerValue: ...
    @property
    def created_at(self) -> int: ...


@dataclass(frozen=True)
class WireAnswer:
    """One checked answer, as it arrived."""

    answer_id: str
    revision: int
    response_id: str
    survey_id: str
    survey_version: int
    language: str
    context: Mapping[str, str | int]
    question_id: str
    value: AnswerValue
    created_at: int


def to_wire(answer: HasAnswerFields) -> dict[str, Any]:
    """The JSON object for one answer."""
    out = {name: getattr(answer, name) for name in FIELDS}
    out["context"] = dict(answer.context)
    return out


def _whole(value: object, name: str, *, low: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value < _MAX_INT:
        raise FeedbackError(f"'{name}' must be {what}")
    return value


def _uuid(value: object, name: str) -> str:
    if not isinstance(value, str) or len(value) != 36:
        raise FeedbackError(f"'{name}' must be a UUID string")
    try:
        uuid.UUID(value)
    except ValueError:
        raise FeedbackError(f"'{name}' must be a UUID string") from None
    return value


def _value(raw: Mapping[str, Any]) -> AnswerValue:
    if "value" not in raw:
        raise FeedbackError("'value' is missing (null withdraws an answer)")
    value = raw["value"]
    if value is None:
        return None
    if isinstance(value, bool):
        raise FeedbackError("'value' must be a number, text or null")
    if isinstance(value, int):
        if abs(value) >= _MAX_INT:
            raise FeedbackError("'value' is out of range")
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FeedbackError("'value' must be a finite number")
        return value
    if isinstance(value, str):
        if not value or len(value) > MAX_ANSWER_CHARS:
            raise FeedbackError(f"a text 'value' must have 1 to {MAX_ANSWER_CHARS} characters")
        return value
    raise FeedbackError("'value' must be a number, text or null")


def check_answer(raw: object) -> WireAnswer:
    """``raw`` as a :class:`WireAnswer`, or :class:`FeedbackError` saying what is wrong (never
    echoing the value)."""
    if not isinstance(raw, dict):
        raise FeedbackError("each answer must be a JSON object")
    answer_id = _uuid(raw.get("answer_id"), "answer_id")
    response_id = _uuid(raw.get("response_id"), "response_id")
    revision = _whole(raw.get("revision"), "revision", low=1, what="a whole number from 1")
    survey_id = raw.get("survey_id")
    if not isinstance(survey_id, str) or not _ID.fullmatch(survey_id):
        raise FeedbackError("'survey_id' must be a short id")
    survey_version = _whole(raw.get("survey_version"), "survey_version", low=0,
                            what="a whole number")
    language = raw.get("language")
    if not isinstance(language, str) or not _LANGUAGE.fullmatch(language):
        raise FeedbackError("'language' must be a language code such as 'en'")
    question_id = raw.get("question_id")
    if not isinstance(question_id, str) or not _ID.fullmatch(question_id):
        raise FeedbackError("'question_id' must be a short id")
    created_at = _whole(raw.get("created_at"), "created_at", low=0,
                        what="unix seconds (a whole number)")
    context = raw.get("context", {})
    if context is None:
        context = {}
    if not isinstance(context, dict):
        raise FeedbackError("'context' must be a JSON object")
    try:  # only the allowed service facts are kept; anything else is dropped unread
        checked = check_context({k: v for k, v in context.items() if k in CONTEXT_FIELDS})
    except ContextError:
        raise FeedbackError("'context' holds a value that is not allowed") from None
    return WireAnswer(answer_id, revision, response_id, survey_id, survey_version, language,
                      checked, question_id, _value(raw), created_at)


def check_body(body: object) -> list[WireAnswer]:
    """The answers of a delivery; :class:`FeedbackError` for any fault (status 413 when there
    are more than :data:`MAX_ANSWERS`)."""
    if not isinstance(body, dict):
        raise FeedbackError("the body must be a JSON object")
    answers = body.get("answers")
    if not isinstance(answers, list):
        raise FeedbackError("'answers' must be a list")
    if len(answers) > MAX_ANSWERS:
        raise FeedbackError(f"send at most {MAX_ANSWERS} answers at a time", status=413)
    checked = []
    for index, raw in enumerate(answers):
        try:
            checked.append(check_answer(raw))
        except FeedbackError as exc:
            raise FeedbackError(f"answer {index}: {exc}", index) from None
    return checked
