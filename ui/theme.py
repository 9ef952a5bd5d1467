"""The kiosk's look: colours, type sizes and the Qt style sheets that use them.

Rules that matter:

- Two themes, ``normal`` (NHS-like: blue, white, pale grey, dark text) and ``high_contrast``
  (black, white and yellow). Both live in ``resources/theme/*.qss`` as templates whose
  ``{{name}}`` placeholders are filled from :meth:`Theme.values`.
- Every size is written for a 1080-pixel-high screen and scaled with the real height, so the kiosk
  looks the same at 720p and 1080p. Large-text mode multiplies every *font* size (and the heights
  that must hold that text) by :data:`LARGE_TEXT_FACTOR`.
- Widgets say what they are with a ``role`` dynamic property (``primary``, ``h1``, ``card``...);
  the style sheet styles roles, never individual objects. Change a role at run time with
  :func:`set_role`, which re-polishes the widget.
- Colour pairs are chosen to pass WCAG AA; :func:`contrast_ratio` is here so tests can prove it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QWidget

RESOURCES: Final = Path(__file__).resolve().parent.parent / "resources"
THEME_DIR: Final = RESOURCES / "theme"

REFERENCE_HEIGHT: Final = 1080
LARGE_TEXT_FACTOR: Final = 1.35
MIN_SCALE: Final = 0.5

#: Font families in order of preference (Frutiger is the NHS face; Arial-like faces next).
FONT_FAMILIES: Final = ["Frutiger", "Arial", "Liberation Sans", "Helvetica", "DejaVu Sans"]

#: Font sizes in pixels at 1080p, normal text size.
FONT_PX: Final = {
    "title": 72,  # clinic name on the welcome screen
    "h1": 56,
    "h2": 40,
    "body": 32,
    "small": 28,  # the smallest text anywhere; still >= 28 px at 1080p
    "button": 34,
    "key": 48,  # number pad and code boxes
    "kbkey": 34,  # on-screen keyboard
    "message": 40,  # the specialist's messages
}

#: Other sizes in pixels at 1080p (not affected by large text unless listed in TEXT_BOUND).
SIZE_PX: Final = {
    "radius": 12,
    "border": 3,
    "focus_w": 6,
    "pad_s": 12,
    "pad_m": 24,
    "pad_l": 40,
    "button_h": 104,  # minimum height of a big button: far above the 48 px touch minimum
    "key_h": 100,
    "huge_h": 180,  # "Touch to start"
    "kbkey_h": 84,
    "header_h": 96,
    "icon": 44,
    "text_box_h": 124,  # the free-text answer box: about two and a half lines
}

#: Sizes that hold text, so they grow with large text too (by a little less than the text:
#: the padding around the text need not grow).
TEXT_BOUND: Final = {"button_h", "key_h", "huge_h", "header_h", "icon", "text_box_h"}

#: Fonts that large text leaves alone: the on-screen keyboard's single letters are already
#: large, and growing them would push the text box off a 720p screen.
FIXED_FONTS: Final = {"kbkey"}


@dataclass(frozen=True)
class Palette:
    """The colours of one theme. Names say what a colour is for, not what it looks like."""

    name: str
    background: str  # the page
    surface: str  # cards and panels
    text: str
    text_secondary: str
    heading: str
    accent: str  # outlines and marks that must stand out from the page (3:1 at least)
    header_bg: str
    header_text: str
    primary_bg: str
    primary_text: str
    go_bg: str  # the one main "go" action (Touch to start, Check in, Continue)
    go_text: str
    secondary_bg: str
    secondary_text: str
    secondary_border: str
    danger_bg: str
    danger_text: str
    key_bg: str
    key_text: str
    key_border: str
    checked_bg: str
    checked_text: str
    focus_bg: str
    focus_text: str
    focus_border: str
    pressed_bg: str
    pressed_text: str
    good: str  # text colour for "working" (always with a word and an icon)
    bad: str
    warn: str
    info_bg: str  # calm panels: messages, kind errors
    info_border: str
    error_bg: str
    error_border: str
    video_bg: str
    video_text: str
    backdrop: str  # behind overlays (rgba)
    disabled_bg: str
    disabled_text: str


NORMAL: Final = Palette(
    name="normal",
    background="#F0F4F5",
    surface="#FFFFFF",
    text="#212B32",
    text_secondary="#4C6272",
    heading="#212B32",
    accent="#005EB8",
    header_bg="#005EB8",
    header_text="#FFFFFF",
    primary_bg="#005EB8",
    primary_text="#FFFFFF",
    go_bg="#007F3B",
    go_text="#FFFFFF",
    secondary_bg="#FFFFFF",
    secondary_text="#005EB8",
    secondary_border="#005EB8",
    danger_bg="#D5281B",
    danger_text="#FFFFFF",
    key_bg="#FFFFFF",
    key_text="#212B32",
    key_border="#768692",
    checked_bg="#005EB8",
    checked_text="#FFFFFF",
    focus_bg="#FFEB3B",
    focus_text="#212B32",
    focus_border="#212B32",
    pressed_bg="#003087",
    pressed_text="#FFFFFF",
    good="#007F3B",
    bad="#D5281B",
    warn="#8A4B00",
    info_bg="#E8EDEE",
    info_border="#005EB8",
    error_bg="#FFFFFF",
    error_border="#D5281B",
    video_bg="#212B32",
    video_text="#FFFFFF",
    backdrop="rgba(33, 43, 50, 200)",
    disabled_bg="#E8EDEE",
    disabled_text="#4C6272",
)

HIGH_CONTRAST: Final = Palette(
    name="high_contrast",
    background="#000000",
    surface="#000000",
    text="#FFFFFF",
    text_secondary="#FFFFFF",
    heading="#FFFF00",
    accent="#FFFF00",
    header_bg="#000000",
    header_text="#FFFF00",
    primary_bg="#000000",
    primary_text="#FFFF00",
    go_bg="#FFFF00",
    go_text="#000000",
    secondary_bg="#000000",
    secondary_text="#FFFFFF",
    secondary_border="#FFFFFF",
    danger_bg="#000000",
    danger_text="#FFFFFF",
    key_bg="#000000",
    key_text="#FFFFFF",
    key_border="#FFFFFF",
    checked_bg="#FFFF00",
    checked_text="#000000",
    focus_bg="#FFFFFF",
    focus_text="#000000",
    focus_border="#FFFF00",
    pressed_bg="#FFFFFF",
    pressed_text="#000000",
    good="#FFFFFF",
    bad="#FFFFFF",
    warn="#FFFFFF",
    info_bg="#000000",
    info_border="#FFFF00",
    error_bg="#000000",
    error_border="#FFFFFF",
    video_bg="#000000",
    video_text="#FFFFFF",
    backdrop="rgba(0, 0, 0, 235)",
    disabled_bg="#000000",
    disabled_text="#FFFFFF",
)


@dataclass(frozen=True)
class Theme:
    """One concrete look: a palette, a screen height and a text size."""

    high_contrast: bool = False
    large_text: bool = False
    screen_height: int = REFERENCE_HEIGHT

    @property
    def palette(self) -> Palette:
        return HIGH_CONTRAST if self.high_contrast else NORMAL

    @property
    def scale(self) -> float:
        return max(MIN_SCALE, self.screen_height / REFERENCE_HEIGHT)

    @property
    def text_factor(self) -> float:
        return LARGE_TEXT_FACTOR if self.large_text else 1.0

    def font_px(self, role: str) -> int:
        factor = 1.0 if role in FIXED_FONTS else self.text_factor
        return round(FONT_PX[role] * self.scale * factor)

    def size_px(self, name: str) -> int:
        factor = 1.0 + (self.text_factor - 1.0) * 0.6 if name in TEXT_BOUND else 1.0
        return max(1, round(SIZE_PX[name] * self.scale * factor))

    def values(self) -> dict[str, str]:
        """Every placeholder a style sheet template may use."""
        out = {f"font_{k}": str(self.font_px(k)) for k in FONT_PX}
        out |= {k: str(self.size_px(k)) for k in SIZE_PX}
        out |= {k: v for k, v in vars(self.palette).items() if k != "name"}
        return out

    def stylesheet(self) -> str:
        """The full style sheet: the shared ``base.qss`` then this theme's own rules."""
        template = _template("base") + "\n" + _template(self.palette.name)
        return render_template(template, self.values())

    def font(self) -> QFont:
        font = QFont()
        font.setFamilies(FONT_FAMILIES)
        font.setPixelSize(self.font_px("body"))
        return font


_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_0-9]+)\s*\}\}")


def render_template(template: str, values: dict[str, str]) -> str:
    """Fill ``{{name}}`` placeholders; an unknown name is a bug, so it raises KeyError."""
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


@cache
def _template(name: str) -> str:
    return (THEME_DIR / f"{name}.qss").read_text(encoding="utf-8")


def set_role(widget: QWidget, role: str) -> None:
    """Give a widget a style role, re-polishing it if the role changed."""
    if widget.property("role") == role:
        return
    widget.setProperty("role", role)
    style = widget.style()
    style.unpolish(widget)
    style.polish(widget)
    widget.update()


# ----- contrast (WCAG 2.x) -------------------------------------------------------------------


def relative_luminance(color: QColor) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(color.redF())
        + 0.7152 * channel(color.greenF())
        + 0.0722 * channel(color.blueF())
    )


def contrast_ratio(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio between two colours, from 1.0 to 21.0."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)
