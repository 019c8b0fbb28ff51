"""What we keep of a visitor's network identity: as little as proof requires."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.http import HttpRequest

USER_AGENT_MAX = 400


def truncated_ip(raw: str | None) -> str:
    """IPv4 without its last octet (a.b.c.0), IPv6 cut to its /48 prefix; '' if unparsable."""
    try:
        address = ipaddress.ip_address((raw or "").strip())
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        # A dual-stack listener reports IPv4 clients as ::ffff:a.b.c.d; /48 would leave "::".
        address = address.ipv4_mapped
    prefix = 24 if address.version == 4 else 48
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def is_loopback_host(host: str | None) -> bool:
    """True for "localhost" and loopback addresses (127.0.0.0/8, ::1): traffic that never
    leaves the machine. Names are not resolved (a name's answer can change)."""
    host = (host or "").strip().strip("[]").rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(raw: str) -> Address | None:
    """An address as a hop or peer may write it ("203.0.113.5", "[2001:db8::1]:443",
    "203.0.113.5:4711"); IPv4-mapped IPv6 as IPv4; None if it is none."""
    text = raw.strip()
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def forwarded_client(remote_addr: str, forwarded_for: str, proxies: Iterable[Network]) -> str:
    """The client's address: REMOTE_ADDR, unless that peer is one of our `proxies`.

    Then X-Forwarded-For is walked from the right (each proxy appends the address it got the
    request from): entries that are themselves trusted proxies are skipped, and the first
    that is not is the client. Whatever lies left of it was written by the client and could be
    anything. Should the walk meet a malformed entry, or run out, the last trusted hop counts.
    """
    networks = tuple(proxies)

    def trusted(address: Address | None) -> bool:
        return address is not None and any(address in network for network in networks)

    if not networks or not trusted(_address(remote_addr)):
        return remote_addr
    client = remote_addr
    for hop in reversed(forwarded_for.split(",")):
        address = _address(hop)
        if address is None:
            if hop.strip():
                break
            continue
        client = str(address)
        if not trusted(address):
            break
    return client


def client_network(request: HttpRequest) -> str:
    """The client's network, not its address: REMOTE_ADDR truncated as truncated_ip does
    ("203.0.113.0"); what rate limits count and the consent ledger keeps."""
    return truncated_ip(request.META.get("REMOTE_ADDR"))


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX]
