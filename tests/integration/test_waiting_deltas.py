"""Waiting-list deltas over real sockets on a real hub: a console that says
``hello{features:["list_delta"]}`` gets one whole list (in parts when it is over the message
limit), then ``waiting_changes``; it ends up with exactly the list a snapshot console sees after
every kind of change, sees nothing of what it may not see, gets every one of 200 patients across
50 sites with their full checks, and a console too slow to read loses and reorders nothing (its
queued changes merge). The console's own copy (resources/web/listsync.js) is tested in Chromium
with the hub's real messages."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from yarl import URL

from kiosk import protocol
from kiosk.hub.codes import issue_appointment, issue_pairing_code, pair_kiosk
from kiosk.hub.connection import change_frames
from kiosk.hub.models import CLINICIAN, SITE_STAFF
from kiosk.hub.passwords import hash_password
from kiosk.hub.signalling import SIGNALLING
from tests.integration.browser import module_page
from tests.integration.conftest import WAIT, HubFactory, HubHandle, WsPeer

PASSWORD = "correct horse 1"
Entries = dict[str, dict[str, Any]]
#: A kiosk's check summary as large as a real one with two failed checks and their advice.
BIG_CHECKS = {"camera": "pass", "microphone": "fail", "speaker": "pass", "network": "pass",
              "microphone_detail": "silent",
              "microphone_advice": "Check that the microphone is plugged in and not muted. " * 3,
              "network_detail": "Good (4.2 Mbps, 23 ms)"}
#: As large as the protocol lets a check summary be (4 KiB).
HUGE_CHECKS = {**BIG_CHECKS, "camera_advice": "x" * 3000}


class Mirror:
    """What a ``list_delta`` console holds, built from the hub's messages as listsync.js
    builds it (a list in parts is taken only when whole)."""

    def __init__(self, peer: WsPeer) -> None:
        self.peer = peer
        self.entries: Entries = {}
        self.whole = False
        self._parts: list[dict[str, Any]] | None = None
        self.messages: list[dict[str, Any]] = []  # every list message, in order

    def apply(self, msg: dict[str, Any]) -> None:
        if msg["type"] == "waiting_list":
            self.messages.append(msg)
            part, parts = msg.get("part", 1), msg.get("parts", 1)
            if part == 1:
                self._parts = []
            assert self._parts is not None, "a part came without its first"
            self._parts += msg["patients"]
            if part == parts:
                self.entries = {e["visit_id"]: e for e in self._parts}
                self.whole, self._parts = True, None
        elif msg["type"] == "waiting_changes":
            self.messages.append(msg)
            assert self.whole, "changes before the whole list"
            for visit_id in msg["remove"]:
                self.entries.pop(visit_id, None)
            for entry in msg["upsert"]:
                self.entries[entry["visit_id"]] = entry

    async def until(self, ok: Callable[[Entries], bool], within: float = WAIT) -> Entries:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while not (self.whole and ok(self.entries)):
            self.apply(await self.peer.recv(within=max(0.01, deadline - loop.time())))
        return self.entries


class Snapshots:
    """What a console without ``list_delta`` holds: the latest ``waiting_list``."""

    def __init__(self, peer: WsPeer) -> None:
        self.peer = peer
        first = peer.skipped[-1]
        self.entries: Entries = {e["visit_id"]: e for e in first["patients"]}

    async def until(self, ok: Callable[[Entries], bool], within: float = WAIT) -> Entries:
        while not ok(self.entries):
            msg = await self.peer.expect("waiting_list", within=within)
            assert "part" not in msg, "a snapshot console got a list in parts"
            self.entries = {e["visit_id"]: e for e in msg["patients"]}
        return self.entries


async def delta_console(hub: HubHandle, username: str | None = None,
                        password: str | None = None) -> Mirror:
    """A signed-in console that asked for deltas, with its whole first list."""
    session = hub.client_session()
    await hub.login(session, username, password)
    peer = await hub.connect(session=session)
    await peer.hello("specialist", features=[protocol.LIST_DELTA])
    mirror = Mirror(peer)
    await mirror.until(lambda _: True)
    return mirror


async def both(a: Mirror, b: Snapshots, ok: Callable[[Entries], bool]) -> Entries:
    """Wait until both consoles hold a list that passes ``ok``; they must be the same."""
    got = await a.until(ok)
    assert await b.until(ok) == got
    return got


def _status(visit_id: str, status: str) -> Callable[[Entries], bool]:
    return lambda e: visit_id in e and e[visit_id]["status"] == status


async def test_a_delta_console_holds_the_same_list_as_a_snapshot_console(
        hub: HubHandle) -> None:
    snap = Snapshots(await hub.specialist())
    delta = await delta_console(hub)
    assert delta.entries == snap.entries == {}

    ann = await hub.kiosk()
    await ann.send("check_in", code=hub.new_appointment_code(patient_name="Ann"),
                   checks={"camera": "pass"})
    ann_visit = (await ann.expect("checked_in"))["visit_id"]
    got = await both(delta, snap, lambda e: ann_visit in e)
    assert got[ann_visit]["patient_name"] == "Ann"

    await ann.send("checks", checks=BIG_CHECKS)
    await both(delta, snap, lambda e: e[ann_visit]["checks"] == BIG_CHECKS)
    await ann.send("help")
    await both(delta, snap, lambda e: e[ann_visit]["help_requested"])

    # A kiosk asks for help before check-in, then checks in: the help entry goes.
    bob_token = hub.new_kiosk_token(room="Room 2")
    bob = await hub.kiosk(bob_token)
    await bob.send("help")
    got = await both(delta, snap, lambda e: any(v["status"] == "help" for v in e.values()))
    help_id = next(k for k, v in got.items() if v["status"] == "help")
    await bob.send("check_in", code=hub.new_appointment_code(patient_name="Bob"))
    checked = await bob.expect("checked_in")
    bob_visit = checked["visit_id"]
    await both(delta, snap, lambda e: help_id not in e and bob_visit in e)

    # The delta console joins Ann; Bob's kiosk drops and resumes; Ann leaves.
    await delta.peer.send("join", visit_id=ann_visit)
    await both(delta, snap, _status(ann_visit, "in_call"))
    await bob.close()
    await both(delta, snap, _status(bob_visit, "disconnected"))
    await hub.kiosk(bob_token, resume={"visit_id": bob_visit,
                                       "resume_token": checked["resume_token"]})
    await both(delta, snap, _status(bob_visit, "waiting"))
    await ann.send("leave")
    got = await both(delta, snap, lambda e: ann_visit not in e)
    assert list(got) == [bob_visit]


async def test_a_dropped_kiosk_resumes_and_both_consoles_follow(hub: HubHandle) -> None:
    snap = Snapshots(await hub.specialist())
    delta = await delta_console(hub)
    token = hub.new_kiosk_token()
    kiosk = await hub.kiosk(token)
    await kiosk.send("check_in", code=hub.new_appointment_code())
    checked = await kiosk.expect("checked_in")
    visit = checked["visit_id"]
    await both(delta, snap, _status(visit, "waiting"))
    await kiosk.close()
    await both(delta, snap, _status(visit, "disconnected"))
    again = await hub.kiosk(token, resume={"visit_id": visit,
                                           "resume_token": checked["resume_token"]})
    assert again.welcome is not None
    assert again.welcome["resumed"]["visit_id"] == visit
    await both(delta, snap, _status(visit, "waiting"))
    # A console that comes back on a new socket starts again from a whole list.
    await delta.peer.close()
    fresh = await delta_console(hub)
    assert fresh.entries == snap.entries


# --- a network of sites ----------------------------------------------------------------------

@dataclass
class World:
    areas: list[int]
    sites: list[int]
    kiosk_tokens: dict[int, list[str]]  # site -> tokens


def _world(hub: HubHandle, *, sites: int, areas: int, kiosks_per_site: int) -> World:
    """One service with ``areas`` waiting areas held at ``sites`` sites, each with kiosks and
    one member of staff (``desk{i}``); ``dr.all`` is a clinician of every area, ``dr.one`` of
    the first only."""
    s, now = hub.storage, hub.clock.now()
    org = s.create_organisation("Hospital X", now)
    service = s.create_service(org.id, "Cardiology", now)
    area_ids = [s.create_service_waiting_area(service.id, f"Area {i}", now).id
                for i in range(areas)]
    board = s.create_organisation("Health board", now)
    site_ids = [s.create_site(f"Site {i}", now, board.id).id for i in range(sites)]
    password_hash = hash_password(PASSWORD)

    def account(role: str, username: str) -> int:
        return s.create_account(role, username, username.title(), password_hash, now).id

    everyone = account(CLINICIAN, "dr.all")
    for area in area_ids:
        s.add_waiting_area_member(everyone, area, now)
    s.add_waiting_area_member(account(CLINICIAN, "dr.one"), area_ids[0], now)
    for i, site in enumerate(site_ids):
        s.add_site_staff(account(SITE_STAFF, f"desk{i}"), site, now)
    tokens: dict[int, list[str]] = {}
    for site in site_ids:
        for k in range(kiosks_per_site):
            code = issue_pairing_code(s, hub.secrets, clinic_id=site, room=f"Room {k}", now=now)
            tokens.setdefault(site, []).append(
                pair_kiosk(s, hub.secrets, pairing_code=code, now=now)[1])
    return World(area_ids, site_ids, tokens)


def _code(hub: HubHandle, area: int, site: int, name: str | None = None) -> str:
    now = hub.clock.now()
    return issue_appointment(hub.storage, hub.secrets, waiting_area_id=area, starts_at=now,
                             now=now, patient_name=name, site=site).code


async def _check_in(hub: HubHandle, token: str, area: int, site: int,
                    checks: dict[str, Any] | None = None,
                    name: str | None = None) -> tuple[WsPeer, str]:
    kiosk = await hub.kiosk(token)
    await kiosk.send("check_in", code=_code(hub, area, site, name), checks=checks or {})
    return kiosk, (await kiosk.expect("checked_in"))["visit_id"]


async def test_a_console_gets_nothing_for_changes_it_cannot_see(hub: HubHandle) -> None:
    world = _world(hub, sites=2, areas=2, kiosks_per_site=2)
    site_a, site_b = world.sites
    staff_b = await delta_console(hub, "desk1", PASSWORD)
    dr_one = await delta_console(hub, "dr.one", PASSWORD)
    dr_all = await delta_console(hub, "dr.all", PASSWORD)
    # At site A, in area 1 (not dr.one's): check-in, checks, help, leave; a kiosk's own help.
    kiosk, visit = await _check_in(hub, world.kiosk_tokens[site_a][0], world.areas[1], site_a)
    await kiosk.send("checks", checks=BIG_CHECKS)
    await kiosk.send("help")
    await kiosk.expect("help_ack")
    await kiosk.send("leave")
    other = await hub.kiosk(world.kiosk_tokens[site_a][1])
    await other.send("help")
    await other.expect("help_ack")
    await other.send("leave")
    await other.send("ping")
    await other.expect("pong")
    # dr.all saw it end (so all of it has been published) ...
    await dr_all.until(lambda e: visit not in e)
    # ... and the first thing staff of B and dr.one hear of is a change they do see.
    _, seen = await _check_in(hub, world.kiosk_tokens[site_b][0], world.areas[0], site_b)
    for console in (staff_b, dr_one):
        msg = await console.peer.recv()
        while msg["type"] == "kiosks":  # staff: their own site's kiosks only
            assert {k["site"]["id"] for k in msg["kiosks"]} == {site_b}
            msg = await console.peer.recv()
        assert msg["type"] == "waiting_changes", msg
        assert [e["visit_id"] for e in msg["upsert"]] == [seen]
        assert msg["remove"] == []
        console.apply(msg)
    assert staff_b.entries[seen]["checks"] == {}  # staff see no clinical detail


async def test_200_patients_at_50_sites_all_reach_a_delta_console(
        hub_factory: HubFactory) -> None:
    hub = await hub_factory(max_sockets_per_address=400)
    world = _world(hub, sites=50, areas=4, kiosks_per_site=4)
    early = await delta_console(hub, "dr.all", PASSWORD)
    staff = await delta_console(hub, "desk7", PASSWORD)
    jobs = [(token, world.areas[n % 4], site)
            for site in world.sites for n, token in enumerate(world.kiosk_tokens[site])]
    sem = asyncio.Semaphore(32)

    async def one(job: tuple[str, int, int]) -> str:
        async with sem:
            return (await _check_in(hub, *job, checks=BIG_CHECKS, name="Pat"))[1]

    visits = set(await asyncio.gather(*(one(job) for job in jobs)))
    assert len(visits) == 200
    got = await early.until(lambda e: set(e) == visits, within=30)
    assert all(e["checks"] == BIG_CHECKS for e in got.values())  # nothing shortened
    assert {e["site"] for e in got.values()} == {f"Site {i}" for i in range(50)}
    # A console that comes now gets the whole list, in parts (it is over 64 KiB).
    late = await delta_console(hub, "dr.all", PASSWORD)
    assert late.entries == got
    parts = [m for m in late.messages if m["type"] == "waiting_list"]
    assert len(parts) > 1
    assert [m["part"] for m in parts] == list(range(1, len(parts) + 1))
    assert all(len(protocol.encode(m)) <= protocol.MAX_MESSAGE_BYTES for m in parts)
    # Staff of one site: that site's four patients, without checks.
    mine = await staff.until(lambda e: len(e) == 4)
    assert {e["site"] for e in mine.values()} == {"Site 7"}
    assert all(e["checks"] == {} for e in mine.values())


# --- a console too slow to read --------------------------------------------------------------

class RawConsole:
    """A console on a plain TCP socket with a tiny receive buffer that reads nothing until
    told to: the hub's send path backs up as it would for a console on a stalled network."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def open(cls, hub: HubHandle, cookie: str) -> RawConsole:
        url = URL(hub.url)
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.setblocking(False)
        await asyncio.get_running_loop().sock_connect(sock, (url.host, url.port))
        reader, writer = await asyncio.open_connection(sock=sock, limit=4096)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write((f"GET /ws HTTP/1.1\r\nHost: {url.host}:{url.port}\r\n"
                      "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                      f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                      f"Cookie: clinic_session={cookie}\r\n\r\n").encode())
        head = await reader.readuntil(b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 101"), head[:40]
        console = cls(reader, writer)
        console.send(protocol.make("hello", role="specialist",
                                   features=[protocol.LIST_DELTA]))
        return console

    def send(self, msg: dict[str, Any]) -> None:
        data = protocol.encode(msg).encode()
        mask = os.urandom(4)
        n = len(data)
        head = bytes([0x81, 0x80 | n]) if n < 126 else bytes([0x81, 0x80 | 126]) + \
            struct.pack("!H", n)
        self.writer.write(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    async def recv(self, within: float = WAIT) -> dict[str, Any]:
        async def frame() -> dict[str, Any]:
            while True:
                b0, b1 = await self.reader.readexactly(2)
                n = b1 & 0x7F
                if n == 126:
                    n = struct.unpack("!H", await self.reader.readexactly(2))[0]
                elif n == 127:
                    n = struct.unpack("!Q", await self.reader.readexactly(8))[0]
                data = await self.reader.readexactly(n)
                if b0 & 0x0F == 0x1:
                    msg: dict[str, Any] = json.loads(data)
                    protocol.validate(msg)
                    return msg
                assert b0 & 0x0F in (0x9, 0xA), f"unexpected frame {b0:#x}"

        return await asyncio.wait_for(frame(), within)

    def close(self) -> None:
        self.writer.close()


async def test_a_slow_consoles_queued_changes_are_merged_never_lost_or_reordered(
        hub_factory: HubFactory) -> None:
    hub = await hub_factory(max_sockets_per_address=1000)
    session = hub.client_session()
    await hub.login(session)
    cookie = session.cookie_jar.filter_cookies(URL(hub.url))["clinic_session"].value
    slow = await RawConsole.open(hub, cookie)
    try:
        assert (await slow.recv())["type"] == "welcome"
        assert (await slow.recv())["type"] == "waiting_list"
        hub_side = next(c for c in hub.running.app[SIGNALLING].connections
                        if c.features and c.specialist is not None)
        # A small send buffer at the hub's end too, as on a slow path (no autotuning to MiB).
        hub_side.ws.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF,
                                                         8192)
        area, site = hub.seed.waiting_area_id, hub.seed.clinic_id
        stays_kiosk, stays = await _check_in(hub, hub.new_kiosk_token(), area, site, {"n": 0})
        # It stops reading. Patients check in and update their checks (each kiosk within its
        # rate limit) until the hub has to hold changes back.
        changes, fillers = 1, []
        while not hub_side.changes_waiting:
            assert changes < 3000, "the hub never had to hold a change"
            kiosk, visit = await _check_in(hub, hub.new_kiosk_token(), area, site, HUGE_CHECKS)
            fillers.append(visit)
            for n in range(4):
                await kiosk.send("checks", checks={**HUGE_CHECKS, "n": n})
            await kiosk.send("ping")
            await kiosk.expect("pong")
            changes += 5
        # While it is held up: a patient who comes and goes, one who comes, the last checks.
        gone_kiosk, gone = await _check_in(hub, hub.new_kiosk_token(), area, site)
        await gone_kiosk.send("leave")
        _, comes = await _check_in(hub, hub.new_kiosk_token(), area, site)
        await stays_kiosk.send("checks", checks={"n": "last"})
        await stays_kiosk.send("ping")
        await stays_kiosk.expect("pong")
        changes += 4
        assert hub_side.changes_waiting
        # Now it reads everything: applied in order, it ends with the hub's list.
        entries: Entries = {}
        frames = 0
        while not (stays in entries and entries[stays]["checks"] == {"n": "last"}
                   and comes in entries):
            msg = await slow.recv()
            assert msg["type"] == "waiting_changes", msg["type"]
            frames += 1
            for visit_id in msg["remove"]:
                entries.pop(visit_id, None)
            for entry in msg["upsert"]:
                entries[entry["visit_id"]] = entry
        assert gone not in entries
        assert set(entries) == {stays, comes, *fillers}
        assert all(entries[v]["checks"]["n"] == 3 for v in fillers)  # the last of each
        assert frames < changes  # merged while it waited, one place in the queue
        fresh = await delta_console(hub)
        assert fresh.entries == entries
    finally:
        slow.close()


def test_a_merged_batch_over_the_limit_goes_in_several_messages_each_within_it() -> None:
    """What a long-stalled console's merged changes become when they go: every change in
    exactly one ``waiting_changes``, each message within 64 KiB (so the console can read it)."""
    items: list[tuple[str, dict[str, Any] | None]] = [
        (f"visit-{n}", {"visit_id": f"visit-{n}", "status": "waiting", "checks": HUGE_CHECKS})
        for n in range(60)]
    items += [(f"gone-{n}", None) for n in range(10)]
    frames = [json.loads(text) for text in change_frames(items)]
    assert len(frames) > 1
    assert all(len(text) <= protocol.MAX_MESSAGE_BYTES for text in change_frames(items))
    upserts = [e["visit_id"] for f in frames for e in f["upsert"]]
    removes = [r for f in frames for r in f["remove"]]
    assert sorted(upserts) == sorted(k for k, v in items if v is not None)
    assert sorted(removes) == sorted(k for k, v in items if v is None)
    assert change_frames([("one", None)]) == [protocol.encode(protocol.make(
        "waiting_changes", upsert=[], remove=["one"]))]


# --- the console's copy, in Chromium ---------------------------------------------------------

async def test_listsync_in_chromium_builds_the_hubs_list_from_real_messages(
        hub_factory: HubFactory) -> None:
    """Feed listsync.js what a real hub sent a delta console (a list in parts, then changes of
    every kind), and some messages out of turn; it must hand on the same list as the Mirror,
    in the hub's order."""
    hub = await hub_factory(max_sockets_per_address=200)
    area, site = hub.seed.waiting_area_id, hub.seed.clinic_id  # its clinicians see its help
    kiosks = [await _check_in(hub, hub.new_kiosk_token(), area, site, HUGE_CHECKS, f"P{n}")
              for n in range(50)]
    console = await delta_console(hub)
    assert len(console.entries) == 50
    assert len(console.messages) > 1
    await kiosks[3][0].send("leave")
    await kiosks[7][0].send("help")
    await kiosks[9][0].send("checks", checks={"camera": "fail"})
    helper = await hub.kiosk()
    await helper.send("help")
    await console.until(lambda e: len(e) == 50 and kiosks[3][1] not in e
                        and e[kiosks[9][1]]["checks"] == {"camera": "fail"}
                        and e[kiosks[7][1]]["help_requested"])
    # The hub's order: help first, then by time; the same second as listed or sent (stable).
    order = sorted(console.entries.values(), key=lambda e: (
        e["status"] != "help", e["waiting_since"]))
    async with module_page("listsync.js") as page:
        result = await page.evaluate("""async (messages) => {
            const { ListSync } = await import("/web/listsync.js");
            const { decode, encode } = await import("/web/protocol.js");
            const shown = [];
            const sync = new ListSync((list) => shown.push(list.map((e) => e.visit_id)));
            // Out of turn: changes before any list, a second part without its first.
            sync.apply({ type: "waiting_changes", remove: [],
                         upsert: [{ visit_id: "x", status: "waiting" }] });
            sync.apply({ type: "waiting_list", patients: [], part: 2, parts: 3 });
            const before = shown.length;
            for (const m of messages) sync.apply(decode(encode(m)));
            return { before, shown, first: shown[0], last: sync.list() };
        }""", console.messages)
    assert result["before"] == 0
    assert len(result["first"]) == 50  # the parts became one list, handed on once
    changes = [m for m in console.messages if m["type"] == "waiting_changes"]
    assert len(result["shown"]) == 1 + len(changes)
    assert result["last"] == order
    assert order[0]["status"] == "help"  # a kiosk's help before check-in comes first
