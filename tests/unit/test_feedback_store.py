"""The feedback store on real SQLite files: durability (including a real SIGKILL), the outbox,
privacy of context, corruption handling and two threads at once."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.feedback.store import (
    SCHEMA_VERSION,
    ContextError,
    CorruptStoreError,
    FeedbackStore,
    FeedbackStoreError,
    call_duration_bucket,
    check_context,
)
from kiosk.feedback.survey import Kind, load_survey

REPO = Path(__file__).resolve().parents[2]
CONTEXT = {
    "clinic_id": "oban",
    "waiting_area_id": 12,
    "call_duration": "5_to_15_min",
    "call_quality": "good",
}
T0 = 1_700_000_000.0  # 22:13:20 UTC


class FakeClock:
    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path: Path, clock: FakeClock) -> Iterator[FeedbackStore]:
    with FeedbackStore(tmp_path / "data" / "feedback.db", clock=clock) as opened:
        yield opened


def begin(store: FeedbackStore, language: str = "en") -> str:
    return store.begin_response("near-me", 1, language, CONTEXT)


# ----- answering --------------------------------------------------------------------------------


def test_round_trip(store: FeedbackStore, clock: FakeClock) -> None:
    rid = begin(store, "cy")
    clock.now += 59  # 22:14:19: still stored as 22:14:00
    first = store.save_answer(rid, "overall", 5)
    second = store.save_answer(rid, "comments", "Diolch yn fawr")
    store.finish_response(rid)

    pending = store.pending()
    assert [(p.answer_id, p.question_id, p.value) for p in pending] == [
        (first, "overall", 5),
        (second, "comments", "Diolch yn fawr"),
    ]
    one = pending[0]
    assert (one.response_id, one.survey_id, one.survey_version, one.language) == (
        rid,
        "near-me",
        1,
        "cy",
    )
    assert one.context == CONTEXT
    assert one.revision == 1
    assert one.created_at == 1_699_999_200  # rounded down to the hour
    assert one.created_at % 3600 == 0
    counts = store.counts()
    assert (counts.responses, counts.finished, counts.answers, counts.pending, counts.sent) == (
        1,
        1,
        2,
        2,
        0,
    )


def test_ids_are_random_uuid4(store: FeedbackStore) -> None:
    rids = {begin(store) for _ in range(3)}
    aids = {store.save_answer(rid, "overall", 3) for rid in rids}
    assert len(rids | aids) == 6
    assert all(uuid.UUID(i).version == 4 for i in rids | aids)


def test_file_uses_wal_and_schema_version(tmp_path: Path) -> None:
    path = tmp_path / "feedback.db"
    FeedbackStore(path).close()
    FeedbackStore(path).close()  # reopening applies nothing twice
    db = sqlite3.connect(path)
    try:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT version FROM schema_version").fetchall() == [(SCHEMA_VERSION,)]
    finally:
        db.close()


def test_reanswering_replaces_and_keeps_the_id(store: FeedbackStore) -> None:
    rid = begin(store)
    first = store.save_answer(rid, "overall", 2)
    assert store.save_answer(rid, "overall", 4) == first
    assert store.save_answer(rid, "overall", 4) == first  # same value: nothing to resend
    [only] = store.pending()
    assert (only.answer_id, only.value, only.revision) == (first, 4, 2)
    assert store.counts().answers == 1


def test_answer_after_finish_or_to_unknown_response_is_refused(store: FeedbackStore) -> None:
    rid = begin(store)
    store.finish_response(rid)
    with pytest.raises(FeedbackStoreError, match="finished"):
        store.save_answer(rid, "overall", 3)
    with pytest.raises(FeedbackStoreError, match="no response"):
        store.save_answer(str(uuid.uuid4()), "overall", 3)


@pytest.mark.parametrize("value", [True, None, {"a": 1}, [1], float("nan"), "", "a\x00b", " x "])
def test_only_clean_scalar_values_are_stored(store: FeedbackStore, value: object) -> None:
    rid = begin(store)
    with pytest.raises(ValueError, match="answer"):
        store.save_answer(rid, "overall", value)  # type: ignore[arg-type]
    assert store.counts().answers == 0


def test_withdrawn_answer_is_sent_as_none(store: FeedbackStore) -> None:
    rid = begin(store)
    aid = store.save_answer(rid, "comments", "My name is on this")
    store.mark_sent(store.pending())
    assert store.withdraw_answer(rid, "comments") == aid
    assert store.withdraw_answer(rid, "overall") is None  # never answered
    [withdrawal] = store.pending()
    assert (withdrawal.answer_id, withdrawal.value, withdrawal.revision) == (aid, None, 2)
    assert store.counts().answers == 0
    db = sqlite3.connect(store.path)
    try:
        assert db.execute("SELECT COUNT(*) FROM answers WHERE value LIKE '%name%'").fetchone() == (
            0,
        )
    finally:
        db.close()


# ----- context must not identify anyone ---------------------------------------------------------


@pytest.mark.parametrize(
    "context",
    [
        {"patient_name": "Morag Campbell"},
        {"appointment_code": "482913"},
        {"appointment_id": 77},
        {"date_of_birth": "1950-02-01"},
        {"chi_number": "0102501234"},
        {"notes": "came with her daughter"},
        {"clinic_id": "Morag Campbell"},  # a free phrase where an id belongs
        {"clinic_id": True},
        {"call_duration": 754},  # a precise duration instead of a bucket
        {"call_quality": "excellent"},
    ],
)
def test_identifying_context_is_refused(store: FeedbackStore, context: dict[str, object]) -> None:
    with pytest.raises(ContextError):
        store.begin_response("near-me", 1, "en", context)
    assert store.counts().responses == 0


def test_allowed_context() -> None:
    assert check_context(CONTEXT) == CONTEXT
    assert check_context({}) == {}


@pytest.mark.parametrize(
    ("seconds", "bucket"),
    [
        (None, "no_call"),
        (0, "no_call"),
        (299, "under_5_min"),
        (300, "5_to_15_min"),
        (1799, "15_to_30_min"),
        (7200, "over_30_min"),
    ],
)
def test_call_duration_bucket(seconds: float | None, bucket: str) -> None:
    assert call_duration_bucket(seconds) == bucket


def test_bad_survey_reference_is_refused(store: FeedbackStore) -> None:
    with pytest.raises(ValueError, match="language"):
        store.begin_response("near-me", 1, "de", {})
    with pytest.raises(ValueError, match="survey id"):
        store.begin_response("near me; drop", 1, "en", {})


# ----- the outbox -------------------------------------------------------------------------------


def test_outbox_pending_and_mark_sent(store: FeedbackStore, clock: FakeClock) -> None:
    rid = begin(store)
    for n in range(5):
        store.save_answer(rid, f"q{n}", n)
    batch = store.pending(limit=3)
    assert [p.question_id for p in batch] == ["q0", "q1", "q2"]
    assert store.mark_sent(batch) == 3
    assert store.mark_sent(batch) == 0  # a repeated acknowledgement changes nothing
    assert [p.question_id for p in store.pending()] == ["q3", "q4"]
    assert (store.counts().pending, store.counts().sent) == (2, 3)


def test_change_during_send_is_sent_again(store: FeedbackStore) -> None:
    rid = begin(store)
    store.save_answer(rid, "overall", 2)
    in_flight = store.pending()
    store.save_answer(rid, "overall", 5)  # the patient changes their mind meanwhile
    assert store.mark_sent(in_flight) == 0
    [again] = store.pending()
    assert (again.value, again.revision) == (5, 2)
    assert store.mark_sent([again]) == 1
    assert store.pending() == []


def test_purge_sent(store: FeedbackStore, clock: FakeClock) -> None:
    old = begin(store)
    store.save_answer(old, "overall", 4)
    store.mark_sent(store.pending())
    empty = begin(store)  # a patient who skipped every question
    clock.now += 8 * 86_400
    unsent = begin(store)
    store.save_answer(unsent, "overall", 1)
    assert store.purge_sent(older_than_days=7) == 1
    assert store.counts().responses == 1  # the old and the empty one went
    assert [p.response_id for p in store.pending()] == [unsent]
    assert empty != unsent


def test_summary(store: FeedbackStore) -> None:
    survey = load_survey(REPO / "resources" / "surveys" / "near-me.toml")
    for overall, see, journey in ((5, "yes", "under_1h"), (4, "yes", None), (2, "no", None)):
        rid = store.begin_response(survey.id, survey.version, "en", {})
        store.save_answer(rid, "overall", overall)
        store.save_answer(rid, "see_clearly", see)
        if journey:
            store.save_answer(rid, "journey_time", journey)
    withdrawn = store.begin_response(survey.id, survey.version, "en", {})
    store.save_answer(withdrawn, "overall", 1)
    store.withdraw_answer(withdrawn, "overall")
    store.begin_response(survey.id, survey.version, "en", {})  # no answers at all

    summary = store.summary(survey)
    assert summary.responses == 3
    by_id = {q.question_id: q for q in summary.questions}
    assert by_id["overall"].kind is Kind.FACES
    assert by_id["overall"].average == pytest.approx(11 / 3)
    assert by_id["overall"].answered == 3
    assert by_id["see_clearly"].share_yes == pytest.approx(2 / 3)
    assert by_id["hear_clearly"].share_yes is None
    assert dict(by_id["journey_time"].option_counts) == {
        "under_1h": 1,
        "1_to_2h": 0,
        "2_to_4h": 0,
        "over_4h": 0,
    }


# ----- durability and damage --------------------------------------------------------------------

CHILD = """
import signal, sys
from kiosk.feedback.store import FeedbackStore

