"""The cookie-less view counter: a 1×1 GIF that article pages embed as an <img>."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from depesche.core.pixel import pixel_response
from depesche.readership.services import ArticleNotFound, article_view_record


@require_safe
def view_counter(request: HttpRequest, article_id: int) -> HttpResponse:
    """Count one read of a live article and answer with a pixel; 404 for any other id.

    Reads nothing about the reader (no cookie, no address, no user agent) and sets nothing;
    `no-store` keeps browsers and proxies from answering repeat views from a cache. HEAD
    requests (link checkers) get the pixel without counting.
    """
    if request.method == "GET":
        try:
            article_view_record(article_id=article_id)
        except ArticleNotFound as exc:
            raise Http404 from exc
    return pixel_response()
