"""The hub's memory of its kiosks for reception (:mod:`kiosk.hub.kioskstatus`): sockets counted
by connection, steps checked, and a stored readiness report read defensively (a report is what
a kiosk sent: anything may be in it)."""

from __future__ import annotations

import json

import pytest

from kiosk.hub.kioskstatus import KioskBoard, readiness_entry
from kiosk.hub.models import KioskRecord

KIOSK = KioskRecord(id=7, site_id=3, room="Room 1", name="K", last_seen=None,
                    site_name="Musselburgh")


def test_a_kiosk_is_connected_while_any_of_its_sockets_is_open() -> None:
    board = KioskBoard()
    board.socket_opened(7, "a")
    board.socket_opened(7, "b")  # reconnecting: the new socket before the old one closes
    assert board.socket_closed(7, "a")
    assert board.connected(7)
    assert not board.socket_closed(7, "zzz")  # never opened (e.g. its hello failed)
    assert board.connected(7)
    assert board.socket_closed(7, "b")
    assert not board.connected(7)
    assert not board.socket_closed(7, "b")


def test_a_step_is_kept_and_only_a_change_moves_its_time() -> None:
    board = KioskBoard()
    assert board.entry(KIOSK, None, None)["step"] is None
    assert board.set_step(7, "idle", None, 100.0)
    assert not board.set_step(7, "idle", None, 200.0)
    assert board.set_step(7, "out_of_service", "No camera", 300.0)
    entry = board.entry(KIOSK, None, None)
    assert (entry["step"], entry["detail"], entry["step_since"]) == (
        "out_of_service", "No camera", "1970-01-01T00:05:00Z")
    with pytest.raises(ValueError, match="not a kiosk step"):
        board.set_step(7, "dancing", None, 400.0)


@pytest.mark.parametrize("report", [
    "not json", "[]", "null", json.dumps({"checks": "camera"}),
    json.dumps({"checks": [1, None, {"name": "camera"}], "finished_at": 5}),
])
def test_an_odd_readiness_report_still_gives_an_entry(report: str) -> None:
    entry = readiness_entry({"reported_at": 60.0, "fit": False, "report": report})
    assert entry == {"fit": False, "finished_at": None, "reported_at": "1970-01-01T00:01:00Z",
                     "failing": []}


def test_failing_checks_are_named() -> None:
    report = {"fit": False, "finished_at": "2026-12-05T07:00:00Z", "checks": [
        {"name": "camera", "status": "fail"}, {"name": "speaker", "status": "pass"},
        {"name": "x" * 500, "status": "fail"}]}
    entry = readiness_entry({"reported_at": 0.0, "fit": 0, "report": json.dumps(report)})
    assert entry is not None
    assert entry["failing"] == ["camera", "x" * 64]
    assert entry["finished_at"] == "2026-12-05T07:00:00Z"
    assert readiness_entry(None) is None
