"""``clinic-hub``: admin commands staff and IT can script, and ``serve``.

Rules that matter:

- Every command takes ``--db PATH`` (default ``$CLINIC_HUB_DB`` or ``./clinic-hub.sqlite3``) and
  ``--json`` (exactly one JSON object on stdout) or prints plain lines for people.
- Bad input gives one clear line on stderr and exit status 2, never a traceback.
- Passwords are never flags: they come from a prompt (twice) or from stdin
  (``--password-stdin``). Appointment and pairing codes are printed once, when issued, and
  never listed again.
- Every command and flag that has shipped keeps working (scripts depend on them). The old
  ones map onto the model of organisations, services, sites and accounts
  (docs/architecture.md, "The service as a network"): a clinic is a site with an organisation
  and a service of its name; ``--clinic`` names that site, and its own service holds clinics
  there (``service_sites``).
- Which services hold clinics at which sites is ``service add-site`` / ``remove-site``;
  reception books only those (:mod:`kiosk.hub.reception`). ``appointment create --site X``
  for a waiting area whose service does not yet hold clinics at X links the two and says so
  (scripts written before the link existed keep working).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sqlite3
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, NoReturn

from kiosk.hub.cliargs import DB_ENV, DEFAULT_DB, PROG, UsageError, default_db
from kiosk.hub.clock import SystemClock
from kiosk.hub.codes import (
    DEFAULT_VALID_HOURS,
    format_appointment_code,
    issue_appointment,
    issue_pairing_code,
)
from kiosk.hub.config import ConfigError
from kiosk.hub.export import answer_rows, to_csv
from kiosk.hub.migrations import LATEST_VERSION, MigrationError, current_version, migrate
from kiosk.hub.models import ADMIN, CLINICIAN, SITE_STAFF, AppointmentRecord, Site
from kiosk.hub.passwords import check_new_password, hash_password
from kiosk.hub.secretstore import DirSecretStore, SecretStoreError
from kiosk.hub.storage import APPOINTMENT_LANGUAGES, LEGACY_SITE, Storage, StorageError
from kiosk.hub.summary import summarise


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see: {self.prog} --help)")


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", type=Path, default=None,
                        help=f"database file (default: ${DB_ENV} or ./{DEFAULT_DB})")
    parser.add_argument("--secrets-dir", type=Path, default=None,
                        help="secret store folder (default: <db path>.secrets/)")
    parser.add_argument("--json", action="store_true", help="print one JSON object on stdout")


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def _hours(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of hours") from None
    if not 0 < value <= 24 * 366:
        raise argparse.ArgumentTypeError("must be more than 0 and at most a year")
    return value


def parse_time(text: str) -> float:
    """An ISO 8601 time (local time if no offset) as unix seconds."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise UsageError("--time must be an ISO 8601 date and time, "
                         "e.g. 2025-03-14T09:30") from None
    if when.tzinfo is None:
        when = when.astimezone()
    return when.timestamp()


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError("--date must be YYYY-MM-DD") from None


def _local_iso(ts: float) -> str:
    return datetime.fromtimestamp(ts).astimezone().isoformat(timespec="minutes")


# --- output ---

def _emit(args: argparse.Namespace, data: dict[str, Any], lines: Sequence[str]) -> None:
    if args.json:
        print(json.dumps(data))
    else:
        for line in lines:
            print(line)


# --- commands ---

def _open(args: argparse.Namespace) -> Storage:
    return Storage.open(args.db or default_db())


def _secrets(args: argparse.Namespace) -> DirSecretStore:
    db: Path = args.db or default_db()
    folder = args.secrets_dir or db.with_name(db.name + ".secrets")
    return DirSecretStore(folder)


