"""The kiosk's devices on the GUI side: which camera, microphone and speaker are in use.

A Qt device adapter (docs/architecture.md §3, §6): it may import aiortc. It owns the capture feeds
(``ui.devices.CaptureFeed``) the engine's tracks read from, starts and stops the Qt devices, plays
the far end's audio and the speaker-check chime, and makes the engine's local tracks: a Qt
device where one exists, else (in demo mode) a synthetic test pattern or tone. The far end's
audio is played on the speaker's own thread: :meth:`KioskDevices.play_remote_audio` may be called
from the engine thread, and is (a direct connection), so a stalled GUI thread never starves it.

The microphone and the speaker share one :class:`kiosk.media.echo.AudioProcessor` (echo
cancellation, noise suppression, gain control as staff set them): the speaker feeds it what it
plays, the microphone's audio goes through it before the call and the level meter hear it.
The first device of each kind is the system's default.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import av
from aiortc import MediaStreamTrack
from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtMultimedia import QSoundEffect

from kiosk.checks.camera import FAULTS as CAMERA_FAULTS
from kiosk.checks.camera import STAFF_ADVICE as CAMERA_ADVICE
from kiosk.checks.result import CheckResult
from kiosk.media.echo import AudioProcessor, ProcessingSettings
from kiosk.media.synthetic import TestPatternTrack, ToneTrack
from ui.devices import CaptureFeed, DeviceList, QtCamera, QtMicrophone, QtSpeaker

log = logging.getLogger(__name__)

CHIME = Path(__file__).resolve().parent.parent / "resources" / "sounds" / "chime.wav"


class KioskDevices(QObject):
    """Camera, microphone and speaker of the kiosk, chosen by index, with hot-plug.

    Signals:
        changed(): the list of devices changed (plugged in or removed).
        error(str, str): a device failed: its kind and plain words for staff.
    """

    changed = Signal()
    error = Signal(str, str)

    def __init__(self, *, synthetic_fallback: bool, width: int = 640, height: int = 480,
                 processing: ProcessingSettings | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.synthetic_fallback = synthetic_fallback
        #: Echo cancellation, noise suppression, gain control (staff settings); the processor
        #: is made when the microphone first starts and lives as long as these settings.
        self.processing = processing if processing is not None else ProcessingSettings()
        self.processor: AudioProcessor | None = None
        self._played = 0
        self.width, self.height = width, height
        self.devices = DeviceList(self)
        self.devices.changed.connect(self.changed)
        self.video_feed = CaptureFeed("video")
        self.audio_feed = CaptureFeed("audio")
        self.camera_index = 0
        self.mic_index = 0
        self.speaker_index = 0
        self.volume = 80
        self._camera: QtCamera | None = None
        self._mic: QtMicrophone | None = None
        self._speaker: QtSpeaker | None = None
        self._chime: QSoundEffect | None = None
        self.running = False
        #: The camera's verdict as last measured in a visit (kiosk.checks.camera; "" unknown),
        #: set by the controller; the self-test reports a fault to staff.
        self.camera_health = ""
        #: Device names as last seen in the GUI thread, for the self-test on the engine thread
        #: (replaced whole, never mutated, so reading it from another thread is safe).
        self.snapshot: dict[str, list[str]] = {}
        self.devices.changed.connect(self._take_snapshot)
        self._take_snapshot()

    # ----- what exists ----------------------------------------------------------------------

    def camera_names(self) -> list[str]:
        return [d.description() for d in self.devices.cameras()]

    def mic_names(self) -> list[str]:
        return [d.description() for d in self.devices.microphones()]

    def speaker_names(self) -> list[str]:
        return [d.description() for d in self.devices.speakers()]

    def _take_snapshot(self) -> None:
        self.snapshot = {"camera": self.camera_names(), "microphone": self.mic_names(),
                         "speaker": self.speaker_names()}

    async def device_checks(self) -> list[CheckResult]:
        """The self-test's device checks (engine thread): is each kind of device present?"""
        snapshot = self.snapshot
        results = []
        for kind, word in (("camera", "camera"), ("microphone", "microphone"),
                           ("speaker", "speaker")):
            names = snapshot.get(kind, [])
            health = self.camera_health if kind == "camera" else ""
            if names and health in CAMERA_FAULTS:
                results.append(CheckResult(
                    kind, "fail", {"devices": len(names), "verdict": health},
                    advice_patient="The camera here does not work today.",
                    advice_staff=CAMERA_ADVICE[health]))
            elif names:
                results.append(CheckResult(kind, "pass", {"devices": len(names)},
                                           advice_staff=f"{len(names)} {word}(s): "
                                                        + ", ".join(names)[:200]))
            elif self.synthetic_fallback:
                results.append(CheckResult(kind, "warn", {"devices": 0, "synthetic": True},
                                           advice_staff=f"No {word}: demo mode uses a "
                                                        "synthetic one."))
            else:
                results.append(CheckResult(
                    kind, "fail", {"devices": 0},
                    advice_patient="Please tell a member of staff.",
                    advice_staff=CAMERA_ADVICE["absent"] if kind == "camera" else
                    f"No {word} found. Check the cable and the sound/video settings, then run "
                    "the self-test again."))
        return results

    @property
    def has_speaker(self) -> bool:
        return bool(self.devices.speakers())

    # ----- tracks for the engine (called on the engine thread) --------------------------------

    def make_tracks(self, loop: asyncio.AbstractEventLoop
                    ) -> tuple[MediaStreamTrack | None, MediaStreamTrack | None]:
        """The raw local tracks of a visit: Qt devices, or synthetic ones in demo mode."""
        video: MediaStreamTrack | None
        audio: MediaStreamTrack | None
        if self.devices.cameras():
            video = self.video_feed.track(loop)
        else:
            video = TestPatternTrack(self.width, self.height) if self.synthetic_fallback else None
        if self.devices.microphones():
            audio = self.audio_feed.track(loop)
        else:
            audio = ToneTrack() if self.synthetic_fallback else None
        return video, audio

    # ----- start, stop, choose ----------------------------------------------------------------

    def start(self) -> None:
        """Open the chosen camera, microphone and speaker (those that exist)."""
        self.running = True
        cameras, mics, speakers = (self.devices.cameras(), self.devices.microphones(),
                                   self.devices.speakers())
        if cameras and self._camera is None:
            device = cameras[min(self.camera_index, len(cameras) - 1)]
            self._camera = QtCamera(device, self.video_feed, self.width, self.height, self)
            self._camera.error.connect(lambda text: self.error.emit("camera", text))
            self._camera.start()
        if (mics or speakers) and self.processor is None:
            self.processor = AudioProcessor(self.processing)
        if mics and self._mic is None:
            self._mic = QtMicrophone(mics[min(self.mic_index, len(mics) - 1)], self.audio_feed,
                                     self, processor=self.processor)
            self._mic.error.connect(lambda text: self.error.emit("microphone", text))
            self._mic.start()
        if speakers and self._speaker is None:
            self._speaker = QtSpeaker(speakers[min(self.speaker_index, len(speakers) - 1)], self,
                                      processor=self.processor)
            self._speaker.set_volume(self.volume)
            self._speaker.start()

    def stop(self) -> None:
        """Close every device (privacy reset, end of call). The feeds' tracks end too."""
        self.running = False
        for dev in (self._camera, self._mic, self._speaker):
            if dev is not None:
                dev.stop()
                dev.deleteLater()
        self._camera = self._mic = self._speaker = None
        self.video_feed.close()
        self.audio_feed.close()
        if self.processor is not None:
            self.processor.reset()

    def choose(self, kind: str, index: int) -> None:
        """Switch to another device of a kind; the call's tracks carry on from the new one."""
        if kind == "camera":
            self.camera_index = index
            old, self._camera = self._camera, None
        elif kind in ("mic", "microphone"):
            self.mic_index = index
            old, self._mic = self._mic, None  # type: ignore[assignment]
        elif kind == "speaker":
            self.speaker_index = index
            old, self._speaker = self._speaker, None  # type: ignore[assignment]
        else:
            raise ValueError(kind)
        if old is not None:
            old.stop()
            old.deleteLater()
        if self.running:
            self.start()

    def set_volume(self, percent: int) -> None:
        self.volume = max(0, min(100, percent))
        if self._speaker is not None:
            self._speaker.set_volume(self.volume)
        if self._chime is not None:
            self._chime.setVolume(self.volume / 100)

    # ----- sound out ----------------------------------------------------------------------

    def set_processing(self, settings: ProcessingSettings) -> None:
        """Staff changed which processing is on: devices in use restart with a new processor."""
        if settings == self.processing:
            return
        self.processing = settings
        self.processor = None
        for kind in ("microphone", "speaker"):
            old = self._mic if kind == "microphone" else self._speaker
            if old is not None:
                self.choose(kind, self.mic_index if kind == "microphone" else self.speaker_index)

    def play_remote_audio(self, frame: av.AudioFrame) -> None:
        """Play a frame of the far end's audio. Any thread: the bridge's ``remote_audio`` is
        connected directly, so frames go from the engine thread to the speaker's own thread
        and never wait for the GUI thread (``ui.devices.QtSpeaker``)."""
        speaker, mic, processor = self._speaker, self._mic, self.processor
        if speaker is None:
            return
        speaker.play(frame)
        self._played += 1
        if processor is not None and self._played % 50 == 1:
            # Playback + capture delay as the buffers tell; AEC3 refines it by itself.
            latency = mic.latency_ms if mic is not None else 0.0
            processor.set_delay_ms(round(speaker.buffered_ms + latency))

    def play_chime(self) -> bool:
        """Play the speaker-check chime. False when there is no speaker to play it on."""
        speakers = self.devices.speakers()
        if not speakers:
            log.info("no speaker to play the chime on")
            return False
        if self._chime is None:
            self._chime = QSoundEffect(self)
            self._chime.setSource(QUrl.fromLocalFile(str(CHIME)))
        self._chime.setAudioDevice(speakers[min(self.speaker_index, len(speakers) - 1)])
        self._chime.setVolume(self.volume / 100)
        self._chime.play()
        return True
