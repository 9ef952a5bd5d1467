"""Patient feedback at the hub: kiosks deliver survey answers, specialists see the results.

Routes (added by :func:`setup_feedback_routes`):

- ``POST /api/feedback`` — a kiosk delivers answers. Authenticated by its device token in
  ``Authorization: Bearer <token>`` (never in the URL). Body ``{"answers": [...]}``, each answer
  ``{answer_id, revision, response_id, survey_id, survey_version, language, context,
  question_id, value, created_at}``. Reply ``{"acknowledged": [{answer_id, revision}]}``.
- ``GET /api/feedback`` — a signed-in specialist: their clinic's answers and a summary.
- ``GET /api/feedback.csv`` — the same answers as CSV (see :func:`to_csv`).

Rules that matter:

- **Exactly once, highest revision wins.** Answers are stored by their random ``answer_id``;
  an answer whose revision is not higher than the stored one changes nothing, so replays and
  late, older revisions are harmless. Every valid answer in a request is acknowledged with the
  revision it carried: the hub holds that revision or a newer one.
- The clinic is the kiosk's (from its token), never what the kiosk claims. Of the context only
  the service facts in :data:`kiosk.feedback.store.CONTEXT_FIELDS` are kept; anything else is
  dropped unread. ``value`` None means the patient withdrew the answer: it is stored (so an
  older revision cannot bring it back) and left out of every result and export.
- A whole request is checked before anything is stored; a bad one is refused with 400 and
  ``index`` naming the first bad answer, so the kiosk can find it. Limits: at most
  :data:`MAX_ANSWERS` answers and :data:`MAX_FEEDBACK_BODY` bytes (413 beyond).
- Exports hold no identifiers: no answer, response or kiosk ids, and the date only (not the
  time), so an answer cannot be matched to an appointment. Answers of one sitting share a
  ``response`` number that exists only in that export.
- Nothing here logs answer values or tokens.
"""

from __future__ import annotations

import csv
import io
import json
import logging
import math
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Final

from aiohttp import web

from kiosk.feedback.store import CONTEXT_FIELDS, MAX_ANSWER_CHARS, ContextError, check_context
from kiosk.hub.auth import origin_allowed, session_from
from kiosk.hub.codes import token_hash
from kiosk.hub.state import HUB
from kiosk.hub.storage import Storage

log = logging.getLogger("kiosk.hub.feedback")

#: The hub keeps when an answer arrived only to the hour (it arrives moments after it is given).
RECEIVED_RESOLUTION_S = 3600

#: Most answers in one POST, and most bytes in its body.
MAX_ANSWERS: Final = 500
MAX_FEEDBACK_BODY: Final = 1024 * 1024
#: Most answers ``GET /api/feedback`` lists (the summary always covers all of them).
MAX_LISTED: Final = 2000
#: Most comments in the summary (newest first).
MAX_COMMENTS: Final = 500
_MAX_TOKEN: Final = 128
_MAX_INT: Final = 2**53

# The survey's questions the summary knows (resources/surveys/near-me.toml). Other questions
# are still stored, counted, listed and exported.
FACES_QUESTION: Final = "overall"
SAVED_JOURNEY_QUESTION: Final = "saved_journey"
JOURNEY_TIME_QUESTION: Final = "journey_time"
COMMENTS_QUESTION: Final = "comments"
JOURNEY_TIMES: Final = ("under_1h", "1_to_2h", "2_to_4h", "over_4h")

#: The export's columns, in order. Changing them breaks people's spreadsheets: only append.
CSV_COLUMNS: Final = (
    "response", "date", "clinic", "waiting_area", "survey_id", "survey_version", "language",
    "question_id", "value", "call_duration", "call_quality",
)

_ID: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_LANGUAGE: Final = re.compile(r"[a-z]{2,3}(-[A-Za-z0-9]{1,8}){0,2}")
_FORMULA_START: Final = ("=", "+", "-", "@", "\t", "\r")

AnswerValue = int | float | str | None


class FeedbackError(ValueError):
    """An answer the hub will not store; ``index`` is its place in the request."""

    def __init__(self, message: str, index: int | None = None, *, status: int = 400) -> None:
        super().__init__(message)
        self.index = index
        self.status = status


@dataclass(frozen=True)
class IncomingAnswer:
    """One checked answer from a kiosk."""

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


