"""Plain records the hub's storage hands out. They hold hashes, never secrets."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

#: Account roles (``accounts.role``).
CLINICIAN, SITE_STAFF, ADMIN = "clinician", "site_staff", "admin"
ROLES = (CLINICIAN, SITE_STAFF, ADMIN)


@dataclass(frozen=True)
class Clinic:
    """What the old commands call a clinic: a site, whose own organisation and service carry
    the same name (``clinic create`` makes all three; the migration made one of each per old
    clinic, with the clinic's id). ``id`` is the site's id."""

    id: int
    name: str


@dataclass(frozen=True)
class Organisation:
    """A health board or a hospital: owns services; its admins are IT."""

    id: int
    name: str


@dataclass(frozen=True)
class Service:
    """A service of an organisation (e.g. cardiology); owns waiting areas."""

    id: int
    organisation_id: int
    name: str


@dataclass(frozen=True)
class Site:
    """A place patients attend (a community clinic, a practice): owns kiosks, has site staff.
    ``organisation_id`` runs it (optional); ``service_id`` is the service made with it by
    ``clinic create`` (the old commands' clinic), else None."""

    id: int
    name: str
    organisation_id: int | None
    service_id: int | None
    #: Where patients go, for the appointment letter (plain text, lines kept; None: not set).
    address: str | None = None
    #: How to find the kiosk once there, e.g. "Use the side door. Room 2." (None: not set).
    directions: str | None = None


@dataclass(frozen=True)
class WaitingArea:
    """A virtual waiting area; it belongs to one service."""

    id: int
    service_id: int
    name: str


@dataclass(frozen=True)
class Account:
    """A person's account: a clinician, site staff or an organisation's admin. Memberships
    (waiting areas, sites) are rows of their own (:class:`Scope`)."""

    id: int
    role: str
    username: str
    display_name: str
    password_hash: str
    failed_logins: int
    locked_until: float | None
    organisation_id: int | None = None

    def public(self) -> dict[str, object]:
        """What the console and the protocol may see."""
        return {"id": self.id, "name": self.display_name, "username": self.username,
                "role": self.role}


#: The old name: every account that signs in to a console.
Specialist = Account


@dataclass(frozen=True)
class Scope:
    """What an account may see: the waiting areas it is a member of (a clinician), the sites
    it staffs (site staff), and, for a clinician, the sites whose own service (the old
    clinic's) holds one of those areas, whose help requests before check-in it sees too."""

    role: str
    waiting_areas: frozenset[int]
    sites: frozenset[int]
    help_sites: frozenset[int]


@dataclass(frozen=True)
class KioskRecord:
    """A paired kiosk, as the hub stores it; it belongs to one site."""

    id: int
    site_id: int
    room: str
    name: str | None
    last_seen: float | None
    site_name: str = ""

    @property
    def clinic_id(self) -> int:
        """The old name of :attr:`site_id`."""
        return self.site_id


@dataclass(frozen=True)
class Session:
    """A signed-in session (the token itself is only in the browser's cookie)."""

    specialist_id: int
    csrf_token: str
    expires_at: float


@dataclass(frozen=True)
class AppointmentRecord:
    """An appointment as the hub stores it, with the names a waiting list needs. ``site_id``
    is where the patient will attend (None: any kiosk)."""

    id: int
    starts_at: float
    waiting_area_id: int
    waiting_area_name: str
    service_id: int
    service_name: str
    specialist_id: int | None
    specialist_name: str | None
    patient_name: str | None
    code_expires_at: float
    code_used_at: float | None
    site_id: int | None = None
    site_name: str | None = None
    #: The patient's language for the appointment letter (en, pl, cy).
    language: str = "en"
    #: The account (site staff) who booked it at reception; None when made by the CLI.
    booked_by: int | None = None

    @property
    def clinic_name(self) -> str:
        """What the protocol's ``clinic`` has always named for a patient: the service."""
        return self.service_name


@dataclass(frozen=True)
class CallRecord:
    """One finished visit: no media and no content, only times and a quality summary."""

    visit_id: str
    appointment_id: int | None
    clinic_id: int | None  # the site the patient was at (``calls.site_id``)
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
    clinic_id: int  # the kiosk's site
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


@dataclass(frozen=True)
class Membership:
    """One membership: a clinician in a waiting area (``kind`` ``waiting_area``) or site staff
    at a site (``kind`` ``site``), with the names a listing needs."""

    account_id: int
    username: str
    role: str
    kind: str
    target_id: int
    target_name: str
