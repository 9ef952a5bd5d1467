"""The kiosk's scheduled self-test, as the app wires it: real devices list, real engine, real
demo hub on 127.0.0.1; one run is triggered by hand and its report must reach the hub."""

from __future__ import annotations

import json
from pathlib import Path

from pytestqt.qtbot import QtBot

from kiosk.demo import start_demo
from kiosk.engine import EngineListener, KioskEngine
from ui.app import readiness_schedule
from ui.engine_thread import EngineThread
from ui.media import KioskDevices


def test_scheduled_selftest_reports_readiness(qtbot: QtBot, tmp_path: Path) -> None:
    thread = EngineThread()
    thread.start()
    demo = thread.submit(start_demo(tmp_path, specialist=False)).result(30)
    devices = KioskDevices(synthetic_fallback=True)
    loop = thread.loop
    engine = KioskEngine(demo.url, lambda: devices.make_tracks(loop), EngineListener(),
                         token=demo.kiosk_token)
    schedule = readiness_schedule(engine, devices, demo.url, demo.kiosk_token, ("07:30",))
    try:
        assert schedule.next_run is not None
        thread.submit(schedule.run_once()).result(60)
        assert schedule.runs == 1
        (kiosk,) = demo.hub.storage.kiosks_with_readiness()
        readiness = kiosk["readiness"]
        assert readiness is not None
        assert readiness["fit"] is True
        names = {c["name"] for c in json.loads(readiness["report"])["checks"]}
        assert {"hub", "path_host", "network", "camera", "microphone", "speaker"} <= names
    finally:
        async def stop() -> None:
            await schedule.stop()
            await engine.close()
            await demo.close()

        thread.stop(stop)
