"""Read aloud: what the kiosk says for a screen, and when it may speak (no Qt here).

The Qt side (``ui/speech.py``) gathers a screen's words, already in the patient's language, into
a :class:`ScreenWords`, asks :func:`utterance` what to say and :func:`may_speak` whether to say
it, and speaks through ``QTextToSpeech``.

Rules that matter:

- What is read: the screen's heading, then its instructions, then its choices (the words on its
  buttons), each once, in the order the screen shows them. Line breaks inside a button ("Larger
  text" / "Off") become a pause. A choice is said once; an instruction as often as it is shown
  (a status word beside each device). Nothing typed by the patient (appointment code, free text) is
  ever read out: the screen passes only fixed words and the specialist's own message.
- Speech stops at once (the adapter stops within 200 ms) when the patient touches anything or
  the screen changes; automatic reading then starts again with the new screen only.
- Never during a call: on the consultation step the specialist may be speaking, so nothing is
  read and the "Read aloud" button is not shown; staff screens (admin) are not read either.
- The rate is slowed for clarity: :data:`DEFAULT_RATE` on Qt's scale (-1.0 slowest, 0.0 the
  engine's normal, 1.0 fastest). Staff may change it in admin (``speech_rate``, checked by
  :func:`clamp_rate`): never faster than normal, never slower than :data:`SLOWEST_RATE`.
- Reading each new screen automatically is a per-visit choice: it is off when a visit begins.
- The voice is the patient's language: :data:`LOCALES` names the locale for each (espeak-ng has
  English, Polish and Welsh voices); read aloud is not offered in a language the engine lacks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final

#: Qt's rate scale runs -1.0 .. 1.0 with 0.0 the engine's normal speed.
DEFAULT_RATE: Final = -0.25
SLOWEST_RATE: Final = -0.6
FASTEST_RATE: Final = 0.0

#: The locale to ask the engine for, per kiosk language.
LOCALES: Final = {"en": "en_GB", "pl": "pl_PL", "cy": "cy_GB"}

#: Steps on which the kiosk never speaks (values of ``kiosk.journey.Step``).
SILENT_STEPS: Final = frozenset({"consultation", "admin"})

#: How long the adapter may take to fall silent after a touch or a screen change.
STOP_WITHIN_S: Final = 0.2


@dataclass(frozen=True)
class ScreenWords:
    """The words of one screen, already translated: its heading, instructions and choices."""

    heading: str = ""
    instructions: Sequence[str] = field(default_factory=tuple)
    choices: Sequence[str] = field(default_factory=tuple)


def _clean(text: str) -> str:
    """One line of speech: line breaks become a pause (a comma), runs of spaces one space."""
    parts = [part.strip() for part in re.split(r"[\r\n]+", text) if part.strip()]
    joined = " ".join(part if n == len(parts) - 1 or part[-1] in ".?!:;," else part + ","
                      for n, part in enumerate(parts))
    return re.sub(r"\s+", " ", joined).strip()


def _sentence(text: str) -> str:
    """A clause that ends like a sentence, so the engine pauses after it."""
    return text if text[-1:] in ".?!:;,…" else text + "."


def _unique(texts: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    kept: list[str] = []
    for text in texts:
        clean = _clean(text)
        key = clean.casefold()
        if clean and key not in seen:
            seen.add(key)
            kept.append(clean)
    return kept


def utterance(words: ScreenWords, choices_intro: str) -> str:
    """What to say for a screen: heading, instructions, then ``choices_intro`` (already
    translated, e.g. "You can touch:") and the choices, each said once. Empty if nothing to say.
    """
    heading = _clean(words.heading)
    said = {heading.casefold()} if heading else set()
    # Instructions are read as shown, repeats included ("Camera. Working. Sound. Working.").
    instructions = [text for text in map(_clean, words.instructions)
                    if text and text.casefold() not in said]
    said |= {text.casefold() for text in instructions}
    choices = [text for text in _unique(words.choices) if text.casefold() not in said]
    spoken = [_sentence(text) for text in ([heading] if heading else []) + instructions]
    if choices:
        spoken.append(_sentence(_clean(choices_intro)) if choices_intro.strip() else "")
        spoken.extend(_sentence(choice) for choice in choices)
    return " ".join(part for part in spoken if part)


def may_speak(step: str) -> bool:
    """Whether the kiosk may read aloud on ``step`` (never in a call, never for staff)."""
    return step not in SILENT_STEPS


def clamp_rate(rate: float) -> float:
    """A speech rate staff chose, kept between :data:`SLOWEST_RATE` and :data:`FASTEST_RATE`."""
    if rate != rate:  # NaN
        return DEFAULT_RATE
    return min(FASTEST_RATE, max(SLOWEST_RATE, rate))


def locale_for(language: str) -> str | None:
    """The engine locale for a kiosk language, or None if the kiosk has no voice for it."""
    return LOCALES.get(language)


def unavailable_reason(engines: Sequence[str], engine_error: str | None,
                       locales: Iterable[str]) -> str | None:
    """Why read aloud cannot be offered (None: it can), in plain words for staff.

    ``engines`` are the text-to-speech engines Qt found, ``engine_error`` what the chosen engine
    reported when it failed to start (None if it started), ``locales`` the locales its voices
    speak (e.g. "en_GB"). Every kiosk language must have a voice.
    """
    if "speechd" not in engines:
        return ("no speech engine: Qt's speech-dispatcher plugin cannot load (install the "
                "Debian packages speech-dispatcher, speech-dispatcher-espeak-ng and libspeechd2)")
    if engine_error is not None:
        detail = _clean(engine_error)[:200] or "it did not start"
        return f"speech-dispatcher is not working: {detail}"
    have = {name.split("_")[0] for name in locales}
    missing = sorted(lang for lang in LOCALES if lang not in have)
    if missing:
        return ("speech-dispatcher has no voice for: " + ", ".join(missing)
                + " (install speech-dispatcher-espeak-ng)")
    return None


class ReadAloud:
    """The per-visit read-aloud choice and what to do on each event (the adapter obeys).

    Each method returns True when the adapter should read the current screen now; every event
    first stops what is being said (the adapter does that unconditionally).
    """

    def __init__(self) -> None:
        self.auto = False

    def new_visit(self) -> None:
        """A visit began: automatic reading is off again."""
        self.auto = False

    def screen_shown(self, step: str) -> bool:
        """A new screen is showing: read it if the patient asked for every screen."""
        return self.auto and may_speak(step)

    def set_auto(self, on: bool, step: str) -> bool:
        """The patient switched automatic reading on or off: on reads this screen at once."""
        self.auto = on
        return on and may_speak(step)

    def asked(self, step: str) -> bool:
        """The patient touched "Read aloud"."""
        return may_speak(step)


#: Staff set the read-aloud speed in admin as a percentage of the engine's normal speed.
SPEED_RANGE: Final = (40, 100)
DEFAULT_SPEED: Final = 75


def rate_from_speed(percent: int) -> float:
    """Qt's rate for a speed staff chose in per cent of normal (75 → -0.25), within bounds."""
    return clamp_rate((percent - 100) / 100.0)
