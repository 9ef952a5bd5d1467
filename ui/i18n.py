"""The kiosk's languages: English (the source text) plus translations loaded from ``.qm`` files.

Rules that matter:

- Every patient-facing string in ``ui/`` goes through Qt's translation system (``self.tr`` or
  ``QCoreApplication.translate``), so ``pyside6-lupdate`` finds it; the ``.ts`` files in
  ``resources/translations`` are complete (a test checks) and compiled to ``.qm`` next to them.
- A language's own name is always written in that language ("Polski", "Cymraeg"), so a patient
  can find theirs whatever language is showing.
- Switching installs one translator on the application; Qt then sends every widget a
  ``LanguageChange`` event, and each widget re-reads its words. English has a translator too,
  holding only the plural forms ("1 minute", "3 minutes") of strings written with ``%n``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Final

from PySide6.QtCore import QCoreApplication, QObject, QTranslator

from ui.theme import RESOURCES

TRANSLATIONS_DIR: Final = RESOURCES / "translations"
CATALOGUE: Final = "clinic_kiosk"
SOURCE_LANGUAGE: Final = "en"


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str  # the language's name in that language


LANGUAGES: Final = (
    Language("en", "English"),
    Language("pl", "Polski"),
    Language("cy", "Cymraeg"),
)


def qm_path(code: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOGUE}_{code}.qm"


def ts_path(code: str) -> Path:
    return TRANSLATIONS_DIR / f"{CATALOGUE}_{code}.ts"


class LanguageSwitcher(QObject):
    """Owns the one translator installed on the application for the patient's language."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._language = ""
        self._translator: QTranslator | None = None
        self._closed = False

    @property
    def language(self) -> str:
        return self._language or SOURCE_LANGUAGE

    def set_language(self, code: str) -> bool:
        """Switch to ``code`` (unknown codes fall back to English). True if it changed.
        Once closed, nothing: a late render of a closing window must not install one again."""
        if self._closed:
            return False
        if code not in {lang.code for lang in LANGUAGES}:
            code = SOURCE_LANGUAGE
        if code == self._language:
            return False
        app = QCoreApplication.instance()
        if app is None:
            raise RuntimeError("a QApplication must exist before switching language")
        translator = QTranslator(self)
        if not translator.load(str(qm_path(code))):
            raise FileNotFoundError(f"no compiled translation at {qm_path(code)}")
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator.deleteLater()
        QCoreApplication.installTranslator(translator)
        self._translator = translator
        self._language = code
        return True

    def close(self) -> None:
        """Remove the translator from the application for good (the window is going away)."""
        self._closed = True
        if self._translator is not None:
            QCoreApplication.removeTranslator(self._translator)
            self._translator = None
        self._language = ""
