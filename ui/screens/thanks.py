"""Thank you: the visit is over. The screen returns to the start by itself."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from kiosk.journey import Journey
from ui.screens.base import LiveState, Screen
from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text


class ThanksScreen(Screen):
    """The goodbye screen.

    Signals:
        thanks_done(): "Finish" (the journey also returns to the start by itself).
    """

    thanks_done = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._seconds: int | None = None
        self.outer.addStretch(2)
        self.heading = label("title", center=True)
        self.body = label("h2", center=True)
        self.reminder = label("body", center=True)
        self.countdown = label("hint", center=True)
        for widget in (self.heading, self.body, self.reminder):
            self.outer.addWidget(widget)
        self.outer.addStretch(1)
        row = QHBoxLayout()
        self.done_button = BigButton(role="go", icon="tick")
        self.done_button.setObjectName("ThanksDone")
        self.done_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.done_button.clicked.connect(self.thanks_done)
        row.addStretch(1)
        row.addWidget(self.done_button, 2)
        row.addStretch(1)
        self.outer.addLayout(row)
        self.outer.addWidget(self.countdown)
        self.outer.addStretch(2)
        self.retranslate()

    def default_focus(self) -> QWidget | None:
        return self.done_button

    def update_from(self, journey: Journey, now: float, live: LiveState) -> None:
        left = journey.seconds_left(now)
        self._seconds = None if left is None else int(left + 0.999)
        self._update_countdown()

    def _update_countdown(self) -> None:
        if self._seconds is None:
            set_text(self.countdown, "")
        else:
            set_text(self.countdown, self.tr(
                "This screen will close by itself in %n second(s).", "", self._seconds))

    def retranslate(self) -> None:
        set_text(self.heading, self.tr("Thank you"))
        set_text(self.body, self.tr("You can leave the kiosk now."))
        set_text(self.reminder, self.tr("Please remember to take your things with you."))
        self.done_button.set_text(self.tr("Finish"))
        describe(self.done_button, self.tr("Finish"),
                 self.tr("Goes back to the welcome screen for the next person."))
        self._update_countdown()
