"""Each kiosk as its site's staff see it on the reception console: where it is in the patient
journey, whether its socket is open, its help request and its last self-test.

Rules that matter:

- A kiosk's step is what it last said in ``status`` (one of :data:`kiosk.protocol.KIOSK_STEPS`),
  kept in memory only: after a hub restart it is unknown (null) until the kiosk reconnects and
  says it again, which it does after every (re)connect. ``detail`` is a plain reason for staff
  (out of service); it is never logged.
- Only site staff get these entries, and only for their own sites' kiosks
  (:meth:`kiosk.hub.signalling.SignallingRouter.kiosk_entries`); no clinical detail, no code,
  no token, no patient name.
- ``last_seen`` and readiness come from storage; connected, step and help from memory.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from kiosk import protocol
from kiosk.hub.models import KioskRecord
from kiosk.hub.presence import iso


@dataclass(frozen=True)
class KioskStep:
    """A kiosk's last reported step, with its reason (out of service) and since when."""

    step: str
    detail: str | None
    since: float


class KioskBoard:
    """The hub's memory of its kiosks for reception: each one's latest step, and which sockets
    it has open (by connection id: a reconnecting kiosk may briefly have two)."""

    def __init__(self) -> None:
        self.steps: dict[int, KioskStep] = {}
        self._sockets: dict[int, set[str]] = {}

    def socket_opened(self, kiosk_id: int, conn_id: str) -> None:
        self._sockets.setdefault(kiosk_id, set()).add(conn_id)

    def socket_closed(self, kiosk_id: int, conn_id: str) -> bool:
        """Forget one of a kiosk's sockets; whether it was known."""
        conns = self._sockets.get(kiosk_id)
        if conns is None or conn_id not in conns:
            return False
        conns.discard(conn_id)
        if not conns:
            del self._sockets[kiosk_id]
        return True

    def connected(self, kiosk_id: int) -> bool:
        return kiosk_id in self._sockets

    def set_step(self, kiosk_id: int, step: str, detail: str | None, now: float) -> bool:
        """Keep a kiosk's reported step; whether anything changed (``since`` moves only when
        the step or its detail does)."""
        if step not in protocol.KIOSK_STEPS:
            raise ValueError(f"not a kiosk step: {step[:32]!r}")
        old = self.steps.get(kiosk_id)
        if old is not None and (old.step, old.detail) == (step, detail):
            return False
        self.steps[kiosk_id] = KioskStep(step, detail, now)
        return True

    def entry(self, kiosk: KioskRecord, readiness: dict[str, Any] | None,
              help_: dict[str, Any] | None) -> dict[str, Any]:
        """One entry of the ``kiosks`` message (docs/protocol.md, Reception)."""
        step = self.steps.get(kiosk.id)
        return {
            "id": kiosk.id, "name": kiosk.name, "room": kiosk.room,
            "site": {"id": kiosk.site_id, "name": kiosk.site_name},
            "connected": self.connected(kiosk.id),
            "step": step.step if step else None,
            "detail": step.detail if step else None,
            "step_since": iso(step.since) if step else None,
            "last_seen": iso(kiosk.last_seen) if kiosk.last_seen is not None else None,
            "help": help_,
            "readiness": readiness_entry(readiness),
        }


def readiness_entry(row: dict[str, Any] | None) -> dict[str, Any] | None:
    """A stored readiness report (``Storage.kiosks_of_sites``) as the console shows it:
    fit, when the kiosk finished it, when the hub got it, and the names of failed checks."""
    if row is None:
        return None
    try:
        report = json.loads(row["report"])
    except (TypeError, ValueError):
        report = None
    report = report if isinstance(report, dict) else {}
    finished = report.get("finished_at")
    checks = report.get("checks")
    failing = [str(c.get("name"))[:64] for c in checks if isinstance(c, dict)
               and c.get("status") == "fail"] if isinstance(checks, list) else []
    return {"fit": bool(row["fit"]),
            "finished_at": finished[:40] if isinstance(finished, str) and finished else None,
            "reported_at": iso(row["reported_at"]), "failing": failing[:50]}
