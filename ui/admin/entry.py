"""The deliberate gesture that opens admin mode: hold the clinic's name for 3 s, or Ctrl+Alt+A.

A touch that lifts, or slides off the name, before the time is up does nothing, so a patient
leaning on the header never sees the PIN pad. The hold time is injectable for tests.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget

HOLD_MS = 3000
SHORTCUT = "Ctrl+Alt+A"

_START = (QEvent.Type.MouseButtonPress, QEvent.Type.TouchBegin)
_STOP = (QEvent.Type.MouseButtonRelease, QEvent.Type.TouchEnd, QEvent.Type.TouchCancel,
         QEvent.Type.Leave, QEvent.Type.Hide)


class EntryGesture(QObject):
    """Watches ``target`` for a long press and ``window`` for the key combination.

    Signals:
        triggered(): the press was held for ``hold_ms``, or Ctrl+Alt+A was pressed.
    """

    triggered = Signal()

    def __init__(self, target: QWidget, window: QWidget, *, hold_ms: int = HOLD_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self.target = target
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(hold_ms)
        self.timer.timeout.connect(self.triggered)
        target.installEventFilter(self)
        self.shortcut = QShortcut(QKeySequence(SHORTCUT), window)
        self.shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        self.shortcut.activated.connect(self.triggered)

    def holding(self) -> bool:
        return self.timer.isActive()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.target:
            if event.type() in _START:
                self.timer.start()
            elif event.type() in _STOP:
                self.timer.stop()
        return False
