"""The camera's verdict from its frames (kiosk.checks.camera): absent, no frames, black, frozen,
working; measured on real numpy luma planes, without a clock."""

from __future__ import annotations

import numpy as np

from kiosk.checks.camera import (
    FAULTS,
    FIRST_FRAME_S,
    FROZEN_S,
    STAFF_ADVICE,
    CameraWatch,
    frame_stats,
    judge,
    subsample,
)

RNG = np.random.default_rng(7)
H, W = 480, 640


def picture(t: int) -> np.ndarray:
    """A moving scene: a bright bar that moves 8 pixels a frame, on a textured background."""
    y: np.ndarray = (np.indices((H, W)).sum(axis=0) % 97 + 60).astype(np.uint8)
    x = (t * 8) % (W - 64)
    y[:, x:x + 64] = 220
    return y


def still_noisy(base: np.ndarray) -> np.ndarray:
    """A still scene seen by a real sensor: the same picture with a little noise."""
    noise = RNG.integers(-3, 4, size=base.shape)
    noisy: np.ndarray = np.clip(base.astype(np.int16) + noise, 0, 255).astype(np.uint8)
    return noisy


def feed(watch: CameraWatch, frames: list[np.ndarray], start: float, fps: float = 20) -> float:
    now = start
    for y in frames:
        watch.frame(y, now)
        now += 1 / fps
    return now


def test_frame_stats_measure_mean_spread_and_change() -> None:
    black = np.full((H, W), 16, np.uint8)
    s = frame_stats(subsample(black), None, 1.0)
    assert (s.mean, s.std, s.diff) == (16.0, 0.0, None)
    assert s.dark
    assert s.blank
    moving = frame_stats(subsample(picture(1)), subsample(picture(0)), 1.05)
    assert moving.mean > 60
    assert moving.std > 20
    assert moving.diff is not None
    assert moving.diff > 1
    assert not moving.blank
    grey = frame_stats(subsample(np.full((H, W), 128, np.uint8)), None, 1.0)
    assert grey.blank
    assert not grey.dark


def test_no_camera_is_absent_at_once_and_nothing_is_said_before_start() -> None:
    watch = CameraWatch()
    assert watch.verdict(0.0) == ""
    watch.start(10.0, present=False)
    assert watch.verdict(10.0) == "absent"


def test_a_camera_that_sends_nothing_fails_after_a_few_seconds() -> None:
    watch = CameraWatch()
    watch.start(10.0, present=True)
    assert watch.verdict(10.0 + FIRST_FRAME_S - 0.1) == ""  # still starting
    assert watch.verdict(10.0 + FIRST_FRAME_S) == "no_frames"


def test_a_moving_picture_is_ok_and_a_still_room_is_not_frozen() -> None:
    watch = CameraWatch()
    watch.start(0.0, present=True)
    now = feed(watch, [picture(t) for t in range(3)], 0.0)
    assert watch.verdict(now) == "ok"  # quickly: a patient may answer soon
    base = picture(0)
    now = feed(watch, [still_noisy(base) for _ in range(100)], now)
    assert watch.verdict(now) == "ok"


def test_black_pictures_are_a_failed_camera_and_uncovering_it_recovers() -> None:
    watch = CameraWatch()
    watch.start(0.0, present=True)
    dark = [still_noisy(np.full((H, W), 18, np.uint8)) for _ in range(50)]
    now = feed(watch, dark, 0.0)
    assert watch.verdict(now) == "black"
    now = feed(watch, [picture(t) for t in range(50)], now)  # 2.5 s of a real picture
    assert watch.verdict(now) == "ok"


def test_the_same_picture_over_and_over_is_frozen_and_stopping_is_no_frames() -> None:
    watch = CameraWatch()
    watch.start(0.0, present=True)
    same = picture(3)
    now = feed(watch, [same] * int(FROZEN_S * 20 / 2), 0.0)
    assert watch.verdict(now) == "ok"  # not yet long enough to say
    now = feed(watch, [same] * int(FROZEN_S * 20), now)
    assert watch.verdict(now) == "frozen"
    assert watch.verdict(now + FIRST_FRAME_S) == "no_frames"
    watch.stop()
    assert watch.verdict(now) == ""


def test_judge_is_a_function_of_its_inputs() -> None:
    stats = [frame_stats(subsample(picture(t)), subsample(picture(t - 1)) if t else None,
                         t / 20) for t in range(10)]
    assert judge(stats, 0.0, 0.5) == judge(stats, 0.0, 0.5) == "ok"
    assert judge([], 0.0, 1.0) == ""


def test_every_verdict_has_advice_for_staff() -> None:
    assert STAFF_ADVICE.keys() >= FAULTS
    assert all(STAFF_ADVICE[v] for v in (*FAULTS, "ok"))
