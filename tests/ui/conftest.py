"""Set-up for the patient-screen tests (pytest-qt, offscreen).

Two Qt messages are not problems with the kiosk and are silenced here, narrowly:

- ``qt.multimedia.symbolsresolver``: QtMultimedia reports optional system libraries it could not
  find (PipeWire, VA-API) as warnings; the kiosk needs neither. The category is switched off.
- "This plugin does not support propagateSizeHints()": the offscreen platform plugin says this
  whenever a top-level window with a layout is shown. Ignored only for these tests.
- "PulseAudioService: pa_context_connect() failed": test machines run no sound server, and
  QtMultimedia says so when it first lists audio devices. The kiosk then has no speaker or
  microphone (demo mode sends a synthetic tone); a real kiosk runs PipeWire or PulseAudio.

Every other Qt warning still fails a test (``qt_log_level_fail = WARNING``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

_RULE = "qt.multimedia.symbolsresolver=false"
_rules = os.environ.get("QT_LOGGING_RULES", "")
if _RULE not in _rules:
    os.environ["QT_LOGGING_RULES"] = f"{_rules};{_RULE}" if _rules else _RULE

from tests.ui.support import SURVEY  # noqa: E402
from ui.screens.base import LiveState  # noqa: E402
from ui.window import MainWindow  # noqa: E402

OFFSCREEN_NOISE = "This plugin does not support propagateSizeHints"
NO_SOUND_SERVER = "PulseAudioService: pa_context_connect"


@pytest.fixture(autouse=True)
def no_translator_left_installed() -> Iterator[None]:
    """Every test leaves the application in English, the source text. A translator a test left
    installed (a window or kiosk app not closed: ``MainWindow.languages.close()``,
    ``KioskApp.shutdown()``) stays under the next test's own and translates every string its
    English catalogue lacks, so a later test's "en" screen would read in Polish or Welsh. The
    leak fails the test that made it, not whichever test happens to run next."""
    yield
    if QCoreApplication.instance() is None:
        return
    shown = QCoreApplication.translate("OutOfServiceScreen", _PROBE)
    assert shown == _PROBE, f"this test left a translator installed ({shown!r})"


_PROBE = "This kiosk is not ready."


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.path).startswith(here):
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE, NO_SOUND_SERVER))


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[MainWindow]:
    """The kiosk window at 1920x1080, shown (offscreen), in English."""
    win = MainWindow("Dunbar Health Centre")
    qtbot.addWidget(win)
    win.resize(1920, 1080)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.languages.close()


@pytest.fixture
def live() -> LiveState:
    return LiveState(survey=SURVEY)
