"""Start-up benchmark: a new kiosk process to its welcome screen, against a bare PySide6 window.

    python -m bench.startup [--runs 10] [--importtime]

*Ours*: spawn ``clinic-kiosk --demo --windowed`` (QT_QPA_PLATFORM=offscreen, its own temporary
data dir) and time, from spawn, until its log line "welcome screen shown after N ms" appears on
stderr; then the process is terminated (the app has no exit-after-welcome flag). The app's own
figure N (from its ``main()``, so without interpreter start and imports) is printed beside it.
*Reference*: spawn ``python -c "...QApplication(); QWidget().show(); processEvents()"`` and time
until it prints a line after processEvents. Runs alternate so load hits both alike. Medians.

By default the project's bytecode is cached (in a folder under /tmp, as a pip-installed kiosk
has .pyc files); ``--no-pyc`` honours PYTHONDONTWRITEBYTECODE=1 as set on the dev machines, where
every start compiles ~95 project modules. Every run is a new process but the page cache is
warm (the first counted run is reported separately; caches are not dropped on a shared machine).
``--importtime`` also prints the top imports of the app (``python -X importtime``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

from bench.common import NAN, Row, load_note, median, table, tool

REFERENCE = ("import sys, PySide6.QtWidgets as W; app = W.QApplication([]); w = W.QWidget(); "
             "w.resize(1920, 1080); w.show(); app.processEvents(); "
             "print('shown', flush=True)")
LINE = re.compile(r"welcome screen shown after (\d+) ms")
TIMEOUT_S = 60.0


PYCACHE = os.path.join(tempfile.gettempdir(), "clinic-kiosk-bench-pycache")
USE_PYC = True


def _env() -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONUNBUFFERED="1")
    if USE_PYC:
        # As installed on a kiosk (pip writes .pyc): keep bytecode, in a cache outside the tree.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = PYCACHE
    return env


def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def time_kiosk() -> tuple[float, float]:
    """(ms from spawn to the welcome line, the app's own figure in ms)."""
    data_dir = tempfile.mkdtemp(prefix="bench-startup-")
    t0 = time.monotonic()
    proc = subprocess.Popen(
        [tool("clinic-kiosk"), "--demo", "--windowed", "--data-dir", data_dir],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        assert proc.stderr is not None
        deadline = t0 + TIMEOUT_S
        for line in proc.stderr:
            match = LINE.search(line)
            if match:
                return (time.monotonic() - t0) * 1000, float(match.group(1))
            if time.monotonic() > deadline:
                break
        return NAN, NAN
    finally:
        _stop(proc)
        shutil.rmtree(data_dir, ignore_errors=True)


def time_reference() -> float:
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", REFERENCE], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, env=_env())
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        return (time.monotonic() - t0) * 1000 if "shown" in line else NAN
    finally:
        _stop(proc)


def import_profile(top: int = 15) -> str:
    """The slowest imports (cumulative µs) of the app's main module."""
    proc = subprocess.run(
        [sys.executable, "-X", "importtime", "-c",
         "import ui.app, PySide6.QtWidgets, ui.window, ui.controller, ui.media, ui.bridge, "
         "ui.engine_thread, kiosk.demo"],
        capture_output=True, text=True, env=_env(), timeout=120, check=False)
    rows = []
    for line in proc.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    rows.sort(reverse=True)
    return "\n".join(f"{us / 1000:8.1f} ms  {name}" for us, name in rows[:top])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--importtime", action="store_true")
    parser.add_argument("--no-pyc", action="store_true",
                        help="honour PYTHONDONTWRITEBYTECODE (every start compiles the project)")
    args = parser.parse_args(argv)
    global USE_PYC
    USE_PYC = not args.no_pyc
    if USE_PYC:
        time_kiosk()  # fills the bytecode cache; not counted
    print(f"startup: {args.runs} runs each, alternating, bytecode cache "
          f"{'on (as installed)' if USE_PYC else 'off (PYTHONDONTWRITEBYTECODE)'}; "
          f"{load_note()}\n", flush=True)
    ours: list[float] = []
    inner: list[float] = []
    refs: list[float] = []
    for _ in range(args.runs):
        total, own = time_kiosk()
        ours.append(total)
        inner.append(own)
        refs.append(time_reference())
    rows = [
        Row("start-up", "first run ms (spawn -> shown)", refs[0], ours[0]),
        Row("start-up", f"median of {args.runs} ms", median(refs), median(ours)),
        Row("start-up", "min ms", min(refs), min(ours)),
        Row("start-up", "max ms", max(refs), max(ours)),
        Row("start-up", "app's own figure, median ms", NAN, median(inner), False),
    ]
    print(table(rows))
    print("\nours: clinic-kiosk --demo --windowed, offscreen, spawn -> 'welcome screen shown' "
          "on stderr (includes the embedded demo hub's start);")
    print("reference: bare python + PySide6 QApplication + QWidget.show() + processEvents().")
    print(f"load after the run: {load_note()}")
    if args.importtime:
        print("\nslowest imports (cumulative):")
        print(import_profile())
    return 0


if __name__ == "__main__":
    sys.exit(main())
