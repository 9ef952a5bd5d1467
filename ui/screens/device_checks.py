"""Device checks, one at a time: camera ("Can you see yourself?"), microphone (the level meter
moves when the patient speaks), sound ("Did you hear the sound?"), then a summary that includes
the internet connection check running in the background."""

from __future__ import annotations

import itertools
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.journey import Journey
from ui.screens.base import LiveState, Screen, scale_layouts
from ui.theme import set_role
from ui.video import VideoView
from ui.widgets.buttons import BigButton, describe
from ui.widgets.icons import icon_pixmap
from ui.widgets.level_meter import LevelMeter
from ui.widgets.text import label, set_text

PATIENT_CHECKS: Final = ("camera", "microphone", "speaker")
SPEECH_LEVEL: Final = 0.15  # mic level (0..1) that counts as speech
SPEECH_SECONDS: Final = 1.0  # this much speech passes the microphone check
MAX_GAP: Final = 0.5  # a longer gap between two level readings counts as this much
DEVICE_KIND: Final = {"camera": "camera", "microphone": "mic", "speaker": "speaker"}


class DeviceChecksScreen(Screen):
    """Checks the camera, microphone and sound with the patient, then shows a summary.

    Signals:
        check_answered(str, str): a check's result: name ("camera", "microphone", "speaker")
            and status ("pass" or "fail").
        play_chime_requested(): "Play a sound" / "Play it again".
        device_chosen(str, int): the patient picked another device: kind ("camera", "mic",
            "speaker") and its index in the LiveState list.
        volume_changed(int): "Quieter" / "Louder" on the sound check (new volume 0..100).
        continue_audio_only(): "Carry on without video" after the camera check failed.
        checks_finished(): "Continue" on the summary.
    """

    check_answered = Signal(str, str)
    play_chime_requested = Signal()
    device_chosen = Signal(str, int)
    volume_changed = Signal(int)
    continue_audio_only = Signal()
    checks_finished = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._retrying: set[str] = set()
        self._carried_on: set[str] = set()
        self._chime_played = False
        self._voiced = 0.0
        self._last_level_at: float | None = None
        self._mic_passed_sent = False
        self._page = ""
        self._volume = 80
        self._live = LiveState()
        self._checks: dict[str, str] = {}

        self.step_label = label("hint")
        self.outer.addWidget(self.step_label)
        self.pages = QStackedWidget(self)
        self.outer.addWidget(self.pages, 1)
        self._build_camera_page()
        self._build_mic_page()
        self._build_speaker_page()
        self._build_problem_page()
        self._build_summary_page()
        self.retranslate()

    # ----- construction -----------------------------------------------------------------------

    def _new_page(self) -> tuple[QWidget, QVBoxLayout]:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(28)
        self.pages.addWidget(page)
        return page, layout

    def _buttons_column(self, *buttons: BigButton) -> QVBoxLayout:
        column = QVBoxLayout()
        column.setSpacing(24)
        for button in buttons:
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            column.addWidget(button)
        return column

    def _build_camera_page(self) -> None:
        self.camera_page = QWidget()
        self.pages.addWidget(self.camera_page)
        row = QHBoxLayout(self.camera_page)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(64)
        self.self_view = VideoView(mirrored=True)
        self.self_view.setMinimumSize(320, 180)
        row.addWidget(self.self_view, 3)
        side = QVBoxLayout()
        side.setSpacing(28)
        self.camera_heading = label("h1")
        self.camera_text = label("body")
        self.camera_yes = BigButton(role="go", icon="tick")
        self.camera_yes.setObjectName("CameraYes")
        self.camera_no = BigButton(role="secondary", icon="cross")
        self.camera_no.setObjectName("CameraNo")
        self.camera_yes.clicked.connect(lambda: self._answer("camera", "pass"))
        self.camera_no.clicked.connect(lambda: self._answer("camera", "fail"))
        side.addWidget(self.camera_heading)
        side.addWidget(self.camera_text)
        side.addLayout(self._buttons_column(self.camera_yes, self.camera_no))
        side.addStretch(1)
        row.addLayout(side, 2)

    def _build_mic_page(self) -> None:
        self.mic_page, layout = self._new_page()
        self.mic_heading = label("h1")
        self.mic_text = label("body")
        self.meter = LevelMeter()
        self.mic_status = label("status_neutral")
        self.mic_fail = BigButton(role="secondary", icon="cross")
        self.mic_fail.setObjectName("MicNotMoving")
        self.mic_fail.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.mic_fail.clicked.connect(lambda: self._answer("microphone", "fail"))
        layout.addWidget(self.mic_heading)
        layout.addWidget(self.mic_text)
        layout.addSpacing(24)
        layout.addWidget(self.meter)
        layout.addWidget(self.mic_status)
        layout.addStretch(1)
        layout.addWidget(self.mic_fail, 0, Qt.AlignmentFlag.AlignLeft)

    def _build_speaker_page(self) -> None:
        self.speaker_page, layout = self._new_page()
        self.speaker_heading = label("h1")
        self.speaker_text = label("body")
        self.play_button = BigButton(role="primary", icon="sound")
        self.play_button.setObjectName("PlaySound")
        self.play_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.play_button.clicked.connect(self._play)
        self.heard_yes = BigButton(role="go", icon="tick")
        self.heard_yes.setObjectName("HeardYes")
        self.heard_no = BigButton(role="secondary", icon="cross")
        self.heard_no.setObjectName("HeardNo")
        self.play_again = BigButton(role="secondary", icon="retry")
        self.play_again.setObjectName("PlayAgain")
        self.heard_yes.clicked.connect(lambda: self._answer("speaker", "pass"))
        self.heard_no.clicked.connect(lambda: self._answer("speaker", "fail"))
        self.play_again.clicked.connect(self._play)
        self.heard_row = QWidget()
        heard = QHBoxLayout(self.heard_row)
        heard.setContentsMargins(0, 0, 0, 0)
        heard.setSpacing(24)
        for button in (self.heard_yes, self.heard_no, self.play_again):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            heard.addWidget(button)
        self.volume_row = QWidget()
        vol = QHBoxLayout(self.volume_row)
        vol.setContentsMargins(0, 0, 0, 0)
        vol.setSpacing(24)
        self.quieter = BigButton(role="secondary", icon="volume_down")
        self.quieter.setObjectName("Quieter")
        self.louder = BigButton(role="secondary", icon="volume_up")
        self.louder.setObjectName("Louder")
        self.volume_text = label("strong", wrap=False)
        self.quieter.clicked.connect(lambda: self._change_volume(-10))
        self.louder.clicked.connect(lambda: self._change_volume(+10))
        vol.addWidget(self.quieter)
        vol.addWidget(self.volume_text)
        vol.addWidget(self.louder)
        vol.addStretch(1)
        layout.addWidget(self.speaker_heading)
        layout.addWidget(self.speaker_text)
        layout.addWidget(self.play_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.heard_row)
        layout.addSpacing(24)
        layout.addWidget(self.volume_row)
        layout.addStretch(1)

    def _build_problem_page(self) -> None:
        self.problem_page, layout = self._new_page()
        self.problem_heading = label("h2")
        self.problem_text = label("body")
        self.devices_label = label("strong")
        self.devices_box = QWidget()
        self.devices_grid = QGridLayout(self.devices_box)
        self.devices_grid.setContentsMargins(0, 0, 0, 0)
        self.devices_grid.setSpacing(16)
        self.device_buttons: list[BigButton] = []
        self._device_names: list[str] = []
        self.retry_button = BigButton(role="primary", icon="retry")
        self.retry_button.setObjectName("TryAgain")
        self.carry_on_button = BigButton(role="secondary", icon="arrow_right")
        self.carry_on_button.setObjectName("CarryOn")
        self.retry_button.clicked.connect(self._retry)
        self.carry_on_button.clicked.connect(self._carry_on)
        actions = QHBoxLayout()
        actions.setSpacing(24)
        for button in (self.retry_button, self.carry_on_button):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            actions.addWidget(button)
        layout.addWidget(self.problem_heading)
        layout.addWidget(self.problem_text)
        layout.addWidget(self.devices_label)
        layout.addWidget(self.devices_box)
        layout.addStretch(1)
        layout.addLayout(actions)

    def _build_summary_page(self) -> None:
        self.summary_page, layout = self._new_page()
        self.summary_heading = label("h1")
        layout.addWidget(self.summary_heading)
        self.summary_rows: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(20)
        for n, name in enumerate((*PATIENT_CHECKS, "network")):
            icon = label("body", wrap=False)
            title = label("strong", wrap=False)
            status = label("status_neutral")
            grid.addWidget(icon, n, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(title, n, 1, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(status, n, 2)
            self.summary_rows[name] = (icon, title, status)
        grid.setColumnStretch(2, 1)
        layout.addLayout(grid)
        self.summary_text = label("body")
        layout.addWidget(self.summary_text)
        layout.addStretch(1)
        self.continue_button = BigButton(role="go", icon="arrow_right")
        self.continue_button.setObjectName("Continue")
        self.redo_button = BigButton(role="secondary", icon="retry")
        self.redo_button.setObjectName("CheckAgain")
        self.continue_button.clicked.connect(self.checks_finished)
        self.redo_button.clicked.connect(self._redo_all)
        actions = QHBoxLayout()
        actions.setSpacing(24)
        for button in (self.continue_button, self.redo_button):
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            actions.addWidget(button)
        layout.addLayout(actions)

    # ----- local state and intents ------------------------------------------------------------

    def reset_local(self) -> None:
        self._retrying.clear()
        self._carried_on.clear()
        self._chime_played = False
        self._voiced = 0.0
        self._last_level_at = None
        self._mic_passed_sent = False
        self._page = ""
        self.meter.set_level(0.0)
        self.self_view.clear()

    def current_page(self) -> tuple[str, str]:
        """(check or "summary", "question" / "problem" / "") from the journey and local state."""
        for name in PATIENT_CHECKS:
            status = self._checks.get(name)
            if name in self._retrying or status is None:
                return name, "question"
            if status == "fail" and name not in self._carried_on:
                return name, "problem"
        return "summary", ""

    def _answer(self, name: str, status: str) -> None:
        self._retrying.discard(name)
        if name == "speaker":
            self._chime_played = False
        self.check_answered.emit(name, status)

    def _play(self) -> None:
        self._chime_played = True
        self.play_chime_requested.emit()
        self.rerender()

    def _change_volume(self, delta: int) -> None:
        volume = min(100, max(0, self._volume + delta))
        if volume != self._volume:
            self._volume = volume
            self.volume_changed.emit(volume)
            self._update_volume_text()

    def _retry(self) -> None:
        name, _ = self.current_page()
        if name in PATIENT_CHECKS:
            self._retrying.add(name)
            if name == "microphone":
                self._voiced, self._mic_passed_sent = 0.0, False
            if name == "speaker":
                self._chime_played = False
        self.rerender()

    def _carry_on(self) -> None:
        name, _ = self.current_page()
        if name in PATIENT_CHECKS:
            self._carried_on.add(name)
            if name == "camera":
                self.continue_audio_only.emit()
        self.rerender()

    def _redo_all(self) -> None:
        self._retrying = set(PATIENT_CHECKS)
        self._carried_on.clear()
        self._chime_played = False
        self._voiced, self._mic_passed_sent = 0.0, False
        self.rerender()

    def _choose_device(self, index: int) -> None:
        name, _ = self.current_page()
        if name in PATIENT_CHECKS:
            self.device_chosen.emit(DEVICE_KIND[name], index)
            self._retrying.add(name)  # try the check again with the new device
            self.rerender()

    def set_mic_level(self, level: float, now: float) -> None:
        """Feed the microphone level (0..1) as often as it is measured. After about a second of
        speech on the microphone page, the check passes by itself."""
        self.meter.set_level(level)
        last, self._last_level_at = self._last_level_at, now
        if self._page != "microphone/question" or self._mic_passed_sent:
            return
        if level >= SPEECH_LEVEL and last is not None:
            self._voiced += min(MAX_GAP, max(0.0, now - last))
        if self._voiced >= SPEECH_SECONDS:
            self._mic_passed_sent = True
            self._update_mic_status()
            self._answer("microphone", "pass")

    # ----- rendering --------------------------------------------------------------------------

    def default_focus(self) -> QWidget | None:
        name, kind = self.current_page()
        if kind == "problem":
            return self.retry_button
        return {
            "camera": self.camera_yes,
            "microphone": self.mic_fail,
            "speaker": self.heard_yes if self._chime_played else self.play_button,
            "summary": self.continue_button,
        }.get(name)

    def update_from(self, journey: Journey, now: float, live: LiveState) -> None:
        self._live = live
        self._checks = dict(journey.visit.checks)
        self._volume = live.volume
        name, kind = self.current_page()
        page = f"{name}/{kind}" if kind else name
        entering = page != self._page
        self._page = page
        if entering and page == "microphone/question":
            self._voiced, self._mic_passed_sent = 0.0, False
        widget = {
            "camera/question": self.camera_page,
            "microphone/question": self.mic_page,
            "speaker/question": self.speaker_page,
            "summary": self.summary_page,
        }.get(page, self.problem_page)
        if self.pages.currentWidget() is not widget:
            focused, current = self.focusWidget(), self.pages.currentWidget()
            had_focus = focused is not None and current is not None and (
                current.isAncestorOf(focused))
            self.pages.setCurrentWidget(widget)
            target = self.default_focus()
            if had_focus and target is not None:
                target.setFocus(Qt.FocusReason.OtherFocusReason)
        self.set_mic_level(live.mic_level, now)
        self._update_texts()

    def _update_volume_text(self) -> None:
        set_text(self.volume_text, self.tr("Volume: %1%").replace("%1", str(self._volume)))

    def _update_mic_status(self) -> None:
        if self._mic_passed_sent or self._checks.get("microphone") == "pass":
            set_role(self.mic_status, "status_good")
            set_text(self.mic_status, self.tr("We can hear you."))
        else:
            set_role(self.mic_status, "status_neutral")
            set_text(self.mic_status, self.tr("Listening…"))

    def _update_texts(self) -> None:
        name, kind = self.current_page()
        number = {"camera": 1, "microphone": 2, "speaker": 3}.get(name)
        set_text(self.step_label,
                 self.tr("Check %1 of 3").replace("%1", str(number)) if number
                 else self.tr("Checks finished"))
        self._update_mic_status()
        self._update_volume_text()
        self.heard_row.setVisible(self._chime_played)
        self.play_button.setVisible(not self._chime_played)
        if kind == "problem":
            self._update_problem(name)
        if name == "summary":
            self._update_summary()

    def _update_problem(self, name: str) -> None:
        live = self._live
        if name == "camera":
            set_text(self.problem_heading, self.tr("You couldn't see yourself"))
            set_text(self.problem_text, self.tr(
                "Check that nothing is covering the camera, then try again. You can also carry "
                "on without video: the specialist will still hear you."))
            devices, selected = live.available_cameras, live.camera_index
            set_text(self.devices_label, self.tr("Try a different camera:"))
            self.carry_on_button.set_text(self.tr("Carry on without video"))
            describe(self.carry_on_button, self.tr("Carry on without video"),
                     self.tr("Goes on to the next check. The specialist will hear you but "
                             "not see you."))
        elif name == "microphone":
            set_text(self.problem_heading, self.tr("The microphone couldn't hear you"))
            set_text(self.problem_text, self.tr(
                "Try again and speak a little louder. If it still doesn't work, a member of "
                "staff can help: touch \"I need help\"."))
            devices, selected = live.available_mics, live.mic_index
            set_text(self.devices_label, self.tr("Try a different microphone:"))
            self.carry_on_button.set_text(self.tr("Carry on anyway"))
            describe(self.carry_on_button, self.tr("Carry on anyway"),
                     self.tr("Goes on to the next check without a working microphone."))
        else:
            set_text(self.problem_heading, self.tr("You couldn't hear the sound"))
            set_text(self.problem_text, self.tr(
                "The sound may be too quiet. Try again and we will play it louder. If you use "
                "a hearing aid, a member of staff can help."))
            devices, selected = live.available_speakers, live.speaker_index
            set_text(self.devices_label, self.tr("Try different speakers:"))
            self.carry_on_button.set_text(self.tr("Carry on anyway"))
            describe(self.carry_on_button, self.tr("Carry on anyway"),
                     self.tr("Goes on without working sound."))
        self._show_devices(devices if len(devices) > 1 else [], selected)

    def _show_devices(self, names: list[str], selected: int) -> None:
        if names != self._device_names:
            for button in self.device_buttons:
                button.hide()
                button.deleteLater()
            self.device_buttons = []
            for n, device in enumerate(names):
                button = BigButton(device, role="choice")
                button.setObjectName(f"Device{n}")
                button.setCheckable(True)
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                button.clicked.connect(lambda _c=False, i=n: self._choose_device(i))
                self.device_buttons.append(button)
                self.devices_grid.addWidget(button, n // 2, n % 2)
                button.show()  # at once, not on the next event loop turn
            self._device_names = list(names)
            chain = [*self.device_buttons, self.retry_button, self.carry_on_button]
            for first, second in itertools.pairwise(chain):
                QWidget.setTabOrder(first, second)  # read top to bottom
            scale_layouts(self.devices_box, self._scale)
        for n, button in enumerate(self.device_buttons):
            button.setChecked(n == selected)
            describe(button, self._device_names[n],
                     self.tr("Uses this device and tries the check again."))
        self.devices_label.setVisible(bool(names))
        self.devices_box.setVisible(bool(names))

    def _update_summary(self) -> None:
        titles = {
            "camera": self.tr("Camera"),
            "microphone": self.tr("Microphone"),
            "speaker": self.tr("Sound"),
            "network": self.tr("Internet connection"),
        }
        words = {
            "pass": self.tr("Working"),
            "warn": self.tr("Working, but not perfectly"),
            "fail": self.tr("Not working"),
            "skipped": self.tr("Not checked"),
            "checking": self.tr("Checking…"),
            "": self.tr("Checking…"),
        }
        any_problem = False
        for name, (icon, title, status) in self.summary_rows.items():
            if name == "network":
                value = self._live.network_status
                text = words.get(value, words[""])
                if value == "checking":
                    text = f"{text} {round(100 * self._live.network_progress)}%"
                elif self._live.network_detail and value in ("pass", "warn", "fail"):
                    text = self._live.network_detail
            else:
                value = self._checks.get(name, "skipped")
                text = words.get(value, value)
            any_problem = any_problem or value in ("fail", "warn")
            role = {"pass": "status_good", "fail": "status_bad", "warn": "status_warn"}.get(
                value, "status_neutral")
            set_role(status, role)
            set_text(title, titles[name])
            set_text(status, text)
            icon_name = {"pass": "tick", "fail": "cross", "warn": "warning"}.get(value, "waiting")
            color = status.palette().color(status.foregroundRole())
            icon.setPixmap(icon_pixmap(icon_name, color, status.fontMetrics().height()))
        set_text(self.summary_text,
                 self.tr("Some things are not working. You can still carry on, or touch "
                         "\"I need help\" and a member of staff will come.") if any_problem
                 else self.tr("Everything is ready for your video call."))

    def retranslate(self) -> None:
        self.self_view.setAccessibleName(self.tr("Your camera picture"))
        self.self_view.set_placeholder(self.tr("Starting the camera…"))
        set_text(self.camera_heading, self.tr("Can you see yourself?"))
        set_text(self.camera_text, self.tr(
            "Look at the picture. You should see yourself, like in a mirror."))
        self.camera_yes.set_text(self.tr("Yes, I can see myself"))
        describe(self.camera_yes, self.tr("Yes, I can see myself"),
                 self.tr("The camera works. Goes on to the next check."))
        self.camera_no.set_text(self.tr("No"))
        describe(self.camera_no, self.tr("No"), self.tr("Shows what you can do to fix it."))
        set_text(self.mic_heading, self.tr("Let's check the microphone"))
        set_text(self.mic_text, self.tr(
            "Please say \"Hello\" out loud. The blocks light up when the microphone hears you."))
        self.mic_fail.set_text(self.tr("The blocks don't light up"))
        describe(self.mic_fail, self.tr("The blocks don't light up"),
                 self.tr("Tells us the microphone can't hear you and shows what you can do."))
        set_text(self.speaker_heading, self.tr("Let's check the sound"))
        set_text(self.speaker_text, self.tr(
            "Touch \"Play a sound\" and listen. Did you hear the sound?"))
        self.play_button.set_text(self.tr("Play a sound"))
        describe(self.play_button, self.tr("Play a sound"), self.tr("Plays a short chime."))
        self.heard_yes.set_text(self.tr("Yes, I heard it"))
        describe(self.heard_yes, self.tr("Yes, I heard it"),
                 self.tr("The sound works. Goes on to the next step."))
        no_heard = self.tr("No", "answer to: did you hear the sound?")
        self.heard_no.set_text(no_heard)
        describe(self.heard_no, no_heard, self.tr("Shows what you can do to fix it."))
        self.play_again.set_text(self.tr("Play it again"))
        describe(self.play_again, self.tr("Play it again"), self.tr("Plays the chime again."))
        self.quieter.set_text(self.tr("Quieter"))
        describe(self.quieter, self.tr("Quieter"), self.tr("Turns the sound down."))
        self.louder.set_text(self.tr("Louder"))
        describe(self.louder, self.tr("Louder"), self.tr("Turns the sound up."))
        self.retry_button.set_text(self.tr("Try again"))
        describe(self.retry_button, self.tr("Try again"), self.tr("Does this check again."))
        set_text(self.summary_heading, self.tr("Your checks are finished"))
        self.continue_button.set_text(self.tr("Continue"))
        describe(self.continue_button, self.tr("Continue"),
                 self.tr("Goes to the waiting room for your appointment."))
        self.redo_button.set_text(self.tr("Do the checks again"))
        describe(self.redo_button, self.tr("Do the checks again"),
                 self.tr("Checks the camera, microphone and sound again."))
        self._update_texts()
