"""The end-to-end test's hands and eyes on a real machine: an X server (Xvfb), real input
(``xdotool``), the hub's own command line (``clinic-hub``), and the kiosk app under its
supervisor with a read-only probe (tests/helpers/e2e_kiosk.py).

Rules that matter:

- Input reaches the kiosk only through the X server, as from a touch screen and a keyboard:
  ``xdotool`` moves the pointer to a widget (whose place the probe reports) and clicks, or
  types keys. Nothing calls into the app.
- The hub is set up only with ``clinic-hub`` commands in subprocesses (passwords on stdin).
- The supervisor is a shell loop with the kiosk unit's contract (deploy/kiosk/
  clinic-kiosk.service: ``Restart=always``, ``RestartPreventExitStatus=0``): the app is
  started again when it exits with 75 ("Restart the kiosk app") or fails, and stays down after
  a clean exit 0 ("Exit kiosk mode"). Unlike the unit it starts it again at once and gives up
  after five starts, so a broken app fails the test instead of looping. Every start and exit is
  one line on the supervisor's stderr.
- Every process here is started in its own session and ended by its process group, never by
  name.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CLINIC_HUB = BIN / "clinic-hub"
CLINIC_KIOSK = BIN / "clinic-kiosk"
SCREEN = (1920, 1080)
#: ``clinic-kiosk`` with the probe (tests/helpers/e2e_kiosk.py), run by its path with ``-P``:
#: the app comes from the installed project, and a ``tests`` package that some wheel puts in
#: site-packages (textstat's does) cannot hide ours.
LAUNCHER = (sys.executable, "-P", str(ROOT / "tests" / "helpers" / "e2e_kiosk.py"))
#: How long a condition on the kiosk may take before the test fails (s).
WAIT = 30.0
#: The unit's contract: 75 means "start me again"; 0 means "stay down"; a failure restarts.
SUPERVISOR = """\
n=0
while :; do
    n=$((n + 1))
    echo "supervisor: start $n" >&2
    "$@"
    rc=$?
    echo "supervisor: exit $rc" >&2
    [ "$rc" -eq 0 ] && exit 0
    [ "$n" -ge 5 ] && exit "$rc"
