"""``clinic-kiosk test-call``: a real call through a hub with synthetic media, and its figures.

It joins as a patient (or as a kiosk with ``--token``) with a moving test pattern and a tone,
checks in with an appointment code, waits for a specialist, keeps the call for N seconds, ends it
(``--hangup``) or waits for the specialist to end it, and prints a summary: human lines, or one
JSON object with ``--json``. Latency is measured from the markers in the far end's test pattern
(capture to decode; both ends must share a clock, as on one machine).

Exit status: 0 only if media flowed both ways; otherwise a one-line error on stderr and
:data:`EXIT_NO_MEDIA`, :data:`EXIT_CHECK_IN`, :data:`EXIT_HUB` or :data:`EXIT_NO_SPECIALIST`.
The appointment code and the device token are secrets: the code is sent in the ``check_in``
message and neither is ever printed or logged. Both can come from a file that only its owner
may read, or from stdin (``--code-file PATH|-``, ``--token-file PATH|-``,
:mod:`kiosk.secretfile`), so they need not be command-line arguments, which every local user
can see; ``--code`` and ``--token`` still work for scripts that use them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Final

import av

from kiosk.call.patient import CheckInFailed, PatientVisit
from kiosk.call.session import CallState
from kiosk.call.signalling import UNREACHABLE, SignallingError
from kiosk.checks.network import choose_paths
from kiosk.media import marker
from kiosk.media.local import LatestFrame
from kiosk.media.synthetic import TestPatternTrack, ToneTrack, synthetic_media
from kiosk.secretfile import SecretFileError, read_secret

EXIT_OK: Final = 0
EXIT_NO_MEDIA: Final = 1
EXIT_CHECK_IN: Final = 2
EXIT_HUB: Final = 3
EXIT_NO_SPECIALIST: Final = 4
EXIT_USAGE: Final = 64

_CHECK_IN_TEXT: Final = {
    "bad_code": "the appointment code was not recognised",
    "code_used": "the appointment code has already been used",
    "code_expired": "the appointment code has expired",
    "rate_limited": "too many attempts; try again later",
    "timeout": "the hub did not answer the check-in",
}


class TestCallError(Exception):
    """The test call could not take place; ``exit_code`` says why, the message says it plainly."""

    __test__ = False

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class TestCallSummary:
    """The figures of one test call (the ``--json`` object)."""

    __test__ = False

    connected: bool = False
    setup_ms: float | None = None  # joined -> first remote video frame
    frames_sent: int = 0
    frames_received: int = 0
    audio_frames_received: int = 0
    reconnects: int = 0
    end_reason: str | None = None
    ended_by: str | None = None  # patient, specialist, network
    duration_s: float = 0.0
    fps_received: float | None = None
    latency_ms_p50: float | None = None
    latency_ms_p95: float | None = None
    markers_decoded: int = 0
    peer_packets_received: int = 0  # what the far end reports receiving from us (RTCP)
    quality: dict[str, Any] | None = None
    width: int = 640
    height: int = 480
    latencies_ms: list[float] = field(default_factory=list, repr=False)

    @property
    def media_both_ways(self) -> bool:
        return (self.connected and self.frames_received > 0 and self.audio_frames_received > 0
                and self.frames_sent > 0 and self.peer_packets_received > 0)

    def as_dict(self) -> dict[str, Any]:
        out = asdict(self)
        del out["latencies_ms"]
        out["media_both_ways"] = self.media_both_ways
        return out


class _Probe(LatestFrame):
    """Counts remote frames and reads the far end's markers for latency."""

    def __init__(self, clock: Callable[[], float] = time.time) -> None:
        super().__init__()
        self.latencies: list[float] = []
        self.last_video_at: float | None = None
        self.first_frame = asyncio.Event()
        self._wall = clock

    def on_remote_video(self, frame: av.VideoFrame) -> None:
        super().on_remote_video(frame)
        self.last_video_at = self.last_media_at
        self.first_frame.set()
        found = marker.decode(frame)
        if found is not None:
            self.latencies.append(self._wall() * 1000 - found.captured_ms)


def _percentile(values: list[float], pct: float) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(pct) - 1]


