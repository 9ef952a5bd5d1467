"""Big touch buttons whose text wraps, that Enter and Space both press.

:class:`BigButton` is the kiosk's one button: a ``QPushButton`` styled by its ``role``
(``primary``, ``go``, ``secondary``, ``danger``, ``key``, ``toggle``...), with an optional icon
beside or above its text. Its text wraps onto more lines instead of being cut off when a
translation is long or the text is large, and the button grows taller to hold it.

The style sheet draws the button's background and border for every state (focus, pressed,
checked, disabled); the button draws its icon and text itself, in the colours the style sheet put
in its palette: ``color`` (normal), ``selection-color`` (focused), ``selection-background-color``
(checked) and ``alternate-background-color`` (pressed).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QIcon, QKeyEvent, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QWidget,
)

from ui.widgets.icons import icon_pixmap

ICON_GAP = 12  # pixels between an icon and its text
TEXT_SLACK = 4  # pixels kept free beside the text, so rounding never cuts a letter


def describe(widget: QWidget, name: str, description: str) -> None:
    """Set what assistive technology (and our accessibility test) reads for a widget."""
    if widget.accessibleName() != name:
        widget.setAccessibleName(name)
    if widget.accessibleDescription() != description:
        widget.setAccessibleDescription(description)


def keyboard_in_use() -> bool:
    """True when someone is using a keyboard: only then does a widget hold the focus, because
    touches never move it (buttons take the focus from Tab only)."""
    focused = QApplication.focusWidget()
    return focused is not None and not focused.isWindow()


def wrap_words(text: str, metrics: QFontMetrics, width: int) -> list[str]:
    """Greedy word wrap of ``text`` into lines no wider than ``width`` (a word longer than the
    width keeps a line to itself). Explicit newlines are kept."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}" if line else word
            if line and metrics.horizontalAdvance(candidate) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return lines


