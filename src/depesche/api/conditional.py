"""JSON responses with ETag and Last-Modified, answering conditional requests with 304."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from ninja import Schema

from depesche.core.etags import etag_of

CACHE_CONTROL = "public, max-age=60"


def conditional_json(
    request: HttpRequest, payload: Schema, *, last_modified: datetime | None
) -> HttpResponse:
    """`payload` as JSON, or 304 Not Modified when the client's copy is current.

    The ETag is a hash of the body itself, so any change a client could see (an article
    added, unpublished or edited, another page of results) changes it. Last-Modified is the
    newest publication or update in the result set; it cannot see an unpublished article,
    which is why If-None-Match, when sent, takes precedence (RFC 9110, 13.2.2). Django's
    get_conditional_response parses If-None-Match with parse_etags: lists, weak tags
    (`W/"…"`, weak comparison) and `*` all work.
    """
    body = payload.model_dump_json().encode()
    etag = etag_of(body)
    timestamp = int(last_modified.timestamp()) if last_modified is not None else None
    response = HttpResponse(body, content_type="application/json")
    response["ETag"] = etag
    if timestamp is not None:
        response["Last-Modified"] = http_date(timestamp)
    response["Cache-Control"] = CACHE_CONTROL
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=timestamp, response=response
    )
    return not_modified if not_modified is not None else response
