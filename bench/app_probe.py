"""The app as ``call_vs_browser`` runs it: ``clinic-kiosk`` (:func:`ui.cli.main`) plus a probe of
the frames it shows, so its CPU figure comes with the frame rate it bought.

    python bench/app_probe.py ARGS...      # what clinic-kiosk ARGS... runs, and the probe

On SIGUSR1 the probe appends one JSON line to the file named by ``BENCH_APP_PROBE``: the time,
the frames each visible video view has painted (``remote``: the specialist's video, ``self``:
the patient's own mirrored picture) and the specialist's frames the engine handed to the GUI
(``delivered``, the bridge's count), and each view's ``render_path``. Two lines around a window
give shown and delivered frames a second; shown = delivered means no frame that arrived was
skipped. The handler runs only when signalled, in the GUI thread between two Python calls; the
benchmark signals just before and just after its CPU window, outside it. A launcher for an
investigation (``BENCH_APP_LAUNCHER``) calls :func:`install` before ``ui.cli.main`` to keep the
probe.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

_bridges: list[Any] = []


def snapshot() -> dict[str, Any]:
    """Frames shown by each visible video view and delivered by the bridge, now."""
    from PySide6.QtWidgets import QApplication

    out: dict[str, Any] = {"t": time.monotonic()}
    video, bridge = sys.modules.get("ui.video"), sys.modules.get("ui.bridge")
    app = QApplication.instance()
    if video is not None and isinstance(app, QApplication):
        for w in app.allWidgets():
            if isinstance(w, video.VideoView) and w.isVisible():
                name = "self" if w.mirrored else "remote"
                out[name] = w.frames_rendered
                out[name + "_direct"] = getattr(w, "direct_writes", 0)  # older views: none
                out[name + "_path"] = w.render_path  # "paint" or "sink"
    if bridge is not None:
        if not _bridges:
            _bridges.extend(o for o in gc.get_objects() if isinstance(o, bridge.EngineBridge))
        out["delivered"] = sum(b.remote_frames for b in _bridges)
    return out


def install() -> None:
    """Answer SIGUSR1 with a snapshot line in ``$BENCH_APP_PROBE`` (nothing if unset)."""
    target = os.environ.get("BENCH_APP_PROBE")
    if not target:
        return

    def on_signal(_signum: int, _frame: FrameType | None) -> None:
        with Path(target).open("a") as f:
            f.write(json.dumps(snapshot()) + "\n")

    signal.signal(signal.SIGUSR1, on_signal)


if __name__ == "__main__":
    sys.path[0] = str(Path(__file__).resolve().parent.parent)  # the project, not bench/
    install()
    from ui.cli import main

    sys.exit(main())
