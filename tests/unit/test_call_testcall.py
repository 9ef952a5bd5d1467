"""``clinic-kiosk test-call``'s command line: plain one-line errors and exit codes, never a
traceback, never the appointment code. (Real calls through a hub are in the integration tests.)"""

from __future__ import annotations

import socket

import pytest

from kiosk.call.testcall import EXIT_HUB, EXIT_USAGE, TestCallSummary, _human, main


def free_port() -> int:
    with socket.socket() as sock:  # nothing listens there once the socket is closed
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_unreachable_hub(capsys: pytest.CaptureFixture[str]) -> None:
    hub = f"http://127.0.0.1:{free_port()}"
    assert main(["--hub", hub, "--code", "SECRET-42", "--json"]) == EXIT_HUB
    out, err = capsys.readouterr()
    assert out == ""
    assert err.splitlines() == [f"error: cannot reach the hub at {hub} (ClientConnectorError)"]
    assert "SECRET" not in err


@pytest.mark.parametrize("argv", [
    [],
    ["--hub", "http://x"],
    ["--hub", "http://x", "--code", "C", "--width", "641"],
    ["--hub", "http://x", "--code", "C", "--seconds", "0"],
    ["--hub", "http://x", "--code", "C", "--seconds", "ten"],
])
def test_usage_errors(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == EXIT_USAGE
    _, err = capsys.readouterr()
    assert "Traceback" not in err
    assert "error" in err


def test_summary_reports_media_both_ways() -> None:
    summary = TestCallSummary(connected=True, frames_sent=300, frames_received=290,
                              audio_frames_received=500, peer_packets_received=900,
                              end_reason="patient_hangup", ended_by="patient", setup_ms=120.0)
    assert summary.media_both_ways
    as_dict = summary.as_dict()
    assert {"connected", "setup_ms", "frames_sent", "frames_received", "audio_frames_received",
            "reconnects", "end_reason", "latency_ms_p50", "latency_ms_p95", "fps_received",
            "quality"} <= set(as_dict)
    assert "latencies_ms" not in as_dict
    assert "media flowed both ways" in _human(summary)
    one_way = TestCallSummary(connected=True, frames_sent=300, frames_received=290,
                              audio_frames_received=500, peer_packets_received=0)
    assert not one_way.media_both_ways
    assert "FAILED" in _human(one_way)
