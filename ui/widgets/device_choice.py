"""Another device to try, on a device-check problem page: a heading ("Try a different camera:")
over one checkable button per device, two to a row, the one in use ticked.

Which devices are offered (none when there is no other to choose) is decided by
:class:`kiosk.checks.device_flow.DeviceCheckFlow`; this widget only shows them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QSizePolicy, QVBoxLayout, QWidget

from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text


class DeviceChoice(QWidget):
    """The devices as buttons; hidden while there are none.

    Signals:
        chosen(int): the patient touched the device at this index of the list shown.
    """

    chosen = Signal(int)

    def __init__(self, then: Sequence[QWidget] = (), parent: QWidget | None = None) -> None:
        """``then``: the controls that come after the devices when reading (Tab order)."""
        super().__init__(parent)
        self._then = list(then)
        self.heading = label("strong")
        self.box = QWidget()
        self.grid = QGridLayout(self.box)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setSpacing(16)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(28)
        layout.addWidget(self.heading)
        layout.addWidget(self.box)
        self.buttons: list[BigButton] = []
        self._names: list[str] = []

    def show_devices(self, heading: str, names: Sequence[str], selected: int,
                     description: str) -> bool:
        """Show ``names`` (``selected`` ticked) under ``heading``; ``description`` says what each
        button does, for assistive technology. True when the buttons were made anew (the screen
        then scales their gaps)."""
        set_text(self.heading, heading)
        made = list(names) != self._names
        if made:
            for button in self.buttons:
                button.hide()
                button.deleteLater()
            self.buttons = []
            for n, device in enumerate(names):
                button = BigButton(device, role="choice")
                button.setObjectName(f"Device{n}")
                button.setCheckable(True)
                button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
                button.clicked.connect(lambda _c=False, i=n: self.chosen.emit(i))
                self.buttons.append(button)
                self.grid.addWidget(button, n // 2, n % 2)
                button.show()  # at once, not on the next event loop turn
            self._names = list(names)
            for first, second in itertools.pairwise([*self.buttons, *self._then]):
                QWidget.setTabOrder(first, second)  # read top to bottom
        for n, button in enumerate(self.buttons):
            button.setChecked(n == selected)
            describe(button, self._names[n], description)
        self.setVisible(bool(names))
        return made
