"""The wire desk in Wagtail's admin."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from depesche.wire.stories import WITHDRAW_ACTION


@hooks.register("register_log_actions")
def register_withdraw_action(actions: Any) -> None:
    # The importer's unpublish has its own entry, so a later version can tell it from an
    # editor's ("wagtail.unpublish"), and the page history says why the article went offline.
    actions.register_action(
        WITHDRAW_ACTION,
        _("Von der Agentur zurückgezogen"),
        _("Von der Agentur zurückgezogen: offline genommen"),
    )
