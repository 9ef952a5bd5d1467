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

Qt's own warnings are failed by pytest-qt (``qt_log_level_fail = WARNING`` in pyproject.toml);
log lines of programs a test launches are the test's own business.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Generator, Iterable
from dataclasses import dataclass

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


def expectations(item: pytest.Item) -> list[Expectation]:
    out = []
    for mark in item.iter_markers(MARKER):
        level = mark.kwargs.get("level")
        out.append(Expectation(tuple(re.compile(p) for p in mark.args),
                               logging._checkLevel(level) if level is not None else None,
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
    result = yield
    _check(item, "set-up")
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, None, None]:
    _handler.begin(expectations(item))
    result = yield
    _check(item, "the test")
    return result


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_teardown(item: pytest.Item) -> Generator[None, None, None]:
    _handler.begin(expectations(item))
    result = yield
    _check(item, "tear-down")
    return result
