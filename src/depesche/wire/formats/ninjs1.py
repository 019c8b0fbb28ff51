"""IPTC ninjs 1.x: flat `headline`, `body_html`/`body_xhtml`/`body_text`, `description_text`,
`subject`; Depesche's own demo records are ninjs 1 with a `section`."""

from __future__ import annotations

from typing import Any

from depesche.wire.formats import ninjs_parts
from depesche.wire.formats.base import Format, WireArticle
from depesche.wire.formats.bodies import shape_html, text_to_html
from depesche.wire.formats.common import (
    Fields,
    finish,
    is_correction,
    join_terms,
    plain,
    pubstatus,
)


def _body(fields: Fields) -> str:
    html = fields.first_text("body_html", "body_xhtml")
    if html:
        return shape_html(html)
    return text_to_html(fields.text("body_text"))


def _teaser(fields: Fields) -> str:
    teaser = plain(fields.first_text("description_text", "description_html", "description_xhtml"))
    if teaser:
        return teaser
    # ninjs 1.4 allows extension descriptions ("description_caption_xhtml"); use the first.
    for key in sorted(fields.data):
        if key.startswith("description_") and isinstance(fields.data[key], str):
            teaser = plain(fields.text(key))
            if teaser:
                return teaser
    return ""


def read(record: dict[str, Any]) -> WireArticle:
    fields = Fields(record)
    ninjs_parts.check_type(fields)
    body_html = _body(fields)
    ninjs_parts.check_composite(fields, has_body=bool(body_html))
    article = WireArticle(
        format=Format.NINJS1,
        # `guid` first: Depesche's own records carry both, and their articles are known by it.
        record_id=fields.first_text("guid", "uri"),
        headline=plain(fields.text("headline")),
        teaser=_teaser(fields),
        body_html=body_html,
        version=fields.integer("version"),
        version_time=fields.moment("versioncreated"),
        first_created=fields.moment("firstcreated"),
        pubstatus=pubstatus(fields, "pubstatus"),
        embargoed_until=fields.moment("embargoed"),
        urgency=fields.integer("urgency"),
        correction=is_correction(ninjs_parts.signals(fields)),
        byline=fields.first_text("byline", "by"),
        usage_terms=join_terms(fields.text("usageterms"), fields.text("copyrightnotice")),
        located=fields.text("located"),
        language=fields.text("language"),
        section=fields.text("section"),
        categories=ninjs_parts.categories(fields),
        images=ninjs_parts.images(
            fields, content_type="contenttype", credit_keys=("copyrightholder", "by", "byline")
        ),
    )
    return finish(article, record=record, id_fields="'guid' or 'uri'")
