from __future__ import annotations

from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest


def paginate(request: HttpRequest, items: Any, per_page: int) -> Page:
    """The requested page of `items`; a malformed or out-of-range ?page= is a 404, not a 500."""
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except (PageNotAnInteger, EmptyPage) as exc:
        raise Http404(str(exc)) from exc
