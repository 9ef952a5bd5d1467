"""``clinic-kiosk --demo --walkthrough [--screenshots DIR]``: the whole journey, unattended.

A newcomer (or CI) watches the kiosk walk itself from welcome to thanks and back, answering each
step as a patient would, and optionally saves a PNG of every screen. It drives the real window
through its intents and real widgets, and waits on what the kiosk reports (rendered steps,
frames arriving, answers saved): it never changes the journey itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from kiosk.journey import Step
from ui.controller import KioskController

log = logging.getLogger(__name__)

#: How long one step may take before the walk gives up (ms); a call needs the specialist.
STEP_LIMIT_MS = 60_000


class Walkthrough(QObject):
    """Walks the journey once. Signals: finished(bool): True when it came back to welcome."""

    finished = Signal(bool)

    def __init__(self, controller: KioskController, *, demo_code: Callable[[], str | None],
                 screenshots: Path | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.c = controller
        self.window = controller.window
        self._demo_code = demo_code
        self._dir = screenshots
        self._shots = 0
        self._done_steps: set[str] = set()
        self._poll = QTimer(self)
        self._poll.setInterval(100)
        self._poll.timeout.connect(self._act)
        self._limit = QTimer(self)
        self._limit.setSingleShot(True)
        self._limit.setInterval(STEP_LIMIT_MS)
        self._limit.timeout.connect(self._give_up)
        self._left_welcome = False
        self._mic_polls = 0
        self._wait_polls = 0
        self._ok = False
        self.saved: list[Path] = []
        if self._dir is not None:
            self._dir.mkdir(parents=True, exist_ok=True)

    def start(self) -> None:
        log.info("walkthrough starting")
        self._limit.start()
        self._poll.start()

    # ----- the walk -------------------------------------------------------------------------

    def _once(self, key: str) -> bool:
        """True the first time ``key`` is seen (each action happens once)."""
        if key in self._done_steps:
            return False
        self._done_steps.add(key)
        self._limit.start()  # progress: restart the step limit
        return True

    def shot(self, name: str) -> None:
        if self._dir is None:
            return
        self._shots += 1
        path = self._dir / f"{self._shots:02d}-{name}.png"
        self.window.grab().save(str(path))
        self.saved.append(path)
        log.info("screenshot %s", path.name)

    def _act(self) -> None:
        j, w, bridge = self.c.journey, self.window, self.c.bridge
        step = j.step
        if step is Step.ATTRACT:
            if self._left_welcome:
                self._finish(True)
            elif self._once("welcome"):
                self.shot("welcome")
                w.start_requested.emit()
        elif step is Step.CHECK_IN:
            self._left_welcome = True
            code = self._demo_code()
            if code and self._once("check-in"):
                self.shot("check-in")
                w.code_submitted.emit(code)
        elif step is Step.DEVICE_CHECKS:
            view = w.current_self_view()
            if view is None or not view.has_picture():
                return  # wait for the camera picture
            if self._once("checks"):
                self.shot("device-checks-camera")
                w.check_answered.emit("camera", "pass")
            elif "microphone" not in j.visit.checks:
                self._mic_polls += 1  # the level meter passes by itself when it hears sound
                if self._mic_polls > 80 and self._once("mic-by-hand"):
                    w.check_answered.emit("microphone", "pass")
            elif self._once("checks-mic"):
                self.c.render()
                self.shot("device-checks-speaker")
                w.check_answered.emit("speaker", "pass")
            elif "speaker" in j.visit.checks and not self._waiting_for(
                    lambda: self.c.live.network_status not in ("checking", ""), 150) \
                    and self._once("checks-done"):
                self.c.render()
                self.shot("device-checks-summary")
                w.checks_finished.emit()
        elif step is Step.WAITING:
            if j.visit.messages and self._once("waiting"):
                self.shot("waiting")
        elif step is Step.CONSULTATION:
            if bridge.remote_frames < 45 or self._waiting_for(
                    lambda: bool(self.c.live.call_quality), 100):
                return  # let the specialist's video settle and the first quality arrive
            if self._once("call"):
                self.shot("consultation")
                w.end_call_requested.emit()
            elif j.visit.confirming_end and self._once("confirm-end"):
                self.c.render()
                self.shot("consultation-end-confirm")
                w.end_call_confirmed.emit()
        elif step is Step.FEEDBACK:
            self._answer_feedback()
        elif step is Step.THANKS and self._once("thanks"):
            self.shot("thanks")
            w.thanks_done.emit()

    def _waiting_for(self, condition: Callable[[], bool], polls: int) -> bool:
        """True while ``condition`` is false, for at most ``polls`` polls in a row."""
        if condition():
            self._wait_polls = 0
            return False
        self._wait_polls += 1
        if self._wait_polls > polls:
            self._wait_polls = 0
            return False
        return True

    def _answer_feedback(self) -> None:
        screen = self.window.feedback
        q = screen.current_question()
        if q is None or not self._once(f"feedback-{q.id}"):
            return
        self.shot(f"feedback-{q.id}")
        if q.kind == "faces" and screen.faces is not None:
            screen.faces.faces[4].click()
        elif q.kind in ("yes_no", "choice") and screen.choice_buttons:
            screen.choice_buttons[0][1].click()
        elif q.kind == "text" and screen.text_box is not None:
            screen.text_box.setPlainText("The kiosk was easy to use. Thank you.")
        screen.next_button.click()

    def _give_up(self) -> None:
        log.error("walkthrough stuck on %s", self.c.journey.step)
        self.shot(f"stuck-{self.c.journey.step}")
        self._finish(False)

    def _finish(self, ok: bool) -> None:
        self._poll.stop()
        self._limit.stop()
        self._ok = ok
        log.info("walkthrough %s, %d screenshots", "finished" if ok else "failed", self._shots)
        self.finished.emit(ok)
