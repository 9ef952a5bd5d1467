"""The feedback recorder: answers checked before anyone keeps them, the response's context (the
waiting area included, as far as the hub's export), withdrawals, and the writer thread's order,
with a real SQLite store file and the shipped survey."""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.feedback.recorder import FeedbackRecorder, response_context, short_name
from kiosk.feedback.store import FeedbackStore
from kiosk.feedback.survey import Survey, load_survey
from kiosk.feedback.wire import check_answer, to_wire
from kiosk.hub.export import answer_rows
from kiosk.hub.storage import Storage

SURVEY = Path(__file__).resolve().parents[2] / "resources" / "surveys" / "near-me.toml"


@pytest.fixture(scope="module")
def survey() -> Survey:
    return load_survey(SURVEY)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeedbackStore]:
    with FeedbackStore(tmp_path / "feedback.sqlite3") as s:
        yield s


@pytest.fixture
def saved() -> list[tuple[str, str]]:
    return []


@pytest.fixture
def recorder(store: FeedbackStore, survey: Survey,
             saved: list[tuple[str, str]]) -> Iterator[FeedbackRecorder]:
    r = FeedbackRecorder(store, survey, on_saved=lambda qid: saved.append(
        (qid, threading.current_thread().name)))
    yield r
    r.close()


