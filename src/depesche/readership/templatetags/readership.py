"""`{% meistgelesen %}` (site-wide) and `{% meistgelesen section=page %}`: the box."""

from __future__ import annotations

from typing import Any

from django import template

from depesche.readership.selectors import mostread_list

register = template.Library()


@register.inclusion_tag("readership/_meistgelesen.html")
def meistgelesen(section: Any = None) -> dict[str, Any]:
    """The "Meistgelesen" box of `section` (a section page; None: the whole site), hidden when
    its list is empty. Reads only the precomputed list (one query), never the raw counts."""
    section_id = getattr(section, "pk", None) if section is not None else None
    found = mostread_list(section_id=section_id)
    return {"mostread": found, "scope": section_id or "site"}
