"""Consoles watching 200 patients at 50 sites: the full-snapshot waiting list against the
``list_delta`` path, side by side in one run.

    python -m bench.console_scale [--json] [--patients 200 --sites 50 --consoles 20 --staff 10]
                                  [--rounds 10]

One ``clinic-hub serve`` process on 127.0.0.1, on a fresh database seeded here: one
organisation with one service and four waiting areas, ``--sites`` sites (another organisation's)
each with kiosks and one member of staff, ``--consoles`` clinicians who are members of every
waiting area (so each sees every patient) and the sessions they would have after signing in
(seeded as a login makes them: many scrypt logins would measure scrypt). ``--patients`` kiosks
(spread over the sites) say ``hello`` with their device tokens and check in with appointment
codes over real WebSockets, each with a check summary like a real kiosk's (a quarter with a
failed check and its advice for staff).

Then, for each path in turn (the *reference*: consoles that say plain ``hello`` and get a full
``waiting_list`` on every change, as before; *ours*: consoles that say
``hello{features:["list_delta"]}``), ``--consoles`` clinician consoles and ``--staff`` site-staff
consoles (of the first sites) connect, and ``--rounds`` rounds of five changes are made, one at
a time: a patient checks in at a spare kiosk, their checks change, they ask for help, the first
console joins them, they leave. Each console applies what it gets (a snapshot replaces its list;
changes are applied to it) and the time from the change to every console that sees it having
applied it is taken (one clock, this process), with the bytes each such console received for it.
The hub's CPU per change is its process's user+system time over the changes (/proc), divided by
their number. A console that has not applied a change within a second has missed it (a
snapshot console is sent a list cut to the 64 KiB limit, so the newest patients may not be on
it). Nothing fails; read the table.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp

from bench.common import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    Row,
    cpu_seconds,
    load_note,
    percentile,
    stop_all,
    table,
    tool,
)
from kiosk import protocol

#: How long a console may take to apply a change before it counts as missed.
MISS_AFTER_S = 1.0
#: The account the Chromium console signs in with (through the form, like a person).
BROWSER_USER = "bench.browser"
BROWSER_PASSWORD = "bench console 1"  # noqa: S105 - a throwaway database's
#: In the page: the time (ms since the epoch, sub-ms) of every batch of changes to the waiting
#: list's DOM, and of every waiting-list message received (before the console handles it).
OBSERVE_JS = """
const now = () => performance.timeOrigin + performance.now();
window.__mutations = [];
window.__received = [];
document.addEventListener("DOMContentLoaded", () => {
  new MutationObserver(() => window.__mutations.push(now())).observe(
    document.getElementById("patients"),
    { childList: true, subtree: true, characterData: true, attributes: true });
});
const add = WebSocket.prototype.addEventListener;
WebSocket.prototype.addEventListener = function (type, fn, options) {
  let handler = fn;
  if (type === "message") {
    handler = function (event) {
      if (typeof event.data === "string" && event.data.includes('"type":"waiting_')) {
        window.__received.push(now());
      }
      return fn.call(this, event);
    };
  }
  return add.call(this, type, handler, options);
};
"""
#: For the reference path: the same console, its hello without features (full snapshots).
NO_FEATURES_JS = """
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  if (typeof data === "string" && data.includes('"hello"')) {
    const msg = JSON.parse(data);
    if (msg.type === "hello") { delete msg.features; data = JSON.stringify(msg); }
  }
  return send.call(this, data);
};
"""
KINDS = ("check-in", "checks", "help", "join", "leave")
AREAS = 4

Entries = dict[str, dict[str, Any]]


def checks_for(n: int) -> dict[str, Any]:
    """A check summary as a kiosk sends it: most pass; every fourth patient's microphone
    failed, with the reason and the advice for staff."""
    checks: dict[str, Any] = {"camera": "pass", "microphone": "pass", "speaker": "pass",
                              "network": "pass", "network_detail": "Good (4.2 Mbps, 23 ms)"}
    if n % 4 == 0:
        checks.update(microphone="fail", microphone_detail="silent",
                      microphone_advice="Check that the headset is plugged in and that its "
                                        "microphone is not muted, then ask the patient to "
                                        "speak; if the meter stays still, use the spare "
                                        "headset from the drawer.")
    return checks


# --- seeding ---------------------------------------------------------------------------------

@dataclass
class Seeded:
    kiosks: list[dict[str, Any]]  # {token, site, code}: the patients' kiosks
    spares: list[dict[str, Any]]  # {token, site, codes, names}: for the check-ins
    clinicians: list[str]  # session tokens
    staff: list[dict[str, Any]]  # {session, site}


def seed(folder: Path, patients: int, sites: int, consoles: int, staff: int,
         rounds: int) -> Seeded:
    from kiosk.hub.codes import (
        issue_appointment,
        issue_pairing_code,
        new_token,
        pair_kiosk,
        token_hash,
    )
    from kiosk.hub.models import CLINICIAN, SITE_STAFF
    from kiosk.hub.passwords import hash_password
    from kiosk.hub.secretstore import DirSecretStore
    from kiosk.hub.storage import Storage

    s = Storage.open(folder / "hub.sqlite3")
    s.connection.execute("PRAGMA synchronous=OFF")  # seeding only; the hub opens its own
    store = DirSecretStore(folder / "secrets")
    now = time.time()
    org = s.create_organisation("Hospital", now)
    service = s.create_service(org.id, "Cardiology", now)
    areas = [s.create_service_waiting_area(service.id, f"Clinic {i}", now).id
             for i in range(AREAS)]
    board = s.create_organisation("Health board", now)
    site_ids = [s.create_site(f"Community clinic {i:02d}", now, board.id).id
                for i in range(sites)]
    password_hash = hash_password(secrets.token_urlsafe(16))  # one hash: nobody logs in

    def session_for(account_id: int) -> str:
        token = new_token()
        s.create_session(token_hash(token), account_id, secrets.token_urlsafe(16), now,
                         now + 3 * 3600)
        return token

    def kiosk(site: int, room: str) -> str:
        code = issue_pairing_code(s, store, clinic_id=site, room=room, now=now)
        return pair_kiosk(s, store, pairing_code=code, now=now)[1]

    def code(site: int, n: int) -> str:  # for "Patient {n}"
        return issue_appointment(s, store, waiting_area_id=areas[n % AREAS], starts_at=now,
                                 now=now, patient_name=f"Patient {n}", site=site).code

    browser_account = s.create_account(CLINICIAN, BROWSER_USER, "Dr Browser",
                                       hash_password(BROWSER_PASSWORD), now)
    for area in areas:
        s.add_waiting_area_member(browser_account.id, area, now)
    clinicians = []
    for i in range(consoles):
        account = s.create_account(CLINICIAN, f"dr{i}", f"Dr Bench {i}", password_hash, now)
        for area in areas:
            s.add_waiting_area_member(account.id, area, now)
        clinicians.append(session_for(account.id))
    staff_out = []
    for i, site in enumerate(site_ids):
        account = s.create_account(SITE_STAFF, f"desk{i}", f"Desk {i}", password_hash, now)
        s.add_site_staff(account.id, site, now)
        if i < staff:
            staff_out.append({"session": session_for(account.id), "site": site})
    kiosks = []
    for n in range(patients):
        site = site_ids[n % sites]
        kiosks.append({"token": kiosk(site, f"Room {n // sites + 1}"), "site": site,
                       "code": code(site, n)})
    spares = []
    for i in range(min(rounds, sites)):
        site = site_ids[i % staff if staff else i]  # where a staff console watches
        spares.append({"token": kiosk(site, "Room S"), "site": site,
                       "codes": [code(site, patients + i * 2 + p) for p in range(2)],
                       "names": [f"Patient {patients + i * 2 + p}" for p in range(2)]})
    s.close()
    return Seeded(kiosks, spares, clinicians, staff_out)


# --- consoles --------------------------------------------------------------------------------

@dataclass
class Console:
    """A signed-in console: its own copy of the list, kept as the browser console keeps it."""

    ws: Any
    delta: bool
    clinician: bool
    site: int | None = None
    entries: Entries = field(default_factory=dict)
    whole: bool = False
    parts: list[dict[str, Any]] = field(default_factory=list)
    received: int = 0  # bytes of list messages
    first_list_bytes: int = 0
    #: (predicate, future) of the change being waited for.
    waiting: tuple[Callable[[Entries], bool], asyncio.Future[float]] | None = None
    task: asyncio.Task[None] | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)  # the first list is whole

    def apply(self, msg: dict[str, Any]) -> None:
        if msg["type"] == "waiting_list":
            part, parts = msg.get("part", 1), msg.get("parts", 1)
            if part == 1:
                self.parts = []
            self.parts += msg["patients"]
            if part == parts:
                self.entries = {e["visit_id"]: e for e in self.parts}
                self.whole = True
        elif msg["type"] == "waiting_changes":
            for visit_id in msg["remove"]:
                self.entries.pop(visit_id, None)
            for entry in msg["upsert"]:
                self.entries[entry["visit_id"]] = entry

    async def read(self) -> None:
        async for frame in self.ws:
            if frame.type != aiohttp.WSMsgType.TEXT:
                continue
            msg = json.loads(frame.data)
            if msg.get("type") not in ("waiting_list", "waiting_changes"):
                continue
            self.received += len(frame.data)
            if not self.whole:
                self.first_list_bytes += len(frame.data)
            self.apply(msg)
            if self.whole:
                self.ready.set()
            if self.waiting is not None and self.whole and self.waiting[0](self.entries):
                if not self.waiting[1].done():
                    self.waiting[1].set_result(time.perf_counter())
                self.waiting = None


async def open_console(session: aiohttp.ClientSession, ws_url: str, token: str, *, delta: bool,
                       clinician: bool, site: int | None = None) -> Console:
    ws = await session.ws_connect(ws_url, headers={"Cookie": f"clinic_session={token}"},
                                  max_msg_size=protocol.MAX_MESSAGE_BYTES * 2)
    features = [protocol.LIST_DELTA] if delta else None
    await ws.send_str(protocol.encode(protocol.make("hello", role="specialist", client="bench",
                                                    features=features)))
    console = Console(ws, delta, clinician, site)
    console.task = asyncio.create_task(console.read())
    return console


class BrowserConsole:
    """The real console in Debian's Chromium (headless), signed in through its form; a
    MutationObserver stamps every DOM update of the waiting list."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.dom_ms: dict[str, list[float]] = {kind: [] for kind in KINDS}
        #: From the list message's arrival in the page to the DOM updated (the page's work).
        self.page_ms: dict[str, list[float]] = {kind: [] for kind in KINDS}

    @classmethod
    async def open(cls, browser: Any, url: str, *, delta: bool) -> BrowserConsole:
        context = await browser.new_context(viewport={"width": 1366, "height": 768})
        await context.add_init_script(OBSERVE_JS + ("" if delta else NO_FEATURES_JS))
        page = await context.new_page()
        await page.goto(url)
        await page.fill("#username", BROWSER_USER)
        await page.fill("#password", BROWSER_PASSWORD)
        await page.click("#signin-button")
        await page.wait_for_selector("#link-state[data-state=up]", timeout=30_000)
        return cls(page)

    async def cards(self) -> int:
        return int(await self.page.evaluate(
            "document.getElementById('patients').children.length"))

    async def record(self, kind: str, start_ms: float) -> None:
        """The time from ``start_ms`` to the first DOM update after it (up to 2 s)."""
        from playwright.async_api import TimeoutError as PlaywrightTimeout

        try:
            await self.page.wait_for_function(
                "t => window.__mutations.some((m) => m >= t)", arg=start_ms, timeout=2000)
        except PlaywrightTimeout:  # no update within 2 s: a miss, not a failure
            return
        first, received = await self.page.evaluate("""t => {
            const first = Math.min(...window.__mutations.filter((m) => m >= t));
            const got = window.__received.filter((r) => r >= t && r <= first);
            return [first, got.length ? Math.max(...got) : null];
        }""", start_ms)
        self.dom_ms[kind].append(float(first) - start_ms)
        if received is not None:
            self.page_ms[kind].append(float(first) - float(received))

    async def close(self) -> None:
        await self.page.context.close()


