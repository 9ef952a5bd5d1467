"""Admin mode: today's appointments in this kiosk's clinic, as the hub lists them.

The hub sends no codes and no patient names, so none can show here: only the time, the
specialist, the waiting area and whether the patient has checked in. The owner fetches the
list (on the engine loop) and calls :meth:`AppointmentsPage.show_list` or ``show_error``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.admin import TodayAppointment
from ui.theme import set_role
from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text


class AppointmentsPage(QWidget):
    """Today's appointments.

    Signals:
        refresh_requested(): "Refresh" (the owner also fetches when the page is shown).
        prepare_requested(object): "Prepare kiosk" on a row: the ``TodayAppointment``, so the
            next patient only confirms "Are you here to see ... at ...?".
        unprepare_requested(): "Cancel preparation".
    """

    refresh_requested = Signal()
    prepare_requested = Signal(object)
    unprepare_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        title = label("h1", "Today's appointments")
        self.status = label("body", "")
        self.status.setObjectName("AppointmentsStatus")
        for fixed in (title, self.status):
            fixed.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout.addWidget(title)
        layout.addWidget(self.status)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName("Appointments")
        # Its "Prepare kiosk" buttons take the focus (and scroll into view), not the area.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        inner = QWidget()
        inner.setProperty("role", "screen")
        self.rows_layout = QVBoxLayout(inner)
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.rows_layout.setSpacing(8)
        self.rows_layout.addStretch(1)
        scroll.setWidget(inner)
        layout.addWidget(scroll, 1)
        self.refresh_button = BigButton("Refresh", role="secondary", icon="retry")
        self.refresh_button.setObjectName("AppointmentsRefresh")
        self.refresh_button.setSizePolicy(QSizePolicy.Policy.Expanding,
                                          QSizePolicy.Policy.Fixed)
        describe(self.refresh_button, "Refresh", "Asks the hub for today's list again.")
        self.refresh_button.clicked.connect(self.refresh_requested)
        self.unprepare_button = BigButton("Cancel preparation", role="secondary", icon="cross")
        self.unprepare_button.setObjectName("AppointmentsUnprepare")
        self.unprepare_button.setSizePolicy(QSizePolicy.Policy.Expanding,
                                            QSizePolicy.Policy.Fixed)
        describe(self.unprepare_button, "Cancel preparation",
                 "The next patient checks in with their code again.")
        self.unprepare_button.clicked.connect(self.unprepare_requested)
        self.unprepare_button.hide()
        buttons = QHBoxLayout()
        buttons.setSpacing(16)
        buttons.addWidget(self.refresh_button)
        buttons.addWidget(self.unprepare_button)
        layout.addLayout(buttons)
        self.rows: list[str] = []
        self.prepare_buttons: list[BigButton] = []

    def _clear(self) -> None:
        while self.rows_layout.count() > 1:
            item = self.rows_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows = []
        self.prepare_buttons = []

    def show_loading(self) -> None:
        set_role(self.status, "body")
        set_text(self.status, "Asking the hub…")
        self.refresh_button.setEnabled(False)

    def show_list(self, appointments: Sequence[TodayAppointment]) -> None:
        self._clear()
        self.refresh_button.setEnabled(True)
        set_role(self.status, "body")
        waiting = sum(not a.checked_in for a in appointments)
        set_text(self.status, f"{len(appointments)} today, {waiting} not checked in yet. "
                              f"Patients check in with the code in their letter."
                 if appointments else "There are no appointments in this clinic today.")
        for a in appointments:
            who = a.specialist or "Any specialist"
            text = f"{a.local_time()}   {who} · {a.waiting_area}" + \
                ("   (checked in)" if a.checked_in else "")
            row = QWidget()
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            words = label("strong" if not a.checked_in else "hint", text)
            words.setAccessibleName(text)
            line.addWidget(words, 1)
            if not a.checked_in:
                button = BigButton("Prepare kiosk", role="secondary")
                describe(button, f"Prepare kiosk for {a.local_time()} {who}",
                         "The next patient only confirms this appointment; no code needed.")
                button.clicked.connect(lambda _c=False, appt=a: self.prepare_requested.emit(appt))
                line.addWidget(button)
                self.prepare_buttons.append(button)
            self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)
            row.show()  # a child added to a shown page is hidden until shown
            self.rows.append(text)

    def show_prepared(self, text: str | None) -> None:
        """Say which appointment the kiosk is prepared for (None: none)."""
        self.unprepare_button.setVisible(text is not None)
        if text is not None:
            set_role(self.status, "status_good")
            set_text(self.status, text)

    def show_error(self, text: str) -> None:
        self._clear()
        self.refresh_button.setEnabled(True)
        set_role(self.status, "status_bad")
        set_text(self.status, text)
