"""Read aloud through the real engine: QTextToSpeech → speech-dispatcher → espeak-ng → a private
PulseAudio (tests/helpers/sound_server.py), recorded from the speaker's monitor.

The kiosk side is the real window and ``ui.speech.ScreenReader`` in a child process
(tests/helpers/read_aloud_kiosk.py) started with the sound server's environment and its own
speech-dispatcher (configuration, socket and logs in a temporary folder; never the machine's).
Each test checks what a patient would hear: speech of a plausible length, in the language they
chose (the espeak-ng voice Qt reports, and the language speech-dispatcher was asked for), and
silence within 200 ms of a touch.
"""

from __future__ import annotations

import contextlib
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from kiosk.speech import STOP_WITHIN_S
from tests.helpers.sound_server import RATE, Recorder, Signal, SoundServer

ROOT = Path(__file__).resolve().parents[2]
WAIT = 30.0
LOUD = 0.02  # a sample louder than this is speech (espeak-ng peaks near 0.3-0.9)
WINDOW_S = 0.01  # loudness is judged over 10 ms blocks


def speech_unavailable() -> str | None:
    """Why the real speech path cannot run here (None: it can)."""
    for program, package in (("speech-dispatcher", "speech-dispatcher"),
                             ("espeak-ng", "espeak-ng")):
        if shutil.which(program) is None:
            return f"{program} is not installed (Debian package {package}; scripts/system-deps)"
    if not Path("/usr/lib/speech-dispatcher-modules/sd_espeak-ng").exists():
        return "speech-dispatcher's espeak-ng module is not installed " \
               "(Debian package speech-dispatcher-espeak-ng)"
    return None