# --- kiosks ----------------------------------------------------------------------------------

class Kiosk:
    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for frame in self.ws:
            if frame.type == aiohttp.WSMsgType.TEXT:
                self.inbox.put_nowait(json.loads(frame.data))

    async def send(self, mtype: str, **fields: Any) -> None:
        await self.ws.send_str(protocol.encode(protocol.make(mtype, **fields)))

    async def expect(self, mtype: str) -> dict[str, Any]:
        while True:
            msg = await asyncio.wait_for(self.inbox.get(), 30)
            if msg["type"] == mtype:
                return msg
            if msg["type"] == "error":
                raise RuntimeError(f"hub error {msg['code']}: {msg['message']}")

    async def close(self) -> None:
        self.task.cancel()
        await self.ws.close()


async def open_kiosk(session: aiohttp.ClientSession, ws_url: str, token: str) -> Kiosk:
    kiosk = Kiosk(await session.ws_connect(ws_url))
    await kiosk.send("hello", role="kiosk", token=token, client="bench")
    await kiosk.expect("welcome")
    return kiosk


# --- one path --------------------------------------------------------------------------------

@dataclass
class Change:
    kind: str
    latencies: list[float] = field(default_factory=list)  # ms, one per console that saw it
    slowest: list[float] = field(default_factory=list)  # ms, per change: its last console
    per_console_bytes: list[float] = field(default_factory=list)
    missed: int = 0
    expected: int = 0
    cpu_s: float = 0.0


