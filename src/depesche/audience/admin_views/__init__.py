"""Wagtail admin views for readers: the consent ledger and the subscribers (menu "Leser").

Whoever may view them looks, never changes: the ledger is proof (append-only), and a reader's
settings change only through their own preference center. The viewsets therefore route only
the index and inspect views; there are no add, edit, copy, delete, history or usage URLs.

Readers' data is for those allowed. "view" shows the rows with addresses masked and without
network and browser; the permission "Leserdaten exportieren" shows them in full and allows
the ledger's CSV/XLSX export. "Leserdaten löschen" allows the one action that writes: erasing a
reader through the same service as the reader's own erasure. No group has either by default.
Exports and erasures are recorded in Wagtail's audit log (Reports → Site history).

- `common`: names, the reader-data permissions and masking (also for other apps' admin views)
- `ledger`: the consent ledger; `subscribers`: the subscribers and the erasure
The generic toolkit (read-only viewsets, exports, permission checks) is core.admin's.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.viewsets.model import ModelViewSetGroup

from depesche.audience.admin_views.common import CONSENTS, SUBSCRIBERS, sees_reader_data
from depesche.audience.admin_views.ledger import LEDGER_EXPORTED, ConsentRecordViewSet
from depesche.audience.admin_views.subscribers import READER_ERASED, SubscriberViewSet

__all__ = [
    "CONSENTS",
    "LEDGER_EXPORTED",
    "READER_ERASED",
    "SUBSCRIBERS",
    "ReadersGroup",
    "sees_reader_data",
]


class ReadersGroup(ModelViewSetGroup):
    """The "Leser" menu: ledger and subscribers; shown only to users who may view either."""

    menu_label = _("Leser")
    menu_icon = "group"
    menu_name = "leser"
    menu_order = 8000  # after Snippets, before Reports (9000)
    items = (ConsentRecordViewSet, SubscriberViewSet)
