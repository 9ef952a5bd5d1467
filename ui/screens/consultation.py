"""The video call: the specialist large, the patient small in a corner, and big buttons."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QRect, Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QVBoxLayout, QWidget

from kiosk.journey import CallPhase, Journey, Step
from ui.screens.base import LiveState, Screen
from ui.theme import set_role
from ui.video import VideoView
from ui.widgets.buttons import BigButton, describe
from ui.widgets.icons import icon_pixmap
from ui.widgets.overlays import ConfirmOverlay, NoticeOverlay
from ui.widgets.text import label, set_text

SELF_VIEW_FRACTION = 0.24  # of the video area's width
VOLUME_STEP = 10


class ConsultationScreen(Screen):
    """The call with the specialist.

    Signals:
        mute_toggled(): "Mute" / "Unmute".
        camera_toggled(): "Turn camera off" / "Turn camera on".
        volume_changed(int): "Quieter" / "Louder" (the new volume, 0..100).
        help_requested(): "I need help".
        end_call_requested(): the red "End call" button (the journey then asks to confirm).
        end_call_confirmed(): "Yes, end the call".
        end_call_cancelled(): "No, carry on".
    """

    mute_toggled = Signal()
    camera_toggled = Signal()
    volume_changed = Signal(int)
    help_requested = Signal()
    end_call_requested = Signal()
    end_call_confirmed = Signal()
    end_call_cancelled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._specialist = ""
        self._phase = CallPhase.NONE
        self._muted = False
        self._camera_off = False
        self._volume = 80
        self._quality = ""
        self._message = ""
        self.outer.setContentsMargins(24, 16, 24, 16)

        status = QHBoxLayout()
        status.setSpacing(16)
        self.quality_icon = label("body", wrap=False)
        self.quality_text = label("status_neutral")
        self.mute_notice = label("status_warn")
        self.volume_text = label("strong", wrap=False)
        status.addWidget(self.quality_icon, 0, Qt.AlignmentFlag.AlignVCenter)
        status.addWidget(self.quality_text, 2)
        status.addWidget(self.mute_notice, 2)
        status.addWidget(self.volume_text, 0)
        self.outer.addLayout(status)

        self.message_box = QFrame()
        self.message_box.setProperty("role", "info")
        msg = QVBoxLayout(self.message_box)
        msg.setContentsMargins(24, 12, 24, 12)
        self.message_text = label("message")
        msg.addWidget(self.message_text)
        self.outer.addWidget(self.message_box)

        self.video_area = QWidget()
        self.video_area.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.remote_view = VideoView(parent=self.video_area)
        self.self_view = VideoView(mirrored=True, parent=self.video_area)
        self.self_view.setObjectName("SelfView")
        self.reconnecting = NoticeOverlay(self.video_area)
        self.reconnecting.setObjectName("Reconnecting")
        self.video_area.installEventFilter(self)
        self.outer.addWidget(self.video_area, 1)

        bar = QFrame()
        bar.setProperty("role", "toolbar")
        tools = QHBoxLayout(bar)
        tools.setContentsMargins(0, 16, 0, 0)
        tools.setSpacing(16)
        self.mute_button = BigButton(role="secondary", icon="mic", icon_above=True)
        self.mute_button.setObjectName("Mute")
        self.camera_button = BigButton(role="secondary", icon="camera", icon_above=True)
        self.camera_button.setObjectName("Camera")
        self.quieter_button = BigButton(role="secondary", icon="volume_down", icon_above=True)
        self.quieter_button.setObjectName("Quieter")
        self.louder_button = BigButton(role="secondary", icon="volume_up", icon_above=True)
        self.louder_button.setObjectName("Louder")
        self.help_button = BigButton(role="primary", icon="help", icon_above=True)
        self.help_button.setObjectName("CallHelp")
        self.end_button = BigButton(role="danger", icon="end_call", icon_above=True)
        self.end_button.setObjectName("EndCall")
        self.mute_button.clicked.connect(self.mute_toggled)
        self.camera_button.clicked.connect(self.camera_toggled)
        self.quieter_button.clicked.connect(lambda: self._change_volume(-VOLUME_STEP))
        self.louder_button.clicked.connect(lambda: self._change_volume(+VOLUME_STEP))
        self.help_button.clicked.connect(self.help_requested)
        self.end_button.clicked.connect(self.end_call_requested)
        for widget in (self.mute_button, self.camera_button, self.quieter_button,
                       self.louder_button, self.help_button, self.end_button):
            widget.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            tools.addWidget(widget, 1)
        self.outer.addWidget(bar)

        self.end_overlay = ConfirmOverlay(self)
        self.end_overlay.setObjectName("EndCallOverlay")
        self.end_overlay.accepted.connect(self.end_call_confirmed)
        self.end_overlay.rejected.connect(self.end_call_cancelled)
        self.retranslate()

    # ----- layout of the video area -------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.video_area and event.type() == QEvent.Type.Resize:
            self._place_videos()
        return False

    def _place_videos(self) -> None:
        area = self.video_area.rect()
        self.remote_view.setGeometry(area)
        w = round(area.width() * SELF_VIEW_FRACTION)
        h = round(w * 9 / 16)
        margin = 16
        self.self_view.setGeometry(QRect(area.right() - w - margin, area.bottom() - h - margin,
                                         w, h))
        self.self_view.raise_()
        self.reconnecting.setGeometry(area)
        self.reconnecting.raise_()

    # ----- intents --------------------------------------------------------------------------

    def _change_volume(self, delta: int) -> None:
        volume = min(100, max(0, self._volume + delta))
        if volume != self._volume:
            self._volume = volume
            self._update_texts()
            self.volume_changed.emit(volume)

    @property
    def camera_off(self) -> bool:
        return self._camera_off

    def default_focus(self) -> QWidget | None:
        return self.mute_button

    def reset_local(self) -> None:
        self.end_overlay.set_shown(False)
        self.remote_view.clear()
        self.self_view.clear()

    # ----- rendering ------------------------------------------------------------------------

    def update_from(self, journey: Journey, now: float, live: LiveState) -> None:
        visit = journey.visit
        self._specialist = visit.appointment.specialist_name if visit.appointment else ""
        self._phase = visit.call_phase
        self._muted = visit.muted
        self._camera_off = visit.camera_off
        self._volume = live.volume
        self._quality = live.call_quality
        self._message = visit.messages[-1] if visit.messages else ""
        if self._camera_off:
            self.self_view.clear()
        reconnecting = self._phase is CallPhase.RECONNECTING
        self.reconnecting.set_shown(reconnecting)
        confirming = visit.confirming_end and journey.step is Step.CONSULTATION
        changed = self.end_overlay.set_shown(confirming)
        self.remote_view.set_obscured(reconnecting or confirming, "call")
        self.self_view.set_obscured(reconnecting or confirming, "call")
        if changed and not confirming and self.isVisible():
            self.end_button.setFocus(Qt.FocusReason.OtherFocusReason)
        self._update_texts()

    def _update_texts(self) -> None:
        who = self._specialist or self.tr("the specialist")
        if self._phase is CallPhase.CONNECTING:
            remote = self.tr("Connecting you to %1…").replace("%1", who)
        else:
            remote = self.tr("Waiting for the video from %1…").replace("%1", who)
        self.remote_view.set_placeholder(remote)
        self.self_view.set_placeholder(
            self.tr("Your camera is off") if self._camera_off else self.tr("Your camera"))

        quality = {
            "good": (self.tr("Connection: good"), "status_good", "tick"),
            "fair": (self.tr("Connection: fair. The picture may be less clear."),
                     "status_warn", "warning"),
            "poor": (self.tr("Connection: poor. The picture or sound may break up."),
                     "status_bad", "cross"),
        }.get(self._quality, (self.tr("Connection: checking…"), "status_neutral", "waiting"))
        set_text(self.quality_text, quality[0])
        set_role(self.quality_text, quality[1])
        color = self.quality_text.palette().color(self.quality_text.foregroundRole())
        self.quality_icon.setPixmap(
            icon_pixmap(quality[2], color, self.quality_text.fontMetrics().height()))
        notices = []
        if self._muted:
            notices.append(self.tr("You are muted: the specialist can't hear you."))
        if self._camera_off:
            notices.append(self.tr("Your camera is off."))
        set_text(self.mute_notice, " ".join(notices))
        self.mute_notice.setVisible(bool(notices))
        self.message_box.setVisible(bool(self._message))
        set_text(self.message_text, self._message)

        if self._muted:
            self.mute_button.set_text(self.tr("Unmute"))
            self.mute_button.set_icon_name("mic_off")
            describe(self.mute_button, self.tr("Unmute"),
                     self.tr("Your microphone is off. Touch to let the specialist hear you."))
        else:
            self.mute_button.set_text(self.tr("Mute"))
            self.mute_button.set_icon_name("mic")
            describe(self.mute_button, self.tr("Mute"),
                     self.tr("Turns your microphone off so the specialist can't hear you."))
        if self._camera_off:
            self.camera_button.set_text(self.tr("Turn camera on"))
            self.camera_button.set_icon_name("camera_off")
            describe(self.camera_button, self.tr("Turn camera on"),
                     self.tr("Your camera is off. Touch to let the specialist see you."))
        else:
            self.camera_button.set_text(self.tr("Turn camera off"))
            self.camera_button.set_icon_name("camera")
            describe(self.camera_button, self.tr("Turn camera off"),
                     self.tr("Stops the specialist seeing you."))
        set_text(self.volume_text, self.tr("Volume: %1%").replace("%1", str(self._volume)))
        self.quieter_button.setEnabled(self._volume > 0)
        self.louder_button.setEnabled(self._volume < 100)

    def retranslate(self) -> None:
        self.remote_view.setAccessibleName(self.tr("The specialist's video"))
        self.self_view.setAccessibleName(self.tr("Your camera picture"))
        self.reconnecting.set_texts(
            self.tr("The connection dropped."),
            self.tr("Reconnecting… You don't need to do anything."))
        self.quieter_button.set_text(self.tr("Quieter"))
        describe(self.quieter_button, self.tr("Quieter"), self.tr("Turns the sound down."))
        self.louder_button.set_text(self.tr("Louder"))
        describe(self.louder_button, self.tr("Louder"), self.tr("Turns the sound up."))
        self.help_button.set_text(self.tr("I need help"))
        describe(self.help_button, self.tr("I need help"),
                 self.tr("Tells a member of staff that you need help. The call carries on."))
        self.end_button.set_text(self.tr("End call"))
        describe(self.end_button, self.tr("End call"),
                 self.tr("Asks if you are sure, then ends the video call."))
        self.end_overlay.set_question(
            self.tr("Do you want to end the call?"),
            self.tr("If you end it, the specialist will not be able to talk to you."),
            (self.tr("Yes, end the call"), self.tr("Ends the video call now.")),
            (self.tr("No, carry on"), self.tr("Goes back to the call.")),
        )
        self._update_texts()