async def change(consoles: list[Console], changes: dict[str, Change], hub_pid: int,
                 kind: str, act: Callable[[], Awaitable[Any]], ok: Callable[[Entries], bool],
                 *, site: int, staff_see: bool, browser: BrowserConsole | None) -> None:
    """Make one change and wait for every console that sees it to have applied it."""
    watchers = [c for c in consoles if c.clinician or (staff_see and c.site == site)]
    loop = asyncio.get_running_loop()
    futures: dict[int, asyncio.Future[float]] = {}
    for c in watchers:
        futures[id(c)] = loop.create_future()
        c.waiting = (ok, futures[id(c)])
    before = {id(c): c.received for c in consoles}
    cpu0 = cpu_seconds(hub_pid)
    start = time.perf_counter()
    start_ms = time.time() * 1000  # the page's Date.now() clock
    await act()
    done, _ = await asyncio.wait(futures.values(), timeout=MISS_AFTER_S)
    record = changes[kind]
    record.cpu_s += cpu_seconds(hub_pid) - cpu0
    if browser is not None:
        await browser.record(kind, start_ms)
    if len(done) == len(futures):
        record.slowest.append((max(f.result() for f in done) - start) * 1000)
    for c in watchers:
        record.expected += 1
        record.per_console_bytes.append(c.received - before[id(c)])
        fut = futures[id(c)]
        c.waiting = None
        if fut in done:
            record.latencies.append((fut.result() - start) * 1000)
        else:
            record.missed += 1
            fut.cancel()


