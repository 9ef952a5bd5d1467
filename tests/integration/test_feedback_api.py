"""The hub's feedback API: kiosk authentication (401, answers stay pending), bad bodies (400 with
the index of the bad answer), size and count limits (413), a malformed answer isolated and kept
while the rest are delivered, results for a specialist's own clinic only, and the CSV export
(HTTP and ``clinic-hub feedback export``) with RFC 4180 quoting and no identifiers."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from kiosk.feedback.store import FeedbackStore, PendingAnswer
from kiosk.feedback.sync import FeedbackSync
from kiosk.feedback.wire import MAX_ANSWERS
from kiosk.hub import cli
from kiosk.hub.api import MAX_FEEDBACK_BODY
from kiosk.hub.export import CSV_COLUMNS
from tests.integration.conftest import WAIT, HubHandle
from tests.integration.feedback_support import GatedSleeper, answer_survey, hub_rows

pytestmark = pytest.mark.integration

COMMENT = 'He said "fine", then, well,\nleft early'


@pytest.fixture
def store(tmp_path: Path) -> Iterator[FeedbackStore]:
    with FeedbackStore(tmp_path / "kiosk" / "feedback.sqlite3") as s:
        yield s


@pytest.fixture
async def syncs() -> AsyncIterator[list[FeedbackSync]]:
    made: list[FeedbackSync] = []
    yield made
    for sync in made:
        await sync.stop()


def answer(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "answer_id": str(uuid.uuid4()), "revision": 1, "response_id": str(uuid.uuid4()),
        "survey_id": "near-me", "survey_version": 1, "language": "en",
        "context": {"waiting_area_id": "main"}, "question_id": "overall", "value": 4,
        "created_at": 1_763_800_000}
    body.update(changes)
    return body


async def raw_post(hub: HubHandle, data: bytes | str, *, token: str | None,
                   content_type: str = "application/json") -> tuple[int, dict[str, Any]]:
    headers = {"Content-Type": content_type}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    async with aiohttp.ClientSession() as session, session.post(
            f"{hub.url}/api/feedback", headers=headers,
            data=io.BytesIO(data.encode() if isinstance(data, str) else data)) as resp:
        return resp.status, await resp.json()


async def post(hub: HubHandle, token: str, *answers: dict[str, Any]) -> tuple[int, Any]:
    return await raw_post(hub, json.dumps({"answers": list(answers)}), token=token)


@pytest.mark.expect_log(
    r"feedback refused: missing or unknown kiosk token",
    logger="kiosk.hub.api")
async def test_wrong_or_missing_token_is_401(hub: HubHandle) -> None:
    body = json.dumps({"answers": [answer()]})
    for token in (None, "not-a-token", "x" * 500):
        status, reply = await raw_post(hub, body, token=token)
        assert status == 401
        assert reply["error"] == "auth_failed"
    async with aiohttp.ClientSession() as session, session.post(  # token in the URL: no
            f"{hub.url}/api/feedback?token={hub.new_kiosk_token()}", data=body,
            headers={"Content-Type": "application/json"}) as resp:
        assert resp.status == 401
    assert hub_rows(hub.storage) == {}


@pytest.mark.expect_log(r"feedback not delivered \(attempt", logger="kiosk.feedback.sync")
@pytest.mark.expect_log(
    r"feedback refused: missing or unknown kiosk token",
    logger="kiosk.hub.api")
async def test_wrong_token_keeps_answers_pending_with_a_clear_status(
        hub: HubHandle, store: FeedbackStore, syncs: list[FeedbackSync]) -> None:
    _, ids = answer_survey(store)
    sleeper = GatedSleeper(free=2)
    sync = FeedbackSync(store, hub.url, lambda: "revoked-or-wrong-token", sleeper=sleeper)
    syncs.append(sync)
    await sync.start()
    status = await sync.wait_for(lambda s: len(sleeper.delays) == 3, WAIT)
    assert "refused this kiosk's device token (HTTP 401)" in (status.last_error or "")
    assert "revoked-or-wrong-token" not in repr(status)
    assert status.failures == 3
    assert store.counts().pending == len(ids)
    assert hub_rows(hub.storage) == {}


@pytest.mark.expect_log(r"feedback not delivered \(attempt", logger="kiosk.feedback.sync")
@pytest.mark.expect_log(r"feedback refused from kiosk", logger="kiosk.hub.api")
async def test_no_token_yet(hub: HubHandle, store: FeedbackStore,
                            syncs: list[FeedbackSync]) -> None:
    answer_survey(store)
    sleeper = GatedSleeper()
    sync = FeedbackSync(store, hub.url, lambda: None, sleeper=sleeper)
    syncs.append(sync)
    await sync.start()
    status = await sync.wait_for(lambda s: s.state == "retrying", WAIT)
    assert "not paired" in (status.last_error or "")


@pytest.mark.parametrize(("body", "index", "words"), [
    (b"{not json", None, "not valid JSON"),
    (b"[]", None, "JSON object"),
    (b'{"answers": {}}', None, "'answers' must be a list"),
    (json.dumps({"answers": [answer(), 7]}), 1, "answer 1: each answer must be a JSON object"),
    (json.dumps({"answers": [answer(answer_id="42")]}), 0, "'answer_id' must be a UUID"),
    (json.dumps({"answers": [answer(revision=0)]}), 0, "'revision'"),
    (json.dumps({"answers": [answer(revision="2")]}), 0, "'revision'"),
    (json.dumps({"answers": [answer(value=True)]}), 0, "'value'"),
    (json.dumps({"answers": [answer(value=[1])]}), 0, "'value'"),
    (json.dumps({"answers": [answer(value="x" * 5001)]}), 0, "'value'"),
    (json.dumps({"answers": [answer(survey_id="no spaces")]}), 0, "'survey_id'"),
    (json.dumps({"answers": [answer(language="English!")]}), 0, "'language'"),
    (json.dumps({"answers": [answer(context={"call_quality": "superb"})]}), 0, "'context'"),
    (json.dumps({"answers": [answer(created_at=-1)]}), 0, "'created_at'"),
    (json.dumps({"answers": [{k: v for k, v in answer().items() if k != "value"}]}), 0,
     "'value' is missing"),
])
@pytest.mark.expect_log(r"feedback refused from kiosk", logger="kiosk.hub.api")
async def test_malformed_body_is_400(hub: HubHandle, body: bytes | str, index: int | None,
                                     words: str) -> None:
    status, reply = await raw_post(hub, body, token=hub.new_kiosk_token())
    assert status == 400
    assert reply["error"] == "bad_request"
    assert words in reply["message"]
    assert reply.get("index") == index
    assert "xxxxx" not in reply["message"]  # never echoes what was sent
    assert hub_rows(hub.storage) == {}  # nothing of a bad request is stored


async def test_wrong_content_type_is_415(hub: HubHandle) -> None:
    status, _ = await raw_post(hub, json.dumps({"answers": []}), token=hub.new_kiosk_token(),
                               content_type="text/plain")
    assert status == 415


async def test_unknown_context_is_dropped_not_stored(hub: HubHandle) -> None:
    token = hub.new_kiosk_token()
    a = answer(context={"waiting_area_id": "main", "patient_name": "Jo Bloggs"})
    status, _ = await post(hub, token, a)
    assert status == 200
    row = hub.storage.connection.execute(
        "SELECT context, waiting_area FROM feedback_answers").fetchone()
    assert "Jo Bloggs" not in row[0]
    assert row[1] == "main"


@pytest.mark.expect_log(r"feedback refused from kiosk", logger="kiosk.hub.api")
async def test_too_large_is_413(hub: HubHandle) -> None:
    token = hub.new_kiosk_token()
    big = json.dumps({"answers": [answer(value="y" * 5000) for _ in range(220)]})
    assert len(big) > MAX_FEEDBACK_BODY
    status, reply = await raw_post(hub, big, token=token)
    assert status == 413
    assert reply["error"] == "too_large"

    many = json.dumps({"answers": [answer() for _ in range(MAX_ANSWERS + 1)]})
    assert len(many) < MAX_FEEDBACK_BODY
    status, reply = await raw_post(hub, many, token=token)
    assert status == 413

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: counted while reading
        for _ in range(40):
            yield b"z" * 32 * 1024

    async with aiohttp.ClientSession() as session, session.post(
            f"{hub.url}/api/feedback", data=chunks(),
            headers={"Authorization": f"Bearer {token}",
                     "Content-Type": "application/json"}) as resp:
        assert resp.status == 413
    assert hub_rows(hub.storage) == {}


async def test_a_full_batch_of_long_answers_is_accepted(hub: HubHandle, tmp_path: Path,
                                                        syncs: list[FeedbackSync]) -> None:
    """Bigger than the hub's general 16 KiB body limit, within the feedback limit."""
    with FeedbackStore(tmp_path / "long.sqlite3") as store:
        for n in range(120):
            answer_survey(store, (("comments", f"{n} " + "é" * 2000),))
        token = hub.new_kiosk_token()
        status, _ = await post(hub, token, *(answer(value="é" * 1000) for _ in range(100)))
        assert status == 200
        sync = FeedbackSync(store, hub.url, lambda: token, sleeper=GatedSleeper())
        syncs.append(sync)
        await sync.start()
        await sync.wait_for(lambda s: s.sent == 120 and s.state == "idle", WAIT)
        assert sync.status.failures == 0
    assert len(hub_rows(hub.storage)) == 220


