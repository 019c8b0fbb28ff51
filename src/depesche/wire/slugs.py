"""Readable, unique article addresses for agency copy."""

from __future__ import annotations

import re

from django.utils.text import slugify

from depesche.newsroom.models import SectionPage

_UMLAUTS = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)


def article_slug(headline: str, section: SectionPage, exclude_pk: int | None = None) -> str:
    """A readable slug (umlauts spelled out) that no sibling in `section` uses yet."""
    base = slugify(headline.translate(_UMLAUTS))[:80].strip("-") or "artikel"
    base = re.sub(r"-{2,}", "-", base)
    taken = set(section.get_children().exclude(pk=exclude_pk).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