async def run_test_call(hub_url: str, code: str, *, seconds: float = 10.0, width: int = 640,
                        height: int = 480, token: str | None = None, hangup: bool = True,
                        join_timeout: float = 120.0, end_timeout: float = 30.0,
                        on_status: Callable[[str], None] | None = None) -> TestCallSummary:
    """Make one test call; see the module docstring.

    With ``hangup`` the patient ends the call after ``seconds`` of media; without, it waits up to
    ``end_timeout`` more seconds for the specialist to end it, then ends it itself. Raises
    :class:`TestCallError` if the hub is unreachable, the code is refused or nobody joins.
    """
    status = on_status or (lambda _text: None)
    media = synthetic_media(width, height)
    probe = _Probe()
    visit = PatientVisit.for_hub(hub_url, media, token=token, sink=probe,
                                 client="clinic-kiosk test-call")
    summary = TestCallSummary(width=width, height=height)
    loop = asyncio.get_running_loop()
    try:
        try:
            await visit.connect()
        except SignallingError as exc:
            text = exc.message if exc.code == UNREACHABLE else \
                f"the hub at {hub_url} refused the connection: {exc.message}"
            raise TestCallError(text, EXIT_HUB) from None
        result = await visit.check_in(code, {"test_call": True})
        if isinstance(result, CheckInFailed):
            text = _CHECK_IN_TEXT.get(result.code, f"check-in refused ({result.code})")
            if result.retry_after:
                text += f" (retry after {result.retry_after:.0f} s)"
            raise TestCallError(f"check-in failed: {text}", EXIT_CHECK_IN)
        status("checked in; waiting for a specialist to join")
        session = visit.session
        assert session is not None
        connected = asyncio.Event()
        session.add_state_listener(
            lambda state: connected.set() if state is CallState.CONNECTED else None)
        # The same path choice as the app's: the working TURN URL first (aiortc uses only the
        # first), checked while the specialist is on their way.
        visit.prefer_ice = await choose_paths(visit.ice_servers)
        try:
            async with asyncio.timeout(join_timeout):
                await _first_of(visit.joined.wait(), visit.wait_ended())
        except TimeoutError:
            raise TestCallError(f"no specialist joined within {join_timeout:.0f} s",
                                EXIT_NO_SPECIALIST) from None
        if not visit.joined.is_set():
            raise TestCallError(f"the visit ended before a specialist joined "
                                f"({visit.end_reason})", EXIT_NO_SPECIALIST)
        joined_at = visit.joined_at or loop.time()
        status("specialist joined; connecting")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(session.config.connect_timeout * 2):
                await _first_of(probe.first_frame.wait(), visit.wait_ended())
        if probe.first_video_at is not None:
            summary.setup_ms = round((probe.first_video_at - joined_at) * 1000, 1)
            status(f"media flowing ({summary.setup_ms:.0f} ms to first frame); "
                   f"keeping the call for {seconds:.0f} s")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await visit.wait_ended()
        if not visit.ended:
            await session.refresh_quality()
            if hangup:
                summary.ended_by = "patient"
                await visit.hangup("patient_hangup")
            else:
                status("waiting for the specialist to end the call")
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(end_timeout):
                        await visit.wait_ended()
                if not visit.ended:
                    summary.ended_by = "patient"
                    await visit.hangup("specialist_did_not_end")
        if summary.ended_by is None:
            summary.ended_by = "network" if visit.end_reason in (
                "network_failed", "hub_lost", "visit_lost") else "specialist"
        summary.connected = connected.is_set()
        summary.reconnects = session.reconnects
        summary.end_reason = visit.end_reason
        if session.quality is not None:
            summary.quality = session.quality.as_stats()
            summary.peer_packets_received = session.quality.peer_packets_received
        summary.duration_s = round(loop.time() - joined_at, 2)
    finally:
        await visit.close()
        await media.aclose()
    video, audio = media.video, media.audio
    assert isinstance(video, TestPatternTrack)
    assert isinstance(audio, ToneTrack)
    summary.frames_sent = video.frames_sent
    summary.frames_received = probe.video_frames
    summary.audio_frames_received = probe.audio_frames
    summary.markers_decoded = len(probe.latencies)
    summary.latencies_ms = probe.latencies
    summary.latency_ms_p50 = _round(_percentile(probe.latencies, 50))
    summary.latency_ms_p95 = _round(_percentile(probe.latencies, 95))
    if probe.first_video_at is not None and probe.last_video_at is not None \
            and probe.video_frames > 1 and probe.last_video_at > probe.first_video_at:
        summary.fps_received = round((probe.video_frames - 1)
                                     / (probe.last_video_at - probe.first_video_at), 1)
    return summary


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


