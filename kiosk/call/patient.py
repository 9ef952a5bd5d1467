"""The patient's visit as the kiosk (or ``clinic-kiosk test-call``) lives it, without any Qt.

:class:`PatientVisit` connects to the hub, checks in with an appointment code, pre-gathers the
call while the patient waits, offers when the specialist joins, relays the call's messages to its
:class:`~kiosk.call.session.CallSession`, sends ``call_state`` (through the session) and periodic
``call_stats``, and reports everything to one :class:`VisitListener`. The kiosk UI drives it
through the engine bridge; the listener is called on the engine's event loop.

Rules that matter:

- The appointment code is a secret: it goes into one ``check_in`` message and nowhere else (no
  log line, no exception text, no attribute).
- One visit object per visit. After ``call_ended`` (or :meth:`PatientVisit.close`) it is over.
- Local media belong to the caller; the visit never stops the camera or microphone itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any, Final

from kiosk import protocol
from kiosk.call.quality import Quality
from kiosk.call.session import CallSession, CallState, SessionConfig
from kiosk.call.signalling import HubSignalling, Signalling, SignallingError
from kiosk.media.local import FrameSink, LocalMedia
from kiosk.text import safe_display_text

log = logging.getLogger(__name__)

#: Hub error codes that answer a ``check_in``.
CHECK_IN_ERRORS: Final = frozenset({"bad_code", "code_used", "code_expired", "rate_limited",
                                    "not_allowed", "bad_message", "internal"})


@dataclass(frozen=True)
class CheckInDetails:
    """The appointment a code opened (from ``checked_in.appointment``)."""

    time: str | None
    specialist_name: str | None
    waiting_area: str | None
    clinic: str | None
    patient_name: str | None = None

    @classmethod
    def from_message(cls, info: Mapping[str, Any]) -> CheckInDetails:
        def text(key: str) -> str | None:
            value = info.get(key)  # shown to the patient: no controls or bidi overrides
            return safe_display_text(value, max_chars=128) if isinstance(value, str) else None
        return cls(text("time"), text("specialist_name"), text("waiting_area"), text("clinic"),
                   text("patient_name"))


@dataclass(frozen=True)
class CheckedIn:
    """A successful check-in."""

    visit_id: str
    appointment: CheckInDetails


@dataclass(frozen=True)
class CheckInFailed:
    """A refused check-in. ``code``: ``bad_code``, ``code_used``, ``code_expired``,
    ``rate_limited`` (see ``retry_after``, seconds), ``timeout``, ``hub_lost`` or another hub
    error code. ``message`` is the hub's plain-English reason."""

    code: str
    message: str
    retry_after: float | None = None


CheckInResult = CheckedIn | CheckInFailed


def helper_name(msg: Mapping[str, Any]) -> str | None:
    """The first name in a ``help_coming``, safe and short enough to show the patient."""
    by = msg.get("by")
    name = safe_display_text(by, max_chars=40).strip() if isinstance(by, str) else ""
    return name or None


class VisitListener:
    """What a visit reports. Subclass and override what you need; every method defaults to doing
    nothing. Called on the engine's event loop: return quickly, never block."""

    def on_checked_in(self, appointment: CheckInDetails) -> None:
        """Checked in; the patient is waiting (the call is being pre-gathered)."""

    def on_joined(self, specialist: Mapping[str, Any]) -> None:
        """The specialist joined (``{"id", "name"}``); the call is being set up."""

    def on_call_state(self, state: CallState) -> None:
        """The call's state changed (connecting, connected, reconnecting, ended, …)."""

    def on_quality(self, quality: Quality) -> None:
        """A new quality sample (about every 2 s while connected)."""

    def on_message(self, text: str, sender: str | None) -> None:
        """The specialist sent a text message."""

    def on_help_ack(self, message: str) -> None:
        """Staff have been alerted after :meth:`PatientVisit.help`."""

    def on_help_coming(self, by: str | None) -> None:
        """A member of staff answered the help request and is coming (``by``: their first
        name, made safe to show, or None)."""

    def on_hub_link(self, up: bool) -> None:
        """The hub connection dropped (``False``) or came back (``True``)."""

    def on_error(self, code: str, message: str) -> None:
        """The hub reported an error not tied to a request of ours."""

    def on_ended(self, reason: str) -> None:
        """The visit is over (``call_ended`` from the hub, or the hub was lost)."""


