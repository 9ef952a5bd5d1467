"""The kiosk's real audio path on a real sound server (a private PulseAudio, no sound card).

The kiosk side is the app's own device layer and engine in a child process
(tests/helpers/sound_kiosk.py: KioskDevices, EngineThread, EngineBridge, KioskEngine); the far
end is an aiortc specialist on a real hub on 127.0.0.1. The test plays into the microphone's
source and records the speaker's sink (tests/helpers/sound_server.py) and listens at the far end.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from bench.echo import synthetic_speech
from kiosk.call.specialist import DemoSpecialist
from kiosk.media.local import LocalMedia
from kiosk.media.synthetic import AUDIO_FRAME_SAMPLES, TestPatternTrack, ToneTrack
from tests.helpers.sound_kiosk import KioskProcess
from tests.helpers.sound_server import (
    MIC,
    RATE,
    SPEAKER,
    Recorder,
    Signal,
    SoundServer,
    dominant_frequency,
    rms_dbfs,
    tone,
)
from ui.devices import SPEAKER_BACKLOG_MS

WAIT = 30.0
CHIME = Path(__file__).resolve().parents[2] / "resources" / "sounds" / "chime.wav"




class SignalTrack(ToneTrack):
    """The far end's microphone: a signal, looped, in 20 ms frames paced in real time."""

    def __init__(self, signal: Signal) -> None:
        super().__init__()
        loops = -(-signal.size // AUDIO_FRAME_SAMPLES) * AUDIO_FRAME_SAMPLES
        pcm = np.zeros(loops)
        pcm[: signal.size] = signal
        self._pcm = (np.clip(pcm, -1, 1) * 32767).astype(np.int16)

    def make_frame(self, index: int) -> av.AudioFrame:
        frames = self._pcm.size // AUDIO_FRAME_SAMPLES
        start = (index % frames) * AUDIO_FRAME_SAMPLES
        frame = super().make_frame(index)
        frame.planes[0].update(self._pcm[start:start + AUDIO_FRAME_SAMPLES].tobytes())
        return frame


class FarEndEar:
    """The far end's FrameSink: keeps the audio it receives (mono), and counts frames."""

    def __init__(self) -> None:
        self.chunks: list[Signal] = []
        self.video_frames = 0
        self.audio_frames = 0
        self.changed = asyncio.Event()

    def on_remote_video(self, frame: av.VideoFrame) -> None:
        self.video_frames += 1

    def on_remote_audio(self, frame: av.AudioFrame) -> None:
        self.audio_frames += 1
        pcm = frame.to_ndarray().astype(np.float64).reshape(-1) / 32768
        channels = len(frame.layout.channels)
        self.chunks.append(pcm.reshape(-1, channels).mean(axis=1) if channels > 1 else pcm)
        self.changed.set()

    @property
    def seconds(self) -> float:
        return sum(c.size for c in self.chunks) / RATE

    def last(self, seconds: float) -> Signal:
        return np.concatenate(self.chunks)[-round(seconds * RATE):]

    async def until_seconds(self, seconds: float, within: float = WAIT) -> None:
        async with asyncio.timeout(within):
            while self.seconds < seconds:
                self.changed.clear()
                await self.changed.wait()


@contextlib.asynccontextmanager
async def far_end(hub: Any, signal: Signal) -> AsyncIterator[FarEndEar]:
    """A specialist who takes the kiosk's call, sends ``signal`` and listens."""
    media = LocalMedia(video=TestPatternTrack(160, 120, 10), audio=SignalTrack(signal))
    specialist = DemoSpecialist.for_hub(hub.url, hub.specialist_username,
                                        hub.specialist_password, media, join_delay=0.2)
    ear = FarEndEar()
    specialist.sink = ear  # type: ignore[assignment]  # a FrameSink, as LatestFrame is
    stop = asyncio.Event()
    task = asyncio.create_task(specialist.run(stop))
    try:
        await asyncio.wait_for(specialist.ready.wait(), WAIT)
        yield ear
    finally:
        stop.set()
        await asyncio.wait_for(task, WAIT)
        await media.aclose()


@contextlib.asynccontextmanager
async def kiosk(sound: SoundServer, hub: Any, tmp_path: Path, *args: str
                ) -> AsyncIterator[KioskProcess]:
    proc = await KioskProcess.start(sound.env(), hub.url, hub.new_kiosk_token(), tmp_path, *args)
    try:
        yield proc
    finally:
        log = await proc.close()
        problems = [line for line in log.splitlines()
                    if re.match(r"(WARNING|ERROR|CRITICAL)\b|Traceback", line)]
        assert not problems, "the kiosk logged:\n" + "\n".join(problems)


async def check_in(proc: KioskProcess, hub: Any, tmp_path: Path) -> None:
    code_file = tmp_path / "code"
    code_file.write_text(hub.new_appointment_code(specialist_id=hub.seed.specialist_id))
    proc.send(f"checkin {code_file}")
    result = await proc.until(lambda e: e["event"] == "checkin")
    assert result["ok"], result
    await proc.until(lambda e: e["event"] == "state" and e["value"] == "connected")


@pytest.mark.parametrize("path", ["pulse", "qt"])
async def test_level_meter_rises_with_sound_and_stays_low_with_silence(
        sound: SoundServer, hub: Any, tmp_path: Path, path: str) -> None:
    args = ("--qt-capture",) if path == "qt" else ()
    async with kiosk(sound, hub, tmp_path, *args) as proc:
        assert proc.of("ready")[0]["microphones"] == ["Kiosk_microphone"]
        proc.send("start")
        await proc.until(lambda e: e["event"] == "level" and len(proc.levels()) >= 10)
        quiet = proc.levels()
        assert max(quiet) < 0.1, quiet
        player = sound.player(tone(1000, 3.0, amplitude=0.3))
        heard = await proc.until(lambda e: e["event"] == "level" and e["value"] > 0.5)
        assert heard["value"] > 0.5
        stats = await proc.stats()
        assert stats["mic_path"] == path
        assert stats["processed_frames"] > 0
        player.stop()


async def test_a_sine_source_as_the_default_microphone_moves_the_meter(
        sound: SoundServer, hub: Any, tmp_path: Path) -> None:
    """The issue's set-up: the server's own sine source is the default microphone (the test's
    silent one is there too). QAudioSource read it at a trickle; the kiosk must hear it at once,
    and use the system's default microphone rather than whichever Qt lists first."""
    sound.pactl("load-module", "module-sine-source", "source_name=sine", "rate=44100",
                "frequency=1000")
    sound.pactl("set-default-source", "sine")
    async with kiosk(sound, hub, tmp_path) as proc:
        assert proc.of("ready")[0]["microphones"] == ["Sine source at 1000 Hz",
                                                      "Kiosk_microphone"]
        proc.send("start")
        await proc.until(lambda e: e["event"] == "level" and e["value"] > 0.5)
        count = len(proc.levels())
        await proc.until(lambda e: e["event"] == "level" and len(proc.levels()) >= count + 20)
        assert min(proc.levels()[count:]) > 0.5  # it keeps moving: no trickle, no stall


@pytest.mark.parametrize(("args", "min_dbfs"), [
    pytest.param((), -40, id="kiosk-processing"),  # a steady tone is noise to the suppressor
    pytest.param(("--no-ns",), -16, id="no-noise-suppression"),  # sent at -13.5 dBFS
])
async def test_a_tone_reaches_the_far_end_and_the_far_ends_tone_the_speaker(
        sound: SoundServer, hub: Any, tmp_path: Path, args: tuple[str, ...],
        min_dbfs: float) -> None:
    async with far_end(hub, tone(660, 1.0, amplitude=0.3)) as ear, \
            kiosk(sound, hub, tmp_path, *args) as proc:
        proc.send("start")
        player = sound.player(tone(1000, 40.0, amplitude=0.3))
        speaker = sound.recorder()
        await check_in(proc, hub, tmp_path)
        await ear.until_seconds(4.0)
        heard = ear.last(2.0)
        assert dominant_frequency(heard) == pytest.approx(1000, abs=10)
        blocks = heard[: heard.size // 480 * 480].reshape(-1, 480)
        quiet = float(np.mean(np.sqrt(np.mean(blocks ** 2, axis=1)) < 0.02))
        print(f"far end: {rms_dbfs(heard):.1f} dBFS at {dominant_frequency(heard):.0f} Hz")
        assert rms_dbfs(heard) > min_dbfs, f"{quiet:.0%} of 10 ms blocks silent"
        await asyncio.to_thread(speaker.wait_until, lambda r: r.seconds >= 4.0)
        played = speaker.signal()[-2 * RATE:]
        assert dominant_frequency(played) == pytest.approx(660, abs=10)
        assert rms_dbfs(played) > -30
        stats = await proc.stats()
        assert stats["speaker_written"] > 0
        player.stop()


def tone_breaks(played: Signal, freq: float) -> tuple[list[float], list[float]]:
    """Where a steady tone in a recording breaks: each run of 5 ms blocks whose level falls
    below half the tone's (a gap, in ms), and each jump of the tone's phase from one block to
    the next (degrees; audio left out or put in moves it). Blocks of the tone's whole phase are
    taken by demodulating at ``freq``."""
    block = 240
    count = played.size // block
    t = np.arange(count * block) / RATE
    z = (played[: count * block] * np.exp(-2j * np.pi * freq * t)).reshape(count, block).mean(1)
    level = np.abs(z)
    low = np.concatenate(([False], level < 0.5 * np.median(level), [False]))
    edges = np.flatnonzero(np.diff(low.astype(np.int8)))
    gaps = [float(run * 5) for run in edges[1::2] - edges[::2]]
    jumps = np.degrees(np.abs(np.angle(z[1:] * np.conj(z[:-1]))))
    return gaps, [round(float(j)) for j in jumps if j > 30]


async def test_the_far_ends_first_words_all_reach_the_speaker(
        sound: SoundServer, hub: Any, tmp_path: Path) -> None:
    """The call starts while the sound server takes nothing from the speaker's stream: its sink
    is suspended until 400 ms wait beyond the sink's buffer (PulseAudio's idle null sink takes
    nothing for 1-2 s after the speaker is opened). The first 200 ms fill the sink's buffer; the
    rest waits for room rather than being dropped: in the first 2 s of the far end's tone that
    the speaker plays nothing is dropped and there is no gap (the tone's phase jumps, where audio
    is left out or put in, are printed: a loaded test rig's recorder has them too). Before,
    everything beyond the sink's buffer was dropped: 29 frames here."""
    freq = 669.1  # a frame of it is 13.38 periods: a frame left out moves its phase by 137°
    async with far_end(hub, tone(freq, 30.0, amplitude=0.3)), \
            kiosk(sound, hub, tmp_path) as proc:
        proc.send("start")
        sound.pactl("suspend-sink", SPEAKER, "1")
        speaker = sound.recorder()
        await check_in(proc, hub, tmp_path)
        proc.send("waiting 400")
        waited = await proc.until(lambda e: e["event"] == "waiting")
        sound.pactl("suspend-sink", SPEAKER, "0")
        onset = await asyncio.to_thread(_onset, speaker)
        await asyncio.to_thread(speaker.wait_until, lambda r: r.seconds >= onset + 2.2)
        stats = await proc.stats()
    played = speaker.signal()[round(onset * RATE):][: 2 * RATE]
    gaps, jumps = tone_breaks(played[RATE // 20:], freq)
    print(f"the sink suspended as the call starts: {waited['ms']} ms waited for it, "
          f"{stats['speaker_waiting_ms']} ms 2 s later; in the first 2 s of the far end's tone "
          f"{stats['speaker_dropped']} frames dropped; gaps {gaps} ms, phase jumps {jumps}°")
    assert stats["speaker_dropped"] == 0
    assert dominant_frequency(played) == pytest.approx(freq, abs=5)
    assert not [gap for gap in gaps if gap > 20], gaps


def _onset(recorder: Recorder) -> float:
    """When the far end's sound starts in a recording of the speaker (s)."""
    recorder.wait_until(lambda r: bool(np.any(np.abs(r.signal()) > 0.05)))
    return float(np.argmax(np.abs(recorder.signal()) > 0.05)) / RATE


async def test_a_backlog_of_far_end_audio_is_bounded(
        sound: SoundServer, hub: Any, tmp_path: Path) -> None:
    """Far-end audio coming faster than the speaker plays it (5 s of it in half a second) does
    not queue up without end: what waits for the sink stays within SPEAKER_BACKLOG_MS, the oldest
    goes beyond it, and the kiosk says so once at INFO. Silence that comes while audio waits
    (the far end's pause, 1 s of it) is skipped, so the latency does not grow with it."""
    async with kiosk(sound, hub, tmp_path) as proc:
        proc.send("start")
        proc.send("burst 250 50")
        burst = await proc.until(lambda e: e["event"] == "burst")
        stats = await proc.stats()
    told = [line for line in proc.stderr_path.read_text().splitlines() if "fell behind" in line]
    print(f"a 5 s burst and 1 s of silence: at most {burst['most_waiting_ms']} ms waiting, "
          f"{stats['speaker_dropped']} frames dropped, {stats['speaker_skipped']} silent ones "
          f"skipped; {told}")
    assert 0 < burst["most_waiting_ms"] <= SPEAKER_BACKLOG_MS
    assert stats["speaker_skipped"] == 50
    # 250 frames, at most 2.2 s kept (waiting and in the sink), a little played meanwhile.
    assert stats["speaker_dropped"] >= 250 - (SPEAKER_BACKLOG_MS + 200 + 1000) // 20
    assert len(told) == 1, told
    assert told[0].startswith("INFO ui.devices"), told


async def test_the_speaker_checks_chime_reaches_the_speaker(
        sound: SoundServer, hub: Any, tmp_path: Path) -> None:
    with wave.open(str(CHIME)) as w:
        raw = w.readframes(w.getnframes())
        chime = np.frombuffer(raw, dtype="<i2").astype(np.float64) / 32768
        chime = chime.reshape(-1, w.getnchannels()).mean(axis=1)
        chime_rate = w.getframerate()
    async with kiosk(sound, hub, tmp_path) as proc:
        recorder = sound.recorder()
        proc.send("chime")
        assert (await proc.until(lambda e: e["event"] == "chime"))["played"]
        await asyncio.to_thread(recorder.wait_until, lambda r: r.seconds >= 1.5
                                and rms_dbfs(r.signal()) > -50)
        played = recorder.stop()
        loud = played[np.abs(played) > 0.01]
        assert loud.size > 0.1 * RATE
        assert dominant_frequency(played) == pytest.approx(
            dominant_frequency(chime, chime_rate), rel=0.03)


def test_the_microphone_is_the_speakers_neighbour_only_through_the_room(
        sound: SoundServer) -> None:
    """The set-up the echo test relies on: nothing played on the speaker reaches the mic."""
    recorder = sound.recorder(MIC)
    sound.play(tone(500, 0.5), device=SPEAKER)
    assert rms_dbfs(recorder.stop()) < -90


def room_response() -> Signal:
    """40 ms to the microphone, then a reverberant tail (RT60 0.3 s, 3 dB below the direct
    sound); the loop through the sound server adds its own 40–60 ms."""
    rng = np.random.default_rng(5)
    start = round(0.040 * RATE)
    response = np.zeros(start + round(0.3 * RATE))
    response[start] = 0.5
    t = np.arange(1, response.size - start) / RATE
    tail = rng.standard_normal(t.size) * np.exp(-6.91 * t / 0.3)
    response[start + 1:] = tail * np.sqrt(0.25 * 10 ** -0.3 / np.sum(tail ** 2))
    return response


@pytest.mark.parametrize(("args", "reduction", "listen_s"), [
    # 8 s to converge (the bench's hardest room takes 3), then the 6 s measured.
    pytest.param((), (20.0, None), 14.0, id="echo-cancelled"),
    # Nothing to converge: the 6 s measured are enough.
    pytest.param(("--no-aec",), (None, 10.0), 7.0, id="echo-cancellation-off"),
])
async def test_the_far_end_does_not_hear_itself_back(
        sound: SoundServer, hub: Any, tmp_path: Path, args: tuple[str, ...],
        reduction: tuple[float | None, float | None], listen_s: float) -> None:
    """Speaker → room → microphone on the sound server, in a real call: the specialist's speech
    comes back to them at least 20 dB below what the kiosk's microphone hears."""
    speech = synthetic_speech(8.0, pitch=120, seed=11) * 0.5
    sound.room(room_response())
    mic = sound.recorder(MIC)
    async with far_end(hub, speech) as ear, kiosk(sound, hub, tmp_path, *args) as proc:
        proc.send("start")
        await check_in(proc, hub, tmp_path)
        start = ear.seconds
        await ear.until_seconds(start + listen_s, within=50.0)
        back = ear.last(6.0)
        heard = mic.signal()[-6 * RATE:]
        stats = await proc.stats()
    erle = rms_dbfs(heard) - rms_dbfs(back)
    # Per second too: a glitch in the loop (a late block shifts the echo's delay) costs AEC3 a
    # second or so to re-converge; the median says what the far end hears most of the time.
    windows = [rms_dbfs(heard[i:i + RATE]) - rms_dbfs(back[i:i + RATE])
               for i in range(0, 6 * RATE, RATE)]
    typical = float(np.median(windows))
    print(f"echo: microphone {rms_dbfs(heard):.1f} dBFS, back at the far end "
          f"{rms_dbfs(back):.1f} dBFS: {erle:.1f} dB less over 6 s, median of 1 s windows "
          f"{typical:.1f} dB (delay set {stats['delay_ms']} ms)")
    assert rms_dbfs(heard) > -35, "the room brings the far end's speech to the microphone"
    at_least, at_most = reduction
    if at_least is not None:
        assert typical >= at_least, windows
    if at_most is not None:
        assert erle <= at_most


def gaps_ms(played: Signal, floor: float = 1e-4) -> list[float]:
    """Each run of silence (every sample below ``floor``) of 10 ms or more in a recording, in
    ms: where the speaker ran dry (the far end's signal has a floor, so it is never silent)."""
    quiet = np.concatenate(([False], np.abs(played) < floor, [False]))
    edges = np.flatnonzero(np.diff(quiet.astype(np.int8)))
    runs = (edges[1::2] - edges[::2]) / RATE * 1000
    return [round(float(run), 1) for run in runs if run >= 10]


async def test_a_stalling_gui_thread_neither_starves_the_speaker_nor_lets_the_echo_back(
        sound: SoundServer, hub: Any, tmp_path: Path) -> None:
    """The GUI thread blocked for 250 ms every 1.5 s (a heavy repaint, a screen change): longer
    than the speaker's 200 ms buffer. The speaker plays on its own thread, so the sink does not
    run dry at each stall (no gap of 50 ms or more in what it plays, but for one glitch of the
    test rig: under load, one was seen with no stall at all) and the echo's delay stays put
    (AEC3 keeps its grip). Written from the GUI thread (before the speaker had its thread), the
    sink ran dry at every stall: a gap of 64-183 ms each time, and the echo came back at a
    median of 12.5-14.7 dB."""
    rng = np.random.default_rng(7)
    speech = synthetic_speech(8.0, pitch=120, seed=11) * 0.5
    speech += 0.005 * rng.standard_normal(speech.size)  # a floor: the speech's pauses are no gap
    sound.room(room_response())
    mic = sound.recorder(MIC)
    speaker = sound.recorder()
    async with far_end(hub, speech) as ear, kiosk(sound, hub, tmp_path) as proc:
        proc.send("start")
        proc.send("stall 250 1500")
        await proc.until(lambda e: e["event"] == "stalling")
        await check_in(proc, hub, tmp_path)
        start = ear.seconds
        await ear.until_seconds(start + 14.0, within=50.0)
        back = ear.last(6.0)
        heard = mic.signal()[-6 * RATE:]
        played = speaker.signal()[-10 * RATE:]
        stats = await proc.stats()
    windows = [rms_dbfs(heard[i:i + RATE]) - rms_dbfs(back[i:i + RATE])
               for i in range(0, 6 * RATE, RATE)]
    typical = float(np.median(windows))
    gaps = gaps_ms(played)
    print(f"with GUI stalls ({stats['stalls']}): echo {rms_dbfs(heard) - rms_dbfs(back):.1f} dB "
          f"less over 6 s, median of 1 s windows {typical:.1f} dB; gaps in what the speaker "
          f"played over 10 s: {gaps} ms; {stats['speaker_dropped']} frames dropped")
    assert stats["stalls"] >= 8, "the GUI thread stalled all along"
    assert rms_dbfs(heard) > -35, "the room brings the far end's speech to the microphone"
    assert len([gap for gap in gaps if gap >= 50]) <= 1, "the speaker ran dry at the stalls"
    assert typical >= 20.0, windows
