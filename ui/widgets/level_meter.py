"""A microphone level meter: a wide bar of blocks that light up with the sound level."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRectF, QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

SEGMENTS = 20


class LevelMeter(QWidget):
    """Shows a level from 0 to 1 as lit blocks. It only shows; it has no signals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._level = 0.0
        self.setProperty("role", "meter")
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.retranslate()

    def retranslate(self) -> None:
        self.setAccessibleName(self.tr("Microphone level"))
        self.setAccessibleDescription(self.tr("The blocks light up when the microphone hears you."))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def level(self) -> float:
        return self._level

    def set_level(self, level: float) -> None:
        level = min(1.0, max(0.0, level))
        if abs(level - self._level) >= 0.005:
            self._level = level
            self.update()

    def lit_segments(self) -> int:
        return round(self._level * SEGMENTS)

    def sizeHint(self) -> QSize:
        h = max(48, self.fontMetrics().height() * 2)
        return QSize(h * 8, h)

    def minimumSizeHint(self) -> QSize:
        return QSize(200, max(48, self.fontMetrics().height() * 2))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fg = self.palette().color(QPalette.ColorRole.WindowText)
        gap = max(3.0, self.width() / SEGMENTS * 0.12)
        seg_w = (self.width() - gap * (SEGMENTS - 1)) / SEGMENTS
        lit = self.lit_segments()
        pen = QPen(fg, 2)
        for i in range(SEGMENTS):
            rect = QRectF(i * (seg_w + gap) + 1, 1, seg_w - 2, self.height() - 2)
            painter.setPen(pen)
            painter.setBrush(fg if i < lit else Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect, 4, 4)
        painter.end()
