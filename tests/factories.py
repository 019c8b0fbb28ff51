"""Test data through factory_boy: articles published through Wagtail's revisions (like the
admin does), readers and their follows, advertisers and campaigns.

`publish_article` and `save_draft_article` are the readable names the tests use for
ArticlePageFactory; `follower` builds a reader with follows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import factory
import wagtail_factories
from django.utils import timezone
from factory.django import DjangoModelFactory
from taggit.models import Tag
from wagtail.blocks import StreamValue

from depesche.ads.models import Advertiser, Campaign
from depesche.audience.models import AuthorFollow, Subscriber, Subscription, TagFollow
from depesche.newsroom.models import ArticlePage, ArticlePageAuthor, Author, SectionPage
from depesche.newsroom.services import article_dates_record


def paragraphs(*texts: str) -> list[tuple[str, Any]]:
    return [("paragraph", f"<p>{text}</p>") for text in texts]


class ArticlePageFactory(wagtail_factories.PageFactory):
    """An article under `parent` (a section) with a saved revision, as the admin saves it.

    `tags`, `authors` (Author rows, in byline order) and `body` (a list of blocks, e.g.
    `paragraphs(…)`) are set before the first save;
    `publish=True` publishes the revision and `published_at` then backdates it. Without
    `parent`, `.build()` gives an unsaved article."""

    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Artikel Nummer {n}")
    slug = ""  # Wagtail derives it from the title, unique among the section's children
    teaser = "Ein kurzer Vorspann für den Test."
    byline = "Test Redaktion"

    @classmethod
    def _create(
        cls,
        model_class: type[ArticlePage],
        *args: Any,
        parent: SectionPage,
        tags: list[str] | None = None,
        authors: list[Author] | None = None,
        body: list[tuple[str, Any]] | None = None,
        publish: bool = False,
        published_at: datetime | None = None,
        **fields: Any,
    ) -> ArticlePage:
        fields.setdefault("live", False)
        article = model_class(**fields)
        article.body = StreamValue(ArticlePage.body.field.stream_block, body or paragraphs("Text."))
        if tags:
            article.tags.set(tags)
        if authors:
            article.article_authors = [  # type: ignore[assignment]
                ArticlePageAuthor(author=author, sort_order=i) for i, author in enumerate(authors)
            ]
        parent.add_child(instance=article)
        article.save_revision()
        if publish:
            article.get_latest_revision().publish()
            if published_at is not None:
                backdate(article, published_at)
        article.refresh_from_db()
        return article


def save_draft_article(section: SectionPage, **fields: Any) -> ArticlePage:
    """An article under `section` with a saved revision that was never published."""
    return ArticlePageFactory(parent=section, **fields)


def publish_article(section: SectionPage, **fields: Any) -> ArticlePage:
    """An article under `section`, published; `published_at` backdates it."""
    return ArticlePageFactory(parent=section, publish=True, **fields)


LONG_AGO = datetime(2024, 5, 2, 7, 15, tzinfo=UTC)


def backdate(article: ArticlePage, when: datetime = LONG_AGO) -> ArticlePage:
    """Pretend `article` was published (and last updated) at `when`; returns it reloaded."""
    article_dates_record(
        article_id=article.pk, first_published_at=when, last_published_at=when, updated_at=when
    )
    return ArticlePage.objects.get(pk=article.pk)


def reload(article: ArticlePage) -> ArticlePage:
    """`article` as the database has it now."""
    return ArticlePage.objects.get(pk=article.pk)


def words(count: int, word: str = "Wort") -> str:
    """`count` space-separated words, for bodies of a known length."""
    return " ".join([word] * count)


def make_image(title: str = "Testbild") -> Any:
    """A stored Wagtail image (generated PNG), for image blocks."""
    return wagtail_factories.ImageFactory(title=title)


# --- readers -------------------------------------------------------------------------------


class TagFactory(DjangoModelFactory):
    """A tag by name (the existing one if there is one)."""

    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.LazyAttribute(lambda tag: tag.name.lower())


class SubscriberFactory(DjangoModelFactory):
    """A reader (the existing one for a known address); active unless `status` says otherwise."""

    class Meta:
        model = Subscriber
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"leser{n}@example.org")
    status = Subscriber.Status.ACTIVE


class TagFollowFactory(DjangoModelFactory):
    """A reader following a tag, confirmed and instant unless told otherwise."""

    class Meta:
        model = TagFollow

    subscriber = factory.SubFactory(SubscriberFactory)
    tag = factory.SubFactory(TagFactory)
    frequency = TagFollow.Frequency.INSTANT
    active = True


class WeeklySubscriptionFactory(DjangoModelFactory):
    """A reader's subscription to the Wochenrückblick, active unless told otherwise."""

    class Meta:
        model = Subscription

    subscriber = factory.SubFactory(SubscriberFactory)
    purpose = Subscription.Purpose.WEEKLY
    active = True


def follower(
    email: str, *tags: str, frequency: str = "sofort", status: str = "active", active: bool = True
) -> Subscriber:
    """A reader (created if new) following `tags` (created if new) at `frequency`."""
    subscriber = SubscriberFactory(email=email, status=status)
    for name in tags:
        TagFollowFactory(subscriber=subscriber, tag__name=name, frequency=frequency, active=active)
    return subscriber


def author_follower(
    email: str, *authors: Author, frequency: str = "sofort", status: str = "active"
) -> Subscriber:
    """A reader (created if new) following `authors` by email at `frequency`, confirmed."""
    subscriber = SubscriberFactory(email=email, status=status)
    for author in authors:
        AuthorFollow.objects.create(
            subscriber=subscriber,
            author=author,
            frequency=frequency,
            active=True,
            confirmed_at=timezone.now(),
        )
    return subscriber


# --- advertising ---------------------------------------------------------------------------


class AdvertiserFactory(DjangoModelFactory):
    class Meta:
        model = Advertiser
        django_get_or_create = ("name",)

    name = "Nordlicht AG"


class CampaignFactory(DjangoModelFactory):
    """A running native teaser to an external URL, validated like the admin's form
    (`full_clean`), unless the fields say otherwise; `sections` and `tags` target it."""

    class Meta:
        model = Campaign
        skip_postgeneration_save = True

    advertiser = factory.SubFactory(AdvertiserFactory)
    name = "Kampagne"
    starts_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
    ends_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    kind = Campaign.Kind.NATIVE
    brand = "Nordlicht"
    headline = factory.LazyAttribute(lambda campaign: f"{campaign.name}: jetzt entdecken")
    teaser = "Ein Angebot, das es so nur hier gibt."
    target_url = "https://nordlicht.example/angebot"

    @classmethod
    def _create(cls, model_class: type[Campaign], *args: Any, **fields: Any) -> Campaign:
        campaign = model_class(*args, **fields)
        campaign.full_clean()
        campaign.save()
        return campaign

    @factory.post_generation
    def sections(campaign: Campaign, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            campaign.target_sections.set(extracted)

    @factory.post_generation
    def tags(campaign: Campaign, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            campaign.target_tags.set(extracted)
