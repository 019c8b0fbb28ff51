"""Readers signed up and confirmed through audience's services (no HTTP)."""

from __future__ import annotations

from typing import Any

from depesche.audience.models import ConsentRecord, OptInRequest, Subscriber, TagFollow
from depesche.audience.services import Visit, optin_confirm, signup_request
from depesche.audience.texts import ShownTexts
from depesche.core.net import truncated_ip
from depesche.core.tokens import make_token

SIGNUP_VISIT = Visit(source="modal", ip=truncated_ip("203.0.113.77"), user_agent="Mozilla/5.0 A")
CONFIRM_VISIT = Visit(source="bestaetigung", ip=truncated_ip("2001:db8:1:2::9"), user_agent="B/1")
PREFS_VISIT = Visit(source="einstellungen", ip="198.51.100.0", user_agent="C/2")


def signup(texts: ShownTexts, email: str = "leserin@example.org", **kwargs: Any) -> None:
    """A sign-up with consent for the Wochenrückblick, unless `kwargs` say otherwise."""
    arguments = {
        "email": email,
        "weekly": True,
        "tag": None,
        "frequency": TagFollow.Frequency.INSTANT,
        "consent": True,
        "consent_text": texts.consent,
        "privacy_text": texts.privacy,
        "terms_text": texts.terms,
        "visit": SIGNUP_VISIT,
    }
    arguments.update(kwargs)
    assert signup_request(**arguments) is None


def token_for(optin: OptInRequest) -> str:
    """The token of `optin`'s confirmation link."""
    return make_token("optin", optin.nonce)


def confirmed(texts: ShownTexts, email: str = "leserin@example.org", **kwargs: Any) -> Subscriber:
    """A reader who signed up and confirmed (no mails: on-commit callbacks are not run)."""
    signup(texts, email, **kwargs)
    optin = OptInRequest.objects.filter(subscriber__email=email).latest("pk")
    return optin_confirm(token=token_for(optin), visit=CONFIRM_VISIT)


def ledger(subscriber: Subscriber | None = None) -> list[tuple[str, str]]:
    """The consent ledger as (action, purpose), oldest first."""
    rows = ConsentRecord.objects.order_by("pk")
    if subscriber is not None:
        rows = rows.filter(subscriber=subscriber)
    return list(rows.values_list("action", "purpose"))
