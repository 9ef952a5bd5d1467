"""A network path we control on 127.0.0.1: cut it, restore it, or make it lose packets.

Used by tests/integration/test_call_recovery.py and ``python -m bench.recovery`` to make the
faults of issue 13 in-process, without root, namespaces or ``iptables``:

- :class:`UdpPath` stands between two aiortc peers like a NAT with port forwarding. Each peer's
  own host candidates are replaced in its SDP (:func:`route_sdp`) by a *front* port on 127.0.0.1
  that forwards to it; traffic from each far address leaves through a *back* socket of its own, so
  the far peer sees the relay's address (a peer-reflexive candidate) and every ICE pair runs
  through the relay. Nothing else can carry media: the SDP holds no other candidate.
- :class:`TcpPath` forwards TCP connections (the WebSocket to the hub) from a port on 127.0.0.1.
- A cut (:meth:`NetPath.cut`) drops every UDP datagram and stalls every TCP byte (as an
  ``iptables`` DROP does: TCP connections stay open and carry on afterwards if their ends did not
  give up). A connection opened during a cut goes through only at the first moment after the cut
  when Linux would retransmit its SYN (1, 3, 7, 15, 31, 63 s after the first), as under DROP.
- :attr:`UdpPath.loss` drops each datagram with that probability, each way, from a seeded
  :class:`random.Random` (the same seed gives the same pattern of drops for the same traffic).

:class:`CutSignalling` is a :class:`~kiosk.call.signalling.HubSignalling` that routes its own
SDP (``offer``/``answer``) through a :class:`UdpPath`; trickled candidates are not sent.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
from collections.abc import Mapping
from typing import Any

from kiosk.call.signalling import HubSignalling

_CANDIDATE = re.compile(
    r"^a=candidate:(?P<foundation>\S+) (?P<component>\d+) (?P<transport>\S+) (?P<priority>\d+) "
    r"(?P<ip>\S+) (?P<port>\d+) typ (?P<type>\S+)(?P<rest>.*)$")

Address = tuple[str, int]
#: Seconds after a connect() at which Linux sends its SYN again (initial RTO 1 s, doubling).
SYN_RETRIES = (1.0, 3.0, 7.0, 15.0, 31.0, 63.0)


class NetPath:
    """A switch shared by a UDP and a TCP path: passable, or cut."""

    def __init__(self) -> None:
        self._open = asyncio.Event()
        self._open.set()
        #: (loop time of the cut, loop time of the restore) for each cut so far.
        self.cuts: list[tuple[float, float | None]] = []

    @property
    def passable(self) -> bool:
        return self._open.is_set()

    def cut(self) -> None:
        if self._open.is_set():
            self._open.clear()
            self.cuts.append((asyncio.get_running_loop().time(), None))

    def restore(self) -> float:
        """Let traffic pass again; returns the loop time of the restore."""
        now = asyncio.get_running_loop().time()
        if not self._open.is_set():
            self._open.set()
            self.cuts[-1] = (self.cuts[-1][0], now)
        return now

    async def wait_passable(self) -> None:
        await self._open.wait()


class _Datagrams(asyncio.DatagramProtocol):
    def __init__(self, on_datagram: Any) -> None:
        self.on_datagram = on_datagram
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # a datagram transport

    def datagram_received(self, data: bytes, addr: Address) -> None:
        self.on_datagram(data, addr)

    def error_received(self, exc: Exception) -> None:
        pass  # e.g. ICMP port unreachable after a peer closed: like a lost packet


class UdpPath:
    """UDP forwarding with a cut switch and random loss (see the module docstring)."""

    def __init__(self, switch: NetPath | None = None, *, loss: float = 0.0, seed: int = 1) -> None:
        self.switch = switch or NetPath()
        self.loss = loss
        self.random = random.Random(seed)
        self.passed = 0
        self.dropped = 0
        self._fronts: dict[Address, Address] = {}  # target -> front address
        self._transports: list[asyncio.DatagramTransport] = []
        self._backs: dict[tuple[Address, Address], asyncio.DatagramTransport | None] = {}
        self._making: set[asyncio.Task[None]] = set()
        self._lock = asyncio.Lock()

    def _passes(self) -> bool:
        if not self.switch.passable or (self.loss > 0 and self.random.random() < self.loss):
            self.dropped += 1
            return False
        self.passed += 1
        return True

    async def _endpoint(self, on_datagram: Any) -> tuple[asyncio.DatagramTransport, Address]:
        loop = asyncio.get_running_loop()
        transport, _ = await loop.create_datagram_endpoint(
            lambda: _Datagrams(on_datagram), local_addr=("127.0.0.1", 0))
        self._transports.append(transport)
        host, port = transport.get_extra_info("sockname")[:2]
        return transport, (str(host), int(port))

    async def front(self, target: Address) -> Address:
        """The address on 127.0.0.1 that forwards to ``target`` (made once per target)."""
        async with self._lock:
            if target in self._fronts:
                return self._fronts[target]
            holder: list[asyncio.DatagramTransport] = []

            def from_far(data: bytes, source: Address) -> None:
                if (target, source) not in self._backs:
                    self._spawn_back(target, source, holder[0], data)
                    return
                back = self._backs[(target, source)]
                if back is not None and self._passes():
                    back.sendto(data, target)

            transport, address = await self._endpoint(from_far)
            holder.append(transport)
            self._fronts[target] = address
            return address

    def _spawn_back(self, target: Address, source: Address,
                    front: asyncio.DatagramTransport, first: bytes) -> None:
        """A back socket for one far address: what ``target`` sends to it goes to ``source``."""
        loop = asyncio.get_running_loop()

        def from_target(data: bytes, _addr: Address) -> None:
            if self._passes():
                front.sendto(data, source)

        async def make() -> None:
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Datagrams(from_target), local_addr=("127.0.0.1", 0))
            self._transports.append(transport)
            self._backs[(target, source)] = transport
            if self._passes():
                transport.sendto(first, target)

        self._backs[(target, source)] = None  # being made; datagrams meanwhile are lost
        task = loop.create_task(make())
        self._making.add(task)
        task.add_done_callback(self._making.discard)

    async def route_sdp(self, sdp: str) -> str:
        """``sdp`` with every UDP host candidate replaced by its front on 127.0.0.1 and every
        other candidate removed, so the far end can reach this end only through the path."""
        out: list[str] = []
        for line in sdp.split("\r\n"):
            match = _CANDIDATE.match(line)
            if match is None:
                out.append(line)
                continue
            if match["transport"].lower() != "udp" or match["type"] != "host" \
                    or ":" in match["ip"] or match["ip"].endswith(".local"):
                continue  # the path is IPv4 on 127.0.0.1: no TCP, IPv6 or mDNS candidates
            host, port = await self.front((match["ip"], int(match["port"])))
            out.append(f"a=candidate:{match['foundation']} {match['component']} "
                       f"{match['transport']} {match['priority']} {host} {port} typ host"
                       f"{match['rest']}")
        return "\r\n".join(out)

    def close(self) -> None:
        for transport in self._transports:
            transport.close()
        self._transports.clear()


class TcpPath:
    """TCP forwarding from a port on 127.0.0.1 to ``upstream``, with the shared cut switch."""

    def __init__(self, upstream: Address, switch: NetPath | None = None) -> None:
        self.switch = switch or NetPath()
        self.upstream = upstream
        self.address: Address | None = None
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()

    async def start(self) -> Address:
        self._server = await asyncio.start_server(self._accepted, "127.0.0.1", 0)
        host, port = self._server.sockets[0].getsockname()[:2]
        self.address = (str(host), int(port))
        return self.address

    def url_for(self, url: str) -> str:
        """``url`` (``http://host:port/...``) pointed at this path instead."""
        assert self.address is not None
        return re.sub(r"^(\w+://)[^/]+", rf"\g<1>{self.address[0]}:{self.address[1]}", url)

    async def _accepted(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._writers.add(writer)
        loop = asyncio.get_running_loop()
        opened = loop.time()
        try:
            if not self.switch.passable:  # the SYN is dropped, then retransmitted
                await self.switch.wait_passable()
                back = loop.time() - opened
                await asyncio.sleep(min((t for t in SYN_RETRIES if t >= back), default=back)
                                    - back)
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except (OSError, asyncio.CancelledError):
            writer.close()
            self._writers.discard(writer)
            return
        self._writers.add(up_writer)
        for src, dst in ((reader, up_writer), (up_reader, writer)):
            task = asyncio.create_task(self._pump(src, dst))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _pump(self, src: asyncio.StreamReader, dst: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError, asyncio.CancelledError):
            while True:
                await self.switch.wait_passable()
                data = await src.read(65536)
                await self.switch.wait_passable()  # bytes read just before a cut are held
                if not data:
                    break
                dst.write(data)
                await dst.drain()
        with contextlib.suppress(OSError):
            dst.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for writer in list(self._writers):
            with contextlib.suppress(OSError):
                writer.close()
        if self._server is not None:
            with contextlib.suppress(OSError):
                await self._server.wait_closed()


class CutSignalling(HubSignalling):
    """Hub signalling whose own SDP routes media through ``path`` (no trickled candidates).

    With ``route_answers`` the answers it receives are routed too: for a far end that does not
    use this class (a browser), so that both directions go through the path.
    """

    def __init__(self, *args: Any, path: UdpPath, route_answers: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.path = path
        self.route_answers = route_answers

    async def receive(self) -> dict[str, Any] | None:
        msg = await super().receive()
        if self.route_answers and msg is not None and msg["type"] == "answer":
            msg = {**msg, "sdp": await self.path.route_sdp(str(msg["sdp"]))}
        return msg

    async def send(self, msg: Mapping[str, Any]) -> bool:
        if msg.get("type") in ("offer", "answer") and isinstance(msg.get("sdp"), str):
            msg = {**msg, "sdp": await self.path.route_sdp(msg["sdp"])}
        elif msg.get("type") == "candidate":
            return True
        return await super().send(msg)
