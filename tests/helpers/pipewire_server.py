"""A private PipeWire server for tests, with the same devices as the PulseAudio one.

Debian's kiosks run PipeWire (docs/kiosk-deployment.md) or PulseAudio; the app talks to either
through the PulseAudio protocol (QtMultimedia's backend, and ``kiosk/media/pulse.py``), which
PipeWire serves with ``pipewire-pulse``. :class:`PipeWireServer` is a
:class:`~tests.helpers.sound_server.SoundServer` whose server is PipeWire instead:

- a private D-Bus session (``dbus-daemon --session``; WirePlumber, the session manager that links
  streams to devices, does not start without one), ``pipewire``, ``wireplumber`` and
  ``pipewire-pulse``, all with ``XDG_RUNTIME_DIR``, ``HOME`` and ``XDG_CONFIG_HOME`` in a temporary
  folder, so nothing of the machine's own sound set-up is read or touched;
- the same devices, made through ``pipewire-pulse`` with the same ``pactl load-module`` lines as
  the PulseAudio ``default.pa``: ``kiosk_speaker`` (a null sink, recorded from its monitor),
  ``mic_feed`` and ``kiosk_mic`` (a remap of the feed's monitor), defaults set.

Every player, recorder and room of :class:`SoundServer` works unchanged. :func:`unavailable_reason`
says why not (a missing program), for ``pytest.skip``; ``scripts/system-deps`` installs
``pipewire``, ``pipewire-pulse`` and ``wireplumber``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import pytest

from tests.helpers.sound_server import (
    MIC,
    MIC_FEED,
    RATE,
    SPEAKER,
    START_TIMEOUT,
    SoundServer,
    SoundServerError,
)
from tests.helpers.sound_server import unavailable_reason as pulse_tools_missing

PROGRAMS = ("pipewire", "pipewire-pulse", "wireplumber", "dbus-daemon")


def unavailable_reason() -> str | None:
    """Why no PipeWire server can start here, or None."""
    missing = [p for p in PROGRAMS if shutil.which(p) is None]
    if missing:
        return (f"PipeWire tests need {', '.join(missing)} (Debian: pipewire pipewire-pulse "
                "wireplumber dbus)")
    return pulse_tools_missing()  # pactl, pacat, parec: the clients are the same


class PipeWireServer(SoundServer):
    """A private PipeWire with the kiosk's test devices (see the module docstring)."""

    def __init__(self, root: Path | None = None, *, speaker_channels: int = 2) -> None:
        super().__init__(root, speaker_channels=speaker_channels)
        self.socket = self.root / "runtime" / "pulse" / "native"
        self.log_path = self.root / "pipewire.log"
        self._procs: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        reason = unavailable_reason()
        if reason is not None:
            raise SoundServerError(reason)
        for sub in ("runtime", "state", "home", "config"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "runtime").chmod(0o700)
        (self.root / "client.conf").write_text("autospawn = no\n")
        bus = self.root / "bus"
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.root / "home"),
            "XDG_RUNTIME_DIR": str(self.root / "runtime"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "DBUS_SESSION_BUS_ADDRESS": f"unix:path={bus}",
        }
        with self.log_path.open("wb") as log:
            self._spawn(["dbus-daemon", "--session", "--nofork", "--nopidfile",
                         f"--address=unix:path={bus}"], env, log)
            self._wait_for(bus.exists, "the D-Bus session did not start")
            self._spawn(["pipewire"], env, log)
            self._wait_for(lambda: (self.root / "runtime" / "pipewire-0").exists(),
                           "pipewire did not start")
            self._spawn(["wireplumber"], env, log)
            self._spawn(["pipewire-pulse"], env, log)
            self._wait_for(lambda: self.socket.exists() and self._answers(),
                           "pipewire-pulse did not answer")
        try:
            self.pactl("load-module", "module-null-sink", f"sink_name={SPEAKER}", f"rate={RATE}",
                       f"channels={self.speaker_channels}",
                       "sink_properties=device.description=Kiosk_speaker")
            self.pactl("load-module", "module-null-sink", f"sink_name={MIC_FEED}", f"rate={RATE}",
                       "channels=1", "sink_properties=device.description=Test_microphone_feed")
            self.pactl("load-module", "module-remap-source", f"source_name={MIC}",
                       f"master={MIC_FEED}.monitor", "channels=1", "master_channel_map=mono",
                       "channel_map=mono",
                       "source_properties=device.description=Kiosk_microphone")
            self.pactl("set-default-sink", SPEAKER)
            self.pactl("set-default-source", MIC)
        except SoundServerError:
            self.stop()
            raise

    def _spawn(self, argv: list[str], env: dict[str, str], log: IO[bytes]) -> None:
        self._procs.append(subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                            stdout=log, stderr=log))

    def _wait_for(self, ready: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if any(p.poll() is not None for p in self._procs):
                break
            if ready():
                return
            time.sleep(0.05)
        tail = self.log_path.read_text(errors="replace").strip().splitlines()[-5:]
        self.stop()
        raise SoundServerError(f"{what}: " + " | ".join(tail))

    def stop(self) -> None:
        for child in self._children:
            with contextlib.suppress(Exception):
                child.stop()
        self._children.clear()
        for proc in reversed(self._procs):
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        self._procs.clear()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def pipewire() -> Iterator[PipeWireServer]:
    """A started private PipeWire (skips, with the reason, where none can start)."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    server = PipeWireServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
