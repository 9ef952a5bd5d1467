"""An automated accessibility walk of every patient screen, in both themes and in large text, and
of every admin (staff) screen, with its on-screen keyboard, in both themes.

For every state in :data:`ui.gallery.NAMES` (reached by driving a real journey), it checks:

- every interactive widget has an accessible name and description;
- every touch target is at least 48 x 48 px at 1920x1080;
- WCAG AA contrast (4.5:1, or 3:1 for text of 24 px and more) between each text's colour (from
  the widget's palette, as the style sheet set it) and the background actually painted behind it
  (the commonest colour in the window's own picture of that spot);
- no text is cut off (wrapped labels get the height they need, buttons fit their text) and
  nothing lies outside the window;
- Tab reaches every control once, in reading order; focus is visible; Enter and Space press.

``test_the_checks_catch_real_problems`` proves each check fails on a deliberately bad widget.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from pytestqt.qtbot import QtBot

from kiosk.config import KioskSettings
from kiosk.journey import Journey, Step
from ui.admin.screen import AdminScreen
from ui.gallery import NAMES, drive
from ui.screens.base import LiveState
from ui.theme import Theme, contrast_ratio
from ui.widgets.buttons import BigButton
from ui.widgets.faces import FaceButton
from ui.widgets.overlays import Overlay
from ui.window import MainWindow

pytestmark = pytest.mark.ui

MIN_TARGET = 48
LARGE_TEXT_PX = 24
INTERACTIVE = (QAbstractButton, QPlainTextEdit, QLineEdit)


# ----- the checks: each returns a list of problems, empty when all is well -------------------


def shown(root: QWidget, kind: type[QWidget]) -> list[QWidget]:
    return [w for w in root.findChildren(kind) if w.isVisible() and w.window() is root.window()]


def rect_in(root: QWidget, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(root, QPoint(0, 0)), widget.size())


def behind_an_overlay(root: QWidget, widget: QWidget) -> bool:
    """True if a visible overlay (not the widget's own) lies over the widget."""
    centre = rect_in(root, widget).center()
    return any(overlay.isVisible() and not overlay.isAncestorOf(widget)
               and rect_in(root, overlay).contains(centre)
               for overlay in root.findChildren(Overlay))


def name_of(widget: QWidget) -> str:
    text = widget.accessibleName() or getattr(widget, "text", lambda: "")()
    return f"{type(widget).__name__}({widget.objectName() or text!r})"


def check_names(root: QWidget) -> list[str]:
    return [f"{name_of(w)} has no accessible name or description"
            for w in shown(root, QWidget) if isinstance(w, INTERACTIVE)
            and not (w.accessibleName().strip() and w.accessibleDescription().strip())]


def check_target_sizes(root: QWidget) -> list[str]:
    return [f"{name_of(w)} is {w.width()}x{w.height()} px, under {MIN_TARGET}"
            for w in shown(root, QAbstractButton)
            if w.width() < MIN_TARGET or w.height() < MIN_TARGET]


def to_array(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(image.constBits(), np.uint32, image.sizeInBytes() // 4)
    # Copied: the array must not outlive the image's memory.
    return data.reshape(image.height(), image.bytesPerLine() // 4)[:, : image.width()].copy()


def background_behind(picture: np.ndarray, rect: QRect) -> QColor:
    """The commonest colour in ``rect`` of the window's picture: what is painted behind text."""
    region = picture[max(0, rect.top()): rect.bottom() + 1, max(0, rect.left()): rect.right() + 1]
    values, counts = np.unique(region, return_counts=True)
    return QColor.fromRgb(int(values[np.argmax(counts)]) & 0xFFFFFF)


def font_px(widget: QWidget) -> float:
    font = widget.font()
    return font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF() * 96 / 72


def check_contrast(root: QWidget) -> list[str]:
    picture = to_array(root.grab().toImage())
    problems = []
    texts: list[tuple[QWidget, QColor, QRect]] = []
    for label in shown(root, QLabel):
        if isinstance(label, QLabel) and label.text().strip():
            texts.append((label, label.palette().color(label.foregroundRole()),
                          label.contentsRect().translated(label.mapTo(root, QPoint(0, 0)))))
    for button in shown(root, QPushButton):
        if isinstance(button, BigButton | FaceButton) and button.text().strip():
            fg = button.text_color() if isinstance(button, BigButton) else button._ink()
            inner = rect_in(root, button).adjusted(6, 6, -6, -6)
            texts.append((button, fg, inner))
    for widget, fg, rect in texts:
        if not widget.isEnabled() or behind_an_overlay(root, widget):
            continue  # inactive (WCAG 1.4.3 exempts it) or dimmed behind a question
        # Only the part that is on screen (a form in a scroll area shows part of itself).
        seen = widget.visibleRegion().boundingRect()
        rect = rect.intersected(seen.translated(widget.mapTo(root, QPoint(0, 0))))
        if rect.isEmpty():
            continue  # scrolled out of view: checked when scrolled to (admin "settings_end")
        bg = background_behind(picture, rect)
        ratio = contrast_ratio(fg, bg)
        need = 3.0 if font_px(widget) >= LARGE_TEXT_PX else 4.5
        if ratio < need:
            problems.append(f"{name_of(widget)}: {fg.name()} on {bg.name()} is "
                            f"{ratio:.2f}:1, under {need}:1")
    return problems


def in_a_scroll_area(widget: QWidget) -> bool:
    """True for a widget inside a scroll area (a form may run past the window: it scrolls)."""
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def check_clipping(root: QWidget) -> list[str]:
    problems = []
    window = root.rect()
    for widget in shown(root, QWidget):
        if behind_an_overlay(root, widget) or widget.width() == 0:
            continue
        where = rect_in(root, widget)
        if in_a_scroll_area(widget) and widget.visibleRegion().isEmpty():
            continue  # scrolled out of view: checked when scrolled to (admin "settings_end")
        if isinstance(widget, QLabel | QAbstractButton) and not window.contains(where) \
                and not in_a_scroll_area(widget):
            problems.append(f"{name_of(widget)} at {where.getRect()} is outside the window")
        if isinstance(widget, QLabel) and widget.text().strip():
            if widget.wordWrap():
                need = widget.heightForWidth(widget.width())
                if need > widget.height() + 1:
                    problems.append(f"{name_of(widget)} needs {need} px high, has "
                                    f"{widget.height()}")
            else:
                hint = widget.sizeHint()
                if hint.width() > widget.width() + 1 or hint.height() > widget.height() + 1:
                    problems.append(f"{name_of(widget)} needs {hint.width()}x{hint.height()}, "
                                    f"has {widget.width()}x{widget.height()}")
        if isinstance(widget, BigButton | FaceButton) and not widget.text_fits():
            problems.append(f"{name_of(widget)} cuts its text off at "
                            f"{widget.width()}x{widget.height()}")
    return problems


def focusable(root: QWidget) -> list[QWidget]:
    return [w for w in shown(root, QWidget) if w.isEnabled() and w is not root
            and w.focusPolicy() & Qt.FocusPolicy.TabFocus]


def tab_cycle(qtbot: QtBot, root: QWidget) -> list[QWidget]:
    """Press Tab from the window until the focus comes round again; the widgets it visited."""
    root.setFocus(Qt.FocusReason.OtherFocusReason)
    seen: list[QWidget] = []
    for _ in range(len(focusable(root)) + 3):
        target = QApplication.focusWidget() or root
        qtbot.keyClick(target, Qt.Key.Key_Tab)
        current = QApplication.focusWidget()
        if current is None or current in seen:
            break
        seen.append(current)
    return seen


def reading_order_problems(root: QWidget, order: list[QWidget]) -> list[str]:
    """Tab may go down the page, or along a row left to right; it may not go back up within a
    column, nor right to left along a row."""
    problems = []
    for a, b in itertools.pairwise(order):
        ra, rb = rect_in(root, a), rect_in(root, b)
        overlap_y = min(ra.bottom(), rb.bottom()) - max(ra.top(), rb.top())
        same_row = overlap_y > 0.5 * min(ra.height(), rb.height())
        same_column = min(ra.right(), rb.right()) > max(ra.left(), rb.left())
        if same_row and rb.center().x() < ra.center().x():
            problems.append(f"Tab goes right to left from {name_of(a)} to {name_of(b)}")
        elif not same_row and same_column and rb.bottom() < ra.top():
            problems.append(f"Tab goes back up from {name_of(a)} to {name_of(b)}")
    return problems


def check_keyboard(qtbot: QtBot, root: QWidget) -> list[str]:
    """Tab reaches every control once, in reading order, and focus changes how it looks."""
    root.setFocus(Qt.FocusReason.OtherFocusReason)
    controls = focusable(root)
    before = {id(w): w.grab().toImage() for w in controls}
    problems = []
    order = tab_cycle(qtbot, root)
    missing = [name_of(w) for w in controls if w not in order]
    if missing:
        problems.append(f"Tab never reaches {', '.join(missing)}")
    problems += reading_order_problems(root, order)
    for widget in order:
        widget.setFocus(Qt.FocusReason.TabFocusReason)
        if widget.grab().toImage() == before.get(id(widget)):
            problems.append(f"{name_of(widget)} looks the same with and without focus")
        if isinstance(widget, BigButton) and widget.text().strip():
            bg = background_behind(to_array(widget.grab().toImage()),
                                   widget.rect().adjusted(6, 6, -6, -6))
            if contrast_ratio(widget.text_color(), bg) < 4.5:
                problems.append(f"{name_of(widget)} focused text is hard to read")
    root.setFocus(Qt.FocusReason.OtherFocusReason)
    return problems


def check_keys_press(qtbot: QtBot, root: QWidget) -> list[str]:
    """Enter (every other button) or Space (the rest) presses every reachable button."""
    problems = []
    for n, button in enumerate(b for b in focusable(root) if isinstance(b, QAbstractButton)):
        if not (button.isVisible() and button.isEnabled()):
            continue  # an earlier press changed the page
        key = Qt.Key.Key_Return if n % 2 == 0 else Qt.Key.Key_Space
        button.setFocus(Qt.FocusReason.TabFocusReason)
        with qtbot.waitSignal(button.clicked, timeout=1000, raising=False) as pressed:
            qtbot.keyClick(button, key)
        if not pressed.signal_triggered:
            problems.append(f"{key.name} does not press {name_of(button)}")
    return problems


# ----- the walk ---------------------------------------------------------------------------------

VARIANTS = {
    "normal": ((1920, 1080), LiveState()),
    "high_contrast": ((1920, 1080), LiveState(high_contrast=True)),
    "large_text": ((1920, 1080), LiveState(large_text=True)),
    "high_contrast_large_text": ((1920, 1080), LiveState(high_contrast=True, large_text=True)),
    "large_text_720p": ((1280, 720), LiveState(large_text=True)),
    "welsh_large_text_720p": ((1280, 720), LiveState(language="cy", large_text=True)),
}


def offer_read_aloud(win: MainWindow) -> None:
    """Show the read-aloud controls in the header as ``ui.speech.ScreenReader`` does where a
    speech engine works (the header is hidden in a call), whether or not this machine has one."""
    win.header.set_read_aloud(True)
    win.welcome.set_read_aloud(True, False)


@pytest.fixture
def kiosk(qtbot: QtBot) -> Iterator[MainWindow]:
    win = MainWindow("Dunbar Health Centre")
    qtbot.addWidget(win)
    offer_read_aloud(win)
    yield win
    win.languages.close()


def show_state(qtbot: QtBot, win: MainWindow, size: tuple[int, int], base: LiveState,
               name: str) -> None:
    win.resize(*size)
    if not win.isVisible():
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    journey, now, live = drive(win, name, base)
    win.render(journey, now, live)
    for _ in range(3):  # nested layouts settle one level per turn of the event loop
        QApplication.processEvents()
    win.render(journey, now, live)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_every_screen_passes_the_checks(qtbot: QtBot, kiosk: MainWindow, variant: str) -> None:
    size, base = VARIANTS[variant]
    full = size == (1920, 1080)
    problems: list[str] = []
    for name in NAMES:
        show_state(qtbot, kiosk, size, base, name)
        found = check_names(kiosk) + check_contrast(kiosk) + check_clipping(kiosk)
        if full:
            found += check_target_sizes(kiosk)
        if variant in ("normal", "high_contrast"):
            found += check_keyboard(qtbot, kiosk)
        problems += [f"{name}: {p}" for p in found]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", NAMES)
def test_enter_and_space_press_every_button(qtbot: QtBot, kiosk: MainWindow, name: str) -> None:
    show_state(qtbot, kiosk, (1920, 1080), LiveState(), name)
    assert check_keys_press(qtbot, kiosk) == []


def test_themes_use_aa_colour_pairs() -> None:
    for high_contrast in (False, True):
        p = Theme(high_contrast=high_contrast).palette
        for fg, bg in ((p.text, p.background), (p.text, p.surface), (p.primary_text, p.primary_bg),
                       (p.go_text, p.go_bg), (p.danger_text, p.danger_bg),
                       (p.secondary_text, p.secondary_bg), (p.focus_text, p.focus_bg),
                       (p.checked_text, p.checked_bg), (p.pressed_text, p.pressed_bg),
                       (p.header_text, p.header_bg), (p.good, p.background),
                       (p.bad, p.background), (p.warn, p.background),
                       (p.text_secondary, p.background), (p.video_text, p.video_bg)):
            assert contrast_ratio(QColor(fg), QColor(bg)) >= 4.5, (p.name, fg, bg)


def test_large_text_makes_every_font_bigger(qtbot: QtBot, kiosk: MainWindow) -> None:
    show_state(qtbot, kiosk, (1920, 1080), LiveState(), "01_welcome")
    normal = kiosk.welcome.subtitle.font().pixelSize()
    assert normal >= 28
    show_state(qtbot, kiosk, (1920, 1080), LiveState(large_text=True), "01_welcome")
    assert kiosk.welcome.subtitle.font().pixelSize() == round(normal * 1.35)
    assert kiosk.welcome.title.font().pixelSize() >= 48 * 1.35


# ----- the checks fail for real -----------------------------------------------------------------


def test_the_checks_catch_real_problems(qtbot: QtBot) -> None:
    root = QWidget()
    root.setObjectName("Bad")
    root.setStyleSheet("QWidget#Bad { background: white; }"
                       "QLabel#Faint { color: #B0B0B0; font-size: 20px; }"
                       "QLabel#Squashed { font-size: 30px; }")
    root.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
    layout = QVBoxLayout(root)
    faint = QLabel("Faint grey writing on white")
    faint.setObjectName("Faint")
    unnamed = BigButton("No name", role="primary")
    tiny = QPushButton("x")
    tiny.setFixedSize(30, 30)
    tiny.setAccessibleName("Tiny")
    tiny.setAccessibleDescription("Too small to touch")
    squashed = QLabel("This sentence needs several lines but is given the height of one.")
    squashed.setObjectName("Squashed")
    squashed.setWordWrap(True)
    squashed.setFixedSize(300, 40)
    first = BigButton("First", role="primary")
    second = BigButton("Second", role="primary")
    for button in (first, second):
        button.setAccessibleName(button.text())
        button.setAccessibleDescription("A button")
    for widget in (faint, unnamed, tiny, squashed, first, second):
        layout.addWidget(widget)
    QWidget.setTabOrder(second, first)  # backwards: Tab goes up the page
    QWidget.setTabOrder(first, tiny)
    qtbot.addWidget(root)
    root.resize(400, 600)
    root.show()
    qtbot.waitExposed(root)
    root.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is root)

    assert any("Faint" in p for p in check_contrast(root))
    assert any("No name" in p for p in check_names(root))
    assert any("Tiny" in p for p in check_target_sizes(root))
    assert any("Squashed" in p for p in check_clipping(root))
    keyboard = check_keyboard(qtbot, root)
    assert any("back up" in p for p in keyboard)
    assert any("looks the same with and without focus" in p for p in keyboard)  # no focus style


# ----- admin mode: the same walk over the staff screens --------------------------------------

ADMIN_PAGES = ["status", "settings", "settings_end", "pairing", "appointments", "diagnostics",
               "feedback", "settings_keyboard", "pairing_keyboard"]
ADMIN_VARIANTS = {
    "normal": ((1920, 1080), LiveState()),
    "high_contrast": ((1920, 1080), LiveState(high_contrast=True)),
    "720p": ((1280, 720), LiveState()),
}


def show_admin_page(qtbot: QtBot, win: MainWindow, admin: AdminScreen, size: tuple[int, int],
                    live: LiveState, page: str) -> None:
    win.resize(*size)
    if not win.isVisible():
        win.show()
        qtbot.waitExposed(win)
        win.activateWindow()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    journey = Journey(now=0.0)
    journey.enter_admin(1.0)
    assert journey.step is Step.ADMIN
    win.render(journey, 1.0, live)
    name, _, variant = page.partition("_")
    admin.show_page(name)
    win.setFocus()
    scroll = admin.settings_page.findChild(QScrollArea)
    assert scroll is not None
    bar = scroll.verticalScrollBar()
    bar.setValue(bar.maximum() if variant == "end" else 0)
    if variant == "keyboard":
        field = (admin.settings_page.edits["room_name"] if name == "settings"
                 else admin.pairing_page.code)
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(admin.keyboard.isVisible)
    for _ in range(3):
        QApplication.processEvents()
    win.render(journey, 1.0, live)


@pytest.mark.parametrize("variant", list(ADMIN_VARIANTS))
def test_every_admin_screen_passes_the_checks(qtbot: QtBot, kiosk: MainWindow,
                                              variant: str) -> None:
    size, live = ADMIN_VARIANTS[variant]
    admin = AdminScreen(KioskSettings())
    kiosk.set_admin_screen(admin)
    problems: list[str] = []
    for page in ADMIN_PAGES:
        show_admin_page(qtbot, kiosk, admin, size, live, page)
        found = check_names(kiosk) + check_contrast(kiosk) + check_clipping(kiosk)
        if size == (1920, 1080):
            found += check_target_sizes(kiosk)
        if variant == "normal":
            found += check_keyboard(qtbot, kiosk)
        problems += [f"admin {page}: {p}" for p in found]
    assert not problems, "\n".join(problems)
