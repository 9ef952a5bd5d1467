"""Is the camera really working? A verdict from what its frames look like, not from a promise.

A kiosk's camera can be missing (unplugged), can open and deliver nothing, or deliver pictures
that show nothing: black (covered, lens cap, a dead sensor) or one picture over and over (a
stuck driver). The patient must not be asked "Can you see yourself?" and have "Yes" recorded as
a working camera in any of those cases; the specialist and staff must see that it failed.

Rules that matter:

- This module is pure: no Qt, no clock, no I/O. Time comes in as ``now`` (seconds, monotonic).
  The GUI feeds it the luma (Y) plane of the frames the patient sees (:func:`frame_stats`
  measures one, subsampled, so this costs well under a millisecond a frame) and asks
  :meth:`CameraWatch.verdict`.
- Verdicts: ``absent`` (the kiosk has no camera), ``no_frames`` (no frame within
  :data:`FIRST_FRAME_S` of starting, or none for that long since the last one), ``black``
  (every frame of the last :data:`WINDOW_S` dark and flat), ``frozen`` (no frame of the last
  :data:`FROZEN_S` differs from the one before it), ``ok`` (pictures that change), or ``""``
  (still measuring: nothing can be said yet). :data:`FAULTS` are the failing ones.
- A verdict is over a rolling window, so a camera that is uncovered becomes ``ok`` again by
  itself, and one that stops becomes ``no_frames``.
- :data:`PATIENT_WORDS` and :data:`STAFF_ADVICE` give each fault its plain words: for the
  patient (kind, no jargon) and for staff (what to do).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt

FIRST_FRAME_S: Final = 5.0  # no frame for this long: the camera is not delivering
WINDOW_S: Final = 2.0  # black is judged over this much of the latest frames
FROZEN_S: Final = 3.0  # the same picture for this long: frozen
MIN_FRAMES: Final = 3  # a verdict other than no_frames needs this many measured frames
BLACK_MEAN: Final = 28.0  # mean luma (0..255; video black is 16) at or below which is dark
FLAT_STD: Final = 6.0  # luma standard deviation at or below which a picture shows nothing
STILL_DIFF: Final = 0.25  # mean absolute luma change below which two frames are the same
STEP: Final = 8  # every STEP-th pixel each way is measured

FAULTS: Final = frozenset({"absent", "no_frames", "black", "frozen"})

#: What a patient is told for each fault (translated by the screen, which has the same words).
PATIENT_WORDS: Final = {
    "absent": "This kiosk's camera is not working today; you can still talk to the specialist.",
    "no_frames": "This kiosk's camera is not working today; you can still talk to the "
                 "specialist.",
    "black": "The camera shows only a dark picture. Check that nothing is covering it.",
    "frozen": "The camera picture is not moving.",
}
#: What staff should do, per verdict (readiness report, the specialist's console).
STAFF_ADVICE: Final = {
    "absent": "No camera found. Check its cable (or USB port) and that it is switched on, then "
              "run the self-test.",
    "no_frames": "The camera opened but sent no picture. Unplug it and plug it back in, or "
                 "restart the kiosk; if it persists, replace the camera.",
    "black": "The camera sends only black pictures. Check that nothing covers the lens (a "
             "privacy shutter or cap) and that the room is lit.",
    "frozen": "The camera sends the same picture over and over. Unplug it and plug it back in, "
              "or restart the kiosk.",
    "ok": "The camera sends a moving picture.",
    "": "The camera has not been measured yet.",
}


@dataclass(frozen=True)
class FrameStats:
    """One frame, measured: mean and standard deviation of its luma, and the mean absolute
    change from the frame before it (None for the first)."""

    at: float
    mean: float
    std: float
    diff: float | None

    @property
    def dark(self) -> bool:
        return self.mean <= BLACK_MEAN and self.std <= FLAT_STD

    @property
    def blank(self) -> bool:
        """Shows nothing: dark, or one flat colour."""
        return self.dark or self.std <= FLAT_STD / 3


def subsample(y: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    """The luma plane, every :data:`STEP`-th pixel each way (a view, no copy)."""
    return y[::STEP, ::STEP]


def frame_stats(small: npt.NDArray[np.uint8], previous: npt.NDArray[np.uint8] | None,
                at: float) -> FrameStats:
    """Measure a subsampled luma plane (``subsample``) against the one before it."""
    values = small.astype(np.float32)
    diff = None
    if previous is not None and previous.shape == small.shape:
        diff = float(np.abs(values - previous.astype(np.float32)).mean())
    return FrameStats(at, float(values.mean()), float(values.std()), diff)


def judge(stats: list[FrameStats], started_at: float, now: float) -> str:
    """The verdict from the frames measured since ``started_at``, oldest first (see the module
    docstring). Pure: the same frames and times give the same verdict."""
    last = stats[-1].at if stats else started_at
    if now - last >= FIRST_FRAME_S:
        return "no_frames"
    window = [s for s in stats if s.at > now - WINDOW_S]
    if len(window) < MIN_FRAMES:
        return ""
    if all(s.blank for s in window):
        return "black"
    span = [s for s in stats if s.at >= now - FROZEN_S]
    diffs = [s.diff for s in span if s.diff is not None]
    if (span[-1].at - span[0].at >= 0.8 * FROZEN_S and len(diffs) >= MIN_FRAMES
            and max(diffs) < STILL_DIFF):
        return "frozen"
    return "ok"


class CameraWatch:
    """The camera's verdict during a visit: :meth:`start` when the devices start, one
    :meth:`frame` per frame shown (or every few), :meth:`verdict` whenever asked."""

    def __init__(self) -> None:
        self.present = False
        self.started_at: float | None = None
        self._stats: deque[FrameStats] = deque()
        self._previous: npt.NDArray[np.uint8] | None = None

    def start(self, now: float, *, present: bool) -> None:
        """The camera was opened (``present``), or there is none to open."""
        self.present, self.started_at = present, now
        self._stats.clear()
        self._previous = None

    def stop(self) -> None:
        self.started_at = None
        self._stats.clear()
        self._previous = None

    def frame(self, y: npt.NDArray[np.uint8], now: float) -> None:
        """A frame's luma plane (full size; it is subsampled here)."""
        if self.started_at is None:
            return
        small = np.ascontiguousarray(subsample(y))
        self._stats.append(frame_stats(small, self._previous, now))
        self._previous = small
        horizon = now - max(WINDOW_S, FROZEN_S) - 1.0
        while self._stats and self._stats[0].at < horizon:
            self._stats.popleft()

    def verdict(self, now: float) -> str:
        if self.started_at is None:
            return ""
        if not self.present:
            return "absent"
        return judge(list(self._stats), self.started_at, now)
