"""The kiosk's step as it reports it to the hub (``status``), and staff answering a help
request (``help_coming``), as rules of the pure journey."""

from __future__ import annotations

import pytest

from kiosk import protocol
from kiosk.journey import KIOSK_STEP_OF, Journey, Step, kiosk_status


def test_every_journey_step_maps_onto_a_protocol_step() -> None:
    assert set(KIOSK_STEP_OF) == set(Step)
    assert set(KIOSK_STEP_OF.values()) <= set(protocol.KIOSK_STEPS)
    # Every protocol step but out_of_service is some journey step's.
    assert set(protocol.KIOSK_STEPS) - set(KIOSK_STEP_OF.values()) == {"out_of_service"}


@pytest.mark.parametrize(("step", "reported"), [
    (Step.ATTRACT, "idle"), (Step.CHECK_IN, "checking_in"),
    (Step.DEVICE_CHECKS, "device_checks"), (Step.WAITING, "waiting"),
    (Step.CONSULTATION, "in_call"), (Step.FEEDBACK, "feedback"), (Step.THANKS, "feedback"),
    (Step.ADMIN, "admin"),
])
def test_in_service_the_step_is_the_journeys(step: Step, reported: str) -> None:
    assert kiosk_status(step) == (reported, None)


def test_out_of_service_says_why_except_in_admin_mode() -> None:
    reason = "No hub address is set.\n Set it in admin mode." + "x" * 300
    step, detail = kiosk_status(Step.ATTRACT, in_service=False, reason=reason)
    assert step == "out_of_service"
    assert detail is not None
    assert detail.startswith("No hub address is set. Set it in admin mode.")
    assert len(detail) == 200
    assert kiosk_status(Step.CHECK_IN, in_service=False) == ("out_of_service", None)
    assert kiosk_status(Step.ADMIN, in_service=False, reason=reason) == ("admin", None)


def test_staff_answering_help_says_who_is_coming_until_the_next_request() -> None:
    j = Journey(now=0.0)
    j.start(1)
    assert j.help_on_its_way("Sam", 2) == []
    assert not j.visit.help_coming  # nothing asked: nothing to tell
    j.request_help(3)
    j.help_acknowledged(4)
    assert (j.visit.help_acknowledged, j.visit.help_coming) == (True, False)
    j.help_on_its_way("Sam", 5)
    assert (j.visit.help_coming, j.visit.help_coming_by) == (True, "Sam")
    j.request_help(6)  # asking again: a new alert, not answered yet
    assert (j.visit.help_acknowledged, j.visit.help_coming, j.visit.help_coming_by) == (
        False, False, "")
    j.help_on_its_way("", 7)
    assert (j.visit.help_coming, j.visit.help_coming_by) == (True, "")
    j.dismiss_help(8)
    j.help_on_its_way("Sam", 9)  # closed by the patient: not shown again
    assert not j.visit.help_requested
    j.request_help(10)
    j.help_on_its_way("Sam", 11)
    j.cancel_visit(12)  # the privacy reset forgets it
    assert (j.visit.help_coming, j.visit.help_coming_by) == (False, "")
