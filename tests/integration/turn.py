"""A real coturn for tests, on 127.0.0.1 with random free ports.

:func:`start_coturn` runs Debian's ``turnserver`` with TURN REST credentials
(``use-auth-secret``), a self-signed certificate for its TLS listener (made here with
``cryptography``; its file doubles as the CA the test trusts), relaying allowed to loopback peers,
no CLI, and a log in the test's temporary folder. It returns once both listeners accept
connections (a probe, never a sleep) and :meth:`Coturn.stop` ends the process.

Trusting the test certificate: aioice opens ``turns:`` connections with ``ssl=True``, which is
Python's default context (the system trust store, which OpenSSL reads from ``SSL_CERT_FILE`` when
that variable is set). Tests that need TLS set ``SSL_CERT_FILE`` to :attr:`Coturn.ca_file` for
their own process only; the production code never disables verification.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from kiosk.hub.turn import turn_credential

TURNSERVER = shutil.which("turnserver") or "/usr/bin/turnserver"
SECRET = b"test-turn-secret-not-for-production"
REALM = "kiosk.test"
_START_TIMEOUT = 10.0


def make_self_signed(folder: Path, *, host: str = "127.0.0.1") -> tuple[Path, Path]:
    """A self-signed certificate for ``host`` (an IP SAN) and its key: ``(cert, key)`` paths."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, host)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address(host))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def free_port() -> int:
    """A port free for both TCP and UDP on 127.0.0.1 (and its neighbour, coturn's alt port)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
            tcp.bind(("127.0.0.1", 0))
            port = int(tcp.getsockname()[1])
        if port >= 65534:
            continue
        try:
            for p in (port, port + 1):
                for kind in (socket.SOCK_DGRAM, socket.SOCK_STREAM):
                    with socket.socket(socket.AF_INET, kind) as s:
                        s.bind(("127.0.0.1", p))
        except OSError:
            continue
        return port
    raise RuntimeError("no free port pair found")


@dataclass
class Coturn:
    """A running coturn and how to reach it."""

    process: subprocess.Popen[bytes]
    port: int  # UDP and TCP
    tls_port: int
    ca_file: Path
    log_file: Path
    secret: bytes = SECRET

    def credentials(self, *, ttl: float = 600.0, user: str = "test") -> tuple[str, str]:
        """TURN REST ``(username, credential)``; a negative ``ttl`` gives expired ones."""
        username = f"{int(time.time() + ttl)}:{user}"
        return username, turn_credential(self.secret, username)

    @property
    def urls(self) -> dict[str, str]:
        return {
            "stun": f"stun:127.0.0.1:{self.port}",
            "turn_udp": f"turn:127.0.0.1:{self.port}?transport=udp",
            "turn_tcp": f"turn:127.0.0.1:{self.port}?transport=tcp",
            "turn_tls": f"turns:127.0.0.1:{self.tls_port}?transport=tcp",
        }

    def ice_servers(self, *, ttl: float = 600.0, secret: bytes | None = None,
                    kinds: tuple[str, ...] = ("stun", "turn_udp", "turn_tcp", "turn_tls"),
                    ) -> list[dict[str, object]]:
        """An ``ice_servers`` list as the hub sends it, for the chosen URL kinds."""
        username, credential = self.credentials(ttl=ttl)
        if secret is not None:
            credential = turn_credential(secret, username)
        urls = self.urls
        servers: list[dict[str, object]] = []
        stun = [urls[k] for k in kinds if k == "stun"]
        turn = [urls[k] for k in kinds if k != "stun"]
        if stun:
            servers.append({"urls": stun})
        if turn:
            servers.append({"urls": turn, "username": username, "credential": credential})
        return servers

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        if self.process.stderr is not None:
            self.process.stderr.close()


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def start_coturn(folder: Path) -> Coturn:
    """Start coturn in ``folder``; wait until its TCP and TLS listeners accept connections."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = make_self_signed(folder)
    port, tls_port = free_port(), free_port()
    while tls_port in (port, port + 1) or port in (tls_port, tls_port + 1):
        tls_port = free_port()
    log_file = folder / "turnserver.log"
    args = [
        TURNSERVER, "-n", "--no-cli", "--no-stdout-log", "--simple-log",
        f"--log-file={log_file}", f"--pidfile={folder / 'turnserver.pid'}",
        f"--userdb={folder / 'turndb.sqlite'}",
        "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1", "--allow-loopback-peers",
        f"--listening-port={port}", f"--alt-listening-port={port + 1}",
        f"--tls-listening-port={tls_port}", f"--alt-tls-listening-port={tls_port + 1}",
        f"--cert={cert}", f"--pkey={key}", "--no-dtls",
        "--use-auth-secret", f"--static-auth-secret={SECRET.decode()}", f"--realm={REALM}",
        "--fingerprint", "--min-port=40000", "--max-port=40999",
    ]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    turn = Coturn(proc, port, tls_port, cert, log_file)
    deadline = time.monotonic() + _START_TIMEOUT
    while not (_accepts(port) and _accepts(tls_port)):
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            turn.stop()
            raise RuntimeError(f"turnserver exited with {proc.returncode}: {err[-2000:]}")
        if time.monotonic() > deadline:
            turn.stop()
            raise RuntimeError(f"turnserver did not listen within {_START_TIMEOUT} s")
        # Between probes, wait on the process (an early exit is reported at once).
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=0.05)
    return turn
