"""The one internal article every wire format is read into, and the errors readers raise.

Readers (ninjs1, ninjs2, ninjs3, digitalwires) only read: no database, no network."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class RecordError(Exception):
    """A record that cannot be imported; the message names the reason."""


class RecordSkipped(Exception):
    """A record that is not an article (a picture, an event, a collection, a preview):
    reported as skipped, never as failed. The message names what it is."""


class Format(StrEnum):
    NINJS1 = "ninjs1"
    NINJS2 = "ninjs2"
    NINJS3 = "ninjs3"
    DIGITALWIRES = "digitalwires"


class PubStatus(StrEnum):
    USABLE = "usable"
    WITHHELD = "withheld"
    CANCELED = "canceled"


class CategoryKind(StrEnum):
    """What a section rule can match (Ressort-Zuordnung)."""

    DESK = "desk"  # dpa desk codes: wi, pl, vm, …
    SUBJECT = "subject"  # ninjs subjects / dpa dpasubject
    GENRE = "genre"
    PROFILE = "profile"  # ninjs `profile`
    MEDIATOPIC = "mediatopic"  # IPTC media topic code, e.g. medtop:04000000
    KEYWORD = "keyword"
    GEO = "geo"


@dataclass(frozen=True)
class Category:
    kind: CategoryKind
    code: str  # e.g. "wi", "medtop:04000000", "dpasubject:123"; "" when the record has none
    name: str  # human name, e.g. "Wirtschaft"; "" when the record has none


@dataclass(frozen=True)
class WireImage:
    """One picture association: the renditions a reader may fetch, best first is not assumed."""

    renditions: list[Rendition]
    caption: str = ""
    credit: str = ""  # "Foto: dpa" style text as the agency gives it ("dpa" → shown "Foto: dpa")
    alt: str = ""
    record_id: str = ""


@dataclass(frozen=True)
class Rendition:
    href: str
    width: int | None = None
    height: int | None = None
    mimetype: str = ""


@dataclass
class WireArticle:
    """A text record, read. Field by field, what the record gives; documented fallbacks only:
    `teaser` falls back to the first sentences of the body (≤ 300 chars, cut at a word);
    `body_html` starts with the dateline ("Berlin (dpa) - ") inside its first paragraph."""

    format: Format
    record_id: str  # urn / uri / guid, ≤ 255 chars
    headline: str
    teaser: str
    body_html: str  # sanitised later by the importer; may be "" only when the teaser is not
    version: int | None = None
    version_time: datetime | None = None  # versioncreated / version_created / versionCreated
    first_created: datetime | None = None
    pubstatus: PubStatus = PubStatus.USABLE
    embargoed_until: datetime | None = None
    urgency: int | None = None  # 1 (highest) … 9 (ninjs) / 1 … 6 (dpa)
    breaking: bool = False  # urgency 1–2 or dpa's "Eilmeldung"
    correction: bool = False  # dpa `signal` sig:correction and the like
    kicker: str = ""  # Dachzeile
    dateline: str = ""  # as given, e.g. "Berlin (dpa) - "
    byline: str = ""
    # The people the byline names ("Von A und B, dpa" → A, B); agencies and "Redaktion" are
    # credits, not authors. dpa's `dnltype:creator` categories are not read: they carry the
    # login of whoever filed the copy at the desk ("loening.meyel"), not the byline's writers.
    authors: list[str] = field(default_factory=list)
    creditline: str = ""  # "dpa", "Quelle: dpa"
    usage_terms: str = ""  # copyright notice and usage terms, shown under the article
    located: str = ""
    language: str = ""
    section: str = ""  # Depesche's own extension: a section name the record names itself
    categories: list[Category] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # subject, keyword and geo names, as given
    images: list[WireImage] = field(default_factory=list)
    fingerprint: str = ""  # sha256 of the whole raw record (sorted keys)
