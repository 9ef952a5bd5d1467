"""The feedback export never lets a spreadsheet run a patient's text (kiosk/hub/export.py)."""

from __future__ import annotations

import csv
import io

import pytest

from kiosk.hub.export import CSV_COLUMNS, csv_cell, to_csv
from kiosk.hub.models import StoredAnswer


@pytest.mark.parametrize("text", [
    "=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", " =1", "   +cmd", "\u00a0=1",
    "fine\n=HYPERLINK(\"x\")", "ok\r\n@x", "\uff1d1+1", "\uff0b1", "|calc", " |calc",
    "\u3000=1",
])
def test_formula_starts_are_neutralised(text: str) -> None:
    assert csv_cell(text) == "'" + text


@pytest.mark.parametrize("text", ["Lovely staff", "5 stars", "a-ok", "e=mc2", "", "1 + 1"])
def test_plain_text_is_left_alone(text: str) -> None:
    assert csv_cell(text) == text


def test_numbers_stay_numbers() -> None:
    assert csv_cell(-3) == "-3"  # a number, not text: no apostrophe
    assert csv_cell(4.0) == "4"
    assert csv_cell(None) == ""


def test_the_csv_round_trips_with_the_apostrophe() -> None:
    answer = StoredAnswer("r1", 1, "Clinic", None, "near-me", 1, "en", {}, "comments",
                          " =cmd|' /C calc'!A0", 1_750_000_000)
    rows = list(csv.reader(io.StringIO(to_csv([answer]))))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[1][CSV_COLUMNS.index("value")] == "' =cmd|' /C calc'!A0"
