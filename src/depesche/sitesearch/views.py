from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from depesche.core.pagination import paginate
from depesche.newsroom.selectors import sections_live
from depesche.sitesearch import selectors
from depesche.sitesearch.forms import SearchForm


def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None, sections=sections_live())
    context: dict[str, Any] = {"form": form, "query": "", "results": None, "hits": []}
    if form.is_bound and not form.is_valid():
        form.describe_errors()
    elif form.is_bound and form.cleaned_data["q"].strip():
        query = form.cleaned_data["q"].strip()
        results = selectors.articles_search(
            query=query,
            section=form.section(),
            since=form.cleaned_data["von"],
            until=form.cleaned_data["bis"],
        )
        page = paginate(request, results, settings.PAGE_SIZE)
        context.update(
            query=query,
            results=page,
            hits=selectors.search_hits(articles=page.object_list, query=query),
        )
    return render(request, "sitesearch/search.html", context)