def cmd_clinic_create(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        clinic = storage.create_clinic(args.name, SystemClock().now())
    finally:
        storage.close()
    _emit(args, {"id": clinic.id, "name": clinic.name},
          [f"Created clinic {clinic.id}: {clinic.name}"])


def cmd_organisation_create(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        org = storage.create_organisation(args.name, SystemClock().now())
    finally:
        storage.close()
    _emit(args, {"id": org.id, "name": org.name},
          [f"Created organisation {org.id}: {org.name}"])


def cmd_service_create(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        service = storage.create_service(args.organisation, args.name, SystemClock().now())
    finally:
        storage.close()
    _emit(args, {"id": service.id, "organisation_id": service.organisation_id,
                 "name": service.name},
          [f"Created service {service.id}: {service.name} "
           f"(organisation {service.organisation_id})"])


def cmd_service_add_site(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        linked = storage.link_service_site(args.service, args.site, SystemClock().now())
    finally:
        storage.close()
    _emit(args, {"service_id": args.service, "site_id": args.site, "linked": linked},
          [f"Service {args.service} {'now holds' if linked else 'already held'} clinics at "
           f"site {args.site}"])


def cmd_service_remove_site(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        removed = storage.unlink_service_site(args.service, args.site)
    finally:
        storage.close()
    _emit(args, {"service_id": args.service, "site_id": args.site, "removed": removed},
          [f"Service {args.service} {'no longer holds' if removed else 'did not hold'} clinics "
           f"at site {args.site} (appointments already booked there stay)"])


def cmd_service_sites(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        links = storage.service_site_links(service_id=args.service, site_id=args.site)
        services = {i: storage.get_service(i) for i in {s for s, _ in links}}
        sites = {i: storage.get_site(i) for i in {t for _, t in links}}
    finally:
        storage.close()
    out = [{"service": {"id": s, "name": getattr(services[s], "name", "")},
            "site": {"id": t, "name": getattr(sites[t], "name", "")}} for s, t in links]
    _emit(args, {"links": out},
          [f"Services at sites: {len(out)}"] +
          [f"  service {o['service']['id']} {o['service']['name']}  ->  "
           f"site {o['site']['id']} {o['site']['name']}" for o in out])


def _site_doc(site: Site) -> dict[str, Any]:
    return {"id": site.id, "organisation_id": site.organisation_id, "name": site.name,
            "address": site.address, "directions": site.directions}


def _site_lines(site: Site) -> list[str]:
    lines = []
    if site.address:
        lines.append("  address: " + ", ".join(site.address.splitlines()))
    if site.directions:
        lines.append("  directions: " + " ".join(site.directions.splitlines()))
    return lines


def cmd_site_create(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        site = storage.create_site(args.name, SystemClock().now(), args.organisation,
                                   address=args.address, directions=args.directions)
    finally:
        storage.close()
    _emit(args, _site_doc(site),
          [f"Created site {site.id}: {site.name}" +
           (f" (organisation {site.organisation_id})" if site.organisation_id else ""),
           *_site_lines(site)])


def cmd_site_update(args: argparse.Namespace) -> None:
    if args.name is None and args.address is None and args.directions is None:
        raise UsageError("give at least one of --name, --address and --directions")
    storage = _open(args)
    try:
        site = storage.update_site(args.site, name=args.name, address=args.address,
                                   directions=args.directions)
    finally:
        storage.close()
    _emit(args, _site_doc(site), [f"Updated site {site.id}: {site.name}", *_site_lines(site)])


def cmd_sites(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        sites = storage.sites()
    finally:
        storage.close()
    lines = [f"Sites: {len(sites)}"]
    for site in sites:
        lines.append(f"  #{site.id}  {site.name}" +
                     (f"  (organisation {site.organisation_id})" if site.organisation_id
                      else ""))
        lines.extend("  " + line for line in _site_lines(site))
    _emit(args, {"sites": [_site_doc(site) for site in sites]}, lines)


def cmd_waiting_area_create(args: argparse.Namespace) -> None:
    if (args.clinic is None) == (args.service is None):
        raise UsageError("give one of --service and --clinic")
    storage = _open(args)
    try:
        now = SystemClock().now()
        area = (storage.create_waiting_area(args.clinic, args.name, now) if args.clinic
                else storage.create_service_waiting_area(args.service, args.name, now))
    finally:
        storage.close()
    where = f"clinic {args.clinic}" if args.clinic else f"service {area.service_id}"
    _emit(args, {"id": area.id, **({"clinic_id": args.clinic} if args.clinic
                                   else {"service_id": area.service_id}), "name": area.name},
          [f"Created waiting area {area.id}: {area.name} ({where})"])


def read_new_password(args: argparse.Namespace) -> str:
    """A new password from stdin (``--password-stdin``) or a prompt typed twice."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass("Password: ")
        if getpass.getpass("Password again: ") != password:
            raise UsageError("the two passwords differ")
    try:
        check_new_password(password)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return password


def cmd_specialist_create(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        if storage.get_clinic(args.clinic) is None:
            raise StorageError(f"there is no clinic with id {args.clinic}")
        if storage.specialist_by_username(args.username) is not None:
            raise StorageError(f"the username {args.username!r} is already taken")
        password = read_new_password(args)
        spec = storage.create_specialist(args.clinic, args.username, args.name,
                                         hash_password(password), SystemClock().now())
    finally:
        storage.close()
    _emit(args, {"id": spec.id, "clinic_id": args.clinic, "username": spec.username,
                 "name": spec.display_name},
          [f"Created specialist {spec.id}: {spec.display_name} ({spec.username}), "
           f"clinic {args.clinic}"])


_ROLE_NAMES = {"clinician": CLINICIAN, "site-staff": SITE_STAFF, "admin": ADMIN}


def cmd_account_create(args: argparse.Namespace) -> None:
    role = _ROLE_NAMES[args.role]
    if (role == ADMIN) != (args.organisation is not None):
        raise UsageError("--organisation is needed for an admin, and only for an admin")
    storage = _open(args)
    try:
        if storage.specialist_by_username(args.username) is not None:
            raise StorageError(f"the username {args.username!r} is already taken")
        password = read_new_password(args)
        account = storage.create_account(role, args.username, args.name,
                                         hash_password(password), SystemClock().now(),
                                         organisation_id=args.organisation)
    finally:
        storage.close()
    _emit(args, {"id": account.id, "role": args.role, "username": account.username,
                 "name": account.display_name, "organisation_id": account.organisation_id},
          [f"Created {args.role} account {account.id}: {account.display_name} "
           f"({account.username})"])


def _account(storage: Storage, who: str) -> Any:
    account = (storage.get_specialist(int(who)) if who.isdigit()
               else storage.specialist_by_username(who))
    if account is None:
        raise StorageError(f"there is no account {who!r}")
    return account


def cmd_membership_add(args: argparse.Namespace) -> None:
    if (args.waiting_area is None) == (args.site is None):
        raise UsageError("give one of --waiting-area (a clinician) and --site (site staff)")
    storage = _open(args)
    try:
        account = _account(storage, args.account)
        now = SystemClock().now()
        added = (storage.add_waiting_area_member(account.id, args.waiting_area, now)
                 if args.waiting_area else storage.add_site_staff(account.id, args.site, now))
    finally:
        storage.close()
    what = (f"waiting area {args.waiting_area}" if args.waiting_area
            else f"site {args.site}")
    _emit(args, {"account_id": account.id, "waiting_area_id": args.waiting_area,
                 "site_id": args.site, "added": added},
          [f"{account.username} is {'now' if added else 'already'} a member of {what}"])


def cmd_membership_remove(args: argparse.Namespace) -> None:
    if (args.waiting_area is None) == (args.site is None):
        raise UsageError("give one of --waiting-area (a clinician) and --site (site staff)")
    storage = _open(args)
    try:
        account = _account(storage, args.account)
        removed = (storage.remove_waiting_area_member(account.id, args.waiting_area)
                   if args.waiting_area else storage.remove_site_staff(account.id, args.site))
    finally:
        storage.close()
    what = (f"waiting area {args.waiting_area}" if args.waiting_area
            else f"site {args.site}")
    _emit(args, {"account_id": account.id, "waiting_area_id": args.waiting_area,
                 "site_id": args.site, "removed": removed},
          [f"{account.username} is {'no longer' if removed else 'not'} a member of {what}"])


def cmd_membership_list(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        account_id = _account(storage, args.account).id if args.account else None
        found = storage.memberships(account_id)
    finally:
        storage.close()
    out = [{"account": {"id": m.account_id, "username": m.username, "role": m.role},
            "waiting_area": ({"id": m.target_id, "name": m.target_name}
                             if m.kind == "waiting_area" else None),
            "site": {"id": m.target_id, "name": m.target_name} if m.kind == "site" else None}
           for m in found]
    _emit(args, {"memberships": out},
          [f"Memberships: {len(out)}"] +
          [f"  {m.username} ({m.role})  "
           f"{'waiting area' if m.kind == 'waiting_area' else 'site'} {m.target_id} "
           f"{m.target_name}" for m in found])


def cmd_account_unlock(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        account = storage.unlock_account(_account(storage, args.account).id)
    finally:
        storage.close()
    _emit(args, {"id": account.id, "username": account.username, "unlocked": True},
          [f"Unlocked {account.username} (failed sign-ins cleared)"])


def cmd_kiosk_revoke(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        revoked = storage.revoke_kiosk(args.kiosk, SystemClock().now())
    finally:
        storage.close()
    _emit(args, {"id": args.kiosk, "revoked": revoked},
          [f"Kiosk {args.kiosk} {'revoked' if revoked else 'was already revoked'}: "
           "it must be paired again"])


def cmd_appointment_create(args: argparse.Namespace) -> None:
    now = SystemClock().now()
    starts_at = parse_time(args.time) if args.time else now
    storage = _open(args)
    linked = False
    try:
        site: int | str | None = (None if args.any_site else
                                  args.site if args.site is not None else LEGACY_SITE)
        area = storage.get_waiting_area(args.waiting_area)
        if (area is not None and isinstance(site, int) and storage.get_site(site) is not None
                and not storage.service_serves_site(area.service_id, site)):
            # Scripts from before service_sites book at any site: link, and say so.
            linked = storage.link_service_site(area.service_id, site, now)
        issued = issue_appointment(storage, _secrets(args), waiting_area_id=args.waiting_area,
                                   starts_at=starts_at, now=now, specialist_id=args.specialist,
                                   patient_name=args.patient_name, valid_hours=args.valid_hours,
                                   site=site, language=args.language)
    finally:
        storage.close()
    a = issued.appointment
    _emit(args, {**_appointment_json(a, now), "code": issued.code,
                 "code_expires_at": _local_iso(a.code_expires_at),
                 "service_site_linked": linked},
          [f"Appointment {a.id} at {_local_iso(a.starts_at)} in {a.waiting_area_name}",
           f"Code: {format_appointment_code(issued.code)}  "
           f"(single use, valid until {_local_iso(a.code_expires_at)})"] +
          ([f"Service {a.service_id} ({a.service_name}) now holds clinics at site {a.site_id} "
            "(undo: clinic-hub service remove-site)"] if linked else []))


def cmd_kiosk_pair(args: argparse.Namespace) -> None:
    if (args.clinic is None) == (args.site is None):
        raise UsageError("give one of --site and --clinic (the same thing: a site)")
    args.clinic = args.clinic or args.site
    now = SystemClock().now()
    storage = _open(args)
    try:
        code = issue_pairing_code(storage, _secrets(args), clinic_id=args.clinic, room=args.room,
                                  now=now)
    finally:
        storage.close()
    expires = now + 15 * 60
    _emit(args, {"pairing_code": code, "clinic_id": args.clinic, "room": args.room,
                 "expires_at": _local_iso(expires)},
          [f"Pairing code for {args.room}: {code}",
           f"Enter it on the kiosk within 15 minutes (until {_local_iso(expires)}); "
           "it works once."])


def _status(a: AppointmentRecord, now: float) -> str:
    if a.code_used_at is not None:
        return "checked_in"
    return "expired" if a.code_expires_at <= now else "booked"


def _appointment_json(a: AppointmentRecord, now: float) -> dict[str, Any]:
    return {
        "id": a.id, "time": _local_iso(a.starts_at),
        "waiting_area": {"id": a.waiting_area_id, "name": a.waiting_area_name},
        "clinic": {"id": a.site_id, "name": a.site_name or a.service_name},
        "service": {"id": a.service_id, "name": a.service_name},
        "site": None if a.site_id is None else {"id": a.site_id, "name": a.site_name},
        "specialist": ({"id": a.specialist_id, "name": a.specialist_name}
                       if a.specialist_id is not None else None),
        "patient_name": a.patient_name, "language": a.language, "status": _status(a, now),
    }


def cmd_appointments(args: argparse.Namespace) -> None:
    now = SystemClock().now()
    day = parse_date(args.date) if args.date else datetime.now().astimezone().date()
    start = datetime.combine(day, time()).astimezone()
    end = datetime.combine(day + timedelta(days=1), time()).astimezone()
    storage = _open(args)
    try:
        found = storage.appointments_between(start.timestamp(), end.timestamp())
    finally:
        storage.close()
    lines = [f"Appointments on {day.isoformat()}: {len(found)}"]
    for a in found:
        who = a.specialist_name or "any specialist"
        name = f", {a.patient_name}" if a.patient_name else ""
        lines.append(f"  {_local_iso(a.starts_at)[11:16]}  #{a.id}  {a.service_name} / "
                     f"{a.waiting_area_name}  with {who}{name}  [{_status(a, now)}]")
    _emit(args, {"date": day.isoformat(),
                 "appointments": [_appointment_json(a, now) for a in found]}, lines)


def _failing(report_json: str) -> list[str]:
    try:
        report = json.loads(report_json)
    except ValueError:
        return []
    checks = report.get("checks") if isinstance(report, dict) else None
    return [str(c.get("name")) for c in checks or []
            if isinstance(c, dict) and c.get("status") == "fail"]


def cmd_kiosks(args: argparse.Namespace) -> None:
    storage = _open(args)
    try:
        found = storage.kiosks_with_readiness()
    finally:
        storage.close()
    out: list[dict[str, Any]] = []
    lines = [f"Kiosks: {len(found)}"]
    for k in found:
        ready = k["readiness"]
        readiness = None if ready is None else {
            "fit": ready["fit"], "reported_at": _local_iso(ready["reported_at"]),
            "failing": _failing(ready["report"])}
        seen = _local_iso(k["last_seen"]) if k["last_seen"] is not None else None
        out.append({"id": k["id"], "name": k["name"],
                    "clinic": {"id": k["clinic_id"], "name": k["clinic"]}, "room": k["room"],
                    "last_seen": seen, "readiness": readiness})
        if readiness is None:
            state = "no self-test reported"
        elif readiness["fit"]:
            state = f"fit ({readiness['reported_at']})"
        else:
            state = (f"NOT FIT ({readiness['reported_at']}): "
                     f"{', '.join(readiness['failing']) or 'see report'}")
        lines.append(f"  #{k['id']}  {k['clinic']} / {k['room']}"
                     f"{' (' + k['name'] + ')' if k['name'] else ''}  "
                     f"last seen {seen or 'never'}  {state}")
    _emit(args, {"kiosks": out}, lines)


def cmd_migrate(args: argparse.Namespace) -> None:
    storage = Storage.open(args.db or default_db(), upgrade=False)
    try:
        before = current_version(storage.connection)
        applied = migrate(storage.connection)
    finally:
        storage.close()
    _emit(args, {"from_version": before, "to_version": LATEST_VERSION, "applied": applied},
          [f"Schema at version {LATEST_VERSION}" +
           (f" (applied {', '.join(map(str, applied))})" if applied else " (no change)")])


def cmd_feedback_export(args: argparse.Namespace) -> None:
    if args.csv and args.json:
        raise UsageError("choose one of --csv and --json")
    try:
        since = date.fromisoformat(args.since) if args.since else None
    except ValueError:
        raise UsageError("--since must be YYYY-MM-DD") from None
    storage = _open(args)
    try:
        if args.clinic is not None and storage.get_clinic(args.clinic) is None:
            raise StorageError(f"there is no clinic with id {args.clinic}")
        answers = storage.feedback_answers(clinic_id=args.clinic, since=since)
    finally:
        storage.close()
    if args.json:
        print(json.dumps({"answers": answer_rows(answers),
                          "summary": summarise(answers)}, ensure_ascii=False))
    else:
        sys.stdout.write(to_csv(answers))
        sys.stdout.flush()


# --- parser ---

_ADDRESS_HELP = ("where patients go, printed on the appointment letter: plain text, at most "
                 "300 characters, one line per newline")
_DIRECTIONS_HELP = ('how to find the kiosk there, e.g. "Use the side door. The kiosk is in '
                    'Room 2." (at most 300 characters)')

def build_parser() -> argparse.ArgumentParser:
    from kiosk.hub import servecmd  # the serve side pulls in aiohttp; admin commands need not

    parser = _Parser(prog=PROG, description="Clinic Kiosk hub: serve and administer.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def leaf(parent: Any, name: str, func: Callable[[argparse.Namespace], Any],
             help_: str) -> argparse.ArgumentParser:
        p: argparse.ArgumentParser = parent.add_parser(name, help=help_, description=help_)
        _common(p)
        p.set_defaults(func=func)
        return p

    clinic = sub.add_parser("clinic", help="clinics").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(clinic, "create", cmd_clinic_create,
             "create a clinic: a site with an organisation and a service of the same name")
    p.add_argument("name")

    org = sub.add_parser("organisation", help="organisations").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(org, "create", cmd_organisation_create,
             "create an organisation (a health board, a hospital)")
    p.add_argument("name")

    service = sub.add_parser("service", help="services").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(service, "create", cmd_service_create, "create a service of an organisation")
    p.add_argument("--organisation", type=_positive_int, required=True)
    p.add_argument("name")
    p = leaf(service, "add-site", cmd_service_add_site,
             "the service holds clinics at a site: reception there may book its waiting areas")
    p.add_argument("--service", type=_positive_int, required=True)
    p.add_argument("--site", type=_positive_int, required=True)
    p = leaf(service, "remove-site", cmd_service_remove_site,
             "the service no longer holds clinics at a site (booked appointments stay)")
    p.add_argument("--service", type=_positive_int, required=True)
    p.add_argument("--site", type=_positive_int, required=True)
    p = leaf(service, "sites", cmd_service_sites, "list which services hold clinics at which sites")
    p.add_argument("--service", type=_positive_int, help="only this service's sites")
    p.add_argument("--site", type=_positive_int, help="only the services at this site")

    site = sub.add_parser("site", help="sites").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(site, "create", cmd_site_create,
             "create a site patients attend (a community clinic, a practice)")
    p.add_argument("--organisation", type=_positive_int, help="the organisation running it")
    p.add_argument("--address", help=_ADDRESS_HELP)
    p.add_argument("--directions", help=_DIRECTIONS_HELP)
    p.add_argument("name")
    p = leaf(site, "update", cmd_site_update,
             "change a site's name, address or directions (the appointment letter's)")
    p.add_argument("site", type=_positive_int, help="site id (see: sites)")
    p.add_argument("--name")
    p.add_argument("--address", help=_ADDRESS_HELP + '; "" clears it')
    p.add_argument("--directions", help=_DIRECTIONS_HELP + '; "" clears them')
    leaf(sub, "sites", cmd_sites, "list sites with their addresses and directions")

    area = sub.add_parser("waiting-area", help="waiting areas").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(area, "create", cmd_waiting_area_create,
             "create a waiting area of a service (or of a clinic's own service)")
    p.add_argument("--service", type=_positive_int)
    p.add_argument("--clinic", type=_positive_int,
                   help="the clinic's own service; its specialists become members")
    p.add_argument("name")

    account = sub.add_parser("account", help="accounts").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(account, "create", cmd_account_create,
             "create an account: a clinician, site staff, or an organisation's admin")
    p.add_argument("--role", choices=sorted(_ROLE_NAMES), required=True)
    p.add_argument("--username", required=True)
    p.add_argument("--name", required=True, help='display name, e.g. "Dr A Jones"')
    p.add_argument("--organisation", type=_positive_int, help="an admin's organisation")
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of stdin")
    p = leaf(account, "unlock", cmd_account_unlock,
             "clear an account's failed sign-ins and lock")
    p.add_argument("account", help="account id or username")

    member = sub.add_parser("membership", help="memberships").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(member, "add", cmd_membership_add,
             "make a clinician a member of a waiting area, or site staff staff of a site")
    p.add_argument("--account", required=True, help="account id or username")
    p.add_argument("--waiting-area", type=_positive_int)
    p.add_argument("--site", type=_positive_int)
    p = leaf(member, "remove", cmd_membership_remove,
             "take a clinician out of a waiting area, or site staff off a site")
    p.add_argument("--account", required=True, help="account id or username")
    p.add_argument("--waiting-area", type=_positive_int)
    p.add_argument("--site", type=_positive_int)
    p = leaf(member, "list", cmd_membership_list,
             "list memberships: clinicians in waiting areas, staff at sites")
    p.add_argument("--account", help="only this account's (id or username)")

    spec = sub.add_parser("specialist", help="specialist accounts").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(spec, "create", cmd_specialist_create, "create a specialist account")
    p.add_argument("--clinic", type=_positive_int, required=True)
    p.add_argument("--username", required=True)
    p.add_argument("--name", required=True, help='display name, e.g. "Dr A Jones"')
    p.add_argument("--password-stdin", action="store_true",
                   help="read the password from the first line of stdin")

    appt = sub.add_parser("appointment", help="appointments").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(appt, "create", cmd_appointment_create, "create an appointment; prints its code")
    p.add_argument("--waiting-area", type=_positive_int, required=True)
    p.add_argument("--specialist", type=_positive_int)
    p.add_argument("--time", help="ISO 8601 start time (default: now; local time if no offset)")
    p.add_argument("--patient-name", help="optional; never required")
    p.add_argument("--language", choices=APPOINTMENT_LANGUAGES, default="en",
                   help="the patient's language (default en)")
    p.add_argument("--valid-hours", type=_hours, default=DEFAULT_VALID_HOURS,
                   help="how long after the start the code works "
                        f"(default {DEFAULT_VALID_HOURS:g})")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--site", type=_positive_int,
                       help="where the patient will attend (default: the waiting area's "
                            "clinic, if it is a clinic's, else any kiosk)")
    where.add_argument("--any-site", action="store_true", help="the patient may use any kiosk")

    kiosk = sub.add_parser("kiosk", help="kiosks").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(kiosk, "pair", cmd_kiosk_pair, "print a one-time pairing code for a kiosk")
    p.add_argument("--site", type=_positive_int)
    p.add_argument("--clinic", type=_positive_int, help="the same as --site")
    p.add_argument("--room", required=True)
    p = leaf(kiosk, "revoke", cmd_kiosk_revoke,
             "revoke a kiosk's token: it is refused until paired again")
    p.add_argument("kiosk", type=_positive_int, help="kiosk id (see: kiosks)")

    leaf(sub, "kiosks", cmd_kiosks,
         "list kiosks: clinic, room, last seen, last self-test (fit, when, failing checks)")

    p = leaf(sub, "appointments", cmd_appointments, "list a day's appointments (never codes)")
    p.add_argument("--date", help="YYYY-MM-DD (default: today)")

    leaf(sub, "migrate", cmd_migrate, "bring the database schema up to date")

    fb = sub.add_parser("feedback", help="patient feedback").add_subparsers(
        dest="action", required=True, parser_class=_Parser)
    p = leaf(fb, "export", cmd_feedback_export,
             "print feedback answers, one row per answer, without identifiers "
             "(CSV by default; --json for one JSON object with a summary)")
    p.add_argument("--csv", action="store_true", help="RFC 4180 CSV with a header row (default)")
    p.add_argument("--since", help="only answers from this day on, YYYY-MM-DD (UTC)")
    p.add_argument("--clinic", type=_positive_int, help="only this clinic's answers")

    servecmd.add_commands(sub, leaf)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``clinic-hub``; returns the exit status."""
    try:
        args = build_parser().parse_args(argv)
        result = args.func(args)
    except (UsageError, StorageError, ConfigError, MigrationError, ValueError) as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 2
    except SecretStoreError as exc:
        print(f"{PROG}: error: {exc}", file=sys.stderr)
        return 1
    except (OSError, sqlite3.Error) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        print(f"{PROG}: error: {reason}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    return int(result or 0)

