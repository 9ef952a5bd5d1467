"""The log-fail plugin itself (tests/helpers/logfail.py), run on small test files by pytester."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent


def run(pytester: pytest.Pytester, source: str, *, qt: bool = False,
        args: tuple[str, ...] = ()) -> pytest.RunResult:
    """Run ``source`` as a test file in a separate pytest process, with only this plugin (in
    process, its handler and the one of this session would see each other's records), and
    pytest-qt failing Qt warnings as pyproject.toml has it if ``qt``."""
    pytester.makepyfile(source)
    pytester._monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester._monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    qt_args = (("-o", "qt_api=pyside6", "-o", "qt_log_level_fail=WARNING") if qt
               else ("-p", "no:pytest-qt"))
    return pytester.runpytest_subprocess(
        "-p", "tests.helpers.logfail", "-p", "no:cacheprovider", "-p", "no:asyncio",
        *qt_args, *args)


def test_an_unexpected_warning_fails_the_test(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import logging
        def test_it():
            logging.getLogger("kiosk.x").warning("the disk is on fire")
    """)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*unexpected log records*", "*WARNING kiosk.x*on fire*"])


def test_an_error_from_another_thread_fails_the_test(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import logging, threading
        def test_it():
            t = threading.Thread(target=lambda: logging.getLogger("e").error("lost"), name="eng")
            t.start(); t.join()
    """)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ERROR e [[]eng[]]: lost*"])


def test_an_error_in_teardown_is_an_error_of_the_test(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import logging, pytest
        @pytest.fixture
        def thing():
            yield
            logging.getLogger("t").error("did not stop in time")
        def test_it(thing):
            pass
    """)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*during tear-down*", "*ERROR t*did not stop in time*"])


def test_marked_records_pass_and_others_still_fail(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import logging, pytest
        @pytest.mark.expect_log(r"bad message", level="WARNING", logger="kiosk.hub")
        def test_expected():
            logging.getLogger("kiosk.hub.ws").warning("bad message from %s", "x")
        @pytest.mark.expect_log(r"bad message", logger="kiosk.hub")
        def test_other_logger():
            logging.getLogger("kiosk.call").warning("bad message")
        @pytest.mark.expect_log(r"bad message", level="WARNING")
        def test_other_level():
            logging.getLogger("kiosk.hub").error("bad message")
    """)
    result.assert_outcomes(passed=1, failed=2)


def test_caplog_at_the_records_level_means_expected(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import logging
        def test_asked(caplog):
            caplog.set_level(logging.WARNING, logger="kiosk.admin")
            logging.getLogger("kiosk.admin").warning("PIN wrong")
            assert "PIN wrong" in caplog.text
        def test_root_level_says_nothing(caplog):
            caplog.set_level(logging.WARNING)
            logging.getLogger("kiosk.admin").warning("PIN wrong")
    """)
    result.assert_outcomes(passed=1, failed=1)


def test_info_and_below_never_fail(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import logging
        def test_it(caplog):
            caplog.set_level(logging.DEBUG)
            logging.getLogger("x").info("fine")
            logging.getLogger("x").debug("fine")
    """)
    result.assert_outcomes(passed=1)


def test_a_qt_warning_fails_any_test_not_only_qt_ones(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        from PySide6 import QtCore
        def test_plain():
            QtCore.qWarning("the camera is gone")
    """, qt=True)
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*Failure: Qt messages with level WARNING or above emitted*",
                                 "*QtWarningMsg: the camera is gone*"])
    result.stdout.no_fnmatch_line("*unexpected log records*")  # pytest-qt's, not twice


def test_a_qt_warning_in_teardown_fails_once(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import pytest
        from PySide6 import QtCore
        @pytest.fixture
        def thing():
            yield
            QtCore.qWarning("QThread: Destroyed while thread is still running")
        def test_it(thing):
            pass
    """, qt=True)
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*during tear-down*",
                                 "*WARNING qt [[]MainThread[]]: QThread: Destroyed while thread*"])
    result.stdout.no_fnmatch_line("*Qt messages with level*")  # pytest-qt's, not twice


def test_qt_warnings_in_teardown_that_are_ignored_or_expected_pass(
        pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        import pytest
        from PySide6 import QtCore
        @pytest.fixture
        def thing():
            yield
            QtCore.qWarning("does not support propagateSizeHints")
        @pytest.mark.qt_log_ignore("propagateSizeHints")
        def test_ignored(thing):
            pass
        @pytest.mark.expect_log("propagateSizeHints", logger="qt")
        def test_expected(thing):
            pass
        @pytest.mark.no_qt_log
        def test_not_watched(thing):
            pass
    """, qt=True)
    result.assert_outcomes(passed=3)


def test_without_output_capture_this_plugin_watches_qt(pytester: pytest.Pytester) -> None:
    result = run(pytester, """
        from PySide6 import QtCore
        def test_plain():
            QtCore.qCritical("the screen is gone")
    """, qt=True, args=("-s",))
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*ERROR qt [[]MainThread[]]: the screen is gone*"])