class ReadAloudKiosk:
    """The child process, seen from the test: commands in, JSON events out."""

    def __init__(self, env: dict[str, str], tmp: Path) -> None:
        self.stderr_path = tmp / "kiosk-stderr.log"
        with self.stderr_path.open("wb") as err:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tests.helpers.read_aloud_kiosk"], cwd=ROOT, env=env,
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err, text=True)
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.events.put(json.loads(line))

    def send(self, command: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write(command + "\n")
        self.proc.stdin.flush()

    def until(self, event: str) -> dict[str, Any]:
        while True:
            try:
                got = self.events.get(timeout=WAIT)
            except queue.Empty:
                raise AssertionError(f"no {event!r} from the kiosk; its stderr: "
                                     + self.stderr_path.read_text(errors="replace")[-2000:]
                                     ) from None
            if got["event"] == event:
                return got

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(BrokenPipeError, OSError):
                self.send("quit")
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._thread.join(timeout=5)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                with contextlib.suppress(OSError):
                    stream.close()


@pytest.fixture
def speech_env(sound: SoundServer, tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a kiosk whose speech-dispatcher (started by libspeechd on first use)
    speaks into the test sound server; that speech-dispatcher is stopped afterwards."""
    reason = speech_unavailable()
    if reason is not None:
        pytest.skip(reason)
    config = tmp_path / "config" / "speech-dispatcher"
    config.mkdir(parents=True)
    runtime = tmp_path / "run"
    runtime.mkdir(mode=0o700)
    logs = tmp_path / "speechd-log"
    logs.mkdir()
    (config / "speechd.conf").write_text(
        f'LogLevel 5\nLogDir "{logs}"\nAudioOutputMethod "pulse"\n'
        f'AudioPulseServer "{sound.server}"\nDefaultModule espeak-ng\n'
        'AddModule "espeak-ng" "sd_espeak-ng" "espeak-ng.conf"\nTimeout 10\n')
    env = sound.env()
    env.update(XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_RUNTIME_DIR=str(runtime),
               HOME=str(tmp_path), QT_QPA_PLATFORM="offscreen",
               QT_LOGGING_RULES="qt.multimedia.symbolsresolver=false",
               PYTHONPATH=str(ROOT), SPEECHD_LOGS=str(logs))
    try:
        yield env
    finally:
        pid_file = runtime / "speech-dispatcher" / "pid" / "speech-dispatcher.pid"
        with contextlib.suppress(OSError, ValueError):
            os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)


@pytest.fixture
def kiosk(speech_env: dict[str, str], tmp_path: Path) -> Iterator[ReadAloudKiosk]:
    child = ReadAloudKiosk(speech_env, tmp_path)
    try:
        ready = child.until("ready")
        assert ready["available"], ready["reason"]
        yield child
    finally:
        child.close()


def loud_blocks(recorded: Signal) -> np.ndarray:
    """Indices of the 10 ms blocks that hold speech."""
    block = round(WINDOW_S * RATE)
    usable = recorded.size - recorded.size % block
    peaks = np.abs(recorded[:usable]).reshape(-1, block).max(axis=1)
    return np.nonzero(peaks > LOUD)[0]


def speech_seconds(recorded: Signal) -> tuple[float, float]:
    """When speech starts and ends in a recording (seconds from its start)."""
    loud = loud_blocks(recorded)
    assert loud.size, "nothing was heard"
    return float(loud[0] * WINDOW_S), float((loud[-1] + 1) * WINDOW_S)


def wait_for_speech(recorder: Recorder, after_s: float = 0.0) -> None:
    recorder.wait_until(lambda r: bool((loud_blocks(r.signal()) * WINDOW_S > after_s).any()),
                        timeout=WAIT)


def what_speech_dispatcher_was_asked(logs: Path) -> dict[str, str]:
    """The last language, voice and rate the kiosk set, from speech-dispatcher's own log."""
    text = (logs / "speech-dispatcher.log").read_text(errors="replace")
    found = re.findall(r"DATA:\|SET SELF (LANGUAGE|SYNTHESIS_VOICE|RATE) ?(.*)", text)
    return {key: value.strip() for key, value in found}


@pytest.mark.parametrize(("language", "voice_word", "spd_language"),
                         [("en", "english", "en"), ("pl", "polish", "pl"),
                          ("cy", "welsh", "cy")])
def test_a_screen_is_read_in_the_patients_language(
        kiosk: ReadAloudKiosk, sound: SoundServer, speech_env: dict[str, str], language: str,
        voice_word: str, spd_language: str) -> None:
    kiosk.send(f"show 02_check_in {language}")
    shown = kiosk.until("shown")
    assert shown["offered"]
    recorder = sound.recorder()
    kiosk.send("read")
    said = kiosk.until("speaking")
    assert said["locale"].split("_")[0] == language
    assert voice_word in said["voice"].lower()
    # The whole text is read: wait for a second of silence after speech.
    recorder.wait_until(lambda r: speech_ends_before(r.signal(), r.seconds - 1.0), timeout=WAIT)
    start, end = speech_seconds(recorder.stop())
    words = len(said["text"].split())
    # Slowed speech: between about 1 and 3.5 words a second (espeak-ng's normal is ~2.9).
    assert words / 3.5 <= end - start <= words / 1.0, (words, end - start, said["text"])
    asked = what_speech_dispatcher_was_asked(Path(speech_env["SPEECHD_LOGS"]))
    assert asked["LANGUAGE"].split("-")[0] == spd_language, asked
    assert voice_word in asked["SYNTHESIS_VOICE"].lower(), asked
    assert asked["RATE"] == "-25", asked  # slowed for clarity (DEFAULT_SPEED, 75 %)


def speech_ends_before(recorded: Signal, seconds: float) -> bool:
    loud = loud_blocks(recorded)
    return bool(loud.size) and (loud[-1] + 1) * WINDOW_S < seconds


def test_a_touch_silences_speech_within_200_ms(kiosk: ReadAloudKiosk,
                                               sound: SoundServer) -> None:
    kiosk.send("show 01_welcome en")
    kiosk.until("shown")
    recorder = sound.recorder()
    kiosk.send("read")
    said = kiosk.until("speaking")
    assert len(said["text"].split()) > 20, said["text"]  # long enough to be cut short
    wait_for_speech(recorder)
    start, _ = speech_seconds(recorder.signal())
    recorder.wait_until(lambda r: r.seconds >= start + 1.5, timeout=WAIT)
    # The recording's length when the touch is sent is an upper bound on where the touch falls
    # in the audio (parec delivers what was played up to about now), so this measures the time
    # to silence including the trip to the child.
    touched_at = recorder.seconds
    kiosk.send("touch")
    kiosk.until("touched")
    recorder.wait_until(lambda r: r.seconds >= touched_at + 1.5, timeout=WAIT)
    recorded = recorder.stop()
    _, end = speech_seconds(recorded)
    print(f"speech stopped {end - touched_at:.3f} s after the touch was sent")
    assert end - touched_at <= STOP_WITHIN_S, f"speech went on {end - touched_at:.3f} s"
    assert loud_blocks(recorded[round((touched_at + STOP_WITHIN_S) * RATE):]).size == 0
    kiosk.send("state")
    assert kiosk.until("state")["speaking"] is False


def test_a_message_over_the_screen_is_read_instead(kiosk: ReadAloudKiosk,
                                                   sound: SoundServer) -> None:
    kiosk.send("show 06_idle_warning en")
    kiosk.until("shown")
    recorder = sound.recorder()
    kiosk.send("readnow")
    said = kiosk.until("speaking")
    assert said["text"].startswith("Are you still there?"), said["text"]
    assert "I'm still here" in said["text"]
    wait_for_speech(recorder)


def test_help_answered_by_reception_is_read_when_it_changes(kiosk: ReadAloudKiosk,
                                                             sound: SoundServer) -> None:
    """With every screen read aloud, the help message is read when it appears and again when
    it becomes "Someone from reception is coming." (reception answered it)."""
    kiosk.send("show 07_help_asked en")
    kiosk.until("shown")
    kiosk.send("auto on")
    said = kiosk.until("speaking")
    assert said["text"].startswith("Asking for help… We are letting"), said["text"]
    recorder = sound.recorder()
    kiosk.send("coming Sam")
    assert kiosk.until("coming")["title"] == "Someone from reception is coming."
    said = kiosk.until("speaking")
    assert said["text"].startswith("Someone from reception is coming."), said["text"]
    assert "Their name is Sam." in said["text"]
    wait_for_speech(recorder)


def test_a_new_screen_silences_speech_within_200_ms(kiosk: ReadAloudKiosk,
                                                    sound: SoundServer) -> None:
    kiosk.send("show 01_welcome en")
    kiosk.until("shown")
    recorder = sound.recorder()
    kiosk.send("read")
    kiosk.until("speaking")
    wait_for_speech(recorder)
    start, _ = speech_seconds(recorder.signal())
    recorder.wait_until(lambda r: r.seconds >= start + 1.0, timeout=WAIT)
    changed_at = recorder.seconds
    kiosk.send("show 02_check_in en")  # "Touch to start": the check-in screen replaces it
    kiosk.until("shown")
    recorder.wait_until(lambda r: r.seconds >= changed_at + 1.5, timeout=WAIT)
    _, end = speech_seconds(recorder.stop())
    print(f"speech stopped {end - changed_at:.3f} s after the screen change was sent")
    assert end - changed_at <= STOP_WITHIN_S, f"speech went on {end - changed_at:.3f} s"


def test_never_in_a_call(kiosk: ReadAloudKiosk) -> None:
    kiosk.send("show 31_call en")
    shown = kiosk.until("shown")
    assert shown["step"] == "consultation"
    assert not shown["offered"]  # no header, no button
    kiosk.send("readnow")
    assert kiosk.until("read")["text"] == ""
    kiosk.send("state")
    assert kiosk.until("state")["speaking"] is False
