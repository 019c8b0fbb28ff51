"""dpa-digitalwires (`format: digitalwires@…`): a `composite` with `article_html`, `teaser`,
`kicker`, `dateline`, `categories` and image `associations`.

dpa's notes to editors (`notepad`, `ednotes`) are never read: some of them are marked "nicht
zur Veröffentlichung bestimmt" and carry contacts."""

from __future__ import annotations

import re
from typing import Any

from depesche.wire.formats.base import (
    Category,
    CategoryKind,
    Format,
    RecordSkipped,
    Rendition,
    WireArticle,
    WireImage,
)
from depesche.wire.formats.bodies import shape_html
from depesche.wire.formats.common import (
    Fields,
    add_category,
    finish,
    is_correction,
    join_terms,
    plain,
    pubstatus,
)

_KINDS = {
    "dnltype:desk": CategoryKind.DESK,
    "dnltype:dpasubject": CategoryKind.SUBJECT,
    "dnltype:genre": CategoryKind.GENRE,
    "dnltype:keyword": CategoryKind.KEYWORD,
    "dnltype:geosubject": CategoryKind.GEO,
    "dnltype:geo": CategoryKind.GEO,
}
# The flat name lists, read for what `categories` lacks.
_NAME_LISTS = (
    ("desk_names", CategoryKind.DESK),
    ("dpasubject_names", CategoryKind.SUBJECT),
    ("genre_names", CategoryKind.GENRE),
    ("keyword_names", CategoryKind.KEYWORD),
    ("geosubject_names", CategoryKind.GEO),
)
# "Eilmeldung" as a genre or other category name; "eil"/"eilmeldung" as a signal.
_BREAKING_NAMES = {"eilmeldung"}
_BREAKING_SIGNALS = {"eil", "eilmeldung"}
_PLACE = re.compile(r"^\s*([^()]+?)\s*\(")


def _categories(fields: Fields) -> tuple[list[Category], list[str]]:
    """Desks, dpa subjects (their media topics too), genres, keywords and places; and the
    signals dpa repeats as `dnltype:signal` categories."""
    found: list[Category] = []
    signals: list[str] = []
    for entry in fields.objects("categories"):
        kind, name, qcode = entry.text("type"), entry.text("name"), entry.text("qcode")
        if kind == "dnltype:signal":
            signals.append(qcode)
        elif kind == "dnltype:desk":
            add_category(found, CategoryKind.DESK, qcode.removeprefix("dpacat:") or name, name)
        elif kind in _KINDS:
            add_category(found, _KINDS[kind], qcode, name)
            if kind == "dnltype:dpasubject" and qcode.startswith("medtop:"):
                add_category(found, CategoryKind.MEDIATOPIC, qcode, name)
    for key, kind in _NAME_LISTS:
        for name in fields.strings(key):
            known = {value for c in found if c.kind == kind for value in (c.name, c.code)}
            if name and name not in known:
                add_category(found, kind, name if kind == CategoryKind.DESK else "", name)
    return found, signals


def _images(fields: Fields) -> list[WireImage]:
    found: list[WireImage] = []
    for association in fields.objects("associations"):
        if association.text("type") != "image":
            continue
        renditions = [
            Rendition(
                rendition.text("url"),
                rendition.integer("width"),
                rendition.integer("height"),
                rendition.text("mimetype").casefold(),
            )
            for rendition in association.objects("renditions")
            if rendition.text("url").lower().startswith(("http://", "https://"))
        ]
        if renditions:
            found.append(
                WireImage(
                    renditions=renditions,
                    caption=plain(association.text("caption")),
                    credit=association.text("creditline"),
                    alt=plain(association.text("alt_text")),
                    record_id=association.text("urn")[:255],
                )
            )
    return found


def read(record: dict[str, Any]) -> WireArticle:
    fields = Fields(record)
    kind = fields.text("type")
    if kind and kind not in ("composite", "text"):
        raise RecordSkipped(f"a dpa {kind} item, not an article")
    body_source = fields.text("article_html")
    if not body_source:
        pictures = any(a.text("type") == "image" for a in fields.objects("associations"))
        what = "a picture-only item" if pictures else "a composite"
        raise RecordSkipped(f"{what} without an article body, not an article")
    categories, category_signals = _categories(fields)
    signals = re.split(r"[\s,]+", fields.text("signal")) + category_signals
    names = {c.name.casefold() for c in categories}
    version = fields.integer("version")
    dateline = fields.text("dateline")
    place = _PLACE.match(dateline)
    first_created = fields.moment("firstcreated")
    if first_created is None and version == 1:
        # The first version's creation is the article's.
        first_created = fields.moment("version_created")
    article = WireArticle(
        format=Format.DIGITALWIRES,
        record_id=fields.text("urn"),
        headline=plain(fields.text("headline")),
        teaser=plain(fields.text("teaser")),
        body_html=shape_html(body_source),
        version=version,
        version_time=fields.moment("version_created"),
        first_created=first_created,
        pubstatus=pubstatus(fields, "pubstatus"),
        embargoed_until=fields.moment("embargoed"),
        urgency=fields.integer("urgency"),
        breaking=bool(
            names & _BREAKING_NAMES
            or any(s.casefold().rpartition(":")[2] in _BREAKING_SIGNALS for s in signals)
        ),
        correction=is_correction(signals),
        kicker=plain(fields.text("kicker")),
        # dpa's dateline ends in " - " before the text; kept as given.
        dateline=fields.data["dateline"] if dateline else "",
        byline=fields.text("byline"),
        creditline=fields.text("creditline"),
        usage_terms=join_terms(fields.text("usageterms"), fields.text("copyrightnotice")),
        located=place.group(1) if place else "",
        language=fields.text("language"),
        categories=categories,
        images=_images(fields),
    )
    return finish(article, record=record, id_fields="'urn'")