store = FeedbackStore(sys.argv[1])
rid = store.begin_response("near-me", 1, "pl", {"clinic_id": "oban"})
store.save_answer(rid, "overall", 5)
store.save_answer(rid, "comments", "Dziękuję")
print(rid, flush=True)
signal.pause()  # wait to be killed, without finishing the response
"""


def test_answers_survive_a_real_crash(tmp_path: Path) -> None:
    path = tmp_path / "feedback.db"
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(CHILD), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, str(script), str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO,
    ) as child:
        assert child.stdout is not None
        response_id = child.stdout.readline().strip()  # both answers are committed by now
        os.kill(child.pid, signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL
    assert Path(f"{path}-wal").stat().st_size > 0  # the answers are in the WAL: recovery needed

    with FeedbackStore(path) as store:
        assert {(p.response_id, p.question_id, p.value) for p in store.pending()} == {
            (response_id, "overall", 5),
            (response_id, "comments", "Dziękuję"),
        }
        assert store.counts().finished == 0
        store.save_answer(response_id, "use_again", "yes")  # and the store still works


@pytest.mark.expect_log(r"was damaged and has been moved to", logger="kiosk.feedback.store")
def test_garbage_file_is_moved_aside_not_deleted(tmp_path: Path, clock: FakeClock) -> None:
    path = tmp_path / "feedback.db"
    garbage = b"this is not a database at all, but it is somebody's data " * 100
    path.write_bytes(garbage)
    Path(f"{path}-wal").write_bytes(b"stale wal")
    with pytest.raises(CorruptStoreError) as caught:
        FeedbackStore(path, clock=clock)
    moved = caught.value.moved_to
    assert moved.name == "feedback.db.corrupt-20231114T221320Z"
    assert moved.read_bytes() == garbage
    assert Path(f"{moved}-wal").read_bytes() == b"stale wal"
    assert str(moved) in str(caught.value)
    assert not path.exists()
    assert not Path(f"{path}-wal").exists()

    path.write_bytes(garbage)  # damaged again within the same second: nothing is overwritten
    with pytest.raises(CorruptStoreError) as again:
        FeedbackStore(path, clock=clock)
    assert again.value.moved_to != moved
    assert moved.read_bytes() == garbage

    with FeedbackStore(path, clock=clock) as fresh:  # opening again starts a new store
        assert fresh.counts().responses == 0


@pytest.mark.expect_log(r"was damaged and has been moved to", logger="kiosk.feedback.store")
def test_damaged_pages_are_detected(tmp_path: Path) -> None:
    path = tmp_path / "feedback.db"
    with FeedbackStore(path) as store:
        rid = begin(store)
        for n in range(50):
            store.save_answer(rid, f"q{n}", "x" * 200)
    data = bytearray(path.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    assert len(data) > 3 * page_size
    data[page_size : 3 * page_size] = b"\xa5" * (2 * page_size)
    path.write_bytes(bytes(data))
    with pytest.raises(CorruptStoreError):
        FeedbackStore(path)
    assert not path.exists()
    assert any(p.name.startswith("feedback.db.corrupt-") for p in tmp_path.iterdir())


def test_store_from_a_newer_kiosk_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "feedback.db"
    FeedbackStore(path).close()
    db = sqlite3.connect(path)
    with db:
        db.execute("INSERT INTO schema_version (version) VALUES (?)", (SCHEMA_VERSION + 1,))
    db.close()
    with pytest.raises(FeedbackStoreError, match="newer kiosk"):
        FeedbackStore(path)
    assert path.exists()


def test_closed_store_refuses(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "feedback.db")
    store.close()
    store.close()
    with pytest.raises(FeedbackStoreError, match="closed"):
        store.counts()


# ----- two threads ------------------------------------------------------------------------------


def test_gui_and_engine_threads_share_the_store(store: FeedbackStore) -> None:
    """Two threads answer while a third syncs, as the GUI and engine threads will."""
    errors: list[BaseException] = []
    writers_done = threading.Event()
    per_writer = 30

    def write() -> None:
        try:
            rid = begin(store)
            for n in range(per_writer):
                store.save_answer(rid, f"q{n}", n % 5 + 1)
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    def sync() -> None:
        try:
            while not writers_done.is_set() or store.pending():
                store.mark_sent(store.pending(limit=7))
        except BaseException as exc:
            errors.append(exc)

    writers = [threading.Thread(target=write) for _ in range(2)]
    syncer = threading.Thread(target=sync)
    for thread in [*writers, syncer]:
        thread.start()
    for thread in writers:
        thread.join(timeout=60)
    writers_done.set()
    syncer.join(timeout=60)
    assert not any(t.is_alive() for t in [*writers, syncer])
    assert errors == []
    counts = store.counts()
    assert (counts.responses, counts.answers, counts.sent, counts.pending) == (
        2,
        2 * per_writer,
        2 * per_writer,
        0,
    )
