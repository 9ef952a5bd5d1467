"""Admin mode: the kiosk's settings, each field with its own validation message beside it.

"Save" validates (``kiosk.config.validate``) and, only if every field is right, hands the new
:class:`KioskSettings` to the owner through ``save_requested``; "Cancel" puts back what was
saved. This page never writes files itself.

A field a command-line flag set is shown with the flag ("set by --language on the command
line") and cannot be edited here: the flag wins over the file (``kiosk.config.resolve_settings``).
A settings file the kiosk could not use is named at the top, with why.

The microphone's processing (echo cancellation, noise suppression, gain control, high-pass
filter) is four on/off buttons; saved, they apply at once (the owner restarts the microphone and
speaker with a new processor, ``ui.media.KioskDevices.set_processing``). While echo cancellation
is checked, a note says the low hum filter is then always on (the echo canceller runs its own).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.config import LANGUAGES, KioskSettings, validate
from ui.theme import set_role
from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text

#: Field name -> (label, hint) in the order shown.
TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "clinic_name": ("Clinic name", "Shown on the welcome screen."),
    "room_name": ("Room", "Where this kiosk is, e.g. \"Room 2\"."),
    "hub_url": ("Hub address", "e.g. https://hub.example.nhs.scot"),
    "idle_check_in_s": ("Check-in idle (s)", "30 to 3600 seconds."),
    "idle_device_checks_s": ("Checks idle (s)", "30 to 3600 seconds."),
    "idle_feedback_s": ("Feedback idle (s)", "30 to 3600 seconds."),
    "idle_warning_s": ("Idle warning (s)", "20 to 600 seconds."),
    "self_test_times": ("Self-test times", "24-hour times, comma between: 07:30, 13:00"),
    "survey_file": ("Survey file", "A .toml file; empty for the standard survey."),
    "camera_id": ("Camera id", "Empty for the system default."),
    "microphone_id": ("Microphone id", "Empty for the system default."),
    "speaker_id": ("Speaker id", "Empty for the system default."),
    "read_aloud_speed": ("Read-aloud speed (%)", "40 to 100 per cent of normal; 75 is slower, "
                                                 "for clarity."),
}
INT_FIELDS = ("idle_check_in_s", "idle_device_checks_s", "idle_feedback_s", "idle_warning_s",
              "read_aloud_speed")
LANGUAGE_NAMES = {"en": "English", "pl": "Polski", "cy": "Cymraeg"}
#: The microphone's processing: field -> (button, what it does), in the order shown.
AUDIO_FIELDS: dict[str, tuple[str, str]] = {
    "echo_cancellation": ("Echo cancellation", "The specialist does not hear their own voice "
                                               "back from the kiosk's speakers."),
    "noise_suppression": ("Noise suppression", "Steady background noise (fans, traffic) is "
                                               "taken out of the patient's voice."),
    "auto_gain_control": ("Automatic gain", "A quiet or distant voice is made louder."),
    "high_pass_filter": ("Low hum filter", "Rumble and hum below speech are taken out. While "
                                           "echo cancellation is on, this filter is always on."),
}
#: Shown while echo cancellation is checked: WebRTC's echo canceller runs its own high-pass
#: filter whatever the switch says (kiosk.media.echo.ProcessingSettings).
HUM_FILTER_NOTE = ("Echo cancellation takes out low hum by itself, so the low hum filter is "
                   "always on while echo cancellation is on. Its button only matters with echo "
                   "cancellation off.")


class SettingsPage(QWidget):
    """The settings form.

    Signals:
        save_requested(object): "Save" with valid settings (a :class:`KioskSettings`).
    """

    save_requested = Signal(object)

    def __init__(self, settings: KioskSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._saved = settings
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(16)
        outer.addWidget(label("h1", "Settings"))
        self.notice = label("status_bad", "")
        self.notice.setObjectName("SettingsFileProblem")
        self.notice.hide()
        outer.addWidget(self.notice)
        self.sources: dict[str, QLabel] = {}
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setAccessibleName("Settings fields")
        # The fields take the focus (and scroll into view), not the area around them.
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        form_widget = QWidget()
        form_widget.setProperty("role", "screen")
        grid = QGridLayout(form_widget)
        grid.setContentsMargins(0, 0, 24, 0)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(8)
        grid.setColumnStretch(1, 1)
        self.edits: dict[str, QLineEdit] = {}
        self.errors: dict[str, QLabel] = {}
        row = 0
        for name, (title, hint) in TEXT_FIELDS.items():
            caption = label("strong", title)
            edit = QLineEdit()
            edit.setObjectName(f"Setting_{name}")
            edit.setPlaceholderText(hint)
            edit.setMinimumHeight(64)
            edit.setAccessibleName(title)
            edit.setAccessibleDescription(hint)
            caption.setBuddy(edit)
            error = label("status_bad", "")
            error.setObjectName(f"SettingError_{name}")
            error.hide()
            source = label("hint", "")
            source.setObjectName(f"SettingSource_{name}")
            source.hide()
            grid.addWidget(caption, row, 0)
            grid.addWidget(edit, row, 1)
            grid.addWidget(source, row + 1, 1)
            grid.addWidget(error, row + 2, 1)
            self.edits[name], self.errors[name] = edit, error
            self.sources[name] = source
            row += 3
            if name == "hub_url":
                row = self._add_languages(grid, row)
            if name == "speaker_id":
                row = self._add_audio(grid, row)
        scroll.setWidget(form_widget)
        outer.addWidget(scroll, 1)

        self.status = label("status_good", "")
        self.status.setObjectName("SettingsStatus")
        self.status.hide()
        outer.addWidget(self.status)
        buttons = QHBoxLayout()
        buttons.setSpacing(24)
        self.cancel_button = BigButton("Cancel changes", role="secondary", icon="cross")
        self.cancel_button.setObjectName("SettingsCancel")
        describe(self.cancel_button, "Cancel changes", "Puts back the saved settings.")
        self.cancel_button.clicked.connect(self.discard)
        self.save_button = BigButton("Save settings", role="go", icon="tick")
        self.save_button.setObjectName("SettingsSave")
        describe(self.save_button, "Save settings", "Checks every field and saves the settings.")
        self.save_button.clicked.connect(self.save)
        for button in (self.cancel_button, self.save_button):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            buttons.addWidget(button)
        outer.addLayout(buttons)
        self.discard()

    def _add_languages(self, grid: QGridLayout, row: int) -> int:
        grid.addWidget(label("strong", "Default language"), row, 0)
        box = QHBoxLayout()
        box.setSpacing(16)
        self.language_buttons: dict[str, BigButton] = {}
        for code in LANGUAGES:
            button = BigButton(LANGUAGE_NAMES[code], role="choice")
            button.setObjectName(f"SettingLanguage_{code}")
            button.setCheckable(True)
            describe(button, LANGUAGE_NAMES[code],
                     "The language the welcome screen starts in.")
            button.clicked.connect(lambda _c=False, c=code: self.choose_language(c))
            self.language_buttons[code] = button
            box.addWidget(button)
        box.addStretch(1)
        grid.addLayout(box, row, 1)
        source = label("hint", "")
        source.setObjectName("SettingSource_default_language")
        source.hide()
        self.sources["default_language"] = source
        grid.addWidget(source, row + 1, 1)
        error = label("status_bad", "")
        error.hide()
        self.errors["default_language"] = error
        grid.addWidget(error, row + 2, 1)
        return row + 3

    def _add_audio(self, grid: QGridLayout, row: int) -> int:
        grid.addWidget(label("strong", "Microphone processing"), row, 0)
        box = QGridLayout()
        box.setSpacing(16)
        self.audio_buttons: dict[str, BigButton] = {}
        for n, (name, (title, does)) in enumerate(AUDIO_FIELDS.items()):
            button = BigButton(title, role="choice")
            button.setObjectName(f"Setting_{name}")
            button.setCheckable(True)
            describe(button, title, does + " On when checked; applies when saved.")
            self.audio_buttons[name] = button
            box.addWidget(button, n // 2, n % 2)
        grid.addLayout(box, row, 1)
        grid.addWidget(label("hint", "On when checked. Applies as soon as it is saved."),
                       row + 1, 1)
        self.hum_note = label("hint", HUM_FILTER_NOTE)
        self.hum_note.setObjectName("SettingHumFilterNote")
        grid.addWidget(self.hum_note, row + 2, 1)
        self.audio_buttons["echo_cancellation"].toggled.connect(self.hum_note.setVisible)
        return row + 3

    def choose_language(self, code: str) -> None:
        """Check one language (by hand, not with an exclusive QButtonGroup, so that Tab
        reaches every button)."""
        for other, button in self.language_buttons.items():
            button.setChecked(other == code)

    def show_sources(self, overridden: dict[str, str], problem: str | None = None) -> None:
        """``overridden``: field -> where its value comes from, for fields a flag set (they
        cannot be edited here); ``problem``: why the settings file was not used, if it was not."""
        for name, source in self.sources.items():
            text = overridden.get(name, "")
            set_text(source, (text[0].upper() + text[1:] + ": this value wins over the file.")
                     if text else "")
            source.setVisible(bool(text))
            widgets = ([self.edits[name]] if name in self.edits
                       else list(self.language_buttons.values()))
            for widget in widgets:
                widget.setEnabled(not text)
                if text:
                    widget.setAccessibleDescription(source.text())
        set_text(self.notice, problem or "")
        self.notice.setVisible(bool(problem))

    # ----- values --------------------------------------------------------------------------

    def load(self, settings: KioskSettings) -> None:
        """Show ``settings`` as the saved ones."""
        self._saved = settings
        self.discard()

    def discard(self) -> None:
        """Put back the saved settings and clear every message."""
        data = self._saved.to_dict()
        for name, edit in self.edits.items():
            value = data[name]
            edit.setText(", ".join(value) if isinstance(value, list) else str(value))
        self.choose_language(self._saved.default_language)
        for name, button in self.audio_buttons.items():
            button.setChecked(bool(data[name]))
        self.hum_note.setVisible(self.audio_buttons["echo_cancellation"].isChecked())
        self.show_errors({})
        self.show_status("")

    def current(self) -> tuple[KioskSettings, dict[str, str]]:
        """The settings as typed, and a message per field that is wrong."""
        errors: dict[str, str] = {}
        values: dict[str, Any] = {}
        for name, edit in self.edits.items():
            text = edit.text().strip()
            if name in INT_FIELDS:
                try:
                    values[name] = int(text)
                except ValueError:
                    errors[name] = ("Give a whole number." if name == "read_aloud_speed"
                                    else "Give a whole number of seconds.")
            elif name == "self_test_times":
                values[name] = tuple(t.strip() for t in text.split(",") if t.strip())
            else:
                values[name] = text
        checked = [c for c, b in self.language_buttons.items() if b.isChecked()]
        values["default_language"] = checked[0] if checked else ""
        for name, button in self.audio_buttons.items():
            values[name] = button.isChecked()
        settings = replace(self._saved, **dict(values.items()))
        problems = validate(settings)
        problems.update(errors)
        return settings, problems

    def save(self) -> None:
        settings, problems = self.current()
        self.show_errors(problems)
        if problems:
            self.show_status(f"Not saved: {len(problems)} field(s) need changing.", good=False)
            first = next((self.edits[n] for n in self.edits if n in problems), None)
            if first is not None:
                first.setFocus()
            return
        self.save_requested.emit(settings)

    def saved(self, settings: KioskSettings, note: str) -> None:
        """The owner saved ``settings``: they are now the ones Cancel goes back to."""
        self._saved = settings
        self.show_status(note)

    def show_errors(self, problems: dict[str, str]) -> None:
        for name, error in self.errors.items():
            text = problems.get(name, "")
            set_text(error, text)
            error.setVisible(bool(text))
            edit = self.edits.get(name)
            if edit is not None:
                edit.setAccessibleDescription(text or TEXT_FIELDS[name][1])

    def show_status(self, text: str, *, good: bool = True) -> None:
        set_role(self.status, "status_good" if good else "status_bad")
        set_text(self.status, text)
        self.status.setVisible(bool(text))
