"""The faults clinics meet, made with network namespaces and iptables (tests/faults/netns.py):
a real ``clinic-hub serve`` process, the kiosk's call engine and the demo specialist, each in its
own namespace. This is the CI subset of issue 13's fault suite; ``python -m bench.recovery
--netns`` runs the sweep.

Targets (issue 13): media back at both ends within 5 s of the network returning (3 s for 95 %
of trials, which the sweep measures), no call ended, no patient action; a hub killed with
SIGKILL costs no patient their place; with UDP blocked and TURN/UDP listed first, the call
connects over TURN/TCP; at 5 % loss video never freezes for long.

Root only; skipped with the reason elsewhere.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.faults.netns import FaultNet, unavailable
from tests.faults.rig import FaultCall

_WHY_NOT = unavailable()

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(_WHY_NOT is not None, reason=_WHY_NOT or ""),
    pytest.mark.timeout(180),
]

BACK_WITHIN = 5.0


@pytest.fixture
async def call(tmp_path: Path) -> AsyncIterator[FaultCall]:
    net = FaultNet().up()
    rig = FaultCall(net, tmp_path)
    try:
        yield rig
    finally:
        try:
            await rig.close()
        finally:
            net.down()


async def _assert_back(rig: FaultCall, restored: float, what: str) -> None:
    kiosk, specialist = await rig.back_after(restored, within=30.0)
    assert kiosk is not None, f"{what}: media never came back at the kiosk\n{rig.diagnose()}"
    assert specialist is not None, f"{what}: never came back at the specialist"
    assert kiosk <= BACK_WITHIN, f"{what}: kiosk media back after {kiosk:.1f} s"
    assert specialist <= BACK_WITHIN, f"{what}: specialist media back after {specialist:.1f} s"
    assert not await rig.ended(), f"{what}: the call was ended\n{rig.diagnose()}"


# A short cut of the media path and a long one of everything (the hub link too); the 1-60 s
# sweep is `python -m bench.recovery --netns`'s.
@pytest.mark.parametrize(("kind", "seconds"), [("media", 5.0), ("whole", 15.0)])
async def test_a_cut_network_brings_media_back_within_5_s(
        call: FaultCall, kind: str, seconds: float) -> None:
    await call.start_hub()
    await call.start_call()
    restored = await call.cut_for(kind, seconds)
    await _assert_back(call, restored, f"{seconds:.0f} s {kind} cut")


async def test_udp_blocked_with_turn_udp_listed_first_connects_over_turn_tcp(
        call: FaultCall) -> None:
    urls = await call.start_coturn()
    assert urls[1].endswith("transport=udp")  # the order docs/deployment.md recommends
    call.net.cut("udp_blocked")  # for the whole test, before the kiosk does anything
    await call.start_hub(ice_urls=urls)
    await call.start_call()
    # The kiosk's media go through coturn over TCP: its connection is there, from the kiosk.
    ss = await asyncio.create_subprocess_exec(
        *call.net.argv(call.net.hub_ns, "ss", "-Htn", "state", "established",
                       "( sport = :3478 )"), stdout=asyncio.subprocess.PIPE)
    out, _ = await ss.communicate()
    assert f"{call.net.kiosk_ip}:" in out.decode(), out.decode()


async def test_five_percent_loss_keeps_the_call_and_video_recovers(call: FaultCall) -> None:
    await call.start_hub()
    await call.start_call()
    call.net.cut("loss", loss=0.05)
    start = time.monotonic()
    await asyncio.sleep(10.0)  # the sweep runs 20 s windows; CI time is short
    end = time.monotonic()
    call.net.restore()
    assert call.kiosk is not None
    assert call.specialist is not None
    gaps = [(await peer.ask(cmd="gap", start=start, end=end))["gap"]
            for peer in (call.kiosk, call.specialist)]
    assert not await call.ended()
    # The target (no freeze over 1 s in 10 runs) is measured by the sweep (bench.recovery);
    # here, one run: never a long freeze (before the video watchdog: 6.8 s and no recovery).
    assert max(gaps) < 3.0, f"longest video freeze at 5 % loss: {gaps}"


async def test_hub_killed_while_the_patient_waits_keeps_their_place(call: FaultCall) -> None:
    await call.start_hub()
    await call.check_in()
    await call.sign_in_specialist(join_delay=3600.0)  # watching, not joining
    call.kill_hub()
    assert call.hub is not None
    await call.hub.wait()
    await call.start_hub(demo=False)  # the same database and address, about a second later
    await asyncio.sleep(6.0)  # the clients find the hub again
    assert not await call.ended(), call.diagnose()
    # The patient is still there to be seen: a specialist joins and the call works.
    since = time.monotonic()
    await call.sign_in_specialist(join_delay=0.0)
    await call.media_flowing(since, within=30.0)


async def test_hub_killed_mid_call_the_call_goes_on(call: FaultCall) -> None:
    await call.start_hub()
    await call.start_call()
    call.kill_hub()
    assert call.hub is not None
    await call.hub.wait()
    killed = time.monotonic()
    await call.start_hub(demo=False)
    await asyncio.sleep(6.0)  # signalling resumes
    assert call.kiosk is not None
    assert call.specialist is not None
    gaps = [(await peer.ask(cmd="gap", start=killed, end=time.monotonic()))["gap"]
            for peer in (call.kiosk, call.specialist)]
    assert not await call.ended(), call.diagnose()
    assert max(gaps) < 1.0, f"media stopped while the hub was down: {gaps}"
    # And the call still reacts to the network: a cut now recovers as before.
    restored = await call.cut_for("media", 3.0)
    await _assert_back(call, restored, "3 s media cut after the hub came back")


async def test_delay_and_jitter_keep_the_call_and_its_figures_true(call: FaultCall) -> None:
    """150 ms each way with 60 ms of jitter (so packets also arrive out of order), from the
    NFQUEUE delayer: the call stays up and video keeps moving."""
    await call.start_hub()
    await call.start_call()
    call.net.delay(150.0, 60.0)
    start = time.monotonic()
    await asyncio.sleep(8.0)
    end = time.monotonic()
    counts = call.net.restore()
    assert counts["packets"] > 500  # the media really went through the delayer
    assert 150 <= counts["max_delay_ms"] <= 210
    assert call.kiosk is not None
    assert call.specialist is not None
    gaps = [(await peer.ask(cmd="gap", start=start, end=end))["gap"]
            for peer in (call.kiosk, call.specialist)]
    assert not await call.ended()
    assert max(gaps) < 2.0, f"longest video freeze under delay and jitter: {gaps}"
