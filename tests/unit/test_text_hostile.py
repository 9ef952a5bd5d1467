"""Text from the hub made safe to show: controls, bidi overrides, invisible characters and
combining-mark floods removed; every real script, emoji and ordinary punctuation kept."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.text import MAX_COMBINING, MAX_DISPLAY_CHARS, safe_display_text

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
INVISIBLE = "\u200b\u2060\ufeff\u00ad\u180e\u2061\u2062\u2063\u2064\U000e0041\U000e007f"
C0 = "".join(chr(c) for c in range(0x20) if chr(c) not in "\n\t\r\v\f")
C1 = "".join(chr(c) for c in range(0x7F, 0xA0) if c != 0x85)


@pytest.mark.parametrize("bad", list(BIDI_CONTROLS + INVISIBLE + C0 + C1 + "\ud800\udfff\ufffe"
                                     "\uffff\ufdd0\U0010ffff"))
def test_each_unsafe_character_is_removed(bad: str) -> None:
    assert safe_display_text(f"Dr{bad} Jones{bad}") == "Dr Jones"


def test_a_reversed_phone_number_reads_as_sent() -> None:
    shown = safe_display_text("Ring \u202e1234 567 0800\u202c if you need us")
    assert shown == "Ring 1234 567 0800 if you need us"
    assert safe_display_text("\u2067tnemtnioppa\u2069 ok") == "tnemtnioppa ok"


@pytest.mark.parametrize("text", [
    "Cześć! Za chwilę dołączę.",
    "Bydda i gyda chi mewn munud. Dwŷ, ŵ, ŷ.",
    "مرحبا، سأنضم إليك قريبا",  # Arabic: right-to-left by itself, no controls needed
    "שלום",
    "नमस्ते, क्षमा करें",  # Devanagari: virama and vowel signs (combining marks)
    "Tiếng Việt có dấu",  # two stacked marks
    "👨\u200d👩\u200d👧 👍🏽 🇬🇧 ❤️",  # joiners, skin tone, flags, variation selector
    "Price: £5 – “fine” — 10:30",
])
def test_real_text_in_every_script_is_kept(text: str) -> None:
    assert safe_display_text(text) == text


def test_line_breaks_only_where_multi_line_text_is_allowed() -> None:
    text = "Hello\r\nI am running late.\n\n\n\n\nSorry\u2028Dr J\rx\x0by"
    assert safe_display_text(text, multiline=True) == \
        "Hello\nI am running late.\n\nSorry\nDr J\nx\ny"
    assert safe_display_text(text) == "Hello I am running late. Sorry Dr J x y"
    assert safe_display_text("a\t\tb   c  ") == "a b c"


def test_combining_mark_floods_are_capped() -> None:
    zalgo = "H" + "\u0301\u0316\u0324" * 30 + "i"
    shown = safe_display_text(zalgo)
    assert shown[0] == "H"
    assert shown[-1] == "i"
    assert len(shown) == 2 + MAX_COMBINING


def test_length_is_capped_with_an_ellipsis() -> None:
    shown = safe_display_text("word " * 1000)
    assert len(shown) <= MAX_DISPLAY_CHARS
    assert shown.endswith("…")
    assert safe_display_text("x" * 200, max_chars=128) == "x" * 127 + "…"
    assert safe_display_text("\u200b" * 100_000 + "hidden") == ""  # padding buys nothing
    assert safe_display_text("anything", max_chars=0) == ""


@pytest.mark.parametrize("value", [None, 5, b"bytes", ["x"]])
def test_anything_but_text_shows_nothing(value: object) -> None:
    assert safe_display_text(value) == ""


@settings(max_examples=200, derandomize=True, deadline=None, database=None)
@given(st.text(alphabet=st.characters(codec=None), max_size=300), st.booleans())
def test_no_control_or_format_character_survives(text: str, multiline: bool) -> None:
    shown = safe_display_text(text, multiline=multiline)
    assert len(shown) <= MAX_DISPLAY_CHARS
    assert shown == shown.strip()
    for ch in shown:
        category = unicodedata.category(ch)
        assert category not in ("Cc", "Cs") or (multiline and ch == "\n")
        assert category != "Cf" or ch in "\u200c\u200d"
    assert safe_display_text(shown, multiline=multiline) == shown  # idempotent
