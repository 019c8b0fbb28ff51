"""What a reader gets: follows and their frequency, the Wochenrückblick, leaving a list or
everything. Every consent and withdrawal is in the ledger."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from taggit.models import Tag

from depesche.audience.ledger import Visit, ledger_write, purpose_for
from depesche.audience.links import (
    ALL_LISTS,
    BREAKING_LIST,
    WEEKLY_LIST,
    author_key,
    list_parse,
    topics_list_id,
)
from depesche.audience.models import (
    REACHABLE,
    AuthorFollow,
    ConsentRecord,
    Subscriber,
    Subscription,
    TagFollow,
    TextVersion,
)
from depesche.newsroom.models import Author


class NotConfirmed(Exception):
    """The reader's address is not confirmed (or no longer subscribed): a double opt-in is due."""


@transaction.atomic
def follow_tag(
    *,
    subscriber: Subscriber,
    tag: Tag,
    consent_text: TextVersion,
    privacy_text: TextVersion | None,
    visit: Visit,
    frequency: str = TagFollow.Frequency.INSTANT,
) -> TagFollow:
    """One-click follow for a reader whose address is confirmed. Raises NotConfirmed."""
    follow = _follow(
        TagFollow,
        subscriber=subscriber,
        topic={"tag": tag},
        purpose=purpose_for(weekly=False, tag=tag),
        consent=(consent_text, privacy_text),
        visit=visit,
        frequency=frequency,
    )
    assert isinstance(follow, TagFollow)
    return follow


def _follow(
    model: type[TagFollow] | type[AuthorFollow],
    *,
    subscriber: Subscriber,
    topic: dict[str, Any],
    purpose: str,
    consent: tuple[TextVersion, TextVersion | None],
    visit: Visit,
    frequency: str,
) -> TagFollow | AuthorFollow:
    """Follow a tag or an author (`topic`) at once, the reader's address being confirmed: a new
    or ended follow becomes active and the consent goes in the ledger. Raises NotConfirmed."""
    if subscriber.status != Subscriber.Status.ACTIVE:
        raise NotConfirmed
    follow, created = model._default_manager.get_or_create(
        subscriber=subscriber,
        **topic,
        defaults={"active": True, "confirmed_at": timezone.now(), "frequency": frequency},
    )
    reactivated = not created and not follow.active
    if reactivated:
        follow.active = True
        follow.confirmed_at = timezone.now()
        follow.save(update_fields=["active", "confirmed_at"])
    if created or reactivated:
        consent_text, privacy_text = consent
        ledger_write(
            subscriber,
            ConsentRecord.Action.CONSENT,
            purpose,
            visit,
            consent_text=consent_text,
            privacy_text=privacy_text,
        )
    return follow


def _frequency_set(
    model: type[TagFollow] | type[AuthorFollow],
    *,
    subscriber: Subscriber,
    follow_id: int,
    frequency: str,
) -> TagFollow | AuthorFollow:
    if frequency not in TagFollow.Frequency.values:
        raise ValueError(f"unknown frequency {frequency!r}")
    follow = model._default_manager.get(pk=follow_id, subscriber=subscriber)
    follow.frequency = frequency
    follow.save(update_fields=["frequency"])
    return follow


def follow_frequency_set(*, subscriber: Subscriber, follow_id: int, frequency: str) -> TagFollow:
    """Raises TagFollow.DoesNotExist for a follow that is not the reader's."""
    follow = _frequency_set(
        TagFollow, subscriber=subscriber, follow_id=follow_id, frequency=frequency
    )
    assert isinstance(follow, TagFollow)
    return follow


@transaction.atomic
def follow_end(*, subscriber: Subscriber, tag: Tag, visit: Visit) -> bool:
    """Stop following `tag`; records the withdrawal. False if there was nothing to end."""
    deleted, _ = TagFollow.objects.filter(subscriber=subscriber, tag=tag).delete()
    if deleted:
        ledger_write(subscriber, ConsentRecord.Action.WITHDRAWAL, topics_list_id([tag.slug]), visit)
    return bool(deleted)


@transaction.atomic
def follow_author(
    *,
    subscriber: Subscriber,
    author: Author,
    consent_text: TextVersion,
    privacy_text: TextVersion | None,
    visit: Visit,
    frequency: str = TagFollow.Frequency.INSTANT,
) -> AuthorFollow:
    """One-click follow of an author for a reader whose address is confirmed, like follow_tag.
    Raises NotConfirmed."""
    follow = _follow(
        AuthorFollow,
        subscriber=subscriber,
        topic={"author": author},
        purpose=purpose_for(weekly=False, tag=None, author=author),
        consent=(consent_text, privacy_text),
        visit=visit,
        frequency=frequency,
    )
    assert isinstance(follow, AuthorFollow)
    return follow


