"""The consent ledger's writes, and the address forms it keeps: normalised, or as a salted hash
once the reader is erased."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from taggit.models import Tag

from depesche.audience.links import ALL_LISTS, WEEKLY_LIST, author_key, topics_list_id
from depesche.audience.models import ConsentRecord, Subscriber, TextVersion
from depesche.newsroom.models import Author


@dataclass
class Visit:
    """Where a request came from, as the ledger keeps it."""

    source: str
    ip: str = ""
    user_agent: str = ""


def email_normalise(raw: str) -> str:
    return raw.strip().lower()


def address_hash(email: str) -> str:
    """Salted hash of an address: recognisable again, but not readable."""
    key = settings.HASH_SALT.encode()
    return hmac.new(key, email_normalise(email).encode(), hashlib.sha256).hexdigest()


def purpose_for(*, weekly: bool, tag: Tag | None, author: Author | None = None) -> str:
    """The ledger's purpose of a consent: the list id of what it is for (audience/links.py)."""
    if weekly:
        return WEEKLY_LIST
    if tag is not None:
        return topics_list_id([tag.slug])
    if author is not None:
        return topics_list_id([author_key(author.slug)])
    return ALL_LISTS


def ledger_write(
    subscriber: Subscriber,
    action: str,
    purpose: str,
    visit: Visit,
    *,
    consent_text: TextVersion | None = None,
    privacy_text: TextVersion | None = None,
    terms_text: TextVersion | None = None,
    nonce: str = "",
) -> ConsentRecord:
    """Append one consent, confirmation or withdrawal; the caller's transaction holds it."""
    return ConsentRecord.objects.create(
        subscriber=subscriber,
        email=subscriber.email,
        action=action,
        purpose=purpose,
        consent_text=consent_text,
        privacy_text=privacy_text,
        terms_text=terms_text,
        source=visit.source,
        request_nonce=nonce,
        ip_truncated=visit.ip,
        user_agent=visit.user_agent,
    )
