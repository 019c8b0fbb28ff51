"""Wagtail admin: the "Leser" menu (consent ledger and subscribers, both read-only).

The newsletter texts (NewsletterSettings) register themselves under Settings through
`@register_setting` in models.py, labelled "Newsletter-Texte".
"""

from __future__ import annotations

from wagtail import hooks

from depesche.audience.admin_views import ReadersGroup


@hooks.register("register_admin_viewset")
def register_readers() -> ReadersGroup:
    return ReadersGroup()