class PatientVisit:
    """One patient's visit: check in, wait, call, end. See the module docstring."""

    def __init__(self, signalling: Signalling, media: LocalMedia, *,
                 listener: VisitListener | None = None, sink: FrameSink | None = None,
                 session_config: SessionConfig | None = None, stats_every: float = 5.0,
                 request_timeout: float = 10.0) -> None:
        self.listener = listener or VisitListener()
        self.visit_id: str | None = None
        self.appointment: CheckInDetails | None = None
        self.session: CallSession | None = None
        self.specialist: Mapping[str, Any] | None = None
        self.end_reason: str | None = None
        self.ice_servers: list[Any] = []
        #: Reorders the hub's ICE servers for this site (the network check's preferred path
        #: first); applied now and to every later list the hub sends.
        self._prefer_ice: Callable[[list[Any]], list[Any]] | None = None
        self._signalling = signalling
        self._media = media
        self._sink = sink
        self._session_config = session_config
        self._stats_every = stats_every
        self._timeout = request_timeout
        self._pending: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._reader: asyncio.Task[None] | None = None
        self._ended = asyncio.Event()
        self._link_back = asyncio.Event()  # set whenever the hub link comes back
        self._call_started = False
        self._checked: CheckedIn | None = None
        self.joined = asyncio.Event()
        #: When the specialist first joined (event-loop clock), for set-up timing.
        self.joined_at: float | None = None
        if isinstance(signalling, HubSignalling):
            signalling.add_link_listener(self._link_changed)

    @classmethod
    def for_hub(cls, hub_url: str, media: LocalMedia, *, token: str | None = None,
                client: str = "clinic-kiosk", **kwargs: Any) -> PatientVisit:
        """A visit through the hub at ``hub_url``: role ``kiosk`` with a device ``token``,
        otherwise role ``patient``."""
        signalling = HubSignalling(hub_url, "kiosk" if token else "patient", token=token,
                                   client=client)
        return cls(signalling, media, **kwargs)

    # --- state ---

    @property
    def prefer_ice(self) -> Callable[[list[Any]], list[Any]] | None:
        return self._prefer_ice

    @prefer_ice.setter
    def prefer_ice(self, order: Callable[[list[Any]], list[Any]] | None) -> None:
        self._prefer_ice = order
        if self.ice_servers:
            self._apply_ice_servers(self.ice_servers)

    @property
    def ended(self) -> bool:
        return self._ended.is_set()

    @property
    def call_state(self) -> CallState:
        return self.session.state if self.session is not None else CallState.IDLE

    async def wait_ended(self) -> str:
        await self._ended.wait()
        return self.end_reason or "ended"

    # --- commands ---

    async def connect(self) -> None:
        """Connect to the hub; raises :class:`SignallingError` if it is unreachable or refuses."""
        await self._signalling.connect()
        welcome = getattr(self._signalling, "welcome", None)
        if isinstance(welcome, Mapping):
            self.ice_servers = list(welcome.get("ice_servers", []))
        self._reader = asyncio.create_task(self._read(), name="visit-reader")

    async def check_in(self, code: str | None, checks: Mapping[str, Any] | None = None, *,
                       appointment_id: int | None = None) -> CheckInResult:
        """Check in with an appointment code, or (a paired kiosk) with the id of the appointment
        staff prepared it for. Never raises for a refused check-in."""
        if self.visit_id is not None:
            return CheckInFailed("not_allowed", "Already checked in.")
        reply = await self._request(protocol.make(
            "check_in", code=code, appointment_id=appointment_id,
            checks=dict(checks) if checks is not None else None))
        if reply["type"] == "error":
            return CheckInFailed(reply["code"], reply["message"], reply.get("retry_after"))
        checked = self._checked
        assert checked is not None  # set by the reader before it resolved the request
        return checked

    async def send_checks(self, checks: Mapping[str, Any]) -> None:
        """Update the device-check summary the specialist sees while the patient waits."""
        await self._signalling.send(protocol.make("checks", checks=dict(checks)))

    async def help(self, reason: str | None = None) -> None:
        """Ask for help: the hub alerts clinic staff and answers ``help_ack``."""
        await self._signalling.send(protocol.make("help", reason=reason))

    async def leave(self, reason: str = "left") -> str:
        """Leave the waiting room (or the call); returns the end reason."""
        return await self._finish(protocol.make("leave", reason=reason), reason)

    async def hangup(self, reason: str = "patient_hangup") -> str:
        """End the call; returns the end reason."""
        return await self._finish(protocol.make("hangup", reason=reason), reason)

    async def close(self) -> None:
        """Release everything (session, tasks, hub connection) without telling the hub."""
        reader, self._reader = self._reader, None
        for task in [t for t in (reader,) if t is not None] + list(self._tasks):
            if task is not asyncio.current_task():
                task.cancel()
        for task in [t for t in (reader,) if t is not None] + list(self._tasks):
            if task is not asyncio.current_task():
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self.session is not None:
            await self.session.close(self.end_reason or "closed")
        await self._signalling.close()
        self._end(self.end_reason or "closed", notify=False)

    # --- internals ---

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _request(self, msg: dict[str, Any]) -> dict[str, Any]:
        ref = secrets.token_hex(6)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._pending[ref] = future
        try:
            if not await self._signalling.send({**msg, "ref": ref}):
                return protocol.error("internal", "The hub connection is down; try again.")
            async with asyncio.timeout(self._timeout):
                return await future
        except TimeoutError:
            return {"type": "error", "code": "timeout", "message": "The hub did not answer."}
        finally:
            self._pending.pop(ref, None)

    def _resolve(self, msg: dict[str, Any]) -> bool:
        ref = msg.get("ref")
        future = self._pending.get(ref) if isinstance(ref, str) else None
        if future is None and msg["type"] in ("checked_in", "error") and len(self._pending) == 1 \
                and (msg["type"] == "checked_in" or msg["code"] in CHECK_IN_ERRORS):
            future = next(iter(self._pending.values()))  # a hub that did not echo our ref
        if future is None or future.done():
            return False
        future.set_result(msg)
        return True

    async def _pregather(self, session: CallSession) -> None:
        try:
            await session.prepare()
        except Exception:
            log.exception("pre-gathering failed; the call will gather on join")

    async def _finish(self, msg: dict[str, Any], reason: str) -> str:
        if self.ended:
            return self.end_reason or reason
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(self._timeout):
                while True:  # the link is down (e.g. just after a cut): send once it is back
                    self._link_back.clear()
                    if await self._signalling.send(msg):
                        break
                    await self._link_back.wait()
                await self._ended.wait()
        if not self.ended:  # the hub did not confirm: end here anyway
            await self._end_call(reason)
        return self.end_reason or reason

    async def _read(self) -> None:
        async for msg in self._signalling:
            try:
                await self._dispatch(msg)
            except Exception:
                log.exception("handling %s failed", msg.get("type"))
            if self.ended:
                return
        if not self.ended:
            log.warning("lost the hub for good")
            await self._end_call("hub_lost")

    def _checked_in(self, msg: dict[str, Any]) -> None:
        """Start the visit. Done here in the reader, before anything else is read, because
        ``joined`` may follow ``checked_in`` at once when a specialist is already waiting."""
        self.visit_id = msg["visit_id"]
        self.appointment = CheckInDetails.from_message(msg["appointment"])
        self._checked = CheckedIn(msg["visit_id"], self.appointment)
        if isinstance(msg.get("ice_servers"), list):  # an own device's relay, given only now
            self._apply_ice_servers(msg["ice_servers"])
        self.session = CallSession(self._signalling, self._media, ice_servers=self.ice_servers,
                                   sink=self._sink, config=self._session_config)
        self.session.add_state_listener(self.listener.on_call_state)
        self.session.add_quality_listener(self.listener.on_quality)
        self._spawn(self._pregather(self.session))
        self.listener.on_checked_in(self.appointment)

    async def _dispatch(self, msg: dict[str, Any]) -> None:
        mtype = msg["type"]
        if mtype == "checked_in":
            if self.visit_id is None:
                self._checked_in(msg)
            self._resolve(msg)
            return
        if self._resolve(msg):
            return
        session = self.session
        if mtype in ("answer", "candidate", "restart"):
            if session is not None:
                await session.handle(msg)
        elif mtype == "joined":
            self.specialist = msg["specialist"]
            if self.joined_at is None:
                self.joined_at = asyncio.get_running_loop().time()
            self.joined.set()
            self.listener.on_joined(msg["specialist"])
            if session is not None:
                if not self._call_started:
                    self._call_started = True
                    self._spawn(self._stats_loop(session))
                    self._spawn(self._watch(session))
                await session.start()
        elif mtype == "message":
            sender = msg.get("from")
            self.listener.on_message(safe_display_text(msg["text"], multiline=True),
                                     safe_display_text(sender, max_chars=128) if sender else None)
        elif mtype == "help_ack":
            self.listener.on_help_ack(safe_display_text(msg["message"], multiline=True))
        elif mtype == "help_coming":
            self.listener.on_help_coming(helper_name(msg))
        elif mtype == "call_ended":
            if msg["visit_id"] == self.visit_id or self.visit_id is None:
                await self._end_call(msg["reason"])
        elif mtype in ("welcome", "ice_servers"):
            self._new_ice_servers(msg)
            if mtype == "welcome" and self.visit_id is not None and "resumed" not in msg:
                await self._end_call("visit_lost")  # the hub no longer knows our visit
        elif mtype == "error":
            log.warning("hub error: %s", msg["code"])
            if msg.get("fatal") or (msg["code"] == "not_found" and self.visit_id is not None):
                await self._end_call(msg["code"])
            else:
                self.listener.on_error(msg["code"], safe_display_text(msg["message"]))

    def _new_ice_servers(self, msg: Mapping[str, Any]) -> None:
        servers = msg.get("ice_servers")
        if isinstance(servers, list):
            self._apply_ice_servers(servers)

    def _apply_ice_servers(self, servers: list[Any]) -> None:
        ordered = self._prefer_ice(list(servers)) if self._prefer_ice else list(servers)
        self.ice_servers = ordered
        if self.session is not None:
            self.session.set_ice_servers(ordered)

    def _link_changed(self, up: bool) -> None:
        if up:
            self._link_back.set()
        if up and self.session is not None:
            self.session.path_alive("hub_link")  # the network is back: a fresh attempt now
        self.listener.on_hub_link(up)

    async def _stats_loop(self, session: CallSession) -> None:
        while session.state is not CallState.ENDED:
            await asyncio.sleep(self._stats_every)
            if session.quality is not None and session.state is CallState.CONNECTED:
                await self._signalling.send(protocol.make(
                    "call_stats", stats=session.quality.as_stats()))

    async def _watch(self, session: CallSession) -> None:
        reason = await session.wait_ended()
        if reason == "network_failed" and not self.ended:
            # The specialist is told (call_ended network_failed); a kiosk also alerts staff,
            # as the patient is left alone at it (a patient's own device has no staff).
            if not await self._signalling.send(protocol.make("hangup", reason="network_failed")):
                await self._end_call("network_failed")  # no hub to confirm it: end here
            elif getattr(self._signalling, "role", None) == "kiosk":
                await self._signalling.send(protocol.make("help", reason="call_lost"))

    async def _end_call(self, reason: str) -> None:
        if self.ended:
            return
        self.end_reason = reason
        if self.session is not None:
            await self.session.close(reason)
        self._end(reason, notify=True)

    def _end(self, reason: str, *, notify: bool) -> None:
        if self._ended.is_set():
            return
        self.end_reason = self.end_reason or reason
        self._ended.set()
        for future in self._pending.values():
            if not future.done():
                future.set_result(protocol.error("internal", "The visit ended."))
        if notify:
            self.listener.on_ended(self.end_reason)


__all__ = ["CheckInDetails", "CheckInFailed", "CheckInResult", "CheckedIn", "PatientVisit",
           "SignallingError", "VisitListener"]
