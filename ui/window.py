"""The kiosk's one window: the header, a page per journey step, and the in-window overlays.

Rules that matter:

- ``render(journey, now, live)`` is the only way state gets in. It shows the screen for
  ``journey.step``, updates it, shows or hides the idle and help overlays, and applies the
  patient's language, text size and contrast from the :class:`LiveState`. It is idempotent and
  cheap, so the application calls it on every change and once a second.
- Nothing here changes the journey. Every intent of every screen is re-emitted by the window
  under the same name, so the application connects to the window only.
- Privacy: on the welcome step every video view is cleared, and each screen forgets its local
  state whenever the visit changes or the screen is left.
- When the kiosk cannot serve patients (``set_service``, a :class:`kiosk.service.ServiceState`
  that is not ready) the out-of-service screen stands in for every patient step; only the
  admin step (staff) is shown as usual.
- Touches leave the keyboard focus on the window itself (no highlight); a key typed then goes
  to the screen shown, so a patient who touched "Start" can type the code on a keyboard.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLayout,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from kiosk.journey import Journey, Step
from kiosk.service import READY, ServiceState
from ui.i18n import LanguageSwitcher
from ui.screens import (
    CheckInScreen,
    ConsultationScreen,
    DeviceChecksScreen,
    FeedbackScreen,
    LiveState,
    OutOfServiceScreen,
    Screen,
    ThanksScreen,
    WaitingScreen,
    WelcomeScreen,
)
from ui.theme import Theme
from ui.video import VideoView
from ui.widgets.buttons import keyboard_in_use
from ui.widgets.header import Header
from ui.widgets.overlays import HelpOverlay, IdleOverlay, Overlay
from ui.widgets.text import label

__all__ = ["LiveState", "MainWindow"]

#: Steps where "Start again" is offered in the header (safe: nothing is lost but typing).
START_AGAIN_STEPS = frozenset({Step.CHECK_IN, Step.DEVICE_CHECKS})
#: Steps without the header: the call has its own "I need help"; admin is for staff.
NO_HEADER_STEPS = frozenset({Step.CONSULTATION, Step.ADMIN})


class MainWindow(QWidget):
    """The kiosk window. Screens are attributes (``welcome``, ``check_in``, ``device_checks``,
    ``waiting``, ``consultation``, ``feedback``, ``thanks``); so are ``header``,
    ``idle_overlay`` and ``help_overlay``.

    Signals (each re-emitted from the screen or widget that raises it):
        start_requested(): welcome, "Touch to start".
        language_chosen(str): welcome, a language code ("en", "pl", "cy").
        large_text_toggled(bool): welcome, "Larger text" on/off.
        high_contrast_toggled(bool): welcome, "High contrast" on/off.
        code_submitted(str): check-in, "Check in" with the digits typed.
        prepared_answered(bool): check-in, "Are you here to see ...?" Yes/No.
        cancel_requested(): header "Start again" (check-in, device checks), or "Leave the
            waiting room" confirmed.
        check_answered(str, str): device checks, a check's name and "pass"/"fail".
        play_chime_requested(): device checks, "Play a sound" / "Play it again".
        device_chosen(str, int): device checks, kind ("camera"/"mic"/"speaker") and index.
        continue_audio_only(): device checks, "Carry on without video".
        checks_finished(): device checks, "Continue" on the summary.
        volume_changed(int): device checks or call, the new volume 0..100.
        help_requested(): "I need help" (header or call).
        help_dismissed(): the help message's "Close this message".
        still_here(): the idle warning's "I'm still here".
        mute_toggled(): call, "Mute"/"Unmute".
        camera_toggled(): call, "Turn camera off"/"on".
        end_call_requested(): call, the red "End call".
        end_call_confirmed(): call, "Yes, end the call".
        end_call_cancelled(): call, "No, carry on".
        answer_given(str, object): feedback, a question id and its answer.
        feedback_finished(): feedback, finished or "Finish now".
        thanks_done(): thanks, "Finish".
    """

    start_requested = Signal()
    language_chosen = Signal(str)
    large_text_toggled = Signal(bool)
    high_contrast_toggled = Signal(bool)
    code_submitted = Signal(str)
    prepared_answered = Signal(bool)
    cancel_requested = Signal()
    check_answered = Signal(str, str)
    play_chime_requested = Signal()
    device_chosen = Signal(str, int)
    continue_audio_only = Signal()
    checks_finished = Signal()
    volume_changed = Signal(int)
    help_requested = Signal()
    help_dismissed = Signal()
    still_here = Signal()
    mute_toggled = Signal()
    camera_toggled = Signal()
    end_call_requested = Signal()
    end_call_confirmed = Signal()
    end_call_cancelled = Signal()
    answer_given = Signal(str, object)
    feedback_finished = Signal()
    thanks_done = Signal()

    def __init__(self, clinic_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("MainWindow")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setWindowTitle(clinic_name)
        # The window itself holds the focus until someone presses Tab, so no button shows the
        # yellow keyboard-focus highlight to people using touch.
        self.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.languages = LanguageSwitcher(self)
        self.theme: Theme | None = None
        self._step: Step | None = None
        self._live = LiveState()
        self.service = ServiceState(READY)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        # The kiosk fills a fixed screen: the window never grows to fit its contents (the
        # accessibility tests check that everything fits instead).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.header = Header(clinic_name)
        self.pages = QStackedWidget()
        self.pages.setObjectName("Pages")
        layout.addWidget(self.header)
        layout.addWidget(self.pages, 1)

        self.welcome = WelcomeScreen(clinic_name)
        self.check_in = CheckInScreen()
        self.device_checks = DeviceChecksScreen()
        self.waiting = WaitingScreen()
        self.consultation = ConsultationScreen()
        self.feedback = FeedbackScreen()
        self.thanks = ThanksScreen()
        self.out_of_service = OutOfServiceScreen()
        self.admin = QWidget()
        admin_layout = QVBoxLayout(self.admin)
        self.admin_label: QLabel | None = label("h1", "", center=True)
        admin_layout.addWidget(self.admin_label)
        self.screens: dict[Step, Screen] = {
            Step.ATTRACT: self.welcome,
            Step.CHECK_IN: self.check_in,
            Step.DEVICE_CHECKS: self.device_checks,
            Step.WAITING: self.waiting,
            Step.CONSULTATION: self.consultation,
            Step.FEEDBACK: self.feedback,
            Step.THANKS: self.thanks,
        }
        for screen in self.screens.values():
            self.pages.addWidget(screen)
        self.pages.addWidget(self.out_of_service)
        self.pages.addWidget(self.admin)

        self.help_overlay = HelpOverlay(self)
        self.help_overlay.setObjectName("HelpOverlay")
        self.idle_overlay = IdleOverlay(self)
        self.idle_overlay.setObjectName("IdleOverlay")
        self.overlays: list[Overlay] = [self.help_overlay, self.idle_overlay]
        self._connect_intents()
        self.languages.set_language("en")
        self.retranslate()
        self._apply_theme(Theme())

    # ----- wiring -----------------------------------------------------------------------------

    def _connect_intents(self) -> None:
        w, c, d = self.welcome, self.check_in, self.device_checks
        pairs: list[tuple[Any, Any]] = [
            (w.start_requested, self.start_requested),
            (w.language_chosen, self.language_chosen),
            (w.large_text_toggled, self.large_text_toggled),
            (w.high_contrast_toggled, self.high_contrast_toggled),
            (c.code_submitted, self.code_submitted),
            (c.prepared_answered, self.prepared_answered),
            (self.header.start_again_requested, self.cancel_requested),
            (self.waiting.cancel_requested, self.cancel_requested),
            (d.check_answered, self.check_answered),
            (d.play_chime_requested, self.play_chime_requested),
            (d.device_chosen, self.device_chosen),
            (d.continue_audio_only, self.continue_audio_only),
            (d.checks_finished, self.checks_finished),
            (d.volume_changed, self.volume_changed),
            (self.header.help_requested, self.help_requested),
            (self.help_overlay.dismissed, self.help_dismissed),
            (self.idle_overlay.still_here, self.still_here),
            (self.consultation.mute_toggled, self.mute_toggled),
            (self.consultation.camera_toggled, self.camera_toggled),
            (self.consultation.volume_changed, self.volume_changed),
            (self.consultation.help_requested, self.help_requested),
            (self.consultation.end_call_requested, self.end_call_requested),
            (self.consultation.end_call_confirmed, self.end_call_confirmed),
            (self.consultation.end_call_cancelled, self.end_call_cancelled),
            (self.feedback.answer_given, self.answer_given),
            (self.feedback.feedback_finished, self.feedback_finished),
            (self.thanks.thanks_done, self.thanks_done),
            (self.out_of_service.language_chosen, self.language_chosen),
        ]
        for source, target in pairs:
            source.connect(target.emit)

    def set_admin_screen(self, widget: QWidget) -> None:
        """Show ``widget`` (the staff screens) on the admin step instead of the placeholder."""
        index = self.pages.indexOf(self.admin)
        self.pages.removeWidget(self.admin)
        self.admin.deleteLater()
        self.admin_label = None  # went with the placeholder
        self.admin = widget
        self.pages.insertWidget(index, widget)

    def set_service(self, state: ServiceState) -> None:
        """Whether the kiosk can serve patients; the next ``render`` shows the out-of-service
        screen for every patient step while it cannot."""
        if state != self.service:
            self.service = state
            self._step = None  # the next render enters its page afresh

    # ----- demo mode --------------------------------------------------------------------------

    def set_demo_code(self, code: str | None) -> None:
        """Demo mode only: show a working appointment code on the check-in screen."""
        self.check_in.set_demo_code(code)

    def demo_code(self) -> str | None:
        return self.check_in.demo_code()

    # ----- video ------------------------------------------------------------------------------

    def video_views(self) -> list[VideoView]:
        return [
            self.device_checks.self_view,
            self.waiting.self_view,
            self.consultation.self_view,
            self.consultation.remote_view,
        ]

    def current_self_view(self) -> VideoView | None:
        """The patient's own picture on the screen showing now, if it has one."""
        return {
            Step.DEVICE_CHECKS: self.device_checks.self_view,
            Step.WAITING: self.waiting.self_view,
            Step.CONSULTATION: self.consultation.self_view,
        }.get(self._step or Step.ATTRACT)

    def show_self_frame(self, frame: Any) -> None:
        """Route a camera frame to the self-view of the screen showing now (others stay empty)."""
        view = self.current_self_view()
        if view is not None and not (self._step is Step.CONSULTATION
                                     and self.consultation.camera_off):
            view.set_frame(frame)

    def show_remote_frame(self, frame: Any) -> None:
        """Route a frame of the specialist's video to the call screen."""
        if self._step is Step.CONSULTATION:
            self.consultation.remote_view.set_frame(frame)

    def clear_video(self) -> None:
        """Forget every frame in every view (privacy reset)."""
        for view in self.video_views():
            view.clear()

    # ----- rendering --------------------------------------------------------------------------

    # QWidget.render paints into a device; the kiosk's contract names this method "render" and
    # nothing calls QWidget.render on the window from Python (grab() stays in C++).
    def render(  # type: ignore[override]
        self, journey: Journey, now: float, live: LiveState
    ) -> None:
        """Show ``journey`` and ``live`` (idempotent; call on every change and once a second)."""
        self._live = live
        if self.languages.set_language(live.language):
            self.retranslate()
        self._apply_theme(Theme(live.high_contrast, live.large_text, self._screen_height()))
        step = journey.step
        page: QWidget = self.screens.get(step, self.admin)
        if not self.service.ready and step is not Step.ADMIN:
            page = self.out_of_service
        entering = step is not self._step
        if entering:
            self._step = step
            for other in self.screens.values():
                if other is not page:
                    other.forget()
            self.pages.setCurrentWidget(page)
        if step is Step.ATTRACT:
            self.clear_video()
        self.header.setVisible(step not in NO_HEADER_STEPS)
        self.header.set_start_again_visible(step in START_AGAIN_STEPS and self.service.ready)
        if self.header.help_button.isVisibleTo(self.header) != self.service.ready:
            self.header.help_button.setVisible(self.service.ready)  # nobody would hear it
        if isinstance(page, Screen):
            page.render(journey, now, live)

        idle = journey.warning_visible(now)
        help_shown = journey.visit.help_requested and step is not Step.ADMIN and not idle
        self.help_overlay.set_acknowledged(journey.visit.help_acknowledged)
        self.help_overlay.set_call_lost(journey.visit.call_lost)
        self.help_overlay.set_coming(journey.visit.help_coming, journey.visit.help_coming_by)
        left = journey.seconds_left(now)
        self.idle_overlay.set_seconds(int(left + 0.999) if left is not None else 0)
        changed = False
        # Hide before show: each modal overlay re-enables what it disabled.
        for overlay, shown in ((self.idle_overlay, idle), (self.help_overlay, help_shown)):
            if not shown:
                changed |= overlay.set_shown(False)
        for overlay, shown in ((self.idle_overlay, idle), (self.help_overlay, help_shown)):
            if shown:
                changed |= overlay.set_shown(True)
        covered = idle or help_shown
        for view in self.video_views():
            view.set_obscured(covered, "window")
        if entering or (changed and not covered):
            self._focus_default(page)

    def _focus_default(self, page: QWidget) -> None:
        """Move the keyboard focus to the new screen's first control, but only for someone using
        a keyboard (touches never move the focus, so a focus inside the window means keys)."""
        if any(overlay.isVisible() and overlay.modal for overlay in self.overlays):
            return
        focused = QApplication.focusWidget()
        if not keyboard_in_use() or focused is None or not self.isAncestorOf(focused):
            return
        target = page.default_focus() if isinstance(page, Screen) else None
        if target is not None and target.isEnabled():
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    # ----- look and language ------------------------------------------------------------------

    def _screen_height(self) -> int:
        return self.height() if self.height() >= 200 else 1080

    def _apply_theme(self, theme: Theme) -> None:
        if theme == self.theme:
            return
        self.theme = theme
        self.setFont(theme.font())
        self.setStyleSheet(theme.stylesheet())
        scale = theme.scale
        for screen in (*self.screens.values(), self.out_of_service):
            screen.set_scale(scale)
        self.header.set_scale(scale)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        page = self.pages.currentWidget()
        covered = any(overlay.isVisible() and overlay.modal for overlay in self.overlays)
        if QApplication.focusWidget() is self and isinstance(page, Screen) and not covered:
            page.keyPressEvent(event)  # the screen's own keys (it ignores the rest)
            if event.isAccepted():
                return
        super().keyPressEvent(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if QApplication.focusWidget() is None:
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.theme is not None and event.size().height() >= 200:
            self._apply_theme(Theme(self.theme.high_contrast, self.theme.large_text,
                                    event.size().height()))

    def retranslate(self) -> None:
        """Re-read every word now (Qt also sends each widget a LanguageChange event)."""
        if self.admin_label is not None:
            self.admin_label.setText(self.tr("Staff mode"))
        for widget in self.findChildren(QWidget):
            retranslate = getattr(widget, "retranslate", None)
            if callable(retranslate):
                retranslate()
        for screen in self.screens.values():
            screen.rerender()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange and self.admin_label is not None:
            self.admin_label.setText(self.tr("Staff mode"))
        super().changeEvent(event)
