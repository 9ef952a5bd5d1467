"""Call quality from aiortc's ``getStats()``: round-trip time, loss, jitter, bitrate and a plain
good / fair / poor verdict.

aiortc has few stats (docs/architecture.md §7): RTT and far-end loss come from RTCP receiver reports
(``remote-inbound-rtp``), our own loss and jitter from ``inbound-rtp``, bitrates from byte counters.
Values are derived from the difference between two samples, so :class:`QualityMeter` is fed one
report every couple of seconds. Pure code, no I/O: tests build reports from aiortc's stats types.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
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
        return {k: (round(v, 1) if isinstance(v, float) else v) for k, v in out.items()}


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
    received: int = 0
    lost: int = 0
    bytes_in: int = 0
    bytes_out: int = 0


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
                totals.received += max(0, stats.packetsReceived)
                totals.lost += max(0, stats.packetsLost)
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

        loss: float | None = None
        bitrate = sent = 0.0
        last, last_at = self._last, self._last_at
        if last is not None and last_at is not None and now > last_at:
            span = now - last_at
            got = totals.received - last.received
            lost = totals.lost - last.lost
            if got + lost > 0:
                loss = 100.0 * max(0, lost) / (got + max(0, lost))
            bitrate = max(0, totals.bytes_in - last.bytes_in) * 8 / span / 1000
            sent = max(0, totals.bytes_out - last.bytes_out) * 8 / span / 1000
        elif totals.received + totals.lost > 0:
            loss = 100.0 * totals.lost / (totals.received + totals.lost)
        if remote_fraction:
            far_loss = max(remote_fraction)
            loss = far_loss if loss is None else max(loss, far_loss)
        self._last, self._last_at = totals, now

        rtt = max(rtts) if rtts else None
        jitter = max(jitters) if jitters else None
        return Quality(rtt_ms=rtt, loss_pct=loss, jitter_ms=jitter, bitrate_kbps=bitrate,
                       sent_kbps=sent, verdict=verdict(rtt, loss, jitter),
                       peer_packets_received=peer_received)
