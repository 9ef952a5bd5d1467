"""Guard against PySide6 6.12.0's refcount corruption on CPython 3.11 (docs/architecture.md §11).

There, every ``Signal.emit()`` dropped a reference to ``True`` and every call of a void method
one to ``None``; a long-running kiosk then aborts in ``bool_dealloc``. pyproject.toml excludes
6.12.0 on Python < 3.12; these tests catch the drift itself, whatever the version. (On Python
>= 3.12 ``True`` and ``None`` are immortal and their counts never move.) Checked against 6.12.0
on CPython 3.11.7: the emit and void-call tests fail with a drift of -1000 and the version test
fails; without the chunked check the whole run aborted.
"""

from __future__ import annotations

import ctypes
import gc
import re
import sys
from collections.abc import Callable

import PySide6
import pytest
from PySide6.QtCore import QMetaObject, QObject, Qt, Signal, Slot
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.ui

TIMES = 10_000
CHUNK = 1_000
#: Other code may hold or drop a few references meanwhile; the bug moves the count by one per
#: operation.
TOLERANCE = 100


class Emitter(QObject):
    """Signals: ``flag(bool)`` and ``ping()``."""

    flag = Signal(bool)
    ping = Signal()


class Receiver(QObject):
    """Counts the calls of its slots."""

    def __init__(self) -> None:
        super().__init__()
        self.flags = 0
        self.pings = 0

    @Slot(bool)
    def on_flag(self, value: bool) -> None:
        self.flags += value

    @Slot()
    def on_ping(self) -> None:
        self.pings += 1


def drift(obj: object, work: Callable[[int], None]) -> int:
    """How far ``sys.getrefcount(obj)`` moves while ``work(n)`` does TIMES operations.

    The count is checked every CHUNK operations and the measurement stops at the first sign of
    the bug, long before the count can reach zero and abort the whole test run; the references
    the bug took are then given back so that the test can fail and report.
    """
    gc.collect()
    start = sys.getrefcount(obj)
    work(CHUNK)  # warm up: caches and lazily built wrappers take their references now
    gc.collect()
    before = sys.getrefcount(obj)
    moved = 0
    for _ in range(TIMES // CHUNK):
        work(CHUNK)
        gc.collect()
        moved = sys.getrefcount(obj) - before
        if abs(moved) >= TOLERANCE:
            break
    lost = start - sys.getrefcount(obj)
    if abs(moved) >= TOLERANCE and lost > 0:
        for _ in range(lost):  # undo the corruption, or the interpreter aborts later
            ctypes.pythonapi.Py_IncRef(ctypes.py_object(obj))
    return moved


def test_signals_keep_true_and_none_counts(qapp: QApplication) -> None:
    emitter, receiver = Emitter(), Receiver()
    emitter.flag.connect(receiver.on_flag)
    emitter.ping.connect(receiver.on_ping)

    def emit_flags(count: int) -> None:
        for _ in range(count):
            emitter.flag.emit(True)

    def emit_pings(count: int) -> None:
        for _ in range(count):
            emitter.ping.emit()

    moved = drift(True, emit_flags)
    assert abs(moved) < TOLERANCE, f"Signal(bool).emit() moved True's refcount by {moved}"
    moved = drift(None, emit_pings)
    assert abs(moved) < TOLERANCE, f"Signal().emit() moved None's refcount by {moved}"
    assert (receiver.flags, receiver.pings) == (TIMES + CHUNK, TIMES + CHUNK)


def test_void_calls_keep_none_count(qapp: QApplication) -> None:
    emitter = Emitter()

    def rename(count: int) -> None:
        for i in range(count):
            emitter.setObjectName("emitter" if i % 2 else "kiosk")  # a void C++ method

    moved = drift(None, rename)
    assert abs(moved) < TOLERANCE, f"void calls moved None's refcount by {moved}"


@pytest.mark.parametrize("connection", [Qt.ConnectionType.DirectConnection,
                                        Qt.ConnectionType.QueuedConnection])
def test_invoked_void_slots_keep_none_count(connection: Qt.ConnectionType,
                                            qtbot: QtBot) -> None:
    receiver = Receiver()

    def invoke(count: int) -> None:
        target = receiver.pings + count
        for _ in range(count):
            QMetaObject.invokeMethod(receiver, "on_ping", connection)
        qtbot.waitUntil(lambda: receiver.pings == target)

    moved = drift(None, invoke)
    assert abs(moved) < TOLERANCE, f"invoked void slots moved None's refcount by {moved}"
    assert receiver.pings == TIMES + CHUNK


def test_pyside6_is_not_the_broken_release() -> None:
    match = re.match(r"(\d+)\.(\d+)\.(\d+)", PySide6.__version__)
    assert match, PySide6.__version__
    version = tuple(int(part) for part in match.groups())
    assert sys.version_info >= (3, 12) or version != (6, 12, 0), (
        "PySide6 6.12.0 corrupts reference counts on Python < 3.12; install another version")
