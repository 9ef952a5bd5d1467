"""The kiosk's local store of survey answers, and the outbox that carries them to the hub.

Rules that matter:

- An answer is committed the moment the patient gives it (SQLite WAL with ``synchronous=FULL``:
  the commit is fsynced). Nothing waits for :meth:`FeedbackStore.finish_response`, so a crash,
  a power cut or a privacy reset loses nothing the patient already said.
- No patient identifiers. Response and answer ids are random UUID4s; the context stored with a
  response is limited to the service facts in :data:`CONTEXT_FIELDS`, each with a checked value;
  times are rounded down to the hour. Deleted rows are overwritten (``secure_delete``).
- One row per (response, question), with a stable answer id. Answering again replaces the value,
  raises the row's ``revision`` and puts it back in the outbox; :meth:`mark_sent` marks only the
  revision that was sent, so a change made while a send is in flight is sent too. The hub stores
  answers by answer id, keeping the highest revision: a withdrawn answer arrives as ``None``.
- A corrupt file is never deleted: it is moved aside (with its ``-wal``/``-shm``) under a
  timestamped name and :class:`CorruptStoreError` says where. Opening the path again starts a new
  store.
- One connection, shared by the GUI thread (answers) and the engine thread (sync) behind a lock.
  Every call is a short local transaction.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from kiosk.feedback.survey import LANGUAGES, AnswerValue, Kind, Survey, clean_text

log = logging.getLogger(__name__)

#: Service facts that may be stored with a response, and what each may hold. Nothing else.
CONTEXT_FIELDS: Final = {
    "clinic_id": "the clinic's id or short name",
    "waiting_area_id": "the waiting area's id or short name",
    "call_duration": "a bucket from CALL_DURATIONS",
    "call_quality": "one of CALL_QUALITIES",
}
CALL_DURATIONS: Final = ("no_call", "under_5_min", "5_to_15_min", "15_to_30_min", "over_30_min")
CALL_QUALITIES: Final = ("good", "fair", "poor", "unknown")

#: Stored times are rounded down to this many seconds, so no time points at one person: with the
#: clinic known, a time to the minute could be matched to an appointment slot; an hour cannot.
TIME_RESOLUTION_S: Final = 3600
MAX_ANSWER_CHARS: Final = 5000

_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26

# Each migration is a list of statements, applied in one transaction; never edit a shipped one.
_MIGRATIONS: Final[tuple[tuple[str, ...], ...]] = (
    (
        """CREATE TABLE responses (
            id TEXT PRIMARY KEY,
            survey_id TEXT NOT NULL,
            survey_version INTEGER NOT NULL,
            language TEXT NOT NULL,
            context TEXT NOT NULL,
            started_at INTEGER NOT NULL,
            finished INTEGER NOT NULL DEFAULT 0
        )""",
        """CREATE TABLE answers (
            id TEXT PRIMARY KEY,
            response_id TEXT NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
            question_id TEXT NOT NULL,
            value TEXT NOT NULL,
            revision INTEGER NOT NULL DEFAULT 1,
            created_at INTEGER NOT NULL,
            sent_at INTEGER,
            UNIQUE (response_id, question_id)
        )""",
        "CREATE INDEX answers_unsent ON answers(sent_at) WHERE sent_at IS NULL",
    ),
)
SCHEMA_VERSION: Final = len(_MIGRATIONS)


class FeedbackStoreError(Exception):
    """The store cannot do what was asked; the message is fit to show staff."""


class CorruptStoreError(FeedbackStoreError):
    """The store file was damaged. It has been moved to ``moved_to``, not deleted; opening the
    original path again starts an empty store."""

    def __init__(self, path: Path, moved_to: Path, reason: str) -> None:
        super().__init__(
            f"the feedback store {path} is damaged ({reason}); it was moved to {moved_to} "
            "for recovery and a new store will be started"
        )
        self.path = path
        self.moved_to = moved_to


class ContextError(ValueError):
    """Context that is not allowed with feedback (it could identify someone)."""


@dataclass(frozen=True)
class PendingAnswer:
    """One answer waiting for the hub. ``value`` None means the patient withdrew it.
    ``created_at`` is unix seconds rounded down to the hour (``TIME_RESOLUTION_S``)."""

    answer_id: str
    revision: int
    response_id: str
    survey_id: str
    survey_version: int
    language: str
    context: Mapping[str, str | int]
    question_id: str
    value: AnswerValue | None
    created_at: int


@dataclass(frozen=True)
class StoreCounts:
    responses: int
    finished: int
    answers: int  # given and not withdrawn
    pending: int  # waiting for the hub (withdrawals included)
    sent: int


@dataclass(frozen=True)
class QuestionSummary:
    question_id: str
    kind: Kind
    answered: int
    average: float | None = None  # faces, number
    share_yes: float | None = None  # yes_no: 0.0 to 1.0
    option_counts: tuple[tuple[str, int], ...] = ()  # choice, in the survey's order


@dataclass(frozen=True)
class SurveySummary:
    """Results of one survey (every version) still in this store, for the admin screen."""

    survey_id: str
    responses: int  # responses with at least one answer
    questions: tuple[QuestionSummary, ...]


def call_duration_bucket(seconds: float | None) -> str:
    """The :data:`CALL_DURATIONS` bucket for a call length (None or 0: there was no call)."""
    if not seconds or seconds <= 0:
        return "no_call"
    for limit, bucket in ((300, "under_5_min"), (900, "5_to_15_min"), (1800, "15_to_30_min")):
        if seconds < limit:
            return bucket
    return "over_30_min"


def check_context(context: Mapping[str, object]) -> dict[str, str | int]:
    """``context`` if it holds only allowed, well-formed service facts; else :class:`ContextError`.

    Refuses any key outside :data:`CONTEXT_FIELDS` (names, codes, appointment ids, dates of
    birth...) and any value that is not a short id or a listed bucket."""
    checked: dict[str, str | int] = {}
    for key, value in context.items():
        if key not in CONTEXT_FIELDS:
            allowed = ", ".join(CONTEXT_FIELDS)
            raise ContextError(
                f'"{key}" may not be stored with feedback (it could identify someone); '
                f"allowed: {allowed}"
            )
        if key == "call_duration":
            ok = value in CALL_DURATIONS
        elif key == "call_quality":
            ok = value in CALL_QUALITIES
        elif isinstance(value, int) and not isinstance(value, bool):
            ok = 0 <= value < 2**53
        else:
            ok = isinstance(value, str) and _ID.fullmatch(value) is not None
        if not ok or not isinstance(value, str | int):
            raise ContextError(f"{key} must be {CONTEXT_FIELDS[key]}, not {value!r}")
        checked[key] = value
    return checked


class FeedbackStore:
    """Survey answers in one SQLite file, with the outbox for the hub. See the module docstring.

    ``clock`` gives unix seconds (tests pass a fake). Use as a context manager or call
    :meth:`close`."""

    def __init__(self, path: str | os.PathLike[str], *, clock: Callable[[], float] = time.time):
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = self._open()

    # ----- opening ------------------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not _has_sqlite_header(self.path):  # refuse before SQLite touches it or its -wal
            raise CorruptStoreError(self.path, self._move_aside(), "not an SQLite file")
        db = sqlite3.connect(self.path, timeout=5.0, isolation_level=None, check_same_thread=False)
        try:
            mode = db.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if str(mode).lower() != "wal":
                log.warning("feedback store %s: WAL unavailable, journal mode %s", self.path, mode)
            db.execute("PRAGMA synchronous=FULL")
            db.execute("PRAGMA foreign_keys=ON")
            db.execute("PRAGMA secure_delete=ON")
            problems = [str(row[0]) for row in db.execute("PRAGMA quick_check")]
            if problems != ["ok"]:
                raise CorruptStoreError(self.path, self._move_aside(db), "; ".join(problems[:3]))
            self._migrate(db)
        except sqlite3.DatabaseError as exc:
            code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
            if code in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
                raise CorruptStoreError(self.path, self._move_aside(db), str(exc)) from exc
            db.close()
            raise FeedbackStoreError(f"the feedback store {self.path} cannot open: {exc}") from exc
        except BaseException:
            db.close()
            raise
        return db

    def _migrate(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
            current = db.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
            version = int(current[0])
            if version > SCHEMA_VERSION:
                raise FeedbackStoreError(
                    f"the feedback store {self.path} was written by a newer kiosk "
                    f"(schema {version}, this one knows {SCHEMA_VERSION}); update the kiosk"
                )
            for number in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[number - 1]:
                    db.execute(statement)
                db.execute("INSERT INTO schema_version (version) VALUES (?)", (number,))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _move_aside(self, db: sqlite3.Connection | None = None) -> Path:
        """Rename the damaged file with its -wal and -shm (the -wal must go with it: left
        behind it could be replayed into a new store) and close ``db``. Where the system allows,
        the files are renamed while ``db`` is still open, because SQLite deletes the -wal of
        a file it closes."""
        stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(self._clock()))
        target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}")
        n = 1
        while any(Path(f"{target}{suffix}").exists() for suffix in ("", "-wal", "-shm")):
            n += 1
            target = self.path.with_name(f"{self.path.name}.corrupt-{stamp}-{n}")
        try:
            self._rename_all(target)
        except OSError:  # e.g. Windows, where open files cannot be renamed
            if db is None:
                raise
            db.close()
            self._rename_all(target)
        if db is not None:
            db.close()
        log.error("feedback store %s was damaged and has been moved to %s", self.path, target)
        return target

    def _rename_all(self, target: Path) -> None:
        for suffix in ("-wal", "-shm", ""):
            source = Path(f"{self.path}{suffix}")
            if source.exists():
                source.rename(f"{target}{suffix}")

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    def __enter__(self) -> FeedbackStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            if self._db is None:
                raise FeedbackStoreError("the feedback store is closed")
            db = self._db
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def _now(self) -> int:
        return int(self._clock() // TIME_RESOLUTION_S * TIME_RESOLUTION_S)

    # ----- answering ----------------------------------------------------------------------------

    def begin_response(
        self, survey_id: str, survey_version: int, language: str, context: Mapping[str, object]
    ) -> str:
        """Start one patient's sitting of a survey; returns its random response id."""
        if not _ID.fullmatch(survey_id):
            raise ValueError(f"bad survey id {survey_id!r}")
        if isinstance(survey_version, bool) or not isinstance(survey_version, int):
            raise ValueError(f"bad survey version {survey_version!r}")
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        checked = json.dumps(check_context(context), sort_keys=True)
        response_id = str(uuid.uuid4())
        with self._transaction() as db:
            db.execute(
                "INSERT INTO responses (id, survey_id, survey_version, language, context, "
                "started_at) VALUES (?, ?, ?, ?, ?, ?)",
                (response_id, survey_id, survey_version, language, checked, self._now()),
            )
        return response_id

    def save_answer(self, response_id: str, question_id: str, value: AnswerValue) -> str:
        """Store an answer now (committed and fsynced on return); returns its answer id.

        ``value`` should come from :func:`~kiosk.feedback.survey.validate_answer`. Answering
        the same question again replaces the value under the same answer id."""
        answer_id = self._put(response_id, question_id, _encode(value), create=True)
        if answer_id is None:  # pragma: no cover - _put always creates when asked to
            raise FeedbackStoreError("the answer was not stored")
        return answer_id

    def withdraw_answer(self, response_id: str, question_id: str) -> str | None:
        """Forget an answer (the patient cleared it, or changed an earlier answer so that the
        question is no longer asked). The value becomes None, and that is sent to the hub too.
        Returns the answer id, or None if the question had no answer."""
        return self._put(response_id, question_id, "null", create=False)

    def _put(self, response_id: str, question_id: str, encoded: str, *, create: bool) -> str | None:
        if not _ID.fullmatch(question_id):
            raise ValueError(f"bad question id {question_id!r}")
        with self._transaction() as db:
            response = db.execute(
                "SELECT finished FROM responses WHERE id = ?", (response_id,)
            ).fetchone()
            if response is None:
                raise FeedbackStoreError(f"there is no response {response_id!r}")
            if response[0]:
                raise FeedbackStoreError("this response is finished; begin a new one")
            row = db.execute(
                "SELECT id, value FROM answers WHERE response_id = ? AND question_id = ?",
                (response_id, question_id),
            ).fetchone()
            if row is None:
                if not create:
                    return None
                answer_id = str(uuid.uuid4())
                db.execute(
                    "INSERT INTO answers (id, response_id, question_id, value, created_at) "
                    "VALUES (?, ?, ?, ?, ?)",
                    (answer_id, response_id, question_id, encoded, self._now()),
                )
                return answer_id
            if row[1] != encoded:
                db.execute(
                    "UPDATE answers SET value = ?, revision = revision + 1, sent_at = NULL "
                    "WHERE id = ?",
                    (encoded, row[0]),
                )
            return str(row[0])

    def finish_response(self, response_id: str) -> None:
        """The patient finished (or left) the survey: no more answers to this response."""
        with self._transaction() as db:
            db.execute("UPDATE responses SET finished = 1 WHERE id = ?", (response_id,))

    # ----- the outbox ---------------------------------------------------------------------------

    def pending(self, limit: int = 100) -> list[PendingAnswer]:
        """Answers not yet acknowledged by the hub, oldest first."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT a.id, a.revision, a.response_id, r.survey_id, r.survey_version, "
                "r.language, r.context, a.question_id, a.value, a.created_at "
                "FROM answers a JOIN responses r ON r.id = a.response_id "
                "WHERE a.sent_at IS NULL ORDER BY a.rowid LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            PendingAnswer(
                answer_id=row[0],
                revision=row[1],
                response_id=row[2],
                survey_id=row[3],
                survey_version=row[4],
                language=row[5],
                context=json.loads(row[6]),
                question_id=row[7],
                value=json.loads(row[8]),
                created_at=row[9],
            )
            for row in rows
        ]

    def mark_sent(self, answers: Iterable[PendingAnswer]) -> int:
        """The hub acknowledged these answers. Only the revision that was sent is marked: an
        answer changed since stays pending. Returns how many were marked."""
        now = self._now()
        marked = 0
        with self._transaction() as db:
            for answer in answers:
                cursor = db.execute(
                    "UPDATE answers SET sent_at = ? "
                    "WHERE id = ? AND revision = ? AND sent_at IS NULL",
                    (now, answer.answer_id, answer.revision),
                )
                marked += cursor.rowcount
        return marked

    def purge_sent(self, older_than_days: float) -> int:
        """Delete answers the hub acknowledged more than ``older_than_days`` ago, and responses
        left with no answers. Returns how many answers were deleted."""
        cutoff = self._clock() - older_than_days * 86_400
        with self._transaction() as db:
            deleted = db.execute(
                "DELETE FROM answers WHERE sent_at IS NOT NULL AND sent_at < ?", (cutoff,)
            ).rowcount
            db.execute(
                "DELETE FROM responses WHERE started_at < ? AND NOT EXISTS "
                "(SELECT 1 FROM answers a WHERE a.response_id = responses.id)",
                (cutoff,),
            )
        with self._lock:
            if self._db is not None:  # move the deletions out of the WAL into the file
                self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return int(deleted)

    # ----- for staff ----------------------------------------------------------------------------

    def counts(self) -> StoreCounts:
        with self._transaction() as db:
            responses, finished = db.execute(
                "SELECT COUNT(*), COALESCE(SUM(finished), 0) FROM responses"
            ).fetchone()
            answers, pending, sent = db.execute(
                "SELECT COALESCE(SUM(value != 'null'), 0), "
                "COALESCE(SUM(sent_at IS NULL), 0), COALESCE(SUM(sent_at IS NOT NULL), 0) "
                "FROM answers"
            ).fetchone()
        return StoreCounts(responses, finished, answers, pending, sent)

    def summary(self, survey: Survey) -> SurveySummary:
        """Counts, averages and yes-shares per question of ``survey`` (all its versions)."""
        with self._transaction() as db:
            rows = db.execute(
                "SELECT a.response_id, a.question_id, a.value FROM answers a "
                "JOIN responses r ON r.id = a.response_id "
                "WHERE r.survey_id = ? AND a.value != 'null'",
                (survey.id,),
            ).fetchall()
        by_question: dict[str, list[object]] = {}
        for _, question_id, value in rows:
            by_question.setdefault(question_id, []).append(json.loads(value))
        return SurveySummary(
            survey_id=survey.id,
            responses=len({row[0] for row in rows}),
            questions=tuple(
                _summarise(q.id, q.kind, by_question.get(q.id, []), [o.value for o in q.options])
                for q in survey.questions
            ),
        )


def _has_sqlite_header(path: Path) -> bool:
    """True for a missing or empty file (SQLite starts one) or one that starts as SQLite's do."""
    try:
        with path.open("rb") as file:
            head = file.read(16)
    except FileNotFoundError:
        return True
    return head in (b"", b"SQLite format 3\x00")


def _encode(value: AnswerValue) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError(f"an answer is a number or text, not {type(value).__name__}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError("an answer cannot be infinite or NaN")
    if isinstance(value, str) and (
        not value or len(value) > MAX_ANSWER_CHARS or clean_text(value) != value
    ):
        raise ValueError("a text answer must be cleaned by validate_answer first")
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _summarise(
    question_id: str, kind: Kind, values: list[object], option_values: list[str]
) -> QuestionSummary:
    numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
    if kind in (Kind.FACES, Kind.NUMBER):
        average = sum(numbers) / len(numbers) if numbers else None
        return QuestionSummary(question_id, kind, len(numbers), average=average)
    if kind is Kind.YES_NO:
        answers = [v for v in values if v in ("yes", "no")]
        share = answers.count("yes") / len(answers) if answers else None
        return QuestionSummary(question_id, kind, len(answers), share_yes=share)
    if kind is Kind.CHOICE:
        counts = tuple((option, values.count(option)) for option in option_values)
        return QuestionSummary(question_id, kind, sum(n for _, n in counts), option_counts=counts)
    return QuestionSummary(question_id, kind, len(values))
