"""Hub load benchmark: N signalling clients in pairs relaying messages through the hub, against a
bare aiohttp WebSocket relay, in one run.

    python -m bench.hub_load [--clients 100,500,2000] [--seconds 10] [--rate 1]

*Ours*: ``clinic-hub serve`` (a process) on a fresh database seeded here with N/2 pairs: each pair
is its own clinic with a paired kiosk (device token), an appointment due now and a specialist
with a session (the session row is seeded like a login would make it: N/2 scrypt logins would
measure scrypt, not the relay). The kiosk says ``hello`` with its token and checks in with the
code; the specialist says ``hello`` with its session cookie and joins the visit: real visits.
Then every client sends a ``candidate``-sized message to its partner ``--rate`` times a second for
``--seconds`` (even phases), relayed by the hub with its full validation and routing.
*Reference*: a bare aiohttp WebSocket server (a process) that forwards each text frame to the
partner socket, driven by the same clients and schedule.

The clients run in one separate process (aiohttp, 127.0.0.1 only); the relay latency is the time
from send to receipt in that process (one clock). Printed per N: set-up time of all clients,
relay latency p50/p99, messages/s delivered, lost messages, hub CPU. Bounded: every phase has a
deadline and the command stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import NAN, Row, TreeCPU, load_note, percentile, table, tool

SETUP_LIMIT_S = 180.0
CONCURRENCY = 64
CANDIDATE = ("candidate:{t} 1 udp 2122260223 127.0.0.1 {port} typ host generation 0 "
             "ufrag bEnc network-id 1 network-cost 10")


def raise_fd_limit() -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


# --- seeding (main process) ------------------------------------------------------------------

def seed(folder: Path, pairs: int) -> list[dict[str, str]]:
    """A hub database with ``pairs`` clinics, each with a kiosk, an appointment and a
    specialist session. Returns the secrets the clients need."""
    from kiosk.hub.codes import (
        issue_appointment,
        issue_pairing_code,
        new_token,
        pair_kiosk,
        token_hash,
    )
    from kiosk.hub.passwords import hash_password
    from kiosk.hub.secretstore import DirSecretStore
    from kiosk.hub.storage import Storage

    storage = Storage.open(folder / "hub.sqlite3")
    storage.connection.execute("PRAGMA synchronous=OFF")  # seeding only; the hub opens its own
    store = DirSecretStore(folder / "secrets")
    now = time.time()
    password_hash = hash_password(secrets.token_urlsafe(16))  # one hash: nobody logs in
    out = []
    for i in range(pairs):
        clinic = storage.create_clinic(f"Load clinic {i}", now)
        area = storage.create_waiting_area(clinic.id, "Waiting area", now)
        spec = storage.create_specialist(clinic.id, f"load{i}", f"Dr Load {i}", password_hash,
                                         now)
        code = issue_pairing_code(storage, store, clinic_id=clinic.id, room=f"Room {i}",
                                  now=now)
        _kiosk, kiosk_token = pair_kiosk(storage, store, pairing_code=code, now=now)
        issued = issue_appointment(storage, store, waiting_area_id=area.id, starts_at=now,
                                   now=now, specialist_id=spec.id)
        session = new_token()
        storage.create_session(token_hash(session), spec.id, secrets.token_urlsafe(16), now,
                               now + 3600)
        out.append({"kiosk_token": kiosk_token, "code": issued.code, "session": session})
    storage.close()
    return out


# --- the clients (a process of their own) ----------------------------------------------------

class Stats:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.sent = 0
        self.received = 0
        self.errors: list[str] = []
        self.window = (0.0, 0.0)


async def _reader(ws: Any, inbox: asyncio.Queue[dict[str, Any]], stats: Stats) -> None:
    import aiohttp

    async for msg in ws:
        if msg.type != aiohttp.WSMsgType.TEXT:
            continue
        data = json.loads(msg.data)
        if data.get("type") == "candidate":
            now = time.perf_counter_ns()
            sent_at = int(data["candidate"].split(" ", 1)[0].split(":", 1)[1])
            if stats.window[0] <= sent_at <= stats.window[1]:
                stats.received += 1
                stats.latencies.append((now - sent_at) / 1e6)
        elif data.get("type") == "error":
            stats.errors.append(str(data.get("code")))
        else:
            inbox.put_nowait(data)


async def _expect(inbox: asyncio.Queue[dict[str, Any]], mtype: str) -> dict[str, Any]:
    while True:
        msg = await asyncio.wait_for(inbox.get(), 60)
        if msg.get("type") == mtype:
            return msg


class Client:
    def __init__(self, ws: Any, stats: Stats, extra: dict[str, Any]) -> None:
        self.ws = ws
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.extra = extra
        self.task = asyncio.ensure_future(_reader(ws, self.inbox, stats))

    async def send(self, **msg: Any) -> None:
        await self.ws.send_str(json.dumps({"v": 1, **msg}))


async def _pair_ours(session: Any, ws_url: str, pair: dict[str, str],
                     stats: Stats) -> list[Client]:
    kws = await session.ws_connect(ws_url)
    kiosk = Client(kws, stats, {})
    await kiosk.send(type="hello", role="kiosk", token=pair["kiosk_token"], client="bench")
    await _expect(kiosk.inbox, "welcome")
    await kiosk.send(type="check_in", code=pair["code"], checks={"camera": "pass"})
    visit_id = (await _expect(kiosk.inbox, "checked_in"))["visit_id"]
    sws = await session.ws_connect(ws_url, headers={"Cookie": f"clinic_session={pair['session']}"})
    spec = Client(sws, stats, {"visit_id": visit_id})
    await spec.send(type="hello", role="specialist", client="bench")
    await _expect(spec.inbox, "welcome")
    await spec.send(type="join", visit_id=visit_id)
    await _expect(spec.inbox, "joined")
    await _expect(kiosk.inbox, "joined")
    return [kiosk, spec]


async def _pair_reference(session: Any, ws_url: str, index: int, stats: Stats) -> list[Client]:
    out = []
    for side in ("k", "s"):
        ws = await session.ws_connect(ws_url)
        client = Client(ws, stats, {})
        await ws.send_str(json.dumps({"pair": index, "side": side}))
        await _expect(client.inbox, "ready")
        out.append(client)
    return out


async def _sender(client: Client, start: float, until: float, rate: float, stats: Stats,
                  port: int) -> None:
    period = 1.0 / rate
    next_at = start + random.random() * period
    while next_at < until:
        await asyncio.sleep(max(0.0, next_at - time.perf_counter()))
        text = CANDIDATE.format(t=time.perf_counter_ns(), port=port)
        try:
            await client.send(type="candidate", attempt=1, candidate=text, sdp_mid="0",
                              sdp_mline_index=0, **client.extra)
        except Exception as exc:  # a dropped socket is counted, not fatal
            stats.errors.append(type(exc).__name__)
            return
        stats.sent += 1
        next_at += period


async def drive(ws_url: str, pairs: list[dict[str, str]] | None, count: int, seconds: float,
                rate: float) -> dict[str, Any]:
    import aiohttp

    raise_fd_limit()
    stats = Stats()
    ours = pairs is not None
    pairs = pairs if pairs is not None else [{}] * count
    clients: list[Client] = []
    sem = asyncio.Semaphore(CONCURRENCY)
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        async def one(i: int, pair: dict[str, str]) -> None:
            async with sem:
                if ours:
                    clients.extend(await _pair_ours(session, ws_url, pair, stats))
                else:
                    clients.extend(await _pair_reference(session, ws_url, i, stats))

        t0 = time.perf_counter()
        results = await asyncio.wait_for(
            asyncio.gather(*(one(i, p) for i, p in enumerate(pairs)), return_exceptions=True),
            SETUP_LIMIT_S)
        failed = [r for r in results if isinstance(r, BaseException)]
        setup_s = time.perf_counter() - t0
        start = time.perf_counter() + 0.5
        until = start + seconds
        # Every candidate of the steady phase counts (a send may start a hair after `until`).
        stats.window = (int(start * 1e9), int((until + 60) * 1e9))
        print("load", flush=True)  # tells the parent the steady phase starts now
        await asyncio.gather(*(_sender(c, start, until, rate, stats, 9000 + i % 1000)
                               for i, c in enumerate(clients)))
        await asyncio.sleep(2.0)  # drain
        for c in clients:
            c.task.cancel()
            await c.ws.close()
    return {
        "clients": len(clients), "failed_pairs": len(failed),
        "first_failure": repr(failed[0])[:200] if failed else None,
        "setup_s": setup_s, "sent": stats.sent, "received": stats.received,
        "p50": percentile(stats.latencies, 50), "p99": percentile(stats.latencies, 99),
        "max": max(stats.latencies, default=NAN), "msgs_per_s": stats.received / seconds,
        "errors": sorted(set(stats.errors))[:5], "error_count": len(stats.errors),
    }


# --- the reference relay (a process of its own) ----------------------------------------------

def reference_server() -> None:
    from aiohttp import WSMsgType, web

    raise_fd_limit()
    peers: dict[tuple[int, str], web.WebSocketResponse] = {}

    async def ws_handler(request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        key: tuple[int, str] | None = None
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            if key is None:
                first = json.loads(msg.data)
                key = (int(first["pair"]), str(first["side"]))
                peers[key] = ws
                await ws.send_str('{"type": "ready"}')
                continue
            other = peers.get((key[0], "s" if key[1] == "k" else "k"))
            if other is not None and not other.closed:
                await other.send_str(msg.data)
        if key is not None:
            peers.pop(key, None)
        return ws

    async def serve() -> None:
        app = web.Application()
        app.router.add_get("/ws", ws_handler)
        runner = web.AppRunner(app)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0, backlog=4096)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        print(json.dumps({"ws_url": f"ws://127.0.0.1:{port}/ws"}), flush=True)
        await asyncio.sleep(3600)  # the parent terminates us

    asyncio.run(serve())


# --- the parent ------------------------------------------------------------------------------

def _stop(proc: subprocess.Popen[str]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def run_clients(ws_url: str, server: subprocess.Popen[str], pairs_file: Path | None,
                count: int, seconds: float, rate: float) -> dict[str, Any]:
    args = [sys.executable, "-m", "bench.hub_load", "--drive", ws_url, "--count", str(count),
            "--seconds", str(seconds), "--rate", str(rate)]
    if pairs_file:
        args += ["--pairs", str(pairs_file)]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, text=True,
                            cwd=Path(__file__).resolve().parent.parent)
    cpu, clients_cpu = TreeCPU(server.pid), TreeCPU(proc.pid)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "load" once set up
        if line.strip() != "load":
            raise RuntimeError(f"clients did not set up: {line!r}")
        cpu.start()
        clients_cpu.start()
        deadline = time.monotonic() + seconds + 0.5
        while time.monotonic() < deadline:
            time.sleep(0.25)
            cpu.sample()
            clients_cpu.sample()
        out, _ = proc.communicate(timeout=SETUP_LIMIT_S)
        result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
        result["server_cpu"] = cpu.percent()
        result["clients_cpu"] = clients_cpu.percent()
        return result
    finally:
        _stop(proc)


def start_server(args: list[str]) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            preexec_fn=raise_fd_limit,
                            cwd=Path(__file__).resolve().parent.parent)
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


def one_size(n: int, seconds: float, rate: float) -> tuple[dict[str, Any], dict[str, Any]]:
    pairs = n // 2
    with tempfile.TemporaryDirectory(prefix="bench-hub-load-") as tmp:
        folder = Path(tmp)
        t0 = time.monotonic()
        secrets_ = seed(folder, pairs)
        print(f"  N={n}: seeded {pairs} pairs in {time.monotonic() - t0:.1f} s", flush=True)
        pairs_file = folder / "pairs.json"
        pairs_file.write_text(json.dumps(secrets_))
        ref_proc, ref = start_server([sys.executable, "-m", "bench.hub_load",
                                      "--reference-server"])
        try:
            reference = run_clients(ref["ws_url"], ref_proc, None, pairs, seconds, rate)
        finally:
            _stop(ref_proc)
        # Every client is on 127.0.0.1: lift the per-address socket cap for this run.
        config = folder / "hub.toml"
        config.write_text(f"max_sockets_per_address = {n + 64}\n")
        hub, info = start_server([tool("clinic-hub"), "serve", "--json", "--host", "127.0.0.1",
                                  "--config", str(config),
                                  "--port", "0", "--db", str(folder / "hub.sqlite3"),
                                  "--secrets-dir", str(folder / "secrets"),
                                  "--log-level", "WARNING"])
        try:
            ours = run_clients(info["ws_url"], hub, pairs_file, pairs, seconds, rate)
        finally:
            _stop(hub)
    return reference, ours


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="100,500,2000")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rate", type=float, default=1.0, help="messages/s per client")
    parser.add_argument("--drive", help=argparse.SUPPRESS)
    parser.add_argument("--pairs", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--reference-server", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.reference_server:
        reference_server()
        return 0
    if args.drive:
        pairs = json.loads(args.pairs.read_text()) if args.pairs else None
        result = asyncio.run(drive(args.drive, pairs, args.count, args.seconds, args.rate))
        print(json.dumps(result), flush=True)
        return 0
    print(f"hub load: {args.seconds:g} s at {args.rate:g} msg/s per client; {load_note()}\n",
          flush=True)
    rows: list[Row] = []
    notes = []
    for n in (int(v) for v in args.clients.split(",")):
        ref, ours = one_size(n, args.seconds, args.rate)
        g = f"N={n}"
        rows += [
            Row(g, "set-up ms (all clients)", ref["setup_s"] * 1000, ours["setup_s"] * 1000),
            Row(g, "relay p50 ms", ref["p50"], ours["p50"]),
            Row(g, "relay p99 ms", ref["p99"], ours["p99"]),
            Row(g, "relay max ms", ref["max"], ours["max"]),
            Row(g, "messages/s delivered", ref["msgs_per_s"], ours["msgs_per_s"]),
            Row(g, "lost messages", ref["sent"] - ref["received"],
                ours["sent"] - ours["received"], False),
            Row(g, "server CPU %", ref["server_cpu"], ours["server_cpu"]),
            Row(g, "clients process CPU %", ref["clients_cpu"], ours["clients_cpu"], False),
        ]
        for name, r in (("reference", ref), ("ours", ours)):
            notes.append(f"N={n} {name}: {r['clients']} clients up, {r['failed_pairs']} pairs "
                         f"failed {r['first_failure'] or ''}, {r['sent']} sent, "
                         f"errors {r['error_count']} {r['errors']}")
        print(table(rows[-8:]), flush=True)
        print(flush=True)
    print("=== all sizes ===")
    print(table(rows))
    print()
    for note in notes:
        print("note:", note)
    print("reference: bare aiohttp WebSocket relay (forwards each text frame to the partner); "
          "ours: clinic-hub serve, real visits (kiosk token + code -> check_in; specialist "
          "session -> join), candidate messages.")
    print(f"load after the run: {load_note()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
