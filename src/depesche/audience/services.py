"""Every write concerning readers, by concept:

- signup.py: sign-up, double opt-in, the preference link asked for by address;
- subscriptions.py: follows, the Wochenrückblick, leaving a list or everything;
- erasure.py: export, erasure, "forget this device", the purge of unconfirmed sign-ups;
- ledger.py: the consent ledger's writes and the address forms it keeps;
- mails.py: the mails those ask for (sent by tasks.py).

What the email service reports (bounces, complaints) is the outbox's: delivery/suppression.py.

This module only names them for callers that import "the audience services" as one; new code
imports the module of the concept.
"""

from __future__ import annotations

from depesche.audience.erasure import (
    UNCONFIRMED_RETENTION,
    optins_purge_unconfirmed,
    reader_tokens_revoke,
    subscriber_erase,
    subscriber_export,
)
from depesche.audience.ledger import Visit, address_hash, email_normalise, purpose_for
from depesche.audience.links import ALL_LISTS
from depesche.audience.links import WEEKLY_LIST as WEEKLY
from depesche.audience.mails import OPTIN_MAX_AGE
from depesche.audience.signup import (
    NOTE_INTERVAL,
    ConsentMissing,
    OptInAlreadyUsed,
    optin_confirm,
    preference_link_request,
    signup_request,
)
from depesche.audience.subscriptions import (
    NotConfirmed,
    follow_end,
    follow_frequency_set,
    follow_tag,
    list_unsubscribe,
    unsubscribe_all,
    weekly_set,
)

__all__ = [
    "ALL_LISTS",
    "NOTE_INTERVAL",
    "OPTIN_MAX_AGE",
    "UNCONFIRMED_RETENTION",
    "WEEKLY",
    "ConsentMissing",
    "NotConfirmed",
    "OptInAlreadyUsed",
    "Visit",
    "address_hash",
    "email_normalise",
    "follow_end",
    "follow_frequency_set",
    "follow_tag",
    "list_unsubscribe",
    "optin_confirm",
    "optins_purge_unconfirmed",
    "preference_link_request",
    "purpose_for",
    "reader_tokens_revoke",
    "signup_request",
    "subscriber_erase",
    "subscriber_export",
    "unsubscribe_all",
    "weekly_set",
]
