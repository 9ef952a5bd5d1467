"""Echo benchmark: the kiosk's microphone processing in a simulated room, against none.

    python -m bench.echo [--json] [--seconds 12] [--voice auto|espeak|synthetic]

The far end's speech goes out of the kiosk's speaker path (the reference fed to
:meth:`kiosk.media.echo.AudioProcessor.far_end`, 10 ms at a time, as the speaker does), through a
simulated room (an impulse response: 40 ms of delay, then an exponentially decaying reverberant
tail of the room's RT60), back into the microphone path (:meth:`AudioProcessor.near_end`) with a
-65 dBFS noise floor. The last third of the run is double talk: near-end speech (another voice)
joins the echo. Speech is espeak-ng's (two voices) when espeak-ng is installed, else a synthetic
speech-like signal (harmonics of a gliding pitch through vowel-like formants, in syllables of
150–300 ms with pauses). Everything is seeded: two runs give the same figures but the CPU time.

Figures, for each room and each processing (none, AEC alone, the kiosk's default: AEC + noise
suppression + gain control + high-pass):

- ERLE, single talk: 10·log10(mic energy / output energy) over the frames where the far end
  speaks, from convergence to the start of double talk. Target ≥ 25 dB.
- Converged: the end of the first 0.5 s window after which every window where the far end speaks
  has ERLE ≥ 20 dB (target ≤ 2 s). "never" if that does not happen.
- Double talk: the output is projected onto the clean near-end speech (best lag ≤ 20 ms); the
  near-end level change is the projection's level minus the near end's level in the microphone
  (target within ±3 dB), the quality figures are the correlation of the output with the clean
  near end and the segmental SNR (near end vs everything else in the output, 20 ms segments
  where the near end speaks, each clamped to -10..35 dB).
- CPU per 10 ms frame: thread CPU in the module, both directions.

``--json`` prints one object: the kiosk's processing averaged over the rooms at the top level
(``erle_db``, ``erle_db_unprocessed``, ``converged_s``, ``near_end_change_db``,
``cpu_ms_per_frame``, ``correlation``, ``segmental_snr_db``) and every room and processing
under ``rooms``.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bench.common import load_note
from kiosk.media.echo import FRAME_SAMPLES, RATE, AudioProcessor, ProcessingSettings

Signal = npt.NDArray[np.float64]

#: (name, RT60 in seconds, direct-to-reverberant energy ratio in dB)
ROOMS: tuple[tuple[str, float, float], ...] = (
    ("office (RT60 0.25 s, DRR +6 dB)", 0.25, 6.0),
    ("consulting room (RT60 0.45 s, DRR +3 dB)", 0.45, 3.0),
    ("hard room (RT60 0.7 s, DRR 0 dB)", 0.7, 0.0),
)
#: The echo path's gain from the speaker's signal to the microphone (direct sound).
ECHO_GAIN = 0.5
DELAY_S = 0.040
PROCESSINGS: tuple[tuple[str, ProcessingSettings], ...] = (
    ("none", ProcessingSettings.off()),
    ("AEC only", ProcessingSettings(True, False, False, False)),
    ("kiosk", ProcessingSettings()),
    ("kiosk+AGC", ProcessingSettings(auto_gain_control=True)),
)
WINDOW_S = 0.5
CONVERGED_DB = 20.0
REACHED_DB = 25.0
#: The stalls run: the sound server plays the reference this long after it is due (the
#: speaker's buffer), and the GUI thread that writes it stalls now and then, sometimes for longer
#: than the buffer holds (the server then runs dry: silence, and the late audio after it).
SINK_S = 0.150
STALL_EVERY_S = 1.5
STALL_MS = (40.0, 300.0)


# ----- signals -----------------------------------------------------------------------------------

def synthetic_speech(seconds: float, *, pitch: float, seed: int) -> Signal:
    """A speech-like signal: voiced syllables (harmonics through two formants) with pauses."""
    rng = np.random.default_rng(seed)
    n = round(seconds * RATE)
    out = np.zeros(n)
    pos = int(rng.integers(0, RATE // 5))
    while pos < n:
        length = int(rng.uniform(0.15, 0.30) * RATE)
        t = np.arange(length) / RATE
        f0 = pitch * (1 + 0.15 * np.sin(2 * np.pi * rng.uniform(1, 3) * t + rng.uniform(0, 6)))
        phase = 2 * np.pi * np.cumsum(f0) / RATE
        f1, f2 = rng.uniform(300, 900), rng.uniform(900, 2500)
        syllable = np.zeros(length)
        for k in range(1, int(4000 / pitch)):
            freq = k * pitch
            gain = (np.exp(-((freq - f1) / 200) ** 2) + 0.5 * np.exp(-((freq - f2) / 300) ** 2)
                    + 0.05 / k)
            syllable += gain * np.sin(k * phase)
        syllable += 0.05 * rng.standard_normal(length)  # breath / fricative noise
        envelope = np.sin(np.pi * np.arange(length) / length) ** 2
        end = min(n, pos + length)
        out[pos:end] += (syllable * envelope)[: end - pos]
        pos = end + int(rng.uniform(0.03, 0.12) * RATE)
        if rng.random() < 0.15:
            pos += int(rng.uniform(0.2, 0.5) * RATE)  # a pause between phrases
    result: Signal = out / (np.max(np.abs(out)) + 1e-9)
    return result


def espeak_speech(seconds: float, *, voice: str, text: str) -> Signal | None:
    """espeak-ng saying ``text`` (repeated to fill ``seconds``), at 48 kHz; None without it."""
    if shutil.which("espeak-ng") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.wav"
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text],
                       check=True, capture_output=True, timeout=60)
        with wave.open(str(path)) as w:
            rate = w.getframerate()
            pcm = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
    t_new = np.arange(round(pcm.size * RATE / rate)) / RATE
    speech = np.interp(t_new, np.arange(pcm.size) / rate, pcm)
    reps = math.ceil(seconds * RATE / speech.size)
    speech = np.tile(speech, reps)[: round(seconds * RATE)]
    result: Signal = speech / (np.max(np.abs(speech)) + 1e-9)
    return result


FAR_TEXT = ("Good morning. I have your results here, and they look much better than last time. "
            "Can you tell me how you have been sleeping since we changed the tablets?")
NEAR_TEXT = ("Much better, thank you. I still wake up once or twice in the night, "
             "but I do not feel so tired in the afternoon any more.")


def voices(seconds: float, choice: str) -> tuple[Signal, Signal, str]:
    if choice in ("auto", "espeak"):
        far = espeak_speech(seconds, voice="en-gb", text=FAR_TEXT)
        near = espeak_speech(seconds, voice="en-gb+f3", text=NEAR_TEXT)
        if far is not None and near is not None:
            return far, near, "espeak-ng"
        if choice == "espeak":
            raise SystemExit("bench.echo: espeak-ng is not installed")
    return (synthetic_speech(seconds, pitch=115, seed=1),
            synthetic_speech(seconds, pitch=210, seed=2), "synthetic")


def room_response(rt60: float, drr_db: float, seed: int) -> Signal:
    """40 ms of delay, the direct sound, then a reverberant tail decaying by 60 dB in RT60 whose
    energy is the direct sound's less ``drr_db``."""
    rng = np.random.default_rng(seed)
    length = round((DELAY_S + rt60) * RATE)
    ir = np.zeros(length)
    start = round(DELAY_S * RATE)
    ir[start] = ECHO_GAIN
    t = np.arange(1, length - start) / RATE
    tail = rng.standard_normal(t.size) * np.exp(-6.91 * t / rt60)
    tail *= math.sqrt(ECHO_GAIN ** 2 * 10 ** (-drr_db / 10) / float(np.sum(tail ** 2)))
    ir[start + 1:] = tail
    return ir


