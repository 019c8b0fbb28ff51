"""Reads of the wire desk: the feeds for push and poll, the stories as editors see them, the
recent withdrawals, and the story behind an article. Joins are decided here, once, so no
listing asks per row."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from depesche.wire.models import Feed, SectionRule, WireStory

# The article's long texts: the desk needs its liveness, not its copy.
ARTICLE_TEXT_FIELDS = ("body", "teaser", "usage_terms")
# How long a withdrawal stays on the editors' dashboard.
WITHDRAWN_NOTICE_DAYS = 7


def feed_for_push(*, slug: str) -> Feed | None:
    """The feed that accepts push delivery at /wire/<slug>/: active and with a secret."""
    return Feed.objects.filter(slug=slug, active=True).exclude(secret="").first()


def feeds_to_poll() -> QuerySet[Feed]:
    """Active feeds with a queue URL, for the periodic poll."""
    return Feed.objects.filter(active=True).exclude(url="").order_by("pk")


def desk_stories(*, status: str | None = None, feed_id: int | None = None) -> QuerySet[WireStory]:
    """The desk ("Agenturmeldungen"): Eilmeldungen first, then the newest version first (the
    `wire_desk_order` index); agency, section and article joined (the article for
    `current_status`, without its text). `status` narrows it down by that status (an embargoed
    story the scheduler has published since counts as published), `feed_id` by agency."""
    stories = WireStory.objects.select_related("feed", "section", "article").defer(
        *(f"article__{name}" for name in ARTICLE_TEXT_FIELDS)
    )
    Status = WireStory.Status
    live_embargoed = Q(status=Status.SCHEDULED, article__live=True)
    if status == Status.PUBLISHED:
        stories = stories.filter(Q(status=status) | live_embargoed)
    elif status == Status.SCHEDULED:
        stories = stories.filter(status=status).exclude(live_embargoed)
    elif status:
        stories = stories.filter(status=status)
    if feed_id is not None:
        stories = stories.filter(feed_id=feed_id)
    # pk last: stories of the same second keep their place across pages.
    return stories.order_by("-breaking", "-updated_at", "-pk")


def stories_withdrawn_recently(
    *, days: int = WITHDRAWN_NOTICE_DAYS, limit: int = 20
) -> list[WireStory]:
    """Stories withdrawn by their agency in the last `days` days, newest first. A withdrawn
    story's last version is its withdrawal, so `updated_at` is when it was withdrawn."""
    since = timezone.now() - timedelta(days=days)
    stories = WireStory.objects.select_related("feed").filter(
        status=WireStory.Status.WITHDRAWN, updated_at__gte=since
    )
    return list(stories.order_by("-updated_at", "-pk")[:limit])


def story_for_article(*, article_id: int) -> WireStory | None:
    """The agency story an article was imported from, if any (what its edit page warns about)."""
    return (
        WireStory.objects.filter(article_id=article_id)
        .only("status", "needs_review", "updated_at", "feed_id")
        .first()
    )


def feeds_by_name() -> QuerySet[Feed]:
    """The agencies as people look them up: by name, whatever its case ("dpa", "NTB")."""
    return Feed.objects.order_by(Lower("name"), "pk")


def feeds_for_admin() -> QuerySet[Feed]:
    """The agencies' listing, default section joined."""
    return feeds_by_name().select_related("default_section")


def rules_for_admin() -> QuerySet[SectionRule]:
    """The Ressort-Zuordnung grouped by agency (rules for every agency first), then in the order
    the pipeline applies them."""
    return SectionRule.objects.select_related("feed", "section").order_by(
        Lower("feed__name").asc(nulls_first=True), "priority", "pk"
    )