class OneBadAnswer:
    """A real store whose outbox also holds one answer the hub will refuse."""

    def __init__(self, store: FeedbackStore, bad: PendingAnswer) -> None:
        self.store = store
        self.bad = bad
        self.bad_pending = True

    def pending(self, limit: int = 100) -> list[PendingAnswer]:
        real = self.store.pending(limit)
        return ([*real[:3], self.bad, *real[3:]] if self.bad_pending else real)[:limit]

    def mark_sent(self, answers: Any) -> int:
        answers = list(answers)
        if self.bad in answers:
            self.bad_pending = False
        return self.store.mark_sent([a for a in answers if a is not self.bad])


@pytest.mark.expect_log(r"the hub refused feedback answer", logger="kiosk.feedback.sync")
@pytest.mark.expect_log(r"feedback refused from kiosk", logger="kiosk.hub.api")
async def test_a_malformed_answer_is_kept_and_the_rest_delivered(
        hub: HubHandle, store: FeedbackStore, syncs: list[FeedbackSync]) -> None:
    _, ids = answer_survey(store)
    bad = replace(store.pending()[0], answer_id=str(uuid.uuid4()), survey_id="not valid!")
    outbox = OneBadAnswer(store, bad)
    sync = FeedbackSync(outbox, hub.url, hub.new_kiosk_token, sleeper=GatedSleeper())
    syncs.append(sync)
    await sync.start()
    status = await sync.wait_for(lambda s: s.sent == len(ids) and s.state == "idle", WAIT)
    assert status.held == 1
    assert "refused 1 answer(s) as malformed" in (status.last_error or "")
    assert outbox.bad_pending  # never marked sent, never dropped
    assert sorted(hub_rows(hub.storage)) == sorted(ids)
    assert store.counts().pending == 0


