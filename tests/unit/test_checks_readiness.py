"""The readiness message in the protocol and its storage on the hub."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kiosk import protocol
from kiosk.hub.storage import Storage


def test_readiness_message_schema() -> None:
    msg = protocol.make("readiness", report={"fit": True, "checks": []})
    assert protocol.decode(protocol.encode(msg)) == msg
    assert protocol.SENDERS["readiness"] == frozenset({"kiosk"})
    big = protocol.make("readiness", report={"fit": True, "pad": "x" * (16 * 1024)})
    with pytest.raises(protocol.ProtocolError) as err:
        protocol.validate(big)
    assert err.value.code == "bad_message"
    with pytest.raises(protocol.ProtocolError):
        protocol.validate({"v": 1, "type": "readiness"})


def test_storage_keeps_the_last_report_per_kiosk(tmp_path: Path) -> None:
    storage = Storage.open(tmp_path / "hub.sqlite3")
    try:
        clinic = storage.create_clinic("Clinic A", 1.0)
        db = storage.connection
        db.execute("INSERT INTO kiosks (site_id, room, name, token_hash, paired_at) "
                   "VALUES (?, 'Room 1', NULL, 'h1', 1.0)", (clinic.id,))
        db.execute("INSERT INTO kiosks (site_id, room, name, token_hash, paired_at) "
                   "VALUES (?, 'Room 2', 'Desk', 'h2', 1.0)", (clinic.id,))
        storage.save_readiness(1, 10.0, False, json.dumps({"fit": False}))
        storage.save_readiness(1, 20.0, True, json.dumps({"fit": True}))
        rows = storage.kiosks_with_readiness()
    finally:
        storage.close()
    assert [r["room"] for r in rows] == ["Room 1", "Room 2"]
    assert rows[0]["readiness"] == {"reported_at": 20.0, "fit": True, "report": '{"fit": true}'}
    assert rows[1]["readiness"] is None
    assert rows[1]["clinic"] == "Clinic A"
