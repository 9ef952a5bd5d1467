"""Plain records the hub's storage hands out. They hold hashes, never secrets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any


@dataclass(frozen=True)
class Clinic:
    """A community clinic."""

    id: int
    name: str


@dataclass(frozen=True)
class WaitingArea:
    """A virtual waiting area; it belongs to one clinic."""

    id: int
    clinic_id: int
    name: str


@dataclass(frozen=True)
class Specialist:
    """A specialist's account."""

    id: int
    clinic_id: int
    username: str
    display_name: str
    password_hash: str
    failed_logins: int
    locked_until: float | None

    def public(self) -> dict[str, object]:
        """What the console and the protocol may see."""
        return {"id": self.id, "name": self.display_name, "clinic": self.clinic_id,
                "username": self.username}


@dataclass(frozen=True)
class KioskRecord:
    """A paired kiosk, as the hub stores it."""

    id: int
    clinic_id: int
    room: str
    name: str | None
    last_seen: float | None


@dataclass(frozen=True)
class Session:
    """A specialist's signed-in session (the token itself is only in the browser's cookie)."""

    specialist_id: int
    csrf_token: str
    expires_at: float


@dataclass(frozen=True)
class AppointmentRecord:
    """An appointment as the hub stores it, with the names a waiting list needs."""

    id: int
    starts_at: float
    waiting_area_id: int
    waiting_area_name: str
    clinic_id: int
    clinic_name: str
    specialist_id: int | None
    specialist_name: str | None
    patient_name: str | None
    code_expires_at: float
    code_used_at: float | None


@dataclass(frozen=True)
class CallRecord:
    """One finished visit: no media and no content, only times and a quality summary."""

    visit_id: str
    appointment_id: int | None
    clinic_id: int
    kiosk_id: int | None
    specialist_id: int | None
    checked_in_at: float
    started_at: float | None
    ended_at: float
    end_reason: str
    reconnects: int
    quality: str | None


@dataclass(frozen=True)
class StoredAnswer:
    """One feedback answer as the hub holds it (no ids leave the hub except ``response_id``
    for grouping, which exports replace with a number). ``value`` is never None here:
    withdrawn answers are kept only to stop an older revision bringing them back."""

    response_id: str
    clinic_id: int
    clinic_name: str
    waiting_area: str | None
    survey_id: str
    survey_version: int
    language: str
    context: Mapping[str, Any]
    question_id: str
    value: int | float | str | None
    created_at: int

    @property
    def day(self) -> date:
        return datetime.fromtimestamp(self.created_at, UTC).date()
