"""The device checks with the patient, as a pure state machine: which page shows, what an answer
or a "No" leads to, when the microphone counts as heard, and what the summary says.

Rules that matter:

- This module is pure: no I/O, no clock, no Qt. Time comes in as ``now`` (seconds, monotonic, the
  journey's clock) on every call, so tests drive it without waiting. The screen
  (``ui/screens/device_checks.py``) forwards taps and microphone levels here and shows
  :attr:`DeviceCheckFlow.page`; it holds no rule of its own.
- The journey owns the results (``Journey.check_result``, ``visit.checks``). The flow never
  records one: an intent returns the :class:`Effect` objects the screen must report (an
  :class:`Answer`, :class:`PlayChime`, ...), and the results come back in with :meth:`sync`. The
  flow keeps only what the patient is doing on the screen, and belongs to one visit: the screen
  makes a new one for each patient.
- The checks are asked one at a time in the order of :data:`PATIENT_CHECKS`. The page shown is
  the first check that has no result yet or that the patient is trying again (its question);
  else the first one that failed and the patient has not carried on past (its problem page);
  else the summary, which includes the network check running in the background.
- A tap counts only on the page it belongs to: an answer on its own question (the sound's only
  once the chime has played), "Try again", "Carry on" and another device on a problem page,
  "Continue" and "Do the checks again" on the summary.
- Microphone: on its question page, readings at :data:`SPEECH_LEVEL` or above add up, and
  :data:`SPEECH_SECONDS` of them pass the check by itself. A gap between two readings counts as
  at most :data:`MAX_GAP`, so a meter that stalls is not heard as speech. The count starts again
  each time the question is shown and on "Try again".
- Problem pages: "Try again" asks the check again; choosing another device (offered only when
  there is more than one) asks again with it; "Carry on" goes past it, and past a failed camera
  that means audio only (:class:`ContinueAudioOnly`).
- Sound: the problem page promises "Try again and we will play it louder", so "Try again" turns
  the volume up by :data:`LOUDER_ON_RETRY` (at most 100). At full volume the page gives other
  advice (``speaker_loudest``) instead of a promise it cannot keep.
- "Do the checks again" asks all three again from the first; the earlier results stand until each
  is answered again.
- The camera, honestly: the screen passes the camera's measured verdict (:mod:`kiosk.checks.camera`)
  on every sync. "Yes, I can see myself" counts only while the verdict is ``ok`` (a moving
  picture was measured); a fault (no camera, no picture, black, frozen) shows the camera's
  problem page at once, whose advice says which (``camera_absent``: no "Try again", nothing to
  try; ``camera_broken``). The journey records the fault itself (``Journey.camera_checked``).
- Every check has a plain-language result for staff too: :func:`staff_advice` gives the advice
  line for a check that did not pass (what the patient found, and what to do), which goes with
  the summary to the hub (``<check>_advice``) and the specialist's console shows.
- A check the journey failed while the patient was trying it again, or a camera whose verdict
  turned into a fault meanwhile, leaves the question for its problem page.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from kiosk.checks.camera import FAULTS as CAMERA_FAULTS
from kiosk.checks.camera import STAFF_ADVICE as CAMERA_ADVICE

#: The checks the patient answers, in the order they are asked.
PATIENT_CHECKS: Final = ("camera", "microphone", "speaker")
SPEECH_LEVEL: Final = 0.15  # microphone level (0..1) that counts as speech
SPEECH_SECONDS: Final = 1.0  # this much speech passes the microphone check
MAX_GAP: Final = 0.5  # a longer gap between two level readings counts as this much
VOLUME_STEP: Final = 10  # "Quieter" / "Louder"
LOUDER_ON_RETRY: Final = 20  # "Try again" after the sound was not heard
#: A check -> the kind of device it tests, as ``device_chosen`` names it.
DEVICE_KIND: Final = {"camera": "camera", "microphone": "mic", "speaker": "speaker"}


#: Staff advice for a patient check that did not pass, by check (the camera's measured faults
#: have their own, :data:`kiosk.checks.camera.STAFF_ADVICE`).
STAFF_ADVICE: Final = {
    "camera": "The patient could not see themselves. Check that nothing covers the camera and "
              "that it points at the chair; the call can go on without video.",
    "microphone": "The microphone did not hear the patient. Check it is plugged in and not "
                  "muted, and that the right one is chosen in the settings.",
    "speaker": "The patient did not hear the test sound. Check the speakers are on and turned "
               "up; offer headphones or a hearing loop.",
}


def staff_advice(check: str, status: str, detail: str = "") -> str:
    """The advice line for staff for a patient check's result ("" when it passed or is not a
    patient check): a measured camera fault's own, else the check's."""
    if status not in ("fail", "warn") or check not in STAFF_ADVICE:
        return ""
    if check == "camera" and detail in CAMERA_FAULTS:
        return CAMERA_ADVICE[detail]
    return STAFF_ADVICE[check]


class Page(NamedTuple):
    """What the screen shows: a check's ``question`` or ``problem`` page, or the summary
    (``check`` "summary", ``kind`` "")."""

    check: str
    kind: str


SUMMARY: Final = Page("summary", "")


# ----- effects: what the screen must report after an intent ------------------------------------


@dataclass(frozen=True)
class Effect:
    """Something the screen must report (as its Qt signal). Subclasses name it."""


@dataclass(frozen=True)
class Answer(Effect):
    """A check's result for the journey: ``check`` in :data:`PATIENT_CHECKS`, ``status`` pass or
    fail."""

    check: str
    status: str


@dataclass(frozen=True)
class PlayChime(Effect):
    """Play the sound check's chime."""


