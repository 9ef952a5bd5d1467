"""The welcome (attract) screen: the clinic's name, "Touch to start", languages, text size and
contrast."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.journey import Journey
from ui.i18n import LANGUAGES
from ui.screens.base import LiveState, Screen
from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text


class WelcomeScreen(Screen):
    """Shown while nobody is using the kiosk.

    Signals:
        start_requested(): "Touch to start".
        language_chosen(str): a language button ("en", "pl", "cy").
        large_text_toggled(bool): "Larger text" switched on (True) or off (False).
        high_contrast_toggled(bool): "High contrast" switched on (True) or off (False).
        auto_read_toggled(bool): "Read every screen aloud" switched on (True) or off (False);
            shown only where read aloud is offered (:meth:`set_read_aloud`).
    """

    start_requested = Signal()
    language_chosen = Signal(str)
    large_text_toggled = Signal(bool)
    high_contrast_toggled = Signal(bool)
    auto_read_toggled = Signal(bool)

    def __init__(self, clinic_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._clinic_name = clinic_name
        self._large_text = False
        self._high_contrast = False
        self.outer.addStretch(2)
        self.title = label("title", "", center=True)
        self.subtitle = label("body", "", center=True)
        self.outer.addWidget(self.title)
        self.outer.addWidget(self.subtitle)
        self.outer.addStretch(1)

        self.start_button = BigButton(role="go", icon="hand")
        self.start_button.setObjectName("TouchToStart")
        self.start_button.setProperty("emphasis", "huge")
        self.start_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.start_button.clicked.connect(self.start_requested)
        start_row = QHBoxLayout()
        start_row.addStretch(1)
        start_row.addWidget(self.start_button, 3)
        start_row.addStretch(1)
        self.outer.addLayout(start_row)
        self.outer.addStretch(2)

        settings = QHBoxLayout()
        settings.setSpacing(48)
        self.outer.addLayout(settings)

        lang_box = QVBoxLayout()
        lang_box.setSpacing(12)
        self.language_label = label("strong")
        lang_box.addWidget(self.language_label)
        lang_row = QHBoxLayout()
        lang_row.setSpacing(16)
        self.language_buttons: dict[str, BigButton] = {}
        for lang in LANGUAGES:
            button = BigButton(lang.native_name, role="choice")
            button.setObjectName(f"Language_{lang.code}")
            button.setCheckable(True)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.clicked.connect(lambda _c=False, code=lang.code: self._choose(code))
            self.language_buttons[lang.code] = button
            lang_row.addWidget(button)
        lang_box.addLayout(lang_row)
        settings.addLayout(lang_box, 1)

        view_box = QVBoxLayout()
        view_box.setSpacing(12)
        self.view_label = label("strong")
        view_box.addWidget(self.view_label)
        view_row = QHBoxLayout()
        view_row.setSpacing(16)
        self.large_text_button = BigButton(role="toggle", icon="text_size")
        self.large_text_button.setObjectName("LargeText")
        self.high_contrast_button = BigButton(role="toggle", icon="contrast")
        self.high_contrast_button.setObjectName("HighContrast")
        self.read_every_button = BigButton(role="toggle", icon="sound")
        self.read_every_button.setObjectName("ReadEveryScreen")
        for button in (self.large_text_button, self.high_contrast_button, self.read_every_button):
            button.setCheckable(True)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        view_row.addWidget(self.large_text_button)
        view_row.addWidget(self.high_contrast_button)
        self.large_text_button.clicked.connect(
            lambda: self.large_text_toggled.emit(not self._large_text))
        self.high_contrast_button.clicked.connect(
            lambda: self.high_contrast_toggled.emit(not self._high_contrast))
        self.read_every_button.clicked.connect(
            lambda: self.auto_read_toggled.emit(self.read_every_button.isChecked()))
        self.read_every_button.hide()
        lang_box.addWidget(self.read_every_button)
        view_box.addLayout(view_row)
        view_box.addStretch(1)  # level with the language buttons when "Read every screen" shows
        settings.addLayout(view_box, 1)
        self.retranslate()

    def _choose(self, code: str) -> None:
        # Shown at once; the next render confirms it. (No exclusive QButtonGroup: that would
        # let Tab reach only the checked button, like radio buttons.)
        for other, button in self.language_buttons.items():
            button.setChecked(other == code)
        self.language_chosen.emit(code)

    def set_read_aloud(self, offered: bool, auto: bool) -> None:
        """Offer "Read every screen aloud" (only where a speech engine works), on or off."""
        if self.read_every_button.isVisibleTo(self) != offered:
            self.read_every_button.setVisible(offered)
        if self.read_every_button.isChecked() != auto:
            self.read_every_button.setChecked(auto)
        self._retranslate_toggles()

    def set_clinic_name(self, name: str) -> None:
        self._clinic_name = name
        self.retranslate()

    def default_focus(self) -> QWidget | None:
        return self.start_button

    def update_from(self, journey: Journey, now: float, live: LiveState) -> None:
        for code, button in self.language_buttons.items():
            if button.isChecked() != (code == live.language):
                button.setChecked(code == live.language)
        changed = (live.large_text, live.high_contrast) != (self._large_text, self._high_contrast)
        self._large_text, self._high_contrast = live.large_text, live.high_contrast
        self.large_text_button.setChecked(live.large_text)
        self.high_contrast_button.setChecked(live.high_contrast)
        if changed:
            self._retranslate_toggles()

    def retranslate(self) -> None:
        set_text(self.title, self.tr("Welcome to %1").replace("%1", self._clinic_name))
        set_text(self.subtitle,
                 self.tr("Check in here to see your specialist on a video call."))
        self.start_button.set_text(self.tr("Touch to start"))
        describe(self.start_button, self.tr("Touch to start"),
                 self.tr("Starts checking you in for your appointment."))
        set_text(self.language_label, self.tr("Language"))
        set_text(self.view_label, self.tr("Make the screen easier to read"))
        for lang in LANGUAGES:
            about = self.tr("Shows the kiosk in this language: %1")
            describe(self.language_buttons[lang.code], lang.native_name,
                     about.replace("%1", lang.native_name))
        self._retranslate_toggles()

    def _retranslate_toggles(self) -> None:
        on, off = self.tr("On"), self.tr("Off")
        large = self.tr("Larger text")
        contrast = self.tr("High contrast")
        self.large_text_button.set_text(f"{large}\n{on if self._large_text else off}")
        self.high_contrast_button.set_text(f"{contrast}\n{on if self._high_contrast else off}")
        read = self.tr("Read every screen aloud")
        reading = self.read_every_button.isChecked()
        self.read_every_button.set_text(f"{read}\n{on if reading else off}")
        describe(self.read_every_button, read,
                 self.tr("Reads each new screen out loud. It is on now.") if reading
                 else self.tr("Reads each new screen out loud. It is off now."))
        describe(self.large_text_button, large,
                 self.tr("Makes all the writing bigger. It is on now.") if self._large_text
                 else self.tr("Makes all the writing bigger. It is off now."))
        describe(self.high_contrast_button, contrast,
                 self.tr("Shows yellow and white on black. It is on now.")
                 if self._high_contrast
                 else self.tr("Shows yellow and white on black. It is off now."))
