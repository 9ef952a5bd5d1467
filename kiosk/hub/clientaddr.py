"""The client's address, the one every rate limit, lockout and log line uses.

Rules that matter:

- By default the address is the TCP peer's. ``X-Forwarded-For`` and ``Forwarded`` are believed
  only when the peer is one of the configured ``trusted_proxies`` (addresses or CIDR networks):
  anyone else could write whatever they like there, and a spoofed header must not let one
  client pose as many (to dodge a limit) or as another (to lock them out).
- Behind trusted proxies the header is read from the right: each proxy appends the address it
  saw, so the rightmost address that is not itself a trusted proxy is the client. Everything to
  its left was written by the client and is ignored.
- ``Forwarded`` (RFC 7239) wins over ``X-Forwarded-For`` when both are present. A header that
  cannot be parsed, or an obfuscated/unknown ``for=``, gives the last trusted proxy's address:
  never a value the client chose. Such a header is logged (once a minute at most).
"""

from __future__ import annotations

import ipaddress
import logging
import time
from collections.abc import Iterable, Sequence
from functools import lru_cache

from aiohttp import web

log = logging.getLogger("kiosk.hub.clientaddr")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
_UNKNOWN = "unknown"
_MAX_HOPS = 32
_last_warning = [0.0]


class ProxyConfigError(ValueError):
    """A ``trusted_proxies`` entry is not an address or a network."""


@lru_cache(maxsize=16)
def parse_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """``("10.0.0.0/8", "127.0.0.1")`` as networks; raises :class:`ProxyConfigError`."""
    networks: list[Network] = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ProxyConfigError(
                f"trusted_proxies: {entry[:60]!r} is not an IP address or network") from None
    return tuple(networks)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(text: str, networks: Sequence[Network]) -> bool:
    address = _ip(text)
    return address is not None and any(address in net for net in networks)


def _forwarded_for(value: str) -> list[str] | None:
    """The ``for=`` values of an RFC 7239 ``Forwarded`` header, left to right, or None."""
    hops: list[str] = []
    for element in value.split(","):
        found = None
        for pair in element.split(";"):
            name, sep, raw = pair.strip().partition("=")
            if not sep:
                if pair.strip():
                    return None
                continue
            if name.strip().lower() == "for":
                found = _node_address(raw.strip())
        if found is None:
            return None
        hops.append(found)
    return hops


def _node_address(raw: str) -> str:
    """The address part of a ``for=`` node: ``"[2001:db8::1]:4711"`` → ``2001:db8::1``."""
    text = raw[1:-1] if len(raw) >= 2 and raw[0] == raw[-1] == '"' else raw
    if text.startswith("["):
        end = text.find("]")
        return text[1:end] if end > 0 else ""
    if text.count(":") == 1:  # IPv4 with a port
        return text.partition(":")[0]
    return text


def _x_forwarded_for(value: str) -> list[str]:
    return [_node_address(part.strip()) for part in value.split(",")]


def _warn(message: str) -> None:
    now = time.monotonic()
    if now - _last_warning[0] >= 60.0:
        _last_warning[0] = now
        log.warning(message)


def client_address(peer: str | None, *, forwarded: str | None = None,
                   x_forwarded_for: str | None = None, trusted: Iterable[str] = ()) -> str:
    """The client's address, from the peer and (only via trusted proxies) the headers.

    ``peer`` is the TCP peer (``request.remote``); ``forwarded`` and ``x_forwarded_for`` are
    the raw header values (``None`` when absent).
    """
    if not peer:
        return _UNKNOWN
    networks = parse_networks(tuple(trusted))
    if not networks or not _trusted(peer, networks):
        return peer
    if forwarded is not None:
        hops = _forwarded_for(forwarded)
        if hops is None:
            _warn("a trusted proxy sent a Forwarded header that cannot be read; "
                  "using the proxy's own address")
            return peer
    elif x_forwarded_for is not None:
        hops = _x_forwarded_for(x_forwarded_for)
    else:
        return peer
    address = peer
    for hop in reversed(hops[-_MAX_HOPS:]):
        if _ip(hop) is None:
            _warn("a trusted proxy forwarded a client address that is not an IP address; "
                  "using the proxy's own address")
            return address
        if not _trusted(hop, networks):
            return str(_ip(hop))
        address = hop
    return address


def request_address(request: web.Request, trusted: Iterable[str]) -> str:
    """:func:`client_address` for an aiohttp request."""
    def joined(name: str) -> str | None:
        values = request.headers.getall(name, [])
        return ", ".join(values) if values else None

    return client_address(request.remote, forwarded=joined("Forwarded"),
                          x_forwarded_for=joined("X-Forwarded-For"), trusted=trusted)
