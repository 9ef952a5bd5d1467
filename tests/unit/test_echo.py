"""kiosk.media.echo: WebRTC's audio processing (the real livekit module) on 10 ms frames, fed
with the speaker's audio as the reference (paced by the microphone), and the echo benchmark's
figures."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from bench import echo as bench_echo
from kiosk.media.echo import (
    FRAME_BYTES,
    MAX_REFERENCE_MS,
    RATE,
    AudioProcessor,
    ProcessingSettings,
)


def s16(x: np.ndarray) -> bytes:
    return bytes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())


def level_db(pcm: bytes) -> float:
    x = np.frombuffer(pcm, dtype="<i2").astype(np.float64) / 32768
    return 10 * math.log10(max(float(np.mean(x * x)), 1e-12))


def run_room(proc: AudioProcessor, far: np.ndarray, near: np.ndarray, delay_ms: int = 40
             ) -> tuple[bytes, bytes]:
    """Speaker -> a room (a delay and half the level) -> microphone, 10 ms at a time."""
    delay = RATE * delay_ms // 1000
    echo = np.concatenate([np.zeros(delay), 0.5 * far])[: far.size]
    mic = echo + near
    out = bytearray()
    for i in range(0, far.size - 479, 480):
        proc.far_end(s16(far[i:i + 480]))
        out += proc.near_end(s16(mic[i:i + 480]))
    return s16(mic), bytes(out)


def test_with_every_part_off_the_microphone_passes_untouched() -> None:
    proc = AudioProcessor(ProcessingSettings.off())
    assert not proc.active
    pcm = s16(np.sin(np.arange(1234) / 10))
    assert proc.near_end(pcm) == pcm
    proc.far_end(pcm)  # no reference is kept
    assert proc.frames_processed == 0


def test_any_length_in_whole_10_ms_frames_out() -> None:
    proc = AudioProcessor(ProcessingSettings(echo_cancellation=False, noise_suppression=False,
                                             high_pass_filter=True))
    assert proc.active
    pieces = [proc.near_end(bytes(n)) for n in (100, 1000, 2, 900)]  # 2002 bytes in
    assert [len(p) for p in pieces] == [0, FRAME_BYTES, 0, FRAME_BYTES]
    assert proc.frames_processed == 2
    proc.reset()
    assert proc.near_end(bytes(FRAME_BYTES - 2)) == b""


def test_the_echo_of_the_speaker_is_removed_once_converged() -> None:
    far = bench_echo.synthetic_speech(6.0, pitch=120, seed=3) * 0.5
    proc = AudioProcessor()
    mic, out = run_room(proc, far, np.zeros(far.size))
    tail = slice(len(mic) // 2, len(mic))  # the last 3 s, once converged
    reduction = level_db(mic[tail]) - level_db(out[tail])
    assert reduction >= 25, f"echo reduced by only {reduction:.1f} dB"
    assert proc.cpu_s > 0


def test_near_end_speech_alone_keeps_its_level() -> None:
    near = bench_echo.synthetic_speech(4.0, pitch=200, seed=4) * 0.3
    proc = AudioProcessor()
    mic, out = run_room(proc, np.zeros(near.size), near)
    assert level_db(out) == pytest.approx(level_db(mic), abs=3)


def test_with_echo_cancellation_off_the_echo_stays() -> None:
    far = bench_echo.synthetic_speech(4.0, pitch=120, seed=3) * 0.5
    proc = AudioProcessor(ProcessingSettings(echo_cancellation=False))
    mic, out = run_room(proc, far, np.zeros(far.size))
    assert level_db(mic) - level_db(out) < 3


def test_the_delay_is_kept_within_what_aec3_accepts() -> None:
    proc = AudioProcessor()
    proc.set_delay_ms(-5)
    assert proc.delay_ms == 0
    proc.set_delay_ms(90.7)  # type: ignore[arg-type]
    assert proc.delay_ms == 90
    proc.set_delay_ms(10_000)
    assert proc.delay_ms == 500


def test_the_reference_waits_for_the_microphone_one_frame_each() -> None:
    proc = AudioProcessor()
    proc.far_end(bytes(FRAME_BYTES * 3 + 100))  # a burst: 30 ms and a bit
    assert proc.queued_ms == 31
    proc.near_end(bytes(FRAME_BYTES * 2))  # two microphone frames take two frames of it
    assert proc.queued_ms == 11
    proc.near_end(bytes(FRAME_BYTES * 2))  # one more frame of reference, then none to give
    assert proc.queued_ms == 1
    assert proc.frames_processed == 4
    proc.reset()
    assert proc.queued_ms == 0


def test_the_reference_queue_is_bounded_by_dropping_the_oldest() -> None:
    proc = AudioProcessor()
    proc.far_end(bytes(FRAME_BYTES * (MAX_REFERENCE_MS // 10 + 5)))  # no microphone takes it
    assert proc.queued_ms == MAX_REFERENCE_MS
    assert proc.reference_dropped_ms == 50
    off = AudioProcessor(ProcessingSettings(echo_cancellation=False))
    off.far_end(bytes(FRAME_BYTES * 3))
    assert off.queued_ms == 0  # no echo cancellation, no reference kept


def test_the_echo_is_removed_when_the_speaker_is_written_in_bursts() -> None:
    """The speaker's writes stall for 190 ms every 1.3 s and then come all at once, while the
    room hears them played steadily from the speaker's 200 ms buffer: the reference paced by the
    microphone keeps the echo down (68-75 dB here; handed to AEC3 as written, 11-16 dB: each
    burst overruns AEC3's render buffer and resets its delay estimate)."""
    far = bench_echo.synthetic_speech(8.0, pitch=120, seed=3) * 0.5
    frames = far.size // 480
    sink = 20  # 10 ms frames: the speaker's 200 ms buffer
    arrival = np.arange(frames) // 2 * 2 + 1  # 20 ms packets
    for stall in range(60, frames, 130):
        held = (arrival >= stall) & (arrival < stall + 19)
        arrival[held] = stall + 19
    written = np.searchsorted(arrival, np.arange(frames), side="right")
    played = np.concatenate([np.zeros(sink * 480), far])[: far.size]
    mic = np.concatenate([np.zeros(RATE * 40 // 1000), 0.5 * played])[: far.size]
    proc = AudioProcessor()
    out = bytearray()
    done = 0
    for i in range(frames):
        if written[i] > done:
            proc.far_end(s16(far[done * 480:written[i] * 480]))
            done = int(written[i])
        if i % 50 == 0:
            proc.set_delay_ms((done - (i - sink)) * 10)  # as the app: written, not yet played
        out += proc.near_end(s16(mic[i * 480:(i + 1) * 480]))
    tail = slice(len(out) // 2, len(out))  # the last 4 s, three stalls in it
    reduction = level_db(s16(mic)[tail]) - level_db(bytes(out)[tail])
    assert reduction >= 25, f"echo reduced by only {reduction:.1f} dB"
    assert proc.reference_dropped_ms == 0


def test_the_benchmark_prints_its_figures_as_json(capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    # The two processings the summary is made of (the others only add columns), no stalls run:
    # half the time.
    monkeypatch.setattr(bench_echo, "PROCESSINGS", (bench_echo.PROCESSINGS[0],
                                                    bench_echo.PROCESSINGS[2]))
    assert bench_echo.main(["--json", "--seconds", "6", "--voice", "synthetic",
                            "--no-stalls"]) == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("erle_db", "erle_db_unprocessed", "converged_s", "near_end_change_db",
                "cpu_ms_per_frame"):
        assert key in result
    assert result["erle_db"] >= 25
    assert abs(result["erle_db_unprocessed"]) < 1
    assert result["cpu_ms_per_frame"] > 0
