from __future__ import annotations

from datetime import datetime
from typing import Any

from django import template

from depesche.distribution.meta import page_meta
from depesche.distribution.structured_data import iso

register = template.Library()


@register.inclusion_tag("distribution/_meta.html", takes_context=True)
def distribution_meta(context: template.Context) -> dict[str, Any]:
    """Canonical link, feed links, Open Graph/Twitter tags and JSON-LD for the current page."""
    return {"meta": page_meta(context.flatten())}


@register.filter
def w3c(value: datetime | None) -> str:
    """The W3C date-time format sitemaps want, in Berlin time, to the second."""
    return iso(value) or ""