@dataclass(frozen=True)
class StoredAnswer:
    """One answer as the hub holds it (no ids leave the hub except ``response_id`` for
    grouping, which exports replace with a number)."""

    response_id: str
    clinic_id: int
    clinic_name: str
    waiting_area: str | None
    survey_id: str
    survey_version: int
    language: str
    context: Mapping[str, Any]
    question_id: str
    value: AnswerValue
    created_at: int

    @property
    def day(self) -> date:
        return datetime.fromtimestamp(self.created_at, UTC).date()


# ----- checking what kiosks send ----------------------------------------------------------------


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


def check_answer(raw: object) -> IncomingAnswer:
    """``raw`` as an :class:`IncomingAnswer`, or :class:`FeedbackError` saying what is wrong
    (never echoing the value)."""
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
    if "value" not in raw:
        raise FeedbackError("'value' is missing (null withdraws an answer)")
    value = raw["value"]
    if value is None:
        pass
    elif isinstance(value, bool):
        raise FeedbackError("'value' must be a number, text or null")
    elif isinstance(value, int):
        if abs(value) >= _MAX_INT:
            raise FeedbackError("'value' is out of range")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise FeedbackError("'value' must be a finite number")
    elif isinstance(value, str):
        if not value or len(value) > MAX_ANSWER_CHARS:
            raise FeedbackError(f"a text 'value' must have 1 to {MAX_ANSWER_CHARS} characters")
    else:
        raise FeedbackError("'value' must be a number, text or null")
    return IncomingAnswer(answer_id, revision, response_id, survey_id, survey_version, language,
                          checked, question_id, value, created_at)


def check_body(body: object) -> list[IncomingAnswer]:
    """The answers of a ``POST /api/feedback`` body; :class:`FeedbackError` for any fault."""
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


# ----- storage ----------------------------------------------------------------------------------


def store_answers(storage: Storage, clinic_id: int, kiosk_id: int | None,
                  answers: Iterable[IncomingAnswer], now: float) -> int:
    """Upsert ``answers`` for ``clinic_id`` in one transaction, keeping each answer's highest
    revision. Returns how many rows were written (new or newer)."""
    written = 0
    with storage._tx() as db:  # one transaction for the batch: all of it or none
        for a in answers:
            area = a.context.get("waiting_area_id")
            cur = db.execute(
                "INSERT INTO feedback_answers (answer_id, revision, response_id, clinic_id, "
                "kiosk_id, waiting_area, survey_id, survey_version, language, context, "
                "question_id, value, created_at, received_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (answer_id) DO UPDATE SET revision = excluded.revision, "
                "response_id = excluded.response_id, waiting_area = excluded.waiting_area, "
                "survey_id = excluded.survey_id, survey_version = excluded.survey_version, "
                "language = excluded.language, context = excluded.context, "
                "question_id = excluded.question_id, value = excluded.value, "
                "created_at = excluded.created_at, received_at = excluded.received_at, "
                "kiosk_id = excluded.kiosk_id "
                "WHERE excluded.revision > feedback_answers.revision "
                "AND excluded.clinic_id = feedback_answers.clinic_id",
                (a.answer_id, a.revision, a.response_id, clinic_id, kiosk_id,
                 None if area is None else str(area), a.survey_id, a.survey_version,
                 a.language, json.dumps(dict(a.context), sort_keys=True), a.question_id,
                 None if a.value is None else json.dumps(a.value, ensure_ascii=False),
                 a.created_at, now))
            written += cur.rowcount
    return written


def stored_revision(storage: Storage, answer_id: str) -> tuple[int, AnswerValue] | None:
    """The stored revision and value of one answer (for tests and diagnostics)."""
    row = storage._one("SELECT revision, value FROM feedback_answers WHERE answer_id = ?",
                       (answer_id,))
    if row is None:
        return None
    return int(row[0]), None if row[1] is None else json.loads(row[1])


def load_answers(storage: Storage, *, clinic_id: int | None = None,
                 since: date | None = None) -> list[StoredAnswer]:
    """Answers that were not withdrawn, oldest first, optionally of one clinic and from a day
    (UTC) on."""
    sql = ("SELECT f.response_id, f.clinic_id, c.name, f.waiting_area, f.survey_id, "
           "f.survey_version, f.language, f.context, f.question_id, f.value, f.created_at "
           "FROM feedback_answers f JOIN clinics c ON c.id = f.clinic_id "
           "WHERE f.value IS NOT NULL")
    args: list[Any] = []
    if clinic_id is not None:
        sql += " AND f.clinic_id = ?"
        args.append(clinic_id)
    if since is not None:
        sql += " AND f.created_at >= ?"
        args.append(int(datetime.combine(since, datetime.min.time(), UTC).timestamp()))
    sql += " ORDER BY f.created_at, f.rowid"
    return [StoredAnswer(r[0], r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8],
                         json.loads(r[9]), r[10])
            for r in storage._all(sql, tuple(args))]


