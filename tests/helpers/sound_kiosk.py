"""The kiosk's real device layer and engine in a child process, on a private sound server.

QtMultimedia picks its sound server once per process (tests/helpers/sound_server.py), so the Qt
side of an audio test runs here, in its own process started with the server's environment:
the app's own parts — :class:`ui.media.KioskDevices` (microphone, speaker, chime),
:class:`ui.engine_thread.EngineThread`, :class:`ui.bridge.EngineBridge` and
:class:`kiosk.engine.KioskEngine` — wired as ``ui/app.py`` and ``ui/controller.py`` wire them
(remote audio to the speaker, directly from the engine thread; the level meter from the
engine), without the window.

The test (parent) talks to it with :class:`KioskProcess`: one command a line on stdin, one JSON
event a line on stdout. Secrets (the kiosk token, the appointment code) go in files, never on
the command line.

Commands: ``start`` (devices on, the level meter running), ``checkin FILE`` (check in with the
code in FILE), ``chime``, ``stall N M`` (from now on, block the GUI thread for N ms every M ms,
as a heavy repaint or a screen change does; ``stall 0 0`` stops), ``burst N [Q]`` (N frames of
far-end audio, a 440 Hz tone, then Q silent ones, into the speaker ten times faster than real
time, from a thread of its own as from the engine: a backlog), ``waiting MS`` (say when at
least MS of far-end audio waits for room in the speaker's sink), ``stats``, ``quit``.
Events: ``ready`` (device names), ``level`` (0..1, about ten a second), ``checkin`` (ok, code),
``state`` (the call's state), ``chime`` (played), ``stalling`` (N and M, once the timer runs),
``burst`` (N, once every frame is handed over, and the most audio seen waiting meanwhile),
``waiting`` (how much waits, once it is at least MS),
``stats`` (the speaker's and microphone's counters, and how many stalls so far), ``bye``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WAIT = 20.0
ROOT = Path(__file__).resolve().parents[2]


# ----- the parent's side (no Qt here) -------------------------------------------------------------

class KioskProcess:
    """The child kiosk, seen from the test: send commands, wait for events."""

    def __init__(self, proc: asyncio.subprocess.Process, stderr_path: Path) -> None:
        self.proc = proc
        self.stderr_path = stderr_path
        self.events: list[dict[str, Any]] = []
        self._changed = asyncio.Event()
        self._reader = asyncio.create_task(self._read(), name="sound-kiosk-stdout")

    @classmethod
    async def start(cls, env: dict[str, str], hub_url: str, token: str, tmp: Path,
                    *extra: str) -> KioskProcess:
        token_file = tmp / "kiosk-token"
        token_file.write_text(token)
        token_file.chmod(0o600)
        env = dict(env, QT_QPA_PLATFORM="offscreen",
                   QT_LOGGING_RULES="qt.multimedia.symbolsresolver=false",
                   PYTHONPATH=str(ROOT))
        stderr_path = tmp / "kiosk-stderr.log"
        with stderr_path.open("wb") as err:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "tests.helpers.sound_kiosk", "--hub", hub_url,
                "--token-file", str(token_file), *extra, env=env,
                stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=err)
        kiosk = cls(proc, stderr_path)
        await kiosk.until(lambda e: e["event"] == "ready")
        return kiosk

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        while line := await self.proc.stdout.readline():
            self.events.append(json.loads(line))
            self._changed.set()
        self._changed.set()

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command.encode() + b"\n")

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e["event"] == kind]

    def levels(self) -> list[float]:
        return [float(e["value"]) for e in self.of("level")]

    async def until(self, condition: Callable[[dict[str, Any]], bool],
                    within: float = WAIT) -> dict[str, Any]:
        """Wait for an event (since the start) for which ``condition`` holds, and return it."""
        seen = 0
        async with asyncio.timeout(within):
            while True:
                for event in self.events[seen:]:
                    if condition(event):
                        return event
                seen = len(self.events)
                if self.proc.returncode is not None or self._reader.done():
                    raise AssertionError("the kiosk process ended: "
                                         + self.stderr_path.read_text(errors="replace")[-2000:])
                self._changed.clear()
                await self._changed.wait()

    async def stats(self) -> dict[str, Any]:
        count = len(self.of("stats"))
        self.send("stats")
        await self.until(lambda e: e["event"] == "stats" and len(self.of("stats")) > count)
        return self.of("stats")[-1]

    async def close(self) -> str:
        """Quit (or kill after a while) and return what the process logged on stderr."""
        if self.proc.returncode is None:
            try:
                self.send("quit")
                async with asyncio.timeout(10):
                    await self.proc.wait()
            except (TimeoutError, ConnectionError):
                self.proc.kill()
                await self.proc.wait()
        self._reader.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reader
        return self.stderr_path.read_text(errors="replace")


# ----- the child's side --------------------------------------------------------------------------

def _emit(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}) + "\n")
    sys.stdout.flush()


def main(argv: list[str] | None = None) -> int:  # pragma: no cover - runs in the child
    parser = argparse.ArgumentParser()
    parser.add_argument("--hub", required=True)
    parser.add_argument("--token-file", required=True)
    parser.add_argument("--no-aec", action="store_true")
    parser.add_argument("--no-ns", action="store_true")
    parser.add_argument("--agc", action="store_true")
    parser.add_argument("--no-hpf", action="store_true")
    parser.add_argument("--qt-capture", action="store_true",
                        help="read the microphone with QAudioSource, as where libpulse is missing")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, stream=sys.stderr,
                        format="%(levelname)s %(name)s: %(message)s")

    from PySide6.QtCore import QObject, Qt, QTimer, Signal
    from PySide6.QtWidgets import QApplication

    from kiosk.call.patient import CheckedIn, CheckInResult
    from kiosk.engine import KioskEngine
    from kiosk.media.echo import ProcessingSettings
    from ui.bridge import EngineBridge
    from ui.engine_thread import EngineThread
    from ui.media import KioskDevices

    if args.qt_capture:
        from kiosk.media import pulse

        pulse._lib_checked, pulse._lib = True, None  # as on a machine without libpulse-simple
    app = QApplication([])
    thread = EngineThread()
    thread.start()
    bridge = EngineBridge(thread)
    processing = ProcessingSettings(echo_cancellation=not args.no_aec,
                                    noise_suppression=not args.no_ns,
                                    auto_gain_control=args.agc, high_pass_filter=not args.no_hpf)
    devices = KioskDevices(synthetic_fallback=False, processing=processing)
    loop = thread.loop
    token = Path(args.token_file).read_text().strip()
    engine = KioskEngine(args.hub, lambda: devices.make_tracks(loop), bridge, token=token)
    bridge.attach(engine)
    bridge.remote_audio.connect(devices.play_remote_audio, Qt.ConnectionType.DirectConnection)
    bridge.mic_level.connect(lambda level: _emit("level", value=round(level, 4)))
    bridge.call_state.connect(lambda state: _emit("state", value=state))

    def on_result(result: CheckInResult) -> None:
        _emit("checkin", ok=isinstance(result, CheckedIn),
              code=getattr(result, "code", None))

    bridge.check_in_result.connect(on_result)

    class Commands(QObject):
        line = Signal(str)

    commands = Commands()
    stall = QTimer()
    stalls = [0, 0]  # how long each stall is (ms), how many so far

    def stall_once() -> None:
        time.sleep(stalls[0] / 1000)  # the GUI thread blocked, as by a slow repaint: the point
        stalls[1] += 1

    stall.timeout.connect(stall_once)

    def stats() -> None:
        mic, speaker = devices._mic, devices._speaker  # a test's probe
        proc = devices.processor
        _emit("stats", mic_path=mic.path if mic else None,
              speaker_written=speaker.written if speaker else 0,
              speaker_dropped=speaker.dropped if speaker else 0,
              speaker_skipped=speaker.skipped if speaker else 0,
              speaker_waiting_ms=round(speaker.waiting_ms, 1) if speaker else 0.0,
              speaker_buffered_ms=round(speaker.buffered_ms, 1) if speaker else 0.0,
              processed_frames=proc.frames_processed if proc else 0,
              delay_ms=proc.delay_ms if proc else None, stalls=stalls[1])

    def burst(count: int, quiet: int) -> None:
        import av
        import numpy as np

        t = np.arange(960) / 48_000
        most = 0.0
        for index in range(count + quiet):
            level = 0.3 * 32767 if index < count else 0.0
            pcm = (level * np.sin(2 * np.pi * 440 * (t + index * 0.02))).astype(np.int16)
            frame = av.AudioFrame.from_ndarray(pcm.reshape(1, -1), format="s16", layout="mono")
            frame.sample_rate = 48_000
            devices.play_remote_audio(frame)
            speaker = devices._speaker  # a test's probe
            most = max(most, speaker.waiting_ms if speaker else 0.0)
            time.sleep(0.002)  # ten times real time: the speaker's thread drains as it goes
        _emit("burst", frames=count, quiet=quiet, most_waiting_ms=round(most, 1))

    watch = QTimer()
    watch.setInterval(10)
    wanted = [0.0]

    def check_waiting() -> None:
        speaker = devices._speaker  # a test's probe
        if speaker is not None and speaker.waiting_ms >= wanted[0]:
            watch.stop()
            _emit("waiting", ms=round(speaker.waiting_ms, 1))

    watch.timeout.connect(check_waiting)

    def quit_() -> None:
        stall.stop()
        devices.stop()
        thread.stop(engine.close)
        _emit("bye")
        app.quit()

    def on_line(line: str) -> None:
        command, _, rest = line.strip().partition(" ")
        if command == "start":
            devices.start()
            bridge.run(lambda e: e.start_devices())
        elif command == "checkin":
            code = Path(rest).read_text().strip()
            bridge.run(lambda e: e.check_in(code))
        elif command == "chime":
            _emit("chime", played=devices.play_chime())
        elif command == "stall":
            length, every = (int(word) for word in rest.split())
            stall.stop()
            stalls[0] = length
            if length > 0 and every > 0:
                stall.start(every)
            _emit("stalling", length_ms=length, every_ms=every)
        elif command == "burst":
            count, quiet = (int(word) for word in [*rest.split(), "0"][:2])
            threading.Thread(target=burst, args=(count, quiet), name="burst",
                             daemon=True).start()
        elif command == "waiting":
            wanted[0] = float(rest)
            watch.start()
        elif command == "stats":
            stats()
        elif command in ("quit", ""):
            quit_()

    commands.line.connect(on_line)

    def read_stdin() -> None:
        for line in sys.stdin:
            commands.line.emit(line)
        commands.line.emit("")  # the parent went away: quit

    threading.Thread(target=read_stdin, daemon=True, name="commands").start()
    QTimer.singleShot(0, lambda: _emit("ready", microphones=devices.mic_names(),
                                       speakers=devices.speaker_names(),
                                       pid=os.getpid()))
    return app.exec()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
