"""A call across the namespaces of :mod:`tests.faults.netns`: a real ``clinic-hub serve``
process, the kiosk's call engine and the demo specialist, each a process in its own namespace
(:mod:`tests.faults.peer`), and the faults that happen to clinics.

Used by tests/faults/test_faults.py (a few faults, in CI) and ``python -m bench.recovery
--netns`` (the sweep). Times are ``time.monotonic()``, shared by every process of the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.faults.netns import FaultNet

ROOT = Path(__file__).resolve().parents[2]
HUB_PORT = 8443
TURN_PORT = 3478
TURNSERVER = shutil.which("turnserver") or "/usr/bin/turnserver"
BIN = Path(sys.executable).parent


class Peer:
    """A :mod:`tests.faults.peer` process and its command line channel."""

    def __init__(self, proc: asyncio.subprocess.Process, name: str) -> None:
        self.proc = proc
        self.name = name

    async def line(self, within: float = 30.0) -> dict[str, Any]:
        assert self.proc.stdout is not None
        raw = await asyncio.wait_for(self.proc.stdout.readline(), within)
        if not raw:
            raise RuntimeError(f"{self.name} exited (code {await self.proc.wait()})")
        reply: dict[str, Any] = json.loads(raw)
        return reply

    async def ask(self, within: float = 60.0, **cmd: Any) -> dict[str, Any]:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(cmd) + "\n").encode())
        await self.proc.stdin.drain()
        return await self.line(within)

    async def stop(self) -> None:
        if self.proc.returncode is None:
            with contextlib.suppress(Exception):
                assert self.proc.stdin is not None
                self.proc.stdin.write(b'{"cmd": "stop"}\n')
                await self.proc.stdin.drain()
            try:
                await asyncio.wait_for(self.proc.wait(), 20.0)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()


@dataclass
class FaultCall:
    """One call through the fault network; see the module docstring."""

    net: FaultNet
    folder: Path
    hub: asyncio.subprocess.Process | None = None
    kiosk: Peer | None = None
    specialist: Peer | None = None
    info: dict[str, Any] = field(default_factory=dict)
    logs: list[Path] = field(default_factory=list)
    coturn: asyncio.subprocess.Process | None = None
    turn_secret_file: Path | None = None

    @property
    def hub_url(self) -> str:
        return f"http://{self.net.hub_ip}:{HUB_PORT}"

    async def start_coturn(self) -> list[str]:
        """Debian's coturn in the hub's namespace (TURN over UDP and TCP, REST credentials);
        returns the ICE URLs to give the hub, TURN/UDP first as docs/deployment.md says."""
        secret = self.folder / "turn-secret"
        secret.write_text("fault-suite-turn-secret\n")
        secret.chmod(0o600)
        log = self.folder / "turnserver.log"
        self.logs.append(log)
        args = [TURNSERVER, "-n", "--no-cli", "--no-stdout-log", "--simple-log",
                f"--log-file={log}", f"--pidfile={self.folder / 'turnserver.pid'}",
                f"--userdb={self.folder / 'turndb.sqlite'}",
                f"--listening-ip={self.net.hub_ip}", f"--relay-ip={self.net.hub_ip}",
                f"--listening-port={TURN_PORT}", "--no-tls", "--no-dtls",
                "--use-auth-secret", "--static-auth-secret=fault-suite-turn-secret",
                "--realm=faults.test", "--fingerprint", "--min-port=40000", "--max-port=40999"]
        self.coturn = await asyncio.create_subprocess_exec(
            *self.net.argv(self.net.hub_ns, *args), stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL)
        end = time.monotonic() + 15.0
        while time.monotonic() < end:
            ss = await asyncio.create_subprocess_exec(
                *self.net.argv(self.net.hub_ns, "ss", "-Hltn", f"sport = :{TURN_PORT}"),
                stdout=asyncio.subprocess.PIPE)
            out, _ = await ss.communicate()
            if out.strip():
                break
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"coturn did not listen: {self.diagnose()}")
        self.turn_secret_file = secret
        host = self.net.hub_ip
        return [f"stun:{host}:{TURN_PORT}", f"turn:{host}:{TURN_PORT}?transport=udp",
                f"turn:{host}:{TURN_PORT}?transport=tcp"]

    async def start_hub(self, *, demo: bool = True, ice_urls: list[str] | None = None) -> None:
        db = self.folder / "hub.sqlite3"
        args = [str(BIN / "clinic-hub"), "serve", "--json", "--host", self.net.hub_ip,
                "--port", str(HUB_PORT), "--db", str(db)]
        for url in ice_urls or []:
            args += ["--ice-url", url]
        if ice_urls:
            args += ["--turn-secret-file", str(self.turn_secret_file)]
        if demo:
            args.append("--demo")
        log = self.folder / f"hub-{len(self.logs)}.log"
        self.logs.append(log)
        with log.open("ab") as err:
            self.hub = await asyncio.create_subprocess_exec(
                *self.net.argv(self.net.hub_ns, *args), stdout=asyncio.subprocess.PIPE,
                stderr=err, cwd=self.folder)
        assert self.hub.stdout is not None
        raw = await asyncio.wait_for(self.hub.stdout.readline(), 30.0)
        if not raw:
            raise RuntimeError(f"the hub did not start: {log.read_text()[-2000:]}")
        if demo:
            self.info = json.loads(raw)

    def kill_hub(self) -> None:
        """SIGKILL, as when the hub's machine loses power or the OOM killer strikes."""
        assert self.hub is not None
        self.hub.send_signal(signal.SIGKILL)

    async def _peer(self, ns: str, role: str, secrets: list[str], *extra: str) -> Peer:
        log = self.folder / f"{role}.log"
        self.logs.append(log)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        with log.open("ab") as err:
            proc = await asyncio.create_subprocess_exec(
                *self.net.argv(ns, sys.executable, "-m", "tests.faults.peer", role,
                               "--hub", self.hub_url, *extra),
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=err,
                cwd=ROOT, env=env)
        assert proc.stdin is not None
        proc.stdin.write("".join(f"{s}\n" for s in secrets).encode())
        await proc.stdin.drain()
        return Peer(proc, role)

    async def check_in(self, within: float = 60.0) -> None:
        """The kiosk checks in and chooses its media path, as the app does before a call."""
        self.kiosk = await self._peer(self.net.kiosk_ns, "kiosk",
                                      [str(self.info["appointment_code"])])
        event = await self.kiosk.line(within)
        assert event["event"] == "checked_in", event

    async def sign_in_specialist(self, *, join_delay: float = 0.0,
                                 within: float = 60.0) -> Peer:
        """The specialist signs in; joins the waiting patient after ``join_delay``."""
        if self.specialist is not None:
            await self.specialist.stop()
        self.specialist = await self._peer(
            self.net.spec_ns, "specialist",
            [self.info["specialist_username"], self.info["specialist_password"]],
            "--join-delay", str(join_delay))
        assert (await self.specialist.line(within))["event"] == "ready"
        return self.specialist

    async def start_call(self, within: float = 60.0) -> None:
        """Check in, the specialist joins, and media flow both ways."""
        since = time.monotonic()
        await self.check_in(within)
        await self.sign_in_specialist(within=within)
        await self.media_flowing(since, within)

    async def media_flowing(self, since: float, within: float = 60.0) -> None:
        """Wait until good video and audio have arrived at both ends after ``since``."""
        kiosk, specialist = await self.back_after(since, within)
        if kiosk is not None and specialist is not None:
            return
        raise AssertionError(f"media did not flow both ways: {self.diagnose()}")

    async def cut_for(self, kind: str, seconds: float) -> float:
        """A fault for ``seconds``; returns the monotonic time the network came back."""
        self.net.cut(kind)
        await asyncio.sleep(seconds)
        self.net.restore()
        return time.monotonic()

    async def back_after(self, restored: float, within: float = 60.0) -> tuple[
            float | None, float | None]:
        """Seconds after ``restored`` until media were back at (the kiosk, the specialist)."""
        assert self.kiosk is not None
        assert self.specialist is not None
        k, s = await asyncio.gather(
            self.kiosk.ask(cmd="back", since=restored, within=within, **{}),
            self.specialist.ask(cmd="back", since=restored, within=within))
        return k["back"], s["back"]

    async def ended(self) -> bool:
        """Whether either end thinks the call is over."""
        assert self.kiosk is not None
        assert self.specialist is not None
        k = await self.kiosk.ask(cmd="status")
        s = await self.specialist.ask(cmd="status")
        return bool(k["ended"] or k["visit_ended"] or s["last_end"])

    def diagnose(self) -> str:
        """The tail of every log, for a failing assertion."""
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
                         for p in self.logs if p.exists())

    async def close(self) -> None:
        for peer in (self.kiosk, self.specialist):
            if peer is not None:
                await peer.stop()
        if self.coturn is not None and self.coturn.returncode is None:
            self.coturn.terminate()
            await self.coturn.wait()
        if self.hub is not None and self.hub.returncode is None:
            self.hub.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(self.hub.wait(), 15.0)
            except TimeoutError:
                self.hub.kill()
                await self.hub.wait()
