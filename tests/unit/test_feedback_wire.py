"""The feedback answer's wire format, defined once (kiosk/feedback/wire.py): what the kiosk's
outbox sends is exactly what the hub accepts, and the hub's checks refuse the rest."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from kiosk.feedback.store import PendingAnswer
from kiosk.feedback.wire import (
    FIELDS,
    MAX_ANSWERS,
    FeedbackError,
    WireAnswer,
    check_answer,
    check_body,
    to_wire,
)

PENDING = PendingAnswer("00000000-0000-4000-8000-000000000001", 2,
                        "00000000-0000-4000-8000-000000000002", "near-me", 3, "cy",
                        {"call_quality": "good", "waiting_area_id": 4}, "overall", 5,
                        1_750_000_000)


def test_what_the_kiosk_sends_the_hub_accepts_unchanged() -> None:
    wire = to_wire(PENDING)
    assert tuple(wire) == FIELDS
    checked = check_answer(wire)
    assert checked == WireAnswer(**{**wire, "context": PENDING.context})
    assert to_wire(checked) == wire


def test_a_withdrawal_is_a_null_value() -> None:
    assert check_answer(to_wire(replace(PENDING, value=None))).value is None


@pytest.mark.parametrize(("field", "bad"), [
    ("answer_id", "not-a-uuid"), ("revision", 0), ("revision", True), ("survey_id", "a b"),
    ("survey_version", -1), ("language", "English"), ("question_id", ""),
    ("created_at", 1.5), ("context", ["x"]), ("value", True), ("value", float("inf")),
    ("value", ""), ("value", {"a": 1}), ("value", 2**60),
])
def test_each_bad_field_is_named_never_its_value(field: str, bad: Any) -> None:
    wire = {**to_wire(PENDING), field: bad}
    with pytest.raises(FeedbackError) as caught:
        check_answer(wire)
    assert f"'{field}'" in str(caught.value)
    if isinstance(bad, str) and bad:
        assert bad not in str(caught.value)


def test_a_missing_value_is_not_a_withdrawal() -> None:
    wire = to_wire(PENDING)
    del wire["value"]
    with pytest.raises(FeedbackError, match="'value' is missing"):
        check_answer(wire)


def test_unknown_context_is_dropped_unread() -> None:
    wire = {**to_wire(PENDING), "context": {"call_quality": "good", "patient_name": "A N Other"}}
    assert dict(check_answer(wire).context) == {"call_quality": "good"}


def test_a_body_names_the_first_bad_answer_and_caps_its_size() -> None:
    good = to_wire(PENDING)
    with pytest.raises(FeedbackError) as caught:
        check_body({"answers": [good, {**good, "revision": 0}, {**good, "language": "?"}]})
    assert caught.value.index == 1
    assert caught.value.status == 400
    with pytest.raises(FeedbackError) as caught:
        check_body({"answers": [good] * (MAX_ANSWERS + 1)})
    assert caught.value.status == 413
    bodies: list[object] = [[], {"answers": {}}, None]
    for body in bodies:
        with pytest.raises(FeedbackError):
            check_body(body)
