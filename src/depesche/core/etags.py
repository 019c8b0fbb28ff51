"""Entity tags: made once, compared as RFC 9110 says (through Django's parser).

If-None-Match may carry a list (`"a", "b"`), weak tags (`W/"a"`, which proxies and CDNs
produce when they compress a body) or `*`; the comparison for GET/HEAD is the weak one
(RFC 9110, 13.1.2), so `W/"a"` matches our `"a"`."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest
from django.utils.http import parse_etags, quote_etag


def etag_of(content: bytes) -> str:
    """A strong, quoted ETag for a body: a shortened SHA-256 of its bytes."""
    return str(quote_etag(hashlib.sha256(content).hexdigest()[:32]))


def _opaque(etag: str) -> str:
    return etag.removeprefix("W/")


def if_none_match(request: HttpRequest, etag: str) -> bool:
    """Whether the request's If-None-Match names `etag` (or is `*`): the client's copy is
    current, answer 304. False without the header or when nothing in it parses."""
    wanted = parse_etags(request.META.get("HTTP_IF_NONE_MATCH", ""))
    if wanted == ["*"]:
        return True
    return _opaque(etag) in {_opaque(tag) for tag in wanted}
