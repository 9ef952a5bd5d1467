"""Calls come back by themselves after network faults (issue 13 items 2-3), measured on a real
hub on 127.0.0.1 with the kiosk's call engine and the demo specialist (real aiortc peers), their
media forced through a UDP path we cut or make lossy (tests/helpers/netpath.py), and for a
whole-network cut the kiosk's WebSocket through a TCP path on the same switch.

Targets: media back at both ends within 3 s of the network's return (5 s at most), no call
ended, no patient action; at 5 % random loss each way, no video freeze over 1 s and no
reconnect. The full sweep (cut lengths up to 60 s, more trials, 10 % loss) is
``python -m bench.recovery``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from aiortc import MediaStreamTrack

from kiosk.call.patient import CheckedIn, PatientVisit, VisitListener
from kiosk.call.session import CallState, SessionConfig
from kiosk.call.signalling import HubSignalling
from kiosk.call.specialist import DemoSpecialist
from kiosk.media.local import LocalMedia
from kiosk.media.synthetic import synthetic_media
from tests.helpers.callrig import CallRig, Timeline
from tests.helpers.netpath import CutSignalling, NetPath, TcpPath, UdpPath

pytestmark = pytest.mark.integration

BACK_S = 3.0


async def rig_for(hub_factory: Any, **kwargs: Any) -> tuple[Any, CallRig]:
    hub = await hub_factory(heartbeat=3.0)  # the hub notices a stalled kiosk within 4.5 s
    rig = CallRig(hub.url, hub.new_appointment_code(),
                  (hub.specialist_username, hub.specialist_password), **kwargs)
    return hub, rig


@pytest.mark.expect_log(r"reconnecting \(", logger="kiosk.call.session")
@pytest.mark.expect_log(r"lost the hub connection|the hub connection failed",
                        logger="kiosk.call.signalling")
@pytest.mark.expect_log(r".", logger="kiosk.hub.ws")
@pytest.mark.expect_log(r"failed to decode", logger="aiortc.rtcrtpreceiver")
# Connections the kiosk gave up on during a cut reach the hub afterwards (as retransmitted SYNs
# would) and are gone before it answers: aiohttp logs that as an error.
@pytest.mark.expect_log(r"Error handling request", logger="aiohttp.server")
# A short cut of the media path and a long one of the whole network (hub link too): the
# sweep over 1-60 s is bench.recovery's (bench/README.md), kept out of CI's time.
@pytest.mark.parametrize(("seconds", "whole"), [(2.0, False), (12.0, True)])
async def test_media_back_within_3_s_of_the_network(hub_factory: Any, seconds: float,
                                                    whole: bool) -> None:
    _hub, rig = await rig_for(hub_factory, whole_network=whole)
    try:
        await rig.start()
        restored = await rig.cut_for(seconds)
        kiosk, specialist = await rig.back_after(restored, within=10.0)
        assert kiosk is not None
        assert kiosk <= BACK_S, (seconds, whole, kiosk)
        assert specialist is not None
        assert specialist <= BACK_S, (seconds, whole, specialist)
        assert not rig.call_ended
        assert rig.visit is not None
        assert rig.visit.session is not None
        assert rig.visit.session.reconnects <= 1
    finally:
        await rig.close()


# No "reconnecting" expected: a lossy path that carries the call is never rebuilt. (With this
# seed the far end's DTLS handshake ends 1 or 3 s after the kiosk's - its last flight lost once
# or twice - and the kiosk took the 3 s without media for a dead path in 8 of 12 runs; the
# reconnect, overlapping the call's start, sometimes froze the video past this test's window.)
@pytest.mark.expect_log(r"failed to decode", logger="aiortc.rtcrtpreceiver")
@pytest.mark.parametrize("seed", [1])
async def test_video_at_5_percent_loss_never_freezes_over_1_s(hub_factory: Any,
                                                              seed: int) -> None:
    # 640x480, the size the frame marker is drawn for (16-pixel cells): at the rig's 320x240
    # VP8 leaves 8-24 % of frames with an unreadable marker with no loss at all (up to 10 in a
    # row, 0.33 s, at 500 kbit/s-1 Mbit/s), and a good picture counted as frozen made the
    # longest freeze up to 1.4 s in about 1 run in 10.
    _hub, rig = await rig_for(hub_factory, loss=0.05, seed=seed, size=(640, 480))
    try:
        await rig.start()
        start = rig.switch.restore()  # now, on the loop's clock
        await rig.kiosk_sink.wait(lambda: False, 8.0)
        end = rig.switch.restore()
        for sink in (rig.kiosk_sink, rig.specialist_sink):
            assert sink.longest_gap(start, end) <= 1.0
        assert not rig.call_ended
        assert rig.udp.dropped > 0
        assert rig.visit is not None
        assert rig.visit.session is not None
        assert rig.visit.session.reconnects == 0
    finally:
        await rig.close()


class LateStart(MediaStreamTrack):
    """A far end's track whose first frame comes ``late`` seconds after the first ``recv()``:
    as when the far end's DTLS handshake ends seconds after the kiosk's (its last flight lost)."""

    def __init__(self, inner: MediaStreamTrack, late: float) -> None:
        super().__init__()
        self.kind = inner.kind
        self._inner = inner
        self._late = late
        self._asked = False
        self._stopped = asyncio.Event()

    async def recv(self) -> Any:
        if not self._asked:
            self._asked = True
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopped.wait(), self._late)
        return await self._inner.recv()  # MediaStreamError once stopped

    def stop(self) -> None:
        super().stop()
        self._stopped.set()
        self._inner.stop()


#: Session timings at a third of the defaults (3 s and 8 s), for CI's time.
FAST = SessionConfig(media_timeout=1.0, first_media_timeout=8.0 / 3)


@pytest.mark.expect_log(r"reconnecting \(media_timeout\)", logger="kiosk.call.session")
@pytest.mark.parametrize("late", [2.0, 60.0])
async def test_an_attempts_first_media_are_awaited_for_first_media_timeout(
        hub_factory: Any, late: float) -> None:
    """Media that start after ``media_timeout`` but within ``first_media_timeout`` of the
    connection are not a dead path; none by then is one, noticed as soon as that."""
    hub = await hub_factory()
    synthetic = synthetic_media(320, 240, tone_hz=660.0)
    assert synthetic.video is not None
    assert synthetic.audio is not None
    far = LocalMedia(video=LateStart(synthetic.video, late), audio=LateStart(synthetic.audio, late))
    specialist = DemoSpecialist.for_hub(hub.url, hub.specialist_username, hub.specialist_password,
                                        far)
    stop = asyncio.Event()
    running = asyncio.create_task(specialist.run(stop))
    media = synthetic_media(320, 240)
    sink = Timeline()
    states: list[tuple[CallState, float]] = []
    changed = asyncio.Event()

    class States(VisitListener):
        def on_call_state(self, state: CallState) -> None:
            states.append((state, asyncio.get_running_loop().time()))
            changed.set()

    visit = PatientVisit.for_hub(hub.url, media, sink=sink, listener=States(),
                                 session_config=FAST)
    try:
        async with asyncio.timeout(20.0):
            await specialist.ready.wait()
        await visit.connect()
        assert isinstance(await visit.check_in(hub.new_appointment_code()), CheckedIn)
        async with asyncio.timeout(20.0):
            while not any(s is CallState.CONNECTED for s, _ in states):
                changed.clear()
                await changed.wait()
        connected = next(at for s, at in states if s is CallState.CONNECTED)
        assert visit.session is not None
        if late < FAST.first_media_timeout:
            assert await sink.wait(lambda: len(sink.audio_at) >= 10
                                   and len(sink.good_video) >= 10, 20.0)
            assert min(sink.audio_at + sink.video_at) - connected > FAST.media_timeout
            assert visit.session.reconnects == 0
            assert visit.session.attempt == 1
        else:
            async with asyncio.timeout(10.0):
                while not any(s is CallState.RECONNECTING for s, _ in states):
                    changed.clear()
                    await changed.wait()
            gone = next(at for s, at in states if s is CallState.RECONNECTING) - connected
            assert FAST.first_media_timeout <= gone <= FAST.first_media_timeout + 0.5
            assert not sink.audio_at
    finally:
        await visit.close()
        stop.set()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(running, 20.0)
        await media.aclose()
        await far.aclose()
        synthetic.stop()


@pytest.mark.expect_log(r"lost the hub connection|the hub connection failed",
                        logger="kiosk.call.signalling")
@pytest.mark.expect_log(r".", logger="kiosk.hub.ws")
@pytest.mark.expect_log(r"Error handling request", logger="aiohttp.server")
async def test_a_stalled_link_is_noticed_within_5_s_at_both_ends_and_back_at_once(
        hub_factory: Any) -> None:
    hub = await hub_factory(heartbeat=3.0)
    specialist = await hub.specialist()
    switch = NetPath()
    host, port = hub.url.split("//", 1)[1].rsplit(":", 1)
    tcp = TcpPath((host, int(port)), switch)
    await tcp.start()
    links: list[tuple[bool, float]] = []
    changed = asyncio.Event()

    class Links(VisitListener):
        def on_hub_link(self, up: bool) -> None:
            links.append((up, asyncio.get_running_loop().time()))
            changed.set()

    visit = PatientVisit(HubSignalling(tcp.url_for(hub.url), "patient"),
                         LocalMedia(video=None, audio=None), listener=Links())
    loop = asyncio.get_running_loop()
    try:
        await visit.connect()
        assert isinstance(await visit.check_in(hub.new_appointment_code()), CheckedIn)
        await specialist.expect("waiting_list")
        switch.cut()
        cut_at = loop.time()
        listed = await specialist.expect("waiting_list", within=7.0)
        while listed["patients"][0]["status"] != "disconnected":
            listed = await specialist.expect("waiting_list", within=7.0)
        assert loop.time() - cut_at <= 5.0  # the hub noticed
        async with asyncio.timeout(7.0):
            while not any(not up for up, _ in links):
                changed.clear()
                await changed.wait()
        lost = next(at for up, at in links if not up)
        assert lost - cut_at <= 5.0  # the kiosk noticed, too
        restored = switch.restore()
        async with asyncio.timeout(10.0):
            while not any(up and at > restored for up, at in links):
                changed.clear()
                await changed.wait()
        back = next(at for up, at in links if up and at > restored)
        assert back - restored <= 2.0
        assert not visit.ended
    finally:
        await visit.close()
        await tcp.close()


@pytest.mark.expect_log(r".", logger="kiosk.hub.ws")
@pytest.mark.expect_log(r"Error handling request", logger="aiohttp.server")
async def test_the_console_notices_a_stalled_link_within_5_s_and_comes_back(
        hub_factory: Any) -> None:
    from playwright.async_api import expect

    from tests.integration.browser import chromium, console_page
    from tests.integration.console_support import WEB_ROOT, PageErrors, sign_in

    hub = await hub_factory(heartbeat=3.0, web_root=WEB_ROOT)
    switch = NetPath()
    host, port = hub.url.split("//", 1)[1].rsplit(":", 1)
    tcp = TcpPath((host, int(port)), switch)
    await tcp.start()
    loop = asyncio.get_running_loop()
    try:
        async with chromium() as browser, console_page(browser, tcp.url_for(hub.url)) as page:
            errors = PageErrors(page)
            await sign_in(page, hub.specialist_username, hub.specialist_password)
            link = page.locator("#link-state")
            switch.cut()
            cut_at = loop.time()
            await expect(link).to_have_attribute("data-state", "down", timeout=7_000)
            assert loop.time() - cut_at <= 5.5  # 5 s of silence, and the page's own clock
            restored = switch.restore()
            await expect(link).to_have_attribute("data-state", "up", timeout=10_000)
            assert loop.time() - restored <= 4.0
            assert errors.errors == []
    finally:
        await tcp.close()


@pytest.mark.expect_log(r"reconnecting \(", logger="kiosk.call.session")
@pytest.mark.expect_log(r"failed to decode", logger="aiortc.rtcrtpreceiver")
async def test_with_the_console_in_chromium_media_come_back_after_a_cut(
        hub_factory: Any) -> None:
    from playwright.async_api import expect

    from tests.integration.browser import chromium, console_page
    from tests.integration.console_support import (
        WEB_ROOT,
        PageErrors,
        frames_decoded,
        sign_in,
        wait_frames_decoded,
    )

    hub = await hub_factory(heartbeat=3.0, web_root=WEB_ROOT)
    udp = UdpPath()
    media = synthetic_media(320, 240)
    sink = Timeline()
    visit = PatientVisit(CutSignalling(hub.url, "patient", path=udp, route_answers=True),
                         media, sink=sink)
    loop = asyncio.get_running_loop()
    try:
        async with chromium() as browser, console_page(browser, hub.url) as page:
            errors = PageErrors(page)
            await sign_in(page, hub.specialist_username, hub.specialist_password)
            await visit.connect()
            assert isinstance(await visit.check_in(hub.new_appointment_code()), CheckedIn)
            await page.locator("#patients > li .p-join").first.click()
            await wait_frames_decoded(page, 30)
            # Chromium's fake camera carries no marker: any frame counts at the kiosk.
            assert await sink.wait(lambda: len(sink.video_at) >= 30, 20.0)
            udp.switch.cut()
            cut_at = loop.time()
            await asyncio.sleep(5.0)  # the cut itself: nothing to wait for
            at_restore = await frames_decoded(page)
            restored = udp.switch.restore()
            # Media really went only through the path: nothing arrived during the cut.
            assert not [t for t in sink.video_at + sink.audio_at if cut_at + 0.5 < t < restored]
            assert await sink.wait(
                lambda: sink.back_after(restored, good=False) is not None, 10.0)
            kiosk_back = sink.back_after(restored, good=False)
            assert kiosk_back is not None
            assert kiosk_back <= 3.0
            async with asyncio.timeout(10.0):  # the console's figure, polled from the page
                while await frames_decoded(page) in (at_restore, 0):  # noqa: ASYNC110
                    await asyncio.sleep(0.05)
            assert loop.time() - restored <= 3.5  # 3 s, and the page's stats interval
            await expect(page.locator("#call-banner")).to_have_text("Connected")
            assert not visit.ended
            assert errors.errors == []
    finally:
        await visit.close()
        await media.aclose()
        udp.close()


@pytest.mark.expect_log(r"reconnecting \(|call lost: no connection", logger="kiosk.call.session")
@pytest.mark.expect_log(r".", logger="kiosk.hub.ws")
async def test_a_network_that_does_not_come_back_ends_the_call_and_alerts_staff(
        hub_factory: Any) -> None:
    hub = await hub_factory()  # no hub pings: the colleague's test socket reads only in expect()
    hub.new_specialist(hub.seed.clinic_id, "colleague")
    staff = await hub.specialist("colleague", "correct horse 1")  # a colleague's list
    rig = CallRig(hub.url, hub.new_appointment_code(),
                  (hub.specialist_username, hub.specialist_password),
                  session_config=SessionConfig(lost_after=3.0, retry_interval=0.5),
                  kiosk_token=hub.new_kiosk_token())
    try:
        await rig.start()
        rig.switch.cut()  # for good
        async with asyncio.timeout(15.0):
            assert rig.visit is not None
            assert await rig.visit.wait_ended() == "network_failed"
        assert rig.listener.ended == ["network_failed"]
        assert rig.specialist is not None
        async with asyncio.timeout(5.0):  # the specialist was told why
            while rig.specialist.summary.last_end_reason is None:
                await rig.specialist_sink.wait(lambda: False, 0.1)
        assert rig.specialist.summary.last_end_reason == "network_failed"
        listed = await staff.expect("waiting_list", within=5.0)
        while not any(p.get("status") == "help" for p in listed["patients"]):
            listed = await staff.expect("waiting_list", within=5.0)
    finally:
        await rig.close()
