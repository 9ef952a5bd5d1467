"""Call quality from aiortc's ``getStats()``: round-trip time, loss, jitter, bitrate and a plain
good / fair / poor verdict.

aiortc has few stats (docs/architecture.md §7): RTT and far-end loss come from RTCP receiver reports
(``remote-inbound-rtp``), our own loss and jitter from ``inbound-rtp``, bitrates from byte counters.
Values are derived from the difference between two samples, so :class:`QualityMeter` is fed one
report every couple of seconds. Pure code, no I/O: tests build reports from aiortc's stats types.

Loss is always between 0 and 100 %: packets expected in an interval are the received plus the
lost packets *of each stream* since the previous sample, and a stream whose counters went
backwards (a new stream, a counter reset) is left out of that interval rather than subtracted
(summing counters across streams that come and go once reported 300 %). Non-finite figures
are never reported (the protocol refuses NaN and Infinity).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Final, Literal

Verdict = Literal["good", "fair", "poor"]

#: Thresholds for the verdict: (good if at most, poor if over).
RTT_MS: Final = (250.0, 500.0)
LOSS_PCT: Final = (2.0, 8.0)
JITTER_MS: Final = (30.0, 80.0)
_CLOCK_RATES: Final = {"audio": 48_000, "video": 90_000}


@dataclass(frozen=True)
class Quality:
    """One quality sample. ``None`` means not measured yet."""

    rtt_ms: float | None
    loss_pct: float | None
    jitter_ms: float | None
    bitrate_kbps: float  # received media bitrate
    sent_kbps: float
    verdict: Verdict
    #: Packets the far end reports having received from us (from RTCP), summed over streams.
    peer_packets_received: int = 0

    def as_stats(self) -> dict[str, Any]:
        """The ``call_stats.stats`` object of the protocol."""
        out = asdict(self)
        del out["peer_packets_received"], out["sent_kbps"]
        return {k: (round(v, 1) if math.isfinite(v) else None) if isinstance(v, float) else v
                for k, v in out.items()}


def verdict(rtt_ms: float | None, loss_pct: float | None, jitter_ms: float | None) -> Verdict:
    """good / fair / poor from the worst of the measured figures (unmeasured ones are ignored)."""
    worst: Verdict = "good"
    for value, (good, poor) in ((rtt_ms, RTT_MS), (loss_pct, LOSS_PCT), (jitter_ms, JITTER_MS)):
        if value is None:
            continue
        if value > poor:
            return "poor"
        if value > good:
            worst = "fair"
    return worst


@dataclass
class _Totals:
    #: Per inbound stream (its stats id): packets received and packets lost, as reported.
    streams: dict[str, tuple[int, int]] = field(default_factory=dict)
    bytes_in: int = 0
    bytes_out: int = 0


def interval_loss(before: Mapping[str, tuple[int, int]],
                  after: Mapping[str, tuple[int, int]]) -> float | None:
    """Percent of packets lost between two samples of per-stream (received, lost) counters,
    0 to 100, or None when no packet was expected. A stream new since ``before`` counts from
    zero; one whose received count went backwards was reset and is left out; lost counts that
    shrink (late duplicates, RFC 3550) count as no loss."""
    expected = lost = 0
    for key, (got_now, lost_now) in after.items():
        got_then, lost_then = before.get(key, (0, 0))
        got = got_now - got_then
        if got < 0:
            continue  # the counters restarted: this interval says nothing about this stream
        newly_lost = max(0, lost_now - lost_then)
        expected += got + newly_lost
        lost += newly_lost
    if expected <= 0:
        return None
    return min(100.0, 100.0 * lost / expected)


class QualityMeter:
    """Turns successive ``getStats()`` reports into :class:`Quality` samples."""

    def __init__(self) -> None:
        self._last: _Totals | None = None
        self._last_at: float | None = None

    def reset(self) -> None:
        """Forget the previous sample (a new peer connection starts its counters at zero)."""
        self._last = None
        self._last_at = None

    def update(self, report: Mapping[str, Any], now: float) -> Quality:
        """Feed one report taken at ``now`` (seconds, monotonic) and get the current quality."""
        totals = _Totals()
        rtts: list[float] = []
        jitters: list[float] = []
        remote_fraction: list[float] = []
        peer_received = 0
        for stats in report.values():
            kind = getattr(stats, "type", None)
            if kind == "inbound-rtp":
                totals.streams[stats.id] = (max(0, stats.packetsReceived),
                                            max(0, stats.packetsLost))
                rate = _CLOCK_RATES.get(stats.kind, 90_000)
                jitters.append(1000.0 * stats.jitter / rate)
            elif kind == "remote-inbound-rtp":
                if stats.roundTripTime is not None:
                    rtts.append(1000.0 * stats.roundTripTime)
                remote_fraction.append(100.0 * stats.fractionLost / 256.0)
                peer_received += max(0, stats.packetsReceived)
            elif kind == "transport":
                # Each sender and receiver reports the same shared transport: keep the largest.
                totals.bytes_in = max(totals.bytes_in, stats.bytesReceived)
                totals.bytes_out = max(totals.bytes_out, stats.bytesSent)

        bitrate = sent = 0.0
        last, last_at = self._last, self._last_at
        if last is not None and last_at is not None and now > last_at:
            span = now - last_at
            loss = interval_loss(last.streams, totals.streams)
            bitrate = max(0, totals.bytes_in - last.bytes_in) * 8 / span / 1000
            sent = max(0, totals.bytes_out - last.bytes_out) * 8 / span / 1000
        else:
            loss = interval_loss({}, totals.streams)
        if remote_fraction:
            far_loss = min(100.0, max(remote_fraction))
            loss = far_loss if loss is None else max(loss, far_loss)
        self._last, self._last_at = totals, now

        rtt = max(rtts) if rtts else None
        jitter = max(jitters) if jitters else None
        return Quality(rtt_ms=rtt, loss_pct=loss, jitter_ms=jitter, bitrate_kbps=bitrate,
                       sent_kbps=sent, verdict=verdict(rtt, loss, jitter),
                       peer_packets_received=peer_received)
