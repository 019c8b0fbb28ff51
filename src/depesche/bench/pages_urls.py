"""The site's URLs plus a trivial view (a fixed 30 KB page): the server's ceiling. Only the
benchmark's server routes it (bench/pages_settings.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

CEILING_PATH = "/_bench/ceiling/"
_BODY = ("<!DOCTYPE html><html><body>" + ("<p>" + "x" * 96 + "</p>\n") * 300)[: 30 * 1024]


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_BODY)


# The site's URLconf by name, as settings name it: the composition root is above bench, so bench
# never imports it.
urlpatterns = [
    path(CEILING_PATH.strip("/") + "/", ceiling),
    path("", include("depesche.site.urls")),
]
handler404 = "depesche.newsroom.views.not_found"
handler500 = "depesche.newsroom.views.server_error"
