"""The site's URLs plus a trivial view (a fixed 30 KB page): the server's ceiling. Only the
benchmark's server routes it (bench/pages_settings.py)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from depesche.config.urls import urlpatterns as site_urlpatterns

CEILING_PATH = "/_bench/ceiling/"
_BODY = ("<!DOCTYPE html><html><body>" + ("<p>" + "x" * 96 + "</p>\n") * 300)[: 30 * 1024]


def ceiling(request: HttpRequest) -> HttpResponse:
    return HttpResponse(_BODY)


urlpatterns = [path(CEILING_PATH.strip("/") + "/", ceiling), *site_urlpatterns]