done
"""


def unavailable_reason() -> str | None:
    """Why the end-to-end test cannot run here (None: it can)."""
    for program, package in (("Xvfb", "xvfb"), ("xdotool", "xdotool")):
        if shutil.which(program) is None:
            return f"{program} is not installed (Debian package {package}; scripts/system-deps)"
    if not CLINIC_HUB.exists() or not CLINIC_KIOSK.exists():
        return "clinic-hub / clinic-kiosk are not installed in this venv (./dev setup)"
    return None


def _stop_group(proc: subprocess.Popen[Any] | asyncio.subprocess.Process) -> None:
    """End a process we started in its own session, with everything it started."""
    if proc.returncode is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)


class XServer:
    """A private Xvfb at 1920x1080 (the display number it picks itself)."""

    def __init__(self, log: Path) -> None:
        self.log = log
        self.proc: subprocess.Popen[bytes] | None = None
        self.display = ""

    def start(self, timeout: float = 10.0) -> None:
        read, write = os.pipe()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write), "-screen", "0",
                 f"{SCREEN[0]}x{SCREEN[1]}x24", "-nolisten", "tcp", "-noreset"],
                pass_fds=(write,), stdout=log, stderr=log, start_new_session=True)
        os.close(write)
        # Xvfb writes the number, then "\n" in a second write, and dies if the pipe has
        # closed in between: read up to the newline.
        got = b""
        deadline = time.monotonic() + timeout
        try:
            while not got.endswith(b"\n") and time.monotonic() < deadline:
                ready, _, _ = select.select([read], [], [], deadline - time.monotonic())
                chunk = os.read(read, 64) if ready else b""
                if not chunk:
                    break
                got += chunk
        finally:
            os.close(read)
        number = got.decode().strip()
        if not number.isdigit():
            self.stop()
            raise RuntimeError(f"Xvfb did not start: {self.log.read_text()[-500:]}")
        self.display = f":{number}"

    def env(self) -> dict[str, str]:
        return {"DISPLAY": self.display, "QT_QPA_PLATFORM": "xcb"}

    def xdotool(self, *args: str) -> str:
        done = subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": self.display},
                              capture_output=True, text=True, timeout=15, check=True)
        return done.stdout

    def stop(self) -> None:
        if self.proc is not None:
            _stop_group(self.proc)
            self.proc.wait(10)
            self.proc = None


@contextlib.contextmanager
def x_server(log: Path) -> Iterator[XServer]:
    server = XServer(log)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def tail(log: Path, chars: int = 3000) -> str:
    """The end of a log file ("" if there is none)."""
    try:
        return log.read_text(errors="replace")[-chars:]
    except OSError:
        return ""


def hub_cli(db: Path, *args: str, stdin: str = "") -> dict[str, Any]:
    """``clinic-hub ARGS --db DB --json``; its one JSON object (fails on a non-zero exit)."""
    done = subprocess.run([str(CLINIC_HUB), *args, "--db", str(db), "--json"], input=stdin,
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, f"clinic-hub {args[:2]}: {done.stderr}"
    reply: dict[str, Any] = json.loads(done.stdout)
    return reply


class Kiosk:
    """The kiosk app under its supervisor, the X server it shows on, and its probe."""

    def __init__(self, x: XServer, env: dict[str, str], args: list[str], log: Path,
                 shots: Path) -> None:
        self.x = x
        self.env = {**env, **x.env()}
        self.args = args
        self.log = log
        self.shots = shots
        self.proc: asyncio.subprocess.Process | None = None
        self._shots = 0
        self._asked = 0

    async def start(self) -> None:
        with self.log.open("ab") as log:
            self.proc = await asyncio.create_subprocess_exec(
                "sh", "-c", SUPERVISOR, "supervisor", *LAUNCHER, *self.args, cwd=ROOT,
                env=self.env,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=log,
                start_new_session=True)

    async def ask(self, command: str, within: float = 10.0) -> dict[str, Any]:
        """One probe command, one JSON reply (from whichever start of the app is running)."""
        proc = self.proc
        assert proc is not None
        assert proc.stdin is not None
        assert proc.stdout is not None
        self._asked += 1
        number = str(self._asked)
        proc.stdin.write(f"{number} {command}\n".encode())
        await proc.stdin.drain()
        async with asyncio.timeout(within):
            while True:  # a late answer to an earlier command is skipped
                line = await proc.stdout.readline()
                assert line, f"the kiosk went away; its log ends: {self.log_tail()}"
                reply: dict[str, Any] = json.loads(line)
                if reply.pop("id", None) == number:
                    break
        assert "error" not in reply, reply
        return reply

    async def state(self) -> dict[str, Any]:
        return await self.ask("state")

    async def until(self, condition: Callable[[dict[str, Any]], bool], what: str,
                    within: float = WAIT) -> dict[str, Any]:
        """Wait until the kiosk's state meets ``condition``; the state that did."""
        deadline = time.monotonic() + within
        state: dict[str, Any] = {}
        while time.monotonic() < deadline:
            # While the app restarts a command may go unanswered (the old app read it as it
            # left): ask again (a late answer is skipped by its id).
            with contextlib.suppress(TimeoutError):
                state = await self.ask("state", within=min(5.0, max(0.1, deadline
                                                                    - time.monotonic())))
                if condition(state):
                    return state
            await asyncio.sleep(0.1)  # the poll interval of a condition wait
        with contextlib.suppress(AssertionError, TimeoutError, ValueError):
            await self.shot("stuck")
        raise AssertionError(f"the kiosk never showed {what}; last state {state}; "
                             f"log ends: {self.log_tail()}")

    async def click(self, name: str, within: float = WAIT) -> None:
        """Touch the widget ``name`` as a person would, once :meth:`ready`: a real X pointer
        click."""
        place = await self.ready(name, within)
        await asyncio.to_thread(self.x.xdotool, "mousemove", str(place["x"]), str(place["y"]),
                                "click", "1")

    async def ready(self, name: str, within: float = WAIT) -> dict[str, Any]:
        """Wait until the widget ``name`` can be touched: shown, enabled, on top, where it was
        a moment ago (a screen that has just changed may still be laying itself out), and the
        kiosk takes taps again (it ignores them just after a screen or page changes)."""
        deadline = time.monotonic() + within
        before: dict[str, Any] = {}
        while True:
            place = await self.ask(f"where {name}")
            if place["visible"] and place["enabled"] and place["hit"] and \
                    place["taps_allowed"] and place == before:
                break
            before = place
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} was never ready to touch ({place}); "
                                     f"state {await self.state()}")
            await asyncio.sleep(0.1)  # the poll interval of a condition wait
        return place

    async def keys(self, *keys: str) -> None:
        """Press keys (``ctrl+alt+a``, ``Return``) on the X server's keyboard."""
        await asyncio.to_thread(self.x.xdotool, "key", "--delay", "30", *keys)

    async def type(self, text: str) -> None:
        """Type ``text`` on the X server's keyboard."""
        await asyncio.to_thread(self.x.xdotool, "type", "--delay", "30", text)

    async def shot(self, name: str) -> Path:
        self._shots += 1
        path = self.shots / f"{self._shots:02d}-{name}.png"
        reply = await self.ask(f"shot {path}")
        assert reply["saved"], reply
        return path

    async def until_checked(self, name: str, within: float = WAIT) -> None:
        """Wait until the widget ``name`` shows as chosen (a checked button)."""
        deadline = time.monotonic() + within
        while not (place := await self.ask(f"where {name}")).get("checked"):
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} never showed as chosen: {place}")
            await asyncio.sleep(0.1)  # the poll interval of a condition wait

    def log_tail(self, chars: int = 3000) -> str:
        return tail(self.log, chars)

    def starts(self) -> int:
        return self.log.read_text(errors="replace").count("supervisor: start")

    async def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        _stop_group(proc)
        try:
            await asyncio.wait_for(proc.wait(), 15)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            await proc.wait()


@contextlib.asynccontextmanager
async def hub_serving(db: Path, log: Path) -> AsyncIterator[str]:
    """``clinic-hub serve --db DB --port 0 --json`` as its own process; yields its URL."""
    with log.open("ab") as err:
        proc = await asyncio.create_subprocess_exec(
            str(CLINIC_HUB), "serve", "--db", str(db), "--port", "0", "--json", "--log-json",
            stdout=asyncio.subprocess.PIPE, stderr=err, start_new_session=True)
    try:
        assert proc.stdout is not None
        line = await asyncio.wait_for(proc.stdout.readline(), 30)
        assert line, f"clinic-hub serve did not start: {tail(log)}"
        yield str(json.loads(line)["url"])
    finally:
        _stop_group(proc)
        await asyncio.wait_for(proc.wait(), 20)
