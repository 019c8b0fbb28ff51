"""Which ad a slot shows: eligibility (one query per page), the choice (pure, seeded), where
the slots go, and the per-campaign report. The `{% ad_slot %}` tag only renders what
`ad_for_slot` picks."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from depesche.ads.models import AdCount, Campaign
from depesche.newsroom.models import ArticlePage, SectionPage
from depesche.newsroom.pagecache import page_expires_by

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


Targeting = tuple[int | None, tuple[int, ...]]  # (section id, sorted tag ids)
_PAGE_ADS_ATTRIBUTE = "_depesche_ads"


@dataclass
class PageAds:
    """One request's ads: the eligible campaigns per targeting (one query per page, however
    many slots) and the campaigns already shown (a page shows a campaign once)."""

    eligible: dict[Targeting, list[Campaign]] = field(default_factory=dict)
    shown: set[int] = field(default_factory=set)


def page_ads(request: Any) -> PageAds:
    """The request's PageAds (kept on the request); a fresh one without a request."""
    state: PageAds | None = getattr(request, _PAGE_ADS_ATTRIBUTE, None) if request else None
    if state is None:
        state = PageAds()
        if request is not None:
            setattr(request, _PAGE_ADS_ATTRIBUTE, state)
    return state


def targeting_of(*, page: Any = None, tag: Any = None, article_tags: Any = None) -> Targeting:
    """What a page is about, for targeting: an article's section and tags (`article_tags`
    when the view already loaded them), a section, or a tag page's tag."""
    if isinstance(page, ArticlePage):
        tags = list(page.tags.all()) if article_tags is None else article_tags
        return page.section_id, tuple(sorted(t.pk for t in tags))
    if isinstance(page, SectionPage):
        return page.pk, ()
    if tag is not None:
        return None, (tag.pk,)
    return None, ()


def list_slot_here(*, position: int, last: bool) -> bool:
    """Whether a teaser list's slot goes after the teaser at 1-based `position`: after the
    ADS_LIST_AFTER_TEASER-th teaser, or after the last one of a shorter list."""
    after = int(settings.ADS_LIST_AFTER_TEASER)
    return position == after or (last and position < after)


def body_slot_after(*, page: Any) -> int:
    """The 1-based block number after which the in-article slot goes: after the
    ADS_BODY_AFTER_PARAGRAPH-th paragraph; 0 when the body has fewer (the slot then follows
    the body)."""
    wanted = settings.ADS_BODY_AFTER_PARAGRAPH
    seen = 0
    for number, block in enumerate(page.body, start=1):
        if block.block_type == "paragraph":
            seen += 1
            if seen == wanted:
                return number
    return 0


def ad_for_slot(
    *,
    request: Any,
    slot: str,
    page: Any = None,
    tag: Any = None,
    article_tags: Any = None,
    rng: random.Random | None = None,
) -> Campaign | None:
    """The campaign a slot of kind `slot` on this page shows now, or None; marks it shown for
    the rest of the request. The page cache keeps the page no longer than until a matching
    campaign starts or ends. An article's own sponsored teaser is never shown on it."""
    state = page_ads(request)
    key = targeting_of(page=page, tag=tag, article_tags=article_tags)
    if key not in state.eligible:
        schedule = campaigns_scheduled(section_id=key[0], tag_ids=key[1])
        state.eligible[key] = schedule.running
        if request is not None:
            page_expires_by(request, schedule.changes_at)
    campaigns = state.eligible[key]
    if isinstance(page, ArticlePage):
        campaigns = [c for c in campaigns if c.sponsored_article_id != page.pk]
    campaign = campaign_choose(campaigns=campaigns, slot=slot, rng=rng, exclude_ids=state.shown)
    if campaign is not None:
        state.shown.add(campaign.pk)
    return campaign


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
