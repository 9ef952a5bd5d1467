"""A big number pad, and the row of boxes that shows the digits typed so far."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QSizePolicy, QWidget

from ui.theme import set_role
from ui.widgets.buttons import BigButton, describe
from ui.widgets.text import label, set_text


class NumPad(QWidget):
    """Keys 1-9, 0 and Delete, laid out like a telephone.

    Signals:
        digit_pressed(str): a number key was touched ("0" to "9").
        delete_pressed(): the Delete key was touched.
    """

    digit_pressed = Signal(str)
    delete_pressed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(12)
        self.keys: dict[str, BigButton] = {}
        for n, digit in enumerate("123456789"):
            self.keys[digit] = self._key(digit)
            grid.addWidget(self.keys[digit], n // 3, n % 3)
        self.keys["0"] = self._key("0")
        grid.addWidget(self.keys["0"], 3, 0, 1, 2)
        self.delete_key = BigButton(role="key_action", icon="backspace")
        self.delete_key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.delete_key.setObjectName("KeyDelete")
        self.delete_key.clicked.connect(self.delete_pressed)
        grid.addWidget(self.delete_key, 3, 2)
        for col in range(3):
            grid.setColumnStretch(col, 1)
        self.retranslate()

    def _key(self, digit: str) -> BigButton:
        key = BigButton(digit, role="key")
        key.setObjectName(f"Key{digit}")
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        key.clicked.connect(lambda: self.digit_pressed.emit(digit))
        return key

    def buttons(self) -> list[BigButton]:
        return [*(self.keys[d] for d in "1234567890"), self.delete_key]

    def retranslate(self) -> None:
        for digit, key in self.keys.items():
            describe(key, digit, self.tr("Types the number %1.").replace("%1", digit))
        self.delete_key.set_text(self.tr("Delete"))
        describe(self.delete_key, self.tr("Delete"), self.tr("Removes the last number you typed."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class CodeBoxes(QWidget):
    """A row of boxes, one per digit of the code, filled in as the patient types.

    Signals: none (it only shows).
    """

    def __init__(self, length: int, parent: QWidget | None = None, *,
                 groups: tuple[int, ...] = ()) -> None:
        super().__init__(parent)
        self._digits = ""
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(12)
        # A wider gap after each group, as the code is printed on the letter ("012 345 6789").
        breaks, at = set(), 0
        for size in groups[:-1]:
            at += size
            breaks.add(at)
        self.boxes: list[QLabel] = []
        for n in range(length):
            if n in breaks:
                layout.addSpacing(24)
            box = label("code_box", "", wrap=False, center=True)
            box.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            box.setMinimumWidth(60)
            box.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self.boxes.append(box)
            layout.addWidget(box)
        self.retranslate()

    def digits(self) -> str:
        return self._digits

    def set_digits(self, digits: str) -> None:
        self._digits = digits
        for n, box in enumerate(self.boxes):
            set_text(box, digits[n] if n < len(digits) else "")
            set_role(box, "code_box_next" if n == len(digits) else "code_box")
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Your code"))
        self.setAccessibleDescription(
            self.tr("%1 of %2 numbers typed.")
            .replace("%1", str(len(self._digits)))
            .replace("%2", str(len(self.boxes)))
        )

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
