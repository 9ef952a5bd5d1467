"""The kiosk engine: what the kiosk app asks of the network and the media, with no Qt.

:class:`KioskEngine` runs on the engine thread's loop (docs/architecture.md §2). The bridge calls
its coroutines with ``run_coroutine_threadsafe`` and receives everything through one
:class:`EngineListener`, whose methods are called on the engine loop and must return at once
(the bridge turns them into queued Qt signals).

Rules that matter:

- One :class:`~kiosk.call.patient.PatientVisit` per patient. :meth:`KioskEngine.reset` (the
  privacy reset) ends it, stops the local media and forgets every cached frame; nothing of the
  visit survives it.
- Local media are made by a factory the app passes in (Qt camera and microphone, or synthetic
  sources in demo mode), wrapped in gates for "Mute" and "Camera off".
- The appointment code is a secret: it is passed straight to the hub and never kept or logged.
- The kiosk's journey step goes to the hub over its own standing link
  (:class:`~kiosk.call.statuslink.StatusLink`, started by the first
  :meth:`KioskEngine.report_status` and closed with the engine), not over a visit's socket: a
  kiosk with nobody at it is shown to reception too.
- The device token is read through the token provider (the secret store) each time a hub
  connection needs it, never kept: pairing takes effect for the next visit, and a kiosk
  without a token never checks a patient in as "their own device" (check-in is refused with
  ``not_paired``; the app shows the out-of-service screen before it comes to that).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Mapping
from typing import Any

import av
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError

from kiosk.call.patient import (
    CheckedIn,
    CheckInDetails,
    CheckInFailed,
    CheckInResult,
    PatientVisit,
    VisitListener,
)
from kiosk.call.session import SessionConfig
from kiosk.call.signalling import SignallingError
from kiosk.call.statuslink import StatusLink
from kiosk.checks.network import NetworkReport, preferred_ice_servers, run_network_check
from kiosk.checks.network import summary as network_summary
from kiosk.media.gate import GatedAudioTrack, GatedVideoTrack, audio_level
from kiosk.media.local import LocalMedia

log = logging.getLogger(__name__)

#: How long a reset waits for a cancelled network check to close its test connections.
NETWORK_CHECK_STOP_S = 5.0

#: Makes the raw local tracks (video, audio); either may be None when there is no such device.
MediaFactory = Callable[[], tuple[MediaStreamTrack | None, MediaStreamTrack | None]]
#: Returns the kiosk's device token now (None when it is not paired or the store is unusable).
TokenProvider = Callable[[], "str | None"]

#: The check-in refusal when the kiosk has no device token.
NOT_PAIRED = "not_paired"


class EngineListener(VisitListener):
    """Everything the engine reports (in addition to :class:`VisitListener`'s events)."""

    def on_self_frame(self, frame: av.VideoFrame) -> None:
        """A local camera frame for the self-view (latest frame wins)."""

    def on_remote_video(self, frame: av.VideoFrame) -> None:
        """A decoded frame of the specialist's video (latest frame wins)."""

    def on_remote_audio(self, frame: av.AudioFrame) -> None:
        """A decoded 20 ms frame of the specialist's audio."""

    def on_mic_level(self, level: float) -> None:
        """The microphone's level, 0..1, about ten times a second."""

    def on_check_in_result(self, result: CheckInResult) -> None:
        """The answer to :meth:`KioskEngine.check_in`."""

    def on_network_progress(self, fraction: float, text: str) -> None:
        """The network check is under way (0..1, what it is doing, in English for staff)."""

    def on_network_result(self, status: str, summary: Mapping[str, str]) -> None:
        """The network check finished: pass / warn / fail and the summary for the hub."""


class _Sink:
    """Delivers remote frames to the listener (the session's FrameSink)."""

    def __init__(self, listener: EngineListener) -> None:
        self._listener = listener

    def on_remote_video(self, frame: av.VideoFrame) -> None:
        self._listener.on_remote_video(frame)

    def on_remote_audio(self, frame: av.AudioFrame) -> None:
        self._listener.on_remote_audio(frame)


class KioskEngine:
    """The kiosk's network and media side for one patient at a time."""

    def __init__(self, hub_url: str, media_factory: MediaFactory, listener: EngineListener, *,
                 token: str | TokenProvider | None = None, client: str = "clinic-kiosk",
                 session_config: SessionConfig | None = None) -> None:
        self.hub_url = hub_url
        self._session_config = session_config
        self._factory = media_factory
        self._listener = listener
        if token is None or isinstance(token, str):
            fixed = token
            self._token_provider: TokenProvider = lambda: fixed
        else:
            self._token_provider = token
        self._client = client
        self._visit: PatientVisit | None = None
        self._media: LocalMedia | None = None
        self._video_gate: GatedVideoTrack | None = None
        self._audio_gate: GatedAudioTrack | None = None
        self._previews: list[asyncio.Task[None]] = []
        self._lock = asyncio.Lock()
        self._last_level_at = 0.0
        self._network_check: asyncio.Task[NetworkReport] | None = None
        #: Set while no patient is using the kiosk (the scheduled self-test waits for it).
        self.idle = asyncio.Event()
        self.idle.set()
        #: The standing link that tells the hub the kiosk's step (from the first report).
        self.status_link: StatusLink | None = None

    @property
    def visit(self) -> PatientVisit | None:
        return self._visit

    @property
    def has_video(self) -> bool:
        return self._video_gate is not None

    @property
    def has_audio(self) -> bool:
        return self._audio_gate is not None

    def _token(self) -> str | None:
        """The device token now, from the provider (a failing store counts as no token)."""
        try:
            return self._token_provider() or None
        except Exception as exc:  # the store's own message is for staff, not this log line
            log.warning("device token could not be read: %s", type(exc).__name__)
            return None

    # ----- the visit ----------------------------------------------------------------------

    async def begin_visit(self) -> bool:
        """Open the hub connection for a new patient. False (and ``on_hub_link(False)``) when
        the hub cannot be reached; the kiosk still works for help and retries on check-in."""
        async with self._lock:
            if self._visit is not None and not self._visit.ended:
                return True
            token = await asyncio.to_thread(self._token)
            if token is None:
                log.warning("no device token: the kiosk is not paired, no visit opened")
                self._listener.on_hub_link(False)
                return False
            media = self._ensure_media()
            visit = PatientVisit.for_hub(self.hub_url, media, token=token,
                                         client=self._client, listener=self._listener,
                                         sink=_Sink(self._listener),
                                         session_config=self._session_config)
            try:
                await visit.connect()
            except (SignallingError, OSError) as exc:
                log.warning("hub unreachable: %s", type(exc).__name__)
                await visit.close()
                self._listener.on_hub_link(False)
                return False
            self._visit = visit
            self.idle.clear()
            self._listener.on_hub_link(True)
            return True

    async def check_in(self, code: str | None = None, *,
                       appointment_id: int | None = None) -> CheckInResult:
        """Check in with an appointment code, or with the appointment staff prepared the kiosk
        for; the result also goes to the listener."""
        result: CheckInResult
        if await asyncio.to_thread(self._token) is None:
            result = CheckInFailed(NOT_PAIRED, "This kiosk is not paired with the clinic "
                                               "service.")
        elif not await self.begin_visit() or self._visit is None:
            result = CheckInFailed("hub_lost", "The kiosk cannot reach the clinic service.")
        else:
            result = await self._visit.check_in(code, appointment_id=appointment_id)
        if isinstance(result, CheckedIn):
            log.info("checked in, visit %s", result.visit_id)
        else:
            log.info("check-in refused: %s", result.code)
        self._listener.on_check_in_result(result)
        return result

    async def network_check(self) -> NetworkReport:
        """Check the hub and every media path; the call then uses the path that worked best
        first (aiortc uses only the first STUN and the first TURN URL it is given)."""
        token = await asyncio.to_thread(self._token)
        check = asyncio.ensure_future(run_network_check(
            self.hub_url, token=token,
            progress=lambda _step, fraction, text: self._listener.on_network_progress(
                fraction, text)))
        self._network_check = check  # a reset ends it (it belongs to the visit)
        try:
            report = await check
        finally:
            if self._network_check is check:
                self._network_check = None
        visit = self._visit
        if visit is not None:
            visit.prefer_ice = lambda servers: preferred_ice_servers(report, servers)
        status = report.verdict.status if report.verdict is not None else "fail"
        log.info("network check: %s in %.0f ms", status, report.duration_ms)
        self._listener.on_network_result(status, network_summary(report))
        return report

    async def send_checks(self, summary: Mapping[str, Any]) -> None:
        if self._visit is not None and self._visit.visit_id is not None:
            await self._visit.send_checks(summary)

    async def help(self) -> None:
        if self._visit is None or self._visit.ended:
            await self.begin_visit()
        if self._visit is not None:
            await self._visit.help()

    async def report_status(self, step: str, detail: str | None = None) -> None:
        """The kiosk's journey step for the hub (``status``; see
        :func:`kiosk.journey.kiosk_status`), sent over the standing link, which this starts."""
        if self.status_link is None:
            self.status_link = StatusLink(self.hub_url, self._token_provider,
                                          on_help_coming=self._listener.on_help_coming,
                                          client=self._client)
        self.status_link.report(step, detail)

    async def hangup(self) -> None:
        if self._visit is not None and not self._visit.ended:
            await self._visit.hangup("patient_ended")

    async def leave(self, reason: str) -> None:
        if self._visit is not None and not self._visit.ended:
            await self._visit.leave(reason)

    # ----- media ------------------------------------------------------------------------

    def _ensure_media(self) -> LocalMedia:
        if self._media is None:
            video, audio = self._factory()
            self._video_gate = GatedVideoTrack(video) if video is not None else None
            self._audio_gate = GatedAudioTrack(audio) if audio is not None else None
            self._media = LocalMedia(video=self._video_gate, audio=self._audio_gate)
        return self._media

    async def start_devices(self) -> None:
        """Start the self-view and the microphone level (the camera and mic start with them)."""
        media = self._ensure_media()
        if self._previews:
            return
        if media.video is not None:
            self._previews.append(asyncio.create_task(
                self._pump(media.subscribe(media.video), self._listener.on_self_frame),
                name="self-view"))
        if media.audio is not None:
            self._previews.append(asyncio.create_task(
                self._pump(media.subscribe(media.audio), self._level), name="mic-level"))

    def _level(self, frame: av.AudioFrame) -> None:
        now = time.monotonic()
        if now - self._last_level_at >= 0.1:
            self._last_level_at = now
            self._listener.on_mic_level(audio_level(frame))

    @staticmethod
    async def _pump(track: MediaStreamTrack, deliver: Callable[[Any], None]) -> None:
        try:
            while True:
                deliver(await track.recv())
        except MediaStreamError:
            return
        finally:
            track.stop()

    async def _stop_previews(self) -> None:
        tasks, self._previews = self._previews, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def set_muted(self, muted: bool) -> None:
        if self._audio_gate is not None:
            self._audio_gate.open = not muted

    def set_camera_off(self, off: bool) -> None:
        if self._video_gate is not None:
            self._video_gate.open = not off

    async def stop_devices(self) -> None:
        """Camera and microphone off; the next visit makes fresh tracks."""
        await self._stop_previews()
        media, self._media = self._media, None
        self._video_gate = self._audio_gate = None
        if media is not None:
            await media.aclose()

    # ----- privacy reset and shutdown -------------------------------------------------------

    async def reset(self, reason: str = "reset") -> None:
        """End the visit (telling the hub), stop the media, forget everything."""
        visit, self._visit = self._visit, None
        check, self._network_check = self._network_check, None
        if check is not None and not check.done():
            check.cancel()
            await asyncio.wait({check}, timeout=NETWORK_CHECK_STOP_S)
        if visit is not None:
            if not visit.ended:
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(3):
                        await visit.leave(reason)
            await visit.close()
        await self.stop_devices()
        self.idle.set()

    async def close(self) -> None:
        link, self.status_link = self.status_link, None
        if link is not None:
            await link.close()
        await self.reset("kiosk_closing")


__all__ = ["NOT_PAIRED", "CheckInDetails", "CheckInResult", "EngineListener", "KioskEngine",
           "MediaFactory", "TokenProvider"]
