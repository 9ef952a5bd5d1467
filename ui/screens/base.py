"""What every patient screen shares: rendering from state, local UI state, retranslation.

Rules that matter:

- A screen shows the journey (``journey.step``, ``journey.visit``, ``journey.prepared``) and the
  :class:`LiveState`; it never changes them. It reports what the patient did through Qt signals
  (its "intents"), each listed in the class docstring under "Signals:".
- ``render(journey, now, live)`` is idempotent and cheap: it is called on every change and once a
  second. Anything a screen keeps for itself (digits typed, which survey page is showing) is
  *local UI state*; it is wiped whenever a new visit begins, so nothing outlives a patient.
- Every word on a screen goes through ``self.tr``; ``retranslate()`` re-reads them when the
  language changes.
- Read aloud (``ui/speech.py``, with the "Read aloud" controls in the header above every
  patient screen): :meth:`spoken_words` gives the words to read: the heading, the instructions
  and the choices shown, never what the patient typed (text boxes are not read; keypad and
  keyboard keys are not choices).
"""

from __future__ import annotations

import weakref
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtWidgets import QAbstractButton, QLabel, QLayout, QVBoxLayout, QWidget

from kiosk.journey import Journey, Visit
from kiosk.speech import ScreenWords

#: Label roles read as a screen's heading, and as its instructions.
HEADING_ROLES = frozenset({"title", "h1"})
INSTRUCTION_ROLES = frozenset({"body", "strong", "hint", "h2", "status", "message"})
#: Button roles that are keys (digits, letters), never read as choices.
KEY_ROLES = frozenset({"key", "key_action", "kbkey"})


@dataclass(frozen=True)
class QuestionView:
    """A survey question as the feedback screen shows it, already in the patient's language.

    ``kind`` is one of "faces" (1-5), "yes_no", "choice", "number", "text"; ``options`` (for
    "choice") are (value, label) pairs; ``labels`` are the survey's own words for the answers
    (faces: five, worst first; yes/no: yes, no), or empty for the screen's own.
    """

    id: str
    kind: str
    text: str
    optional: bool = True
    options: Sequence[tuple[object, str]] = field(default_factory=tuple)
    labels: Sequence[str] = field(default_factory=tuple)


@dataclass
class LiveState:
    """What the screens show that is not part of the journey: devices, network, settings."""

    hub_connected: bool = True
    network_status: str = ""  # "checking" / "pass" / "warn" / "fail" / "" (not started)
    network_detail: str = ""  # plain words for the patient, already translated
    network_progress: float = 0.0  # 0..1 while the network check runs
    call_quality: str = ""  # "good" / "fair" / "poor" / "" (unknown)
    waited_s: float = 0.0
    survey: Sequence[QuestionView] = field(default_factory=list)
    #: Follow-up questions that may still be asked: (id, the id of the question deciding it).
    survey_pending: Sequence[tuple[str, str]] = field(default_factory=tuple)
    language: str = "en"
    large_text: bool = False
    high_contrast: bool = False
    mic_level: float = 0.0  # 0..1
    available_cameras: list[str] = field(default_factory=list)
    available_mics: list[str] = field(default_factory=list)
    available_speakers: list[str] = field(default_factory=list)
    camera_index: int = 0
    mic_index: int = 0
    speaker_index: int = 0
    volume: int = 80  # 0..100
    camera_health: str = ""  # the camera's measured verdict (kiosk.checks.camera)


def scale_layouts(root: QWidget, scale: float) -> None:
    """Scale the spacing and margins of every layout under ``root`` from the values they were
    written with (for 1080p), remembered on first use."""
    for layout in [root.layout(), *root.findChildren(QLayout)]:
        if layout is None:
            continue
        base = layout.property("base_geometry")
        if base is None:
            m = layout.contentsMargins()
            base = [layout.spacing(), m.left(), m.top(), m.right(), m.bottom()]
            layout.setProperty("base_geometry", base)
        spacing, left, top, right, bottom = (int(v) for v in base)
        if spacing >= 0:
            layout.setSpacing(round(spacing * scale))
        layout.setContentsMargins(round(left * scale), round(top * scale),
                                  round(right * scale), round(bottom * scale))


