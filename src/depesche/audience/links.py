"""The reader's signed links and cookie: what they carry, how long they hold, what revokes them.

Every token carries the reader's random `public_id`, never the sequential pk (a pk in a link
tells how many readers there are and invites guessing).

- Preference links ("prefs") and the reader cookie ("reader") carry [public_id, token_version]
  and expire after settings.READER_COOKIE_MAX_AGE (30 days; every mail brings a new link).
  "Forget this device" raises token_version, which revokes the cookie on every browser and
  every preference link minted before; erasure deletes the reader, which revokes everything.
- One-click unsubscribe links carry {"p": public_id, "l": list} and never expire, and
  "forget this device" leaves them alone: a mail from last year must still unsubscribe.
  Links minted before public_id existed carried {"s": pk}; they are still read, for
  unsubscribing only.

This module is also the only place that spells a list id ("wochenrueckblick", "thema:<slugs>",
"autor:<slugs>", both as "thema:<slugs>;autor:<slugs>", "alle": what a mail belongs to, and the
consent ledger's purposes) and the List-Unsubscribe
header, its one-click URL and its mailto: subject; and the only one that reads them back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote

from django.conf import settings
from django.urls import reverse

from depesche.audience.models import Subscriber, Subscription
from depesche.core.tokens import TokenInvalid, make_token, read_token

PREFS = "prefs"
READER = "reader"
UNSUBSCRIBE = "unsubscribe"


def _max_age() -> int:
    return int(settings.READER_COOKIE_MAX_AGE)


def reader_token(*, public_id: str, token_version: int, purpose: str = PREFS) -> str:
    """A preference link's token (or, with purpose=READER, the cookie's value)."""
    return make_token(purpose, [public_id, token_version])


def reader_token_for(subscriber: Subscriber, purpose: str = PREFS) -> str:
    return reader_token(
        public_id=subscriber.public_id, token_version=subscriber.token_version, purpose=purpose
    )


def reader_from_token(*, token: str, purpose: str = PREFS) -> Subscriber:
    """The reader a preference link or cookie was made for.

    Raises TokenExpired (older than 30 days) or TokenInvalid (tampered, another purpose, made
    before "forget this device", the reader erased, or an old link carrying the pk).
    """
    value = read_token(purpose, token, max_age=_max_age())
    if not (
        isinstance(value, list)
        and len(value) == 2
        and isinstance(value[0], str)
        and isinstance(value[1], int)
    ):
        raise TokenInvalid("not a reader token")
    public_id, version = value
    subscriber = Subscriber.objects.filter(public_id=public_id).first()
    if subscriber is None or subscriber.token_version != version:
        raise TokenInvalid("no such reader, or the link was revoked")
    return subscriber


# --- list ids -------------------------------------------------------------------------------

WEEKLY_LIST = Subscription.Purpose.WEEKLY.value  # the Wochenrückblick
BREAKING_LIST = Subscription.Purpose.BREAKING.value  # the Eilmeldungen
ALL_LISTS = "alle"  # everything the reader gets
_TOPICS = "thema:"
# An author as a topic: the prefix of its list, and of its key among an alert's matched topics
# (Delivery.matched_slugs holds tag slugs and "autor:<slug>" keys; the fan-out's SQL writes
# them with this prefix).
AUTHOR_PREFIX = "autor:"
_PARTS = ";"  # between the tags' and the authors' part of one list id


def author_key(slug: str) -> str:
    """An author's key among an alert's matched topics, and the list id of that one author."""
    return AUTHOR_PREFIX + slug


def topics_list_id(keys: Iterable[str]) -> str:
    """The list of one or more followed topics: an alert names every followed topic it matched
    (tag slugs, and authors as author_key), "thema:energie,klima", "autor:anna-muster" or
    "thema:energie;autor:anna-muster", and its one-click link ends exactly those follows."""
    slugs: list[str] = []
    authors: list[str] = []
    for key in keys:
        if key.startswith(AUTHOR_PREFIX):
            authors.append(key.removeprefix(AUTHOR_PREFIX))
        else:
            slugs.append(key)
    parts = [_TOPICS + ",".join(slugs)] if slugs or not authors else []
    if authors:
        parts.append(AUTHOR_PREFIX + ",".join(authors))
    return _PARTS.join(parts)


@dataclass(frozen=True)
class ListRef:
    """A list id read back: the Wochenrückblick, some topics (tags and authors), or
    everything."""

    weekly: bool = False
    breaking: bool = False
    topics: bool = False
    slugs: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()

    @property
    def everything(self) -> bool:
        return not (self.weekly or self.breaking or self.topics)


def _slugs(text: str) -> tuple[str, ...]:
    return tuple(slug for slug in text.split(",") if slug)


def list_parse(list_id: str) -> ListRef:
    """What `list_id` names; anything unknown means every list (the safe reading for a reader
    who asked to unsubscribe)."""
    if list_id == WEEKLY_LIST:
        return ListRef(weekly=True)
    if list_id == BREAKING_LIST:
        return ListRef(breaking=True)
    slugs: tuple[str, ...] = ()
    authors: tuple[str, ...] = ()
    for part in list_id.split(_PARTS):
        if part.startswith(_TOPICS):
            slugs += _slugs(part.removeprefix(_TOPICS))
        elif part.startswith(AUTHOR_PREFIX):
            authors += _slugs(part.removeprefix(AUTHOR_PREFIX))
        else:
            return ListRef()
    return ListRef(topics=True, slugs=slugs, authors=authors)


# --- one-click unsubscribe: token, URL, mailto: and the List-Unsubscribe header ---------------


def unsubscribe_token(*, public_id: str, list_id: str) -> str:
    return make_token(UNSUBSCRIBE, {"p": public_id, "l": list_id})


def _one_click_url(token: str) -> str:
    return settings.BASE_URL + reverse("audience:one-click", args=[token])


def unsubscribe_url(subscriber: Subscriber, list_id: str) -> str:
    return _one_click_url(unsubscribe_token(public_id=subscriber.public_id, list_id=list_id))


def unsubscribe_url_format() -> str:
    """The one-click URL with "{}" where the token goes: for filling a million links without
    reversing the URL each time (delivery/rendering.py)."""
    head, _, tail = _one_click_url("TOKEN").rpartition("TOKEN")
    return _brace(head) + "{}" + _brace(tail)


def _brace(text: str) -> str:
    return text.replace("{", "{{").replace("}", "}}")


# What the mailto: link puts in the subject: "unsubscribe <one-click token>". Signed tokens are
# URL-safe base64 and colons. Only this form counts: a quoted one-click URL in a reply does not.
_MAILTO_SUBJECT = "unsubscribe {}"
_MAILTO_TOKEN = re.compile(r"\bunsubscribe\s+([A-Za-z0-9_\-]+(?::[A-Za-z0-9_\-]+)+)", re.I)


def unsubscribe_mailto_for_token(token: str) -> str:
    """The mailto: target (without "mailto:") whose mail unsubscribes what `token` names; ""
    where no mail to settings.UNSUBSCRIBE_MAILTO reaches us."""
    if not settings.UNSUBSCRIBE_MAILTO:
        return ""
    return f"{settings.UNSUBSCRIBE_MAILTO}?subject=" + quote(_MAILTO_SUBJECT.format(token))


def unsubscribe_mailto(subscriber: Subscriber, list_id: str) -> str:
    token = unsubscribe_token(public_id=subscriber.public_id, list_id=list_id)
    return "mailto:" + unsubscribe_mailto_for_token(token)


def token_in_mail(text: str) -> str | None:
    """The one-click token a mail to the unsubscribe address carries (subject or body)."""
    found = _MAILTO_TOKEN.search(text)
    return found.group(1) if found else None


def list_unsubscribe_value(url: str, mailto: str = "") -> str:
    """The List-Unsubscribe header (RFC 2369): the one-click URL, and the mailto: target where
    there is one."""
    return f"<{url}>, <mailto:{mailto}>" if mailto else f"<{url}>"


def list_unsubscribe_headers(subscriber: Subscriber, list_id: str) -> dict[str, str]:
    """RFC 2369 + RFC 8058 headers: one click in the mail client unsubscribes this list. The
    mailto: part only where mail to that address reaches us (the email service's inbound
    webhook, delivery/webhooks.py); settings.UNSUBSCRIBE_MAILTO is empty otherwise."""
    token = unsubscribe_token(public_id=subscriber.public_id, list_id=list_id)
    mailto = unsubscribe_mailto_for_token(token)
    return {
        "List-Unsubscribe": list_unsubscribe_value(_one_click_url(token), mailto),
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


@dataclass(frozen=True)
class UnsubscribeTarget:
    subscriber: Subscriber | None  # None: the reader is gone (erased); nothing to do
    list_id: str


def unsubscribe_target(*, token: str) -> UnsubscribeTarget:
    """What a one-click link unsubscribes. Never expires. Raises TokenInvalid."""
    value = read_token(UNSUBSCRIBE, token)
    if not isinstance(value, dict) or not isinstance(value.get("l"), str):
        raise TokenInvalid("not an unsubscribe token")
    if isinstance(value.get("p"), str):
        found = Subscriber.objects.filter(public_id=value["p"])
    elif isinstance(value.get("s"), int):
        # Minted before public_id existed; old mails must still unsubscribe.
        found = Subscriber.objects.filter(pk=value["s"])
    else:
        raise TokenInvalid("not an unsubscribe token")
    return UnsubscribeTarget(found.first(), value["l"])
