"""The Ressort-Zuordnung a new site starts with: dpa's desks and IPTC media topics onto the
five default sections. Editors change them in the admin; nothing here overwrites their rules."""

from __future__ import annotations

from django.db import transaction

from depesche.newsroom.models import SectionPage
from depesche.wire.formats.base import CategoryKind
from depesche.wire.models import SectionRule

# (kind, value, section title). dpa's desk codes come from its category scheme `dpacat`
# (dpa-digitalwires `categories`, type dnltype:desk); media topics are IPTC's top-level codes
# (https://cv.iptc.org/newscodes/mediatopic/), except 20000394, which dpa names "Börse".
# The narrower rule first: a stock-market story from the economy desk belongs in Finanzen.
DEFAULT_RULES: list[tuple[CategoryKind, str, str]] = [
    (CategoryKind.MEDIATOPIC, "medtop:20000394", "Finanzen"),
    (CategoryKind.DESK, "pl", "Politik"),
    (CategoryKind.DESK, "wi", "Wirtschaft"),
    (CategoryKind.DESK, "vm", "Panorama"),
    (CategoryKind.DESK, "ku", "Panorama"),
    (CategoryKind.DESK, "sp", "Panorama"),
    (CategoryKind.MEDIATOPIC, "medtop:11000000", "Politik"),
    (CategoryKind.MEDIATOPIC, "medtop:16000000", "Politik"),
    (CategoryKind.MEDIATOPIC, "medtop:04000000", "Wirtschaft"),
    (CategoryKind.MEDIATOPIC, "medtop:02000000", "Panorama"),
    (CategoryKind.MEDIATOPIC, "medtop:01000000", "Panorama"),
    (CategoryKind.MEDIATOPIC, "medtop:15000000", "Panorama"),
]


@transaction.atomic
def rules_defaults_create() -> int:
    """Add the default rules whose section exists and that no rule for all feeds already
    covers (same kind and value). Idempotent; returns how many were added."""
    sections = {section.title: section for section in SectionPage.objects.all()}
    existing = {
        (kind, value.casefold())
        for kind, value in SectionRule.objects.filter(feed__isnull=True).values_list(
            "kind", "value"
        )
    }
    added = 0
    for priority, (kind, value, title) in enumerate(DEFAULT_RULES, start=1):
        section = sections.get(title)
        if section is None or (kind.value, value.casefold()) in existing:
            continue
        SectionRule.objects.create(kind=kind, value=value, section=section, priority=priority * 10)
        added += 1
    return added