def spoken_words_of(root: QWidget) -> ScreenWords:
    """The words to read aloud for what ``root`` shows now, in reading order (top to bottom,
    left to right): the first heading, the other labels that instruct, and the enabled buttons
    that are choices (not keypad or keyboard keys). Text boxes are never read."""
    def place(widget: QWidget) -> tuple[int, int]:
        at = widget.mapTo(root, QPoint(0, 0))
        return at.y(), at.x()

    heading = ""
    instructions: list[str] = []
    choices: list[str] = []
    shown = [w for w in root.findChildren(QWidget) if w.isVisibleTo(root)]
    for widget in sorted(shown, key=place):
        role = str(widget.property("role") or "")
        if isinstance(widget, QLabel) and widget.text().strip():
            if role in HEADING_ROLES and not heading:
                heading = widget.text()
            elif role in HEADING_ROLES | INSTRUCTION_ROLES or role.startswith("status"):
                instructions.append(widget.text())
        elif (isinstance(widget, QAbstractButton) and widget.isEnabled()
              and role not in KEY_ROLES and not widget.property("virtual_key")):
            name = widget.accessibleName() or widget.text()
            if name.strip():
                choices.append(name)
    return ScreenWords(heading, tuple(instructions), tuple(choices))


class Screen(QWidget):
    """Base of the patient screens. Subclasses implement ``update_from`` and ``retranslate``.

    Signals: none here; each screen declares its own.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "screen")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._visit_ref: weakref.ref[Visit] | None = None
        self._scale = 1.0
        self._last: tuple[Journey, float, LiveState] | None = None
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(64, 40, 64, 40)
        self.outer.setSpacing(28)

    # ----- read aloud -------------------------------------------------------------------------

    def spoken_words(self) -> ScreenWords:
        """The words to read for this screen as it shows now (see the module docstring)."""
        return spoken_words_of(self)

    def shown_step(self) -> str:
        """The journey step this screen last showed ("" before its first render)."""
        return str(self._last[0].step) if self._last is not None else ""

    def shown_visit(self) -> Visit | None:
        """The visit this screen last showed (None before its first render)."""
        return self._last[0].visit if self._last is not None else None

    def language(self) -> str:
        """The patient's language as this screen last showed it."""
        return self._last[2].language if self._last is not None else "en"

    def choices_intro(self) -> str:
        """The words said before the choices."""
        return self.tr("You can touch:")

    # ----- rendering ------------------------------------------------------------------------

    # Deliberately shadows QWidget.render (painting into a device), which screens never use
    # from Python; grab() calls the C++ method directly.
    def render(  # type: ignore[override]
        self, journey: Journey, now: float, live: LiveState
    ) -> None:
        """Show the journey and the live state (idempotent)."""
        visit = self._visit_ref() if self._visit_ref is not None else None
        if visit is not journey.visit:
            self._visit_ref = weakref.ref(journey.visit)
            self.reset_local()
        self._last = (journey, now, live)
        self.update_from(journey, now, live)

    def update_from(self, journey: Journey, now: float, live: LiveState) -> None:
        """Subclasses: update every widget from state."""

    def reset_local(self) -> None:
        """Subclasses: forget local UI state (a new visit began)."""

    def forget(self) -> None:
        """Drop local state and the last rendered state (privacy reset or leaving the screen).

        The screen then renders a blank visit, so no label, field or picture it is not showing
        keeps anything of the patient (a hidden page is still a widget holding text).
        """
        self._visit_ref = None
        self._last = None
        self.reset_local()
        self.update_from(Journey(), 0.0, LiveState())

    def rerender(self) -> None:
        if self._last is not None:
            self.update_from(*self._last)

    def set_scale(self, scale: float) -> None:
        """Margins and gaps follow the screen size (1.0 at 1080p)."""
        self._scale = scale
        scale_layouts(self, scale)

    def default_focus(self) -> QWidget | None:
        """The control that gets the keyboard focus when this screen appears."""
        return None

    # ----- language ---------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Subclasses: set every fixed word again in the current language."""

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
            self.rerender()
        super().changeEvent(event)
