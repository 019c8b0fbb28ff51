"""IPTC ninjs 2.x: `headlines[]`, `bodies[]`, `descriptions[]`, `subjects[]`, lower-case
property names. ninjs 3 has the same shapes in camelCase and reads through `read_arrays`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from depesche.wire.formats import ninjs_parts
from depesche.wire.formats.base import Format, WireArticle
from depesche.wire.formats.common import Fields, finish, is_correction, join_terms, pubstatus


@dataclass(frozen=True)
class Names:
    """The property names that differ between ninjs 2 and ninjs 3."""

    content_type: str = "contenttype"
    version_created: str = "versioncreated"
    first_created: str = "firstcreated"
    pubstatus: str = "pubstatus"
    embargoed: str = "embargoed"
    copyright_holder: str = "copyrightholder"
    copyright_notice: str = "copyrightnotice"
    usage_terms: str = "usageterms"


NINJS2 = Names()


def read(record: dict[str, Any]) -> WireArticle:
    return read_arrays(record, fmt=Format.NINJS2, names=NINJS2)


def read_arrays(record: dict[str, Any], *, fmt: Format, names: Names) -> WireArticle:
    """A ninjs 2 or 3 record; the checks and fallbacks of `common.finish` apply."""
    fields = Fields(record)
    ninjs_parts.check_type(fields)
    body_html = ninjs_parts.body_of(fields, content_type=names.content_type)
    ninjs_parts.check_composite(fields, has_body=bool(body_html))
    descriptions = ninjs_parts.descriptions_of(fields, content_type=names.content_type)
    article = WireArticle(
        format=fmt,
        record_id=fields.first_text("uri", "guid"),
        headline=ninjs_parts.headline_of(fields),
        teaser=ninjs_parts.teaser_of(descriptions),
        body_html=body_html,
        version=fields.integer("version"),
        version_time=fields.moment(names.version_created),
        first_created=fields.moment(names.first_created),
        pubstatus=pubstatus(fields, names.pubstatus),
        # ninjs 3 renamed `embargoed` to `embargoedUntil`; agencies in transition send either.
        embargoed_until=fields.moment(names.embargoed) or fields.moment("embargoed"),
        urgency=fields.integer("urgency"),
        correction=is_correction(ninjs_parts.signals(fields)),
        byline=fields.first_text("by", "byline"),
        creditline=descriptions.get("creditline", ""),
        usage_terms=join_terms(fields.text(names.usage_terms), fields.text(names.copyright_notice)),
        located=fields.text("located"),
        language=fields.text("language"),
        section=fields.text("section"),
        categories=ninjs_parts.categories(fields),
        images=ninjs_parts.images(
            fields,
            content_type=names.content_type,
            credit_keys=(names.copyright_holder, "by", "byline"),
        ),
    )
    return finish(
        article,
        record=record,
        id_fields="'uri' or 'guid'",
        headline_fields="'headlines' or 'headline'",
    )
