"""What the readers' admin views share: names, the reader-data permissions and the masking.

Also what other apps' admin views use to treat readers' addresses the same way (delivery's
outbox views link to a subscriber and mask addresses for users without reader data)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column

from depesche.audience.links import ALL_LISTS, list_parse
from depesche.audience.models import TextVersion
from depesche.core.admin.listing import columns_masked
from depesche.core.admin.viewsets import ReadOnlyModelViewSet

# URL namespaces (and names) of the two viewsets.
CONSENTS = "audience_consents"
SUBSCRIBERS = "audience_subscribers"
# Permissions beyond "view" (Subscriber.Meta.permissions), for those who handle data requests.
EXPORT_PERMISSION = "audience.export_reader_data"
ERASE_PERMISSION = "audience.erase_reader"
READER_DATA_CODENAMES = ("export_reader_data", "erase_reader")


class ReaderDataViewSet(ReadOnlyModelViewSet):
    """Read-only, with the reader-data permissions for groups to grant."""

    extra_permission_codenames = READER_DATA_CODENAMES


def sees_reader_data(user: Any) -> bool:
    """Addresses, networks, browsers and the ledger export: "Leserdaten exportieren"."""
    return bool(user.has_perm(EXPORT_PERMISSION))


def may_erase(user: Any) -> bool:
    return bool(user.has_perm(ERASE_PERMISSION))


def columns_without_reader_data(
    columns: list[Column], email: Any, hidden: tuple[str, ...] = ()
) -> list[Column]:
    """`columns` for a user without "Leserdaten exportieren": the address column shows
    `email(row)` (masked), the `hidden` personal columns are left out."""
    return columns_masked(columns, masked={"email": email}, hidden=hidden)


def short_hash(version: TextVersion | None) -> str:
    return version.sha256[:12] if version else ""


def purpose_label(purpose: str) -> str:
    """A ledger row's purpose for people: read by links.list_parse, the one reader of list ids."""
    ref = list_parse(purpose)
    if ref.weekly:
        return str(_("Wochenrückblick"))
    if ref.topics:
        parts = []
        if ref.slugs or not ref.authors:
            parts.append(str(_("Thema „%(slug)s“")) % {"slug": ", ".join(ref.slugs)})
        if ref.authors:
            parts.append(str(_("Autor/in „%(slug)s“")) % {"slug": ", ".join(ref.authors)})
        return "; ".join(parts)
    if purpose == ALL_LISTS:
        return str(_("alle Listen"))
    return purpose
