"""Device checks, one at a time: camera ("Can you see yourself?"), microphone (the level meter
moves when the patient speaks), sound ("Did you hear the sound?"), then a summary that includes
the internet connection check running in the background.

Every rule (the order, what an answer or a "No" leads to, when the microphone counts as heard,
what the summary and a problem page say) is in :mod:`kiosk.checks.device_flow`. This screen keeps
one :class:`DeviceCheckFlow` per visit, forwards taps and microphone levels to it, reports the
effects it returns as signals, and shows its page in the patient's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import astuple

from PySide6.QtCore import Qt, Signal, SignalInstance
from PySide6.QtWidgets import (
    QBoxLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.checks import device_flow
from kiosk.journey import Journey
from ui.screens.base import LiveState, Screen, scale_layouts
from ui.theme import set_role
from ui.video import VideoView
from ui.widgets.buttons import BigButton, describe
from ui.widgets.device_choice import DeviceChoice
from ui.widgets.icons import icon_pixmap
from ui.widgets.level_meter import LevelMeter
from ui.widgets.text import label, set_text

ROLES = {"pass": "status_good", "fail": "status_bad", "warn": "status_warn"}
ICONS = {"pass": "tick", "fail": "cross", "warn": "warning"}
WIDE, OWN_WIDTH = QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum
LEFT_TO_LAYOUT, TOP = Qt.AlignmentFlag(0), Qt.AlignmentFlag.AlignTop
Flow = device_flow.DeviceCheckFlow


def _button(name: str, role: str, icon: str, on_click: Callable[[], None],
            width: QSizePolicy.Policy = WIDE) -> BigButton:
    button = BigButton(role=role, icon=icon)
    button.setObjectName(name)
    button.setSizePolicy(width, QSizePolicy.Policy.Fixed)
    button.clicked.connect(on_click)
    return button


def _say(button: BigButton, text: str, description: str) -> None:
    button.set_text(text)
    describe(button, text, description)


Item = QWidget | QLayout | int | None | tuple[QWidget | QLayout, int]
Intent = Callable[..., list[device_flow.Effect]]  # a DeviceCheckFlow method


def _box(layout: QBoxLayout, spacing: int, *items: Item) -> QBoxLayout:
    """``layout`` with no margins holding ``items`` in order: a widget (a button as wide as its
    words on the left), a layout, an int a gap, None a stretch, or (widget or layout, stretch)."""
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(spacing)
    for item in items:
        thing, factor = item if isinstance(item, tuple) else (item, 0)
        if isinstance(thing, QLayout):
            layout.addLayout(thing, factor)
        elif isinstance(thing, QWidget):
            own = thing.sizePolicy().horizontalPolicy() == OWN_WIDTH
            layout.addWidget(thing, factor, Qt.AlignmentFlag.AlignLeft if own else LEFT_TO_LAYOUT)
        elif thing is None:
            layout.addStretch(1)
        else:
            layout.addSpacing(thing)
    return layout


class DeviceChecksScreen(Screen):
    """Checks the camera, microphone and sound with the patient, then shows a summary.

    Signals:
        check_answered(str, str): a check's result: name ("camera", "microphone", "speaker")
            and status ("pass" or "fail").
        play_chime_requested(): "Play a sound" / "Play it again".
        device_chosen(str, int): the patient picked another device: kind ("camera", "mic",
            "speaker") and its index in the LiveState list.
        volume_changed(int): the new volume 0..100: "Quieter" / "Louder" on the sound check, or
            "Try again" after the sound was not heard (it plays louder).
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
        self.flow = Flow()
        self._live, self._now = LiveState(), 0.0  # a tap happens at the last render's time
        f = device_flow  # its effects -> the signals that report them
        self._signals: dict[type[f.Effect], SignalInstance] = {
            f.Answer: self.check_answered, f.PlayChime: self.play_chime_requested,
            f.ChooseDevice: self.device_chosen, f.SetVolume: self.volume_changed,
            f.ContinueAudioOnly: self.continue_audio_only, f.FinishChecks: self.checks_finished}
        self.step_label, self.pages = label("hint"), QStackedWidget(self)
        self.outer.addWidget(self.step_label)
        self.outer.addWidget(self.pages, 1)
        self._build_question_pages()
        self._build_problem_and_summary()
        self._page_widgets = {
            ("camera", "question"): self.camera_page, ("microphone", "question"): self.mic_page,
            ("speaker", "question"): self.speaker_page, f.SUMMARY: self.summary_page}
        self.retranslate()

    # ----- construction -----------------------------------------------------------------------

    def _page(self, *items: Item, row_spacing: int = 0) -> QWidget:
        """A page of the stack: ``items`` top to bottom, or in a row when given its spacing."""
        page = QWidget()
        _box(QHBoxLayout(page) if row_spacing else QVBoxLayout(page), row_spacing or 28, *items)
        self.pages.addWidget(page)
        return page

    def _tap(self, intent: Intent, *args: str, rerender: bool = True) -> Callable[[], None]:
        """A button's action: the flow's ``intent`` at the last render's time, effects reported."""
        return lambda: self._do(intent(self.flow, *args, self._now), rerender=rerender)

    def _build_question_pages(self) -> None:
        answer = Flow.answer  # every Yes and No
        self.self_view = VideoView(mirrored=True)
        self.self_view.setMinimumSize(320, 180)
        self.camera_heading, self.camera_text = label("h1"), label("body")
        self.camera_yes = _button("CameraYes", "go", "tick", self._tap(answer, "camera", "pass"))
        self.camera_no = _button("CameraNo", "secondary", "cross",
                                 self._tap(answer, "camera", "fail"))
        answers = _box(QVBoxLayout(), 24, self.camera_yes, self.camera_no)
        side = _box(QVBoxLayout(), 28, self.camera_heading, self.camera_text, answers, None)
        self.camera_page = self._page((self.self_view, 3), (side, 2), row_spacing=64)

        self.mic_heading, self.mic_text = label("h1"), label("body")
        self.meter, self.mic_status = LevelMeter(), label("status_neutral")
        self.mic_fail = _button("MicNotMoving", "secondary", "cross",
                                self._tap(answer, "microphone", "fail"), OWN_WIDTH)
        self.mic_page = self._page(self.mic_heading, self.mic_text, 24, self.meter,
                                   self.mic_status, None, self.mic_fail)

        self.speaker_heading, self.speaker_text = label("h1"), label("body")
        self.play_button = _button("PlaySound", "primary", "sound", self._tap(Flow.play), OWN_WIDTH)
        self.heard_yes = _button("HeardYes", "go", "tick", self._tap(answer, "speaker", "pass"))
        self.heard_no = _button("HeardNo", "secondary", "cross",
                                self._tap(answer, "speaker", "fail"))
        self.play_again = _button("PlayAgain", "secondary", "retry", self._tap(Flow.play))
        self.heard_row, self.volume_row = QWidget(), QWidget()
        _box(QHBoxLayout(self.heard_row), 24, self.heard_yes, self.heard_no, self.play_again)
        step = QSizePolicy.Policy.Preferred
        self.quieter = _button("Quieter", "secondary", "volume_down",
                               self._tap(Flow.quieter, rerender=False), step)
        self.louder = _button("Louder", "secondary", "volume_up",
                              self._tap(Flow.louder, rerender=False), step)
        self.volume_text = label("strong", wrap=False)
        _box(QHBoxLayout(self.volume_row), 24, self.quieter, self.volume_text, self.louder, None)
        self.speaker_page = self._page(self.speaker_heading, self.speaker_text, self.play_button,
                                       self.heard_row, 24, self.volume_row, None)

    def _build_problem_and_summary(self) -> None:
        self.problem_heading, self.problem_text = label("h2"), label("body")
        self.retry_button = _button("TryAgain", "primary", "retry", self._tap(Flow.retry))
        self.carry_on_button = _button("CarryOn", "secondary", "arrow_right",
                                       self._tap(Flow.carry_on))
        self.devices = DeviceChoice(then=(self.retry_button, self.carry_on_button))
        self.devices.chosen.connect(lambda i: self._do(self.flow.choose_device(i, self._now)))
        self.problem_page = self._page(
            self.problem_heading, self.problem_text, self.devices, None,
            _box(QHBoxLayout(), 24, self.retry_button, self.carry_on_button))

        self.summary_heading = label("h1")
        self.summary_rows: dict[str, tuple[QLabel, QLabel, QLabel]] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(20)
        for n, name in enumerate((*device_flow.PATIENT_CHECKS, "network")):
            row = (label("body", wrap=False), label("strong", wrap=False), label("status_neutral"))
            for column, widget in enumerate(row):
                grid.addWidget(widget, n, column, TOP if column < 2 else LEFT_TO_LAYOUT)
            self.summary_rows[name] = row
        grid.setColumnStretch(2, 1)
        self.summary_text = label("body")
        self.continue_button = _button("Continue", "go", "arrow_right", self._tap(Flow.finish))
        self.redo_button = _button("CheckAgain", "secondary", "retry", self._tap(Flow.redo_all))
        actions = _box(QHBoxLayout(), 24, self.continue_button, self.redo_button)
        self.summary_page = self._page(self.summary_heading, grid, self.summary_text, None, actions)

    # ----- intents: to the flow, and its effects out as signals ---------------------------------

    def reset_local(self) -> None:
        self.flow = Flow()
        self.meter.set_level(0.0)
        self.self_view.clear()

    def _do(self, effects: list[device_flow.Effect], *, rerender: bool = True) -> None:
        """Report the flow's effects as signals, then show where that leaves the patient."""
        for effect in effects:
            self._signals[type(effect)].emit(*astuple(effect))
        if rerender:
            self.rerender()
        elif effects:  # no new page (a volume step, or heard while rendering): new words only
            self._update_texts()

    def set_mic_level(self, level: float, now: float) -> None:
        """The microphone's level (0..1), as often as it is measured: the flow listens."""
        self.meter.set_level(level)
        self._do(self.flow.hear(level, now), rerender=False)

    # ----- rendering --------------------------------------------------------------------------

    def default_focus(self) -> QWidget | None:
        check, kind = self.flow.page
        if kind == "problem":
            return self.retry_button if self.flow.can_retry else self.carry_on_button
        return {
            "camera": self.camera_yes, "microphone": self.mic_fail, "summary": self.continue_button,
            "speaker": self.heard_yes if self.flow.chime_played else self.play_button}.get(check)

    def update_from(self, journey: Journey, now: float, live: LiveState) -> None:
        self._live, self._now = live, now
        self.flow.sync(journey.visit.checks, live.volume, now, live.camera_health)
        widget = self._page_widgets.get(self.flow.page, self.problem_page)
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

    def _update_texts(self) -> None:
        f = self.flow
        set_text(self.step_label, self.tr("Check %1 of 3").replace("%1", str(f.step_number))
                 if f.step_number else self.tr("Checks finished"))
        set_role(self.mic_status, "status_good" if f.mic_heard else "status_neutral")
        set_text(self.mic_status,
                 self.tr("We can hear you.") if f.mic_heard else self.tr("Listening…"))
        set_text(self.volume_text, self.tr("Volume: %1%").replace("%1", str(f.volume)))
        self.camera_yes.setEnabled(f.can_see_yourself)  # no moving picture: "Yes" can't be true
        self.retry_button.setVisible(f.can_retry or f.page.kind != "problem")
        self.heard_row.setVisible(f.chime_played)
        self.play_button.setVisible(not f.chime_played)
        if f.advice:
            self._update_problem(f.advice)
        if f.page.check == "summary":
            self._update_summary()

    def _update_problem(self, advice: str) -> None:
        carry_on, does = self.tr("Carry on anyway"), self.tr("Goes on without working sound.")
        if advice in ("camera_absent", "camera_broken"):
            words = (self.tr("The camera here does not work today"), self.tr(
                "You can still talk to the specialist: they will hear you, but not see you.")
                if advice == "camera_absent" else self.tr(
                "You can still talk to the specialist: they will hear you, but not see you. "
                "If something is in front of the camera, move it and try again."),
                self.tr("Try a different camera:"))
            carry_on = self.tr("Carry on without video")
            does = self.tr("Goes on to the next check. The specialist will hear you but not "
                           "see you.")
        elif advice == "camera":
            words = (self.tr("You couldn't see yourself"), self.tr(
                "Make sure nothing is in front of the camera, then try again. Or you can carry "
                "on with sound only: the specialist will still hear you."),
                self.tr("Try a different camera:"))
            carry_on = self.tr("Carry on without video")
            does = self.tr("Goes on to the next check. The specialist will hear you but not "
                           "see you.")
        elif advice == "microphone":
            words = (self.tr("The microphone couldn't hear you"), self.tr(
                "Try again and speak a little louder. If it still doesn't work, a member of "
                "staff can help: touch \"I need help\"."), self.tr("Try a different microphone:"))
            does = self.tr("Goes on to the next check without a working microphone.")
        else:
            words = (self.tr("You couldn't hear the sound"), self.tr(
                "The sound may be too quiet. Try again and we will play it louder. If you use "
                "a hearing aid, a member of staff can help.") if advice == "speaker" else self.tr(
                "The sound is already as loud as it goes. Try again and listen carefully. If "
                "you use a hearing aid, a member of staff can help."),
                self.tr("Try different speakers:"))
        set_text(self.problem_heading, words[0])
        set_text(self.problem_text, words[1])
        _say(self.carry_on_button, carry_on, does)
        live = self._live
        devices, selected = {
            "camera": (live.available_cameras, live.camera_index),
            "mic": (live.available_mics, live.mic_index),
            "speaker": (live.available_speakers, live.speaker_index)}[self.flow.device_kind]
        if self.devices.show_devices(words[2], self.flow.offered_devices(devices), selected,
                                     self.tr("Uses this device and tries the check again.")):
            scale_layouts(self.devices.box, self._scale)

    def _update_summary(self) -> None:
        titles = {"camera": self.tr("Camera"), "microphone": self.tr("Microphone"),
                  "speaker": self.tr("Sound"), "network": self.tr("Internet connection")}
        words = {"pass": self.tr("Working"), "warn": self.tr("Working, but not perfectly"),
                 "fail": self.tr("Not working"), "skipped": self.tr("Not checked"),
                 "checking": self.tr("Checking…"), "": self.tr("Checking…")}
        live = self._live
        summary = self.flow.summary(live.network_status, live.network_progress, live.network_detail)
        for row in summary.rows:
            icon, title, status = self.summary_rows[row.check]
            text = row.detail or words.get(row.status, words[""])
            set_role(status, ROLES.get(row.status, "status_neutral"))
            set_text(title, titles[row.check])
            set_text(status, text if row.progress is None else f"{text} {row.progress}%")
            color = status.palette().color(status.foregroundRole())
            icon.setPixmap(icon_pixmap(ICONS.get(row.status, "waiting"), color,
                                       status.fontMetrics().height()))
        set_text(self.summary_text,
                 self.tr("You are all set for your video call.") if summary.all_working
                 else self.tr("Some things are not working. You can still carry on, or touch "
                              "\"I need help\" and a member of staff will come."))

    def retranslate(self) -> None:
        self.self_view.setAccessibleName(self.tr("Your camera picture"))
        self.self_view.set_placeholder(self.tr("Starting the camera…"))
        set_text(self.camera_heading, self.tr("Can you see yourself?"))
        set_text(self.camera_text,
                 self.tr("Look at the picture. You should see yourself, like in a mirror."))
        _say(self.camera_yes, self.tr("Yes, I can see myself"),
             self.tr("The camera works. Goes on to the next check."))
        _say(self.camera_no, self.tr("No"), self.tr("Shows what you can do to fix it."))
        set_text(self.mic_heading, self.tr("Let's check the microphone"))
        set_text(self.mic_text, self.tr(
            "Please say \"Hello\" out loud. The blocks light up when the microphone hears you."))
        _say(self.mic_fail, self.tr("The blocks don't light up"),
             self.tr("Tells us the microphone can't hear you and shows what you can do."))
        set_text(self.speaker_heading, self.tr("Let's check the sound"))
        set_text(self.speaker_text,
                 self.tr("Touch \"Play a sound\" and listen. Did you hear the sound?"))
        _say(self.play_button, self.tr("Play a sound"), self.tr("Plays a short chime."))
        _say(self.heard_yes, self.tr("Yes, I heard it"),
             self.tr("The sound works. Goes on to the next step."))
        _say(self.heard_no, self.tr("No", "answer to: did you hear the sound?"),
             self.tr("Shows what you can do to fix it."))
        _say(self.play_again, self.tr("Play it again"), self.tr("Plays the chime again."))
        _say(self.quieter, self.tr("Quieter"), self.tr("Turns the sound down."))
        _say(self.louder, self.tr("Louder"), self.tr("Turns the sound up."))
        _say(self.retry_button, self.tr("Try again"), self.tr("Does this check again."))
        set_text(self.summary_heading, self.tr("Your checks are finished"))
        _say(self.continue_button, self.tr("Continue"),
             self.tr("Goes to the waiting room for your appointment."))
        _say(self.redo_button, self.tr("Do the checks again"),
             self.tr("Does all three checks again."))
        self._update_texts()