@dataclass
class Waiting:
    """One of the patients checked in at the start: its kiosk, visit and site."""

    kiosk: Kiosk
    visit_id: str
    site: int


async def one_round(session: aiohttp.ClientSession, ws_url: str, spare: dict[str, Any],
                    earlier: Waiting, consoles: list[Console], changes: dict[str, Change],
                    hub_pid: int, *, which: int, browser: BrowserConsole | None) -> None:
    """A new patient checks in at a spare kiosk; an earlier patient's checks change, they ask
    for help and the first console joins them; the new patient leaves."""
    kiosk = await open_kiosk(session, ws_url, spare["token"])
    name = spare["names"][which]
    new: dict[str, str] = {}
    new_checks = {**checks_for(1), "speaker": "fail"}

    def arrived(e: Entries) -> bool:
        return any(v.get("patient_name") == name for v in e.values())

    async def check_in() -> None:
        await kiosk.send("check_in", code=spare["codes"][which], checks=checks_for(0))
        new["id"] = (await kiosk.expect("checked_in"))["visit_id"]

    async def join() -> None:
        await consoles[0].ws.send_str(protocol.encode(protocol.make(
            "join", visit_id=earlier.visit_id)))

    def earlier_is(pred: Callable[[dict[str, Any]], bool]) -> Callable[[Entries], bool]:
        return lambda e: earlier.visit_id in e and pred(e[earlier.visit_id])

    def left(e: Entries) -> bool:
        return new["id"] not in e

    steps: list[tuple[str, Callable[[], Awaitable[Any]], Callable[[Entries], bool], int,
                      bool]] = [
        ("check-in", check_in, arrived, spare["site"], True),
        ("checks", lambda: earlier.kiosk.send("checks", checks=new_checks),
         earlier_is(lambda v: bool(v["checks"] == new_checks)), earlier.site, False),
        ("help", lambda: earlier.kiosk.send("help"),
         earlier_is(lambda v: bool(v["help_requested"])), earlier.site, True),
        ("join", join, earlier_is(lambda v: bool(v["status"] == "in_call")), earlier.site,
         True),
        ("leave", lambda: kiosk.send("leave"), left, spare["site"], True),
    ]
    for kind, act, ok, site, staff_see in steps:
        await change(consoles, changes, hub_pid, kind, act, ok, site=site, staff_see=staff_see,
                     browser=browser)
    await kiosk.close()


