"""A planned stop of the hub (SIGTERM, as ``systemctl restart clinic-hub`` sends for an update)
loses nothing either: started again on the same database, it takes every client back.

The same set-up as ``test_hub_restart.py`` (a real ``clinic-hub serve`` subprocess on a fixed
loopback port, the real kiosk call code, the demo specialist as a real aiortc peer), but the hub
is stopped cleanly instead of killed. What must hold: the stop records no call and ends no
visit (every socket closes with 1001 "going away"), the waiting patient keeps their visit, place
and waited time, the call in progress goes on (media peer to peer through the stop, signalling
back afterwards, no renegotiation), and neither kiosk nor the specialist ends anything.

Timings are printed, so ``-s`` shows them.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest

from kiosk import protocol
from kiosk.call.patient import CheckedIn, PatientVisit
from kiosk.call.session import CallState
from kiosk.call.signalling import HubSignalling
from kiosk.call.specialist import DemoSpecialist
from kiosk.media.local import LatestFrame
from kiosk.media.synthetic import synthetic_media
from tests.integration.test_hub_restart import (
    WAIT,
    Links,
    Site,
    entries,
    site_factory,
    specialist,
    until,
)

pytestmark = pytest.mark.integration

__all__ = ["site_factory"]  # the fixture, shared with test_hub_restart.py


@pytest.mark.expect_log(r"lost the hub connection \(close code 1001\)",
                        logger="kiosk.call.signalling")
async def test_sigterm_with_a_patient_waiting_and_a_call_in_progress(site_factory: Any) -> None:
    site: Site = await site_factory()
    specialist_media = synthetic_media(320, 240)
    demo = DemoSpecialist.for_hub(site.hub.url, site.seed.specialist_username,
                                  site.seed.specialist_password, specialist_media, once=True)
    stop = asyncio.Event()
    demo_task = asyncio.create_task(demo.run(stop))
    media_a, media_b = synthetic_media(320, 240), synthetic_media(160, 120)
    frame = asyncio.Event()
    sink = LatestFrame(on_video=lambda _f: frame.set())  # 30 a second: wakes every wait below
    links_a, links_b = Links(also=frame), Links(also=frame)
    in_call = PatientVisit.for_hub(site.hub.url, media_a, token=site.kiosk_tokens[0],
                                   sink=sink, listener=links_a)
    waiting = PatientVisit.for_hub(site.hub.url, media_b, token=site.kiosk_tokens[1],
                                   listener=links_b)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
        try:
            async with asyncio.timeout(WAIT):
                await demo.ready.wait()
            await in_call.connect()
            assert isinstance(await in_call.check_in(site.seed.appointment_code), CheckedIn)
            await until(lambda: sink.video_frames >= 30 and demo.sink.video_frames >= 30, frame)
            session = in_call.session
            assert session is not None
            await until(lambda: session.state is CallState.CONNECTED, frame)
            call_id = in_call.visit_id
            assert demo.visit_id == call_id

            await waiting.connect()  # (the demo specialist takes one call only: not this one)
            checked = await waiting.check_in(site.new_code(), {"camera": "ok"})
            assert isinstance(checked, CheckedIn)
            watcher = await specialist(http, site)
            before = await watcher.expect("waiting_list", where=lambda m: any(
                p["visit_id"] == checked.visit_id for p in m["patients"]))
            place = [(v, since) for v, _s, since in entries(before)]

            t_stop = time.monotonic()
            await site.hub.stop()  # SIGTERM, and wait for the process to exit
            stopped = time.monotonic() - t_stop
            assert site.calls() == {}  # nothing recorded as ended
            assert {v.visit_id for v in site.storage.live_visits()} == {call_id,
                                                                         checked.visit_id}
            await until(lambda: links_a.links[-1:] == [False]
                        and links_b.links[-1:] == [False], frame)
            during = sink.video_frames, demo.sink.video_frames
            await until(lambda: sink.video_frames >= during[0] + 30
                        and demo.sink.video_frames >= during[1] + 30, frame)
            started = await site.hub.start()
            t_up = time.monotonic()

            demo_signalling = demo._signalling
            assert isinstance(demo_signalling, HubSignalling)
            await until(lambda: links_a.links[-1:] == [True] and links_b.links[-1:] == [True]
                        and demo_signalling.reconnects >= 1, frame)
            back = time.monotonic() - t_up

            # The waiting patient kept their visit, place and waited time.
            assert not waiting.ended
            assert waiting.visit_id == checked.visit_id
            watcher = await specialist(http, site, log_in=False)
            again = await watcher.expect("waiting_list", where=lambda m: any(
                p["visit_id"] == checked.visit_id and p["status"] == "waiting"
                for p in m["patients"]))
            assert [(v, since) for v, _s, since in entries(again)] == place

            # The call goes on: signalling resumes, media never stopped, no renegotiation.
            await demo_signalling.send(protocol.make("message", visit_id=call_id,
                                                     text="Still with you."))
            await until(lambda: "Still with you." in links_a.messages, frame)
            after = sink.video_frames, demo.sink.video_frames
            await until(lambda: sink.video_frames >= after[0] + 30
                        and demo.sink.video_frames >= after[1] + 30, frame)
            assert not in_call.ended
            assert links_a.ended == []
            assert links_b.ended == []
            assert session.state is CallState.CONNECTED
            assert session.attempt == 1
            assert demo.call is not None
            assert demo.call.attempt == 1

            assert await waiting.leave() == "left"
            assert await in_call.hangup() == "patient_hangup"
            async with asyncio.timeout(WAIT):
                await asyncio.shield(demo_task)  # once: it stops when the call has ended
            print(f"\nplanned stop: SIGTERM to exit {stopped:.2f} s; hub up {started:.2f} s "
                  f"after start; both kiosks and the specialist back {back:.2f} s later; "
                  "no renegotiation")
        finally:
            await in_call.close()
            await waiting.close()
            await media_a.aclose()
            await media_b.aclose()
            stop.set()
            async with asyncio.timeout(WAIT):
                summary = await demo_task
            await specialist_media.aclose()
    assert summary.calls == 1
    assert site.calls() == {call_id: "patient_hangup", checked.visit_id: "left"}
    assert site.storage.live_visits() == []
    assert not any("ended" in r["msg"] and "hub_stopped" in r["msg"]
                   for r in site.hub.log_lines())
