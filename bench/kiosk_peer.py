"""``clinic-kiosk test-call`` with a frame log, for the benchmarks (no app code changed).

    python -m bench.kiosk_peer --frame-log FILE [test-call arguments]
    BENCH_X264_PRESET=veryfast python -m bench.kiosk_peer ...   (an experiment, see below)

Runs :func:`kiosk.call.testcall.main` unchanged except that its probe also records, for every
remote video frame, the marker's counter and capture field and when the frame came out of the
decoder (epoch ms). A browser's y4m camera carries only a counter, so the benchmark matches
these records with the browser's own preview log to get capture-to-decode latency towards the
kiosk. Written as JSON when the call ends.

``BENCH_X264_PRESET`` (experiment only): aiortc 1.16 opens libx264 with no ``preset`` (x264's
default is ``medium``); with this set, the encoder's options also carry that preset, to measure
in a real call what the suggested fix in bench/README.md (finding A) would gain.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any


class _PresetContext:
    """A libx264 codec context whose ``options`` always include the preset (proxy)."""

    def __init__(self, real: Any, preset: str) -> None:
        object.__setattr__(self, "_real", real)
        object.__setattr__(self, "_preset", preset)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "options":
            value = {**value, "preset": self._preset}
        setattr(self._real, name, value)


def _use_x264_preset(preset: str) -> None:
    import av
    from aiortc.codecs import h264

    class _CodecContext:
        @staticmethod
        def create(name: str, mode: str) -> Any:
            real: Any = av.CodecContext.create(name, mode)  # type: ignore[call-overload]
            return _PresetContext(real, preset) if name == "libx264" else real

    class _AvShim:
        CodecContext = _CodecContext

        def __getattr__(self, name: str) -> Any:
            return getattr(av, name)

    h264.av = _AvShim()  # type: ignore[assignment,attr-defined]


def main(argv: list[str]) -> int:
    from kiosk.call import testcall
    from kiosk.media import marker
    from kiosk.media.local import LatestFrame

    if len(argv) < 2 or argv[0] != "--frame-log":
        print("usage: python -m bench.kiosk_peer --frame-log FILE [test-call args]",
              file=sys.stderr)
        return 64
    path = Path(argv[1])
    preset = os.environ.get("BENCH_X264_PRESET")
    if preset:
        _use_x264_preset(preset)
    log: list[dict[str, Any]] = []

    def on_remote_video(self: Any, frame: Any) -> None:
        # As testcall._Probe.on_remote_video, plus one record (the marker is decoded once).
        LatestFrame.on_remote_video(self, frame)
        self.last_video_at = self.last_media_at
        self.first_frame.set()
        now_ms = self._wall() * 1000
        found = marker.decode(frame)
        if found is not None:
            self.latencies.append(now_ms - found.captured_ms)
            if len(log) < 200_000:
                log.append({"c": found.counter, "cap": found.captured_ms, "t": now_ms})

    testcall._Probe.on_remote_video = on_remote_video  # type: ignore[method-assign]
    try:
        return testcall.main(argv[2:])
    finally:
        path.write_text(json.dumps(log))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
