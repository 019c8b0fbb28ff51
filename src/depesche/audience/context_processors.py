from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from depesche.audience import selectors


def reader(request: HttpRequest) -> dict[str, Any]:
    """The recognised reader and the tags and authors they follow; looked up (once) only if a
    template asks, so pages without follow controls cost nothing."""
    return {
        "reader": lambda: selectors.reader_from_request(request),
        "followed_tag_ids": lambda: selectors.followed_tag_ids_for_request(request),
        "followed_author_ids": lambda: selectors.followed_author_ids_for_request(request),
    }
