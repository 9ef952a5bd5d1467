"""One visit's survey response at a time, from the patient's answer to the feedback store.

Rules that matter:

- An answer is checked against its question (:func:`~kiosk.feedback.survey.validate_answer`)
  before anything keeps it: :meth:`FeedbackRecorder.accept` gives the value to keep, or None for
  an answer that does not fit (logged without its value). Only accepted values go into the
  journey and the store.
- A response begins when the survey begins (:meth:`FeedbackRecorder.begin`), with the visit's
  service facts as its context (:func:`response_context`): the call's length as a bucket, its
  quality, and the short names of the waiting area and clinic the hub gave at check-in. A fact
  the store would refuse is left out (and logged), so it never costs the patient's answers.
- Changing an answer so that a later question is no longer asked withdraws that question's
  answer (:meth:`~kiosk.feedback.survey.Survey.hidden_answers`).
- One writer thread does every store call, in the order given: the caller (the GUI thread) never
  waits on a disk sync, and each answer is on disk moments after it is given. ``on_saved``
  (question id) is called on that thread once an answer is on disk; :meth:`flush` waits for
  every write so far (shutdown, tests). A privacy reset calls :meth:`finish`.
- No Qt here: the kiosk's controller turns ``on_saved`` into its ``answer_saved`` signal.
"""

from __future__ import annotations

import concurrent.futures
import logging
import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Any, Final

from kiosk.feedback.store import (
    ContextError,
    FeedbackStore,
    call_duration_bucket,
    check_context,
)
from kiosk.feedback.survey import AnswerError, AnswerValue, Question, Survey, validate_answer

log = logging.getLogger(__name__)

#: Letters that Unicode does not split into a base letter and an accent.
_PLAIN_LETTERS: Final = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d",
                                        "Đ": "D", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe",
                                        "Œ": "OE"})
_NOT_ID: Final = re.compile(r"[^a-z0-9]+")


def short_name(name: str) -> str:
    """A place's name as the short id feedback context may hold: lower case, plain letters,
    words joined by ``-``, at most 64 characters ("Main waiting area" -> "main-waiting-area",
    "Poczekalnia główna" -> "poczekalnia-glowna"); "" when nothing is left."""
    text = unicodedata.normalize("NFKD", name.translate(_PLAIN_LETTERS))
    ascii_text = text.encode("ascii", "ignore").decode("ascii")
    return _NOT_ID.sub("-", ascii_text.lower()).strip("-")[:64].rstrip("-")


def response_context(*, call_seconds: float | None = None, call_quality: str = "",
                     waiting_area: str = "", clinic: str = "") -> dict[str, str | int]:
    """The service facts stored with a response (see ``CONTEXT_FIELDS`` in the store):
    ``call_duration`` (only if the call connected), ``call_quality`` (if known),
    ``waiting_area_id`` and ``clinic_id`` (short names). A fact the store would refuse is left
    out and logged."""
    facts: dict[str, str] = {}
    if call_seconds is not None:
        facts["call_duration"] = call_duration_bucket(call_seconds)
    if call_quality:
        facts["call_quality"] = call_quality
    for key, name in (("waiting_area_id", waiting_area), ("clinic_id", clinic)):
        if short_name(name):
            facts[key] = short_name(name)
    context: dict[str, str | int] = {}
    for key, value in facts.items():
        try:
            context.update(check_context({key: value}))
        except ContextError:
            log.warning("feedback context %s left out: not a value the store keeps", key)
    return context


class FeedbackRecorder:
    """Records the survey response of one visit at a time (see the module docstring).

    ``survey`` None (the survey file could not be loaded): there are no questions, no answer is
    accepted and nothing is stored."""

    def __init__(self, store: FeedbackStore, survey: Survey | None, *,
                 on_saved: Callable[[str], None] | None = None) -> None:
        self.store = store
        self.survey = survey
        #: Called on the writer thread with a question id once its answer is on disk.
        self.on_saved = on_saved
        self._writer = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="feedback")
        self._response: concurrent.futures.Future[str] | None = None

    @property
    def recording(self) -> bool:
        """Whether a response is open (between :meth:`begin` and :meth:`finish`)."""
        return self._response is not None

    def questions(self, answers: Mapping[str, object]) -> tuple[Question, ...]:
        """The questions to ask, in order, given the answers so far."""
        return () if self.survey is None else self.survey.questions_for(answers)

    def accept(self, question_id: str, value: object) -> AnswerValue | None:
        """The value to keep for an answer, or None (logged) if it does not fit its question
        or there is no such question."""
        if self.survey is None:
            log.warning("answer to %s not kept: there is no survey", question_id)
            return None
        try:
            return validate_answer(self.survey.question(question_id), value)
        except KeyError:
            log.warning("answer to an unknown question %r not kept", question_id[:64])
        except AnswerError as exc:
            log.warning("answer not kept: %s", exc)
        return None

    def begin(self, language: str, *, call_seconds: float | None = None,
              call_quality: str = "", waiting_area: str = "", clinic: str = "") -> None:
        """Begin the visit's response (once; a second call changes nothing)."""
        if self.survey is None or self._response is not None:
            return
        context = response_context(call_seconds=call_seconds, call_quality=call_quality,
                                   waiting_area=waiting_area, clinic=clinic)
        survey, store = self.survey, self.store
        self._response = self._writer.submit(
            store.begin_response, survey.id, survey.version, language, context)
        self._response.add_done_callback(_log_failure)

    def save(self, question_id: str, value: AnswerValue, answers: Mapping[str, object]) -> None:
        """Store an accepted answer; ``answers`` are all the visit's answers with this one, so
        the answers of questions no longer asked are withdrawn."""
        response, store, survey = self._response, self.store, self.survey
        if response is None or survey is None:
            log.warning("answer to %s not saved: no response has begun", question_id)
            return
        hidden = survey.hidden_answers(answers)

        def write() -> None:
            response_id = response.result()
            store.save_answer(response_id, question_id, value)
            for other in hidden:
                store.withdraw_answer(response_id, other)
            if self.on_saved is not None:
                self.on_saved(question_id)

        self._writer.submit(write).add_done_callback(_log_failure)

    def finish(self) -> None:
        """The visit is over: close its response. What the patient said stays (anonymous) until
        the hub has it."""
        response, self._response = self._response, None
        if response is None:
            return
        store = self.store

        def close_response() -> None:
            store.finish_response(response.result())

        self._writer.submit(close_response).add_done_callback(_log_failure)

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every write asked for so far is done (shutdown, tests)."""
        self._writer.submit(lambda: None).result(timeout)

    def close(self) -> None:
        """Finish any open response, write everything and stop the writer thread."""
        self.finish()
        self._writer.shutdown(wait=True)


def _log_failure(future: concurrent.futures.Future[Any]) -> None:
    exc = future.exception()
    if exc is not None:
        log.error("feedback could not be stored: %s", type(exc).__name__, exc_info=exc)
