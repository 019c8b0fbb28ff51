"""What the three ninjs readers share: categories, picture associations, the headline, body
and description arrays (ninjs 2 and 3), signals and the type check that skips non-articles."""

from __future__ import annotations

from depesche.wire.formats.base import (
    Category,
    CategoryKind,
    RecordSkipped,
    Rendition,
    WireImage,
)
from depesche.wire.formats.bodies import shape_html, text_to_html
from depesche.wire.formats.common import Fields, add_category, check_text, mediatopic, plain

# ninjs `type`s that are articles; a composite is one when it carries a body.
_ARTICLE_TYPES = {"text", "composite"}
_HTML_TYPES = {"text/html": 0, "application/xhtml+xml": 1}
_HTML_ROLES = {"html", "xhtml", "html5", "richhtml5"}
_TEASER_ROLES = ("summary", "teaser", "abstract", "lead", "text", "description", "")
# Description roles that are not a teaser (AP puts the picture credit and caption there).
_NOT_TEASER_ROLES = {"creditline", "caption", "alttext", "alt"}


def check_type(fields: Fields) -> None:
    """Raise RecordSkipped for a `type` that is not an article (picture, event, …)."""
    kind = fields.text("type").casefold()
    if kind and kind not in _ARTICLE_TYPES:
        article = "an" if kind[:1] in "aeiou" else "a"
        raise RecordSkipped(f"{article} {kind} item, not an article")


def check_composite(fields: Fields, *, has_body: bool) -> None:
    if fields.text("type").casefold() == "composite" and not has_body:
        raise RecordSkipped("a composite without a text body, not an article")


def _soft(item: Fields, key: str) -> str:
    # Category entries are decoration: a malformed one is ignored, never fatal (NUL still is).
    value = item.data.get(key)
    return check_text(value, item.name(key)) if isinstance(value, str) else ""


def categories(fields: Fields) -> list[Category]:
    """Subjects (media topics apart), genres, profile, places and keywords; singular and plural
    names alike, since agencies mix them across versions (TT's ninjs 2 sends `genre`)."""
    found: list[Category] = []
    for key in ("subject", "subjects"):
        for item in fields.objects(key):
            name = _soft(item, "name")
            code = _soft(item, "code") or _soft(item, "qcode") or _soft(item, "literal")
            uri = _soft(item, "uri")
            topic = mediatopic(code, uri, _soft(item, "scheme"))
            if topic:
                add_category(found, CategoryKind.MEDIATOPIC, topic, name)
            else:
                add_category(found, CategoryKind.SUBJECT, code or uri, name)
    for key in ("genre", "genres"):
        for item in fields.objects(key):
            code = _soft(item, "code") or _soft(item, "literal") or _soft(item, "uri")
            add_category(found, CategoryKind.GENRE, code, _soft(item, "name"))
    profile = fields.text("profile")
    add_category(found, CategoryKind.PROFILE, profile, profile)
    for key in ("place", "places"):
        for item in fields.objects(key):
            code = _soft(item, "code") or _soft(item, "literal") or _soft(item, "uri")
            add_category(found, CategoryKind.GEO, code, _soft(item, "name"))
    for keyword in fields.strings("keywords"):
        add_category(found, CategoryKind.KEYWORD, "", keyword)
    return found


def signals(fields: Fields) -> list[str]:
    """`signal` (a string) and `signals` (strings or objects naming a signal)."""
    values = [fields.text("signal")]
    values += fields.strings("signals")
    for item in fields.objects("signals"):
        values += [_soft(item, key) for key in ("qcode", "code", "literal", "uri", "name")]
    return [value for value in values if value]


def headline_of(fields: Fields) -> str:
    """`headlines[]` (role main first), else a flat `headline`; tags stripped."""
    entries = fields.objects("headlines")
    ordered = [e for e in entries if e.text("role") == "main"] + entries
    for entry in ordered:
        value = plain(entry.text("value"))
        if value:
            return value
    return plain(fields.text("headline"))


def body_of(fields: Fields, *, content_type: str) -> str:
    """The best of `bodies[]`: HTML, then XHTML, then plain text made into paragraphs."""
    ranked: list[tuple[int, int, Fields]] = []
    for index, entry in enumerate(fields.objects("bodies")):
        kind = entry.text(content_type).casefold()
        role = entry.text("role").casefold()
        if kind in _HTML_TYPES or (not kind and role in _HTML_ROLES):
            ranked.append((_HTML_TYPES.get(kind, 0), index, entry))
        elif kind == "text/plain" or (not kind and role in ("text", "plain")):
            ranked.append((2, index, entry))
    for rank, _, entry in sorted(ranked, key=lambda item: item[:2]):
        value = entry.text("value")
        html = text_to_html(value) if rank == 2 else shape_html(value)
        if html:
            return html
    return ""


def descriptions_of(fields: Fields, *, content_type: str) -> dict[str, str]:
    """`descriptions[]` as plain text by role (lower case; "" when the entry has none)."""
    found: dict[str, str] = {}
    for entry in fields.objects("descriptions"):
        role = entry.text("role").casefold().rpartition(":")[2]
        value = entry.text("value")
        text = plain(value) if "html" in entry.text(content_type) else " ".join(value.split())
        if text and role not in found:
            found[role] = text
    return found


def teaser_of(descriptions: dict[str, str]) -> str:
    for role in _TEASER_ROLES:
        if descriptions.get(role):
            return descriptions[role]
    others = [text for role, text in descriptions.items() if role not in _NOT_TEASER_ROLES]
    return others[0] if others else ""


def images(fields: Fields, *, content_type: str, credit_keys: tuple[str, ...]) -> list[WireImage]:
    """Picture associations with at least one http(s) image rendition."""
    found: list[WireImage] = []
    for association in fields.objects_or_map("associations"):
        if association.text("type").casefold() not in ("picture", "image"):
            continue
        renditions: list[Rendition] = []
        for rendition in association.objects_or_map("renditions"):
            href = rendition.text("href")
            mimetype = rendition.first_text("mimetype", content_type).casefold()
            if not href.lower().startswith(("http://", "https://")):
                continue
            if mimetype and not mimetype.startswith("image/"):
                continue
            width, height = rendition.integer("width"), rendition.integer("height")
            renditions.append(Rendition(href, width, height, mimetype))
        if not renditions:
            continue
        descriptions = descriptions_of(association, content_type=content_type)
        caption = (
            plain(association.text("description_text"))
            or descriptions.get("caption", "")
            or teaser_of(descriptions)
            or headline_of(association)
        )
        found.append(
            WireImage(
                renditions=renditions,
                caption=caption,
                credit=association.first_text(*credit_keys),
                alt=plain(association.text("altText")),
                record_id=association.first_text("uri", "guid")[:255],
            )
        )
    return found
