"""The result of one check: a status, figures, and advice in plain language for two readers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Status = Literal["pass", "warn", "fail"]
_RANK: dict[str, int] = {"pass": 0, "warn": 1, "fail": 2}


@dataclass
class CheckResult:
    """One check's outcome.

    ``figures`` holds JSON-safe measurements (numbers, short strings); ``advice_patient`` is what
    a patient may be told (calm, no jargon), ``advice_staff`` what clinic staff or IT should do.
    """

    name: str
    status: Status
    figures: dict[str, Any] = field(default_factory=dict)
    advice_patient: str = ""
    advice_staff: str = ""
    duration_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == "pass"

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "status": self.status, "figures": dict(self.figures),
                "advice_patient": self.advice_patient, "advice_staff": self.advice_staff,
                "duration_ms": round(self.duration_ms, 1)}


def worst(statuses: list[Status]) -> Status:
    """The worst of several statuses (``pass`` for none)."""
    out: Status = "pass"
    for s in statuses:
        if _RANK[s] > _RANK[out]:
            out = s
    return out
