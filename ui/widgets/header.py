"""The bar across the top of every patient screen: the clinic's name, "Read aloud" and "I need
help".

"Read aloud" is hidden until :meth:`Header.set_read_aloud` offers it: ``ui/speech.py`` does
where a speech engine works (the header is not shown in a call, where the kiosk never speaks).
The switch to read every screen is on the welcome screen, with the other ways to make the
kiosk easier to use."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QSizePolicy, QWidget

from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text


class Header(QFrame):
    """The clinic's name and the always-present "I need help" button.

    Signals:
        help_requested(): the patient touched "I need help".
        start_again_requested(): the patient touched "Start again" (shown only on the screens
            where starting again is safe: check-in and device checks).
        read_aloud_requested(): the patient touched "Read aloud".
    """

    help_requested = Signal()
    start_again_requested = Signal()
    read_aloud_requested = Signal()

    def __init__(self, clinic_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "header")
        # As tall as its wrapped title and buttons need at this width (large text, long
        # translations, "Read aloud" beside "I need help").
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(40, 12, 40, 12)
        layout.setSpacing(32)
        self.start_again_button = BigButton(role="header_help", icon="arrow_left")
        self.start_again_button.setObjectName("StartAgain")
        self.start_again_button.setSizePolicy(QSizePolicy.Policy.Maximum,
                                              QSizePolicy.Policy.Fixed)
        self.start_again_button.clicked.connect(self.start_again_requested)
        self.start_again_button.hide()
        self.title = label("header_title", clinic_name)
        self.title.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.help_button = BigButton(role="header_help", icon="help")
        self.help_button.setObjectName("HeaderHelp")
        self.help_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.help_button.clicked.connect(self.help_requested)
        self.read_aloud_button = BigButton(role="header_help", icon="sound")
        self.read_aloud_button.setObjectName("ReadAloud")
        self.read_aloud_button.clicked.connect(self.read_aloud_requested)
        self.read_aloud_button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.read_aloud_button.hide()
        layout.addWidget(self.start_again_button)
        layout.addWidget(self.title, 1)
        layout.addWidget(self.read_aloud_button)
        layout.addWidget(self.help_button)
        self.retranslate()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # the height it needs depends on its width

    def sizeHint(self) -> QSize:
        """As tall as the wrapped title and buttons need at this width (large text, long
        translations, "Read aloud" beside "I need help")."""
        hint = super().sizeHint()
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth() and self.width() > 0:
            hint.setHeight(max(hint.height(), layout.heightForWidth(self.width())))
        return hint

    def set_scale(self, scale: float) -> None:
        layout = self.layout()
        if layout is not None:
            h, v = round(40 * scale), round(12 * scale)
            layout.setContentsMargins(h, v, h, v)
            layout.setSpacing(round(32 * scale))

    def set_clinic_name(self, name: str) -> None:
        set_text(self.title, name)

    def set_start_again_visible(self, visible: bool) -> None:
        if visible != self.start_again_button.isVisibleTo(self):
            self.start_again_button.setVisible(visible)

    def set_read_aloud(self, offered: bool) -> None:
        """Show "Read aloud" (``offered``) or hide it."""
        if self.read_aloud_button.isVisibleTo(self) != offered:
            self.read_aloud_button.setVisible(offered)

    def retranslate(self) -> None:
        self.read_aloud_button.set_text(self.tr("Read aloud"))
        describe(self.read_aloud_button, self.tr("Read aloud"),
                 self.tr("Reads this screen out loud. Touch the screen to stop."))
        self.start_again_button.set_text(self.tr("Start again"))
        describe(self.start_again_button, self.tr("Start again"),
                 self.tr("Clears everything you have typed and goes back to the first screen."))
        self.help_button.set_text(self.tr("I need help"))
        describe(self.help_button, self.tr("I need help"),
                 self.tr("Tells a member of staff that you need help."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
