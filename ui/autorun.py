"""An unattended run of the real app into a call: ``clinic-kiosk --autorun-code-file F``.

For benchmarks and IT line checks: the app, exactly as a patient uses it, checks in with the
code in F (read by :func:`kiosk.autorun.read_code_file`: a private file, never the command
line), goes past the device checks and waits for the specialist; the call runs until the
specialist (or the network) ends it, and then the app quits.

Rules that matter:

- It drives the kiosk only through the window's own signals (the intents a patient's taps
  give), so the journey, the controller and the engine run exactly as they do for a patient.
- The patient's device checks are not answered: nobody is there to see or hear. They go to the
  hub as they are ("Not checked" for the specialist, except a camera measured as failed),
  never as passed.
- Exit status: 0 after a call, 1 when the hub refused the code (its reason is logged, never
  the code) or the visit ended before a call.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from kiosk.journey import Step
from ui.controller import KioskController

log = logging.getLogger(__name__)


class Autorun(QObject):
    """Walks the journey to the call with ``code``; ``quit(status)`` when it is over."""

    def __init__(self, controller: KioskController, code: str,
                 quit: Callable[[int], None], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self._code = code
        self._quit = quit
        self._submitted = False
        self._in_call = False
        self.done = False
        controller.rendered.connect(self._on_rendered)

    def start(self) -> None:
        log.info("autorun: checking in with the code from the file")
        QTimer.singleShot(0, self._step)

    def _on_rendered(self, step: str) -> None:
        if step == Step.CONSULTATION and not self._in_call:
            log.info("autorun: the specialist joined")
            self._in_call = True  # now: the call may end before the next step runs
        if not self.done:
            QTimer.singleShot(0, self._step)  # after the render that told us, never inside it

    def _step(self) -> None:
        if self.done:
            return
        journey, window = self.controller.journey, self.controller.window
        step = journey.step
        if step is Step.ATTRACT and not self._submitted:
            window.start_requested.emit()
        elif step is Step.CHECK_IN and not journey.visit.checking_in:
            if not self._submitted:
                self._submitted = True
                window.code_submitted.emit(self._code)
            elif journey.visit.code_error:
                log.error("autorun: the hub refused the code (%s)", journey.visit.code_error)
                self._finish(1)
        elif step is Step.DEVICE_CHECKS:
            log.info("autorun: checked in; the device checks are left unanswered")
            window.checks_finished.emit()
        elif step in (Step.WAITING, Step.CONSULTATION):
            pass  # waiting for the specialist, or in the call
        elif self._in_call or (self._submitted and step in (Step.FEEDBACK, Step.ATTRACT)):
            log.info("autorun: the call is over" if self._in_call else
                     "autorun: the visit ended before any call")
            self._finish(0 if self._in_call else 1)

    def _finish(self, status: int) -> None:
        self.done = True
        self._quit(status)
