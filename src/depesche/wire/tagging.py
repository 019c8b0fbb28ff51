"""Agency tag names onto the site's tags: "Börse" and "Boerse" are one tag."""

from __future__ import annotations

from itertools import product

from django.db.models import Q
from taggit.models import Tag

from depesche.wire.formats.common import tag_key

_SPELLINGS = [("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")]


def _variants(name: str) -> set[str]:
    """Spellings under which the same tag may already exist. The database compares only case
    (and SQLite only ASCII case), so umlauts and their transliterations are tried explicitly."""
    spellings = {name}
    for umlaut, ascii_form in _SPELLINGS:
        spellings |= {s.replace(umlaut, ascii_form) for s in spellings}
        spellings |= {s.replace(umlaut.upper(), ascii_form.capitalize()) for s in spellings}
        spellings |= {s.replace(ascii_form, umlaut) for s in spellings}
        spellings |= {s.replace(ascii_form.capitalize(), umlaut.upper()) for s in spellings}
        if len(spellings) > 64:  # a pathological name; exact and case variants still match
            break
    cases = (str.lower, str.title, str.capitalize, str.upper, lambda s: s)
    return {case(s) for s, case in product(spellings, cases)}


def tags_resolve(names: list[str]) -> list[Tag | str]:
    """For each name, the existing tag with the same `tag_key` (the oldest when several), else
    the name itself (the tag manager creates it). Order kept, duplicates removed."""
    resolved: list[Tag | str] = []
    seen: set[str] = set()
    for name in names:
        key = tag_key(name)
        if not key or key in seen:
            continue
        seen.add(key)
        query = Q()
        for variant in _variants(name):
            query |= Q(name__iexact=variant)
        candidates = [
            tag for tag in Tag.objects.filter(query).order_by("pk") if tag_key(tag.name) == key
        ]
        resolved.append(candidates[0] if candidates else name)
    return resolved
