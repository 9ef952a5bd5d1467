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
from kiosk.hub.codes import pair_kiosk, token_hash
from kiosk.hub.passwords import verify_password
from kiosk.hub.secretstore import DirSecretStore
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
    # 8: service_sites, appointment language, acknowledged help (issue 15 items 2-3)
    # 9: sites.address and sites.directions, for the appointment letter (issue 15 item 2)
    # 10: booking_limits, reception's booking limit kept across restarts
    assert first["applied"] == [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
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


# --- the network model (issue 15) ---

def test_network_commands_build_the_model(hub: Hub) -> None:
    assert hub.json("organisation", "create", "Hospital X") == {"id": 1, "name": "Hospital X"}
    assert hub.json("service", "create", "--organisation", "1", "Cardiology") == {
        "id": 1, "organisation_id": 1, "name": "Cardiology"}
    assert hub.json("waiting-area", "create", "--service", "1", "Heart clinic") == {
        "id": 1, "service_id": 1, "name": "Heart clinic"}
    board = hub.json("organisation", "create", "Health Board")["id"]
    assert hub.json("site", "create", "--organisation", str(board), "Musselburgh") == {
        "id": 1, "organisation_id": board, "name": "Musselburgh", "address": None,
        "directions": None}
    assert hub.json("site", "create", "Haddington")["organisation_id"] is None
    doc = hub.json("account", "create", "--role", "clinician", "--username", "dr.heart",
                   "--name", "Dr Heart", "--password-stdin", stdin="a good long password\n")
    assert doc == {"id": 1, "role": "clinician", "username": "dr.heart", "name": "Dr Heart",
                   "organisation_id": None}
    desk = hub.json("account", "create", "--role", "site-staff", "--username", "desk.a",
                    "--name", "Reception A", "--password-stdin",
                    stdin="another long password\n")["id"]
    admin = hub.json("account", "create", "--role", "admin", "--organisation", "1",
                     "--username", "it.x", "--name", "IT X", "--password-stdin",
                     stdin="admin long password\n")
    assert admin["organisation_id"] == 1
    assert hub.json("membership", "add", "--account", "dr.heart", "--waiting-area", "1") == {
        "account_id": 1, "waiting_area_id": 1, "site_id": None, "added": True}
    assert hub.json("membership", "add", "--account", "1", "--waiting-area", "1")["added"] \
        is False
    assert hub.json("membership", "add", "--account", str(desk), "--site", "1")["added"]

    storage = Storage.open(hub.db)
    try:
        heart = storage.specialist_by_username("dr.heart")
        reception = storage.specialist_by_username("desk.a")
        assert heart is not None
        assert reception is not None
        assert verify_password("a good long password", heart.password_hash)
        assert storage.scope(heart).waiting_areas == {1}
        assert storage.scope(reception).sites == {1}
    finally:
        storage.close()

    # An appointment at a site, or for any kiosk; kiosks paired at a site.
    at_a = hub.json("appointment", "create", "--waiting-area", "1", "--specialist", "1",
                    "--site", "1")
    assert at_a["site"] == {"id": 1, "name": "Musselburgh"}
    assert at_a["service"] == {"id": 1, "name": "Cardiology"}
    anywhere = hub.json("appointment", "create", "--waiting-area", "1", "--any-site")
    assert anywhere["site"] is None
    assert "code" in at_a
    paired = hub.json("kiosk", "pair", "--site", "1", "--room", "Room 1")
    assert paired["clinic_id"] == 1


def test_network_commands_refuse_what_the_model_does_not_allow(hub: Hub) -> None:
    hub.json("organisation", "create", "Hospital X")
    hub.json("service", "create", "--organisation", "1", "Cardiology")
    hub.json("waiting-area", "create", "--service", "1", "Heart clinic")
    hub.json("site", "create", "Musselburgh")
    hub.json("account", "create", "--role", "site-staff", "--username", "desk.a",
             "--name", "Desk", "--password-stdin", stdin="a good long password\n")
    assert "already exists" in hub.fails("organisation", "create", "Hospital X")
    assert "no organisation with id 9" in hub.fails("service", "create", "--organisation", "9",
                                                    "Renal")
    assert "one of --service and --clinic" in hub.fails("waiting-area", "create", "Hall")
    assert "needed for an admin" in hub.fails(
        "account", "create", "--role", "admin", "--username", "it", "--name", "IT",
        "--password-stdin", stdin="a good long password\n")
    assert "invalid choice" in hub.fails("account", "create", "--role", "surgeon",
                                         "--username", "x", "--name", "X")
    # Site staff are not members of waiting areas; clinicians do not staff sites.
    assert "not a clinician" in hub.fails("membership", "add", "--account", "desk.a",
                                          "--waiting-area", "1")
    assert "one of --waiting-area" in hub.fails("membership", "add", "--account", "desk.a")
    assert "no account 'nobody'" in hub.fails("membership", "add", "--account", "nobody",
                                              "--site", "1")
    # A clinician who is not a member of the waiting area is not its appointment's clinician.
    hub.json("account", "create", "--role", "clinician", "--username", "dr.out",
             "--name", "Dr Out", "--password-stdin", stdin="a good long password\n")
    assert "not a member of waiting area 1" in hub.fails(
        "appointment", "create", "--waiting-area", "1", "--specialist", "2")
    assert "not allowed with argument" in hub.fails(
        "appointment", "create", "--waiting-area", "1", "--site", "1", "--any-site")
    assert "no site with id 5" in hub.fails("appointment", "create", "--waiting-area", "1",
                                           "--site", "5")
    assert "no kiosk with id 3" in hub.fails("kiosk", "revoke", "3")
    # A site that is not a clinic has no service of its own for the old --clinic commands.
    assert "name a --service" in hub.fails("waiting-area", "create", "--clinic", "1", "Hall")


def test_a_site_says_where_to_go(hub: Hub) -> None:
    """``site create --address --directions``, ``site update``, ``sites``: the text the
    appointment letter prints, tidied, checked, kept and cleared."""
    made = hub.json("site", "create", "Musselburgh", "--address",
                    "1 High Street \r\n\n  Musselburgh   EH21 6AA\n", "--directions",
                    "Use the side door. The kiosk is in Room 2 on the ground floor.")
    assert made == {"id": 1, "organisation_id": None, "name": "Musselburgh",
                    "address": "1 High Street\nMusselburgh EH21 6AA",
                    "directions": "Use the side door. The kiosk is in Room 2 on the ground "
                                  "floor."}
    hub.json("clinic", "create", "Leith")
    # Only what is named changes; "" clears; the name may change too.
    assert hub.json("site", "update", "2", "--address", "2 Shore\nLeith") == {
        "id": 2, "organisation_id": 1, "name": "Leith", "address": "2 Shore\nLeith",
        "directions": None}
    assert hub.json("site", "update", "1", "--directions", "", "--name", "Musselburgh PC") == {
        **made, "name": "Musselburgh PC", "directions": None}
    assert hub.json("sites") == {"sites": [
        {**made, "name": "Musselburgh PC", "directions": None},
        {"id": 2, "organisation_id": 1, "name": "Leith", "address": "2 Shore\nLeith",
         "directions": None}]}
    status, out, _ = hub.run("sites")
    assert status == 0
    assert out.splitlines() == ["Sites: 2", "  #1  Musselburgh PC",
                                "    address: 1 High Street, Musselburgh EH21 6AA",
                                "  #2  Leith  (organisation 1)", "    address: 2 Shore, Leith"]

    assert "at most 300 characters" in hub.fails("site", "update", "1", "--address", "x" * 301)
    assert "at most 300 characters" in hub.fails("site", "create", "Dunbar",
                                                 "--directions", "x" * 301)
    assert "control characters" in hub.fails("site", "update", "1", "--directions", "a\x07b")
    assert "already exists" in hub.fails("site", "update", "1", "--name", "Leith")
    assert "no site with id 3" in hub.fails("site", "update", "3", "--name", "X")
    assert "at least one of --name" in hub.fails("site", "update", "1")
    # None of the refusals changed anything; "x" * 300 is allowed.
    assert hub.json("sites")["sites"][0] == {**made, "name": "Musselburgh PC",
                                             "directions": None}
    assert hub.json("site", "update", "1", "--address", "x" * 300)["address"] == "x" * 300


def test_old_commands_map_onto_the_model(hub: Hub) -> None:
    clinic, area, spec = setup_clinic(hub)
    later = hub.json("waiting-area", "create", "--clinic", str(clinic), "Annexe")["id"]
    storage = Storage.open(hub.db)
    try:
        site = storage.get_site(clinic)
        assert site is not None
        assert site.service_id is not None
        service = storage.get_service(site.service_id)
        assert service is not None
        assert service.name == "Leith Community Clinic"
        doc = storage.get_specialist(spec)
        assert doc is not None
        assert doc.role == "clinician"
        # A member of the clinic's waiting areas, including one made after the account.
        assert storage.scope(doc).waiting_areas == {area, later}
    finally:
        storage.close()
    made = hub.json("appointment", "create", "--waiting-area", str(area))
    assert made["clinic"] == {"id": clinic, "name": "Leith Community Clinic"}
    assert made["site"] == {"id": clinic, "name": "Leith Community Clinic"}  # the clinic's


def test_kiosk_revoke_and_account_unlock(hub: Hub) -> None:
    clinic, _area, spec = setup_clinic(hub)
    code = hub.json("kiosk", "pair", "--clinic", str(clinic), "--room", "Room 1")["pairing_code"]
    storage = Storage.open(hub.db)
    try:
        secrets_ = DirSecretStore(hub.db.with_name(hub.db.name + ".secrets"))
        kiosk, token = pair_kiosk(storage, secrets_, pairing_code=code, now=1.0)
        assert storage.kiosk_by_token(token_hash(token)) is not None
        storage.set_login_state(spec, 9, 4_000_000_000.0)
    finally:
        storage.close()
    assert hub.json("kiosk", "revoke", str(kiosk.id)) == {"id": kiosk.id, "revoked": True}
    assert hub.json("kiosk", "revoke", str(kiosk.id))["revoked"] is False
    assert hub.json("kiosks")["kiosks"] == []
    assert hub.json("account", "unlock", "a.jones") == {"id": spec, "username": "a.jones",
                                                       "unlocked": True}
    storage = Storage.open(hub.db)
    try:
        assert storage.kiosk_by_token(token_hash(token)) is None
        doc = storage.get_specialist(spec)
        assert doc is not None
        assert (doc.failed_logins, doc.locked_until) == (0, None)
    finally:
        storage.close()
    status, out, _ = hub.run("kiosk", "revoke", str(kiosk.id))
    assert status == 0
    assert "already revoked" in out


def _network_for_reception(hub: Hub) -> None:
    """Hospital X's cardiology (service 1, waiting area 1), site 1 Musselburgh, clinician 1
    (dr.heart, a member) and site staff 2 (desk.a)."""
    hub.json("organisation", "create", "Hospital X")
    hub.json("service", "create", "--organisation", "1", "Cardiology")
    hub.json("waiting-area", "create", "--service", "1", "Heart clinic")
    hub.json("site", "create", "Musselburgh")
    hub.json("account", "create", "--role", "clinician", "--username", "dr.heart",
             "--name", "Dr Heart", "--password-stdin", stdin="a good long password\n")
    hub.json("account", "create", "--role", "site-staff", "--username", "desk.a",
             "--name", "Desk A", "--password-stdin", stdin="a good long password\n")
    hub.json("membership", "add", "--account", "dr.heart", "--waiting-area", "1")
    hub.json("membership", "add", "--account", "desk.a", "--site", "1")


def test_service_add_site_remove_site_and_sites(hub: Hub) -> None:
    _network_for_reception(hub)
    assert hub.json("service", "sites") == {"links": []}
    assert hub.json("service", "add-site", "--service", "1", "--site", "1") == {
        "service_id": 1, "site_id": 1, "linked": True}
    assert hub.json("service", "add-site", "--service", "1", "--site", "1")["linked"] is False
    links = [{"service": {"id": 1, "name": "Cardiology"},
              "site": {"id": 1, "name": "Musselburgh"}}]
    assert hub.json("service", "sites") == {"links": links}
    assert hub.json("service", "sites", "--site", "1") == {"links": links}
    assert hub.json("service", "sites", "--service", "2") == {"links": []}
    status, out, _ = hub.run("service", "sites")
    assert (status, out) == (0, "Services at sites: 1\n"
                                "  service 1 Cardiology  ->  site 1 Musselburgh\n")
    assert hub.json("service", "remove-site", "--service", "1", "--site", "1") == {
        "service_id": 1, "site_id": 1, "removed": True}
    status, out, _ = hub.run("service", "remove-site", "--service", "1", "--site", "1")
    assert status == 0
    assert "did not hold clinics at site 1" in out
    assert "no service with id 7" in hub.fails("service", "add-site", "--service", "7",
                                               "--site", "1")
    assert "no site with id 7" in hub.fails("service", "remove-site", "--service", "1",
                                            "--site", "7")
    assert "--site" in hub.fails("service", "add-site", "--service", "1")


def test_a_clinic_holds_clinics_at_its_own_site(hub: Hub) -> None:
    clinic, _area, _spec = setup_clinic(hub)
    assert hub.json("service", "sites") == {"links": [
        {"service": {"id": clinic, "name": "Leith Community Clinic"},
         "site": {"id": clinic, "name": "Leith Community Clinic"}}]}


def test_membership_remove_and_list(hub: Hub) -> None:
    _network_for_reception(hub)
    listed = hub.json("membership", "list")["memberships"]
    assert listed == [
        {"account": {"id": 2, "username": "desk.a", "role": "site_staff"},
         "waiting_area": None, "site": {"id": 1, "name": "Musselburgh"}},
        {"account": {"id": 1, "username": "dr.heart", "role": "clinician"},
         "waiting_area": {"id": 1, "name": "Heart clinic"}, "site": None}]
    assert hub.json("membership", "list", "--account", "dr.heart")["memberships"] == listed[1:]
    status, out, _ = hub.run("membership", "list", "--account", "2")
    assert (status, out) == (0, "Memberships: 1\n  desk.a (site_staff)  site 1 Musselburgh\n")
    assert hub.json("membership", "remove", "--account", "dr.heart", "--waiting-area", "1") == {
        "account_id": 1, "waiting_area_id": 1, "site_id": None, "removed": True}
    assert hub.json("membership", "remove", "--account", "1", "--waiting-area", "1")[
        "removed"] is False
    assert hub.json("membership", "remove", "--account", "desk.a", "--site", "1")["removed"]
    assert hub.json("membership", "list") == {"memberships": []}
    storage = Storage.open(hub.db)
    try:
        desk = storage.specialist_by_username("desk.a")
        assert desk is not None
        assert storage.scope(desk).sites == frozenset()
    finally:
        storage.close()
    assert "one of --waiting-area" in hub.fails("membership", "remove", "--account", "desk.a")
    assert "no account 'nobody'" in hub.fails("membership", "remove", "--account", "nobody",
                                              "--site", "1")
    assert "no site with id 4" in hub.fails("membership", "remove", "--account", "desk.a",
                                            "--site", "4")
    assert "no account 'nobody'" in hub.fails("membership", "list", "--account", "nobody")


def test_appointment_language_and_linking_a_service_to_the_site(hub: Hub) -> None:
    _network_for_reception(hub)
    made = hub.json("appointment", "create", "--waiting-area", "1", "--site", "1",
                    "--language", "cy")
    assert (made["language"], made["service_site_linked"]) == ("cy", True)
    again = hub.json("appointment", "create", "--waiting-area", "1", "--site", "1")
    assert (again["language"], again["service_site_linked"]) == ("en", False)
    assert hub.json("service", "sites")["links"] == [
        {"service": {"id": 1, "name": "Cardiology"}, "site": {"id": 1, "name": "Musselburgh"}}]
    anywhere = hub.json("appointment", "create", "--waiting-area", "1", "--any-site",
                        "--language", "pl")
    assert (anywhere["language"], anywhere["service_site_linked"]) == ("pl", False)
    listed = hub.json("appointments")["appointments"]
    assert sorted(a["language"] for a in listed) == ["cy", "en", "pl"]
    assert all("code" not in a for a in listed)
    storage = Storage.open(hub.db)
    try:
        stored = storage.get_appointment(made["id"])
        assert stored is not None
        assert (stored.language, stored.booked_by) == ("cy", None)
    finally:
        storage.close()
    hub.json("site", "create", "Haddington")
    status, out, _ = hub.run("appointment", "create", "--waiting-area", "1", "--site", "2")
    assert status == 0
    assert "Service 1 (Cardiology) now holds clinics at site 2" in out
    assert "invalid choice: 'de'" in hub.fails("appointment", "create", "--waiting-area", "1",
                                               "--language", "de")