# ----- results ----------------------------------------------------------------------------------


def _week(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def _number(value: AnswerValue) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def summarise(answers: list[StoredAnswer]) -> dict[str, Any]:
    """Counts, average faces score per week (weeks start on Monday, UTC), the share who said
    the kiosk saved them a journey (overall and per week), the time-saved distribution and
    the free-text comments (newest first)."""
    responses = {a.response_id for a in answers}
    per_question: dict[str, int] = {}
    faces: dict[str, list[float]] = {}
    saved: dict[str, list[bool]] = {}
    times: dict[str, int] = dict.fromkeys(JOURNEY_TIMES, 0)
    comments: list[dict[str, Any]] = []
    for a in answers:
        per_question[a.question_id] = per_question.get(a.question_id, 0) + 1
        week = _week(a.day)
        if a.question_id == FACES_QUESTION and (n := _number(a.value)) is not None:
            faces.setdefault(week, []).append(n)
        elif a.question_id == SAVED_JOURNEY_QUESTION and a.value in ("yes", "no"):
            saved.setdefault(week, []).append(a.value == "yes")
        elif a.question_id == JOURNEY_TIME_QUESTION and isinstance(a.value, str):
            times[a.value] = times.get(a.value, 0) + 1
        elif a.question_id == COMMENTS_QUESTION and isinstance(a.value, str):
            comments.append({"text": a.value, "date": a.day.isoformat(),
                             "language": a.language, "waiting_area": a.waiting_area})
    all_saved = [s for week in saved.values() for s in week]
    all_faces = [f for week in faces.values() for f in week]
    comments.reverse()
    return {
        "counts": {"responses": len(responses), "answers": len(answers),
                   "comments": len(comments), "by_question": per_question},
        "experience": {
            "question_id": FACES_QUESTION, "scale": [1, 5], "answered": len(all_faces),
            "average": round(sum(all_faces) / len(all_faces), 2) if all_faces else None,
            "by_week": [{"week": w, "average": round(sum(v) / len(v), 2), "count": len(v)}
                        for w, v in sorted(faces.items())]},
        "saved_journey": {
            "question_id": SAVED_JOURNEY_QUESTION, "answered": len(all_saved),
            "share_yes": round(sum(all_saved) / len(all_saved), 3) if all_saved else None,
            "by_week": [{"week": w, "share_yes": round(sum(v) / len(v), 3), "count": len(v)}
                        for w, v in sorted(saved.items())]},
        "time_saved": {"question_id": JOURNEY_TIME_QUESTION,
                       "counts": [{"value": k, "count": n} for k, n in times.items()]},
        "comments": comments[:MAX_COMMENTS],
    }


def _numbered(answers: list[StoredAnswer]) -> list[tuple[int, StoredAnswer]]:
    numbers: dict[str, int] = {}
    return [(numbers.setdefault(a.response_id, len(numbers) + 1), a) for a in answers]


def answer_rows(answers: list[StoredAnswer]) -> list[dict[str, Any]]:
    """Answers as export rows (the :data:`CSV_COLUMNS`), without identifiers."""
    return [{"response": n, "date": a.day.isoformat(), "clinic": a.clinic_name,
             "waiting_area": a.waiting_area, "survey_id": a.survey_id,
             "survey_version": a.survey_version, "language": a.language,
             "question_id": a.question_id, "value": a.value,
             "call_duration": a.context.get("call_duration"),
             "call_quality": a.context.get("call_quality")}
            for n, a in _numbered(answers)]


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text  # a spreadsheet must not run a patient's text as a formula
    return text


def to_csv(answers: list[StoredAnswer]) -> str:
    """RFC 4180 CSV (CRLF line ends, fields quoted when they need it) with a header row of
    :data:`CSV_COLUMNS`, one row per answer."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for row in answer_rows(answers):
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()


# ----- HTTP -------------------------------------------------------------------------------------


def _error(status: int, code: str, message: str, *, headers: Mapping[str, str] | None = None,
           **extra: Any) -> web.Response:
    return web.json_response({"error": code, "message": message, **extra}, status=status,
                             headers=headers)


async def post_feedback(request: web.Request) -> web.Response:
    hub = request.app[HUB]
    if not origin_allowed(request, hub):
        return _error(403, "forbidden", "This origin is not allowed.")
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    kiosk = None
    if scheme.lower() == "bearer" and token and len(token) <= _MAX_TOKEN:
        kiosk = hub.storage.kiosk_by_token(token_hash(token))
    if kiosk is None:
        log.warning("feedback refused: missing or unknown kiosk token")
        return _error(401, "auth_failed", "This kiosk's device token was not accepted; "
                      "pair the kiosk again.", headers={"WWW-Authenticate": "Bearer"})
    if request.content_type != "application/json":
        return _error(415, "bad_request", "Send the body as application/json.")
    if request.content_length is not None and request.content_length > MAX_FEEDBACK_BODY:
        return _error(413, "too_large", "The request body is too large; send fewer answers.",
                      max_bytes=MAX_FEEDBACK_BODY)
    data = bytearray()
    while chunk := await request.content.read(MAX_FEEDBACK_BODY + 1 - len(data)):
        data += chunk
        if len(data) > MAX_FEEDBACK_BODY:
            return _error(413, "too_large", "The request body is too large; send fewer "
                          "answers.", max_bytes=MAX_FEEDBACK_BODY)
    try:
        body = json.loads(data)
    except ValueError:
        return _error(400, "bad_request", "The body is not valid JSON.")
    try:
        answers = check_body(body)
    except FeedbackError as exc:
        log.warning("feedback refused from kiosk %d: %s", kiosk.id, exc)
        if exc.status == 413:
            return _error(413, "too_large", str(exc), max_answers=MAX_ANSWERS)
        return _error(400, "bad_request", str(exc), index=exc.index)
    now = hub.clock.now()
    # Received when the patient answered, give or take: kept to the hour, like created_at.
    received = float(int(now // RECEIVED_RESOLUTION_S * RECEIVED_RESOLUTION_S))
    written = store_answers(hub.storage, kiosk.clinic_id, kiosk.id, answers, received)
    hub.storage.touch_kiosk(kiosk.id, now)
    log.info("feedback from kiosk %d: %d answers, %d new or newer", kiosk.id, len(answers),
             written)
    return web.json_response({"acknowledged": [
        {"answer_id": a.answer_id, "revision": a.revision} for a in answers]})


def _since(request: web.Request) -> date | None:
    text = request.query.get("since")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise web.HTTPBadRequest(reason="since must be YYYY-MM-DD") from None


def _specialist_clinic(request: web.Request) -> int | web.Response:
    hub = request.app[HUB]
    if not origin_allowed(request, hub):
        return _error(403, "forbidden", "This origin is not allowed.")
    found = session_from(request, hub)
    if found is None:
        return _error(401, "auth_failed", "You are not signed in.")
    return found[2].clinic_id


async def get_feedback(request: web.Request) -> web.Response:
    clinic = _specialist_clinic(request)
    if isinstance(clinic, web.Response):
        return clinic
    hub = request.app[HUB]
    answers = load_answers(hub.storage, clinic_id=clinic, since=_since(request))
    info = hub.storage.get_clinic(clinic)
    rows = answer_rows(answers)
    return web.json_response({
        "clinic": {"id": clinic, "name": info.name if info else ""},
        "summary": summarise(answers),
        "answers": rows[-MAX_LISTED:][::-1],
        "answers_truncated": len(rows) > MAX_LISTED,
    })


async def get_feedback_csv(request: web.Request) -> web.Response:
    clinic = _specialist_clinic(request)
    if isinstance(clinic, web.Response):
        return clinic
    hub = request.app[HUB]
    answers = load_answers(hub.storage, clinic_id=clinic, since=_since(request))
    day = datetime.fromtimestamp(hub.clock.now(), UTC).date().isoformat()
    return web.Response(
        text=to_csv(answers), content_type="text/csv", charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="feedback-{clinic}-{day}.csv"'})


def setup_feedback_routes(app: web.Application) -> None:
    """Add the feedback routes to the hub's app."""
    app.router.add_post("/api/feedback", post_feedback)
    app.router.add_get("/api/feedback", get_feedback)
    app.router.add_get("/api/feedback.csv", get_feedback_csv)


__all__ = [
    "CSV_COLUMNS", "MAX_ANSWERS", "MAX_FEEDBACK_BODY", "FeedbackError", "IncomingAnswer",
    "StoredAnswer", "answer_rows", "check_body", "load_answers", "setup_feedback_routes",
    "store_answers", "stored_revision", "summarise", "to_csv",
]
