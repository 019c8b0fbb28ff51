from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from taggit.models import Tag

from depesche.core.pagination import paginate_newest
from depesche.newsroom import selectors
from depesche.newsroom.pagecache import cacheable


def tag_page(request: HttpRequest, slug: str) -> HttpResponse:
    tag = get_object_or_404(Tag, slug=slug)
    articles = paginate_newest(
        request,
        selectors.article_ids_for_tag(tag=tag),
        selectors.articles_by_ids,
        settings.PAGE_SIZE,
    )
    return cacheable(render(request, "newsroom/tag_page.html", {"tag": tag, "articles": articles}))


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: the database may be what failed.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"site_name": settings.SITE_NAME}))
