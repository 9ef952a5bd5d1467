"""Out of service: shown to patients instead of the welcome screen when the kiosk cannot serve
them (not paired, no secure keyring, no hub address; see :mod:`kiosk.service`).

Rules that matter:

- It renders a :class:`kiosk.service.ServiceState` and decides nothing. Patients read one calm
  sentence, in their language; the reason is for staff and is shown only in admin mode (staff
  reach it with the usual gesture on the clinic's name, or Ctrl+Alt+A, and the PIN).
- The only controls are the language buttons (48 px or more, like every target).
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QWidget

from kiosk.journey import Journey
from ui.i18n import LANGUAGES
from ui.screens.base import LiveState, Screen
from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text


class OutOfServiceScreen(Screen):
    """"This kiosk is not ready. Please ask at reception."

    Signals:
        language_chosen(str): a language button ("en", "pl", "cy").
    """

    language_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("OutOfService")
        self._language = "en"
        self.outer.addStretch(2)
        self.heading = label("title", center=True)
        self.heading.setObjectName("OutOfServiceHeading")
        self.body = label("h2", center=True)
        self.body.setObjectName("OutOfServiceBody")
        self.outer.addWidget(self.heading)
        self.outer.addWidget(self.body)
        self.outer.addStretch(3)
        row = QHBoxLayout()
        row.setSpacing(16)
        row.addStretch(1)
        self.language_buttons: dict[str, BigButton] = {}
        for lang in LANGUAGES:
            button = BigButton(lang.native_name, role="choice")
            button.setObjectName(f"OutOfServiceLanguage_{lang.code}")
            button.setCheckable(True)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _c=False, code=lang.code: self._choose(code))
            self.language_buttons[lang.code] = button
            row.addWidget(button, 3)
        row.addStretch(1)
        self.outer.addLayout(row)
        self.outer.addStretch(1)
        self.retranslate()

    def _choose(self, code: str) -> None:
        self._mark(code)
        self.language_chosen.emit(code)

    def _mark(self, code: str) -> None:
        self._language = code
        for other, button in self.language_buttons.items():
            button.setChecked(other == code)

    def default_focus(self) -> QWidget | None:
        return self.language_buttons.get(self._language)

    def update_from(self, journey: Journey, now: float, live: LiveState) -> None:
        self._mark(live.language)

    def retranslate(self) -> None:
        heading = self.tr("This kiosk is not ready.")
        body = self.tr("Please ask at reception.")
        set_text(self.heading, heading)
        set_text(self.body, body)
        self.setAccessibleName(heading + " " + body)
        for lang in LANGUAGES:
            about = self.tr("Shows the kiosk in this language: %1")
            describe(self.language_buttons[lang.code], lang.native_name,
                     about.replace("%1", lang.native_name))
