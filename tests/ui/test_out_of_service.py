"""The out-of-service screen: it stands in for every patient step while the kiosk cannot serve
patients, reads calmly in each language, passes the accessibility checks in every look, and
leaves the way into admin mode open for staff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from kiosk.journey import Step
from kiosk.service import NO_KEYRING, NOT_PAIRED, READY, ServiceState
from tests.ui import test_accessibility as a11y
from tests.ui.support import click, journey_at
from ui.screens.base import LiveState
from ui.window import MainWindow

pytestmark = pytest.mark.ui

NOT_READY = ServiceState(NOT_PAIRED, "This kiosk is not paired with the hub.")
WORDS = {
    "en": ("This kiosk is not ready.", "Please ask at reception."),
    "pl": ("Ten kiosk nie jest gotowy.", "Zapytaj w recepcji."),
    "cy": ("Dydy'r ciosg hwn ddim yn barod.", "Gofynnwch yn y dderbynfa, os gwelwch yn dda."),
}
#: Set CLINIC_KIOSK_SHOTS to a folder to keep a picture of each look.
SHOTS = os.environ.get("CLINIC_KIOSK_SHOTS")


def test_it_stands_in_for_every_patient_step_but_not_for_admin(window: MainWindow) -> None:
    live = LiveState()
    window.set_service(NOT_READY)
    for step in (Step.ATTRACT, Step.CHECK_IN, Step.WAITING, Step.THANKS):
        window.render(journey_at(step), 0.0, live)
        assert window.pages.currentWidget() is window.out_of_service, step
        assert not window.header.help_button.isVisible()  # nobody would answer it
        assert window.header.isVisible()  # the clinic's name: staff hold it for admin mode
    staff = journey_at(Step.ATTRACT)
    staff.enter_admin(1.0)
    window.render(staff, 1.0, live)
    assert window.pages.currentWidget() is window.admin
    window.set_service(ServiceState(READY))
    window.render(journey_at(Step.ATTRACT), 0.0, live)
    assert window.pages.currentWidget() is window.welcome
    assert window.header.help_button.isVisible()


@pytest.mark.parametrize("look", ["normal", "high_contrast", "large_text"])
@pytest.mark.parametrize("code", ["en", "pl", "cy"])
def test_it_reads_in_each_language_and_passes_the_checks(qtbot: QtBot, window: MainWindow,
                                                         code: str, look: str) -> None:
    live = LiveState(language=code, high_contrast=look == "high_contrast",
                     large_text=look == "large_text")
    window.set_service(NOT_READY)
    window.render(journey_at(Step.ATTRACT), 0.0, live)
    screen = window.out_of_service
    heading, body = WORDS[code]
    assert (screen.heading.text(), screen.body.text()) == (heading, body)
    assert screen.accessibleName() == f"{heading} {body}"
    assert "paired" not in screen.heading.text() + screen.body.text()  # the reason is for staff
    assert screen.language_buttons[code].isChecked()
    problems: list[str] = []
    for check in (a11y.check_names, a11y.check_target_sizes, a11y.check_contrast,
                  a11y.check_clipping):
        problems += check(window)
    problems += a11y.check_keyboard(qtbot, window)
    assert not problems, "\n".join(problems)
    if SHOTS:
        window.grab().save(str(Path(SHOTS) / f"out-of-service-{code}-{look}.png"))


def test_a_language_button_changes_the_language(qtbot: QtBot, window: MainWindow) -> None:
    window.set_service(NOT_READY)
    window.render(journey_at(Step.ATTRACT), 0.0, LiveState())
    with qtbot.waitSignal(window.language_chosen) as chosen:
        click(qtbot, window.out_of_service.language_buttons["cy"])
    assert chosen.args == ["cy"]


@pytest.mark.parametrize(("name", "code"), [("60_out_of_service_unpaired", NOT_PAIRED),
                                            ("61_out_of_service_no_keyring", NO_KEYRING)])
def test_the_screen_gallery_has_it_unpaired_and_with_no_keyring(window: MainWindow, name: str,
                                                                code: str) -> None:
    """ui/gallery.py (screenshots, the accessibility walk): both reasons, and the next state
    it drives is in service again."""
    from ui.gallery import NAMES, drive

    assert name in NAMES
    journey, now, live = drive(window, name, LiveState())
    window.render(journey, now, live)
    assert window.pages.currentWidget() is window.out_of_service
    assert window.service.code == code
    assert window.service.reason  # the reason for staff, as the app would give it
    journey, now, live = drive(window, "01_welcome", LiveState())
    window.render(journey, now, live)
    assert window.pages.currentWidget() is window.welcome
