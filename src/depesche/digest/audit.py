"""The Wochenrückblick's entries in Wagtail's audit log (Reports → Site history).

Approval and publication are what editors answer for: who released which week, and when it
went out. The services log them: an approval in the same transaction, a publication once the
mails are queued."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogActionRegistry, log

from depesche.digest.models import Digest

APPROVED = "depesche.digest.approve"
PUBLISHED = "depesche.digest.publish"


def register_log_actions(actions: LogActionRegistry) -> None:
    """For the `register_log_actions` hook (digest/wagtail_hooks.py)."""
    actions.register_action(
        APPROVED, _("Wochenrückblick freigeben"), _("Wochenrückblick freigegeben")
    )
    actions.register_action(
        PUBLISHED, _("Wochenrückblick veröffentlichen"), _("Wochenrückblick veröffentlicht")
    )


def digest_approved_log(*, digest: Digest, user: Any | None, auto: bool) -> None:
    """An approval; `user` None: automatic (the log shows "system")."""
    log(instance=digest, action=APPROVED, user=user, data={"auto": auto})


def digest_published_log(*, digest: Digest, mails: int, podcast: bool) -> None:
    """A publication: how many mails were queued, whether the podcast episode was made."""
    log(instance=digest, action=PUBLISHED, data={"mails": mails, "podcast": podcast})
