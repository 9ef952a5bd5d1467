"""The kiosk's standing link to the hub: where the kiosk is in the patient journey, for the
reception console.

:class:`StatusLink` keeps one WebSocket open as the paired kiosk for as long as the app runs
(each patient's visit has its own socket besides, :class:`~kiosk.call.patient.PatientVisit`).
It says ``status`` with the kiosk's step (:func:`kiosk.journey.kiosk_status`) on every change
and again after every (re)connect, so the site's staff see each kiosk live (idle, checking in,
waiting, in a call, out of service and why, admin), and it passes on ``help_coming`` (staff
answered a help request made before check-in).

Rules that matter:

- It starts on the first :meth:`StatusLink.report` and stops only with :meth:`close`.
- The device token is read through the provider for every connection, never kept; without one
  the link waits and tries again (pairing takes effect without a restart).
- A hub that is away is normal (a restart, a network cut): the link retries with backoff up to
  :data:`RETRY_MAX_S` and logs at INFO only (each kind of trouble once in a row); the patient
  never notices it. Only the latest step matters: one not sent while the link was down is
  replaced by the current one on reconnect.
- Everything received is validated (:func:`kiosk.protocol.decode`); anything else is ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import ssl
from collections.abc import Callable
from typing import Final

import aiohttp

from kiosk import protocol
from kiosk.call.patient import helper_name
from kiosk.call.signalling import CONNECT_TIMEOUT_S, HEARTBEAT_S

log = logging.getLogger(__name__)

#: The first and the longest wait between attempts to reach the hub (seconds).
RETRY_MIN_S: Final = 1.0
RETRY_MAX_S: Final = 30.0


class StatusLink:
    """The kiosk's own connection to the hub for ``status`` (see the module docstring).

    ``token`` returns the device token now (None: not paired); it is called in a worker thread.
    ``on_help_coming`` is called on the loop with the helper's first name (or None).
    """

    def __init__(self, hub_url: str, token: Callable[[], str | None], *,
                 on_help_coming: Callable[[str | None], None] | None = None,
                 client: str = "clinic-kiosk", retry: tuple[float, float] = (RETRY_MIN_S,
                                                                            RETRY_MAX_S),
                 ssl_context: ssl.SSLContext | None = None) -> None:
        self.hub_url = hub_url.rstrip("/")
        self._token = token
        self._on_help_coming = on_help_coming
        self._client = client
        self._retry = retry
        self._ssl: ssl.SSLContext | bool = ssl_context if ssl_context is not None else True
        self._status: tuple[str, str | None] | None = None
        self._changed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._closing = False
        #: How many times a ``welcome`` was received (tests wait on it).
        self.connections = 0
        #: The last status the hub was sent on the current connection.
        self.sent: tuple[str, str | None] | None = None

    @property
    def status(self) -> tuple[str, str | None] | None:
        return self._status

    def report(self, step: str, detail: str | None = None) -> None:
        """The kiosk is now at ``step`` (one of :data:`kiosk.protocol.KIOSK_STEPS`); sent at
        once if the link is up, else as soon as it is."""
        if step not in protocol.KIOSK_STEPS:
            raise ValueError(f"not a kiosk step: {step!r}")
        self._status = (step, detail[:200] if detail else None)
        self._changed.set()
        if self._task is None and not self._closing:
            self._task = asyncio.create_task(self._run(), name="kiosk-status-link")

    async def close(self) -> None:
        self._closing = True
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _run(self) -> None:
        delay = self._retry[0]
        said = ""  # the last trouble logged: each kind once in a row, not every retry
        async with aiohttp.ClientSession() as session:
            while not self._closing:
                token = await asyncio.to_thread(self._read_token)
                if token is None:
                    trouble = "no device token (not paired, or the store is unreadable)"
                else:
                    try:
                        welcomed = await self._connected(session, token)
                    except (aiohttp.ClientError, OSError, TimeoutError) as exc:
                        trouble = f"hub not reachable ({type(exc).__name__})"
                    else:
                        if welcomed:  # it was up until now: try again soon
                            delay, said = self._retry[0], ""
                        trouble = "" if welcomed else "the hub did not welcome the kiosk"
                if trouble and trouble != said:
                    log.info("status link: %s; retrying", trouble)
                    said = trouble
                await asyncio.sleep(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, self._retry[1])

    def _read_token(self) -> str | None:
        try:
            return self._token() or None
        except Exception:  # the store's own message is for staff, not the log
            return None

    async def _connected(self, session: aiohttp.ClientSession, token: str) -> bool:
        """One connection, until it closes; whether the hub welcomed us."""
        async with asyncio.timeout(CONNECT_TIMEOUT_S):
            ws = await session.ws_connect(f"{self.hub_url}/ws", heartbeat=HEARTBEAT_S,
                                          ssl=self._ssl)
        sender: asyncio.Task[None] | None = None
        welcomed = False
        try:
            await ws.send_str(protocol.encode(protocol.make(
                "hello", role="kiosk", token=token, client=self._client)))
            async for frame in ws:
                if frame.type != aiohttp.WSMsgType.TEXT:
                    continue
                try:
                    msg = protocol.decode(frame.data)
                except protocol.ProtocolError:
                    continue
                if msg["type"] == "welcome" and not welcomed:
                    welcomed = True
                    self.connections += 1
                    self.sent = None
                    self._changed.set()  # say the current step on every (re)connect
                    sender = asyncio.create_task(self._send_loop(ws))
                elif msg["type"] == "help_coming" and self._on_help_coming is not None:
                    self._on_help_coming(helper_name(msg))
                elif msg["type"] == "error":
                    log.info("status link: hub said %s", msg["code"])
            log.info("status link closed (code %s)", ws.close_code)
        finally:
            if sender is not None:
                sender.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sender
            await ws.close()
        return welcomed

    async def _send_loop(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        while True:
            await self._changed.wait()
            self._changed.clear()
            status = self._status
            if status is None or status == self.sent:
                continue
            step, detail = status
            try:
                await ws.send_str(protocol.encode(protocol.make("status", step=step,
                                                                detail=detail)))
            except (ConnectionError, aiohttp.ClientError):
                return  # the reader sees the close and reconnects; this step is sent then
            self.sent = status


__all__ = ["StatusLink"]
