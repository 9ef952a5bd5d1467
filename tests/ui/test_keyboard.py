"""The on-screen keyboard: no gap in its bottom row in any language; it types into a survey text
box and into an admin text field alike."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from ui.widgets.keyboard import OnScreenKeyboard

pytestmark = pytest.mark.ui


def shown_keyboard(qtbot: QtBot, language: str) -> tuple[QWidget, OnScreenKeyboard, QLineEdit]:
    root = QWidget()
    layout = QVBoxLayout(root)
    field = QLineEdit()
    keyboard = OnScreenKeyboard()
    keyboard.set_language(language)
    keyboard.set_target(field)
    layout.addWidget(field)
    layout.addWidget(keyboard)
    qtbot.addWidget(root)
    root.resize(1600, 600)
    root.show()
    qtbot.waitExposed(root)
    QApplication.processEvents()
    return root, keyboard, field


def spacing_of(keyboard: OnScreenKeyboard) -> int:
    layout = keyboard.layout()
    assert layout is not None
    return layout.spacing()


@pytest.mark.parametrize("language", ["en", "pl", "cy"])
def test_the_bottom_row_has_no_gap(qtbot: QtBot, language: str) -> None:
    _root, keyboard, _field = shown_keyboard(qtbot, language)
    bottom = [k for k in (keyboard.shift_key, keyboard.accents_key, keyboard.space_key,
                          keyboard.delete_key) if k.isVisible()]
    assert (keyboard.accents_key in bottom) is (language != "en")
    letters = keyboard.rows[0]
    spacing = spacing_of(keyboard)
    assert bottom[0].geometry().left() == letters[0].geometry().left()
    assert bottom[-1].geometry().right() == letters[-1].geometry().right()
    for left, right in itertools.pairwise(bottom):
        gap = right.geometry().left() - left.geometry().right() - 1
        assert gap == spacing, (left.accessibleName(), right.accessibleName(), gap)


def test_switching_language_lays_the_row_out_again(qtbot: QtBot) -> None:
    _root, keyboard, _field = shown_keyboard(qtbot, "pl")
    keyboard.set_language("en")
    QApplication.processEvents()
    assert not keyboard.accents_key.isVisible()
    gap = keyboard.space_key.geometry().left() - keyboard.shift_key.geometry().right() - 1
    assert gap == spacing_of(keyboard)


def test_it_types_into_a_line_edit(qtbot: QtBot) -> None:
    _root, keyboard, field = shown_keyboard(qtbot, "cy")
    keys = {key.full_text(): key for key in keyboard.all_keys()}
    qtbot.mouseClick(keyboard.shift_key, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keys["r"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keys["o"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keyboard.space_key, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keys["2"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keys["3"], Qt.MouseButton.LeftButton)
    qtbot.mouseClick(keyboard.delete_key, Qt.MouseButton.LeftButton)
    assert field.text() == "Ro 2"
