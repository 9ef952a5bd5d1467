"""A small userspace delayer: delay and jitter for the fault suite, where the kernel has no netem.

    ip netns exec NS python -m tests.faults.delayer --queue 7 --delay-ms 80 --jitter-ms 40

``iptables ... -j NFQUEUE --queue-num 7`` hands each packet to this process (nfnetlink_queue,
spoken here over a plain netlink socket: no library needed); it gives the kernel its verdict
(accept) after ``delay ± jitter`` milliseconds, drawn per packet from a seeded generator, so
packets arrive late and, with jitter, out of order, as on a congested mobile or rural link. With
``--queue-bypass`` on the rule, packets pass untouched if this process is not running.

It prints ``ready`` once bound, and on SIGTERM prints one JSON line of counts and exits.
Root only, inside the namespace whose packets it delays (netlink sockets belong to a namespace).
"""

from __future__ import annotations

import argparse
import heapq
import json
import random
import select
import signal
import socket
import struct
import sys
import time

NETLINK_NETFILTER = 12
NFNL_SUBSYS_QUEUE = 3
NFQNL_MSG_PACKET = 0
NFQNL_MSG_VERDICT = 1
NFQNL_MSG_CONFIG = 2
NFQA_CFG_CMD = 1
NFQA_CFG_PARAMS = 2
NFQNL_CFG_CMD_BIND = 1
NFQNL_COPY_META = 1
NFQA_PACKET_HDR = 1
NFQA_VERDICT_HDR = 2
NF_ACCEPT = 1
NLM_F_REQUEST = 1
NLMSG_ERROR = 2


def _attr(kind: int, payload: bytes) -> bytes:
    raw = struct.pack("=HH", 4 + len(payload), kind) + payload
    return raw + b"\0" * (-len(raw) % 4)


def _message(msg: int, queue: int, attrs: bytes, seq: int) -> bytes:
    body = struct.pack("=BBH", socket.AF_UNSPEC, 0, socket.htons(queue)) + attrs
    return struct.pack("=IHHII", 16 + len(body), (NFNL_SUBSYS_QUEUE << 8) | msg,
                       NLM_F_REQUEST, seq, 0) + body


def _packet_ids(data: bytes) -> list[int]:
    """The packet ids in a batch of netlink messages from the queue."""
    ids = []
    offset = 0
    while offset + 16 <= len(data):
        length, kind, _flags, _seq, _pid = struct.unpack_from("=IHHII", data, offset)
        if length < 16:
            break
        if kind == (NFNL_SUBSYS_QUEUE << 8) | NFQNL_MSG_PACKET:
            at, end = offset + 20, offset + length  # past nlmsghdr and nfgenmsg
            while at + 4 <= end:
                alen, atype = struct.unpack_from("=HH", data, at)
                if alen < 4:
                    break
                if atype & 0x7FFF == NFQA_PACKET_HDR:
                    ids.append(struct.unpack_from("!I", data, at + 4)[0])
                at += (alen + 3) & ~3
        offset += (length + 3) & ~3
    return ids


class Delayer:
    """Bound to one NFQUEUE; accepts each packet after its delay."""

    def __init__(self, queue: int, delay_ms: float, jitter_ms: float, seed: int) -> None:
        self.queue = queue
        self.delay = delay_ms / 1000.0
        self.jitter = jitter_ms / 1000.0
        self.rng = random.Random(seed)
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_NETFILTER)
        self.sock.bind((0, 0))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.seq = 0
        self.due: list[tuple[float, int]] = []
        self.packets = 0
        self.max_delay = 0.0

    def _send(self, msg: int, attrs: bytes) -> None:
        self.seq += 1
        self.sock.send(_message(msg, self.queue, attrs, self.seq))

    def bind(self) -> None:
        cmd = struct.pack("=BBH", NFQNL_CFG_CMD_BIND, 0, socket.htons(socket.AF_INET))
        self._send(NFQNL_MSG_CONFIG, _attr(NFQA_CFG_CMD, cmd))
        params = struct.pack("!IB", 0, NFQNL_COPY_META) + b"\0\0\0"
        self._send(NFQNL_MSG_CONFIG, _attr(NFQA_CFG_PARAMS, params))

    def run(self, stop: list[bool]) -> None:
        while not stop[0]:
            now = time.monotonic()
            while self.due and self.due[0][0] <= now:
                _, packet = heapq.heappop(self.due)
                self._send(NFQNL_MSG_VERDICT,
                           _attr(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, packet)))
            wait = max(0.0, self.due[0][0] - now) if self.due else 0.05
            readable, _, _ = select.select([self.sock], [], [], min(wait, 0.05))
            if not readable:
                continue
            data = self.sock.recv(1 << 16)
            for packet in _packet_ids(data):
                hold = max(0.0, self.delay + self.rng.uniform(-self.jitter, self.jitter))
                self.max_delay = max(self.max_delay, hold)
                heapq.heappush(self.due, (time.monotonic() + hold, packet))
                self.packets += 1
        for _, packet in self.due:  # let nothing hang in the queue
            self._send(NFQNL_MSG_VERDICT,
                       _attr(NFQA_VERDICT_HDR, struct.pack("!II", NF_ACCEPT, packet)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.faults.delayer")
    parser.add_argument("--queue", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=80.0)
    parser.add_argument("--jitter-ms", type=float, default=0.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    delayer = Delayer(args.queue, args.delay_ms, args.jitter_ms, args.seed)
    delayer.bind()
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *_: stop.__setitem__(0, True))
    print("ready", flush=True)
    delayer.run(stop)
    print(json.dumps({"packets": delayer.packets, "max_delay_ms": round(delayer.max_delay * 1e3)}),
          flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
