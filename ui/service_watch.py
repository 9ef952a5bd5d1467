"""Asking again, while the kiosk runs, whether it can serve patients (:mod:`kiosk.service_check`).

Rules that matter:

- The question is asked on the engine loop (the keyring may be a D-Bus round trip, the hub a
  network one), never on the GUI thread; the answer comes back as a queued signal.
- It is asked every :data:`WATCH_INTERVAL_MS` and at once when the app asks (:meth:`check_now`:
  at start, after pairing, on leaving admin mode), one question at a time.
- An answer is given only while nobody is using the kiosk (``idle``: the welcome or
  out-of-service screen, or admin mode): a patient in the middle of a visit is never sent to the
  out-of-service screen by it; the next question, after the visit, tells.
"""

from __future__ import annotations

import concurrent.futures
import logging
from collections.abc import Callable, Coroutine
from typing import Any, Final

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.service import ServiceState

log = logging.getLogger(__name__)

#: How often the kiosk asks again while idle (the keyring, and the hub about its key).
WATCH_INTERVAL_MS: Final = 2 * 60 * 1000

Ask = Callable[[], Coroutine[Any, Any, ServiceState]]
Submit = Callable[[Coroutine[Any, Any, ServiceState]], "concurrent.futures.Future[ServiceState]"]


class ServiceWatch(QObject):
    """Asks ``ask()`` on the engine loop (through ``submit``) and reports the answer.

    Signals:
        checked(object): a :class:`~kiosk.service.ServiceState`, while ``idle()`` is true.
    """

    checked = Signal(object)
    _answered = Signal(object)

    def __init__(self, ask: Ask, submit: Submit, *, idle: Callable[[], bool],
                 interval_ms: int = WATCH_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ask = ask
        self._submit = submit
        self._idle = idle
        self._pending: concurrent.futures.Future[ServiceState] | None = None
        self._again = False  # asked for while a question was out: ask once more after it
        self._stopped = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self._tick)
        self._answered.connect(self._deliver)

    def start(self) -> None:
        self.timer.start()

    @property
    def busy(self) -> bool:
        """Whether a question is out."""
        return self._pending is not None

    def stop(self) -> None:
        """No more questions, and no more answers (shutdown)."""
        self._stopped = True
        self.timer.stop()

    def check_now(self) -> None:
        """Ask now (or as soon as the question already out is answered)."""
        if self._stopped:
            return
        if self._pending is not None:
            self._again = True
            return
        self._pending = self._submit(self._ask())
        self._pending.add_done_callback(self._answered.emit)  # any thread -> queued

    def _tick(self) -> None:
        if self._idle():
            self.check_now()

    def _deliver(self, future: concurrent.futures.Future[ServiceState]) -> None:
        self._pending = None
        if self._stopped or future.cancelled():
            return
        try:
            state = future.result()
        except Exception as exc:  # the watch must not stop the kiosk; the log says why
            log.error("service check failed: %s", type(exc).__name__)
            state = None
        if self._again:
            self._again = False
            self.check_now()
            return  # a newer answer is on its way
        if state is not None and self._idle():
            self.checked.emit(state)
