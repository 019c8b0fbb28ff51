"""`{% ad_slot "article-body" page=page %}`: one labelled ad, or nothing at all.

Which ad, and where the slots go, is ads.selectors' decision; the tags only render it."""

from __future__ import annotations

import random
from typing import Any

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from depesche.ads import selectors
from depesche.ads.models import Campaign
from depesche.ads.services import click_token

register = template.Library()

# Replaced by tests for reproducible draws.
RNG = random.Random()


def _template_for(campaign: Campaign, slot: str) -> str:
    if slot == selectors.LIST:
        return "ads/slot_list.html"
    if campaign.kind == Campaign.Kind.IMAGE:
        return "ads/slot_image.html"
    return "ads/slot_native.html"


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
    if position is not None and not selectors.list_slot_here(position=position, last=last):
        return ""
    request = context.get("request")
    campaign = selectors.ad_for_slot(
        request=request,
        slot=slot,
        page=page,
        tag=tag,
        article_tags=context.get("article_tags"),
        rng=RNG,
    )
    if campaign is None:
        return ""
    token = click_token(campaign_id=campaign.pk, slot=slot)
    # Editors' previews do not count: no beacon.
    beacon = (
        "" if getattr(request, "is_preview", False) else reverse("ads:impression", args=[token])
    )
    html = render_to_string(
        _template_for(campaign, slot),
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
    """The 1-based block number after which the in-article slot goes (0: after the body)."""
    return selectors.body_slot_after(page=page)
