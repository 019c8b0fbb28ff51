from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest


def paginate(request: HttpRequest, items: Any, per_page: int) -> Page:
    """The requested page of `items`; a malformed or out-of-range ?page= is a 404, not a 500."""
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except (PageNotAnInteger, EmptyPage) as exc:
        raise Http404(str(exc)) from exc


@dataclass
class Window:
    """One page of a list that is never counted (see `paginate_newest`)."""

    object_list: list[Any]
    number: int
    more: bool

    def __iter__(self) -> Iterator[Any]:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self.more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.more or self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def paginate_newest(
    request: HttpRequest,
    ids: QuerySet[Any, Any],
    fetch: Callable[[list[int]], list[Any]],
    per_page: int,
) -> Window:
    """The requested page of a long, ordered list, at a cost that does not grow with it.

    `ids` is the ordered list of primary keys (a narrow query: no page objects, no sort of wide
    rows); `fetch` reads the shown ones in that order. Nothing is counted: a section of 20,000
    articles would cost more to count than to show. One extra id tells whether an older page
    exists. A malformed or out-of-range ?page= is a 404.
    """
    raw = request.GET.get("page") or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise Http404(f"invalid page {raw!r}")
    number = int(raw)
    offset = (number - 1) * per_page
    chosen = list(ids[offset : offset + per_page + 1])
    if not chosen and number > 1:
        raise Http404(f"page {number} is empty")
    shown = chosen[:per_page]
    return Window(object_list=fetch(shown), number=number, more=len(chosen) > per_page)
