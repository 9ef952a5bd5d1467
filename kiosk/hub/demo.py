"""Demo data: one clinic, a waiting area, a specialist login, a reception login (site staff
of the demo clinic, for the reception console) and an appointment due now, so the whole journey
works on one machine (``clinic-hub serve --demo``, the kiosk's demo mode, tests).

Seeding again into the same database reuses the demo clinic, waiting area and accounts (with new
passwords) and adds a new appointment.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from kiosk.hub.clock import Clock, SystemClock
from kiosk.hub.codes import issue_appointment
from kiosk.hub.models import SITE_STAFF
from kiosk.hub.passwords import hash_password
from kiosk.hub.secretstore import HubSecrets
from kiosk.hub.storage import Storage

DEMO_CLINIC = "Demo Community Clinic"
DEMO_WAITING_AREA = "Main waiting area"
DEMO_USERNAME = "demo.specialist"
DEMO_DISPLAY_NAME = "Dr Demo Specialist"
DEMO_RECEPTION_USERNAME = "demo.reception"
DEMO_RECEPTION_NAME = "Demo Reception"


@dataclass(frozen=True)
class DemoSeed:
    """What :func:`seed_demo` created, including the secrets a demo needs to show."""

    clinic_id: int
    clinic_name: str
    waiting_area_id: int
    waiting_area_name: str
    specialist_id: int
    specialist_username: str
    specialist_name: str
    specialist_password: str
    appointment_id: int
    appointment_code: str
    reception_username: str = DEMO_RECEPTION_USERNAME
    reception_password: str = ""

    def __repr__(self) -> str:
        return (f"DemoSeed(clinic_id={self.clinic_id}, waiting_area_id={self.waiting_area_id}, "
                f"specialist_id={self.specialist_id}, appointment_id={self.appointment_id})")


def seed_demo(storage: Storage, secrets_: HubSecrets, *, clock: Clock | None = None,
              password: str | None = None, patient_name: str | None = None) -> DemoSeed:
    """Create (or reuse) the demo clinic, waiting area and specialist, give the specialist a
    password (random unless given) and add an appointment due now."""
    now = (clock or SystemClock()).now()
    password = password or secrets.token_urlsafe(12)
    password_hash = hash_password(password)
    clinic = storage.clinic_by_name(DEMO_CLINIC) or storage.create_clinic(DEMO_CLINIC, now)
    area = next((a for a in storage.waiting_areas(clinic.id) if a.name == DEMO_WAITING_AREA),
                None) or storage.create_waiting_area(clinic.id, DEMO_WAITING_AREA, now)
    spec = storage.specialist_by_username(DEMO_USERNAME)
    if spec is None:
        spec = storage.create_specialist(clinic.id, DEMO_USERNAME, DEMO_DISPLAY_NAME,
                                         password_hash, now)
    else:
        storage.set_password_hash(spec.id, password_hash)
    reception_password = secrets.token_urlsafe(12)
    desk = storage.specialist_by_username(DEMO_RECEPTION_USERNAME)
    if desk is None:
        desk = storage.create_account(SITE_STAFF, DEMO_RECEPTION_USERNAME, DEMO_RECEPTION_NAME,
                                      hash_password(reception_password), now)
        storage.add_site_staff(desk.id, clinic.id, now)
    else:
        storage.set_password_hash(desk.id, hash_password(reception_password))
    issued = issue_appointment(storage, secrets_, waiting_area_id=area.id, starts_at=now,
                               now=now, specialist_id=spec.id, patient_name=patient_name)
    return DemoSeed(clinic_id=clinic.id, clinic_name=clinic.name, waiting_area_id=area.id,
                    waiting_area_name=area.name, specialist_id=spec.id,
                    specialist_username=spec.username, specialist_name=spec.display_name,
                    specialist_password=password, appointment_id=issued.appointment.id,
                    appointment_code=issued.code, reception_username=desk.username,
                    reception_password=reception_password)
