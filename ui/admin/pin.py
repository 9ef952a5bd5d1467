"""The PIN pad that guards admin mode, over whatever screen is showing.

It has three modes: ``enter`` (type the PIN), ``not_set_up`` (no PIN on this kiosk: a calm
note for staff that IT sets it with ``clinic-kiosk admin set-pin``, and "Close" only) and
``unavailable`` (no secure password store: a plain message and "Close" only). The public screen
never offers to set a PIN: the first passer-by would own the kiosk. The digits typed are shown
as dots and forgotten whenever the pad is hidden. It decides nothing: the owner checks the PIN
and calls :meth:`PinOverlay.show_message`.

Admin mode is for clinic staff, so its words are English only (see ``ui/admin/__init__.py``).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.admin import PIN_MAX
from ui.theme import set_role
from ui.widgets.buttons import BigButton, describe
from ui.widgets.numpad import NumPad
from ui.widgets.overlays import Overlay
from ui.widgets.text import label, set_text

ENTER, NOT_SET_UP, UNAVAILABLE = "enter", "not_set_up", "unavailable"
#: What staff see when the kiosk has no admin PIN (IT sets it from a terminal).
NOT_SET_UP_TEXT = ('Admin is not set up on this kiosk. IT can set it up with '
                   '"clinic-kiosk admin set-pin".')


class PinOverlay(Overlay):
    """A modal PIN pad for staff.

    Signals:
        pin_entered(str): enter mode, "Unlock" with the digits typed.
        cancelled(): "Cancel" or "Close" (or Escape).
    """

    pin_entered = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("AdminPinOverlay")
        self.mode = ENTER
        self.purpose = "enter"  # or "exit": what the PIN unlocks, for the owner
        self._digits = ""
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

        card = self.card.layout()
        assert isinstance(card, QVBoxLayout)
        self.body.setParent(None)
        row = QHBoxLayout()
        row.setSpacing(48)
        left = QVBoxLayout()
        left.setSpacing(24)
        left.addWidget(self.body)
        self.dots = label("number_display", "", wrap=False, center=True)
        self.dots.setObjectName("AdminPinDots")
        self.dots.setMinimumHeight(96)
        left.addWidget(self.dots)
        self.message = label("status_bad", "")
        self.message.setObjectName("AdminPinMessage")
        left.addWidget(self.message)
        left.addStretch(1)
        row.addLayout(left, 1)
        self.pad = NumPad()
        self.pad.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.pad.digit_pressed.connect(self.type_digit)
        self.pad.delete_pressed.connect(self.delete_digit)
        row.addWidget(self.pad, 1)
        card.insertLayout(1, row)

        self.cancel_button = self.add_button(BigButton("Cancel", role="secondary",
                                                       icon="arrow_left"))
        self.cancel_button.setObjectName("AdminPinCancel")
        self.cancel_button.clicked.connect(self._cancel)
        self.ok_button = self.add_button(BigButton("Unlock", role="go", icon="tick"),
                                         default=True)
        self.ok_button.setObjectName("AdminPinOk")
        self.ok_button.clicked.connect(self.submit)
        self._refresh()

    # ----- modes --------------------------------------------------------------------------

    def open(self, mode: str, *, purpose: str = "enter", message: str = "") -> None:
        """Show the pad in ``mode`` (``enter``, ``not_set_up``, ``unavailable``), empty."""
        self.mode, self.purpose = mode, purpose
        self._digits = ""
        self.show_message(message)
        self._refresh()
        self.set_shown(True)
        self.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_pad(self) -> None:
        had_focus = self.hasFocus()
        self._digits = ""
        self.show_message("")
        self._refresh()
        self.set_shown(False)
        parent = self.parentWidget()
        if had_focus and parent is not None:
            # Give the focus back to the window, not to the next button (no stray highlight).
            parent.setFocus(Qt.FocusReason.OtherFocusReason)

    def show_message(self, text: str, *, good: bool = False) -> None:
        set_role(self.message, "status_good" if good else "status_bad")
        set_text(self.message, text)
        self.message.setVisible(bool(text))

    def set_ok_enabled(self, enabled: bool) -> None:
        self.ok_button.setEnabled(enabled)

    def digits(self) -> str:
        return self._digits

    # ----- typing -------------------------------------------------------------------------

    def type_digit(self, digit: str) -> None:
        if self.mode == ENTER and len(self._digits) < PIN_MAX:
            self._digits += digit
            self._refresh()

    def delete_digit(self) -> None:
        self._digits = self._digits[:-1]
        self._refresh()

    def submit(self) -> None:
        if self.mode != ENTER:
            self._cancel()
            return
        pin, self._digits = self._digits, ""
        self._refresh()
        self.pin_entered.emit(pin)

    def _cancel(self) -> None:
        self.close_pad()
        self.cancelled.emit()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, text = event.key(), event.text()
        if text.isdigit() and len(text) == 1:
            self.type_digit(text)
        elif key == Qt.Key.Key_Backspace:
            self.delete_digit()
        elif key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.ok_button.isEnabled():
                self.submit()
        elif key == Qt.Key.Key_Escape:
            self._cancel()
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # ----- words --------------------------------------------------------------------------

    def _refresh(self) -> None:
        unavailable = self.mode != ENTER  # a message and "Close" only
        if self.mode == UNAVAILABLE:
            title, body, ok = "Admin mode is not available", "", "Close"
        elif self.mode == NOT_SET_UP:
            title, body, ok = "Admin mode", NOT_SET_UP_TEXT, "Close"
        else:
            title = "Staff PIN" if self.purpose == "enter" else "Exit kiosk mode"
            body = "Type the admin PIN." if self.purpose == "enter" else \
                "Type the admin PIN to close the kiosk app."
            ok = "Unlock" if self.purpose == "enter" else "Exit"
        self.set_texts(title, body)
        self.pad.setVisible(not unavailable)
        self.dots.setVisible(not unavailable)
        self.cancel_button.setVisible(not unavailable)
        set_text(self.dots, "\u25cf " * len(self._digits) if self._digits else "")
        self.ok_button.set_text(ok)
        self.ok_button.set_icon_name("cross" if unavailable else "tick")
        describe(self.ok_button, ok, {
            "Unlock": "Checks the PIN and opens admin mode.",
            "Exit": "Checks the PIN and closes the kiosk app.",
            "Close": "Closes this message.",
        }[ok])
        describe(self.cancel_button, "Cancel", "Closes the PIN pad without opening admin mode.")
        describe(self.dots, "PIN", f"{len(self._digits)} digits typed.")
        self.dots.setAccessibleName("PIN")