class BigButton(QPushButton):
    """A large touch button. Its text wraps to the width it is given; Enter presses it.

    Signals (from QPushButton): ``clicked()``, ``toggled(bool)`` when checkable.
    """

    def __init__(
        self,
        text: str = "",
        role: str = "primary",
        icon: str | None = None,
        parent: QWidget | None = None,
        *,
        icon_above: bool = False,
    ) -> None:
        super().__init__(text, parent)
        self._icon_name = icon
        self.toggled.connect(self._on_toggled)
        self.icon_above = icon_above
        self.setProperty("role", role)
        if icon_above:
            self.setProperty("compact", True)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # Tab reaches every button, but a touch does not move the focus: the yellow focus
        # highlight then only appears for people using a keyboard.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)

    # ----- text and icon ------------------------------------------------------------------------

    def set_text(self, text: str) -> None:
        """Set the button's text (wrapped to fit when drawn)."""
        if text != self.text():
            self.setText(text)
            self.updateGeometry()
            self.update()

    def full_text(self) -> str:
        return self.text()

    def set_icon_name(self, name: str | None) -> None:
        if name != self._icon_name:
            self._icon_name = name
            self.updateGeometry()
            self.update()

    def icon_name(self) -> str | None:
        """The icon drawn now: a checked choice shows a tick, so the choice is never shown by
        colour alone."""
        if self._icon_name is None and self.isChecked() and self.property("role") == "choice":
            return "tick"
        return self._icon_name

    def _on_toggled(self, _checked: bool) -> None:
        if self._icon_name is None:
            self.updateGeometry()
            self.update()

    def text_color(self) -> QColor:
        """The colour the text and icon are drawn in now, from the style sheet's palette."""
        pal = self.palette()
        role = QPalette.ColorRole
        if not self.isEnabled():
            return pal.color(QPalette.ColorGroup.Disabled, role.ButtonText)
        if self.isDown():
            return pal.color(role.AlternateBase)
        if self.hasFocus():
            return pal.color(role.HighlightedText)
        if self.isChecked():
            return pal.color(role.Highlight)
        return pal.color(role.ButtonText)

    # ----- geometry -------------------------------------------------------------------------

    def setSizePolicy(self, *args: Any) -> None:
        """As QWidget's, except that a "Fixed" height becomes "Minimum" with height-for-width:
        wrapped text needs the button to grow taller, never to be cut off."""
        policy = args[0] if len(args) == 1 else QSizePolicy(*args)
        if not isinstance(policy, QSizePolicy):
            raise TypeError("setSizePolicy takes a QSizePolicy or two policies")
        if policy.verticalPolicy() == QSizePolicy.Policy.Fixed:
            policy.setVerticalPolicy(QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        super().setSizePolicy(policy)

    def icon_side(self) -> int:
        if not self.icon_name():
            return 0
        return round(self.fontMetrics().height() * (1.4 if self.icon_above else 1.2))

    def _option(self) -> QStyleOptionButton:
        opt = QStyleOptionButton()
        self.initStyleOption(opt)
        opt.text = ""
        opt.icon = QIcon()
        return opt

    def contents_rect_for(self, size: QSize) -> QRect:
        """Where the icon and text go inside a button of ``size`` (inside border and padding)."""
        opt = self._option()
        opt.rect = QRect(0, 0, size.width(), size.height())
        return self.style().subElementRect(QStyle.SubElement.SE_PushButtonContents, opt, self)

    def text_width_for(self, width: int) -> int:
        inner = self.contents_rect_for(QSize(width, 400)).width() - TEXT_SLACK
        if self.icon_name() and not self.icon_above:
            inner -= self.icon_side() + ICON_GAP
        return max(1, inner)

    def lines_for(self, width: int) -> list[str]:
        return wrap_words(self.text(), self.fontMetrics(), self.text_width_for(width))

    def wrapped_lines(self) -> list[str]:
        """The lines the text is drawn in at the current width."""
        return self.lines_for(self.width())

    def _content_size(self, lines: list[str]) -> QSize:
        fm = self.fontMetrics()
        text_w = max((fm.horizontalAdvance(line) for line in lines if line), default=0)
        text_h = fm.lineSpacing() * max(1, len(lines)) if self.text() else 0
        icon = self.icon_side()
        if self.icon_above:
            w = max(text_w, icon)
            h = icon + (ICON_GAP + text_h if text_h else 0)
        else:
            w = text_w + (icon + ICON_GAP if icon and text_w else icon)
            h = max(text_h, icon)
        return QSize(w + TEXT_SLACK, h + fm.descent())

    def _size_for_lines(self, lines: list[str]) -> QSize:
        return self.style().sizeFromContents(
            QStyle.ContentsType.CT_PushButton, self._option(), self._content_size(lines), self
        )

    def sizeHint(self) -> QSize:
        return self._size_for_lines([self.text().replace("\n", " ")]).expandedTo(
            QSize(self.minimumHeight(), 0))

    def minimumSizeHint(self) -> QSize:
        words = self.text().split() or [""]
        longest = max(words, key=self.fontMetrics().horizontalAdvance)
        size = self._size_for_lines([longest])
        # A touch target is at least as wide as it is tall (the style sheet sets the height).
        return size.expandedTo(QSize(self.minimumHeight(), 0))

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._size_for_lines(self.lines_for(width)).height()

    def text_fits(self) -> bool:
        """True if the wrapped text and icon fit inside the button as it is now."""
        inner = self.contents_rect_for(self.size())
        need = self._content_size(self.wrapped_lines())
        return need.width() <= inner.width() + 1 and need.height() <= inner.height() + 1

    # ----- drawing ----------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QStylePainter(self)
        opt = self._option()
        painter.drawControl(QStyle.ControlElement.CE_PushButtonBevel, opt)
        inner = self.contents_rect_for(self.size())
        color = self.text_color()
        fm = self.fontMetrics()
        lines = self.wrapped_lines() if self.text() else []
        block = self._content_size(lines)
        icon = self.icon_side()
        text_h = fm.lineSpacing() * len(lines)
        x0 = inner.x() + (inner.width() - block.width()) // 2
        y0 = inner.y() + (inner.height() - block.height()) // 2
        if icon:
            if self.icon_above:
                ix, iy = inner.x() + (inner.width() - icon) // 2, y0
            else:
                ix, iy = x0, inner.y() + (inner.height() - icon) // 2
            painter.drawPixmap(ix, iy, icon_pixmap(self.icon_name() or "", color, icon))
        painter.setPen(color)
        painter.setFont(self.font())
        if self.icon_above:
            text_left, text_w = inner.x(), inner.width()
            top = y0 + (icon + ICON_GAP if icon else 0)
        else:
            shift = icon + ICON_GAP if icon else 0
            text_left, text_w = x0 + shift, block.width() - shift
            top = inner.y() + (inner.height() - text_h) // 2
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
        for n, line in enumerate(lines):
            rect = QRect(text_left, top + n * fm.lineSpacing(), text_w, fm.lineSpacing())
            painter.drawText(rect, flags, line)

    # ----- keys -------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.isAutoRepeat():
            event.accept()
            self.click()
            return
        super().keyPressEvent(event)
