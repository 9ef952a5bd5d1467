"""A call cut off by the network or the hub (not ended by anyone): the patient is told plainly
and sent to reception, over the survey, in their language; a call someone ended says nothing."""

from __future__ import annotations

import pytest
from pytestqt.qtbot import QtBot

from kiosk.journey import CONNECTION_LOST, Step
from tests.ui.support import click, journey_at
from ui.screens.base import LiveState
from ui.window import MainWindow

pytestmark = pytest.mark.ui


@pytest.mark.parametrize("reason", sorted(CONNECTION_LOST))
def test_a_cut_off_call_says_so_and_sends_the_patient_to_reception(
        qtbot: QtBot, window: MainWindow, live: LiveState, reason: str) -> None:
    j = journey_at(Step.CONSULTATION)
    j.call_ended(reason, 8)
    assert j.step is Step.FEEDBACK  # the survey is still offered, under the message
    assert j.visit.call_lost
    assert j.visit.help_requested
    window.render(j, 8, live)
    overlay = window.help_overlay
    assert overlay.isVisible()
    shown = f"{overlay.title.text()} {overlay.body.text()}"
    assert "The call to the specialist was cut off." in shown
    assert "Please ask at reception." in shown
    # Closing it leaves the survey; the next visit starts clean.
    click(qtbot, overlay.close_button)
    j.dismiss_help(9)
    window.render(j, 9, live)
    assert not overlay.isVisible()
    assert window.pages.currentWidget() is window.feedback
    j.finish_feedback(10)
    j.finish_thanks(11)
    assert not j.visit.call_lost


def test_the_message_is_in_the_patients_language(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CONSULTATION)
    j.call_ended("network_failed", 8)
    window.render(j, 8, LiveState(language="cy"))
    shown = f"{window.help_overlay.title.text()} {window.help_overlay.body.text()}"
    assert "arbenigwr" in shown  # Welsh
    assert "cut off" not in shown


def test_a_call_the_specialist_ended_gives_no_such_message(
        window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CONSULTATION)
    j.call_ended("specialist_ended", 8)
    assert not j.visit.call_lost
    assert not j.visit.help_requested
    window.render(j, 8, live)
    assert not window.help_overlay.isVisible()
