"""Writes of the editorial model: publication bookkeeping and the site's page tree."""

from __future__ import annotations

import hashlib
import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from wagtail.models import Page, Site

from depesche.newsroom.bylines import author_key, author_slug_base
from depesche.newsroom.models import (
    ArticlePage,
    Author,
    HomePage,
    LegalPage,
    SectionPage,
    tag_dates_sync,
)

logger = logging.getLogger(__name__)

DEFAULT_SECTIONS = ["Politik", "Wirtschaft", "Finanzen", "Unternehmen", "Panorama"]


# The rich-text editor adds data-block-key to every paragraph it saves and a new id to every
# re-added block; readers see neither, so neither may count as a change.
_BLOCK_KEY = re.compile(r'\s+data-block-key="[^"]*"')


def _without_editor_keys(value: Any) -> Any:
    if isinstance(value, str):
        return _BLOCK_KEY.sub("", value)
    if isinstance(value, dict):
        return {key: _without_editor_keys(item) for key, item in value.items()}
    return value


def article_fingerprint(article: ArticlePage) -> str:
    """Hash of what readers see; a publication that changes it counts as an update."""
    content = {
        "headline": article.title,
        "teaser": article.teaser,
        "body": [
            (block["type"], _without_editor_keys(block["value"]))
            for block in article.body.get_prep_value()
        ],
        "tags": sorted(tag.name for tag in article.tags.all()),
        "byline": article.byline,
        "source_credit": article.source_credit,
        "located": article.located,
    }
    # Fields added later count only when set, so an upgrade leaves older hashes as they were
    # and republishing an untouched article does not move "Aktualisiert".
    later = {
        "kicker": article.kicker,
        "image": [article.image_id, article.image_caption, article.image_credit, article.image_alt]
        if article.image_id
        else None,
        "usage_terms": article.usage_terms,
        # Links to author pages: the byline readers see. Ids, in the byline's order.
        "authors": [link.author_id for link in article.article_authors.all()],
    }
    content.update({key: value for key, value in later.items() if value})
    raw = json.dumps(content, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


def _free_slug(name: str) -> str:
    base = author_slug_base(name)
    taken = set(Author.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def authors_resolve(*, names: list[str]) -> list[Author]:
    """The author of each name, created when no author has its `author_key` yet; in the order
    given, each once. Idempotent: the same name again (in any case or umlaut spelling) is the
    same author, and an editor's changes to an author (bio, photo, slug) stay as they are.

    Atomic per name; a concurrent import creating the same author is caught by the unique key
    (get_or_create reads the winner's row)."""
    authors: list[Author] = []
    for name in names:
        name = " ".join(name.split())
        key = author_key(name)
        if not key or any(author.name_key == key for author in authors):
            continue
        author = Author.objects.filter(name_key=key).first()
        if author is None:
            author, _created = Author.objects.get_or_create(
                name_key=key, defaults={"name": name, "slug": _free_slug(name)}
            )
        authors.append(author)
    return authors


def article_publication_record(*, article: ArticlePage) -> None:
    """Keep "Aktualisiert" right after `article` went live (admin, schedule or import).

    The first publication sets it to the publication time; a later publication moves it only
    when the headline, teaser, body, tags or credits changed. Idempotent: publishing the same
    content again changes nothing.
    """
    fingerprint = article_fingerprint(article)
    if fingerprint == article.content_fingerprint and article.updated_at is not None:
        return
    updated_at = article.last_published_at or article.first_published_at
    ArticlePage.objects.filter(pk=article.pk).update(
        content_fingerprint=fingerprint, updated_at=updated_at
    )
    article.content_fingerprint = fingerprint
    article.updated_at = updated_at


def article_dates_record(
    *, article_id: int, first_published_at: Any, last_published_at: Any, updated_at: Any
) -> None:
    """Set an article's publication dates after the fact (an agency's times on import) and
    carry them to its taggings, whose dates order the tag pages."""
    ArticlePage.objects.filter(pk=article_id).update(
        first_published_at=first_published_at,
        last_published_at=last_published_at,
        updated_at=updated_at,
    )
    tag_dates_sync(article_id=article_id)


def article_section_record(*, article_id: int, section_id: int) -> None:
    """Point the article's `section` at its parent after a move. Idempotent."""
    ArticlePage.objects.filter(pk=article_id).update(section_id=section_id)


@dataclass
class SiteTree:
    home: HomePage
    sections: dict[str, SectionPage]
    legal: dict[str, LegalPage]


LEGAL_PLACEHOLDERS = {
    LegalPage.Kind.IMPRINT: (
        "Impressum",
        "<p>Angaben gemäß § 5 DDG: Name und Anschrift des Verlags, Vertretungsberechtigte, "
        "Kontakt, Registereintrag. Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV: "
        "Name und Anschrift. Bitte im Redaktionssystem ergänzen.</p>",
    ),
    LegalPage.Kind.PRIVACY: (
        "Datenschutzerklärung",
        "<p>Wir verarbeiten personenbezogene Daten nur, soweit es für den Betrieb dieser "
        "Website und die von Ihnen gewünschten Dienste nötig ist. Diese Website setzt "
        "keine Cookies zur Reichweitenmessung ein. Verantwortlicher, Zwecke, Rechtsgrundlagen, "
        "Speicherdauer und Ihre Rechte: bitte im Redaktionssystem ergänzen.</p>",
    ),
    LegalPage.Kind.TERMS: (
        "AGB",
        "<p>Allgemeine Geschäftsbedingungen für die Nutzung dieses Angebots. Bitte im "
        "Redaktionssystem ergänzen.</p>",
    ),
}


@transaction.atomic
def site_setup(*, site_name: str, sections: list[str] | None = None) -> SiteTree:
    """Create the home page, sections and legal pages that do not exist yet. Idempotent.

    Wagtail's default welcome page is replaced by our HomePage as the default site's root.
    """
    home = HomePage.objects.first()
    if home is None:
        root = Page.get_first_root_node()
        home = HomePage(title=site_name, slug="startseite", claim="")
        root.add_child(instance=home)
        home.save_revision().publish()
        site = Site.objects.filter(is_default_site=True).first()
        old_root = site.root_page if site else None
        if site is None:
            Site.objects.create(
                hostname="localhost", root_page=home, is_default_site=True, site_name=site_name
            )
        else:
            site.root_page = home
            site.site_name = site_name
            site.save()
        # Wagtail's "Welcome" placeholder is a bare Page; a real page is never deleted here.
        if old_root is not None and old_root.pk != home.pk and type(old_root.specific) is Page:
            old_root.delete()
    existing = {s.title: s for s in SectionPage.objects.child_of(home).specific()}
    for title in sections if sections is not None else DEFAULT_SECTIONS:
        if title not in existing:
            section = SectionPage(title=title)
            home.add_child(instance=section)
            section.save_revision().publish()
            existing[title] = section
    legal = {page.kind: page for page in LegalPage.objects.all()}
    for kind, (title, body) in LEGAL_PLACEHOLDERS.items():
        if kind not in legal:
            page = LegalPage(title=title, slug=kind.value, kind=kind, body=body)
            home.add_child(instance=page)
            page.save_revision().publish()
            legal[kind] = page
    return SiteTree(home=home, sections=existing, legal=legal)