async def run_path(ws_url: str, seeded: Seeded, hub_pid: int, earlier: list[Waiting], *,
                   delta: bool, rounds: int, patients: int,
                   chromium: Any | None) -> dict[str, Any]:
    async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        t0 = time.perf_counter()
        consoles = [await open_console(session, ws_url, token, delta=delta, clinician=True)
                    for token in seeded.clinicians]
        consoles += [await open_console(session, ws_url, s["session"], delta=delta,
                                        clinician=False, site=s["site"])
                     for s in seeded.staff]
        await asyncio.wait_for(asyncio.gather(*(c.ready.wait() for c in consoles)), 60)
        first_list_s = time.perf_counter() - t0
        clinicians = [c for c in consoles if c.clinician]
        seeing_all = sum(1 for c in clinicians if len(c.entries) == patients)
        listed = min(len(c.entries) for c in clinicians)
        first_bytes = statistics.mean(c.first_list_bytes for c in clinicians)
        browser = None
        cards = 0
        if chromium is not None:
            browser = await BrowserConsole.open(chromium, ws_url.replace("ws", "http", 1)
                                                .removesuffix("/ws") + "/", delta=delta)
            await browser.page.wait_for_function(
                "n => document.getElementById('patients').children.length >= n", arg=listed,
                timeout=30_000)
            cards = await browser.cards()
        changes = {kind: Change(kind) for kind in KINDS}
        for spare, who in zip(seeded.spares[:rounds], earlier, strict=False):
            await one_round(session, ws_url, spare, who, consoles, changes, hub_pid,
                            which=1 if delta else 0, browser=browser)
        dom = browser.dom_ms if browser is not None else {}
        page = browser.page_ms if browser is not None else {}
        if browser is not None:
            await browser.close()
        for c in consoles:
            if c.task is not None:
                c.task.cancel()
            await c.ws.close()
    return {"first_list_s": first_list_s, "seeing_all": seeing_all, "listed": listed,
            "browser_cards": cards, "dom_ms": dom, "page_ms": page,
            "clinicians": len(clinicians), "first_list_bytes": first_bytes,
            "changes": {k: vars(v) for k, v in changes.items()}}


async def check_in_all(ws_url: str, seeded: Seeded) -> tuple[list[Waiting], float,
                                                              aiohttp.ClientSession]:
    session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0),
                                    cookie_jar=aiohttp.DummyCookieJar())
    sem = asyncio.Semaphore(32)
    t0 = time.perf_counter()

    async def one(n: int, k: dict[str, Any]) -> Waiting:
        async with sem:
            kiosk = await open_kiosk(session, ws_url, k["token"])
            await kiosk.send("check_in", code=k["code"], checks=checks_for(n))
            return Waiting(kiosk, (await kiosk.expect("checked_in"))["visit_id"], k["site"])

    waiting = await asyncio.gather(*(one(n, k) for n, k in enumerate(seeded.kiosks)))
    return list(waiting), time.perf_counter() - t0, session


