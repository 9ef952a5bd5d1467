"""The patient screens, one per journey step. Each renders state and emits intents."""

from ui.screens.base import LiveState, QuestionView, Screen
from ui.screens.check_in import CheckInScreen
from ui.screens.consultation import ConsultationScreen
from ui.screens.device_checks import DeviceChecksScreen
from ui.screens.feedback import FeedbackScreen
from ui.screens.out_of_service import OutOfServiceScreen
from ui.screens.thanks import ThanksScreen
from ui.screens.waiting import WaitingScreen
from ui.screens.welcome import WelcomeScreen

__all__ = [
    "CheckInScreen",
    "ConsultationScreen",
    "DeviceChecksScreen",
    "FeedbackScreen",
    "LiveState",
    "OutOfServiceScreen",
    "QuestionView",
    "Screen",
    "ThanksScreen",
    "WaitingScreen",
    "WelcomeScreen",
]