def rows(store: FeedbackStore, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(store.path) as db:
        return db.execute(sql).fetchall()


def answers(store: FeedbackStore) -> dict[str, object]:
    return {str(qid): json.loads(str(value))
            for qid, value in rows(store, "SELECT question_id, value FROM answers")}


# ----- accepting answers ------------------------------------------------------------------------


def test_a_fitting_answer_is_accepted_as_the_value_to_keep(recorder: FeedbackRecorder) -> None:
    assert recorder.accept("overall", 4) == 4
    assert recorder.accept("saved_journey", True) == "yes"
    assert recorder.accept("comments", "  Thank you\u202e  ") == "Thank you"


@pytest.mark.expect_log(r"answer not kept: overall: a faces answer",
                        r"answer not kept: journey_time: the answer must be one of",
                        r"answer to an unknown question 'favourite_colour' not kept",
                        logger="kiosk.feedback.recorder")
def test_an_answer_that_does_not_fit_is_refused(recorder: FeedbackRecorder,
                                                store: FeedbackStore) -> None:
    assert recorder.accept("overall", 9) is None
    assert recorder.accept("journey_time", "by_rocket") is None
    assert recorder.accept("favourite_colour", "blue") is None
    recorder.flush()
    assert rows(store, "SELECT * FROM answers") == []


@pytest.mark.expect_log(r"there is no survey", logger="kiosk.feedback.recorder")
def test_without_a_survey_nothing_is_asked_or_kept(store: FeedbackStore) -> None:
    r = FeedbackRecorder(store, None)
    assert r.questions({}) == ()
    assert r.accept("overall", 4) is None
    r.begin("en")
    assert not r.recording
    r.close()
    assert rows(store, "SELECT * FROM responses") == []


def test_questions_follow_the_answers(recorder: FeedbackRecorder) -> None:
    asked = [q.id for q in recorder.questions({"saved_journey": "no"})]
    assert "journey_time" not in asked
    assert "journey_time" in [q.id for q in recorder.questions({"saved_journey": "yes"})]


# ----- storing ----------------------------------------------------------------------------------


def test_answers_are_stored_in_order_on_the_writer_thread(recorder: FeedbackRecorder,
                                                          store: FeedbackStore,
                                                          saved: list[tuple[str, str]]) -> None:
    recorder.begin("cy", call_seconds=600, call_quality="good",
                   waiting_area="Main waiting area", clinic="Oban Community Clinic")
    assert recorder.recording
    given: dict[str, object] = {}
    for qid, value in (("overall", 5), ("see_clearly", "yes"), ("overall", 3)):
        given[qid] = value
        recorder.save(qid, value, given)
    recorder.flush()
    assert [qid for qid, _ in saved] == ["overall", "see_clearly", "overall"]
    assert all(thread.startswith("feedback") for _, thread in saved)
    assert threading.current_thread().name not in {thread for _, thread in saved}
    assert answers(store) == {"overall": 3, "see_clearly": "yes"}
    [(language, context, finished)] = rows(store, "SELECT language, context, finished "
                                                  "FROM responses")
    assert language == "cy"
    assert json.loads(str(context)) == {
        "call_duration": "5_to_15_min", "call_quality": "good",
        "waiting_area_id": "main-waiting-area", "clinic_id": "oban-community-clinic"}
    assert finished == 0


def test_each_answer_is_on_disk_when_it_is_reported_saved(store: FeedbackStore,
                                                          survey: Survey) -> None:
    on_disk = threading.Event()
    r = FeedbackRecorder(store, survey, on_saved=lambda _qid: on_disk.set())
    r.begin("en")
    r.save("overall", 4, {"overall": 4})  # returns at once; no flush, no finish
    assert on_disk.wait(10)
    assert answers(store) == {"overall": 4}  # another connection sees the committed row
    assert r.recording
    r.close()


def test_changing_an_answer_withdraws_the_questions_no_longer_asked(
        recorder: FeedbackRecorder, store: FeedbackStore) -> None:
    recorder.begin("en")
    given: dict[str, object] = {"saved_journey": "yes"}
    recorder.save("saved_journey", "yes", given)
    given["journey_time"] = "under_1h"
    recorder.save("journey_time", "under_1h", given)
    given["saved_journey"] = "no"
    recorder.save("saved_journey", "no", given)
    recorder.flush()
    assert answers(store) == {"saved_journey": "no", "journey_time": None}
    pending = {a.question_id: a.value for a in store.pending()}
    assert pending == {"saved_journey": "no", "journey_time": None}  # the hub hears of it


def test_finish_closes_the_response_and_the_next_visit_gets_its_own(
        recorder: FeedbackRecorder, store: FeedbackStore) -> None:
    recorder.begin("en")
    recorder.begin("pl")  # a second begin for the same visit changes nothing
    recorder.save("overall", 2, {"overall": 2})
    recorder.finish()
    assert not recorder.recording
    recorder.begin("pl")
    recorder.save("overall", 5, {"overall": 5})
    recorder.flush()
    got = rows(store, "SELECT r.language, r.finished, a.value FROM responses r "
                      "JOIN answers a ON a.response_id = r.id ORDER BY r.started_at, a.value")
    assert sorted(got) == [("en", 1, "2"), ("pl", 0, "5")]


def test_close_finishes_the_open_response(store: FeedbackStore, survey: Survey) -> None:
    r = FeedbackRecorder(store, survey)
    r.begin("en")
    r.save("overall", 4, {"overall": 4})
    r.close()
    assert rows(store, "SELECT finished FROM responses") == [(1,)]


@pytest.mark.expect_log(r"answer to overall not saved: no response has begun",
                        logger="kiosk.feedback.recorder")
def test_an_answer_before_the_response_began_is_not_saved(recorder: FeedbackRecorder,
                                                           store: FeedbackStore) -> None:
    recorder.save("overall", 4, {"overall": 4})
    recorder.flush()
    assert rows(store, "SELECT * FROM answers") == []


# ----- the response's context -------------------------------------------------------------------


@pytest.mark.parametrize(("name", "short"), [
    ("Main waiting area", "main-waiting-area"),
    ("Poczekalnia główna", "poczekalnia-glowna"),
    ("Ystafell Aros Ŵyl", "ystafell-aros-wyl"),
    ("  Ward 7 / Outpatients (East)  ", "ward-7-outpatients-east"),
    ("Ärzte & Söhne", "arzte-sohne"),
    ("診療所", ""),
    ("", ""),
    ("x" * 100, "x" * 64),
])
def test_short_names(name: str, short: str) -> None:
    assert short_name(name) == short


def test_context_holds_only_the_facts_it_was_given() -> None:
    assert response_context() == {}
    assert response_context(call_seconds=0) == {"call_duration": "no_call"}
    assert response_context(call_seconds=2000, waiting_area="診療所") == {
        "call_duration": "over_30_min"}


@pytest.mark.expect_log(r"feedback context call_quality left out",
                        logger="kiosk.feedback.recorder")
def test_a_fact_the_store_would_refuse_is_left_out(recorder: FeedbackRecorder,
                                                   store: FeedbackStore) -> None:
    recorder.begin("en", call_quality="superb", waiting_area="Main")
    recorder.save("overall", 4, {"overall": 4})
    recorder.flush()
    [(context,)] = rows(store, "SELECT context FROM responses")
    assert json.loads(str(context)) == {"waiting_area_id": "main"}
    assert answers(store) == {"overall": 4}  # the patient's answer is not lost over it


def test_the_waiting_area_reaches_the_hubs_export(recorder: FeedbackRecorder,
                                                  store: FeedbackStore, tmp_path: Path) -> None:
    recorder.begin("en", call_seconds=120, waiting_area="Main waiting area", clinic="Oban")
    recorder.save("overall", 5, {"overall": 5})
    recorder.flush()
    sent = [check_answer(to_wire(a)) for a in store.pending()]  # what the outbox posts
    hub = Storage.open(tmp_path / "hub.sqlite3")
    clinic = hub.create_clinic("Oban Community Clinic", time.time())
    hub.store_feedback(clinic.id, None, sent, time.time())
    [row] = answer_rows(hub.feedback_answers(clinic_id=clinic.id))
    hub.close()
    assert row["waiting_area"] == "main-waiting-area"
    assert row["call_duration"] == "under_5_min"
    assert row["value"] == 5
