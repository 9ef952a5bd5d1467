"""Admin mode: today's appointments in this kiosk's clinic, as the hub lists them.

The hub sends no codes and no patient names, so none can show here: only the time, the
specialist, the waiting area and whether the patient has checked in. The owner fetches the
list (on the engine loop) and calls :meth:`AppointmentsPage.show_list` or ``show_error``.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from kiosk.admin import TodayAppointment
from ui.theme import set_role
from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text


class AppointmentsPage(QWidget):
    """Today's appointments.

    Signals:
        refresh_requested(): "Refresh" (the owner also fetches when the page is shown).
    """

    refresh_requested = Signal()

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
        layout.addWidget(self.refresh_button)
        self.rows: list[str] = []

    def _clear(self) -> None:
        while self.rows_layout.count() > 1:
            item = self.rows_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.rows = []

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
            row = label("strong" if not a.checked_in else "hint", text)
            row.setAccessibleName(text)
            self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)
            self.rows.append(text)

    def show_error(self, text: str) -> None:
        self._clear()
        self.refresh_button.setEnabled(True)
        set_role(self.status, "status_bad")
        set_text(self.status, text)