async def _first_of(*aws: Any) -> None:
    """Wait until the first of several coroutines finishes; cancel the rest."""
    tasks = [asyncio.ensure_future(a) for a in aws]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def _human(summary: TestCallSummary) -> str:
    def num(value: float | None, unit: str) -> str:
        return "n/a" if value is None else f"{value:.0f} {unit}"
    quality = summary.quality or {}
    lines = [
        f"connected:        {'yes' if summary.connected else 'no'}",
        f"set-up:           {num(summary.setup_ms, 'ms')} (join to first remote frame)",
        f"video:            {summary.frames_sent} frames sent, {summary.frames_received} "
        f"received ({num(summary.fps_received, 'fps')})",
        f"audio:            {summary.audio_frames_received} frames received",
        f"latency:          p50 {num(summary.latency_ms_p50, 'ms')}, "
        f"p95 {num(summary.latency_ms_p95, 'ms')} (capture to decode)",
        f"quality:          {quality.get('verdict', 'n/a')}",
        f"reconnects:       {summary.reconnects}",
        f"ended:            {summary.end_reason} (by {summary.ended_by})",
        f"result:           {'media flowed both ways' if summary.media_both_ways else 'FAILED'}",
    ]
    return "\n".join(lines)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="clinic-kiosk test-call",
        description="Make a test call through a hub with a synthetic camera and microphone.")
    parser.add_argument("--hub", required=True, help="hub URL, e.g. https://hub.example:8443")
    code = parser.add_mutually_exclusive_group(required=True)
    code.add_argument("--code-file", metavar="PATH|-",
                      help="read the appointment code from this file (mode 600) or, with -, "
                           "from stdin")
    code.add_argument("--code", help="the appointment code on the command line (visible to "
                                     "other local users: prefer --code-file)")
    parser.add_argument("--seconds", type=float, default=10.0, help="call length (default 10)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=480)
    parser.add_argument("--hangup", action="store_true",
                        help="end the call from this side after --seconds (default: wait for "
                             "the specialist to end it)")
    parser.add_argument("--verbose", action="store_true", help="log the call's progress")
    token = parser.add_mutually_exclusive_group()
    token.add_argument("--token-file", metavar="PATH|-",
                       help="join as a paired kiosk, with the device token read from this file "
                            "(mode 600) or, with -, from stdin")
    token.add_argument("--token", help="the device token on the command line (visible to "
                                       "other local users: prefer --token-file)")
    parser.add_argument("--join-timeout", type=float, default=120.0,
                        help="seconds to wait for a specialist (default 120)")
    parser.add_argument("--end-timeout", type=float, default=30.0,
                        help="without --hangup: seconds to wait for the specialist to end the "
                             "call before ending it here (default 30)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``clinic-kiosk test-call``; returns the exit status."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse has printed its usage line
        return EXIT_USAGE if exc.code else EXIT_OK
    if args.width < 160 or args.height < 120 or args.width % 2 or args.height % 2 \
            or args.width > 3840 or args.height > 2160:
        print("error: --width/--height must be even, between 160x120 and 3840x2160",
              file=sys.stderr)
        return EXIT_USAGE
    if args.seconds <= 0:
        print("error: --seconds must be positive", file=sys.stderr)
        return EXIT_USAGE
    if args.code_file == "-" and args.token_file == "-":  # noqa: S105 - "-" is stdin
        print("error: only one of --code-file and --token-file can read stdin",
              file=sys.stderr)
        return EXIT_USAGE
    try:
        code = args.code if args.code_file is None else \
            read_secret(args.code_file, "appointment code", stdin=sys.stdin)
        token = args.token if args.token_file is None else \
            read_secret(args.token_file, "device token", stdin=sys.stdin)
    except SecretFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    def status(text: str) -> None:
        if not args.json:
            print(text, file=sys.stderr, flush=True)

    try:
        summary = asyncio.run(run_test_call(
            args.hub, code, seconds=args.seconds, width=args.width, height=args.height,
            token=token, hangup=args.hangup, join_timeout=args.join_timeout,
            end_timeout=args.end_timeout, on_status=status))
    except TestCallError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a clear line, never a traceback
        print(f"error: the test call failed unexpectedly ({type(exc).__name__})", file=sys.stderr)
        return EXIT_NO_MEDIA
    if args.json:
        print(json.dumps(summary.as_dict()))
    else:
        print(_human(summary))
    if not summary.media_both_ways:
        print("error: media did not flow both ways", file=sys.stderr)
        return EXIT_NO_MEDIA
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
