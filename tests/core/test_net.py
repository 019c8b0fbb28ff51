import pytest
from django.test import RequestFactory

from depesche.core.net import USER_AGENT_MAX, client_ip, truncated_ip, user_agent


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


def test_client_ip_truncates_remote_addr_and_ignores_forwarded_for():
    request = RequestFactory().get(
        "/", REMOTE_ADDR="203.0.113.77", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert client_ip(request) == "203.0.113.0"


def test_client_ip_without_remote_addr():
    request = RequestFactory().get("/")
    del request.META["REMOTE_ADDR"]
    assert client_ip(request) == ""


def test_user_agent_is_cut_to_its_column():
    request = RequestFactory().get("/", HTTP_USER_AGENT="Mozilla/5.0 " + "x" * 1000)
    agent = user_agent(request)
    assert len(agent) == USER_AGENT_MAX == 400
    assert agent.startswith("Mozilla/5.0 x")


def test_user_agent_missing_is_empty():
    assert user_agent(RequestFactory().get("/")) == ""
