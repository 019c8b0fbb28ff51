"""Which section (Ressort) an agency record lands in: the Ressort-Zuordnung."""

from __future__ import annotations

from django.db.models import Q

from depesche.newsroom.models import SectionPage
from depesche.wire.formats.base import Category, RecordError, WireArticle
from depesche.wire.models import Feed, SectionRule


def section_named(name: str) -> SectionPage | None:
    """A section by title or slug, case-insensitively (Depesche's own `section` field)."""
    name = name.strip()
    if not name:
        return None
    return (
        SectionPage.objects.filter(title__iexact=name).first()
        or SectionPage.objects.filter(slug__iexact=name).first()
    )


def _names(category: Category) -> set[str]:
    """What a rule's value may say for this category: its code ("dpacat:wi"), the code without
    its scheme ("wi"), or its name ("Wirtschaft")."""
    code = category.code.casefold()
    return {code, code.rpartition(":")[2], category.name.casefold()} - {""}


def _matches(rule: SectionRule, article: WireArticle) -> bool:
    value = rule.value.strip().casefold()
    return any(
        category.kind == rule.kind and value in _names(category) for category in article.categories
    )


def section_for(
    *, article: WireArticle, feed: Feed | None, override: SectionPage | None = None
) -> SectionPage | None:
    """The section for `article`, first that applies:

    1. `override` (`import-articles --section`);
    2. the record's own `section` (a Depesche extension of ninjs; an unknown name is an error);
    3. the first matching rule of the feed, then of the rules for all feeds (by Reihenfolge);
    4. the feed's default section.
    None when nothing applies (a newer version then stays where it is; see `no_section`)."""
    if override is not None:
        return override
    if article.section:
        section = section_named(article.section)
        if section is None:
            raise RecordError(f"unknown section {article.section!r}")
        return section
    rules = SectionRule.objects.select_related("section").filter(
        Q(feed__isnull=True) | Q(feed=feed) if feed is not None else Q(feed__isnull=True)
    )
    # The feed's own rules first, then those for every feed; each by Reihenfolge.
    ordered = sorted(rules, key=lambda rule: (rule.feed_id is None, rule.priority, rule.pk))
    for rule in ordered:
        if _matches(rule, article):
            return rule.section
    if feed is not None and feed.default_section_id is not None:
        assert feed.default_section is not None
        return feed.default_section
    return None


def no_section(article: WireArticle) -> RecordError:
    """The error for a new record no rule places, naming what it carries."""
    carried = ", ".join(
        f"{category.kind} {category.code or category.name}" for category in article.categories[:8]
    )
    return RecordError(
        "no section: no Ressort-Zuordnung matches "
        f"({carried or 'the record carries no desk, subject or genre'}) and no default section"
        " (set one for the feed, or use --section)"
    )
