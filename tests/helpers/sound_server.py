"""A private PulseAudio server for tests: no sound card; a speaker to record, a microphone to feed.

What it holds (``pulseaudio -n`` with its own ``default.pa``, socket and runtime folder under a
temporary directory; nothing of the machine's own sound set-up is read or touched):

- ``kiosk_speaker``: a null sink, the default sink (the kiosk's speaker). What is played on it is
  recorded from ``kiosk_speaker.monitor`` (:meth:`SoundServer.record`, ``.recorder``).
- :meth:`SoundServer.room` puts a simulated room (an impulse response) between the speaker's
  monitor and the microphone's feed, for echo tests.
- ``kiosk_mic``: the default source (the kiosk's microphone), a ``module-remap-source`` of the
  monitor of a second null sink, ``mic_feed``. The test plays into ``mic_feed``
  (:meth:`SoundServer.play`, :meth:`SoundServer.player`) and the kiosk hears it on ``kiosk_mic``.
  Both null sinks are clocked by the server, so audio flows in real time, as from a real card.

Rules that matter:

- Qt connects to a sound server once per process (QtMultimedia keeps its PulseAudio context and
  never reconnects), so ``PULSE_SERVER`` must be set before the first QMediaDevices / QAudio* of
  the process. A test that runs Qt against this server therefore runs the Qt side in a child
  process started with :meth:`SoundServer.env` (or sets ``PULSE_SERVER`` before Qt is imported).
- No sound card, no D-Bus, no ``~/.config/pulse``: ``HOME``, ``XDG_RUNTIME_DIR`` and
  ``XDG_CONFIG_HOME`` point into the temporary folder.
- :func:`unavailable_reason` says why no server can start (``pulseaudio`` or ``pacat`` missing, or
  the server failed to come up, with its log's last lines); tests skip with that reason and
  nothing else (``scripts/system-deps`` installs ``pulseaudio`` and ``pulseaudio-utils``).
- Signals are float arrays in -1..1, mono unless said otherwise, at :data:`RATE` (48 kHz); on the
  wire they are s16le.
- :meth:`SoundServer.stop` ends every player and recorder it started, then the server.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import TracebackType

import numpy as np
import numpy.typing as npt
import pytest

RATE = 48_000
SPEAKER = "kiosk_speaker"
MIC = "kiosk_mic"
MIC_FEED = "mic_feed"
START_TIMEOUT = 10.0

Signal = npt.NDArray[np.float64]

_DEFAULT_PA = """\
load-module module-native-protocol-unix auth-anonymous=1 socket={socket}
load-module module-null-sink sink_name={speaker} rate={rate} channels={speaker_channels} \
sink_properties=device.description=Kiosk_speaker
load-module module-null-sink sink_name={feed} rate={rate} channels=1 \
sink_properties=device.description=Test_microphone_feed
load-module module-remap-source source_name={mic} master={feed}.monitor channels=1 \
master_channel_map=mono channel_map=mono source_properties=device.description=Kiosk_microphone
set-default-sink {speaker}
set-default-source {mic}
"""


class SoundServerError(RuntimeError):
    """The sound server could not start, or a tool talking to it failed."""


def unavailable_reason() -> str | None:
    """Why no private sound server can run here (None: the programs are installed)."""
    for program, package in (("pulseaudio", "pulseaudio"), ("pacat", "pulseaudio-utils"),
                             ("pactl", "pulseaudio-utils")):
        if shutil.which(program) is None:
            return f"{program} is not installed (Debian package {package}; scripts/system-deps)"
    return None


def to_s16(signal_: Signal) -> bytes:
    """A float signal in -1..1 as s16le bytes (clipped)."""
    return (np.clip(signal_, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()


def from_s16(data: bytes, channels: int = 1) -> Signal:
    """s16le bytes as a float signal; several channels are averaged into one."""
    usable = len(data) - len(data) % (2 * channels)
    pcm = np.frombuffer(data[:usable], dtype="<i2").astype(np.float64) / 32768.0
    if channels > 1:
        pcm = pcm.reshape(-1, channels).mean(axis=1)
    return pcm


def tone(freq: float, seconds: float, *, amplitude: float = 0.5, rate: int = RATE) -> Signal:
    """A sine of ``freq`` Hz."""
    t = np.arange(round(seconds * rate)) / rate
    return amplitude * np.sin(2 * np.pi * freq * t)


def dominant_frequency(signal_: Signal, rate: int = RATE) -> float:
    """The frequency (Hz) of the strongest FFT bin (Hann window); 0.0 for an empty signal."""
    if signal_.size < 2:
        return 0.0
    spectrum = np.abs(np.fft.rfft(signal_ * np.hanning(signal_.size)))
    spectrum[0] = 0.0
    return float(np.argmax(spectrum) * rate / signal_.size)


def rms_dbfs(signal_: Signal) -> float:
    """The level of a signal in dBFS (-120 for silence)."""
    if signal_.size == 0:
        return -120.0
    rms = float(np.sqrt(np.mean(signal_ * signal_)))
    return 20.0 * float(np.log10(max(rms, 1e-6)))


class Recorder:
    """``parec`` recording a source in the background, into memory, until :meth:`stop`."""

    def __init__(self, server: SoundServer, device: str, channels: int) -> None:
        self.channels = channels
        self._proc = subprocess.Popen(
            ["parec", f"--device={device}", "--raw", "--format=s16le", f"--rate={RATE}",
             f"--channels={channels}", "--latency-msec=20"],
            env=server.env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._chunks: list[bytes] = []
        self._lock = threading.RLock()
        self._grew = threading.Condition(self._lock)
        self._thread = threading.Thread(target=self._read, name=f"parec {device}", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        while chunk := os.read(self._proc.stdout.fileno(), 65536):
            with self._lock:
                self._chunks.append(chunk)
                self._grew.notify_all()
        with self._lock:
            self._grew.notify_all()

    @property
    def seconds(self) -> float:
        """How much has been recorded so far."""
        with self._lock:
            size = sum(len(c) for c in self._chunks)
        return size / (2 * self.channels * RATE)

    def wait_until(self, condition: Callable[[Recorder], bool], timeout: float = 30.0) -> None:
        """Block until ``condition(self)`` holds after a new chunk (SoundServerError if not
        within ``timeout``). From async code: ``await asyncio.to_thread(rec.wait_until, ...)``."""
        with self._grew:
            if not self._grew.wait_for(lambda: condition(self) or self._proc.poll() is not None,
                                       timeout):
                raise SoundServerError(f"the recording did not get there in {timeout:.0f} s")
            if not condition(self):
                raise SoundServerError("parec ended before the recording got there")

    def signal(self) -> Signal:
        """What has been recorded so far (mono), without stopping."""
        with self._lock:
            data = b"".join(self._chunks)
        return from_s16(data, self.channels)

    def stop(self) -> Signal:
        """Stop recording and return everything recorded (mono)."""
        if self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
        try:
            self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        self._thread.join(timeout=5)
        if self._proc.stdout is not None:
            self._proc.stdout.close()
        return self.signal()


class Player:
    """``pacat`` playing a signal into a sink in real time (the server's clock paces it)."""

    def __init__(self, server: SoundServer, signal_: Signal, device: str) -> None:
        self.seconds = signal_.size / RATE
        self._proc = subprocess.Popen(
            ["pacat", "--playback", f"--device={device}", "--raw", "--format=s16le",
             f"--rate={RATE}", "--channels=1", "--latency-msec=20"],
            env=server.env(), stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._data = to_s16(signal_)
        self._thread = threading.Thread(target=self._write, name=f"pacat {device}", daemon=True)
        self._thread.start()

    def _write(self) -> None:
        assert self._proc.stdin is not None
        with contextlib.suppress(BrokenPipeError, ValueError, OSError):
            self._proc.stdin.write(self._data)
            self._proc.stdin.close()

    @property
    def playing(self) -> bool:
        return self._proc.poll() is None

    def wait(self, timeout: float | None = None) -> None:
        """Wait until everything was played (``timeout`` defaults to its length + 5 s)."""
        self._proc.wait(timeout=self.seconds + 5.0 if timeout is None else timeout)
        self._thread.join(timeout=5)
        self._close()

    def stop(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
        self._proc.wait()
        self._thread.join(timeout=5)
        self._close()

    def _close(self) -> None:
        if self._proc.stdin is not None:
            with contextlib.suppress(OSError):
                self._proc.stdin.close()


class RoomLoop:
    """A room between the speaker and the microphone: the speaker's monitor, through an impulse
    response, played into the microphone's feed, in real time (``parec`` → numpy → ``pacat``).

    The loop itself adds the two tools' buffering (about 70–90 ms: ``pacat`` keeps 60 ms, so a
    late block under load does not underrun and shift the echo's delay) before the response's
    own delay. :meth:`stop` ends both tools.
    """

    BLOCK = 480  # 10 ms

    def __init__(self, server: SoundServer, response: Signal) -> None:
        self.response = np.asarray(response, dtype=np.float64)
        channels = server.speaker_channels
        self._channels = channels
        self._rec = subprocess.Popen(
            ["parec", f"--device={SPEAKER}.monitor", "--raw", "--format=s16le", f"--rate={RATE}",
             f"--channels={channels}", "--latency-msec=10"],
            env=server.env(), stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._play = subprocess.Popen(
            ["pacat", "--playback", f"--device={MIC_FEED}", "--raw", "--format=s16le",
             f"--rate={RATE}", "--channels=1", "--latency-msec=60"],
            env=server.env(), stdin=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self._tail = np.zeros(self.response.size - 1)
        self.blocks = 0
        self._thread = threading.Thread(target=self._run, name="room", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._rec.stdout is not None
        assert self._play.stdin is not None
        size = self.BLOCK * 2 * self._channels
        pending = b""
        with contextlib.suppress(BrokenPipeError, ValueError, OSError):
            while chunk := os.read(self._rec.stdout.fileno(), size):
                pending += chunk
                usable = len(pending) - len(pending) % (2 * self._channels)
                block, pending = pending[:usable], pending[usable:]
                x = from_s16(block, self._channels)
                # Overlap-add: this block's full convolution, plus what earlier blocks left.
                y = np.convolve(x, self.response)
                y[: self._tail.size] += self._tail
                out, rest = y[: x.size], y[x.size:]
                tail = np.zeros(self.response.size - 1)
                tail[: rest.size] = rest
                self._tail = tail
                self._play.stdin.write(to_s16(out))
                self._play.stdin.flush()
                self.blocks += 1

    def stop(self) -> None:
        for proc in (self._rec, self._play):
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        self._thread.join(timeout=5)
        for stream in (self._rec.stdout, self._play.stdin):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


class SoundServer:
    """A private PulseAudio server (see the module docstring for what it holds).

    Use as a context manager, or call :meth:`start` and :meth:`stop`. ``speaker_channels`` is the
    speaker sink's channel count (the kiosk plays stereo; recordings are mixed to mono).
    """

    def __init__(self, root: Path | None = None, *, speaker_channels: int = 2) -> None:
        self._own_root = root is None
        self.root = Path(tempfile.mkdtemp(prefix="sound-")) if root is None else root
        self.speaker_channels = speaker_channels
        self.socket = self.root / "native"
        self.log_path = self.root / "pulseaudio.log"
        self._proc: subprocess.Popen[bytes] | None = None
        self._children: list[Player | Recorder | RoomLoop] = []

    # ----- lifetime ---------------------------------------------------------------------------

    @property
    def server(self) -> str:
        """The value of ``PULSE_SERVER`` for clients of this server."""
        return f"unix:{self.socket}"

    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        """An environment for a client process (Qt, pacat, the kiosk) of this server only."""
        env = dict(os.environ if base is None else base)
        env.update(PULSE_SERVER=self.server, PULSE_RUNTIME_PATH=str(self.root / "runtime"),
                   PULSE_STATE_PATH=str(self.root / "state"),
                   PULSE_CLIENTCONFIG=str(self.root / "client.conf"))
        return env

    def start(self) -> None:
        """Start the server and wait until it answers; :class:`SoundServerError` if it cannot."""
        reason = unavailable_reason()
        if reason is not None:
            raise SoundServerError(reason)
        for sub in ("runtime", "state", "home", "config"):
            (self.root / sub).mkdir(parents=True, exist_ok=True)
        (self.root / "client.conf").write_text("autospawn = no\n")
        script = self.root / "default.pa"
        script.write_text(_DEFAULT_PA.format(
            socket=self.socket, speaker=SPEAKER, mic=MIC, feed=MIC_FEED, rate=RATE,
            speaker_channels=self.speaker_channels))
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.root / "home"),
            "XDG_RUNTIME_DIR": str(self.root / "runtime"),
            "XDG_CONFIG_HOME": str(self.root / "config"),
            "PULSE_RUNTIME_PATH": str(self.root / "runtime"),
            "PULSE_STATE_PATH": str(self.root / "state"),
        }
        with self.log_path.open("wb") as log:
            self._proc = subprocess.Popen(
                ["pulseaudio", "-n", "--file", str(script), "--daemonize=no",
                 "--exit-idle-time=-1", "--use-pid-file=no", "--disable-shm=yes",
                 "--system=no", "--realtime=no", "--high-priority=no", "--log-target=stderr"],
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                break
            if self.socket.exists() and self._answers():
                return
            time.sleep(0.05)
        tail = self.log_path.read_text(errors="replace").strip().splitlines()[-5:]
        self.stop()
        raise SoundServerError("pulseaudio did not start: " + " | ".join(tail))

    def _answers(self) -> bool:
        result = subprocess.run(["pactl", "info"], env=self.env(), capture_output=True,
                                timeout=5, check=False)
        return result.returncode == 0

    def stop(self) -> None:
        """End every player and recorder, then the server; remove its folder if it made it."""
        for child in self._children:
            with contextlib.suppress(Exception):
                child.stop()
        self._children.clear()
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> SoundServer:
        self.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ----- tools ------------------------------------------------------------------------------

    def pactl(self, *args: str) -> str:
        """Run ``pactl`` against this server and return what it printed."""
        result = subprocess.run(["pactl", *args], env=self.env(), capture_output=True,
                                text=True, timeout=10, check=False)
        if result.returncode != 0:
            raise SoundServerError(f"pactl {args[0] if args else ''} failed: "
                                   f"{result.stderr.strip()}")
        return result.stdout

    def player(self, signal_: Signal, device: str = MIC_FEED) -> Player:
        """Start playing a mono signal into a sink (default: the microphone's feed)."""
        player = Player(self, signal_, device)
        self._children.append(player)
        return player

    def play(self, signal_: Signal, device: str = MIC_FEED) -> None:
        """Play a mono signal into a sink and wait until it has been played."""
        self.player(signal_, device).wait()

    def recorder(self, device: str = SPEAKER + ".monitor", channels: int | None = None
                 ) -> Recorder:
        """Start recording a source (default: what the speaker plays)."""
        if channels is None:
            channels = self.speaker_channels if device == SPEAKER + ".monitor" else 1
        recorder = Recorder(self, device, channels)
        self._children.append(recorder)
        return recorder

    def room(self, response: Signal) -> RoomLoop:
        """Put a room between the speaker and the microphone (see :class:`RoomLoop`)."""
        loop = RoomLoop(self, response)
        self._children.append(loop)
        return loop

    def record(self, seconds: float, device: str = SPEAKER + ".monitor") -> Signal:
        """Record a source for ``seconds`` of audio and return it (mono)."""
        recorder = self.recorder(device)
        recorder.wait_until(lambda r: r.seconds >= seconds, timeout=seconds + 5.0)
        return recorder.stop()[: round(seconds * RATE)]


@contextlib.contextmanager
def sound_server(root: Path | None = None) -> Iterator[SoundServer]:
    """A started :class:`SoundServer`, stopped at the end of the block."""
    server = SoundServer(root)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def sound() -> Iterator[SoundServer]:
    """A started private sound server (skips, with the reason, where none can start)."""
    reason = unavailable_reason()
    if reason is not None:
        pytest.skip(reason)
    server = SoundServer()
    try:
        server.start()
    except SoundServerError as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()
