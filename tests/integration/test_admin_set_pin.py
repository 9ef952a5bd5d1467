"""``clinic-kiosk admin set-pin`` as IT runs it: a real subprocess, the PIN on its stdin, and
(where the machine can run one) GNOME Keyring in a private D-Bus session
(tests/helpers/keyring_session.py), read back with libsecret's own tool.

The PIN is stored only as its hash, under the service and key the app reads; it never appears
in the command's output; on a terminal it is asked twice with echo off (a real
pseudo-terminal); a refused PIN, a PIN given as an argument, no terminal and no secure keyring
each give their exit code and a plain message, and change nothing.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.pin_lockout import LOCKOUT_FILE
from kiosk.secrets import verify_pin
from tests.helpers.keyring_session import KeyringSession, keyring_session, unavailable_reason

ROOT = Path(__file__).resolve().parents[2]
PIN = "582047"
pytestmark = pytest.mark.timeout(120)


def set_pin(*args: str, stdin: str | None, env: dict[str, str] | None = None
            ) -> subprocess.CompletedProcess[str]:
    """``clinic-kiosk admin set-pin ARGS`` in a child process, ``stdin`` as its stdin (None: no
    stdin at all, as under a service manager)."""
    return subprocess.run(
        [sys.executable, "-m", "ui.cli", "admin", "set-pin", *args], cwd=ROOT,
        input=stdin, stdin=subprocess.DEVNULL if stdin is None else None,
        env=env if env is not None else {**os.environ,
                                         "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
        capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KeyringSession]:
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(f"no keyring session: {reason}")
    with keyring_session(tmp_path_factory.mktemp("keyring")) as running:
        yield running


def test_set_pin_from_stdin_into_gnome_keyring(session: KeyringSession, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    lockout = data / LOCKOUT_FILE
    lockout.write_text(json.dumps({"v": 1, "failures": 7, "locked_until": 4e9}), "utf-8")

    first = set_pin("--pin-stdin", "--data-dir", str(data), stdin=PIN + "\n", env=session.env())
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "Admin PIN set."
    stored = session.lookup("clinic-kiosk", "admin-pin-hash")
    assert stored is not None
    assert stored.startswith("scrypt$")
    assert verify_pin(PIN, stored)
    assert PIN not in stored + first.stdout + first.stderr
    assert not lockout.exists()  # a new PIN clears the lockout, as admin set-up does

    # Replaced, with the PIN typed twice (two lines); the old PIN no longer opens admin mode.
    second = set_pin("--pin-stdin", "--data-dir", str(data), stdin="740316\n740316\n",
                     env=session.env())
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "Admin PIN replaced."
    stored = session.lookup("clinic-kiosk", "admin-pin-hash")
    assert stored is not None
    assert verify_pin("740316", stored)
    assert not verify_pin(PIN, stored)


@pytest.mark.parametrize(("stdin", "message"), [
    ("123456\n", "too easy to guess"),
    ("5820\n", "6 to 8 digits"),
    ("58204a\n", "6 to 8 digits"),
    ("582047\n582048\n", "not the same"),
])
def test_a_refused_pin_changes_nothing(session: KeyringSession, tmp_path: Path, stdin: str,
                                       message: str) -> None:
    before = session.lookup("clinic-kiosk", "admin-pin-hash")
    got = set_pin("--pin-stdin", "--data-dir", str(tmp_path), stdin=stdin, env=session.env())
    assert got.returncode == 1
    assert message in got.stderr
    assert "Nothing changed." in got.stderr
    assert got.stdout == ""
    for line in stdin.split():
        assert line not in got.stderr
    assert session.lookup("clinic-kiosk", "admin-pin-hash") == before


def test_without_a_secure_keyring_it_says_so(tmp_path: Path) -> None:
    got = set_pin("--pin-stdin", "--data-dir", str(tmp_path), stdin=PIN + "\n")
    assert got.returncode == 3
    assert "cannot keep secrets safely" in got.stderr
    assert "kiosk's user" in got.stderr
    assert PIN not in got.stdout + got.stderr


@pytest.mark.parametrize(("args", "stdin", "message"), [
    ((), None, "Pipe it in with --pin-stdin"),  # no terminal to ask on, and no --pin-stdin
    (("--pin-stdin",), "", "no PIN on stdin"),
    (("--pin-stdin",), "1\n2\n3\n", "more than a PIN"),
    (("--pin-stdin",), "9" * 300, "more than a PIN"),
    (("--pin", PIN), None, "unrecognized arguments"),  # never an argument, not even abbreviated
    (("--pin-stdin", PIN), None, "unrecognized arguments"),
])
def test_usage_problems(tmp_path: Path, args: tuple[str, ...], stdin: str | None,
                        message: str) -> None:
    got = set_pin(*args, "--data-dir", str(tmp_path), stdin=stdin)
    assert got.returncode == 2
    assert message in got.stderr
    assert got.stdout == ""


def test_asked_twice_on_a_terminal_without_echo(session: KeyringSession, tmp_path: Path) -> None:
    """The interactive path, on a real pseudo-terminal that is the command's controlling
    terminal (as over SSH or ``machinectl shell``): two prompts, nothing typed is echoed."""
    import fcntl
    import pty
    import select
    import termios

    main_fd, sub_fd = pty.openpty()

    def take_terminal() -> None:  # in the child, after setsid: the pty is its terminal
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "admin", "set-pin", "--data-dir", str(tmp_path)],
        cwd=ROOT, env=session.env(), stdin=sub_fd, stdout=sub_fd, stderr=sub_fd,
        start_new_session=True, preexec_fn=take_terminal)
    os.close(sub_fd)
    seen = b""

    def read_until(text: bytes) -> None:
        nonlocal seen
        while text not in seen:
            ready, _, _ = select.select([main_fd], [], [], 30)
            assert ready, seen
            try:
                chunk = os.read(main_fd, 1024)
            except OSError:  # the child closed the terminal
                chunk = b""
            assert chunk, seen
            seen += chunk

    try:
        read_until(b"New admin PIN (6 to 8 digits): ")
        os.write(main_fd, b"364019\n")
        read_until(b"The same PIN again: ")
        os.write(main_fd, b"364019\n")
        read_until(b"Admin PIN ")
        assert proc.wait(30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(10)
        os.close(main_fd)
    assert b"364019" not in seen  # echo was off while the PIN was typed
    stored = session.lookup("clinic-kiosk", "admin-pin-hash")
    assert stored is not None
    assert verify_pin("364019", stored)
