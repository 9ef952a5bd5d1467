"""The engine thread: one asyncio loop, started and stopped by one owner (docs/architecture.md §2).

The GUI thread never blocks on I/O. Work goes to the engine with :meth:`EngineThread.submit`
(``asyncio.run_coroutine_threadsafe``) or :meth:`EngineThread.call_soon`; results come back as Qt
signals through ``ui/bridge.py``. On :meth:`stop`, pending tasks are cancelled and awaited, async
generators shut down, the loop closed and the thread joined, so nothing outlives the app.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")

#: How long the stopping loop waits for its cancelled tasks to finish.
CANCEL_WAIT_S = 5.0


class EngineThread:
    """Owns the asyncio loop thread of the kiosk engine."""

    def __init__(self, name: str = "kiosk-engine") -> None:
        self._name = name
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()

    @property
    def loop(self) -> asyncio.AbstractEventLoop:
        if self._loop is None:
            raise RuntimeError("the engine thread is not running")
        return self._loop

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the engine thread was already started")
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the engine thread did not start")

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        loop.call_soon(self._ready.set)
        try:
            loop.run_forever()
        finally:
            try:
                loop.run_until_complete(_cancel_all(loop))
                loop.run_until_complete(loop.shutdown_asyncgens())
                loop.run_until_complete(loop.shutdown_default_executor())
                loop.run_until_complete(_cancel_all(loop))  # any those started on the way out
            finally:
                loop.close()

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Run a coroutine on the engine loop; errors are logged, never lost silently."""
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        future.add_done_callback(_log_failure)
        return future

    def call_soon(self, fn: Callable[..., Any], *args: Any) -> None:
        self.loop.call_soon_threadsafe(fn, *args)

    def stop(self, shutdown: Callable[[], Coroutine[Any, Any, None]] | None = None,
             timeout: float = 10.0) -> None:
        """Run ``shutdown`` on the loop (if given), stop the loop and join the thread."""
        if self._thread is None or self._loop is None:
            return
        if shutdown is not None and self._thread.is_alive():
            try:
                asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout)
            except Exception:
                log.exception("engine shutdown did not finish cleanly")
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("engine thread did not stop within %.0f s", timeout)
        self._thread = None


async def _cancel_all(loop: asyncio.AbstractEventLoop) -> None:
    """Cancel every task still on the loop and wait for them, within a bound: a task that
    ignores its cancellation is named in an ERROR (a bug to fix), not a thread that never ends."""
    me = asyncio.current_task()
    deadline = loop.time() + CANCEL_WAIT_S
    stuck: set[asyncio.Task[Any]] = set()
    # Tasks that clean up as they end may start others (aiortc closing its transports): each
    # round cancels what is new, until nothing is left or the time is up.
    while pending := {t for t in asyncio.all_tasks(loop)
                      if t is not me and not t.done() and t not in stuck}:
        for task in pending:
            task.cancel()
        _, left = await asyncio.wait(pending, timeout=max(0.0, deadline - loop.time()))
        for task in pending - left:
            if not task.cancelled() and task.exception() is not None:
                log.error("engine task failed while stopping: %s",
                          type(task.exception()).__name__, exc_info=task.exception())
        stuck |= left
        if loop.time() >= deadline:
            break
    for task in stuck:
        log.error("engine task ignored its cancellation: %s", task.get_coro())


def _log_failure(future: concurrent.futures.Future[Any]) -> None:
    if future.cancelled():
        return
    exc = future.exception()
    if exc is not None:
        log.error("engine task failed: %s", type(exc).__name__, exc_info=exc)
