"""``clinic-kiosk test-call`` with its secrets off the command line, in a real subprocess: the
appointment code from stdin and the kiosk's device token from a private file make a real call
as the clinic's kiosk through a real hub; a file that others may read, a link, a folder, an
empty file and two secrets on one stdin are refused with a plain line, never the secret."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.call.testcall import EXIT_CHECK_IN, EXIT_OK, EXIT_USAGE
from tests.integration.test_call_hub import demo_specialist

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]
SECRET = "8260-1735-4492"  # never a real code: only to see that it is not echoed


async def run_cli(*args: str, stdin: str) -> tuple[int, str, str]:
    """``clinic-kiosk test-call ARGS`` as a child process, ``stdin`` on its stdin."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "ui.cli", "test-call", *args, cwd=ROOT,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(120):
        out, err = await proc.communicate(stdin.encode())
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


def private(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text, "utf-8")
    path.chmod(mode)
    return path


async def test_a_call_as_the_kiosk_with_the_code_on_stdin_and_the_token_in_a_file(
        hub: Any, tmp_path: Path) -> None:
    token = private(tmp_path / "kiosk-token", hub.new_kiosk_token(room="Room 4") + "\n")
    specialist, _stop = demo_specialist(hub, once=True)
    code, out, err = await run_cli("--hub", hub.url, "--code-file", "-", "--token-file",
                                   str(token), "--seconds", "3", "--json", "--hangup",
                                   stdin=hub.appointment_code + "\n")
    assert code == EXIT_OK, (out, err)
    summary = json.loads(out)
    assert summary["media_both_ways"] is True
    assert hub.appointment_code not in out + err
    assert token.read_text("utf-8").strip() not in out + err
    async with asyncio.timeout(30):
        assert (await specialist).calls == 1


@pytest.mark.expect_log(r"check_in bad_code", logger="kiosk.hub.ws")
async def test_the_code_in_the_file_is_the_one_used(hub: Any, tmp_path: Path) -> None:
    wrong = private(tmp_path / "code", SECRET + "\n")
    code, out, err = await run_cli("--hub", hub.url, "--code-file", str(wrong), "--json",
                                   stdin="")
    assert code == EXIT_CHECK_IN
    assert err.strip().splitlines() == ["error: check-in failed: the appointment code was not "
                                        "recognised"]
    assert SECRET not in out + err


@pytest.mark.parametrize("case", ["group", "others", "link", "folder", "missing", "empty",
                                  "both_stdin", "binary"])
async def test_refused_secret_sources(tmp_path: Path, case: str) -> None:
    target = private(tmp_path / "code", SECRET + "\n")
    args: list[str] = ["--code-file", str(target)]
    expected = ""
    if case == "group":
        target.chmod(0o640)
        expected = f"may be read or changed by others (mode 0640); make it private with: " \
                   f"chmod 600 {target}"
    elif case == "others":
        target.chmod(0o604)
        expected = "(mode 0604)"
    elif case == "link":
        link = tmp_path / "link"
        link.symlink_to(target)
        args = ["--code-file", str(link)]
        expected = f"cannot read the appointment code file {link}"
    elif case == "folder":
        args = ["--code-file", str(tmp_path)]
        expected = "is not a regular file"
    elif case == "missing":
        args = ["--code-file", str(tmp_path / "nothing")]
        expected = "No such file or directory"
    elif case == "empty":
        private(target, "\n\n")
        expected = f"no appointment code in the file {target}"
    elif case == "both_stdin":
        args = ["--code-file", "-", "--token-file", "-"]
        expected = "only one of --code-file and --token-file can read stdin"
    elif case == "binary":
        target.write_bytes(b"\xff\xfe" + SECRET.encode())
        expected = "is not text"
    # Port 9 (discard): nothing is contacted, the secret is refused before any network.
    code, out, err = await run_cli("--hub", "http://127.0.0.1:9", *args, stdin=SECRET)
    assert code == EXIT_USAGE, err
    assert out == ""
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert SECRET not in err


async def test_code_and_code_file_together_are_a_usage_error(tmp_path: Path) -> None:
    target = private(tmp_path / "code", SECRET)
    code, _out, err = await run_cli("--hub", "http://127.0.0.1:9", "--code", "1",
                                    "--code-file", str(target), stdin="")
    assert code == EXIT_USAGE
    assert "not allowed with argument" in err
    assert os.stat(target).st_mode & 0o777 == 0o600
