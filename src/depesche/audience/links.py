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
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from depesche.audience.models import Subscriber
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


def unsubscribe_token(*, public_id: str, list_id: str) -> str:
    return make_token(UNSUBSCRIBE, {"p": public_id, "l": list_id})


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