def author_follow_frequency_set(
    *, subscriber: Subscriber, follow_id: int, frequency: str
) -> AuthorFollow:
    """Raises AuthorFollow.DoesNotExist for a follow that is not the reader's."""
    follow = _frequency_set(
        AuthorFollow, subscriber=subscriber, follow_id=follow_id, frequency=frequency
    )
    assert isinstance(follow, AuthorFollow)
    return follow


@transaction.atomic
def author_follow_end(*, subscriber: Subscriber, author: Author, visit: Visit) -> bool:
    """Stop following `author`; records the withdrawal. False if there was nothing to end."""
    deleted, _ = AuthorFollow.objects.filter(subscriber=subscriber, author=author).delete()
    if deleted:
        purpose = topics_list_id([author_key(author.slug)])
        ledger_write(subscriber, ConsentRecord.Action.WITHDRAWAL, purpose, visit)
    return bool(deleted)


def weekly_set(
    *,
    subscriber: Subscriber,
    on: bool,
    visit: Visit,
    consent_text: TextVersion | None = None,
    privacy_text: TextVersion | None = None,
) -> None:
    """Switch the Wochenrückblick on (confirmed readers only: raises NotConfirmed) or off."""
    list_set(
        subscriber=subscriber,
        purpose=WEEKLY_LIST,
        on=on,
        visit=visit,
        consent_text=consent_text,
        privacy_text=privacy_text,
    )


def breaking_set(
    *,
    subscriber: Subscriber,
    on: bool,
    visit: Visit,
    consent_text: TextVersion | None = None,
    privacy_text: TextVersion | None = None,
) -> None:
    """Switch the Eilmeldungen by email on (confirmed readers only: raises NotConfirmed) or
    off."""
    list_set(
        subscriber=subscriber,
        purpose=BREAKING_LIST,
        on=on,
        visit=visit,
        consent_text=consent_text,
        privacy_text=privacy_text,
    )


@transaction.atomic
def list_set(
    *,
    subscriber: Subscriber,
    purpose: str,
    on: bool,
    visit: Visit,
    consent_text: TextVersion | None = None,
    privacy_text: TextVersion | None = None,
) -> None:
    """Switch a list (Subscription.Purpose) on or off, each change in the consent ledger."""
    now = timezone.now()
    current = subscriber.subscriptions.filter(purpose=purpose, active=True).exists()
    if on == current:
        return
    if on:
        if subscriber.status != Subscriber.Status.ACTIVE:
            raise NotConfirmed
        Subscription.objects.update_or_create(
            subscriber=subscriber,
            purpose=purpose,
            defaults={"active": True, "confirmed_at": now, "ended_at": None},
        )
        ledger_write(
            subscriber,
            ConsentRecord.Action.CONSENT,
            purpose,
            visit,
            consent_text=consent_text,
            privacy_text=privacy_text,
        )
    else:
        subscriber.subscriptions.filter(purpose=purpose).update(active=False, ended_at=now)
        ledger_write(subscriber, ConsentRecord.Action.WITHDRAWAL, purpose, visit)


@transaction.atomic
def unsubscribe_all(*, subscriber: Subscriber, visit: Visit) -> None:
    """End every subscription and follow; the address stays known but gets nothing more.

    A suppressed reader stays suppressed (bounced, complained): only an active or unconfirmed
    reader becomes "unsubscribed"."""
    now = timezone.now()
    subscriber.subscriptions.update(active=False, ended_at=now)
    subscriber.follows.all().delete()
    subscriber.author_follows.all().delete()
    if subscriber.status in REACHABLE:
        subscriber.status = Subscriber.Status.UNSUBSCRIBED
    subscriber.unsubscribed_at = now
    subscriber.save()
    ledger_write(subscriber, ConsentRecord.Action.WITHDRAWAL, ALL_LISTS, visit)


def list_unsubscribe(*, subscriber: Subscriber, list_id: str, visit: Visit) -> None:
    """Unsubscribe exactly the list a message belonged to (RFC 8058 one-click)."""
    lists = list_parse(list_id)
    if lists.weekly:
        weekly_set(subscriber=subscriber, on=False, visit=visit)
    elif lists.breaking:
        breaking_set(subscriber=subscriber, on=False, visit=visit)
    elif lists.topics:
        for tag in Tag.objects.filter(slug__in=lists.slugs):
            follow_end(subscriber=subscriber, tag=tag, visit=visit)
        for author in Author.objects.filter(slug__in=lists.authors):
            author_follow_end(subscriber=subscriber, author=author, visit=visit)
    else:
        unsubscribe_all(subscriber=subscriber, visit=visit)
