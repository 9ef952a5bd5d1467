"""``clinic-hub`` admin commands through ``main([...])`` on real SQLite files."""

from __future__ import annotations

import io
import json
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from kiosk.hub.cli import main
from kiosk.hub.passwords import verify_password
from kiosk.hub.storage import Storage


class Hub:
    """Runs commands against one database and captures their output."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str],
                 monkeypatch: pytest.MonkeyPatch) -> None:
        self.db = db
        self.capsys = capsys
        self.monkeypatch = monkeypatch

    def run(self, *args: str, stdin: str | None = None) -> tuple[int, str, str]:
        if stdin is not None:
            self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        status = main([*args, "--db", str(self.db)])
        out, err = self.capsys.readouterr()
        return status, out, err

    def json(self, *args: str, stdin: str | None = None) -> dict[str, Any]:
        status, out, err = self.run(*args, "--json", stdin=stdin)
        assert status == 0, err
        assert out.count("\n") == 1, out  # exactly one JSON object on one line
        result: dict[str, Any] = json.loads(out)
        return result

    def fails(self, *args: str, stdin: str | None = None) -> str:
        status, out, err = self.run(*args, stdin=stdin)
        assert status == 2, (out, err)
        assert out == ""
        assert err.count("\n") == 1, err  # one line
        assert "Traceback" not in err
        return err


@pytest.fixture
def hub(tmp_path: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> Hub:
    return Hub(tmp_path / "hub.sqlite3", capsys, monkeypatch)


def setup_clinic(hub: Hub) -> tuple[int, int, int]:
    clinic = hub.json("clinic", "create", "Leith Community Clinic")["id"]
    area = hub.json("waiting-area", "create", "--clinic", str(clinic), "Main hall")["id"]
    spec = hub.json("specialist", "create", "--clinic", str(clinic), "--username", "a.jones",
                    "--name", "Dr A Jones", "--password-stdin",
                    stdin="a good long password\n")["id"]
    return clinic, area, spec


def test_clinic_area_specialist_json_shapes(hub: Hub) -> None:
    assert hub.json("clinic", "create", "Leith") == {"id": 1, "name": "Leith"}
    assert hub.json("waiting-area", "create", "--clinic", "1", "Hall") == {
        "id": 1, "clinic_id": 1, "name": "Hall"}
    spec = hub.json("specialist", "create", "--clinic", "1", "--username", "a.jones", "--name",
                    "Dr A Jones", "--password-stdin", stdin="a good long password\n")
    assert spec == {"id": 1, "clinic_id": 1, "username": "a.jones", "name": "Dr A Jones"}
    storage = Storage.open(hub.db)
    try:
        stored = storage.get_specialist(1)
        assert stored is not None
        assert stored.password_hash.startswith("scrypt$")
        assert verify_password("a good long password", stored.password_hash)
    finally:
        storage.close()


def test_human_output(hub: Hub) -> None:
    status, out, _ = hub.run("clinic", "create", "Leith")
    assert status == 0
    assert out == "Created clinic 1: Leith\n"


def test_password_prompted_twice(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    hub.json("clinic", "create", "Leith")
    answers = iter(["first password 1", "second password 2"])
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(answers))
    err = hub.fails("specialist", "create", "--clinic", "1", "--username", "u", "--name", "Dr U")
    assert "differ" in err
    answers = iter(["same password 1", "same password 1"])
    status, out, _ = hub.run("specialist", "create", "--clinic", "1", "--username", "u",
                             "--name", "Dr U")
    assert status == 0
    assert "Created specialist 1" in out


def test_bad_input_exits_2_with_one_line(hub: Hub) -> None:
    assert "no clinic with id 9" in hub.fails("waiting-area", "create", "--clinic", "9", "Hall")
    assert "no clinic with id 9" in hub.fails(
        "specialist", "create", "--clinic", "9", "--username", "u", "--name", "Dr U",
        "--password-stdin", stdin="long enough password\n")
    hub.json("clinic", "create", "Leith")
    assert "at least 10" in hub.fails(
        "specialist", "create", "--clinic", "1", "--username", "u", "--name", "Dr U",
        "--password-stdin", stdin="short\n")
    assert "already exists" in hub.fails("clinic", "create", "Leith")
    assert "--clinic" in hub.fails("waiting-area", "create", "Hall")  # missing option
    assert "whole number" in hub.fails("waiting-area", "create", "--clinic", "x", "Hall")
    assert "no waiting area" in hub.fails("appointment", "create", "--waiting-area", "5")
    assert "ISO 8601" in hub.fails("appointment", "create", "--waiting-area", "1",
                                   "--time", "next tuesday")
    assert "YYYY-MM-DD" in hub.fails("appointments", "--date", "14/03/2025")
    assert "no clinic" in hub.fails("kiosk", "pair", "--clinic", "4", "--room", "Room 1")
    assert "invalid choice" in hub.fails("frobnicate")


def test_appointments_codes_shown_once_and_never_listed(hub: Hub) -> None:
    _, area, spec = setup_clinic(hub)
    when = datetime.now().astimezone().replace(hour=10, minute=30, second=0, microsecond=0)
    made = hub.json("appointment", "create", "--waiting-area", str(area), "--specialist",
                    str(spec), "--time", when.isoformat(), "--patient-name", "Ann Example",
                    "--valid-hours", "4")
    code = made["code"]
    assert len(code) == 10
    assert code.isdigit()
    assert made["waiting_area"] == {"id": area, "name": "Main hall"}
    assert made["specialist"] == {"id": spec, "name": "Dr A Jones"}
    assert made["status"] == "booked"
    assert made["time"].startswith(when.strftime("%Y-%m-%dT10:30"))
    other = hub.json("appointment", "create", "--waiting-area", str(area), "--time",
                     (when + timedelta(days=1)).isoformat())

    listing = hub.json("appointments", "--date", when.date().isoformat())
    assert listing["date"] == when.date().isoformat()
    assert [a["id"] for a in listing["appointments"]] == [made["id"]]
    assert code not in json.dumps(listing)
    assert "code" not in listing["appointments"][0]
    status, out, _ = hub.run("appointments", "--date", when.date().isoformat())
    assert status == 0
    assert code not in out
    assert "Ann Example" in out
    assert "10:30" in out
    tomorrow = hub.json("appointments", "--date", (when + timedelta(days=1)).date().isoformat())
    assert [a["id"] for a in tomorrow["appointments"]] == [other["id"]]
    assert other["code"] not in json.dumps(tomorrow)


def test_appointments_default_to_today(hub: Hub) -> None:
    _, area, _ = setup_clinic(hub)
    made = hub.json("appointment", "create", "--waiting-area", str(area))
    listing = hub.json("appointments")
    assert [a["id"] for a in listing["appointments"]] == [made["id"]]


def test_kiosk_pair_prints_a_code(hub: Hub) -> None:
    hub.json("clinic", "create", "Leith")
    made = hub.json("kiosk", "pair", "--clinic", "1", "--room", "Room 2")
    assert made["room"] == "Room 2"
    assert len(made["pairing_code"]) == 9
    status, out, _ = hub.run("kiosk", "pair", "--clinic", "1", "--room", "Room 3")
    assert status == 0
    assert "15 minutes" in out


def test_migrate(hub: Hub) -> None:
    first = hub.json("migrate")
    # 4: kiosk_readiness (issue 4); 5: feedback; 6: live state kept through a restart;
    # 7: organisations, services, sites, accounts with roles (issue 15)
    assert first["applied"] == [1, 2, 3, 4, 5, 6, 7]
    assert first["from_version"] == 0
    again = hub.json("migrate")
    assert again["applied"] == []


def test_db_from_environment(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                             monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.sqlite3"
    monkeypatch.setenv("CLINIC_HUB_DB", str(db))
    assert main(["clinic", "create", "From Env", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["name"] == "From Env"
    assert db.exists()
    assert (tmp_path / "env.sqlite3.secrets").exists() is False  # no secret needed yet
    assert main(["kiosk", "pair", "--clinic", "1", "--room", "R", "--json"]) == 0
    assert (tmp_path / "env.sqlite3.secrets" / "code-pepper").exists()


def test_demo_specialist_needs_a_password(hub: Hub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLINIC_SPECIALIST_PASSWORD", raising=False)
    err = hub.fails("demo-specialist", "--hub", "http://127.0.0.1:1", "--username", "u")
    assert "--password-stdin" in err
    err = hub.fails("demo-specialist", "--hub", "http://127.0.0.1:1", "--username", "u",
                    "--password", "secret")
    assert "unrecognized arguments" in err


def test_serve_config_layers_file_then_flags(tmp_path: Path) -> None:
    from kiosk.hub.cli import build_parser
    from kiosk.hub.servecmd import serve_config

    toml = tmp_path / "hub.toml"
    toml.write_text('port = 9000\nhub_name = "Leith hub"\nice_urls = ["stun:a"]\n')
    args = build_parser().parse_args(["serve", "--config", str(toml), "--port", "0",
                                      "--ice-url", "turn:b", "--db", str(tmp_path / "x.db")])
    config = serve_config(args, Path("default.db"))
    assert config.port == 0  # the flag wins over the file
    assert config.hub_name == "Leith hub"
    assert config.ice_urls == ("turn:b",)
    assert config.db_path == tmp_path / "x.db"
    assert config.secrets_path == tmp_path / "x.db.secrets"


def test_serve_refuses_bad_flags(hub: Hub) -> None:
    assert "--key needs --cert" in hub.fails("serve", "--key", "k.pem")
    assert "ICE URLs" in hub.fails("serve", "--ice-url", "http://x")
    assert "port" in hub.fails("serve", "--port", "70000")
