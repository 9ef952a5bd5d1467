"""Helpers shared by the patient-screen tests (not a test module)."""

from __future__ import annotations

import av
import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from kiosk.journey import AppointmentInfo, Journey, Step
from ui.screens.base import QuestionView

APPT = AppointmentInfo(specialist_name="Dr Jones", time="10:30", waiting_area="Cardiology")

SURVEY = [
    QuestionView("overall", "faces", "How was your video appointment today?"),
    QuestionView("again", "yes_no", "Would you use a video appointment again?"),
    QuestionView("travel", "choice", "How would you have travelled?",
                 options=(("car", "By car"), ("bus", "By bus"))),
    QuestionView("miles", "number", "How many miles did you save?"),
    QuestionView("comments", "text", "Anything else?"),
]


def click(qtbot: QtBot, widget: QWidget) -> None:
    """A real left click in the middle of a visible, enabled widget."""
    assert widget.isVisible(), f"{widget.objectName() or widget} is not visible"
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton, pos=QPoint(widget.width() // 2,
                                                                    widget.height() // 2))


def journey_at(step: Step) -> Journey:
    """A real journey driven by its own methods to ``step`` (times 1 to 8)."""
    j = Journey(now=0.0)
    if step is Step.ATTRACT:
        return j
    j.start(1)
    if step is Step.CHECK_IN:
        return j
    j.submit_code("0123456789", 2)
    j.check_in_succeeded(APPT, 3)
    if step is Step.DEVICE_CHECKS:
        return j
    j.finish_checks(4)
    if step is Step.WAITING:
        return j
    j.specialist_joined(5)
    if step is Step.CONSULTATION:
        return j
    j.call_ended("specialist_ended", 8)
    if step is Step.FEEDBACK:
        return j
    j.finish_feedback(8)
    assert j.step is Step.THANKS
    return j


def solid_frame(width: int, height: int, rgb: tuple[int, int, int]) -> av.VideoFrame:
    """A real YUV420P ``av.VideoFrame`` of one colour, converted by libswscale from RGB."""
    array = np.empty((height, width, 3), np.uint8)
    array[...] = rgb
    return av.VideoFrame.from_ndarray(array, format="rgb24").reformat(format="yuv420p")
