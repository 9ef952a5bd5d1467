"""A pytest plugin that fails a test during which an unexpected WARNING or ERROR is logged.

Modelled on qutebrowser's ``tests/helpers/logfail.py``: hidden errors are bugs that pass. A
handler on the root logger sees every record of every thread (the engine thread, the feedback
writer, the hub's tasks) during each phase of a test (set-up, call, tear-down); a record at
WARNING or above that the test did not say it expects fails that phase, with the records listed.

A test says what it expects in one of two ways:

- ``@pytest.mark.expect_log(r"regex", ..., level=logging.WARNING, logger="kiosk.hub")``: records
  at exactly ``level`` (default: any level from WARNING up) whose logger is ``logger`` or one of
  its children (default: any) and whose message matches one of the regexes (``re.search``; none
  given: any message). A test, class or module (``pytestmark``) may carry several.
- ``caplog.set_level(level, logger="name")`` / ``caplog.at_level(level, logger="name")``, as in
  qutebrowser: a record whose level equals the level set on its own (non-root) logger was asked
  for, so expected. The root logger's level is WARNING by default, so it says nothing and is not
  consulted.

Qt's own messages (``qWarning`` and up, from any test, Qt or not) are failed by pytest-qt
(``qt_log_level_fail = WARNING`` in pyproject.toml) in set-up and the test itself; pytest-qt stops
listening once the test's outcome is known, so in tear-down this plugin installs the Qt message
handler instead and turns each message into a record of the logger ``qt`` (so
``expect_log(logger="qt")`` expects one). When pytest-qt's capture is off because output is not
captured (``-s``), this plugin watches Qt in every phase; ``--no-qt-log`` and ``no_qt_log`` turn
both off, and pytest-qt's ``qt_log_ignore`` (ini and marker) applies to both. Only one handler is
installed at a time, so no Qt message is reported twice.

Log lines of programs a test launches are the test's own business.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Generator, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

MARKER = "expect_log"


@dataclass(frozen=True)
class Expectation:
    """One ``expect_log`` marker: which records it allows."""

    patterns: tuple[re.Pattern[str], ...]
    level: int | None
    logger: str | None

    def allows(self, record: logging.LogRecord) -> bool:
        if self.level is not None and record.levelno != self.level:
            return False
        if self.logger is not None and not (record.name == self.logger
                                            or record.name.startswith(self.logger + ".")):
            return False
        if not self.patterns:
            return True
        message = _message(record)
        return any(p.search(message) for p in self.patterns)


def _message(record: logging.LogRecord) -> str:
    try:
        return record.getMessage()
    except Exception:  # a bad format string is itself worth seeing, not a crash here
        return f"{record.msg!r} % {record.args!r}"


def _level(value: int | str) -> int:
    """A level given as a number or a name ("WARNING")."""
    if isinstance(value, int):
        return value
    try:
        return logging.getLevelNamesMapping()[value.upper()]
    except KeyError:
        raise ValueError(f"{MARKER}: unknown log level {value!r}") from None


def expectations(item: pytest.Item) -> list[Expectation]:
    out = []
    for mark in item.iter_markers(MARKER):
        level = mark.kwargs.get("level")
        out.append(Expectation(tuple(re.compile(p) for p in mark.args),
                               _level(level) if level is not None else None,
                               mark.kwargs.get("logger")))
    return out


class LogFailHandler(logging.Handler):
    """Collects the records at WARNING and above, from any thread, for the running phase."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self._lock = threading.Lock()
        self._records: list[logging.LogRecord] = []
        self._expected: list[Expectation] = []

    def begin(self, expected: Iterable[Expectation]) -> None:
        with self._lock:
            self._records = []
            self._expected = list(expected)

    def emit(self, record: logging.LogRecord) -> None:
        if _asked_for(record) or any(e.allows(record) for e in self._expected):
            return
        with self._lock:
            self._records.append(record)

    def take(self) -> list[logging.LogRecord]:
        with self._lock:
            records, self._records = self._records, []
            return records


def _asked_for(record: logging.LogRecord) -> bool:
    """caplog.set_level/at_level on this record's logger, at exactly its level: asked for."""
    return record.name != "root" and logging.getLogger(record.name).level == record.levelno


_handler = LogFailHandler()

#: Qt message types (QtMsgType values) at WARNING and above, as logging levels.
_QT_LEVELS = {1: logging.WARNING, 2: logging.ERROR, 3: logging.CRITICAL}
_qt_log = logging.getLogger("qt")


def _qt_ignores(item: pytest.Item) -> list[str] | None:
    """pytest-qt's ignore regexes for this test; None: Qt messages are not watched for it."""
    if not item.config.getoption("qt_log", default=False) or item.get_closest_marker("no_qt_log"):
        return None
    ignores = list(item.config.getini("qt_log_ignore"))
    mark = item.get_closest_marker("qt_log_ignore")
    if mark is not None:
        ignores = ignores + list(mark.args) if mark.kwargs.get("extend", True) else list(mark.args)
    return ignores


@contextmanager
def _watching_qt(item: pytest.Item, phase: str) -> Iterator[None]:
    """During ``phase``, Qt messages at WARNING and up become records of the logger ``qt`` --
    unless pytest-qt watches this phase itself (set-up and call, when it captures)."""
    qtcore = sys.modules.get("PySide6.QtCore")
    ignores = _qt_ignores(item)
    pytest_qt_watches = item.config.pluginmanager.has_plugin("_qt_logging") and phase != "teardown"
    if qtcore is None or ignores is None or pytest_qt_watches:
        yield
        return

    def handle(msg_type: Any, context: Any, message: str) -> None:
        level = _QT_LEVELS.get(int(getattr(msg_type, "value", msg_type)))
        if level is None or any(re.search(r, message) for r in ignores):
            return
        category = getattr(context, "category", None)
        if category and category != "default":
            _qt_log.log(level, "%s: %s", category, message)
        else:
            _qt_log.log(level, "%s", message)

    previous = qtcore.qInstallMessageHandler(handle)
    try:
        yield
    finally:
        qtcore.qInstallMessageHandler(previous)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{MARKER}(*regexes, level=None, logger=None): the test expects these log records at "
        "WARNING or above (tests/helpers/logfail.py)")
    logging.getLogger().addHandler(_handler)


def pytest_unconfigure(config: pytest.Config) -> None:
    logging.getLogger().removeHandler(_handler)


def _check(item: pytest.Item, phase: str) -> None:
    records = _handler.take()
    if records:
        lines = "\n".join(f"  {r.levelname} {r.name} [{r.threadName}]: {_message(r)}"
                          for r in records[:20])
        more = f"\n  … and {len(records) - 20} more" if len(records) > 20 else ""
        pytest.fail(f"unexpected log records during {phase} (mark the test "
                    f"@pytest.mark.{MARKER}(...) if they are expected):\n{lines}{more}",
                    pytrace=False)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> Generator[None, None, None]:
    _handler.begin(expectations(item))
    with _watching_qt(item, "setup"):
        result = yield
    _check(item, "set-up")
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    _handler.begin(expectations(item))
    with _watching_qt(item, "call"):
        result = yield
    _check(item, "the test")
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    _handler.begin(expectations(item))
    with _watching_qt(item, "teardown"):
        result = yield
    _check(item, "tear-down")
    return result
