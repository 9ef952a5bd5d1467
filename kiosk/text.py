"""Text from other people made safe to show on the kiosk's screen.

Rules that matter:

- Every piece of text that comes from the hub and is shown to a patient (a specialist's message,
  names of the specialist, clinic and waiting area) passes through :func:`safe_display_text`
  once, where it enters the kiosk (:mod:`kiosk.call.patient`), before any screen sees it.
- What is removed is what can change how *other* text looks without being visible itself:
  C0 and C1 control characters, bidirectional embeddings, overrides and isolates (which can
  reverse a phone number or a time), zero-width and other invisible format characters, lone
  surrogates and noncharacters, and long stacks of combining marks that spill over neighbouring
  lines. Letters, digits, punctuation and emoji of every script stay as they are.
- The joiners U+200C and U+200D stay: Arabic and Indic scripts and emoji sequences need them to
  render correctly, and they cannot reorder or hide text.
- The result is at most ``max_chars`` characters (an ellipsis marks a cut) and has no leading or
  trailing white space. Pure function, no Qt, no logging.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Final

#: Longest text shown by default (the protocol's limit for a specialist's message).
MAX_DISPLAY_CHARS: Final = 500
#: Combining marks kept on one base character (Vietnamese stacks two; Zalgo text stacks dozens).
MAX_COMBINING: Final = 4

_KEEP_FORMAT: Final = frozenset({"\u200c", "\u200d"})  # zero-width non-joiner and joiner
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u0085\u2028\u2029\v\f]")
_SPACES = re.compile(r"[ \t]+")
_BLANK_LINES = re.compile(r"\n{3,}")
_ELLIPSIS: Final = "…"


def _unsafe(ch: str) -> bool:
    category = unicodedata.category(ch)
    if category in ("Cc", "Cs"):  # controls (C0, DEL, C1) and lone surrogates
        return True
    if category == "Cf":  # bidi controls, zero-width spaces, BOM, soft hyphen, tags…
        return ch not in _KEEP_FORMAT
    code = ord(ch)
    return (0xFDD0 <= code <= 0xFDEF) or (code & 0xFFFE) == 0xFFFE  # noncharacters


def safe_display_text(text: object, *, max_chars: int = MAX_DISPLAY_CHARS,
                      multiline: bool = False) -> str:
    """``text`` without invisible controls, shortened to ``max_chars``.

    Line breaks of any kind become ``"\\n"`` when ``multiline`` (at most one blank line in a
    row), otherwise a space; tabs become spaces. Anything that is not a ``str`` gives ``""``.
    """
    if not isinstance(text, str) or max_chars <= 0:
        return ""
    # Work on a bounded slice: a hostile sender gains nothing from a longer string.
    text = _LINE_BREAKS.sub("\n" if multiline else " ", text[: max_chars * 4 + 64])
    out: list[str] = []
    combining = 0
    for ch in text:
        if ch == "\n":
            out.append(ch)
            combining = 0
            continue
        if ch == "\t":
            ch = " "
        elif _unsafe(ch):
            continue
        if unicodedata.category(ch) in ("Mn", "Me"):
            combining += 1
            if combining > MAX_COMBINING:
                continue
        else:
            combining = 0
        out.append(ch)
    cleaned = "\n".join(_SPACES.sub(" ", line).strip() for line in "".join(out).split("\n"))
    cleaned = _BLANK_LINES.sub("\n\n", cleaned).strip()
    if len(cleaned) > max_chars:
        cleaned = cleaned[: max_chars - 1].rstrip() + _ELLIPSIS
    return cleaned
