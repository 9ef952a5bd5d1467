"""In-window overlays: a dimmed backdrop over the screen with a calm card in the middle.

They are widgets inside the kiosk window (never separate windows, which a kiosk shell may hide
or put behind). The owner decides when one shows, from the journey's state, and while a modal
overlay shows it disables what is behind, so touch and Tab reach only the overlay.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ui.widgets.buttons import BigButton, describe, keyboard_in_use
from ui.widgets.text import label, set_text

CARD_MAX_WIDTH = 1240  # pixels at 1080p


class Overlay(QFrame):
    """A backdrop covering its parent, with a card holding a title, a text and buttons.

    Signals:
        retitled(): the title changed while the overlay shows (e.g. "Help is on its way." became
            "Someone from reception is coming."): read aloud reads it again.
    """

    retitled = Signal()

    def __init__(self, parent: QWidget, *, modal: bool = True) -> None:
        super().__init__(parent)
        self.modal = modal
        self.setProperty("role", "overlay_backdrop")
        self.hide()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(40, 40, 40, 40)
        outer.addStretch(1)
        row = QHBoxLayout()
        outer.addLayout(row)
        outer.addStretch(1)
        self.card = QFrame(self)
        self.card.setProperty("role", "overlay_card")
        self.card.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        row.addStretch(1)
        row.addWidget(self.card, 8)
        row.addStretch(1)
        card = QVBoxLayout(self.card)
        card.setContentsMargins(56, 48, 56, 48)
        card.setSpacing(28)
        self.title = label("h1")
        self.body = label("body")
        card.addWidget(self.title)
        card.addWidget(self.body)
        self.buttons = QHBoxLayout()
        self.buttons.setSpacing(24)
        card.addLayout(self.buttons)
        self.default_button: BigButton | None = None
        parent.installEventFilter(self)

    def add_button(self, button: BigButton, *, default: bool = False) -> BigButton:
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.buttons.addWidget(button)
        if default:
            self.default_button = button
        return button

    def set_shown(self, shown: bool) -> bool:
        """Show or hide; returns True if that changed anything."""
        if shown == self.isVisible():
            return False
        keyboard_user = keyboard_in_use()
        self._block_siblings(shown)
        if shown:
            self._fit()
            self.raise_()
            self.show()
            if self.default_button is not None and keyboard_user:
                self.default_button.setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.hide()
        return True

    def _block_siblings(self, block: bool) -> None:
        """A modal overlay disables everything else in its parent (touch and Tab)."""
        parent = self.parentWidget()
        if not self.modal or parent is None:
            return
        direct = Qt.FindChildOption.FindDirectChildrenOnly
        for sibling in parent.findChildren(QWidget, options=direct):
            if sibling is not self and not isinstance(sibling, Overlay):
                sibling.setEnabled(not block)

    def set_texts(self, title: str, body: str) -> None:
        changed = title != self.title.text()
        set_text(self.title, title)
        set_text(self.body, body)
        self.body.setVisible(bool(body))
        if changed and self.isVisible():
            self.retitled.emit()

    def _fit(self) -> None:
        parent = self.parentWidget()
        if parent is not None:
            self.setGeometry(parent.rect())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize:
            self._fit()
        return False

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def retranslate(self) -> None:
        """Subclasses set their own fixed texts here."""


class IdleOverlay(Overlay):
    """"Are you still there?" with the seconds left in words, and a big "I'm still here".

    Signals:
        still_here(): the patient touched "I'm still here".
    """

    still_here = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._seconds = 0
        self.still_here_button = self.add_button(BigButton(role="go"), default=True)
        self.still_here_button.setObjectName("StillHere")
        self.still_here_button.clicked.connect(self.still_here)
        self.retranslate()

    def set_seconds(self, seconds: int) -> None:
        if seconds != self._seconds:
            self._seconds = seconds
            self.retranslate()

    def retranslate(self) -> None:
        self.set_texts(
            self.tr("Are you still there?"),
            self.tr("To keep your details safe, the kiosk will start again in "
                    "%n second(s).", "", self._seconds),
        )
        self.still_here_button.set_text(self.tr("I'm still here"))
        describe(self.still_here_button, self.tr("I'm still here"),
                 self.tr("Carries on from where you were."))


class HelpOverlay(Overlay):
    """Tells the patient that help is being asked for, then that staff have been told (the
    hub's ``help_ack``), then that someone from reception is coming (``help_coming``: a member
    of staff answered it), with their first name if the hub gave it.

    Signals:
        dismissed(): the patient closed the message.
    """

    dismissed = Signal()

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self._acknowledged = False
        self._call_lost = False
        self._coming: tuple[bool, str] = (False, "")
        self.close_button = self.add_button(BigButton(role="primary"), default=True)
        self.close_button.setObjectName("HelpClose")
        self.close_button.clicked.connect(self.dismissed)
        self.retranslate()

    def set_acknowledged(self, acknowledged: bool) -> None:
        if acknowledged != self._acknowledged:
            self._acknowledged = acknowledged
            self.retranslate()

    def set_coming(self, coming: bool, by: str = "") -> None:
        """Someone from reception is coming (``by``: their first name, or empty)."""
        if (coming, by) != self._coming:
            self._coming = (coming, by)
            self.retranslate()

    def set_call_lost(self, lost: bool) -> None:
        """The call was cut off (network or hub): say so, and send the patient to reception."""
        if lost != self._call_lost:
            self._call_lost = lost
            self.retranslate()

    def retranslate(self) -> None:
        coming, by = self._coming
        if coming:
            self.set_texts(
                self.tr("Someone from reception is coming."),
                self.tr("Their name is %1. Please stay where you are.").replace("%1", by)
                if by else self.tr("Please stay where you are."),
            )
        elif self._call_lost:
            self.set_texts(
                self.tr("The call to the specialist was cut off."),
                self.tr("Please ask at reception. A member of staff has been told."),
            )
        elif self._acknowledged:
            self.set_texts(
                self.tr("Help is on its way."),
                self.tr("A member of staff has been told. Please stay where you are."),
            )
        else:
            self.set_texts(
                self.tr("Asking for help…"),
                self.tr("We are letting a member of staff know. Please stay where you are."),
            )
        self.close_button.set_text(self.tr("Close this message"))
        describe(self.close_button, self.tr("Close this message"),
                 self.tr("Hides this message. Staff have still been asked to help you."))


class ConfirmOverlay(Overlay):
    """A yes / no question, such as "Do you want to end the call?". The owner sets the words.

    Signals:
        accepted(): the patient chose the "yes" button.
        rejected(): the patient chose the "no" button (the safe choice, focused first).
    """

    accepted = Signal()
    rejected = Signal()

    def __init__(self, parent: QWidget, *, yes_role: str = "danger") -> None:
        super().__init__(parent)
        self.no_button = self.add_button(BigButton(role="primary"), default=True)
        self.no_button.setObjectName("ConfirmNo")
        self.yes_button = self.add_button(BigButton(role=yes_role))
        self.yes_button.setObjectName("ConfirmYes")
        self.no_button.clicked.connect(self.rejected)
        self.yes_button.clicked.connect(self.accepted)

    def set_question(self, title: str, body: str, yes: tuple[str, str],
                     no: tuple[str, str]) -> None:
        """Words for the card; ``yes`` and ``no`` are (button text, what it does)."""
        self.set_texts(title, body)
        self.yes_button.set_text(yes[0])
        describe(self.yes_button, yes[0], yes[1])
        self.no_button.set_text(no[0])
        describe(self.no_button, no[0], no[1])


class NoticeOverlay(Overlay):
    """A calm notice with no buttons (e.g. "Reconnecting…"); not modal.

    Signals: none.
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent, modal=False)
