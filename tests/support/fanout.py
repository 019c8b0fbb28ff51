"""A fan-out of known size: many readers following one tag, and the article that alerts them
(the reliability tests' and the RQ worker tests' starting point)."""

from __future__ import annotations

from depesche.audience.models import Subscriber, TagFollow
from depesche.newsroom.services import SiteTree
from tests.factories import SubscriberFactory, TagFactory, TagFollowFactory, publish_article

TAG = "Energie"


def seed_instant_followers(count: int) -> list[str]:
    """`count` active readers following TAG at once; returns their addresses."""
    tag = TagFactory(name=TAG)
    emails = [f"leser{i:04d}@example.org" for i in range(count)]
    # Built by the factory, written in one INSERT: hundreds of readers in milliseconds.
    Subscriber.objects.bulk_create([SubscriberFactory.build(email=email) for email in emails])
    subscribers = list(Subscriber.objects.filter(email__in=emails))
    TagFollow.objects.bulk_create(
        [TagFollowFactory.build(subscriber=s, tag=tag) for s in subscribers]
    )
    return emails


def publish_followed_article(site_tree: SiteTree) -> None:
    """Publish an article tagged TAG. In a transactional test the publication commits at once
    and its on-commit fan-out runs."""
    publish_article(site_tree.sections["Wirtschaft"], tags=[TAG])
