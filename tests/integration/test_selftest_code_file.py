"""``clinic-kiosk selftest`` with the appointment code off the command line, in a real
subprocess against a real hub: the code from stdin (``--code-file -``) makes the self-test's
real test call to the demo specialist; a code file that others may read, and ``--code`` with
``--code-file``, are refused with a plain line (exit 2), never the code."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from kiosk.checks.selftest import EXIT_USAGE
from tests.integration.test_call_hub import demo_specialist

pytestmark = pytest.mark.integration
CLINIC_KIOSK = Path(sys.executable).parent / "clinic-kiosk"
SECRET = "8260-1735-4492"  # never a real code: only to see that it is not echoed


async def selftest(*args: str, stdin: str = "") -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        str(CLINIC_KIOSK), "selftest", *args, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    async with asyncio.timeout(120):
        out, err = await proc.communicate(stdin.encode())
    assert proc.returncode is not None
    return proc.returncode, out.decode(), err.decode()


async def test_the_code_on_stdin_makes_the_test_call(hub: Any) -> None:
    specialist, _stop = demo_specialist(hub, once=True)
    status, out, err = await selftest("--hub", hub.url, "--json", "--code-file", "-",
                                      stdin=hub.appointment_code + "\n")
    data = json.loads(out)
    call = {c["name"]: c for c in data["checks"]}["test_call"]
    assert call["status"] == "pass", (call, err)
    assert call["figures"]["media_both_ways"] is True
    assert status in (0, 1)  # fit or not is the network's business here, not the code's
    assert hub.appointment_code not in out + err
    async with asyncio.timeout(30):
        assert (await specialist).calls == 1


async def test_a_code_file_others_may_read_is_refused(hub: Any, tmp_path: Path) -> None:
    path = tmp_path / "code"
    path.write_text(SECRET + "\n", "utf-8")
    path.chmod(0o644)
    status, out, err = await selftest("--hub", hub.url, "--code-file", str(path))
    assert status == EXIT_USAGE
    assert out == ""
    assert err.strip().splitlines() == [
        f"clinic-kiosk selftest: error: the appointment code file {path} may be read or "
        f"changed by others (mode 0644); make it private with: chmod 600 {path}"]
    assert SECRET not in err


async def test_code_and_code_file_together_are_refused(hub: Any, tmp_path: Path) -> None:
    status, out, err = await selftest("--hub", hub.url, "--code", SECRET, "--code-file", "-",
                                      stdin=SECRET + "\n")
    assert status == EXIT_USAGE
    assert out == ""
    assert "not allowed with argument" in err
    assert "Traceback" not in err
