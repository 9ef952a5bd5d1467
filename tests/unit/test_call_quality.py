"""Quality verdicts from aiortc stats reports."""

from __future__ import annotations

import datetime
from dataclasses import replace

import pytest
from aiortc.stats import (
    RTCInboundRtpStreamStats,
    RTCRemoteInboundRtpStreamStats,
    RTCStatsReport,
    RTCTransportStats,
)

from kiosk.call.quality import QualityMeter, verdict

NOW = datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC)


def report(*, received: int, lost: int, jitter: int, rtt: float | None, fraction_lost: int = 0,
           bytes_in: int = 0, bytes_out: int = 0, peer_received: int = 100) -> RTCStatsReport:
    out = RTCStatsReport()
    out.add(RTCInboundRtpStreamStats(
        timestamp=NOW, type="inbound-rtp", id="in-video", ssrc=1, kind="video", transportId="t",
        packetsReceived=received, packetsLost=lost, jitter=jitter))
    if rtt is not None:
        out.add(RTCRemoteInboundRtpStreamStats(
            timestamp=NOW, type="remote-inbound-rtp", id="rin-video", ssrc=2, kind="video",
            transportId="t", packetsReceived=peer_received, packetsLost=0, jitter=0,
            roundTripTime=rtt, fractionLost=fraction_lost))
    out.add(RTCTransportStats(
        timestamp=NOW, type="transport", id="t", packetsSent=0, packetsReceived=0,
        bytesSent=bytes_out, bytesReceived=bytes_in, iceRole="controlling",
        dtlsState="connected"))
    return out


@pytest.mark.parametrize(("rtt", "loss", "jitter", "expected"), [
    (40.0, 0.0, 5.0, "good"),
    (None, None, None, "good"),
    (300.0, 0.0, 5.0, "fair"),
    (40.0, 3.0, 5.0, "fair"),
    (40.0, 0.0, 50.0, "fair"),
    (700.0, 0.0, 5.0, "poor"),
    (40.0, 12.0, 5.0, "poor"),
    (40.0, 0.0, 120.0, "poor"),
    (300.0, 3.0, 50.0, "fair"),
])
def test_verdict(rtt: float | None, loss: float | None, jitter: float | None,
                 expected: str) -> None:
    assert verdict(rtt, loss, jitter) == expected


def test_meter_derives_figures_from_successive_reports() -> None:
    meter = QualityMeter()
    first = meter.update(report(received=100, lost=0, jitter=900, rtt=0.02, bytes_in=0,
                                bytes_out=0), now=10.0)
    assert first.loss_pct == 0.0
    assert first.jitter_ms == pytest.approx(10.0)  # 900 ticks of a 90 kHz clock
    assert first.rtt_ms == pytest.approx(20.0)
    assert first.verdict == "good"
    second = meter.update(report(received=190, lost=10, jitter=900, rtt=0.02,
                                 bytes_in=250_000, bytes_out=500_000), now=12.0)
    assert second.loss_pct == pytest.approx(10.0)  # 10 lost of 100 in this interval
    assert second.bitrate_kbps == pytest.approx(1000.0)
    assert second.sent_kbps == pytest.approx(2000.0)
    assert second.verdict == "poor"
    assert second.as_stats() == {"rtt_ms": 20.0, "loss_pct": 10.0, "jitter_ms": 10.0,
                                 "bitrate_kbps": 1000.0, "verdict": "poor"}


def test_far_end_loss_counts_and_reset_forgets_the_last_sample() -> None:
    meter = QualityMeter()
    meter.update(report(received=100, lost=0, jitter=0, rtt=0.3), now=1.0)
    far = meter.update(report(received=200, lost=0, jitter=0, rtt=0.3, fraction_lost=64),
                       now=3.0)
    assert far.loss_pct == pytest.approx(25.0)  # 64/256 reported by the far end
    assert far.rtt_ms == pytest.approx(300.0)
    assert far.verdict == "poor"
    assert far.peer_packets_received == 100
    meter.reset()
    fresh = meter.update(report(received=5, lost=0, jitter=0, rtt=None), now=4.0)
    assert (fresh.bitrate_kbps, fresh.rtt_ms, fresh.loss_pct) == (0.0, None, 0.0)


def two_streams(audio: tuple[int, int] | None, video: tuple[int, int] | None) -> RTCStatsReport:
    out = RTCStatsReport()
    for name, counts in (("in-audio", audio), ("in-video", video)):
        if counts is not None:
            out.add(RTCInboundRtpStreamStats(
                timestamp=NOW, type="inbound-rtp", id=name, ssrc=len(name), kind="video",
                transportId="t", packetsReceived=counts[0], packetsLost=counts[1], jitter=0))
    return out


@pytest.mark.parametrize(("before", "after", "expected"), [
    # a stream that goes away while another arrives once gave 300 %: summed counters fell
    ((200, 0), None, 100.0),
    (None, (100, 0), 0.0),
])
def test_streams_that_come_and_go_never_give_loss_over_100(
        before: tuple[int, int] | None, after: tuple[int, int] | None,
        expected: float | None) -> None:
    meter = QualityMeter()
    meter.update(two_streams(before, (500, 0)), now=1.0)
    sample = meter.update(two_streams(after, (500, 300) if after is None else (600, 0)),
                          now=3.0)
    assert sample.loss_pct is not None
    assert 0.0 <= sample.loss_pct <= 100.0
    if expected is not None:
        assert sample.loss_pct == pytest.approx(expected)


def test_loss_from_deltas_of_expected_and_received() -> None:
    meter = QualityMeter()
    meter.update(two_streams((100, 0), (1000, 10)), now=1.0)
    # 50 audio + 5 lost; 900 video + 45 lost: 50 of 1000 expected
    sample = meter.update(two_streams((150, 5), (1900, 55)), now=3.0)
    assert sample.loss_pct == pytest.approx(5.0)
    # a counter reset (the receiver restarted) is left out; lost going down counts as none
    sample = meter.update(two_streams((10, 0), (2000, 50)), now=5.0)
    assert sample.loss_pct == pytest.approx(0.0)
    # nothing arrived and nothing was reported lost: no figure rather than a guess
    assert meter.update(two_streams((10, 0), (2000, 50)), now=7.0).loss_pct is None


def test_far_end_fraction_is_capped_and_stats_never_hold_nan() -> None:
    meter = QualityMeter()
    sample = meter.update(report(received=10, lost=0, jitter=0, rtt=0.01, fraction_lost=255),
                          now=1.0)
    assert sample.loss_pct == pytest.approx(99.6, abs=0.1)
    broken = replace(sample, rtt_ms=float("nan"), jitter_ms=float("inf"))
    stats = broken.as_stats()
    assert stats["rtt_ms"] is None
    assert stats["jitter_ms"] is None