# ----- measurement -------------------------------------------------------------------------------

@dataclass
class Result:
    erle_db: float
    converged_s: float | None
    first_reached_s: float | None
    leaky_windows: int
    worst_window_db: float
    near_end_change_db: float
    double_talk_loss_db: float
    correlation: float
    segmental_snr_db: float
    cpu_ms_per_frame: float


def convolve(x: Signal, h: Signal) -> Signal:
    """``np.convolve(x, h)`` through the FFT (the same to float precision, seconds faster)."""
    size = x.size + h.size - 1
    n = 1 << (size - 1).bit_length()
    y: Signal = np.fft.irfft(np.fft.rfft(x, n) * np.fft.rfft(h, n), n)[:size]
    return y


def level_db(x: Signal) -> float:
    return 10 * math.log10(max(float(np.mean(x * x)), 1e-12))


def process(settings: ProcessingSettings, far: Signal, mic: Signal, *,
            written: npt.NDArray[np.int64] | None = None,
            played: npt.NDArray[np.int64] | None = None,
            paced: bool = True) -> tuple[Signal, float]:
    """Run the kiosk's processor over a whole recording, 10 ms at a time; (output, CPU ms/frame).

    Steady (``written`` None): before each microphone frame the speaker writes the same 10 ms
    of reference. Otherwise ``written[i]`` is how many 10 ms frames of reference the speaker has
    written by microphone frame ``i`` (bursts after stalls) and ``played[i]`` how many the sound
    server has played; the delay is set as the app sets it (what is written and not yet played),
    every 0.5 s.
    """
    proc = AudioProcessor(settings, paced=paced)

    def to16(x: Signal) -> bytes:
        return (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()

    out = bytearray()
    frames = mic.size // FRAME_SAMPLES
    done = 0
    for i in range(frames):
        until = i + 1 if written is None else int(written[i])
        if until > done:
            proc.far_end(to16(far[done * FRAME_SAMPLES:until * FRAME_SAMPLES]))
            done = until
        if played is not None and i % 50 == 0:
            proc.set_delay_ms(max(0, done - int(played[i])) * 10)
        part = slice(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES)
        out += proc.near_end(to16(mic[part]))
    result = np.frombuffer(bytes(out), dtype="<i2").astype(np.float64) / 32768
    return result, proc.cpu_s * 1000 / max(frames, 1)


def stalled_writes(frames: int, seed: int) -> npt.NDArray[np.int64]:
    """How much reference the speaker has written by each 10 ms: 20 ms packets as they are
    decoded, held back by stalls of the GUI thread (one every STALL_EVERY_S on average, each
    STALL_MS long) and written all at once after each."""
    rng = np.random.default_rng(seed)
    arrival = np.arange(frames) // 2 * 2 + 1  # a 20 ms packet is written when it is whole
    t = float(rng.exponential(STALL_EVERY_S * 100))
    while t < frames:
        length = float(rng.uniform(*STALL_MS)) / 10
        held = (arrival >= t) & (arrival < t + length)
        arrival[held] = math.ceil(t + length)
        t += length + float(rng.exponential(STALL_EVERY_S * 100))
    written: npt.NDArray[np.int64] = np.searchsorted(arrival, np.arange(frames), side="right")
    return written


def play_times(written: npt.NDArray[np.int64], sink_frames: int) -> npt.NDArray[np.int64]:
    """When the sound server plays each 10 ms of reference (in microphone frames): ``sink_frames``
    after it is due, in order, or as soon as it is written when it comes later than that (the
    server ran dry and played silence meanwhile; everything after it comes that much later)."""
    frames = written.size
    arrival = np.searchsorted(written, np.arange(frames) + 1)  # the first frame it is written by
    play = np.zeros(frames, dtype=np.int64)
    last = -1
    for j in range(frames):
        last = max(last + 1, int(arrival[j]) + 1, j + sink_frames)
        play[j] = last
    return play


def active_frames(x: Signal, threshold_db: float) -> npt.NDArray[np.bool_]:
    frames = x[: x.size // FRAME_SAMPLES * FRAME_SAMPLES].reshape(-1, FRAME_SAMPLES)
    energy = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)
    active: npt.NDArray[np.bool_] = energy > threshold_db
    return active


def frame_energy(x: Signal) -> Signal:
    frames = x[: x.size // FRAME_SAMPLES * FRAME_SAMPLES].reshape(-1, FRAME_SAMPLES)
    energy: Signal = np.mean(frames ** 2, axis=1)
    return energy


def measure(far_echo: Signal, mic: Signal, out: Signal, near: Signal, dt_start: int,
            cpu_ms: float, out_echo_only: Signal, out_near_only: Signal) -> Result:
    n = min(mic.size, out.size)
    mic, out, near, far_echo = mic[:n], out[:n], near[:n], far_echo[:n]
    # Double talk, by level: the output less what the same processing leaves of the echo alone.
    e_dt = float(np.mean(out[dt_start:] ** 2)) - float(np.mean(out_echo_only[dt_start:n] ** 2))
    near_out_db = 10 * math.log10(max(e_dt, 1e-12))
    change_db = near_out_db - level_db(near[dt_start:])
    loss_db = near_out_db - level_db(out_near_only[dt_start:n])
    fps = RATE // FRAME_SAMPLES
    e_mic, e_out = frame_energy(mic), frame_energy(out)
    talking = active_frames(far_echo, level_db(far_echo) - 15)
    dt_frame = dt_start // FRAME_SAMPLES
    # Convergence: 0.5 s windows of single talk.
    win = round(WINDOW_S * fps)
    window_erle: list[tuple[float, float]] = []
    for start in range(0, dt_frame - win + 1, win):
        sel = slice(start, start + win)
        mask = talking[sel]
        if mask.sum() < win // 4:
            continue
        erle = 10 * math.log10(e_mic[sel][mask].sum() / max(e_out[sel][mask].sum(), 1e-12))
        window_erle.append(((start + win) / fps, erle))
    converged: float | None = None
    for i, (t_end, _) in enumerate(window_erle):
        if all(e >= CONVERGED_DB for _, e in window_erle[i:]):
            converged = t_end
            break
    reached = next((t_end for t_end, e in window_erle if e >= REACHED_DB), None)
    after = [e for t_end, e in window_erle if reached is not None and t_end > reached]
    leaky = sum(e < CONVERGED_DB for e in after)
    worst = min(after) if after else float("nan")
    from_frame = round((converged if converged is not None else dt_start / RATE / 2) * fps)
    from_frame = min(from_frame, dt_frame - fps)  # late convergence: the last second at least
    chosen = np.zeros(e_mic.size, dtype=bool)
    chosen[from_frame:dt_frame] = True
    chosen &= talking
    erle_db = 10 * math.log10(e_mic[chosen].sum() / max(e_out[chosen].sum(), 1e-12))
    # Double talk: project the output onto the clean near end.
    seg_out, seg_near = out[dt_start:], near[dt_start:]
    best = (-2.0, 0, 0.0)
    for lag in range(0, round(0.02 * RATE), 16):
        a = seg_out[lag:]
        b = seg_near[: a.size]
        denom = math.sqrt(float(np.dot(a, a) * np.dot(b, b))) or 1e-12
        corr = float(np.dot(a, b)) / denom
        if corr > best[0]:
            best = (corr, lag, float(np.dot(a, b) / max(np.dot(b, b), 1e-12)))
    corr, lag, gain = best
    a = seg_out[lag:]
    b = seg_near[: a.size]
    residual = a - gain * b
    near_active = active_frames(b, level_db(b) - 15)
    snrs = []
    for index in np.flatnonzero(near_active[: residual.size // FRAME_SAMPLES]):
        i = int(index)
        part = slice(i * FRAME_SAMPLES, (i + 1) * FRAME_SAMPLES)
        s = level_db(gain * b[part]) - level_db(residual[part])
        snrs.append(min(35.0, max(-10.0, s)))
    seg_snr = float(np.mean(snrs)) if snrs else float("nan")
    return Result(erle_db, converged, reached, leaky, worst, change_db, loss_db, corr, seg_snr,
                  cpu_ms)


Results = dict[str, dict[str, Result]]


def run(seconds: float, voice: str, processings: tuple[tuple[str, ProcessingSettings], ...]
        = PROCESSINGS, *, stalls: bool = True) -> tuple[Results, Results, str]:
    """Every room with every processing, steady; then, with ``stalls``, the kiosk's processing
    with the speaker's writes stalling, before (reference straight to AEC3) and after (paced)."""
    far, near_voice, source = voices(seconds, voice)
    n = round(seconds * RATE)
    dt_start = round(seconds * 2 / 3 * RATE)
    near = np.zeros(n)
    near[dt_start:] = near_voice[: n - dt_start]
    rng = np.random.default_rng(7)
    results: Results = {}
    stalled: Results = {}
    for r, (room, rt60, drr) in enumerate(ROOMS):
        far_sig = 0.5 * far  # the speaker's signal, about -12 dBFS peaks
        response = room_response(rt60, drr, seed=10 + r)
        echo = convolve(far_sig, response)[:n]
        near_in = near * (np.sqrt(np.mean(echo ** 2)) / max(np.sqrt(np.mean(near_voice ** 2)),
                                                            1e-9))  # as loud as the echo
        noise = rng.standard_normal(n) * 10 ** (-65 / 20)
        mic = echo + near_in + noise
        results[room] = {}
        for name, settings in processings:
            out, cpu = process(settings, far_sig, mic)
            echo_only, _ = process(settings, far_sig, echo + noise)
            near_only, _ = process(settings, np.zeros(n), near_in + noise)
            results[room][name] = measure(echo, mic, out, near_in, dt_start, cpu, echo_only,
                                          near_only)
        if not stalls:
            continue
        # The same room, but what the microphone hears is what the sound server played.
        frames = n // FRAME_SAMPLES
        written = stalled_writes(frames, seed=20 + r)
        play = play_times(written, round(SINK_S * 100))
        played = np.zeros(n)
        for j in np.flatnonzero(play < frames):
            at = int(play[j]) * FRAME_SAMPLES
            played[at:at + FRAME_SAMPLES] = far_sig[j * FRAME_SAMPLES:(j + 1) * FRAME_SAMPLES]
        played_by = np.searchsorted(play, np.arange(frames), side="right")
        echo = convolve(played, response)[:n]
        mic = echo + near_in + noise
        stalled[room] = {}
        for name, paced in (("before", False), ("kiosk", True)):
            def burst(f: Signal, m: Signal, paced: bool = paced,
                      written: npt.NDArray[np.int64] = written,
                      played_by: npt.NDArray[np.int64] = played_by) -> tuple[Signal, float]:
                return process(ProcessingSettings(), f, m, written=written, played=played_by,
                               paced=paced)
            out, cpu = burst(far_sig, mic)
            echo_only, _ = burst(far_sig, echo + noise)
            near_only, _ = burst(np.zeros(n), near_in + noise)
            stalled[room][name] = measure(echo, mic, out, near_in, dt_start, cpu, echo_only,
                                          near_only)
    return results, stalled, source


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "never"
    if isinstance(value, float) and math.isnan(value):
        return "—"
    return f"{value:.2f}{unit}" if abs(value) < 10 else f"{value:.1f}{unit}"


ROWS = (("ERLE, single talk (dB, ≥ 25)", "erle_db"),
        ("converged (s, ≤ 2)", "converged_s"),
        ("  first 0.5 s window ≥ 25 dB (s)", "first_reached_s"),
        ("  windows < 20 dB after it", "leaky_windows"),
        ("  worst window after it (dB)", "worst_window_db"),
        ("double talk: near-end level change (dB, ±3)", "near_end_change_db"),
        ("double talk: loss vs near end alone (dB)", "double_talk_loss_db"),
        ("double talk: correlation with near end", "correlation"),
        ("double talk: segmental SNR (dB)", "segmental_snr_db"),
        ("CPU per 10 ms frame (ms)", "cpu_ms_per_frame"))
#: ``--attribute``: each stage of the kiosk's processing alone (AEC3 forces the high-pass on).
ATTRIBUTE: tuple[tuple[str, ProcessingSettings], ...] = (
    ("none", ProcessingSettings.off()),
    ("AEC only", ProcessingSettings(True, False, False, False)),
    ("AEC+HPF", ProcessingSettings(True, False, False, True)),
    ("NS only", ProcessingSettings(False, True, False, False)),
    ("HPF only", ProcessingSettings(False, False, False, True)),
    ("kiosk", ProcessingSettings()),
)


def table(results: Results, names: list[str]) -> None:
    header = f"{'room / figure':<46}" + "".join(f"{n:>11}" for n in names)
    print(header)
    print("-" * len(header))
    for room, procs in results.items():
        print(room)
        for label, key in ROWS:
            cells = []
            for name in names:
                value = getattr(procs[name], key)
                if name == "none" and key in ("converged_s", "first_reached_s", "leaky_windows",
                                              "worst_window_db"):
                    cells.append("—")
                elif isinstance(value, int) and not isinstance(value, bool):
                    cells.append(str(value))
                else:
                    cells.append(fmt(value))
            print(f"  {label:<44}" + "".join(f"{c:>11}" for c in cells))


def mean(results: Results, name: str, key: str, digits: int = 2) -> float:
    return round(float(np.mean([getattr(procs[name], key) for procs in results.values()])), digits)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.echo", description=__doc__.split(
        "\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seconds", type=float, default=12.0, help="length of each run")
    parser.add_argument("--voice", choices=("auto", "espeak", "synthetic"), default="auto")
    parser.add_argument("--attribute", action="store_true",
                        help="each stage alone (AEC, NS, HPF) instead of the kiosk's choices")
    parser.add_argument("--no-stalls", action="store_true",
                        help="skip the stalls run (the reference written in bursts)")
    args = parser.parse_args(argv)
    processings = ATTRIBUTE if args.attribute else PROCESSINGS
    results, stalled, source = run(args.seconds, args.voice, processings,
                                   stalls=not args.no_stalls)
    converged = [procs["kiosk"].converged_s for procs in results.values()]
    summary: dict[str, object] = {
        "erle_db": mean(results, "kiosk", "erle_db"),
        "erle_db_unprocessed": mean(results, "none", "erle_db"),
        "converged_s": (None if any(c is None for c in converged)
                        else round(max(c for c in converged if c is not None), 2)),
        "near_end_change_db": mean(results, "kiosk", "near_end_change_db"),
        "double_talk_loss_db": mean(results, "kiosk", "double_talk_loss_db"),
        "correlation": mean(results, "kiosk", "correlation", 3),
        "segmental_snr_db": mean(results, "kiosk", "segmental_snr_db"),
        "cpu_ms_per_frame": mean(results, "kiosk", "cpu_ms_per_frame", 3),
        "speech": source,
        "seconds": args.seconds,
        "rooms": {room: {name: asdict(res) for name, res in procs.items()}
                  for room, procs in results.items()},
    }
    if stalled:
        summary["stalls"] = {
            "erle_db": mean(stalled, "kiosk", "erle_db"),
            "erle_db_before": mean(stalled, "before", "erle_db"),
            "leaky_windows": sum(p["kiosk"].leaky_windows for p in stalled.values()),
            "leaky_windows_before": sum(p["before"].leaky_windows for p in stalled.values()),
            "rooms": {room: {name: asdict(res) for name, res in procs.items()}
                      for room, procs in stalled.items()},
        }
    if args.json:
        print(json.dumps(summary))
        return 0
    print(f"bench.echo: {args.seconds:.0f} s per run, speech: {source}, double talk in the "
          f"last third; {load_note()}")
    table(results, [name for name, _ in processings])
    print()
    print("kiosk, over the rooms: " + ", ".join(
        f"{k}={v}" for k, v in summary.items() if k not in ("rooms", "speech", "seconds",
                                                            "stalls")))
    if stalled:
        print()
        print(f"Speaker stalls: the reference is written in bursts (a stall of "
              f"{STALL_MS[0]:.0f}–{STALL_MS[1]:.0f} ms every {STALL_EVERY_S} s on average) and "
              f"played {SINK_S * 1000:.0f} ms after it is due (later after the server ran dry); "
              f"kiosk processing, the reference straight to AEC3 (before) and paced by the "
              f"microphone (kiosk)")
        table(stalled, ["before", "kiosk"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
