"""The admin page shown on the journey's ADMIN step: a column of tasks and the task's page.

Tasks: Status, Settings, Pairing, Appointments, Diagnostics, Feedback, and "Leave admin mode"
(back to the welcome screen). The rare, bigger steps, "Restart the kiosk app" and "Exit kiosk
mode" (which asks for the PIN again), are on the Status page, away from the everyday ones.

A kiosk has no physical keyboard: the patients' on-screen keyboard (``ui/widgets/keyboard.py``)
appears under the task's page whenever one of its text fields has the focus (a touch on the
field gives it), types into that field, and goes away when the focus leaves the fields.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QApplication,
    QBoxLayout,
    QHBoxLayout,
    QLineEdit,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import KioskSettings
from ui.admin.appointments_page import AppointmentsPage
from ui.admin.diagnostics_page import DiagnosticsPage
from ui.admin.feedback_page import FeedbackPage
from ui.admin.pairing_page import PairingPage
from ui.admin.settings_page import SettingsPage
from ui.widgets.buttons import BigButton, describe
from ui.widgets.keyboard import OnScreenKeyboard
from ui.widgets.text import label, set_text

NAV_WIDTH = 500


class StatusPage(QWidget):
    """What staff see first: where this kiosk is, its hub, whether it is paired."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(24)
        layout.addWidget(label("h1", "Admin mode"))
        layout.addWidget(label("body", "Patients cannot use the kiosk while admin mode is "
                                       "open. Choose a task on the left; leave admin mode "
                                       "when you have finished."))
        self.facts = label("strong", "")
        self.facts.setObjectName("AdminStatusFacts")
        layout.addWidget(self.facts)
        layout.addStretch(1)
        layout.addWidget(label("h2", "The kiosk app"))
        self.app_actions = QHBoxLayout()
        self.app_actions.setSpacing(24)
        layout.addLayout(self.app_actions)

    def show_facts(self, facts: dict[str, str]) -> None:
        set_text(self.facts, "\n".join(f"{k}: {v}" for k, v in facts.items()))
        self.facts.setAccessibleName("Kiosk status")
        self.facts.setAccessibleDescription(self.facts.text())


class AdminScreen(QWidget):
    """Staff screens (English only: see ``ui/admin/__init__.py``).

    Signals:
        leave_requested(): "Leave admin mode".
        restart_requested(): "Restart the kiosk app".
        exit_requested(): "Exit kiosk mode" (the owner asks for the PIN again).
        page_shown(str): a task page was shown ("status", "settings", "pairing",
            "appointments", "diagnostics", "feedback").
    """

    leave_requested = Signal()
    restart_requested = Signal()
    exit_requested = Signal()
    page_shown = Signal(str)

    def __init__(self, settings: KioskSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AdminScreen")
        self.setProperty("role", "screen")
        outer = QHBoxLayout(self)
        outer.setContentsMargins(40, 32, 40, 32)
        outer.setSpacing(48)
        nav = QVBoxLayout()
        nav.setSpacing(16)
        self.status_page = StatusPage()
        self.settings_page = SettingsPage(settings)
        self.pairing_page = PairingPage()
        self.diagnostics_page = DiagnosticsPage()
        self.feedback_page = FeedbackPage()
        self.appointments_page = AppointmentsPage()
        self.pages = QStackedWidget()
        self.pages.setObjectName("AdminPages")
        self.page_names = {"status": self.status_page, "settings": self.settings_page,
                           "pairing": self.pairing_page, "appointments": self.appointments_page,
                           "diagnostics": self.diagnostics_page, "feedback": self.feedback_page}
        for page in self.page_names.values():
            self.pages.addWidget(page)
        self.nav_buttons: dict[str, BigButton] = {}
        tasks = {"status": ("Status", "Where this kiosk is and whether it is paired."),
                 "settings": ("Settings", "Clinic, hub address, language, time-outs, devices."),
                 "pairing": ("Pairing", "Pair this kiosk using a one-time code."),
                 "appointments": ("Appointments", "Today's appointments in this clinic."),
                 "diagnostics": ("Diagnostics", "Versions, recent log lines, export for IT."),
                 "feedback": ("Feedback", "What patients said in the survey on this kiosk.")}
        for name, (text, description) in tasks.items():
            button = BigButton(text, role="choice")
            button.setObjectName(f"AdminNav_{name}")
            button.setCheckable(True)
            describe(button, text, description)
            button.clicked.connect(lambda _c=False, n=name: self.show_page(n))
            self.nav_buttons[name] = button
            nav.addWidget(button)
        nav.addStretch(1)
        self.leave_button = self._action(nav, "Leave admin mode", "go", "arrow_left",
                                         "Goes back to the welcome screen for patients.",
                                         self.leave_requested)
        actions = self.status_page.app_actions
        self.restart_button = self._action(actions, "Restart the kiosk app", "secondary",
                                           "retry", "Closes and reopens the kiosk app (new "
                                           "settings and pairing take effect).",
                                           self.restart_requested)
        self.exit_button = self._action(actions, "Exit kiosk mode", "danger", "cross",
                                         "Closes the kiosk app after the PIN is typed again.",
                                         self.exit_requested)
        self.nav_widget = QWidget()
        self.nav_widget.setLayout(nav)
        self.nav_widget.setFixedWidth(NAV_WIDTH)
        outer.addWidget(self.nav_widget)
        column = QVBoxLayout()
        column.setSpacing(24)
        column.addWidget(self.pages, 1)
        self.keyboard = OnScreenKeyboard()
        self.keyboard.setObjectName("AdminKeyboard")
        self.keyboard.hide()
        column.addWidget(self.keyboard)
        outer.addLayout(column, 1)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)
        self.show_page("status")

    def _action(self, box: QBoxLayout, text: str, role: str, icon: str, description: str,
                signal: SignalInstance) -> BigButton:
        button = BigButton(text, role=role, icon=icon)
        button.setObjectName("Admin" + "".join(w.capitalize() for w in text.split()[:2]))
        button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        describe(button, text, description)
        button.clicked.connect(signal)
        box.addWidget(button)
        return button

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        """Show the keyboard for a text field of these pages; hide it when the focus leaves."""
        if isinstance(new, QLineEdit) and self.pages.isAncestorOf(new) and not new.isReadOnly():
            self.keyboard.set_language("en")  # admin mode is in English
            self.keyboard.set_target(new)
            self.keyboard.show()
        elif new is not None and self.isAncestorOf(new) and not self.keyboard.isAncestorOf(new):
            self.keyboard.set_target(None)
            self.keyboard.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # The task column keeps its share of a 1920-pixel-wide screen on smaller ones.
        width = event.size().width()
        if width > 0:
            self.nav_widget.setFixedWidth(max(280, min(NAV_WIDTH, round(width * 0.26))))

    def show_page(self, name: str) -> None:
        focused = QApplication.focusWidget()
        if focused is not None and self.pages.isAncestorOf(focused):
            # Hiding the focused field would send the focus to the first button; keep it on
            # the task chosen instead.
            self.nav_buttons[name].setFocus(Qt.FocusReason.OtherFocusReason)
        # Checked by hand, not by an exclusive QButtonGroup: that would stop Tab reaching
        # every task (as on the welcome screen's language buttons).
        for other, button in self.nav_buttons.items():
            button.setChecked(other == name)
        self.pages.setCurrentWidget(self.page_names[name])
        self.page_shown.emit(name)

    def current_page(self) -> str:
        current = self.pages.currentWidget()
        return next(n for n, p in self.page_names.items() if p is current)
