"""Feedback answers as export rows and as CSV (``GET /api/feedback.csv`` and
``clinic-hub feedback export``).

Rules that matter:

- Exports hold no identifiers: no answer, response or kiosk ids, and the date only (not the
  time), so an answer cannot be matched to an appointment. Answers of one sitting share a
  ``response`` number that exists only in that export.
- :data:`CSV_COLUMNS` only ever grows at the end: people's spreadsheets depend on it.
- A patient's text never runs as a spreadsheet formula (:func:`csv_cell`).
"""

from __future__ import annotations

import csv
import io
from typing import Any, Final

from kiosk.hub.models import StoredAnswer

#: The export's columns, in order. Changing them breaks people's spreadsheets: only append.
CSV_COLUMNS: Final = (
    "response", "date", "clinic", "waiting_area", "survey_id", "survey_version", "language",
    "question_id", "value", "call_duration", "call_quality",
)
#: Characters that make a spreadsheet treat a cell as a formula (or a DDE command), ASCII and
#: full-width (Excel and LibreOffice accept both), and "|" (DDE in older Excel).
_FORMULA_CHARS: Final = frozenset("=+-@|\uff1d\uff0b\uff0d\uff20\uff5c")


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


def looks_like_formula(text: str) -> bool:
    """Whether a spreadsheet might run ``text`` as a formula: its first character after any
    white space or control characters, or the first of any of its lines, starts one."""
    for line in text.splitlines() or [text]:
        stripped = line.lstrip(" \t\r\n\x0b\x0c\u00a0\u3000")
        if stripped and stripped[0] in _FORMULA_CHARS:
            return True
        if line[:1] in ("\t", "\r"):
            return True
    return False


def csv_cell(value: object) -> str:
    """One value as CSV text; text that a spreadsheet would run as a formula is prefixed with
    an apostrophe, which spreadsheets show as text (OWASP's advice for CSV injection)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    if isinstance(value, str) and looks_like_formula(text):
        return "'" + text  # a spreadsheet must not run a patient's text as a formula
    return text


def to_csv(answers: list[StoredAnswer]) -> str:
    """RFC 4180 CSV (CRLF line ends, fields quoted when they need it) with a header row of
    :data:`CSV_COLUMNS`, one row per answer."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(CSV_COLUMNS)
    for row in answer_rows(answers):
        writer.writerow([csv_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()
