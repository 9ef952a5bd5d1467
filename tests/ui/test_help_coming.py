"""Help answered at reception, on the kiosk: the help message moves from "Asking for help…" to
"Help is on its way." (the hub told staff) to "Someone from reception is coming." (a member of
staff answered, ``help_coming``), with their first name if the hub gave it, in the patient's
language; and the controller tells the engine the kiosk's step for the hub on every change.

The parts are real (the window, the journey, the bridge on a real engine thread, KioskDevices
on a machine with no devices) except the engine's network commands, which
:class:`StatusEngine` records instead of sending; engine events come in through the bridge's
own listener methods, as the engine calls them.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from kiosk.engine import EngineListener, KioskEngine
from kiosk.feedback.recorder import FeedbackRecorder
from kiosk.feedback.store import FeedbackStore
from kiosk.feedback.survey import load_survey
from kiosk.journey import Journey, Step
from kiosk.service import NOT_PAIRED, ServiceState
from tests.ui.support import journey_at
from ui.bridge import EngineBridge
from ui.controller import KioskController
from ui.engine_thread import EngineThread
from ui.media import KioskDevices
from ui.screens.base import LiveState
from ui.window import MainWindow

SURVEY = Path(__file__).resolve().parents[2] / "resources" / "surveys" / "near-me.toml"


def test_the_help_message_says_someone_from_reception_is_coming(
        qtbot: QtBot, window: MainWindow, live: LiveState) -> None:
    j = journey_at(Step.CHECK_IN)
    j.request_help(2)
    j.help_acknowledged(3)
    window.render(j, 3, live)
    h = window.help_overlay
    assert h.title.text() == "Help is on its way."  # the hub has told staff: not yet answered
    j.help_on_its_way("Sam", 4)
    window.render(j, 4, live)
    assert h.isVisible()
    assert h.title.text() == "Someone from reception is coming."
    assert h.body.text() == "Their name is Sam. Please stay where you are."
    live.language = "cy"
    window.render(j, 5, live)
    assert h.title.text() == "Mae rhywun o'r dderbynfa yn dod."
    assert h.body.text().startswith("Eu henw yw Sam.")
    live.language = "pl"
    j.request_help(6)  # a new request: asking again, until staff answer it again
    j.help_on_its_way("", 7)
    window.render(j, 7, live)
    assert h.title.text() == "Ktoś z recepcji już idzie."
    assert h.body.text() == "Zostań, proszę, na miejscu."
    live.language = "en"
    window.render(j, 8, live)


class StatusEngine(KioskEngine):
    """The engine with ``report_status`` and ``help`` recorded, not sent (engine thread)."""

    def __init__(self, listener: EngineListener) -> None:
        super().__init__("http://127.0.0.1:9", lambda: (None, None), listener)
        self.reports: list[tuple[str, str | None]] = []

    async def report_status(self, step: str, detail: str | None = None) -> None:
        self.reports.append((step, detail))

    async def begin_visit(self) -> bool:
        return True

    async def help(self) -> None:
        pass


@pytest.fixture
def rig(qtbot: QtBot, window: MainWindow,
        tmp_path: Path) -> Iterator[tuple[KioskController, StatusEngine]]:
    thread = EngineThread()
    thread.start()
    bridge = EngineBridge(thread)
    engine = StatusEngine(bridge)
    bridge.attach(engine)
    devices = KioskDevices(synthetic_fallback=False)
    store = FeedbackStore(tmp_path / "feedback.sqlite3")
    controller = KioskController(
        Journey(now=0.0), window, bridge, devices,
        feedback=FeedbackRecorder(store, load_survey(SURVEY)), clock=lambda: 10.0)
    yield controller, engine
    controller.shutdown()
    app = QApplication.instance()
    if app is not None:
        app.removeEventFilter(controller)
    thread.stop(engine.close)
    devices.stop()
    store.close()


def test_the_engine_hears_each_step_and_the_patient_who_is_coming(
        qtbot: QtBot, rig: tuple[KioskController, StatusEngine]) -> None:
    controller, engine = rig
    window = controller.window
    qtbot.waitUntil(lambda: engine.reports == [("idle", None)], timeout=5_000)
    window.start_requested.emit()
    qtbot.waitUntil(lambda: engine.reports[-1] == ("checking_in", None), timeout=5_000)
    window.help_requested.emit()
    with qtbot.waitSignal(controller.bridge.help_coming, timeout=5_000):
        controller.bridge.on_help_coming("Sam")  # as the engine calls it, on its thread
    assert window.help_overlay.title.text() == "Someone from reception is coming."
    assert window.help_overlay.body.text() == "Their name is Sam. Please stay where you are."

    window.set_service(ServiceState(NOT_PAIRED, "This kiosk is not paired with the hub."))
    controller.render()
    qtbot.waitUntil(lambda: engine.reports[-1] == (
        "out_of_service", "This kiosk is not paired with the hub."), timeout=5_000)
    count = len(engine.reports)
    controller.render()  # nothing changed: nothing more is sent
    assert len(engine.reports) == count
