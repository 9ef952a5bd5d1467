"""Which address a request comes from: forwarding headers are believed only from trusted
proxies, read from the right, and never yield a value the client wrote itself."""

from __future__ import annotations

import pytest

from kiosk.hub.clientaddr import ProxyConfigError, client_address, parse_networks
from kiosk.hub.config import ConfigError, config_from_mapping

PROXY = ("127.0.0.1", "10.0.0.0/8")


def test_without_trusted_proxies_the_peer_is_the_client() -> None:
    assert client_address("203.0.113.9", x_forwarded_for="198.51.100.1") == "203.0.113.9"
    assert client_address("203.0.113.9", forwarded="for=198.51.100.1") == "203.0.113.9"
    assert client_address(None) == "unknown"


def test_a_header_from_an_untrusted_peer_is_ignored() -> None:
    assert client_address("203.0.113.9", x_forwarded_for="198.51.100.1",
                          trusted=PROXY) == "203.0.113.9"


def test_a_trusted_proxy_names_the_client() -> None:
    assert client_address("127.0.0.1", x_forwarded_for="198.51.100.1",
                          trusted=PROXY) == "198.51.100.1"
    assert client_address("10.1.2.3", forwarded='for="198.51.100.1:4711";proto=https',
                          trusted=PROXY) == "198.51.100.1"
    assert client_address("10.1.2.3", forwarded='for="[2001:db8::7]:4711"',
                          trusted=PROXY) == "2001:db8::7"


def test_addresses_the_client_wrote_are_ignored() -> None:
    # The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended what it saw.
    assert client_address("127.0.0.1", x_forwarded_for="1.1.1.1, 198.51.100.1",
                          trusted=PROXY) == "198.51.100.1"
    # Two trusted proxies in a row: the rightmost untrusted hop is the client.
    assert client_address("127.0.0.1", x_forwarded_for="1.1.1.1, 198.51.100.1, 10.0.0.5",
                          trusted=PROXY) == "198.51.100.1"
    assert client_address("127.0.0.1", forwarded="for=1.1.1.1, for=198.51.100.1",
                          trusted=PROXY) == "198.51.100.1"


@pytest.mark.expect_log(r"cannot be read|not an IP address", logger="kiosk.hub.clientaddr")
def test_garbage_gives_the_proxy_never_the_clients_words() -> None:
    for xff in ("not-an-ip", "198.51.100.1, <script>", "unknown", ""):
        assert client_address("127.0.0.1", x_forwarded_for=xff, trusted=PROXY) == "127.0.0.1"
    for fwd in ("for=_hidden", "garbage", "by=10.0.0.1", 'for="[::1'):
        assert client_address("127.0.0.1", forwarded=fwd, trusted=PROXY) in {"127.0.0.1", "::1"}
    # Forwarded wins over X-Forwarded-For.
    assert client_address("127.0.0.1", forwarded="for=198.51.100.2",
                          x_forwarded_for="198.51.100.3", trusted=PROXY) == "198.51.100.2"


def test_ipv4_mapped_peers_and_networks() -> None:
    assert client_address("::ffff:127.0.0.1", x_forwarded_for="198.51.100.1",
                          trusted=PROXY) == "198.51.100.1"
    assert client_address("127.0.0.1", x_forwarded_for="::ffff:198.51.100.1",
                          trusted=PROXY) == "198.51.100.1"


def test_configuration_is_checked() -> None:
    with pytest.raises(ProxyConfigError):
        parse_networks(("10.0.0.0/33",))
    with pytest.raises(ConfigError, match="trusted_proxies"):
        config_from_mapping({"trusted_proxies": ["nginx.local"]})
    assert config_from_mapping({"trusted_proxies": ["127.0.0.1", "fd00::/8"]}) \
        .trusted_proxies == ("127.0.0.1", "fd00::/8")
