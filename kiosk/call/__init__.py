"""Calls: the aiortc peer (:mod:`.peer`), the patient side's call session with reconnects
(:mod:`.session`), quality from stats (:mod:`.quality`), signalling transports
(:mod:`.signalling`), the patient's visit (:mod:`.patient`), the answering side and the demo
specialist (:mod:`.answerer`, :mod:`.specialist`), and ``clinic-kiosk test-call``
(:mod:`.testcall`, not imported here so that ``python -m kiosk.call.testcall`` runs cleanly).

No Qt here: the kiosk UI drives :class:`PatientVisit` through its engine bridge.
"""

from kiosk.call.patient import (
    CheckedIn,
    CheckInDetails,
    CheckInFailed,
    CheckInResult,
    PatientVisit,
    VisitListener,
)
from kiosk.call.quality import Quality
from kiosk.call.session import CallSession, CallState, SessionConfig
from kiosk.call.signalling import HubSignalling, MemorySignalling, Signalling, SignallingError
from kiosk.call.specialist import DemoSpecialist, DemoSummary, run_demo_specialist

__all__ = [
    "CallSession", "CallState", "CheckInDetails", "CheckInFailed", "CheckInResult", "CheckedIn",
    "DemoSpecialist", "DemoSummary", "HubSignalling", "MemorySignalling", "PatientVisit",
    "Quality", "SessionConfig", "Signalling", "SignallingError", "VisitListener",
    "run_demo_specialist",
]
