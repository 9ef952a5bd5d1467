"""Records of the hub's live state as storage keeps it (``live_visits``, ``live_help``).

Rules that matter:

- A row names only shared things (a random visit id, database ids, unix times, the SHA-256 of
  the resume token), never a connection or anything that lives in one process, so another hub
  process could read and take it over. ``owner`` says which process last wrote it.
- The resume token itself is never stored, only its hash; a restarted hub cannot give a client
  its token again (it does not need to: the client kept it).
"""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.hub.models import AppointmentRecord, KioskRecord, Specialist


@dataclass(frozen=True)
class NewLiveVisit:
    """What a check-in writes, with the code redemption, in one transaction."""

    visit_id: str
    resume_hash: str
    kiosk_id: int | None
    checked_in_at: float
    checks_json: str
    owner: str


@dataclass(frozen=True)
class LiveVisitRecord:
    """A live visit as stored: enough to rebuild the hub's memory copy after a restart."""

    visit_id: str
    appointment: AppointmentRecord
    kiosk: KioskRecord | None
    resume_hash: str
    checked_in_at: float
    checks_json: str
    help_requested: bool
    call_state: str | None
    specialist: Specialist | None
    started_at: float | None
    offers: int
    quality_json: str | None
    owner: str
    updated_at: float


@dataclass(frozen=True)
class LiveHelpRecord:
    """A kiosk's help request from before anyone checked in on it."""

    kiosk: KioskRecord
    since: float
    owner: str


@dataclass(frozen=True)
class HelpState:
    """A help request's latest time and its acknowledgement, as stored (a live visit's
    ``help_at``/``help_acknowledged_*`` or a kiosk's ``live_help.acknowledged_*``).
    ``acknowledged_name`` is the account's display name, read with the row."""

    help_at: float | None
    acknowledged_by: int | None
    acknowledged_name: str | None
    acknowledged_at: float | None
