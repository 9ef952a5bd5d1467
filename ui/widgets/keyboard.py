"""An on-screen QWERTY keyboard for the kiosk's free-text question and admin mode's text fields.

Its keys never take the keyboard focus, so the text box keeps its cursor while the patient
touches keys; a physical keyboard types into the text box as usual. The target is a
``QPlainTextEdit`` (the survey) or a ``QLineEdit`` (admin mode). Keyboard users therefore never
need to Tab through the on-screen keys (each key still has an accessible name and description).

Polish and Welsh letters with accents are one touch away: the "Accents" key swaps the top letter
row for the language's accented letters until one is typed. In English there is no Accents key,
and the bottom row closes up (Capitals and Space are wider) so no gap is left.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLineEdit, QPlainTextEdit, QSizePolicy, QWidget

from ui.widgets.buttons import BigButton, describe

ROWS = ("1234567890", "qwertyuiop", "asdfghjkl'", "zxcvbnm,.?")
ACCENT_ROW = 1  # the row the accented letters replace
EXTRA_LETTERS = {"pl": "ąćęłńóśźż", "cy": "âêîôûŵŷ"}


class OnScreenKeyboard(QWidget):
    """Letter, number and punctuation keys, Capitals, Accents, Space and Delete.

    Signals:
        typed(str): a key was touched; the text it typed ("" for Delete).
    """

    typed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._target: QPlainTextEdit | QLineEdit | None = None
        self._shift = False
        self._accents = False
        self._language = "en"
        self._grid = grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(8)
        self.rows: list[list[BigButton]] = []
        for r, row in enumerate(ROWS):
            keys = []
            for c, ch in enumerate(row):
                key = self._virtual(BigButton(ch, role="kbkey"))
                key.setProperty("char", ch)
                key.clicked.connect(lambda _c=False, k=key: self._type(self._char_of(k)))
                grid.addWidget(key, r, c)
                keys.append(key)
            self.rows.append(keys)
        self.shift_key = self._virtual(BigButton(role="kbkey", icon="shift"))
        self.shift_key.setCheckable(True)
        self.shift_key.toggled.connect(self._set_shift)
        self.accents_key = self._virtual(BigButton(role="kbkey"))
        self.accents_key.setCheckable(True)
        self.accents_key.toggled.connect(self._set_accents)
        self.space_key = self._virtual(BigButton(role="kbkey", icon="space"))
        self.space_key.clicked.connect(lambda: self._type(" "))
        self.delete_key = self._virtual(BigButton(role="kbkey", icon="backspace"))
        self.delete_key.clicked.connect(self._delete)
        for c in range(10):
            grid.setColumnStretch(c, 1)
        self.set_language("en")
        self.retranslate()

    @staticmethod
    def _virtual(key: BigButton) -> BigButton:
        key.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        key.setProperty("virtual_key", True)
        key.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        return key

    def set_target(self, target: QPlainTextEdit | QLineEdit | None) -> None:
        self._target = target

    def set_language(self, language: str) -> None:
        """Offer the accented letters a language needs (Polish, Welsh)."""
        self._language = language
        accents = language in EXTRA_LETTERS
        self.accents_key.setVisible(accents)
        if not accents:
            self.accents_key.setChecked(False)
        self._lay_out_bottom_row(accents)
        self.retranslate()

    def _lay_out_bottom_row(self, accents: bool) -> None:
        """Capitals, (Accents,) Space and Delete across all ten columns, with no gap."""
        last = len(ROWS)
        spans = ((self.shift_key, 0, 2), (self.accents_key, 2, 2), (self.space_key, 4, 4),
                 (self.delete_key, 8, 2)) if accents else (
                (self.shift_key, 0, 3), (self.space_key, 3, 5), (self.delete_key, 8, 2))
        for key in (self.shift_key, self.accents_key, self.space_key, self.delete_key):
            self._grid.removeWidget(key)
        for key, column, span in spans:
            self._grid.addWidget(key, last, column, 1, span)

    def all_keys(self) -> list[BigButton]:
        special = [self.shift_key, self.accents_key, self.space_key, self.delete_key]
        return [key for row in self.rows for key in row] + special

    def _char_of(self, key: BigButton) -> str:
        return key.text()

    def _set_shift(self, on: bool) -> None:
        self._shift = on
        self._relabel()

    def _set_accents(self, on: bool) -> None:
        self._accents = on
        self._relabel()

    def _relabel(self) -> None:
        extra = EXTRA_LETTERS.get(self._language, "") if self._accents else ""
        for r, keys in enumerate(self.rows):
            for c, key in enumerate(keys):
                ch = str(key.property("char"))
                if r == ACCENT_ROW and extra:
                    ch = extra[c] if c < len(extra) else ""
                ch = ch.upper() if self._shift else ch
                key.set_text(ch)
                key.setVisible(bool(ch))
                describe(key, ch, self.tr("Types %1").replace("%1", ch))

    def _type(self, text: str) -> None:
        if isinstance(self._target, QLineEdit):
            self._target.insert(text)
        elif self._target is not None:
            self._target.insertPlainText(text)
            self._target.ensureCursorVisible()
        if text.strip():
            if self._shift:
                self.shift_key.setChecked(False)
            if self._accents:
                self.accents_key.setChecked(False)
        self.typed.emit(text)

    def _delete(self) -> None:
        if isinstance(self._target, QLineEdit):
            self._target.backspace()
        elif self._target is not None:
            self._target.textCursor().deletePreviousChar()
        self.typed.emit("")

    def retranslate(self) -> None:
        self._relabel()
        self.shift_key.set_text(self.tr("Capitals"))
        describe(self.shift_key, self.tr("Capitals"),
                 self.tr("The next letter you type will be a capital letter."))
        sample = EXTRA_LETTERS.get(self._language, "")[:3]
        self.accents_key.set_text(sample or self.tr("Accents"))
        describe(self.accents_key, self.tr("Accents"),
                 self.tr("Shows letters with accents in the top row of letters."))
        self.space_key.set_text(self.tr("Space"))
        describe(self.space_key, self.tr("Space"), self.tr("Types a space between words."))
        self.delete_key.set_text(self.tr("Delete"))
        describe(self.delete_key, self.tr("Delete"), self.tr("Removes the last letter you typed."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
