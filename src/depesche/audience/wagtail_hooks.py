"""Wagtail admin: the "Leser" menu (consent ledger and subscribers, both read-only) and the
audit log's actions for readers' data (export, erasure).

The newsletter texts (NewsletterSettings) register themselves under Settings through
`@register_setting` in models.py, labelled "Newsletter-Texte".
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogActionRegistry

from depesche.audience.admin_views import LEDGER_EXPORTED, READER_ERASED, ReadersGroup


@hooks.register("register_admin_viewset")
def register_readers() -> ReadersGroup:
    return ReadersGroup()


@hooks.register("register_log_actions")
def register_reader_log_actions(actions: LogActionRegistry) -> None:
    actions.register_action(
        LEDGER_EXPORTED,
        _("Einwilligungsnachweise exportieren"),
        _("Einwilligungsnachweise exportiert"),
    )
    actions.register_action(READER_ERASED, _("Leserdaten löschen"), _("Leserdaten gelöscht"))
