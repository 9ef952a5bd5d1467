"""Check-in of an appointment staff prepared a kiosk for: by appointment id, kiosks only."""

from __future__ import annotations

import time

import pytest

from kiosk.hub.codes import issue_appointment
from tests.integration.conftest import HubHandle


def new_appointment(hub: HubHandle, *, waiting_area_id: int | None = None) -> int:
    now = time.time()
    specialist = None if waiting_area_id else hub.seed.specialist_id
    issued = issue_appointment(hub.storage, hub.secrets,
                               waiting_area_id=waiting_area_id or hub.seed.waiting_area_id,
                               specialist_id=specialist, starts_at=now, now=now)
    return issued.appointment.id


@pytest.mark.expect_log(r"check_in code_used", logger="kiosk.hub.ws")
async def test_kiosk_checks_in_a_prepared_appointment_once(hub: HubHandle) -> None:
    appointment_id = new_appointment(hub)
    kiosk = await hub.kiosk()
    await kiosk.send("check_in", appointment_id=appointment_id, ref="a")
    checked = await kiosk.expect("checked_in", ref="a")
    assert checked["appointment"]["specialist_name"] == hub.seed.specialist_name

    again = await hub.kiosk()
    await again.send("check_in", appointment_id=appointment_id, ref="b")
    error = await again.expect("error", ref="b")
    assert error["code"] == "code_used"


@pytest.mark.expect_log(
    r"check_in bad_code",
    r"check_in bad_message",
    r"check_in not_allowed",
    logger="kiosk.hub.ws")
async def test_prepared_check_in_refusals(hub: HubHandle) -> None:
    _, other_area = hub.new_clinic("Another Clinic")
    elsewhere = new_appointment(hub, waiting_area_id=other_area)
    mine = new_appointment(hub)

    kiosk = await hub.kiosk()
    await kiosk.send("check_in", appointment_id=elsewhere, ref="x")
    assert (await kiosk.expect("error", ref="x"))["code"] == "bad_code"
    await kiosk.send("check_in", appointment_id=mine, code="123456", ref="y")
    assert (await kiosk.expect("error", ref="y"))["code"] == "bad_message"
    await kiosk.send("check_in", ref="z")
    assert (await kiosk.expect("error", ref="z"))["code"] == "bad_message"

    patient = await hub.patient()  # no kiosk token: only codes
    await patient.send("check_in", appointment_id=mine, ref="p")
    assert (await patient.expect("error", ref="p"))["code"] == "not_allowed"

    # None of the refusals used the appointment up.
    await kiosk.send("check_in", appointment_id=mine, ref="ok")
    await kiosk.expect("checked_in", ref="ok")
