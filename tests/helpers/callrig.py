"""One real call through a real hub whose network we control: for recovery tests and the bench.

:class:`CallRig` runs the demo specialist (an aiortc peer signed in like a browser) and a
:class:`~kiosk.call.patient.PatientVisit` (the kiosk's call engine, no Qt) with synthetic media
(the test pattern carries a frame counter: :mod:`kiosk.media.marker`). Their media go only
through a :class:`~tests.helpers.netpath.UdpPath`; with ``whole_network`` the kiosk's WebSocket to
the hub also goes through a :class:`~tests.helpers.netpath.TcpPath` on the same switch.

Each end's :class:`Timeline` notes when every video frame with a readable marker (a frame that
decoded into the picture that was sent, not a damaged one) and every audio frame arrived, so:

- *media back* after a cut = the later of the first good video frame and the first audio frame
  that arrived after the network returned (:meth:`Timeline.back_after`);
- a *freeze* = the longest gap between good video frames (:meth:`Timeline.longest_gap`).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from dataclasses import dataclass, field
from typing import Any

import av

from kiosk.call.patient import CheckedIn, PatientVisit, VisitListener
from kiosk.call.session import CallState, SessionConfig
from kiosk.call.specialist import DemoSpecialist
from kiosk.media import marker
from kiosk.media.local import LatestFrame, LocalMedia
from kiosk.media.synthetic import synthetic_media
from tests.helpers.netpath import CutSignalling, NetPath, TcpPath, UdpPath


class Timeline(LatestFrame):
    """A frame sink that notes when good video frames and audio frames arrive (loop time)."""

    def __init__(self) -> None:
        super().__init__()
        self.good_video: list[float] = []
        self.video_at: list[float] = []
        self.audio_at: list[float] = []
        self.damaged = 0
        self.changed = asyncio.Event()

    def on_remote_video(self, frame: av.VideoFrame) -> None:
        super().on_remote_video(frame)
        self.video_at.append(asyncio.get_running_loop().time())
        if marker.decode(frame) is None:
            self.damaged += 1
        else:
            self.good_video.append(asyncio.get_running_loop().time())
        self.changed.set()

    def on_remote_audio(self, frame: av.AudioFrame) -> None:
        super().on_remote_audio(frame)
        self.audio_at.append(asyncio.get_running_loop().time())
        self.changed.set()

    def back_after(self, t: float, *, good: bool = True) -> float | None:
        """Seconds from ``t`` until both good video and audio had arrived again, or ``None``.
        ``good=False`` takes any video frame (a far end whose picture carries no marker)."""
        video = next((x for x in (self.good_video if good else self.video_at) if x > t), None)
        audio = next((x for x in self.audio_at if x > t), None)
        if video is None or audio is None:
            return None
        return max(video, audio) - t

    def longest_gap(self, start: float, end: float) -> float:
        """The longest time without a good video frame between ``start`` and ``end``."""
        times = [start, *[x for x in self.good_video if start < x < end], end]
        return max(b - a for a, b in itertools.pairwise(times))

    async def wait(self, predicate: Any, within: float) -> bool:
        """Wait until ``predicate()`` holds (checked on every frame); ``False`` on time-out."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                while not predicate():
                    self.changed.clear()
                    await self.changed.wait()
                return True
        return bool(predicate())


class _Ends(VisitListener):
    def __init__(self) -> None:
        self.ended: list[str] = []
        self.states: list[CallState] = []

    def on_call_state(self, state: CallState) -> None:
        self.states.append(state)

    def on_ended(self, reason: str) -> None:
        self.ended.append(reason)


@dataclass
class CallRig:
    """A call between the kiosk engine and the demo specialist over a path we control."""

    hub_url: str
    code: str
    specialist_login: tuple[str, str]
    whole_network: bool = False
    loss: float = 0.0
    seed: int = 1
    size: tuple[int, int] = (320, 240)
    session_config: SessionConfig | None = None
    #: A paired kiosk's device token: the visit is a kiosk's (else a patient's own device).
    kiosk_token: str | None = None
    switch: NetPath = field(default_factory=NetPath)
    kiosk_sink: Timeline = field(default_factory=Timeline)
    specialist_sink: Timeline = field(default_factory=Timeline)
    listener: _Ends = field(default_factory=_Ends)

    def __post_init__(self) -> None:
        self.udp = UdpPath(self.switch, loss=self.loss, seed=self.seed)
        self.tcp: TcpPath | None = None
        self.visit: PatientVisit | None = None
        self.specialist: DemoSpecialist | None = None
        self._media: list[LocalMedia] = []
        self._stop = asyncio.Event()
        self._specialist_task: asyncio.Task[Any] | None = None

    async def start(self, within: float = 30.0) -> None:
        """Connect both ends, check in, and wait until media flow both ways."""
        host, port = self.hub_url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
        kiosk_url = self.hub_url
        if self.whole_network:
            self.tcp = TcpPath((host, int(port)), self.switch)
            await self.tcp.start()
            kiosk_url = self.tcp.url_for(self.hub_url)
        specialist_media = synthetic_media(*self.size, tone_hz=660.0)
        kiosk_media = synthetic_media(*self.size)
        self._media += [specialist_media, kiosk_media]
        username, password = self.specialist_login
        self.specialist = DemoSpecialist(
            CutSignalling(self.hub_url, "specialist", login=(username, password),
                          client="recovery rig", path=self.udp),
            specialist_media)
        self.specialist.sink = self.specialist_sink
        self._specialist_task = asyncio.create_task(self.specialist.run(self._stop))
        async with asyncio.timeout(within):
            await self.specialist.ready.wait()
        self.visit = PatientVisit(
            CutSignalling(kiosk_url, "kiosk" if self.kiosk_token else "patient",
                          token=self.kiosk_token, client="recovery rig", path=self.udp),
            kiosk_media, sink=self.kiosk_sink, listener=self.listener,
            session_config=self.session_config)
        await self.visit.connect()
        result = await self.visit.check_in(self.code)
        assert isinstance(result, CheckedIn), result
        flowing = await self.kiosk_sink.wait(
            lambda: len(self.kiosk_sink.good_video) >= 10, within) and \
            await self.specialist_sink.wait(lambda: len(self.specialist_sink.good_video) >= 10,
                                            within)
        assert flowing, "media did not flow both ways before the fault"

    async def cut_for(self, seconds: float) -> float:
        """Cut the path for ``seconds``; returns the loop time the network came back."""
        self.switch.cut()
        await asyncio.sleep(seconds)
        return self.switch.restore()

    async def back_after(self, restored: float, within: float = 30.0) -> tuple[
            float | None, float | None]:
        """Seconds after ``restored`` until media were back at (the kiosk, the specialist)."""
        await self.kiosk_sink.wait(lambda: self.kiosk_sink.back_after(restored) is not None,
                                   within)
        await self.specialist_sink.wait(
            lambda: self.specialist_sink.back_after(restored) is not None, within)
        return self.kiosk_sink.back_after(restored), self.specialist_sink.back_after(restored)

    @property
    def call_ended(self) -> bool:
        return bool(self.listener.ended) or (self.visit is not None and self.visit.ended)

    async def close(self) -> None:
        if self.visit is not None:
            with contextlib.suppress(Exception):
                if not self.visit.ended:
                    await asyncio.wait_for(self.visit.hangup(), 10.0)
            await self.visit.close()
        self._stop.set()
        if self._specialist_task is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._specialist_task, 20.0)
        for media in self._media:
            await media.aclose()
        if self.tcp is not None:
            await self.tcp.close()
        self.udp.close()
