"""Checking in: a 6-digit code on a big number pad, or "Are you here to see ...?" when staff
prepared the kiosk for this appointment."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.journey import CODE_GROUPS, CODE_LENGTH, Journey, grouped_code
from ui.screens.base import LiveState, Screen
from ui.theme import set_role
from ui.widgets.buttons import BigButton, describe
from ui.widgets.icons import icon_pixmap
from ui.widgets.numpad import CodeBoxes, NumPad
from ui.widgets.text import label, set_text

SERVER_ERRORS = frozenset({"wrong", "used", "expired", "locked", "offline", "rate_limited",
                           "lost"})


class CheckInScreen(Screen):
    """Type the code from the appointment letter or text message, or confirm a prepared
    appointment.

    Signals:
        code_submitted(str): "Check in" with the digits typed (the journey checks the length).
        prepared_answered(bool): "Are you here to see ...?" answered Yes (True) or No (False).
    """

    code_submitted = Signal(str)
    prepared_answered = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._digits = ""
        self._error = ""
        self._checking = False
        self._specialist = ""
        self._time = ""
        self._demo_code: str | None = None

        # ----- code entry -----
        self.code_page = QWidget(self)
        row = QHBoxLayout(self.code_page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(80)
        left = QVBoxLayout()
        left.setSpacing(28)
        self.heading = label("h1")
        self.instructions = label("body")
        self.boxes = CodeBoxes(CODE_LENGTH, groups=CODE_GROUPS)
        self.message = QFrame()
        self.message.setProperty("role", "info")
        msg_row = QHBoxLayout(self.message)
        msg_row.setContentsMargins(32, 24, 32, 24)
        msg_row.setSpacing(20)
        self.message_icon = label("body", wrap=False)
        self.message_icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.message_text = label("body")
        msg_row.addWidget(self.message_icon, 0, Qt.AlignmentFlag.AlignTop)
        msg_row.addWidget(self.message_text, 1)
        left.addWidget(self.heading)
        left.addWidget(self.instructions)
        left.addSpacing(12)
        left.addWidget(self.boxes)
        left.addWidget(self.message)
        self.demo_hint = label("hint")
        self.demo_hint.hide()
        left.addWidget(self.demo_hint)
        left.addStretch(1)
        right = QVBoxLayout()
        right.setSpacing(16)
        self.pad = NumPad()
        self.pad.digit_pressed.connect(self._type_digit)
        self.pad.delete_pressed.connect(self._delete)
        self.submit_button = BigButton(role="go", icon="arrow_right")
        self.submit_button.setObjectName("CheckIn")
        self.submit_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.submit_button.clicked.connect(self._submit)
        right.addWidget(self.pad)
        right.addWidget(self.submit_button)
        right.addStretch(1)
        row.addLayout(left, 11)
        row.addLayout(right, 9)

        # ----- prepared appointment -----
        self.prepared_page = QWidget(self)
        prepared = QVBoxLayout(self.prepared_page)
        prepared.setContentsMargins(0, 0, 0, 0)
        prepared.setSpacing(32)
        self.prepared_question = label("h1")
        self.prepared_hint = label("body")
        self.yes_button = BigButton(role="go", icon="tick")
        self.yes_button.setObjectName("PreparedYes")
        self.no_button = BigButton(role="secondary", icon="cross")
        self.no_button.setObjectName("PreparedNo")
        self.yes_button.clicked.connect(lambda: self.prepared_answered.emit(True))
        self.no_button.clicked.connect(lambda: self.prepared_answered.emit(False))
        answers = QHBoxLayout()
        answers.setSpacing(32)
        for button in (self.yes_button, self.no_button):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            answers.addWidget(button)
        answers.addStretch(1)
        prepared.addStretch(1)
        prepared.addWidget(self.prepared_question)
        prepared.addWidget(self.prepared_hint)
        prepared.addSpacing(16)
        prepared.addLayout(answers)
        prepared.addStretch(2)

        self.outer.addWidget(self.code_page, 1)
        self.outer.addWidget(self.prepared_page, 1)
        self.prepared_page.hide()
        self.retranslate()
        self._show_digits()

    # ----- demo mode ------------------------------------------------------------------------

    def set_demo_code(self, code: str | None) -> None:
        """Demo mode only: show a code that works, so anyone can try the kiosk."""
        self._demo_code = code
        self.demo_hint.setVisible(bool(code))
        self._update_texts()

    def demo_code(self) -> str | None:
        return self._demo_code

    # ----- local state ------------------------------------------------------------------------

    def digits(self) -> str:
        return self._digits

    def reset_local(self) -> None:
        self._digits = ""
        self._error = ""
        self._show_digits()

    def _type_digit(self, digit: str) -> None:
        if self._checking or not self.pad.isEnabled():
            return
        if len(self._digits) < CODE_LENGTH:
            self._digits += digit
            self._show_digits()

    def _delete(self) -> None:
        if self._digits and not self._checking:
            self._digits = self._digits[:-1]
            self._show_digits()

    def _submit(self) -> None:
        if not self._checking:
            self.code_submitted.emit(self._digits)

    def _show_digits(self) -> None:
        self.boxes.set_digits(self._digits)

    def default_focus(self) -> QWidget | None:
        if self.prepared_page.isVisibleTo(self):
            return self.yes_button
        return self.pad.keys["1"]

    # ----- rendering --------------------------------------------------------------------------

    def update_from(self, journey: Journey, now: float, live: LiveState) -> None:
        visit = journey.visit
        prepared = journey.prepared
        if visit.code_error != self._error:
            if visit.code_error in SERVER_ERRORS:
                self._digits = ""  # a refused code is wiped: it must not linger on screen
                self._show_digits()
            self._error = visit.code_error
        self._checking = visit.checking_in
        locked = journey.code_locked() or visit.code_error == "locked"
        show_prepared = prepared is not None and not locked
        if prepared is not None:
            self._specialist, self._time = prepared.specialist_name, prepared.time
        self.prepared_page.setVisible(show_prepared)
        self.code_page.setVisible(not show_prepared)
        self.pad.setEnabled(not locked and not self._checking)
        self.submit_button.setEnabled(not locked and not self._checking)
        self.yes_button.setEnabled(not self._checking)
        self.no_button.setEnabled(not self._checking)
        self._update_texts()

    def message_for(self, error: str, checking: bool) -> tuple[str, str]:
        """(style, words) for the message under the code boxes."""
        if checking:
            return "info", self.tr("Checking your code…")
        words = {
            "incomplete": self.tr("Please type all %1 numbers of your code.")
                          .replace("%1", str(CODE_LENGTH)),
            "wrong": self.tr("That code didn't work. Please check the letter or text message "
                             "and try again."),
            "used": self.tr("That code has already been used. Please ask a member of staff "
                            "at reception."),
            "expired": self.tr("That code is no longer valid. Please ask a member of staff "
                               "at reception."),
            "locked": self.tr("Please ask a member of staff at reception. They can check you "
                              "in."),
            "rate_limited": self.tr("Please ask a member of staff at reception. They can check "
                                    "you in."),
            "offline": self.tr("The kiosk can't reach the clinic just now. Please try again in "
                               "a minute, or ask a member of staff."),
            "lost": self.tr("Sorry, the kiosk lost its link to the clinic. Please type your "
                            "code again to get back your place."),
        }
        if error in words:
            return "error", words[error]
        return "", ""

    def _update_texts(self) -> None:
        style, words = self.message_for(self._error, self._checking)
        self.message.setVisible(bool(words))
        if words:
            set_role(self.message, style)
            set_text(self.message_text, words)
            side = self.message_text.fontMetrics().height()
            color = self.message_text.palette().color(self.message_text.foregroundRole())
            self.message_icon.setPixmap(
                icon_pixmap("warning" if style == "error" else "waiting", color, side))
        set_text(self.prepared_question,
                 self.tr("Are you here to see %1 at %2?")
                 .replace("%1", self._specialist).replace("%2", self._time))
        self.message.setAccessibleName(words)
        if self._demo_code:
            set_text(self.demo_hint,
                     self.tr("Demonstration: the code %1 works today.").replace(
                         "%1", grouped_code(self._demo_code)))

    def retranslate(self) -> None:
        set_text(self.heading, self.tr("Check in"))
        set_text(self.instructions,
                 self.tr("Type the %1-digit code from your letter or text message.")
                 .replace("%1", str(CODE_LENGTH)))
        self.submit_button.set_text(self.tr("Check in"))
        describe(self.submit_button, self.tr("Check in"),
                 self.tr("Checks you in with the code you typed."))
        set_text(self.prepared_hint,
                 self.tr("A member of staff has set up this kiosk for this appointment."))
        self.yes_button.set_text(self.tr("Yes, that's me"))
        describe(self.yes_button, self.tr("Yes, that's me"), self.tr("Checks you in."))
        self.no_button.set_text(self.tr("No"))
        describe(self.no_button, self.tr("No"),
                 self.tr("Lets you type the code from your letter or text message instead."))
        self._update_texts()

    # ----- a physical keyboard works too ------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        text = event.text()
        if self.code_page.isVisible() and text.isdigit() and len(text) == 1:
            self._type_digit(text)
        elif self.code_page.isVisible() and key == Qt.Key.Key_Backspace:
            self._delete()
        elif self.code_page.isVisible() and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self._submit()
        else:
            super().keyPressEvent(event)
            return
        event.accept()
