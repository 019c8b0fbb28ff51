from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader

from depesche.core.pagination import paginate_newest
from depesche.newsroom import selectors
from depesche.newsroom.pagecache import cacheable


def tag_page(request: HttpRequest, slug: str) -> HttpResponse:
    tag = selectors.tag_public(slug=slug)
    if tag is None:
        # A tag of drafts or restricted articles only answers as an unknown one would.
        raise Http404("unknown tag")
    articles = paginate_newest(
        request,
        selectors.article_ids_for_tag(tag=tag),
        selectors.articles_by_ids,
        settings.PAGE_SIZE,
    )
    return cacheable(render(request, "newsroom/tag_page.html", {"tag": tag, "articles": articles}))


def author_page(request: HttpRequest, slug: str) -> HttpResponse:
    author = selectors.author_public(slug=slug)
    if author is None:
        # An author of drafts or restricted articles only answers as an unknown one would.
        raise Http404("unknown author")
    articles = paginate_newest(
        request,
        selectors.article_ids_for_author(author=author),
        selectors.articles_by_ids,
        settings.PAGE_SIZE,
    )
    return cacheable(
        render(
            request,
            "newsroom/author_page.html",
            # The key of "Im Browser benachrichtigen" (push.js): follow the author by Web Push.
            {"author": author, "articles": articles, "vapid_public_key": settings.VAPID_PUBLIC_KEY},
        )
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    # No context processors here: the database may be what failed.
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"site_name": settings.SITE_NAME}))
