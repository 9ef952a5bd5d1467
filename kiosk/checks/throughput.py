"""Throughput and quality over one working path: bitrate each way, round trip, loss and jitter.

How it measures (and what that means): both local peers of a :class:`~kiosk.checks.paths.Loopback`
send paced messages to each other at once, at :data:`TEST_RATE_KBPS` each way, on an unordered
data channel with no retransmissions, for a few seconds, while a reliable channel times echoes.
Received bits over the window give the bitrate (so at most the test rate: "at least this much"),
missing sequence numbers the loss, the variation of one-way transit times (both ends share this
machine's clock) the jitter (RFC 3550 estimator). Over a relay each message goes up to the TURN
server and back down, so both directions load the clinic's uplink and downlink; it is a data
flood standing in for media, not a video call.

Verdicts against the published needs of a 1:1 video call: about 350 kbps each way at the least
(warn below), audio only below about 180 kbps (fail for video), about 1.1 Mbps down / 0.7 Mbps up
and at most 150 ms latency for good video.
"""

from __future__ import annotations

import asyncio
import contextlib
import statistics
import struct
import time
from typing import Any, Final

from kiosk.checks.paths import LABELS, Loopback
from kiosk.checks.result import CheckResult, Status

TEST_RATE_KBPS: Final = 1500
MIN_VIDEO_KBPS: Final = 350
AUDIO_ONLY_KBPS: Final = 180
GOOD_DOWN_KBPS: Final = 1100
GOOD_UP_KBPS: Final = 700
GOOD_RTT_MS: Final = 150
MAX_LOSS_PCT: Final = 5.0
_SIZE: Final = 1000  # bytes per message
_HEADER = struct.Struct("!Id")  # sequence number, send time (monotonic seconds)
_TICK: Final = 0.02
_BUFFER_LIMIT: Final = 64 * 1024  # do not queue more than this in SCTP: pace, do not pile up


class _Receiver:
    def __init__(self) -> None:
        self.bytes = 0
        self.count = 0
        self.highest = -1
        self.jitter = 0.0
        self._last_transit: float | None = None
        self.first: float | None = None
        self.last: float | None = None
        self.target: int | None = None  # the last sequence number sent, once sending stops
        self.complete = asyncio.Event()

    def __call__(self, message: bytes | str) -> None:
        if not isinstance(message, bytes) or len(message) < _HEADER.size:
            return
        now = time.monotonic()
        seq, sent = _HEADER.unpack_from(message)
        self.bytes += len(message)
        self.count += 1
        self.highest = max(self.highest, seq)
        self.first = self.first or now
        self.last = now
        transit = now - sent
        if self._last_transit is not None:
            self.jitter += (abs(transit - self._last_transit) - self.jitter) / 16
        self._last_transit = transit
        self._check_complete()

    def expect_last(self, seq: int) -> None:
        self.target = seq
        self._check_complete()

    def _check_complete(self) -> None:
        if self.target is not None and self.highest >= self.target:
            self.complete.set()


async def _send_paced(channel: Any, seconds: float, rate_kbps: int) -> int:
    """Send at ``rate_kbps`` for ``seconds``; returns how many messages were sent."""
    per_second = rate_kbps * 1000 / 8 / _SIZE
    padding = bytes(_SIZE - _HEADER.size)
    start = time.monotonic()
    sent = skipped = 0  # skipped: due while SCTP still held a full buffer (link too slow)
    while (elapsed := time.monotonic() - start) < seconds:
        due = int(elapsed * per_second) + 1
        while sent + skipped < due:
            if channel.bufferedAmount >= _BUFFER_LIMIT:
                skipped = due - sent
                break
            channel.send(_HEADER.pack(sent, time.monotonic()) + padding)
            sent += 1
        await asyncio.sleep(_TICK)  # pacing interval of the measurement itself
    return sent


def verdict(up_kbps: float, down_kbps: float, rtt_ms: float | None,
            loss_pct: float) -> tuple[Status, str]:
    """Status and a short verdict for the measured figures."""
    low = min(up_kbps, down_kbps)
    if low < AUDIO_ONLY_KBPS:
        return "fail", "Too slow for video; audio only"
    if low < MIN_VIDEO_KBPS:
        return "warn", "Video may be poor; audio recommended"
    if loss_pct > MAX_LOSS_PCT:
        return "warn", "Video may break up (loss)"
    if rtt_ms is not None and rtt_ms > GOOD_RTT_MS:
        return "warn", "Video usable; noticeable delay"
    if down_kbps >= GOOD_DOWN_KBPS and up_kbps >= GOOD_UP_KBPS:
        return "pass", "Good for video"
    return "pass", "Fine for video at lower quality"


async def measure(loop: Loopback, kind: str, *, seconds: float = 3.0,
                  rate_kbps: int = TEST_RATE_KBPS) -> CheckResult:
    """Measure over an open loopback whose path is ``kind``."""
    started = time.monotonic()
    assert loop.flood_a is not None
    assert loop.flood_b is not None
    at_b, at_a = _Receiver(), _Receiver()
    loop.flood_a.on("message", at_a)  # messages from b arrive on a's channel
    loop.flood_b.on("message", at_b)
    rtts: list[float] = []

    async def ping() -> None:
        while True:
            rtts.extend(await loop.echo(1))
            await asyncio.sleep(0.2)  # sampling interval of the round-trip probe

    pinger = asyncio.create_task(ping())
    try:
        sent_up, sent_down = await asyncio.gather(
            _send_paced(loop.flood_a, seconds, rate_kbps),
            _send_paced(loop.flood_b, seconds, rate_kbps))
        # Let what is in flight arrive: until the last message each way, or a short grace.
        at_b.expect_last(sent_up - 1)
        at_a.expect_last(sent_down - 1)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(0.5):
                await at_a.complete.wait()
                await at_b.complete.wait()
    finally:
        pinger.cancel()
        # wait() neither raises the pinger's CancelledError nor swallows a cancellation of
        # this task (suppressing CancelledError around `await pinger` would do both).
        await asyncio.wait({pinger})
    up = at_b.bytes * 8 / 1000 / seconds
    down = at_a.bytes * 8 / 1000 / seconds
    sent = sent_up + sent_down
    loss = 100.0 * (1 - (at_a.count + at_b.count) / sent) if sent else 100.0
    rtt = round(statistics.median(rtts), 1) if rtts else None
    jitter = round(max(at_a.jitter, at_b.jitter) * 1000, 1)
    status, text = verdict(up, down, rtt, loss)
    local = kind == "host"
    if local and status == "pass":
        status = "warn"
    figures: dict[str, Any] = {
        "path": kind, "up_kbps": round(up), "down_kbps": round(down),
        "test_rate_kbps": rate_kbps, "rtt_ms": rtt, "loss_pct": round(max(loss, 0.0), 2),
        "jitter_ms": jitter, "seconds": seconds, "verdict": text,
        "method": "paced data channel flood, both ways at once",
    }
    how = f"over {LABELS[kind]}" if not local else "on this machine only (no relay worked)"
    staff = (f"{text}: {figures['up_kbps']} kbps up, {figures['down_kbps']} kbps down "
             f"(tested up to {rate_kbps} kbps), round trip {rtt} ms, loss "
             f"{figures['loss_pct']} %, jitter {jitter} ms, measured {how} with a data "
             "flood, not real video.")
    patient = {"pass": "", "warn": "The video may not be smooth today.",
               "fail": "Video may not work today; the call may need to be audio only."}[status]
    return CheckResult("throughput", status, figures, advice_patient=patient,
                       advice_staff=staff, duration_ms=(time.monotonic() - started) * 1000)
