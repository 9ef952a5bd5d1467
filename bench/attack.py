"""Attacks on the hub, and what a well-behaved client feels meanwhile.

    python -m bench.attack [--seconds 5] [--json]

A ``clinic-hub serve --demo`` process on 127.0.0.1 (a fresh temporary database), a *control*
pair (a signed-in specialist and a checked-in kiosk, like a real clinic), and one attack at a
time for ``--seconds``: the control specialist pings the hub every 100 ms and the round trip is
measured (one clock, this process). The *reference* is the same control with no attack, in the
same run. Printed per attack: control latency p50 and p99 (ms), the hub's RSS before, at its
peak and after (MB), and what the attack achieved (refused, errors, dropped). Everything goes
to loopback only; every attack is bounded in count and time and stops by itself.

Attacks: a checked-in patient flooding ``call_state``; deeply nested JSON; a storm of concurrent
sign-ins with wrong passwords; a pile of idle sockets; appointment-code guessing; half-sent HTTP
requests (slowloris).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp

from bench.common import load_note, percentile, rss_bytes, spawn, stop_all, tool
from kiosk import protocol

MB = 1024 * 1024


class Control:
    """The well-behaved pair: a specialist watching a waiting patient, pinging the hub."""

    def __init__(self, url: str, username: str, password: str, code: str) -> None:
        self.url, self.username, self.password, self.code = url, username, password, code
        self.rtts: list[float] = []
        self._session: aiohttp.ClientSession | None = None
        self._ws: Any = None
        self._pongs: dict[int, asyncio.Future[float]] = {}

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))
        async with self._session.post(f"{self.url}/api/login", json={
                "username": self.username, "password": self.password}) as resp:
            assert resp.status == 200, await resp.text()
        self._ws = await self._session.ws_connect(f"{self.url.replace('http', 'ws', 1)}/ws")
        await self._ws.send_str(protocol.encode(protocol.make("hello", role="specialist")))
        self._kiosk = await self._session.ws_connect(f"{self.url.replace('http', 'ws', 1)}/ws")
        await self._kiosk.send_str(protocol.encode(protocol.make("hello", role="patient")))
        await self._kiosk.send_str(protocol.encode(protocol.make("check_in", code=self.code)))
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        async for frame in self._ws:
            msg = json.loads(frame.data)
            if msg.get("type") == "pong" and msg.get("sent_at") in self._pongs:
                self._pongs.pop(msg["sent_at"]).set_result(time.perf_counter())

    async def measure(self, seconds: float) -> list[float]:
        """Ping every 100 ms (within the hub's ping limit) for ``seconds``; the round trips (ms).
        A lost pong counts as 1 s."""
        rtts: list[float] = []
        n = 0
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            n += 1
            fut: asyncio.Future[float] = asyncio.get_running_loop().create_future()
            self._pongs[n] = fut
            sent = time.perf_counter()
            await self._ws.send_str(protocol.encode(protocol.make("ping", sent_at=n)))
            try:
                got = await asyncio.wait_for(fut, 1.0)
                rtts.append((got - sent) * 1000)
            except TimeoutError:
                rtts.append(1000.0)
            await asyncio.sleep(0.1)
        return rtts

    async def close(self) -> None:
        self._reader.cancel()
        for ws in (self._ws, self._kiosk):
            await ws.close()
        assert self._session is not None
        await self._session.close()


async def _ws(url: str, session: aiohttp.ClientSession, role: str = "patient") -> Any:
    ws = await session.ws_connect(f"{url.replace('http', 'ws', 1)}/ws")
    await ws.send_str(protocol.encode(protocol.make("hello", role=role)))
    return ws


async def _drain(ws: Any) -> int:
    errors = 0
    with contextlib.suppress(Exception):
        async for frame in ws:
            if frame.type == aiohttp.WSMsgType.TEXT and '"error"' in frame.data:
                errors += 1
    return errors


async def flood(url: str, code: str, seconds: float) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        ws = await _ws(url, session)
        await ws.send_str(protocol.encode(protocol.make("check_in", code=code)))
        drain = asyncio.create_task(_drain(ws))
        sent, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end and sent < 200_000:
            for _ in range(100):
                await ws.send_str(protocol.encode(protocol.make("call_state", state="connecting")))
            sent += 100
            await asyncio.sleep(0)
        await ws.close()
        return {"sent": sent, "errors": await drain}


async def nesting(url: str, _code: str, seconds: float) -> dict[str, Any]:
    text = '{"v":1,"type":"ping","x":' + "[" * 1000 + "]" * 1000 + "}"
    async with aiohttp.ClientSession() as session:
        ws = await _ws(url, session)
        drain = asyncio.create_task(_drain(ws))
        sent, end = 0, time.perf_counter() + seconds
        while time.perf_counter() < end and sent < 50_000:
            await ws.send_str(text)
            sent += 1
            if sent % 20 == 0:
                await asyncio.sleep(0)
        await ws.close()
        return {"sent": sent, "errors": await drain}


async def login_storm(url: str, _code: str, seconds: float) -> dict[str, Any]:
    statuses: dict[int, int] = {}
    async with aiohttp.ClientSession() as session:
        async def one(i: int) -> None:
            async with session.post(f"{url}/api/login", json={
                    "username": f"user{i % 5}", "password": "wrong"}) as resp:
                statuses[resp.status] = statuses.get(resp.status, 0) + 1
        end = time.perf_counter() + seconds
        sent = 0
        while time.perf_counter() < end and sent < 2000:
            await asyncio.gather(*(one(sent + i) for i in range(100)))
            sent += 100
    return {"sent": sent, "statuses": statuses}


async def sockets(url: str, _code: str, seconds: float) -> dict[str, Any]:
    opened, refused = 0, 0
    async with aiohttp.ClientSession() as session:
        held = []
        for _ in range(500):
            try:
                held.append(await _ws(url, session))
                opened += 1
            except aiohttp.WSServerHandshakeError:
                refused += 1
        await asyncio.sleep(seconds)
        for ws in held:
            await ws.close()
    return {"opened": opened, "refused": refused}


async def _codes(ws: Any) -> dict[str, int]:
    """How often each error code came back (``bad_code`` = a guess the hub really tested)."""
    seen: dict[str, int] = {}
    with contextlib.suppress(Exception):
        async for frame in ws:
            if frame.type == aiohttp.WSMsgType.TEXT and '"error"' in frame.data:
                code = str(json.loads(frame.data).get("code"))
                seen[code] = seen.get(code, 0) + 1
    return seen


async def guessing(url: str, _code: str, seconds: float) -> dict[str, Any]:
    """Ten sockets guessing appointment codes as fast as they can."""
    async with aiohttp.ClientSession() as session:
        socks = [await _ws(url, session) for _ in range(10)]
        drains = [asyncio.create_task(_codes(ws)) for ws in socks]
        end, sent = time.perf_counter() + seconds, 0
        while time.perf_counter() < end and sent < 20_000:
            for ws in socks:
                await ws.send_str(protocol.encode(protocol.make("check_in", code=f"{sent:010d}")))
                sent += 1
            await asyncio.sleep(0.001)
        for ws in socks:
            await ws.close()
        answers: dict[str, int] = {}
        for d in drains:
            for code, n in (await d).items():
                answers[code] = answers.get(code, 0) + n
    return {"sent": sent, "tested_by_hub": answers.get("bad_code", 0), "answers": answers}


async def slowloris(url: str, _code: str, seconds: float) -> dict[str, Any]:
    """300 half-sent requests; how long the hub holds them (it should drop them itself)."""
    host, port = url.removeprefix("http://").split(":")
    conns = []
    started = time.perf_counter()
    for _ in range(300):
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        conns.append((reader, writer))

    async def held(reader: asyncio.StreamReader) -> float | None:
        with contextlib.suppress(TimeoutError, ConnectionError):
            await asyncio.wait_for(reader.read(), max(seconds, 30.0))
            return time.perf_counter() - started
        return None

    times = await asyncio.gather(*(held(reader) for reader, _ in conns))
    for _, writer in conns:
        writer.close()
    closed = [t for t in times if t is not None]
    return {"half_sent": 300, "closed_by_hub": len(closed),
            "held_max_s": round(max(closed), 1) if closed else None}


ATTACKS: dict[str, Callable[[str, str, float], Awaitable[dict[str, Any]]]] = {
    "flood": flood, "nesting": nesting, "login_storm": login_storm, "sockets": sockets,
    "guessing": guessing, "slowloris": slowloris,
}


def _new_code(db: str) -> str:
    out = subprocess.run([tool("clinic-hub"), "appointment", "create", "--db", db,
                          "--waiting-area", "1", "--json"], capture_output=True, text=True,
                         check=True, timeout=60)
    return str(json.loads(out.stdout)["code"])


async def run(seconds: float) -> dict[str, Any]:
    import tempfile
    folder = tempfile.mkdtemp(prefix="bench-attack-")
    db = f"{folder}/hub.sqlite3"
    hub = spawn([tool("clinic-hub"), "serve", "--demo", "--json", "--host", "127.0.0.1",
                 "--port", "0", "--db", db], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        assert hub.stdout is not None
        info = json.loads(hub.stdout.readline())
        url = info["url"]
        control = Control(url, info["specialist_username"], info["specialist_password"],
                          info["appointment_code"])
        await control.start()
        await control.measure(1.0)  # warm up
        results: dict[str, Any] = {}
        before = rss_bytes(hub.pid)
        rtts = await control.measure(seconds)
        results["none (reference)"] = {"p50_ms": percentile(rtts, 50),
                                       "p99_ms": percentile(rtts, 99),
                                       "rss_mb": [before / MB] * 3}
        for name, attack in ATTACKS.items():
            code = _new_code(db)
            before, peak = rss_bytes(hub.pid), 0
            task = asyncio.create_task(asyncio.wait_for(attack(url, code, seconds), seconds + 60))
            rtts = await control.measure(seconds)
            try:
                outcome = await task
            except Exception as exc:  # an attack that fails is reported, not fatal
                outcome = {"failed": type(exc).__name__}
            peak = max(peak, rss_bytes(hub.pid))
            await asyncio.sleep(1.0)
            after = rss_bytes(hub.pid)
            results[name] = {"p50_ms": percentile(rtts, 50), "p99_ms": percentile(rtts, 99),
                             "rss_mb": [before / MB, max(peak, before) / MB, after / MB],
                             "outcome": outcome, "hub_alive": hub.poll() is None}
        await control.close()
        return results
    finally:
        stop_all([hub])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.attack", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = asyncio.run(run(args.seconds))
    if args.json:
        print(json.dumps(results, indent=1))
        return 0
    print(f"bench.attack: control latency while each attack runs ({load_note()})\n")
    print(f"{'attack':<18}{'p50 ms':>9}{'p99 ms':>9}{'RSS MB before/peak/after':>28}  outcome")
    for name, r in results.items():
        rss = "/".join(f"{x:.0f}" for x in r["rss_mb"])
        print(f"{name:<18}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}{rss:>28}  "
              f"{json.dumps(r.get('outcome', ''))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
