"""The waiting room: checked in, how long they have waited, the specialist's messages, and the
patient's own picture so they can get ready."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.journey import Journey
from ui.screens.base import LiveState, Screen
from ui.video import VideoView
from ui.widgets.buttons import BigButton, describe
from ui.widgets.overlays import ConfirmOverlay
from ui.widgets.text import label, set_text

MAX_MESSAGES_SHOWN = 3


class WaitingScreen(Screen):
    """Waiting for the specialist to join.

    Signals:
        cancel_requested(): the patient chose to leave the waiting room, and confirmed it.
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._specialist = ""
        self._waited_s = 0.0
        self._messages: list[str] = []
        self._hub_connected = True

        row = QHBoxLayout()
        row.setSpacing(64)
        self.outer.addLayout(row, 1)
        main = QVBoxLayout()
        main.setSpacing(20)
        self.heading = label("h1")
        self.joining = label("h2")
        self.waited = label("body")
        self.stay_text = label("body")
        self.connection = QFrame()
        self.connection.setProperty("role", "info")
        conn_layout = QVBoxLayout(self.connection)
        conn_layout.setContentsMargins(32, 16, 32, 16)
        self.connection_text = label("body")
        conn_layout.addWidget(self.connection_text)
        self.messages_box = QFrame()
        self.messages_box.setProperty("role", "info")
        msg_layout = QVBoxLayout(self.messages_box)
        msg_layout.setContentsMargins(32, 16, 32, 16)
        msg_layout.setSpacing(12)
        self.messages_title = label("strong")
        msg_layout.addWidget(self.messages_title)
        self.message_labels = [label("message") for _ in range(MAX_MESSAGES_SHOWN)]
        for message in self.message_labels:
            msg_layout.addWidget(message)
        for widget in (self.heading, self.joining, self.waited, self.stay_text,
                       self.connection, self.messages_box):
            main.addWidget(widget)
        main.addStretch(1)
        row.addLayout(main, 3)

        side = QVBoxLayout()
        side.setSpacing(16)
        self.self_view_label = label("strong")
        self.self_view = VideoView(mirrored=True)
        self.self_view.setMinimumSize(240, 135)
        self.self_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.leave_button = BigButton(role="secondary", icon="arrow_left")
        self.leave_button.setObjectName("LeaveWaitingRoom")
        self.leave_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.leave_button.clicked.connect(self._ask_leave)
        side.addWidget(self.self_view_label)
        side.addWidget(self.self_view, 1)
        side.addStretch(1)
        side.addWidget(self.leave_button)
        row.addLayout(side, 2)

        self.leave_overlay = ConfirmOverlay(self)
        self.leave_overlay.setObjectName("LeaveOverlay")
        self.leave_overlay.accepted.connect(self._leave_confirmed)
        self.leave_overlay.rejected.connect(self._leave_cancelled)
        self.retranslate()

    def reset_local(self) -> None:
        self.leave_overlay.set_shown(False)
        self.self_view.clear()

    def default_focus(self) -> QWidget | None:
        return self.leave_button

    def _ask_leave(self) -> None:
        self.self_view.set_obscured(True, "leave")
        self.leave_overlay.set_shown(True)

    def _leave_cancelled(self) -> None:
        self.leave_overlay.set_shown(False)
        self.self_view.set_obscured(False, "leave")
        self.leave_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def _leave_confirmed(self) -> None:
        self.leave_overlay.set_shown(False)
        self.self_view.set_obscured(False, "leave")
        self.cancel_requested.emit()

    def update_from(self, journey: Journey, now: float, live: LiveState) -> None:
        appointment = journey.visit.appointment
        self._specialist = appointment.specialist_name if appointment else ""
        self._waited_s = live.waited_s
        self._messages = list(journey.visit.messages[-MAX_MESSAGES_SHOWN:])
        self._hub_connected = live.hub_connected
        self._update_texts()

    def waited_words(self) -> str:
        minutes = int(self._waited_s // 60)
        if minutes < 1:
            return self.tr("You have waited less than a minute.")
        return self.tr("You have waited %n minute(s).", "", minutes)

    def _update_texts(self) -> None:
        if self._specialist:
            joining = self.tr("%1 will join you soon.").replace("%1", self._specialist)
        else:
            joining = self.tr("The specialist will join you soon.")
        set_text(self.joining, joining)
        set_text(self.waited, self.waited_words())
        self.connection.setVisible(not self._hub_connected)
        self.stay_text.setVisible(self._hub_connected)  # one calm notice at a time
        self.messages_box.setVisible(bool(self._messages))
        if self._specialist:
            title = self.tr("Message from %1:").replace("%1", self._specialist)
        else:
            title = self.tr("Message from the clinic:")
        set_text(self.messages_title, title)
        for n, widget in enumerate(self.message_labels):
            text = self._messages[n] if n < len(self._messages) else ""
            set_text(widget, text)
            widget.setVisible(bool(text))

    def retranslate(self) -> None:
        set_text(self.heading, self.tr("You are checked in"))
        set_text(self.stay_text, self.tr(
            "Please stay near the screen. The call will start by itself."))
        set_text(self.connection_text, self.tr(
            "Reconnecting to the clinic… You don't need to do anything. You will not lose "
            "your place."))
        set_text(self.self_view_label, self.tr("This is how you will look:"))
        self.self_view.setAccessibleName(self.tr("Your camera picture"))
        self.self_view.set_placeholder(self.tr("Your camera picture will show here."))
        self.leave_button.set_text(self.tr("Leave the waiting room"))
        describe(self.leave_button, self.tr("Leave the waiting room"),
                 self.tr("Asks if you are sure, then cancels your check-in."))
        self.leave_overlay.set_question(
            self.tr("Do you want to leave the waiting room?"),
            self.tr("You will lose your place and need to check in again."),
            (self.tr("Yes, leave"), self.tr("Cancels your check-in and goes back to the start.")),
            (self.tr("No, stay"), self.tr("Keeps your place in the waiting room.")),
        )
        self._update_texts()
