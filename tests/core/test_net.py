import pytest
from django.test import RequestFactory

from depesche.config.env import parse_networks
from depesche.core.net import (
    USER_AGENT_MAX,
    client_network,
    forwarded_client,
    truncated_ip,
    user_agent,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("203.0.113.77", "203.0.113.0"),
        ("10.1.2.255", "10.1.2.0"),
        (" 198.51.100.9\n", "198.51.100.0"),
        ("2001:db8:abcd:12:1::7", "2001:db8:abcd::"),
        ("2001:0db8:00ab:ffff:ffff:ffff:ffff:ffff", "2001:db8:ab::"),
        ("::1", "::"),
        ("fe80::1%eth0", "fe80::"),
        # Dual-stack listeners report IPv4 clients this way; they are still IPv4 /24.
        ("::ffff:203.0.113.77", "203.0.113.0"),
    ],
)
def test_truncated_ip(raw, expected):
    assert truncated_ip(raw) == expected


@pytest.mark.parametrize(
    "raw", [None, "", "   ", "unknown", "203.0.113", "203.0.113.77:443", "1.2.3.4, 5.6.7.8"]
)
def test_unparsable_ip_is_empty(raw):
    assert truncated_ip(raw) == ""


def test_truncated_ip_never_keeps_the_host_part():
    for last in range(256):
        assert truncated_ip(f"192.0.2.{last}") == "192.0.2.0"


def test_client_network_truncates_remote_addr_and_ignores_forwarded_for():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.77", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert client_network(request) == "203.0.113.0"


def test_client_network_without_remote_addr():
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_network(request) == ""


def test_user_agent_is_cut_to_its_column():
    request = RequestFactory().get("/", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 1000)
    agent = user_agent(request)
    assert len(agent) == USER_AGENT_MAX == 400
    assert agent.startswith("Mozilla/5.0 x")


def test_user_agent_missing_is_empty():
    assert user_agent(RequestFactory().get("/")) == ""


# --- the client behind trusted proxies ---------------------------------------------------------

PROXY_NETS = parse_networks("DEPESCHE_TRUSTED_PROXIES", "127.0.0.1,10.0.0.0/8,2001:db8:1::/48")


@pytest.mark.parametrize(
    ("peer", "header", "expected"),
    [
        # Peer trusted: the entry our proxy appended counts.
        ("10.0.0.2", "203.0.113.5", "203.0.113.5"),
        ("127.0.0.1", "203.0.113.5", "203.0.113.5"),
        # Spoofed entries left of it are what the client claimed: ignored.
        ("10.0.0.2", "1.1.1.1, 6.6.6.6, 203.0.113.5", "203.0.113.5"),
        # A chain of trusted proxies is skipped from the right.
        ("10.0.0.2", "127.0.0.1, 203.0.113.5, 10.9.9.9, 10.0.0.3", "203.0.113.5"),
        # A client claiming to be a trusted proxy is still only as far left as the walk goes.
        ("10.0.0.2", "10.0.0.8, 203.0.113.5", "203.0.113.5"),
        # Forms proxies write: ports, IPv6 in brackets, IPv4-mapped peers.
        ("10.0.0.2", "203.0.113.5:4711", "203.0.113.5"),
        ("10.0.0.2", "[2001:db8:2::7]:443", "2001:db8:2::7"),
        ("::ffff:10.0.0.2", "203.0.113.5", "203.0.113.5"),
        ("2001:db8:1::1", "2001:db8:2::7", "2001:db8:2::7"),
        # Peer untrusted: the header is ignored entirely.
        ("192.0.2.44", "203.0.113.5", "192.0.2.44"),
        ("203.0.113.5", "10.0.0.2", "203.0.113.5"),
        # Nothing usable forwarded: the last trusted hop counts.
        ("10.0.0.2", "", "10.0.0.2"),
        ("10.0.0.2", "unknown", "10.0.0.2"),
        ("10.0.0.2", "unknown, 10.0.0.3", "10.0.0.3"),
    ],
)
def test_forwarded_client_walks_from_the_right_past_trusted_proxies(peer, header, expected):
    assert forwarded_client(peer, header, PROXY_NETS) == expected


def test_without_proxies_the_peer_counts():
    assert forwarded_client("10.0.0.2", "203.0.113.5", ()) == "10.0.0.2"
