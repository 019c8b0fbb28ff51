from __future__ import annotations

from datetime import datetime

from django import template
from django.conf import settings

from depesche.core import text, timefmt

register = template.Library()


@register.filter
def de_datetime(value: datetime | None) -> str:
    return timefmt.format_datetime(value)


@register.filter
def de_date(value: datetime | None) -> str:
    return timefmt.format_date(value)


@register.filter
def teaser_cut(value: str, limit: int | None = None) -> str:
    return text.truncate_at_word(value or "", int(limit or settings.TEASER_LENGTH))


@register.filter
def credit(value: str, label: str) -> str:
    """`{{ page.image_credit|credit:"Foto" }}`: "dpa" → "Foto: dpa"; already labelled credits
    stay as given."""
    return text.credit_line(value or "", label)
