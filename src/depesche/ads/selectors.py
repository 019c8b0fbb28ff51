"""Which ad a slot shows: eligibility (one query per page) and the choice (pure, seeded)."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from depesche.ads.models import AdCount, Campaign

ARTICLE_BODY = "article-body"
LIST = "list"
ASIDE = "aside"
SLOTS = (ARTICLE_BODY, LIST, ASIDE)
# A teaser list shows a native teaser only; an image ad there would not look like a teaser.
SLOT_KINDS = {
    ARTICLE_BODY: {Campaign.Kind.NATIVE, Campaign.Kind.IMAGE},
    LIST: {Campaign.Kind.NATIVE},
    ASIDE: {Campaign.Kind.NATIVE, Campaign.Kind.IMAGE},
}


@dataclass(frozen=True)
class Schedule:
    """The campaigns running for a page now, and when that set changes next."""

    running: list[Campaign]
    changes_at: datetime | None  # a matching campaign starts or ends; None: not scheduled


def campaigns_scheduled(
    *,
    section_id: int | None = None,
    tag_ids: Iterable[int] = (),
    now: datetime | None = None,
) -> Schedule:
    """Active campaigns whose targeting matches a page of `section_id` with `tag_ids` (an
    untargeted campaign matches every page): those running at `now`, and the next moment a
    matching one starts or ends (a cached page must not outlive it). One query, with what
    rendering needs (advertiser, image, sponsored article and its section) joined in."""
    now = now or timezone.now()
    tag_ids = list(tag_ids)
    sections = Campaign.target_sections.through.objects.filter(campaign_id=OuterRef("pk"))
    tags = Campaign.target_tags.through.objects.filter(campaign_id=OuterRef("pk"))
    matches = Q(~Exists(sections), ~Exists(tags))
    if section_id is not None:
        matches |= Q(Exists(sections.filter(sectionpage_id=section_id)))
    if tag_ids:
        matches |= Q(Exists(tags.filter(tag_id__in=tag_ids)))
    queryset: QuerySet[Campaign] = (
        Campaign.objects.filter(active=True)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .filter(matches)
        .select_related("advertiser", "image", "sponsored_article__section")
        .order_by("pk")
    )
    running: list[Campaign] = []
    changes: list[datetime] = []
    for campaign in queryset:
        if campaign.starts_at > now:
            changes.append(campaign.starts_at)
        # A sponsored article taken down (or deleted) leaves its teaser without a target.
        elif campaign.has_target():
            running.append(campaign)
            if campaign.ends_at is not None:
                changes.append(campaign.ends_at)
    return Schedule(running=running, changes_at=min(changes, default=None))


def campaign_choose(
    *,
    campaigns: Sequence[Campaign],
    slot: str,
    rng: random.Random | None = None,
    exclude_ids: Iterable[int] = (),
) -> Campaign | None:
    """The campaign a slot shows, or None.

    Only creatives that fit the slot and were not shown on this page yet. Paid campaigns first
    (house ads only when no paid one is left); among them the highest priority wins; equal
    priorities share by weight (random, weighted).
    """
    excluded = set(exclude_ids)
    fitting = [
        c for c in campaigns if c.kind in SLOT_KINDS.get(slot, set()) and c.pk not in excluded
    ]
    pool = [c for c in fitting if not c.house] or [c for c in fitting if c.house]
    if not pool:
        return None
    top = max(c.priority for c in pool)
    best = [c for c in pool if c.priority == top]
    if len(best) == 1:
        return best[0]
    chooser = rng or random.Random()
    return chooser.choices(best, weights=[max(c.weight, 1) for c in best], k=1)[0]


@dataclass(frozen=True)
class ReportRow:
    day: date | None  # None: the total line
    impressions: int
    clicks: int

    @property
    def ctr(self) -> float:
        """Click-through rate in percent (0 without impressions)."""
        return 100.0 * self.clicks / self.impressions if self.impressions else 0.0


def campaign_report(*, campaign_id: int) -> tuple[list[ReportRow], ReportRow]:
    """Impressions and clicks per Berlin day (all slots together), newest first, and the total.
    One GROUP BY."""
    rows = [
        ReportRow(day=row["day"], impressions=row["i"] or 0, clicks=row["c"] or 0)
        for row in AdCount.objects.filter(campaign_id=campaign_id)
        .values("day")
        .annotate(i=Sum("impressions"), c=Sum("clicks"))
        .order_by("-day")
    ]
    total = ReportRow(
        day=None,
        impressions=sum(r.impressions for r in rows),
        clicks=sum(r.clicks for r in rows),
    )
    return rows, total
