"""Admin mode's on-screen keyboard: it appears for a text field touched on a task's page, types
into it, and goes away when staff touch something else."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kiosk.config import KioskSettings
from ui.admin.screen import AdminScreen
from ui.widgets.buttons import BigButton

pytestmark = pytest.mark.ui


@pytest.fixture
def admin(qtbot: QtBot) -> AdminScreen:
    screen = AdminScreen(KioskSettings())
    qtbot.addWidget(screen)
    screen.resize(1920, 1080)
    screen.show()
    qtbot.waitExposed(screen)
    screen.activateWindow()
    return screen


def key(admin: AdminScreen, text: str) -> BigButton:
    return next(k for row in admin.keyboard.rows for k in row if k.property("char") == text)


def touch(qtbot: QtBot, widget: object) -> None:
    qtbot.mouseClick(widget, Qt.MouseButton.LeftButton)


def test_the_keyboard_types_into_the_settings_field_touched(qtbot: QtBot,
                                                           admin: AdminScreen) -> None:
    assert not admin.keyboard.isVisible()
    touch(qtbot, admin.nav_buttons["settings"])
    field = admin.settings_page.edits["room_name"]
    field.clear()
    touch(qtbot, field)
    qtbot.waitUntil(admin.keyboard.isVisible)
    touch(qtbot, admin.keyboard.shift_key)
    for text in ("r", "o", "o", "m"):
        touch(qtbot, key(admin, text))
    touch(qtbot, admin.keyboard.space_key)
    touch(qtbot, key(admin, "3"))
    assert field.text() == "Room 3"
    assert field.hasFocus()  # the keys never take the focus from the field
    touch(qtbot, admin.keyboard.delete_key)
    touch(qtbot, key(admin, "2"))
    assert field.text() == "Room 2"
    touch(qtbot, admin.nav_buttons["status"])
    qtbot.waitUntil(lambda: not admin.keyboard.isVisible())


def test_the_pairing_code_is_typed_on_screen(qtbot: QtBot, admin: AdminScreen) -> None:
    touch(qtbot, admin.nav_buttons["pairing"])
    code = admin.pairing_page.code
    touch(qtbot, code)
    qtbot.waitUntil(admin.keyboard.isVisible)
    assert not admin.keyboard.accents_key.isVisible()  # admin mode is in English
    for text in ("a", "b", "2", "3"):
        touch(qtbot, key(admin, text))
    assert code.text().upper() == "AB23"
