"""Labels for the kiosk: plain text only (never rich text from outside), wrapped, styled by role."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget


def label(role: str = "body", text: str = "", parent: QWidget | None = None,
          *, wrap: bool = True, center: bool = False) -> QLabel:
    """A plain-text label with a style role. Text from outside (a specialist's message, a clinic
    name) is shown as typed: no HTML is ever interpreted."""
    widget = QLabel(parent)
    widget.setTextFormat(Qt.TextFormat.PlainText)
    widget.setProperty("role", role)
    widget.setWordWrap(wrap)
    widget.setText(text)
    if center:
        widget.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter)
    if wrap:
        widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
    return widget


def set_text(widget: QLabel, text: str) -> None:
    """Set a label's text only if it changed (render is called every second)."""
    if widget.text() != text:
        widget.setText(text)