@dataclass(frozen=True)
class ChooseDevice(Effect):
    """Use another device: ``kind`` camera / mic / speaker, ``index`` in the kiosk's list."""

    kind: str
    index: int


@dataclass(frozen=True)
class SetVolume(Effect):
    volume: int  # 0..100


@dataclass(frozen=True)
class ContinueAudioOnly(Effect):
    """The camera does not work and the patient carries on without video."""


@dataclass(frozen=True)
class FinishChecks(Effect):
    """The patient is done with the checks."""


# ----- the summary ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SummaryRow:
    """One line of the summary. ``status``: pass / warn / fail / skipped (never asked), and for
    the network also checking, or "" before it starts. ``detail``: the network check's own words,
    said instead of the status's; ``progress``: percent done while the network check runs."""

    check: str
    status: str
    detail: str = ""
    progress: int | None = None

    @property
    def problem(self) -> bool:
        return self.status in ("fail", "warn")


@dataclass(frozen=True)
class Summary:
    rows: tuple[SummaryRow, ...]

    @property
    def all_working(self) -> bool:
        """True: "Everything is ready"; False: some things are not working, carry on or ask."""
        return not any(row.problem for row in self.rows)


# ----- the flow ---------------------------------------------------------------------------------


class DeviceCheckFlow:
    """The device checks of one visit (see the module docstring for the rules)."""

    def __init__(self, *, volume: int = 80) -> None:
        self.checks: dict[str, str] = {}  # the journey's results, as of the last sync
        self.volume = volume
        self.chime_played = False
        self._retrying: set[str] = set()
        self._carried_on: set[str] = set()
        self._voiced = 0.0
        self._last_level_at: float | None = None
        self._heard = False
        self.camera = ""  # the camera's measured verdict (kiosk.checks.camera)
        self.page = self._next_page()

    # ----- state ----------------------------------------------------------------------------

    def sync(self, checks: Mapping[str, str], volume: int, now: float,
             camera: str = "") -> None:
        """The journey's results, the kiosk's volume and the camera's measured verdict as they
        are now (on every render)."""
        for name in list(self._retrying):
            if checks.get(name) == "fail" and self.checks.get(name) != "fail":
                self._retrying.discard(name)  # failed while being tried again
        if camera in CAMERA_FAULTS and camera != self.camera:
            self._retrying.discard("camera")  # the picture went (again) while asked again
        self.checks = dict(checks)
        self.volume = volume
        self.camera = camera
        self._settle(now)

    def _next_page(self) -> Page:
        for name in PATIENT_CHECKS:
            status = self.checks.get(name)
            if name == "camera" and self.camera in CAMERA_FAULTS and status is None:
                status = "fail"  # the journey records it on its next event
            if name in self._retrying or status is None:
                return Page(name, "question")
            if status == "fail" and name not in self._carried_on:
                return Page(name, "problem")
        return SUMMARY

    def _settle(self, now: float) -> None:
        """Work out the page after any change; a page newly shown starts afresh."""
        page = self._next_page()
        if page != self.page and page == Page("microphone", "question"):
            self._voiced, self._heard = 0.0, False
        self.page = page

    @property
    def step_number(self) -> int | None:
        """"Check n of 3" on a check's pages; None on the summary."""
        check = self.page.check
        return PATIENT_CHECKS.index(check) + 1 if check in PATIENT_CHECKS else None

    @property
    def mic_heard(self) -> bool:
        """"We can hear you." rather than "Listening…"."""
        return self._heard or self.checks.get("microphone") == "pass"

    @property
    def advice(self) -> str:
        """Which advice the problem page gives: camera, microphone, speaker (try again and it
        plays louder) or speaker_loudest (it is already as loud as it goes); "" elsewhere."""
        check, kind = self.page
        if kind != "problem":
            return ""
        if check == "speaker" and self.volume >= 100:
            return "speaker_loudest"
        if check == "camera" and self.camera == "absent":
            return "camera_absent"
        if check == "camera" and self.camera in CAMERA_FAULTS:
            return "camera_broken"
        return check

    @property
    def can_retry(self) -> bool:
        """"Try again" is offered on a problem page (not for a camera the kiosk has not got)."""
        return self.page.kind == "problem" and self.advice != "camera_absent"

    @property
    def can_see_yourself(self) -> bool:
        """Whether "Yes, I can see myself" counts: a moving picture was measured."""
        return self.camera == "ok"

    @property
    def device_kind(self) -> str:
        """On a problem page, the kind of device another one can be chosen of; else ""."""
        return DEVICE_KIND[self.page.check] if self.page.kind == "problem" else ""

    @staticmethod
    def offered_devices(names: Sequence[str]) -> list[str]:
        """The devices to offer on a problem page: none when there is no other to choose."""
        return list(names) if len(names) > 1 else []

    def summary(self, network_status: str, network_progress: float = 0.0,
                network_detail: str = "") -> Summary:
        """The summary's rows: each patient check as the journey has it (skipped when it was
        never answered), then the network check as it stands (0..1 ``network_progress``)."""
        rows = [SummaryRow(name, self.checks.get(name, "skipped")) for name in PATIENT_CHECKS]
        if network_status == "checking":
            network = SummaryRow("network", network_status,
                                 progress=round(100 * network_progress))
        elif network_status in ("pass", "warn", "fail"):
            network = SummaryRow("network", network_status, detail=network_detail)
        else:
            network = SummaryRow("network", network_status)
        return Summary((*rows, network))

    # ----- the patient's intents ---------------------------------------------------------------

    def answer(self, check: str, status: str, now: float) -> list[Effect]:
        """Yes / No on a check's question (the microphone passes by itself, see :meth:`hear`)."""
        if self.page != Page(check, "question") or status not in ("pass", "fail"):
            return []
        if check == "speaker" and not self.chime_played:
            return []  # "Did you hear it?" is only asked once it has played
        if check == "camera" and status == "pass" and not self.can_see_yourself:
            return []  # no picture measured: "Yes" cannot be true
        return self._answer(check, status, now)

    def _answer(self, check: str, status: str, now: float) -> list[Effect]:
        self._retrying.discard(check)
        if check == "speaker":
            self.chime_played = False
        self._settle(now)
        return [Answer(check, status)]

    def hear(self, level: float, now: float) -> list[Effect]:
        """The microphone's level (0..1), as often as it is measured."""
        last, self._last_level_at = self._last_level_at, now
        if self.page != Page("microphone", "question") or self._heard:
            return []
        if level >= SPEECH_LEVEL and last is not None:
            self._voiced += min(MAX_GAP, max(0.0, now - last))
        if self._voiced < SPEECH_SECONDS:
            return []
        self._heard = True
        return self._answer("microphone", "pass", now)

    def play(self, now: float) -> list[Effect]:
        """"Play a sound" / "Play it again"."""
        if self.page != Page("speaker", "question"):
            return []
        self.chime_played = True
        return [PlayChime()]

    def louder(self, now: float) -> list[Effect]:
        return self._change_volume(+VOLUME_STEP, now)

    def quieter(self, now: float) -> list[Effect]:
        return self._change_volume(-VOLUME_STEP, now)

    def _change_volume(self, delta: int, now: float) -> list[Effect]:
        volume = min(100, max(0, self.volume + delta))
        if self.page != Page("speaker", "question") or volume == self.volume:
            return []
        self.volume = volume
        return [SetVolume(volume)]

    def retry(self, now: float) -> list[Effect]:
        """"Try again" on a problem page."""
        check, _kind = self.page
        if not self.can_retry:
            return []
        self._retrying.add(check)
        effects: list[Effect] = []
        if check == "microphone":
            self._voiced, self._heard = 0.0, False
        if check == "speaker":
            self.chime_played = False
            louder = min(100, self.volume + LOUDER_ON_RETRY)
            if louder != self.volume:
                self.volume = louder
                effects.append(SetVolume(louder))
        self._settle(now)
        return effects

    def choose_device(self, index: int, now: float) -> list[Effect]:
        """Another device on a problem page: the check is asked again with it."""
        check, kind = self.page
        if kind != "problem":
            return []
        self._retrying.add(check)
        self._settle(now)
        return [ChooseDevice(DEVICE_KIND[check], index)]

    def carry_on(self, now: float) -> list[Effect]:
        """"Carry on without video" / "Carry on anyway" on a problem page."""
        check, kind = self.page
        if kind != "problem":
            return []
        self._carried_on.add(check)
        self._settle(now)
        return [ContinueAudioOnly()] if check == "camera" else []

    def redo_all(self, now: float) -> list[Effect]:
        """"Do the checks again" on the summary."""
        if self.page != SUMMARY:
            return []
        self._retrying = set(PATIENT_CHECKS)
        self._carried_on.clear()
        self.chime_played = False
        self._voiced, self._heard = 0.0, False
        self._settle(now)
        return []

    def finish(self, now: float) -> list[Effect]:
        """"Continue" on the summary."""
        return [FinishChecks()] if self.page == SUMMARY else []
