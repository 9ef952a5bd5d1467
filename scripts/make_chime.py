"""Write ``resources/sounds/chime.wav``: the gentle two-note chime of the sound check.

    python scripts/make_chime.py [OUT]

Two soft bell-like notes (E5 then C5, a falling major third, like a doorbell heard from another
room), about one second in all, 48 kHz mono, 16-bit. Each note is a sine with a quieter octave
partial, a 10 ms fade-in (no click) and an exponential decay; the peak is -6 dBFS.
"""

from __future__ import annotations

import sys
import wave
from pathlib import Path

import numpy as np

RATE = 48_000
OUT = Path(__file__).resolve().parent.parent / "resources" / "sounds" / "chime.wav"


def note(freq: float, start: float, length: float, total: int) -> np.ndarray:
    t = np.arange(total) / RATE - start
    on = (t >= 0) & (t < length)
    tone = np.sin(2 * np.pi * freq * t) + 0.25 * np.sin(2 * np.pi * 2 * freq * t)
    envelope = np.exp(-np.clip(t, 0, None) * 4.0) * np.clip(t / 0.010, 0, 1)
    return np.where(on, tone * envelope, 0.0)


def chime() -> np.ndarray:
    total = int(RATE * 1.05)
    mix = note(659.25, 0.0, 0.6, total) + note(523.25, 0.38, 0.67, total)
    fade = np.clip((total - np.arange(total)) / (0.05 * RATE), 0, 1)  # silent at the end
    mix *= fade
    mix *= 0.5 / np.max(np.abs(mix))  # -6 dBFS
    return np.round(mix * 32767).astype("<i2")


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(out), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(chime().tobytes())
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