async def deliver(hub: HubHandle, token: str, store: FeedbackStore,
                  syncs: list[FeedbackSync]) -> None:
    sync = FeedbackSync(store, hub.url, lambda: token, sleeper=GatedSleeper())
    syncs.append(sync)
    await sync.start()
    await sync.wait_for(lambda s: s.state == "idle" and store.counts().pending == 0, WAIT)
    await sync.stop()


async def get_json(session: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with session.get(url) as resp:
        return resp.status, await resp.json()


async def test_results_only_for_the_specialists_clinic(
        hub: HubHandle, tmp_path: Path, store: FeedbackStore,
        syncs: list[FeedbackSync]) -> None:
    # The demo clinic: two patients, one says no journey saved and withdraws a comment.
    _, _ = answer_survey(store)
    rid, _ = answer_survey(store, (("overall", 2), ("saved_journey", "no"),
                                   ("comments", "Sound was poor")))
    store.withdraw_answer(rid, "comments")
    await deliver(hub, hub.new_kiosk_token(), store, syncs)
    # Another clinic's kiosk.
    other_clinic, _ = hub.new_clinic("Elsewhere")
    with FeedbackStore(tmp_path / "other.sqlite3") as other:
        answer_survey(other, (("overall", 1), ("comments", "Other clinic secret")))
        await deliver(hub, hub.new_kiosk_token(clinic_id=other_clinic), other, syncs)
    hub.new_specialist(other_clinic, "dr.other")

    session = hub.client_session()
    status, _ = await get_json(session, f"{hub.url}/api/feedback")
    assert status == 401
    await hub.login(session)
    status, data = await get_json(session, f"{hub.url}/api/feedback")
    assert status == 200
    summary = data["summary"]
    assert data["clinic"]["id"] == hub.seed.clinic_id
    assert summary["counts"]["responses"] == 2
    assert summary["counts"]["answers"] == 7 + 2  # the withdrawn comment is not counted
    assert summary["experience"]["average"] == 3.0
    assert summary["experience"]["by_week"][0]["count"] == 2
    assert summary["saved_journey"]["share_yes"] == 0.5
    assert {"value": "1_to_2h", "count": 1} in summary["time_saved"]["counts"]
    assert [c["text"] for c in summary["comments"]] == ["Very easy, thank you."]
    texts = json.dumps(data)
    assert "Other clinic secret" not in texts
    assert "Sound was poor" not in texts
    for row in data["answers"]:
        assert set(row) == set(CSV_COLUMNS)

    other_session = hub.client_session()
    await hub.login(other_session, "dr.other", "correct horse 1")
    _, theirs = await get_json(other_session, f"{hub.url}/api/feedback")
    assert [c["text"] for c in theirs["summary"]["comments"]] == ["Other clinic secret"]
    async with other_session.get(f"{hub.url}/api/feedback.csv") as resp:
        text = await resp.text()
    assert "Other clinic secret" in text
    assert "Very easy" not in text


def parse(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


async def test_csv_export_quoting_and_no_identifiers(
        hub: HubHandle, store: FeedbackStore, syncs: list[FeedbackSync],
        capsys: pytest.CaptureFixture[str]) -> None:
    rid, ids = answer_survey(store, (("overall", 5), ("comments", COMMENT)))
    _, more = answer_survey(store, (("comments", "=HYPERLINK(\"http://x\")"),))
    await deliver(hub, hub.new_kiosk_token(), store, syncs)

    session = hub.client_session()
    async with session.get(f"{hub.url}/api/feedback.csv") as resp:
        assert resp.status == 401
    await hub.login(session)
    async with session.get(f"{hub.url}/api/feedback.csv") as resp:
        assert resp.status == 200
        assert resp.content_type == "text/csv"
        assert "attachment" in resp.headers["Content-Disposition"]
        assert resp.headers["Cache-Control"] == "no-store"
        http_text = await resp.text()

    db = hub.config.db_path
    assert cli.main(["feedback", "export", "--csv", "--db", str(db)]) == 0
    cli_text = capsys.readouterr().out
    assert cli_text == http_text
    lines = cli_text.split("\r\n")
    assert lines[0] == ",".join(CSV_COLUMNS)
    assert '"He said ""fine"", then, well,\nleft early"' in cli_text  # RFC 4180 quoting
    rows = parse(cli_text)
    assert [r["value"] for r in rows] == ["5", COMMENT, "'=HYPERLINK(\"http://x\")"]
    assert [r["response"] for r in rows] == ["1", "1", "2"]
    assert rows[0]["clinic"] == hub.seed.clinic_name
    assert rows[0]["waiting_area"] == "main"
    assert rows[0]["call_duration"] == "5_to_15_min"
    assert len(rows[0]["date"]) == 10  # the day only, never the time
    for secret in (rid, *ids, *more):
        assert secret not in cli_text

    assert cli.main(["feedback", "export", "--json", "--db", str(db), "--clinic",
                     str(hub.seed.clinic_id), "--since", "2000-01-01"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["value"] for r in data["answers"]] == [5, COMMENT, "=HYPERLINK(\"http://x\")"]
    assert data["summary"]["counts"]["comments"] == 2

    assert cli.main(["feedback", "export", "--db", str(db), "--since", "2999-01-01"]) == 0
    assert capsys.readouterr().out == ",".join(CSV_COLUMNS) + "\r\n"
    assert cli.main(["feedback", "export", "--db", str(db), "--since", "yesterday"]) == 2
    assert "--since must be YYYY-MM-DD" in capsys.readouterr().err
    assert cli.main(["feedback", "export", "--db", str(db), "--clinic", "99"]) == 2
    assert cli.main(["feedback", "export", "--csv", "--json", "--db", str(db)]) == 2


async def test_results_with_no_feedback_yet(hub: HubHandle) -> None:
    session = hub.client_session()
    await hub.login(session)
    status, data = await get_json(session, f"{hub.url}/api/feedback")
    assert status == 200
    summary = data["summary"]
    assert summary["counts"] == {"responses": 0, "answers": 0, "comments": 0, "by_question": {}}
    assert summary["experience"]["average"] is None
    assert summary["saved_journey"]["share_yes"] is None
    assert [c["count"] for c in summary["time_saved"]["counts"]] == [0, 0, 0, 0]
    assert data["answers"] == []
    status, reply = await get_json(session, f"{hub.url}/api/feedback?since=last-week")
    assert status == 400
    assert "since" in reply["message"]
