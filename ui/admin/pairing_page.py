"""Admin mode: pair this kiosk with the hub using the one-time code an administrator issued.

The page only collects the code and shows the outcome; the owner does the pairing (on the engine
loop) and calls :meth:`PairingPage.show_result`. The code typed is cleared as soon as it is sent.
Pairing takes effect at once: the kiosk reads its key from the secure store whenever it needs it.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QSizePolicy, QVBoxLayout, QWidget

from ui.theme import set_role
from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text


class PairingPage(QWidget):
    """The pairing form.

    Signals:
        pair_requested(str): "Pair with the hub" with the code typed (spaces removed).
    """

    pair_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(24)
        layout.addWidget(label("h1", "Pair with the hub"))
        layout.addWidget(label("body", "An administrator creates a one-time pairing code for "
                                       "this room in the hub. Type it here within 15 minutes."))
        self.hub = label("hint", "")
        self.hub.setObjectName("PairingHub")
        layout.addWidget(self.hub)
        self.state = label("strong", "")
        self.state.setObjectName("PairingState")
        layout.addWidget(self.state)
        row = QHBoxLayout()
        row.setSpacing(24)
        self.code = QLineEdit()
        self.code.setObjectName("PairingCode")
        self.code.setMaxLength(12)
        self.code.setMinimumHeight(80)
        self.code.setPlaceholderText("Pairing code, e.g. ABCD2345")
        self.code.setValidator(QRegularExpressionValidator(r"[A-Za-z0-9 -]{0,12}", self.code))
        self.code.setAccessibleName("Pairing code")
        self.code.setAccessibleDescription("The 8 letters and numbers the hub gave you.")
        self.code.textEdited.connect(lambda text: self.code.setText(text.upper()))
        self.code.returnPressed.connect(self._pair)
        row.addWidget(self.code, 2)
        self.pair_button = BigButton("Pair now", role="go", icon="tick")
        self.pair_button.setObjectName("PairButton")
        self.pair_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        describe(self.pair_button, "Pair now",
                 "Sends the code to the hub and keeps the kiosk's key in the secure store.")
        self.pair_button.clicked.connect(self._pair)
        row.addWidget(self.pair_button, 1)
        layout.addLayout(row)
        self.result = label("status_good", "")
        self.result.setObjectName("PairingResult")
        self.result.hide()
        layout.addWidget(self.result)
        layout.addStretch(1)

    def set_context(self, hub_url: str, paired: bool, out_of_service: str = "") -> None:
        """The hub, whether the kiosk is paired, and (when it cannot serve patients) why."""
        set_text(self.hub, f"Hub: {hub_url}" if hub_url else
                 "No hub address is set: set one in Settings first.")
        state = ("This kiosk is paired. Pairing again replaces its key." if paired
                 else "This kiosk is not paired yet.")
        if out_of_service:
            state += "\nPatients see \"This kiosk is not ready\": " + out_of_service
        set_text(self.state, state)

    def _pair(self) -> None:
        code = self.code.text().replace(" ", "").replace("-", "").upper()
        if not code:
            self.show_result("Type the pairing code first.", ok=False)
            return
        self.code.setText("")  # unlike clear(), this also forgets the undo history
        self.set_busy(True)
        self.show_result("Pairing…", ok=True)
        self.pair_requested.emit(code)

    def set_busy(self, busy: bool) -> None:
        self.pair_button.setEnabled(not busy)
        self.code.setEnabled(not busy)

    def show_result(self, text: str, *, ok: bool) -> None:
        set_role(self.result, "status_good" if ok else "status_bad")
        set_text(self.result, text)
        self.result.setVisible(bool(text))
        self.result.setAccessibleName(text)