def earlier_patients(waiting: list[Waiting], path: int, rounds: int, sites: int,
                     staff: int) -> list[Waiting]:
    """For each round of a path, a patient checked in at the start whose checks, help and join
    are the round's changes: at the round's site (where a staff console watches), among the
    oldest (so on a cut snapshot too), a different one for each path and round."""
    picks = []
    for r in range(rounds):
        site = r % staff if staff else r
        n = site + sites * (2 * (r // max(staff, 1)) + path)
        picks.append(waiting[n % len(waiting)])
    return picks


async def drive(ws_url: str, seeded: Seeded, hub_pid: int, rounds: int, patients: int,
                sites: int, staff: int, browser: bool) -> dict[str, Any]:
    async with contextlib.AsyncExitStack() as stack:
        chromium = None
        if browser:
            from playwright.async_api import async_playwright

            pw = await stack.enter_async_context(async_playwright())
            chromium = await pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                                args=list(CHROMIUM_FLAGS))
            stack.push_async_callback(chromium.close)
        waiting, check_in_s, session = await check_in_all(ws_url, seeded)
        try:
            out: dict[str, Any] = {"check_in_all_s": check_in_s}
            for path, (name, delta) in enumerate((("snapshot", False), ("delta", True))):
                out[name] = await run_path(
                    ws_url, seeded, hub_pid,
                    earlier_patients(waiting, path, rounds, sites, staff),
                    delta=delta, rounds=rounds, patients=patients, chromium=chromium)
            return out
        finally:
            for w in waiting:
                await w.kiosk.close()
            await session.close()


# --- the parent ------------------------------------------------------------------------------

def summarise(path: dict[str, Any]) -> dict[str, dict[str, float]]:
    out: dict[str, dict[str, float]] = {}
    all_lat: list[float] = []
    all_slow: list[float] = []
    all_bytes: list[float] = []
    missed = expected = 0
    cpu = 0.0
    for kind, c in path["changes"].items():
        out[kind] = {
            "p50_ms": percentile(c["latencies"], 50), "p95_ms": percentile(c["latencies"], 95),
            "all_p50_ms": percentile(c["slowest"], 50), "all_p95_ms": percentile(c["slowest"], 95),
            "bytes_per_console": statistics.mean(c["per_console_bytes"])
            if c["per_console_bytes"] else float("nan"),
            "missed": c["missed"], "expected": c["expected"],
        }
        all_lat += c["latencies"]
        all_slow += c["slowest"]
        all_bytes += c["per_console_bytes"]
        missed += c["missed"]
        expected += c["expected"]
        cpu += c["cpu_s"]
    changes_made = len(path["changes"]) * path["rounds"]
    out["all"] = {"p50_ms": percentile(all_lat, 50), "p95_ms": percentile(all_lat, 95),
                  "all_p50_ms": percentile(all_slow, 50), "all_p95_ms": percentile(all_slow, 95),
                  "bytes_per_console": statistics.mean(all_bytes) if all_bytes else float("nan"),
                  "missed": missed, "expected": expected,
                  "hub_cpu_ms_per_change": 1000 * cpu / max(1, changes_made)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--consoles", type=int, default=20, help="clinician consoles")
    parser.add_argument("--staff", type=int, default=10, help="site-staff consoles")
    parser.add_argument("--rounds", type=int, default=10, help="rounds of five changes")
    parser.add_argument("--no-browser", action="store_true",
                        help="without the console in Chromium (WebSocket consoles only)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    rounds = min(args.rounds, args.sites)
    if not args.json:
        print(f"console scale: {args.patients} patients at {args.sites} sites, "
              f"{args.consoles} clinician + {args.staff} staff consoles, {rounds} rounds; "
              f"{load_note()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="bench-console-scale-") as tmp:
        folder = Path(tmp)
        seeded = seed(folder, args.patients, args.sites, args.consoles, args.staff, rounds)
        config = folder / "hub.toml"
        config.write_text(
            f"max_sockets_per_address = {args.patients + args.consoles + args.staff + 64}\n")
        hub = subprocess.Popen(
            [tool("clinic-hub"), "serve", "--json", "--host", "127.0.0.1", "--port", "0",
             "--config", str(config), "--db", str(folder / "hub.sqlite3"),
             "--secrets-dir", str(folder / "secrets"), "--log-level", "ERROR"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert hub.stdout is not None
            info = json.loads(hub.stdout.readline())
            result = asyncio.run(drive(info["ws_url"], seeded, hub.pid, rounds, args.patients,
                                       args.sites, args.staff, not args.no_browser))
        finally:
            stop_all([hub])
    for name in ("snapshot", "delta"):
        result[name]["rounds"] = rounds
        result[name]["summary"] = summarise(result[name])
    if args.json:
        print(json.dumps({"args": vars(args), **result}, default=float))
        return 0
    snap, delta = result["snapshot"], result["delta"]
    rows = [
        Row("start", f"clinician consoles seeing all {args.patients}",
            snap["seeing_all"], delta["seeing_all"], False),
        Row("start", "patients on a clinician's list (fewest)", snap["listed"],
            delta["listed"], False),
        Row("start", "first list, bytes per console", snap["first_list_bytes"],
            delta["first_list_bytes"]),
    ]
    for kind in (*KINDS, "all"):
        s, d = snap["summary"][kind], delta["summary"][kind]
        rows += [
            Row(kind, "change -> a console applied it p50 ms", s["p50_ms"], d["p50_ms"]),
            Row(kind, "change -> a console applied it p95 ms", s["p95_ms"], d["p95_ms"]),
            Row(kind, "change -> every console applied p50 ms", s["all_p50_ms"],
                d["all_p50_ms"]),
            Row(kind, "change -> every console applied p95 ms", s["all_p95_ms"],
                d["all_p95_ms"]),
            Row(kind, "bytes per console per update", s["bytes_per_console"],
                d["bytes_per_console"]),
            Row(kind, "console updates missed", s["missed"], d["missed"], False),
        ]
    rows.append(Row("all", "hub CPU ms per change", snap["summary"]["all"]["hub_cpu_ms_per_change"],
                    delta["summary"]["all"]["hub_cpu_ms_per_change"]))
    if not args.no_browser:
        rows.append(Row("chromium", "cards shown", snap["browser_cards"], delta["browser_cards"],
                        False))
        for kind in (*KINDS, "all"):
            sd = [v for k, vs in snap["dom_ms"].items() for v in vs if kind in ("all", k)]
            dd = [v for k, vs in delta["dom_ms"].items() for v in vs if kind in ("all", k)]
            rows += [Row("chromium", f"{kind}: change -> DOM updated p50 ms",
                         percentile(sd, 50), percentile(dd, 50)),
                     Row("chromium", f"{kind}: p95 ms", percentile(sd, 95),
                         percentile(dd, 95))]
        sp = [v for vs in snap["page_ms"].values() for v in vs]
        dp = [v for vs in delta["page_ms"].values() for v in vs]
        rows += [Row("chromium", "message in page -> DOM updated p50 ms", percentile(sp, 50),
                     percentile(dp, 50)),
                 Row("chromium", "message in page -> DOM updated p95 ms", percentile(sp, 95),
                     percentile(dp, 95))]
    print(f"{args.patients} patients checked in over real WebSockets in "
          f"{result['check_in_all_s']:.1f} s\n")
    print(table(rows, group_title="change"))
    print("\nreference: full waiting_list snapshots on every change (hello without features); "
          "ours: hello{features:[\"list_delta\"]}, one whole list then waiting_changes. "
          f"Missed: not applied within {MISS_AFTER_S:g} s (a snapshot over 64 KiB is cut). "
          f"Updates: one per console that sees the change ({args.consoles} clinicians; staff "
          "of the patient's site, who do not see checks).")
    print(f"load after the run: {load_note()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
