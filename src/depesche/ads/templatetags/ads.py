"""`{% ad_slot "article-body" page=page %}`: one labelled ad, or nothing at all."""

from __future__ import annotations

import random
from typing import Any

from django import template
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from depesche.ads import selectors
from depesche.ads.models import Campaign
from depesche.ads.services import click_token
from depesche.newsroom.models import ArticlePage, SectionPage
from depesche.newsroom.pagecache import page_expires_by

register = template.Library()

# Replaced by tests for reproducible draws.
RNG = random.Random()
_CACHE_ATTRIBUTE = "_depesche_ads"


def _targeting(
    context: template.Context, page: Any, tag: Any
) -> tuple[int | None, tuple[int, ...]]:
    if isinstance(page, ArticlePage):
        tags = context.get("article_tags")
        if tags is None:
            tags = list(page.tags.all())
        return page.section_id, tuple(sorted(t.pk for t in tags))
    if isinstance(page, SectionPage):
        return page.pk, ()
    if tag is not None:
        return None, (tag.pk,)
    return None, ()


def _state(request: Any) -> dict[str, Any]:
    """Per request: the eligible campaigns per targeting (one query per page, however many
    slots) and the campaigns already shown (one page shows a campaign once)."""
    state: dict[str, Any] | None = getattr(request, _CACHE_ATTRIBUTE, None) if request else None
    if state is None:
        state = {"eligible": {}, "shown": set()}
        if request is not None:
            setattr(request, _CACHE_ATTRIBUTE, state)
    return state


@register.simple_tag(takes_context=True)
def ad_slot(
    context: template.Context,
    slot: str,
    page: Any = None,
    tag: Any = None,
    position: int | None = None,
    last: bool = False,
    level: int | None = None,
) -> SafeString | str:
    """Render the ad a slot of kind `slot` shows; "" when none. The ad carries a beacon that
    counts its impression when a reader loads it (also from a cached page).

    In a teaser list pass `position=forloop.counter last=forloop.last`: the ad goes after the
    ADS_LIST_AFTER_TEASER-th teaser, or after the last one of a shorter list.
    """
    if slot not in selectors.SLOTS:
        raise template.TemplateSyntaxError(f"unknown ad slot {slot!r}")
    if position is not None:
        after = settings.ADS_LIST_AFTER_TEASER
        if not (position == after or (last and position < after)):
            return ""
    request = context.get("request")
    state = _state(request)
    key = _targeting(context, page, tag)
    if key not in state["eligible"]:
        schedule = selectors.campaigns_scheduled(section_id=key[0], tag_ids=key[1])
        state["eligible"][key] = schedule.running
        # The page (with or without an ad here) changes when a matching campaign starts or
        # ends: the page cache keeps it no longer than that.
        if request is not None:
            page_expires_by(request, schedule.changes_at)
    campaigns: list[Campaign] = state["eligible"][key]
    if isinstance(page, ArticlePage):
        # No teaser for the sponsored article on that article's own page.
        campaigns = [c for c in campaigns if c.sponsored_article_id != page.pk]
    campaign = selectors.campaign_choose(
        campaigns=campaigns, slot=slot, rng=RNG, exclude_ids=state["shown"]
    )
    if campaign is None:
        return ""
    state["shown"].add(campaign.pk)
    if slot == selectors.LIST:
        name = "ads/slot_list.html"
    elif campaign.kind == Campaign.Kind.IMAGE:
        name = "ads/slot_image.html"
    else:
        name = "ads/slot_native.html"
    token = click_token(campaign_id=campaign.pk, slot=slot)
    # Editors' previews do not count: no beacon.
    beacon = (
        "" if getattr(request, "is_preview", False) else reverse("ads:impression", args=[token])
    )
    html = render_to_string(
        name,
        {
            "campaign": campaign,
            "slot": slot,
            "click_url": reverse("ads:click", args=[token]),
            "beacon_url": beacon,
            "level": level,
        },
        request=request,
    )
    return mark_safe(html)


@register.simple_tag
def ad_body_after(page: Any) -> int:
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
