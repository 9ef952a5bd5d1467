"""A private network of namespaces for fault tests: a hub, a kiosk and a specialist, each in
its own network namespace, joined by a bridge; faults are ``iptables`` rules in the kiosk's.

    hub namespace (ck<id>h):  br0 10.77.<n>.1/24 — the hub (and coturn) listen here
    kiosk namespace (ck<id>k): eth0 10.77.<n>.2/24
    specialist namespace (ck<id>s): eth0 10.77.<n>.3/24

Nothing here is reachable from the machine's own network or any other: the namespaces have no
route out, so the hub's non-loopback address is as private as 127.0.0.1 (the project's rule that
servers bind only to loopback is about exposure; this network has none).

Faults (all in the kiosk's namespace, each way, like a cable pulled at the clinic):

- ``media``: every UDP datagram dropped (the call's media; the WebSocket to the hub goes on);
- ``whole``: every packet dropped, TCP included (``iptables`` DROP: TCP connections stall and
  carry on afterwards if their ends did not give up, exactly as when a clinic's uplink fails);
- ``loss``: each UDP datagram dropped with a probability (``statistic --mode random``);
- ``udp_blocked``: like ``media`` but for the whole test (a clinic firewall that blocks UDP).
- :meth:`FaultNet.delay`: every UDP datagram in and out held for a delay with jitter by a small
  userspace delayer (tests/faults/delayer.py, through ``NFQUEUE``: this kernel has no netem).

Root only (namespaces, veth, iptables): :func:`unavailable` says why not, for ``pytest.skip``.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_IDS = itertools.count(1)
DELAY_QUEUE = 7


def unavailable() -> str | None:
    """Why the fault suite cannot run here, or None if it can."""
    if os.geteuid() != 0:
        return "the fault suite needs root (network namespaces, veth pairs and iptables)"
    for tool in ("ip", "iptables"):
        if shutil.which(tool) is None:
            return f"the fault suite needs {tool!r} (Debian packages iproute2, iptables)"
    probe = f"ckprobe{os.getpid()}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True,
                          check=False)
    if made.returncode != 0:
        return f"cannot create a network namespace here: {made.stderr.strip()}"
    try:
        rule = subprocess.run(["ip", "netns", "exec", probe, "iptables", "-A", "OUTPUT", "-p",
                               "udp", "-j", "DROP"], capture_output=True, text=True, check=False)
        if rule.returncode != 0:
            return f"iptables does not work in a network namespace here: {rule.stderr.strip()}"
    finally:
        subprocess.run(["ip", "netns", "del", probe], capture_output=True, check=False)
    return None


def _run(*args: str) -> None:
    subprocess.run(list(args), check=True, capture_output=True, text=True)


@dataclass
class FaultNet:
    """Three namespaces on a bridge; see the module docstring."""

    index: int = field(default_factory=lambda: next(_IDS))
    rules: list[list[str]] = field(default_factory=list)
    delayer: subprocess.Popen[str] | None = None

    def __post_init__(self) -> None:
        tag = f"ck{os.getpid() % 100000}x{self.index}"
        self.hub_ns, self.kiosk_ns, self.spec_ns = f"{tag}h", f"{tag}k", f"{tag}s"
        subnet = 100 + (os.getpid() + self.index) % 150
        self.hub_ip = f"10.77.{subnet}.1"
        self.kiosk_ip = f"10.77.{subnet}.2"
        self.spec_ip = f"10.77.{subnet}.3"
        self._prefix = f"10.77.{subnet}"

    def up(self) -> FaultNet:
        h, k, s = self.hub_ns, self.kiosk_ns, self.spec_ns
        for ns in (h, k, s):
            _run("ip", "netns", "add", ns)
            _run("ip", "-n", ns, "link", "set", "lo", "up")
        _run("ip", "-n", h, "link", "add", "br0", "type", "bridge")
        _run("ip", "-n", h, "addr", "add", f"{self.hub_ip}/24", "dev", "br0")
        _run("ip", "-n", h, "link", "set", "br0", "up")
        for ns, ip, port in ((k, self.kiosk_ip, "pk"), (s, self.spec_ip, "ps")):
            _run("ip", "-n", h, "link", "add", port, "type", "veth", "peer", "name", "eth0",
                 "netns", ns)
            _run("ip", "-n", h, "link", "set", port, "master", "br0")
            _run("ip", "-n", h, "link", "set", port, "up")
            _run("ip", "-n", ns, "addr", "add", f"{ip}/24", "dev", "eth0")
            _run("ip", "-n", ns, "link", "set", "eth0", "up")
        return self

    def down(self) -> None:
        if self.delayer is not None:
            self.delayer.kill()
            self.delayer.wait()
        for ns in (self.hub_ns, self.kiosk_ns, self.spec_ns):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, check=False)

    def __enter__(self) -> FaultNet:
        return self.up()

    def __exit__(self, *exc: object) -> None:
        self.down()

    # --- running things inside ---

    def argv(self, ns: str, *command: str) -> list[str]:
        """``command`` run inside namespace ``ns``."""
        return ["ip", "netns", "exec", ns, *command]

    # --- faults (in the kiosk's namespace) ---

    def _iptables(self, *rule: str) -> None:
        _run(*self.argv(self.kiosk_ns, "iptables", *rule))

    def cut(self, kind: str, *, loss: float = 0.0) -> None:
        """Start a fault: ``media``, ``whole``, ``udp_blocked`` or ``loss`` (with ``loss``)."""
        match kind:
            case "media" | "udp_blocked":
                specs = [["-p", "udp", "-j", "DROP"]]
            case "whole":
                specs = [["-j", "DROP"]]
            case "loss":
                specs = [["-p", "udp", "-m", "statistic", "--mode", "random", "--probability",
                          f"{loss:.4f}", "-j", "DROP"]]
            case _:
                raise ValueError(f"unknown fault {kind!r}")
        for chain, spec in itertools.product(("INPUT", "OUTPUT"), specs):
            rule = [chain, "!", "-i" if chain == "INPUT" else "-o", "lo", *spec]
            self._iptables("-A", *rule)
            self.rules.append(rule)

    def delay(self, delay_ms: float, jitter_ms: float = 0.0, *, seed: int = 1) -> None:
        """Hold every UDP datagram in and out of the kiosk for ``delay_ms ± jitter_ms``."""
        root = Path(__file__).resolve().parents[2]
        self.delayer = subprocess.Popen(
            self.argv(self.kiosk_ns, sys.executable, "-m", "tests.faults.delayer",
                      "--queue", str(DELAY_QUEUE), "--delay-ms", str(delay_ms),
                      "--jitter-ms", str(jitter_ms), "--seed", str(seed)),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root,
            env={**os.environ, "PYTHONPATH": str(root)})
        assert self.delayer.stdout is not None
        ready = self.delayer.stdout.readline().strip()
        if ready != "ready":
            self.delayer.kill()
            raise RuntimeError(f"the delayer did not start: {self.delayer.communicate()[1]}")
        for chain in ("INPUT", "OUTPUT"):
            rule = [chain, "!", "-i" if chain == "INPUT" else "-o", "lo", "-p", "udp", "-j",
                    "NFQUEUE", "--queue-num", str(DELAY_QUEUE), "--queue-bypass"]
            self._iptables("-A", *rule)
            self.rules.append(rule)

    def restore(self) -> dict[str, float]:
        """End every fault at once; the delayer's counts if one ran."""
        while self.rules:
            self._iptables("-D", *self.rules.pop())
        counts: dict[str, float] = {}
        if self.delayer is not None:
            self.delayer.terminate()
            out, _ = self.delayer.communicate(timeout=10)
            lines = out.strip().splitlines()
            counts = json.loads(lines[-1]) if lines and lines[-1].startswith("{") else {}
            self.delayer = None
        return counts


@contextlib.contextmanager
def fault_net() -> Iterator[FaultNet]:
    net = FaultNet()
    net.up()
    try:
        yield net
    finally:
        net.down()
