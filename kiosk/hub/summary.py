"""What the feedback says, in figures: counts, the faces score per week, the share whose
journey the kiosk saved, the time saved and the comments (``GET /api/feedback`` and
``clinic-hub feedback export --json``). Pure functions over :class:`StoredAnswer` lists.

The questions it knows are those of ``resources/surveys/near-me.toml`` (constants below);
answers to other questions are still counted.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final

from kiosk.hub.models import StoredAnswer

FACES_QUESTION: Final = "overall"
SAVED_JOURNEY_QUESTION: Final = "saved_journey"
JOURNEY_TIME_QUESTION: Final = "journey_time"
COMMENTS_QUESTION: Final = "comments"
JOURNEY_TIMES: Final = ("under_1h", "1_to_2h", "2_to_4h", "over_4h")
#: Most comments in the summary (newest first).
MAX_COMMENTS: Final = 500


def _week(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


def _number(value: object) -> float | None:
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
