"""What we keep of a visitor's network identity: as little as proof requires."""

from __future__ import annotations

import ipaddress

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


def client_ip(request: HttpRequest) -> str:
    return truncated_ip(request.META.get("REMOTE_ADDR"))


def user_agent(request: HttpRequest) -> str:
    return str(request.META.get("HTTP_USER_AGENT", ""))[:USER_AGENT_MAX]
