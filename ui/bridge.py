"""The one bridge between the engine (asyncio thread) and Qt (GUI thread). docs/architecture.md §2.

Rules that matter:

- Engine -> GUI: every :class:`~kiosk.engine.EngineListener` callback becomes a Qt signal. The
  bridge object lives in the GUI thread, so emitting from the engine thread is a queued
  connection: slots always run in the GUI thread. One exception: ``remote_audio`` is connected
  directly to the speaker (``ui.media.KioskDevices.play_remote_audio``, safe on any thread), so
  the far end's audio reaches the speaker's own thread without waiting for the GUI thread.
- Video is *latest frame wins*: the engine thread overwrites one slot per stream and emits
  ``*_frame_ready`` only when the slot was empty, so a stalled GUI never builds a queue.
- GUI -> engine: :meth:`EngineBridge.run` hands a coroutine to the engine loop
  (``run_coroutine_threadsafe``); nothing in the GUI thread waits for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Coroutine, Mapping
from typing import Any

import av
from PySide6.QtCore import QObject, Signal

from kiosk.call.patient import CheckInDetails, CheckInResult
from kiosk.call.quality import Quality
from kiosk.call.session import CallState
from kiosk.engine import EngineListener, KioskEngine
from ui.engine_thread import EngineThread


class EngineBridge(QObject, EngineListener):
    """Turns engine events into Qt signals and GUI intents into engine coroutines.

    Signals:
        hub_link(bool): the hub connection is up (True) or lost (False).
        check_in_result(object): a :class:`~kiosk.call.patient.CheckInResult`.
        checked_in(object): the :class:`~kiosk.call.patient.CheckInDetails`.
        joined(str): the specialist's name; the call is being set up.
        call_state(str): a :class:`~kiosk.call.session.CallState` value.
        quality(str): "good", "fair" or "poor".
        message(str): a message from the specialist.
        help_ack(str): staff have been told the patient needs help.
        help_coming(str): a member of staff answered the help request and is coming (their
            first name, or "").
        hub_error(str, str): an error code and plain message from the hub.
        ended(str): the visit ended, with the reason.
        self_frame_ready(): a new self-view frame is waiting in :meth:`take_self_frame`.
        remote_frame_ready(): a new specialist frame is waiting in :meth:`take_remote_frame`.
        remote_audio(object): a 20 ms ``av.AudioFrame`` of the specialist's audio (emitted on
            the engine thread; connect it directly to a slot that is safe there).
        mic_level(float): the microphone's level, 0..1.
        network_progress(float, str): the network check's progress, 0..1, and its step.
        network_result(str, object): pass / warn / fail and the summary dict for the hub.
    """

    hub_link = Signal(bool)
    check_in_result = Signal(object)
    checked_in = Signal(object)
    joined = Signal(str)
    call_state = Signal(str)
    quality = Signal(str)
    message = Signal(str)
    help_ack = Signal(str)
    help_coming = Signal(str)
    hub_error = Signal(str, str)
    ended = Signal(str)
    self_frame_ready = Signal()
    remote_frame_ready = Signal()
    remote_audio = Signal(object)
    mic_level = Signal(float)
    network_progress = Signal(float, str)
    network_result = Signal(str, object)

    def __init__(self, thread: EngineThread, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)
        self.engine_thread = thread
        self.engine: KioskEngine | None = None
        self._lock = threading.Lock()
        self._self_frame: av.VideoFrame | None = None
        self._remote_frame: av.VideoFrame | None = None
        self.remote_frames = 0

    # ----- GUI -> engine ------------------------------------------------------------------

    def attach(self, engine: KioskEngine) -> None:
        self.engine = engine

    def run(self, make: Callable[[KioskEngine], Coroutine[Any, Any, Any]]) -> bool:
        """Run ``make(engine)`` on the engine loop; failures are logged by the engine thread.
        False (nothing done) when there is no engine or its thread is not running."""
        if self.engine is None or not self.engine_thread.running:
            return False
        self.engine_thread.submit(make(self.engine))
        return True

    def call(self, fn: Callable[[KioskEngine], None]) -> None:
        """Call a plain engine method on the engine loop."""
        if self.engine is None or not self.engine_thread.running:
            return
        engine = self.engine
        self.engine_thread.call_soon(fn, engine)

    def take_self_frame(self) -> av.VideoFrame | None:
        with self._lock:
            frame, self._self_frame = self._self_frame, None
        return frame

    def take_remote_frame(self) -> av.VideoFrame | None:
        with self._lock:
            frame, self._remote_frame = self._remote_frame, None
        return frame

    def clear_frames(self) -> None:
        """Privacy reset: drop any frame still waiting to be shown."""
        with self._lock:
            self._self_frame = self._remote_frame = None

    # ----- engine -> GUI (called on the engine thread) ----------------------------------------

    def on_self_frame(self, frame: av.VideoFrame) -> None:
        with self._lock:
            was_empty = self._self_frame is None
            self._self_frame = frame
        if was_empty:
            self.self_frame_ready.emit()

    def on_remote_video(self, frame: av.VideoFrame) -> None:
        with self._lock:
            was_empty = self._remote_frame is None
            self._remote_frame = frame
            self.remote_frames += 1
        if was_empty:
            self.remote_frame_ready.emit()

    def on_remote_audio(self, frame: av.AudioFrame) -> None:
        self.remote_audio.emit(frame)

    def on_mic_level(self, level: float) -> None:
        self.mic_level.emit(level)

    def on_check_in_result(self, result: CheckInResult) -> None:
        self.check_in_result.emit(result)

    def on_checked_in(self, appointment: CheckInDetails) -> None:
        self.checked_in.emit(appointment)

    def on_joined(self, specialist: Mapping[str, Any]) -> None:
        name = specialist.get("name")
        self.joined.emit(name if isinstance(name, str) else "")

    def on_call_state(self, state: CallState) -> None:
        self.call_state.emit(str(state))

    def on_quality(self, quality: Quality) -> None:
        self.quality.emit(str(quality.verdict))

    def on_message(self, text: str, sender: str | None) -> None:
        self.message.emit(text)

    def on_help_ack(self, message: str) -> None:
        self.help_ack.emit(message)

    def on_help_coming(self, by: str | None) -> None:
        self.help_coming.emit(by or "")

    def on_hub_link(self, up: bool) -> None:
        self.hub_link.emit(up)

    def on_error(self, code: str, message: str) -> None:
        self.hub_error.emit(code, message)

    def on_ended(self, reason: str) -> None:
        self.ended.emit(reason)

    def on_network_progress(self, fraction: float, text: str) -> None:
        self.network_progress.emit(fraction, text)

    def on_network_result(self, status: str, summary: Mapping[str, str]) -> None:
        self.network_result.emit(status, dict(summary))
